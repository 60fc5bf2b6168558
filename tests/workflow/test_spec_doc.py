"""docs/spec/70-workflow.md stays true: every body field is documented, every rule name is in
the rule table, and the worked deadline examples are what the calendar computes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from publisher.core.schema import load_schema
from publisher.workdays import add_workdays, lateness
from publisher.workflow.rules import articles as A

DOC = (Path(__file__).parents[2] / "docs" / "spec" / "70-workflow.md").read_text("utf-8")
TYPES = ["calendar", "directory.snapshot", "item.list", "plan", "task", "result", "result.correct", "result.withhold",
         "noncooperation"]


def fields(schema: dict, prefix: str = "") -> set[str]:
    out = set()
    for name, sub in schema.get("properties", {}).items():
        out.add(prefix + name)
        if sub.get("type") == "array" and isinstance(sub.get("items"), dict):
            out |= fields(sub["items"], f"{prefix}{name}[].")
    return out


def test_every_body_field_is_documented():
    for t in TYPES:
        section = DOC.split(f"### `{t}`", 1)[1].split("\n### ", 1)[0]
        spans = re.findall(r"`([^`]+)`", section)
        tokens = {w for s in spans for w in re.findall(r"[a-z_]+", s)}
        for f in sorted(fields(load_schema(t))):
            assert f.split(".")[-1].removesuffix("[]") in tokens, (t, f)


def test_every_rule_name_is_in_the_rule_table():
    names = {v for k, v in vars(A).items() if k.isupper() and isinstance(v, str) and v.startswith("workflow.")}
    for n in names:
        assert f"`{n}`" in DOC, n


def test_worked_examples():
    j = lateness(date(2026, 1, 20), date(2026, 3, 2), A.RESULT_DAYS)
    assert (j.deadline, j.workdays_late) == (date(2026, 2, 24), 5)
    assert "completed on **2026-01-20**" in DOC and "**late by 5 working days**" in DOC
    j = lateness(date(2026, 1, 5), date(2026, 2, 10), A.PLAN_REVISION_DAYS)
    assert (j.deadline, j.workdays_late) == (date(2026, 1, 19), 16)
    assert "due **2026-01-19**" in DOC and "**late by 16 working days**" in DOC
    assert add_workdays(date(2026, 3, 31), A.RESULT_DAYS) == date(2026, 4, 29)
    assert "overdue after **2026-04-29**" in DOC


def test_correction_embeds_exactly_the_result_schema():
    result = {k: v for k, v in load_schema("result").items() if k not in ("$schema", "title")}
    assert load_schema("result.correct")["$defs"]["result"] == result


def test_every_workflow_schema_is_closed():
    def closed(s) -> bool:
        if isinstance(s, dict):
            if s.get("type") == "object" and s.get("additionalProperties") is not False:
                return False
            return all(closed(v) for v in s.values())
        if isinstance(s, list):
            return all(closed(v) for v in s)
        return True

    for t in TYPES:
        assert closed(load_schema(t)), t
