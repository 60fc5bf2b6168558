"""Timelock encryption to a future drand round (tlock), for embargoed draws.

``encrypt(plaintext, round, chain)`` → age/tlock ciphertext anyone can open once ``round``
exists; ``decrypt(ciphertext, beacon_signature, chain)`` opens it. Interoperable with drand's
``tlock`` (Go) and ``tlock-js``; see ``docs/spec/55-timelock.md``. Pure: no IO, no clock.
"""

from .errors import (
    TimelockError,
    TimelockMalformed,
    TimelockNotYet,
    TimelockTampered,
    TimelockWrongChain,
    TimelockWrongRound,
)
from .tlock import Lock, decrypt, encrypt, encrypt_with, locked_to

__all__ = [
    "Lock",
    "TimelockError",
    "TimelockMalformed",
    "TimelockNotYet",
    "TimelockTampered",
    "TimelockWrongChain",
    "TimelockWrongRound",
    "decrypt",
    "encrypt",
    "encrypt_with",
    "locked_to",
]
