"""DrawRule (v2): every draw in the ledger is recomputed from public data and compared.

Composes one small check per concept (``rules/draw/*``), each reporting under its own rule id:
``draw.commit`` / ``draw.accept`` (the commitment and partners' acceptance), ``draw.population``
(confirmed snapshots, removals before a draw), ``draw.history`` (re-draws, abandoned and twin
commitments, whose outcomes are computed), ``draw.lock`` / ``draw.reveal`` (recomputation),
``draw.replace`` (drawn substitutes), ``draw.embargo`` (escrows, opened at the reveal round), ``draw.cap`` (which draws count toward 001 第七条),
``draw.sealed`` (draws of a portal whose risk classes are sealed).

State for the portal: ``tasks`` (task -> DrawState of CommitSummary), ``commits``, ``cap``,
``twins`` (office -> flagged twin groups). No full target lists are kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.directory.parsed import ParsedSnapshots
from publisher.directory.records import DirectoryError
from publisher.draw.errors import ART_UNANNOUNCED, DrawError, Finding
from publisher.draw.rules.commit import AcceptCheck, CommitCheck
from publisher.draw.rules.embargo import EmbargoCheck
from publisher.draw.rules.history import HistoryCheck
from publisher.draw.rules.lock import CapCheck, LockCheck, RevealCheck
from publisher.draw.rules.population import PopulationCheck
from publisher.draw.rules.replace import ReplaceCheck
from publisher.draw.rules.sealed import SealedCheck
from publisher.draw.rules.state import ABANDON_AFTER, CommitSummary, DrawBook, DrawState, Private  # noqa: F401 (re-exported)
from publisher.draw.timeutil import day_start

# A Chinese lead for findings of the draw computation itself (publisher.draw.*), whose detail
# stays in English after it: every draw problem reads Chinese first.
RULE_ZH = {
    "draw.commit": "抽取承诺不符合规则", "draw.accept": "参与单位确认有误", "draw.population": "抽取范围有误",
    "draw.history": "重新抽取不符合规则", "draw.lock": "抽取结果与重新计算不符", "draw.reveal": "揭示的抽取结果与重新计算不符",
    "draw.replace": "检查人员更换不符合规则", "draw.embargo": "暂不公开的抽取核对不符", "draw.cap": "抽查次数上限有误",
    "draw.sealed": "密封风险等级的抽取核对不符",
}


def zh_first(rule: str, message: str) -> str:
    """``message`` as is when it already starts in Chinese, else led by the rule's Chinese name."""
    if message[:1] >= "\u2e80":
        return message
    return f"{RULE_ZH.get(rule, '抽取核验不通过')} / {message}"


class DrawRule:
    name = "draw"

    def __init__(self, openings=None, known=None, parsed: ParsedSnapshots | None = None) -> None:
        self.book = DrawBook()
        self.book.known = known  # outcomes computed by this process (draw lock's append check)
        if parsed is not None:  # parsed snapshots shared with the workflow rule (ruleset.default_rules)
            self.book.parsed = parsed
        self.sealed = SealedCheck(openings)
        self.book.sealed = self.sealed
        self.population = PopulationCheck()
        self.history = HistoryCheck()
        self.commit = CommitCheck()
        self.accept = AcceptCheck()
        self.lock = LockCheck()
        self.reveal = RevealCheck()
        self.replace = ReplaceCheck()
        self.capcheck = CapCheck()
        self.embargo = EmbargoCheck()

    # read-only views for the portal and the CLI
    @property
    def tasks(self) -> dict[str, DrawState]:
        return self.book.tasks

    @property
    def commits(self) -> dict[str, CommitSummary]:
        return self.book.commits

    @property
    def cap(self):
        return self.book.cap

    @property
    def twins(self):
        return self.book.twins

    def _problems(self, rule: str, findings: Iterable[Finding]) -> list[Problem]:
        """Problems of the entry being checked (the verifier fills in its file and id)."""
        return [Problem(f.rule or rule, zh_first(f.rule or rule, f.message), "", "", f.article, f.severity)
                for f in findings]

    def check(self, entry: Entry, ctx: Context) -> Iterable[Problem]:
        t = entry.type
        try:
            if t == "draw.commit":
                return self._on_commit(entry, ctx)
            if t == "directory.snapshot":
                return self._problems(self.population.rule, self.population.on_snapshot(entry, ctx, self.book))
            if t == "result":
                return self._problems(self.capcheck.rule, self.capcheck.on_result(entry, ctx, self.book))
            check, fn = {"draw.accept": (self.accept, "on_accept"), "draw.lock": (self.lock, "on_lock"),
                         "draw.reveal": (self.reveal, "on_reveal"),
                         "team.replace": (self.replace, "on_replace")}.get(t, (None, ""))
            if check is None:
                return []
            return self._problems(check.rule, getattr(check, fn)(entry, ctx, self.book))
        except (DrawError, DirectoryError) as exc:
            msg = exc.message if isinstance(exc, DrawError) else f"名录快照不符合格式 / snapshot refused: {exc}"
            rule = t if t.startswith("draw.") else "draw"
            return [Problem(rule, zh_first(rule, msg), "", "", getattr(exc, "article", ""))]

    def _on_commit(self, entry: Entry, ctx: Context) -> list[Problem]:
        body = entry.body
        chains = getattr(ctx.trust, "beacon_chains", {}) or {}
        chain = chains.get(body["beacon"]["chain_hash"])
        c = CommitSummary(
            id=entry.id, task=body["task"], office=entry.office, time=entry.time, index=ctx.index,
            file=ctx.file, chain_hash=body["beacon"]["chain_hash"], round=body["beacon"]["round"],
            round_time=chain.round_time(body["beacon"]["round"]) if chain else None,
            embargo_until=body.get("embargo_until"), supersedes=body.get("supersedes"))
        self.book.private[entry.id] = Private(body)
        out = self._problems(self.history.rule, self.history.on_commit(entry, ctx, self.book, c))
        out += self._problems(self.population.rule, self.population.on_commit(entry, ctx, self.book, c))
        out += self._problems(self.commit.rule, self.commit.on_commit(entry, ctx, self.book, c))
        out += self._problems(self.sealed.rule, self.sealed.on_commit(entry, ctx, self.book, c))
        out += self._problems(self.embargo.rule, self.embargo.on_commit(entry, ctx, self.book, c))
        c.valid = not any(p.severity == "error" for p in out)
        self.book.commits[entry.id] = c
        self.book.tasks.setdefault(c.task, DrawState(c.task)).commits.append(c)
        return out

    def finish(self, ctx: Context) -> Iterable[Problem]:
        now = ctx.now if ctx.now is not None else ctx.last_time
        out = [Problem(f.rule or self.embargo.rule, zh_first(f.rule or self.embargo.rule, f.message), f.file, f.entry_id,
                       f.article, f.severity)
               for f in self.embargo.finish(ctx, self.book)]
        for state in self.book.tasks.values():
            c = state.current
            if (c.valid and not c.superseded_by and c.lock and c.lock_valid and c.embargo_until
                    and c.reveal is None and not c.opened and now > day_start(c.embargo_until) + ABANDON_AFTER):
                out.append(Problem("draw.reveal", f"抽取未揭示：任务 {c.task} 的暂不公开期限已于 {c.embargo_until} 结束，"
                                   f"抽取结果仍未揭示 / unrevealed draw: task {c.task}'s embargo ended on "
                                   f"{c.embargo_until} and the draw has not been revealed", c.file, c.id,
                                   ART_UNANNOUNCED, "warning"))
        for f in self.history.finish(ctx, self.book):
            out.append(Problem(f.rule or self.history.rule, zh_first(f.rule or self.history.rule, f.message), f.file, f.entry_id,
                               f.article, f.severity))
        return out
