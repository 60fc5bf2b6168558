"""Made-up, deterministic directories for worked examples, tests and benchmarks.

Every attribute is derived from SHA-256 of a label and an index, so the same call gives the
same records on every machine and Python version (the vectors in docs/vectors depend on it).
The entities are invented; their USCCs carry valid check digits but name no real company.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from ..directory.records import Inspector, Target
from ..directory.uscc import make_uscc

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REGIONS = ("371122001", "371122002", "371122101", "371102001", "371102002")
INDUSTRIES = ("C13", "C14", "F52", "H62", "I65")
RISK_WEIGHTS = (("A", 40), ("B", 40), ("C", 15), ("D", 5))


def _h(label: str, i: int) -> bytes:
    return hashlib.sha256(f"{label}:{i}".encode()).digest()


def _risk(byte: int) -> str:
    x = byte * 100 // 256
    for risk, w in RISK_WEIGHTS:
        if x < w:
            return risk
        x -= w
    return "D"


def _body8(i: int) -> str:
    out = []
    for _ in range(8):
        i, r = divmod(i, 31)
        out.append(_USCC_CHARS[r])
    return "".join(reversed(out))


def sample_target(i: int, label: str = "sample", *, uscc: bool = True) -> Target:
    """Target number ``i``: an enterprise with a valid USCC, or (``uscc=False``) a product."""
    h = _h(label, i)
    region = REGIONS[h[0] % len(REGIONS)]
    tid = make_uscc("91", region[:6], _body8(i)) if uscc else f"P-{i:09d}"
    return Target(
        id=tid, name=f"示例企业{i}", kind="enterprise" if uscc else "product", region=region,
        industry=INDUSTRIES[h[1] % len(INDUSTRIES)], risk=_risk(h[2]),
        flags=("abnormal",) if h[3] < 8 else (), complaints=h[4] % 4, office="scjgj",
        uscc_override=None)


def sample_targets(n: int, label: str = "sample", *, uscc: bool = True) -> list[Target]:
    """``n`` targets sorted by id (the order of a snapshot)."""
    return sorted((sample_target(i, label, uscc=uscc) for i in range(n)), key=lambda t: t.id)


def iter_sample_lines(n: int, label: str = "bench") -> Iterator[bytes]:
    """Snapshot lines of ``n`` product targets in id order, without building records (for 10^7)."""
    for i in range(n):
        t = sample_target(i, label, uscc=False)
        yield (f'{{"complaints":{t.complaints},"flags":[{",".join(chr(34) + f + chr(34) for f in t.flags)}],'
               f'"id":"{t.id}","industry":"{t.industry}","kind":"product","name":"{t.name}",'
               f'"office":"scjgj","region":"{t.region}","risk":"{t.risk}","uscc_override":null}}\n'
               ).encode()


def sample_inspectors(per_office: Mapping[str, int], label: str = "sample", *,
                      groups_of: int = 0, conflicts: Mapping[str, tuple[str, ...]] | None = None
                      ) -> list[Inspector]:
    """Inspectors ``<office>-NNN`` spread over the sample regions' county units.

    ``groups_of`` > 0 puts them in groups of that size; ``conflicts`` maps inspector id to the
    target ids it declared.
    """
    out = []
    units = sorted({r[:6] for r in REGIONS})
    for office, n in per_office.items():
        for i in range(n):
            iid = f"{office.upper()}-{i:03d}"
            unit = units[_h(label + office, i)[0] % len(units)]
            out.append(Inspector(
                id=iid, name=f"检查员{office}{i}", office=office, unit=f"{office}{unit}所",
                unit_region=unit, expertise=(), items=(),
                group=f"G{i // groups_of}" if groups_of else None, active=True,
                conflicts=tuple(sorted((conflicts or {}).get(iid, ()))),
            ))
    return sorted(out, key=lambda r: r.id)
