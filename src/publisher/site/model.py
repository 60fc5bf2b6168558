"""A streaming read-model of the verified ledger, kept in an on-disk sqlite file.

Why sqlite on disk: the site must build for a province (10^6 results) in bounded memory. The
verifier already streams the log once; :class:`IndexRule` rides along as one more rule and
writes each well-formed entry into a few tables in batches. Pages are then rendered by
iterating queries, so Python never holds more than one page's rows at a time.

Why tolerant: entry types are added by other modules over time. A type this model does not
know still lands in ``entries`` (so it is listed, downloadable and provable); a known type whose
body lacks a field the site wants is kept with that field empty, and a warning is recorded.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.entry import Entry
from ..core.rules.base import Context, Problem

CST = timezone(timedelta(hours=8))
RESULT_LIMIT_DAYS = 20  # 004 第二十条 and others: publish within 20 working days
BATCH = 2000

# SQLite's page cache for the model and the lookup scratch index (KiB): the default 2 MB made a county build read the model
# through ~490,000 pread calls (strace); the pages stay in memory instead, bounded well inside
# the province's 4 GB budget.
CACHE = "PRAGMA cache_size=-131072"
SCHEMA = f"""
{CACHE};
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA temp_store=FILE;
CREATE TABLE entries(idx INTEGER PRIMARY KEY, office TEXT, seq INT, type TEXT, time TEXT,
  id TEXT, year INT, ref TEXT, key TEXT);  -- key: the signing key's id
CREATE TABLE offices(code TEXT PRIMARY KEY, name_zh TEXT, name_en TEXT, region TEXT,
  parent TEXT, idx INT, time TEXT, entry_id TEXT);
CREATE TABLE keys(key_id TEXT PRIMARY KEY, office TEXT, public_key TEXT, valid_from TEXT,
  holder TEXT, idx INT, entry_id TEXT, revoked_idx INT, revoked_time TEXT, revoke_reason TEXT,
  compromised_since TEXT);
CREATE TABLE docs(idx INTEGER PRIMARY KEY, type TEXT, office TEXT, time TEXT, year INT,
  entry_id TEXT, ref TEXT, body TEXT);
CREATE TABLE tasks(task_id TEXT PRIMARY KEY, office TEXT, idx INT, time TEXT, year INT,
  entry_id TEXT, name TEXT, name_en TEXT, joint INT, partners TEXT, items TEXT,
  start TEXT, end TEXT, plan_no TEXT, body TEXT);
CREATE TABLE draws(idx INTEGER PRIMARY KEY, task_id TEXT, kind TEXT, office TEXT, time TEXT,
  entry_id TEXT, commit_id TEXT, body TEXT);
CREATE TABLE selected(task_id TEXT, position INT, target_id TEXT, stratum TEXT, batch INT,
  idx INT);
CREATE TABLE teams(task_id TEXT, position INT, target_id TEXT, leader TEXT, members TEXT, idx INT);
CREATE TABLE results(idx INTEGER PRIMARY KEY, entry_id TEXT, office TEXT, task_id TEXT,
  target_id TEXT, time TEXT, year INT, quarter INT, completed TEXT, categories TEXT,
  remark TEXT, kind TEXT, status TEXT, superseded_by INT, lateness TEXT, deadline TEXT,
  late_days INT, body TEXT, month INT, vocabulary TEXT);  -- year, quarter, month: of publication, Beijing time
  -- vocabulary: of the result's categories (a correction's: of the corrected result), '' if none
CREATE TABLE noncoop(idx INTEGER PRIMARY KEY, entry_id TEXT, office TEXT, task_id TEXT,
  target_id TEXT, time TEXT, date TEXT, body TEXT);
CREATE TABLE facts(entry_id TEXT PRIMARY KEY, status TEXT, deadline TEXT, late_days INT);
CREATE TABLE opened(commit_id TEXT PRIMARY KEY, body TEXT);  -- embargoed draws opened by their escrows (§5A.4)
CREATE TABLE commits(id TEXT PRIMARY KEY, task_id TEXT, office TEXT, time TEXT, idx INT,
  chain_hash TEXT, round INT, round_time INT, embargo_until TEXT, status TEXT, supersedes TEXT,
  superseded_by TEXT, lock TEXT, lock_time TEXT, reveal TEXT, reveal_time TEXT, selected INT,
  replacements INT);
CREATE TABLE targets(id TEXT PRIMARY KEY, name TEXT, kind TEXT, region TEXT, industry TEXT,
  risk TEXT, office TEXT, listed TEXT);
CREATE TABLE names(id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE snap(digest TEXT, id TEXT, name TEXT, kind TEXT, region TEXT, industry TEXT, risk TEXT,
  office TEXT);  -- target snapshots' records, read when their entry is indexed (see _keep_snapshot)
CREATE INDEX snap_digest ON snap(digest);
CREATE TABLE snapped(digest TEXT PRIMARY KEY);
CREATE TABLE warnings(idx INT, message TEXT);
CREATE TABLE lt(idx INTEGER PRIMARY KEY, status TEXT, deadline TEXT, late INT);
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS entries_office ON entries(office, idx);
CREATE INDEX IF NOT EXISTS entries_type ON entries(type, idx);
CREATE INDEX IF NOT EXISTS docs_type ON docs(type, year, office, idx);
CREATE INDEX IF NOT EXISTS tasks_year ON tasks(year, office, idx);
CREATE INDEX IF NOT EXISTS tasks_plan ON tasks(office, year, plan_no);
CREATE INDEX IF NOT EXISTS draws_task ON draws(task_id, idx);
CREATE INDEX IF NOT EXISTS draws_commit ON draws(commit_id, kind, idx);
CREATE INDEX IF NOT EXISTS selected_task ON selected(task_id, idx, position);
CREATE INDEX IF NOT EXISTS selected_target ON selected(target_id);
CREATE INDEX IF NOT EXISTS teams_task ON teams(task_id, idx, position);
CREATE INDEX IF NOT EXISTS results_task ON results(task_id, target_id, idx);
CREATE INDEX IF NOT EXISTS results_target ON results(target_id, idx);
CREATE INDEX IF NOT EXISTS results_year ON results(year, office, idx);
CREATE INDEX IF NOT EXISTS results_month ON results(year, month, idx);
CREATE INDEX IF NOT EXISTS results_entry ON results(entry_id);
CREATE INDEX IF NOT EXISTS noncoop_target ON noncoop(target_id);
CREATE INDEX IF NOT EXISTS noncoop_task ON noncoop(task_id);
CREATE INDEX IF NOT EXISTS commits_task ON commits(task_id, idx);
"""

# Entry types whose bodies are shown as documents (item lists, plans, notices, snapshots...).
DOC_TYPES = {"notice", "item.list", "plan", "directory.snapshot"}


def china_date(time: str) -> date:
    """Calendar date in UTC+08:00 of an entry time ``YYYY-MM-DDTHH:MM:SSZ`` (already checked by
    the verifier); deadlines and quarters are Chinese calendar facts."""
    return (datetime(int(time[0:4]), int(time[5:7]), int(time[8:10]), int(time[11:13])) + timedelta(hours=8)).date()


def _first(body: dict, *names: str, default: Any = None) -> Any:
    for n in names:
        v = body.get(n)
        if v not in (None, "", [], {}):
            return v
    return default


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # {"zh": ..., "en": ...}
        return str(value.get("zh") or value.get("name_zh") or next(iter(value.values()), ""))
    return str(value)


def _vocabulary(body: dict[str, Any]) -> str:
    """The vocabulary a result's category codes are from (a correction: the corrected result's),
    kept as a column so the statistics count categories in SQL instead of parsing every body."""
    src = body.get("corrected") or body
    v = src.get("vocabulary") if isinstance(src, dict) else None
    return v if isinstance(v, str) else ""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class IndexStats:
    entries: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    warnings: int = 0


class SiteIndex:
    """Write side (``add``) and read side (query helpers) of the on-disk model."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path))
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)
        # the indexes are kept as rows arrive (not built at finish): the model is saved with each
        # verification state, and a resumed build would otherwise index the whole log again
        self.db.executescript(INDEXES)
        self._buf: dict[str, list[tuple]] = {}
        self._sql: dict[str, str] = {}
        self.stats = IndexStats()
        self.snapshot_source: SnapshotReader | None = None  # set by site.load: snapshots read at indexing
        self._snapped: set[str] = set()

    # ---------------------------------------------------------------- writing

    def _put(self, table: str, row: tuple) -> None:
        buf = self._buf.setdefault(table, [])
        buf.append(row)
        if table not in self._sql:
            self._sql[table] = f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * len(row))})"
        if len(buf) >= BATCH:
            self.db.executemany(self._sql[table], buf)
            buf.clear()

    def flush(self) -> None:
        for table, buf in self._buf.items():
            if buf:
                self.db.executemany(self._sql[table], buf)
                buf.clear()

    def warn(self, idx: int, message: str) -> None:
        self.stats.warnings += 1
        self._put("warnings", (idx, message))

    def add(self, idx: int, entry: Entry) -> None:
        """Index one verified entry (log index ``idx``)."""
        b = entry.body
        year = china_date(entry.time).year
        ref = _first(b, "task", "task_id", "office", "result")
        self._put("entries", (idx, entry.office, entry.seq, entry.type, entry.time, entry.id, year,
                              ref if isinstance(ref, str) else None, entry.key))
        self.stats.entries += 1
        self.stats.by_type[entry.type] = self.stats.by_type.get(entry.type, 0) + 1
        handler = getattr(self, "_on_" + entry.type.replace(".", "_"), None)
        try:
            if handler is not None:
                handler(idx, entry, year)
            elif entry.type in DOC_TYPES:
                self._doc(idx, entry, year)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self.warn(idx, f"{entry.type} entry {entry.office}/{entry.seq}: shown without details "
                           f"({type(exc).__name__}: {exc})")

    def _doc(self, idx: int, e: Entry, year: int, ref: str | None = None) -> None:
        self._put("docs", (idx, e.type, e.office, e.time, year, e.id, ref, _json(e.body)))

    def _on_office_register(self, idx: int, e: Entry, year: int) -> None:
        b = e.body
        self._put("offices", (b["office"], b["name_zh"], b["name_en"], b.get("region"),
                              b.get("parent"), idx, e.time, e.id))

    def _on_key_register(self, idx: int, e: Entry, year: int) -> None:
        b = e.body
        self._put("keys", (b["key_id"], b["office"], b["public_key"], b["valid_from"],
                           b.get("holder"), idx, e.id, None, None, None, None))

    def _on_key_revoke(self, idx: int, e: Entry, year: int) -> None:
        self.flush()
        self.db.execute("UPDATE keys SET revoked_idx=?, revoked_time=?, revoke_reason=?, compromised_since=? "
                        "WHERE key_id=?", (idx, e.time, e.body["reason"], e.body.get("compromised_since"),
                                           e.body["key_id"]))

    def _on_notice(self, idx: int, e: Entry, year: int) -> None:
        self._doc(idx, e, year)

    def _on_plan(self, idx: int, e: Entry, year: int) -> None:
        self._doc(idx, e, e.body["year"], e.body.get("revises"))

    def _on_item_list(self, idx: int, e: Entry, year: int) -> None:
        self._doc(idx, e, year, e.body.get("supersedes"))

    def _on_directory_snapshot(self, idx: int, e: Entry, year: int) -> None:
        self._doc(idx, e, year, e.body["blob"] if e.body.get("kind") == "targets" else None)
        if e.body.get("kind") == "targets" and self.snapshot_source is not None:
            self._keep_snapshot(self.snapshot_source, e.body["blob"])

    def _keep_snapshot(self, snapshots: SnapshotReader, digest: str) -> None:
        """A target snapshot's records, parsed once when its entry is indexed and kept in the
        model: the model is saved with each verification state, so a resumed build names every
        company with one SQL statement instead of parsing the snapshots again (finish)."""
        if not isinstance(digest, str) or self._has_snapshot(digest):
            return
        self._snapped.add(digest)
        for rec in snapshots.targets(digest):
            self._put("snap", (digest, rec.get("id"), rec.get("name"), rec.get("kind"), rec.get("region"),
                               rec.get("industry"), rec.get("risk"), rec.get("office")))
        self._put("snapped", (digest,))

    def _has_snapshot(self, digest: str) -> bool:
        return digest in self._snapped or self.db.execute(
            "SELECT 1 FROM snapped WHERE digest=?", (digest,)).fetchone() is not None

    def _on_task(self, idx: int, e: Entry, year: int) -> None:
        b = e.body
        window = b.get("window") or {}
        start, end = window.get("from"), window.get("to")
        y = int(start[:4]) if isinstance(start, str) and start[:4].isdigit() else year
        partners = [p.get("office") for p in b.get("partners") or [] if isinstance(p, dict)]
        self._put("tasks", (b["id"], e.office, idx, e.time, y, e.id, _text(b.get("name")),
                            _text(b.get("name_en")), 1 if partners else 0, _json(partners),
                            _json(b.get("items") or []), start, end, b.get("plan_task_no"), _json(b)))

    def _draw(self, idx: int, e: Entry, kind: str) -> str:
        tid = e.body["task"]
        commit = e.id if kind == "commit" else e.body.get("commit")
        self._put("draws", (idx, tid, kind, e.office, e.time, e.id, commit, _json(e.body)))
        return tid

    def _on_draw_commit(self, idx: int, e: Entry, year: int) -> None:
        self._draw(idx, e, "commit")

    def _on_draw_lock(self, idx: int, e: Entry, year: int) -> None:
        tid = self._draw(idx, e, "lock")
        self._selection(idx, tid, e.body)

    def _on_draw_reveal(self, idx: int, e: Entry, year: int) -> None:
        tid = self._draw(idx, e, "reveal")
        self._selection(idx, tid, e.body)

    def _on_team_replace(self, idx: int, e: Entry, year: int) -> None:
        self._draw(idx, e, "replace")

    def _selection(self, idx: int, tid: str, b: dict) -> None:
        """Selected targets and teams; an embargoed lock has neither (only a hash)."""
        for row in b.get("selected") or []:
            self._put("selected", (tid, row["position"], row["id"], row.get("stratum"),
                                   row.get("batch"), idx))
        for pos, t in enumerate(b.get("teams") or [], 1):
            self._put("teams", (tid, pos, t["target"], t.get("leader"), _json(t.get("members", [])), idx))

    def _on_result(self, idx: int, e: Entry, year: int) -> None:
        self._result(idx, e, year, "result", e.body, e.body.get("completed"))

    def _on_result_correct(self, idx: int, e: Entry, year: int) -> None:
        # the corrected result replaces the original; the clock runs from the approval date
        self._result(idx, e, year, "correction", e.body["corrected"], e.body.get("date"))

    def _on_result_withhold(self, idx: int, e: Entry, year: int) -> None:
        self._result(idx, e, year, "withheld", e.body, e.body.get("completed"))

    def _on_noncooperation(self, idx: int, e: Entry, year: int) -> None:
        b = e.body
        if isinstance(b.get("target_name"), str):
            self._put("names", (b["target"], b["target_name"]))
        self._put("noncoop", (idx, e.id, e.office, b["task"], b["target"], e.time, b.get("date"),
                              _json(b)))

    def _result(self, idx: int, e: Entry, year: int, kind: str, r: dict, event: Any) -> None:
        task, target = r["task"], r["target"]
        if isinstance(r.get("target_name"), str):
            self._put("names", (target, r["target_name"]))
        cats = r.get("categories") or []
        month = china_date(e.time).month
        self._put("results", (idx, e.id, e.office, task, target, e.time, year, (month - 1) // 3 + 1, event,
                              _json(cats), _text(r.get("remarks")), kind, "current", None, None,
                              None, None, _json(e.body), month, _vocabulary(e.body)))

    def on_fact(self, fact: Any) -> None:
        """Sink for the workflow rule's per-publication deadline judgements (never stored there)."""
        self._put("facts", (fact.entry_id, fact.status,
                            fact.deadline.isoformat() if fact.deadline else None, fact.late_days))

    def add_commit_summary(self, c: Any) -> None:
        """One draw commitment as judged by the draw rule (status, round time, lock, reveal)."""
        self._put("commits", (c.id, c.task, c.office, c.time, c.index, c.chain_hash, c.round,
                              c.round_time, c.embargo_until, c.status, c.supersedes, c.superseded_by,
                              c.lock, c.lock_time, c.reveal, c.reveal_time, c.selected, c.replacements))

    def add_opened(self, c: Any, result_json: dict, secrets: list[str] | None = None) -> None:
        """An embargoed draw opened by its escrows at the reveal round (spec §5A.4): its list,
        recomputed by the verifier, is public from then on, shown against the lock."""
        self.flush()
        row = self.db.execute("SELECT idx FROM draws WHERE entry_id=?", (c.lock,)).fetchone()
        if row is not None:
            self._selection(row[0], c.task, result_json)
        self._put("opened", (c.id, _json({"seed": result_json["seed"], "strata": result_json["strata"],
                                          "secrets": secrets or []})))

    # ---------------------------------------------------------------- finishing

    def finish(self, snapshots: SnapshotReader | None = None) -> None:
        """After the last entry: indexes, corrections linked, lateness, target names."""
        self.flush()
        self.db.executescript(INDEXES)
        self._link_corrections()
        self._apply_lateness()
        if snapshots is not None:
            self._attach_names(snapshots)
        self.db.execute("INSERT OR IGNORE INTO targets(id, name) SELECT id, name FROM names")
        for table in ("selected", "results", "noncoop"):
            self.db.execute(f"INSERT OR IGNORE INTO targets(id) SELECT DISTINCT target_id FROM {table} "
                            "WHERE target_id IS NOT NULL")
        self.db.execute("CREATE INDEX IF NOT EXISTS targets_name ON targets(name)")
        self.db.commit()

    def _link_corrections(self) -> None:
        """A correction supersedes the result it names (or the current version of it); a
        withholding notice supersedes an earlier result for the same task and target. Both only
        ever touch the publishing office's own results: in a joint task each office publishes
        for itself, and one office's withholding says nothing about its partner's result."""
        self.db.execute("CREATE TEMP TABLE fixes AS SELECT idx, kind, office, task_id, target_id, body "
                        "FROM results WHERE kind IN ('correction','withheld') ORDER BY idx")
        for row in self.it("SELECT * FROM fixes ORDER BY idx"):
            ref = json.loads(row["body"]).get("result") if row["kind"] == "correction" else None
            if isinstance(ref, str):
                # the named entry, or whatever currently stands for it after earlier corrections
                self.db.execute("UPDATE results SET status='superseded', superseded_by=? WHERE idx<? "
                                "AND status='current' AND task_id IS ? AND target_id IS ? AND office IS ?",
                                (row["idx"], row["idx"], row["task_id"], row["target_id"], row["office"]))
                self.db.execute("UPDATE results SET status='superseded', superseded_by=? WHERE entry_id=? "
                                "AND status='current' AND office IS ?", (row["idx"], ref, row["office"]))
            else:
                self.db.execute("UPDATE results SET status='superseded', superseded_by=? "
                                "WHERE task_id IS ? AND target_id IS ? AND office IS ? AND idx<? AND status='current'",
                                (row["idx"], row["task_id"], row["target_id"], row["office"], row["idx"]))

    def _apply_lateness(self) -> None:
        """Deadline judgements: the workflow rule's own (via its sink) when it gave them,
        otherwise the same calendar function (publisher.workdays) applied here."""
        if self.scalar("SELECT count(*) FROM facts"):
            self._settle_lateness()
            return
        try:
            from ..workdays import lateness
        except ImportError:  # no calendar module in this build: lateness stays unknown
            return
        judge = lru_cache(maxsize=1 << 16)(lateness)  # few distinct (completed, published) pairs
        for row in self.it("SELECT idx, time, completed FROM results WHERE completed IS NOT NULL"):
            try:
                lt = judge(date.fromisoformat(str(row["completed"])[:10]), china_date(row["time"]),
                           RESULT_LIMIT_DAYS)
                self._put("lt", (row["idx"], lt.status, lt.deadline.isoformat() if lt.deadline else None,
                                 lt.workdays_late))
            except ValueError:
                self._put("lt", (row["idx"], "unknown", None, None))
        self.flush()
        self.db.execute("UPDATE results SET lateness=lt.status, deadline=lt.deadline, late_days=lt.late "
                        "FROM lt WHERE lt.idx=results.idx")

    def _attach_names(self, snapshots: SnapshotReader) -> None:
        """Every company of each office's latest directory snapshot (so each gets a page, and
        "never inspected" can be told from "not found"), plus drawn or inspected targets named
        in older snapshots. ``listed`` records the snapshot entry a company is listed in."""
        self.db.execute("CREATE TEMP TABLE wanted AS SELECT target_id AS id FROM selected UNION "
                        "SELECT target_id FROM results WHERE target_id IS NOT NULL")
        self.db.execute("CREATE UNIQUE INDEX wanted_id ON wanted(id)")
        latest: dict[str, tuple[str, str]] = {}
        older: list[str] = []
        for r in self.q("SELECT office, ref, entry_id FROM docs WHERE type='directory.snapshot' "
                        "AND ref IS NOT NULL ORDER BY idx DESC"):
            if r["office"] not in latest:
                latest[r["office"]] = (r["ref"], r["entry_id"])
            else:
                older.append(r["ref"])
        sql_all = "INSERT OR IGNORE INTO targets SELECT ?,?,?,?,?,?,?,?"
        sql_wanted = sql_all + " WHERE EXISTS (SELECT 1 FROM wanted WHERE id=?1)"
        done: set[str] = set()
        for digest, entry_id in latest.values():
            if digest not in done:
                done.add(digest)
                self._insert_snapshot(snapshots, digest, entry_id, sql_all)
        for digest in dict.fromkeys(older):
            if digest not in done:
                done.add(digest)
                self._insert_snapshot(snapshots, digest, None, sql_wanted)

    def _insert_snapshot(self, snapshots: SnapshotReader, digest: str, listed: str | None, sql: str) -> None:
        if self._has_snapshot(digest):  # kept when its entry was indexed: the same rows, in file order
            # (an older snapshot, ``listed`` None, names only the drawn or inspected: ``wanted``)
            self.db.execute("INSERT OR IGNORE INTO targets SELECT id, name, kind, region, industry, risk, office, ?1 "
                            "FROM snap s WHERE digest=?2"
                            + (" AND EXISTS (SELECT 1 FROM wanted w WHERE w.id=s.id)" if listed is None else "")
                            + " ORDER BY rowid", (listed, digest))
            return
        buf: list[tuple] = []
        for rec in snapshots.targets(digest):
            buf.append((rec.get("id"), rec.get("name"), rec.get("kind"), rec.get("region"),
                        rec.get("industry"), rec.get("risk"), rec.get("office"), listed))
            if len(buf) >= BATCH:
                self.db.executemany(sql, buf)
                buf.clear()
        if buf:
            self.db.executemany(sql, buf)

    # ---------------------------------------------------------------- reading

    def _count(self, where: str) -> int:
        return self.db.execute(f"SELECT count(*) FROM {where}").fetchone()[0]

    def q(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.db.execute(sql, args).fetchall()

    def it(self, sql: str, *args: Any) -> Iterator[sqlite3.Row]:
        """Iterate a query without materialising it (its own cursor)."""
        cur = self.db.cursor()
        cur.execute(sql, args)
        while True:
            rows = cur.fetchmany(500)
            if not rows:
                return
            yield from rows

    def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        return self.db.execute(sql, args).fetchone()

    def scalar(self, sql: str, *args: Any) -> Any:
        row = self.db.execute(sql, args).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.db.close()

    def reopen(self) -> None:
        """In a forked render worker: a read-only connection of its own (an SQLite connection
        must not be used across fork). The inherited one is kept, never used or closed here."""
        self._inherited = self.db
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        self.db.execute(CACHE)
        self.db.row_factory = sqlite3.Row

    # ---------------------------------------------------------------- saved with a verify state

    def _settle_lateness(self) -> None:
        """The workflow rule's verdict on each result not given one yet. A verdict is made once,
        when its result entry is checked, and never changes: so the saved copy carries those
        of its prefix (save_to) and a resumed build settles only the push's results."""
        self.db.execute("UPDATE results SET lateness=f.status, deadline=f.deadline, late_days=f.late_days "
                        "FROM facts f WHERE results.lateness IS NULL AND f.entry_id=results.entry_id")

    def save_to(self, path: Path) -> Any:
        """A copy of the model as it stands (``storage.verify_cache`` keeps it next to the
        verification state of the same prefix, so a build resumes from it); returns what the
        copy does not hold."""
        self.flush()
        self._settle_lateness()
        self.db.commit()
        path.unlink(missing_ok=True)
        dst = sqlite3.connect(str(path))
        try:
            self.db.backup(dst)
        finally:
            dst.close()
        return {"stats": self.stats}

    def restore_from(self, path: Path, extra: Any) -> None:
        """Become the model saved by :meth:`save_to`; on any failure, an empty model again."""
        try:
            self._buf.clear()
            src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                src.backup(self.db)
            finally:
                src.close()
            self.stats = extra["stats"]
        except Exception:
            source = self.snapshot_source
            self.db.close()
            self.path.unlink(missing_ok=True)
            self.__init__(self.path)  # type: ignore[misc]
            self.snapshot_source = source
            raise


class SnapshotReader:
    """Streams target records out of content-addressed snapshot blobs (JSON lines)."""

    def __init__(self, blobs: Any):
        self.blobs = blobs

    def targets(self, digest: str) -> Iterator[dict]:
        try:
            if not self.blobs.has_blob(digest):
                return
            f = self.blobs.open_blob(digest)
        except Exception:  # a snapshot the verifier accepted but we cannot open: no names
            return
        with f:
            for line in f:
                try:
                    rec = json.loads(line)
                except ValueError:
                    return
                if isinstance(rec, dict) and "name" in rec and "id" in rec:
                    yield rec


class IndexRule:
    """A verification rule that never complains: it feeds each checked entry to the index.

    Riding along with the verifier keeps the build to one pass over the log; entries that
    fail any check never reach rules, and the build stops anyway if the report is not ok.
    """

    name = "site-index"
    sees_void = True  # the log's Merkle tree and pages need every logged entry, void ones too

    def __init__(self, index: SiteIndex):
        self.index = index

    def check(self, entry: Entry, ctx: Context) -> Iterable[Problem]:
        self.index.add(ctx.index, entry)
        return ()

    def finish(self, ctx: Context) -> Iterable[Problem]:
        return ()
