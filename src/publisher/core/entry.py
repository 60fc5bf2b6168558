"""The signed entry envelope.

An entry is a JSON object ``{v, type, office, seq, prev, time, body, sig}``. The signed bytes
are the RFC 8785 canonical form of the object without ``sig``; the entry id is the SHA-256 of
those bytes. Everything an attacker could move (office, position in the office chain, time,
type) is inside the signature, so an entry cannot be replayed elsewhere unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .canonical import b64decode, b64encode, canonical_bytes, sha256_hex
from .errors import PublisherError
from .keys import PublicKey, SigningKey

ENVELOPE_VERSION = 1
OFFICE_RE = re.compile(r"^[a-z][a-z0-9-]{1,31}\Z")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
OPERATOR = "operator"


def format_time(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    if not isinstance(text, str) or not TIME_RE.match(text):
        raise ValueError(f"time {text!r} is not UTC YYYY-MM-DDTHH:MM:SSZ")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """A parsed entry. ``raw`` keeps the decoded JSON object as read (for schema checks)."""

    type: str
    office: str
    seq: int
    prev: str | None
    time: str
    body: dict[str, Any]
    key: str
    signature: bytes
    v: int = ENVELOPE_VERSION
    signed: bytes = field(default=b"", repr=False, compare=False)
    id: str = field(default="", compare=False)

    def unsigned(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "type": self.type,
            "office": self.office,
            "seq": self.seq,
            "prev": self.prev,
            "time": self.time,
            "body": self.body,
        }

    def to_json(self) -> dict[str, Any]:
        d = self.unsigned()
        d["sig"] = {"key": self.key, "ed25519": b64encode(self.signature)}
        return d

    def to_file_bytes(self) -> bytes:
        """Human-readable file form; whitespace is irrelevant to the id and signature."""
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()

    def verify_signature(self, public: PublicKey) -> bool:
        return public.id == self.key and public.verify(self.signature, self.signed)


class EnvelopeError(PublisherError, ValueError):
    """The JSON object is not a well-formed envelope (before any schema or rule checks)."""


def from_json(obj: Any) -> Entry:
    """Build an Entry from a decoded JSON object, computing signed bytes and id."""
    if not isinstance(obj, dict):
        raise EnvelopeError("an entry must be a JSON object")
    expected = {"v", "type", "office", "seq", "prev", "time", "body", "sig"}
    keys = set(obj)
    if keys != expected:
        missing, extra = sorted(expected - keys), sorted(keys - expected)
        raise EnvelopeError(f"envelope fields wrong (missing {missing}, unknown {extra})")
    sig = obj["sig"]
    if not isinstance(sig, dict) or set(sig) != {"key", "ed25519"}:
        raise EnvelopeError("sig must be {key, ed25519}")
    if obj["v"] != ENVELOPE_VERSION:
        raise EnvelopeError(f"unsupported envelope version {obj['v']!r}")
    if not isinstance(obj["type"], str):
        raise EnvelopeError("type must be a string")
    if not isinstance(obj["office"], str) or not OFFICE_RE.match(obj["office"]):
        raise EnvelopeError(f"office {obj['office']!r} is not a valid office code")
    if not isinstance(obj["seq"], int) or isinstance(obj["seq"], bool) or obj["seq"] < 1:
        raise EnvelopeError("seq must be an integer >= 1")
    prev = obj["prev"]
    if prev is not None and (not isinstance(prev, str) or not re.fullmatch(r"[0-9a-f]{64}", prev)):
        raise EnvelopeError("prev must be null or 64 lowercase hex characters")
    try:
        parse_time(obj["time"])
    except ValueError as exc:
        raise EnvelopeError(str(exc)) from exc
    if not isinstance(obj["body"], dict):
        raise EnvelopeError("body must be an object")
    if not isinstance(sig["key"], str) or not re.fullmatch(r"[0-9a-f]{16}", sig["key"]):
        raise EnvelopeError("sig.key must be 16 lowercase hex characters")
    try:
        signature = b64decode(sig["ed25519"])
    except Exception as exc:  # binascii.Error, UnicodeEncodeError, TypeError
        raise EnvelopeError("sig.ed25519 is not valid base64") from exc
    if len(signature) != 64:
        raise EnvelopeError("sig.ed25519 must decode to 64 bytes")
    entry = Entry(
        type=obj["type"], office=obj["office"], seq=obj["seq"], prev=prev, time=obj["time"],
        body=obj["body"], key=sig["key"], signature=signature, v=obj["v"],
    )
    signed = canonical_bytes(entry.unsigned())
    object.__setattr__(entry, "signed", signed)
    object.__setattr__(entry, "id", sha256_hex(signed))
    return entry


def from_bytes(data: bytes) -> Entry:
    """Parse an entry file. Bounded (docs/spec/10-ledger.md §1.9): size, JSON depth, no duplicate
    members, and no padding beyond a small factor of the canonical size."""
    from .bounds import MAX_ENTRY_BYTES, LimitError, check_entry_size, loads_json

    if len(data) > MAX_ENTRY_BYTES:
        raise EnvelopeError(f"entry file is larger than {MAX_ENTRY_BYTES} bytes (the limit)")
    try:
        obj = loads_json(data)
    except LimitError as exc:
        raise EnvelopeError(str(exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvelopeError(f"not valid UTF-8 JSON: {exc}") from exc
    entry = from_json(obj)
    try:
        check_entry_size(len(data), len(entry.signed) + 120)
    except LimitError as exc:
        raise EnvelopeError(str(exc)) from None
    return entry


def sign_entry(
    *, type: str, office: str, seq: int, prev: str | None, time: str, body: dict[str, Any],
    key: SigningKey,
) -> Entry:
    """Create and sign an entry. The body is round-tripped through JSON so what is signed is
    exactly what a reader will decode."""
    body = json.loads(json.dumps(body, ensure_ascii=False))
    draft = Entry(type=type, office=office, seq=seq, prev=prev, time=time, body=body,
                  key=key.id, signature=b"\0" * 64)
    signed = canonical_bytes(draft.unsigned())
    return from_json({**draft.unsigned(), "sig": {"key": key.id, "ed25519": b64encode(key.sign(signed))}})
