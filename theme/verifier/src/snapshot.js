// Streaming reader for directory snapshots (spec §4.6): hashes every byte as it arrives,
// splits lines at 0x0A, decodes UTF-8 strictly, parses each line and checks that it is the
// RFC 8785 canonical form of what it parses to (so floats, whitespace, escapes and reordered
// members are refused exactly as the Python reader refuses them). Memory: one chunk.
//
// A bad line does not stop the hashing: the caller learns the file's SHA-256 in every case,
// so "this is not the committed file" is reported before any parse error inside it.

import { sha256Create, digestChunks } from './hash.js';
import { canonical } from './json.js';

const MAX_LINE = 65536;
const NATIVE_DIGEST_MAX = 64 * 1024 * 1024; // keep chunks for one native digest up to this size

/**
 * True iff ``line`` is the RFC 8785 form of ``rec``. Snapshot records are flat (strings,
 * integers, booleans, null, arrays of strings), for which JSON.stringify (native, ECMAScript
 * string escaping = RFC 8785's) over members in ascending UTF-16 order with safe integers is
 * exactly JCS; anything else (nested objects, \u escapes that may hide lone surrogates) takes
 * the full serialiser.
 */
export function isCanonicalLine(rec, line) {
  if (line.includes('\\u')) return safeCanonical(rec) === line;
  let prev = null;
  for (const k in rec) {
    if (prev !== null && !(prev < k)) return false;
    prev = k;
    const v = rec[k];
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) return false;
    } else if (v !== null && typeof v === 'object') {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return safeCanonical(rec) === line;
    }
  }
  return JSON.stringify(rec) === line;
}

function safeCanonical(rec) {
  try {
    return canonical(rec);
  } catch {
    return null;
  }
}

export class SnapshotError extends Error {
  constructor(line, en, zh) {
    super(`line ${line}: ${en}`);
    this.line = line;
    this.en = `line ${line}: ${en}`;
    this.zh = `第 ${line} 行：${zh || en}`;
  }
}

const isStr = (v) => typeof v === 'string';
const isStrOrNull = (v) => v === null || typeof v === 'string';
const isStrList = (v) => Array.isArray(v) && v.every(isStr);

function checkTarget(r, line) {
  // a sealed portal's records have no risk member at all (spec §6S.1)
  if (!(isStr(r.id) && isStr(r.kind) && isStr(r.region) && isStrOrNull(r.industry) && (isStrOrNull(r.risk) || !('risk' in r))
    && isStrList(r.flags) && isStr(r.office))) {
    throw new SnapshotError(line, 'not a target record (id, kind, region, industry, risk, flags, office)', '不是有效的检查对象记录');
  }
}

function checkInspector(r, line) {
  if (!(isStr(r.id) && isStr(r.office) && typeof r.active === 'boolean' && isStr(r.unit_region)
    && isStrOrNull(r.group) && isStrList(r.conflicts))) {
    throw new SnapshotError(line, 'not an inspector record (id, office, active, unit_region, group, conflicts)', '不是有效的执法检查人员记录');
  }
}

/**
 * Read a snapshot from an async iterable of Uint8Array chunks, calling ``onRecord(record,
 * lineNo)`` per line. Returns {sha256, bytes, lines, error} — ``error`` is the first
 * SnapshotError (from reading or from onRecord), after which records are no longer delivered.
 */
export async function readSnapshot(chunks, kind, onRecord, onProgress, expectedBytes) {
  const hasher = sha256Create();
  // native one-shot digest when the size is known and small enough, else incremental
  let kept = expectedBytes !== undefined && expectedBytes <= NATIVE_DIGEST_MAX && globalThis.crypto && globalThis.crypto.subtle ? [] : null;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const check = kind === 'inspectors' ? checkInspector : checkTarget;
  let carry = null;
  let total = 0;
  let lineNo = 0;
  let error = null;

  const lines = (text) => {
    const parts = text.split('\n');
    for (const line of parts) {
      lineNo++;
      if (error) continue;
      try {
        if (line.length > MAX_LINE) throw new SnapshotError(lineNo, 'longer than 65,536 bytes', '超过 65,536 字节');
        let rec;
        try {
          rec = JSON.parse(line);
        } catch {
          throw new SnapshotError(lineNo, 'not valid JSON', '不是有效的 JSON');
        }
        if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new SnapshotError(lineNo, 'not a JSON object', '不是 JSON 对象');
        if (!isCanonicalLine(rec, line)) {
          throw new SnapshotError(lineNo, 'not in RFC 8785 canonical form (whitespace, member order, escapes or a non-integer number)',
            '不是 RFC 8785 规范格式（空白、成员顺序、转义或非整数数值）');
        }
        check(rec, lineNo);
        onRecord(rec, lineNo);
      } catch (e) {
        error = e instanceof SnapshotError ? e : new SnapshotError(lineNo, e.en || e.message, e.zh || e.message);
      }
    }
  };

  for await (const chunk of chunks) {
    if (kept) {
      kept.push(chunk);
      if (total + chunk.length > NATIVE_DIGEST_MAX) {
        kept.forEach((c) => hasher.update(c));
        kept = null;
      }
    } else hasher.update(chunk);
    total += chunk.length;
    let buf = chunk;
    if (carry) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
      carry = null;
    }
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      carry = buf;
      if (carry.length > MAX_LINE + 1 && !error) error = new SnapshotError(lineNo + 1, 'longer than 65,536 bytes', '超过 65,536 字节');
      continue;
    }
    if (last + 1 < buf.length) carry = buf.slice(last + 1);
    if (!error) {
      let text;
      try {
        text = decoder.decode(buf.subarray(0, last));
      } catch {
        error = new SnapshotError(lineNo + 1, 'invalid UTF-8', '不是有效的 UTF-8');
      }
      if (text !== undefined) lines(text);
    }
    if (onProgress) onProgress(total);
  }
  if (carry && carry.length && !error) {
    error = new SnapshotError(lineNo + 1, 'the last line does not end with a newline', '最后一行没有以换行符结尾');
  }
  return { sha256: await digestChunks(kept, hasher), bytes: total, lines: lineNo, error };
}
