"""Every CLI error path ends as one message naming the file, field or option at fault, exit 1 or
2, nothing written — never a traceback or "internal error" (which stays for real bugs, exit 3).

One portal (made through the CLI: keys, trust.json, an office, a checkpoint) serves every case;
each case breaks one thing and checks the exit code, the message and that the ledger is unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clerk_helpers import snapshot

from publisher.cli.main import main

SAMPLE = Path(__file__).resolve().parents[2] / "ledger"
PASSPHRASES = {"root": "root pw", "log": "log pw", "scjgj": "scjgj pw"}


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Path:
    """A training portal: root, log and scjgj keys; one office; one notice; one checkpoint."""
    root = tmp_path_factory.mktemp("portal")
    with pytest.MonkeyPatch.context() as mp:
        _environment(mp, root)
        for name in PASSPHRASES:
            assert main(["keygen", name]) == 0
        assert main(["init", "--origin", "portal.test/county", "--training", "--disclosure", "public",
                     "--time", "2026-01-05T01:00:00Z"]) == 0
        assert main(["office-register", "scjgj", "--name-zh", "县市场监督管理局", "--name-en", "Market",
                     "--pubkey", str(root / "keys" / "scjgj.pub"), "--time", "2026-01-05T01:00:00Z"]) == 0
        assert main(["checkpoint", "--time", "1767578400"]) == 0
    # broken copies of inputs that the cases point at
    (root / "bad.json").write_text("{", "utf-8")
    (root / "empty-object.json").write_text("{}", "utf-8")
    (root / "bad.yaml").write_text("a: [\n", "utf-8")
    (root / "not-a-note.note").write_text("garbage\n", "utf-8")
    (root / "binary.yaml").write_bytes(b"\xff\xfe\x00bad")
    (root / "pub-garbage.pub").write_text("not a key\n", "utf-8")
    (root / "a-directory").mkdir()
    (root / "a-file").write_text("", "utf-8")
    items = (SAMPLE.parent / "examples" / "items-scjgj.yaml").read_text("utf-8")
    (root / "items-nobody.yaml").write_text(items.replace("office: scjgj", "office: nobody"), "utf-8")
    return root


def _environment(mp: pytest.MonkeyPatch, root: Path) -> None:
    mp.chdir(root)
    mp.setenv("PUBLISHER_KEYS", str(root / "keys"))
    mp.delenv("PUBLISHER_KEY_PASSPHRASE", raising=False)
    mp.setenv("PUBLISHER_STATE_DIR", str(root / "state"))
    for name, pw in PASSPHRASES.items():
        mp.setenv(f"PUBLISHER_KEY_PASSPHRASE_{name.upper()}", pw)


@pytest.fixture
def at_portal(portal, monkeypatch) -> Path:
    _environment(monkeypatch, portal)
    return portal


def _first_entry_id(root: Path) -> str:
    return (root / "ledger" / "log").read_text("utf-8").split()[1]


def _copy_ledger(root: Path, name: str) -> Path:
    dst = root / name
    if not dst.exists():
        shutil.copytree(root / "ledger", dst)
    return dst


def _bad_checkpoint_ledger(root: Path) -> str:
    d = _copy_ledger(root, "ledger-bad-cp")
    for f in (d / "checkpoints").iterdir():
        f.write_text("garbage\n", "utf-8")
    return str(d)


def _bad_trust_ledger(root: Path) -> str:
    d = _copy_ledger(root, "ledger-bad-trust")
    (d / "trust.json").write_text("{", "utf-8")
    return str(d)


def _bad_log_ledger(root: Path) -> str:
    d = _copy_ledger(root, "ledger-bad-log")
    with open(d / "log", "a", encoding="utf-8") as fh:
        fh.write("junk\n")
    return str(d)


def _sample_locked_task() -> str:
    """A task with a locked draw in the committed sample county (read, never written)."""
    import json

    for f in sorted((SAMPLE / "entries").glob("*/*.json")):
        body = json.loads(f.read_text("utf-8"))
        if body["type"] == "draw.lock":
            return body["body"]["task"]
    raise AssertionError("the sample county has no locked draw")


def _no_checkpoint_ledger(root: Path) -> str:
    d = _copy_ledger(root, "ledger-no-cp")
    shutil.rmtree(d / "checkpoints")
    (d / "checkpoints").mkdir()
    return str(d)


def _wrong_passphrase(mp: pytest.MonkeyPatch) -> None:
    mp.setenv("PUBLISHER_KEY_PASSPHRASE_LOG", "not the log pw")
    mp.setenv("PUBLISHER_KEY_PASSPHRASE_ROOT", "not the root pw")
    mp.setenv("PUBLISHER_KEY_PASSPHRASE_SCJGJ", "not the scjgj pw")


# (id, argv — a callable of the portal dir for built paths —, exit code, fragments the message must
# contain, optional environment change)
CASES = [
    # ledger and trust anchors
    ("verify-no-ledger", ["verify", "--ledger", "nowhere"], 2, ["nowhere"], None),
    ("verify-missing-trust", ["verify", "--trust", "missing.json"], 2, ["missing.json"], None),
    ("verify-trust-not-json", ["verify", "--trust", "bad.json"], 2, ["bad.json"], None),
    ("verify-trust-not-trust", ["verify", "--trust", "empty-object.json"], 2, ["empty-object.json"], None),
    ("verify-trust-is-dir", ["verify", "--trust", "a-directory"], 2, ["a-directory"], None),
    ("verify-missing-checkpoint", ["verify", "--checkpoint", "missing.note"], 2, ["missing.note"], None),
    ("verify-bad-checkpoint", ["verify", "--checkpoint", "not-a-note.note"], 1, ["not-a-note.note", "checkpoint"],
     None),
    ("verify-ledger-bad-trust", lambda r: ["verify", "--ledger", _bad_trust_ledger(r)], 2, ["trust.json"], None),
    ("verify-ledger-bad-log", lambda r: ["verify", "--ledger", _bad_log_ledger(r)], 1, ["log", "junk"], None),
    ("status-ledger-bad-trust", lambda r: ["status", "--ledger", _bad_trust_ledger(r)], 2, ["trust.json"], None),
    # prove
    ("prove-bad-checkpoint", lambda r: ["prove", "--ledger", _bad_checkpoint_ledger(r), _first_entry_id(r)], 2,
     ["checkpoints", ".note"], None),
    ("prove-no-checkpoint", lambda r: ["prove", "--ledger", _no_checkpoint_ledger(r), _first_entry_id(r)], 2,
     ["checkpoint"], None),
    ("prove-unknown-entry", ["prove", "ab" * 32], 2, ["ab" * 32], None),
    ("prove-bad-trust", lambda r: ["prove", "--ledger", _bad_trust_ledger(r), _first_entry_id(r)], 2,
     ["trust.json"], None),
    # keys
    ("keygen-exists", ["keygen", "root"], 2, ["root"], None),
    ("keygen-no-key-dir", ["keygen", "x", "--keys", "a-directory/missing/deeper"], 2, [], None),
    ("checkpoint-wrong-passphrase", ["checkpoint", "--time", "1767578500"], 2, ["log"], _wrong_passphrase),
    ("checkpoint-missing-key", ["checkpoint", "--log-key", "nokey"], 2, ["nokey"], None),
    ("register-pubkey-missing", ["office-register", "wjw", "--name-zh", "卫健委", "--name-en", "Health",
                                 "--pubkey", "missing.pub"], 2, ["missing.pub"], None),
    ("register-pubkey-garbage", ["office-register", "wjw", "--name-zh", "卫健委", "--name-en", "Health",
                                 "--pubkey", "pub-garbage.pub"], 2, ["pub-garbage.pub"], None),
    ("register-wrong-passphrase", ["office-register", "wjw", "--name-zh", "卫健委", "--name-en", "Health",
                                   "--key", "scjgj"], 2, [], _wrong_passphrase),
    ("rotate-unknown-office", ["key-rotate", "nobody", "--new-key", "scjgj", "--old-key-id", "0" * 16], 2,
     ["nobody"], None),
    ("init-exists", ["init", "--origin", "portal.test/county", "--training", "--disclosure", "sealed"], 2,
     ["trust.json"], None),
    # office input
    ("add-missing-file", ["add", "missing.yaml"], 2, ["missing.yaml"], None),
    ("add-bad-yaml", ["add", "bad.yaml", "--office", "scjgj"], 2, ["bad.yaml"], None),
    ("add-binary", ["add", "binary.yaml", "--office", "scjgj"], 2, ["binary.yaml"], None),
    ("add-unknown-office", ["add", "items-nobody.yaml"], 2, ["nobody"], None),
    ("add-office-mismatch", ["add", "items-nobody.yaml", "--office", "scjgj"], 2, ["items-nobody.yaml", "office"],
     None),
    ("add-wrong-passphrase", [
        "add", str(SAMPLE.parent / "examples" / "items-scjgj.yaml")], 2, ["scjgj"], _wrong_passphrase),
    ("add-directory", ["add", "a-directory", "--office", "scjgj"], 2, ["a-directory"], None),
    ("template-unknown-task", ["template", "results", "T-9999-999", "--xlsx", "out.xlsx"], 2, ["T-9999-999"], None),
    ("template-unwritable-output", lambda r: ["template", "results", _sample_locked_task(), "--ledger", str(SAMPLE),
                                              "--xlsx", "a-file/out.xlsx"], 2, ["a-file/out.xlsx"], None),
    ("report-bad-trust", lambda r: ["report", "deadlines", "--ledger", _bad_trust_ledger(r)], 2, ["trust.json"],
     None),
    # draws
    ("draw-commit-missing-spec", ["draw", "commit", "missing.yaml"], 2, ["missing.yaml"], None),
    ("draw-commit-bad-spec", ["draw", "commit", "bad.yaml"], 2, ["bad.yaml"], None),
    ("draw-lock-unknown-task", ["draw", "lock", "T-9999-999"], 2, ["T-9999-999"], None),
    ("draw-reveal-unknown-task", ["draw", "reveal", "T-9999-999"], 2, ["T-9999-999"], None),
    ("draw-show-unknown-task", ["draw", "show", "T-9999-999"], 2, ["T-9999-999"], None),
    ("draw-accept-unknown-task", ["draw", "accept", "T-9999-999", "--office", "scjgj"], 2, ["T-9999-999"], None),
    ("draw-record-beacon-no-round", ["draw", "record-beacon"], 2, ["ROUND"], None),
    ("draw-sim-seed-missing", ["draw", "record-beacon", "5", "--sim-beacon-seed", "missing.seed"], 2,
     ["missing.seed"], None),
    ("draw-replace-unknown-task", ["draw", "replace", "T-9999-999", "A", "--out", "B", "--reason", "health",
                                    "--approver-name", "张三"], 2,
     ["T-9999-999"], None),
    ("explain-unknown-task", ["explain", "T-9999-999", "91110000000000000X"], 2, ["T-9999-999"], None),
    # site
    ("build-missing-settings", ["build", "--settings", "missing.py", "--output", "out", "--no-search"], 2,
     ["missing.py"], None),
    ("build-bad-trust", lambda r: ["build", "--ledger", _bad_trust_ledger(r), "--output", "out", "--no-search"], 2,
     ["trust.json"], None),
    # git
    ("check-push-not-a-repo", ["check-push", "HEAD~1", "HEAD", "--repo", "a-directory"], 2, ["a-directory"], None),
    ("submit-not-a-repo", ["submit"], 2, ["git"], None),
    # witness and monitor
    ("witness-init-missing-trust", ["witness", "init", "--dir", "w", "--name", "w.test/w", "--trust", "missing.json"],
     2, ["missing.json"], None),
    ("witness-init-bad-trust", ["witness", "init", "--dir", "w", "--name", "w.test/w", "--trust", "bad.json"], 2,
     ["bad.json"], None),
    ("witness-serve-no-dir", ["witness", "serve", "--dir", "nowhere"], 2, ["nowhere"], None),
    ("monitor-missing-trust", ["monitor", "http://127.0.0.1:9/", "--trust", "missing.json", "--state", "m"], 2,
     ["missing.json"], None),
    # calendar, undo, demo, new portal
    ("calendar-missing-file", ["calendar", "add", "2027", "missing.yaml"], 2, ["missing.yaml"], None),
    ("calendar-bad-yaml", ["calendar", "add", "2027", "bad.yaml"], 2, ["bad.yaml"], None),
    ("undo-nothing", ["undo"], 2, [], None),
    ("demo-exists", ["demo"], 2, ["ledger"], None),
    ("new-portal-bad-ledger", lambda r: ["new-portal", "site", "--county-zh", "清河县", "--county-en", "Qinghe",
                                         "--host-zh", "县政府", "--host-en", "Gov", "--url", "https://x.test/",
                                         "--ledger", _bad_trust_ledger(r)], 2, ["trust.json"], None),
    # usage (argparse)
    ("usage-unknown-command", ["no-such-command"], 2, ["no-such-command"], None),
    ("usage-missing-argument", ["prove"], 2, ["entry_id"], None),
    ("usage-bad-int", ["verify", "--now", "soon"], 2, ["--now"], None),
]


@pytest.mark.parametrize("argv, code, fragments, env", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_path(at_portal, monkeypatch, capsys, argv, code, fragments, env):
    if env:
        env(monkeypatch)
    if callable(argv):
        argv = argv(at_portal)
    before = snapshot(at_portal / "ledger")
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == code, err
    assert err.strip(), "an error must say something"
    assert "Traceback" not in err and "internal error" not in err, err
    for f in fragments:
        assert f in err, (f, err)
    assert snapshot(at_portal / "ledger") == before, "a refusal writes nothing"


def test_a_real_bug_is_an_internal_error(at_portal, monkeypatch, capsys):
    """A bug (not a PublisherError) still ends as a short "internal error", exit 3."""
    from publisher.cli import ledger_cmds

    def broken(args):
        raise RuntimeError("deliberate bug")

    monkeypatch.setattr(ledger_cmds, "run_verify", broken)
    monkeypatch.delenv("PUBLISHER_DEBUG", raising=False)
    assert main(["verify"]) == 3
    err = capsys.readouterr().err
    assert err.strip() == ("内部错误（程序缺陷，请报告；设置 PUBLISHER_DEBUG=1 可看详情）/ internal error: "
                           "RuntimeError: deliberate bug")


def test_every_user_facing_error_has_one_root():
    """The error types the commands raise all derive from the kernel's PublisherError."""
    from publisher.beacon.chain import BeaconError
    from publisher.cli.errors import UserError
    from publisher.core.bounds import LimitError
    from publisher.core.canonical import CanonicalError
    from publisher.core.entry import EnvelopeError
    from publisher.core.errors import PublisherError
    from publisher.core.note import NoteError
    from publisher.core.registration import RegistrationError
    from publisher.core.trust import TrustError
    from publisher.directory.records import DirectoryError
    from publisher.draw.errors import DrawError
    from publisher.embargo.escrow import EscrowError
    from publisher.embargo.show import ShowError
    from publisher.gitops.checkpush import CheckPushError
    from publisher.gitops.git import GitError
    from publisher.gitops.submit import SubmitError
    from publisher.newportal import PortalError
    from publisher.site.build import BuildError
    from publisher.site.load import LedgerNotVerified
    from publisher.site.search import SearchIndexError
    from publisher.storage.keystore import KeyStoreError
    from publisher.storage.ledger_dir import LedgerIOError, NotRegularFile
    from publisher.storage.undo import UndoError
    from publisher.timelock.errors import TimelockError
    from publisher.witness.monitor import MonitorError
    from publisher.witness.protocol import ProtocolError
    from publisher.witness.state import WitnessConfigError
    from publisher.workdays import CalendarUnknown
    from publisher.workflow.errors import InputError

    for cls in (BeaconError, UserError, LimitError, CanonicalError, EnvelopeError, NoteError, RegistrationError,
                TrustError, DirectoryError, DrawError, EscrowError, ShowError, CheckPushError, GitError, SubmitError,
                PortalError, BuildError, LedgerNotVerified, SearchIndexError, KeyStoreError, LedgerIOError,
                NotRegularFile, UndoError, TimelockError, MonitorError, ProtocolError, WitnessConfigError,
                CalendarUnknown, InputError):
        assert issubclass(cls, PublisherError), cls
        assert cls.exit_code in (1, 2), cls


# Refusals a clerk met as an internal error, a silent no-op or an English-only line (issue 14
# leftovers): each is Chinese first ("中文 / English"), exit 2, and writes nothing.
CHINESE_FIRST = [
    ("now-env-not-a-number", ["status"], {"PUBLISHER_NOW": "tomorrow"},
     ["环境变量 PUBLISHER_NOW=“tomorrow”无效", "Unix 秒数", "PUBLISHER_NOW must be unix seconds"]),
    ("now-env-negative", ["draw", "lock", "T-9999-999"], {"PUBLISHER_NOW": "-5"},
     ["PUBLISHER_NOW=“-5”无效", "PUBLISHER_NOW must be unix seconds"]),
    ("now-env-fraction", ["add", "bad.yaml", "--office", "scjgj"], {"PUBLISHER_NOW": "1767225600.5"},
     ["PUBLISHER_NOW=“1767225600.5”无效"]),
    ("new-portal-missing-ledger", ["new-portal", "site", "--county-zh", "清河县", "--county-en", "Qinghe",
                                   "--host-zh", "县政府", "--host-en", "Gov", "--url", "https://x.test/",
                                   "--ledger", "no-such-ledger"], {},
     ["--ledger no-such-ledger：没有这个目录", "无法固定根密钥编号", "cannot pin the root key ids; nothing written"]),
    ("new-portal-ledger-not-a-ledger", ["new-portal", "site", "--county-zh", "清河县", "--county-en", "Qinghe",
                                        "--host-zh", "县政府", "--host-en", "Gov", "--url", "https://x.test/",
                                        "--ledger", "a-directory"], {},
     ["--ledger a-directory：不是账本（缺少 trust.json）", "not a ledger"]),
    ("undo-count-zero", ["undo", "--count", "0"], {},
     ["--count 0：撤销的条数须为正整数", "--count must be a positive whole number; nothing changed"]),
    ("undo-count-negative", ["undo", "--count", "-2"], {}, ["--count -2：撤销的条数须为正整数"]),
    ("status-unknown-office", ["status", "--office", "nobody"], {},
     ["--office nobody：账本中没有注册这个单位；已注册的单位：scjgj（县市场监督管理局）",
      "office 'nobody' is not registered in this ledger; registered offices: scjgj"]),
    ("report-unknown-office", ["report", "deadlines", "--office", "nobody", "--now", "1767578400"], {},
     ["--office nobody：账本中没有注册这个单位", "registered offices: scjgj"]),
    ("usage-missing-argument-zh", ["prove"], {},
     ["publisher prove: 错误：缺少必需的参数（用 -h 查看帮助）/ error: the following arguments are required: entry_id"]),
    ("usage-bad-int-zh", ["status", "--now", "soon"], {},
     ["publisher status: 错误：不是整数", "/ error: argument --now: invalid int value: 'soon'"]),
    ("usage-unknown-command-zh", ["no-such-command"], {}, ["publisher: 错误：无效的选项", "invalid choice"]),
    ("usage-unrecognized-zh", ["status", "--bogus"], {}, ["错误：无法识别的参数", "unrecognized arguments: --bogus"]),
]


@pytest.mark.parametrize("argv, env, fragments", [c[1:] for c in CHINESE_FIRST], ids=[c[0] for c in CHINESE_FIRST])
def test_refusal_is_chinese_first(at_portal, monkeypatch, capsys, argv, env, fragments):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    before = snapshot(at_portal)
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's usage errors keep their own exit
        rc = exc.code
    out, err = capsys.readouterr()
    assert rc == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    line = err.strip().splitlines()[-1]
    head = line.split("/ ", 1)[0]
    assert "/ " in line and any("\u4e00" <= c <= "\u9fff" for c in head), f"not Chinese first: {line}"
    assert line.index("错误：") < line.index("/ "), line
    for f in fragments:
        assert f in err, (f, err)
    assert not out.strip(), out
    assert snapshot(at_portal) == before, "a refusal writes nothing"


def test_now_env_integer_is_still_accepted(at_portal, monkeypatch, capsys):
    """The check refuses only malformed values: unix seconds (with stray spaces) still work."""
    monkeypatch.setenv("PUBLISHER_NOW", " 1767578400 ")
    assert main(["status"]) == 0, capsys.readouterr().err


def test_undo_beyond_the_log_names_both_numbers(at_portal, capsys):
    """--count larger than the log: the message says how many were asked for and how many exist."""
    n = len((at_portal / "ledger" / "log").read_text("utf-8").splitlines())
    before = snapshot(at_portal)
    assert main(["undo", "--count", str(n + 5)]) == 2
    err = capsys.readouterr().err
    assert f"要撤销 {n + 5} 条，但账本中只有 {n} 条记录 / cannot undo {n + 5}: the log has {n} entries" in err, err
    assert snapshot(at_portal) == before
