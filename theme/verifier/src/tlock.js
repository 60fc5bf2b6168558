// Timelock decryption in the browser (spec §5A, docs/spec/55-timelock.md): opens an age/tlock
// ciphertext once the round it is locked to has a beacon — the step that lets anyone recompute
// an embargoed draw without the office. The cryptography is drand's tlock-js (npm, version
// pinned in package-lock.json): its age reader, header MAC and STREAM (decryptAge) and its
// Boneh–Franklin decryption on G2 (decryptOnG2). We call those directly rather than
// timelockDecrypt(), whose network client would also refuse a beacon "too early" by the
// device's clock — a phone with a wrong clock must not fail a check the beacon already settles.
// The beacon itself is BLS-verified first by beacon.js (same checks as the Python verifier).

import { decryptAge } from 'tlock-js/age/age-encrypt-decrypt.js';
import { decodeArmor, isProbablyArmored } from 'tlock-js/age/armor.js';
import { decryptOnG2 } from 'tlock-js/crypto/ibe.js';
// tlock-js's own copy of @noble/curves (1.x; the verifier's is 2.x), nested by npm as the
// lockfile records. Its G2 base point uses an 8-bit window table by default: 4,224 G2 points
// built on the first multiplication, ~0.3-0.5 s in Chromium, for the ONE r·g2 that tlock's
// consistency check needs. A 4-bit table is ~10x cheaper to build and still fast (public
// values: constant time is not needed). precompute() is noble's documented knob for this.
import { bls12_381 as tlockCurve } from 'tlock-js/node_modules/@noble/curves/bls12-381.js';
import { checkBeacon, BeaconError } from './beacon.js';
import { fromHex } from './bytes.js';

tlockCurve.G2.ProjectivePoint.BASE.precompute(4);

const VERSION = 'age-encryption.org/v1';
const STANZA = /^-> tlock ([1-9][0-9]{0,19}) ([0-9a-f]{64})$/;
const U_LEN = 96; // compressed G2
const KEY_LEN = 16; // age file key

/** code is one of tlock.malformed, tlock.wrong-chain, tlock.not-yet, tlock.wrong-round, tlock.tampered. */
export class TimelockError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** The age file as tlock-js reads it: a "binary" (latin-1) string. Accepts armor text or bytes. */
function ageText(ciphertext) {
  if (ciphertext instanceof Uint8Array) {
    let s = '';
    for (let i = 0; i < ciphertext.length; i += 8192) s += String.fromCharCode(...ciphertext.subarray(i, i + 8192));
    return s;
  }
  if (typeof ciphertext !== 'string') throw new TimelockError('tlock.malformed', 'ciphertext must be armor text or bytes');
  if (!isProbablyArmored(ciphertext.trimStart())) throw new TimelockError('tlock.malformed', 'text is not an age armor block');
  try {
    return decodeArmor(ciphertext);
  } catch (e) {
    throw new TimelockError('tlock.malformed', `armor: ${e.message}`);
  }
}

/** {round, chainHash} of the one tlock stanza, read strictly from the header (nothing decrypted). */
export function lockedTo(ciphertext) {
  return parseHeader(ageText(ciphertext));
}

function parseHeader(text) {
  const lines = text.split('\n');
  if (lines[0] !== VERSION) throw new TimelockError('tlock.malformed', 'not an age v1 file');
  const m = STANZA.exec(lines[1] || '');
  if (!m) throw new TimelockError('tlock.malformed', "first stanza must be '-> tlock <round> <64-hex chain hash>'");
  let i = 2;
  while (i < lines.length && lines[i].length === 64) i++;
  if (i >= lines.length || lines[i].length > 64 || !(lines[i + 1] || '').startsWith('--- ')) {
    throw new TimelockError('tlock.malformed', 'expected exactly one tlock stanza, then the MAC line');
  }
  const round = Number(m[1]);
  if (!Number.isSafeInteger(round)) throw new TimelockError('tlock.malformed', `round ${m[1]} is beyond 2^53`);
  return { round, chainHash: m[2] };
}

/**
 * Open a tlock ciphertext. chain: the trust.json chain object; beacon: {round, signature (hex)}
 * or null when the round is not out yet. Returns the plaintext bytes or throws TimelockError.
 */
export async function tlockDecrypt(ciphertext, beacon, chain) {
  const text = ageText(ciphertext);
  const { round, chainHash } = parseHeader(text);
  if (chainHash !== chain.chain_hash) {
    throw new TimelockError('tlock.wrong-chain', `locked to chain ${chainHash.slice(0, 8)}…, not ${chain.chain_hash.slice(0, 8)}…`);
  }
  if (!beacon) throw new TimelockError('tlock.not-yet', `round ${round} has no beacon yet; nobody can decrypt before it`);
  if (beacon.round !== round) {
    throw new TimelockError('tlock.wrong-round', `beacon is for round ${beacon.round}, ciphertext is locked to round ${round}`);
  }
  try {
    checkBeacon(chain, round, beacon.signature);
  } catch (e) {
    if (e instanceof BeaconError) throw new TimelockError('tlock.wrong-round', `not the chain's beacon for round ${round}: ${e.message}`);
    throw e;
  }
  const signature = fromHex(beacon.signature);
  const unwrap = async (stanzas) => {
    const body = stanzas[0].body;
    if (body.length !== U_LEN + 2 * KEY_LEN) throw new TimelockError('tlock.malformed', `stanza body is ${body.length} bytes, not 128`);
    const ct = { U: body.subarray(0, U_LEN), V: body.subarray(U_LEN, U_LEN + KEY_LEN), W: body.subarray(U_LEN + KEY_LEN) };
    return decryptOnG2(signature, ct);
  };
  try {
    return new Uint8Array(await decryptAge(text, unwrap));
  } catch (e) {
    if (e instanceof TimelockError) throw e;
    throw new TimelockError('tlock.tampered', e.message || String(e));
  }
}
