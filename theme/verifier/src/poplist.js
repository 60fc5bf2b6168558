// The committed population for the page's common path (spec §9.9): ``pop/list.gz`` — every
// leaf (id, stratum) and the region each target had in the snapshot, front-coded and gzipped.
// Nothing here is trusted: the caller rebuilds the committed Merkle root from these leaves, so
// a changed, missing or added leaf fails. Only the regions (not in the committed leaves) are
// taken as given, to re-match teams, and the report says so.

import { fromUtf8, utf8, toHex, cmpCodePoints } from './bytes.js';
import { leafHash, TreeBuilder } from './merkle.js';

/** gunzip with the platform's DecompressionStream (Chromium, Firefox, Safari 16.4+, Node 18+). */
export async function gunzip(bytes) {
  const ds = new DecompressionStream('gzip');
  const out = new Response(new Blob([bytes]).stream().pipeThrough(ds));
  return new Uint8Array(await out.arrayBuffer());
}

/**
 * Parse the decompressed list: {head, leaves} where head is the first line's JSON object and
 * leaves are [id, stratum index, region] in file order. Throws on any malformed line.
 */
export function parseList(bytes) {
  const text = fromUtf8(bytes);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const head = JSON.parse(lines[0]);
  if (!head || head.format !== 1 || !Array.isArray(head.strata) || !Array.isArray(head.regions)) {
    throw new Error('pop/list: the first line is not a format-1 header');
  }
  const leaves = new Array(lines.length - 1);
  let prev = '';
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split('\t');
    const p = Number(f[0]);
    const si = Number(f[2]);
    const ri = Number(f[3]);
    if (f.length !== 4 || !Number.isSafeInteger(p) || p < 0 || p > prev.length || !(si in head.strata) || !(ri in head.regions)) {
      throw new Error(`pop/list: line ${i + 1} is malformed`);
    }
    const id = prev.slice(0, p) + f[1];
    leaves[i - 1] = [id, si, head.regions[ri]];
    prev = id;
  }
  return { head, leaves };
}

export async function fetchList(io, path) {
  const raw = await io.bytes(path);
  return { ...parseList(await gunzip(raw)), bytes: raw.length };
}

/**
 * The population pass over the committed list instead of the snapshot: the same interface as
 * draw.js's PopulationScan (counts, total, root(), seenExplicit), fed [id, stratum index,
 * region]. Ids must ascend strictly by code point, as in the snapshot; an excluded id must not
 * be a leaf (whether it was in the filtered snapshot is the full check's question).
 */
export class ListScan {
  constructor(strata, excluded = new Set()) {
    this.counts = strata.map(() => 0);
    this.suffix = strata.map((s) => utf8('\t' + s.name));
    this.tree = new TreeBuilder();
    this.excluded = excluded;
    this.excludedPresent = [];
    this.seenExplicit = excluded; // not checkable from the list: reported as deferred
    this.prev = null;
  }

  push(id, si, region) {
    if (this.prev !== null && cmpCodePoints(id, this.prev) <= 0) {
      throw new Error(`pop/list: ids are not strictly ascending (${id} follows ${this.prev})`);
    }
    this.prev = id;
    if (!(si >= 0 && si < this.counts.length)) throw new Error(`pop/list: ${id} has no committed stratum`);
    if (this.excluded.has(id)) this.excludedPresent.push(id);
    this.counts[si]++;
    const idBytes = utf8(id);
    this.tree.append(leafHash(idBytes, this.suffix[si]));
    return [id, si, region, idBytes];
  }

  get total() {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  root() {
    return toHex(this.tree.root());
  }
}
