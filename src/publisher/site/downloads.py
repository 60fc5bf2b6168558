"""Downloads: the raw ledger copied as-is, inclusion proofs, JSON Schemas, CSV and JSON.

Why copy raw entries: the site is a convenience view; the files an auditor re-verifies must be
the very bytes that were signed, so they are linked (hard link when possible) or copied, never
re-serialised. Everything derived (CSV/JSON) is streamed row by row.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..core.schema import load_schema, schema_names
from .load import Loaded
from .pages import RESULT_COLS
from .proofs import write_proofs
from .render import Renderer
from .urls import safe_seg
from .views import loads, result_view

RESULT_FIELDS = ["entry_id", "kind", "status", "task", "target", "target_name", "office", "completed",
                 "published", "categories", "categories_zh", "lateness", "deadline", "late_days",
                 "remarks", "legal_basis", "corrects"]
TASK_FIELDS = ["task", "name", "lead", "partners", "year", "window_from", "window_to", "items",
               "directional", "method", "draw_status", "selected", "results", "entry_id"]


def write_all(loaded: Loaded, r: Renderer, settings: dict[str, Any]) -> None:
    files: dict[str, Any] = {}
    if settings.get("PUBLISHER_COPY_LEDGER", True):
        files["ledger"] = copy_ledger(loaded, r.output / "ledger")
    if settings.get("PUBLISHER_PROOFS", True) and loaded.latest is not None:
        files["proofs"] = write_proofs(loaded, r.output, Path(loaded.index.path).parent / "merkle", r.incremental)
    files["schemas"] = write_schemas(r)
    kept = Kept(r.incremental)
    files["years"] = write_year_data(loaded, r, kept)
    write_task_data(loaded, r, kept)
    kept.save()
    from .tables import RESULT_COLUMNS, TASK_COLUMNS

    r.page("downloads/", "downloads", files=files, licence=settings.get("PUBLISHER_DATA_LICENCE") or {})
    r.page("downloads/dictionary/", "dictionary", result_columns=RESULT_COLUMNS, task_columns=TASK_COLUMNS)


class Kept:
    """Which derived files the previous build into this output wrote, from what (a digest of
    the records they hold) and as what (size and mtime of each file, as the page manifest
    keeps them): a group of files whose records did not change, and whose files are still the
    ones written, is not written again. Without a manifest (a full build, plain ``pelican``)
    everything is written."""

    def __init__(self, memory: Any):
        self.memory = memory
        self.old: dict[str, Any] = dict((memory.recall("downloads") if memory is not None else None) or {})
        self.new: dict[str, Any] = {}
        self.out: Path | None = None
        self.written: dict[str, tuple[str, list[str]]] = {}

    @staticmethod
    def _stats(out: Path, files: list[str]) -> dict[str, list[int]] | None:
        try:
            return {f: [st.st_size, st.st_mtime_ns] for f in files for st in [(out / f).stat()]}
        except OSError:
            return None

    def fresh(self, out: Path, name: str, key: str, files: list[str]) -> bool:
        """True when the group ``name`` holds the same records as the previous build's files and
        those files are untouched; otherwise the caller writes them (recorded by :meth:`save`)."""
        self.out = out
        old = self.old.get(name)
        if isinstance(old, list) and old[0] == key and old[1] == self._stats(out, files):
            self.new[name] = old
            return True
        self.written[name] = (key, files)
        return False

    def unchanged(self, out: Path, name: str, files: list[str]) -> bool:
        """Keep group ``name`` without its records' digest: for a task the dirty set (site.dirty)
        says no new entry touched; its files must still be the ones the previous build wrote."""
        self.out = out
        old = self.old.get(name)
        if isinstance(old, list) and len(old) == 2 and old[1] == self._stats(out, files):
            self.new[name] = old
            return True
        return False

    def save(self) -> None:
        if self.memory is None or self.out is None:
            return
        for name, (key, files) in self.written.items():
            stats = self._stats(self.out, files)
            if stats is not None:
                self.new[name] = [key, stats]
        self.memory.remember("downloads", self.new)


def _records_key(*parts: Any) -> Any:
    import hashlib

    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8") + b"\n")
    return h


def _link_or_copy(src: Path, dst: Path) -> None:
    """A hard link where possible. An incremental build finds the previous build's file: it is
    kept if it is the ledger's file itself, otherwise unlinked first (copying into it would write
    through a hard link into whatever file it shares)."""
    try:
        if os.path.samefile(src, dst):
            return
        os.unlink(dst)
    except FileNotFoundError:
        pass
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _linked_already(src_dir: Path, dest_dir: Path) -> set[str]:
    """Names of the regular files of ``src_dir`` that ``dest_dir`` already holds as hard links to
    them (same device, same inode, from the directory listings alone). Why: an incremental build
    copies a province's million entry files again; all but the push's are the previous build's
    links, and telling them by their listings costs no system call per file. A name whose
    layout rule changed cannot be among them: a code change gives a full build."""
    try:
        if os.stat(src_dir).st_dev != os.stat(dest_dir).st_dev:
            return set()
        with os.scandir(dest_dir) as it:
            there = {e.name: e.inode() for e in it if e.is_file(follow_symlinks=False)}
        with os.scandir(src_dir) as it:
            return {e.name for e in it if e.is_file(follow_symlinks=False) and there.get(e.name) == e.inode()}
    except OSError:
        return set()


def _layout_file(src: Path, rel: str) -> bool:
    """Only regular files at layout paths are published: never a symlink (it would copy whatever
    it points at), a FIFO, or a stray file (docs/spec/80-git.md §8.2 layout)."""
    try:
        regular = stat.S_ISREG(os.lstat(src / rel).st_mode)
    except OSError:
        return False
    return regular and _layout_name(rel)


def _layout_name(rel: str) -> bool:
    from ..gitops.rules import classify

    return classify(rel).kind in ("trust", "log", "entry", "blob", "checkpoint")


def copy_ledger(loaded: Loaded, dest: Path) -> dict[str, Any]:
    """trust.json, log, entries/, checkpoints/, blobs/ — the layout's files exactly as they are."""
    from ..gitops.rules import ENTRY_NAME_8

    src = loaded.ledger.root
    count = entries = 0
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("trust.json", "log"):
        if _layout_file(src, name):
            _link_or_copy(src / name, dest / name)
    for sub in ("entries", "checkpoints", "blobs"):
        base = src / sub
        if base.is_symlink() or not base.is_dir():
            continue
        for dirpath, _dirnames, filenames in os.walk(base):  # never descends into symlinked directories
            rel = Path(dirpath).relative_to(src)
            (dest / rel).mkdir(parents=True, exist_ok=True)
            linked = _linked_already(Path(dirpath), dest / rel)
            entry_dir = _layout_name(f"{rel.as_posix()}/00000001.json")  # an office's entries directory
            fast = ENTRY_NAME_8.fullmatch if entry_dir else None  # (classify per name: a million at a province)
            for fn in filenames:
                if fn in linked:  # a regular file, already linked: only its name is checked
                    if not (fast and fast(fn)) and not _layout_name(f"{rel.as_posix()}/{fn}"):
                        continue
                elif _layout_file(src, f"{rel.as_posix()}/{fn}"):
                    _link_or_copy(Path(dirpath) / fn, dest / rel / fn)
                else:
                    continue
                count += 1
                entries += sub == "entries"
    checkpoints = sorted(p.name for p in (dest / "checkpoints").glob("*.note")) if (dest / "checkpoints").is_dir() else []
    (dest / "checkpoints.txt").write_text("".join(c + "\n" for c in checkpoints), "ascii")  # for `publisher monitor`
    blobs = sorted(p.name for p in (dest / "blobs").iterdir()) if (dest / "blobs").is_dir() else []
    return {"files": count, "entries": entries, "checkpoints": checkpoints, "blobs": blobs[:200], "blob_count": len(blobs)}


def write_schemas(r: Renderer) -> list[str]:
    names = schema_names()
    for name in names:
        r.write_text(f"schemas/{name}.schema.json", json.dumps(load_schema(name), ensure_ascii=False, indent=1) + "\n")
    return names


def result_record(v: dict[str, Any]) -> dict[str, Any]:
    return {"entry_id": v["entry_id"], "kind": v["kind"], "status": v["status"], "task": v["task_id"],
            "target": v["target_id"], "target_name": v["target_name"], "office": v["office"],
            "completed": v["completed"], "published": v["published"], "categories": v["codes"],
            "categories_zh": v["labels"]["zh"], "lateness": v["lateness"], "deadline": v["deadline"],
            "late_days": v["late_days"], "remarks": v["remarks"], "legal_basis": v.get("legal_basis"),
            "corrects": v.get("corrects")}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Ledger text in a CSV cell, defused for spreadsheets: a cell starting like a formula
    (=, +, -, @) gets a leading apostrophe so Excel/WPS show it as text instead of running it."""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_row(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: csv_safe(v) for k, v in rec.items()}


class JsonArray:
    """Writes a JSON array one element at a time."""

    def __init__(self, f: Any):
        self.f, self.first = f, True
        f.write("[\n")

    def add(self, obj: Any) -> None:
        self.f.write(("" if self.first else ",\n") + json.dumps(obj, ensure_ascii=False))
        self.first = False

    def close(self) -> None:
        self.f.write("\n]\n")


def task_records(loaded: Loaded, sql: str, *args: Any) -> Iterator[dict[str, Any]]:
    ix = loaded.index
    for t in ix.it(sql, *args):
        b = loads(t["body"])
        cur = ix.one("SELECT status, selected FROM commits WHERE task_id=? ORDER BY idx DESC LIMIT 1", t["task_id"])
        yield {"task": t["task_id"], "name": t["name"], "lead": t["office"], "partners": json.loads(t["partners"]),
               "year": t["year"], "window_from": t["start"], "window_to": t["end"], "items": b.get("items", []),
               "directional": b.get("directional"), "method": b.get("method"),
               "draw_status": cur["status"] if cur else None, "selected": cur["selected"] if cur else None,
               "results": ix.scalar("SELECT count(*) FROM results WHERE task_id=? AND kind='result'", t["task_id"]),
               "entry_id": t["entry_id"]}


def write_year_data(loaded: Loaded, r: Renderer, kept: Kept | None = None) -> list[dict[str, Any]]:
    """data/<year>/tasks.{json,csv,xlsx}; data/<year>/results-<MM>.{json,csv,xlsx}, one group per
    month of publication (Beijing time), and the year's results.{json,csv} joined from the
    months' files. Returns per-year counts, months and last updates.

    Why months: a push adds results to the newest month, so it rewrites that month's files, not
    a year's (a province publishes about a million results a year — beyond one Excel sheet's
    1,048,576 rows, and minutes of writing per push). A group of files is written only when its
    records changed since the previous build into this output (``kept``); with a dirty set
    (site.dirty) the months no new entry reached are kept without computing their records. The
    whole-year CSV and JSON are the months' files joined (bytes, not records again)."""
    ix = loaded.index
    kept = kept or Kept(None)
    offices = r.common["zh"]["C"].get("offices")
    dirty = getattr(r, "dirty", None)
    touched = None if dirty is None else {(y, m) for y, m in ix.q(
        "SELECT DISTINCT year, month FROM results WHERE idx>=? OR superseded_by>=?", dirty.since, dirty.since)}
    years = sorted({row[0] for row in ix.q("SELECT year FROM tasks UNION SELECT year FROM results")})
    out = []
    for y in years:
        info: dict[str, Any] = {"year": y, "tasks": 0, "tasks_updated": None, "months": [],
                                "results": ix.scalar("SELECT count(*) FROM results WHERE year=?", y),
                                "results_updated": ix.scalar("SELECT max(time) FROM results WHERE year=?", y)}
        recs = list(task_records(loaded, "SELECT * FROM tasks WHERE year=? ORDER BY idx", y))
        info["tasks"] = len(recs)
        names = [f"data/{y}/tasks.{ext}" for ext in ("csv", "json", "xlsx")]
        if not kept.fresh(r.output, f"data/{y}/tasks", _records_key(offices, recs).hexdigest(), names):
            _write_tasks(r, y, recs)
        info["tasks_updated"] = ix.scalar("SELECT max(time) FROM tasks WHERE year=?", y)
        sql = RESULT_COLS + " WHERE r.year=? AND r.month=? ORDER BY r.idx"
        for m, n in ix.q("SELECT month, count(*) FROM results WHERE year=? GROUP BY month ORDER BY month", y):
            info["months"].append({"month": m, "results": n})
            stem = f"data/{y}/results-{m:02d}"
            names = [f"{stem}.{ext}" for ext in ("csv", "json", "xlsx")]
            if touched is not None and (y, m) not in touched and kept.unchanged(r.output, stem, names):
                continue  # no new entry added or replaced a result of this month
            h = _records_key(offices)
            for row in ix.it(sql, y, m):
                h.update(json.dumps(result_record(result_view(row)), ensure_ascii=False, sort_keys=True,
                                    default=str).encode("utf-8") + b"\n")
            if not kept.fresh(r.output, stem, h.hexdigest(), names):
                _write_results(r, stem, f"{y}年{m}月检查结果", (result_record(result_view(row)) for row in ix.it(sql, y, m)))
        if info["months"]:
            parts = [f"data/{y}/results-{x['month']:02d}" for x in info["months"]]
            whole = [f"data/{y}/results.{ext}" for ext in ("csv", "json")]
            key = json.dumps([Kept._stats(r.output, [f"{p}.csv", f"{p}.json"]) for p in parts], sort_keys=True)
            if not kept.fresh(r.output, f"data/{y}/results", key, whole):
                _join_results(r, f"data/{y}/results", parts)
        out.append(info)
    return out


def _join_results(r: Renderer, stem: str, parts: list[str]) -> None:
    """The year's results.csv and results.json: the months' files joined as bytes (one header,
    one array), the same bytes as writing every record again in month order."""
    with r.open(f"{stem}.csv", "wb") as f:
        for i, part in enumerate(parts):
            data = (r.output / f"{part}.csv").read_bytes()
            f.write(data if i == 0 else data[data.index(b"\n") + 1:])  # BOM and header once
    with r.open(f"{stem}.json", "wb") as f:
        f.write(b"[\n")
        inner = [d[2:-3] for d in ((r.output / f"{part}.json").read_bytes() for part in parts) if d != b"[\n\n]\n"]
        f.write(b",\n".join(inner))
        f.write(b"\n]\n")


def _write_tasks(r: Renderer, y: int, recs: list[dict[str, Any]]) -> None:
    from .tables import TASK_COLUMNS

    _write_table(r, f"data/{y}/tasks", TASK_COLUMNS, f"{y}年抽查任务", recs)


def _write_results(r: Renderer, stem: str, title: str, recs: Iterator[dict[str, Any]]) -> None:
    from .tables import RESULT_COLUMNS

    _write_table(r, stem, RESULT_COLUMNS, title, recs)


def _write_table(r: Renderer, stem: str, columns: Any, title: str, recs: Iterable[dict[str, Any]]) -> None:
    """One dataset as ``stem``.csv (Chinese headers, BOM), .json and .xlsx, in one pass."""
    from .tables import XlsxTable, rows

    oname = r.common["zh"]["oname"]
    with r.open(f"{stem}.csv") as fc, r.open(f"{stem}.json") as fj:
        fc.write("\ufeff")
        w, arr = csv.writer(fc), JsonArray(fj)
        xl = XlsxTable(r.output / f"{stem}.xlsx", columns, title)
        w.writerow([c.zh for c in columns])
        for rec in recs:
            values = next(iter(rows(columns, [rec], oname)))
            w.writerow([csv_safe(v) for v in values])
            xl.add(values)
            arr.add(rec)
        arr.close()
        xl.close()


def write_task_data(loaded: Loaded, r: Renderer, kept: Kept | None = None) -> None:
    """task/<id>/task.json (task, draw entries, results) and task/<id>/results.csv; a task's
    two files are written only when what they hold changed (``kept``)."""
    from .tables import RESULT_COLUMNS, rows

    ix = loaded.index
    kept = kept or Kept(None)
    offices = r.common["zh"]["C"].get("offices")
    oname = r.common["zh"]["oname"]
    chains = {h: {"label": c.label, "simulated": bool(c.simulated)} for h, c in loaded.chains.items()}
    dirty = getattr(r, "dirty", None)
    for t in ix.it("SELECT task_id FROM tasks UNION SELECT task_id FROM draws ORDER BY 1"):
        tid = t[0]
        if not safe_seg(tid):
            continue
        if dirty is not None and not dirty.task(tid) and kept.unchanged(
                r.output, f"task/{tid}", [f"task/{tid}/task.json", f"task/{tid}/results.csv"]):
            continue  # no new entry names this task (its data, offices and chains are as before)
        task = ix.one("SELECT entry_id, office, body FROM tasks WHERE task_id=?", tid)
        results = [result_record(result_view(x)) for x in ix.q(RESULT_COLS + " WHERE r.task_id=? ORDER BY r.idx", tid)]
        doc = {"task": tid, "entry": ({"entry_id": task["entry_id"], "office": task["office"], "body": loads(task["body"])}
                                      if task else None),
               "draws": [{"type": {"commit": "draw.commit", "lock": "draw.lock", "reveal": "draw.reveal",
                                   "replace": "team.replace"}[d["kind"]], "entry_id": d["entry_id"],
                          "office": d["office"], "time": d["time"], "body": loads(d["body"])}
                         for d in ix.q("SELECT * FROM draws WHERE task_id=? ORDER BY idx", tid)],
               "results": results,
               "beacon_chains": chains, "sample": bool(loaded.trust.sample)}
        names = [f"task/{tid}/task.json", f"task/{tid}/results.csv"]
        if kept.fresh(r.output, f"task/{tid}", _records_key(offices, doc).hexdigest(), names):
            continue
        r.write_text(f"task/{tid}/task.json", json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        with r.open(f"task/{tid}/results.csv") as f:
            f.write("\ufeff")
            w = csv.writer(f)
            w.writerow([c.zh for c in RESULT_COLUMNS])
            for values in rows(RESULT_COLUMNS, results, oname):
                w.writerow([csv_safe(v) for v in values])
