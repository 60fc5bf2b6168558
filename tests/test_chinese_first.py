"""Issue 14: every problem the verifier's domain rules can report, and every CLI error, reads
Chinese first (English after it).

Three nets: (1) every scenario verification in the suite goes through
``ledgertools.assert_chinese_first`` (LedgerFactory.verify), and the sample county is checked in
tests/demo; (2) here, statically, every message literal of the workflow and draw rules — also the
ones no scenario reaches; (3) here, CLI refusals a clerk or operator can provoke."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from publisher.cli.main import main

SRC = Path(__file__).parents[1] / "src" / "publisher"
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef“（]")
CALLS = {"error": 1, "warning": 1, "Problem": 1, "Finding": 0, "DrawError": 0}
# helpers that expand to Chinese (or to nothing) at the start of a message
CHINESE_HELPERS = {"zh", "zh_where(p)"}


def _lead(node) -> str | None:
    """The first text of a message expression; None when it cannot be told statically."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp):
        return _lead(node.left)
    if isinstance(node, ast.IfExp):
        a, b = _lead(node.body), _lead(node.orelse)
        return a if a is not None and (b is None or (a[:1] and CJK.match(a)) == (b[:1] and CJK.match(b))) else b
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.Constant):
                if v.value:
                    return v.value
                continue
            src = ast.unparse(v.value)
            if src in CHINESE_HELPERS:
                continue
            if isinstance(v.value, ast.IfExp):
                lead = _lead(v.value)
                if lead is not None and lead != "" and CJK.match(lead):
                    return lead
                if lead == "":
                    continue
            return "{" + src + "}"
    return None


def _messages(path: Path):
    for n in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(n, ast.Call):
            name = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)
            i = CALLS.get(name)
            if i is None or len(n.args) <= i:
                continue
            yield n.lineno, _lead(n.args[i])


RULE_FILES = sorted((SRC / "workflow" / "rules").glob("*.py")) + sorted((SRC / "draw" / "rules").glob("*.py"))


def test_every_rule_message_literal_starts_in_chinese():
    checked, bad = 0, []
    for f in RULE_FILES:
        for line, lead in _messages(f):
            if lead is None:  # passed through (f.message, msg): those are checked at the boundary
                continue
            checked += 1
            if not CJK.match(lead):
                bad.append(f"{f.relative_to(SRC)}:{line}: {lead[:60]!r}")
    assert checked > 140 and not bad, bad


def test_the_scanner_bites():
    """The static check would catch an English-first message (it is not vacuous)."""
    tree = ast.parse('em.error(A.X, f"{p}version is {v}, expected 2", A.Y)\n'
                     'Finding("draw void: x")\nem.error(A.X, f"{zh_where(p)}检查对象 {t}")')
    leads = [_lead(n.args[CALLS[n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id]])
             for n in ast.walk(tree) if isinstance(n, ast.Call)
             and (getattr(n.func, "attr", None) or getattr(n.func, "id", None)) in CALLS]
    assert [bool(CJK.match(x)) for x in leads] == [False, False, True], leads


def test_draw_computation_findings_get_a_chinese_lead():
    from publisher.draw.rules.rule import RULE_ZH, zh_first

    assert zh_first("draw.lock", "selected list differs") == "抽取结果与重新计算不符 / selected list differs"
    assert zh_first("draw.commit", "抽取作废：x / draw void: x") == "抽取作废：x / draw void: x"
    assert all(CJK.match(v) for v in RULE_ZH.values())


def test_every_draw_rule_id_has_a_chinese_name():
    """A rule id without an entry gets the generic lead 抽取核验不通过, which tells a clerk nothing."""
    from publisher.draw.rules.rule import RULE_ZH

    src = Path(__file__).parents[1] / "src" / "publisher" / "draw"
    used = {m for p in src.rglob("*.py") for m in re.findall(r'"(draw\.[a-z_]+)"', p.read_text("utf-8"))}
    assert "draw.sealed" in used and "draw.lock" in used
    assert sorted(used - set(RULE_ZH)) == []


# --- the CLI ------------------------------------------------------------------------------------

ERR = re.compile(r"^错误：(?:[^\s：]+[：:])?\s*[\u2e80-\u9fff“（]")


@pytest.fixture
def portal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log"):
        assert main(["keygen", name]) == 0
    assert main(["init", "--origin", "portal.test/c", "--training", "--disclosure", "public"]) == 0
    capsys.readouterr()
    return tmp_path


REFUSALS = [
    ["prove", "ab" * 32],
    ["draw", "commit", "nope.yaml"],
    ["draw", "lock", "T-9"],
    ["draw", "reveal", "T-9"],
    ["draw", "accept", "T-9"],
    ["draw", "replace", "T-9", "913700000000000000", "--out", "a", "--reason", "health", "--approver-name", "王某",
     "--approver-title", "分管副局长"],
    ["explain", "T-9", "913700000000000000"],
    ["check-push", "HEAD"],
    ["submit"],
    ["key-rotate", "scjgj", "--new-pubkey", "ed25519:abc", "--old-key-id", "0123456789abcdef"],
    ["office-register", "SCJG", "--name-zh", "局", "--name-en", "x", "--pubkey", "keys/root.pub"],
    ["init", "--origin", "x/y", "--training", "--disclosure", "public"],
    ["add", "missing.yaml"],
    ["template", "results", "T-9", "--xlsx", "out.xlsx"],
    ["calendar", "add", "2027", "missing.yaml"],
    ["undo", "--office", "scjgj"],
    ["status", "--ledger", "elsewhere"],
    ["witness", "init", "--dir", "w", "--name", "w1"],
]


@pytest.mark.parametrize("argv", REFUSALS, ids=lambda a: " ".join(a[:2]))
def test_cli_refusals_read_chinese_first(portal, capsys, argv):
    rc = _main_or_usage(argv)
    err = capsys.readouterr().err.strip()
    assert rc != 0 and "Traceback" not in err, err
    assert ERR.match(err.splitlines()[0]), err


def _main_or_usage(argv):
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        return exc.code
