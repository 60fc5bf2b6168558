"""Names for the codes a citizen cannot read: regions (GB/T 2260 + the site's own table),
industries (GB/T 4754-2017), risk classes, directory flags, draw roundings.

Why data files: the code tables are public standards with a source; they are shipped as CSV
next to this module (site/data/, each with its source in its header) and a site adds its
county and township names in its own CSV (``PUBLISHER_REGION_NAMES``). A code with no name is
shown as the code itself, never dropped.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def read_table(path: Path) -> dict[str, tuple[str, str]]:
    """code -> (name_zh, name_en) from a CSV with '#' comment lines and a header row."""
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"].strip(): (r["name_zh"].strip(), (r.get("name_en") or "").strip()) for r in rows}


@cache
def industries() -> dict[str, tuple[str, str]]:
    return read_table(DATA / "gbt4754_2017.csv")


@cache
def provinces() -> dict[str, tuple[str, str]]:
    return read_table(DATA / "gbt2260_provinces.csv")


class Codes:
    """Per-site code names (the site's region table on top of the shipped standards)."""

    def __init__(self, region_file: Path | None = None):
        self.regions = dict(provinces())
        if region_file is not None and Path(region_file).is_file():
            self.regions.update(read_table(Path(region_file)))

    def region(self, code: Any) -> dict[str, str]:
        """The most specific named prefix: township, county, ..., province."""
        c = str(code or "")
        for n in (len(c), 9, 6, 4, 2):
            hit = self.regions.get(c[:n]) if n <= len(c) else None
            if hit:
                zh, en = hit
                return {"zh": zh if n == len(c) else f"{zh}（{c}）", "en": f"{en or zh} ({c})"}
        return {"zh": c, "en": c}

    @staticmethod
    def industry(code: Any) -> dict[str, str]:
        """GB/T 4754 code like 'F5292' or 'F52' or 'F': the division (大类) name in Chinese;
        the English site shows the code and the section (门类) title."""
        c = str(code or "")
        table = industries()
        letter = c[:1] if c[:1].isalpha() else ""
        digits = c[1:] if letter else c
        section = table.get(letter.upper())
        division = table.get(digits[:2]) if len(digits) >= 2 else None
        if division:
            zh = division[0]
        elif section:
            zh = section[0]
        else:
            return {"zh": c, "en": c}
        en = f"{c} ({section[1]})" if section and section[1] else c
        return {"zh": zh, "en": en}


RISKS = {
    "A": ("信用风险低（A类）", "low credit risk (A)"),
    "B": ("信用风险一般（B类）", "medium credit risk (B)"),
    "C": ("信用风险较高（C类）", "higher credit risk (C)"),
    "D": ("信用风险高（D类）", "high credit risk (D)"),
    None: ("未分类", "unclassified"),
}

FLAGS = {
    "abnormal": ("列入经营异常名录", "on the abnormal-operation list"),
    "serious_illegal": ("列入严重违法失信名单", "on the serious illegal and dishonest list"),
    "watch": ("重点关注", "under watch"),
    "complaint": ("有投诉举报", "with complaints"),
}

ROUNDING = {"ceil": ("向上取整", "rounded up"), "floor": ("向下取整", "rounded down"),
            "round": ("四舍五入", "rounded"), "half_even": ("四舍六入五成双", "rounded half to even")}


def pair(table: dict, code: Any) -> dict[str, str]:
    hit = table.get(code)
    if hit is None:
        return {"zh": str(code), "en": str(code)}
    return {"zh": hit[0], "en": hit[1]}


def percent(ratio: Any) -> str:
    """'0.005' -> '0.5%', '0.1' -> '10%' (exact decimal arithmetic, no float noise)."""
    try:
        d = Decimal(str(ratio)) * 100
    except (InvalidOperation, ValueError):
        return str(ratio)
    text = format(d.normalize(), "f")
    return f"{text}%"
