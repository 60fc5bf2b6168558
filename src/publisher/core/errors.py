"""The one root of every error a user can cause (sigstore's ``errors.Error``).

Every layer derives its refusals from :class:`PublisherError`, so the CLI catches user errors
in one place (``publisher.cli.main``) and prints one readable message; anything else that
escapes is a bug (exit 3). The kernel owns the class because every layer may import the kernel
and none may be imported by it.

Exit codes (the CLI's contract):

* 0 — success;
* 1 — the ledger was checked and has problems (``verify``, ``check-push`` print a report);
* 2 — refused: bad input, a bad file, a wrong key or passphrase, a usage error — one message,
  nothing written;
* 3 — internal error: a bug (not a :class:`PublisherError`).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["EXIT_INTERNAL", "EXIT_PROBLEMS", "EXIT_REFUSED", "PublisherError"]

EXIT_PROBLEMS = 1
EXIT_REFUSED = 2
EXIT_INTERNAL = 3


class PublisherError(Exception):
    """A problem the user can fix (input, file, key, environment); never a bug.

    ``str(error)`` is the whole message shown to the user; it names the file, field or option
    at fault. ``exit_code`` is the CLI's exit status for it.
    """

    exit_code: ClassVar[int] = EXIT_REFUSED

    def diagnostics(self) -> str:
        """The text the CLI prints (the message; subclasses may add detail)."""
        return str(self)
