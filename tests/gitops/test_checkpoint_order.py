"""check-push refuses a checkpoint smaller than the newest published one (issue 11 (b))."""

from __future__ import annotations

from gitops_helpers import ORIGIN, det_key, portal  # noqa: F401  (portal is a fixture)

from publisher.cli.main import main
from publisher.core import merkle
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.note import Signer
from publisher.gitops.rules import Change, check_checkpoint_order
from publisher.storage.ledger_dir import LedgerDir

LOG = Signer(ORIGIN, det_key("log"))


def test_rule_unit():
    base = ["ledger/checkpoints/0000000005.note", "ledger/checkpoints/0000000009.note"]
    ok = [Change("A", "ledger/checkpoints/0000000012.note")]
    assert check_checkpoint_order(ok, base) == []
    (r,) = check_checkpoint_order([Change("A", "ledger/checkpoints/0000000007.note")], base)
    assert r.line() == ("REFUSED ledger/checkpoints/0000000007.note: checkpoint-order: adds a checkpoint of size 7, "
                        "not larger than the newest published checkpoint (size 9); checkpoints are only ever added "
                        "for a larger log")
    assert check_checkpoint_order([Change("A", "ledger/checkpoints/0000000001.note")], []) == []


def checkpoint_at(ledger: LedgerDir, size: int, t: int) -> None:
    ids = [l.entry_id for l in ledger.iter_log()][:size]
    root = merkle.root([merkle.leaf_hash(bytes.fromhex(i)) for i in ids])
    ledger.write_checkpoint(size, sign_checkpoint(Checkpoint(ORIGIN, size, root, t), LOG))


def test_inserted_smaller_checkpoint_is_refused_by_check_push(portal, capsys):
    work = portal.clone("work")
    ledger = LedgerDir(work / "ledger")
    portal.append(work, "scjgj", "a")
    portal.append(work, "scjgj", "b")
    size = sum(1 for _ in ledger.iter_log())
    checkpoint_at(ledger, size - 2, portal.clock - 30)
    checkpoint_at(ledger, size, portal.clock + 10)
    base = portal.commit_all(work, "two checkpoints")
    # later: a back-dated checkpoint between the two, consistent with the log
    checkpoint_at(ledger, size - 1, portal.clock - 20)
    portal.commit_all(work, "insert a smaller checkpoint")
    rc = main(["check-push", base, "HEAD", "--repo", str(work)])
    err = capsys.readouterr().err
    assert rc == 1
    assert (f"REFUSED ledger/checkpoints/{size - 1:010d}.note: checkpoint-order: adds a checkpoint of size "
            f"{size - 1}, not larger than the newest published checkpoint (size {size})") in err
