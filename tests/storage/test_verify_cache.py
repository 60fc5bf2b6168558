"""Incremental verification: a run resumed from this machine's saved state reports exactly what
a full run reports, on every kind of ledger the suite builds, and a saved state is never used
when the prefix it stands for changed (log, entry file, blob, checkpoint) or was not written by
this machine's key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from publisher.core.verifier import LOG_LINE_RE, verify
from publisher.ruleset import default_rules
from publisher.storage.ledger_dir import LedgerDir
from publisher.storage.verify_cache import VerifyCache

REPO = Path(__file__).resolve().parents[2]


def run(path: Path, cache=None):
    ledger = LedgerDir(path)
    return verify(ledger, ledger.trust(), default_rules(), cache=cache, workers=1)


def same(a, b) -> None:
    """Identical reports: every problem (errors and warnings) in order, size, root, checkpoints, offices."""
    assert [p.line() for p in a.problems] == [p.line() for p in b.problems]
    assert a.problems == b.problems
    assert (a.size, a.root, a.checkpoints, a.offices) == (b.size, b.root, b.checkpoints, b.offices)


def cp_sizes(path: Path) -> list[int]:
    return sorted(int(p.stem) for p in (path / "checkpoints").glob("*.note"))


def cut(src: Path, dst: Path, size: int) -> Path:
    """``src`` as it was when its log had ``size`` lines (a ledger before the latest pushes)."""
    shutil.copytree(src, dst)
    lines = (dst / "log").read_text("utf-8").splitlines(keepends=True)
    (dst / "log").write_text("".join(lines[:size]), "utf-8")
    for line in lines[size:]:
        m = LOG_LINE_RE.match(line.rstrip("\n"))
        (dst / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").unlink()
    for p in (dst / "checkpoints").glob("*.note"):
        if int(p.stem) > size:
            p.unlink()
    return dst


def prime(ledger: Path, tmp: Path, size: int) -> VerifyCache:
    """A cache holding the state after the first ``size`` entries of ``ledger``."""
    cache = VerifyCache(tmp / "cache")
    first = run(cut(ledger, tmp / f"cut{size}", size), cache)
    assert first.resumed == 0 and first.size == size
    return cache


def check_resume(ledger: Path, tmp: Path, size: int) -> None:
    cache = prime(ledger, tmp, size)
    full = run(ledger)
    resumed = run(ledger, cache)
    assert resumed.resumed == size, "the saved state of the verified prefix was not used"
    same(full, resumed)
    again = run(ledger, cache)  # now resumes from the newest checkpoint
    assert again.resumed == cp_sizes(ledger)[-1]
    same(full, again)


# -- the ledgers of the suite ----------------------------------------------------------------


@pytest.fixture
def small(small_ledger) -> Path:
    small_ledger.checkpoint()
    small_ledger.notice("wjj", "after the second checkpoint")
    return small_ledger.root


@pytest.fixture
def site(tmp_path) -> Path:
    import sys

    sys.path.insert(0, str(REPO / "tests" / "site"))
    from site_ledger import build_site_ledger

    root = tmp_path / "site-ledger"
    build_site_ledger(root)
    return root


@pytest.fixture
def workflow(tmp_path) -> Path:
    import sys

    sys.path.insert(0, str(REPO / "tests" / "workflow"))
    from wf_scenario import Workflow

    wf = Workflow(tmp_path / "wf")
    wf.basics()
    _, lock = wf.draw()
    wf.at("2026-01-21")
    wf.f.checkpoint()
    for target in wf.selected(lock)[:2]:
        wf.append("result", wf.result_body(lock, target))
    wf.f.notice("scjgj", "after")
    return wf.f.root


def test_small_ledger_resumes_identically(small, tmp_path):
    sizes = cp_sizes(small)
    assert len(sizes) >= 2
    check_resume(small, tmp_path, sizes[0])


def test_site_ledger_resumes_identically_at_every_checkpoint(site, tmp_path):
    sizes = cp_sizes(site)
    assert len(sizes) >= 3, sizes
    for s in sizes[:-1]:
        check_resume(site, tmp_path / str(s), s)


def test_workflow_ledger_resumes_identically(workflow, tmp_path):
    sizes = cp_sizes(workflow)
    check_resume(workflow, tmp_path, sizes[0])


def test_sample_county_resumes_identically(tmp_path):
    """The committed sample county, cut back to a checkpoint about four fifths in."""
    sizes = cp_sizes(REPO / "ledger")
    size = sizes[len(sizes) * 4 // 5]
    ledger = tmp_path / "county"
    shutil.copytree(REPO / "ledger", ledger)
    cache = prime(ledger, tmp_path, size)
    full = run(ledger)
    resumed = run(ledger, cache)
    assert resumed.resumed == size and full.ok
    same(full, resumed)


# -- tampering: in the cached prefix the state is not used; after it, it is, and still caught ----


def _prefix_entry(ledger: Path, index: int) -> Path:
    line = (ledger / "log").read_text("utf-8").splitlines()[index]
    m = LOG_LINE_RE.match(line)
    return ledger / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json"


def _edit_entry(path: Path) -> None:
    obj = json.loads(path.read_text("utf-8"))
    obj["time"] = obj["time"].replace("2026", "2025")
    path.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")


def tamper_entry_in_prefix(ledger: Path, size: int) -> None:
    _edit_entry(_prefix_entry(ledger, size - 2))


def reformat_entry_in_prefix(ledger: Path, size: int) -> None:
    p = _prefix_entry(ledger, 1)  # same JSON, other whitespace: same id, but not the verified bytes
    p.write_text(json.dumps(json.loads(p.read_text("utf-8")), ensure_ascii=False, indent=3), "utf-8")


def delete_entry_in_prefix(ledger: Path, size: int) -> None:
    _prefix_entry(ledger, size - 1).unlink()


def reorder_log_in_prefix(ledger: Path, size: int) -> None:
    lines = (ledger / "log").read_text("utf-8").splitlines(keepends=True)
    lines[size - 2], lines[size - 3] = lines[size - 3], lines[size - 2]
    (ledger / "log").write_text("".join(lines), "utf-8")


def tamper_blob(ledger: Path, size: int) -> None:
    blob = max((p for p in (ledger / "blobs").iterdir() if p.name != ".gitkeep"), key=lambda p: p.stat().st_size)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 1
    blob.write_bytes(bytes(data))


def delete_blob(ledger: Path, size: int) -> None:
    blob = max((p for p in (ledger / "blobs").iterdir() if p.name != ".gitkeep"), key=lambda p: p.stat().st_size)
    blob.unlink()


def drop_checkpoint_in_prefix(ledger: Path, size: int) -> None:
    (ledger / "checkpoints" / f"{cp_sizes(ledger)[0]:010d}.note").unlink()


PREFIX_TAMPERS = [tamper_entry_in_prefix, reformat_entry_in_prefix, delete_entry_in_prefix, reorder_log_in_prefix,
                  tamper_blob, delete_blob, drop_checkpoint_in_prefix]


@pytest.mark.parametrize("tamper", PREFIX_TAMPERS, ids=lambda f: f.__name__)
def test_tampered_prefix_is_not_resumed_and_reports_as_full(site, tmp_path, tamper):
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    tamper(site, size)
    full = run(site)
    resumed = run(site, cache)
    assert resumed.resumed == 0
    same(full, resumed)
    if tamper is drop_checkpoint_in_prefix:  # draw protocol v2: the draw it proved is now void (a warning)
        assert any(p.message.startswith("抽取作废：") for p in full.problems), [p.line() for p in full.problems]
    elif tamper is not reformat_entry_in_prefix:
        assert not full.ok  # the tamper itself is caught (by the full checks that ran)


def test_tampering_after_the_prefix_is_caught_in_the_resumed_run(site, tmp_path):
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    _edit_entry(_prefix_entry(site, size + 1))
    full = run(site)
    resumed = run(site, cache)
    assert resumed.resumed == size
    same(full, resumed)
    assert any(p.rule == "hash" for p in resumed.errors)


def test_state_signed_by_another_machine_is_never_loaded(site, tmp_path):
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    other = VerifyCache(tmp_path / "other-machine")
    run(cut(site, tmp_path / "again", size), other)  # the same state, under another machine's key
    states = list((other.root / "verify").rglob("*.state"))
    assert len(states) == 1
    planted = cache.root / states[0].relative_to(other.root)
    planted.write_bytes(states[0].read_bytes())  # copied over this machine's own state
    resumed = run(site, cache)
    assert resumed.resumed == 0
    same(run(site), resumed)


def test_key_readable_by_others_disables_the_cache(site, tmp_path):
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    (cache.root / "key").chmod(0o644)
    assert run(site, cache).resumed == 0


def test_other_rule_configuration_is_not_resumed(site, tmp_path):
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    ledger = LedgerDir(site)
    report = verify(ledger, ledger.trust(), default_rules()[:1], cache=cache, workers=1)
    assert report.resumed == 0


def test_cli_verify_resumes_and_full_ignores_the_cache(site, tmp_path, monkeypatch, capsys):
    from publisher.cli.main import main

    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cli-cache"))
    out = []
    for args in ([], [], ["--full"]):
        code = main(["verify", "--ledger", str(site), "--json", *args])
        out.append(json.loads(capsys.readouterr().out))
        assert code == 0
    assert [o["resumed"] for o in out] == [0, cp_sizes(site)[-1], 0]
    assert out[0]["problems"] == out[1]["problems"] == out[2]["problems"]
    assert oct((tmp_path / "cli-cache" / "key").stat().st_mode & 0o777) == "0o600"


def test_draw_rule_reads_snapshots_through_the_index_only_with_the_cache(site, tmp_path, monkeypatch):
    """With the cache the draw rule's recomputations read snapshot blobs through this machine's
    validated-snapshot index (written on the first run, read on the next); a run without it
    (``--full``) writes none; reports are identical either way, and an index never stands in for
    a blob whose bytes changed."""
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "nowhere"))
    full = run(site)
    assert not (tmp_path / "nowhere").exists()
    cache = VerifyCache(tmp_path / "cache")
    same(full, run(site, cache))
    idx = sorted((tmp_path / "cache" / "snapshots").rglob("*.idx"))
    assert idx, "no snapshot was indexed"
    shutil.rmtree(tmp_path / "cache" / "verify")  # no saved state: every draw recomputed from the index
    stamp = {p: p.stat().st_mtime_ns for p in idx}
    same(full, run(site, cache))
    assert {p: p.stat().st_mtime_ns for p in sorted((tmp_path / "cache" / "snapshots").rglob("*.idx"))} == stamp
    blob = max((site / "blobs").glob("[0-9a-f]*"), key=lambda p: p.stat().st_size)
    lines = blob.read_bytes().splitlines(keepends=True)
    blob.write_bytes(b"".join(lines[:-1]))  # the last record dropped: the index must not hide it
    shutil.rmtree(tmp_path / "cache" / "verify")
    same(run(site), run(site, cache))


@pytest.mark.parametrize("which", ["site", "workflow"])
def test_state_saved_at_one_now_resumes_at_another_identically(which, request, tmp_path):
    """A state does not depend on the verification time (rules read it only in finish(), which
    every resumed run repeats): resumed at a later "now" reports exactly what a full run at
    that "now" reports (deadlines, overdue results, abandoned draws, opened embargoes)."""
    ledger_path = request.getfixturevalue(which)
    sizes = cp_sizes(ledger_path)
    ledger = LedgerDir(ledger_path)
    cache = VerifyCache(tmp_path / "cache")
    first = verify(ledger, ledger.trust(), default_rules(), cache=cache, workers=1, now=1_700_000_000)
    assert first.resumed == 0
    for now in (1_767_000_000, 1_800_000_000, 1_900_000_000):
        full = verify(ledger, ledger.trust(), default_rules(), workers=1, now=now)
        resumed = verify(ledger, ledger.trust(), default_rules(), cache=cache, workers=1, now=now)
        assert resumed.resumed == sizes[-1]
        same(full, resumed)


def test_a_small_push_is_checked_again_next_time_rather_than_saved(site, tmp_path, monkeypatch):
    """A resumed run saves a new state only once its new entries reach 1/SAVE_EVERY of the prefix
    (saving costs the whole state, re-checking a short tail costs little); either way the next
    run resumes from a verified prefix and reports what a full run reports."""
    from publisher.storage import verify_cache

    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    full = run(site)
    monkeypatch.setattr(verify_cache, "SAVE_EVERY", 1e-9)  # every push counts as small
    for _ in range(2):
        r = run(site, cache)
        assert r.resumed == size
        same(full, r)
    monkeypatch.setattr(verify_cache, "SAVE_EVERY", 32)
    newest = cp_sizes(site)[-1]
    assert (newest - size) * 32 >= size  # not small against this prefix: saved
    assert run(site, cache).resumed == size
    again = run(site, cache)
    assert again.resumed == newest
    same(full, again)


def test_the_state_reader_reads_every_pickle_protocol_without_copying_the_state():
    import pickle

    from publisher.storage.verify_cache import _Unpickler, _ViewReader

    obj = {"a": [1, 2.5, "三", b"x" * 70000], "b": (None, True)}
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):  # protocol 0 reads text lines, 5 large frames
        data = pickle.dumps(obj, protocol=proto)
        assert _Unpickler(_ViewReader(memoryview(data)), {}).load() == obj
    r = _ViewReader(memoryview(b"ab\ncd"))
    assert (r.readline(), r.read(1), r.read(), r.read()) == (b"ab\n", b"c", b"d", b"")


# -- which saved state is a prefix: the log's bytes, else the Merkle root of its ids -------------


def _no_root_recomputed(monkeypatch) -> None:
    from publisher.storage import verify_cache

    def refuse(*a, **k):
        raise AssertionError("the prefix root was recomputed from the log")
    monkeypatch.setattr(verify_cache, "_prefix_roots", refuse)


def test_a_resume_over_an_appended_log_hashes_its_bytes_not_its_merkle_tree(site, tmp_path, monkeypatch):
    """The state records the log's first L bytes (its S lines) by SHA-256; a log that only grew
    since holds them, so no Merkle root of the prefix is recomputed (7 s per push at a province)."""
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    full = run(site)
    _no_root_recomputed(monkeypatch)
    resumed = run(site, cache)
    assert resumed.resumed == size
    same(full, resumed)


@pytest.mark.parametrize("line", [-1, -2], ids=["last prefix line", "a middle prefix line"])
def test_a_prefix_log_line_naming_another_id_is_not_resumed(site, tmp_path, line):
    """A log line of the prefix edited to name another entry id, its entry file untouched (so
    every file record still matches): the state stands for the id it verified, and a resumed run
    would miss the mismatch a full run reports. The recorded log bytes end with the prefix's
    last line, so an edit there is seen too."""
    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    lines = (site / "log").read_text("utf-8").splitlines(keepends=True)
    office_seq, digest = lines[size + line].rstrip("\n").split(" ")
    lines[size + line] = f"{office_seq} {digest[::-1]}\n"
    (site / "log").write_text("".join(lines), "utf-8")
    full = run(site)
    assert not full.ok
    resumed = run(site, cache)
    assert resumed.resumed == 0
    same(full, resumed)


def test_a_state_without_log_bytes_is_told_by_the_merkle_root(site, tmp_path, monkeypatch):
    """States saved without the log's bytes (a source that is no ledger directory) are found as
    before, by the RFC 6962 root of the current log's first S ids; a reordered prefix is not."""
    from publisher.storage import verify_cache

    size = cp_sizes(site)[-2]
    monkeypatch.setattr(verify_cache, "log_mark", lambda source, size: None)
    cache = prime(site, tmp_path, size)
    monkeypatch.undo()
    full = run(site)
    resumed = run(site, cache)
    assert resumed.resumed == size
    same(full, resumed)


def test_a_forged_log_mark_in_a_state_is_refused_by_its_hmac(site, tmp_path):
    """The recorded log bytes are inside the HMAC: a state whose header is edited to name the
    current log's bytes (after the prefix was reordered) is never loaded."""
    import hashlib

    size = cp_sizes(site)[-2]
    cache = prime(site, tmp_path, size)
    reorder_log_in_prefix(site, size)
    (state,) = (cache.root / "verify").rglob("*.state")
    data = state.read_bytes()
    log = (site / "log").read_bytes()
    end = 0
    for _ in range(size):
        end = log.index(b"\n", end) + 1
    start = data.index(b'"log": [') + len(b'"log": [')
    stop = data.index(b"]", start)
    forged = f'{size}, {end}, "{hashlib.sha256(log[:end]).hexdigest()}"'.encode()
    assert len(forged) == stop - start  # same length: only the digest differs
    state.write_bytes(data[:start] + forged + data[stop:])
    resumed = run(site, cache)
    assert resumed.resumed == 0
    same(run(site), resumed)
