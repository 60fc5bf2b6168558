"""Helpers for the clerk/operator command tests (imported by name: rootdir-relative test dirs)."""

from __future__ import annotations

import os


def snapshot(root) -> dict:
    """Every file under root with its bytes: proves a refusal wrote nothing."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            with open(p, "rb") as fh:
                out[p] = fh.read()
    return out
