"""``draw.population``: a draw's population comes from a snapshot its lead office confirmed.

001 第八条: before every draw the office confirms its directories (``directory.snapshot``).
The target snapshot of a commitment MUST be one the lead office confirmed earlier in the log,
or — named explicitly with ``population.source: {office, reason}`` — one another office
confirmed. A snapshot that dropped companies in the days before the draw (compared with the
same office's previous target snapshot) is flagged (*warning*), with the ids, on the task page.
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.directory.records import DirectoryError
from publisher.draw.errors import ART_DIRECTORY, DrawError, Finding
from publisher.draw.rules.state import CommitSummary, DrawBook, Snapshot
from publisher.draw.timeutil import unix

RULE = "draw.population"
REMOVAL_WINDOW = 14 * 86400  # s: removals this shortly before a commitment are flagged
SHOW_REMOVED = 20


class PopulationCheck:
    rule = RULE

    def on_snapshot(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        b = entry.body
        s = Snapshot(entry.office, b["kind"], b["blob"], ctx.index, entry.time, entry.id)
        book.snapshots.setdefault(entry.office, []).append(s)
        book.snapshot_entries[entry.id] = s
        return []

    def on_commit(self, entry: Entry, ctx: Context, book: DrawBook, c: CommitSummary) -> list[Finding]:
        pop = entry.body["population"]
        blob, source = pop["snapshot"], pop.get("source")
        office = source["office"] if source else entry.office
        if source and source["office"] == entry.office:
            return [Finding("抽取范围的名录来源写的是牵头单位自己，应删去 / " "population.source names the lead office itself; omit it", ART_DIRECTORY)]
        mine = [s for s in book.snapshots.get(office, []) if s.kind == "targets"]
        confirmed = [s for s in mine if s.blob == blob]
        if not confirmed:
            whose = "the lead office" if not source else f"office {office} (population.source)"
            return [Finding(f"抽取所用的检查对象名录快照没有经{'牵头单位' if not source else office}确认 / " f"target snapshot {blob[:16]}… was not confirmed by {whose} in a directory.snapshot "
                            "entry before this commitment; a draw uses only a directory its office confirmed"
                            + ("" if source else " (another office's needs population.source with a reason)"),
                            ART_DIRECTORY)]
        snap = confirmed[-1]
        before = [s for s in mine if s.index < snap.index and s.blob != blob]
        if before and unix(entry.time) - unix(snap.time) <= REMOVAL_WINDOW:
            try:
                removed = sorted(book.target_ids(ctx, before[-1].blob) - book.target_ids(ctx, blob))
            except (DrawError, DirectoryError):  # missing or unreadable: draw.commit names it
                return []
            if removed:
                c.removed_before = removed[:SHOW_REMOVED]
                c.removed_count = len(removed)
                return [Finding(f"抽取前 {REMOVAL_WINDOW // 86400} 天内有 {len(removed)} 户从 {office} 的检查对象名录中删除 / "
                                f"{len(removed)} compan{'y was' if len(removed) == 1 else 'ies were'} removed from "
                                f"{office}'s target directory on {snap.time[:10]}, {REMOVAL_WINDOW // 86400} days or "
                                f"less before this draw: {', '.join(removed[:5])}{'…' if len(removed) > 5 else ''}",
                                ART_DIRECTORY, "warning")]
        return []
