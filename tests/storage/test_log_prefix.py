"""storage.log_prefix: a mark stands for exactly the log's first lines, byte for byte."""

from __future__ import annotations

import os

from publisher.storage.log_prefix import holds, mark


def test_a_grown_log_holds_its_earlier_marks_and_an_edit_anywhere_in_them_does_not(tmp_path):
    log = tmp_path / "log"
    lines = [f"o01/{i} {i:064x}\n".encode() for i in range(1, 6)]
    log.write_bytes(b"".join(lines[:3]))
    m3, whole = mark(log, 3), mark(log)
    assert m3 == whole and m3[:2] == [3, sum(map(len, lines[:3]))]
    log.write_bytes(b"".join(lines) + b"o01/6 torn")  # grown, with a torn last line
    assert holds(log, m3) and mark(log)[0] == 5  # the torn line is never part of a mark
    assert mark(log, 6) is None  # fewer complete lines than asked for
    for at in (0, len(lines[0]) + 5, sum(map(len, lines[:3])) - 1):  # first, middle, the last newline
        data = bytearray(b"".join(lines))
        data[at] ^= 1
        log.write_bytes(bytes(data))
        assert not holds(log, m3), at
    log.write_bytes(b"".join(lines[:2]))  # truncated
    assert not holds(log, m3)


def test_a_symlinked_log_or_a_malformed_mark_holds_nothing(tmp_path):
    real, log = tmp_path / "real", tmp_path / "log"
    real.write_bytes(b"o01/1 " + b"0" * 64 + b"\n")
    m = mark(real)
    os.symlink(real, log)
    assert mark(log) is None and not holds(log, m)
    for bad in (None, [], [1], ["x", 2, "y"], [1, -1, m[2]], {"0": 1}):
        assert not holds(real, bad)
