// An embargoed draw's escrowed secret (spec §5A.4): opened with the beacon of the round at the
// embargo's end and checked against the office's commitment, so the browser recomputes an
// embargoed list without the office. Mirrors publisher/embargo/escrow.py (same codes).
// Used by verify.js (steps 3 and 11) with the reveal beacon the site build ships.

import { tlockDecrypt, lockedTo, TimelockError } from './tlock.js';
import { taggedHash } from './hash.js';
import { utf8, toHex } from './bytes.js';

const SECRET_COMMIT_TAG = 'ssgk/secret-commit/v1'; // spec §6.5

export class EscrowError extends Error {
  constructor(office, code, message) {
    super(`office ${office}: ${code}: ${message} (001 第十七条)`);
    this.office = office;
    this.code = code;
  }
}

/** Unix seconds of 00:00 Beijing time (UTC+08:00) on YYYY-MM-DD. */
export function dayStart(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || '');
  if (!m) throw new Error(`not a date: ${date}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3]) / 1000 - 8 * 3600;
}

/** The first round due at or after dayStart(embargoUntil) (§5.3 round_at). */
export function revealRound(chain, embargoUntil) {
  const t = dayStart(embargoUntil);
  if (t <= chain.genesis_time) return 1;
  return Math.ceil((t - chain.genesis_time) / chain.period) + 1;
}

function commitmentOf(task, office, secret) {
  return toHex(taggedHash(SECRET_COMMIT_TAG, utf8(task), new Uint8Array([0]), utf8(office), new Uint8Array([0]), secret));
}

/** Commit-time check (no beacon): the escrow parses and is locked to exactly the reveal round. */
export function checkEscrowLock({ escrow, office, embargoUntil, chain }) {
  const want = revealRound(chain, embargoUntil);
  let lock;
  try {
    lock = lockedTo(escrow);
  } catch (e) {
    if (e instanceof TimelockError) throw new EscrowError(office, e.code, e.message);
    throw e;
  }
  if (lock.chainHash !== chain.chain_hash) {
    throw new EscrowError(office, 'escrow.chain', `escrow is locked to chain ${lock.chainHash.slice(0, 8)}…, the draw's beacon chain is ${chain.chain_hash.slice(0, 8)}…`);
  }
  if (lock.round !== want) {
    throw new EscrowError(office, 'escrow.round', `escrow is locked to round ${lock.round}, the embargo ending ${embargoUntil} needs round ${want}`);
  }
}

/**
 * The office's secret from its escrow (armored text or bytes). beacon: {round, signature} of
 * the reveal round, or null before it (→ tlock.not-yet). Throws EscrowError.
 */
export async function openEscrow({ escrow, task, office, commitment, embargoUntil, chain, beacon }) {
  checkEscrowLock({ escrow, office, embargoUntil, chain });
  let secret;
  try {
    secret = await tlockDecrypt(escrow, beacon, chain);
  } catch (e) {
    if (e instanceof TimelockError) throw new EscrowError(office, e.code, e.message);
    throw e;
  }
  if (secret.length !== 32 || commitmentOf(task, office, secret) !== commitment) {
    throw new EscrowError(office, 'escrow.commitment', `escrow opens to a value that is not the secret of commitment ${commitment.slice(0, 16)}…`);
  }
  return secret;
}
