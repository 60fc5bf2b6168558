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


@pytest.fixture
def dated_portal(tmp_path, monkeypatch, capsys):
    """A training portal from 2026-11-01 whose office scjgj signed two entries on 2 and 3 November."""
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.delenv("PUBLISHER_KEY_PASSPHRASE", raising=False)
    for name in ("root", "log", "scjgj", "scjgj_2027"):
        monkeypatch.setenv(f"PUBLISHER_KEY_PASSPHRASE_{name.upper()}", f"{name} pw")
    monkeypatch.setenv("PUBLISHER_NOW", "1793836800")  # 2026-11-05T00:00:00Z
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log", "scjgj", "scjgj-2027"):
        assert main(["keygen", name]) == 0
    assert main(["init", "--origin", "portal.test/county", "--training", "--disclosure", "sealed",
                 "--time", "2026-11-01T00:00:00Z"]) == 0
    assert main(["office-register", "scjgj", "--name-zh", "县市场监督管理局", "--name-en", "Market",
                 "--pubkey", str(tmp_path / "keys" / "scjgj.pub"), "--time", "2026-11-01T00:00:01Z"]) == 0
    examples = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
    items = tmp_path / "items.yaml"
    items.write_text(open(os.path.join(examples, "items-scjgj.yaml"), encoding="utf-8").read()
                     .replace("date: 2026-12-01", "date: 2026-11-01"), "utf-8")
    assert main(["add", str(items), "--time", "2026-11-02T02:00:00Z"]) == 0
    v2 = tmp_path / "items2.yaml"
    v2.write_text(items.read_text("utf-8").replace("（示例）", "（示例，第二版）"), "utf-8")
    assert main(["add", str(v2), "--time", "2026-11-03T02:00:00Z"]) == 0
    capsys.readouterr()
    return tmp_path


def _rotate(portal, *extra):
    old_id = (portal / "keys" / "scjgj.pub").read_text().split()[2]
    return ["key-rotate", "scjgj", "--new-pubkey", str(portal / "keys" / "scjgj-2027.pub"), "--old-key-id", old_id,
            "--time", "2026-11-04T00:00:00Z", *extra], old_id


def test_key_rotate_compromised_since_voids_later_entries(dated_portal, capsys):
    """Issue 14: the operator states when a key was stolen (Beijing time); entries it signed from
    then on are void in the verifier, earlier ones stay valid."""
    argv, old_id = _rotate(dated_portal, "--compromised-since", "2026-11-03 09:00")  # = 01:00Z
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "自 2026-11-03T01:00:00Z（UTC）起视为泄露：其后签署的 1 条记录作废" in out, out
    from publisher.storage.ledger_dir import LedgerDir

    ledger = LedgerDir(dated_portal / "ledger")
    revoke = [ledger.read_entry(line.office, line.seq) for line in ledger.iter_log()][-1]
    assert revoke.type == "key.revoke" and revoke.body == {
        "office": "scjgj", "key_id": old_id, "reason": "compromise", "compromised_since": "2026-11-03T01:00:00Z"}
    assert main(["verify", "--json", "--full"]) == 0
    problems = json.loads(capsys.readouterr().out)["problems"]
    void = [p for p in problems if p["rule"] == "compromised"]
    assert len(void) == 1 and "2026-11-03T02:00:00Z" in void[0]["message"], problems


@pytest.mark.parametrize("extra,fragment", [
    (["--compromised-since", "2026-11-03 09:00", "--reason", "rotation"], "只能与 --reason compromise 一起使用"),
    (["--compromised-since", "2026-11-04 09:00"], "泄露时间不能在将来"),  # 01:00Z, after the revocation
    (["--compromised-since", "昨天"], "“昨天”不是有效时间"),
])
def test_key_rotate_compromised_since_refusals(dated_portal, capsys, extra, fragment):
    argv, _ = _rotate(dated_portal, *extra)
    err = refused(capsys, dated_portal, argv, fragment)
    assert err.split("：")[0].strip().startswith(("--compromised-since", "错误")), err


def test_key_rotate_compromised_since_utc_form(dated_portal, capsys):
    argv, _ = _rotate(dated_portal, "--compromised-since", "2026-11-02T00:00:00Z")
    assert main(argv) == 0
    assert "其后签署的 2 条记录作废" in capsys.readouterr().out
