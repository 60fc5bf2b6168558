// The draw, re-implemented from src/publisher/draw/*.py (the code is the specification):
// secret commitments, seed, tickets, filters, strata and exact rounding, the streaming
// population scan with its Merkle root, k-smallest selection, batch order, team matching,
// replacements, result hash, and "why was I (not) drawn" explanations.
//
// Orders: ids are compared by Unicode code point (= UTF-8 bytes = Python str order) wherever
// Python compares str or UTF-8 bytes; hashes are compared as bytes.

import { utf8, toHex, fromHex, cmpBytes, cmpCodePoints, eqBytes } from './bytes.js';
import { taggedHash, taggedPrefix, sha256, prefixedSha256 } from './hash.js';
import { canonicalBytes } from './json.js';
import { leafHash, TreeBuilder, verifyInclusion } from './merkle.js';

export const SECRET_COMMIT_TAG = 'ssgk/secret-commit/v1';
export const SEED_TAG = 'ssgk/seed/v2';
export const TICKET_TAG = 'ssgk/ticket/v1';
export const BATCH_TAG = 'ssgk/batch/v1';
export const TEAM_TAG = 'ssgk/team/v1';
export const CAP_REASON = 'cap';
export const MODES = ['big', 'small', 'group', 'cross'];
export const REPLACE_REASONS = ['post_change', 'work_conflict', 'health', 'recusal'];
const ZERO = new Uint8Array([0]);

/** A problem with the inputs of a draw (bilingual message). */
export class DrawError extends Error {
  constructor(en, zh) {
    super(en);
    this.en = en;
    this.zh = zh || en;
  }
}

// ---------------------------------------------------------------------------- seed, tickets

export function secretCommitment(task, office, secret) {
  if (secret.length !== 32) throw new DrawError('an office secret must be exactly 32 bytes', '机关秘密值必须恰为32字节');
  return toHex(taggedHash(SECRET_COMMIT_TAG, utf8(task), ZERO, utf8(office), ZERO, secret));
}

/** Seed v2: H(ssgk/seed/v2, commit id, randomness[, embargo secrets]); announced draws pass no secrets. */
export function deriveSeed(commitIdHex, randomness, secrets = []) {
  const cid = fromHex(commitIdHex, 32);
  if (randomness.length !== 32) throw new DrawError('commit id and beacon randomness must be 32 bytes each');
  for (const s of secrets) if (s.length !== 32) throw new DrawError('an office secret must be exactly 32 bytes');
  return taggedHash(SEED_TAG, cid, randomness, ...secrets);
}

/** The secrets that enter the seed: the offices' for an embargoed draw, none otherwise. */
export function embargoSecrets(body, secrets) {
  return body.embargo_until ? secrets : [];
}

export function ticketHasher(seed, options) {
  return prefixedSha256(taggedPrefix(TICKET_TAG, seed), options);
}

export function ticket(seed, id) {
  return ticketHasher(seed)(utf8(id));
}

// ---------------------------------------------------------------------------- filters, strata

const FILTER_KEYS = ['regions', 'industries', 'kinds', 'risks', 'flags_any', 'offices'];

export class Filter {
  constructor(obj) {
    obj = obj || {};
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new DrawError('a filter must be an object', '筛选条件必须是对象');
    const unknown = Object.keys(obj).filter((k) => !FILTER_KEYS.includes(k));
    if (unknown.length) throw new DrawError(`unknown filter condition(s) ${unknown}`, `未知的筛选条件 ${unknown}`);
    for (const [k, v] of Object.entries(obj)) {
      if (!Array.isArray(v)) throw new DrawError(`filter condition ${k} must be a list`, `筛选条件 ${k} 必须是列表`);
    }
    this.regions = obj.regions || [];
    this.industries = obj.industries || [];
    this.kinds = new Set(obj.kinds || []);
    this.risks = new Set(obj.risks || []);
    this.flags = new Set(obj.flags_any || []);
    this.offices = new Set(obj.offices || []);
    this.empty = !(this.regions.length || this.industries.length || this.kinds.size || this.risks.size || this.flags.size || this.offices.size);
  }

  matches(t) {
    if (this.regions.length && !this.regions.some((p) => t.region.startsWith(p))) return false;
    if (this.industries.length && (t.industry === null || !this.industries.some((p) => t.industry.startsWith(p)))) return false;
    if (this.kinds.size && !this.kinds.has(t.kind)) return false;
    if (this.risks.size && !this.risks.has(t.risk)) return false;
    if (this.flags.size && !t.flags.some((f) => this.flags.has(f))) return false;
    if (this.offices.size && !this.offices.has(t.office)) return false;
    return true;
  }
}

const RATIO_RE = /^(?:0(?:\.[0-9]{1,9})?|1(?:\.0{1,9})?)$/;

/** A decimal ratio string as an exact fraction [num, den] of BigInts. */
export function parseRatio(text) {
  if (typeof text !== 'string' || !RATIO_RE.test(text)) throw new DrawError(`ratio ${text} must be a decimal string from 0 to 1`);
  const [int, frac = ''] = text.split('.');
  return [BigInt(int + frac), 10n ** BigInt(frac.length)];
}

/** ceil, floor or half_up (= floor(x + 1/2)) of num/den >= 0, as a Number. */
export function roundFraction(num, den, rounding) {
  if (rounding === 'floor') return Number(num / den);
  if (rounding === 'ceil') return Number((num + den - 1n) / den);
  if (rounding === 'half_up') return Number((2n * num + den) / (2n * den));
  throw new DrawError(`rounding ${rounding} must be one of ceil, floor, half_up`);
}

export function parseStrata(items) {
  if (!Array.isArray(items) || items.length === 0) throw new DrawError('a draw needs at least one stratum', '抽取至少需要一个分层');
  const strata = items.map((obj) => {
    const name = obj.name;
    if (typeof name !== 'string' || !/^[^\u0000-\u001f\u007f]{1,64}$/u.test(name)) throw new DrawError(`stratum name ${name} is invalid`);
    const take = obj.take;
    if (!take || typeof take !== 'object' || Object.keys(take).length !== 1) throw new DrawError(`stratum ${name}: take must be {count} or {ratio}`);
    const match = new Filter(obj.match);
    if ('count' in take) {
      if (!Number.isSafeInteger(take.count) || take.count < 0) throw new DrawError(`stratum ${name}: count must be a whole number >= 0`);
      if (obj.rounding !== undefined && obj.rounding !== null) throw new DrawError(`stratum ${name}: rounding only applies to a ratio`);
      return { name, match, take: (n) => Math.min(take.count, n) };
    }
    if (!('ratio' in take)) throw new DrawError(`stratum ${name}: take must be {count} or {ratio}`);
    if (!['ceil', 'floor', 'half_up'].includes(obj.rounding)) throw new DrawError(`stratum ${name}: a ratio needs rounding`);
    const [num, den] = parseRatio(take.ratio);
    return { name, match, take: (n) => Math.min(roundFraction(BigInt(n) * num, den, obj.rounding), n) };
  });
  const names = strata.map((s) => s.name);
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (dup.length) throw new DrawError(`stratum names must be unique, repeated: ${dup}`);
  return strata;
}

export class Classifier {
  constructor(strata) {
    this.strata = strata;
  }

  classify(t) {
    let hit = -1;
    let hits = 0;
    for (let i = 0; i < this.strata.length; i++) {
      if (this.strata[i].match.matches(t)) {
        hits++;
        if (hit < 0) hit = i;
      }
    }
    if (hits === 1) return hit;
    if (hits === 0) {
      throw new DrawError(
        `target ${t.id} (risk ${t.risk}, kind ${t.kind}, region ${t.region}) matches no stratum; the strata must partition the population`,
        `检查对象 ${t.id} 不属于任何分层；分层必须划分全部对象`);
    }
    const names = this.strata.filter((s) => s.match.matches(t)).map((s) => s.name);
    throw new DrawError(`target ${t.id} matches several strata ${names.join(', ')}; the strata must partition the population`,
      `检查对象 ${t.id} 同时属于多个分层 ${names.join('、')}`);
  }
}

// ---------------------------------------------------------------------------- population

export function leafData(id, stratum) {
  return utf8(id + '\t' + stratum);
}

/** (explicit ids, cap ids) of a commitment's exclusion list. */
export function exclusionSets(body) {
  const excl = body.population.exclusions || [];
  return [new Set(excl.filter((e) => e.reason !== CAP_REASON).map((e) => e.id)),
    new Set(excl.filter((e) => e.reason === CAP_REASON).map((e) => e.id))];
}

/**
 * One streaming pass over a target snapshot: push targets in snapshot order; eligible ones
 * come back as [id, stratum index, region]. After the pass: counts, total, root().
 */
export class PopulationScan {
  constructor(filter, classifier, { explicit = new Set(), committedCap = new Set(), withRoot = true } = {}) {
    this.filter = filter;
    this.classifier = classifier;
    this.explicit = explicit;
    this.committedCap = committedCap;
    this.counts = classifier.strata.map(() => 0);
    this.seenExplicit = new Set();
    this.tree = withRoot ? new TreeBuilder() : null;
    this.suffix = classifier.strata.map((s) => utf8('\t' + s.name));
    this.prev = null;
  }

  push(t) {
    const tid = t.id;
    if (this.prev !== null && cmpCodePoints(tid, this.prev) <= 0) {
      throw new DrawError(`target snapshot is not sorted by id without duplicates: ${tid} follows ${this.prev}`,
        `检查对象快照未按编号严格升序排列：${tid} 排在 ${this.prev} 之后`);
    }
    this.prev = tid;
    if (!this.filter.empty && !this.filter.matches(t)) return null;
    if (this.explicit.has(tid)) {
      this.seenExplicit.add(tid);
      return null;
    }
    if (this.committedCap.has(tid)) return null;
    const si = this.classifier.classify(t);
    this.counts[si]++;
    const idBytes = utf8(tid);
    if (this.tree) this.tree.append(leafHash(idBytes, this.suffix[si]));
    return [tid, si, t.region, idBytes];
  }

  get total() {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  root() {
    return toHex(this.tree.root());
  }
}

// ---------------------------------------------------------------------------- selection

function cmpPick(a, b) {
  return cmpBytes(a.ticket, b.ticket) || cmpBytes(a.idBytes, b.idBytes);
}

/** Streaming k-smallest (ticket, id bytes) per stratum with a bounded max-heap each. */
export class Selector {
  constructor(seed, ks) {
    this.hash = ticketHasher(seed, { view: true }); // compared in place, copied only when kept
    this.ks = ks;
    this.heaps = ks.map(() => []);
  }

  add(id, si, region, idBytes = utf8(id)) {
    const k = this.ks[si];
    if (!k) return;
    const t = this.hash(idBytes);
    const heap = this.heaps[si];
    if (heap.length < k) {
      heap.push({ id, si, ticket: t.slice(), idBytes, region });
      siftUp(heap, heap.length - 1);
      return;
    }
    const top = heap[0];
    const c = cmpBytes(t, top.ticket);
    if (c < 0 || (c === 0 && cmpBytes(idBytes, top.idBytes) < 0)) {
      heap[0] = { id, si, ticket: t.slice(), idBytes, region };
      siftDown(heap, 0);
    }
  }

  /** Picks per stratum, ascending by (ticket, id). */
  result() {
    return this.heaps.map((h) => [...h].sort(cmpPick));
  }
}

function siftUp(h, i) {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (cmpPick(h[i], h[p]) <= 0) break;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

function siftDown(h, i) {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && cmpPick(h[l], h[m]) > 0) m = l;
    if (r < h.length && cmpPick(h[r], h[m]) > 0) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m], h[i]];
    i = m;
  }
}

// ---------------------------------------------------------------------------- batches

export function batchKey(seed, id) {
  return taggedHash(BATCH_TAG, seed, utf8(id));
}

/** Selected targets of all strata, ascending by (batch key, id bytes). */
export function batchOrder(seed, picks) {
  const key = prefixedSha256(taggedPrefix(BATCH_TAG, seed));
  const keyed = picks.map((p) => {
    const b = p.idBytes || utf8(p.id);
    return { key: key(b), b, p };
  });
  keyed.sort((x, y) => cmpBytes(x.key, y.key) || cmpBytes(x.b, y.b));
  return keyed.map((e) => e.p);
}

export function batchRows(order, names, batchSize) {
  return order.map((p, i) => ({ id: p.id, stratum: names[p.si], batch: Math.floor(i / batchSize) + 1, position: i + 1 }));
}

// ---------------------------------------------------------------------------- teams

export class TeamPlan {
  /** inspectors: parsed inspector records; roles: [{office, members}] lead first. */
  constructor(inspectors, roles, mode, loadCap = null) {
    if (!MODES.includes(mode)) throw new DrawError(`team mode ${mode} must be one of ${MODES.join(', ')}`);
    const offices = roles.map((r) => r.office);
    if (!roles.length || new Set(offices).size !== offices.length) throw new DrawError('participating offices must be listed once each, lead first');
    if (roles.some((r) => r.members < 1)) throw new DrawError('every participating office supplies at least one inspector (R52)');
    if (roles.reduce((a, r) => a + r.members, 0) < 2) throw new DrawError('a team needs at least 2 inspectors');
    if (loadCap !== null && loadCap !== undefined && loadCap < 1) throw new DrawError('load_cap must be at least 1');
    this.roles = roles;
    this.mode = mode;
    this.loadCap = loadCap === undefined ? null : loadCap;
    const wanted = new Set(offices);
    this.records = new Map();
    for (const r of inspectors) {
      if (!wanted.has(r.office)) continue;
      if (this.records.has(r.id)) throw new DrawError(`inspector id ${r.id} appears twice in the inspector snapshot`);
      this.records.set(r.id, r);
    }
    this.pools = roles.map((role) => this.pool(role));
  }

  pool(role) {
    const active = [...this.records.values()].filter((r) => r.office === role.office && r.active)
      .sort((a, b) => cmpCodePoints(a.id, b.id));
    if (this.mode !== 'group') {
      return active.map((r) => ({ key: r.id, inspectors: [r.id], unitRegion: r.unit_region, conflicts: new Set(r.conflicts) }));
    }
    const groups = new Map();
    for (const r of active) {
      if (r.group !== null) {
        if (!groups.has(r.group)) groups.set(r.group, []);
        groups.get(r.group).push(r);
      }
    }
    return [...groups.entries()].sort((a, b) => cmpCodePoints(a[0], b[0]))
      .filter(([, rs]) => rs.length >= role.members)
      .map(([g, rs]) => ({ key: g, inspectors: rs.map((r) => r.id), unitRegion: '', conflicts: new Set(rs.flatMap((r) => r.conflicts)) }));
  }

  picks(ri) {
    return this.mode === 'group' ? 1 : this.roles[ri].members;
  }

  allowed(unit, region) {
    if (this.mode === 'small') return region.startsWith(unit.unitRegion);
    if (this.mode === 'cross') return !region.startsWith(unit.unitRegion);
    return true;
  }
}

export function teamPlan(body, inspectors) {
  const t = body.teams;
  return new TeamPlan(inspectors, body.offices.map((o) => ({ office: o.office, members: o.members })), t.mode,
    t.load_cap === undefined ? null : t.load_cap);
}

export function teamScore(seed, target, key) {
  return taggedHash(TEAM_TAG, seed, utf8(target), ZERO, utf8(key));
}

/** Teams for the selected targets, given as [id, region] in batch order (greedy, load-balanced). */
export function assignTeams(seed, targets, plan) {
  const base = taggedPrefix(TEAM_TAG, seed);
  const loads = plan.pools.map((pool) => pool.map(() => 0));
  const cap = plan.loadCap;
  const group = plan.mode === 'group';
  const keyBytes = new Map();
  const enc = (key) => {
    let b = keyBytes.get(key);
    if (!b) keyBytes.set(key, (b = utf8(key)));
    return b;
  };
  const prefix = base.clone();
  const hash = prefixedSha256(prefix);
  const out = [];
  for (const [tid, region] of targets) {
    base._cloneInto(prefix).update(utf8(tid)).update(ZERO);
    const scores = new Map();
    const score = (key) => {
      let s = scores.get(key);
      if (!s) {
        s = hash(enc(key));
        scores.set(key, s);
      }
      return s;
    };
    const members = [];
    plan.pools.forEach((pool, ri) => {
      const load = loads[ri];
      const need = plan.picks(ri);
      const cands = [];
      pool.forEach((u, j) => {
        if (!u.conflicts.has(tid) && (cap === null || load[j] < cap) && plan.allowed(u, region)) cands.push(j);
      });
      if (cands.length < need) {
        throw new DrawError(`pool too small: office ${plan.roles[ri].office} has only ${cands.length} eligible unit(s) for target ${tid}`,
          `检查人员不足：${plan.roles[ri].office} 对检查对象 ${tid} 只有 ${cands.length} 名可选`);
      }
      const limit = cands.map((j) => load[j]).sort((a, b) => a - b)[need - 1];
      const ranked = cands.filter((j) => load[j] <= limit)
        .map((j) => ({ l: load[j], s: score(pool[j].key), j }))
        .sort((a, b) => a.l - b.l || cmpBytes(a.s, b.s) || a.j - b.j);
      for (const { j } of ranked.slice(0, need)) {
        load[j]++;
        if (group) members.push(...[...pool[j].inspectors].sort((a, b) => cmpBytes(score(a), score(b))));
        else members.push(pool[j].key);
      }
    });
    out.push({ target: tid, leader: members[0], members });
  }
  return out;
}

// ---------------------------------------------------------------------------- replacements

/** At most max(2, ceil(teams / 5)) replacements per draw. */
export function maxReplacements(teams) {
  return Math.max(2, Math.ceil(teams / 5));
}

/**
 * The drawn substitute for ``out`` in ``target``'s team (001 第十三条, v2): among the active
 * inspectors of out's office allowed by the mode, without a conflict, not in the team, not
 * replaced out of it before, under the load cap, the smallest (score(target, id), id); or null.
 * ``teams``: Map target -> current members (for loads).
 */
export function substitute(seed, target, region, out, teams, plan, gone = []) {
  const recOut = plan.records.get(out);
  if (!recOut) return null;
  const team = new Set(teams.get(target) || []);
  const loads = new Map();
  for (const members of teams.values()) for (const x of members) loads.set(x, (loads.get(x) || 0) + 1);
  let best = null;
  for (const r of plan.records.values()) {
    if (r.office !== recOut.office || !r.active || team.has(r.id) || gone.includes(r.id) || r.id === out || r.conflicts.includes(target)) continue;
    if (plan.mode === 'small' && !region.startsWith(r.unit_region)) continue;
    if (plan.mode === 'cross' && region.startsWith(r.unit_region)) continue;
    if (plan.loadCap !== null && (loads.get(r.id) || 0) >= plan.loadCap) continue;
    const sc = teamScore(seed, target, r.id);
    if (!best || cmpBytes(sc, best.sc) < 0 || (cmpBytes(sc, best.sc) === 0 && cmpCodePoints(r.id, best.id) < 0)) best = { sc, id: r.id };
  }
  return best ? best.id : null;
}

/** Why a team.replace body cannot apply to ``team`` (the target's current members); [] if it can.
 *  ``drawn``: the substitute the seed gives; ``in`` must be exactly it. */
export function replacementProblems(body, team, plan, drawn = undefined) {
  const { target, out, in: sub } = body;
  if (!team) return [{ en: `target ${target} was not selected in this draw`, zh: `检查对象 ${target} 未在本次抽取中被抽中` }];
  const p = [];
  if (!REPLACE_REASONS.includes(body.reason)) p.push({ en: `reason ${body.reason} is not one of ${REPLACE_REASONS.join(', ')}`, zh: `更换理由 ${body.reason} 不在允许的四种理由之内` });
  if (!team.includes(out)) {
    p.push({ en: `${out} is not in the current team of ${target} (${team.join(', ')})`, zh: `${out} 不在 ${target} 的现有检查组中` });
    return p;
  }
  const recIn = plan.records.get(sub);
  if (recIn && recIn.conflicts.includes(target)) p.push({ en: `substitute ${sub} declared a conflict of interest with ${target}`, zh: `替补人员 ${sub} 申报了与 ${target} 的利害关系` });
  if (team.includes(sub)) p.push({ en: `substitute ${sub} is already in the team of ${target}`, zh: `替补人员 ${sub} 已在 ${target} 的检查组中` });
  if (drawn === null) p.push({ en: `no eligible substitute for ${out} in the team of ${target}`, zh: `${target} 的检查组中 ${out} 没有符合条件的替补人员` });
  else if (drawn !== undefined && sub !== drawn) {
    p.push({ en: `substitute ${sub} was chosen, but the draw's seed gives ${drawn} (the next eligible inspector in ticket order); a substitute is drawn, never chosen`,
      zh: `替补人员 ${sub} 是指定的，但按本次种子应抽到 ${drawn}（票号顺序中下一位符合条件的人员）：替补人员只能抽取，不能指定` });
  }
  return p;
}

export function applyReplacement(team, out, sub) {
  return team.map((i) => (i === out ? sub : i));
}

// ---------------------------------------------------------------------------- whole result

export function resultJson(r) {
  return { seed: toHex(r.seed), strata: r.strata, selected: r.selected, teams: r.teams };
}

export function resultHash(json) {
  return toHex(sha256(canonicalBytes(json)));
}

/**
 * Recompute a draw from parsed snapshots (arrays or iterables of records), as
 * publisher.draw.lock.compute_result does. Used by the parity test; the page streams instead.
 */
export function computeResult(commitId, body, randomness, secrets, targets, inspectors, { withRoot = false } = {}) {
  const seed = deriveSeed(commitId, randomness, embargoSecrets(body, secrets || []));
  const strata = parseStrata(body.strata);
  const [explicit, committedCap] = exclusionSets(body);
  const scan = new PopulationScan(new Filter(body.population.filter), new Classifier(strata), { explicit, committedCap, withRoot });
  const ks = body.strata.map((s) => s.k);
  const sel = new Selector(seed, ks);
  for (const t of targets) {
    const e = scan.push(t);
    if (e) sel.add(e[0], e[1], e[2], e[3]);
  }
  const ns = body.strata.map((s) => s.n);
  if (scan.counts.join(',') !== ns.join(',')) {
    throw new DrawError(`the snapshot gives stratum sizes [${scan.counts}], the commitment [${ns}]`);
  }
  return finishResult(seed, body, strata, sel.result(), inspectors, scan);
}

/** Everything after the selection: thresholds, batch order, teams. */
export function finishResult(seed, body, strata, picks, inspectors, scan) {
  const names = strata.map((s) => s.name);
  const order = batchOrder(seed, picks.flat());
  const plan = teamPlan(body, inspectors);
  const teams = assignTeams(seed, order.map((p) => [p.id, p.region]), plan);
  return {
    seed,
    strata: picks.map((ps, i) => ({ name: names[i], n: body.strata[i].n, k: body.strata[i].k, threshold: ps.length ? toHex(ps[ps.length - 1].ticket) : null })),
    selected: batchRows(order, names, body.batch_size),
    teams,
    picks,
    order,
    regions: new Map(order.map((p) => [p.id, p.region])),
    plan,
    scan,
  };
}

// ---------------------------------------------------------------------------- explanations

const short = (h) => h.slice(0, 16) + '…';

/** The verdict of publisher.draw.explain._verdict: [selected, zh, en]. */
export function verdict(target, tk, leaf, stratum, excluded) {
  if (leaf === null) {
    if (excluded) {
      return [false, `${target} 不在本次抽查对象范围内：已被排除（理由：${excluded.reason}；依据：${excluded.basis}），所以未被抽中。`,
        `${target} is not in this draw's population: it was excluded (reason: ${excluded.reason}; basis: ${excluded.basis}), so it was not selected.`];
    }
    return [false, `${target} 不在本次抽查对象范围内（名单中相邻的两条记录证明了这一点），所以未被抽中。`,
      `${target} is not in this draw's population (the two neighbouring entries of the sorted list prove it), so it was not selected.`];
  }
  const name = leaf.stratum;
  if (!stratum || stratum.threshold === null) {
    return [false, `${target} 在「${name}」层，该层本次抽取 0 家，所以未被抽中。`,
      `${target} is in stratum “${name}”, from which this draw takes none, so it was not selected.`];
  }
  const th = stratum.threshold;
  if (tk <= th) {
    return [true, `${target} 在「${name}」层，票号 ${short(tk)} ≤ 该层门槛 ${short(th)}，所以被抽中。`,
      `${target} is in stratum “${name}”; its ticket ${short(tk)} ≤ the stratum threshold ${short(th)}, so it was selected.`];
  }
  return [false, `${target} 在「${name}」层，票号 ${short(tk)} > 该层门槛 ${short(th)}，所以未被抽中。`,
    `${target} is in stratum “${name}”; its ticket ${short(tk)} > the stratum threshold ${short(th)}, so it was not selected.`];
}

/**
 * The explanation object of publisher.draw.explain.explain(), built from leaf proofs the
 * caller located (``found``: {leaf} or {left, right}, each {index, id, stratum, proof[hex]}).
 */
export function buildExplanation(result, size, rootHex, targetId, found, exclusions) {
  const tk = toHex(ticket(fromHex(result.seed, 32), targetId));
  const out = { target: targetId, ticket: tk, size, root: rootHex, leaf: null, neighbours: null };
  if (found.leaf) out.leaf = found.leaf;
  else out.neighbours = { left: found.left || null, right: found.right || null };
  const leaf = out.leaf;
  const stratum = leaf ? result.strata.find((s) => s.name === leaf.stratum) || null : null;
  const [selected, zh, en] = verdict(targetId, tk, leaf, stratum, exclusions.get(targetId) || null);
  out.selected = selected;
  out.verdict_zh = zh;
  out.verdict_en = en;
  return out;
}

function proves(leaf, size, root) {
  try {
    return verifyInclusion(leafHash(leafData(leaf.id, leaf.stratum)), leaf.index, size, leaf.proof.map((p) => fromHex(p, 32)), root);
  } catch {
    return false;
  }
}

/**
 * publisher.draw.explain.verify_explanation: the explanation against the commitment and the
 * published result (lock body, or reveal body for an embargoed draw). Returns
 * {ok, selected, zh, en}. The seed must already be known to follow from beacon and secrets.
 */
export function verifyExplanation(commitBody, result, explanation) {
  const target = explanation.target || '';
  const bad = (zh, en) => ({ ok: false, selected: false, zh: `说明无效：${zh}`, en: `explanation invalid: ${en}` });
  if (!result || !('seed' in result)) return bad('本次抽取仍在保密期内，尚无可核验的内容', 'the draw is still under embargo; nothing to check yet');
  const tk = toHex(ticket(fromHex(result.seed, 32), target));
  if (explanation.ticket !== tk) return bad('票号与种子计算结果不符', 'the ticket is not the one the seed gives');
  const size = commitBody.population.count;
  const root = fromHex(commitBody.population.root, 32);
  const leaf = explanation.leaf;
  const nb = explanation.neighbours;
  if (leaf) {
    if (leaf.id !== target || !proves(leaf, size, root)) return bad('包含证明与承诺的对象名单根哈希不符', 'the inclusion proof does not match the committed population root');
  } else {
    const left = nb ? nb.left : null;
    const right = nb ? nb.right : null;
    if (!left && !right && size !== 0) return bad('非空名单却没有给出相邻记录', 'no neighbours given for a non-empty population');
    if (left && !(cmpCodePoints(left.id, target) < 0 && proves(left, size, root))) return bad('左侧相邻记录不在目标之前或证明无效', 'the left neighbour is not a leaf before the target');
    if (right && !(cmpCodePoints(target, right.id) < 0 && proves(right, size, root))) return bad('右侧相邻记录不在目标之后或证明无效', 'the right neighbour is not a leaf after the target');
    if (!left && right && right.index !== 0) return bad('没有左侧相邻记录时，右侧必须是第一条', 'without a left neighbour the right one must be the first leaf');
    if (!right && left && left.index !== size - 1) return bad('没有右侧相邻记录时，左侧必须是最后一条', 'without a right neighbour the left one must be the last leaf');
    if (left && right && right.index !== left.index + 1) return bad('两条相邻记录不相邻', 'the neighbours are not adjacent leaves');
  }
  const stratum = leaf ? result.strata.find((s) => s.name === leaf.stratum) || null : null;
  const excl = new Map((commitBody.population.exclusions || []).map((e) => [e.id, e]));
  const [selected, zh, en] = verdict(target, tk, leaf || null, stratum, leaf ? null : excl.get(target) || null);
  const listed = result.selected.some((row) => row.id === target);
  if (listed !== selected) return bad('公布的抽中名单与票号、门槛不一致', 'the published selected list disagrees with ticket and threshold');
  return { ok: true, selected, zh, en };
}

export { eqBytes };
