// drand `bls-unchained-g1-rfc9380` beacons (spec §5), verified with @noble/curves:
// signature on G1 (48 bytes), public key on G2 (96 bytes), message SHA-256(u64be(round)),
// hash-to-curve DST "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_", randomness = SHA-256(sig).

import { bls12_381 } from '@noble/curves/bls12-381.js';
import { fromHex, utf8, concat, toHex, eqBytes } from './bytes.js';
import { sha256, sha256Hex } from './hash.js';
import { canonicalBytes } from './json.js';

export const SCHEME = 'bls-unchained-g1-rfc9380';
export const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
const KEYS = ['beacon_id', 'chain_hash', 'genesis_time', 'group_hash', 'label', 'period', 'public_key', 'scheme', 'simulated'];

export class BeaconError extends Error {}

function u64be(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** Check a trust.json chain: exact keys, types, and the chain hash against its parameters (§5.6). */
export function checkChain(c) {
  if (!c || typeof c !== 'object') throw new BeaconError('chain info must be an object');
  const keys = Object.keys(c).sort().join(',');
  if (keys !== KEYS.join(',')) throw new BeaconError(`chain info keys wrong: ${keys}`);
  if (c.scheme !== SCHEME) throw new BeaconError(`unsupported beacon scheme ${c.scheme}`);
  if (!/^[0-9a-f]{64}$/.test(c.chain_hash)) throw new BeaconError('chain_hash must be 64 hex');
  if (!/^[0-9a-f]{192}$/.test(c.public_key)) throw new BeaconError('public_key must be 96 bytes of hex');
  if (!Number.isSafeInteger(c.period) || c.period <= 0) throw new BeaconError('period must be > 0');
  if (!Number.isSafeInteger(c.genesis_time) || c.genesis_time < 0) throw new BeaconError('genesis_time must be >= 0');
  if (typeof c.simulated !== 'boolean' || typeof c.label !== 'string' || typeof c.beacon_id !== 'string') {
    throw new BeaconError('label, beacon_id, simulated have the wrong types');
  }
  let expected;
  if (c.simulated) {
    const j = { ...c };
    delete j.chain_hash;
    expected = sha256Hex(canonicalBytes(j));
  } else {
    if (!/^[0-9a-f]{64}$/.test(c.group_hash || '')) throw new BeaconError('a real drand chain needs group_hash');
    const period = new Uint8Array(4);
    new DataView(period.buffer).setUint32(0, c.period);
    const genesis = new Uint8Array(8);
    new DataView(genesis.buffer).setBigInt64(0, BigInt(c.genesis_time));
    const id = c.beacon_id === '' || c.beacon_id === 'default' ? new Uint8Array(0) : utf8(c.beacon_id);
    expected = sha256Hex(concat(period, genesis, fromHex(c.public_key), fromHex(c.group_hash), id));
  }
  if (expected !== c.chain_hash) throw new BeaconError(`chain hash mismatch: pinned ${c.chain_hash}, parameters give ${expected}`);
  return c;
}

export function roundTime(chain, round) {
  return chain.genesis_time + (round - 1) * chain.period;
}

export function beaconMessage(round) {
  return sha256(u64be(round));
}

/** Spec §5.5 checks in order; throws BeaconError naming the failed check. Returns the randomness. */
export function checkBeacon(chain, round, signatureHex, randomnessHex) {
  if (chain.scheme !== SCHEME) throw new BeaconError(`unsupported scheme ${chain.scheme}`);
  if (!Number.isSafeInteger(round) || round < 1) throw new BeaconError(`round ${round} is not in 1..2^53-1`);
  if (typeof signatureHex !== 'string' || !/^([0-9a-f]{2})*$/.test(signatureHex)) throw new BeaconError('signature is not hex');
  const sig = fromHex(signatureHex);
  if (sig.length !== 48) throw new BeaconError(`signature is ${sig.length} bytes, not 48`);
  const randomness = sha256(sig);
  if (randomnessHex !== undefined && randomnessHex !== toHex(randomness)) throw new BeaconError('randomness is not SHA-256(signature)');
  let pk;
  try {
    pk = bls12_381.G2.Point.fromBytes(fromHex(chain.public_key));
    pk.assertValidity();
  } catch (e) {
    throw new BeaconError('public key is not a valid G2 point in the prime-order subgroup');
  }
  if (pk.is0()) throw new BeaconError('public key is the point at infinity');
  let sp;
  try {
    sp = bls12_381.G1.Point.fromBytes(sig);
    sp.assertValidity();
  } catch (e) {
    throw new BeaconError('signature is not a valid G1 point in the prime-order subgroup');
  }
  if (sp.is0()) throw new BeaconError('signature is the point at infinity');
  const S = bls12_381.shortSignatures;
  if (!S.verify(sp, S.hash(beaconMessage(round), DST), pk)) {
    throw new BeaconError(`BLS signature does not verify for round ${round} under chain ${chain.chain_hash.slice(0, 16)}…`);
  }
  return randomness;
}

export { eqBytes };
