"""Errors the CLI prints as one line (no traceback)."""

from ..core.errors import PublisherError


class UserError(PublisherError):
    """A problem with the user's input or environment; printed as-is, exit code 2."""
