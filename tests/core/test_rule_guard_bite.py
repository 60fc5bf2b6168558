"""The rule guard's exact output: a rule without a name is named by its class, and a crash in
``finish`` (which has no entry) carries no file and no entry id."""

from __future__ import annotations

from publisher.core.verifier import verify


class NamelessRule:  # no ``name`` attribute
    def check(self, entry, ctx):
        return []

    def finish(self, ctx):
        raise ValueError("boom")


def test_nameless_rule_is_named_by_its_class_and_finish_crash_has_no_location(small_ledger):
    led = small_ledger.ledger
    report = verify(led, led.trust(), [NamelessRule()])
    assert [(p.rule, p.message, p.file, p.entry_id, p.severity) for p in report.problems] == [
        ("NamelessRule.internal", "核验规则 NamelessRule 出错（程序缺陷，请报告）/ rule NamelessRule failed in finish: ValueError: boom", "", "", "error")]
