"""Where a problem is filed (its entry id, not only its file), for the problems whose id a
mutation removed unnoticed; and a resumed run over a source without a parallel loader, which
must start reading at the saved prefix's end (the sequential loader's ``start``)."""

from __future__ import annotations

import sys
from pathlib import Path

from test_verifier_bite import notice_at
from test_verifier_loaders_bite import Minimal

from publisher.core.entry import OPERATOR
from publisher.core.verifier import BACKDATE_TOLERANCE, verify
from publisher.ruleset import default_rules
from publisher.storage.verify_cache import VerifyCache

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import cosigner  # noqa: E402


def log_lines(f) -> list[str]:
    return f.ledger.log_path.read_text("utf-8").splitlines(keepends=True)


def test_a_replayed_log_line_is_filed_under_the_logged_id(small_ledger):
    f = small_ledger
    lines = log_lines(f)
    f.ledger.log_path.write_text("".join(lines + lines[10:]))  # scjgj/4 logged twice
    logged = lines[10].split()[1]
    [p] = [p for p in f.verify().problems if p.message.endswith("is duplicated or replayed; expected scjgj/5")]
    assert (p.rule, p.file, p.entry_id) == ("chain", "ledger/entries/scjgj/00000004.json", logged)


def test_a_back_dated_entry_is_filed_under_its_id(small_ledger):
    f = small_ledger
    f.clock += 3 * 86400
    f.checkpoint(time=f.clock)
    e = notice_at(f, "wjj", f.clock - BACKDATE_TOLERANCE - 1)
    [p] = [p for p in f.verify().problems if "back-dated" in p.message]
    assert (p.severity, p.entry_id) == ("warning", e.id)


def test_a_witness_set_with_a_bad_policy_is_filed_under_its_id(small_ledger):
    f = small_ledger
    body = {"quorum": 3, "witnesses": [{"vkey": cosigner("w.test/x").vkey}], "reason": "test"}
    e = f.ledger.append(OPERATOR, "witness.set", body, f.root_key, f.tick())
    [p] = [p for p in f.verify().problems if p.rule == "witness"]
    assert (p.file, p.entry_id) == ("ledger/entries/operator/00000005.json", e.id)


def test_a_source_without_a_parallel_loader_resumes_at_the_prefix_end(small_ledger, tmp_path):
    f = small_ledger
    f.checkpoint()
    src = Minimal(f.ledger)
    cache = VerifyCache(tmp_path / "cache")
    first = verify(src, f.ledger.trust(), default_rules(), cache=cache)
    assert first.ok and first.resumed == 0
    f.notice("wjj", "after the checkpoint")
    f.notice("scjgj", "and another")
    full = verify(src, f.ledger.trust(), default_rules())
    resumed = verify(src, f.ledger.trust(), default_rules(), cache=cache)
    assert resumed.resumed == first.size > 0
    assert [p.line() for p in resumed.problems] == [p.line() for p in full.problems] and resumed.ok
