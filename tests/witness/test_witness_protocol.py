"""The witness's add-checkpoint answers (c2sp.org/tlog-witness), over real HTTP on 127.0.0.1.

Each refusal is an attack: a fork (same size, other root), a rollback (smaller size), a bad
consistency proof, a foreign log, a forged log signature. None of them may ever be cosigned,
and the witness's recorded state must not move."""

from __future__ import annotations

import http.client
import threading

import pytest
from witnesstools import cosigner

from ledgertools import ORIGIN, det_key
from publisher.core import merkle
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.note import Signer, parse_note
from publisher.witness.protocol import decode_cosignatures, encode_request
from publisher.witness.server import make_server
from publisher.witness.state import Witness

LOG = Signer(ORIGIN, det_key("log"))


def leaves(n: int, fork: int | None = None) -> list[bytes]:
    return [merkle.leaf_hash(b"entry %d" % i + (b" forked" if fork is not None and i >= fork else b""))
            for i in range(n)]


def note_of(ls: list[bytes], signer: Signer = LOG, time: int = 1767225600) -> str:
    return sign_checkpoint(Checkpoint(signer.name, len(ls), merkle.root(ls), time), signer)


@pytest.fixture
def server(tmp_path):
    w = Witness(tmp_path / "w", cosigner("w.test/a"), {ORIGIN: LOG.verifier})
    srv = make_server(w)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv, w
    srv.shutdown()
    srv.server_close()


def post(srv, body: bytes, path="/add-checkpoint") -> tuple[int, str, bytes]:
    host, port = srv.server_address[:2]
    c = http.client.HTTPConnection(host, port, timeout=5)
    c.request("POST", path, body=body)
    r = c.getresponse()
    out = (r.status, r.getheader("Content-Type"), r.read())
    c.close()
    return out


def add(srv, old: int, ls: list[bytes], old_leaves: list[bytes] | None = None, proof=None, note=None):
    if proof is None:
        proof = merkle.consistency_proof(ls, old) if 0 < old < len(ls) else []
    return post(srv, encode_request(old, proof, note or note_of(ls)))


def test_first_checkpoint_is_cosigned_with_the_witness_time(server):
    srv, w = server
    ls = leaves(5)
    note = note_of(ls)
    status, ctype, body = add(srv, 0, ls, note=note)
    assert status == 200, body
    (sig,) = decode_cosignatures(note, body)
    t = cosigner("w.test/a").witness.timestamp_of(parse_note(note)[0], sig)
    assert abs(t - __import__("time").time()) < 60
    assert w.latest(ORIGIN).size == 5


def test_extension_with_a_valid_proof_is_cosigned(server):
    srv, w = server
    assert add(srv, 0, leaves(5))[0] == 200
    assert add(srv, 5, leaves(9))[0] == 200
    assert w.latest(ORIGIN).size == 9


def test_wrong_old_size_gets_409_with_the_latest_size(server):
    srv, w = server
    add(srv, 0, leaves(5))
    status, ctype, body = add(srv, 0, leaves(7))
    assert (status, ctype, body) == (409, "text/x.tlog.size", b"5\n")


def test_fork_same_size_other_root_is_409_and_never_cosigned(server):
    srv, w = server
    add(srv, 0, leaves(5))
    status, ctype, body = add(srv, 5, leaves(5, fork=2))
    assert (status, body) == (409, b"5\n")
    assert w.latest(ORIGIN).root == merkle.root(leaves(5))
    assert list((w.dir / "evidence").iterdir()), "a validly signed fork is kept as evidence"


def test_rollback_to_a_smaller_tree_is_refused(server):
    srv, w = server
    add(srv, 0, leaves(5))
    assert add(srv, 3, leaves(3))[0:3:2] == (409, b"5\n")  # old size must be what it cosigned
    assert add(srv, 5, leaves(3), proof=[])[0] == 400  # old size larger than the checkpoint
    assert w.latest(ORIGIN).size == 5


def test_inconsistent_extension_is_422(server):
    srv, w = server
    add(srv, 0, leaves(5))
    forked = leaves(9, fork=3)
    status, _, body = add(srv, 5, forked)  # the proof is honest for the forked tree: does not reach root(5)
    assert status == 422, body
    assert w.latest(ORIGIN).size == 5


def test_unknown_origin_404_bad_signature_403_garbage_400(server):
    srv, w = server
    other = Signer("other.test/log", det_key("other"))
    assert add(srv, 0, leaves(2), note=note_of(leaves(2), other))[0] == 404
    impostor = Signer(ORIGIN, det_key("impostor"))
    assert add(srv, 0, leaves(2), note=note_of(leaves(2), impostor))[0] == 403
    assert post(srv, b"hello")[0] == 400
    assert post(srv, b"old 01\n\n" + note_of(leaves(2)).encode())[0] == 400
    assert post(srv, encode_request(0, [], note_of(leaves(2))), path="/other")[0] == 404
    assert w.latest(ORIGIN) is None


def test_latest_endpoint_serves_the_cosigned_note(server):
    srv, w = server
    add(srv, 0, leaves(4))
    host, port = srv.server_address[:2]
    c = http.client.HTTPConnection(host, port, timeout=5)
    c.request("GET", "/latest?origin=" + ORIGIN.replace("/", "%2F"))
    r = c.getresponse()
    note = r.read().decode()
    assert r.status == 200 and "— w.test/a " in note and "— " + ORIGIN in note


def test_concurrent_requests_never_roll_back(server):
    """The spec's race: checks and the state write happen atomically, so of many racing
    submissions from the same old size exactly one wins and the state only grows."""
    srv, w = server
    add(srv, 0, leaves(4))
    results = []

    def submit(n):
        results.append((n, add(srv, 4, leaves(n))[0]))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(5, 15)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    winners = [n for n, s in results if s == 200]
    assert len(winners) == 1 and w.latest(ORIGIN).size == winners[0]
    assert sorted(s for _, s in results) == [200] + [409] * 9
