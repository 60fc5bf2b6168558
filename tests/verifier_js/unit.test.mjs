// Unit tests of the browser verifier's modules in Node (node --test; run from pytest by
// test_js_unit.py). Vectors are the repository's shared files, so the JavaScript is held to the
// same third-party cases as the Python reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { canonical, parseStrict, JsonError } from '../../theme/verifier/src/json.js';
import { fromB64, toB64, fromHex, toHex, utf8, cmpCodePoints, chinaDate } from '../../theme/verifier/src/bytes.js';
import { sha256 } from '../../theme/verifier/src/hash.js';
import { leafHash, TreeBuilder, MerkleTree, verifyInclusion, verifyConsistency, subtreeRoot, inclusionPath, EMPTY_ROOT } from '../../theme/verifier/src/merkle.js';
import { parseNote, openNote, parseVkey, openCheckpoint, parseCheckpointBody } from '../../theme/verifier/src/note.js';
import { checkChain, checkBeacon, roundTime, beaconMessage } from '../../theme/verifier/src/beacon.js';
import { ed25519Verify, forceBackend, ed25519Backend } from '../../theme/verifier/src/ed25519.js';
import { parseEntry, keyId } from '../../theme/verifier/src/entry.js';
import { readSnapshot } from '../../theme/verifier/src/snapshot.js';
import { Filter, parseStrata, roundFraction, parseRatio, PopulationScan, Classifier, DrawError } from '../../theme/verifier/src/draw.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vec = (p) => JSON.parse(fs.readFileSync(path.join(REPO, p), 'utf8'));

// ------------------------------------------------------------------ RFC 8785 and strict JSON

test('JCS: cyberphone vectors without floats reproduce byte for byte', () => {
  const v = vec('tests/vectors/jcs-rfc8785-cyberphone.json');
  let checked = 0;
  for (const c of v.cases) {
    let value;
    try {
      value = parseStrict(c.input_text);
    } catch (e) {
      // cases with fractions/exponents ("values", "weird" 1E30...) are outside the ledger's types
      assert.ok(e instanceof JsonError && /integer|fraction/.test(e.message), `${c.name}: ${e.message}`);
      continue;
    }
    assert.equal(canonical(value), c.expected_output, c.name);
    assert.equal(toHex(utf8(canonical(value))), c.expected_output_hex, c.name);
    checked++;
  }
  assert.ok(checked >= 3, `only ${checked} float-free cases`);
});

test('JCS: members sorted by UTF-16 code units (RFC 8785 §3.2.3), not code points', () => {
  const obj = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
  assert.equal(canonical(obj), '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}');
  // ...whereas ids compare by code point (Python str order): U+1F600 sorts after U+FB33
  assert.ok(cmpCodePoints('\ud83d\ude00', '\ufb33') > 0);
  assert.ok('\ud83d\ude00' < '\ufb33');
});

test('strict JSON refuses what the ledger never contains', () => {
  for (const bad of ['1.0', '1e3', '-0.5', '[1E2]', 'NaN', '{"a":1,"a":2}', '9007199254740992', '"\\ud800"', '{"a":1}x', "{'a':1}", '[1,]']) {
    assert.throws(() => parseStrict(bad), JsonError, bad);
  }
  assert.deepEqual(parseStrict(' {"a":[1,-2,true,false,null,"\\u00e9\\n"],"__proto__":{"x":0}} '),
    JSON.parse('{"a":[1,-2,true,false,null,"\\u00e9\\n"],"__proto__":{"x":0}}'));
  assert.equal(canonical(parseStrict('{"__proto__":1}')), '{"__proto__":1}');
  assert.equal(canonical(-0), '0');
  assert.throws(() => canonical(0.5), JsonError);
});

test('base64 is strict and canonical, hex is lower case', () => {
  assert.deepEqual([...fromB64('AQID')], [1, 2, 3]);
  assert.equal(toB64(new Uint8Array([1, 2, 3, 4])), 'AQIDBA==');
  for (const bad of ['AQI', 'AQID=', 'AQ=D', 'AQIDBB==', 'AQ ID', 'AQI_', 'AQIDBA=']) assert.throws(() => fromB64(bad), bad);
  assert.throws(() => fromHex('AB'));
  assert.throws(() => fromHex('abc'));
  assert.equal(chinaDate('2025-12-31T20:00:00Z'), '2026-01-01');
});

// ------------------------------------------------------------------ RFC 6962

test('Merkle: transparency-dev tables and all probes (with the two documented policy choices)', () => {
  const v = vec('tests/vectors/rfc6962-merkle.json');
  const leaves = v.leaf_inputs_hex.map((h) => leafHash(fromHex(h)));
  for (const [n, root] of Object.entries(v.root_hashes_by_tree_size_hex)) {
    const tb = new TreeBuilder();
    leaves.slice(0, +n).forEach((h) => tb.append(h));
    assert.equal(toHex(tb.root()), root, `root ${n}`);
    assert.equal(toHex(subtreeRoot(leaves, 0, +n)), root);
    if (+n > 0) assert.equal(toHex(new MerkleTree(leaves.slice(0, +n)).root()), root);
  }
  for (const c of v.inclusion_proofs) {
    const proof = c.proof_hex.map((h) => fromHex(h));
    assert.deepEqual(inclusionPath(leaves.slice(0, c.tree_size), c.leaf_index_0based).map(toHex), c.proof_hex);
    assert.ok(verifyInclusion(fromHex(c.leaf_hash_hex), c.leaf_index_0based, c.tree_size, proof, fromHex(c.root_hex)));
  }
  for (const c of v.consistency_proofs) {
    assert.ok(verifyConsistency(c.size1, c.size2, fromHex(c.root1_hex), fromHex(c.root2_hex), c.proof_hex.map((h) => fromHex(h))));
  }
  const b = (s) => Uint8Array.from(Buffer.from(s || '', 'base64'));
  assert.equal(v.inclusion_probes.length, 98);
  for (const p of v.inclusion_probes) {
    const ok = verifyInclusion(b(p.leafHash), p.leafIdx, p.treeSize, (p.proof || []).map(b), b(p.root));
    assert.equal(ok, !p.wantErr, p.source_file);
  }
  for (const p of v.consistency_probes) {
    const ok = verifyConsistency(p.size1, p.size2, b(p.root1), b(p.root2), (p.proof || []).map(b));
    if (p.source_file === 'testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json') assert.equal(ok, false);
    else assert.equal(ok, !p.wantErr, p.source_file);
  }
  assert.deepEqual([...EMPTY_ROOT], [...sha256(new Uint8Array(0))]);
});

// ------------------------------------------------------------------ signed notes, checkpoints

test('signed notes: C2SP and Go vectors, malformed notes, vkeys', async () => {
  const v = vec('tests/vectors/signed-note-and-checkpoints.json');
  for (const c of v.cases) {
    const keys = c.vkeys.map(parseVkey);
    if (c.note_accepted) {
      const { names } = await openNote(c.note, keys);
      assert.ok(names.length >= 1, c.id);
    } else {
      await assert.rejects(openNote(c.note, keys), c.id);
    }
  }
  const pn = parseVkey(v.signer_determinism.vkey);
  for (const bad of v.malformed_notes_go.cases) await assert.rejects(openNote(bad, pn));
  for (const good of v.vkey_parsing_go.valid) parseVkey(good);
  for (const bad of v.vkey_parsing_go.invalid) assert.throws(() => parseVkey(bad));
  const valid = v.vkey_parsing_go.valid[0];
  for (let i = 1; i < valid.length; i++) assert.throws(() => parseVkey(valid.slice(0, i)), valid.slice(0, i));
});

test('checkpoints: the spec §3.6 example verifies strictly; edits are refused', async () => {
  const spec = fs.readFileSync(path.join(REPO, 'docs/spec/30-checkpoints.md'), 'utf8');
  const note = /```note checkpoint-example\n([\s\S]*?)```/.exec(spec)[1];
  const vkey = /^vkey = (.*)$/m.exec(spec)[1];
  const cp = await openCheckpoint(note, vkey, 'example.gov.cn/shuangsuiji-demo-log');
  assert.equal(cp.size, 3);
  assert.equal(cp.time, 1767225600);
  assert.equal(toB64(cp.root), 'IMGydvjlqR+0PKkqitFoHRWQJVTlRcDjM1WMVZNQdc8=');
  await assert.rejects(openCheckpoint(note.replace('\n3\n', '\n4\n'), vkey), /invalid signature/);
  await assert.rejects(openCheckpoint(note, vkey, 'another.origin'), /origin/);
  assert.throws(() => parseCheckpointBody('o\n3\nIMGydvjlqR+0PKkqitFoHRWQJVTlRcDjM1WMVZNQdc8=\n'), /4/);
  assert.throws(() => parseCheckpointBody('o\n03\nIMGydvjlqR+0PKkqitFoHRWQJVTlRcDjM1WMVZNQdc8=\ntime 1\n'), /leading zeros/);
  assert.throws(() => parseNote('a\n\n\u2014 k AAAAAA==\n'), /shorter than 5 bytes/);
  assert.throws(() => parseNote('a\n\n\u2014 k AAAAAAB=\n'), /not canonical/);
});

// ------------------------------------------------------------------ drand beacons

const QUICKNET = {
  chain_hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971', scheme: 'bls-unchained-g1-rfc9380',
  public_key: '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  period: 3, genesis_time: 1692803367, group_hash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  beacon_id: 'quicknet', label: 'drand quicknet (League of Entropy)', simulated: false,
};

test('beacon: real quicknet rounds verify, the next round does not; the chain hash binds the key', () => {
  const q = vec('tests/vectors/drand-quicknet.json');
  checkChain(QUICKNET);
  for (const b of q.quicknet_beacons) {
    assert.equal(toHex(beaconMessage(b.round)), b.message_hex);
    assert.equal(roundTime(QUICKNET, b.round), b.round_time_unix);
    assert.equal(toHex(checkBeacon(QUICKNET, b.round, b.signature, b.randomness)), b.randomness);
    assert.throws(() => checkBeacon(QUICKNET, b.round + 1, b.signature), /does not verify/);
  }
  const o = q.other_chain_vectors[0];
  const other = { ...QUICKNET, public_key: o.public_key };
  assert.throws(() => checkChain(other), /chain hash mismatch/);
  assert.equal(toHex(checkBeacon(other, o.round, o.signature)), o.randomness);
  assert.throws(() => checkBeacon(other, 55, o.signature));
  assert.throws(() => checkBeacon(QUICKNET, 123, q.quicknet_beacons[0].signature.slice(2)), /48/);
  // infinity: compressed G1/G2 point at infinity (0xc0 then zeros)
  assert.throws(() => checkBeacon(QUICKNET, 123, 'c0' + '00'.repeat(47)), /infinity|G1/);
  assert.throws(() => checkBeacon({ ...QUICKNET, public_key: 'c0' + '00'.repeat(95) }, 123, q.quicknet_beacons[0].signature), /infinity|G2/);
});

test('beacon: the simulated chain example of spec §5.8 (hash over its JCS form, label kept)', () => {
  const spec = fs.readFileSync(path.join(REPO, 'docs/spec/50-beacon.md'), 'utf8');
  const ex = JSON.parse(/<!-- example: beacon-simulated -->\n```json\n([\s\S]*?)```/.exec(spec)[1]);
  const chain = { ...JSON.parse(ex.chain_jcs), chain_hash: ex.chain_hash };
  assert.equal(canonical(JSON.parse(ex.chain_jcs)), ex.chain_jcs);
  checkChain(chain);
  assert.equal(chain.simulated, true);
  assert.equal(chain.label, 'SIMULATED beacon — not the real drand network');
  assert.equal(roundTime(chain, ex.round), ex.round_time);
  assert.equal(toHex(checkBeacon(chain, ex.round, ex.signature)), ex.randomness);
  assert.throws(() => checkChain({ ...chain, label: 'drand quicknet' }), /chain hash mismatch/);
});

// ------------------------------------------------------------------ entries, Ed25519

test('entries: the spec example; both Ed25519 backends agree; any edit breaks id or signature', async () => {
  const ex = vec('docs/vectors/entry-example.json');
  const bytes = utf8(JSON.stringify(ex.entry_file, null, 1));
  const e = parseEntry(bytes);
  assert.equal(e.id, ex.entry_id);
  assert.equal(toHex(e.signed), ex.signed_bytes_hex);
  const pk = fromB64(ex.public_keys.scjgj.public_key);
  assert.equal(keyId(pk), ex.public_keys.scjgj.key_id);
  for (const backend of ['webcrypto', 'noble']) {
    forceBackend(backend);
    assert.equal(await ed25519Backend(), backend);
    assert.equal(await ed25519Verify(pk, e.signed, e.signature), true, backend);
    const edited = parseEntry(utf8(JSON.stringify({ ...ex.entry_file, time: '2026-03-02T02:00:01Z' })));
    assert.notEqual(edited.id, e.id);
    assert.equal(await ed25519Verify(pk, edited.signed, edited.signature), false, backend);
    assert.equal(await ed25519Verify(pk.slice(1), e.signed, e.signature), false);
  }
  forceBackend(null);
  for (const bad of [{ ...ex.entry_file, extra: 1 }, { ...ex.entry_file, seq: 1.5 }, { ...ex.entry_file, sig: { key: 'x', ed25519: '' } }]) {
    assert.throws(() => parseEntry(utf8(JSON.stringify(bad))));
  }
  assert.throws(() => parseEntry(utf8(JSON.stringify(ex.entry_file).replace('"seq":1', '"seq":1.0'))), /integer/);
});

// ------------------------------------------------------------------ snapshots, draw pieces

test('snapshot reader: any chunking gives the same records and hash; bad lines are named', async () => {
  const ex = vec('docs/vectors/draw-example.json');
  const text = ex.target_snapshot.join('\n') + '\n';
  const bytes = utf8(text);
  const want = toHex(sha256(bytes));
  for (const size of [1, 7, 64, 100000]) {
    const chunks = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
    const got = [];
    const r = await readSnapshot((async function* () { yield* chunks; })(), 'targets', (rec) => got.push(rec.id));
    assert.equal(r.sha256, want);
    assert.equal(r.error, null);
    assert.deepEqual(got, ex.target_snapshot.map((l) => JSON.parse(l).id));
  }
  const cases = [
    [text.slice(0, -1), /newline/],
    [text.replace('"complaints":1', '"complaints":1.0'), /canonical|non-integer/],
    [text.replace('"complaints":1,', '"complaints": 1,'), /canonical/],
    [text.replace('{"complaints":', '{"zz":0,"complaints":'), /canonical/],
    [text.replace('"flags":[]', '"flags":null'), /target record/],
  ];
  for (const [bad, re] of cases) {
    const r = await readSnapshot((async function* () { yield utf8(bad); })(), 'targets', () => {});
    assert.match(r.error.en, re);
    assert.equal(r.sha256, toHex(sha256(utf8(bad))), 'the hash is known even for a bad file');
  }
});

test('draw pieces: filters, exact rounding, partition errors, snapshot order', () => {
  const t = { id: 'A', region: '371122001', industry: null, kind: 'enterprise', risk: null, flags: ['watch'], office: 'scjgj' };
  assert.equal(new Filter({ regions: ['3711'], risks: [null] }).matches(t), true);
  assert.equal(new Filter({ industries: ['C'] }).matches(t), false);
  assert.equal(new Filter({ flags_any: ['abnormal'] }).matches(t), false);
  assert.equal(new Filter({}).empty, true);
  assert.throws(() => new Filter({ color: [] }), DrawError);
  const [num, den] = parseRatio('0.05');
  assert.equal(roundFraction(333n * num, den, 'ceil'), 17);
  assert.equal(roundFraction(330n * num, den, 'half_up'), 17);
  assert.equal(roundFraction(330n * num, den, 'floor'), 16);
  assert.throws(() => parseRatio('0.5000000001'));
  const strata = parseStrata([{ name: 'x', match: { risks: ['A'] }, take: { count: 1 } }]);
  const scan = new PopulationScan(new Filter({}), new Classifier(strata));
  assert.throws(() => scan.push({ ...t, risk: 'B' }), /matches no stratum/);
  const scan2 = new PopulationScan(new Filter({}), new Classifier(parseStrata([{ name: 'all', match: {}, take: { count: 1 } }])));
  scan2.push({ ...t, id: '\ufb33' });
  assert.doesNotThrow(() => scan2.push({ ...t, id: '\ud83d\ude00' })); // code point order, not UTF-16
  assert.throws(() => scan2.push({ ...t, id: 'B' }), /not sorted/);
});
