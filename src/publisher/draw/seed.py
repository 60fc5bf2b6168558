"""Office secrets, their commitments, and the seed.

Each participating office commits to a 32-byte secret before the beacon round exists; the
seed mixes the commit entry id, the beacon randomness and every secret, so no single party
(not the lead office, not a partner, not the beacon network) can choose it (DESIGN §3.3).
"""

from __future__ import annotations

import secrets as _secrets
from collections.abc import Sequence

from ..core.canonical import tagged_hash
from .errors import DrawError

SECRET_COMMIT_TAG = "ssgk/secret-commit/v1"
SEED_TAG = "ssgk/seed/v1"
SECRET_LEN = 32


def new_secret() -> bytes:
    """A fresh secret from the operating system's CSPRNG."""
    return _secrets.token_bytes(SECRET_LEN)


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or len(secret) != SECRET_LEN:
        raise DrawError(f"an office secret must be exactly {SECRET_LEN} bytes")


def secret_commitment(task: str, office: str, secret: bytes) -> str:
    """Hex of SHA-256("ssgk/secret-commit/v1" 0x00 ‖ task ‖ 0x00 ‖ office ‖ 0x00 ‖ secret).

    Task and office are inside the hash so a commitment cannot be replayed into another
    task or claimed by another office.
    """
    _check_secret(secret)
    return tagged_hash(SECRET_COMMIT_TAG, task.encode("utf-8"), b"\x00",
                       office.encode("utf-8"), b"\x00", secret).hex()


def derive_seed(commit_id: str, randomness: bytes, secrets: Sequence[bytes]) -> bytes:
    """SHA-256("ssgk/seed/v1" 0x00 ‖ commit id (32 bytes) ‖ randomness (32) ‖ secrets in office order)."""
    cid = bytes.fromhex(commit_id)
    if len(cid) != 32 or len(randomness) != 32:
        raise DrawError("commit id and beacon randomness must be 32 bytes each")
    for s in secrets:
        _check_secret(s)
    return tagged_hash(SEED_TAG, cid, randomness, *secrets)
