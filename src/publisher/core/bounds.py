"""Bounds of the ledger's own JSON: depth, duplicate members, entry size and padding.

In the kernel because parsing an entry (``core.entry.from_bytes``) must be bounded before any
rule sees it (docs/spec/10-ledger.md §1.9); :mod:`publisher.inputs.limits` adds the bounds of
the other inputs (blobs, pushes, YAML, XLSX) and re-exports these.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import PublisherError

MAX_JSON_DEPTH = 64
MAX_ENTRY_BYTES = 4 * 1024 * 1024
PAD_FACTOR = 4
PAD_SLACK = 4096


class LimitError(PublisherError, ValueError):
    """An input is over a limit or has a shape the product refuses; the message names the file."""


# -- JSON ------------------------------------------------------------------------------------------

def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # built in C; only a duplicate makes it shorter than the pairs
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise LimitError(f"duplicate member {json.dumps(k, ensure_ascii=False)}")
            seen.add(k)
    return out


MAX_SAFE_INTEGER = 2**53 - 1  # the largest integer every JSON reader (a browser's too) reads exactly


def _integer(text: str) -> int:
    n = int(text)
    if abs(n) > MAX_SAFE_INTEGER:
        raise LimitError(f"integer {text[:24]} is beyond 2^53-1")
    return n


def _no_fraction(text: str) -> Any:
    raise LimitError(f"number {text[:24]} is not an integer (fractions and exponents are refused)")


def _no_constant(text: str) -> Any:
    raise LimitError(f"{text} is not JSON")


def json_depth_ok(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True if no value sits deeper than ``limit`` (the top-level value is at depth 0)."""
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if d > limit:
            return False
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return True


def loads_json(data: bytes | str, file: str = "") -> Any:
    """Strict JSON: UTF-8, no duplicate members, depth ≤ MAX_JSON_DEPTH, numbers only integers within
    ±(2^53-1) (the ledger has no other numbers, §1.1; the browser reads the same). Raises LimitError or
    ValueError (json.JSONDecodeError, UnicodeDecodeError) — never RecursionError."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    where = f"{file}: " if file else ""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_integer,
                           parse_float=_no_fraction, parse_constant=_no_constant)
    except RecursionError:
        raise LimitError(f"{where}JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except LimitError as exc:
        raise LimitError(f"{where}{exc}") from None
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and not json_depth_ok(value):
        raise LimitError(f"{where}JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def check_entry_size(size: int, canonical_size: int, file: str = "") -> None:
    """Refuse padded entry files: the bytes on disk may be at most a small factor of the entry's
    canonical size (the writer's indented form is ≤ 1.5×)."""
    where = f"{file}: " if file else ""
    limit = PAD_FACTOR * canonical_size + PAD_SLACK
    if size > limit:
        raise LimitError(f"{where}entry file is {size} bytes, more than {PAD_FACTOR} × its canonical size "
                         f"({canonical_size}) + {PAD_SLACK}: padded")
