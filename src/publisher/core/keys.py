"""Ed25519 keys and key ids.

A key id is the first 8 bytes of SHA-256 of the raw 32-byte public key, as 16 lowercase hex
characters. It names a key in entries without repeating the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import b64decode, b64encode, sha256


def key_id(public_raw: bytes) -> str:
    return sha256(public_raw)[:8].hex()


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    @classmethod
    def from_b64(cls, text: str) -> PublicKey:
        raw = b64decode(text)
        if len(raw) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes")
        return cls(raw)

    @cached_property
    def id(self) -> str:
        return key_id(self.raw)

    @property
    def b64(self) -> str:
        return b64encode(self.raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False


class SigningKey:
    """An Ed25519 private key held in memory; never serialised unencrypted by this project."""

    def __init__(self, private: Ed25519PrivateKey):
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public = PublicKey(raw)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def id(self) -> str:
        return self.public.id

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def seed(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )

    def to_encrypted_pem(self, passphrase: bytes) -> bytes:
        """PKCS#8 PEM encrypted with the best available scheme (for key files outside the repo)."""
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )

    @classmethod
    def from_encrypted_pem(cls, pem: bytes, passphrase: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=passphrase)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return cls(key)
