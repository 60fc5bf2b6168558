// Strict JSON reading and RFC 8785 (JCS) canonical serialisation.
//
// Ledger data contains only strings, integers, booleans, null, arrays and objects (spec §1.1).
// `parseStrict` refuses everything else instead of silently rounding: fractions and exponents
// (JSON.parse would read "1.0" as 1 and the canonical bytes would change), integers beyond
// 2^53-1 (they cannot be represented exactly), NaN/Infinity, duplicate member names and
// lone surrogates. `canonical` writes RFC 8785 for those value types: members sorted by their
// UTF-16 code units, no whitespace, strings escaped as ECMAScript JSON.stringify does.

import { utf8 } from './bytes.js';

export class JsonError extends Error {}

const isWellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const STRING_TOKEN = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER_TOKEN = /-?(?:0|[1-9][0-9]*)/y;

/** Parse JSON text; throws JsonError naming the offset for anything outside the ledger's types. */
export function parseStrict(text, maxDepth = 64) {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const fail = (why) => {
    throw new JsonError(`${why} at offset ${i}`);
  };
  const str = () => {
    STRING_TOKEN.lastIndex = i;
    const m = STRING_TOKEN.exec(text);
    if (!m) fail('malformed string');
    i += m[0].length;
    const s = JSON.parse(m[0]);
    if (!isWellFormed(s)) fail('string with a lone surrogate');
    return s;
  };
  const value = (depth) => {
    if (depth > maxDepth) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = {};
      const seen = new Set();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a member name');
        const key = str();
        if (seen.has(key)) fail(`duplicate member ${JSON.stringify(key)}`);
        seen.add(key);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        const v = value(depth + 1);
        if (key === '__proto__') {
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        } else obj[key] = v;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER_TOKEN.lastIndex = i;
    const m = NUMBER_TOKEN.exec(text);
    if (m) {
      i += m[0].length;
      const next = text[i];
      if (next === '.' || next === 'e' || next === 'E') fail('not an integer (fractions and exponents are refused)');
      const v = Number(m[0]);
      if (!Number.isSafeInteger(v)) fail('integer beyond 2^53-1');
      return v;
    }
    fail('unexpected character');
  };
  const out = value(0);
  ws();
  if (i !== n) fail('trailing characters');
  return out;
}

function ser(v) {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(v)) throw new JsonError(`refusing non-integer or unsafe number ${v}`);
      return Object.is(v, -0) ? '0' : String(v);
    case 'string':
      if (!isWellFormed(v)) throw new JsonError('refusing a string with a lone surrogate');
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return '[' + v.map(ser).join(',') + ']';
      const keys = Object.keys(v).sort(); // UTF-16 code unit order, as RFC 8785 §3.2.3 says
      const parts = [];
      for (const k of keys) {
        if (v[k] === undefined) throw new JsonError(`member ${k} is undefined`);
        if (!isWellFormed(k)) throw new JsonError('refusing a member name with a lone surrogate');
        parts.push(JSON.stringify(k) + ':' + ser(v[k]));
      }
      return '{' + parts.join(',') + '}';
    }
    default:
      throw new JsonError(`cannot canonicalise a ${typeof v}`);
  }
}

/** RFC 8785 canonical text of a value made of the ledger's JSON types. */
export function canonical(value) {
  return ser(value);
}

/** RFC 8785 canonical UTF-8 bytes. */
export function canonicalBytes(value) {
  return utf8(ser(value));
}

/** Deep equality of JSON values (via canonical text). */
export function jsonEqual(a, b) {
  try {
    return ser(a) === ser(b);
  } catch {
    return false;
  }
}
