"""``kind: result`` / ``kind: results`` (YAML) and the results sheet (XLSX) → ``result`` bodies.

Categories may be written as codes (``1``), labels (``未发现问题``) or both (``1-未发现问题``,
the form the template's drop-downs use). Findings may be a list of ``{item, finding}`` or
text lines ``ITEM: finding``. ``target_name`` defaults to the name in the snapshot the task's
draw used; ``method`` to the task's method; ``vocabulary`` to 004-20/v1.
"""

from __future__ import annotations

import re
from typing import Any

from publisher.workflow.rules.vocab import DEFAULT_VOCABULARY, FOLLOW_UP, VOCABULARIES

from .drafts import Draft
from .fields import CODE_RE, INSPECTOR_RE, OFFICE_RE, TARGET_RE, TASK_RE, Record
from .form_plan import METHOD_CHOICES

FIELDS = {"task", "target", "target_name", "completed", "inspectors", "method", "categories",
          "vocabulary", "items", "findings", "remarks", "follow_up", "sections", "approved", "inspectors_reason"}
SECTION = {"office", "items", "categories", "findings", "inspectors", "remarks"}
FOLLOW_CHOICES = {**{k: k for k in FOLLOW_UP}, **{v: k for k, v in FOLLOW_UP.items()},
                  "移送": "referral", "移交": "referral", "经营异常名录": "abnormal_list", "处罚": "penalty"}
_CAT_RE = re.compile(r"^\s*([0-9A-Z]{1,4})\s*(?:[-—–.、:：\s]\s*(.*))?$")
_FINDING_RE = re.compile(r"^\s*([0-9A-Za-z][0-9A-Za-z._-]{0,63})\s*[:：]\s*(.+)$", re.S)


def category_code(text: str, vocabulary: str) -> str | None:
    """The code of a category written as code, label, or "code-label"."""
    code, _why = category_code_why(text, vocabulary)
    return code


def category_code_why(text: str, vocabulary: str) -> tuple[str | None, str]:
    """(code, "") or (None, why): "5-未发现问题" whose code and label disagree is refused."""
    v = VOCABULARIES.get(vocabulary)
    labels = v.labels_zh if v else {}
    by_label = {lab: c for c, lab in labels.items()}
    by_label.update({lab: c for c, lab in (v.labels_en.items() if v else ())})
    t = text.strip()
    if t in by_label:
        return by_label[t], ""
    m = _CAT_RE.match(t)
    if m and (not labels or m.group(1) in labels):
        code, label = m.group(1), (m.group(2) or "").strip()
        if label and labels and label not in (labels.get(code), v.labels_en.get(code)):
            other = by_label.get(label)
            hint = f"“{label}”是代码 {other}" if other else f"“{label}”不是任何类别的名称"
            return None, (f"“{t}”前后矛盾：代码 {code} 是“{labels[code]}”，{hint}；请从下拉列表选择或只写代码 / "
                          f"code {code} is {v.labels_en.get(code, labels[code])!r} but the label says {label!r}")
        return code, ""
    return None, ""


def categories(r: Record, key: str, vocabulary: str) -> list[str] | None:
    raw = r.strings(key)
    if raw is None:
        return None
    out: list[str] = []
    for x in raw:
        code, why = category_code_why(x, vocabulary)
        if code is None:
            v = VOCABULARIES.get(vocabulary)
            known = "；".join(f"{c}-{lab}" for c, lab in v.labels_zh.items()) if v else ""
            r.bad(key, why or f"“{x}”不是检查结果类别（可选：{known}）/ {x!r} is not a result category")
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
                r.bad(key, f"“{line.strip()[:40]}”格式不对，每行应为“事项编号: 发现的问题” / line {line.strip()[:40]!r} is not 'ITEM-CODE: finding'")
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
    if r.has("inspectors_reason"):
        body["inspectors_reason"] = r.text("inspectors_reason", max_len=500)
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
    """target_name defaults to the draw's snapshot; a given name must be the snapshot's; the
    inspectors must be the target's drawn team (after replacements) unless a reason is given."""
    by_task: dict[str, list[str]] = {}
    for d in drafts:
        if d.body.get("task") and d.body.get("target"):
            by_task.setdefault(d.body["task"], []).append(d.body["target"])
    names = {t: state.target_names(t, ids) for t, ids in by_task.items()}
    teams = {t: state.current_teams(t) for t in by_task} if hasattr(state, "current_teams") else {}
    for d, r in zip(drafts, records):
        known = names.get(d.body.get("task"), {}).get(d.body.get("target"))
        given = d.body.get("target_name")
        if given is None:
            if known is None:
                r.bad("target_name", "必须填写（抽取名录中找不到该检查对象，无法自动填入）/ is required "
                      "(the target is not in the draw's snapshot to look it up)")
            d.body["target_name"] = known
        elif known is not None and given.strip() != known and _selected(state, d.body):
            r.bad("target_name", f"“{given}”与抽取时名录中的名称“{known}”不一致；留空即自动填入 / "
                  f"does not match the name in the draw's snapshot ({known!r}); leave it empty to fill it in")
        _check_team(d.body, r, teams.get(d.body.get("task"), {}))


def _selected(state, body: dict) -> bool:
    """Only a locked target's name is compared (otherwise the rule says it was not selected)."""
    task = state.task(body["task"]) if hasattr(state, "task") else None
    return task is not None and task.selection.find(body["target"]) is not None


def _check_team(body: dict, r: Record, teams: dict[str, list[str]]) -> None:
    team = teams.get(body.get("target"))
    if not team or body.get("inspectors_reason"):
        return
    listed = list(body.get("inspectors") or [])
    for s in body.get("sections", []):
        listed += s.get("inspectors", [])
    strangers = [i for i in dict.fromkeys(listed) if i not in team]
    if strangers:
        r.bad("inspectors", f"{', '.join(strangers)} 不是该检查对象抽取的检查组成员（现检查组：{', '.join(team)}）。"
              "人员有变动请先登记检查人员更换（经批准），或写明检查人员变动的原因 / not in the drawn team "
              f"({', '.join(team)}): record a team.replace first, or give inspectors_reason")


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
