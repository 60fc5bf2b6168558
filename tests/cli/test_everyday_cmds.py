"""Issue 14, everyday commands: status, undo, corrections by task + USCC, the partner office's
own template, and verify's warnings summarised by rule."""

from __future__ import annotations

import subprocess
from datetime import UTC

import pytest
from clerk_helpers import snapshot

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
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    for office, key in wf.f.keys.items():
        keystore.save_key(office, key)
    return wf, lock


def run(wf, capsys, *argv):
    rc = main([*argv, "--ledger", str(wf.ledger.root)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, out.out, out.err


def result_yaml(wf, lock, target, completed="2026-01-20"):
    p = wf.f.root.parent / "r.yaml"
    team = wf.team(lock, target)
    p.write_text(f"kind: result\noffice: scjgj\ntask: T-2026-001\ntarget: {target}\ncompleted: {completed}\n"
                 f"inspectors: [{', '.join(team)}]\ncategories: [未发现问题]\n", "utf-8")
    return str(p)


def t(wf):
    wf.f.tick()
    from datetime import datetime

    from publisher.core.entry import format_time
    return format_time(datetime.fromtimestamp(wf.f.clock, UTC))


def test_status_lists_open_targets_and_due_dates(env, capsys):
    wf, lock = env
    rc, out, _ = run(wf, capsys, "status", "--now", str(unix("2026-01-22")))
    assert rc == 0
    assert "scjgj（" in out and "待公示结果 / targets without results: T-2026-001 3 个" in out
    assert "截止 2026-" in out and "wjj（" in out
    target = wf.selected(lock)[0]
    assert run(wf, capsys, "add", result_yaml(wf, lock, target), "--time", t(wf))[0] == 0
    rc, out, _ = run(wf, capsys, "status", "--office", "scjgj", "--now", str(unix("2026-01-22")))
    assert "T-2026-001 2 个" in out and "wjj（" not in out
    rc, out, _ = run(wf, capsys, "status", "--office", "scjgj", "--now", str(unix("2026-06-30")))
    assert "已逾期 / overdue: 2 个检查对象" in out


def test_undo_takes_back_unsubmitted_entries_only(env, capsys):
    wf, lock = env
    target = wf.selected(lock)[0]
    before = snapshot(wf.ledger.root)
    assert run(wf, capsys, "add", result_yaml(wf, lock, target), "--time", t(wf))[0] == 0
    rc, out, _ = run(wf, capsys, "undo", "--office", "scjgj")
    assert rc == 0 and "已撤销 / undone scjgj/" in out and " result " in out
    assert snapshot(wf.ledger.root) == before
    assert wf.verify().ok
    # the same result again, then a checkpoint: undo refuses
    assert run(wf, capsys, "add", result_yaml(wf, lock, target), "--time", t(wf))[0] == 0
    keystore.save_key("log", wf.f.log_signer._key)
    assert run(wf, capsys, "checkpoint", "--time", str(wf.f.clock + 60))[0] == 0
    before = snapshot(wf.ledger.root)
    rc, _, err = run(wf, capsys, "undo")
    assert rc == 2 and "检查点已覆盖前" in err and "nothing changed" in err
    assert snapshot(wf.ledger.root) == before
    # another office's entry at the tail is not taken back by --office scjgj
    rc, _, err = run(wf, capsys, "undo", "--office", "wjj")
    assert rc == 2 and "其他单位的记录" in err


def test_undo_refuses_committed_entries(env, capsys):
    wf, lock = env
    target = wf.selected(lock)[0]
    assert run(wf, capsys, "add", result_yaml(wf, lock, target), "--time", t(wf))[0] == 0
    root = wf.ledger.root.parent
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    rc, _, err = run(wf, capsys, "undo")
    assert rc == 2 and "已经提交到 git" in err


def test_correction_by_task_and_uscc(env, capsys):
    wf, lock = env
    target = wf.selected(lock)[0]
    assert run(wf, capsys, "add", result_yaml(wf, lock, target), "--time", t(wf))[0] == 0
    p = wf.f.root.parent / "c.yaml"
    p.write_text(f"kind: correction\noffice: scjgj\ntask: T-2026-001\ntarget: {target}\n"
                 "changes: {completed: 2026-01-19}\nreason: 完成日期录入错误\n"
                 "approver: {name: 王某, title: 主要负责人}\ndate: 2026-01-21\n", "utf-8")
    rc, out, err = run(wf, capsys, "add", str(p), "--time", t(wf))
    assert rc == 0, err
    assert "result.correct" in out
    p.write_text(p.read_text("utf-8").replace(target, wf.selected(lock)[1]), "utf-8")
    rc, _, err = run(wf, capsys, "add", str(p), "--time", t(wf))
    assert rc == 2 and f"没有 {wf.selected(lock)[1]} 的已发布结果可更正" in err


def test_partner_template_defaults_to_its_own_office(env, capsys, tmp_path, monkeypatch):
    wf, lock = env
    import openpyxl

    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "wjj-keys"))
    keystore.save_key("wjj", wf.f.keys["wjj"])
    out = tmp_path / "w.xlsx"
    assert run(wf, capsys, "template", "results", "T-2026-001", "--xlsx", str(out))[0] == 0
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(out)["meta"].iter_rows(values_only=True)}
    assert meta["office"] == "wjj"


def test_verify_summarises_warnings_by_rule(env, capsys):
    wf, lock = env
    rc, out, _ = run(wf, capsys, "verify", "--now", str(unix("2026-06-30")))
    assert rc == 0
    assert "按规则汇总" in out and "检查对象逾期未公示结果 [workflow.overdue]：" in out
    assert "WARNING" not in out
    rc, out, _ = run(wf, capsys, "verify", "--now", str(unix("2026-06-30")), "--verbose")
    assert "WARNING" in out and "workflow.overdue" in out
