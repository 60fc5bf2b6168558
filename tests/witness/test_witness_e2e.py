"""Three real witness processes on 127.0.0.1 and `publisher checkpoint` collecting their
cosignatures: all up, one stopped, one lagging, below quorum (pending, offices unaffected),
and a witness killed with SIGKILL in the middle of add-checkpoint requests."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from urllib.parse import urlsplit

import pytest
from witnesstools import WitnessedLedger, WitnessProc

from ledgertools import ORIGIN, det_key
from publisher.cli.main import main
from publisher.core import merkle
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.cosignature import witness_times
from publisher.core.note import Signer
from publisher.storage import keystore
from publisher.witness.protocol import decode_cosignatures, encode_request

NAMES = ["w1.test/witness", "w2.test/witness", "w3.test/witness"]


@pytest.fixture
def portal(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "portal passphrase")
    monkeypatch.setenv("PUBLISHER_STATE", str(tmp_path / "state"))
    keystore.save_key("log", det_key("log"), tmp_path / "keys")
    log_vkey = Signer(ORIGIN, det_key("log")).vkey
    ws = [WitnessProc(tmp_path / "witnesses", n, log_vkey).start() for n in NAMES]
    f = WitnessedLedger(tmp_path / "ledger", NAMES, 2, urls={w.name: w.url for w in ws}).init()
    f.clock = int(time.time()) - 3600  # real witnesses use the real clock
    f.add_office("scjgj")
    f.notice("scjgj")
    yield f, ws
    for w in ws:
        w.stop()


def checkpoint(f, *extra) -> int:
    return main(["checkpoint", "--ledger", str(f.ledger.root), "--witness-timeout", "1",
                 "--witness-retries", "1", *extra])


def cosigners(f) -> dict[str, int]:
    latest = f.ledger.checkpoint_files()[-1].read_text()
    return witness_times(latest, [c.witness for c in f.cosigners])[1]


def test_three_witnesses_one_stopped_one_lagging(portal, capsys):
    f, (w1, w2, w3) = portal
    started = time.time()
    assert checkpoint(f) == 0
    assert set(cosigners(f)) == set(NAMES)
    assert all(abs(t - started) < 60 for t in cosigners(f).values())
    # one witness down: the other two are a quorum
    w3.stop()
    f.notice("scjgj", "2")
    assert checkpoint(f) == 0
    assert set(cosigners(f)) == {NAMES[0], NAMES[1]}
    assert "w3.test/witness: unreachable" in capsys.readouterr().err
    # it comes back lagging (its state is two checkpoints old): the 409 tells the log where it
    # is, and a consistency proof from there brings it along
    w3.start()
    f.notice("scjgj", "3")
    lagging_at = w3.latest_size()
    assert checkpoint(f, "--witness", f"{w3.name}={w3.url}") == 0  # it restarted on another port
    assert set(cosigners(f)) == set(NAMES) and w3.latest_size() > lagging_at
    r = f.verify()
    assert r.ok and len(r.witnessed) == 3 and all(w.time is not None for w in r.witnessed)
    capsys.readouterr()
    assert main(["verify", "--ledger", str(f.ledger.root), "--json"]) == 0
    cps = json.loads(capsys.readouterr().out)["checkpoints"]
    assert set(cps[-1]["witnesses"]) == set(NAMES) and cps[-1]["witnessed_time"] == sorted(cps[-1]["witnesses"].values())[1]
    assert set(cps[1]["witnesses"]) == {NAMES[0], NAMES[1]}


def test_below_quorum_stays_pending_and_offices_keep_working(portal, capsys):
    f, (w1, w2, w3) = portal
    assert checkpoint(f) == 0
    w2.stop()
    w3.stop()
    f.notice("scjgj", "while witnesses are down")
    n = len(f.ledger.checkpoint_files())
    assert checkpoint(f) == 0  # never blocks the pipeline
    err = capsys.readouterr().err
    assert "PENDING: 1 of 3 witnesses cosigned, quorum is 2" in err
    assert len(f.ledger.checkpoint_files()) == n, "a checkpoint below quorum never enters the ledger"
    pending = (f.root.parent / "state" / "pending.note").read_text()
    f.notice("scjgj", "an office pushes meanwhile")  # offices are not blocked
    assert f.verify().ok
    # the witness comes back: the next run cosigns the newer tree and clears the pending note
    w2.start()
    assert checkpoint(f, "--witness", f"{w2.name}={w2.url}") == 0
    assert len(f.ledger.checkpoint_files()) == n + 1
    assert not (f.root.parent / "state" / "pending.note").exists()
    assert len(cosigners(f)) == 2 and pending


def test_rolled_back_log_is_refused_by_the_witnesses(portal, capsys):
    """The operator rewrites the log after the witnesses cosigned it: every witness refuses."""
    f, ws = portal
    f.notice("scjgj", "2")
    assert checkpoint(f) == 0
    size = f.verify().size
    # a rolled-back/forked view of the same log: a shorter tree signed by the log key
    ids = [l.entry_id for l in f.ledger.iter_log()][: size - 1]
    ls = [merkle.leaf_hash(bytes.fromhex(i)) for i in ids]
    note = sign_checkpoint(Checkpoint(ORIGIN, len(ls), merkle.root(ls), int(time.time())), f.log_signer)
    for w in ws:
        u = urlsplit(w.url)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
        c.request("POST", "/add-checkpoint", body=encode_request(len(ls), [], note))
        r = c.getresponse()
        assert (r.status, r.read()) == (409, f"{size}\n".encode())
        assert w.latest_size() == size


def _post(url, body):
    u = urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    try:
        c.request("POST", "/add-checkpoint", body=body)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_during_add_checkpoint_never_rolls_back(tmp_path, seed):
    """Submit a growing log as fast as possible, SIGKILL the witness at a random instant,
    restart it: every size it already returned a cosignature for is still its floor, and it
    refuses a fork of whatever state it restarted with.

    The kill instant is random but tied to progress, not to the wall clock: after a random
    number of cosignatures plus a random sub-request jitter. (A fixed 0.3-1.0 s sleep assumed a
    request rate: on a loaded machine, fsync can make the witness cosign nothing in a second.)"""
    log = Signer(ORIGIN, det_key("log"))
    w = WitnessProc(tmp_path, "w.test/kill", log.vkey).start()
    ls = [merkle.leaf_hash(b"e%d" % i) for i in range(400)]
    cosigned: list[int] = []
    stop = threading.Event()
    rng = random.Random(seed)
    kill_after = rng.randrange(5, 150)  # cosignatures before the kill
    reached = threading.Event()

    def feeder():
        old = 0
        for n in range(1, len(ls) + 1):
            if stop.is_set():
                return
            note = sign_checkpoint(Checkpoint(ORIGIN, n, merkle.root(ls[:n]), 1767225600 + n), log)
            proof = merkle.consistency_proof(ls[:n], old) if 0 < old < n else []
            try:
                status, body = _post(w.url, encode_request(old, proof, note))
            except (OSError, http.client.HTTPException):  # killed mid-response (IncompleteRead): no cosignature
                return
            if status == 200:
                decode_cosignatures(note, body)
                cosigned.append(n)
                old = n
                if len(cosigned) >= kill_after:
                    reached.set()

    t = threading.Thread(target=feeder)
    t.start()
    deadline = time.monotonic() + 120  # generous: only a stalled witness takes this long
    while not reached.wait(0.05) and t.is_alive() and time.monotonic() < deadline:
        pass
    time.sleep(rng.uniform(0, 0.01))  # land anywhere inside the next request(s)
    w.kill()
    stop.set()
    t.join(10)
    assert cosigned, "the witness cosigned nothing before the kill: test too short"
    assert cosigned[-1] < len(ls), "the feed finished before the kill: the kill was not mid-stream"
    w.start()
    try:
        floor = w.latest_size()
        assert floor >= cosigned[-1], f"returned a cosignature for {cosigned[-1]} but restarted at {floor}"
        assert floor <= cosigned[-1] + 1  # at most the one request in flight was persisted
        # a fork of the state it restarted with: same size other root (409), or an inconsistent
        # extension (422); never cosigned
        forked = [merkle.leaf_hash(b"forked %d" % i) for i in range(floor + 3)]
        fork_same = sign_checkpoint(Checkpoint(ORIGIN, floor, merkle.root(forked[:floor]), 1), log)
        assert _post(w.url, encode_request(floor, [], fork_same))[0] == 409
        fork_ext = sign_checkpoint(Checkpoint(ORIGIN, floor + 3, merkle.root(forked), 1), log)
        assert _post(w.url, encode_request(floor, merkle.consistency_proof(forked, floor), fork_ext))[0] == 422
        assert w.latest_size() == floor
        # and the honest log still extends
        good = sign_checkpoint(Checkpoint(ORIGIN, floor + 1, merkle.root(ls[:floor + 1]), 2), log)
        assert _post(w.url, encode_request(floor, merkle.consistency_proof(ls[:floor + 1], floor), good))[0] == 200
    finally:
        w.stop()
