"""The Chinese line the gate prints before each REFUSED line (a clerk reads it first): the rule's
Chinese name by the rule's first part, and a plain fallback for a rule without one."""

from __future__ import annotations

from publisher.gitops.rules import GATE_ZH, Refusal


def test_the_chinese_line_names_the_rule_by_its_first_part():
    assert Refusal("ledger/log", "verify/hash", "x").zh_line() == f"拒绝 ledger/log：{GATE_ZH['verify']}"
    assert Refusal("a", "immutable", "x").zh_line() == f"拒绝 a：{GATE_ZH['immutable']}"


def test_a_rule_without_a_chinese_name_gets_the_plain_one():
    assert "no-such-rule" not in GATE_ZH
    assert Refusal("ledger/x", "no-such-rule/part", "x").zh_line() == "拒绝 ledger/x：推送不符合规则"
