// "Was my company's draw fair?" — without downloading the population.
//
// The site build cuts the committed population (sorted leaves "id TAB stratum") into chunks of
// 2^j consecutive leaves; every chunk is a node of the RFC 6962 tree, so a leaf's inclusion
// proof is its path inside the chunk (recomputed here from the chunk's leaves) followed by the
// chunk's own path to the root (from the chunk file). An index file lists each chunk's first
// id, so a company fetches the index and one or two chunks. The proofs are checked against the
// root in the *signed commitment*, never against the index's own claim.

import { cmpCodePoints, toHex, fromHex } from './bytes.js';
import { leafHash, inclusionPath, verifyInclusion } from './merkle.js';
import { leafData, buildExplanation, verifyExplanation, ticket } from './draw.js';
import { checkOpening } from './sealed.js';

// a sealed population's chunk rows are [id, leaf commitment hex] (spec §6S): the leaf data is the commitment
const leafOf = (index, id, value) => (index.sealed ? leafHash(fromHex(value, 32)) : leafHash(leafData(id, value)));

const m = (zh, en) => ({ zh, en });

export class LookupError extends Error {
  constructor(zh, en) {
    super(en);
    this.zh = zh;
    this.en = en;
  }
}

function bisectLeft(ids, target) {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmpCodePoints(ids[mid], target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Locate ``targetId`` in the committed population: {leaf} or {left, right}, proofs in hex. */
export async function locate(io, index, targetId) {
  const chunks = new Map();
  const chunk = async (c) => {
    if (!chunks.has(c)) {
      const doc = await io.json(`${index.files}${c}.json`);
      const hashes = doc.leaves.map(([id, st]) => leafOf(index, id, st));
      chunks.set(c, { ...doc, hashes, ids: doc.leaves.map((l) => l[0]) });
    }
    return chunks.get(c);
  };
  const leafAt = (ch, j) => ({
    index: ch.start + j,
    id: ch.leaves[j][0],
    stratum: ch.leaves[j][1],
    proof: [...inclusionPath(ch.hashes, j).map(toHex), ...ch.path],
  });
  const n = index.firsts.length;
  if (index.size === 0 || n === 0) return { left: null, right: null };
  // the last chunk whose first id is <= target (chunk 0 if the target precedes everything)
  let c = bisectLeft(index.firsts, targetId);
  if (c === n || index.firsts[c] !== targetId) c = Math.max(0, c - 1);
  const ch = await chunk(c);
  const i = bisectLeft(ch.ids, targetId);
  if (i < ch.ids.length && ch.ids[i] === targetId) return { leaf: leafAt(ch, i) };
  let left = null;
  let right = null;
  if (i > 0) left = leafAt(ch, i - 1);
  else if (c > 0) {
    const prev = await chunk(c - 1);
    left = leafAt(prev, prev.ids.length - 1);
  }
  if (i < ch.ids.length) right = leafAt(ch, i);
  else if (c + 1 < n) right = leafAt(await chunk(c + 1), 0);
  return { left, right };
}

function proves(leaf, size, root, index = {}) {
  return verifyInclusion(leafOf(index, leaf.id, leaf.stratum), leaf.index, size, leaf.proof.map((p) => fromHex(p, 32)), root);
}

/** A sealed draw: membership by proof; the verdict needs the company's own opening (spec §6S.4). */
function sealedAnswer(ctx, index, found, targetId, opening) {
  const cb = ctx.commitBody;
  const root = fromHex(cb.population.root, 32);
  const size = cb.population.count;
  const inPop = !!found.leaf;
  const ok = inPop ? proves(found.leaf, size, root, index)
    : (!found.left || proves(found.left, size, root, index)) && (!found.right || proves(found.right, size, root, index));
  const leaf = found.leaf ? { ...found.leaf, stratum: undefined, commitment: found.leaf.stratum } : null;
  const explanation = { target: targetId, size, root: cb.population.root, leaf, neighbours: inPop ? null : found };
  const result = ctx.resultBody && 'seed' in ctx.resultBody ? ctx.resultBody : null;
  const listed = !!(result && (result.selected || []).some((r) => r.id === targetId));
  const tk = result ? toHex(ticket(fromHex(result.seed, 32), targetId)) : null;
  if (!ok) return { explanation, check: { ok: false, selected: false, ...m('证明无效：与已签名承诺中的名单根哈希不符。', 'The proof is invalid: it does not match the root in the signed commitment.') }, notes: [], state: null, ticket: tk };
  if (!inPop) {
    return { explanation, check: { ok: !listed, selected: false, ...m(`${targetId} 不在本次抽查对象名单中（相邻两条记录证明了这一点），所以未被抽中。`, `${targetId} is not in this draw's population (the two neighbouring entries prove it), so it was not selected.`) }, notes: [], state: null, ticket: tk };
  }
  if (opening && result) {
    if (opening.id !== targetId) return { explanation, check: { ok: false, selected: listed, ...m(`开启数据属于 ${opening.id}，不是 ${targetId}`, `the opening is for ${opening.id}, not ${targetId}`) }, notes: [], state: null, ticket: tk };
    const c = checkOpening(opening, cb, result, fromHex(result.seed, 32), found.leaf.stratum);
    return { explanation, check: c, notes: [], state: null, ticket: tk };
  }
  const state = m('本门户的风险分类封存：各企业所在的层不公开。企业可凭抽查单位提供的本企业开启数据（一行 JSON）核对自己“为什么（没）被抽中”。',
    "This portal's risk classes are sealed: no company's stratum is public. A company can check its own \"why (not) me\" with its opening (one JSON line) from the office.");
  return { explanation, check: { ok: true, selected: listed, ...m(`${targetId} 在本次抽查对象名单中（第 ${found.leaf.index + 1} 条，共 ${size} 条，层封存）；${listed ? '在公布的抽中名单中' : '不在公布的抽中名单中'}${tk ? `；票号 ${tk.slice(0, 16)}…` : ''}。`,
    `${targetId} is in this draw's population (leaf ${found.leaf.index + 1} of ${size}, stratum sealed); ${listed ? 'it is on the published selection' : 'it is not on the published selection'}${tk ? `; ticket ${tk.slice(0, 16)}…` : ''}.`) }, notes: [], state, ticket: tk };
}

/**
 * The answer for one company. ``ctx`` comes from verifyTask (commit body, published result,
 * and whether the steps it relies on passed). Returns {explanation, check, notes, state}.
 */
export async function lookupCompany(io, data, ctx, targetId, opening = null) {
  const cb = ctx.commitBody;
  if (!cb) throw new LookupError('无法读取本次抽取的承诺记录', 'the commitment of this draw cannot be read');
  if (!data.population || !data.population.index) throw new LookupError('本站没有为此任务生成证明索引', 'the site wrote no proof index for this task');
  const index = await io.json(data.population.index);
  if (index.size !== cb.population.count || index.root !== cb.population.root) {
    throw new LookupError('证明索引与已签名承诺中的名单数量或根哈希不符，不可信', 'the proof index does not match the count and root of the signed commitment; it cannot be trusted');
  }
  const found = await locate(io, index, targetId);
  if (index.sealed || ctx.sealed) return sealedAnswer(ctx, { sealed: true }, found, targetId, opening);
  const root = fromHex(cb.population.root, 32);
  const size = cb.population.count;
  const notes = [];
  const result = ctx.resultBody && 'seed' in ctx.resultBody ? ctx.resultBody : null;
  if (!result) {
    // embargoed or not yet locked: membership of the committed population only
    const inPop = !!found.leaf;
    const ok = inPop ? proves(found.leaf, size, root)
      : (!found.left || proves(found.left, size, root)) && (!found.right || proves(found.right, size, root));
    const state = ctx.embargoed ? m(`本次抽取保密至 ${cb.embargo_until}，抽中名单尚未公布；现在只能证明是否在对象名单中。`,
      `This draw is embargoed until ${cb.embargo_until}; the selection is not public yet, only membership of the population can be shown.`)
      : m('本次抽取尚未锁定；现在只能证明是否在对象名单中。', 'This draw is not locked yet; only membership of the population can be shown.');
    const verdict = !ok ? m('证明无效：与已签名承诺中的名单根哈希不符。', 'The proof is invalid: it does not match the root in the signed commitment.')
      : inPop ? m(`${targetId} 在本次抽查对象名单中（「${found.leaf.stratum}」层，第 ${found.leaf.index + 1} 条，共 ${size} 条）。`,
        `${targetId} is in this draw's population (stratum "${found.leaf.stratum}", leaf ${found.leaf.index + 1} of ${size}).`)
        : m(`${targetId} 不在本次抽查对象名单中（相邻两条记录证明了这一点）。`, `${targetId} is not in this draw's population (the two neighbouring entries prove it).`);
    return { explanation: { target: targetId, size, root: cb.population.root, leaf: found.leaf || null, neighbours: found.leaf ? null : found }, check: { ok, selected: false, ...verdict }, notes, state };
  }
  const exclusions = new Map((cb.population.exclusions || []).map((e) => [e.id, e]));
  const explanation = buildExplanation(result, index.size, index.root, targetId, found, exclusions);
  const check = verifyExplanation(cb, result, explanation);
  const failed = [1, 2, 3, 4, 5, 6, 7].filter((n) => ctx.stepStatus && ctx.stepStatus[n] === 'fail');
  const open = [1, 2, 3, 4, 5, 6, 7].filter((n) => ctx.stepStatus && ctx.stepStatus[n] && !['pass', 'fail'].includes(ctx.stepStatus[n]));
  if (failed.length) {
    notes.push(m(`注意：上面的核验中第 ${failed.join('、')} 步未通过，这个结论所依赖的公布结果不可信。`,
      `Note: step(s) ${failed.join(', ')} of the check above did not pass, so the published result this verdict relies on cannot be trusted.`));
  } else if (open.length) {
    notes.push(m(`注意：上面的核验中第 ${open.join('、')} 步被跳过或尚待完成（不是未通过），这个结论只在这些步骤完成后才完整。`,
      `Note: step(s) ${open.join(', ')} of the check above were skipped or are pending (not failed); this verdict is complete only once they are.`));
  }
  return { explanation, check, notes, state: null, ticket: toHex(ticket(fromHex(result.seed, 32), targetId)) };
}
