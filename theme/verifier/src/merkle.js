// RFC 6962 / RFC 9162 Merkle trees (spec §2): leaf and node hashes, the streaming root,
// inclusion paths over a list of leaves, and inclusion/consistency verification.

import { eqBytes } from './bytes.js';
import { sha256, sha256Create, prefixedSha256 } from './hash.js';

export const EMPTY_ROOT = sha256(new Uint8Array(0));
const LEAF = prefixedSha256(sha256Create().update(new Uint8Array([0])));
const NODE = prefixedSha256(sha256Create().update(new Uint8Array([1])));

/** SHA-256(0x00 || data...) — several parts are hashed as their concatenation. */
export function leafHash(...data) {
  return LEAF(...data);
}

export function nodeHash(left, right) {
  return NODE(left, right);
}

/** Largest power of two strictly less than n (n >= 2). */
export function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Streaming root (spec §2.3): O(log n) memory, one pass. */
export class TreeBuilder {
  constructor() {
    this.stack = [];
    this.size = 0;
  }

  append(h) {
    let s = this.size;
    while (s & 1) {
      h = nodeHash(this.stack.pop(), h);
      s = Math.floor(s / 2);
    }
    this.stack.push(h);
    this.size++;
  }

  root() {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let r = this.stack[this.stack.length - 1];
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i], r);
    return r;
  }
}

/** MTH over leafHashes[start:end]. */
export function subtreeRoot(leafHashes, start = 0, end = leafHashes.length) {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leafHashes[start];
  const k = split(n);
  return nodeHash(subtreeRoot(leafHashes, start, start + k), subtreeRoot(leafHashes, start + k, end));
}

/** PATH(m, D[n]) over leafHashes (RFC 9162 §2.1.3.1), ordered from the leaf's sibling up. */
export function inclusionPath(leafHashes, m, start = 0, end = leafHashes.length) {
  const n = end - start;
  if (n <= 1) return [];
  const k = split(n);
  if (m < k) return [...inclusionPath(leafHashes, m, start, start + k), subtreeRoot(leafHashes, start + k, end)];
  return [...inclusionPath(leafHashes, m - k, start + k, end), subtreeRoot(leafHashes, start, start + k)];
}

function isPowerOfTwo(m) {
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}

/**
 * All levels of one tree (about 2n hashes) for many proofs over it: level k+1 holds
 * node_hash of each complete pair of level k, as publisher.core.merkle.MerkleTree keeps them.
 */
export class MerkleTree {
  constructor(leafHashes) {
    this.levels = [leafHashes];
    let level = leafHashes;
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
      this.levels.push(next);
      level = next;
    }
  }

  get size() {
    return this.levels[0].length;
  }

  subtreeRoot(start, end) {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    const height = Math.floor(Math.log2(n));
    if (2 ** height === n && start % n === 0) return this.levels[height][start / n];
    const k = split(n);
    return nodeHash(this.subtreeRoot(start, start + k), this.subtreeRoot(start + k, end));
  }

  root() {
    return this.subtreeRoot(0, this.size);
  }

  inclusionProof(m, start = 0, end = this.size) {
    const n = end - start;
    if (n <= 1) return [];
    const k = split(n);
    if (m < k) return [...this.inclusionProof(m, start, start + k), this.subtreeRoot(start + k, end)];
    return [...this.inclusionProof(m - k, start + k, end), this.subtreeRoot(start, start + k)];
  }
}

const isHash = (h) => h instanceof Uint8Array && h.length === 32;
const isSize = (n) => Number.isSafeInteger(n) && n >= 0;

/** RFC 9162 §2.1.3.2. Every hash must be 32 bytes. */
export function verifyInclusion(leaf, index, size, proof, root) {
  if (!isHash(leaf) || !isHash(root) || !isSize(index) || !isSize(size) || !Array.isArray(proof)) return false;
  if (!proof.every(isHash)) return false;
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const c of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(c, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eqBytes(r, root);
}

/** RFC 9162 §2.1.4.2 with the m = 0 rule of spec §2.5. */
export function verifyConsistency(m, n, root1, root2, proof) {
  if (!isSize(m) || !isSize(n) || !isHash(root1) || !isHash(root2) || !Array.isArray(proof)) return false;
  if (!proof.every(isHash)) return false;
  if (m > n) return false;
  if (n === 0 && !eqBytes(root2, EMPTY_ROOT)) return false;
  if (m === 0) return proof.length === 0 && eqBytes(root1, EMPTY_ROOT);
  if (m === n) return proof.length === 0 && eqBytes(root1, root2);
  if (proof.length === 0) return false;
  let p = proof;
  if (isPowerOfTwo(m)) p = [root1, ...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = p[0];
  let sr = p[0];
  for (const c of p.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eqBytes(fr, root1) && eqBytes(sr, root2);
}
