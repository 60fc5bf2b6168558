// Sealed risk classes (spec §6S): the public checks of a sealed draw, and a company's own opening.
//
// A sealed portal's population leaves are hiding commitments
//   c = SHA-256("ssgk/sealed-leaf/v1" 0x00 ‖ id ‖ 0x00 ‖ stratum ‖ 0x00 ‖ salt)
// so the browser checks what needs no class: the eligible set and its count, the leaves' root,
// the strata sizes' sum and takes, the thresholds against the selected tickets, the batch order
// and the teams; and, given a company's own opening, that company's leaf and "why (not) me".

import { utf8, toHex, fromHex, cmpBytes, eqBytes } from './bytes.js';
import { taggedHash, sha256 } from './hash.js';
import { leafHash, subtreeRoot } from './merkle.js';
import { ticket, batchOrder, parseStrata } from './draw.js';

export const LEAF_TAG = 'ssgk/sealed-leaf/v1';
const m = (zh, en) => ({ zh, en });
const short = (h) => (typeof h === 'string' && h.length > 17 ? h.slice(0, 16) + '…' : String(h));

export function isSealed(body) {
  return !!(body && body.population && body.population.sealed);
}

export function sealedLeaf(id, stratum, salt) {
  if (!(salt instanceof Uint8Array) || salt.length !== 32) throw new Error('a sealed leaf salt is 32 bytes');
  return taggedHash(LEAF_TAG, utf8(id), new Uint8Array([0]), utf8(stratum), new Uint8Array([0]), salt);
}

/** The RFC 6962 root (hex) of a leaves blob: 32-byte leaf data each. */
export function leavesRoot(leaves) {
  const hashes = [];
  for (let i = 0; i < leaves.length; i += 32) hashes.push(leafHash(leaves.subarray(i, i + 32)));
  return toHex(subtreeRoot(hashes));
}

/**
 * §6S.2 checks 3–4: the leaves blob against the commitment. Returns a list of {ok|bad, zh, en}.
 * ``eligibleCount`` is the number of eligible targets the snapshot gives (public).
 */
export async function commitmentLines(cb, eligibleCount, leaves) {
  const out = [];
  const pop = cb.population;
  const bad = (zh, en) => out.push({ status: 'bad', zh, en });
  const ok = (zh, en) => out.push({ status: 'ok', zh, en });
  if (eligibleCount !== pop.count) bad(`筛选后共 ${eligibleCount} 家，承诺写 ${pop.count} 家`, `the snapshot, filter and exclusions give ${eligibleCount} targets, the commitment says ${pop.count}`);
  else ok(`按承诺的筛选条件和排除名单重新计算：共 ${eligibleCount} 家，与承诺一致`, `recomputed with the committed filter and exclusions: ${eligibleCount} targets, as committed`);
  if (!leaves) bad('缺少封存的名单叶子文件', 'the sealed leaves blob is missing');
  else if (toHex(await sha256(leaves)) !== pop.sealed.leaves) bad('封存叶子文件的 SHA-256 与承诺不符——文件被改动过', 'the sealed leaves file does not hash to the committed one — the file was changed');
  else if (leaves.length !== 32 * pop.count) bad(`封存叶子文件有 ${leaves.length / 32} 个叶子，承诺写 ${pop.count} 家`, `the sealed leaves file holds ${leaves.length / 32} leaves, the commitment says ${pop.count}`);
  else if (leavesRoot(leaves) !== pop.root) bad('封存叶子的默克尔根与承诺不符', 'the root of the sealed leaves is not the committed root');
  else ok(`封存的 ${pop.count} 个叶子（隐藏承诺）的默克尔根 ${short(pop.root)} 与承诺一致；各企业所在的层不公开`, `the ${pop.count} sealed leaves (hiding commitments) have the committed Merkle root ${short(pop.root)}; which stratum each company is in is not public`);
  const strata = parseStrata(cb.strata);
  const sum = cb.strata.reduce((a, s) => a + s.n, 0);
  if (sum !== pop.count) bad(`各层家数之和 ${sum} 不等于总数 ${pop.count}`, `the strata sizes add up to ${sum}, the population is ${pop.count}`);
  strata.forEach((s, i) => {
    const c = cb.strata[i];
    if (s.take(c.n) !== c.k) bad(`「${s.name}」层：n=${c.n} 按规则应抽 ${s.take(c.n)} 家，承诺写 ${c.k}`, `stratum "${s.name}": the rule takes ${s.take(c.n)} of n=${c.n}, the commitment says ${c.k}`);
    else ok(`「${s.name}」层：承诺 ${c.n} 家（封存，公众无法核对），按规则抽取 ${c.k} 家`, `stratum "${s.name}": ${c.n} targets as committed (sealed: not checkable publicly), the rule takes ${c.k}`);
  });
  return out;
}

/**
 * §6S.2 checks 5–7 on a sealed lock: sizes, selected ids, thresholds. ``eligible`` maps id ->
 * region (public). Returns {lines, picks} where picks feed the batch order and teams.
 */
export function lockLines(cb, lb, seed, eligible) {
  const lines = [];
  const bad = (zh, en) => lines.push({ status: 'bad', zh, en });
  const ok = (zh, en) => lines.push({ status: 'ok', zh, en });
  const want = cb.strata.map((s) => [s.name, s.n, s.k]);
  const got = (lb.strata || []).map((s) => [s.name, s.n, s.k]);
  if (JSON.stringify(want) !== JSON.stringify(got)) bad('锁定记录的分层与承诺不符', "the lock's strata are not the commitment's");
  for (const s of lb.strata || []) {
    if ((s.threshold === null) !== (s.k === 0)) bad(`「${s.name}」层：k>0 时才有门槛`, `stratum "${s.name}": a threshold is given iff k > 0`);
  }
  const rows = lb.selected || [];
  if (rows.some((r) => 'stratum' in r)) bad('封存抽取的锁定记录不应写出抽中企业的层', "a sealed lock's selected rows carry no stratum");
  const ids = rows.map((r) => r.id);
  const totalK = cb.strata.reduce((a, s) => a + s.k, 0);
  if (ids.length !== totalK || new Set(ids).size !== ids.length) bad(`抽中名单有 ${ids.length} 行（${new Set(ids).size} 家不同），应为 ${totalK} 家`, `the selected list has ${ids.length} rows (${new Set(ids).size} distinct) for Σk = ${totalK}`);
  const stray = ids.filter((i) => !eligible.has(i));
  if (stray.length) bad(`抽中的 ${stray[0]} 不在本次抽查对象范围内`, `selected ${stray[0]} is not an eligible target of this draw`);
  const tk = new Map(ids.filter((i) => eligible.has(i)).map((i) => [i, ticket(seed, i)]));
  const hs = (lb.strata || []).filter((s) => s.threshold !== null).map((s) => ({ h: fromHex(s.threshold, 32), k: s.k, name: s.name }));
  if (hs.length) {
    const top = hs.reduce((a, b) => (cmpBytes(a.h, b.h) >= 0 ? a : b)).h;
    for (const [i, t] of tk) {
      if (cmpBytes(t, top) > 0) bad(`抽中的 ${i} 票号 ${short(toHex(t))} 高于所有层的门槛`, `selected ${i} has ticket ${short(toHex(t))}, above every stratum threshold`);
    }
    for (const s of hs) {
      if (![...tk.values()].some((t) => eqBytes(t, s.h))) bad(`「${s.name}」层的门槛不是任何抽中企业的票号`, `the threshold of stratum "${s.name}" is not the ticket of any selected target`);
      const need = hs.filter((x) => cmpBytes(x.h, s.h) <= 0).reduce((a, x) => a + x.k, 0);
      const have = [...tk.values()].filter((t) => cmpBytes(t, s.h) <= 0).length;
      if (have < need) bad(`票号不高于 ${short(toHex(s.h))} 的抽中企业只有 ${have} 家，门槛不超过它的各层共抽 ${need} 家`, `only ${have} selected tickets are ≤ ${short(toHex(s.h))}, but the strata with thresholds up to it take ${need}`);
    }
    if (cb.strata.every((s) => s.n === 0 || s.k > 0)) {
      const low = hs.reduce((a, b) => (cmpBytes(a.h, b.h) <= 0 ? a : b)).h;
      for (const id of eligible.keys()) {
        if (!tk.has(id) && cmpBytes(ticket(seed, id), low) <= 0) {
          bad(`${id} 的票号不高于最小的门槛却未被抽中`, `${id} has a ticket ≤ the smallest threshold and is not selected`);
          break;
        }
      }
    }
  }
  if (!lines.some((l) => l.status === 'bad')) {
    ok(`抽中 ${ids.length} 家，都在对象范围内；每家的票号与公布的各层门槛一致（各企业所在的层不公开，无法核对是否恰为各层票号最小者）`,
      `${ids.length} selected, all eligible; every selected ticket agrees with the published thresholds (the strata are sealed, so that they are exactly the smallest of each stratum cannot be checked publicly)`);
  }
  const picks = ids.filter((i) => eligible.has(i)).map((i) => ({ id: i, si: 0, ticket: tk.get(i), region: eligible.get(i) }));
  return { lines, picks };
}

export function publicRows(order, batchSize) {
  return order.map((p, i) => ({ id: p.id, batch: Math.floor(i / batchSize) + 1, position: i + 1 }));
}

export function sealedOrder(seed, picks) {
  return batchOrder(seed, picks);
}

/** Parse one line of an openings file (what a company was given). */
export function parseOpening(text) {
  let o;
  try {
    o = JSON.parse(String(text).trim());
  } catch {
    throw new Error('not a JSON object');
  }
  const keys = o && typeof o === 'object' ? Object.keys(o).sort().join(',') : '';
  if (keys !== 'id,root,salt,stratum' || ![o.id, o.root, o.salt, o.stratum].every((v) => typeof v === 'string')
    || !/^[0-9a-f]{64}$/.test(o.root) || !/^[0-9a-f]{64}$/.test(o.salt)) {
    throw new Error('an opening is {"id", "root", "salt", "stratum"} with 64-hex root and salt');
  }
  return o;
}

/**
 * A company's own check with its opening: the opening's root is the commitment's, it opens the
 * company's leaf (``leafHex`` from the proof chunk, whose inclusion the caller proved), and the
 * verdict from its stratum's threshold agrees with the published list.
 */
export function checkOpening(opening, cb, lb, seed, leafHex) {
  if (opening.root !== cb.population.root) return { ok: false, ...m('这条开启数据不属于本次抽取（根哈希不同）', 'this opening belongs to another draw (different root)') };
  const c = toHex(sealedLeaf(opening.id, opening.stratum, fromHex(opening.salt, 32)));
  if (c !== leafHex) return { ok: false, ...m(`开启数据与 ${opening.id} 的封存叶子不符：开启数据有误，或承诺中该企业的层与此不同`, `the opening does not match the sealed leaf of ${opening.id}: a wrong opening, or the commitment put the company in another stratum`) };
  const s = (lb.strata || []).find((x) => x.name === opening.stratum);
  if (!s) return { ok: false, ...m(`层「${opening.stratum}」不在本次抽取中`, `stratum "${opening.stratum}" is not in this draw`) };
  const t = ticket(seed, opening.id);
  const selected = s.k > 0 && s.threshold !== null && cmpBytes(t, fromHex(s.threshold, 32)) <= 0;
  const listed = (lb.selected || []).some((r) => r.id === opening.id);
  if (selected !== listed) return { ok: false, selected, ...m('按开启数据算出的结论与公布的抽中名单不符', 'the verdict from the opening disagrees with the published selection') };
  const tkh = short(toHex(t));
  return selected
    ? { ok: true, selected, ...m(`${opening.id} 属于「${s.name}」（开启数据与封存叶子一致），票号 ${tkh} ≤ 该层门槛 ${short(s.threshold)}，所以被抽中。`, `${opening.id} is in stratum "${s.name}" (the opening matches its sealed leaf); its ticket ${tkh} ≤ the stratum threshold ${short(s.threshold)}, so it was selected.`) }
    : { ok: true, selected, ...m(`${opening.id} 属于「${s.name}」（开启数据与封存叶子一致），票号 ${tkh}${s.k === 0 ? '；该层本次抽取 0 家' : ` > 该层门槛 ${short(s.threshold)}`}，所以未被抽中。`, `${opening.id} is in stratum "${s.name}" (the opening matches its sealed leaf); its ticket ${tkh}${s.k === 0 ? '; the stratum takes none this time' : ` > the stratum threshold ${short(s.threshold)}`}, so it was not selected.`) };
}
