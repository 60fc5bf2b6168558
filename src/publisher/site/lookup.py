"""Company lookup: a purpose-built, sharded static index of names and ids (nothing else).

Why not only Pagefind: a citizen types a company's Chinese name, or any part of it, and must
land on its page — including the many companies never inspected. Full-text ranking cannot
promise that; a substring index can. Every name is cut into its 2- and 3-character grams
(after NFKC, without spaces, upper case); each gram's posting list holds the companies whose
name contains it, as ``[id, name, results]`` sorted by (name length, name, id), in pages of
``PAGE`` entries. Because a name containing the query is never shorter than the query, exact
names come first in every list, so a full name is always the first result.

Files (all under ``lookup/``, all JSON, a build rewrites only the files a change reaches, see write_index):

``meta.json``      ``{"v": 1, "buckets": B, "page": PAGE, "companies": n}``
``c/<b>.json``     gram -> ``[count, key]`` for the grams whose hash is ``b``; a short list
                   is inlined instead: gram -> ``[count, [[id, name, results], ...]]``
``g/<b>/<key>-<p>.json``  page ``p`` (from 0) of that gram's posting list
``id/<b>.json``    ID (upper case) -> ``[name, results]`` for the ids whose hash is ``b``

A query of 2 characters reads one gram list (every entry matches); a longer query reads the
count files of all its trigrams in parallel (lookup.js; this reference reads four — every list
gives the same rows in the same order, only the cost differs), then pages through the shortest
list keeping the names that contain the whole query, in parallel batches of 1, 2, 4 … pages. ``gram_hash`` is FNV-1a over code points, mod B, the same
in theme/static/js/lookup.js. Sizes: a few KB per file, B grows with the directory.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from .model import CACHE
from .urls import safe_seg

PAGE = 100  # entries per posting-list page
INLINE = 8  # lists this short live in the count file itself
GRAMS_PER_BUCKET = 48  # B is the power of two giving about this many grams per count file


def normalize(text: str) -> str:
    """What is matched: NFKC (full-width letters and digits become ASCII), no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def gram_hash(gram: str, buckets: int) -> int:
    """FNV-1a (32 bit) over the gram's code points, mod ``buckets`` (mirrored in lookup.js)."""
    h = 0x811C9DC5
    for ch in gram:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


def grams(name: str) -> set[str]:
    n = normalize(name)
    out = {n[i:i + 2] for i in range(len(n) - 1)}
    out.update(n[i:i + 3] for i in range(len(n) - 2))
    return out


def encode(value: Any) -> bytes:
    """A lookup file's bytes: compact JSON, UTF-8, non-ASCII as itself — the bytes of
    ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, made by orjson (7x faster
    on the county's 7,952 lookup files, docs/BENCHMARKS.md session 17; the equality is tested).
    No lone surrogate reaches here (orjson refuses to encode one, as json's UTF-8 step did):
    names come from directory snapshots, which orjson parses, and from entries, which verify
    refuses when their body has no canonical UTF-8 form ("non-UTF-8 codepoints")."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def _dump(path: Path, value: Any) -> None:
    path.write_bytes(encode(value))


def companies(ix: Any) -> Iterable[tuple[str, str, int]]:
    """(id, name, published results) of every company with a page and a name."""
    sql = ("SELECT t.id, t.name, (SELECT count(*) FROM results r WHERE r.target_id=t.id) AS n "
           "FROM targets t WHERE t.name IS NOT NULL AND t.name != '' ORDER BY t.id")
    for row in ix.it(sql):
        if safe_seg(row["id"]):
            yield row["id"], row["name"], row["n"]


def write_index(ix: Any, out: Path, work_dir: Path | None = None, memory: Any = None) -> dict[str, int]:
    """Write ``out/lookup/``; postings are sorted in a scratch sqlite file (flat memory).

    With ``memory`` (site.incremental.Manifest) the scratch file is kept in the local cache next
    to the manifest, and the next build into the same output rewrites only the files a change
    reaches: for each gram of a company that was added, removed, renamed or got another result
    count, its bucket's count file and the pages of its list whose bytes changed (see _update),
    and those companies' id files. Every file's bytes are those a full build writes (same bucket
    count B, same per-bucket keys, assigned in gram order within the bucket); when B would
    change, everything is rewritten."""
    out = Path(out) / "lookup"
    keep = _kept_db(memory)
    if keep is not None:
        db_path, prev = keep
        try:
            stats = _update(ix, out, db_path, prev)
        except _Rebuild:
            stats = None
        if stats is not None:
            _remember(memory, db_path, stats)
            return stats
    shutil.rmtree(out, ignore_errors=True)
    (out / "c").mkdir(parents=True)
    (out / "id").mkdir()
    if memory is not None and getattr(memory, "mac_key", None) is not None:
        db_path = memory.path.with_suffix(".lookup.sqlite")
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        db_path.unlink(missing_ok=True)
        db_path.touch(mode=0o600)  # the local cache is private, like the manifest
        stats = _write(ix, out, db_path)
        _remember(memory, db_path, stats)
        return stats
    tmp = tempfile.mkdtemp(prefix="lookup-", dir=work_dir)
    try:
        return _write(ix, out, Path(tmp) / "postings.db")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class _Rebuild(Exception):
    """The kept scratch index cannot be updated in place (B changes): write everything."""


def _file_digest(path: Path) -> str:
    import hashlib

    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _remember(memory: Any, db_path: Path, stats: dict[str, int]) -> None:
    memory.remember("lookup", {"db": str(db_path), "sha256": _file_digest(db_path), "buckets": stats["buckets"]})


def _kept_db(memory: Any) -> tuple[Path, dict[str, Any]] | None:
    """The previous build's scratch index, if it is exactly the file that build left."""
    prev = memory.recall("lookup") if memory is not None else None
    if not prev:
        return None
    db_path = Path(prev["db"])
    if db_path != memory.path.with_suffix(".lookup.sqlite") or not db_path.is_file():
        return None
    if _file_digest(db_path) != prev.get("sha256"):
        return None
    return db_path, prev


SCRATCH = (f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; {CACHE};"
           "CREATE TABLE c0(id TEXT, name TEXT, n INT, len INT, ih INT);"
           "CREATE TABLE c(num INTEGER PRIMARY KEY, id TEXT UNIQUE, name TEXT, n INT, len INT, ih INT);"
           "CREATE TABLE p(gram TEXT, num INT);")
# A company's ``num`` is its place in list order, (name length, name, id): a full build numbers
# the companies STEP apart in that order, and an update gives a new or renamed company a number
# half way between its neighbours'. So a gram's posting list in list order is an index range of
# p(gram, num) — no sort — and a company's place in a list is a bisection of the list's numbers.
# When a gap is used up (about 32 companies landing between the same two) the update gives up
# and the index is written again from scratch, numbered afresh.
STEP = 1 << 32
# g: every gram with its bucket and list length, so that an update derives a bucket's count file
# and a gram's pages from the scratch index alone (never from the files it wrote before).
GRAMS = ("CREATE INDEX p_num ON p(num); CREATE INDEX p_gram ON p(gram, num); CREATE INDEX c_key ON c(len, name, id);"
         "CREATE TABLE g(gram TEXT PRIMARY KEY, b INT, n INT); CREATE INDEX g_b ON g(b, gram);")
LIST = "SELECT c.id, c.name, c.n FROM p JOIN c ON c.num=p.num WHERE p.gram=? AND p.num BETWEEN ? AND ? ORDER BY p.num"
LIST_ALL = "SELECT c.id, c.name, c.n FROM p JOIN c ON c.num=p.num WHERE p.gram=? ORDER BY p.num"


def _fnv(gram: str) -> int:
    return gram_hash(gram, 1 << 32)


def _write(ix: Any, out: Path, scratch: Path) -> dict[str, int]:
    db = sqlite3.connect(scratch)
    db.executescript(SCRATCH)
    buf: list[tuple] = []
    for cid, name, n in companies(ix):
        buf.append((cid, name, n, len(normalize(name)), _fnv(normalize(cid))))
        if len(buf) > 50_000:
            db.executemany("INSERT INTO c0 VALUES (?,?,?,?,?)", buf)
            buf.clear()
    db.executemany("INSERT INTO c0 VALUES (?,?,?,?,?)", buf)
    # numbered in list order, STEP apart (see STEP); then each company's grams, in that order
    db.execute(f"INSERT INTO c SELECT {STEP} * row_number() OVER (ORDER BY len, name, id), id, name, n, len, ih "
               "FROM c0 ORDER BY len, name, id")
    db.execute("DROP TABLE c0")
    count = 0
    posts: list[tuple] = []
    for num, name in db.execute("SELECT num, name FROM c ORDER BY num"):
        posts.extend((g, num) for g in grams(name))
        count += 1
        if len(posts) > 50_000:
            db.executemany("INSERT INTO p VALUES (?,?)", posts)
            posts.clear()
    db.executemany("INSERT INTO p VALUES (?,?)", posts)
    db.executescript(GRAMS)
    n_grams = db.execute("SELECT count(DISTINCT gram) FROM p").fetchone()[0]
    buckets = _buckets(n_grams)
    db.executemany("INSERT INTO g VALUES (?,?,?)", ((gram, gram_hash(gram, buckets), n) for gram, n in
                                                    db.execute("SELECT gram, count(*) FROM p GROUP BY gram").fetchall()))
    files = _emit_buckets(db, out, buckets)
    ids: dict[int, dict[str, Any]] = {}
    for cid, name, n in db.execute("SELECT id, name, n FROM c ORDER BY id"):
        ids.setdefault(gram_hash(normalize(cid), buckets), {})[normalize(cid)] = [name, n]
    for b in range(buckets):
        _dump(out / "id" / f"{b}.json", ids.get(b, {}))
    _dump(out / "meta.json", {"v": 1, "buckets": buckets, "page": PAGE, "companies": count})
    db.commit()
    db.close()
    return {"companies": count, "grams": n_grams, "buckets": buckets, "files": files + 2 * buckets + 1}


def _buckets(n_grams: int) -> int:
    buckets = 1
    while buckets * GRAMS_PER_BUCKET < max(n_grams, 1):
        buckets *= 2
    return buckets


def _put(path: Path, value: Any) -> bool:
    """Write ``value`` as _dump does unless the file already holds exactly those bytes (an
    updated bucket: a new result count changes a few pages of a long list, not all of them)."""
    data = encode(value)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.write_bytes(data)
    return True


def _emit_buckets(db: sqlite3.Connection, out: Path, buckets: int) -> int:
    """Count files and posting pages of every bucket, one gram at a time in gram order (a full
    build: one sorted pass over all postings). Returns the posting pages written."""
    counts: dict[int, dict[str, Any]] = {}
    keys: dict[int, int] = {}
    files = 0
    cur = db.execute("SELECT p.gram, c.id, c.name, c.n FROM p JOIN c ON c.num=p.num "
                     "ORDER BY p.gram, c.len, c.name, c.id")
    gram: str | None = None
    entries: list[list[Any]] = []

    def flush() -> None:
        nonlocal files
        if gram is None:
            return
        b = gram_hash(gram, buckets)
        if len(entries) <= INLINE:
            counts.setdefault(b, {})[gram] = [len(entries), entries]
            return
        key = keys.get(b, 0)
        keys[b] = key + 1
        counts.setdefault(b, {})[gram] = [len(entries), key]
        d = out / "g" / str(b)
        d.mkdir(parents=True, exist_ok=True)
        for p in range(0, len(entries), PAGE):
            _dump(d / f"{key}-{p // PAGE}.json", entries[p:p + PAGE])
            files += 1

    for g, cid, name, n in cur:
        if g != gram:
            flush()
            gram, entries = g, []
        entries.append([cid, name, n])
    flush()
    for b in range(buckets):
        _dump(out / "c" / f"{b}.json", counts.get(b, {}))
    return files


def _pages(n: int) -> int:
    return (n + PAGE - 1) // PAGE if n > INLINE else 0


class _Change:
    """How a push reaches one gram's list: companies whose result count alone changed keep
    their place (only their pages change); an added, removed or renamed company shifts every
    entry after its place (the pages from there on change). Places are companies' numbers
    (see STEP), which order as the list does."""

    __slots__ = ("counted", "first")

    def __init__(self) -> None:
        self.counted: set[int] = set()
        self.first: int | None = None  # smallest number added or removed

    def shift(self, num: int) -> None:
        if self.first is None or num < self.first:
            self.first = num


def _runs(pages: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted page numbers as (first, last) runs of consecutive pages."""
    out: list[tuple[int, int]] = []
    for p in sorted(pages):
        if out and out[-1][1] == p - 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


def _emit_list(db: sqlite3.Connection, d: Path, key: int, gram: str, change: _Change | None, made: set[str]) -> int:
    """The posting pages of one gram: all of them (``change`` None), or only those ``change``
    reaches — found by bisecting the list's company numbers (read from the index alone), and
    only those pages' rows are read, encoded and compared with their files. Returns files written."""
    d.mkdir(parents=True, exist_ok=True)
    files = 0
    if change is None:
        rows = db.execute(LIST_ALL, (gram,)).fetchall()
        for p in range(0, len(rows), PAGE):
            made.add(f"{key}-{p // PAGE}.json")
            files += _put(d / f"{key}-{p // PAGE}.json", [list(r) for r in rows[p:p + PAGE]])
        return files
    nums = [r[0] for r in db.execute("SELECT num FROM p WHERE gram=? ORDER BY num", (gram,))]
    n_pages = (len(nums) + PAGE - 1) // PAGE
    made.update(f"{key}-{p}.json" for p in range(n_pages))
    want = {bisect.bisect_left(nums, num) // PAGE for num in change.counted}
    if change.first is not None:  # every page from the first shifted place on
        want.update(range(bisect.bisect_left(nums, change.first) // PAGE, n_pages))
    for first, last in _runs(p for p in want if p < n_pages):
        rows = db.execute(LIST, (gram, nums[first * PAGE], nums[min((last + 1) * PAGE, len(nums)) - 1])).fetchall()
        for i in range(0, len(rows), PAGE):
            files += _put(d / f"{key}-{first + i // PAGE}.json", [list(r) for r in rows[i:i + PAGE]])
    return files


def _emit_bucket(db: sqlite3.Connection, out: Path, b: int, touched: dict[str, _Change] | None,
                 old_n: dict[str, int]) -> int:
    """Bucket ``b`` brought up to the scratch index (an update): its count file, derived from the
    ``g`` table (keys are assigned in gram order to the lists that are not inlined, as a full
    build does), and the posting pages of the grams in ``touched`` that their change reaches —
    every page of every gram when ``touched`` is None (a gram crossed the inline limit, so later
    keys shift). A file is written only when its bytes change; pages no longer produced are
    removed. Returns files written."""
    counts: dict[str, Any] = {}
    key, files = 0, 0
    d = out / "g" / str(b)
    made: set[str] = set()
    inline: dict[str, list[list[Any]]] = {}  # the bucket's short lists, in one query
    for gram, cid, name, n in db.execute(
            "SELECT p.gram, c.id, c.name, c.n FROM g JOIN p ON p.gram=g.gram JOIN c ON c.num=p.num "
            "WHERE g.b=? AND g.n<=? ORDER BY p.gram, c.len, c.name, c.id", (b, INLINE)):
        inline.setdefault(gram, []).append([cid, name, n])
    for gram, n in db.execute("SELECT gram, n FROM g WHERE b=? ORDER BY gram", (b,)).fetchall():
        if n <= INLINE:
            counts[gram] = [n, inline.get(gram, [])]
            continue
        counts[gram] = [n, key]
        if touched is None or gram in touched:
            files += _emit_list(db, d, key, gram, touched[gram] if touched is not None else None, made)
            for p in range(_pages(n), _pages(old_n.get(gram, 0))):  # the list got shorter
                (d / f"{key}-{p}.json").unlink(missing_ok=True)
        key += 1
    files += _put(out / "c" / f"{b}.json", counts)
    if touched is None and d.is_dir():
        for e in os.scandir(d):
            if e.name not in made:
                os.unlink(e.path)
    return files


def _place(db: sqlite3.Connection, key: tuple[int, str, str]) -> int:
    """A number for a company entering the lists at ``key`` (name length, name, id): half way
    between its neighbours' (see STEP). Raises _Rebuild when they are adjacent."""
    row = db.execute("SELECT num FROM c WHERE (len, name, id) < (?, ?, ?) ORDER BY len DESC, name DESC, id DESC "
                     "LIMIT 1", key).fetchone()
    lo = row[0] if row else 0
    row = db.execute("SELECT num FROM c WHERE (len, name, id) > (?, ?, ?) ORDER BY len, name, id LIMIT 1", key).fetchone()
    hi = row[0] if row else lo + 2 * STEP
    mid = (lo + hi) // 2
    if not lo < mid < hi:
        raise _Rebuild
    return mid


def _update(ix: Any, out: Path, db_path: Path, prev: dict[str, Any]) -> dict[str, int] | None:
    """Bring the kept scratch index and ``out`` up to this build's companies (see write_index).

    Only the grams of the companies that changed are looked at: their list lengths are updated
    in ``g``, each bucket holding one gets its count file derived again, and each such gram's
    posting pages are produced again (a new result count changes a page or two of a long list;
    unchanged pages are not written). A bucket where a gram's list crosses the inline limit is
    produced whole, as its later keys shift."""
    if not (out / "meta.json").is_file():
        raise _Rebuild
    db = sqlite3.connect(db_path)
    db.execute(CACHE)
    try:
        old = {cid: (num, name, n) for num, cid, name, n in db.execute("SELECT num, id, name, n FROM c")}
        now = {cid: (name, n) for cid, name, n in companies(ix)}
        gone = [cid for cid in old if cid not in now]
        changed = [cid for cid, v in now.items() if old.get(cid, (None,))[1:] != v]
        buckets = prev["buckets"]
        count = len(now)
        if not gone and not changed:  # nothing a lookup file holds changed: none is written
            n_grams = db.execute("SELECT count(*) FROM g").fetchone()[0]
            return {"companies": count, "grams": n_grams, "buckets": buckets, "files": 0, "changed": 0}
        delta: dict[str, int] = {}
        how: dict[str, _Change] = {}
        touched_ids = {normalize(cid) for cid in gone + changed}
        for cid in gone + changed:
            if cid in old:
                num, name, _ = old[cid]
                same = cid in now and now[cid][0] == name  # only its result count changed
                for g in grams(name):
                    delta[g] = delta.get(g, 0) - 1
                    if not same:
                        how.setdefault(g, _Change()).shift(num)
                db.execute("DELETE FROM p WHERE num=?", (num,))
                db.execute("DELETE FROM c WHERE num=?", (num,))
        for cid in changed:
            name, n = now[cid]
            length = len(normalize(name))
            same = cid in old and old[cid][1] == name
            num = old[cid][0] if same else _place(db, (length, name, cid))
            db.execute("INSERT INTO c VALUES (?,?,?,?,?,?)", (num, cid, name, n, length, _fnv(normalize(cid))))
            g = grams(name)
            for x in g:
                delta[x] = delta.get(x, 0) + 1
                if same:
                    how.setdefault(x, _Change()).counted.add(num)
                else:
                    how.setdefault(x, _Change()).shift(num)
            db.executemany("INSERT INTO p VALUES (?,?)", [(x, num) for x in g])
        old_n: dict[str, int] = {}
        for gram in delta:
            row = db.execute("SELECT n FROM g WHERE gram=?", (gram,)).fetchone()
            old_n[gram] = row[0] if row else 0
            new = old_n[gram] + delta[gram]
            if new <= 0:
                db.execute("DELETE FROM g WHERE gram=?", (gram,))
            else:
                db.execute("INSERT OR REPLACE INTO g VALUES (?,?,?)", (gram, gram_hash(gram, buckets), new))
        n_grams = db.execute("SELECT count(*) FROM g").fetchone()[0]
        if _buckets(n_grams) != buckets:
            db.rollback()
            raise _Rebuild
        by_bucket: dict[int, dict[str, _Change]] = {}
        for gram in delta:
            by_bucket.setdefault(gram_hash(gram, buckets), {})[gram] = how.get(gram) or _Change()
        files = 0
        for b, touched in sorted(by_bucket.items()):
            shift = any((old_n[x] > INLINE) != (old_n[x] + delta[x] > INLINE) for x in touched)
            files += _emit_bucket(db, out, b, None if shift else touched, old_n)
        id_buckets = {gram_hash(i, buckets) for i in touched_ids}
        ids: dict[int, dict[str, Any]] = {b: {} for b in id_buckets}
        db.execute("CREATE TEMP TABLE IF NOT EXISTS want(b INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM want")
        db.executemany("INSERT INTO want VALUES (?)", [(b,) for b in id_buckets])
        # ih: FNV-1a of the normalised id, so its bucket is ih mod B (B a power of two): the id
        # files a push reaches are read by the database, not by hashing every company's id here
        for cid, name, n in db.execute("SELECT id, name, n FROM c WHERE (ih & ?) IN (SELECT b FROM want) ORDER BY id",
                                       (buckets - 1,)):
            ids[gram_hash(normalize(cid), buckets)][normalize(cid)] = [name, n]
        for b, d in ids.items():
            _put(out / "id" / f"{b}.json", d)
        _dump(out / "meta.json", {"v": 1, "buckets": buckets, "page": PAGE, "companies": count})
        db.commit()
    finally:
        db.close()
    return {"companies": count, "grams": n_grams, "buckets": buckets, "files": files, "changed": len(changed) + len(gone)}


# ------------------------------------------------------------------ reference query (tests)

def query(site: Path, q: str, limit: int | None = None) -> list[list[Any]]:
    """The lookup as lookup.js does it, reading the files directly (for tests and tools)."""
    root = Path(site) / "lookup"
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    B = meta["buckets"]
    nq = normalize(q)
    if len(nq) < 2:
        return []
    out: list[list[Any]] = []
    idrec = json.loads((root / "id" / f"{gram_hash(nq, B)}.json").read_text(encoding="utf-8")).get(nq)
    if idrec:
        out.append([nq, idrec[0], idrec[1]])

    def entry(g: str) -> Any:
        return json.loads((root / "c" / f"{gram_hash(g, B)}.json").read_text(encoding="utf-8")).get(g)

    if len(nq) == 2:
        candidates = [(entry(nq), nq)]
    else:
        tri = [nq[i:i + 3] for i in range(len(nq) - 2)]
        picks = sorted({tri[int(i * (len(tri) - 1) / 3 + 0.5)] for i in range(4)})
        candidates = [(entry(g), g) for g in picks]
    if any(c is None for c, _ in candidates):
        return out
    best, g = min(candidates, key=lambda c: c[0][0])
    if isinstance(best[1], list):
        rows = best[1]
    else:
        rows = []
        d = root / "g" / str(gram_hash(g, B))
        for p in range((best[0] + PAGE - 1) // PAGE):
            rows.extend(json.loads((d / f"{best[1]}-{p}.json").read_text(encoding="utf-8")))
    seen = {r[0] for r in out}
    out.extend(r for r in rows if nq in normalize(r[1]) and r[0] not in seen)
    return out[:limit] if limit else out


def site_bytes(site: Path) -> int:
    total = 0
    for dirpath, _, names in os.walk(Path(site) / "lookup"):
        total += sum(os.path.getsize(os.path.join(dirpath, n)) for n in names)
    return total
