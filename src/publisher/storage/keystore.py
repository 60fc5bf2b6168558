"""Private keys live outside the repository, encrypted; the passphrase comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.keys import SigningKey

KEYS_ENV = "PUBLISHER_KEYS"
PASS_ENV = "PUBLISHER_KEY_PASSPHRASE"


class KeyStoreError(Exception):
    pass


def keys_dir(explicit: str | Path | None = None) -> Path:
    d = explicit or os.environ.get(KEYS_ENV)
    if not d:
        raise KeyStoreError(f"no key directory: set ${KEYS_ENV} or pass --keys")
    return Path(d)


def passphrase() -> bytes:
    p = os.environ.get(PASS_ENV)
    if not p:
        raise KeyStoreError(f"no passphrase: set ${PASS_ENV} (private keys are always stored encrypted)")
    return p.encode("utf-8")


def save_key(name: str, key: SigningKey, directory: str | Path | None = None) -> Path:
    d = keys_dir(directory)
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{name}.pem"
    if p.exists():
        raise KeyStoreError(f"{p}: exists; refusing to overwrite a private key")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.to_encrypted_pem(passphrase()))
    return p


def load_key(name: str, directory: str | Path | None = None) -> SigningKey:
    p = keys_dir(directory) / f"{name}.pem"
    try:
        pem = p.read_bytes()
    except FileNotFoundError as exc:
        raise KeyStoreError(f"{p}: no private key for {name!r}") from exc
    try:
        return SigningKey.from_encrypted_pem(pem, passphrase())
    except (ValueError, TypeError) as exc:
        raise KeyStoreError(f"{p}: cannot decrypt (wrong passphrase?)") from exc
