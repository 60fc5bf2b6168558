// Streaming reader for directory snapshots (spec §4.6): hashes every byte as it arrives,
// splits lines at 0x0A, decodes UTF-8 strictly, parses each line and checks that it is the
// RFC 8785 canonical form of what it parses to (so floats, whitespace, escapes and reordered
// members are refused exactly as the Python reader refuses them). Memory: one chunk.
//
// A bad line does not stop the hashing: the caller learns the file's SHA-256 in every case,
// so "this is not the committed file" is reported before any parse error inside it.

import { sha256Create } from './hash.js';
import { toHex } from './bytes.js';
import { canonical } from './json.js';

const MAX_LINE = 65536;

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
  if (!(isStr(r.id) && isStr(r.kind) && isStr(r.region) && isStrOrNull(r.industry) && isStrOrNull(r.risk)
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
export async function readSnapshot(chunks, kind, onRecord, onProgress) {
  const hasher = sha256Create();
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
        let canon;
        try {
          canon = canonical(rec);
        } catch {
          throw new SnapshotError(lineNo, 'contains a non-integer number or an invalid string', '含有非整数数值或无效字符串');
        }
        if (canon !== line) throw new SnapshotError(lineNo, 'not in RFC 8785 canonical form', '不是 RFC 8785 规范格式');
        check(rec, lineNo);
        onRecord(rec, lineNo);
      } catch (e) {
        error = e instanceof SnapshotError ? e : new SnapshotError(lineNo, e.en || e.message, e.zh || e.message);
      }
    }
  };

  for await (const chunk of chunks) {
    hasher.update(chunk);
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
  return { sha256: toHex(hasher.digest()), bytes: total, lines: lineNo, error };
}
