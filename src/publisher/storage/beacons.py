"""Recorded beacons: ``ledger/beacons/<chain hash>/<round>.json`` = ``{"round", "signature"}``.

Rounds the log itself does not carry — an embargo's reveal round above all (spec §5A.4) — are
recorded here by anyone (the operator's CI, an auditor): a beacon is BLS-signed by its chain, so a
recorded file needs no trust and no office signature. The verifier checks each one it uses; a file
that does not verify is reported, never believed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..beacon.verify import Beacon
from .ledger_dir import atomic_write, read_regular

BEACONS_DIR = "beacons"
MAX_BEACON_BYTES = 4096
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def beacon_path(root: Path, chain_hash: str, round_: int) -> Path:
    if not _HEX64.fullmatch(chain_hash) or not isinstance(round_, int) or round_ < 1:
        raise ValueError("a recorded beacon is named by a 64-hex chain hash and a positive round")
    return Path(root) / BEACONS_DIR / chain_hash / f"{round_}.json"


def read_beacon(root: Path, chain_hash: str, round_: int) -> Beacon | None:
    """The recorded beacon, or None when none is recorded or the file is not a beacon of that round."""
    try:
        data = json.loads(read_regular(beacon_path(root, chain_hash, round_), MAX_BEACON_BYTES, "recorded beacon"))
        if data.get("round") != round_:
            return None
        return Beacon(round=round_, signature=bytes.fromhex(data["signature"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def record_beacon(root: Path, chain_hash: str, beacon: Beacon) -> Path:
    """Write a (verified) beacon where :func:`read_beacon` finds it."""
    p = beacon_path(root, chain_hash, beacon.round)
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(p, (json.dumps({"round": beacon.round, "signature": beacon.signature.hex()}) + "\n").encode())
    return p
