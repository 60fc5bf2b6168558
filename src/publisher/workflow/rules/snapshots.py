"""``directory.snapshot``: an office confirms its target or inspector directory (R18, 001 第八条).

The blob must be in the ledger and be a canonical snapshot of the stated kind with the stated
number of records, so a draw commitment naming that blob draws from what was confirmed.
Each blob is streamed once per verification (O(1) memory, the cache keeps only its digest).
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, bad_dates, entry_date
from publisher.workflow.rules.state import WorkflowState


def scan_snapshot(ctx: Context, digest: str, kind: str) -> tuple[int | None, str]:
    """(record count, "") of a valid snapshot blob, or (None, why not)."""
    from publisher.directory.records import DirectoryError, Inspector, Target
    from publisher.directory.snapshot import iter_snapshot

    record_type = Target if kind == "targets" else Inspector
    try:
        with ctx.blobs.open_blob(digest) as f:
            n = 0
            for _ in iter_snapshot(f, record_type, validate=False, name=f"blobs/{digest[:16]}…"):
                n += 1
            return n, ""
    except DirectoryError as exc:
        return None, str(exc.problems[0])
    except OSError as exc:
        return None, f"cannot read: {exc}"
    except Exception as exc:  # LedgerIOError and friends from other blob stores
        return None, str(exc)


class SnapshotCheck(NoFinish):
    types = ("directory.snapshot",)

    def __init__(self, check_blobs: bool = True):
        self.check_blobs = check_blobs

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        d = bad_dates(em, A.DIRECTORY, {"confirmed_at": b["confirmed_at"]}, A.ART_DIRECTORY)
        if "confirmed_at" in d and d["confirmed_at"] > entry_date(entry):
            em.error(A.DIRECTORY, f"名录确认日期 {d['confirmed_at']} 晚于发布日期 / "
                     f"confirmed_at {d['confirmed_at']} is after the publication date",
                     A.ART_DIRECTORY)
        if not b["confirmed_by"].strip():
            em.error(A.DIRECTORY, "名录确认人为空：须写明谁确认了名录 / confirmed_by is empty: the confirmer answers "
                     "for the data", A.ART_DIRECTORY)
        if not self.check_blobs:
            return em.out
        digest = b["blob"]
        known = state.snapshots.get(digest)
        if known is None:
            if not ctx.blobs.has_blob(digest):
                em.error(A.DIRECTORY, f"账本中没有这份名录快照文件 / blob {digest[:16]}… is not in ledger/blobs",
                         A.ART_DIRECTORY)
                return em.out
            n, why = scan_snapshot(ctx, digest, b["kind"])
            if n is None:
                em.error(A.DIRECTORY, f"名录快照文件格式不对：{why} / "
                         f"blob {digest[:16]}… is not a canonical {b['kind']} snapshot: {why}",
                         A.ART_DIRECTORY)
                return em.out
            known = state.snapshots[digest] = (b["kind"], n)
        if known[0] != b["kind"]:
            em.error(A.DIRECTORY, f"名录类别与先前确认的同一快照不一致 / "
                     f"kind is {b['kind']} but blob {digest[:16]}… was confirmed as {known[0]}",
                     A.ART_DIRECTORY)
        elif known[1] != b["count"]:
            em.error(A.DIRECTORY, f"记录数写的是 {b['count']}，快照中实际有 {known[1]} 条 / "
                     f"count is {b['count']} but the snapshot holds {known[1]} records",
                     A.ART_DIRECTORY)
        return em.out
