// SHA-256 (from @noble/hashes) and the domain-separated "tagged hash" of spec §1.1:
// H_tag(parts…) = SHA-256(ASCII(tag) || 0x00 || parts…).
//
// Hot paths (a ticket, a leaf, a node, a team score per target) hash short messages that share
// a prefix. `prefixedSha256` keeps the prefix's state and ONE scratch hasher that is reset from
// it (noble's _cloneInto) for each message, so a hash allocates nothing but its 32-byte result.

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { utf8, toHex } from './bytes.js';

/**
 * A function tail -> SHA-256(prefix-state || tail...) reusing one scratch hasher. The digest is
 * written into the scratch's own block buffer (digestInto, no DataView or zeroing per call);
 * ``view`` returns that buffer's first 32 bytes — valid until the next call — for callers that
 * mostly compare and rarely keep (the k-smallest tickets), the default returns a copy.
 */
export function prefixedSha256(prefix, { view = false } = {}) {
  const scratch = prefix.clone();
  const out = scratch.buffer.subarray(0, 32);
  return (...tails) => {
    prefix._cloneInto(scratch);
    for (const t of tails) scratch.update(t);
    scratch.digestInto(scratch.buffer);
    return view ? out : out.slice();
  };
}

const oneShot = prefixedSha256(nobleSha256.create());
export const sha256 = (bytes) => oneShot(bytes);
export const sha256Hex = (bytes) => toHex(oneShot(bytes));

/** A SHA-256 hasher with update()/digest()/clone(). */
export const sha256Create = () => nobleSha256.create();

/** A hasher already fed ``tag || 0x00 || parts`` (clone it, or wrap it in prefixedSha256). */
export function taggedPrefix(tag, ...parts) {
  const h = nobleSha256.create();
  h.update(utf8(tag));
  h.update(new Uint8Array([0]));
  for (const p of parts) h.update(p);
  return h;
}

export function taggedHash(tag, ...parts) {
  return taggedPrefix(tag, ...parts).digest();
}

/**
 * SHA-256 of a whole file given as chunks: the browser's native WebCrypto digest when the
 * chunks were kept (small enough files), else the incremental noble hasher fed as they came.
 */
export async function digestChunks(chunks, incremental) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (chunks && subtle) {
    let n = 0;
    for (const c of chunks) n += c.length;
    const all = new Uint8Array(n);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    return toHex(new Uint8Array(await subtle.digest('SHA-256', all)));
  }
  return toHex(incremental.digest());
}
