// The JavaScript half of the Python/JavaScript agreement test (test_parity.py).
//
//   node parity_runner.mjs JOB.json > OUT.json
//
// JOB lists the worked examples (docs/vectors) and draws (commitment, beacon signature,
// secrets, snapshot files, ids to explain, and optionally a built site with the proof index).
// Everything is computed with theme/verifier/src — the modules the browser bundle is made of —
// and written out as canonical JSON text so Python can compare byte for byte.
import fs from 'node:fs';
import { canonical, parseStrict } from '../../theme/verifier/src/json.js';
import { fromHex, toHex, utf8, fromB64, cmpCodePoints } from '../../theme/verifier/src/bytes.js';
import { sha256, sha256Hex } from '../../theme/verifier/src/hash.js';
import { parseEntry } from '../../theme/verifier/src/entry.js';
import { ed25519Verify, forceBackend } from '../../theme/verifier/src/ed25519.js';
import { TreeBuilder, leafHash, MerkleTree } from '../../theme/verifier/src/merkle.js';
import { checkBeacon } from '../../theme/verifier/src/beacon.js';
import {
  computeResult, resultJson, resultHash, secretCommitment, deriveSeed, ticket, batchKey, teamScore, leafData,
  parseRatio, roundFraction, buildExplanation, verifyExplanation, parseStrata, exclusionSets, PopulationScan,
  Filter, Classifier, substitute, teamPlan,
} from '../../theme/verifier/src/draw.js';
import { lookupCompany } from '../../theme/verifier/src/lookup.js';
import { verifyTask } from '../../theme/verifier/src/verify.js';
import { fsIO } from './fsio.mjs';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = { vectors: {}, draws: {}, entries: {} };
const parsed = new Map(); // snapshots are shared by many draws: parse each file once
const lines = (p) => {
  if (!parsed.has(p)) parsed.set(p, fs.readFileSync(p, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)));
  return parsed.get(p);
};

// ---- docs/vectors/entry-example.json and log-example.json
{
  const ex = JSON.parse(fs.readFileSync(job.vectors.entry, 'utf8'));
  const e = parseEntry(utf8(JSON.stringify(ex.entry_file, null, 3)));
  const pk = fromB64(ex.public_keys.scjgj.public_key);
  const sigs = {};
  for (const b of ['webcrypto', 'noble']) {
    forceBackend(b);
    sigs[b] = await ed25519Verify(pk, e.signed, e.signature);
    const bad = e.signed.slice();
    bad[5] ^= 1;
    sigs[b + '_tampered'] = await ed25519Verify(pk, bad, e.signature);
  }
  forceBackend(null);
  out.vectors.entry = { signed_bytes_hex: toHex(e.signed), entry_id: e.id, sigs };
  const log = JSON.parse(fs.readFileSync(job.vectors.log, 'utf8'));
  const tb = new TreeBuilder();
  const ids = [];
  for (const en of log.entries) {
    const p = parseEntry(utf8(JSON.stringify(en)));
    ids.push(p.id);
    tb.append(leafHash(fromHex(p.id)));
  }
  out.vectors.log = { ids, root_hex: toHex(tb.root()), leaf_hashes_hex: ids.map((i) => toHex(leafHash(fromHex(i)))) };
}

// ---- docs/vectors/draw-primitives.json
{
  const v = JSON.parse(fs.readFileSync(job.vectors.primitives, 'utf8'));
  const sc = v.secret_commitment;
  const seed = deriveSeed(v.seed.commit_id, fromHex(v.seed.randomness));
  const es = v.embargo_seed;
  out.vectors.primitives = {
    commitment: secretCommitment(sc.task, sc.office, fromHex(sc.secret)),
    seed: toHex(seed),
    embargo_seed: toHex(deriveSeed(es.commit_id, fromHex(es.randomness), es.secrets.map((s) => fromHex(s)))),
    tickets: v.tickets.map((t) => toHex(ticket(fromHex(t.seed), t.id))),
    batch_keys: v.batch_keys.map((t) => toHex(batchKey(fromHex(t.seed), t.id))),
    team_scores: v.team_scores.map((t) => toHex(teamScore(fromHex(t.seed), t.target, t.inspector))),
    population_leaves: v.population_leaves.map((l) => ({ data_hex: toHex(leafData(l.id, l.stratum)), leaf_hash: toHex(leafHash(leafData(l.id, l.stratum))) })),
    rounding: v.rounding.map((r) => {
      const [num, den] = parseRatio(r.ratio);
      const x = BigInt(r.n) * num;
      return { n: r.n, ratio: r.ratio, ceil: roundFraction(x, den, 'ceil'), floor: roundFraction(x, den, 'floor'), half_up: roundFraction(x, den, 'half_up') };
    }),
  };
}

/** Explanations from a population held in memory (leaves recomputed from the snapshot). */
function explainFromSnapshot(body, targets, result, ids) {
  const strata = parseStrata(body.strata);
  const [explicit, committedCap] = exclusionSets(body);
  const scan = new PopulationScan(new Filter(body.population.filter), new Classifier(strata), { explicit, committedCap, withRoot: false });
  const leaves = [];
  for (const t of targets) {
    const e = scan.push(t);
    if (e) leaves.push([e[0], strata[e[1]].name]);
  }
  const tree = new MerkleTree(leaves.map(([id, st]) => leafHash(leafData(id, st))));
  const root = toHex(tree.root());
  const leafAt = (i) => ({ index: i, id: leaves[i][0], stratum: leaves[i][1], proof: tree.inclusionProof(i).map(toHex) });
  const ex = new Map((body.population.exclusions || []).map((e) => [e.id, e]));
  return ids.map((id) => {
    let i = leaves.findIndex(([x]) => cmpCodePoints(x, id) >= 0);
    if (i < 0) i = leaves.length;
    const found = i < leaves.length && leaves[i][0] === id ? { leaf: leafAt(i) }
      : { left: i > 0 ? leafAt(i - 1) : null, right: i < leaves.length ? leafAt(i) : null };
    const e = buildExplanation(result, leaves.length, root, id, found, ex);
    return { explanation: e, check: verifyExplanation(body, result, e) };
  });
}

// ---- docs/vectors/draw-example.json
{
  const v = JSON.parse(fs.readFileSync(job.vectors.example, 'utf8'));
  const targets = v.target_snapshot.map((l) => JSON.parse(l));
  const inspectors = v.inspector_snapshot.map((l) => JSON.parse(l));
  const body = v.commit_envelope.body;
  const secrets = Object.values(v.embargoed.secrets).map((s) => fromHex(s));
  const randomness = sha256(fromHex(v.beacon.signature));
  const r = computeResult(sha256Hex(utf8(canonical(v.commit_envelope))), body, randomness, secrets, targets, inspectors, { withRoot: true });
  const emb = computeResult(v.embargoed.commit_id, v.embargoed.commit_body, randomness, secrets, targets, inspectors);
  out.vectors.example = {
    commit_id: sha256Hex(utf8(canonical(v.commit_envelope))),
    randomness: toHex(randomness),
    result_jcs: canonical(resultJson(r)),
    count: r.scan.total,
    root: r.scan.root(),
    embargoed_result_hash: resultHash(resultJson(emb)),
  };
  const xs = explainFromSnapshot(body, targets, v.lock_body, v.explanations.map((e) => e.target));
  out.vectors.example.explanations = xs.map((x) => canonical(x.explanation));
  out.vectors.example.explanation_checks = xs.map((x) => x.check.ok);
}

// ---- tests/vectors/drand-quicknet.json through the same check as the page
{
  const q = JSON.parse(fs.readFileSync(job.vectors.quicknet, 'utf8'));
  const c = q.chains.quicknet;
  const chain = { chain_hash: c.chain_hash, scheme: c.scheme_id, public_key: c.public_key_g2_hex, period: c.period_seconds, genesis_time: c.genesis_time, group_hash: c.group_hash_genesis_seed, beacon_id: c.beacon_id, label: 'drand quicknet (League of Entropy)', simulated: false };
  out.vectors.quicknet = q.quicknet_beacons.map((b) => {
    const res = { round: b.round };
    try {
      res.randomness = toHex(checkBeacon(chain, b.round, b.signature));
    } catch (e) {
      res.error = e.message;
    }
    try {
      checkBeacon(chain, b.round + 1, b.signature);
      res.next_round = 'valid';
    } catch {
      res.next_round = 'invalid';
    }
    return res;
  });
}

// ---- every entry file: canonical bytes and id
for (const [path, file] of Object.entries(job.entries || {})) {
  try {
    const e = parseEntry(new Uint8Array(fs.readFileSync(file)));
    out.entries[path] = { id: e.id, signed_sha256: sha256Hex(e.signed) };
  } catch (e) {
    out.entries[path] = { error: e.message };
  }
}

// ---- draws (the repository ledger and the temp ledger)
for (const d of job.draws) {
  const res = {};
  try {
    const targets = lines(d.targets);
    const inspectors = lines(d.inspectors);
    const commitId = d.commit_id;
    const body = d.commit_body;
    const randomness = sha256(fromHex(d.beacon_signature));
    const secrets = d.secrets.map((s) => fromHex(s));
    const r = computeResult(commitId, body, randomness, secrets, targets, inspectors, { withRoot: true });
    res.result_jcs = canonical(resultJson(r));
    res.result_hash = resultHash(resultJson(r));
    res.count = r.scan.total;
    res.root = r.scan.root();
    res.explanations = explainFromSnapshot(body, targets, d.result_body, d.explain).map((x) => canonical(x.explanation));
    if (d.subs) {
      const plan = teamPlan(body, inspectors);
      const teams = new Map(d.result_body.teams.map((t) => [t.target, t.members]));
      res.subs = d.subs.map(([t, reg, o]) => substitute(r.seed, t, reg, o, teams, plan));
    }
    if (d.pop_site) {
      // proof index only (no ledger): locate in the chunks, explain, verify
      const io = fsIO(d.pop_site);
      const ctx = { commitBody: body, resultBody: d.result_body, embargoed: false, stepStatus: {} };
      const data = { population: { index: `verify/data/${d.task}/pop/index.json` } };
      res.lookups = [];
      res.lookup_checks = [];
      for (const id of d.explain) {
        const a = await lookupCompany(io, data, ctx, id);
        res.lookups.push(canonical(a.explanation));
        res.lookup_checks.push(a.check.ok);
      }
    }
    if (d.site) {
      const io = fsIO(d.site);
      const data = await io.json(`verify/data/${d.task}.json`);
      const report = await verifyTask(io, data);
      res.report = report.steps.map((s) => [s.n, s.status]);
      res.lookups = [];
      for (const id of d.explain) {
        const a = await lookupCompany(io, data, report.ctx, id);
        res.lookups.push(canonical(a.explanation));
      }
    }
  } catch (e) {
    res.error = `${e.message}\n${e.stack}`;
  }
  out.draws[d.name] = res;
}

process.stdout.write(JSON.stringify(out));
