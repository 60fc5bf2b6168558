"""Company lookup: a purpose-built, sharded static index of names and ids (nothing else).

Why not only Pagefind: a citizen types a company's Chinese name, or any part of it, and must
land on its page — including the many companies never inspected. Full-text ranking cannot
promise that; a substring index can. Every name is cut into its 2- and 3-character grams
(after NFKC, without spaces, upper case); each gram's posting list holds the companies whose
name contains it, as ``[id, name, results]`` sorted by (name length, name, id), in pages of
``PAGE`` entries. Because a name containing the query is never shorter than the query, exact
names come first in every list, so a full name is always the first result.

Files (all under ``lookup/``, all JSON, written once per build):

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

import json
import os
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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


def _dump(path: Path, value: Any) -> None:
    # json.dumps (one C call) rather than json.dump, which encodes chunk by chunk in Python
    path.write_bytes(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def companies(ix: Any) -> Iterable[tuple[str, str, int]]:
    """(id, name, published results) of every company with a page and a name."""
    sql = ("SELECT t.id, t.name, (SELECT count(*) FROM results r WHERE r.target_id=t.id) AS n "
           "FROM targets t WHERE t.name IS NOT NULL AND t.name != '' ORDER BY t.id")
    for row in ix.it(sql):
        if safe_seg(row["id"]):
            yield row["id"], row["name"], row["n"]


def write_index(ix: Any, out: Path, work_dir: Path | None = None) -> dict[str, int]:
    """Write ``out/lookup/``; postings are sorted in a scratch sqlite file (flat memory)."""
    out = Path(out) / "lookup"
    shutil.rmtree(out, ignore_errors=True)
    (out / "c").mkdir(parents=True)
    (out / "id").mkdir()
    tmp = tempfile.mkdtemp(prefix="lookup-", dir=work_dir)
    try:
        return _write(ix, out, Path(tmp) / "postings.db")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write(ix: Any, out: Path, scratch: Path) -> dict[str, int]:
    db = sqlite3.connect(scratch)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE c(num INTEGER PRIMARY KEY, id TEXT, name TEXT, n INT, len INT, norm TEXT);"
                     "CREATE TABLE p(gram TEXT, num INT);")
    count = 0
    buf_c: list[tuple] = []
    buf_p: list[tuple] = []
    for cid, name, n in companies(ix):
        norm = normalize(name)
        buf_c.append((count, cid, name, n, len(norm), norm))
        buf_p.extend((g, count) for g in grams(name))
        count += 1
        if len(buf_p) > 50_000:
            db.executemany("INSERT INTO c VALUES (?,?,?,?,?,?)", buf_c)
            db.executemany("INSERT INTO p VALUES (?,?)", buf_p)
            buf_c.clear()
            buf_p.clear()
    db.executemany("INSERT INTO c VALUES (?,?,?,?,?,?)", buf_c)
    db.executemany("INSERT INTO p VALUES (?,?)", buf_p)
    n_grams = db.execute("SELECT count(DISTINCT gram) FROM p").fetchone()[0]
    buckets = 1
    while buckets * GRAMS_PER_BUCKET < max(n_grams, 1):
        buckets *= 2
    # count files and posting pages, one gram at a time in gram order
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
    ids: dict[int, dict[str, Any]] = {}
    for cid, name, n in db.execute("SELECT id, name, n FROM c"):
        ids.setdefault(gram_hash(normalize(cid), buckets), {})[normalize(cid)] = [name, n]
    for b in range(buckets):
        _dump(out / "id" / f"{b}.json", ids.get(b, {}))
    _dump(out / "meta.json", {"v": 1, "buckets": buckets, "page": PAGE, "companies": count})
    db.close()
    return {"companies": count, "grams": n_grams, "buckets": buckets, "files": files + 2 * buckets + 1}


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
