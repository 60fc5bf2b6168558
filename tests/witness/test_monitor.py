"""`publisher monitor URL`: an auditor's history of a deployed portal catches rollbacks, forks and
impostor trust anchors; witnesses (real HTTP servers on 127.0.0.1) are asked for their latest."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from witnesstools import WitnessedLedger, cosigner

from ledgertools import ORIGIN, det_key
from publisher.cli.main import main
from publisher.core.note import Signer
from publisher.storage import keystore
from publisher.witness.server import make_server
from publisher.witness.state import Witness

NAMES = ["w1.test/witness", "w2.test/witness", "w3.test/witness"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.setenv("PUBLISHER_STATE", str(tmp_path / "state"))
    keystore.save_key("log", det_key("log"), tmp_path / "keys")
    log = Signer(ORIGIN, det_key("log"))
    servers = []
    urls = {}
    for n in NAMES:
        srv = make_server(Witness(tmp_path / n.replace("/", "_"), cosigner(n), {ORIGIN: log.verifier}))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        urls[n] = f"http://127.0.0.1:{srv.server_address[1]}"
    f = WitnessedLedger(tmp_path / "ledger", NAMES, 2, urls=urls).init()
    f.clock = int(time.time()) - 3600
    f.add_office("scjgj")
    site = tmp_path / "site"
    site.mkdir()
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    yield f, site, f"http://127.0.0.1:{web.server_address[1]}/", tmp_path
    web.shutdown()
    for s in servers:
        s.shutdown()


def publish(f: WitnessedLedger, site: Path) -> None:
    """Deploy: the site's ledger/ is a copy of the ledger plus checkpoints.txt (as the build writes)."""
    dest = site / "ledger"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(f.ledger.root, dest, ignore=shutil.ignore_patterns(".lock", ".tmp*"))
    names = sorted(p.name for p in (dest / "checkpoints").glob("*.note"))
    (dest / "checkpoints.txt").write_text("".join(n + "\n" for n in names))


def grow(f: WitnessedLedger, n: int = 2) -> None:
    for _i in range(n):
        f.notice("scjgj", f"n{time.time_ns()}")
    assert main(["checkpoint", "--ledger", str(f.ledger.root)]) == 0


def monitor(url, tmp, *extra):
    return main(["monitor", url, "--state", str(tmp / "auditor"), *extra])


def test_consistent_portal_then_rollback_is_reported(world, capsys):
    f, site, url, tmp = world
    grow(f)
    publish(f, site)
    old = tmp / "old-site"
    shutil.copytree(site, old)
    assert monitor(url, tmp) == 0
    assert "OK: consistent with your history and its witnesses" in capsys.readouterr().out
    grow(f)
    publish(f, site)
    assert monitor(url, tmp) == 0
    capsys.readouterr()
    # the operator redeploys the older state (a rollback): the auditor's history catches it
    shutil.rmtree(site / "ledger")
    shutil.copytree(old / "ledger", site / "ledger")
    assert monitor(url, tmp) == 1
    err = capsys.readouterr().err
    assert "rollback: you saw a checkpoint of size" in err and "the log was rolled back" in err


def test_forked_tail_is_reported_by_history_and_witnesses(world, capsys):
    f, site, url, tmp = world
    grow(f)
    publish(f, site)
    assert monitor(url, tmp) == 0
    capsys.readouterr()
    # the operator rewrites the last entry and re-signs a checkpoint of the same size (a split view)
    dest = site / "ledger"
    lines = (dest / "log").read_text().splitlines()
    size = len(lines)
    from publisher.core import merkle
    from publisher.core.checkpoint import Checkpoint, sign_checkpoint

    lines[-1] = lines[-1].split(" ")[0] + " " + "ab" * 32
    (dest / "log").write_text("".join(l + "\n" for l in lines))
    ids = [l.split(" ")[1] for l in lines]
    root = merkle.root([merkle.leaf_hash(bytes.fromhex(i)) for i in ids])
    (dest / "checkpoints" / f"{size:010d}.note").write_text(
        sign_checkpoint(Checkpoint(ORIGIN, size, root, int(time.time())), f.log_signer))
    assert monitor(url, tmp) == 1
    err = capsys.readouterr().err
    assert f"fork: size {size}: you saw root" in err
    assert "witness w1.test/witness cosigned size" in err and "a split view" in err
    assert list((tmp / "auditor" / "evidence").iterdir())


def test_impostor_trust_json_is_reported(world, capsys):
    f, site, url, tmp = world
    grow(f)
    publish(f, site)
    mine = tmp / "my-trust.json"
    shutil.copy(f.ledger.root / "trust.json", mine)
    obj = json.loads((site / "ledger" / "trust.json").read_text())
    obj["witnesses"]["quorum"] = 1
    (site / "ledger" / "trust.json").write_text(json.dumps(obj))
    assert monitor(url, tmp, "--trust", str(mine)) == 1
    assert "is not the one you pinned" in capsys.readouterr().err
