"""`publisher add` replays the ledger to know its state; with the cache it resumes from this
machine's saved replay of a prefix and must know exactly what a fresh replay knows."""

from __future__ import annotations

import json

from wf_scenario import drawn, unix, wf  # noqa: F401  (fixtures)

from publisher.workflow.ledger_state import LedgerState


def plain(o):
    """Value-comparable form of a state object (no object addresses)."""
    if hasattr(o, "__dict__") and not isinstance(o, type):
        return (type(o).__name__, {k: plain(v) for k, v in vars(o).items() if not callable(v)})
    if isinstance(o, dict):
        return {repr(k): plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [plain(v) for v in o]
    if isinstance(o, (set, frozenset)):
        return sorted(repr(plain(v)) for v in o)
    return o


def facts(state: LedgerState, lock, wf) -> tuple:
    """What the authoring commands read from the state, and what it says of candidate entries."""
    from publisher.core.entry import sign_entry

    targets = wf.selected(lock)
    seq, prev, _ = state.head("scjgj")
    t = "2026-01-22T02:00:00Z"
    undrawn = next(x.id for x in wf.targets if x.id not in targets)
    good = sign_entry(type="result", office="scjgj", seq=seq + 1, prev=prev, time=t,
                      body=wf.result_body(lock, targets[-1]), key=wf.f.keys["scjgj"])
    bad = sign_entry(type="result", office="scjgj", seq=seq + 1, prev=prev, time=t,
                     body={**wf.result_body(lock, targets[-1]), "target": undrawn, "target_name": wf.name(undrawn)}, key=wf.f.keys["scjgj"])
    return (state.heads, state.last_time, state.snapshots, plain(state.task("T-2026-001")), plain(state.rule.state.tasks),
            [p.line() for p in state.finish(unix("2026-12-01"))],
            [p.line() for p in state.check(bad)], [p.line() for p in state.check(good)])


def test_resumed_replay_knows_what_a_fresh_replay_knows(drawn, tmp_path, monkeypatch):
    wf, lock = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    first = LedgerState(wf.ledger).replay(cache=True)
    assert first.resumed == 0
    n = wf.ledger.size()
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0]))  # a push after the saved replay
    resumed = LedgerState(wf.ledger).replay(cache=True)
    assert resumed.resumed == n
    fresh = LedgerState(wf.ledger).replay()
    assert facts(resumed, lock, wf) == facts(fresh, lock, wf)
    assert facts(fresh, lock, wf)[5], "the undrawn target's result must be refused"


def test_changed_prefix_file_is_replayed_afresh(drawn, tmp_path, monkeypatch):
    wf, lock = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    LedgerState(wf.ledger).replay(cache=True)
    p = wf.ledger.entry_path("scjgj", 1)
    p.write_text(json.dumps(json.loads(p.read_text("utf-8")), ensure_ascii=False), "utf-8")  # same entry, other bytes
    assert LedgerState(wf.ledger).replay(cache=True).resumed == 0


def test_cache_off_and_watched_replays_do_not_resume(drawn, tmp_path, monkeypatch):
    wf, lock = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    LedgerState(wf.ledger).replay(cache=True)
    assert LedgerState(wf.ledger).replay(cache=True).resumed == wf.ledger.size()
    assert LedgerState(wf.ledger).replay(watch_tasks=["T-2026-001"], cache=True).resumed == 0
    monkeypatch.setenv("PUBLISHER_VERIFY_CACHE", "off")
    assert LedgerState(wf.ledger).replay(cache=True).resumed == 0


def _counting_reads(monkeypatch) -> list[int]:
    from ledgertools import count_record_reads
    from publisher.storage import file_records

    count = count_record_reads(monkeypatch)
    monkeypatch.setattr(file_records, "RACY_NS", 0)  # the files count as settled at once
    return count


def test_a_resumed_replay_proves_its_prefix_by_metadata_and_saves_reading_only_new_files(drawn, tmp_path,
                                                                                         monkeypatch):
    wf, lock = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    reads = _counting_reads(monkeypatch)
    LedgerState(wf.ledger).replay(cache=True)
    assert reads[0] == wf.ledger.size()  # the first save records every file once
    n = wf.ledger.size()
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0]))
    reads[0] = 0
    assert LedgerState(wf.ledger).replay(cache=True).resumed == n
    assert reads[0] == 1  # the prefix told by metadata; the save read only the new entry
    reads[0] = 0
    assert LedgerState(wf.ledger).replay(cache=True).resumed == n + 1 and reads[0] == 0


def test_an_edit_that_keeps_size_and_mtime_still_replays_afresh(drawn, tmp_path, monkeypatch):
    import os

    wf, _ = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    _counting_reads(monkeypatch)
    LedgerState(wf.ledger).replay(cache=True)
    p = wf.ledger.entry_path("scjgj", 1)
    st = os.stat(p)
    data = p.read_bytes()
    p.write_bytes(data[:-1] + (b" " if data[-1:] != b" " else b"\n"))  # same size, other bytes
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert LedgerState(wf.ledger).replay(cache=True).resumed == 0


def test_prefix_files_linked_after_the_save_are_read_by_one_replay_not_by_each(drawn, tmp_path, monkeypatch):
    """The site build hard-links the published entry files (their ctime moves): the next replay
    reads each once, finds the same bytes and writes the refreshed records back into the saved
    state; the replay after it reads none."""
    import os

    wf, _ = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    reads = _counting_reads(monkeypatch)
    LedgerState(wf.ledger).replay(cache=True)
    n = wf.ledger.size()
    for office, seq in [(line.office, line.seq) for line in wf.ledger.iter_log()]:
        src = wf.ledger.entry_path(office, seq)
        os.link(src, tmp_path / f"published-{office}-{seq}.json")
    reads[0] = 0
    assert LedgerState(wf.ledger).replay(cache=True).resumed == n and reads[0] == n
    reads[0] = 0
    assert LedgerState(wf.ledger).replay(cache=True).resumed == n and reads[0] == 0


def test_a_resumed_replay_tells_its_prefix_by_the_log_bytes_and_refuses_an_edited_log_line(drawn, tmp_path,
                                                                                          monkeypatch):
    """The saved replay records the log's first bytes by SHA-256: a log that only grew resumes
    without the Merkle root of the prefix being recomputed; a prefix line edited to name another
    id (its entry file untouched, so every file record still matches) is replayed afresh."""
    from publisher.storage import verify_cache

    wf, lock = drawn
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    LedgerState(wf.ledger).replay(cache=True)
    n = wf.ledger.size()
    wf.append("result", wf.result_body(lock, wf.selected(lock)[0]))

    def refuse(*a, **k):
        raise AssertionError("the prefix root was recomputed from the log")
    with monkeypatch.context() as m:
        m.setattr(verify_cache, "_prefix_roots", refuse)
        assert LedgerState(wf.ledger).replay(cache=True).resumed == n
    log = wf.ledger.log_path
    lines = log.read_text("utf-8").splitlines(keepends=True)
    ids, digest = lines[n - 1].rstrip("\n").split(" ")
    lines[n - 1] = f"{ids} {digest[::-1]}\n"
    log.write_text("".join(lines), "utf-8")
    assert LedgerState(wf.ledger).replay(cache=True).resumed == 0
