"""The log's tree on disk (site.logtree): grown in place by a push, equal to the core's tree,
and built again whenever the kept one is not exactly what the previous build left for this
ledger's history."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from publisher.core import merkle
from publisher.site.incremental import Manifest
from publisher.site.logtree import DiskMerkleTree, grow, log_tree
from publisher.site.model import SiteIndex


def ids(n: int, salt: str = "") -> list[str]:
    return [hashlib.sha256(f"{salt}{i}".encode()).hexdigest() for i in range(n)]


def leaves(entry_ids: list[str]) -> list[bytes]:
    return [merkle.leaf_hash(bytes.fromhex(i)) for i in entry_ids]


def test_grown_levels_are_the_core_tree(tmp_path):
    rnd = random.Random(5)
    all_ids = ids(700)
    work, n = tmp_path / "t", 0
    while n < len(all_ids):
        step = rnd.choice([1, 2, 3, 7, 64, 129])
        grow(work, leaves(all_ids[n:n + step]))
        n = min(len(all_ids), n + step)
        tree, core = DiskMerkleTree(work), merkle.MerkleTree(leaves(all_ids[:n]))
        try:
            assert tree.size == n
            for size in {1, n // 2 or 1, n}:
                assert tree.root(size) == core.root(size)
            i = rnd.randrange(n)
            assert tree.inclusion_proof(i, n) == core.inclusion_proof(i, n)
            m = rnd.randint(1, n)
            assert tree.consistency_proof(m, n) == core.consistency_proof(m, n)
        finally:
            tree.close()


@pytest.fixture
def ix(tmp_path):
    index = SiteIndex(tmp_path / "site.sqlite")
    yield index
    index.close()


def put(ix: SiteIndex, entry_ids: list[str]) -> None:
    ix.db.execute("DELETE FROM entries")
    ix.db.executemany("INSERT INTO entries(idx, id) VALUES (?,?)", list(enumerate(entry_ids)))
    ix.db.commit()


def cp(entry_ids: list[str], size: int) -> SimpleNamespace:
    return SimpleNamespace(size=size, root=merkle.root(leaves(entry_ids[:size])))


def tree_of(ix: SiteIndex, out: Path, cache: Path, cps: list[SimpleNamespace]) -> tuple[int, bytes]:
    """One build's use of the tree; returns the inode of its leaf level and its root."""
    m = Manifest(out, "key", cache_root=cache)
    m.load()
    loaded = SimpleNamespace(index=ix, latest=cps[-1], report=SimpleNamespace(checkpoints=cps))
    with log_tree(loaded, out / "work", m) as tree:
        root = tree.root(cps[-1].size)
        for c in cps:
            i = c.size - 1
            assert merkle.verify_inclusion(tree.leaf(i), i, c.size, tree.inclusion_proof(i, c.size), c.root)
    m.finish()
    level0 = next(cache.rglob("*.logtree")) / "level-0"
    pin = out.parent / f"pin-{level0.stat().st_ino}"  # a second link: a rebuilt file cannot reuse the inode
    if not pin.exists():
        pin.hardlink_to(level0)
    return level0.stat().st_ino, root


def test_a_push_grows_the_kept_tree(ix, tmp_path):
    all_ids = ids(300)
    out, cache = tmp_path / "out", tmp_path / "cache"
    put(ix, all_ids[:100])
    first, _ = tree_of(ix, out, cache, [cp(all_ids, 100)])
    put(ix, all_ids)
    second, root = tree_of(ix, out, cache, [cp(all_ids, 100), cp(all_ids, 250)])
    assert root == cp(all_ids, 250).root
    assert second == first, "the kept tree was built again instead of grown"
    level0 = next(cache.rglob("*.logtree")) / "level-0"
    assert level0.stat().st_size == 250 * merkle.HASH_SIZE


def test_a_changed_kept_tree_is_built_again(ix, tmp_path):
    all_ids = ids(300)
    out, cache = tmp_path / "out", tmp_path / "cache"
    put(ix, all_ids[:128])
    first, _ = tree_of(ix, out, cache, [cp(all_ids, 128)])
    level1 = next(cache.rglob("*.logtree")) / "level-1"
    data = bytearray(level1.read_bytes())
    data[5] ^= 1  # an interior node no root computation at 128 or 250 reads
    level1.write_bytes(bytes(data))
    put(ix, all_ids)
    second, root = tree_of(ix, out, cache, [cp(all_ids, 128), cp(all_ids, 250)])
    assert second != first and root == cp(all_ids, 250).root
    tree = DiskMerkleTree(next(cache.rglob("*.logtree")))
    try:
        assert tree.inclusion_proof(3, 250) == merkle.MerkleTree(leaves(all_ids[:250])).inclusion_proof(3, 250)
    finally:
        tree.close()


def test_a_tree_of_another_history_is_not_grown(ix, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    mine, other = ids(300), ids(300, "other")
    put(ix, other[:100])
    first, _ = tree_of(ix, out, cache, [cp(other, 100)])
    put(ix, mine)  # the same output directory now built from another ledger
    second, root = tree_of(ix, out, cache, [cp(mine, 100), cp(mine, 250)])
    assert second != first and root == cp(mine, 250).root


def test_an_unchanged_ledger_reuses_the_kept_tree(ix, tmp_path):
    all_ids = ids(200)
    out, cache = tmp_path / "out", tmp_path / "cache"
    put(ix, all_ids)
    cps = [cp(all_ids, 64), cp(all_ids, 200)]
    first, root = tree_of(ix, out, cache, cps)
    again, root2 = tree_of(ix, out, cache, cps)  # no push: the tree is neither grown nor built
    assert again == first and root2 == root == cps[-1].root


def test_removed_level_files_are_built_again_not_a_crash(ix, tmp_path):
    all_ids = ids(100)
    out, cache = tmp_path / "out", tmp_path / "cache"
    put(ix, all_ids)
    tree_of(ix, out, cache, [cp(all_ids, 100)])
    for f in next(cache.rglob("*.logtree")).iterdir():  # the manifest still records the tree
        f.unlink()
    _, root = tree_of(ix, out, cache, [cp(all_ids, 100)])
    assert root == cp(all_ids, 100).root


def test_a_growth_that_misses_the_checkpoint_root_is_built_again(ix, tmp_path, monkeypatch):
    """The last check of a kept tree: grown, it must give the newest checkpoint's root (and size),
    whatever grew it."""
    from publisher.site import logtree

    all_ids = ids(300)
    out, cache = tmp_path / "out", tmp_path / "cache"
    put(ix, all_ids[:100])
    first, _ = tree_of(ix, out, cache, [cp(all_ids, 100)])
    real_grow = logtree.grow

    calls = []

    def wrong_grow(work, leaf_hashes):  # the first growth: one leaf of the push replaced
        hashes = list(leaf_hashes)
        if not calls:
            hashes[7] = bytes(32)
        calls.append(len(hashes))
        real_grow(work, hashes)

    monkeypatch.setattr(logtree, "grow", wrong_grow)
    put(ix, all_ids)
    second, root = tree_of(ix, out, cache, [cp(all_ids, 100), cp(all_ids, 250)])
    assert calls[0] == 150, calls  # the kept tree was grown first ...
    assert second != first and root == cp(all_ids, 250).root  # ... then built again


def test_a_level_is_read_only_within_its_length(tmp_path):
    work = tmp_path / "t"
    grow(work, leaves(ids(5)))
    tree = DiskMerkleTree(work)
    try:
        assert tree.leaf(4) == leaves(ids(5))[4]
        with pytest.raises(IndexError):
            tree.leaf(5)
        with pytest.raises(IndexError):
            tree.leaf(-1)
    finally:
        tree.close()
