"""The draw rule's pure helpers, value by value: what a re-draw may not change (``spec_of``,
``_changed``), when two filters can admit one company (``_overlap``, the twin test) and the
Chinese lead of every draw finding (``zh_first``)."""

from __future__ import annotations

import copy

import pytest

from publisher.draw.rules.history import _changed, _overlap, spec_of
from publisher.draw.rules.rule import zh_first

BODY = {
    "population": {"snapshot": "aa" * 32, "filter": {"regions": ["3711"]},
                   "exclusions": [{"id": "X1", "reason": "已注销", "basis": "b"},
                                  {"id": "C1", "reason": "cap", "draws": ["d"]}],
                   "cap_overrides": [{"id": "O1", "reason": "投诉"}]},
    "strata": [{"name": "低风险", "match": {"risks": ["A"]}, "take": {"count": 3}, "rounding": "ceil",
                "zero_ok": False, "n": 10, "k": 3}],
    "offices": [{"office": "scjgj", "members": 1, "commitment": "c1"}, {"office": "wjj", "members": 1}],
    "teams": {"inspectors": "bb" * 32, "mode": "big", "load_cap": 4, "conflicts": []},
    "batch_size": 5, "ratio_cap": "0.05", "embargo_until": None,
}


def changed(edit):
    new = copy.deepcopy(BODY)
    edit(new)
    return _changed(BODY, new)


@pytest.mark.parametrize("edit, named", [
    (lambda b: b["population"].update(filter={"regions": ["3712"]}), ["filter"]),
    (lambda b: b["population"]["exclusions"].append({"id": "X2", "reason": "迁出", "basis": "b"}),
     ["exclusions (added X2)"]),
    (lambda b: b["population"]["exclusions"].pop(0), ["exclusions"]),
    (lambda b: b["population"].update(cap_overrides=[]), ["cap_overrides"]),
    (lambda b: b["strata"][0].update(name="高风险"), ["strata"]),
    (lambda b: b["strata"][0].update(match={}), ["strata"]),
    (lambda b: b["strata"][0].update(take={"count": 4}), ["strata"]),
    (lambda b: b["strata"][0].update(rounding="floor"), ["strata"]),
    (lambda b: b["strata"][0].update(zero_ok=True), ["strata"]),
    (lambda b: b["offices"][1].update(office="jtj"), ["offices"]),
    (lambda b: b["offices"][1].update(members=2), ["offices"]),
    (lambda b: b["teams"].update(mode="small"), ["teams"]),
    (lambda b: b["teams"].update(load_cap=5), ["teams"]),
    (lambda b: b.update(batch_size=6), ["batch_size"]),
    (lambda b: b.update(ratio_cap="0.1"), ["ratio_cap"]),
    (lambda b: b.update(embargo_until="2026-02-01"), ["embargo"]),
    (lambda b: (b.update(batch_size=6), b["teams"].update(mode="small")), ["teams", "batch_size"]),
])
def test_each_thing_a_redraw_may_not_change_is_named(edit, named):
    assert changed(edit) == named


@pytest.mark.parametrize("edit", [
    lambda b: b["population"].update(snapshot="cc" * 32),  # population_error: judged apart
    lambda b: b["teams"].update(inspectors="cc" * 32, conflicts=[{"inspector": "I", "target": "T"}]),
    lambda b: b["strata"][0].update(n=11, k=4),  # derived from the snapshot
    lambda b: b["population"]["exclusions"].append({"id": "C2", "reason": "cap", "draws": ["e"]}),  # the cap moves
    lambda b: b["offices"][0].update(commitment="c2"),
])
def test_what_a_redraw_may_change(edit):
    assert changed(edit) == []


def test_added_exclusions_name_five_at_most_in_id_order():
    def edit(b):
        b["population"]["exclusions"] += [{"id": f"Y{i}", "reason": "迁出", "basis": "b"} for i in (6, 1, 5, 2, 4, 3)]
    assert changed(edit) == ["exclusions (added Y1, Y2, Y3, Y4, Y5)"]


def test_spec_of_ignores_cap_exclusions_and_reads_defaults():
    b = copy.deepcopy(BODY)
    del b["ratio_cap"], b["population"]["cap_overrides"], b["population"]["filter"]
    b["population"]["exclusions"] = [{"id": "C1", "reason": "cap", "draws": []}]
    del b["embargo_until"]
    s = spec_of(b)
    assert (s["filter"], s["exclusions"], s["cap_overrides"], s["ratio_cap"], s["embargo"]) == ({}, [], [], None, False)
    assert s["teams"] == {"mode": "big", "load_cap": 4}
    assert s["offices"] == [("scjgj", 1), ("wjj", 1)]
    assert s["strata"] == [{"name": "低风险", "match": {"risks": ["A"]}, "take": {"count": 3}, "rounding": "ceil",
                            "zero_ok": False}]
    del b["population"]["exclusions"]
    assert spec_of(b)["exclusions"] == []


@pytest.mark.parametrize("f1, f2, overlap", [
    ({}, {}, True),
    ({"regions": ["3711"]}, {}, True),
    ({}, {"regions": ["3711"]}, True),
    ({"regions": []}, {"regions": ["3711"]}, True),
    ({"regions": ["3711"]}, {"regions": ["371102"]}, True),
    ({"regions": ["371102"]}, {"regions": ["3711"]}, True),
    ({"regions": ["3711"]}, {"regions": ["3712"]}, False),
    ({"regions": ["3712", "3711"]}, {"regions": ["371102"]}, True),
    ({"industries": ["C13"]}, {"industries": ["C1311"]}, True),
    ({"industries": ["C1311"]}, {"industries": ["C13"]}, True),
    ({"industries": ["C13"]}, {"industries": ["C14"]}, False),
    ({"kinds": ["a"]}, {"kinds": ["a", "b"]}, True),
    ({"kinds": ["a"]}, {"kinds": ["ab"]}, False),
    ({"risks": ["A"]}, {"risks": ["B"]}, False),
    ({"flags_any": ["x"]}, {"flags_any": ["y"]}, False),
    ({"offices": ["scjgj"]}, {"offices": ["scjgj"]}, True),
    ({"offices": ["scjgj"]}, {"offices": ["wjj"]}, False),
    ({"regions": ["3711"], "risks": ["A"]}, {"regions": ["3711"], "risks": ["B"]}, False),
    ({"regions": ["3711"], "risks": ["A"]}, {"regions": ["3712"], "risks": ["A"]}, False),
])
def test_filters_overlap_when_one_company_can_pass_both(f1, f2, overlap):
    assert _overlap(f1, f2) is overlap


@pytest.mark.parametrize("rule, lead", [
    ("draw.commit", "抽取承诺不符合规则"), ("draw.accept", "参与单位确认有误"), ("draw.population", "抽取范围有误"),
    ("draw.history", "重新抽取不符合规则"), ("draw.lock", "抽取结果与重新计算不符"),
    ("draw.reveal", "揭示的抽取结果与重新计算不符"), ("draw.replace", "检查人员更换不符合规则"),
    ("draw.embargo", "暂不公开的抽取核对不符"), ("draw.cap", "抽查次数上限有误"), ("draw.sealed", "密封风险等级的抽取核对不符"),
    ("draw", "抽取核验不通过"),
])
def test_an_english_finding_is_led_by_its_rules_chinese_name(rule, lead):
    assert zh_first(rule, "pool too small") == f"{lead} / pool too small"


@pytest.mark.parametrize("message, as_is", [
    ("抽取作废 / draw void", True),
    ("\u2e80 first CJK radical", True),
    ("\u2e7f just below the CJK range", False),
    ("", False),
])
def test_a_chinese_first_message_is_kept_as_is(message, as_is):
    assert (zh_first("draw.lock", message) == message) is as_is
