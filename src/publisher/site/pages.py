"""The HTML pages made from the read-model, each rendered in Chinese and English.

Why streaming: listings are cut into pages while one cursor walks an index (keyset order,
never OFFSET), and per-record pages (tasks, companies) are written one at a time from a few
indexed queries, so memory stays flat however many results the ledger holds.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from itertools import islice
from pathlib import Path
from typing import Any

from . import urls
from .codes import percent
from .identity import identity
from .load import Loaded
from .model import SiteIndex
from .render import Renderer, cst_date
from .search import since
from .urls import safe_seg
from .views import (
    both,
    chain_view,
    filter_view,
    loads,
    noncoop_view,
    randomness_hex,
    result_view,
    take_view,
)

OVERDUE_SHOWN = 15  # (task, office) rows on the home page; all of them are on /overdue/
RESULT_COLS = ("SELECT r.*, e.seq AS seq, t.name AS name FROM results r JOIN entries e ON e.idx=r.idx "
               "LEFT JOIN targets t ON t.id=r.target_id")


def chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while True:
        block = list(islice(it, size))
        if not block:
            return
        yield block


def site_base(loaded: Loaded, settings: dict[str, Any]) -> dict[str, Any]:
    """Site-wide facts every page shows (header, footer, trust anchors); small by design."""
    ix, trust = loaded.index, loaded.trust
    offices = {r["code"]: dict(r) for r in ix.q("SELECT * FROM offices ORDER BY code")}
    region_file = settings.get("PUBLISHER_REGION_NAMES")
    if region_file and not Path(region_file).is_absolute():
        region_file = Path(settings.get("PUBLISHER_BASE") or Path(settings["PATH"]).resolve().parent) / region_file
    from .views import configure

    configure(region_file, offices)
    public = settings.get("PUBLISHER_PUBLIC_URL") or f"https://{trust.origin.rstrip('/')}/"
    cp = loaded.latest
    chains = [{"hash": h, "label": c.label, "simulated": bool(c.simulated), "period": c.period}
              for h, c in sorted(loaded.chains.items())]
    return {
        "site_names": {"zh": settings.get("SITENAME", "双随机、一公开监管公示平台"),
                       "en": settings.get("SITENAME_EN", settings.get("SITENAME", ""))},
        "site_subtitles": {"zh": settings.get("SITESUBTITLE", ""),
                           "en": settings.get("SITESUBTITLE_EN", settings.get("SITESUBTITLE", ""))},
        "sample": bool(trust.sample), "origin": trust.origin, "log_vkey": trust.log_vkey,
        "root_keys": [k.__dict__ for k in loaded.root_keys], "pinned": loaded.pinned,
        "checkpoint": ({"size": cp.size, "root": cp.root.hex(), "time": cp.time,
                        "file": loaded.latest_note_file} if cp else None),
        "ledger_size": loaded.report.size, "ledger_root": loaded.report.root.hex(),
        "offices": offices, "chains": chains,
        "any_simulated": any(c["simulated"] for c in chains),
        "public_url": public if public.endswith("/") else public + "/",
        "now": loaded.now,
        "proofs": bool(settings.get("PUBLISHER_PROOFS", True)),
        "copy_ledger": bool(settings.get("PUBLISHER_COPY_LEDGER", True)),
        **trust_pin(trust, settings),
        "identity": identity(settings),
        "sealed": trust.raw.get("risk_class_disclosure") == "sealed",  # docs/spec/65-sealed.md
    }


def trust_pin(trust, settings: dict[str, Any]) -> dict[str, str]:
    """The trust.json fingerprint the verify page pins (spec §3.11): PUBLISHER_TRUST_FINGERPRINT
    (per origin, like PUBLISHER_ROOT_KEY_IDS) when configured, else this ledger's own; and where
    the portal's gazette/notice publishes it (PUBLISHER_TRUST_GAZETTE)."""
    from ..core.trust import trust_fingerprint

    own = trust_fingerprint(trust.raw)
    pins = settings.get("PUBLISHER_TRUST_FINGERPRINT") or {}
    pinned = pins.get(trust.origin) if isinstance(pins, dict) else pins
    w = trust.witnesses
    witnesses = {"quorum": w.quorum, "names": [k.name for k in w.witnesses],
                 "vkeys": [k.vkey for k in w.witnesses]} if w else None
    return {"trust_fp": own, "trust_fp_pinned": (pinned or own).lower(), "witnesses": witnesses,
            "trust_gazette": str(settings.get("PUBLISHER_TRUST_GAZETTE") or "")}


def write_all(loaded: Loaded, r: Renderer, settings: dict[str, Any],
              searchable_written: Callable[[], None] | None = None) -> None:
    """Every HTML page of the record. The searchable ones (inspected companies, tasks) come
    first and ``searchable_written`` is called as soon as they are made, so that the search
    index (site.build.EarlySearch) runs on the other core while this process writes the rest:
    never-inspected companies, offices, listings, then downloads and the lookup index."""
    size = int(settings.get("PUBLISHER_PAGE_SIZE") or 200)
    write_home(loaded, r)
    # Company pages are most of the site: written first, by render workers when there are any,
    # while this process writes the listings, tasks and results (see Renderer.run_part).
    r.run_part(write_companies, loaded, r)
    write_tasks(loaded, r, size)
    if searchable_written is not None:
        searchable_written()
    r.run_part(write_listed_companies, loaded, r)
    write_offices(loaded, r, size)
    write_items(loaded, r)
    write_plans(loaded, r)
    write_results(loaded, r, size)
    r.page("verify/", "verify")


# ------------------------------------------------------------------------------ home

def latest_draws(ix: SiteIndex, chains: dict, limit: int = 10) -> list[dict[str, Any]]:
    out = []
    for d in ix.q("SELECT d.*, t.name AS task_name FROM draws d LEFT JOIN tasks t ON t.task_id=d.task_id "
                  "WHERE d.kind IN ('lock','reveal') ORDER BY d.idx DESC LIMIT ?", limit):
        b = loads(d["body"])
        commit = ix.one("SELECT body FROM draws WHERE entry_id=?", d["commit_id"])
        cb = loads(commit["body"]) if commit else {}
        beacon = b.get("beacon") or {}
        out.append({"task_id": d["task_id"], "task_link": safe_seg(d["task_id"]), "name": d["task_name"] or "",
                    "office": d["office"], "time": d["time"], "kind": d["kind"],
                    "embargoed": "result_hash" in b, "selected": len(b.get("selected") or []),
                    "round": beacon.get("round") or (cb.get("beacon") or {}).get("round"),
                    "chain": chain_view(chains, (cb.get("beacon") or {}).get("chain_hash"), beacon.get("round"))})
    return out


def upcoming_rounds(ix: SiteIndex, chains: dict, now: int | None) -> list[dict[str, Any]]:
    """Commitments still waiting for their beacon round (no lock yet, not superseded)."""
    out = []
    for d in ix.q("SELECT d.*, t.name AS task_name FROM draws d LEFT JOIN tasks t ON t.task_id=d.task_id "
                  "WHERE d.kind='commit' AND NOT EXISTS (SELECT 1 FROM draws l WHERE l.commit_id=d.entry_id "
                  "AND l.kind='lock') AND NOT EXISTS (SELECT 1 FROM commits c WHERE c.id=d.entry_id AND "
                  "c.superseded_by IS NOT NULL) ORDER BY d.idx DESC LIMIT 20"):
        b = loads(d["body"])
        beacon = b.get("beacon") or {}
        ch = chain_view(chains, beacon.get("chain_hash"), beacon.get("round"))
        out.append({"task_id": d["task_id"], "task_link": safe_seg(d["task_id"]), "name": d["task_name"] or "",
                    "office": d["office"], "time": d["time"], "round": beacon.get("round"), "chain": ch,
                    "due": ch["round_time"] is not None and now is not None and ch["round_time"] <= now})
    return sorted(out, key=lambda x: x["chain"]["round_time"] or 0)


def overdue_rows(loaded: Loaded) -> tuple[list[dict[str, Any]], str]:
    """One row per (task, office, company) still owed a result (R64), with names, the due date
    and working days overdue as of the build's "now" (China date). Embargoed targets are not
    known by id: their row says how many."""
    ix = loaded.index
    from datetime import datetime

    from .model import CST
    today = datetime.fromtimestamp(loaded.now or 0, UTC).astimezone(CST).date()
    try:
        from ..workdays import CalendarUnknown, workdays_between
    except ImportError:  # pragma: no cover
        workdays_between, CalendarUnknown = None, Exception
    rows: list[dict[str, Any]] = []
    for o in loaded.overdue:
        t = ix.one("SELECT name FROM tasks WHERE task_id=?", o.task)
        late = None
        if o.due is not None and workdays_between is not None:
            try:
                late = workdays_between(o.due, today)
            except CalendarUnknown:
                late = None
        base = {"task_id": o.task, "task_link": safe_seg(o.task), "task_name": t["name"] if t else "",
                "office": o.office, "due": o.due.isoformat() if o.due else None, "late_days": late}
        sel = ix.one("SELECT idx FROM selected WHERE task_id=? ORDER BY idx DESC LIMIT 1", o.task)
        found = 0
        if sel is not None:
            for x in ix.q("SELECT s.target_id, tg.name FROM selected s LEFT JOIN targets tg ON tg.id=s.target_id "
                          "WHERE s.task_id=? AND s.idx=? AND NOT EXISTS (SELECT 1 FROM results r WHERE "
                          "r.task_id=s.task_id AND r.target_id=s.target_id AND r.office=?) ORDER BY s.position",
                          o.task, sel["idx"], o.office):
                rows.append({**base, "target_id": x["target_id"], "target_link": safe_seg(x["target_id"]),
                             "target_name": x["name"] or ""})
                found += 1
        if found < o.count:  # embargoed (ids not public) or not found in the index
            rows.append({**base, "target_id": None, "target_link": None, "target_name": "", "hidden": o.count - found})
    rows.sort(key=lambda x: (x["due"] or "9999", x["task_id"], x["office"], x["target_id"] or ""))
    return rows, today.isoformat()


def write_home(loaded: Loaded, r: Renderer) -> None:
    ix = loaded.index
    counts = {
        "offices": ix.scalar("SELECT count(*) FROM offices"),
        "tasks": ix.scalar("SELECT count(*) FROM tasks"),
        "draws": ix.scalar("SELECT count(DISTINCT commit_id) FROM draws WHERE kind='lock'"),
        "selected": ix.scalar("SELECT count(*) FROM selected"),
        "results": ix.scalar("SELECT count(*) FROM results WHERE kind='result'"),
        "entries": loaded.report.size,
        "late": ix.scalar("SELECT count(*) FROM results WHERE lateness='late'"),
    }
    overdue, as_of = overdue_rows(loaded)
    overdue_total = sum(x.get("hidden") or 1 for x in overdue)
    r.page("overdue/", "overdue", overdue=overdue, overdue_total=overdue_total, as_of=as_of)
    overdue = overdue[:OVERDUE_SHOWN]
    notices = [dict(n, body=loads(n["body"])) for n in
               ix.q("SELECT * FROM docs WHERE type='notice' ORDER BY idx DESC LIMIT 5")]
    years = [row[0] for row in ix.q("SELECT DISTINCT year FROM tasks ORDER BY year DESC")]
    r.page("", "index", counts=counts, draws=latest_draws(ix, loaded.chains),
           upcoming=upcoming_rounds(ix, loaded.chains, loaded.now), overdue=overdue,
           overdue_total=overdue_total, as_of=as_of, notices=notices, years=years)


# ------------------------------------------------------------------------------ offices

def seen_pages(n: int, pages: int) -> int:
    """The page count page ``n`` of an append-only listing shows: the total on the first page,
    at most two pages ahead on the others. Why: a push appends rows to the last pages; if every
    page linked to the last one, every page of a year's results (thousands in a province) would
    change with every push that adds a page."""
    return pages if n == 1 else min(pages, n + 2)


def stale_pages(r: Renderer, count_before: int, moved: list[int], size: int, pages: int) -> set[int] | None:
    """Pages of an append-only listing (rows in log order, ``size`` a page) that a push can have
    changed, or None when the build has no dirty set (every page is computed). ``count_before``:
    the rows before the push's first new row; ``moved``: positions of earlier rows it changed (a
    corrected result). The first page shows the total; the pages from two before the previous
    last one (their links, see seen_pages) to the end may gain rows or links."""
    if r.dirty is None:
        return None
    old_pages = max(1, math.ceil(count_before / size))
    out = {1, *range(max(1, old_pages - 2), pages + 1)}
    out.update(pos // size + 1 for pos in moved)
    return out


def write_offices(loaded: Loaded, r: Renderer, size: int) -> None:
    ix = loaded.index
    rows = []
    for o in ix.q("SELECT * FROM offices ORDER BY code"):
        keys = [dict(k) for k in ix.q("SELECT * FROM keys WHERE office=? ORDER BY idx", o["code"])]
        n = ix.scalar("SELECT count(*) FROM entries WHERE office=?", o["code"])
        rows.append({**dict(o), "keys": keys, "entries": n, "link": safe_seg(o["code"])})
    r.page("offices/", "offices", rows=rows)
    from .load import fingerprint

    for o in rows:
        if not o["link"]:
            continue
        for k in o["keys"]:
            k["fingerprint"] = fingerprint(k["public_key"])
        types = ix.q("SELECT type, count(*) AS n FROM entries WHERE office=? GROUP BY type ORDER BY type", o["code"])
        tasks = ix.q("SELECT task_id, name, year, time FROM tasks WHERE office=? ORDER BY idx DESC LIMIT 50", o["code"])
        recent = ix.q("SELECT * FROM entries WHERE office=? ORDER BY idx DESC LIMIT 20", o["code"])
        pages = max(1, math.ceil(o["entries"] / size))
        from .stats import office_figures

        overdue_n = sum(x.count for x in loaded.overdue if x.office == o["code"])
        r.page(urls.office(o["code"]), "office", office=o, types=types, figures=office_figures(loaded, o["code"]),
               overdue_n=overdue_n,
               tasks=[dict(t, link=safe_seg(t["task_id"])) for t in tasks], recent=recent,
               entry_pages=pages)
        if r.dirty is not None and not r.dirty.office(o["code"]):  # no new entry of this office
            if r.keep(*(urls.office_entries(o["code"], n) for n in range(1, pages + 1))):
                continue
        stale = None
        if r.dirty is not None:  # an office's entries only grow: the pages before the push stay
            before = ix.scalar("SELECT count(*) FROM entries WHERE office=? AND idx<?", o["code"], r.dirty.since)
            stale = stale_pages(r, before, [], size, pages)
        if stale is None:
            stream = ix.it("SELECT * FROM entries WHERE office=? ORDER BY idx", o["code"])
            blocks: Iterable[tuple[int, list[Any]]] = enumerate(chunks(stream, size), 1)
        else:
            blocks = _pages_of(r, stale, pages, [urls.office_entries(o["code"], n) for n in range(1, pages + 1)],
                               lambda n, code=o["code"]: ix.q("SELECT * FROM entries WHERE office=? ORDER BY idx "
                                                              "LIMIT ? OFFSET ?", code, size, (n - 1) * size))
        for n, block in blocks:
            r.page(urls.office_entries(o["code"], n), "office_entries", office=o, rows=block,
                   page=n, pages=seen_pages(n, pages), base=urls.office_entries(o["code"]))


def _pages_of(r: Renderer, stale: set[int], pages: int, paths: list[str],
              rows: Callable[[int], list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    """(page, rows) of the pages to compute: the stale ones, and any other the previous build's
    file of which cannot be kept (Renderer.keep checks the file and the facts it read)."""
    for n in range(1, pages + 1):
        if n not in stale and r.keep(paths[n - 1]):
            continue
        yield n, list(rows(n))


# ------------------------------------------------------------------------------ items, plans

def write_items(loaded: Loaded, r: Renderer) -> None:
    ix = loaded.index
    lists = []
    for d in ix.q("SELECT * FROM docs WHERE type='item.list' ORDER BY office, idx DESC"):
        b = loads(d["body"])
        replaced = ix.one("SELECT idx, time FROM docs WHERE type='item.list' AND ref=?", d["entry_id"])
        lists.append({**dict(d), "body": b, "superseded": replaced is not None,
                      "items": [{**i, "kind_label": both("item_kind", i.get("kind"))} for i in b.get("items", [])]})
    r.page("items/", "items", lists=lists)


def write_plans(loaded: Loaded, r: Renderer) -> None:
    ix = loaded.index
    years = [row[0] for row in ix.q("SELECT DISTINCT year FROM docs WHERE type='plan' ORDER BY year DESC")]
    cov = loaded.coverage
    summary = []
    for y in years:
        offices = []
        for d in ix.q("SELECT office, count(*) AS versions, max(idx) AS latest FROM docs WHERE type='plan' "
                      "AND year=? GROUP BY office ORDER BY office", y):
            c = cov.get((d["office"], y))
            offices.append({**dict(d), "missing": list(c.missing_items) if c else None,
                            "joint": c.joint if c else None})
        summary.append({"year": y, "offices": offices})
    r.page("plans/", "plans", years=summary)
    for y in years:
        by_office: dict[str, list[dict[str, Any]]] = {}
        made: dict[tuple[str, str], list[str]] = {}
        for t in ix.q("SELECT office, plan_no, task_id FROM tasks WHERE year=? AND plan_no IS NOT NULL ORDER BY idx", y):
            made.setdefault((t["office"], t["plan_no"]), []).append(t["task_id"])
        for d in ix.q("SELECT * FROM docs WHERE type='plan' AND year=? ORDER BY office, idx", y):
            b = loads(d["body"])
            tasks = []
            for t in b.get("tasks", []):
                ids = made.get((t.get("lead"), t.get("plan_task_no")), [])
                tasks.append({**t, "method_label": both("method", t.get("method")),
                              "made": [(i, safe_seg(i)) for i in ids]})
            by_office.setdefault(d["office"], []).append({**dict(d), "body": b, "tasks": tasks})
        for versions in by_office.values():
            for v in versions[:-1]:
                v["superseded"] = True
        r.page(urls.plans_year(y), "plans_year", year=y, by_office=sorted(by_office.items()),
               coverage={o: cov.get((o, y)) for o in by_office})


# ------------------------------------------------------------------------------ tasks

def task_rows(ix: SiteIndex, sql: str, *args: Any) -> Iterator[dict[str, Any]]:
    for t in ix.it(sql, *args):
        cur = ix.one("SELECT status, selected, round, chain_hash FROM commits WHERE task_id=? ORDER BY idx DESC LIMIT 1",
                     t["task_id"])
        yield {**dict(t), "link": safe_seg(t["task_id"]), "partners": json.loads(t["partners"] or "[]"),
               "status": both("draw_status", cur["status"] if cur else "none"),
               "status_code": cur["status"] if cur else "none",
               "selected": cur["selected"] if cur else None,
               "results": ix.scalar("SELECT count(*) FROM results WHERE task_id=? AND kind='result'", t["task_id"])}


def write_tasks(loaded: Loaded, r: Renderer, size: int) -> None:
    ix = loaded.index
    years = ix.q("SELECT year, count(*) AS n, sum(joint) AS joint FROM tasks GROUP BY year ORDER BY year DESC")
    r.page("tasks/", "tasks", years=years)
    for y in years:
        tfilters = write_task_shard(ix, r, y["year"])
        pages = max(1, math.ceil(y["n"] / size))
        stream = task_rows(ix, "SELECT * FROM tasks WHERE year=? ORDER BY office, idx", y["year"])
        for n, block in enumerate(chunks(stream, size), 1):
            path = urls.tasks_year(y["year"]) + ("" if n == 1 else f"{n}/")
            r.page(path, "tasks_year", year=y["year"], rows=block, page=n, pages=pages,
                   base=urls.tasks_year(y["year"]), filters=tfilters)
    ids = ix.it("SELECT task_id FROM tasks UNION SELECT task_id FROM draws ORDER BY 1")
    for row in ids:
        if safe_seg(row[0]):
            if r.dirty is not None and not r.dirty.task(row[0]) and r.keep(urls.task(row[0])):
                continue
            v = task_view(loaded, row[0])
            r.page(urls.task(row[0]), "task", searchable=since([(v["task"] or {}).get("idx")]
                                                               + [c["entry"]["idx"] for c in v["commits"]]), **v)


def item_names(ix: SiteIndex, offices: list[Any], before: int) -> dict[tuple[str, str], str]:
    """(office, code) -> item name from each office's item list as it stood before ``before``."""
    out: dict[tuple[str, str], str] = {}
    for o in offices:
        d = ix.one("SELECT body FROM docs WHERE type='item.list' AND office=? AND idx<? ORDER BY idx DESC LIMIT 1", o, before)
        for it in (loads(d["body"]).get("items", []) if d else []):
            out[(o, it.get("code"))] = it.get("name", "")
    return out


def task_view(loaded: Loaded, task_id: str) -> dict[str, Any]:
    """Everything the task page shows: task, every commitment with its lock/reveal, results."""
    ix, chains = loaded.index, loaded.chains
    t = ix.one("SELECT * FROM tasks WHERE task_id=?", task_id)
    task = None
    if t is not None:
        b = loads(t["body"])
        names = item_names(ix, [b.get("lead")] + [p.get("office") for p in b.get("partners", [])], t["idx"])
        ratio = b.get("ratio")
        task = {**dict(t), "body": b, "method_label": both("method", b.get("method")),
                "take": percent(ratio) if ratio not in (None, "") else b.get("count"),
                "origin_label": both("origin", b.get("origin")),
                "items_named": [(c, names.get((b.get("lead"), c), "")) for c in b.get("items", [])],
                "partners": [{"office": p.get("office"), "items": p.get("items", []),
                              "items_named": [(c, names.get((p.get("office"), c), "")) for c in p.get("items", [])]}
                             for p in b.get("partners", [])]}
    commits = []
    draws = ix.q("SELECT * FROM draws WHERE task_id=? ORDER BY idx", task_id)
    by_commit: dict[str, list[Any]] = {}
    for d in draws:
        by_commit.setdefault(d["commit_id"], []).append(d)
    for d in draws:
        if d["kind"] != "commit":
            continue
        commits.append(commit_view(ix, chains, d, by_commit.get(d["entry_id"], [])))
    results = [result_view(x) for x in ix.q(RESULT_COLS + " WHERE r.task_id=? ORDER BY r.target_id, r.idx", task_id)]
    noncoop = [noncoop_view(x) for x in ix.q("SELECT * FROM noncoop WHERE task_id=? ORDER BY idx", task_id)]
    current = commits[-1] if commits else None
    return {"task_id": task_id, "task": task, "commits": commits, "current": current,
            "results": results, "noncoop": noncoop,
            "has_corrections": any(x["superseded"] for x in results),
            "verify_link": f"verify/?task={task_id}"}


def commit_view(ix: SiteIndex, chains: dict, d: Any, related: list[Any]) -> dict[str, Any]:
    b = loads(d["body"])
    summary = ix.one("SELECT * FROM commits WHERE id=?", d["entry_id"])
    lock = next((x for x in related if x["kind"] == "lock"), None)
    reveal = next((x for x in related if x["kind"] == "reveal"), None)
    replaces = [x for x in related if x["kind"] == "replace"]
    lb = loads(lock["body"]) if lock else {}
    rb = loads(reveal["body"]) if reveal else {}
    opened = bool(lock) and not reveal and bool(summary) and summary["status"] == "revealed"  # by the timelock
    public_row = reveal if reveal else (lock if lock and ("selected" in lb or opened) else None)
    pb = rb if reveal else lb
    if opened:  # seed, thresholds and secrets recomputed from the escrows by the verifier
        o = ix.one("SELECT body FROM opened WHERE commit_id=?", d["entry_id"])
        pb = loads(o["body"]) if o else pb
    beacon = b.get("beacon") or {}
    lbeacon = lb.get("beacon") or {}
    strata = []
    pstrata = {s.get("name"): s for s in pb.get("strata") or []}
    for s in b.get("strata") or []:
        ps = pstrata.get(s.get("name"), {})
        strata.append({"name": s.get("name"), "filter": filter_view(s.get("match")),
                       "take": take_view(s.get("take"), s.get("rounding")), "n": s.get("n"), "k": s.get("k"),
                       "threshold": ps.get("threshold")})
    selected, teams = [], []
    if public_row is not None:
        res = {x["target_id"]: x["n"] for x in ix.q(
            "SELECT target_id, count(*) AS n FROM results WHERE task_id=? GROUP BY target_id", d["task_id"])}
        for s in ix.q("SELECT s.*, t.name FROM selected s LEFT JOIN targets t ON t.id=s.target_id "
                      "WHERE s.task_id=? AND s.idx=? ORDER BY s.position", d["task_id"], public_row["idx"]):
            selected.append({**dict(s), "link": safe_seg(s["target_id"]), "has_result": bool(res.get(s["target_id"]))})
        swaps: dict[str, list[tuple[str, str]]] = {}
        for x in replaces:
            xb = loads(x["body"])
            swaps.setdefault(xb.get("target"), []).append((xb.get("out"), xb.get("in")))
        for tm in ix.q("SELECT tm.*, t.name FROM teams tm LEFT JOIN targets t ON t.id=tm.target_id "
                       "WHERE tm.task_id=? AND tm.idx=? ORDER BY tm.position", d["task_id"], public_row["idx"]):
            members = [{"id": m, "out": False, "in": False, "leader": m == tm["leader"]}
                       for m in json.loads(tm["members"] or "[]")]
            for out_id, in_id in swaps.get(tm["target_id"], []):
                for m in members:
                    if m["id"] == out_id and not m["out"]:
                        m["out"] = True
                        members.insert(members.index(m) + 1, {"id": in_id, "out": False, "in": True,
                                                              "leader": m["leader"]})
                        break
            teams.append({"target_id": tm["target_id"], "name": tm["name"], "link": safe_seg(tm["target_id"]),
                          "members": members})
    by_target = {tm["target_id"]: tm["members"] for tm in teams}
    for s in selected:  # one list: each selected target with its team (shown once, not twice)
        s["members"] = by_target.pop(s["target_id"], None)
    teams = [tm for tm in teams if tm["target_id"] in by_target]  # teams for targets not listed above
    status = summary["status"] if summary else ("revealed" if reveal else "locked" if lock else "committed")
    return {
        "entry": dict(d), "body": b, "summary": dict(summary) if summary else None,
        "status": status, "status_label": both("draw_status", status),
        "population": b.get("population") or {}, "filter": filter_view((b.get("population") or {}).get("filter")),
        "exclusions": (b.get("population") or {}).get("exclusions") or [],
        "strata": strata, "offices": b.get("offices") or [],
        "team_mode": both("team_mode", (b.get("teams") or {}).get("mode")),
        "teams_spec": b.get("teams") or {},
        "beacon": {"round": beacon.get("round"), "chain": chain_view(chains, beacon.get("chain_hash"), beacon.get("round")),
                   "signature": lbeacon.get("signature"), "randomness": randomness_hex(lbeacon.get("signature"))},
        "embargo_until": b.get("embargo_until"), "embargoed": bool(lock) and "result_hash" in lb and not reveal and not opened,
        "opened_by_timelock": opened,
        "result_hash": lb.get("result_hash"),
        "lock": dict(lock) if lock else None, "reveal": dict(reveal) if reveal else None,
        "seed": pb.get("seed"), "secrets": list(zip([o.get("office") for o in b.get("offices") or []],
                                                    pb.get("secrets") or [])),
        "selected": selected, "teams": teams,
        "replacements": [{**dict(x), "body": loads(x["body"]),
                          "reason_label": both("replace_reason", loads(x["body"]).get("reason"))} for x in replaces],
        "batch_size": b.get("batch_size"), "supersedes": b.get("supersedes"), "reason": b.get("reason"),
    }


# ------------------------------------------------------------------------------ results

def write_results(loaded: Loaded, r: Renderer, size: int) -> None:
    ix = loaded.index
    years = ix.q("SELECT year, count(*) AS n, sum(kind='result') AS results, sum(lateness='late') AS late "
                 "FROM results GROUP BY year ORDER BY year DESC")
    r.page("results/", "results", years=years)
    for y in years:
        filters = write_result_shards(ix, r, y["year"])
        pages = max(1, math.ceil(y["n"] / size))
        stale = _stale_result_pages(ix, r, y["year"], size, pages, filters)
        if stale is None:
            stream = (result_view(x) for x in ix.it(RESULT_COLS + " WHERE r.year=? ORDER BY r.idx", y["year"]))
            blocks: Iterable[tuple[int, list[Any]]] = enumerate(chunks(stream, size), 1)
        else:
            blocks = _pages_of(r, stale, pages, [urls.results_year(y["year"], n) for n in range(1, pages + 1)],
                               lambda n, year=y["year"]: [result_view(x) for x in _results_page(ix, year, size, n)])
        for n, block in blocks:
            r.page(urls.results_year(y["year"], n), "results_year", year=y["year"], rows=block, page=n,
                   pages=seen_pages(n, pages), base=urls.results_year(y["year"]), filters=filters)


def _results_page(ix: SiteIndex, year: int, size: int, n: int) -> list[Any]:
    """Page ``n`` of a year's results in log order. Why two queries: with the joins, LIMIT/OFFSET
    sorted every joined row of the year to return one page (45 ms a page at a tenth of a
    province, 16 pages a push); the page's log indexes alone come from the index, then only its
    rows are joined."""
    ids = ix.q("SELECT idx FROM results WHERE year=? ORDER BY idx LIMIT ? OFFSET ?", year, size, (n - 1) * size)
    if not ids:
        return []
    return ix.q(RESULT_COLS + " WHERE r.year=? AND r.idx BETWEEN ? AND ? ORDER BY r.idx", year, ids[0][0], ids[-1][0])


def _stale_result_pages(ix: SiteIndex, r: Renderer, year: int, size: int, pages: int,
                        filters: dict[str, Any]) -> set[int] | None:
    """The pages of a year's results a push can have changed (stale_pages): those its new results
    land on and those of the results it corrected or withheld; None (all) when there is no dirty
    set or the filter form every page carries changed (a new office or category)."""
    if r.incremental is None:
        return None
    from .incremental import digest

    key, was = digest(filters), (r.incremental.recall("results-filters") or {}).get(str(year))
    r.incremental.state.setdefault("results-filters", {})[str(year)] = key
    if r.dirty is None or key != was:
        return None
    since = r.dirty.since
    before = ix.scalar("SELECT count(*) FROM results WHERE year=? AND idx<?", year, since)
    # each corrected row's position, numbered in one pass (a count per row scanned the year once
    # per correction: 18 s for a push of 1,000 corrections at a province)
    moved = [row[0] for row in ix.q(
        "SELECT pos FROM (SELECT superseded_by, row_number() OVER (ORDER BY idx) - 1 AS pos FROM results "
        "WHERE year=? AND idx<?) WHERE superseded_by>=?", year, since, since)]
    return stale_pages(r, before, moved, size, pages)


def write_task_shard(ix: SiteIndex, r: Renderer, year: int) -> dict[str, Any]:
    """filter/tasks/<year>.json: one compact row per task for the task filter (office as lead
    or partner, draw state, late results)."""
    rows, offices, states = [], set(), set()
    late = {x["task_id"]: x["n"] for x in ix.q("SELECT task_id, count(*) AS n FROM results WHERE year=? AND "
                                              "lateness='late' GROUP BY task_id", year)}
    for t in task_rows(ix, "SELECT * FROM tasks WHERE year=? ORDER BY office, idx", year):
        offices.update([t["office"], *t["partners"]])
        states.add(t["status_code"])
        rows.append([t["task_id"] if t["link"] else None, t["name"], t["office"], t["partners"], t["start"], t["end"],
                     t["status_code"], t["selected"], t["results"], late.get(t["task_id"], 0)])
    r.write_text(f"filter/tasks/{year}.json", json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
    return {"offices": sorted(o for o in offices if o), "states": sorted(states)}


def write_result_shards(ix: SiteIndex, r: Renderer, year: int) -> dict[str, Any]:
    """filter/results/<year>/<office>.json: compact rows for the filter script on the results
    pages (one shard per office, so filtering by office reads one small file). Returns the
    offices, categories and lateness values present, for the filter form.

    With a dirty set, an office none of whose results of the year a push added or replaced keeps
    its shard (if the file is still the one written) and the summary remembered for it: a push
    of a province's results rewrites the shards of the offices that published, not the year."""
    memory, dirty = r.incremental, r.dirty
    old = ((memory.recall("result-shards") or {}).get(str(year)) or {}) if memory is not None else {}
    touched = None
    if dirty is not None and memory is not None:
        touched = {o for (o,) in ix.q("SELECT DISTINCT office FROM results WHERE year=? AND "
                                      "(idx>=? OR superseded_by>=?)", year, dirty.since, dirty.since)}
    now: dict[str, Any] = {}
    offices: dict[str, int] = {}
    cats: dict[str, dict[str, str]] = {}
    lateness: set[str] = set()
    for (office,) in ix.q("SELECT DISTINCT office FROM results WHERE year=? ORDER BY office", year):
        path = f"filter/results/{year}/{office}.json"
        summary = old.get(office) if touched is not None and office not in touched else None
        if summary is not None and safe_seg(office):
            try:
                st = os.stat(r.output / path)
                fresh = [st.st_size, st.st_mtime_ns] == summary[3]
            except OSError:
                fresh = False
            summary = summary if fresh else None
        if summary is None:
            summary = _result_shard(ix, r, year, office, path)
        now[office] = summary
        if safe_seg(office):
            offices[office] = summary[0]
        for code, label in summary[1]:
            cats.setdefault(code, label)
        lateness.update(summary[2])
    if memory is not None:
        memory.state.setdefault("result-shards", {})[str(year)] = {o: v for o, v in now.items() if safe_seg(o)}
    return {"offices": sorted(offices), "categories": sorted(cats.items()), "lateness": sorted(lateness)}


def _result_shard(ix: SiteIndex, r: Renderer, year: int, office: str, path: str) -> list[Any]:
    """One office's shard written (when its code is a safe path segment); returns its summary:
    [rows, [[category, labels] in first-seen order], [lateness values], [size, mtime] or None]."""
    cats: dict[str, dict[str, str]] = {}
    lateness: set[str] = set()
    shard: list[list[Any]] = []
    for row in ix.it(RESULT_COLS + " WHERE r.year=? AND r.office=? ORDER BY r.idx", year, office):
        v = result_view(row)
        for code, zh, en in zip(v["codes"], v["labels"]["zh"], v["labels"]["en"]):
            cats.setdefault(str(code), {"zh": zh, "en": en})
        lateness.add(v["lateness"])
        shard.append([v["target_id"] if v["target_link"] else None, v["target_name"], v["task_id"] if v["task_link"] else None,
                      v["completed"], cst_date(v["published"]), [str(c) for c in v["codes"]],
                      v["lateness"], 1 if v["superseded"] else 0, v["kind"]])
    stat = None
    if safe_seg(office):
        r.write_text(path, json.dumps(shard, ensure_ascii=False, separators=(",", ":")))
        st = os.stat(r.output / path)
        stat = [st.st_size, st.st_mtime_ns]
    return [len(shard), [[c, label] for c, label in cats.items()], sorted(lateness), stat]


# ------------------------------------------------------------------------------ companies

def _active(ix: SiteIndex) -> set[str]:
    """Targets ever drawn, inspected or reported as not cooperating (they get a full page)."""
    return {row[0] for row in ix.it("SELECT target_id FROM selected UNION SELECT target_id FROM results "
                                    "UNION SELECT target_id FROM noncoop")}


def _listed_in(ix: SiteIndex) -> dict[str, dict[str, Any]]:
    return {row["entry_id"]: dict(row) for row in ix.q(
        "SELECT entry_id, office, time, body FROM docs WHERE type='directory.snapshot'")}


def _listed(listed_in: dict[str, dict[str, Any]], tg: Any) -> dict[str, Any] | None:
    snap = listed_in.get(tg["listed"])
    return {"office": snap["office"], "time": snap["time"],
            "confirmed": (loads(snap["body"]) or {}).get("confirmed_at")} if snap else None


def write_listed_companies(loaded: Loaded, r: Renderer) -> None:
    """Every directory company never drawn or inspected (NECIPS: 暂无), in id order."""
    ix = loaded.index
    active, listed_in = _active(ix), _listed_in(ix)
    dirty = r.dirty
    shapes: dict[tuple, Any] = {}  # a company's raw fields -> the shape of its page (its skeleton)
    for tg in ix.it("SELECT * FROM targets ORDER BY id"):
        if tg["id"] not in active and safe_seg(tg["id"]):
            clean = dirty is not None and not dirty.target(tg["id"])
            raw = (tg["kind"], tg["region"], tg["industry"], tg["risk"], tg["listed"])
            if clean and raw in shapes and r.keep_stamped(urls.company(tg["id"]), "company_listed", shapes[raw]):
                continue
            shapes[raw] = write_listed_company(r, tg, _listed(listed_in, tg), tg["listed"], clean=clean)


def write_companies(loaded: Loaded, r: Renderer) -> None:
    """Every company ever drawn or inspected, in id order (the others: write_listed_companies)."""
    ix = loaded.index
    tasks_cache: dict[str, Any] = {}

    def task_info(tid: str) -> Any:
        if tid not in tasks_cache:
            if len(tasks_cache) > 4096:
                tasks_cache.clear()
            t = ix.one("SELECT task_id, name, office, body FROM tasks WHERE task_id=?", tid)
            directional = loads(t["body"]).get("directional") if t else None
            tasks_cache[tid] = {"name": t["name"] if t else "", "directional": directional,
                                "type": both("check_type", "directional" if directional else "open")}
        return tasks_cache[tid]

    active, listed_in = _active(ix), _listed_in(ix)
    dirty = r.dirty
    for tg in ix.it("SELECT * FROM targets ORDER BY id"):
        if tg["id"] not in active or not safe_seg(tg["id"]):
            continue
        if dirty is not None and not dirty.target(tg["id"]) and r.keep(urls.company(tg["id"])):
            continue  # no new entry names this company: its page is the previous build's
        listed = _listed(listed_in, tg)
        results = []
        for x in ix.q(RESULT_COLS + " WHERE r.target_id=? ORDER BY r.idx", tg["id"]):
            v = result_view(x)
            v["task"] = task_info(v["task_id"]) if v["task_id"] else None
            results.append(v)
        drawn = [{**dict(s), "link": safe_seg(s["task_id"]), "task": task_info(s["task_id"])}
                 for s in ix.q("SELECT s.*, d.time FROM selected s JOIN draws d ON d.idx=s.idx "
                               "WHERE s.target_id=? ORDER BY s.idx", tg["id"])]
        noncoop = [noncoop_view(x) for x in ix.q("SELECT * FROM noncoop WHERE target_id=? ORDER BY idx", tg["id"])]
        name = tg["name"] or next((x["target_name"] for x in reversed(results) if x["target_name"]), "") or tg["id"]
        r.page(urls.company(tg["id"]), "company", target=target_view(tg, name), results=results, drawn=drawn,
               noncoop=noncoop, has_corrections=any(x["superseded"] for x in results), listed=listed,
               inspected=True, searchable=since([x["idx"] for x in results + drawn + noncoop]))


def write_listed_company(r: Renderer, tg: Any, listed: Any, snapshot: Any, clean: bool = False) -> Any:
    """A never-inspected company's page, stamped from a once-rendered template (there are tens
    of thousands of these; see Renderer.stamped). Returns its shape (which skeleton it used)."""
    v = target_view(tg, tg["name"] or tg["id"])
    values = {"id": v["id"], "name": v["name"], "path": urls.company(tg["id"])}
    slot = r.slot
    shown: dict[str, Any] = {"id": slot("id"), "name": slot("name")}
    for key in ("kind", "region", "industry", "risk"):
        label = v.get(f"{key}_label")
        if v.get(key) and label:
            shown[key] = True
            shown[f"{key}_label"] = {"zh": slot(f"{key}_zh"), "en": slot(f"{key}_en")}
            values[f"{key}_zh"], values[f"{key}_en"] = label["zh"], label["en"]
    shape = (tuple(k for k in ("kind", "region", "industry", "risk") if k in shown), snapshot)
    r.stamped(urls.company(tg["id"]), "company_listed", shape, values, clean=clean, target=shown, listed=listed)
    return shape


def target_view(tg: Any, name: str) -> dict[str, Any]:
    from .views import value_label

    return {**dict(tg), "name": name, "kind_label": both("target_kind", tg["kind"]),
            "region_label": value_label("regions", tg["region"]) if tg["region"] else None,
            "industry_label": value_label("industries", tg["industry"]) if tg["industry"] else None,
            "risk_label": value_label("risks", tg["risk"]) if tg["risk"] else None}
