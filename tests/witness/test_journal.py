"""The witness journal: a torn or corrupted tail is never taken for state; group commit is durable."""

from __future__ import annotations

import threading

from publisher.witness.journal import Journal, Latest, read_state


def rec(origin: str, size: int) -> Latest:
    return Latest(origin, size, bytes([size % 256]) * 32, 1000 + size, f"note {size}\n")


def test_replay_and_compaction(tmp_path):
    j = Journal(tmp_path)
    for n in (1, 2, 3):
        j.commit(rec("a", n))
    j.commit(rec("b", 7))
    j.close()
    assert {o: r.size for o, r in read_state(tmp_path).items()} == {"a": 3, "b": 7}
    j2 = Journal(tmp_path)  # restart: compacted into latest.json, journal empty
    assert (tmp_path / "journal").read_bytes() == b""
    assert j2.state["a"] == rec("a", 3)


def test_torn_and_corrupt_tails_are_cut(tmp_path):
    j = Journal(tmp_path)
    j.commit(rec("a", 1))
    j.commit(rec("a", 2))
    j.close()
    raw = (tmp_path / "journal").read_bytes()
    # a crash mid-write of size 3: half a line
    full3 = raw.split(b"\n")[1].replace(b'"size":2', b'"size":3')
    (tmp_path / "journal").write_bytes(raw + full3[: len(full3) // 2])
    assert read_state(tmp_path)["a"].size == 2
    # a complete line whose checksum does not match (a corrupted sector): not state either
    (tmp_path / "journal").write_bytes(raw + full3 + b"\n")
    assert read_state(tmp_path)["a"].size == 2
    assert Journal(tmp_path).state["a"].size == 2


def test_group_commit_from_many_threads(tmp_path):
    j = Journal(tmp_path)
    threads = [threading.Thread(target=lambda i=i: [j.commit(rec(f"log{i}", n)) for n in range(1, 21)])
               for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    j.close()
    assert {o: r.size for o, r in read_state(tmp_path).items()} == {f"log{i}": 20 for i in range(8)}
