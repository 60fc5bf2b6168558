"""Operator commands check before writing: every refusal in Chinese first, exit 2, nothing written."""

from __future__ import annotations

import json
import os

import pytest
from clerk_helpers import snapshot

from publisher.cli.main import main


@pytest.fixture
def portal(tmp_path, monkeypatch, capsys):
    """A training portal with one office registered by its public key only."""
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.delenv("PUBLISHER_KEY_PASSPHRASE", raising=False)
    for name, pw in (("root", "root pw"), ("log", "log pw"), ("scjgj", "scjgj pw"), ("wjw", "wjw pw")):
        monkeypatch.setenv(f"PUBLISHER_KEY_PASSPHRASE_{name.upper()}", pw)
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log", "scjgj"):
        assert main(["keygen", name]) == 0
    assert main(["init", "--origin", "portal.test/county", "--training", "--disclosure", "sealed"]) == 0
    assert main(["office-register", "scjgj", "--name-zh", "县市场监督管理局", "--name-en", "Market",
                 "--pubkey", str(tmp_path / "keys" / "scjgj.pub")]) == 0
    capsys.readouterr()
    return tmp_path


def refused(capsys, root, argv, *fragments):
    before = snapshot(root / "ledger")
    assert main(argv) == 2
    err = capsys.readouterr().err
    for f in fragments:
        assert f in err, err
    assert "Traceback" not in err and "未写入任何内容" in err
    assert snapshot(root / "ledger") == before
    return err


def test_keygen_writes_public_file_and_code(portal, capsys):
    assert main(["keygen", "wjw"]) == 0
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    pub = (portal / "keys" / "wjw.pub").read_text()
    assert pub.startswith(out["public_code"]) and out["public_code"] == "ed25519:" + out["public_key"]
    assert out["key_id"] in pub and "PRIVATE" not in pub
    # the printed code registers the office just as the file does
    assert main(["office-register", "wjw", "--name-zh", "县卫生健康委员会", "--name-en", "Health",
                 "--pubkey", out["public_code"]]) == 0
    assert main(["verify"]) == 0


def test_separate_passphrases(portal, capsys, monkeypatch):
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE_SCJGJ", "root pw")  # another key's passphrase
    from publisher.storage import keystore

    with pytest.raises(keystore.KeyStoreError, match="无法解密"):
        keystore.load_key("scjgj")
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE_SCJGJ", "scjgj pw")
    assert keystore.load_key("scjgj").id in (portal / "keys" / "scjgj.pub").read_text()
    assert keystore.pass_env("scjgj-2026") == "PUBLISHER_KEY_PASSPHRASE_SCJGJ_2026"


def test_keygen_without_passphrase_leaves_nothing(portal, capsys, monkeypatch):
    monkeypatch.delenv("PUBLISHER_KEY_PASSPHRASE_WJW")
    assert main(["keygen", "wjw"]) == 2
    err = capsys.readouterr().err
    assert "没有密钥“wjw”的口令" in err and "PUBLISHER_KEY_PASSPHRASE_WJW" in err
    assert not (portal / "keys" / "wjw.pem").exists() and not (portal / "keys" / "wjw.pub").exists()
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE_WJW", "now set")
    assert main(["keygen", "wjw"]) == 0  # the retry works


def test_keygen_refuses_to_overwrite(portal, capsys):
    assert main(["keygen", "scjgj"]) == 2
    assert "已存在，不会覆盖私钥" in capsys.readouterr().err


def test_duplicate_office_refused(portal, capsys):
    assert main(["keygen", "wjw"]) == 0
    refused(capsys, portal, ["office-register", "scjgj", "--name-zh", "又一个", "--name-en", "Again",
                             "--pubkey", str(portal / "keys" / "wjw.pub")], "单位 scjgj（县市场监督管理局）已经注册")


@pytest.mark.parametrize("code, words", [
    ("SCJG", "单位代码“SCJG”无效"), ("市监局", "单位代码“市监局”无效"),
    ("operator", "是运营方自己的代码"), ("a", "单位代码“a”无效")])
def test_invalid_office_code_refused(portal, capsys, code, words):
    assert main(["keygen", "wjw"]) == 0
    refused(capsys, portal, ["office-register", code, "--name-zh", "局", "--name-en", "B",
                             "--pubkey", str(portal / "keys" / "wjw.pub")], words)


def test_same_key_for_two_offices_refused(portal, capsys):
    refused(capsys, portal, ["office-register", "wjw", "--name-zh", "卫健委", "--name-en", "Health",
                             "--pubkey", str(portal / "keys" / "scjgj.pub")], "已登记给单位 scjgj")


def test_bad_public_key_code_refused(portal, capsys):
    before = snapshot(portal / "ledger")
    assert main(["office-register", "wjw", "--name-zh", "卫健委", "--name-en", "Health", "--pubkey", "ed25519:abc"]) == 2
    assert "不是有效的公钥代码" in capsys.readouterr().err
    assert snapshot(portal / "ledger") == before


def test_key_rotate_checks(portal, capsys):
    assert main(["keygen", "scjgj-2027"]) == 2  # no passphrase variable for this key yet
    capsys.readouterr()
    os.environ["PUBLISHER_KEY_PASSPHRASE_SCJGJ_2027"] = "new pw"
    try:
        assert main(["keygen", "scjgj-2027"]) == 0
    finally:
        del os.environ["PUBLISHER_KEY_PASSPHRASE_SCJGJ_2027"]
    new = str(portal / "keys" / "scjgj-2027.pub")
    old_id = (portal / "keys" / "scjgj.pub").read_text().split()[2]
    capsys.readouterr()
    refused(capsys, portal, ["key-rotate", "scjgj", "--new-pubkey", new, "--old-key-id", "0123456789abcdef"],
            "单位 scjgj 没有编号为 0123456789abcdef 的密钥", old_id)
    refused(capsys, portal, ["key-rotate", "wjw", "--new-pubkey", new, "--old-key-id", old_id], "单位 wjw 尚未注册")
    refused(capsys, portal, ["key-rotate", "SCJG", "--new-pubkey", new, "--old-key-id", old_id], "单位代码“SCJG”无效")
    refused(capsys, portal, ["key-rotate", "scjgj", "--new-pubkey", str(portal / "keys" / "scjgj.pub"),
                             "--old-key-id", old_id], "已登记给单位 scjgj")
    assert main(["key-rotate", "scjgj", "--new-pubkey", new, "--old-key-id", old_id]) == 0
    assert main(["verify"]) == 0
    capsys.readouterr()
    refused(capsys, portal, ["key-rotate", "scjgj", "--new-pubkey", str(portal / "keys" / "root.pub"),
                             "--old-key-id", old_id], "已经撤销过")


def test_init_requires_beacon_and_disclosure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log"):
        assert main(["keygen", name]) == 0
    capsys.readouterr()
    assert main(["init", "--origin", "a.test/b", "--disclosure", "public"]) == 2
    assert "没有指定随机信标" in capsys.readouterr().err
    assert main(["init", "--origin", "a.test/b", "--beacon", "drand-quicknet"]) == 2
    assert "--disclosure public 或 --disclosure sealed" in capsys.readouterr().err
    assert not (tmp_path / "ledger").exists()
    assert main(["init", "--origin", "a.test/b", "--training", "--disclosure", "sealed"]) == 0
    trust = json.loads((tmp_path / "ledger" / "trust.json").read_text())
    assert trust["training"] is True and trust["sample"] is True and trust["risk_class_disclosure"] == "sealed"
    (chain,) = trust["beacon_chains"]
    assert chain["simulated"] is True and chain["label"].startswith("SIMULATED")
    assert len(bytes.fromhex((tmp_path / "keys" / "beacon-sim.seed").read_text().strip())) == 32


def test_quicknet_portal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log"):
        assert main(["keygen", name]) == 0
    assert main(["init", "--origin", "a.test/b", "--beacon", "drand-quicknet", "--disclosure", "public"]) == 0
    trust = json.loads((tmp_path / "ledger" / "trust.json").read_text())
    assert trust["beacon_chains"][0]["chain_hash"].startswith("52db9ba7") and "training" not in trust
    assert trust["sample"] is False
