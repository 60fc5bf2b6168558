// The step-by-step check of one task's draw, shared by the browser page and the Node tests.
//
// Input: the per-task data file written by the site build (publisher.site.verifier_assets),
// which only *locates* things (entry files as-is, snapshot blobs, checkpoint notes, Merkle
// proofs); everything is re-derived here from trust.json and those files. Output: a report of
// numbered steps, each passed / failed (with the reason) / skipped (naming the failed step it
// depends on) / pending (embargo, beacon round not yet due, checkpoint not yet written).

import { fromHex, fromB64, toHex, utf8, fromUtf8, unixOf, chinaDate, cstText, cmpCodePoints } from './bytes.js';
import { parseStrict, jsonEqual } from './json.js';
import { parseEntry, keyId } from './entry.js';
import { ed25519Verify, ed25519Backend } from './ed25519.js';
import { checkChain, checkBeacon, roundTime } from './beacon.js';
import { openCheckpoint, parseWitnessPolicy } from './note.js';
import { trustFingerprint, checkTrustPin, trustLine, witnessLine } from './trustpin.js';
import { leafHash, verifyInclusion, verifyConsistency } from './merkle.js';
import { readSnapshot } from './snapshot.js';
import { openEscrow } from './escrow.js';
import { isSealed, commitmentLines, lockLines, publicRows } from './sealed.js';
import { fetchList, ListScan, gunzip } from './poplist.js';
import {
  Filter, Classifier, PopulationScan, Selector, parseStrata, parseRatio, exclusionSets, secretCommitment,
  deriveSeed, resultJson, resultHash, replacementProblems, applyReplacement, teamPlan, batchOrder, batchRows,
  assignTeams, substitute, maxReplacements,
} from './draw.js';

export const STEP_TITLES = {
  1: { zh: '记录的签名和编号', en: 'Signatures and ids of the entries' },
  2: { zh: '签名密钥的登记', en: 'Registration of the signing keys' },
  3: { zh: '秘密值（仅保密抽取）', en: 'Secrets (embargoed draws only)' },
  4: { zh: 'drand 随机信标', en: 'The drand randomness beacon' },
  5: { zh: '随机种子', en: 'The seed' },
  6: { zh: '票号与各层抽取结果', en: 'Tickets and the selection of each stratum' },
  7: { zh: '抽查对象名单：数量与默克尔根', en: 'The population: count and Merkle root' },
  8: { zh: '批次顺序', en: 'The batch order' },
  9: { zh: '检查组（人员匹配）', en: 'The inspection teams' },
  10: { zh: '记录已写入公开账本（检查点）', en: 'Inclusion in the public log (checkpoint)' },
  11: { zh: '保密抽取：公布结果与锁定时的哈希一致', en: 'Embargoed draw: the revealed result matches the hash fixed at lock' },
  12: { zh: '承诺历史：被取代的承诺及其本应抽中的结果', en: 'Commitment history: superseded commitments and what they would have drawn' },
  13: { zh: '核验所得的抽中名单与本页印出的名单对照', en: 'The verified selection against the list printed on the task page' },
};

const m = (zh, en) => ({ zh, en });
const short = (h) => (typeof h === 'string' && h.length > 17 ? h.slice(0, 16) + '…' : String(h));
const ROLE = {
  commit: m('抽取承诺', 'commitment'),
  lock: m('抽取锁定', 'lock'),
  reveal: m('结果公布', 'reveal'),
  replace: m('人员更换', 'replacement'),
  superseded: m('已被取代的承诺', 'superseded commitment'),
  register: m('密钥登记', 'key registration'),
  revoke: m('密钥撤销', 'key revocation'),
};

class Step {
  constructor(n) {
    this.n = n;
    this.title = STEP_TITLES[n];
    this.status = 'pass';
    this.lines = [];
    this.reason = null;
    this.cause = null; // the step number a skip traces back to
  }

  ok(zh, en) {
    this.lines.push({ status: 'ok', zh, en });
  }

  info(zh, en) {
    this.lines.push({ status: 'info', zh, en });
  }

  warn(zh, en) {
    this.lines.push({ status: 'warn', zh, en });
  }

  bad(zh, en) {
    this.lines.push({ status: 'bad', zh, en });
    if (this.status !== 'fail') {
      this.status = 'fail';
      this.reason = m(zh, en);
    }
  }

  wait(zh, en) {
    this.lines.push({ status: 'pending', zh, en });
    if (this.status === 'pass') {
      this.status = 'pending';
      this.reason = m(zh, en);
    }
  }

  get failed() {
    return this.status === 'fail';
  }
}

/** Site-relative IO; fetch in the browser, the file system in Node. */
export function browserIO(rootUrl) {
  const url = (p) => new URL(p, rootUrl).href;
  const get = async (p) => {
    const r = await fetch(url(p), { cache: 'no-store' });
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
    return r;
  };
  return {
    async bytes(p) {
      return new Uint8Array(await (await get(p)).arrayBuffer());
    },
    async json(p) {
      return JSON.parse(await (await get(p)).text());
    },
    chunks(p) {
      return streamOf(get(p));
    },
    /** Start downloading now (e.g. a big snapshot while signatures are checked); read later. */
    prefetch(p) {
      const pending = get(p);
      pending.catch(() => {}); // reported when (if) it is read
      return () => streamOf(pending);
    },
  };
}

async function* streamOf(pending) {
  const r = await pending;
  if (!r.body) {
    yield new Uint8Array(await r.arrayBuffer());
    return;
  }
  const reader = r.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function loadEntry(io, ref, role) {
  const e = { ref, role, entry: null, error: null };
  if (!ref || typeof ref.url !== 'string') {
    e.error = m('数据文件没有给出记录位置', 'the data file gives no location for this entry');
    return e;
  }
  try {
    let bytes = null;
    if (typeof ref.gz === 'string') { // a gzip copy of a large entry (spec §9.9): same bytes, checked the same way
      try {
        bytes = await gunzip(await io.bytes(ref.gz));
      } catch {
        bytes = null; // the original is the fallback
      }
    }
    e.entry = parseEntry(bytes || await io.bytes(ref.url));
  } catch (err) {
    e.error = m(`无法读取记录文件 ${ref.url}：${err.message}`, `cannot read entry file ${ref.url}: ${err.message}`);
  }
  return e;
}

function describe(e) {
  const r = ROLE[e.role];
  const where = e.ref && e.ref.url ? e.ref.url.replace(/^ledger\/entries\//, '') : '?';
  return m(`${r.zh}（${where}）`, `${r.en} (${where})`);
}

async function loadTrust(io, path) {
  const raw = parseStrict(fromUtf8(await io.bytes(path)));
  if (!raw || raw.version !== 1) throw new Error('trust.json: expected version 1');
  const roots = new Map();
  for (const k of raw.root_keys || []) {
    const pk = fromB64(k.public_key);
    if (pk.length !== 32) throw new Error('trust.json: a root key is not 32 bytes');
    roots.set(keyId(pk), { publicKey: pk, keyIdListed: k.key_id });
  }
  if (!roots.size) throw new Error('trust.json: no root keys');
  const chains = new Map();
  for (const c of raw.beacon_chains || []) chains.set(c.chain_hash, checkChain(c));
  return { raw, roots, chains, origin: raw.origin, vkey: raw.log_vkey, sample: !!raw.sample,
    witnesses: parseWitnessPolicy(raw.witnesses), fingerprint: trustFingerprint(raw) };
}

/**
 * Step 10's last check: the task's checkpoint is a prefix of the portal's newest checkpoint, by
 * the site's consistency proof ``data.checkpoint.consistency`` (spec §2.9, §9.2). The task's
 * data file does not change when later pushes add checkpoints; this file does, and is small.
 * Unreadable: a warning (the entries are still proven in a signed checkpoint); a newest
 * checkpoint that does not verify, or is not an extension of the task's: a failure.
 */
async function newestCheckpoint(s10, data, cp, trust, io) {
  const path = data.checkpoint && data.checkpoint.consistency;
  let doc = null;
  try {
    if (path) doc = parseStrict(fromUtf8(await io.bytes(path)));
  } catch (e) {
    doc = null;
  }
  const to = doc && doc.to && typeof doc.to.checkpoint === 'string' ? doc.to : null;
  if (!to) {
    s10.warn(`无法读取从本任务检查点到门户最新检查点的一致性证明${path ? ` ${path}` : ''}：未能确认此后账本只追加`,
      `the consistency proof from the task's checkpoint to the portal's newest one${path ? ` (${path})` : ''} cannot be read: that the log only grew since is not shown`);
    return;
  }
  let newest;
  try {
    newest = await openCheckpoint(await io.bytes(to.checkpoint), trust.vkey, trust.origin, trust.witnesses);
  } catch (e) {
    s10.bad(`门户最新检查点 ${to.checkpoint} 无效：${e.message}`, `the portal's newest checkpoint ${to.checkpoint} is invalid: ${e.message}`);
    return;
  }
  let ok = false;
  try {
    ok = (doc.from || {}).tree_size === cp.size && newest.size >= cp.size
      && verifyConsistency(cp.size, newest.size, cp.root, newest.root, (doc.proof || []).map(fromB64));
  } catch {
    ok = false;
  }
  if (!ok) {
    s10.bad(`本任务的检查点（大小 ${cp.size}）与门户最新检查点（大小 ${newest.size}）不一致（账本被分叉或改写）`,
      `the task's checkpoint (size ${cp.size}) is not consistent with the portal's newest checkpoint (size ${newest.size}): fork or rewrite`);
  } else if (newest.size === cp.size) {
    s10.ok('本任务的检查点就是门户最新的检查点', "the task's checkpoint is the portal's newest");
  } else {
    s10.ok(`与门户最新检查点（大小 ${newest.size}，签于 ${cstText(newest.time)}）一致：此后账本只是追加，本任务的记录未被改写`,
      `consistent with the portal's newest checkpoint (size ${newest.size}, signed ${cstText(newest.time)}): the log only grew since, this task's entries were not rewritten`);
  }
}

/**
 * Verify one task. ``data`` is the parsed verify/data/<task>.json. ``hooks.onStep(step)`` is
 * called as steps finish; ``hooks.onProgress(kind, bytes, total)`` while snapshots stream in.
 * Returns {steps, overall, ctx} where ctx keeps what the company lookup needs.
 *
 * ``hooks.mode``: 'full' (default) reads the committed target snapshot and re-derives the
 * population from it; 'quick' (the page's common path, spec §9.9) reads the committed list
 * ``population.list`` instead — every leaf, so tickets, selection and root are all recomputed —
 * and leaves the list's derivation from the snapshot and the printed-page comparison to 'full'.
 * A quick run that passes everything it checks is overall 'quick', never 'pass'.
 */
export async function verifyTask(io, data, hooks = {}) {
  const t0 = (globalThis.performance || Date).now();
  const steps = {};
  for (let n = 1; n <= 13; n++) steps[n] = new Step(n);
  const done = (s) => s.status !== 'na' && hooks.onStep && hooks.onStep(s);
  const quick = hooks.mode === 'quick' && !!(data.population && data.population.list);
  const ctx = { data, task: data.task, mode: quick ? 'quick' : 'full' };

  // Dependencies: a step that needs a failed/skipped step is skipped and names the root cause;
  // one that needs a pending step is pending with the same reason.
  const needs = (s, deps) => {
    for (const d of deps) {
      const dep = steps[d];
      if (dep.status === 'fail' || dep.status === 'skip') {
        const cause = dep.status === 'fail' ? d : dep.cause;
        s.status = 'skip';
        s.cause = cause;
        s.reason = m(`跳过：第 ${cause} 步未通过，本步依赖其结果`, `skipped because step ${cause} failed`);
        s.lines = [{ status: 'skip', ...s.reason }];
        return false;
      }
    }
    for (const d of deps) {
      const dep = steps[d];
      if (dep.status === 'pending') {
        s.status = 'pending';
        s.reason = dep.reason;
        s.lines = [{ status: 'pending', ...dep.reason }];
        return false;
      }
    }
    return true;
  };

  // ---- load everything the steps read; the snapshots start downloading right away
  const later = (ref) => (ref && ref.url ? (io.prefetch ? io.prefetch(ref.url) : () => io.chunks(ref.url)) : null);
  const snapshotStreams = { targets: quick ? null : later(data.snapshots && data.snapshots.targets), inspectors: later(data.snapshots && data.snapshots.inspectors) };
  let trust = null;
  let trustError = null;
  try {
    trust = await loadTrust(io, data.trust || 'ledger/trust.json');
    const impostor = checkTrustPin(trust, hooks.trustPin); // spec §3.11: the page pins trust.json
    if (impostor) [trust, trustError] = [null, impostor];
  } catch (e) {
    trustError = m(`无法读取信任锚 trust.json：${e.message}`, `cannot read the trust anchors (trust.json): ${e.message}`);
  }
  ctx.trust = trust;
  const E = data.entries || {};
  const [commit, lock, reveal, replaces, keyEntries, superseded] = await Promise.all([
    loadEntry(io, E.commit, 'commit'),
    E.lock ? loadEntry(io, E.lock, 'lock') : null,
    E.reveal ? loadEntry(io, E.reveal, 'reveal') : null,
    Promise.all((E.replace || []).map((r) => loadEntry(io, r, 'replace'))),
    Promise.all((data.keys || []).flatMap((k) => [
      loadEntry(io, k.register, 'register'),
      ...(k.revoke ? [loadEntry(io, k.revoke, 'revoke')] : []),
    ])),
    Promise.all((E.superseded || []).map((r) => loadEntry(io, r, 'superseded'))),
  ]);
  const drawEntries = [commit, lock, reveal, ...replaces].filter(Boolean);
  const cb = commit.entry ? commit.entry.body : null;
  ctx.commitBody = cb;
  ctx.commitId = commit.entry ? commit.entry.id : null;
  const embargoed = !!(cb && cb.embargo_until);
  const sealed = isSealed(cb); // spec §6S: the strata are hidden; the public checks run instead
  ctx.sealed = sealed;
  const lb = lock && lock.entry ? lock.entry.body : null;
  const rb = reveal && reveal.entry ? reveal.entry.body : null;
  let resultBody = embargoed ? rb : lb; // what publishes secrets, seed and the result
  // an embargoed draw without a reveal opens itself at its reveal round (spec §5A.4): the
  // escrowed secrets give the list, which the lock's result_hash must bind (step 11)
  const opening = embargoed && lb && !rb && data.reveal_beacon ? await openEscrows(io, cb, trust, data.reveal_beacon) : null;
  if (opening && opening.secrets) resultBody = { secrets: opening.secrets.map(toHex), opened: true };
  ctx.opened = !!(opening && opening.secrets);
  ctx.resultBody = resultBody;
  ctx.embargoed = embargoed;

  // ---- step 1: signatures and ids
  const s1 = steps[1];
  const pubOf = new Map(); // key id -> public key from its registration entry
  for (const k of keyEntries) {
    if (k.role === 'register' && k.entry && typeof k.entry.body.public_key === 'string') {
      try {
        pubOf.set(k.entry.body.key_id, fromB64(k.entry.body.public_key));
      } catch {
        /* reported in step 2 */
      }
    }
  }
  s1.info(`签名校验方式：${(await ed25519Backend()) === 'webcrypto' ? '浏览器内置 WebCrypto Ed25519' : '内置的 @noble/curves Ed25519'}`,
    `signature check: ${(await ed25519Backend()) === 'webcrypto' ? "the browser's own WebCrypto Ed25519" : 'bundled @noble/curves Ed25519'}`);
  for (const e of drawEntries) {
    const d = describe(e);
    if (e.error) {
      s1.bad(`${d.zh}：${e.error.zh}`, `${d.en}: ${e.error.en}`);
      continue;
    }
    const en = e.entry;
    if (e.ref.id && en.id !== e.ref.id) {
      s1.bad(`${d.zh}：按规范字节计算的记录编号为 ${short(en.id)}，账本日志中登记的是 ${short(e.ref.id)}——文件已被改动`,
        `${d.en}: the entry id computed from its canonical bytes is ${short(en.id)}, the log lists ${short(e.ref.id)} — the file was changed`);
    }
    const pk = pubOf.get(en.key);
    if (!pk) {
      s1.bad(`${d.zh}：找不到密钥 ${en.key} 的登记记录，无法核验签名`, `${d.en}: no registration of key ${en.key}, so the signature cannot be checked`);
    } else if (keyId(pk) !== en.key || !(await ed25519Verify(pk, en.signed, en.signature))) {
      s1.bad(`${d.zh}：Ed25519 签名无效（密钥 ${en.key}）——记录内容或签名被改动过`,
        `${d.en}: the Ed25519 signature does not verify under key ${en.key} — the entry or its signature was altered`);
    } else {
      s1.ok(`${d.zh}：${en.type}，由 ${en.office} 以密钥 ${en.key} 签名，签名有效；记录编号 ${short(en.id)}`,
        `${d.en}: ${en.type} signed by ${en.office} with key ${en.key}, signature valid; entry id ${short(en.id)}`);
    }
  }
  // the entries must belong together
  const expectType = { commit: 'draw.commit', lock: 'draw.lock', reveal: 'draw.reveal', replace: 'team.replace' };
  for (const e of drawEntries) {
    if (!e.entry) continue;
    const d = describe(e);
    const en = e.entry;
    if (en.type !== expectType[e.role]) s1.bad(`${d.zh}：类型是 ${en.type}，应为 ${expectType[e.role]}`, `${d.en}: type is ${en.type}, expected ${expectType[e.role]}`);
    if (en.body.task !== data.task) s1.bad(`${d.zh}：属于任务 ${en.body.task}，不是 ${data.task}`, `${d.en}: belongs to task ${en.body.task}, not ${data.task}`);
    if (e.role !== 'commit' && commit.entry && en.body.commit !== commit.entry.id) {
      s1.bad(`${d.zh}：引用的承诺是 ${short(en.body.commit)}，不是本次的承诺 ${short(commit.entry.id)}`,
        `${d.en}: refers to commitment ${short(en.body.commit)}, not this draw's ${short(commit.entry.id)}`);
    }
    if ((e.role === 'lock' || e.role === 'reveal') && commit.entry && en.office !== commit.entry.office) {
      s1.bad(`${d.zh}：由 ${en.office} 签署，承诺却是 ${commit.entry.office} 的`, `${d.en}: signed by ${en.office}, but the commitment is ${commit.entry.office}'s`);
    }
  }
  if (embargoed && reveal && reveal.entry && chinaDate(reveal.entry.time) < cb.embargo_until) {
    s1.bad(`结果在 ${chinaDate(reveal.entry.time)} 公布，早于保密期结束日 ${cb.embargo_until}`, `revealed on ${chinaDate(reveal.entry.time)}, before the embargo ends (${cb.embargo_until})`);
  }
  if (embargoed && lb && 'selected' in lb) s1.bad('承诺设定了保密期，锁定记录却公布了结果', 'the commitment sets an embargo but the lock publishes the result');
  if (!embargoed && lb && 'result_hash' in lb) s1.bad('承诺未设保密期，锁定记录却只公布了哈希', 'the commitment sets no embargo but the lock carries only a hash');
  if (!s1.failed) {
    s1.ok(`共核验 ${drawEntries.length} 条抽取记录，全部签名有效、相互对应`, `${drawEntries.length} draw entries checked: all signatures valid, all belong to this draw`);
  }
  done(s1);

  // ---- step 2: key registrations
  const s2 = steps[2];
  if (trustError) s2.bad(trustError.zh, trustError.en);
  else {
    const tl = trustLine(trust, hooks.trustPin);
    s2.info(tl.zh, tl.en);
    const rootIds = [...trust.roots.keys()];
    s2.info(`信任锚 trust.json 中固定的运营方根密钥：${rootIds.join('、')}（请与官方公布的指纹比对）`,
      `operator root keys pinned in trust.json: ${rootIds.join(', ')} (compare with the officially published fingerprints)`);
    const regByKey = new Map();
    const revByKey = new Map();
    for (const k of keyEntries) {
      const d = describe(k);
      if (k.error) {
        s2.bad(`${d.zh}：${k.error.zh}`, `${d.en}: ${k.error.en}`);
        continue;
      }
      const en = k.entry;
      if (k.ref.id && en.id !== k.ref.id) {
        s2.bad(`${d.zh}：记录编号 ${short(en.id)} 与日志中的 ${short(k.ref.id)} 不符——文件已被改动`, `${d.en}: entry id ${short(en.id)} differs from the log's ${short(k.ref.id)} — the file was changed`);
      }
      const root = trust.roots.get(en.key);
      if (en.office !== 'operator') s2.bad(`${d.zh}：不是运营方（operator）的记录`, `${d.en}: not an operator entry`);
      else if (!root) s2.bad(`${d.zh}：签名密钥 ${en.key} 不是 trust.json 固定的根密钥`, `${d.en}: signed by ${en.key}, which is not a root key pinned in trust.json`);
      else if (!(await ed25519Verify(root.publicKey, en.signed, en.signature))) {
        s2.bad(`${d.zh}：根密钥签名无效——登记记录被改动过`, `${d.en}: the root key's signature does not verify — the registration was altered`);
      }
      if (k.role === 'register') {
        if (en.type !== 'key.register') s2.bad(`${d.zh}：类型是 ${en.type}，不是 key.register`, `${d.en}: type ${en.type}, not key.register`);
        let pk = null;
        try {
          pk = fromB64(en.body.public_key);
        } catch {
          s2.bad(`${d.zh}：公钥不是有效的 base64`, `${d.en}: the public key is not valid base64`);
        }
        if (pk && (pk.length !== 32 || keyId(pk) !== en.body.key_id)) {
          s2.bad(`${d.zh}：key_id ${en.body.key_id} 与公钥不符`, `${d.en}: key_id ${en.body.key_id} does not match the public key`);
        }
        regByKey.set(en.body.key_id, k);
      } else {
        if (en.type !== 'key.revoke') s2.bad(`${d.zh}：类型是 ${en.type}，不是 key.revoke`, `${d.en}: type ${en.type}, not key.revoke`);
        revByKey.set(en.body.key_id, k);
      }
    }
    for (const e of drawEntries) {
      if (!e.entry) continue;
      const d = describe(e);
      const en = e.entry;
      const reg = regByKey.get(en.key);
      if (!reg || !reg.entry) {
        s2.bad(`${d.zh}：数据中没有密钥 ${en.key} 的登记记录`, `${d.en}: the data lists no registration of key ${en.key}`);
        continue;
      }
      const rb2 = reg.entry.body;
      if (rb2.office !== en.office) {
        s2.bad(`${d.zh}：密钥 ${en.key} 登记给 ${rb2.office}，签名的却是 ${en.office}`, `${d.en}: key ${en.key} is registered to ${rb2.office}, but the entry is ${en.office}'s`);
        continue;
      }
      if (!(reg.ref.index < e.ref.index)) {
        s2.bad(`${d.zh}：密钥在账本中的登记（第 ${reg.ref.index} 条）晚于本记录（第 ${e.ref.index} 条）`, `${d.en}: the key was registered at log index ${reg.ref.index}, after this entry (${e.ref.index})`);
        continue;
      }
      if (rb2.valid_from > en.time) {
        s2.bad(`${d.zh}：密钥在 ${rb2.valid_from} 之前无效（记录时间 ${en.time}）`, `${d.en}: the key is not valid before ${rb2.valid_from} (entry time ${en.time})`);
        continue;
      }
      const rev = revByKey.get(en.key);
      if (rev && rev.ref.index < e.ref.index) {
        s2.bad(`${d.zh}：密钥 ${en.key} 已在本记录之前（账本第 ${rev.ref.index} 条）被撤销`, `${d.en}: key ${en.key} was revoked earlier in the log (index ${rev.ref.index})`);
        continue;
      }
      s2.ok(`${d.zh}：密钥 ${en.key} 由根密钥 ${reg.entry.key} 登记给 ${rb2.office}（账本第 ${reg.ref.index} 条，早于本记录），未被撤销`,
        `${d.en}: key ${en.key} registered to ${rb2.office} by root key ${reg.entry.key} (log index ${reg.ref.index}, before this entry), not revoked`);
    }
  }
  done(s2);

  // ---- step 3: secrets (draw protocol v2: only embargoed draws have any)
  const s3 = steps[3];
  if (needs(s3, [1, 2])) {
    const carrying = cb.offices.filter((o) => 'commitment' in o).map((o) => o.office);
    if (!embargoed) {
      if (carrying.length) {
        s3.bad(`公开抽取不应有秘密值承诺，但 ${carrying.join('、')} 带有承诺`, `an announced draw has no secrets, but ${carrying.join(', ')} carry a secret commitment`);
      } else {
        s3.ok('公开抽取（抽取协议第 2 版）不使用秘密值：种子只由承诺编号和信标决定，信标轮次公布后任何人都能算出结果，放弃或重抽都隐藏不了什么',
          'an announced draw (draw protocol v2) uses no secrets: the seed follows from the commitment id and the beacon alone, so once the round is public anyone can compute the outcome — abandoning or re-drawing hides nothing');
      }
    } else if (!lb) s3.wait('尚未锁定：各机关的秘密值在保密期结束后公布', 'not locked yet: the offices publish their secrets after the embargo');
    else if (opening && opening.error) s3.bad(`时间锁托管无法打开为承诺的秘密值：${opening.error}`, `the timelock escrow does not open to the committed secret: ${opening.error}`);
    else if (opening) {
      s3.info(`保密期已于 ${cb.embargo_until} 结束：第 ${opening.round} 轮信标打开了承诺中托管的秘密值，名单由此重新计算，无需机关公布`,
        `the embargo ended on ${cb.embargo_until}: beacon round ${opening.round} opens the secrets escrowed in the commitment, so the list is recomputed without the office`);
      cb.offices.forEach((o, i) => s3.ok(`${o.office}：托管的秘密值 ${short(resultBody.secrets[i])} 与承诺 ${short(o.commitment)} 一致`,
        `${o.office}: the escrowed secret ${short(resultBody.secrets[i])} matches the commitment ${short(o.commitment)}`));
    } else if (!rb) s3.wait(`保密期至 ${cb.embargo_until}：托管的秘密值在保密期结束那一轮信标产生后即可打开`, `embargoed until ${cb.embargo_until}: the escrowed secrets open once the beacon round at the embargo's end exists`);
    else {
      const secrets = resultBody.secrets || [];
      if (secrets.length !== cb.offices.length || carrying.length !== cb.offices.length) {
        s3.bad(`公布了 ${secrets.length} 个秘密值，承诺中有 ${carrying.length} 个机关承诺`, `${secrets.length} secrets revealed for ${carrying.length} committed offices`);
      } else {
        cb.offices.forEach((o, i) => {
          let got = null;
          try {
            got = secretCommitment(cb.task, o.office, fromHex(secrets[i], 32));
          } catch {
            /* malformed */
          }
          if (got === o.commitment) {
            s3.ok(`${o.office}：秘密值 ${short(secrets[i])} 的承诺哈希 = ${short(o.commitment)}，一致`, `${o.office}: secret ${short(secrets[i])} hashes to the commitment ${short(o.commitment)}`);
          } else {
            s3.bad(`${o.office}：公布的秘密值与其承诺 ${short(o.commitment)} 不符`, `${o.office}: the revealed secret does not match its commitment ${short(o.commitment)}`);
          }
        });
      }
    }
  }
  done(s3);

  // ---- checkpoints (used by steps 4 and 10)
  let latest = null;
  let latestError = null;
  if (trust && data.checkpoint && data.checkpoint.url) {
    try {
      latest = await openCheckpoint(await io.bytes(data.checkpoint.url), trust.vkey, trust.origin, trust.witnesses);
    } catch (e) {
      latestError = m(`本任务的检查点 ${data.checkpoint.url} 无效：${e.message}`, `the task's checkpoint ${data.checkpoint.url} is invalid: ${e.message}`);
    }
  }

  // ---- step 4: beacon
  const s4 = steps[4];
  let randomness = null;
  if (needs(s4, [1, 2])) {
    const chain = trust ? trust.chains.get(cb.beacon.chain_hash) : null;
    if (!trust) s4.bad(trustError.zh, trustError.en);
    else if (!chain) s4.bad(`信标链 ${short(cb.beacon.chain_hash)} 没有在 trust.json 中固定`, `beacon chain ${short(cb.beacon.chain_hash)} is not pinned in trust.json`);
    else {
      ctx.chain = chain;
      const due = roundTime(chain, cb.beacon.round);
      if (chain.simulated) {
        s4.warn(`模拟信标链（${chain.label}）：不是真实的 drand 网络，不提供不可预测性，仅用于演示和测试。`,
          `Simulated beacon chain (${chain.label}): not the real drand network; it gives no unpredictability, demos and tests only.`);
      } else s4.info(`信标链：${chain.label}（${short(chain.chain_hash)}）`, `beacon chain: ${chain.label} (${short(chain.chain_hash)})`);
      s4.info(`承诺的轮次 ${cb.beacon.round}，应在 ${cstText(due)}（北京时间）产生`, `committed round ${cb.beacon.round}, due ${cstText(due)} (China Standard Time)`);
      if (due < unixOf(commit.entry.time) + 60) {
        s4.bad(`承诺时间 ${commit.entry.time} 与信标轮次产生时间相隔不足 60 秒：随机数可能已经存在`,
          `the round is due less than 60 s after the commitment (${commit.entry.time}): the randomness may already have existed`);
      }
      if (!lb) s4.wait(`尚未锁定：等待第 ${cb.beacon.round} 轮信标`, `not locked yet: waiting for beacon round ${cb.beacon.round}`);
      else {
        if (lb.beacon.round !== cb.beacon.round) {
          s4.bad(`锁定记录使用的是第 ${lb.beacon.round} 轮信标，但承诺固定的是第 ${cb.beacon.round} 轮`, `the lock uses beacon round ${lb.beacon.round}, but the commitment fixed round ${cb.beacon.round}`);
        } else {
          try {
            randomness = checkBeacon(chain, lb.beacon.round, lb.beacon.signature);
            s4.ok(`第 ${lb.beacon.round} 轮信标的 BLS 签名有效（bls-unchained-g1-rfc9380）；随机数 = SHA-256(签名) = ${short(toHex(randomness))}`,
              `the BLS signature of round ${lb.beacon.round} verifies (bls-unchained-g1-rfc9380); randomness = SHA-256(signature) = ${short(toHex(randomness))}`);
          } catch (e) {
            s4.bad(`第 ${lb.beacon.round} 轮信标无效：${e.message}`, `beacon round ${lb.beacon.round} does not verify: ${e.message}`);
          }
        }
        if (unixOf(lock.entry.time) < due) {
          s4.bad(`锁定时间 ${lock.entry.time} 早于信标轮次产生时间`, `locked at ${lock.entry.time}, before the beacon round was due`);
        }
        // the commitment was public before the round existed
        const cc = data.commit_checkpoint;
        if (!cc) s4.bad('没有检查点证明承诺在信标轮次产生之前已公开', 'no checkpoint proves the commitment was public before the beacon round');
        else {
          try {
            const cp = await openCheckpoint(await io.bytes(cc.url), trust.vkey, trust.origin, trust.witnesses);
            const when = cp.witnessedTime ?? cp.time; // witnessed time when trust.json names witnesses
            const okIncl = verifyInclusion(leafHash(fromHex(commit.entry.id, 32)), E.commit.index, cp.size, cc.proof.map(fromB64), cp.root);
            if (!okIncl) s4.bad(`检查点 ${cp.size} 不包含本承诺`, `checkpoint ${cp.size} does not include this commitment`);
            else if (!(when < due)) {
              s4.bad(`最早包含承诺的检查点${cp.witnesses ? '经见证' : '签'}于 ${cstText(when)}，不早于信标轮次 ${cstText(due)}`, `the first checkpoint including the commitment was ${cp.witnesses ? 'witnessed' : 'signed'} at ${cstText(when)}, not before the round (${cstText(due)})`);
            } else if (latest && !verifyConsistency(cp.size, latest.size, cp.root, latest.root, (cc.consistency || []).map(fromB64))) {
              s4.bad(`检查点 ${cp.size} 与本任务的检查点 ${latest.size} 不一致（账本被分叉或改写）`, `checkpoint ${cp.size} is not consistent with the task's checkpoint ${latest.size} (fork or rewrite)`);
            } else {
              s4.ok(`承诺在 ${cstText(when)} 已写入${cp.witnesses ? '经独立见证者联署的' : '签名'}检查点（大小 ${cp.size}），早于信标轮次产生时间 ${cstText(due)}：抽取时随机数尚不存在`,
                `the commitment was in a ${cp.witnesses ? 'witness-cosigned' : 'signed'} checkpoint (size ${cp.size}) at ${cstText(when)}, before the round was due (${cstText(due)}): the randomness did not exist yet`);
            }
          } catch (e) {
            s4.bad(`承诺检查点无效：${e.message}`, `the commitment's checkpoint is invalid: ${e.message}`);
          }
        }
      }
    }
  }
  done(s4);

  // ---- step 5: seed
  const s5 = steps[5];
  let seed = null;
  if (needs(s5, [3, 4])) {
    try {
      seed = deriveSeed(commit.entry.id, randomness, embargoed ? resultBody.secrets.map((s) => fromHex(s, 32)) : []);
      if (resultBody.opened) resultBody.seed = toHex(seed); // nothing published: the hash (step 11) is the check
      if (toHex(seed) === resultBody.seed) {
        s5.ok(embargoed ? `种子 = SHA-256(ssgk/seed/v2, 承诺编号, 信标随机数, 各机关秘密值) = ${short(toHex(seed))}，与公布的一致`
          : `种子 = SHA-256(ssgk/seed/v2, 承诺编号, 信标随机数) = ${short(toHex(seed))}，与公布的一致`,
        embargoed ? `seed = SHA-256(ssgk/seed/v2, commitment id, beacon randomness, office secrets) = ${short(toHex(seed))}, as published`
          : `seed = SHA-256(ssgk/seed/v2, commitment id, beacon randomness) = ${short(toHex(seed))}, as published`);
      } else {
        s5.bad(`重新计算的种子 ${short(toHex(seed))} 与公布的 ${short(resultBody.seed)} 不符`, `the recomputed seed ${short(toHex(seed))} differs from the published ${short(resultBody.seed)}`);
      }
    } catch (e) {
      s5.bad(`无法计算种子：${e.zh || e.message}`, `cannot compute the seed: ${e.en || e.message}`);
    }
  }
  ctx.seed = seed;

  // ---- step 12 setup: every superseded commitment's outcome is computed in the same snapshot pass
  const history = setupHistory(superseded, commit, trust, pubOf);
  const sameNames = (h) => h.body.strata.map((x) => x.name).join('\n') === cb.strata.map((x) => x.name).join('\n');
  const histScans = history.filter((h) => h.seed && !h.scanError && (quick
    ? h.body.population.root === cb.population.root && sameNames(h) // the same leaves: the list serves both
    : h.body.population.snapshot === cb.population.snapshot));
  if (quick) {
    for (const h of history) {
      if (!h.sel) continue;
      if (histScans.includes(h)) h.scan = new ListScan(h.strata);
      else h.deferred = true;
    }
  }

  // ---- the population pass (steps 6 and 7): one streaming read of the target snapshot
  const s6 = steps[6];
  const s7 = steps[7];
  let scan = null;
  let sel = null;
  let strata = null;
  let popOk = false;
  const eligible = new Map(); // sealed: eligible id -> region (the public part of the population)
  let sealedPicks = null;
  if (quick && needs(s7, [1, 2])) {
    try {
      strata = parseStrata(cb.strata);
      const [explicit, committedCap] = exclusionSets(cb);
      scan = new ListScan(strata, new Set([...explicit, ...committedCap]));
      if (seed && !s5.failed) sel = new Selector(seed, cb.strata.map((s) => s.k));
      const list = await fetchList(io, data.population.list);
      ctx.listBytes = list.bytes;
      const names = strata.map((s) => s.name);
      if (list.head.strata.join('\n') !== names.join('\n')) throw new Error(`the list's strata [${list.head.strata}] are not the committed [${names}]`);
      for (const [id, si, region] of list.leaves) {
        const e = scan.push(id, si, region);
        if (sel) sel.add(e[0], e[1], e[2], e[3]);
        for (const h of histScans) h.sel.add(e[0], e[1], e[2], e[3]);
        for (const h of histScans) h.scan.push(id, si, region);
      }
      s7.ok(`下载承诺的检查对象名单 ${data.population.list}（${list.bytes} 字节，${list.leaves.length} 条「编号 + 层」），逐条重新计算默克尔根`,
        `downloaded the committed population list ${data.population.list} (${list.bytes} bytes, ${list.leaves.length} "id + stratum" leaves) and rebuilt its Merkle root leaf by leaf`);
      for (const id of scan.excludedPresent) s7.bad(`承诺排除的对象 ${id} 却在名单中`, `${id} is excluded by the commitment but is in the list`);
    } catch (e) {
      s7.bad(`无法读取承诺的检查对象名单：${e.zh || e.message}`, `cannot read the committed population list: ${e.en || e.message}`);
    }
  } else if (!quick && needs(s7, [1, 2])) {
    const snap = cb.population.snapshot;
    const ref = (data.snapshots && data.snapshots.targets) || { url: `ledger/blobs/${snap}` };
    try {
      strata = parseStrata(cb.strata);
      const [explicit, committedCap] = exclusionSets(cb);
      const classifier = sealed ? new Classifier(parseStrata([{ name: '*', match: {}, take: { count: 0 } }])) : new Classifier(strata);
      scan = new PopulationScan(new Filter(cb.population.filter), classifier, { explicit, committedCap, withRoot: !sealed });
      if (seed && !s5.failed && !sealed) sel = new Selector(seed, cb.strata.map((s) => s.k));
      const read = await readSnapshot(snapshotStreams.targets && data.snapshots.targets.sha256 === snap ? snapshotStreams.targets() : io.chunks(ref.url), 'targets', (rec) => {
        const e = scan.push(rec);
        if (e && sealed) eligible.set(e[0], e[2]);
        if (e && sel) sel.add(e[0], e[1], e[2], e[3]);
        for (const h of histScans) {
          const x = h.scan.push(rec);
          if (x) h.sel.add(x[0], x[1], x[2], x[3]);
        }
      }, (b) => hooks.onProgress && hooks.onProgress('targets', b, ref.bytes), ref.bytes);
      ctx.snapshotBytes = read.bytes;
      if (read.sha256 !== snap) {
        s7.bad(`检查对象名单文件的 SHA-256 是 ${short(read.sha256)}，承诺中的快照编号是 ${short(snap)}——名单文件被改动过`,
          `the population snapshot file hashes to ${short(read.sha256)}, the commitment names snapshot ${short(snap)} — the file was changed`);
      } else {
        s7.ok(`检查对象名单文件（${read.lines} 行，${read.bytes} 字节）的 SHA-256 与承诺中的快照编号 ${short(snap)} 一致`,
          `the population snapshot file (${read.lines} lines, ${read.bytes} bytes) hashes to the committed snapshot ${short(snap)}`);
        if (read.error) s7.bad(`名单文件格式错误：${read.error.zh}`, `the snapshot is malformed: ${read.error.en}`);
      }
    } catch (e) {
      s7.bad(`无法读取检查对象名单：${e.zh || e.message}`, `cannot read the population snapshot: ${e.en || e.message}`);
    }
  }
  if (scan && sealed && !s7.failed) {
    let leaves = null;
    try {
      leaves = await io.bytes(`ledger/blobs/${cb.population.sealed.leaves}`);
    } catch {
      leaves = null;
    }
    for (const l of await commitmentLines(cb, scan.total, leaves)) (l.status === 'ok' ? s7.ok : s7.bad).call(s7, l.zh, l.en);
    popOk = !s7.failed;
  } else if (scan && s7.status === 'pass') {
    const pop = cb.population;
    const root = scan.root();
    if (scan.total === pop.count && root === pop.root) {
      if (quick) {
        s7.ok(`由名单逐条重新计算：共 ${scan.total} 家，默克尔根 ${short(root)}，与签名的承诺一致——名单正是承诺的那一份`,
          `recomputed from the list leaf by leaf: ${scan.total} targets, Merkle root ${short(root)}, as committed in the signed commitment — the list is the committed one`);
      } else {
        s7.ok(`按承诺的筛选条件、排除名单和分层重新计算：共 ${scan.total} 家，默克尔根 ${short(root)}，与承诺一致`,
          `recomputed with the committed filter, exclusions and strata: ${scan.total} targets, Merkle root ${short(root)}, as committed`);
      }
    } else {
      s7.bad(`重新计算得到 ${scan.total} 家、根 ${short(root)}，承诺的是 ${pop.count} 家、根 ${short(pop.root)}`,
        `recomputed ${scan.total} targets with root ${short(root)}, the commitment says ${pop.count} with root ${short(pop.root)}`);
    }
    strata.forEach((s, i) => {
      const c = cb.strata[i];
      const k = s.take(scan.counts[i]);
      if (c.n === scan.counts[i] && c.k === k) {
        s7.ok(`「${s.name}」层：${c.n} 家，按规则抽取 ${c.k} 家`, `stratum "${s.name}": ${c.n} targets, the rule takes ${c.k}`);
      } else {
        s7.bad(`「${s.name}」层：承诺写 n=${c.n}、k=${c.k}，重新计算 n=${scan.counts[i]}、k=${k}`, `stratum "${s.name}": the commitment says n=${c.n}, k=${c.k}; recomputed n=${scan.counts[i]}, k=${k}`);
      }
    });
    if (scan.total === 0) s7.bad('筛选后的对象名单为空', 'the eligible population is empty');
    if (cb.ratio_cap !== undefined && scan.total > 0) {
      const [num, den] = parseRatio(cb.ratio_cap);
      const k = strata.reduce((a, st, i) => a + st.take(scan.counts[i]), 0);
      if (BigInt(k) * den > num * BigInt(scan.total)) {
        s7.bad(`抽取 ${k} 家 / ${scan.total} 家，超过一般事项的比例上限 ${cb.ratio_cap}`, `the draw takes ${k} of ${scan.total} targets, above the ratio cap ${cb.ratio_cap} of a general item`);
      } else s7.ok(`抽取 ${k} 家 / ${scan.total} 家，未超过比例上限 ${cb.ratio_cap}`, `the draw takes ${k} of ${scan.total} targets, within the ratio cap ${cb.ratio_cap}`);
    }
    const unseen = [...exclusionSets(cb)[0]].filter((id) => !scan.seenExplicit.has(id));
    for (const id of unseen) s7.bad(`排除对象 ${id} 不在筛选后的名单中`, `excluded target ${id} is not in the filtered population`);
    const excl = cb.population.exclusions || [];
    if (excl.length) s7.info(`承诺中排除了 ${excl.length} 家（每家都写明理由和依据）`, `${excl.length} targets excluded by the commitment, each with a reason and basis`);
    if (quick) {
      const mb = data.snapshots && data.snapshots.targets ? ` ${(data.snapshots.targets.bytes / 1e6).toFixed(1)} MB` : '';
      s7.info(`快速核验不下载目录快照：名单是否按承诺的筛选条件、排除名单和分层规则从快照${mb}得出，由「全部核验」检查`,
        `the quick check does not download the directory snapshot: whether the list follows from the${mb} snapshot by the committed filter, exclusions and strata is checked by "check everything"`);
    }
    popOk = !s7.failed;
  }
  ctx.populationOk = popOk;

  // ---- step 6: tickets and selection
  if (sealed && needs(s6, [5, 7])) {
    const got = lockLines(cb, resultBody, seed, eligible);
    for (const l of got.lines) (l.status === 'ok' ? s6.ok : s6.bad).call(s6, l.zh, l.en);
    sealedPicks = got.picks;
  } else if (needs(s6, [5, 7])) {
    const picks = sel.result();
    const names = strata.map((s) => s.name);
    if (resultBody.opened) {
      resultBody.strata = picks.map((ps, i) => ({ name: names[i], n: cb.strata[i].n, k: cb.strata[i].k, threshold: ps.length ? toHex(ps[ps.length - 1].ticket) : null }));
      resultBody.selected = picks.flat().map((p) => ({ id: p.id, stratum: names[p.si] }));
    }
    const published = new Map((resultBody.strata || []).map((s) => [s.name, s]));
    picks.forEach((ps, i) => {
      const th = ps.length ? toHex(ps[ps.length - 1].ticket) : null;
      const p = published.get(names[i]);
      const want = { name: names[i], n: cb.strata[i].n, k: cb.strata[i].k, threshold: th };
      if (!p || !jsonEqual(p, want)) {
        s6.bad(`「${names[i]}」层：公布 ${p ? `n=${p.n}、k=${p.k}、门槛 ${short(p.threshold)}` : '（缺失）'}，重新计算 n=${want.n}、k=${want.k}、门槛 ${short(th)}`,
          `stratum "${names[i]}": published ${p ? `n=${p.n}, k=${p.k}, threshold ${short(p.threshold)}` : '(missing)'}, recomputed n=${want.n}, k=${want.k}, threshold ${short(th)}`);
      } else {
        s6.ok(`「${names[i]}」层：在 ${want.n} 家中票号最小的 ${want.k} 家被抽中，门槛（抽中者中最大的票号）${short(th)}，与公布的一致`,
          `stratum "${names[i]}": the ${want.k} smallest of ${want.n} tickets are selected, threshold (the largest selected ticket) ${short(th)}, as published`);
      }
    });
    if ((resultBody.strata || []).length !== names.length) s6.bad('公布的分层数与承诺不符', 'the published strata differ from the committed ones');
    const want = new Map(picks.flat().map((p) => [p.id, names[p.si]]));
    const got = new Map((resultBody.selected || []).map((r) => [r.id, r.stratum]));
    for (const [id, st] of got) {
      if (!want.has(id)) s6.bad(`公布的抽中名单中有 ${id}，但它的票号不在「${st}」层最小的 k 个之内`, `the published list contains ${id}, whose ticket is not among the k smallest of stratum "${st}"`);
      else if (want.get(id) !== st) s6.bad(`${id} 公布在「${st}」层，实际属于「${want.get(id)}」层`, `${id} is published in stratum "${st}", but belongs to "${want.get(id)}"`);
    }
    for (const [id, st] of want) {
      if (!got.has(id)) s6.bad(`${id}（「${st}」层）按票号应被抽中，公布的名单中却没有`, `${id} (stratum "${st}") should have been selected by its ticket but is missing from the published list`);
    }
    if (!s6.failed) s6.ok(`全部 ${want.size} 家抽中对象与重新计算一致`, `all ${want.size} selected targets match the recomputation`);
  }
  // the full recomputation (also needed by step 11 when the published lists are wrong)
  let result = null; // {seed, strata, selected, teams, plan} once everything could be recomputed
  let rows = null;
  let recomputedStrata = null;
  let inspectors = null;
  let inspectorError = null;
  if (sel || sealedPicks) {
    let order;
    if (sealedPicks) { // the thresholds are published, not recomputed: the strata are sealed
      recomputedStrata = resultBody.strata;
      order = batchOrder(seed, sealedPicks);
      rows = publicRows(order, cb.batch_size);
    } else {
      const picks = sel.result();
      const names = strata.map((s) => s.name);
      recomputedStrata = picks.map((ps, i) => ({ name: names[i], n: cb.strata[i].n, k: cb.strata[i].k, threshold: ps.length ? toHex(ps[ps.length - 1].ticket) : null }));
      order = batchOrder(seed, picks.flat());
      rows = batchRows(order, names, cb.batch_size);
    }
    const iref = (data.snapshots && data.snapshots.inspectors) || { url: `ledger/blobs/${cb.teams.inspectors}` };
    inspectors = [];
    try {
      const stream = snapshotStreams.inspectors && data.snapshots.inspectors.sha256 === cb.teams.inspectors ? snapshotStreams.inspectors() : io.chunks(iref.url);
      const read = await readSnapshot(stream, 'inspectors', (rec) => inspectors.push(rec), null, iref.bytes);
      if (read.sha256 !== cb.teams.inspectors) {
        inspectorError = m(`执法检查人员名录文件的 SHA-256 是 ${short(read.sha256)}，承诺中的是 ${short(cb.teams.inspectors)}——文件被改动过`,
          `the inspector snapshot file hashes to ${short(read.sha256)}, the commitment names ${short(cb.teams.inspectors)} — the file was changed`);
      } else if (read.error) {
        inspectorError = m(`执法检查人员名录格式错误：${read.error.zh}`, `the inspector snapshot is malformed: ${read.error.en}`);
      } else {
        const plan = teamPlan(cb, inspectors);
        const teams = assignTeams(seed, order.map((p) => [p.id, p.region]), plan);
        ctx.regions = new Map(order.map((p) => [p.id, p.region]));
        result = { seed, strata: recomputedStrata, selected: rows, teams, plan };
      }
    } catch (e) {
      inspectorError = m(`无法重新匹配检查组：${e.zh || e.message}`, `cannot recompute the teams: ${e.en || e.message}`);
    }
  }
  ctx.result = result;
  if (resultBody && resultBody.opened && result) Object.assign(resultBody, { selected: rows, teams: result.teams });

  // ---- step 8: batch order
  const s8 = steps[8];
  if (needs(s8, [6])) {
    const diff = firstDifference(resultBody.selected || [], rows, 'id');
    if (diff) s8.bad(`公布的批次顺序与重新计算不符：${diff.zh}`, `the published batch order differs from the recomputation: ${diff.en}`);
    else {
      const batches = rows.length ? rows[rows.length - 1].batch : 0;
      s8.ok(`按 SHA-256(ssgk/batch/v1, 种子, 编号) 排序，每批 ${cb.batch_size} 家，共 ${batches} 批：与公布的顺序逐条一致`,
        `ordered by SHA-256(ssgk/batch/v1, seed, id), ${cb.batch_size} per batch, ${batches} batch${batches === 1 ? '' : 'es'}: identical to the published order`);
    }
  }

  // ---- step 9: teams
  const s9 = steps[9];
  if (needs(s9, [8])) {
    if (inspectorError) s9.bad(inspectorError.zh, inspectorError.en);
    else {
      s9.ok(`执法检查人员名录文件的 SHA-256 与承诺一致（${inspectors.length} 人）`, `the inspector snapshot hashes to the committed one (${inspectors.length} inspectors)`);
      const diff = firstDifference(resultBody.teams || [], result.teams, 'target');
      if (diff) s9.bad(`公布的检查组与重新计算不符：${diff.zh}`, `the published teams differ from the recomputation: ${diff.en}`);
      else {
        if (quick && ['small', 'cross'].includes(cb.teams.mode)) {
          s9.info('按地区匹配时使用的各对象所在地区取自名单文件（地区不在承诺的默克尔叶子中），由「全部核验」与目录快照核对',
            'the targets\' regions used by the matching come from the list file (regions are not in the committed leaves); "check everything" checks them against the snapshot');
        }
        s9.ok(`按规则（模式 ${cb.teams.mode}${cb.teams.load_cap ? `，每人最多 ${cb.teams.load_cap} 家` : ''}）重新匹配的 ${result.teams.length} 个检查组与公布的一致`,
          `the ${result.teams.length} teams re-matched by the rules (mode ${cb.teams.mode}${cb.teams.load_cap ? `, load cap ${cb.teams.load_cap}` : ''}) equal the published ones`);
        // replacements, in log order
        const current = new Map(result.teams.map((t) => [t.target, [...t.members]]));
        const plan = result.plan;
        const regionOf = new Map(rows.map((r) => [r.id, ctx.regions ? ctx.regions.get(r.id) : undefined]));
        const gone = new Map();
        let accepted = 0;
        const limit = maxReplacements(result.teams.length);
        for (const r of replaces) {
          if (!r.entry) continue;
          const b = r.entry.body;
          if (accepted >= limit) {
            s9.bad(`人员更换（${b.target}）：本次抽取已有 ${accepted} 次更换，已达上限（${result.teams.length} 个检查组最多 ${limit} 次）`,
              `replacement for ${b.target}: this draw already has ${accepted} replacements, the most allowed for ${result.teams.length} teams (${limit})`);
            continue;
          }
          const drawn = current.has(b.target) ? substitute(seed, b.target, regionOf.get(b.target) || '', b.out, current, plan, gone.get(b.target) || []) : undefined;
          const probs = replacementProblems(b, current.get(b.target), plan, drawn);
          const recOut = plan.records.get(b.out);
          if (![commit.entry.office, recOut ? recOut.office : commit.entry.office].includes(r.entry.office)) {
            probs.push(m(`${r.entry.office} 既不是牵头机关，也不是被替换人员所在机关`, `office ${r.entry.office} is neither the lead office nor the replaced inspector's office`));
          }
          const lockDate = chinaDate(lock.entry.time);
          if (!(lockDate <= b.date && b.date <= chinaDate(r.entry.time))) {
            probs.push(m(`批准日期 ${b.date} 不在锁定（${lockDate}）与本记录之间`, `approval date ${b.date} is not between the lock (${lockDate}) and this entry`));
          }
          if (probs.length) probs.forEach((p) => s9.bad(`人员更换（${b.target}）：${p.zh}`, `replacement for ${b.target}: ${p.en}`));
          else {
            current.set(b.target, applyReplacement(current.get(b.target), b.out, b.in));
            gone.set(b.target, [...(gone.get(b.target) || []), b.out]);
            accepted++;
            s9.ok(`人员更换：${b.target} 的检查组中 ${b.out} 由抽取产生的 ${b.in} 替换（理由 ${b.reason}，批准人 ${b.approver.name}（${b.approver.title}），${b.date}），符合规定`,
              `replacement: in the team of ${b.target}, ${b.out} was replaced by the drawn ${b.in} (reason ${b.reason}, approved by ${b.approver.name} (${b.approver.title}) on ${b.date}), within the rules`);
          }
        }
        ctx.teamsInForce = current;
      }
    }
  }

  // ---- step 10: inclusion in the task's checkpoint (the first covering all its entries, §9.2),
  // and that checkpoint's consistency with the portal's newest one
  const s10 = steps[10];
  if (trustError) s10.bad(trustError.zh, trustError.en);
  else if (latestError) s10.bad(latestError.zh, latestError.en);
  else if (!latest) s10.wait('账本尚无签名检查点', 'the log has no signed checkpoint yet');
  else {
    s10.ok(`本任务的检查点：大小 ${latest.size}，根 ${short(toHex(latest.root))}，签于 ${cstText(latest.time)}，日志密钥签名有效（${trust.origin}）`,
      `the task's checkpoint: size ${latest.size}, root ${short(toHex(latest.root))}, signed ${cstText(latest.time)}; the log key's signature verifies (${trust.origin})`);
    const wl = witnessLine(latest, trust.witnesses);
    (trust.witnesses ? s10.ok : s10.warn).call(s10, wl.zh, wl.en);
    for (const e of [...drawEntries, ...keyEntries]) {
      const d = describe(e);
      if (!e.entry) {
        s10.bad(`${d.zh}：无法读取，不能证明其写入账本`, `${d.en}: unreadable, so its inclusion cannot be shown`);
        continue;
      }
      const idx = e.ref.index;
      if (!(Number.isSafeInteger(idx) && idx >= 0)) {
        s10.bad(`${d.zh}：数据文件没有给出账本位置`, `${d.en}: the data file gives no log index`);
      } else if (idx >= latest.size) {
        s10.wait(`${d.zh}：位于账本第 ${idx} 条，尚未被签名检查点覆盖（下一个检查点之后可核验）`, `${d.en}: at log index ${idx}, not yet covered by a signed checkpoint (check again after the next one)`);
      } else {
        const proof = (data.proofs || {})[e.ref.id] || (data.proofs || {})[e.entry.id];
        let ok = false;
        try {
          ok = !!proof && verifyInclusion(leafHash(fromHex(e.entry.id, 32)), idx, latest.size, proof.map(fromB64), latest.root);
        } catch {
          ok = false;
        }
        if (ok) s10.ok(`${d.zh}：账本第 ${idx} 条，包含证明（${proof.length} 个哈希）有效`, `${d.en}: log index ${idx}, inclusion proof (${proof.length} hashes) valid`);
        else s10.bad(`${d.zh}：记录编号 ${short(e.entry.id)} 不是检查点中第 ${idx} 个叶子——包含证明无效`, `${d.en}: entry id ${short(e.entry.id)} is not leaf ${idx} of the checkpoint — the inclusion proof fails`);
      }
    }
    await newestCheckpoint(s10, data, latest, trust, io);
  }

  // ---- step 11: embargoed draws, result hash
  const s11 = steps[11];
  if (!embargoed) s11.status = 'na';
  else if (!lb) s11.wait('尚未锁定', 'not locked yet');
  else if (!rb && !ctx.opened) {
    s11.wait(`锁定时固定的结果哈希 ${short(lb.result_hash)}；保密期至 ${cb.embargo_until}，公布后即可核验`,
      `result hash fixed at lock: ${short(lb.result_hash)}; embargoed until ${cb.embargo_until}, checkable after the reveal`);
  } else if (needs(s11, [5, 7])) {
    if (inspectorError) {
      s11.status = 'skip';
      s11.cause = 9;
      s11.reason = m('跳过：第 9 步未通过（执法检查人员名录），本步依赖其结果', 'skipped because step 9 failed (inspector snapshot)');
      s11.lines = [{ status: 'skip', ...s11.reason }];
    } else {
      const h = resultHash(resultJson(result));
      if (h === lb.result_hash) {
        s11.ok(`重新计算的完整结果的哈希 ${short(h)} 与锁定时固定的一致：保密期间结果未被改动`, `the hash of the recomputed result ${short(h)} equals the one fixed at lock: nothing changed during the embargo`);
      } else {
        s11.bad(`重新计算的结果哈希 ${short(h)} 与锁定时固定的 ${short(lb.result_hash)} 不符——锁定后结果被改动过`,
          `the recomputed result hashes to ${short(h)}, not the ${short(lb.result_hash)} fixed at lock — the draw was changed after it was locked`);
      }
    }
  }
  // ---- step 12: the commitment history
  const s12 = steps[12];
  if (!history.length) {
    s12.ok('本任务只有这一个承诺，没有被取代或放弃的承诺', 'this task has a single commitment: nothing was superseded or abandoned');
  } else {
    for (const h of history) {
      if (h.entry && h.pk && !(await ed25519Verify(h.pk, h.entry.signed, h.entry.signature))) {
        s12.bad(`被取代的承诺 ${short(h.id)}：Ed25519 签名无效`, `superseded commitment ${short(h.id)}: the Ed25519 signature does not verify`);
      }
      finishHistory(s12, h, popOk);
    }
  }
  ctx.history = history.map((h) => ({ id: h.id, reasonCode: h.reasonCode, outcome: h.outcome, status: h.status }));

  // ---- step 13: the verified selection, and the list printed on the task page
  const s13 = steps[13];
  if (embargoed && !rb && !ctx.opened) s13.wait('保密期内：名单尚未公布', 'under embargo: the list is not published yet');
  else if (!lb) s13.wait('尚未锁定：还没有抽中名单', 'not locked yet: there is no selection');
  else if (needs(s13, ctx.opened ? [6, 8, 11] : [6, 8])) {
    s13.ok(`核验所得的抽中名单（${rows.length} 家，按批次顺序）：`, `the verified selection (${rows.length} targets, in batch order):`);
    for (const r of rows) s13.info(`第 ${r.position} 位 · 第 ${r.batch} 批 · 「${r.stratum ?? '封存'}」 · ${r.id}`, `#${r.position} · batch ${r.batch} · "${r.stratum ?? 'sealed'}" · ${r.id}`);
    if (quick) {
      s13.info('与任务页面印出的名单逐条对照由「全部核验」进行（需下载任务页面）', 'the row-by-row comparison with the list printed on the task page is part of "check everything" (it downloads the task pages)');
    } else await comparePrinted(s13, io, data, rows);
  }
  for (const n of [5, 6, 7, 8, 9, 10, 11, 12, 13]) done(steps[n]);

  const list = Object.values(steps).filter((s) => s.status !== 'na');
  const overall = list.some((s) => s.status === 'fail') ? 'fail'
    : list.every((s) => s.status === 'pass') ? (quick ? 'quick' : 'pass') : 'partial';
  ctx.stepStatus = Object.fromEntries(list.map((s) => [s.n, s.status]));
  const t1 = (globalThis.performance || Date).now();
  return { steps: list, overall, ctx, ms: Math.round(t1 - t0) };
}

const REDRAW_LABEL = {
  beacon_unavailable: m('信标轮次未能产生或无法验证', 'the beacon round was not produced or cannot be verified'),
  population_error: m('抽查对象名录有误，已重新确认名录', 'the population was wrong; the directory was confirmed again'),
  superior_order: m('上级机关决定重新抽取', 'a superior office ordered a new draw'),
  void_draw: m('原抽取无效', 'the superseded draw is void'),
  correction: m('信标轮次之前更正承诺', 'corrected before the beacon round existed'),
};

/** Per superseded commitment: who superseded it and why, and (from its beacon) its own seed. */
function setupHistory(superseded, commit, trust, pubOf) {
  const chainOf = [...superseded, commit];
  const out = [];
  superseded.forEach((e, i) => {
    const next = chainOf[i + 1];
    const h = { id: e.ref && e.ref.id, error: e.error, body: null, next: next && next.entry ? next.entry : null, seed: null, lines: [] };
    out.push(h);
    if (e.error || !e.entry) return;
    const en = e.entry;
    h.id = en.id;
    h.body = en.body;
    h.idOk = !e.ref.id || en.id === e.ref.id;
    const pk = pubOf.get(en.key);
    h.sigKnown = !!pk;
    h.entry = en;
    h.pk = pk;
    const nb = h.next ? h.next.body : {};
    h.reasonCode = nb.reason_code || null;
    h.nextBody = nb;
    const sb = nb.superseded_beacon;
    const chain = trust ? trust.chains.get(en.body.beacon.chain_hash) : null;
    if (sb && chain) {
      try {
        if (sb.round !== en.body.beacon.round) throw new Error(`round ${sb.round} is not the committed ${en.body.beacon.round}`);
        const rnd = checkBeacon(chain, sb.round, sb.signature);
        if (!en.body.embargo_until) {
          h.seed = deriveSeed(en.id, rnd, []);
          const strata = parseStrata(en.body.strata);
          const [explicit, committedCap] = exclusionSets(en.body);
          h.strata = strata;
          h.scan = new PopulationScan(new Filter(en.body.population.filter), new Classifier(strata), { explicit, committedCap });
          h.sel = new Selector(h.seed, en.body.strata.map((x) => x.k));
        }
      } catch (err) {
        h.beaconError = err.message;
      }
    }
  });
  return out;
}

function finishHistory(s, h, scanned) {
  const who = `${short(h.id)}`;
  if (h.error || !h.body) {
    s.bad(`被取代的承诺 ${who}：${h.error ? h.error.zh : '无法读取'}`, `superseded commitment ${who}: ${h.error ? h.error.en : 'unreadable'}`);
    return;
  }
  if (!h.idOk) s.bad(`被取代的承诺 ${who}：记录编号与日志不符——文件已被改动`, `superseded commitment ${who}: its id differs from the log's — the file was changed`);
  if (!h.pk) s.info(`被取代的承诺 ${who}：数据中没有其签名密钥的登记，签名留给 publisher verify 核验`, `superseded commitment ${who}: its signing key's registration is not listed here; publisher verify checks that signature`);
  const nb = h.nextBody || {};
  const label = REDRAW_LABEL[nb.reason_code];
  const appr = nb.approver ? `${nb.approver.name}（${nb.approver.title}）` : '—';
  const apprEn = nb.approver ? `${nb.approver.name} (${nb.approver.title})` : '—';
  if (!label || !nb.approver) {
    s.bad(`承诺 ${who} 被取代，但新承诺没有写明规定的重抽理由代码和批准人`, `commitment ${who} was superseded without an allowed reason code and approver`);
  } else {
    s.info(`承诺 ${who}（${h.entry.time}，第 ${h.body.beacon.round} 轮信标）被取代：${label.zh}（${nb.reason_code}）；说明：${nb.reason || '—'}${nb.document ? `；文号 ${nb.document}` : ''}；批准人 ${appr}`,
      `commitment ${who} (${h.entry.time}, beacon round ${h.body.beacon.round}) was superseded: ${label.en} (${nb.reason_code}); reason: ${nb.reason || '—'}${nb.document ? `; document ${nb.document}` : ''}; approved by ${apprEn}`);
  }
  h.status = 'superseded';
  if (h.beaconError) {
    s.bad(`被取代承诺的信标（第 ${h.body.beacon.round} 轮）无效：${h.beaconError}`, `the superseded commitment's beacon (round ${h.body.beacon.round}) does not verify: ${h.beaconError}`);
  } else if (!nb.superseded_beacon) {
    s.info(nb.reason_code === 'correction' ? '在其信标轮次之前被取代：当时还没有结果' : '新承诺未附上原信标轮次，无法计算原承诺的结果',
      nb.reason_code === 'correction' ? 'superseded before its beacon round: no outcome existed yet' : 'the re-draw carries no beacon of the old round, so its outcome cannot be computed here');
  } else if (h.deferred) {
    s.info('原承诺的名单与本次不同：其结果由「全部核验」从目录快照计算', 'the superseded commitment has another population: "check everything" computes its outcome from the snapshot');
  } else if (h.body.embargo_until) {
    s.info('原承诺是保密抽取：其结果需要各机关的秘密值，无法公开计算', 'the superseded draw was embargoed: its outcome needs the offices\' secrets');
  } else if (!h.sel) {
    s.info('原承诺使用了另一份名录快照：请在其名录上单独核验', 'the superseded commitment used another snapshot: verify it against that snapshot');
  } else if (!scanned) {
    s.info('名录未能读取，无法计算原承诺的结果', 'the snapshot could not be read, so its outcome cannot be computed');
  } else {
    const ns = h.body.strata.map((x) => x.n);
    if (h.scan.counts.join(',') !== ns.join(',')) {
      s.bad(`原承诺的分层数量 [${ns}] 与名录重新计算的 [${h.scan.counts}] 不符`, `the superseded commitment's stratum sizes [${ns}] differ from the recomputation [${h.scan.counts}]`);
      return;
    }
    const order = batchOrder(h.seed, h.sel.result().flat());
    h.outcome = order.map((p) => p.id);
    s.ok(`原承诺若被锁定，将抽中 ${h.outcome.length} 家：${h.outcome.join('、') || '（无）'}`,
      `had the superseded commitment been locked it would have selected ${h.outcome.length}: ${h.outcome.join(', ') || '(none)'}`);
  }
}

/** Compare the verified rows with the ids the task page(s) print (data-selected-id, in order). */
async function comparePrinted(s, io, data, rows) {
  const pages = data.pages || [`task/${data.task}/index.html`, `en/task/${data.task}/index.html`];
  let compared = 0;
  for (const url of pages) {
    let html;
    try {
      html = fromUtf8(await io.bytes(url));
    } catch {
      continue;
    }
    compared++;
    // rows are found by their marker; what counts is the id a reader SEES in the row
    const printed = [...html.matchAll(/<tr[^>]*data-selected-id="([^"]*)"[^>]*>([\s\S]*?)<\/tr>/g)].map((x) => {
      const shown = /class="mono small id">\s*([^<\s]*)\s*</.exec(x[2]);
      return shown ? shown[1] : x[1];
    });
    const want = rows.map((r) => r.id);
    const wantSet = new Set(want);
    const gotSet = new Set(printed);
    const missing = want.filter((id) => !gotSet.has(id));
    const extra = printed.filter((id) => !wantSet.has(id));
    const moved = [];
    want.forEach((id, i) => {
      if (printed[i] !== undefined && printed[i] !== id && gotSet.has(id)) moved.push(`${i + 1}: ${printed[i]} ≠ ${id}`);
    });
    if (!missing.length && !extra.length && !moved.length && printed.length === want.length) {
      s.ok(`页面 ${url} 印出的 ${printed.length} 家抽中名单与核验结果逐条一致`, `the ${printed.length} targets printed on ${url} match the verified selection row by row`);
    } else {
      if (missing.length) s.bad(`页面 ${url} 印出的名单缺少核验所得的：${missing.join('、')}`, `the list printed on ${url} lacks verified rows: ${missing.join(', ')}`);
      if (extra.length) s.bad(`页面 ${url} 印出的名单多出未被抽中的：${extra.join('、')}`, `the list printed on ${url} has rows that were not selected: ${extra.join(', ')}`);
      if (moved.length) s.bad(`页面 ${url} 印出的顺序与核验结果不同（位置：${moved.slice(0, 10).join('；')}）`, `the list printed on ${url} is in another order (positions: ${moved.slice(0, 10).join('; ')})`);
      if (!missing.length && !extra.length && !moved.length) s.bad(`页面 ${url} 印出 ${printed.length} 行，核验所得 ${want.length} 行`, `${url} prints ${printed.length} rows, the verification gives ${want.length}`);
    }
  }
  if (!compared) s.info('没有找到可对照的任务页面（仅显示核验所得的名单）', 'no task page was found to compare with (the verified list is shown above)');
}

/** The first differing row of two lists, as {zh, en}, or null. */
export function firstDifference(got, want, key) {
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    if (!jsonEqual(got[i], want[i])) {
      const g = JSON.stringify(got[i]);
      const w = JSON.stringify(want[i]);
      return m(`第 ${i + 1} 条：公布 ${g}，重新计算 ${w}`, `at position ${i + 1}: published ${g}, recomputed ${w}`);
    }
  }
  if (got.length !== want.length) return m(`公布 ${got.length} 条，重新计算 ${want.length} 条`, `published ${got.length} rows, recomputed ${want.length}`);
  return null;
}

export { cmpCodePoints, utf8 };

/** Open every office's escrow with the reveal round's beacon: {round, secrets} or {round, error}. */
async function openEscrows(io, cb, trust, ref) {
  const chain = trust ? trust.chains.get(cb.beacon.chain_hash) : null;
  let beacon = null;
  try {
    beacon = parseStrict(fromUtf8(await io.bytes(ref.url)));
  } catch (e) {
    return { round: ref.round, error: `reveal beacon ${ref.url}: ${e.message}` };
  }
  if (!chain) return { round: ref.round, error: 'the beacon chain is not pinned' };
  const secrets = [];
  for (const o of cb.offices) {
    try {
      secrets.push(await openEscrow({ escrow: o.escrow || '', task: cb.task, office: o.office, commitment: o.commitment,
        embargoUntil: cb.embargo_until, chain, beacon }));
    } catch (e) {
      return { round: beacon.round, error: e.message };
    }
  }
  return { round: beacon.round, secrets };
}
