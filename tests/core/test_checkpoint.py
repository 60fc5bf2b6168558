"""Checkpoints: real third-party checkpoint notes (lenient), our strict format with a time line,
fork/consistency checks, and the worked example in docs/spec/30-checkpoints.md."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from publisher.core import merkle
from publisher.core.checkpoint import (
    Checkpoint,
    CheckpointError,
    check_consistency,
    check_same_size_fork,
    check_time_order,
    open_checkpoint,
    parse_body,
    sign_checkpoint,
)
from publisher.core.keys import SigningKey
from publisher.core.note import NoteError, Signer, Verifier, open_note

REPO = Path(__file__).resolve().parents[2]
V = json.loads((REPO / "tests/vectors/signed-note-and-checkpoints.json").read_text("utf-8"))
ORIGIN = "portal.example.gov.cn/demo-county"
SIGNER = Signer(ORIGIN, SigningKey.from_seed(hashlib.sha256(b"test log key").digest()))
ROOT3 = merkle.root([merkle.leaf_hash(bytes([i]) * 32) for i in range(3)])
R64 = base64.b64encode(ROOT3).decode()


def body(size="3", root=R64, *ext, origin=ORIGIN) -> str:
    return "".join(line + "\n" for line in (origin, size, root, *ext))


CHECKPOINT_CASES = [c for c in V["cases"] if c["id"].startswith(("sumdb-checkpoint", "sigsum-test-checkpoint"))]


def test_checkpoint_case_count():
    assert len(CHECKPOINT_CASES) == 5


@pytest.mark.parametrize("case", CHECKPOINT_CASES, ids=lambda c: c["id"])
def test_real_checkpoints_lenient(case):
    verifier = Verifier.from_vkey(case["vkeys"][0])
    if not case["note_accepted"]:
        with pytest.raises(NoteError):
            open_checkpoint(case["note"], verifier, require_time=False)
        return
    cp = open_checkpoint(case["note"], verifier, require_time=False)
    text = case["note"][: case["note"].index("\n\n") + 1]
    lines = text.splitlines()
    assert (cp.origin, cp.size, base64.b64encode(cp.root).decode()) == (lines[0], int(lines[1]), lines[2])
    assert cp.time is None and cp.extra == ()
    assert cp.body() == text  # lossless
    # our strict format needs the time line (and sum.golang.org's origin has spaces)
    with pytest.raises(CheckpointError):
        open_checkpoint(case["note"], verifier)


def test_sumdb_checkpoint_values():
    case = next(c for c in CHECKPOINT_CASES if c["id"] == "sumdb-checkpoint-58253265")
    cp = open_checkpoint(case["note"], Verifier.from_vkey(case["vkeys"][0]), require_time=False)
    assert cp.origin == "go.sum database tree" and cp.size == 58253265


def test_generated_empty_tree_checkpoint():
    g = V["generated_here_not_official"]["log_checkpoint_empty_tree"]
    verifier = Verifier.from_vkey(g["log_vkey_type01"])
    cp = open_checkpoint(g["note"], verifier, require_time=False)
    assert (cp.size, cp.root, cp.time) == (0, merkle.EMPTY_ROOT, None)


def test_spec_example_body_parses_leniently_only():
    body_text = V["generated_here_not_official"]["cosignature_v1"]["checkpoint_body"]
    cp = parse_body(body_text, require_time=False)
    assert (cp.origin, cp.size) == ("example.com/behind-the-sofa", 20852163)
    with pytest.raises(CheckpointError, match="no 'time <unix seconds>' line"):
        parse_body(body_text)


# --- our format -------------------------------------------------------------------------------------


def test_body_and_round_trip():
    cp = Checkpoint(ORIGIN, 3, ROOT3, 1767225600)
    assert cp.body() == body("3", R64, "time 1767225600")
    note = sign_checkpoint(cp, SIGNER)
    assert note.startswith(cp.body() + "\n\u2014 " + ORIGIN + " ")
    assert open_checkpoint(note, SIGNER.verifier) == cp
    assert parse_body(cp.body()) == cp


def test_empty_log_checkpoint():
    cp = Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT, 0)
    assert open_checkpoint(sign_checkpoint(cp, SIGNER), SIGNER.verifier) == cp
    with pytest.raises(CheckpointError, match="empty-tree root"):
        Checkpoint(ORIGIN, 0, ROOT3, 0)


@pytest.mark.parametrize(
    "text, reason",
    [
        (body("3", R64), "no 'time <unix seconds>' line"),
        (body("3", R64, "time 1", "extra"), "unexpected extension line 'extra'"),
        (body("3", R64, "extra", "time 1"), "no 'time"),
        (body("03", R64, "time 1"), "not a decimal number"),
        (body("+3", R64, "time 1"), "not a decimal number"),
        (body(" 3", R64, "time 1"), "not a decimal number"),
        (body("1_0", R64, "time 1"), "not a decimal number"),
        (body("\u0663", R64, "time 1"), "not a decimal number"),  # ARABIC-INDIC DIGIT THREE
        (body("-1", R64, "time 1"), "not a decimal number"),
        (body(str(2**63), R64, "time 1"), "not a decimal number"),
        (body("", R64, "time 1"), "line 2 is empty"),
        (body("3", R64, "time 01"), "no 'time"),
        (body("3", R64, "time  1"), "no 'time"),
        (body("3", R64, "Time 1"), "no 'time"),
        (body("3", R64, "time 1 "), "no 'time"),
        (body("3", R64, "time " + str(2**63)), "not a decimal number"),
        (body("3", R64[:-1], "time 1"), "not valid base64"),
        (body("3", R64[:10] + "=" + R64[11:], "time 1"), "not valid base64"),
        (body("3", base64.b64encode(ROOT3[:31]).decode(), "time 1"), "31 bytes, not 32"),
        (body("3", base64.b64encode(ROOT3 + b"\0").decode(), "time 1"), "33 bytes, not 32"),
        (body("3", base64.urlsafe_b64encode(b"\xfb" * 32).decode(), "time 1"), "not valid base64"),
        (body("3", R64, "time 1", origin="has space"), "contains a space"),
        (body("3", R64, "time 1", origin="a+b"), "contains '+'"),
        (body("3", R64, "time 1", origin=""), "line 1 is empty"),
        (body("3", R64, "time 1")[:-1], "does not end in a newline"),
        (body("3", R64, "time 1") + "\n", "line 5 is empty"),
        (ORIGIN + "\n3\n", "fewer than 3 lines"),
        (body("3", R64, "time\t1"), "control character"),
        (body("0", R64, "time 1"), "empty-tree root"),
    ],
)
def test_strict_parse_refuses(text, reason):
    with pytest.raises(CheckpointError, match=re.escape(reason)):
        parse_body(text)


def test_non_canonical_root_base64_refused():
    last = R64[-2]  # one '=' of padding: the last data char carries 2 unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    tweaked = R64[:-2] + alphabet[alphabet.index(last) ^ 1] + "="
    assert base64.b64decode(tweaked) == ROOT3  # same bytes, another spelling
    with pytest.raises(CheckpointError, match="not canonical base64"):
        parse_body(body("3", tweaked, "time 1"))


def test_lenient_keeps_unknown_extensions_and_time():
    text = body("3", R64, "time 5", "vendor ext", "another")
    cp = parse_body(text, require_time=False)
    assert (cp.time, cp.extra) == (5, ("vendor ext", "another"))
    assert cp.body() == text
    cp2 = parse_body(body("3", R64, "vendor ext"), require_time=False)
    assert (cp2.time, cp2.extra) == (None, ("vendor ext",))
    with pytest.raises(CheckpointError, match="line 4 is empty"):
        parse_body(body("3", R64, "", "x"), require_time=False)


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        (dict(size=-1), "size must be"),
        (dict(size=True), "size must be"),
        (dict(size=2**63), "size must be"),
        (dict(time=-5), "time must be"),
        (dict(time=1.5), "time must be"),
        (dict(root=ROOT3[:31]), "root must be 32 bytes"),
        (dict(root=ROOT3.hex()), "root must be 32 bytes"),
        (dict(origin="a\nb"), "control character"),
        (dict(origin=""), "origin is empty"),
        (dict(extra=("",)), "extension line is empty"),
    ],
)
def test_checkpoint_values_validated(kwargs, reason):
    args = dict(origin=ORIGIN, size=3, root=ROOT3, time=1)
    args.update(kwargs)
    with pytest.raises(CheckpointError, match=re.escape(reason)):
        Checkpoint(**args)


def test_sign_checkpoint_policy():
    with pytest.raises(CheckpointError, match="exactly one extension line"):
        sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT3, None), SIGNER)
    with pytest.raises(CheckpointError, match="exactly one extension line"):
        sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT3, 1, ("x",)), SIGNER)
    with pytest.raises(CheckpointError, match="is not the log key name"):
        sign_checkpoint(Checkpoint("other.example/log", 3, ROOT3, 1), SIGNER)


def test_open_checkpoint_refuses_other_origin_and_tampering():
    other = Signer("other.example/log", SigningKey.from_seed(bytes(32)))
    foreign = sign_checkpoint(Checkpoint("other.example/log", 3, ROOT3, 1), other)
    # a note correctly signed by a trusted key whose name is not the origin
    relabelled = open_note(foreign, [other.verifier])[0].replace("other.example/log\n", "fake.example/log\n", 1)
    from publisher.core.note import sign_note

    with pytest.raises(CheckpointError, match="is not the log key name"):
        open_checkpoint(sign_note(relabelled, [other]), other.verifier)
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT3, 1), SIGNER)
    with pytest.raises(NoteError, match="invalid signature"):
        open_checkpoint(note.replace("\n3\n", "\n4\n", 1), SIGNER.verifier)
    with pytest.raises(NoteError, match="invalid signature"):
        open_checkpoint(note.replace("time 1\n", "time 2\n", 1), SIGNER.verifier)
    with pytest.raises(NoteError, match="no verifiable signatures"):
        open_checkpoint(note, other.verifier)


# --- forks, consistency, time ---------------------------------------------------------------------


LEAVES = [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(12)]
TREE = merkle.MerkleTree(LEAVES)


def cp_at(size: int, t: int, tree: merkle.MerkleTree = TREE) -> Checkpoint:
    return Checkpoint(ORIGIN, size, tree.root(size), t)


def test_same_size_fork():
    forked = merkle.MerkleTree(LEAVES[:4] + [merkle.leaf_hash(b"evil")] + LEAVES[5:])
    a, b = cp_at(8, 100), cp_at(8, 200, forked)
    msg = check_same_size_fork(a, b)
    assert msg and "fork" in msg and a.root.hex() in msg and b.root.hex() in msg and "size 8" in msg
    assert check_same_size_fork(b, a)
    assert check_same_size_fork(a, cp_at(8, 300)) is None  # same root re-signed later: fine
    assert check_same_size_fork(a, cp_at(9, 300, forked)) is None  # different sizes: needs a proof
    other_log = Checkpoint("other.example/log", 8, b.root, 1)
    assert check_same_size_fork(a, other_log) is None


def test_consistency_between_checkpoints():
    old, new = cp_at(5, 100), cp_at(12, 200)
    proof = TREE.consistency_proof(5)
    assert check_consistency(old, new, proof) is None
    assert check_consistency(new, old, proof) is None  # order does not matter
    forked = merkle.MerkleTree(LEAVES[:2] + [merkle.leaf_hash(b"evil")] + LEAVES[3:])
    bad_new = cp_at(12, 200, forked)
    msg = check_consistency(old, bad_new, forked.consistency_proof(5))
    assert msg and "does not extend size 5" in msg
    assert "different logs" in check_consistency(old, Checkpoint("x.example", 12, new.root, 1), proof)
    assert check_consistency(cp_at(8, 1), cp_at(8, 2, forked), []).startswith("fork")


def test_time_order():
    assert check_time_order(cp_at(5, 100), cp_at(12, 200)) is None
    assert check_time_order(cp_at(5, 100), cp_at(5, 50)) is None  # same size: re-signing is allowed
    msg = check_time_order(cp_at(12, 100), cp_at(5, 200))
    assert msg and "time goes backwards" in msg
    assert check_time_order(cp_at(5, 200), Checkpoint(ORIGIN, 12, TREE.root(), None)) is None


def test_streaming_log_prefix_matches_each_checkpoint():
    """How the verifier uses TreeBuilder: compare every checkpoint while reading the log once."""
    checkpoints = {3: cp_at(3, 10), 8: cp_at(8, 20), 12: cp_at(12, 30)}
    tampered = list(LEAVES)
    tampered[9] = merkle.leaf_hash(b"reordered")
    for log, want_bad in ((LEAVES, []), (tampered, [12])):
        b = merkle.TreeBuilder()
        bad = []
        for leaf in log:
            b.append(leaf)
            if b.size in checkpoints and b.root() != checkpoints[b.size].root:
                bad.append(b.size)
        assert bad == want_bad


# --- the worked example in docs/spec/30-checkpoints.md cannot drift -------------------------------


def checkpoint_example_values() -> dict[str, str]:
    g = V["generated_here_not_official"]
    signer = Signer("example.gov.cn/shuangsuiji-demo-log", SigningKey.from_seed(bytes.fromhex(g["ed25519_seed_hex_TEST_ONLY"])))
    leaves = [merkle.leaf_hash(hashlib.sha256(s.encode()).digest()) for s in ("entry-a", "entry-b", "entry-c")]
    cp = Checkpoint(signer.name, 3, merkle.root(leaves), 1767225600)
    signed = sign_checkpoint(cp, signer)
    sig_line = signed[len(cp.body()) + 1 :]
    payload = base64.b64decode(sig_line.rstrip("\n").split(" ")[2])
    return {
        "seed_TEST_ONLY": g["ed25519_seed_hex_TEST_ONLY"],
        "public_key": signer.verifier.public.hex(),
        "key_name": signer.name,
        "key_id": signer.key_id.hex(),
        "vkey": signer.vkey,
        "body_line[0]": cp.body().split("\n")[0],
        "body_line[1]": cp.body().split("\n")[1],
        "body_line[2]": cp.body().split("\n")[2],
        "body_line[3]": cp.body().split("\n")[3],
        "body_bytes": str(len(cp.body().encode())),
        "body_sha256": hashlib.sha256(cp.body().encode()).hexdigest(),
        "signature_hex": payload[4:].hex(),
        "signature_line": sig_line.rstrip("\n"),
    }


def test_spec_checkpoint_example_matches_code():
    text = (REPO / "docs/spec/30-checkpoints.md").read_text("utf-8")
    m = re.search(r"^```vector checkpoint-example\n(.*?)^```$", text, re.S | re.M)
    assert m, "no ```vector checkpoint-example``` block"
    doc = {}
    for line in m.group(1).splitlines():
        if line.strip():
            k, sep, v = line.partition(" = ")
            assert sep and k not in doc, line
            doc[k] = v
    assert doc == checkpoint_example_values()
    # and the full note shown in the spec is exactly what the code signs
    n = re.search(r"^```note checkpoint-example\n(.*?)^```$", text, re.S | re.M)
    assert n, "no ```note checkpoint-example``` block"
    vals = checkpoint_example_values()
    want = "".join(vals[f"body_line[{i}]"] + "\n" for i in range(4)) + "\n" + vals["signature_line"] + "\n"
    assert n.group(1) == want
    assert open_checkpoint(n.group(1), Verifier.from_vkey(vals["vkey"])).size == 3
