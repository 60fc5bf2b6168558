"""DrawRule: every draw in the ledger is recomputed from public data and compared.

Per ``draw.commit``: the derived fields (population count and root, stratum sizes, cap
exclusions, declared conflicts, pool feasibility) are recomputed from the snapshots; the beacon
round must lie in the future. Per ``draw.lock`` / ``draw.reveal``: the beacon is verified
against the pinned chain, the commitment must have been covered by a checkpoint before the
round was due, the secrets must open the commitments, and the draw is recomputed and compared.
Per ``team.replace``: the replacement must fit the current team (001 第十三条).

State is one small record per commitment (the summary the portal shows, plus the commitment
body and, once locked, its secrets); selected lists and teams are never kept: a replacement
recomputes the draw (a one-task cache makes consecutive replacements cheap). The yearly cap
table (``cap``) holds one counter per target drawn in the current or previous year.
"""

from __future__ import annotations

import os

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ...beacon import Beacon, BeaconError, check_beacon
from ...directory.records import DirectoryError, Inspector, Target
from ...directory.snapshot import iter_snapshot
from ...draw.cap import CapTable
from ...draw.commitment import beacon_finding, check_commit_body
from ...draw.errors import (ART_FAIR, ART_LOCK, ART_REPLACE, ART_UNANNOUNCED, DrawError,
                            Finding)
from ...draw.lock import DrawResult, compute_result, result_findings, result_hash, secret_findings
from ...draw.replace import apply_replacement, replacement_findings
from ...draw.timeutil import china_date, china_year, day_start, unix
from ..entry import Entry
from .base import Context, Problem

CACHE_BYTES = 32 * 1024 * 1024  # snapshots up to this size are parsed once per verification


def _blob_size(f: Any) -> int:
    try:
        return os.fstat(f.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return CACHE_BYTES + 1  # unknown: stream

ABANDON_AFTER = 7 * 86400  # s after the beacon round (or the embargo's end) before a warning


@dataclass
class CommitSummary:
    """What the portal shows about one commitment (no target lists)."""

    id: str
    task: str
    office: str
    time: str
    index: int
    file: str
    chain_hash: str
    round: int
    round_time: int | None
    embargo_until: str | None
    valid: bool = True
    supersedes: str | None = None
    superseded_by: str | None = None
    lock: str | None = None
    lock_time: str | None = None
    lock_valid: bool = False
    reveal: str | None = None
    reveal_time: str | None = None
    selected: int | None = None  # number of targets, once public
    replacements: int = 0

    @property
    def status(self) -> str:
        """committed | abandoned (superseded) | locked | embargoed | revealed | invalid."""
        if not self.valid:
            return "invalid"
        if self.superseded_by:
            return "abandoned (superseded)"
        if self.reveal:
            return "revealed"
        if self.lock:
            return "embargoed" if self.embargo_until else "locked"
        return "committed"


@dataclass
class DrawState:
    """All commitments of one task, oldest first; the last one is current."""

    task: str
    commits: list[CommitSummary] = field(default_factory=list)

    @property
    def current(self) -> CommitSummary:
        return self.commits[-1]

    @property
    def status(self) -> str:
        return self.current.status


@dataclass
class _Private:
    body: dict[str, Any]
    randomness: bytes | None = None
    secrets: list[bytes] | None = None
    result_hash: str | None = None
    replacements: list[tuple[str, str, str]] = field(default_factory=list)


class DrawRule:
    name = "draw"

    def __init__(self) -> None:
        self.tasks: dict[str, DrawState] = {}
        self.commits: dict[str, CommitSummary] = {}
        self.cap = CapTable()
        self._private: dict[str, _Private] = {}
        self._validated: set[str] = set()  # snapshot digests already value-checked
        self._teams_cache: tuple[str, dict[str, list[str]], Any] | None = None
        self._snapshot_cache: dict[type, tuple[str, list[Any]]] = {}

    # --- plumbing ----------------------------------------------------------------------------

    def _problem(self, f: Finding | str, article: str = "", severity: str = "error",
                 file: str = "", entry_id: str = "") -> Problem:
        if isinstance(f, Finding):
            return Problem(self.name, f.message, file, entry_id, f.article, f.severity)
        return Problem(self.name, f, file, entry_id, article, severity)

    @contextmanager
    def _records(self, ctx: Context, digest: str, kind: type) -> Iterator[Iterator[Any]]:
        """Stream a snapshot blob; value rules are applied the first time a digest is read.

        A county-sized snapshot (≤ CACHE_BYTES) is parsed once and kept while consecutive draws
        use it, since most draws of a year share one directory; larger ones always stream, so
        memory never grows with a province's directory."""
        if not ctx.blobs.has_blob(digest):
            raise DrawError(f"snapshot blob {digest[:16]}… is not in the ledger (ledger/blobs)")
        cached = self._snapshot_cache.get(kind)
        if cached is not None and cached[0] == digest:
            yield iter(cached[1])
            return
        validate = digest not in self._validated
        with ctx.blobs.open_blob(digest) as f:
            records = iter_snapshot(f, kind, validate=validate, name=f"blobs/{digest[:16]}…")
            small = _blob_size(f) <= CACHE_BYTES
            if small:
                records = list(records)
                self._snapshot_cache[kind] = (digest, records)
                records = iter(records)
            yield records
        self._validated.add(digest)

    def _inspectors(self, ctx: Context, body: dict[str, Any]) -> list[Any]:
        with self._records(ctx, body["teams"]["inspectors"], Inspector) as it:
            return list(it)

    def _recompute(self, ctx: Context, commit_id: str, body: dict[str, Any], randomness: bytes,
                   secrets: list[bytes]) -> DrawResult:
        inspectors = self._inspectors(ctx, body)
        with self._records(ctx, body["population"]["snapshot"], Target) as targets:
            return compute_result(commit_id, body, randomness, secrets, targets, inspectors)

    # --- the Rule protocol ---------------------------------------------------------------------

    def check(self, entry: Entry, ctx: Context) -> Iterable[Problem]:
        handler = {"draw.commit": self._on_commit, "draw.lock": self._on_lock,
                   "draw.reveal": self._on_reveal, "team.replace": self._on_replace}.get(entry.type)
        if handler is None:
            return []
        try:
            return [self._problem(f) for f in handler(entry, ctx)]
        except (DrawError, DirectoryError) as exc:
            msg = exc.message if isinstance(exc, DrawError) else f"snapshot refused: {exc}"
            return [self._problem(msg, getattr(exc, "article", ""))]

    def finish(self, ctx: Context) -> Iterable[Problem]:
        now = ctx.now if ctx.now is not None else ctx.last_time
        out = []
        for state in self.tasks.values():
            c = state.current
            if not c.valid or c.superseded_by:
                continue
            if c.lock is None and c.round_time is not None and now > c.round_time + ABANDON_AFTER:
                out.append(self._problem(
                    f"abandoned commitment: task {c.task}'s beacon round {c.round} was due more than "
                    f"7 days ago and the draw was never locked", ART_FAIR, "warning", c.file, c.id))
            if (c.lock and c.lock_valid and c.embargo_until and c.reveal is None
                    and now > day_start(c.embargo_until) + ABANDON_AFTER):
                out.append(self._problem(
                    f"unrevealed draw: task {c.task}'s embargo ended on {c.embargo_until} and the "
                    "draw has not been revealed", ART_UNANNOUNCED, "warning", c.file, c.id))
        return out

    # --- draw.commit ---------------------------------------------------------------------------

    def _on_commit(self, entry: Entry, ctx: Context) -> list[Finding]:
        body = entry.body
        task = body["task"]
        chains = getattr(ctx.trust, "beacon_chains", {}) or {}
        chain = chains.get(body["beacon"]["chain_hash"])
        summary = CommitSummary(
            id=entry.id, task=task, office=entry.office, time=entry.time, index=ctx.index,
            file=ctx.file, chain_hash=body["beacon"]["chain_hash"], round=body["beacon"]["round"],
            round_time=chain.round_time(body["beacon"]["round"]) if chain else None,
            embargo_until=body.get("embargo_until"), supersedes=body.get("supersedes"))
        out = self._supersede_findings(summary)
        f = beacon_finding(body, entry.time, chains)
        if f:
            out.append(f)
        acc = ctx.accepted_at(ctx.index)
        if summary.round_time is not None and acc is not None and acc >= summary.round_time:
            out.append(Finding(f"the first checkpoint covering this commitment was signed at {acc}, "
                               f"not before beacon round {summary.round} (due {summary.round_time})",
                               ART_FAIR))
        try:
            inspectors = self._inspectors(ctx, body)
            with self._records(ctx, body["population"]["snapshot"], Target) as targets:
                out.extend(check_commit_body(body, entry.office, entry.time, targets, inspectors,
                                             cap=self.cap))
        except (DrawError, DirectoryError) as exc:
            out.append(Finding(exc.message if isinstance(exc, DrawError) else f"snapshot refused: {exc}",
                               getattr(exc, "article", "")))
        summary.valid = not any(f.severity == "error" for f in out)
        self.commits[entry.id] = summary
        self._private[entry.id] = _Private(body)
        self.tasks.setdefault(task, DrawState(task)).commits.append(summary)
        return out

    def _supersede_findings(self, new: CommitSummary) -> list[Finding]:
        state = self.tasks.get(new.task)
        if state is None:
            if new.supersedes:
                return [Finding(f"supersedes {new.supersedes[:16]}…, which is not a commitment of "
                                f"task {new.task}", ART_LOCK)]
            return []
        old = state.current
        out = []
        if old.office != new.office:
            out.append(Finding(f"task {new.task} was committed by office {old.office}, not {new.office}",
                               ART_LOCK))
        if new.supersedes != old.id:
            out.append(Finding(f"task {new.task} already has commitment {old.id[:16]}…; a new one must "
                               "name it in supersedes, with a reason", ART_LOCK))
        elif old.lock is not None:
            out.append(Finding(f"task {new.task}'s draw was locked by {old.lock[:16]}…; a locked draw "
                               "cannot be drawn again", ART_LOCK))
        else:
            old.superseded_by = new.id
        return out

    # --- draw.lock / draw.reveal ---------------------------------------------------------------

    def _commit_for(self, entry: Entry) -> tuple[CommitSummary | None, list[Finding]]:
        body = entry.body
        c = self.commits.get(body["commit"])
        what = entry.type
        if c is None:
            return None, [Finding(f"{what} references {body['commit'][:16]}…, which is not an earlier "
                                  "draw.commit", ART_LOCK)]
        out = []
        if c.task != body["task"]:
            out.append(Finding(f"commitment {c.id[:16]}… belongs to task {c.task}, not {body['task']}; "
                               "a commitment cannot be reused for another task", ART_LOCK))
        if c.office != entry.office:
            out.append(Finding(f"{what} by {entry.office}, but the commitment is office {c.office}'s",
                               ART_LOCK))
        if c.superseded_by:
            out.append(Finding(f"commitment {c.id[:16]}… was superseded (abandoned); it cannot be locked "
                               "or revealed", ART_LOCK))
        if not c.valid:
            out.append(Finding(f"commitment {c.id[:16]}… failed verification; its draw cannot be "
                               "accepted", ART_LOCK))
        return c, out

    def _on_lock(self, entry: Entry, ctx: Context) -> list[Finding]:
        body = entry.body
        c, out = self._commit_for(entry)
        if c is None:
            return out
        if c.lock is not None:
            return out + [Finding(f"a second lock for commitment {c.id[:16]}… (first lock "
                                  f"{c.lock[:16]}…); a locked draw never changes", ART_LOCK)]
        c.lock, c.lock_time = entry.id, entry.time
        out.extend(self._beacon_findings(entry, c, ctx))
        embargoed = "result_hash" in body
        if bool(c.embargo_until) != embargoed:
            out.append(Finding("the commitment sets an embargo, so the lock must carry only result_hash"
                               if c.embargo_until else
                               "the commitment sets no embargo, so the lock must publish the result",
                               ART_UNANNOUNCED))
        if any(f.severity == "error" for f in out):
            return out
        priv = self._private[c.id]
        priv.randomness = Beacon(round=body["beacon"]["round"],
                                 signature=bytes.fromhex(body["beacon"]["signature"])).randomness
        if embargoed:
            priv.result_hash = body["result_hash"]
            c.lock_valid = True
            return out
        return out + self._check_result(entry, c, ctx, china_year(entry.time))

    def _beacon_findings(self, entry: Entry, c: CommitSummary, ctx: Context) -> list[Finding]:
        b = entry.body["beacon"]
        chain = (getattr(ctx.trust, "beacon_chains", {}) or {}).get(c.chain_hash)
        if chain is None:
            return [Finding(f"beacon chain {c.chain_hash[:16]}… is not pinned in trust.json", ART_FAIR)]
        if b["round"] != c.round:
            return [Finding(f"beacon round {b['round']} is not the committed round {c.round}", ART_LOCK)]
        out = []
        try:
            check_beacon(chain, Beacon(round=b["round"], signature=bytes.fromhex(b["signature"])))
        except BeaconError as exc:
            out.append(Finding(f"beacon does not verify: {exc}", ART_FAIR))
        rt = chain.round_time(c.round)
        if unix(entry.time) < rt:
            out.append(Finding(f"locked at {entry.time}, before beacon round {c.round} was due ({rt})",
                               ART_FAIR))
        acc = ctx.accepted_at(c.index)
        if acc is None or acc >= rt:
            when = "no checkpoint covers it" if acc is None else f"the first checkpoint covering it was signed at {acc}"
            out.append(Finding(f"nothing proves the commitment was public before beacon round {c.round} "
                               f"(due {rt}): {when}", ART_FAIR))
        return out

    def _check_result(self, entry: Entry, c: CommitSummary, ctx: Context, year: int) -> list[Finding]:
        """Secrets, recomputation and comparison for a full lock or a reveal."""
        body = entry.body
        priv = self._private[c.id]
        out = secret_findings(priv.body, body["secrets"])
        if out:
            return out
        secrets = [bytes.fromhex(s) for s in body["secrets"]]
        assert priv.randomness is not None
        result = self._recompute(ctx, c.id, priv.body, priv.randomness, secrets)
        if priv.result_hash is not None and result_hash(result.to_json()) != priv.result_hash:
            out.append(Finding("the recomputed result does not match the result_hash fixed at lock; "
                               "the draw was changed after it was locked", ART_LOCK))
        out.extend(result_findings(result, body))
        if not out:
            priv.secrets = secrets
            c.lock_valid = True
            c.selected = len(result.selected)
            self.cap.add_draw(year, (row["id"] for row in result.selected))
            self._teams_cache = (c.id, {t["target"]: list(t["members"]) for t in result.teams},
                                 result.plan)
        return out

    def _on_reveal(self, entry: Entry, ctx: Context) -> list[Finding]:
        c, out = self._commit_for(entry)
        if c is None:
            return out
        if not c.embargo_until or c.lock is None or not c.lock_valid:
            return out + [Finding("only an embargoed draw with a valid lock is revealed", ART_LOCK)]
        if c.reveal is not None:
            return out + [Finding(f"the draw was already revealed by {c.reveal[:16]}…", ART_LOCK)]
        c.reveal, c.reveal_time = entry.id, entry.time
        if china_date(entry.time).isoformat() < c.embargo_until:
            out.append(Finding(f"revealed on {china_date(entry.time)}, before the embargo ends "
                               f"({c.embargo_until})", ART_UNANNOUNCED))
        if any(f.severity == "error" for f in out):
            return out
        assert c.lock_time is not None
        return out + self._check_result(entry, c, ctx, china_year(c.lock_time))

    # --- team.replace --------------------------------------------------------------------------

    def _on_replace(self, entry: Entry, ctx: Context) -> list[Finding]:
        body = entry.body
        c = self.commits.get(body["commit"])
        if c is None or c.task != body["task"]:
            return [Finding(f"team.replace references {body['commit'][:16]}…, which is not a "
                            f"commitment of task {body['task']}", ART_REPLACE)]
        priv = self._private[c.id]
        if not c.lock_valid or priv.secrets is None:
            return [Finding("an inspector can only be replaced in a locked and published draw "
                            "(after the reveal, for an embargoed one)", ART_REPLACE)]
        teams, plan = self._current_teams(ctx, c)
        out = replacement_findings(body, teams.get(body["target"]), plan)
        rec_out = plan.records.get(body["out"])
        if entry.office not in (c.office, getattr(rec_out, "office", c.office)):
            out.append(Finding(f"office {entry.office} is neither the lead office nor the replaced "
                               "inspector's office", ART_REPLACE))
        assert c.lock_time is not None
        if not china_date(c.lock_time).isoformat() <= body["date"] <= china_date(entry.time).isoformat():
            out.append(Finding(f"approval date {body['date']} is not between the lock "
                               f"({china_date(c.lock_time)}) and this entry", ART_REPLACE))
        if not out:
            teams[body["target"]] = apply_replacement(teams[body["target"]], body["out"], body["in"])
            priv.replacements.append((body["target"], body["out"], body["in"]))
            c.replacements += 1
        return out

    def _current_teams(self, ctx: Context, c: CommitSummary) -> tuple[dict[str, list[str]], Any]:
        """The teams now in force: cached for the last task touched, else recomputed."""
        if self._teams_cache is None or self._teams_cache[0] != c.id:
            priv = self._private[c.id]
            assert priv.randomness is not None and priv.secrets is not None
            result = self._recompute(ctx, c.id, priv.body, priv.randomness, priv.secrets)
            teams = {t["target"]: list(t["members"]) for t in result.teams}
            for target, out, new in priv.replacements:
                teams[target] = apply_replacement(teams[target], out, new)
            self._teams_cache = (c.id, teams, result.plan)
        return self._teams_cache[1], self._teams_cache[2]
