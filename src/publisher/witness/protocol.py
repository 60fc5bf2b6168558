"""The add-checkpoint wire format (c2sp.org/tlog-witness), both directions. Pure.

Request body::

    old <size>\\n
    <base64 hash>\\n          (0..63 consistency proof lines)
    \\n
    <signed checkpoint note>

A 200 response is one or more note signature lines (cosignatures); a 409 response is the
witness's latest size, ``<decimal>\\n``, with Content-Type ``text/x.tlog.size``.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from ..core.errors import PublisherError
from ..core.note import NoteError, Signature, b64decode_canonical, parse_note

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024
SIZE_CONTENT_TYPE = "text/x.tlog.size"
_OLD = re.compile(r"old (0|[1-9][0-9]{0,18})")
_DECIMAL = re.compile(r"(0|[1-9][0-9]{0,18})\n")


class ProtocolError(PublisherError, ValueError):
    """A malformed request or response (HTTP 400 on the witness side)."""


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str  # the whole signed checkpoint note


def encode_request(old_size: int, proof: list[bytes], note: str) -> bytes:
    lines = [f"old {old_size}\n"] + [base64.b64encode(h).decode() + "\n" for h in proof]
    return ("".join(lines) + "\n" + note).encode("utf-8")


def decode_request(data: bytes) -> AddCheckpoint:
    if len(data) > MAX_BODY:
        raise ProtocolError(f"request body larger than {MAX_BODY} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("request body is not UTF-8") from None
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ProtocolError("no empty line between the old size/proof and the checkpoint")
    lines = head.split("\n")
    m = _OLD.fullmatch(lines[0])
    if not m:
        raise ProtocolError(f"first line {lines[0][:40]!r} is not 'old <size>'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ProtocolError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for n, line in enumerate(lines[1:], 1):
        try:
            h = b64decode_canonical(line, f"proof line {n}")
        except NoteError as exc:
            raise ProtocolError(str(exc)) from None
        if len(h) != 32:
            raise ProtocolError(f"proof line {n} is not a 32-byte hash")
        proof.append(h)
    old = int(m.group(1))
    if old == 0 and proof:
        raise ProtocolError("the consistency proof must be empty when the old size is 0")
    return AddCheckpoint(old, tuple(proof), note)


def encode_cosignatures(sigs: list[Signature]) -> bytes:
    return "".join(s.line() for s in sigs).encode("utf-8")


def decode_cosignatures(note: str, data: bytes) -> list[Signature]:
    """Parse a 200 body by appending it to the checkpoint note (as the spec suggests)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("response is not UTF-8") from None
    if not text.startswith("\u2014 ") or not text.endswith("\n"):
        raise ProtocolError("response is not note signature lines")
    try:
        _, sigs = parse_note(note + text)
    except NoteError as exc:
        raise ProtocolError(f"response: {exc}") from None
    _, own = parse_note(note)
    return sigs[len(own):]


def decode_size(data: bytes) -> int:
    m = _DECIMAL.fullmatch(data.decode("ascii", "replace"))
    if not m:
        raise ProtocolError(f"409 body {data[:40]!r} is not '<size>\\n'")
    return int(m.group(1))
