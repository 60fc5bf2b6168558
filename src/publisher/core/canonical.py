"""Canonical bytes and hashes shared by every signed or hashed structure.

RFC 8785 (JCS) is used so that verifiers in other languages get the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import rfc8785

from .errors import PublisherError


class CanonicalError(PublisherError, ValueError):
    """A value cannot be canonicalised (e.g. a float that is not finite, a non-str key)."""


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 canonical UTF-8 bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise CanonicalError(str(exc)) from exc


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64encode(data: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64: refuses non-alphabet characters and bad padding."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def tagged_hash(tag: str, *parts: bytes) -> bytes:
    """SHA-256(tag ‖ 0x00 ‖ parts...): domain-separated hashing used by the draw."""
    h = hashlib.sha256(tag.encode("ascii") + b"\x00")
    for p in parts:
        h.update(p)
    return h.digest()
