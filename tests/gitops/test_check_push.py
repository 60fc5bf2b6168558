"""`publisher check-push BASE HEAD` on real commits: honest pushes pass, tampering is refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from gitops_helpers import det_key, portal  # noqa: F401  (portal is a fixture)

from publisher.cli.main import main
from publisher.core.keys import SigningKey
from publisher.storage.ledger_dir import LedgerDir

ZERO = "0" * 40


@pytest.fixture
def work(portal):
    """A clone whose HEAD equals the server's main (BASE of the push under test)."""
    path = portal.clone("work")
    return portal, path, portal.head(path)


def check(repo, base, head="HEAD", *extra):
    return main(["check-push", base, head, "--repo", str(repo), *extra])


def refused(capsys, repo, base, *extra) -> list[str]:
    rc = check(repo, base, "HEAD", *extra)
    out, err = capsys.readouterr()
    assert rc == 1, err
    assert re.match(r"推送被拒绝（\d+ 个问题）/ PUSH REFUSED \(\d+ problems\): ", out.splitlines()[-1]), out
    lines = err.splitlines()
    for i, ln in enumerate(lines):  # each refusal: the Chinese line first, then the parseable one
        if ln.startswith("REFUSED "):
            where = ln[len("REFUSED "):].split(": ")[0]
            assert i > 0 and re.match(rf"拒绝 {re.escape(where)}：[\u2e80-\u9fff.]", lines[i - 1]), lines[i - 1:i + 1]
    return [ln for ln in lines if ln.startswith("REFUSED ")]


def test_every_gate_rule_has_a_chinese_name():
    from pathlib import Path

    from publisher.gitops.rules import GATE_ZH, Refusal

    src = Path(__file__).parents[2] / "src" / "publisher" / "gitops"
    used = {m for f in src.glob("*.py")
            for m in re.findall(r'(?:Refusal|TimeRefusal)\([^,]+, "([a-z-]+)', f.read_text("utf-8"))}
    assert {"immutable", "append-only", "future", "round-margin"} <= used
    assert sorted(used - set(GATE_ZH)) == []
    assert Refusal("ledger/log", "verify/hash", "x").zh_line() == "拒绝 ledger/log：账本核验不通过"
    assert Refusal("a", "immutable", "x").zh_line() == "拒绝 a：已发布的账本文件不能修改或删除"


def test_honest_push_passes(work, capsys):
    portal, path, base = work
    portal.append(path, "scjgj", "新公告")
    portal.append(path, "wjj", "另一条")
    blob = LedgerDir(path / "ledger").put_blob("名录快照".encode())
    portal.commit_all(path, "two entries and a blob")
    assert check(path, base) == 0
    out = capsys.readouterr().out
    assert out.startswith("可以推送 / PUSH OK: 4 changed files, 2 new log lines, ledger of 11 entries")
    assert (path / "ledger" / "blobs" / blob).exists()


def test_first_push_only_verifies(work, capsys):
    portal, path, _ = work
    assert check(path, ZERO) == 0
    assert "ledger of 9 entries" in capsys.readouterr().out
    p = path / "ledger" / "entries" / "scjgj" / "00000001.json"
    p.write_bytes(p.read_bytes().replace("第一号".encode(), "第九号".encode()))
    portal.commit_all(path, "tamper")
    lines = refused(capsys, path, ZERO)
    assert lines[0].startswith("REFUSED ledger/entries/scjgj/00000001.json: verify/hash: file content hashes to ")
    assert all(ln.startswith("REFUSED ledger/entries/scjgj/00000001.json: verify/") for ln in lines)


def test_editing_an_entry_is_refused(work, capsys):
    portal, path, base = work
    p = path / "ledger" / "entries" / "scjgj" / "00000001.json"
    obj = json.loads(p.read_text("utf-8"))
    obj["body"]["text"] = "改过的公告"
    p.write_text(json.dumps(obj, ensure_ascii=False, indent=2))
    portal.commit_all(path, "edit")
    lines = refused(capsys, path, base)
    assert lines[0] == ("REFUSED ledger/entries/scjgj/00000001.json: immutable: modifies an existing "
                        "ledger file; ledger files are only ever added, never edited")
    assert any("verify/" in ln for ln in lines)  # and the verifier agrees


def test_reformatting_an_entry_is_refused_even_though_it_verifies(work, capsys):
    """Whitespace-only edits keep the entry id; the diff rule still refuses them."""
    portal, path, base = work
    p = path / "ledger" / "entries" / "wjj" / "00000001.json"
    p.write_text(json.dumps(json.loads(p.read_text("utf-8")), ensure_ascii=False))
    portal.commit_all(path, "reformat")
    assert refused(capsys, path, base) == [
        "REFUSED ledger/entries/wjj/00000001.json: immutable: modifies an existing ledger file; "
        "ledger files are only ever added, never edited"]


def test_deleting_an_entry_is_refused(work, capsys):
    portal, path, base = work
    (path / "ledger" / "entries" / "sjj" / "00000001.json").unlink()
    portal.commit_all(path, "delete")
    lines = refused(capsys, path, base)
    assert lines[0] == ("REFUSED ledger/entries/sjj/00000001.json: immutable: deletes an existing "
                        "ledger file; ledger files are only ever added")
    assert any("verify/missing" in ln for ln in lines)


def test_reordering_the_log_is_refused(work, capsys):
    portal, path, base = work
    log = path / "ledger" / "log"
    lines = log.read_text().splitlines(keepends=True)
    lines[-1], lines[-2] = lines[-2], lines[-1]
    log.write_text("".join(lines))
    portal.commit_all(path, "reorder")
    out = refused(capsys, path, base)
    assert out[0].startswith("REFUSED ledger/log: append-only: line 8 was reordered (was 'wjj/1 ")
    assert out[0].endswith("the log may only grow by appending lines")


def test_removing_and_editing_log_lines_is_refused(work, capsys):
    portal, path, base = work
    log = path / "ledger" / "log"
    original = log.read_text()
    log.write_text("".join(original.splitlines(keepends=True)[:-2]))
    portal.commit_all(path, "truncate")
    assert refused(capsys, path, base)[0] == ("REFUSED ledger/log: append-only: line 8 and after (2 lines) "
                                              "were removed; the log may only grow by appending lines")
    log.write_text(original.replace("operator/3", "operator/4", 1))
    portal.commit_all(path, "edit line")
    assert "line 3 was" in refused(capsys, path, base)[0]


def test_private_keys_are_refused(work, capsys):
    portal, path, base = work
    key = SigningKey.generate()
    (path / "keys").mkdir()
    (path / "keys" / "scjgj.pem").write_bytes(key.to_encrypted_pem(b"passphrase"))
    from cryptography.hazmat.primitives import serialization

    plain = key._private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    (path / "notes.txt").write_bytes(b"backup of the key:\n" + plain)
    go = "PRIVATE" + "+KEY+portal.test+0a1b2c3d+" + "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    (path / "README.md").write_text(f"signer: {go}\n")
    portal.commit_all(path, "oops")
    # even in a run a code owner approved (changes outside ledger/ admitted), keys never pass
    lines = refused(capsys, path, base, "--allow-outside-ledger")
    assert "REFUSED keys/scjgj.pem: private-key: key files never go into the repository " \
           "(keep them in $PUBLISHER_KEYS outside it; CI gets them from secrets)" in lines
    assert any(ln.startswith("REFUSED notes.txt: private-key: contains a PEM private key block") for ln in lines)
    assert any(ln.startswith("REFUSED README.md: private-key: contains a signed-note private key string")
               for ln in lines)
    assert len(lines) == 3


def test_blob_name_and_layout_and_unlisted_entries(work, capsys):
    portal, path, base = work
    ledger = path / "ledger"
    (ledger / "blobs" / ("ab" * 32)).write_bytes(b"not what the name says")
    (ledger / "notes.md").write_text("hello")
    e = portal.append(path, "scjgj", "listed")
    # an entry file without a log line (as if copied in by hand)
    (ledger / "entries" / "scjgj" / "00000003.json").write_bytes(e.to_file_bytes())
    portal.commit_all(path, "junk")
    lines = refused(capsys, path, base)
    assert f"REFUSED ledger/blobs/{'ab' * 32}: blob-name: content hashes to " in "\n".join(lines)
    assert any(ln.startswith("REFUSED ledger/notes.md: layout: not a ledger file") for ln in lines)
    assert ("REFUSED ledger/entries/scjgj/00000003.json: unlisted: entry file added but no line "
            "'scjgj/3 …' is appended to the log in this push") in lines


def test_trust_json_is_immutable(work, capsys):
    portal, path, base = work
    p = path / "ledger" / "trust.json"
    t = json.loads(p.read_text())
    t["root_keys"].append({"key_id": det_key("evil").id, "public_key": det_key("evil").public.b64})
    p.write_text(json.dumps(t))
    portal.commit_all(path, "add a root key")
    assert refused(capsys, path, base)[0] == ("REFUSED ledger/trust.json: immutable: modifies an existing "
                                              "ledger file; trust anchors (trust.json) never change")


def test_properly_appended_but_badly_signed_entry_is_refused(work, capsys):
    portal, path, base = work
    portal.append(path, "wjj", "signed with a key nobody registered", key=det_key("intruder"))
    portal.commit_all(path, "forged")
    lines = refused(capsys, path, base)
    assert len(lines) == 1 and lines[0].startswith("REFUSED ledger/entries/wjj/00000002.json: verify/signature: ")


def test_unknown_base_is_a_clear_error(work, capsys):
    _, path, _ = work
    assert check(path, "1234567" * 5 + "12345") == 2
    assert "not a commit in this clone" in capsys.readouterr().err


def test_cli_runs_in_a_bare_repository_without_work_tree(work):
    portal, path, base = work
    portal.append(path, "sjj", "pushed")
    portal.commit_all(path, "one more")
    portal.git(path, "push", "-q", "origin", "main")
    r = portal.publisher(portal.remote, "check-push", base, "main")
    assert r.returncode == 0 and r.stdout.startswith("可以推送 / PUSH OK: 2 changed files, 1 new log lines"), r.stdout + r.stderr


def test_dropping_the_union_merge_attribute_is_refused(work, capsys):
    portal, path, base = work
    (path / ".gitattributes").write_text("*.md -text\n")
    portal.commit_all(path, "attributes")
    assert refused(capsys, path, base, "--allow-outside-ledger") == [
        "REFUSED .gitattributes: gitattributes: must keep the line 'ledger/log merge=union' "
        "(concurrent appends of different offices rely on it)"]


def test_gitattributes_that_rewrite_checkouts_are_refused(work, capsys):
    portal, path, base = work
    (path / ".gitattributes").write_text("ledger/log merge=union text eol=crlf\n")
    portal.commit_all(path, "attributes")
    # an office push: nothing outside ledger/ at all
    assert refused(capsys, path, base) == [
        "REFUSED .gitattributes: outside: an office push may change only ledger/; code, CI files, site "
        "content and .gitattributes change through review by code owners (docs/OPERATIONS.md, \"The gate\")",
        "REFUSED .gitattributes: gitattributes: line 1 sets text eol=crlf: attributes that rewrite bytes "
        "on checkout are not allowed (ledger files are hashed as stored)"]
    # a reviewed change may not do it either
    assert refused(capsys, path, base, "--allow-outside-ledger") == [
        "REFUSED .gitattributes: gitattributes: line 1 sets text eol=crlf: attributes that rewrite bytes "
        "on checkout are not allowed (ledger files are hashed as stored)"]


def test_office_pushes_change_nothing_outside_the_ledger(work, capsys):
    portal, path, base = work
    (path / "src" / "publisher" / "gitops").mkdir(parents=True)
    (path / "src" / "publisher" / "gitops" / "rules.py").write_text("def check_changes(*a): return []\n")
    (path / ".github" / "workflows").mkdir(parents=True)
    (path / ".github" / "workflows" / "portal.yml").write_text("on: push\n")
    portal.append(path, "scjgj", "with code")
    portal.commit_all(path, "code and an entry")
    lines = refused(capsys, path, base)
    assert sorted(ln.split(":")[0] for ln in lines) == [
        "REFUSED .github/workflows/portal.yml", "REFUSED src/publisher/gitops/rules.py"]
    assert all(": outside: an office push may change only ledger/" in ln for ln in lines)
    assert check(path, base, "HEAD", "--allow-outside-ledger") == 0


def test_since_a_ref_that_was_deleted(work, capsys):
    portal, path, base = work
    # no checkpoints yet: a missing ref is a bootstrap (verify only)
    assert main(["check-push", "--since", "refs/heads/portal-checkpointed", "HEAD", "--repo", str(path)]) == 0
    capsys.readouterr()
    portal.git(path, "branch", "portal-checkpointed", base)
    assert main(["check-push", "--since", "portal-checkpointed", "HEAD", "--repo", str(path)]) == 0
    capsys.readouterr()
    # once checkpoints exist, a missing ref means someone removed it: refuse, do not fall back
    from publisher.cli.main import main as cli
    portal.git(path, "branch", "-D", "portal-checkpointed")
    env = {"PUBLISHER_KEY_PASSPHRASE": "pw"}
    keys = path.parent / "keys"
    keys.mkdir()
    (keys / "log.pem").write_bytes(det_key("log").to_encrypted_pem(b"pw"))
    r = portal.publisher(path, "checkpoint", "--log-key", "log", "--keys", str(keys), env=env)
    assert r.returncode == 0, r.stderr
    portal.commit_all(path, "checkpoint")
    assert cli(["check-push", "--since", "portal-checkpointed", "HEAD", "--repo", str(path)]) == 2
    assert "the checkpointed ref 'portal-checkpointed' is missing, but the ledger already has 1 checkpoint(s)" \
        in capsys.readouterr().err


def test_as_a_server_pre_receive_hook(work):
    """On a self-hosted server check-push is a real gate: the refused push never lands."""
    portal, path, base = work
    hook = portal.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nset -e\nwhile read old new ref; do\n"
                    '  [ "$ref" = refs/heads/main ] || continue\n'
                    f'  "{sys.executable}" -m publisher.cli.main check-push "$old" "$new" --repo .\n'
                    "done\n")
    hook.chmod(0o755)
    (path / "ledger" / "entries" / "wjj" / "00000001.json").unlink()
    portal.commit_all(path, "delete an entry")
    p = subprocess.run(["git", "push", "origin", "main"], cwd=path, env=portal.env, capture_output=True, text=True)
    assert p.returncode != 0
    assert "remote: REFUSED ledger/entries/wjj/00000001.json: immutable: deletes an existing ledger file" in p.stderr
    assert portal.head() == base
    # an honest clerk is not affected, and sees the server's verdict if refused
    clerk = portal.clone("clerk")
    portal.append(clerk, "wjj", "ok")
    r = portal.publisher(clerk, "submit")
    assert r.returncode == 0, r.stderr
    portal.append(clerk, "wjj", "signed by an intruder", key=det_key("intruder"))
    portal.git(clerk, "add", "ledger")
    r = portal.publisher(clerk, "submit")  # local verification stops it before the server does
    assert r.returncode == 2 and "does not verify" in r.stderr
    portal.git(clerk, "reset", "-q", "--hard", "origin/main")
    (clerk / "office.pem").write_bytes(det_key("office:wjj").to_encrypted_pem(b"pw"))
    portal.commit_all(clerk, "backup my key (wrong!)")
    portal.append(clerk, "wjj", "with a key file in the same push")
    r = portal.publisher(clerk, "submit")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "refused the push; your commit is still local" in r.stderr
    assert "REFUSED office.pem: private-key" in r.stderr


def test_symlinks_in_the_ledger_are_refused(work, capsys):
    portal, path, base = work
    (path / "ledger" / "checkpoints" / "0000000009.note").symlink_to("/etc/hostname")
    portal.commit_all(path, "symlink")
    assert "REFUSED ledger/checkpoints/0000000009.note: layout: symlinks, submodules and odd names are " \
           "not allowed in the ledger" in refused(capsys, path, base)


def test_broken_trust_json_on_first_push_is_refused_plainly(work, capsys):
    portal, path, _ = work
    (path / "ledger" / "trust.json").write_text("{not json")
    portal.commit_all(path, "break trust")
    lines = refused(capsys, path, ZERO)
    assert len(lines) == 1 and lines[0].startswith("REFUSED ledger: verify/ledger: ledger/trust.json: not valid JSON")
