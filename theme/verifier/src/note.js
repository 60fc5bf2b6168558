// C2SP signed notes and tlog checkpoints (spec §3), Ed25519 only, parsed strictly like
// publisher/core/note.py and checkpoint.py. Every refusal says why.

import { fromB64, toB64, utf8, fromUtf8, concat, eqBytes, toHex } from './bytes.js';
import { sha256 } from './hash.js';
import { ed25519Verify } from './ed25519.js';

export class NoteError extends Error {}

const SIG_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;
// Python's str.isspace() set (Unicode White_Space plus the C0 separators).
const SPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const MAX_INT = 2n ** 63n - 1n;

export function checkName(name) {
  if (typeof name !== 'string' || name === '') throw new NoteError('key name is empty');
  if (name.includes('+')) throw new NoteError(`key name ${JSON.stringify(name)} contains '+'`);
  if (SPACE.test(name)) throw new NoteError(`key name ${JSON.stringify(name)} contains a space`);
  if (/[\u0000-\u001f]/.test(name)) throw new NoteError(`key name ${JSON.stringify(name)} contains a control character`);
}

function b64(text, what) {
  try {
    return fromB64(text);
  } catch (e) {
    throw new NoteError(`${what} is not canonical base64`);
  }
}

export function noteKeyId(name, publicKey) {
  return sha256(concat(utf8(name), new Uint8Array([0x0a, 0x01]), publicKey)).slice(0, 4);
}

/** Parse a vkey ``<name>+<hex8>+<base64(0x01||key)>``; the key id must match. */
export function parseVkey(vkey) {
  if (typeof vkey !== 'string') throw new NoteError('vkey must be a string');
  const a = vkey.indexOf('+');
  const b = a < 0 ? -1 : vkey.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw new NoteError('vkey is not <name>+<hex8>+<base64 key>');
  const name = vkey.slice(0, a);
  const hex8 = vkey.slice(a + 1, b);
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(hex8)) throw new NoteError(`vkey key id ${hex8} is not 8 lower-case hex digits`);
  const raw = b64(vkey.slice(b + 1), 'vkey public key');
  if (raw.length === 0 || raw[0] !== 0x01) throw new NoteError('vkey signature type is not 0x01 (Ed25519)');
  if (raw.length !== 33) throw new NoteError('vkey Ed25519 public key is not 32 bytes');
  const publicKey = raw.slice(1);
  if (toHex(noteKeyId(name, publicKey)) !== hex8) throw new NoteError(`vkey key id ${hex8} does not match its name and key`);
  return { name, publicKey, keyId: hex8 };
}

/** Split a note (bytes or text) into its text and signature lines; syntax only. */
export function parseNote(note) {
  let text = note;
  if (note instanceof Uint8Array) {
    try {
      text = fromUtf8(note);
    } catch {
      throw new NoteError('malformed note: not valid UTF-8');
    }
  }
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError('malformed note: control character');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block === '') throw new NoteError('malformed note: no signature lines');
  if (!block.endsWith('\n')) throw new NoteError('malformed note: last signature line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note: too many signature lines');
  const sigs = lines.map((line, n) => {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError(`malformed note: signature line ${n + 1} does not start with '— '`);
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(' ');
    if (sp < 0 || sp === rest.length - 1) throw new NoteError(`malformed note: signature line ${n + 1} has no signature`);
    const name = rest.slice(0, sp);
    const field = rest.slice(sp + 1);
    checkName(name);
    if (field.includes(' ')) throw new NoteError(`malformed note: signature line ${n + 1} has extra spaces`);
    const raw = b64(field, `signature ${n + 1}`);
    if (raw.length < 5) throw new NoteError(`malformed note: signature ${n + 1} is shorter than 5 bytes`);
    return { name, keyId: toHex(raw.slice(0, 4)), signature: raw.slice(4) };
  });
  return { text: body, sigs };
}

/**
 * Verify a note against trusted keys (one parsed vkey or a list); returns its text and the
 * names of the known keys that signed. Lines by unknown (name, key id) pairs are ignored; one
 * failing line by a known key refuses the note; at least one known key must have signed.
 */
export async function openNote(note, verifiers) {
  const list = Array.isArray(verifiers) ? verifiers : [verifiers];
  const known = new Map();
  for (const v of list) {
    const k = `${v.name}+${v.keyId}`;
    if (known.has(k) && !eqBytes(known.get(k).publicKey, v.publicKey)) throw new NoteError(`two trusted keys share name and key id ${k}`);
    known.set(k, v);
  }
  const { text, sigs } = parseNote(note);
  const message = utf8(text);
  const names = [];
  for (const s of sigs) {
    const v = known.get(`${s.name}+${s.keyId}`);
    if (!v) continue;
    if (!(await ed25519Verify(v.publicKey, message, s.signature))) {
      throw new NoteError(`invalid signature for key ${s.name}+${s.keyId}`);
    }
    if (!names.includes(s.name)) names.push(s.name);
  }
  if (!names.length) throw new NoteError('note has no signature by a trusted key');
  return { text, names };
}

function decimal(text, what) {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text) || BigInt(text) > MAX_INT) {
    throw new NoteError(`${what} ${JSON.stringify(text)} is not a decimal number without leading zeros`);
  }
  const v = Number(text);
  if (!Number.isSafeInteger(v)) throw new NoteError(`${what} is too large for this verifier`);
  return v;
}

/** Strict checkpoint body: origin, size, base64 root, "time <t>" — exactly four lines. */
export function parseCheckpointBody(text) {
  if (!text.endsWith('\n')) throw new NoteError('checkpoint body does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 4) throw new NoteError(`checkpoint body has ${lines.length} lines, not 4`);
  lines.forEach((l, n) => {
    if (l === '') throw new NoteError(`checkpoint line ${n + 1} is empty`);
  });
  checkName(lines[0]);
  const size = decimal(lines[1], 'tree size');
  const root = b64(lines[2], 'root hash');
  if (root.length !== 32) throw new NoteError('root hash is not 32 bytes');
  if (!lines[3].startsWith('time ')) throw new NoteError("checkpoint has no 'time <unix seconds>' line");
  const time = decimal(lines[3].slice(5), 'time');
  if (size === 0 && toB64(root) !== '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=') {
    throw new NoteError('a size 0 checkpoint must have the empty-tree root');
  }
  return { origin: lines[0], size, root, time };
}

/**
 * Verify a checkpoint note with the log vkey; origin must equal the key name (and trust.origin).
 * With a witness ``policy`` (parseWitnessPolicy) the quorum must have cosigned: the result then
 * carries ``witnesses`` [{name, time}] and ``witnessedTime`` (k-th earliest cosignature time).
 */
export async function openCheckpoint(note, vkey, origin, policy = null) {
  const verifier = parseVkey(vkey);
  const { text } = await openNote(note, verifier);
  const cp = parseCheckpointBody(text);
  if (cp.origin !== verifier.name) throw new NoteError(`origin ${cp.origin} is not the log key name ${verifier.name}`);
  if (origin !== undefined && cp.origin !== origin) throw new NoteError(`origin ${cp.origin} is not trust.json's origin ${origin}`);
  if (policy) {
    const times = await witnessTimes(note, policy.witnesses);
    cp.witnesses = [...times].map(([name, time]) => ({ name, time })).sort((a, b) => a.time - b.time);
    cp.witnessedTime = quorumTime([...times.values()], policy.quorum);
    if (cp.witnessedTime === null) {
      throw new NoteError(`checkpoint of size ${cp.size} is cosigned by ${times.size} of the ${policy.witnesses.length} ` +
        `named witnesses; the quorum is ${policy.quorum}: nothing independent vouches for it`);
    }
  }
  return cp;
}

// ---- C2SP tlog-cosignature/v1 (Ed25519), as publisher/core/cosignature.py

export function cosignatureKeyId(name, publicKey) {
  return sha256(concat(utf8(name), new Uint8Array([0x0a, 0x04]), publicKey)).slice(0, 4);
}

/** The bytes a witness signs: "cosignature/v1\ntime <t>\n" + checkpoint body. */
export function cosignedMessage(body, timestamp) {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${body}`);
}

/** Parse a witness vkey ``<name>+<hex8>+<base64(0x04||key)>``. */
export function parseWitnessVkey(vkey) {
  if (typeof vkey !== 'string') throw new NoteError('witness vkey must be a string');
  const a = vkey.indexOf('+');
  const b = a < 0 ? -1 : vkey.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw new NoteError('witness vkey is not <name>+<hex8>+<base64 key>');
  const name = vkey.slice(0, a);
  const hex8 = vkey.slice(a + 1, b);
  checkName(name);
  const raw = b64(vkey.slice(b + 1), 'witness vkey public key');
  if (raw.length !== 33 || raw[0] !== 0x04) throw new NoteError('witness vkey is not a cosignature/v1 Ed25519 key (type 0x04)');
  const publicKey = raw.slice(1);
  if (toHex(cosignatureKeyId(name, publicKey)) !== hex8) throw new NoteError(`witness vkey key id ${hex8} does not match its name and key`);
  return { name, publicKey, keyId: hex8 };
}

/** trust.json's ``witnesses`` ({quorum, witnesses: [{vkey, url?}]}) or null when absent. */
export function parseWitnessPolicy(raw) {
  if (raw === undefined || raw === null) return null;
  const witnesses = (raw.witnesses || []).map((w) => parseWitnessVkey(w.vkey));
  const names = new Set(witnesses.map((w) => w.name));
  if (names.size !== witnesses.length) throw new NoteError('witnesses: two witnesses share a name');
  if (!Number.isInteger(raw.quorum) || raw.quorum < 1 || raw.quorum > witnesses.length) {
    throw new NoteError(`witnesses: quorum must be between 1 and the number of witnesses (${witnesses.length})`);
  }
  return { witnesses, quorum: raw.quorum };
}

/** Map witness name -> cosignature time for every trusted witness line; a bad one refuses the note. */
export async function witnessTimes(note, witnesses) {
  const { text, sigs } = parseNote(note);
  const known = new Map(witnesses.map((w) => [`${w.name}+${w.keyId}`, w]));
  const times = new Map();
  for (const s of sigs) {
    const w = known.get(`${s.name}+${s.keyId}`);
    if (!w) continue;
    if (s.signature.length !== 72) throw new NoteError(`cosignature by ${s.name} is not 8 + 64 bytes`);
    const ts = new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0);
    if (ts > MAX_INT) throw new NoteError(`cosignature by ${s.name} has a timestamp above 2^63-1`);
    const t = Number(ts);
    if (!(await ed25519Verify(w.publicKey, cosignedMessage(text, t), s.signature.slice(8)))) {
      throw new NoteError(`invalid cosignature by witness ${s.name}+${s.keyId}`);
    }
    if (times.has(s.name)) throw new NoteError(`witness ${s.name} cosigned the same checkpoint twice`);
    times.set(s.name, t);
  }
  return times;
}

/** The k-th earliest time (k = quorum), or null below quorum. */
export function quorumTime(times, quorum) {
  const sorted = [...times].sort((a, b) => a - b);
  return quorum >= 1 && sorted.length >= quorum ? sorted[quorum - 1] : null;
}

export { eqBytes };
