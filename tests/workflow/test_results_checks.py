"""Issue 14, no silent acceptance in results: code/label contradictions, wrong target names,
inspectors outside the drawn team, and re-imported workbooks (rows already published skipped)."""

from __future__ import annotations

import pytest
from test_template import fill
from wf_scenario import drawn, iso, wf  # noqa: F401

from publisher.workflow.author import add_file
from publisher.workflow.errors import InputError
from publisher.workflow.template import results_template


def add(wf, path, office="scjgj"):
    wf.f.tick()
    return add_file(wf.ledger, path, office=None, key=wf.f.keys[office], time=iso(wf.f.clock))


def refused(wf, path) -> list[str]:
    before = wf.ledger.log_path.read_bytes()
    with pytest.raises(InputError) as exc:
        add(wf, path)
    assert wf.ledger.log_path.read_bytes() == before, "something was written"
    return [str(p) for p in exc.value.problems]


def test_code_and_label_that_contradict_are_refused(drawn, tmp_path):
    wf, lock = drawn
    out = tmp_path / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", out)
    fill(out, {2: {"completed": "2026-01-20", "category1": "5-未发现问题"}})
    (line,) = refused(wf, out)
    assert "“5-未发现问题”前后矛盾：代码 5 是“发现问题已责令改正”，“未发现问题”是代码 1" in line


def test_wrong_target_name_is_refused_and_inspectors_reason_is_published(drawn, tmp_path):
    wf, lock = drawn
    t = wf.selected(lock)[0]
    p = tmp_path / "r.yaml"
    base = (f"kind: result\noffice: scjgj\ntask: T-2026-001\ntarget: {t}\ncompleted: 2026-01-20\n"
            f"categories: [1]\n")
    p.write_text(base + "target_name: 别的公司\ninspectors: [scjgj-001, scjgj-002]\n", "utf-8")
    lines = refused(wf, p)
    assert any(f"target_name: “别的公司”与抽取时名录中的名称“{wf.name(t)}”不一致" in x for x in lines), lines
    assert any("scjgj-001, scjgj-002 不是该检查对象抽取的检查组成员" in x for x in lines), lines
    p.write_text(base + "inspectors: [scjgj-001, scjgj-002]\ninspectors_reason: 原检查组成员病休，经局长批准由两人替代\n", "utf-8")
    res = add(wf, p)
    (e,) = res.entries
    assert e.body["target_name"] == wf.name(t) and e.body["inspectors_reason"].startswith("原检查组成员病休")
    assert wf.verify().ok


def test_reimport_skips_rows_already_published(drawn, tmp_path):
    wf, lock = drawn
    out = tmp_path / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", out)
    fill(out, {2: {"completed": "2026-01-20", "category1": "1-未发现问题"}})
    first = add(wf, out)
    assert len(first.entries) == 1 and first.already_published == 0
    fill(out, {3: {"completed": "2026-01-21", "category1": "1-未发现问题"}})  # same workbook, one more row
    second = add(wf, out)
    assert len(second.entries) == 1 and second.already_published == 1
    assert second.entries[0].body["target"] == wf.selected(lock)[1]
    (line,) = refused(wf, out)  # a third import has nothing new
    assert "没有新内容：2 行已经发布过，已全部跳过" in line
    assert wf.verify().ok


def test_gbk_yaml_is_read(drawn, tmp_path):
    """A YAML file saved as ANSI (GBK) by a Windows editor is read like UTF-8."""
    wf, lock = drawn
    t = wf.selected(lock)[0]
    p = tmp_path / "r.yaml"
    p.write_bytes((f"kind: result\noffice: scjgj\ntask: T-2026-001\ntarget: {t}\ncompleted: 2026-01-20\n"
                   f"inspectors: [{', '.join(wf.team(lock, t))}]\ncategories: [未发现问题]\n"
                   "remarks: 现场检查未发现问题\n").encode("gbk"))
    (e,) = add(wf, p).entries
    assert e.body["remarks"] == "现场检查未发现问题" and e.body["categories"] == ["1"]
