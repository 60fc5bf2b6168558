"""The office commands end to end through `publisher` main(): real keys (encrypted PEM in a
key directory, passphrase from the environment), real files, exit codes, no tracebacks."""

from __future__ import annotations

import json
import textwrap

import openpyxl
import pytest

from publisher.cli.main import main
from publisher.storage import keystore
from workflow.wf_scenario import Workflow, unix


@pytest.fixture
def env(tmp_path, monkeypatch):
    wf = Workflow(tmp_path)
    wf.basics()
    _, lock = wf.draw()
    wf.at("2026-01-21")
    keys = tmp_path / "keys"
    monkeypatch.setenv("PUBLISHER_KEYS", str(keys))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "correct horse battery staple")
    for office, key in wf.f.keys.items():
        keystore.save_key(office, key)
    return wf, lock


def run(wf, *argv, capsys):
    rc = main([*argv, "--ledger", str(wf.ledger.root)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, out.out, out.err


def yaml_file(wf, text: str, name: str = "r.yaml"):
    p = wf.f.root.parent / name
    p.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    return str(p)


def results(wf, lock, completed="2026-01-20", inspectors=None):
    t = wf.selected(lock)[0]
    insp = inspectors or wf.team(lock, t)
    return yaml_file(wf, f"""
    kind: results
    office: scjgj
    task: T-2026-001
    results:
      - target: {t}
        completed: {completed}
        inspectors: [{', '.join(insp)}]
        categories: [1]
    """)


def t(wf) -> str:
    wf.f.tick()
    from workflow.wf_scenario import iso
    return iso(wf.f.clock)


def test_add_results(env, capsys):
    wf, lock = env
    rc, out, err = run(wf, "add", results(wf, lock), "--time", t(wf), capsys=capsys)
    assert rc == 0, err
    assert "已添加 / added scjgj/" in out and "result" in out and "added 1 entry from" in out
    assert out.strip().splitlines()[-1].startswith("已从 ") and "添加了 1 条记录 / added 1 entry from" in out
    assert wf.verify().ok


def test_add_refusal_is_one_message_per_problem_and_writes_nothing(env, capsys):
    wf, lock = env
    before = wf.ledger.log_path.read_bytes()
    member = wf.team(lock, wf.selected(lock)[0])[0]
    rc, out, err = run(wf, "add", results(wf, lock, completed="2026-02-30", inspectors=[member]),
                       "--time", t(wf), capsys=capsys)
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("错误：") and len(lines) == 1
    assert "results[0].completed: “2026-02-30”不是日期" in err
    assert wf.ledger.log_path.read_bytes() == before
    rc, out, err = run(wf, "add", results(wf, lock, inspectors=[member]), "--time", t(wf), capsys=capsys)
    assert rc == 2 and "inspectors lists 1; at least two inspectors carry out each check " \
        "[workflow.team-size] (004 第十四条)" in err
    assert wf.ledger.log_path.read_bytes() == before


def test_add_dry_run(env, capsys):
    wf, lock = env
    before = wf.ledger.log_path.read_bytes()
    rc, out, _ = run(wf, "add", results(wf, lock), "--dry-run", "--time", t(wf), capsys=capsys)
    assert rc == 0 and "添加 1 条记录（未写入） / would add 1 entry" in out
    assert wf.ledger.log_path.read_bytes() == before


def test_add_late_prints_a_warning(env, capsys):
    wf, lock = env
    wf.at("2026-03-02")
    rc, out, err = run(wf, "add", results(wf, lock), "--time", t(wf), capsys=capsys)
    assert rc == 0 and "warning:" in err and "late by 5 working days" in err


def test_missing_key_and_file(env, capsys, monkeypatch):
    wf, lock = env
    rc, _, err = run(wf, "add", results(wf, lock), "--key", "nobody", capsys=capsys)
    assert rc == 2 and "no private key for 'nobody'" in err
    rc, _, err = run(wf, "add", str(wf.f.root.parent / "missing.yaml"), capsys=capsys)
    assert rc == 2 and "cannot read" in err
    rc, _, err = run(wf, "add", results(wf, lock), "--time", "yesterday", capsys=capsys)
    assert rc == 2 and "--time" in err


def test_template_fill_add(env, capsys, tmp_path):
    wf, lock = env
    out_path = tmp_path / "t.xlsx"
    rc, out, err = run(wf, "template", "results", "T-2026-001", "--xlsx", str(out_path), capsys=capsys)
    assert rc == 0 and "3 target row(s)" in out, err
    assert out.startswith(f"已写出 {out_path}：任务 T-2026-001 的 3 个检查对象 / wrote {out_path}"), out
    wb = openpyxl.load_workbook(out_path)
    ws = wb["results"]
    ws["C2"] = "2026-01-20"
    ws["F2"] = "1-未发现问题"
    wb.save(out_path)
    rc, out, err = run(wf, "add", str(out_path), "--time", t(wf), capsys=capsys)
    assert rc == 0, err
    assert "added 1 entry" in out and "skipped 2 row(s)" in out
    rc, _, err = run(wf, "template", "results", "T-404", "--xlsx", str(out_path), capsys=capsys)
    assert rc == 2 and "not in the ledger" in err


def test_report_deadlines(env, capsys):
    wf, lock = env
    wf.at("2026-03-02")
    run(wf, "add", results(wf, lock), "--time", t(wf), capsys=capsys)
    rc, out, _ = run(wf, "report", "deadlines", "--now", str(unix("2026-05-06")), capsys=capsys)
    assert rc == 0
    assert "late publications: 1" in out and "late by 5 working days" in out
    assert "overdue (no result or withholding after the deadline): 5 target(s)" in out
    rc, out, _ = run(wf, "report", "deadlines", "--now", str(unix("2026-05-06")), "--json", "--office", "wjj",
                     capsys=capsys)
    data = json.loads(out)
    assert data["late"] == [] and data["overdue"][0]["office"] == "wjj" and data["overdue"][0]["count"] == 3
    assert data["overdue"][0]["due"] == "2026-04-29"


def test_verify_after_office_commands_reports_workflow_rule(env, capsys):
    wf, lock = env
    run(wf, "add", results(wf, lock), "--time", t(wf), capsys=capsys)
    rc, out, err = run(wf, "verify", capsys=capsys)
    assert rc == 0 and "VALID" in out, err
