// Byte helpers: strict hex and base64 (canonical only), UTF-8, comparisons.
//
// Every decoder here refuses rather than repairs: upper-case hex, missing padding, stray
// characters or non-zero unused bits in base64 are errors, exactly like the Python reference
// (publisher.core.canonical.b64decode + note.b64decode_canonical).

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes; short ASCII strings (ids) skip TextEncoder, whose per-call cost dominates. */
export function utf8(text) {
  const n = text.length;
  if (n <= 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return encoder.encode(text);
      out[i] = c;
    }
    return out;
  }
  return encoder.encode(text);
}

/** UTF-8 bytes to text; throws on invalid UTF-8 (never substitutes U+FFFD). */
export function fromUtf8(bytes) {
  return strictDecoder.decode(bytes);
}

export function toHex(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return out;
}

/** Lower-case hex only; ``len`` (bytes) is checked when given. */
export function fromHex(text, len) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) {
    throw new Error(`not lower-case hex: ${String(text).slice(0, 24)}`);
  }
  if (len !== undefined && text.length !== 2 * len) {
    throw new Error(`expected ${len} bytes of hex, got ${text.length / 2}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return out;
}

export function isHex(text, len) {
  return typeof text === 'string' && text.length === 2 * len && /^[0-9a-f]*$/.test(text);
}

export function toB64(bytes) {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

/** Standard padded base64 (RFC 4648 §4), canonical form only: decode, re-encode, compare. */
export function fromB64(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0) throw new Error('not padded base64');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let v;
      if (c === 61 /* = */ && i + 4 === text.length && j >= 4 - pad) v = 0;
      else {
        v = c < 128 ? B64_INDEX[c] : -1;
        if (v < 0) throw new Error('character outside the base64 alphabet');
      }
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  if (toB64(out) !== text) throw new Error('not canonical base64');
  return out;
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lexicographic byte order (= big-endian integer order for equal lengths). */
export function cmpBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

export function eqBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compare strings by Unicode code point (= UTF-8 byte order = Python's str order).
 * JavaScript's `<` compares UTF-16 code units, which puts U+10000.. before U+E000..U+FFFF.
 */
export function cmpCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // surrogates (supplementary planes) sort after U+E000..U+FFFF
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Unix seconds of an entry time ``YYYY-MM-DDTHH:MM:SSZ`` (null if malformed). */
export function unixOf(time) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(time || '');
  if (!m) return null;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}

/** The calendar date (YYYY-MM-DD) in China Standard Time (UTC+08:00) of an entry time. */
export function chinaDate(time) {
  const t = unixOf(time);
  if (t === null) return null;
  return new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
}

/** A unix time shown in China Standard Time, "YYYY-MM-DD HH:MM:SS". */
export function cstText(unix) {
  if (unix === null || unix === undefined) return '';
  return new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
