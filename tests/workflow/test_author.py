"""`publisher add` through its Python API on real ledgers and real files: every kind of file,
all-or-nothing appends, and one located message per problem."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest
from wf_scenario import Workflow, iso, wf  # noqa: F401

from publisher.workflow.author import add_file
from publisher.workflow.errors import InputError


def add(wf: Workflow, text: str, office: str = "scjgj", name: str = "in.yaml", flag_office=None, **kw):
    p = wf.f.root.parent / name
    p.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    wf.f.tick()
    return add_file(wf.ledger, p, office=flag_office, key=wf.f.keys[office], time=iso(wf.f.clock), **kw)


def refused(wf: Workflow, text: str, office: str = "scjgj", **kw) -> list[str]:
    before = wf.ledger.log_path.read_bytes()
    blobs = sorted(p.name for p in wf.ledger.blobs_dir.iterdir())
    with pytest.raises(InputError) as exc:
        add(wf, text, office, **kw)
    assert wf.ledger.log_path.read_bytes() == before, "something was written"
    assert sorted(p.name for p in wf.ledger.blobs_dir.iterdir()) == blobs
    return [str(p) for p in exc.value.problems]


def one(lines: list[str], *fragments: str) -> str:
    hits = [line for line in lines if all(f in line for f in fragments)]
    assert hits, "\n".join(lines)
    return hits[0]


ITEMS_YAML = """
kind: item_list
office: scjgj
title: 县市场监管局随机抽查事项清单
filed: {with: 县市场监督管理局, date: 2026-01-01}
items:
  - {code: SC-01, name: 食品生产经营检查, kind: 重点, basis: 《食品安全法》第八十七条, subject: 县市场监督管理局,
     content: 生产经营条件, method: 现场检查, joint: 是}
  - {code: SC-02, name: 企业公示信息检查, kind: 一般, ratio_cap: 5%, basis: 《企业信息公示暂行条例》,
     subject: 县市场监督管理局, content: 年报公示信息, method: 书面检查}
  - {code: SC-03, name: 计量器具检查, kind: general, ratio_cap: "0.10", basis: 《计量法》, subject: 县市场监督管理局,
     content: 强制检定, method: 现场检查}
"""

PLAN_YAML = """
kind: plan
office: scjgj
year: 2026
title: 2026年度双随机抽查计划
tasks:
  - plan_task_no: P-01
    name: 食品生产企业联合抽查
    items: SC-01；WJ-01
    scope: 全县食品生产企业
    ratio: 5%
    window: {from: 2026/1/1, to: 2026年6月30日}
    partners: [wjj]
  - plan_task_no: P-02
    name: 企业公示信息抽查
    items: [SC-02, SC-03]
    scope: 全县企业
    count: 3
    method: 书面检查
    window: {from: 2026-01-01, to: 2026-03-31}
"""

TASK_YAML = """
kind: task
office: scjgj
id: T-2026-001
plan_task_no: P-01
name: 食品生产企业联合抽查
items: [SC-01]
partners:
  - {office: wjj, items: [WJ-01]}
scope: 全县食品生产企业
window: {from: 2026-01-01, to: 2026-03-31}
rationale: 群众投诉较多
batch_size: 5
"""


@pytest.fixture
def authored(wf):
    """Item lists, plan and task added from YAML; then a real locked draw; clock 2026-01-21."""
    wf.item_list("wjj")
    add(wf, ITEMS_YAML)
    add(wf, PLAN_YAML)
    add(wf, TASK_YAML)
    _, lock = wf.draw()
    wf.at("2026-01-21")
    return wf, lock


def test_item_list_plan_and_task_from_yaml_verify(authored):
    wf, _ = authored
    assert wf.verify().ok, [p.line() for p in wf.verify().problems]
    entries = {e.type: e for _, e in wf.ledger.iter_entries() if e.office == "scjgj"}
    assert entries["item.list"].body["items"][1]["ratio_cap"] == "0.05"
    assert entries["item.list"].body["items"][2]["ratio_cap"] == "0.1"
    assert entries["item.list"].body["items"][0]["kind"] == "key" and "ratio_cap" not in entries["item.list"].body["items"][0]
    plan = entries["plan"].body
    assert plan["tasks"][0]["items"] == ["SC-01", "WJ-01"] and plan["tasks"][0]["window"]["to"] == "2026-06-30"
    assert plan["tasks"][1]["method"] == "written" and plan["tasks"][0]["lead"] == "scjgj"
    assert entries["task"].body["origin"] == "own" and entries["task"].body["method"] == "on_site"


def test_second_item_list_gets_next_version_automatically(authored):
    wf, _ = authored
    res = add(wf, ITEMS_YAML.replace("计量器具检查", "计量器具监督检查"))
    body = res.entries[0].body
    first = next(e for _, e in wf.ledger.iter_entries() if e.type == "item.list" and e.office == "scjgj")
    assert body["version"] == 2 and body["supersedes"] == first.id


def test_plan_revision_defaults_and_late_warning(authored):
    wf, _ = authored
    wf.at("2026-02-10")
    res = add(wf, PLAN_YAML + "revision_reason: 调整比例\ndecided: 2026-01-05\n")
    assert res.entries[0].body["version"] == 2
    w = one([str(p) for p in res.warnings], "late by 16 working days")
    assert "[workflow.plan-deadline]" in w and "(004 第十一条)" in w


def test_task_with_unlisted_item_is_refused_with_rule_and_article(authored):
    wf, _ = authored
    lines = refused(wf, TASK_YAML.replace("T-2026-001", "T-2026-002").replace("items: [SC-01]", "items: [SC-01, SC-77]"))
    line = one(lines, "items ['SC-77'] are not on scjgj's current item list")
    assert line.startswith(str(wf.f.root.parent / "in.yaml")) and "[workflow.task-items]" in line
    assert "(001 第一条 / 004 第八条)" in line


def results_yaml(wf, lock, n=3, completed="2026-01-20", extra="") -> str:
    rows = []
    for t in wf.selected(lock)[:n]:
        team = ", ".join(wf.team(lock, t))
        rows.append(f"  - {{target: {t}, completed: {completed}, inspectors: [{team}], categories: [未发现问题]}}")
    return "kind: results\noffice: scjgj\ntask: T-2026-001\nresults:\n" + "\n".join(rows) + "\n" + extra


def test_results_file_adds_all_and_names_come_from_the_snapshot(authored):
    wf, lock = authored
    res = add(wf, results_yaml(wf, lock))
    assert len(res.entries) == 3
    b = res.entries[0].body
    assert b["target_name"] == wf.name(b["target"]) and b["categories"] == ["1"] and b["method"] == "on_site"
    assert wf.verify().ok


def test_one_bad_result_writes_nothing(authored):
    wf, lock = authored
    text = results_yaml(wf, lock)
    t = wf.selected(lock)[2]
    text = text.replace(f"{{target: {t}, completed: 2026-01-20", f"{{target: {t}, completed: 2026-01-31")
    lines = refused(wf, text)
    assert len(lines) == 1
    assert "results[2]: 检查完成日期 2026-01-31 晚于发布日期 2026-01-21（北京时间）/ completed 2026-01-31 is after" in lines[0]
    assert lines[0].endswith("[workflow.result] (004 第二十条)")


def test_duplicate_inside_one_file_is_refused(authored):
    wf, lock = authored
    text = results_yaml(wf, lock, n=1)
    lines = refused(wf, text + text.split("results:\n")[1])
    one(lines, "results[1]", "scjgj already published", "(001 第十九条)")


def test_results_for_unselected_target_and_one_inspector(authored):
    wf, lock = authored
    outsider = next(t.id for t in wf.targets if t.id not in wf.selected(lock))
    text = f"""
    kind: result
    office: scjgj
    task: T-2026-001
    target: {outsider}
    target_name: 某公司
    completed: 2026-01-20
    inspectors: scjgj-001
    categories: "1"
    """
    lines = refused(wf, text)
    one(lines, f"target {outsider} was not selected in the locked draw", "(001 第十二条)")
    t = wf.selected(lock)[0]
    lines = refused(wf, text.replace(outsider, t))
    one(lines, "target_name: “某公司”与抽取时名录中的名称", "不一致")  # issue 14: no silent wrong name
    one(lines, "inspectors: scjgj-001 不是该检查对象抽取的检查组成员")  # nor a stranger as inspector
    member = wf.team(lock, t)[0]
    lines = refused(wf, text.replace(outsider, t).replace("某公司", wf.name(t))
                    .replace("inspectors: scjgj-001", f"inspectors: {member}"))
    one(lines, "inspectors lists 1; at least two", "[workflow.team-size] (004 第十四条)")


def test_late_results_are_added_with_a_warning(authored):
    wf, lock = authored
    wf.at("2026-03-02")
    res = add(wf, results_yaml(wf, lock, n=1))
    assert len(res.entries) == 1
    one([str(w) for w in res.warnings], "results[0]", "late by 5 working days", "(004 第二十条)")


def test_dry_run_writes_nothing(authored):
    wf, lock = authored
    before = wf.ledger.log_path.read_bytes()
    res = add(wf, results_yaml(wf, lock), dry_run=True)
    assert res.dry_run and len(res.entries) == 3
    assert wf.ledger.log_path.read_bytes() == before


def test_office_must_agree_and_key_must_be_registered(authored):
    wf, lock = authored
    lines = refused(wf, results_yaml(wf, lock), flag_office="wjj")
    one(lines, "the file says 'scjgj' but --office is 'wjj'")
    lines = refused(wf, results_yaml(wf, lock), office="wjj")  # wjj's key signing as scjgj
    one(lines, "cannot sign for scjgj", "belongs to office 'wjj'")


def test_correction_with_changes_and_chain(authored):
    wf, lock = authored
    res = add(wf, results_yaml(wf, lock, n=1))
    rid = res.entries[0].id
    wf.at("2026-01-26")
    text = f"""
    kind: correction
    office: scjgj
    result: {rid}
    reason: 检查结果录入错误
    approver: {{name: 王某, title: 主要负责人}}
    date: 2026-01-25
    changes:
      categories: [5-发现问题已责令改正]
      findings: |
        SC-01: 进货查验记录不全，已责令改正
    """
    c = add(wf, text).entries[0]
    assert c.body["corrected"]["categories"] == ["5"]
    assert c.body["corrected"]["findings"] == [{"item": "SC-01", "finding": "进货查验记录不全，已责令改正"}]
    assert c.body["corrected"]["target"] == res.entries[0].body["target"]
    lines = refused(wf, text.replace("主要负责人", "科长"))  # also corrects a superseded version
    one(lines, "approver.title is '科长'", "(001 第十九条)")
    one(lines, "is not the latest version")
    assert wf.verify().ok


def test_withhold_and_noncooperation(authored):
    wf, lock = authored
    a, b = wf.selected(lock)[:2]
    add(wf, f"""
    kind: withhold
    office: scjgj
    task: T-2026-001
    target: {a}
    legal_basis: 《中华人民共和国政府信息公开条例》第十四条
    decided: 2026-01-20
    """)
    nc = add(wf, f"""
    kind: noncooperation
    office: scjgj
    task: T-2026-001
    target: {b}
    grounds: [（一）, 拒绝提供材料]
    date: 2026-01-15
    detail: 拒绝检查人员进入经营场所
    serious: 是
    """).entries[0]
    assert nc.body["grounds"] == ["refused_entry", "refused_materials"] and nc.body["serious"] is True
    lines = refused(wf, f"kind: noncooperation\noffice: scjgj\ntask: T-2026-001\ntarget: {b}\n"
                        "grounds: [骂人]\ndate: 2026-01-15\ndetail: x\n")
    one(lines, "grounds: “骂人”不是 004 第十九条规定的四种不配合情形之一 / '骂人' is not one of the four grounds of 004 第十九条")
    assert wf.verify().ok


def write_targets_csv(path: Path, targets) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["统一社会信用代码", "名称", "类型", "行政区划", "行业", "信用风险分类", "标记", "投诉次数", "监管部门"])
        for t in targets:
            w.writerow([t.id, t.name, "企业", t.region, t.industry, t.risk, ";".join(t.flags), t.complaints, t.office])


def test_directory_from_yaml_and_csv(wf):
    write_targets_csv(wf.f.root.parent / "targets.csv", wf.targets)
    res = add(wf, """
    kind: targets
    office: scjgj
    source: targets.csv
    confirmed_by: 张科长
    confirmed_at: 2026-01-01
    """)
    body = res.entries[0].body
    assert body["count"] == 60 and body["blob"] == wf.tblob and body["source"] == "targets.csv"
    assert wf.ledger.has_blob(body["blob"])
    r = wf.verify()
    assert r.ok, [p.line() for p in r.problems]


def test_directory_with_bad_rows_names_rows_and_writes_no_blob(wf):
    path = wf.f.root.parent / "targets.csv"
    write_targets_csv(path, wf.targets[:3])
    tid = wf.targets[1].id
    text = path.read_text("utf-8").replace(tid, tid[:-1] + ("1" if tid[-1] != "1" else "2"))
    path.write_text(text, "utf-8")
    lines = refused(wf, "kind: targets\noffice: scjgj\nsource: targets.csv\nconfirmed_by: 张科长\n"
                        "confirmed_at: 2026-01-01\n")
    line = one(lines, "targets.csv: row 3, column '统一社会信用代码'")
    assert "(001 第八条)" in line


@pytest.mark.parametrize("text,fragment", [
    ("kind: nothing\noffice: scjgj\n", "'nothing' is not a file kind"),
    ("office: scjgj\n", "None is not a file kind"),
    ("kind: task\n", "no office"),
    ("kind: task\noffice: SCJGJ\n", "'SCJGJ' is not an office code"),
    ("kind: results\noffice: scjgj\ntask: T-2026-001\nresults: []\n", "nothing to add"),
    ("kind: results\noffice: scjgj\nresults: 5\n", "results: 应为列表（每行以“- ”开头）/ must be a list"),
])
def test_file_level_problems(authored, text, fragment):
    wf, _ = authored
    one(refused(wf, text), fragment)
