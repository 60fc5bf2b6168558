"""Replacing a drawn inspector (001 第十三条, R50): no lottery, but a reason and an approver.

Allowed reasons are the four the article names; the substitute may be any qualified inspector
(active, same office as the one replaced, no declared conflict with the target, not already in
the team). The replacement is an entry of its own, so the locked team stays visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import ART_CONFLICT, ART_REPLACE, Finding
from .teams import MIN_TEAM, TeamPlan

REPLACE_REASONS = ("post_change", "work_conflict", "health", "recusal")


def replacement_findings(body: Mapping[str, Any], team: Sequence[str] | None,
                         plan: TeamPlan) -> list[Finding]:
    """Why a ``team.replace`` body cannot apply to ``team`` (the target's current members)."""
    target, out, new = body["target"], body["out"], body["in"]
    if team is None:
        return [Finding(f"target {target} was not selected in this draw", ART_REPLACE)]
    problems = []
    if body["reason"] not in REPLACE_REASONS:
        problems.append(Finding(f"reason {body['reason']!r} is not one of {', '.join(REPLACE_REASONS)}",
                                ART_REPLACE))
    if out not in team:
        problems.append(Finding(f"{out} is not in the current team of {target} ({', '.join(team)})",
                                ART_REPLACE))
    rec_out, rec_in = plan.records.get(out), plan.records.get(new)
    if rec_in is None:
        problems.append(Finding(f"substitute {new} is not an inspector of a participating office in "
                                "the committed inspector snapshot", ART_REPLACE))
        return problems
    if not rec_in.active:
        problems.append(Finding(f"substitute {new} is not active", ART_REPLACE))
    if rec_out is not None and rec_in.office != rec_out.office:
        problems.append(Finding(f"substitute {new} is from office {rec_in.office}, the replaced "
                                f"inspector from {rec_out.office}; the same office must supply both",
                                ART_REPLACE))
    if target in rec_in.conflicts:
        problems.append(Finding(f"substitute {new} declared a conflict of interest with {target}",
                                ART_CONFLICT))
    if new in team:
        problems.append(Finding(f"substitute {new} is already in the team of {target}", ART_REPLACE))
    return problems


def apply_replacement(team: Sequence[str], out: str, new: str) -> list[str]:
    """The team with ``new`` in ``out``'s place (a replaced leader's substitute leads)."""
    members = [new if i == out else i for i in team]
    assert len(members) >= MIN_TEAM
    return members
