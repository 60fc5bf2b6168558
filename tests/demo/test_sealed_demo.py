"""The sealed SAMPLE portal (`publisher demo --sealed DIR`, docs/spec/65-sealed.md) through the CLI:
it verifies publicly (saying what it could not check), verifies in full with the openings, and
refuses a forged opening with the rule id; nothing in the ledger names a class."""

from __future__ import annotations

import json

import pytest

from publisher.cli.main import main


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    out = tmp_path_factory.mktemp("sealed") / "portal"
    assert main(["demo", "--sealed", str(out), "--key-seed", "sealed-test"]) == 0
    return out


def test_sealed_sample_layout_and_no_classes_in_the_ledger(sealed):
    assert (sealed / "ledger" / "trust.json").is_file() and (sealed / "openings.jsonl").is_file()
    trust = json.loads((sealed / "ledger" / "trust.json").read_text())
    assert trust["risk_class_disclosure"] == "sealed" and trust["sample"] is True
    assert not list((sealed / "ledger").rglob("openings*"))
    for path in (sealed / "ledger").rglob("*"):
        if path.is_file() and path.name != "trust.json":
            text = path.read_bytes().decode("utf-8", "replace")
            for word in ("risk", "A类", "B类", "C类", "D类", "信用风险"):
                assert word not in text, (path, word)


def test_public_verification_says_what_it_could_not_check(sealed, capsys):
    assert main(["verify", "--ledger", str(sealed / "ledger")]) == 0
    out = capsys.readouterr().out
    assert "Risk classes are sealed: 8 draw(s) got the public checks only; not checked: which stratum" in out
    assert "Pass --openings FILE" in out and "VALID" in out


def test_full_verification_with_the_openings(sealed, capsys):
    assert main(["verify", "--ledger", str(sealed / "ledger"), "--openings", str(sealed / "openings.jsonl")]) == 0
    assert "8 sealed draw(s) re-checked in full with the openings" in capsys.readouterr().out


def test_a_forged_opening_is_an_error_naming_the_rule(sealed, tmp_path, capsys):
    lines = (sealed / "openings.jsonl").read_text().splitlines()
    o = json.loads(lines[5])
    o["stratum"] = "第三层" if o["stratum"] != "第三层" else "第一层"
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(lines[:5] + [json.dumps(o, ensure_ascii=False)] + lines[6:]) + "\n")
    assert main(["verify", "--ledger", str(sealed / "ledger"), "--openings", str(forged)]) == 1
    err = capsys.readouterr().err
    assert "[draw.sealed]" in err or "draw.sealed" in err
    assert f"the opening of {o['id']} (stratum '{o['stratum']}') does not match its sealed leaf" in err


def test_a_malformed_openings_file_is_refused_without_traceback(sealed, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    assert main(["verify", "--ledger", str(sealed / "ledger"), "--openings", str(bad)]) != 0
    assert "bad.jsonl:1: an opening is an object with exactly id, root, salt, stratum" in capsys.readouterr().err


def test_draw_commit_in_a_sealed_portal_needs_an_openings_file(sealed, tmp_path, capsys):
    """Refused plainly, writing nothing, without the file to write the openings to;
    tests/cli/test_draw_sealed_cmds.py runs a whole sealed draw through the CLI."""
    before = (sealed / "ledger" / "log").read_bytes()
    spec = tmp_path / "spec.yaml"
    spec.write_text("task: T-2026-001\noffices: [{office: scjgj, members: 1}]\n")
    assert main(["draw", "commit", "--ledger", str(sealed / "ledger"), str(spec)]) != 0
    assert "draw commit needs --openings-out FILE" in capsys.readouterr().err
    assert (sealed / "ledger" / "log").read_bytes() == before
