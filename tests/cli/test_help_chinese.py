"""Issue 14: every command a clerk or operator uses explains itself in Chinese first."""

from __future__ import annotations

import re

import pytest

from publisher.cli.main import build_parser

OWNED = [["keygen"], ["init"], ["office-register"], ["key-rotate"], ["verify"], ["checkpoint"], ["prove"],
         ["add"], ["template", "results"], ["report", "deadlines"], ["status"], ["undo"], ["new-portal"],
         ["calendar", "add"]]
CJK = re.compile(r"[（\u3400-\u9fff]")


def subparser(parser, path):
    for name in path:
        action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize("path", OWNED, ids=" ".join)
def test_help_is_chinese_first(path):
    parser = build_parser()
    top = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    helps = {c.dest: c.help for c in top._choices_actions}
    assert CJK.match(helps[path[0]]), helps[path[0]]
    p = subparser(parser, path)
    for a in p._actions:
        if a.help and a.dest != "help":
            assert CJK.search(a.help.split("/")[0]), (path, a.dest, a.help)


def test_missing_ledger_message_is_chinese_first(tmp_path, capsys, monkeypatch):
    from publisher.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["status"]) == 2
    assert "没有这个账本目录" in capsys.readouterr().err


def _walk(parser, path):
    for a in parser._actions:
        if a.__class__.__name__ == "_SubParsersAction":
            helps = {c.dest: c.help for c in a._choices_actions}
            for name, sp in a.choices.items():
                yield path + [name], "help", helps.get(name) or ""
                if sp.description:
                    yield path + [name], "description", sp.description
                yield from _walk(sp, path + [name])
        elif a.help and a.dest != "help":
            yield path, a.dest, a.help


def test_every_help_text_of_every_command_starts_in_chinese():
    """Issue 14: all of `--help`, not only the clerks' commands, reads Chinese first."""
    texts = list(_walk(build_parser(), []))
    assert len(texts) > 150
    bad = [(p, d, h[:50]) for p, d, h in texts if not re.match(r"[（“\u3400-\u9fff]", h)]
    assert not bad, bad
