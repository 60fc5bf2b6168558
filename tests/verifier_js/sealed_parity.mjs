// node sealed_parity.mjs VECTOR_JSON [LOCK_JSON] -> the browser's sealed checks on docs/vectors/sealed-example.json
// (optionally with another lock body) as JSON: leaf commitments, root, commitment lines, lock lines, own-opening verdicts.
import { readFileSync } from 'node:fs';
import { sealedLeaf, leavesRoot, commitmentLines, lockLines, checkOpening } from '../../theme/verifier/src/sealed.js';
import { fromHex, toHex } from '../../theme/verifier/src/bytes.js';

const ex = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const lock = process.argv[3] ? JSON.parse(readFileSync(process.argv[3], 'utf8')) : ex.lock_body;
const cb = ex.commit_envelope.body;
const leaves = fromHex(ex.leaves_hex.join(''));
const eligible = new Map(ex.openings.map((o) => {
  const rec = JSON.parse(ex.target_snapshot.find((l) => JSON.parse(l).id === o.id));
  return [o.id, rec.region];
}));
const seed = fromHex(lock.seed, 32);
const out = {
  leaves: ex.openings.map((o) => toHex(sealedLeaf(o.id, o.stratum, fromHex(o.salt, 32)))),
  root: leavesRoot(leaves),
  commitment: await commitmentLines(cb, eligible.size, leaves),
  lock: lockLines(cb, lock, seed, eligible).lines,
  verdicts: ex.openings.map((o, i) => checkOpening(o, cb, lock, seed, ex.leaves_hex[i])),
};
process.stdout.write(JSON.stringify(out));
