"""``kind: plan`` → one ``plan`` body (R21–R26).

Version and ``revises`` default to the next version after the office's latest plan of the
year; a revision needs ``revision_reason`` and ``decided`` (R24).
"""

from __future__ import annotations

from publisher.workflow.rules.vocab import METHODS

from .drafts import Draft
from .fields import CODE_RE, EID_RE, OFFICE_RE, Record
from .form_items import filing

METHOD_CHOICES = {**{k: k for k in METHODS}, **{v: k for k, v in METHODS.items()},
                  "实地": "on_site", "书面": "written", "网络": "network", "第三方": "third_party",
                  "利用结果": "reuse"}
TOP = {"kind", "office", "year", "version", "revises", "revision_reason", "decided", "title", "filed", "tasks"}
TASK = {"plan_task_no", "name", "items", "scope", "ratio", "count", "frequency", "window", "lead",
        "partners", "method", "directional", "risk_basis", "mode"}


def window(r: Record) -> dict | None:
    w = r.record("window")
    if w is None:
        return None
    w.check_unknown({"from", "to"})
    return {"from": w.date("from"), "to": w.date("to")}


def ratio_or_count(r: Record, body: dict) -> None:
    if r.has("ratio") and r.has("count"):
        r.bad("count", "抽查比例和抽查户数只能填一个 / give either ratio or count, not both")
    elif r.has("ratio"):
        body["ratio"] = r.ratio("ratio")
    elif r.has("count"):
        body["count"] = r.integer("count", lo=1, hi=100000000)


def build_plan(doc: Record, office: str, state) -> list[Draft]:
    doc.check_unknown(TOP)
    year = doc.integer("year", lo=2000, hi=2100)
    prev = state.rule.state.plans.get((office, year)) if year else None
    body: dict = {
        "year": year,
        "version": doc.integer("version", required=False, lo=1, hi=10000) or (prev.version + 1 if prev else 1),
        "revises": doc.pattern("revises", EID_RE, "an entry id (64 hex)", required=False)
        or (prev.entry_id if prev else None),
    }
    if doc.has("revision_reason") or prev is not None:
        body["revision_reason"] = doc.text("revision_reason", max_len=2000, multiline=True)
    if doc.has("decided") or prev is not None:
        body["decided"] = doc.date("decided")
    if doc.has("title"):
        body["title"] = doc.text("title")
    filed = filing(doc)
    if filed is not None:
        body["filed"] = filed
    tasks = []
    for t in doc.records("tasks"):
        t.check_unknown(TASK)
        task = {
            "plan_task_no": t.pattern("plan_task_no", CODE_RE, "a plan task number (letters, digits, . _ -)"),
            "name": t.text("name"),
            "items": t.codes("items"),
            "scope": t.text("scope", max_len=2000, multiline=True),
            "window": window(t),
            "lead": t.pattern("lead", OFFICE_RE, "an office code", required=False) or office,
            "partners": t.codes("partners", OFFICE_RE, "an office code", required=False) or [],
            "method": t.choice("method", METHOD_CHOICES, default="on_site"),
            "directional": t.boolean("directional", default=False),
        }
        ratio_or_count(t, task)
        if not t.has("ratio") and not t.has("count"):
            t.bad("ratio", "请填写计划抽查比例（例如 5%）或抽查户数 / give the planned ratio (e.g. 5%) or count of targets")
        if t.has("frequency"):
            task["frequency"] = t.integer("frequency", lo=1, hi=366)
        for key, n in (("risk_basis", 1000), ("mode", 100)):
            if t.has(key):
                task[key] = t.text(key, max_len=n, multiline=key == "risk_basis")
        tasks.append(task)
    body["tasks"] = tasks
    return [Draft("plan", body, doc.where or "plan")]
