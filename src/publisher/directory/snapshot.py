"""Canonical directory snapshots: the byte string a draw's population is fixed to.

Why this exact format: the commitment entry names a snapshot by its SHA-256, so two honest
parties building a snapshot of the same directory must produce the same bytes, and a
verifier must be able to stream 10^7 records in O(1) memory.  Hence:

* UTF-8; one record per line; every line (including the last) ends with "\\n";
* each line is the RFC 8785 (JCS) canonical JSON object of one record, with the record
  type's fixed key set (``Target.FIELDS`` / ``Inspector.FIELDS``); list fields are sorted
  and duplicate-free;
* lines are sorted by id, strictly ascending by the UTF-8 bytes of the id (so no duplicates);
* an empty directory is the empty byte string.

Records hold only strings, integers within +/-(2^53-1), booleans, null and lists of strings,
never floats.  For exactly these values RFC 8785 output equals Python's
``json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)`` (keys are
ASCII, so code-point and UTF-16 key order agree; strings escape only '"', '\\\\' and
U+0000-U+001F in both, with the same short forms and lower-case \\u00xx).  We use the fast
form to write and to check each line, and the test-suite checks the equivalence against the
``rfc8785`` package.  Python compares ``str`` by code point, which is the same order as
comparing UTF-8 bytes, so sorting by ``id`` gives the byte order the format requires.

This module does no file IO: it returns bytes or reads from a stream the caller opened.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

import orjson

from ..core.canonical import sha256_hex
from .records import (
    MAX_COMPLAINTS,
    DirectoryError,
    Inspector,
    Problem,
    Target,
    record_problems,
)

R = TypeVar("R", Target, Inspector)

#: Longest accepted snapshot line in bytes (a record's text fields are capped far below).
MAX_LINE_BYTES = 64 * 1024

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                            allow_nan=False)


def _no_float(text: str) -> Any:
    raise ValueError(f"number {text} is not an integer (snapshots hold no floats)")


_DECODER = json.JSONDecoder(parse_float=_no_float, parse_constant=_no_float)


def record_line(record: Target | Inspector) -> bytes:
    """The snapshot line of one record, including the final "\\n"."""
    try:
        return (_ENCODER.encode(record.to_json()) + "\n").encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError) as exc:
        raise DirectoryError([Problem("canonical", f"record {record.id!r} cannot be serialised: {exc}",
                                      field=None)]) from None


def iter_snapshot_lines(records: Iterable[R], *, validate: bool = True) -> Iterator[bytes]:
    """Lines of a snapshot from records **already sorted by id**; refuses disorder as it goes.

    For callers that stream a large directory to a file without holding the bytes.
    """
    prev: str | None = None
    for n, rec in enumerate(records, start=1):
        if validate:
            problems = record_problems(rec)
            if problems:
                raise DirectoryError([Problem(p.rule, f"record {rec.id!r}: {p.message}",
                                              field=p.field, row=n) for p in problems])
        if prev is not None and not prev < rec.id:
            rule = "duplicate-id" if prev == rec.id else "unsorted"
            raise DirectoryError([Problem(rule, f"id {rec.id!r} follows {prev!r}", field="id", row=n)])
        prev = rec.id
        yield record_line(rec)


def snapshot_bytes(records: Iterable[R], *, validate: bool = True) -> bytes:
    """The canonical snapshot of ``records`` (any order; all of one type; ids unique)."""
    items = list(records)
    kinds = {type(r) for r in items}
    if len(kinds) > 1:
        raise DirectoryError([Problem("mixed-records", "a snapshot holds targets or inspectors, not both")])
    items.sort(key=lambda r: r.id)
    return b"".join(iter_snapshot_lines(items, validate=validate))


def snapshot_id(data: bytes) -> str:
    """Lowercase hex SHA-256 of the snapshot bytes; the blob's name in ``ledger/blobs``."""
    return sha256_hex(data)


def iter_snapshot(
    stream: IO[bytes] | Iterable[bytes],
    record_type: type[R] = Target,  # type: ignore[assignment]
    *,
    validate: bool = True,
    name: str | None = None,
) -> Iterator[R]:
    """Stream the records of a snapshot, refusing anything that is not the canonical form.

    Checks on every line: ends with "\\n", valid UTF-8, JSON without floats, byte-identical to
    its canonical re-serialisation, the exact key set and JSON types, sorted list fields, and
    id strictly greater than the previous line's.  ``validate`` also applies the record value
    rules (USCC check digits, patterns); a verifier that already validated the same snapshot
    id may turn it off for speed.  Memory use is one line.
    """
    if isinstance(stream, (bytes, bytearray, str)):
        raise TypeError("iter_snapshot takes a binary stream or an iterable of lines; wrap bytes in io.BytesIO")
    fname = name or getattr(stream, "name", None)
    return _iter_snapshot(stream, record_type, validate, fname if isinstance(fname, str) else "<snapshot>")


def _iter_snapshot(stream: IO[bytes] | Iterable[bytes], record_type: type[R], validate: bool,
                   fname: str) -> Iterator[R]:
    lines = _bounded_lines(stream)
    from_json = record_type.from_json
    decode = _DECODER.decode
    encode = _ENCODER.encode
    prev: str | None = None
    lineno = 0
    first_form: bool | None = None

    def fail(rule: str, message: str, field: str | None = None) -> DirectoryError:
        return DirectoryError([Problem(rule, message, field=field, row=lineno, file=fname)])

    for line in lines:
        lineno += 1
        if not isinstance(line, (bytes, bytearray)):
            raise fail("structure", "snapshot lines must be bytes")
        if len(line) > MAX_LINE_BYTES:
            raise fail("line-too-long", f"line is longer than {MAX_LINE_BYTES} bytes")
        if not line.endswith(b"\n"):
            raise fail("newline", "line does not end with \\n")
        rec = _fast_record(line, from_json)
        if rec is None:  # refused by the fast path: the reference path words the refusal
            rec = _reference_record(line, from_json, decode, encode, fail)
        _check_structure(rec, fail)
        if validate:
            problems = record_problems(rec)
            if problems:
                raise DirectoryError([Problem(p.rule, f"record {rec.id!r}: {p.message}", field=p.field,
                                              row=lineno, file=fname) for p in problems])
        form = getattr(rec, "sealed", None)
        if lineno == 1:
            first_form = form
        elif form != first_form:
            raise fail("mixed-form", "a snapshot's records are all in the public form (with risk) or all in "
                       "the sealed form (without risk, docs/spec/65-sealed.md)", "risk")
        rid = rec.id
        if prev is not None and not prev < rid:
            if prev == rid:
                raise fail("duplicate-id", f"id {rid!r} repeats the previous line", "id")
            raise fail("unsorted", f"id {rid!r} sorts before the previous id {prev!r}", "id")
        prev = rid
        yield rec


def _fast_record(line: bytes, from_json: Any) -> Any:
    """The record of a canonical line, or None when the line needs the reference path.

    orjson parses and re-serialises in C; with sorted keys its output equals the reference
    encoder's (and so RFC 8785) for every value a record may hold (strings, integers, booleans,
    null, lists of strings) -- checked character by character and on random records in the
    tests.  It reads floats and integers beyond 64 bits differently, but ``from_json`` refuses
    both types and an oversized integer never re-serialises to the same bytes, so every line it
    accepts is accepted, with the same record, by the reference path.  Anything it refuses goes
    to the reference path, which alone decides and words the refusal (so rule ids and messages
    are the same whichever path saw the line first).
    """
    body = line[:-1]
    try:
        obj = orjson.loads(body)
        if orjson.dumps(obj, option=orjson.OPT_SORT_KEYS) != body:
            return None
        return from_json(obj)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, DirectoryError):
        return None


def _reference_record(line: bytes, from_json: Any, decode: Any, encode: Any, fail: Any) -> Any:
    """The stdlib path: slower, and the one that words every refusal."""
    try:
        text = line[:-1].decode("utf-8")
        obj = decode(text)
    except UnicodeDecodeError as exc:
        raise fail("encoding", f"not valid UTF-8 ({exc.reason})") from None
    except ValueError as exc:
        raise fail("json", f"not a JSON value without floats: {exc}") from None
    try:
        canonical = encode(obj) == text
    except (ValueError, TypeError):
        canonical = False
    if not canonical:
        raise fail("canonical", "line is not in canonical form (RFC 8785, no whitespace, sorted keys)")
    try:
        return from_json(obj)
    except DirectoryError as exc:
        p = exc.problems[0]
        raise fail(p.rule, p.message, p.field) from None


def _bounded_lines(stream: IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    """Lines of at most MAX_LINE_BYTES + 1 bytes, so one endless line cannot fill memory."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        yield from stream  # an iterable of lines: the caller bounds them
        return
    limit = MAX_LINE_BYTES + 1
    while True:
        line = readline(limit)
        if not line:
            return
        yield line


def _check_structure(rec: Target | Inspector, fail: Any) -> None:
    """Always-on rules that make the canonical form unique and JCS-equivalent."""
    if isinstance(rec, Target):
        if list(rec.flags) != sorted(set(rec.flags)):
            raise fail("canonical-list", "flags must be sorted and without duplicates", "flags")
        if not -MAX_COMPLAINTS <= rec.complaints <= MAX_COMPLAINTS:
            raise fail("structure", "complaints is outside the exact JSON integer range", "complaints")
    else:
        for field in ("conflicts", "expertise", "items"):
            values = getattr(rec, field)
            if list(values) != sorted(set(values)):
                raise fail("canonical-list", f"{field} must be sorted and without duplicates", field)
