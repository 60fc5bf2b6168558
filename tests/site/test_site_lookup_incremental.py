"""The company lookup index updated in place by the next build into the same output: every file
equals what a full build writes, and only the files a change reaches are rewritten."""

from __future__ import annotations

import json
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


def test_rounds_of_random_pushes_equal_a_full_build_each_time(ix, tmp_path):
    """Renames, new and removed companies and new results, many rounds: lists cross the inline
    limit both ways, long lists grow and shrink by pages; after every round the updated index
    is byte for byte a full build's, with no file left over."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(ix, out, cache)
    rnd = random.Random(11)
    ids = [r[0] for r in ix.db.execute("SELECT id FROM targets")]
    short = "华为北京ABC"  # few letters: names share many grams, lists of every length
    paths = 0
    for rnd_no in range(8):
        for _ in range(rnd.randint(1, 25)):
            op = rnd.random()
            if op < 0.3:
                add_result(ix, rnd.choice(ids), 10_000 + rnd_no * 1000 + paths)
            elif op < 0.55:
                ix.db.execute("UPDATE targets SET name=? WHERE id=?",
                              ("".join(rnd.choice(short) for _ in range(rnd.randint(2, 5))), rnd.choice(ids)))
            elif op < 0.8:
                new = f"95{rnd_no:04d}{paths:012d}"
                ix.db.execute("INSERT INTO targets(id, name) VALUES (?,?)",
                              (new, "".join(rnd.choice(short) for _ in range(rnd.randint(2, 4)))))
                ids.append(new)
            else:
                gone = ids.pop(rnd.randrange(len(ids)))
                ix.db.execute("DELETE FROM targets WHERE id=?", (gone,))
            paths += 1
        ix.db.commit()
        stats = build(ix, out, cache)
        assert "changed" in stats, stats  # the in-place path, not a rebuild
        assert files(out / "lookup") == full(ix, tmp_path / f"fresh{rnd_no}"), rnd_no


def test_a_new_result_rewrites_only_the_pages_that_hold_the_company(ix, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build(ix, out, cache)
    stamps = mtimes(out / "lookup")
    cid = f"91{123:016d}"
    name = ix.db.execute("SELECT name FROM targets WHERE id=?", (cid,)).fetchone()[0]
    add_result(ix, cid, 1)
    ix.db.commit()
    stats = build(ix, out, cache)
    after = files(out / "lookup")
    assert after == full(ix, tmp_path / "fresh")
    rewritten = sorted(k for k, t in mtimes(out / "lookup").items() if t != stamps.get(k))
    holding = {k for k, v in after.items() if k.startswith("g/") and cid.encode() in v}
    b = first["buckets"]
    counts = {f"c/{lookup.gram_hash(g, b)}.json" for g in lookup.grams(name)}
    pages = [k for k in rewritten if k.startswith("g/")]
    assert pages and set(pages) <= holding, (pages, sorted(holding))
    assert set(rewritten) <= holding | counts | {"meta.json", f"id/{lookup.gram_hash(cid, b)}.json"}
    assert stats["files"] == len(pages) + len([k for k in rewritten if k.startswith("c/")])


def test_a_list_one_page_shorter_leaves_no_page_behind(ix, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"96{i:016d}", f"蓬莱阁{i:03d}") for i in range(lookup.PAGE + 1)])
    ix.db.commit()
    build(ix, out, cache)
    ix.db.execute("DELETE FROM targets WHERE id=?", (f"96{7:016d}",))
    ix.db.commit()
    assert "changed" in build(ix, out, cache)
    assert files(out / "lookup") == full(ix, tmp_path / "fresh")


@pytest.mark.parametrize("at", [99, 100])
def test_a_company_added_at_a_page_boundary_rewrites_from_its_page(ix, tmp_path, at):
    """A new company whose sort key lands exactly at the last slot of a page (99) or the first
    of the next (100) of a long list: every page from the one it lands on is produced again."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"96{i:016d}", f"蓬莱阁{i:03d}") for i in range(2 * lookup.PAGE + 5)])
    ix.db.commit()
    build(ix, out, cache)
    name, new_id = f"蓬莱阁{at:03d}", f"95{at:016d}"  # same name, smaller id: takes row ``at``'s place
    ix.db.execute("INSERT INTO targets(id, name) VALUES (?,?)", (new_id, name))
    ix.db.commit()
    build(ix, out, cache)
    assert files(out / "lookup") == full(ix, tmp_path / "full")
    assert lookup.query(out, name)[0] == [new_id, name, 0]


@pytest.mark.parametrize("at", [0, 99, 100, 204])
def test_a_result_at_a_page_boundary_rewrites_its_page(ix, tmp_path, at):
    """A company whose result count alone changes keeps its place: its page is found by counting
    the entries before it (the last of page 0, the first of page 1, the list's ends)."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"96{i:016d}", f"蓬莱阁{i:03d}") for i in range(2 * lookup.PAGE + 5)])
    ix.db.commit()
    build(ix, out, cache)
    add_result(ix, f"96{at:016d}", 1)
    ix.db.commit()
    assert build(ix, out, cache)["changed"] == 1
    assert files(out / "lookup") == full(ix, tmp_path / "full")
    assert lookup.query(out, f"蓬莱阁{at:03d}")[0] == [f"96{at:016d}", f"蓬莱阁{at:03d}", 1]


def test_a_company_removed_and_others_added_around_its_place_in_one_push(ix, tmp_path):
    """A removal and additions just before and after the removed company's place in the same
    push, at the page boundaries of a long list: the pages from the first change on are produced
    again, and the index is a full build's."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"96{i:016d}", f"蓬莱阁{i:03d}") for i in range(3 * lookup.PAGE + 5)])
    ix.db.commit()
    build(ix, out, cache)
    for rnd_no, at in enumerate((99, 100, 199, 200)):
        ix.db.execute("DELETE FROM targets WHERE id=?", (f"96{at:016d}",))
        ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                          [(f"97{at:014d}{k:02d}", f"蓬莱阁{at:03d}") for k in range(3)]
                          + [(f"95{at:014d}{k:02d}", f"蓬莱阁{at - 1:03d}") for k in range(2)])
        ix.db.commit()
        assert "changed" in build(ix, out, cache)
        assert files(out / "lookup") == full(ix, tmp_path / f"full{rnd_no}"), at



def test_results_on_scattered_pages_rewrite_exactly_those_pages(ix, tmp_path):
    """Results for companies on pages 0, 2 and 3 of a five-page list in one push: those three
    pages are read and written again, pages 1 and 4 are not touched."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"96{i:016d}", f"蓬莱阁{i:03d}") for i in range(4 * lookup.PAGE + 30)])
    ix.db.commit()
    first = build(ix, out, cache)
    stamps = mtimes(out / "lookup")
    for k, at in enumerate((5, 2 * lookup.PAGE + 7, 3 * lookup.PAGE + 99)):
        add_result(ix, f"96{at:016d}", k)
    ix.db.commit()
    build(ix, out, cache)
    assert files(out / "lookup") == full(ix, tmp_path / "full")
    b = first["buckets"]
    d = f"g/{lookup.gram_hash('蓬莱阁', b)}/"
    key = json.loads((out / "lookup" / "c" / f"{lookup.gram_hash('蓬莱阁', b)}.json").read_text())["蓬莱阁"][1]
    rewritten = {k for k, t in mtimes(out / "lookup").items() if t != stamps.get(k) and k.startswith(d + f"{key}-")}
    assert rewritten == {f"{d}{key}-{p}.json" for p in (0, 2, 3)}


def test_companies_landing_in_one_gap_until_it_is_used_up(ix, tmp_path):
    """Each push adds a company whose list place is just after the previous one's, between the
    same two neighbours: each takes the number half way between theirs, until no number is left
    between them; then the index is written afresh (numbered again), and every build is exact."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)",
                      [(f"96{i:016d}", f"蓬莱阁{i:03d}") for i in range(2 * lookup.PAGE)])
    ix.db.commit()
    build(ix, out, cache)
    paths = []
    for k in range(1, 40):  # ids 96000…0 + "0" * k: each sorts just after the one before
        ix.db.execute("INSERT INTO targets(id, name) VALUES (?,?)", (f"96{0:016d}" + "0" * k, "蓬莱阁000"))
        ix.db.commit()
        paths.append("changed" in build(ix, out, cache))
        if k % 8 == 0 or not paths[-1]:
            assert files(out / "lookup") == full(ix, tmp_path / f"full{k}"), k
    assert all(paths[:30]) and not all(paths), paths  # 32 halvings of STEP, then a fresh numbering
    assert paths[-1]  # the fresh numbering has room again
    assert files(out / "lookup") == full(ix, tmp_path / "last")
    rows = lookup.query(out, "蓬莱阁000")
    assert [r[0] for r in rows[:3]] == [f"96{0:016d}", f"96{0:016d}0", f"96{0:016d}00"]


def test_every_posting_page_is_in_list_order_after_pushes(ix, tmp_path):
    """The list order lookup.js relies on — (normalised name length, name, id) — holds in every
    page an in-place update wrote (the numbers it places companies by are checked against the
    order itself, not against another build)."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(ix, out, cache)
    rnd = random.Random(5)
    ids = [r[0] for r in ix.db.execute("SELECT id FROM targets")]
    for k in range(60):
        ix.db.execute("UPDATE targets SET name=? WHERE id=?",
                      ("".join(rnd.choice("华为北京有限公司") for _ in range(rnd.randint(3, 8))), rnd.choice(ids)))
        ix.db.execute("INSERT INTO targets(id, name) VALUES (?,?)",
                      (f"97{k:016d}", "".join(rnd.choice("华为北京有限公司") for _ in range(rnd.randint(3, 8)))))
    ix.db.commit()
    assert "changed" in build(ix, out, cache)
    pages = list((out / "lookup" / "g").rglob("*.json"))
    assert pages
    for p in pages:
        rows = json.loads(p.read_text())
        keys = [(len(lookup.normalize(r[1])), r[1], r[0]) for r in rows]
        assert keys == sorted(keys), p


def test_runs_of_pages_read_together():
    """Only the pages a push reaches are read: consecutive ones in one range, gaps left out."""
    assert lookup._runs([7, 0, 2, 3, 5, 6]) == [(0, 0), (2, 3), (5, 7)]
    assert lookup._runs([]) == []


def test_a_company_after_the_last_leaves_room_behind_it(ix, tmp_path):
    """A company placed after the last in list order gets a whole STEP of room: the next one,
    landing between the two, is still placed in place (no fresh numbering)."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(ix, out, cache)
    last = "华" * 40  # longer than any name: after every company in list order
    for k, cid in enumerate(("98000000000000000B", "98000000000000000A")):  # then just before it
        ix.db.execute("INSERT INTO targets(id, name) VALUES (?,?)", (cid, last))
        ix.db.commit()
        assert "changed" in build(ix, out, cache), k
    assert files(out / "lookup") == full(ix, tmp_path / "fresh")
