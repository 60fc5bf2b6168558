"""The age v1 file format (C2SP age), the container tlock puts its ciphertext in.

Only what tlock needs: header with recipient stanzas and HMAC, the ChaCha20-Poly1305 STREAM
payload, and the ASCII armor. Parsing is strict (canonical base64, stanza bodies wrapped at 64
columns with a short final line, nothing but whitespace around an armor block), because a
lenient parser makes a ciphertext malleable. Symmetric crypto is ``cryptography``. Pure, no IO.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import TimelockMalformed, TimelockTampered

VERSION_LINE = b"age-encryption.org/v1\n"
FILE_KEY_LEN = 16
NONCE_LEN = 16
CHUNK = 64 * 1024
TAG = 16
COLUMNS = 64
ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"

_ARG = re.compile(rb"^[\x21-\x7e]+$")


@dataclass(frozen=True)
class Stanza:
    """``-> arg0 arg1 …`` and a binary body; ``args[0]`` is the recipient type (``tlock``)."""

    args: tuple[str, ...]
    body: bytes

    def encode(self) -> bytes:
        line = b"-> " + " ".join(self.args).encode("ascii") + b"\n"
        b64 = b64raw(self.body)
        lines = [b64[i:i + COLUMNS] for i in range(0, len(b64), COLUMNS)]
        if not lines or len(lines[-1]) == COLUMNS:
            lines.append(b"")  # the body always ends with a line shorter than 64 columns
        return line + b"\n".join(lines) + b"\n"


@dataclass(frozen=True)
class AgeFile:
    stanzas: tuple[Stanza, ...]
    header_for_mac: bytes  # everything up to and including "---"
    mac: bytes
    payload: bytes  # nonce ‖ STREAM ciphertext


def b64raw(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def b64raw_decode(text: bytes, what: str) -> bytes:
    """Canonical unpadded base64 (RFC 4648 §3.5) or :class:`TimelockMalformed`."""
    if b"=" in text or not re.fullmatch(rb"[A-Za-z0-9+/]*", text) or len(text) % 4 == 1:
        raise TimelockMalformed(f"{what} is not unpadded base64")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error as exc:  # pragma: no cover - excluded by the checks above
        raise TimelockMalformed(f"{what} is not base64: {exc}") from exc
    if b64raw(data) != text:
        raise TimelockMalformed(f"{what} is not canonical base64")
    return data


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def header_mac(file_key: bytes, header_for_mac: bytes) -> bytes:
    """HMAC-SHA-256 under ``HKDF(file key, salt="", info="header")`` over the header to ``---``."""
    return hmac.digest(_hkdf(file_key, b"", b"header"), header_for_mac, "sha256")


def encode(stanzas: list[Stanza], file_key: bytes, nonce: bytes, plaintext: bytes) -> bytes:
    """A binary age file: header, MAC line, then ``nonce ‖ STREAM(payload key, plaintext)``."""
    head = VERSION_LINE + b"".join(s.encode() for s in stanzas) + b"---"
    mac = b64raw(header_mac(file_key, head))
    return head + b" " + mac + b"\n" + nonce + seal_payload(file_key, nonce, plaintext)


def parse(data: bytes) -> AgeFile:
    """Split a binary age v1 file into stanzas, MAC and payload (nothing is decrypted)."""
    if not data.startswith(VERSION_LINE):
        raise TimelockMalformed("not an age v1 file (missing 'age-encryption.org/v1' line)")
    pos = len(VERSION_LINE)
    stanzas: list[Stanza] = []
    while data.startswith(b"-> ", pos):
        end = data.find(b"\n", pos)
        if end < 0:
            raise TimelockMalformed("header ends inside a stanza")
        args = data[pos + 3:end].split(b" ")
        if not all(_ARG.match(a) for a in args):
            raise TimelockMalformed("stanza arguments must be non-empty printable ASCII")
        pos = end + 1
        body_lines = []
        while True:
            end = data.find(b"\n", pos)
            if end < 0:
                raise TimelockMalformed("header ends inside a stanza body")
            line = data[pos:end]
            pos = end + 1
            if len(line) > COLUMNS:
                raise TimelockMalformed("stanza body line longer than 64 columns")
            body_lines.append(line)
            if len(line) < COLUMNS:
                break
        body = b64raw_decode(b"".join(body_lines), "stanza body")
        stanzas.append(Stanza(tuple(a.decode("ascii") for a in args), body))
    if not stanzas:
        raise TimelockMalformed("age header has no recipient stanza")
    if not data.startswith(b"--- ", pos):
        raise TimelockMalformed("age header does not end with a '--- MAC' line")
    header_for_mac = data[:pos + 3]
    end = data.find(b"\n", pos)
    if end < 0:
        raise TimelockMalformed("age MAC line is not terminated")
    mac = b64raw_decode(data[pos + 4:end], "header MAC")
    if len(mac) != 32:
        raise TimelockMalformed("header MAC must be 32 bytes")
    return AgeFile(tuple(stanzas), header_for_mac, mac, data[end + 1:])


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def seal_payload(file_key: bytes, nonce: bytes, plaintext: bytes) -> bytes:
    """STREAM: 64 KiB chunks, ChaCha20-Poly1305, nonce = 11-byte counter ‖ last-chunk flag."""
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[i:i + CHUNK] for i in range(0, len(plaintext), CHUNK)] or [b""]
    return b"".join(aead.encrypt(_nonce(i, i == len(chunks) - 1), c, None) for i, c in enumerate(chunks))


def open_payload(file_key: bytes, payload: bytes) -> bytes:
    """Inverse of :func:`seal_payload` on ``nonce ‖ ciphertext``; any change → TimelockTampered."""
    if len(payload) < NONCE_LEN + TAG:
        raise TimelockTampered("age payload is truncated")
    nonce, body = payload[:NONCE_LEN], payload[NONCE_LEN:]
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    size = CHUNK + TAG
    chunks = [body[i:i + size] for i in range(0, len(body), size)]
    out = []
    for i, c in enumerate(chunks):
        last = i == len(chunks) - 1
        if len(c) < TAG or (last and i > 0 and len(c) == TAG):
            raise TimelockTampered("age payload has an empty or truncated final chunk")
        try:
            out.append(aead.decrypt(_nonce(i, last), c, None))
        except InvalidTag as exc:
            raise TimelockTampered(f"age payload chunk {i} fails authentication") from exc
    return b"".join(out)


def armor(data: bytes) -> bytes:
    """Strict PEM (RFC 7468): padded base64 in 64-column lines between BEGIN/END lines."""
    b64 = base64.b64encode(data)
    lines = [b64[i:i + COLUMNS] for i in range(0, len(b64), COLUMNS)]
    return ARMOR_BEGIN + b"\n" + b"".join(ln + b"\n" for ln in lines) + ARMOR_END + b"\n"


def is_armored(data: bytes) -> bool:
    return data.lstrip().startswith(ARMOR_BEGIN)


def dearmor(data: bytes) -> bytes:
    """Strict inverse of :func:`armor`; whitespace around the block is allowed, nothing else."""
    text = data.strip().replace(b"\r\n", b"\n")
    if not (text.startswith(ARMOR_BEGIN + b"\n") and text.endswith(b"\n" + ARMOR_END)):
        raise TimelockMalformed("armor must be one '-----BEGIN/END AGE ENCRYPTED FILE-----' block")
    lines = text[len(ARMOR_BEGIN) + 1:-len(ARMOR_END) - 1].split(b"\n")
    if any(len(ln) != COLUMNS for ln in lines[:-1]) or not 0 < len(lines[-1]) <= COLUMNS:
        raise TimelockMalformed("armor lines must be 64 columns, the last one 1..64")
    b64 = b"".join(lines)
    try:
        out = base64.b64decode(b64, validate=True)
    except binascii.Error as exc:
        raise TimelockMalformed(f"armor is not base64: {exc}") from exc
    if base64.b64encode(out) != b64:
        raise TimelockMalformed("armor is not canonical base64")
    return out
