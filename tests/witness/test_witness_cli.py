"""The witness commands and `publisher init --witness`, end to end through the CLI."""

from __future__ import annotations

import json

import pytest

from publisher.cli.main import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def vkey_of(capsys, *args) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)["vkey"]


def test_init_with_witnesses_and_witness_init(env, capsys):
    for name in ("root", "log"):
        assert main(["keygen", name]) == 0
    vkeys = [vkey_of(capsys, "witness", "keygen", f"w{i}.test/witness", "--key", f"w{i}") for i in (1, 2, 3)]
    assert all(v.split("+")[2].startswith("B") for v in vkeys)  # base64 of 0x04…
    args = ["init", "--origin", "portal.test/county", "--training", "--disclosure", "public"]
    for i, v in enumerate(vkeys, 1):
        args += ["--witness", f"{v}=http://127.0.0.1:{7380 + i}"]
    assert main(args) == 0
    trust = json.loads((env / "ledger" / "trust.json").read_text())
    assert trust["witnesses"]["quorum"] == 2  # default: a majority
    assert [w["vkey"] for w in trust["witnesses"]["witnesses"]] == vkeys
    assert trust["witnesses"]["witnesses"][0]["url"] == "http://127.0.0.1:7381"
    assert main(["verify"]) == 0
    capsys.readouterr()
    assert main(["witness", "init", "--dir", "wdir", "--name", "w1.test/witness", "--key", "w1",
                 "--trust", "ledger/trust.json"]) == 0
    cfg = json.loads((env / "wdir" / "witness.json").read_text())
    assert cfg["logs"] == [{"origin": "portal.test/county", "vkey": trust["log_vkey"]}]
    assert main(["witness", "init", "--dir", "wdir", "--name", "w1.test/witness", "--trust", "ledger/trust.json"]) == 2
    assert "already exists (a witness's state must never be reset)" in capsys.readouterr().err


def test_bad_witness_flags_are_clear_errors(env, capsys):
    for name in ("root", "log"):
        main(["keygen", name])
    v = vkey_of(capsys, "witness", "keygen", "w.test/x", "--key", "x")
    base = ["init", "--origin", "portal.test/county", "--training", "--disclosure", "public"]
    assert main([*base, "--witness", v, "--witness-quorum", "2"]) == 2
    assert "quorum must be between 1 and the number of witnesses (1)" in capsys.readouterr().err
    assert main([*base, "--witness", "not-a-vkey"]) == 2
    assert "is not <name>+<hex8>+<base64 key>" in capsys.readouterr().err
    assert not (env / "ledger" / "trust.json").exists()
    assert main(["witness", "init", "--dir", "w", "--name", "w.test/x"]) == 2
    assert "name at least one log" in capsys.readouterr().err
    assert main(["witness", "serve", "--dir", "nowhere"]) == 2
    assert "run `publisher witness init` first" in capsys.readouterr().err
