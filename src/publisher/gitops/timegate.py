"""Time rules judged at the gate, never later (docs/spec/80-git.md §8.3).

An entry's claimed time, and a draw's beacon round, can only be judged against a clock that is
trusted *now*: the machine checking the push. Judged later, against a checkpoint that happened
to be signed after them, they would turn into errors nobody can repair (the ledger is
append-only). So ``add``, ``draw commit``, ``submit`` and ``check-push`` refuse them up front:

- ``future``       time more than :data:`FUTURE_SKEW` s ahead of this machine's clock;
- ``backdated``    time more than ``BACKDATE_TOLERANCE`` s before the latest checkpoint (a
                   checkpoint time ahead of this clock counts as this clock: a checkpoint signed
                   with a fast clock must not lock honest clerks out — docs/OPERATIONS.md);
- ``round-margin`` a draw.commit whose beacon round is due less than :data:`MIN_ROUND_MARGIN` s
                   after this check: CI could not checkpoint it before the round.

The rules are pure (entries, a clock, the pinned chains); :func:`latest_checkpoint_time` is the
one read of the ledger directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..core.entry import Entry
from ..core.verifier import BACKDATE_TOLERANCE

FUTURE_SKEW = 300  # s a clerk's clock may run ahead of the checking machine's
MIN_ROUND_MARGIN = 300  # s between the gate's check and the committed beacon round


@dataclass(frozen=True)
class TimeRefusal:
    entry: Entry
    rule: str
    message: str


def _utc(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unix(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def time_refusals(entries: Iterable[Entry], now: int, chains: Mapping[str, object] | None = None,
                  last_checkpoint: int | None = None) -> list[TimeRefusal]:
    """Why each new entry may not be accepted at ``now`` (unix seconds of the checking machine)."""
    out: list[TimeRefusal] = []
    floor = None if last_checkpoint is None else min(last_checkpoint, now) - BACKDATE_TOLERANCE
    for e in entries:
        t = _unix(e.time)
        if t > now + FUTURE_SKEW:
            out.append(TimeRefusal(e, "future", (
                f"time {e.time} is {t - now} s ahead of this machine's clock ({_utc(now)}); at most "
                f"{FUTURE_SKEW} s is allowed. The clock of the computer that made the entry is wrong "
                "(entries are in UTC; Beijing time is UTC+8): fix it and make the entry again")))
        elif floor is not None and t < floor:
            out.append(TimeRefusal(e, "backdated", (
                f"time {e.time} is more than {BACKDATE_TOLERANCE} s before the latest checkpoint "
                f"({_utc(min(last_checkpoint, now))}): back-dated, or the clock is slow")))
        if e.type == "draw.commit":
            out += _round_margin(e, now, chains or {})
    return out


def _round_margin(e: Entry, now: int, chains: Mapping[str, object]) -> list[TimeRefusal]:
    beacon = e.body.get("beacon") if isinstance(e.body, dict) else None
    if not isinstance(beacon, dict):
        return []
    chain = chains.get(beacon.get("chain_hash"))
    rnd = beacon.get("round")
    if chain is None or not isinstance(rnd, int) or isinstance(rnd, bool):
        return []  # the verifier names an unpinned chain or a bad round
    due = chain.round_time(rnd)
    if due < now + MIN_ROUND_MARGIN:
        return [TimeRefusal(e, "round-margin", (
            f"beacon round {rnd} is due at {_utc(due)}, less than {MIN_ROUND_MARGIN} s after this check "
            f"({_utc(now)}): CI cannot checkpoint the commitment before the round, so the draw would "
            "be invalid. Commit again with a later round (publisher draw commit --delay 900 or more)"))]
    return []


def latest_checkpoint_time(ledger_root: Path | str, log_vkey: str) -> int | None:
    """Signing time of the largest valid checkpoint in a ledger directory (None: none yet)."""
    from ..core.checkpoint import open_checkpoint
    from ..core.note import NoteError, Verifier
    from ..storage.ledger_dir import LedgerDir

    try:
        verifier = Verifier.from_vkey(log_vkey)
    except (NoteError, ValueError):
        return None
    # names are <size:010d>.note, so the largest comes last: stop at the first one that verifies
    for p in reversed(LedgerDir(ledger_root).checkpoint_files()):
        try:
            return open_checkpoint(p.read_text("utf-8"), verifier).time
        except (OSError, UnicodeDecodeError, NoteError, ValueError):
            continue
    return None


def gate_or_raise(ledger, entries: list[Entry], error, now: int | None = None) -> None:
    """For commands that append (add, draw commit/lock/reveal): raise ``error(message)`` before
    anything is written if the gate would refuse these entries."""
    import time as _time

    if not entries:
        return
    trust = ledger.trust()
    bad = time_refusals(entries, int(_time.time()) if now is None else now, trust.beacon_chains,
                        latest_checkpoint_time(ledger.root, trust.log_vkey))
    if bad:
        raise error("\n".join(lines(bad)))


def lines(refusals: Iterable[TimeRefusal]) -> list[str]:
    """One readable line per refusal: ``<office>/<seq>: <rule>: <message>``."""
    return [f"{r.entry.office}/{r.entry.seq}: {r.rule}: {r.message}" for r in refusals]
