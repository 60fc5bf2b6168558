// node run_core.mjs CASE_DIR -> {"verdict", "problems": [{rule, severity, file, entry_id}]} on stdout.
//
// A ledger-level verifier assembled ONLY from the browser verifier's JS core (theme/verifier/src:
// entry.js, json.js, note.js, merkle.js, bytes.js) for the rule families the suite's README says
// the JS core covers: log, chains, envelope, canonical form (ids), signatures (registry as far as
// signing keys go, compromised keys included), checkpoints and witnesses. Everything else (schemas, registry refusals, time
// flags, draws, teams, embargoes, workflow) is out of scope here: those cases are Python-only.
import fs from 'node:fs';
import path from 'node:path';
import { parseEntry, verifyEntrySignature, keyId } from '../../theme/verifier/src/entry.js';
import { openCheckpoint, parseWitnessPolicy, witnessTimes, quorumTime } from '../../theme/verifier/src/note.js';
import { TreeBuilder, leafHash } from '../../theme/verifier/src/merkle.js';
import { fromB64, fromHex, toHex } from '../../theme/verifier/src/bytes.js';
import { sha256Hex } from '../../theme/verifier/src/hash.js';

const LINE = /^([a-z][a-z0-9-]{1,31})\/([1-9][0-9]{0,9}) ([0-9a-f]{64})$/;
const caseDir = process.argv[2];
const root = path.join(caseDir, 'ledger');
const problems = [];
const add = (rule, file, entry_id = '', severity = 'error') => problems.push({ rule, severity, file, entry_id });
const efile = (office, seq) => `ledger/entries/${office}/${String(seq).padStart(8, '0')}.json`;

const trust = JSON.parse(fs.readFileSync(path.join(root, 'trust.json'), 'utf8'));
const rootKeys = new Map(trust.root_keys.map((k) => [k.key_id, fromB64(k.public_key)]));
const policy = parseWitnessPolicy(trust.witnesses);

// checkpoints (before the pass): the ledger's, then any an auditor supplies (CASE_DIR/extra-checkpoints)
const cps = new Map();
const cpdir = path.join(root, 'checkpoints');
const extraDir = path.join(caseDir, 'extra-checkpoints');
const notes = [];
for (const name of fs.readdirSync(cpdir).sort()) {
  if (!name.endsWith('.note')) continue;
  const where = `ledger/checkpoints/${name}`;
  if (!/^\d{10}\.note$/.test(name)) { add('checkpoint', where); continue; }
  notes.push({ where, name, text: fs.readFileSync(path.join(cpdir, name), 'utf8'), own: true });
}
if (fs.existsSync(extraDir)) {
  for (const name of fs.readdirSync(extraDir).sort()) {
    if (name.endsWith('.note')) notes.push({ where: `extra-checkpoints/${name}`, name, text: fs.readFileSync(path.join(extraDir, name), 'utf8'), own: false });
  }
}
for (const { where, name, text, own } of notes) {
  let cp;
  try {
    cp = await openCheckpoint(text, trust.log_vkey, trust.origin);
  } catch { add('checkpoint', where); continue; }
  if (own && Number(name.slice(0, 10)) !== cp.size) add('checkpoint', where);
  if (policy) {
    try {
      const times = await witnessTimes(text, policy.witnesses);
      if (quorumTime([...times.values()], policy.quorum) === null) add('witness', where);
    } catch { add('witness', where); }
  }
  const seen = cps.get(cp.size);
  if (seen) {
    if (toHex(seen.cp.root) !== toHex(cp.root)) add('fork', where);
    continue;
  }
  cps.set(cp.size, { cp, where });
}

// the pass over the log
const raw = fs.readFileSync(path.join(root, 'log'), 'utf8');
let lines = raw.split('\n');
const torn = lines[lines.length - 1] !== '';
lines = lines.slice(0, -1);
const heads = new Map(); // office -> {seq, id, time}
const keys = new Map(); // key id -> {office, pub, validFrom, revoked}
const offices = new Set();
const tree = new TreeBuilder();
const checkAt = (size) => {
  const c = cps.get(size);
  if (c && toHex(tree.root()) !== toHex(c.cp.root)) add('checkpoint', c.where);
};
// compromised keys (spec §1.5): root-signed key.revoke entries with compromised_since, read first
// because a revocation voids entries that come BEFORE it in the log, signed after that time
const compromised = new Map(); // key id -> compromised_since
for (const text of lines) {
  const m = LINE.exec(text);
  if (!m || m[1] !== 'operator') continue;
  let e;
  try { e = parseEntry(new Uint8Array(fs.readFileSync(path.join(root, 'entries', 'operator', `${m[2].padStart(8, '0')}.json`)))); }
  catch { continue; }
  const since = e.type === 'key.revoke' && e.body && typeof e.body.compromised_since === 'string' ? e.body.compromised_since : null;
  const pub = rootKeys.get(e.key);
  if (since && e.id === m[3] && pub !== undefined && (await verifyEntrySignature(e, pub)) && !compromised.has(e.body.key_id)) {
    compromised.set(e.body.key_id, since);
  }
}
let stopped = false;
for (let n = 0; n < lines.length; n++) {
  const m = LINE.exec(lines[n]);
  if (!m) { add('log', 'ledger/log'); stopped = true; break; }
  const [, office, seqText, logged] = m;
  const seq = Number(seqText);
  tree.append(leafHash(fromHex(logged, 32)));
  const where = efile(office, seq);
  const head = heads.get(office) || { seq: 0, id: null, time: '' };
  const replay = seq <= head.seq;
  if (seq !== head.seq + 1) add('chain', where, logged);
  if (!replay) heads.set(office, { ...head, seq, id: logged });
  let bytes;
  try { bytes = new Uint8Array(fs.readFileSync(path.join(root, 'entries', office, `${String(seq).padStart(8, '0')}.json`))); }
  catch { add('missing', where, logged); checkAt(tree.size); continue; }
  let e;
  try { e = parseEntry(bytes); } catch { add('envelope', where, logged); checkAt(tree.size); continue; }
  if (e.id !== logged) add('hash', where, logged);
  if (e.office !== office || e.seq !== seq) add('chain', where, e.id);
  if (e.prev !== head.id) add('chain', where, e.id);
  if (head.time && e.time < head.time) add('time', where, e.id);
  if (!replay) heads.set(office, { seq, id: logged, time: e.time > head.time ? e.time : head.time });
  // signer (spec §1.5): a root key for the operator, else a key registered earlier, not revoked, valid_from <= time
  let ok;
  if (e.office === 'operator') {
    const pub = rootKeys.get(e.key);
    ok = pub !== undefined && (await verifyEntrySignature(e, pub));
  } else {
    const k = keys.get(e.key);
    ok = k !== undefined && k.office === e.office && !k.revoked && k.validFrom <= e.time && (await verifyEntrySignature(e, k.pub));
  }
  if (!ok) add('signature', where, e.id);
  if (e.office !== 'operator' && compromised.has(e.key) && e.time >= compromised.get(e.key)) add('compromised', where, e.id, 'warning');
  if (ok && e.office === 'operator') {
    const b = e.body;
    if (e.type === 'office.register') offices.add(b.office);
    if (e.type === 'key.register' && offices.has(b.office) && !keys.has(b.key_id)) {
      const pub = fromB64(b.public_key);
      if (keyId(pub) === b.key_id) keys.set(b.key_id, { office: b.office, pub, validFrom: b.valid_from, revoked: false });
    }
    if (e.type === 'key.revoke' && keys.has(b.key_id)) keys.get(b.key_id).revoked = true;
  }
  checkAt(tree.size);
}
if (torn && !stopped) add('torn', 'ledger/log', '', 'warning');
const maxCp = Math.max(-1, ...cps.keys());
if (maxCp > tree.size) add('checkpoint', cps.get(maxCp).where);
// orphans and blobs
const edir = path.join(root, 'entries');
for (const office of fs.readdirSync(edir).sort()) {
  const d = path.join(edir, office);
  if (!fs.statSync(d).isDirectory()) { if (office !== '.gitkeep') add('layout', `ledger/entries/${office}`); continue; }
  const head = (heads.get(office) || { seq: 0 }).seq;
  for (const name of fs.readdirSync(d).sort()) {
    if (name === '.gitkeep' || name.startsWith('.tmp-')) continue;
    const mm = /^(\d{8}|[1-9]\d{8,9})\.json$/.exec(name);
    if (!mm) { add('layout', `ledger/entries/${office}/${name}`); continue; }
    const s = Number(mm[1]);
    if (s === head + 1) add('orphan', `ledger/entries/${office}/${name}`, '', 'warning');
    else if (s > head || s === 0) add('orphan', `ledger/entries/${office}/${name}`);
  }
}
const bdir = path.join(root, 'blobs');
for (const name of fs.readdirSync(bdir).sort()) {
  if (name === '.gitkeep' || name.startsWith('.tmp-')) continue;
  if (sha256Hex(new Uint8Array(fs.readFileSync(path.join(bdir, name)))) !== name) add('blob', `ledger/blobs/${name}`);
}
const verdict = problems.some((p) => p.severity === 'error') ? 'INVALID' : 'VALID';
process.stdout.write(JSON.stringify({ verdict, problems }));
