"""``kind: correction`` / ``withhold`` / ``noncooperation`` → their entry bodies (R66–R68).

A correction names the entry it corrects (the latest of the chain) and gives either the full
corrected result (``corrected:``) or only what changes (``changes:``), merged over the
referenced entry's result — a clerk should not retype a whole result to fix one date.
"""

from __future__ import annotations

from typing import Any

from publisher.workflow.rules.vocab import NONCOOPERATION_GROUNDS

from .drafts import Draft
from .fields import EID_RE, TARGET_RE, TASK_RE, Record
from .form_results import FIELDS as RESULT_FIELDS
from .form_results import result_body

GROUNDS = {**{k: k for k in NONCOOPERATION_GROUNDS}, **{v: k for k, v in NONCOOPERATION_GROUNDS.items()},
           "（一）": "refused_entry", "（二）": "refused_materials", "（三）": "false_materials",
           "（四）": "obstruction", "(一)": "refused_entry", "(二)": "refused_materials",
           "(三)": "false_materials", "(四)": "obstruction", "1": "refused_entry",
           "2": "refused_materials", "3": "false_materials", "4": "obstruction",
           "拒绝进入": "refused_entry", "拒绝提供材料": "refused_materials",
           "不如实提供": "false_materials", "阻挠": "obstruction"}


def person(r: Record, key: str) -> dict | None:
    p = r.record(key)
    if p is None:
        return None
    p.check_unknown({"name", "title"})
    return {"name": p.text("name", max_len=100), "title": p.text("title", max_len=100)}


def build_correction(doc: Record, office: str, state) -> list[Draft]:
    doc.check_unknown({"kind", "office", "result", "task", "target", "corrected", "changes", "reason", "approver", "date"})
    if doc.has("result") or not (doc.has("task") and doc.has("target")):
        ref = doc.pattern("result", EID_RE, "the entry id (64 hex) of the result or correction, or give task: and target:")
    else:  # addressed as a clerk knows it: the task and the target's USCC
        task = doc.pattern("task", TASK_RE, "a task id")
        target = doc.pattern("target", TARGET_RE, "a target id (USCC)")
        ref = state.latest_publication(office, task, target) if task and target else None
        if task and target and ref is None:
            doc.bad("target", f"单位 {office} 在任务 {task} 中没有 {target} 的已发布结果可更正 / {office} has no published "
                    f"result for {target} in task {task}")
    body: dict[str, Any] = {"result": ref,
                            "reason": doc.text("reason", max_len=4000, multiline=True),
                            "approver": person(doc, "approver"), "date": doc.date("date")}
    if doc.has("corrected") == doc.has("changes"):
        doc.bad("corrected", "请填写完整的更正后结果（corrected）或要修改的字段（changes），二者选一 / give either corrected: (the full result) or changes: (fields to change)")
        return [Draft("result.correct", body, "correction")]
    if doc.has("corrected"):
        c = doc.record("corrected")
        if c is not None:
            c.check_unknown(RESULT_FIELDS)
            body["corrected"] = result_body(c, {}, state)
        return [Draft("result.correct", body, "correction")]
    base = _base_result(doc, ref, state)
    ch = doc.record("changes")
    if base is None or ch is None:
        return [Draft("result.correct", body, "correction")]
    ch.check_unknown(RESULT_FIELDS - {"task", "target"})
    merged = Record({**_as_text(base), **ch.data}, ch.where, ch.p)
    body["corrected"] = result_body(merged, {}, state)
    return [Draft("result.correct", body, "correction")]


def _base_result(doc: Record, ref: str | None, state) -> dict | None:
    if ref is None:
        return None
    e = state.find_entry(ref)
    if e is None or e.type not in ("result", "result.correct"):
        doc.bad("result", f"账本中没有这条结果或更正（{ref[:16]}…）/ {ref[:16]}… is not a result or correction in this ledger")
        return None
    return e.body if e.type == "result" else e.body["corrected"]


def _as_text(body: dict) -> dict:
    """A stored result body in the text form the form readers take."""
    out: dict[str, Any] = {}
    for k, v in body.items():
        if k == "categories":
            out[k] = list(v)
        elif isinstance(v, (str, list, dict)):
            out[k] = v
    return out


def build_withhold(doc: Record, office: str, state) -> list[Draft]:
    doc.check_unknown({"kind", "office", "task", "target", "legal_basis", "decided", "completed", "approver"})
    body: dict[str, Any] = {"task": doc.pattern("task", TASK_RE, "a task id"),
                            "target": doc.pattern("target", TARGET_RE, "a target id"),
                            "legal_basis": doc.text("legal_basis", max_len=2000, multiline=True),
                            "decided": doc.date("decided")}
    if doc.has("completed"):
        body["completed"] = doc.date("completed")
    if doc.has("approver"):
        body["approver"] = person(doc, "approver")
    return [Draft("result.withhold", body, "withhold")]


def build_noncooperation(doc: Record, office: str, state) -> list[Draft]:
    doc.check_unknown({"kind", "office", "task", "target", "target_name", "grounds", "date", "detail", "serious"})
    grounds = []
    for g in doc.strings("grounds") or []:
        code = GROUNDS.get(g) or GROUNDS.get(g.casefold())
        if code is None:
            doc.bad("grounds", f"“{g}”不是 004 第十九条规定的四种不配合情形之一 / {g!r} is not one of the four grounds of 004 第十九条: "
                    f"{', '.join(NONCOOPERATION_GROUNDS)}")
        elif code not in grounds:
            grounds.append(code)
    body: dict[str, Any] = {"task": doc.pattern("task", TASK_RE, "a task id"),
                            "target": doc.pattern("target", TARGET_RE, "a target id"),
                            "grounds": grounds, "date": doc.date("date"),
                            "detail": doc.text("detail", max_len=4000, multiline=True)}
    if doc.has("target_name"):
        body["target_name"] = doc.text("target_name")
    if doc.has("serious"):
        body["serious"] = doc.boolean("serious")
    return [Draft("noncooperation", body, "noncooperation")]
