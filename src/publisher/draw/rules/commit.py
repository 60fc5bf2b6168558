"""``draw.commit`` and ``draw.accept``: the commitment itself, and each partner's acceptance.

The commitment's derived fields are recomputed from the snapshots (count, root, n, k, conflicts,
pool feasibility, zero draws); the beacon round must lie in the future. A commitment whose first
checkpoint is not before its round is *void* — that draw only, never the ledger (§6.10).
A partner office of a joint task accepts the lead's commitment with its own ``draw.accept``
before the round; the lock requires every acceptance.
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.directory.records import DirectoryError, Target
from publisher.draw.commitment import beacon_finding, check_commit_body
from publisher.draw.errors import ART_FAIR, ART_LOCK, DrawError, Finding
from publisher.draw.rules.state import CommitSummary, DrawBook
from publisher.draw.sealed import is_sealed
from publisher.draw.timeutil import unix


def void_reason(ctx: Context, index: int, round_: int, round_time: int, what: str = "commitment") -> str | None:
    """Why an entry at ``index`` was not provably public before ``round_time`` (None if it was)."""
    acc = ctx.accepted_at(index)
    if acc is None:
        return f"no checkpoint proves the {what} was public before beacon round {round_} (due {round_time})"
    if acc >= round_time:
        return (f"the first checkpoint covering the {what} was signed at {acc}, not before beacon round "
                f"{round_} (due {round_time})")
    return None


class CommitCheck:
    rule = "draw.commit"

    def on_commit(self, entry: Entry, ctx: Context, book: DrawBook, c: CommitSummary) -> list[Finding]:
        body = entry.body
        chains = getattr(ctx.trust, "beacon_chains", {}) or {}
        out = []
        f = beacon_finding(body, entry.time, chains)
        if f:
            out.append(f)
        acc = ctx.accepted_at(ctx.index)
        if c.round_time is not None and acc is not None and acc >= c.round_time:
            c.void = void_reason(ctx, ctx.index, c.round, c.round_time)
            out.append(Finding(f"抽取作废：没有检查点证明抽取承诺在随机信标产生之前已公开，该次抽取不计入 / " f"draw void: {c.void}; the draw of this commitment cannot count", ART_FAIR,
                               "warning"))
        if is_sealed(body):  # recomputed by draw.sealed (rules/sealed.py)
            c.population = body["population"]["count"]
            return out
        try:
            inspectors = book.inspectors(ctx, body)
            with book.records(ctx, body["population"]["snapshot"], Target) as targets:
                out.extend(check_commit_body(body, entry.office, entry.time, targets, inspectors, cap=book.cap))
        except (DrawError, DirectoryError) as exc:
            out.append(Finding(exc.message if isinstance(exc, DrawError) else f"名录快照不符合格式 / snapshot refused: {exc}",
                               getattr(exc, "article", "")))
        c.population = body["population"]["count"]
        return out


class AcceptCheck:
    rule = "draw.accept"

    def on_accept(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        b = entry.body
        c = book.commits.get(b["commit"])
        if c is None or c.task != b["task"]:
            return [Finding(f"参与单位确认的不是任务 {b['task']} 的抽取承诺 / " f"draw.accept references {b['commit'][:16]}…, which is not a commitment of task "
                            f"{b['task']}", ART_LOCK)]
        partners = [o["office"] for o in book.private[c.id].body["offices"][1:]]
        if entry.office not in partners:
            return [Finding(f"单位 {entry.office} 不是该联合抽取的参与单位 / " f"office {entry.office} is not a partner of this commitment ({partners})", ART_LOCK)]
        if entry.office in c.accepted:
            return [Finding(f"单位 {entry.office} 已经确认过该抽取承诺 / " f"office {entry.office} already accepted this commitment", ART_LOCK)]
        if c.round_time is not None and unix(entry.time) >= c.round_time:
            return [Finding(f"参与单位在随机信标产生之后才确认，确认须在信标产生之前 / " f"accepted at {entry.time}, after beacon round {c.round} was due; a partner "
                            "accepts before the randomness exists", ART_FAIR)]
        c.accepted[entry.office] = entry.id
        book.private[c.id].accept_index[entry.office] = ctx.index
        return []
