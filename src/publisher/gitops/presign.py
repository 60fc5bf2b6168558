"""Verify the ledger *with* the checkpoint about to be signed, before signing it.

A checkpoint cannot be taken back. Signed by a machine whose clock is slow, it makes every entry
it covers look future-dated; signed before a draw's beacon round passed unnoticed, it decides
that draw's fate. So ``publisher checkpoint`` verifies the ledger twice — as it is, and with the
candidate note added — and refuses if the candidate brings any problem the ledger did not have.

The candidate is judged before witnesses cosign it, so its own missing quorum is not a new
problem; everything else it would change is.

One exception, asked for explicitly: ``after_fast_clock`` admits the single warning that the new
checkpoint is signed earlier than the previous one. That is the recovery from a checkpoint signed
with a fast clock (docs/OPERATIONS.md, "A checkpoint signed with a wrong clock").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from ..core.rules.base import Problem

CANDIDATE = "(the checkpoint about to be signed)"


def _key(p: Problem) -> tuple:
    return (p.rule, p.file, p.entry_id, p.severity, p.message)


def new_problems(before: Iterable[Problem], after: Iterable[Problem],
                 after_fast_clock: bool = False) -> list[Problem]:
    """Problems in ``after`` that ``before`` did not have (pure; the refusal reasons)."""
    seen = {_key(p) for p in before}
    out = []
    for p in after:
        if _key(p) in seen:
            continue
        if after_fast_clock and p.rule == "checkpoint" and p.severity == "warning" and p.file == CANDIDATE:
            continue
        if p.rule == "witness" and p.file == CANDIDATE:
            continue  # the candidate is cosigned after this check (spec §3.8): no quorum yet is expected
        out.append(p)
    return out


def check_candidate(ledger, trust, report_before, note: str, after_fast_clock: bool = False,
                    rules=None) -> list[Problem]:
    """Re-verify ``ledger`` with ``note`` as an extra checkpoint; the problems it would add."""
    from ..core.verifier import verify
    from ..ruleset import default_rules

    after = verify(ledger, trust, rules if rules is not None else default_rules(),
                   extra_checkpoints=[(CANDIDATE, note)])
    return new_problems(report_before.problems, after.problems, after_fast_clock)


def refusal_text(problems: list[Problem], t: int) -> str:
    """Why the checkpoint was not signed, with what to do (slow clock / fast clock / draw)."""
    from datetime import datetime

    when = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = (f"refusing to sign a checkpoint at {when}: it would add {len(problems)} problem(s) the "
            "ledger does not have now; nothing was written")
    hints = []
    if any(p.rule == "time" for p in problems):
        hints.append("entries would look future-dated: this machine's clock is probably slow — fix it "
                     "(NTP) and run `publisher checkpoint` again")
    if any(p.rule == "checkpoint" and p.file == CANDIDATE for p in problems):
        hints.append("the latest checkpoint is signed later than this clock says now: either this clock is "
                     "slow, or that checkpoint was signed with a fast clock — if so, see docs/OPERATIONS.md "
                     "\"A checkpoint signed with a wrong clock\" (publisher checkpoint --after-fast-clock)")
    lines = [head] + ["  " + p.line() for p in problems[:20]]
    if len(problems) > 20:
        lines.append(f"  … and {len(problems) - 20} more")
    return "\n".join(lines + ["hint: " + h for h in hints])
