"""C2SP tlog-cosignature/v1 (Ed25519): a witness's timestamped statement about a checkpoint.

A cosignature is an ordinary signed-note signature line whose key id uses signature type
0x04 and whose signature bytes are ``timestamp (u64 big-endian) || ed25519(64)`` over

    "cosignature/v1\\n" "time " <timestamp decimal> "\\n" <checkpoint body>

The witness signs with its own clock: a quorum of such times, not the operator's ``time`` line,
is what proves *when* a checkpoint (and every entry in it) was public (spec §3.8).
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .keys import SigningKey
from .note import _HEX8, NoteError, Signature, b64decode_canonical, check_name, parse_note

COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1\n"
MAX_TIME = 2**63 - 1


def cosignature_key_id(name: str, public_raw: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x04 || public key)[:4]: differs from the same key's 0x01 id."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([COSIGNATURE_V1]) + public_raw).digest()[:4]


def cosigned_message(body: str, timestamp: int) -> bytes:
    """The exact bytes a witness signs for ``body`` (a checkpoint note text) at ``timestamp``."""
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIME:
        raise NoteError("cosignature timestamp must be an integer in [0, 2^63-1]")
    return (HEADER + f"time {timestamp}\n" + body).encode("utf-8")


@dataclass(frozen=True)
class WitnessKey:
    """A trusted witness: its name and Ed25519 public key (vkey type 0x04)."""

    name: str
    public: bytes

    def __post_init__(self) -> None:
        check_name(self.name)
        if not isinstance(self.public, bytes) or len(self.public) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> bytes:
        return cosignature_key_id(self.name, self.public)

    @property
    def vkey(self) -> str:
        b64 = base64.b64encode(bytes([COSIGNATURE_V1]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{b64}"

    @classmethod
    def from_vkey(cls, vkey: str) -> WitnessKey:
        """Parse `<name>+<hex8>+<base64(0x04||pub)>`; the embedded key id must match."""
        if not isinstance(vkey, str):
            raise NoteError("witness vkey must be a string")
        name, sep, rest = vkey.partition("+")
        hex8, sep2, b64 = rest.partition("+")
        if not (sep and sep2):
            raise NoteError(f"witness vkey {vkey!r} is not <name>+<hex8>+<base64 key>")
        check_name(name)
        if not _HEX8.fullmatch(hex8):
            raise NoteError(f"witness vkey key id {hex8!r} is not 8 lowercase hex digits")
        raw = b64decode_canonical(b64, "witness vkey public key")
        if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
            raise NoteError("witness vkey is not a cosignature/v1 Ed25519 key (type 0x04, 32 bytes)")
        key = cls(name, raw[1:])
        if key.key_id.hex() != hex8:
            raise NoteError(f"witness vkey key id {hex8} does not match its name and key")
        return key

    def timestamp_of(self, body: str, sig: Signature) -> int:
        """Verify one cosignature line by this witness on ``body``; return its timestamp."""
        if (sig.name, sig.key_id) != (self.name, self.key_id):
            raise NoteError(f"signature line is not by witness {self.name}")
        if len(sig.signature) != 72:
            raise NoteError(f"cosignature by {self.name} is {len(sig.signature)} bytes, not 8 + 64")
        timestamp: int = struct.unpack(">Q", sig.signature[:8])[0]
        if timestamp > MAX_TIME:
            raise NoteError(f"cosignature by {self.name} has a timestamp above 2^63-1")
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(sig.signature[8:], cosigned_message(body, timestamp))
        except (InvalidSignature, ValueError):
            raise NoteError(f"invalid cosignature by witness {self.name}+{self.key_id.hex()}") from None
        return timestamp


class Cosigner:
    """A witness's signing side."""

    def __init__(self, name: str, key: SigningKey):
        check_name(name)
        self.name = name
        self._key = key
        self.witness = WitnessKey(name, key.public.raw)

    @property
    def vkey(self) -> str:
        return self.witness.vkey

    def cosign(self, body: str, timestamp: int) -> Signature:
        sig = self._key.sign(cosigned_message(body, timestamp))
        return Signature(self.name, self.witness.key_id, struct.pack(">Q", timestamp) + sig)


def witness_times(note: str | bytes, witnesses: Iterable[WitnessKey]) -> tuple[str, dict[str, int]]:
    """The note text and ``{witness name: cosignature time}`` for every trusted witness that cosigned.

    As for any signed note, lines by unknown (name, key id) pairs are ignored and a failing
    line by a trusted witness rejects the whole note (``NoteError``)."""
    text, sigs = parse_note(note)
    known = {(w.name, w.key_id): w for w in witnesses}
    times: dict[str, int] = {}
    for s in sigs:
        w = known.get((s.name, s.key_id))
        if w is None:
            continue
        t = w.timestamp_of(text, s)
        if s.name in times:
            raise NoteError(f"witness {s.name} cosigned the same checkpoint twice")
        times[s.name] = t
    return text, times


def add_signatures(note: str, lines: Iterable[Signature]) -> str:
    """Append signature lines to a signed note, skipping any (name, key id) already present."""
    _, sigs = parse_note(note)
    have = {(s.name, s.key_id) for s in sigs}
    out = note
    for s in lines:
        if (s.name, s.key_id) not in have:
            have.add((s.name, s.key_id))
            out += s.line()
    return out


def quorum_time(times: Iterable[int], quorum: int) -> int | None:
    """The k-th earliest witness time: by then at least ``quorum`` witnesses had seen the tree.

    With at most ``quorum - 1`` dishonest witnesses, one honest witness vouches for this time or
    an earlier one. None if fewer than ``quorum`` times (or quorum < 1)."""
    ordered = sorted(times)
    if quorum < 1 or len(ordered) < quorum:
        return None
    return ordered[quorum - 1]
