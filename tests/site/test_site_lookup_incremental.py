"""The company lookup index updated in place by the next build into the same output: every file
equals what a full build writes, and only the files a change reaches are rewritten."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from publisher.site import lookup
from publisher.site.incremental import Manifest
from publisher.site.model import SiteIndex

CHARS = "华为科技有限公司北京上海广州深圳贸易食品药品餐饮服务中心德州济南青岛ABC"


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def ix(tmp_path):
    rnd = random.Random(7)
    index = SiteIndex(tmp_path / "site.sqlite")
    rows = [(f"91{i:016d}", "".join(rnd.choice(CHARS) for _ in range(rnd.randint(4, 12)))) for i in range(1500)]
    index.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)", rows)
    index.db.commit()
    yield index
    index.close()


def build(ix: SiteIndex, out: Path, cache: Path) -> dict:
    """One build's lookup step, with the manifest as `publisher build` keeps it."""
    m = Manifest(out, "key", cache_root=cache)
    m.load()
    stats = lookup.write_index(ix, out, None, m)
    m.finish()
    return stats


def full(ix: SiteIndex, out: Path) -> dict[str, bytes]:
    lookup.write_index(ix, out, None, None)
    return files(out / "lookup")


def add_result(ix: SiteIndex, target: str, idx: int) -> None:
    ix.db.execute("INSERT INTO results(idx, target_id, kind) VALUES (?,?, 'result')", (idx, target))


def test_changed_companies_rewrite_only_their_files(ix, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(ix, out, cache)
    before, stamps = files(out / "lookup"), mtimes(out / "lookup")
    names = dict(ix.db.execute("SELECT id, name FROM targets").fetchall())
    touched = [f"91{i * 97:016d}" for i in range(5)] + [f"91{50:016d}", f"91{60:016d}"]
    reach = [names[c] for c in touched] + ["青岛新名字餐饮服务有限公司", "德州测试新增食品有限公司"]
    for i in range(5):  # a push: results for five companies, a rename, a new company, one gone
        add_result(ix, f"91{i * 97:016d}", i)
    ix.db.execute("UPDATE targets SET name='青岛新名字餐饮服务有限公司' WHERE id=?", (f"91{50:016d}",))
    ix.db.execute("INSERT INTO targets(id, name) VALUES ('93000000000000000X', '德州测试新增食品有限公司')")
    ix.db.execute("DELETE FROM targets WHERE id=?", (f"91{60:016d}",))
    ix.db.commit()
    stats = build(ix, out, cache)
    assert stats["changed"] == 8, stats
    after, stamps_after = files(out / "lookup"), mtimes(out / "lookup")
    want = full(ix, tmp_path / "fresh")
    assert sorted(set(after) ^ set(want)) == []
    assert [k for k in want if after[k] != want[k]] == []
    rewritten = {k for k in after if stamps_after[k] != stamps.get(k)}
    b = stats["buckets"]
    buckets = {lookup.gram_hash(g, b) for name in reach for g in lookup.grams(name)}
    allowed = {"meta.json"} | {f"id/{lookup.gram_hash(lookup.normalize(c), b)}.json"
                               for c in touched + ["93000000000000000X"]}
    allowed |= {k for k in after if k.split("/")[0] in ("c", "g") and int(k.split("/")[1].split(".")[0]) in buckets}
    assert rewritten <= allowed and len(allowed) < len(after), (sorted(rewritten - allowed)[:5], len(allowed), len(after))
    assert [k for k in after if after[k] != before.get(k)] and all(k in rewritten for k in after if after[k] != before.get(k))
    assert lookup.query(out, "德州测试新增")[0][0] == "93000000000000000X"
    assert lookup.query(out, f"91{60:016d}") == []
    assert lookup.query(out, f"91{0:016d}")[0][2] == 1  # its result count, from the id file


def test_nothing_changed_writes_nothing(ix, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(ix, out, cache)
    stamps = mtimes(out / "lookup")
    assert build(ix, out, cache)["files"] == 0
    assert mtimes(out / "lookup") == stamps


def test_a_tampered_scratch_index_is_not_trusted(ix, tmp_path):
    """The kept postings file is used only if it is byte for byte the one the last build left:
    a changed file (here: a company's name edited in it) means a full rewrite, still exact."""
    import sqlite3

    out, cache = tmp_path / "out", tmp_path / "cache"
    build(ix, out, cache)
    (db_path,) = (cache / "site").glob("*.lookup.sqlite")
    db = sqlite3.connect(db_path)
    db.execute("UPDATE c SET name='假名字' WHERE id=?", (f"91{3:016d}",))
    db.commit()
    db.close()
    add_result(ix, f"91{4:016d}", 1)
    ix.db.commit()
    stats = build(ix, out, cache)
    assert "changed" not in stats  # the full path
    assert files(out / "lookup") == full(ix, tmp_path / "fresh")


def test_bucket_count_change_rewrites_everything(ix, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build(ix, out, cache)
    rnd = random.Random(9)
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"92{i:016d}", "".join(rnd.choice(CHARS) for _ in range(10))) for i in range(6000)])
    ix.db.commit()
    stats = build(ix, out, cache)
    assert stats["buckets"] > first["buckets"] and "changed" not in stats
    assert files(out / "lookup") == full(ix, tmp_path / "fresh")
