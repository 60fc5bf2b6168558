"""Private keys live outside the repository, encrypted; each key has its own passphrase.

The passphrase of key NAME comes from ``$PUBLISHER_KEY_PASSPHRASE_<NAME>`` (NAME upper-cased,
every character other than A-Z/0-9 replaced by ``_``), else from the shared
``$PUBLISHER_KEY_PASSPHRASE`` (CI, where one job holds one key), else from a prompt on the
terminal. Nothing is written unless the whole encrypted key is ready (no empty key file).
"""

from __future__ import annotations

import getpass
import os
import re
import sys
from pathlib import Path

from ..core.errors import PublisherError
from ..core.keys import PublicKey, SigningKey

KEYS_ENV = "PUBLISHER_KEYS"
PASS_ENV = "PUBLISHER_KEY_PASSPHRASE"
PUBKEY_PREFIX = "ed25519:"


class KeyStoreError(PublisherError):
    pass


def keys_dir(explicit: str | Path | None = None) -> Path:
    d = explicit or os.environ.get(KEYS_ENV)
    if not d:
        raise KeyStoreError(f"没有密钥目录：请设置环境变量 ${KEYS_ENV} 或使用 --keys / "
                            f"no key directory: set ${KEYS_ENV} or pass --keys")
    return Path(d)


def pass_env(name: str) -> str:
    """The per-key environment variable, e.g. ``scjgj-2026`` -> ``PUBLISHER_KEY_PASSPHRASE_SCJGJ_2026``."""
    return f"{PASS_ENV}_{re.sub(r'[^A-Z0-9]', '_', name.upper())}"


def _interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def passphrase(name: str = "", confirm: bool = False) -> bytes:
    """The passphrase of key ``name``: its own variable, the shared one, or a terminal prompt."""
    for var in ([pass_env(name)] if name else []) + [PASS_ENV]:
        p = os.environ.get(var)
        if p:
            return p.encode("utf-8")
    if not _interactive():
        own = pass_env(name) if name else PASS_ENV
        raise KeyStoreError(f"没有密钥“{name}”的口令：请设置环境变量 {own}（或 {PASS_ENV}），或在终端中运行以便输入 / "
                            f"no passphrase for key {name!r}: set {own} (or {PASS_ENV}) or run in a terminal to be asked "
                            "(private keys are always stored encrypted)")
    p = getpass.getpass(f"密钥“{name}”的口令 / passphrase for key {name!r}: ")
    if not p:
        raise KeyStoreError("口令不能为空 / the passphrase must not be empty")
    if confirm and getpass.getpass("再输入一次 / again: ") != p:
        raise KeyStoreError("两次输入的口令不一致，未生成密钥 / the passphrases differ; no key was made")
    return p.encode("utf-8")


def save_key(name: str, key: SigningKey, directory: str | Path | None = None) -> Path:
    d = keys_dir(directory)
    p = d / f"{name}.pem"
    if p.exists() and p.stat().st_size > 0:
        raise KeyStoreError(f"{p}：已存在，不会覆盖私钥 / exists; refusing to overwrite a private key")
    pem = key.to_encrypted_pem(passphrase(name, confirm=True))  # before any file is created
    d.mkdir(parents=True, exist_ok=True)
    if p.exists():  # an empty file left by an older version: nothing to lose
        p.unlink()
    tmp = d / f".{name}.pem.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, p)  # fails if another process made the key meanwhile
    except FileExistsError:
        raise KeyStoreError(f"{p}：已存在，不会覆盖私钥 / exists; refusing to overwrite a private key") from None
    finally:
        tmp.unlink(missing_ok=True)
    return p


def public_code(key: PublicKey) -> str:
    """The short text an office sends to the operator: ``ed25519:<base64 of the 32-byte key>``."""
    return PUBKEY_PREFIX + key.b64


def save_public(name: str, key: PublicKey, directory: str | Path | None = None) -> Path:
    p = keys_dir(directory) / f"{name}.pub"
    p.write_text(f"{public_code(key)} {name} {key.id}\n", "utf-8")
    return p


def parse_public(text_or_file: str) -> PublicKey:
    """A public key from a code (``ed25519:…`` or bare base64) or a ``.pub`` file holding one."""
    text = text_or_file.strip()
    src = ""
    path = Path(text)
    if text.endswith(".pub") or (len(text) < 4096 and path.is_file()):
        try:
            text = path.read_text("utf-8-sig").strip()
            src = f"{path}："
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyStoreError(f"{path}：无法读取公钥文件 / cannot read the public key file ({exc.__class__.__name__})") from None
    token = text.split()[0] if text.split() else ""
    if token.startswith(PUBKEY_PREFIX):
        token = token[len(PUBKEY_PREFIX):]
    try:
        return PublicKey.from_b64(token)
    except ValueError:
        raise KeyStoreError(f"{src}不是有效的公钥代码（应为 publisher keygen 打印的 ed25519:… 或 .pub 文件）/ "
                            f"not a public key code (expected ed25519:… as printed by publisher keygen, or its .pub file)") from None


def load_key(name: str, directory: str | Path | None = None) -> SigningKey:
    p = keys_dir(directory) / f"{name}.pem"
    try:
        pem = p.read_bytes()
    except FileNotFoundError:
        raise KeyStoreError(f"{p}：没有密钥“{name}”的私钥文件 / no private key for {name!r}") from None
    if not pem:
        raise KeyStoreError(f"{p}：私钥文件为空（以前的版本中断时留下的），请删除后重新运行 publisher keygen {name} / "
                            f"empty key file; delete it and run publisher keygen {name} again")
    try:
        return SigningKey.from_encrypted_pem(pem, passphrase(name))
    except (ValueError, TypeError):
        raise KeyStoreError(f"{p}：无法解密（口令错误？）/ cannot decrypt (wrong passphrase?)") from None
