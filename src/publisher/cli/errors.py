"""Errors the CLI prints as one line (no traceback)."""


class UserError(Exception):
    """A problem with the user's input or environment; printed as-is, exit code 2."""
