"""``kind: task`` (one, fields at the top) or ``kind: tasks`` (a ``tasks:`` list) → ``task`` bodies."""

from __future__ import annotations

from .drafts import Draft
from .fields import CODE_RE, OFFICE_RE, TASK_RE, Record
from .form_plan import METHOD_CHOICES, ratio_or_count, window

ORIGINS = {"own": "own", "upper": "upper", "delegated": "delegated", "本级": "own",
           "上级": "upper", "上级分发": "upper", "委托": "delegated", "上级委托": "delegated"}
FIELDS = {"id", "plan_task_no", "name", "lead", "partners", "items", "directional", "scope", "window",
          "method", "rationale", "origin", "origin_detail", "ratio", "count", "batch_size"}


def build_tasks(doc: Record, office: str, state, many: bool) -> list[Draft]:
    if many:
        doc.check_unknown({"kind", "office", "tasks"})
        records = doc.records("tasks")
    else:
        doc.check_unknown(FIELDS | {"kind", "office"})
        records = [doc]
    return [Draft("task", task_body(r, office), r.where or "task") for r in records]


def task_body(r: Record, office: str) -> dict:
    if r.where:
        r.check_unknown(FIELDS)
    partners = []
    for p in r.records("partners", required=False):
        p.check_unknown({"office", "items"})
        partners.append({"office": p.pattern("office", OFFICE_RE, "an office code"), "items": p.codes("items")})
    body: dict = {
        "id": r.pattern("id", TASK_RE, "a task id like T-2026-013"),
        "plan_task_no": r.pattern("plan_task_no", CODE_RE, "a plan task number", required=False),
        "name": r.text("name"),
        "lead": r.pattern("lead", OFFICE_RE, "an office code", required=False) or office,
        "partners": partners,
        "items": r.codes("items"),
        "directional": r.boolean("directional", default=False),
        "scope": r.text("scope", max_len=2000, multiline=True),
        "window": window(r),
        "method": r.choice("method", METHOD_CHOICES, default="on_site"),
        "rationale": r.text("rationale", required=bool(partners), max_len=2000, multiline=True) or "",
        "origin": r.choice("origin", ORIGINS, default="own"),
    }
    if r.has("origin_detail"):
        body["origin_detail"] = r.text("origin_detail", max_len=1000, multiline=True)
    ratio_or_count(r, body)
    if r.has("batch_size"):
        body["batch_size"] = r.integer("batch_size", lo=1, hi=100000000)
    return body
