"""Openings files of sealed draws (docs/spec/65-sealed.md §6S.1).

The office keeps, outside the repository, one line per eligible target and commitment:
``{"id", "root", "salt", "stratum"}`` in RFC 8785 form. Whoever holds a line can open that
target's hiding leaf commitment; an auditor holding all of a commitment's lines re-checks the
whole draw. A company's own line is its *opening*. Pure: parsing and writing bytes only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..core.canonical import canonical_bytes
from .errors import DrawError

HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_LINE = 4096


@dataclass(frozen=True)
class Opening:
    """What opens one leaf: the commitment's population root, the target id, its stratum, the salt."""

    root: str
    id: str
    stratum: str
    salt: bytes

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "root": self.root, "salt": self.salt.hex(), "stratum": self.stratum}

    def line(self) -> bytes:
        return canonical_bytes(self.to_json()) + b"\n"


def parse_opening(obj: object, where: str = "opening") -> Opening:
    """One opening object, strictly: exactly the four members, hex root and 32-byte salt."""
    if not isinstance(obj, Mapping) or set(obj) != {"id", "root", "salt", "stratum"}:
        raise DrawError(f"{where}: an opening is an object with exactly id, root, salt, stratum")
    if not all(isinstance(obj[k], str) for k in obj):
        raise DrawError(f"{where}: id, root, salt and stratum are strings")
    if not HEX64.fullmatch(obj["root"]) or not HEX64.fullmatch(obj["salt"]):  # not `$`: no final newline
        raise DrawError(f"{where}: root and salt are 64 lower-case hex digits")
    return Opening(obj["root"], obj["id"], obj["stratum"], bytes.fromhex(obj["salt"]))


def parse_openings(data: bytes, name: str = "openings") -> dict[str, dict[str, Opening]]:
    """root -> id -> Opening from JSON Lines bytes; a repeated (root, id) is refused."""
    out: dict[str, dict[str, Opening]] = {}
    for n, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{name}:{n}"
        if len(raw) > MAX_LINE:
            raise DrawError(f"{where}: line longer than {MAX_LINE} bytes")
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DrawError(f"{where}: not a JSON object: {exc}") from None
        o = parse_opening(obj, where)
        per = out.setdefault(o.root, {})
        if o.id in per:
            raise DrawError(f"{where}: a second opening of {o.id} for root {o.root[:16]}…")
        per[o.id] = o
    return out


def openings_bytes(openings: Iterable[Opening]) -> bytes:
    return b"".join(o.line() for o in openings)
