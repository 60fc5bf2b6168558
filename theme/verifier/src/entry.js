// The signed entry envelope (spec §1.3): parse a file as-is, rebuild the signed bytes
// (RFC 8785 of the envelope without `sig`), the entry id (SHA-256 of them) and the key id.

import { fromUtf8, fromB64, toHex } from './bytes.js';
import { parseStrict, canonicalBytes } from './json.js';
import { sha256, sha256Hex } from './hash.js';
import { ed25519Verify } from './ed25519.js';

export class EntryError extends Error {}

const FIELDS = ['body', 'office', 'prev', 'seq', 'sig', 'time', 'type', 'v'];

/** Parse entry file bytes; throws EntryError with the reason (mirrors publisher.core.entry.from_json). */
export function parseEntry(bytes) {
  let obj;
  try {
    obj = parseStrict(fromUtf8(bytes));
  } catch (e) {
    throw new EntryError(`not valid UTF-8 JSON of the ledger's types: ${e.message}`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new EntryError('an entry must be a JSON object');
  const keys = Object.keys(obj).sort();
  if (keys.join(',') !== FIELDS.join(',')) throw new EntryError(`envelope fields wrong: ${keys.join(', ')}`);
  const sig = obj.sig;
  if (!sig || typeof sig !== 'object' || Object.keys(sig).sort().join(',') !== 'ed25519,key') {
    throw new EntryError('sig must be {key, ed25519}');
  }
  if (obj.v !== 1) throw new EntryError(`unsupported envelope version ${obj.v}`);
  if (typeof obj.type !== 'string') throw new EntryError('type must be a string');
  if (typeof obj.office !== 'string' || !/^[a-z][a-z0-9-]{1,31}$/.test(obj.office)) throw new EntryError('office is not a valid office code');
  if (!Number.isSafeInteger(obj.seq) || obj.seq < 1) throw new EntryError('seq must be an integer >= 1');
  if (obj.prev !== null && !(typeof obj.prev === 'string' && /^[0-9a-f]{64}$/.test(obj.prev))) throw new EntryError('prev must be null or 64 hex');
  if (typeof obj.time !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(obj.time)) throw new EntryError('time is not YYYY-MM-DDTHH:MM:SSZ');
  if (!obj.body || typeof obj.body !== 'object' || Array.isArray(obj.body)) throw new EntryError('body must be an object');
  if (typeof sig.key !== 'string' || !/^[0-9a-f]{16}$/.test(sig.key)) throw new EntryError('sig.key must be 16 lower-case hex');
  let signature;
  try {
    signature = fromB64(sig.ed25519);
  } catch {
    throw new EntryError('sig.ed25519 is not valid base64');
  }
  if (signature.length !== 64) throw new EntryError('sig.ed25519 must decode to 64 bytes');
  const unsigned = { v: obj.v, type: obj.type, office: obj.office, seq: obj.seq, prev: obj.prev, time: obj.time, body: obj.body };
  let signed;
  try {
    signed = canonicalBytes(unsigned);
  } catch (e) {
    throw new EntryError(`cannot canonicalise: ${e.message}`);
  }
  return { ...unsigned, key: sig.key, signature, signed, id: sha256Hex(signed) };
}

/** Key id of a raw 32-byte Ed25519 public key: hex(SHA-256(key)[0:8]). */
export function keyId(publicKey) {
  return toHex(sha256(publicKey).slice(0, 8));
}

export async function verifyEntrySignature(entry, publicKey) {
  return keyId(publicKey) === entry.key && (await ed25519Verify(publicKey, entry.signed, entry.signature));
}
