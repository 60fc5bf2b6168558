"""A bug inside any rule is a located ``<rule>.internal`` error: never a crash, never a silent pass."""

from __future__ import annotations

from publisher.core.verifier import verify
from publisher.ruleset import default_rules


class Exploding:
    name = "probe"

    def __init__(self, on: str) -> None:
        self.on = on

    def check(self, entry, ctx):
        if self.on == "check" and entry.type == "notice" and entry.body.get("text") == "公告1":
            raise KeyError("task")
        return []

    def finish(self, ctx):
        if self.on == "finish":
            raise ZeroDivisionError("division by zero")
        return []


def test_a_rule_that_raises_in_check_yields_a_located_problem(small_ledger):
    led = small_ledger.ledger
    report = verify(led, led.trust(), [Exploding("check")])
    assert not report.ok
    (p,) = report.errors
    assert p.rule == "probe.internal"
    assert p.message == "核验规则 probe 出错（程序缺陷，请报告）/ rule probe failed in check: KeyError: 'task'"
    line, target = next((ln, e) for ln, e in led.iter_entries() if e.body.get("text") == "公告1")
    assert (p.file, p.entry_id) == (led.rel(led.entry_path(target.office, line.seq)), target.id)


def test_a_rule_that_raises_in_finish_fails_the_ledger(small_ledger):
    led = small_ledger.ledger
    report = verify(led, led.trust(), [Exploding("finish")])
    assert [(p.rule, p.message) for p in report.errors] == [
        ("probe.internal", "核验规则 probe 出错（程序缺陷，请报告）/ rule probe failed in finish: ZeroDivisionError: division by zero")]


def test_the_domain_rules_are_guarded_too(small_ledger, monkeypatch):
    """The draw rule used to be unguarded: a crash in it would stop `publisher verify`."""
    from publisher.draw.rules.rule import DrawRule

    def boom(self, entry, ctx):
        raise RuntimeError("bug")

    monkeypatch.setattr(DrawRule, "check", boom)
    led = small_ledger.ledger
    report = verify(led, led.trust(), default_rules())
    assert {p.rule for p in report.errors} == {"draw.internal"}
    assert all(p.file and p.entry_id for p in report.errors)
