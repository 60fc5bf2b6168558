"""The validated-snapshot index gives exactly the records of the blob it is asked for, and is
never used for another blob's content or when it was not written by this machine's key."""

from __future__ import annotations

import hashlib
import io

import pytest

from publisher.directory.records import DirectoryError, Inspector, Target
from publisher.directory.snapshot import iter_snapshot, snapshot_bytes
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.storage import snapshot_index
from publisher.storage.snapshot_index import iter_records


def blob(tmp_path, data: bytes):
    digest = hashlib.sha256(data).hexdigest()
    p = tmp_path / digest
    p.write_bytes(data)
    return p, digest


def plain(data: bytes, kind=Target, validate=True):
    return list(iter_snapshot(io.BytesIO(data), kind, validate=validate))


def indexes(root):
    return sorted((root / "snapshots").rglob("*.idx"))


@pytest.mark.parametrize("kind,make", [(Target, lambda: sample_targets(5000, "idx")),
                                       # a sealed portal's snapshot (no risk) stays sealed when read back
                                       (Target, lambda: [t.sealed_copy() for t in sample_targets(500, "idx")]),
                                       (Inspector, lambda: sample_inspectors({"scjgj": 30, "wjj": 20}, "idx"))])
def test_index_reads_back_the_same_records(tmp_path, kind, make):
    data = snapshot_bytes(make())
    p, digest = blob(tmp_path, data)
    root = tmp_path / "cache"
    first = list(iter_records(p, digest, kind, root=root))
    assert len(indexes(root)) == 1
    second = list(iter_records(p, digest, kind, root=root))
    assert first == second == plain(data, kind)
    assert [r.__dict__ for r in second] == [r.__dict__ for r in plain(data, kind)]
    assert list(iter_records(p, digest, kind, validate=False, root=root)) == second  # a valid index serves both
    assert {getattr(r, "sealed", None) for r in second} == {getattr(r, "sealed", None) for r in plain(data, kind)}


def test_changed_blob_is_read_from_its_bytes_not_the_index(tmp_path):
    data = snapshot_bytes(sample_targets(300, "a"))
    p, digest = blob(tmp_path, data)
    root = tmp_path / "cache"
    list(iter_records(p, digest, root=root))
    other = snapshot_bytes(sample_targets(300, "b"))
    p.write_bytes(other)  # same name, other content
    assert list(iter_records(p, digest, root=root)) == plain(other)


def test_index_from_another_key_is_not_used(tmp_path):
    data, fake = snapshot_bytes(sample_targets(300, "a")), snapshot_bytes(sample_targets(300, "b"))
    p, digest = blob(tmp_path, data)
    q, fake_digest = blob(tmp_path, fake)
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    list(iter_records(q, fake_digest, root=theirs))
    planted = snapshot_index._index_path(mine, digest, Target, True)
    planted.parent.mkdir(parents=True)
    planted.write_bytes(indexes(theirs)[0].read_bytes())  # the other blob's records, under this blob's name
    list(iter_records(q, fake_digest, root=mine))  # creates this machine's key
    assert list(iter_records(p, digest, root=mine)) == plain(data)


def test_tampered_index_is_not_used(tmp_path):
    data = snapshot_bytes(sample_targets(300, "a"))
    p, digest = blob(tmp_path, data)
    root = tmp_path / "cache"
    list(iter_records(p, digest, root=root))
    idx = indexes(root)[0]
    raw = bytearray(idx.read_bytes())
    raw[len(raw) // 2] ^= 1
    idx.write_bytes(bytes(raw))
    assert not snapshot_index._authentic(idx, (root / "key").read_bytes())
    assert list(iter_records(p, digest, root=root)) == plain(data)


def test_invalid_snapshot_refused_as_usual_and_not_indexed(tmp_path):
    data = snapshot_bytes(sample_targets(300, "a"))
    lines = data.splitlines(keepends=True)
    bad = b"".join([lines[1], lines[0]] + lines[2:])  # unsorted
    p, digest = blob(tmp_path, bad)
    root = tmp_path / "cache"
    with pytest.raises(DirectoryError) as got:
        list(iter_records(p, digest, root=root))
    with pytest.raises(DirectoryError) as want, open(p, "rb") as f:
        list(iter_snapshot(f))
    assert got.value.problems == want.value.problems and got.value.problems[0].rule == "unsorted"
    assert indexes(root) == []


def test_partial_read_leaves_no_index(tmp_path):
    p, digest = blob(tmp_path, snapshot_bytes(sample_targets(9000, "a")))
    root = tmp_path / "cache"
    it = iter_records(p, digest, root=root)
    next(it)
    it.close()
    assert indexes(root) == [] and not list((root / "snapshots").rglob("*.tmp*"))


def test_open_blob_reads_through_the_index(tmp_path):
    """The form the ledger's rules use: a blob the caller opened (no symlinks followed)."""
    data = snapshot_bytes(sample_targets(400, "open"))
    p, digest = blob(tmp_path, data)
    root = tmp_path / "cache"
    with open(p, "rb") as f:
        first = list(snapshot_index.iter_blob_records(f, digest, root=root, name="blobs/x"))
    assert len(indexes(root)) == 1
    with open(p, "rb") as f:
        f.read(100)  # read from the start whatever the caller did before
        assert list(snapshot_index.iter_blob_records(f, digest, root=root)) == first == plain(data)


class _SwappingFile(io.BytesIO):
    """Hashes as ``good`` on the first pass, then reads as ``bad``: a blob rewritten mid-read."""

    def __init__(self, good: bytes, bad: bytes):
        super().__init__(good)
        self.bad, self.seeks = bad, 0

    def seek(self, pos, whence=0):
        self.seeks += 1
        if self.seeks == 2:  # the rewind after the hash: swap the content
            self.__init__(self.bad, self.bad)
            self.seeks = 2
        return super().seek(pos, whence)


def test_blob_changed_between_hash_and_read_leaves_no_index(tmp_path):
    good, bad = snapshot_bytes(sample_targets(300, "a")), snapshot_bytes(sample_targets(300, "b"))
    digest = hashlib.sha256(good).hexdigest()
    root = tmp_path / "cache"
    got = list(snapshot_index.iter_blob_records(_SwappingFile(good, bad), digest, root=root))
    assert got == plain(bad)  # what was read is what the caller gets ...
    assert indexes(root) == []  # ... but it is never filed under the other content's digest
    p, _ = blob(tmp_path, good)
    assert list(iter_records(p, digest, root=root)) == plain(good)
