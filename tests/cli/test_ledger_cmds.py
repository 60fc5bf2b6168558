"""The foundation commands, end to end through `publisher.cli.main.main` (real files, real keys)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from publisher.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "correct horse battery staple")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args) -> int:
    return main(list(args))


def test_full_foundation_flow(env, capsys):
    for name in ("root", "log", "scjgj"):
        assert run("keygen", name) == 0
    pem = (env / "keys" / "root.pem").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert run("init", "--origin", "portal.test/county", "--training", "--disclosure", "public") == 0
    assert run("office-register", "scjgj", "--name-zh", "县市场监督管理局", "--name-en", "Market bureau", "--key", "scjgj") == 0
    assert run("verify") == 0
    assert run("checkpoint") == 0
    capsys.readouterr()
    assert run("verify", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["size"] == 5 and report["checkpoints"][0]["size"] == 5
    first_id = (env / "ledger" / "log").read_text().split()[1]
    assert run("prove", first_id) == 0
    proof = json.loads(capsys.readouterr().out)
    assert proof["index"] == 0 and proof["tree_size"] == 5 and len(proof["proof"]) == 3


def test_verify_exit_1_lists_problems(env, capsys):
    for name in ("root", "log", "scjgj"):
        run("keygen", name)
    run("init", "--origin", "portal.test/county", "--training", "--disclosure", "public")
    run("office-register", "scjgj", "--name-zh", "局", "--name-en", "B", "--key", "scjgj")
    p = env / "ledger" / "entries" / "operator" / "00000004.json"
    obj = json.loads(p.read_text())
    obj["body"]["name_en"] = "C"
    p.write_text(json.dumps(obj))
    capsys.readouterr()
    assert run("verify") == 1
    err = capsys.readouterr().err
    assert "ledger/entries/operator/00000004.json" in err and "hash: file content hashes to" in err


def test_wrong_passphrase_is_a_clear_error(env, capsys, monkeypatch):
    run("keygen", "root")
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "wrong")
    run("keygen", "log")
    assert run("init", "--origin", "x.test/y", "--training", "--disclosure", "public") == 2
    assert "cannot decrypt" in capsys.readouterr().err


def test_missing_ledger_no_traceback(env):
    out = subprocess.run([sys.executable, "-m", "publisher.cli.main", "verify", "--ledger", "nope"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "no such ledger directory" in out.stderr and "Traceback" not in out.stderr


def test_trust_json_is_never_overwritten(env, capsys):
    for name in ("root", "log"):
        run("keygen", name)
    assert run("init", "--origin", "a.test/b", "--beacon", "drand-quicknet", "--disclosure", "sealed") == 0
    assert run("init", "--origin", "a.test/c", "--beacon", "drand-quicknet", "--disclosure", "sealed") == 2
    assert "already exists" in capsys.readouterr().err


def test_private_key_never_overwritten(env, capsys):
    assert run("keygen", "root") == 0
    assert run("keygen", "root") == 2
    assert "refusing to overwrite" in capsys.readouterr().err
