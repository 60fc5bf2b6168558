"""Why a timelock ciphertext cannot be opened (yet): one exception class per cause.

Every error carries a stable ``code`` (``tlock.<cause>``) so the embargo rules can report the
exact rule broken, and a message a clerk or auditor can act on.
"""

from __future__ import annotations

from ..core.errors import PublisherError


class TimelockError(PublisherError, ValueError):
    """A timelock ciphertext cannot be made or opened; ``code`` says which check failed."""

    code = "tlock.error"

    def __init__(self, message: str) -> None:
        super().__init__(f"{self.code}: {message}")
        self.detail = message


class TimelockMalformed(TimelockError):
    """The bytes are not an age file with exactly one well-formed tlock stanza."""

    code = "tlock.malformed"


class TimelockWrongChain(TimelockError):
    """The ciphertext is locked to another beacon chain than the one given."""

    code = "tlock.wrong-chain"


class TimelockNotYet(TimelockError):
    """The round the ciphertext is locked to has no beacon yet: nobody can open it."""

    code = "tlock.not-yet"


class TimelockWrongRound(TimelockError):
    """The beacon given is not the chain's signature for the locked round."""

    code = "tlock.wrong-round"


class TimelockTampered(TimelockError):
    """The ciphertext was altered: IBE consistency check, header MAC or payload tag failed."""

    code = "tlock.tampered"
