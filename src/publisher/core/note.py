"""C2SP signed notes (c2sp.org/signed-note), Ed25519 (signature type 0x01) only.

Checkpoints are signed notes so that the log can be checked with existing transparency tools
(Go sumdb/note, litewitness, ...). Parsing is strict: anything the spec forbids, plus
non-canonical base64, is refused with a `NoteError` that says what is wrong.

    note           = text "\\n" 1*signature-line      ; text ends in "\\n"
    signature-line = "— " name " " base64(key_id(4) || ed25519_signature(64)) "\\n"
    key_id         = SHA-256(name || 0x0A || 0x01 || public_key(32))[:4]
    vkey           = name "+" hex(key_id) "+" base64(0x01 || public_key(32))
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import PublisherError
from .keys import SigningKey

ED25519 = 0x01
SIG_PREFIX = "\u2014 "  # EM DASH, SPACE
MAX_SIGNATURES = 100  # the spec requires accepting at least 16; Go refuses more than 100

_HEX8 = re.compile(r"[0-9a-f]{8}")


class NoteError(PublisherError, ValueError):
    """A note, name or verifier key that must be refused; the message says why."""


def b64decode_canonical(text: str, what: str) -> bytes:
    """Standard padded base64, canonical only (one encoding per byte string: no malleability)."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise NoteError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def check_name(name: str) -> None:
    """Key names are non-empty, without Unicode spaces, '+' or control characters."""
    if not isinstance(name, str) or name == "":
        raise NoteError("key name is empty")
    if "+" in name:
        raise NoteError(f"key name {name!r} contains '+'")
    if any(ch.isspace() for ch in name):
        raise NoteError(f"key name {name!r} contains a space")
    if any(ord(ch) < 0x20 for ch in name):
        raise NoteError(f"key name {name!r} contains a control character")
    _utf8(name, "key name")


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError(f"{what} is not valid UTF-8 (lone surrogate)") from None


def key_id(name: str, public_raw: bytes, sig_type: int = ED25519) -> bytes:
    """4-byte key id; the signature type byte separates uses of one key under one name."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public_raw).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A trusted Ed25519 note key: (name, key id) selects it, the public key checks signatures."""

    name: str
    public: bytes

    def __post_init__(self) -> None:
        check_name(self.name)
        if not isinstance(self.public, bytes) or len(self.public) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ED25519]) + self.public).decode()}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse `<name>+<hex8>+<base64(0x01||pub)>`; the embedded key id must match."""
        if not isinstance(vkey, str):
            raise NoteError("vkey must be a string")
        name, sep, rest = vkey.partition("+")
        hex8, sep2, b64 = rest.partition("+")
        if not (sep and sep2):
            raise NoteError(f"vkey {vkey!r} is not <name>+<hex8>+<base64 key>")
        check_name(name)
        if not _HEX8.fullmatch(hex8):
            raise NoteError(f"vkey key id {hex8!r} is not 8 lowercase hex digits")
        raw = b64decode_canonical(b64, "vkey public key")
        if len(raw) == 0 or raw[0] != ED25519:
            kind = f"0x{raw[0]:02x}" if raw else "missing"
            raise NoteError(f"vkey signature type {kind} is not supported (only 0x01 Ed25519)")
        if len(raw) != 33:
            raise NoteError("vkey Ed25519 public key is not 32 bytes")
        verifier = cls(name, raw[1:])
        if verifier.key_id.hex() != hex8:
            raise NoteError(f"vkey key id {hex8} does not match its name and key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False


class Signer:
    """An Ed25519 note key with its name (the private part stays in `SigningKey`)."""

    def __init__(self, name: str, key: SigningKey):
        check_name(name)
        self.name = name
        self._key = key
        self.verifier = Verifier(name, key.public.raw)

    @property
    def key_id(self) -> bytes:
        return self.verifier.key_id

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


@dataclass(frozen=True)
class Signature:
    """One parsed signature line (not yet verified)."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        b64 = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIG_PREFIX}{self.name} {b64}\n"


def check_text(text: str) -> None:
    """Note text: ends in a newline, valid UTF-8, no control characters except newline."""
    if not isinstance(text, str):
        raise NoteError("note text must be a string")
    if not text.endswith("\n"):
        raise NoteError("note text does not end in a newline")
    _check_chars(text, "note text")


def _check_chars(text: str, what: str) -> None:
    _utf8(text, what)
    for ch in text:
        if ord(ch) < 0x20 and ch != "\n":
            raise NoteError(f"{what} contains control character U+{ord(ch):04X}")


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """Signed note: `text`, a blank line, one signature line per signer (in the given order)."""
    check_text(text)
    if not signers:
        raise NoteError("a note needs at least one signer")
    if len(signers) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signers")
    seen = set()
    message = text.encode("utf-8")
    lines = []
    for s in signers:
        ident = (s.name, s.key_id)
        if ident in seen:
            raise NoteError(f"duplicate signer {s.name}+{s.key_id.hex()}")
        seen.add(ident)
        lines.append(Signature(s.name, s.key_id, s.sign(message)).line())
    return text + "\n" + "".join(lines)


def parse_note(note: str | bytes) -> tuple[str, list[Signature]]:
    """Split a note into its text and signature lines, checking syntax only (no crypto)."""
    if isinstance(note, (bytes, bytearray)):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("malformed note: not valid UTF-8") from None
    if not isinstance(note, str):
        raise NoteError("malformed note: not text")
    try:
        _check_chars(note, "note")
    except NoteError as exc:
        raise NoteError(f"malformed note: {exc}") from None
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if block == "":
        raise NoteError("malformed note: no signature lines")
    if not block.endswith("\n"):
        raise NoteError("malformed note: last signature line does not end in a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signature lines")
    sigs = []
    for n, line in enumerate(lines, 1):
        if not line.startswith(SIG_PREFIX):
            raise NoteError(f"malformed note: signature line {n} does not start with '— '")
        name, sep, b64 = line[len(SIG_PREFIX) :].partition(" ")
        if not sep or b64 == "":
            raise NoteError(f"malformed note: signature line {n} has no signature")
        try:
            check_name(name)
        except NoteError as exc:
            raise NoteError(f"malformed note: {exc}") from None
        if " " in b64:
            raise NoteError(
                f"malformed note: signature line {n}: name and signature must be separated by "
                "exactly one space (names contain no spaces)"
            )
        try:
            raw = b64decode_canonical(b64, f"signature {n}")
        except NoteError as exc:
            raise NoteError(f"malformed note: {exc}") from None
        if len(raw) < 5:
            raise NoteError(f"malformed note: signature {n} is shorter than 5 bytes")
        sigs.append(Signature(name, raw[:4], raw[4:]))
    return text, sigs


def open_note(note: str | bytes, verifiers: Iterable[Verifier]) -> tuple[str, list[str]]:
    """Verify a note; return its text and the names of the known keys that signed it.

    Per the spec: signatures by unknown (name, key id) pairs are ignored; any failing signature
    by a known key rejects the whole note; at least one known key must have signed.
    """
    text, sigs = parse_note(note)
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        ident = (v.name, v.key_id)
        if ident in known and known[ident].public != v.public:
            raise NoteError(f"two trusted keys share name and key id {v.name}+{v.key_id.hex()}")
        known[ident] = v
    message = text.encode("utf-8")
    names: list[str] = []
    for s in sigs:
        signer = known.get((s.name, s.key_id))
        if signer is None:
            continue
        if not signer.verify(message, s.signature):
            raise NoteError(f"invalid signature for key {s.name}+{s.key_id.hex()}")
        if s.name not in names:
            names.append(s.name)
    if not names:
        raise NoteError("note has no verifiable signatures (no signature by a trusted key)")
    return text, names
