// The browser verifier's witness code (note.js cosignatures, trustpin.js) against the spec's
// worked examples and the C2SP example message, in Node. Run by test_js_witness.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseNote, cosignedMessage, parseWitnessVkey, witnessTimes, quorumTime, openCheckpoint, parseWitnessPolicy } from '../../theme/verifier/src/note.js';
import { fromUtf8 } from '../../theme/verifier/src/bytes.js';
import { trustFingerprint } from '../../theme/verifier/src/trustpin.js';
import { parseStrict } from '../../theme/verifier/src/json.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const spec = fs.readFileSync(path.join(REPO, 'docs/spec/30-checkpoints.md'), 'utf8');
const block = (name) => Object.fromEntries(new RegExp('```vector ' + name + '\\n([\\s\\S]*?)```').exec(spec)[1]
  .trim().split('\n').map((l) => [l.slice(0, l.indexOf(' = ')), l.slice(l.indexOf(' = ') + 3)]));
const note = /```note checkpoint-example\n([\s\S]*?)```/.exec(spec)[1];

test('cosigned message reproduces the C2SP example byte for byte', () => {
  const v = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/vectors/signed-note-and-checkpoints.json'), 'utf8'));
  const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
  assert.equal(fromUtf8(cosignedMessage(body, 1679315147)), v.spec_examples_not_verifiable.cosigned_message_example);
});

test('the spec worked cosignature verifies, a flipped bit does not, unknown witnesses are ignored', async () => {
  const ex = block('cosignature-example');
  const w = parseWitnessVkey(ex.vkey);
  assert.equal(w.keyId, ex.key_id);
  const cosigned = note + ex.cosignature_line + '\n';
  const times = await witnessTimes(cosigned, [w]);
  assert.deepEqual([...times], [[ex.name, Number(ex.timestamp)]]);
  assert.deepEqual([...(await witnessTimes(cosigned, []))], []);
  const bad = cosigned.replace(/(.)(==\n)$/, (m, c, end) => (c === 'A' ? 'B' : 'A') + end);
  await assert.rejects(witnessTimes(bad, [w]), /invalid cosignature|not canonical/);
  const log = block('checkpoint-example');
  const policy = parseWitnessPolicy({ quorum: 1, witnesses: [{ vkey: ex.vkey }] });
  const cp = await openCheckpoint(cosigned, log.vkey, undefined, policy);
  assert.equal(cp.witnessedTime, Number(ex.timestamp));
  await assert.rejects(openCheckpoint(note, log.vkey, undefined, policy), /cosigned by 0 of the 1 named witnesses; the quorum is 1/);
});

test('quorum time is the k-th earliest', () => {
  assert.equal(quorumTime([30, 10, 20], 2), 20);
  assert.equal(quorumTime([10], 2), null);
});

test('trust fingerprint equals the Python one for the sample trust.json', () => {
  const raw = fs.readFileSync(path.join(REPO, 'ledger/trust.json'), 'utf8');
  const expected = process.env.TRUST_FP;
  assert.ok(expected && /^[0-9a-f]{64}$/.test(expected));
  assert.equal(trustFingerprint(parseStrict(raw)), expected);
});
