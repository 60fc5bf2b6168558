"""The seed of a draw (v2): public once the beacon round is public.

``seed = H("ssgk/seed/v2", commit id, beacon randomness[, embargo secrets])``. An announced
draw has no secret part at all, so anyone can compute the outcome of *every* commitment once
its round is public — abandoning or superseding a commitment hides nothing. An embargoed draw
(001 第十七条) appends each office's 32-byte secret so its list stays closed until the reveal;
that tail is the one place a later timelock (issue "Sealed but verifiable") plugs in.
"""

from __future__ import annotations

import secrets as _secrets
from collections.abc import Sequence

from ..core.canonical import tagged_hash
from .errors import DrawError

SECRET_COMMIT_TAG = "ssgk/secret-commit/v1"
SEED_TAG = "ssgk/seed/v2"
SECRET_LEN = 32


def new_secret() -> bytes:
    """A fresh secret from the operating system's CSPRNG (embargoed draws only)."""
    return _secrets.token_bytes(SECRET_LEN)


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or len(secret) != SECRET_LEN:
        raise DrawError(f"an office secret must be exactly {SECRET_LEN} bytes")


def secret_commitment(task: str, office: str, secret: bytes) -> str:
    """Hex of SHA-256("ssgk/secret-commit/v1" 0x00 ‖ task ‖ 0x00 ‖ office ‖ 0x00 ‖ secret).

    Only embargoed draws carry these. Task and office are inside the hash so a commitment
    cannot be replayed into another task or claimed by another office.
    """
    _check_secret(secret)
    return tagged_hash(SECRET_COMMIT_TAG, task.encode("utf-8"), b"\x00",
                       office.encode("utf-8"), b"\x00", secret).hex()


def derive_seed(commit_id: str, randomness: bytes, embargo_secrets: Sequence[bytes] = ()) -> bytes:
    """SHA-256("ssgk/seed/v2" 0x00 ‖ commit id (32) ‖ randomness (32) ‖ embargo secrets in office order).

    ``embargo_secrets`` is empty for an announced draw."""
    cid = bytes.fromhex(commit_id)
    if len(cid) != 32 or len(randomness) != 32:
        raise DrawError("commit id and beacon randomness must be 32 bytes each")
    for s in embargo_secrets:
        _check_secret(s)
    return tagged_hash(SEED_TAG, cid, randomness, *embargo_secrets)
