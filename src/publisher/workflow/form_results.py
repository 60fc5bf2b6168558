"""``kind: result`` / ``kind: results`` (YAML) and the results sheet (XLSX) → ``result`` bodies.

Categories may be written as codes (``1``), labels (``未发现问题``) or both (``1-未发现问题``,
the form the template's drop-downs use). Findings may be a list of ``{item, finding}`` or
text lines ``ITEM: finding``. ``target_name`` defaults to the name in the snapshot the task's
draw used; ``method`` to the task's method; ``vocabulary`` to 004-20/v1.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.rules.workflow.vocab import DEFAULT_VOCABULARY, FOLLOW_UP, VOCABULARIES
from .drafts import Draft
from .fields import CODE_RE, INSPECTOR_RE, OFFICE_RE, TARGET_RE, TASK_RE, Record
from .form_plan import METHOD_CHOICES

FIELDS = {"task", "target", "target_name", "completed", "inspectors", "method", "categories",
          "vocabulary", "items", "findings", "remarks", "follow_up", "sections", "approved"}
SECTION = {"office", "items", "categories", "findings", "inspectors", "remarks"}
FOLLOW_CHOICES = {**{k: k for k in FOLLOW_UP}, **{v: k for k, v in FOLLOW_UP.items()},
                  "移送": "referral", "移交": "referral", "经营异常名录": "abnormal_list", "处罚": "penalty"}
_CAT_RE = re.compile(r"^\s*([0-9A-Z]{1,4})\s*(?:[-—–.、:：\s]\s*(.*))?$")
_FINDING_RE = re.compile(r"^\s*([0-9A-Za-z][0-9A-Za-z._-]{0,63})\s*[:：]\s*(.+)$", re.S)


def category_code(text: str, vocabulary: str) -> str | None:
    """The code of a category written as code, label, or "code-label"."""
    v = VOCABULARIES.get(vocabulary)
    labels = v.labels_zh if v else {}
    by_label = {lab: c for c, lab in labels.items()}
    by_label.update({lab: c for c, lab in (v.labels_en.items() if v else ())})
    t = text.strip()
    if t in by_label:
        return by_label[t]
    m = _CAT_RE.match(t)
    if m and (not labels or m.group(1) in labels):
        return m.group(1)
    return None


def categories(r: Record, key: str, vocabulary: str) -> list[str] | None:
    raw = r.strings(key)
    if raw is None:
        return None
    out: list[str] = []
    for x in raw:
        code = category_code(x, vocabulary)
        if code is None:
            v = VOCABULARIES.get(vocabulary)
            known = "; ".join(f"{c} {lab}" for c, lab in v.labels_zh.items()) if v else ""
            r.bad(key, f"{x!r} is not a result category ({known})")
            return None
        if code not in out:
            out.append(code)
    return out


def findings(r: Record, key: str) -> list[dict] | None:
    v = r.raw(key, False)
    if v is None:
        return None
    if isinstance(v, str):
        out = []
        for line in v.splitlines():
            if not line.strip():
                continue
            m = _FINDING_RE.match(line)
            if not m:
                r.bad(key, f"line {line.strip()[:40]!r} is not 'ITEM-CODE: finding'")
                return None
            out.append({"item": m.group(1), "finding": m.group(2).strip()})
        return out
    out = []
    for f in r.records(key):
        f.check_unknown({"item", "finding"})
        out.append({"item": f.pattern("item", CODE_RE, "an item code"),
                    "finding": f.text("finding", max_len=4000, multiline=True)})
    return out


def follow_up(r: Record, key: str) -> list[dict] | None:
    v = r.raw(key, False)
    if v is None:
        return None
    if isinstance(v, str):
        kind = r.choice(key, FOLLOW_CHOICES)
        return [{"kind": kind, "detail": ""}] if kind else None
    out = []
    for f in r.records(key):
        f.check_unknown({"kind", "detail"})
        out.append({"kind": f.choice("kind", FOLLOW_CHOICES),
                    "detail": f.text("detail", required=False, max_len=2000, multiline=True) or ""})
    return out


def result_body(r: Record, defaults: dict[str, Any], state) -> dict:
    """One result body; ``defaults`` holds file-level task/method/vocabulary."""
    vocab = r.text("vocabulary", required=False) or defaults.get("vocabulary") or DEFAULT_VOCABULARY
    task_id = r.pattern("task", TASK_RE, "a task id", required="task" not in defaults) or defaults.get("task")
    task = state.task(task_id) if task_id else None
    method = r.choice("method", METHOD_CHOICES, required=False) or defaults.get("method") \
        or (task.method if task else "on_site")
    body: dict[str, Any] = {
        "task": task_id,
        "target": r.pattern("target", TARGET_RE, "a target id (USCC or non-market id)"),
        "target_name": r.text("target_name", required=False),
        "completed": r.date("completed"),
        "inspectors": r.codes("inspectors", INSPECTOR_RE, "an inspector certificate number"),
        "method": method,
        "categories": categories(r, "categories", vocab),
        "vocabulary": vocab,
    }
    if r.has("items"):
        body["items"] = r.codes("items")
    for key, fn in (("findings", findings), ("follow_up", follow_up)):
        v = fn(r, key)
        if v:
            body[key] = v
    if r.has("remarks"):
        body["remarks"] = r.text("remarks", max_len=4000, multiline=True)
    sections = []
    for s in r.records("sections", required=False):
        s.check_unknown(SECTION)
        sec: dict[str, Any] = {"office": s.pattern("office", OFFICE_RE, "an office code"),
                               "items": s.codes("items"), "categories": categories(s, "categories", vocab)}
        f = findings(s, "findings")
        if f:
            sec["findings"] = f
        if s.has("inspectors"):
            sec["inspectors"] = s.codes("inspectors", INSPECTOR_RE, "an inspector certificate number")
        if s.has("remarks"):
            sec["remarks"] = s.text("remarks", max_len=4000, multiline=True)
        sections.append(sec)
    if sections:
        body["sections"] = sections
    ap = r.record("approved", required=False)
    if ap is not None:
        ap.check_unknown({"name", "title", "date"})
        body["approved"] = {"name": ap.text("name", max_len=100), "title": ap.text("title", max_len=100),
                            "date": ap.date("date")}
    return body


def fill_names(drafts: list[Draft], state, records: list[Record]) -> None:
    """Default target_name from the draw's snapshot; a name that cannot be found is an error."""
    by_task: dict[str, list[str]] = {}
    for d in drafts:
        if d.body.get("target_name") is None and d.body.get("task") and d.body.get("target"):
            by_task.setdefault(d.body["task"], []).append(d.body["target"])
    names = {t: state.target_names(t, ids) for t, ids in by_task.items()}
    for d, r in zip(drafts, records):
        if d.body.get("target_name") is None:
            name = names.get(d.body.get("task"), {}).get(d.body.get("target"))
            if name is None:
                r.bad("target_name", "is required (the target is not in the draw's snapshot to look it up)")
            d.body["target_name"] = name


def build_results(doc: Record, office: str, state, many: bool) -> list[Draft]:
    if many:
        doc.check_unknown({"kind", "office", "task", "method", "vocabulary", "results"})
        defaults = {k: doc.text(k, required=False) for k in ("task", "method", "vocabulary")}
        defaults = {k: v for k, v in defaults.items() if v}
        if "method" in defaults:
            defaults["method"] = doc.choice("method", METHOD_CHOICES)
        records = doc.records("results")
        for r in records:
            r.check_unknown(FIELDS)
    else:
        doc.check_unknown(FIELDS | {"kind", "office"})
        defaults, records = {}, [doc]
    drafts = [Draft("result", result_body(r, defaults, state), r.where or "result") for r in records]
    fill_names(drafts, state, records)
    return drafts
