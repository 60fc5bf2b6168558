"""Row → view dictionaries for templates (the only place that knows body field names).

Why separate from the queries: templates must not dig through raw entry bodies, and the
same result or draw is shown on several pages (task, company, results list, feeds, CSV).
Views hold both languages where a label differs, so one view renders zh and en pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .codes import FLAGS, RISKS, ROUNDING, Codes, pair, percent
from .i18n import enum_label
from .urls import safe_seg

try:  # category labels come from the workflow rules' vocabulary when it is installed
    from publisher.workflow.rules.vocab import VOCABULARIES
except ImportError:  # pragma: no cover - depends on which modules are in this build
    VOCABULARIES = {}


def loads(text: Any) -> Any:
    return json.loads(text) if isinstance(text, (str, bytes)) and text else (text or {})


def both(kind: str, code: Any) -> dict[str, str]:
    return {"zh": enum_label(kind, code, "zh"), "en": enum_label(kind, code, "en")}


def category_labels(vocabulary: str | None, codes: Iterable[str]) -> dict[str, list[str]]:
    v = VOCABULARIES.get(vocabulary or "")
    zh, en = [], []
    for c in codes:
        zh.append(v.labels_zh.get(c, c) if v else c)
        en.append(v.labels_en.get(c, c) if v else c)
    return {"zh": zh, "en": en}


def result_view(row: Any) -> dict[str, Any]:
    """One publication about one target: a result, a correction or a withholding notice."""
    body = loads(row["body"])
    kind = row["kind"]
    r = body.get("corrected", {}) if kind == "correction" else body
    codes = r.get("categories") or []
    v = {
        "idx": row["idx"], "entry_id": row["entry_id"], "office": row["office"],
        "seq": row["seq"] if "seq" in row.keys() else None,
        "task_id": row["task_id"], "task_link": safe_seg(row["task_id"]),
        "target_id": row["target_id"], "target_link": safe_seg(row["target_id"]),
        "target_name": r.get("target_name") or (row["name"] if "name" in row.keys() else None) or "",
        "completed": r.get("completed"), "published": row["time"], "kind": kind,
        "status": row["status"], "superseded": row["status"] == "superseded",
        "lateness": row["lateness"] or ("none" if not row["completed"] else "unknown"),
        "lateness_label": both("lateness", row["lateness"] or ("none" if not row["completed"] else "unknown")),
        "deadline": row["deadline"], "late_days": row["late_days"],
        "codes": codes, "labels": category_labels(r.get("vocabulary"), codes),
        "remarks": r.get("remarks") or "", "method": both("method", r.get("method")) if r.get("method") else None,
        "items": r.get("items") or [], "inspectors": r.get("inspectors") or [],
        "findings": r.get("findings") or [], "sections": r.get("sections") or [],
        "follow_up": [{"kind": both("follow_up", f.get("kind")), "detail": f.get("detail", "")}
                      for f in r.get("follow_up") or []],
        "approved": r.get("approved"),
    }
    if kind == "correction":
        v.update(reason=body.get("reason", ""), approver=body.get("approver") or {},
                 decided=body.get("date"), corrects=body.get("result"))
    elif kind == "withheld":
        v.update(legal_basis=body.get("legal_basis", ""), decided=body.get("decided"),
                 approver=body.get("approver") or {})
    return v


def noncoop_view(row: Any) -> dict[str, Any]:
    b = loads(row["body"])
    return {"idx": row["idx"], "entry_id": row["entry_id"], "office": row["office"],
            "task_id": row["task_id"], "task_link": safe_seg(row["task_id"]),
            "target_id": row["target_id"], "target_link": safe_seg(row["target_id"]),
            "target_name": b.get("target_name", ""), "date": b.get("date"), "time": row["time"],
            "grounds": [both("noncoop", g) for g in b.get("grounds") or []],
            "detail": b.get("detail", ""), "serious": bool(b.get("serious"))}


def chain_view(chains: dict[str, Any], chain_hash: str | None, rnd: int | None) -> dict[str, Any]:
    """A beacon chain as shown next to every round: label, simulated flag, round time."""
    c = chains.get(chain_hash or "")
    out: dict[str, Any] = {"hash": chain_hash, "known": c is not None, "label": "", "simulated": False,
                           "round_time": None, "period": None}
    if c is not None:
        out.update(label=c.label, simulated=bool(c.simulated), period=c.period)
        if rnd:
            try:
                out["round_time"] = c.round_time(int(rnd))
            except ValueError:
                pass
    return out


def randomness_hex(signature_hex: str | None) -> str | None:
    """drand randomness = SHA-256(signature), computed by the beacon module."""
    if not signature_hex:
        return None
    from ..beacon import randomness_of

    return randomness_of(bytes.fromhex(signature_hex)).hex()


FILTER_LABELS = {"regions": ("行政区划", "Regions"), "industries": ("行业", "Industries"),
                 "kinds": ("主体类型", "Kinds"), "risks": ("信用风险分类", "Credit-risk classes"),
                 "flags_any": ("标记（任一）", "Any of the flags"), "offices": ("登记管辖部门", "Offices")}


def filter_view(f: dict[str, Any] | None, oname: Any = None) -> list[dict[str, Any]]:
    """A draw filter as labelled conditions with named values in both languages; empty means
    an open (不定向) draw."""
    out = []
    for key in ("regions", "industries", "kinds", "risks", "flags_any", "offices"):
        vals = (f or {}).get(key)
        if not vals:
            continue
        named = [value_label(key, v) for v in vals]
        out.append({"key": {"zh": FILTER_LABELS[key][0], "en": FILTER_LABELS[key][1]},
                    "values": {"zh": "、".join(n["zh"] for n in named), "en": ", ".join(n["en"] for n in named)}})
    return out


def value_label(key: str, v: Any) -> dict[str, str]:
    if key == "regions":
        return CODES.region(v)
    if key == "industries":
        return CODES.industry(v)
    if key == "kinds":
        return both("target_kind", v) if v is not None else {"zh": "未分类", "en": "unclassified"}
    if key == "risks":
        return pair(RISKS, v)
    if key == "flags_any":
        return pair(FLAGS, v)
    if key == "offices":
        return {"zh": OFFICE_NAMES.get(v, (str(v), str(v)))[0], "en": OFFICE_NAMES.get(v, (str(v), str(v)))[1]}
    return {"zh": str(v), "en": str(v)}


def take_view(take: dict[str, Any] | None, rounding: str | None) -> dict[str, str]:
    """How many to draw, in words: "5 户" or "0.5%（向下取整）"."""
    if not take:
        return {"zh": "", "en": ""}
    if "count" in take:
        return {"zh": f"{take['count']} 户", "en": str(take["count"])}
    pct = percent(take.get("ratio"))
    if rounding:
        r = pair(ROUNDING, rounding)
        return {"zh": f"{pct}（{r['zh']}）", "en": f"{pct} ({r['en']})"}
    return {"zh": pct, "en": pct}


CODES = Codes()
OFFICE_NAMES: dict[str, tuple[str, str]] = {}


def configure(region_file: Any, offices: dict[str, Any]) -> None:
    """Per-build code tables: the site's region names and the registered office names."""
    global CODES
    CODES = Codes(region_file)
    OFFICE_NAMES.clear()
    OFFICE_NAMES.update({k: (v["name_zh"], v["name_en"] or v["name_zh"]) for k, v in offices.items()})
