"""Replacing a drawn inspector (001 第十三条, R50): a reason, an approver, and a DRAWN substitute.

The article lets the office pick any qualified inspector ("无须摇号抽取"); v2 is stricter, so that
an insider cannot steer who inspects: the substitute is the *next eligible inspector in ticket
order of the same seed* — among the active inspectors of the replaced one's office who are
allowed for the target by the team mode, declared no conflict with it, are not in the team, were
not replaced out of this team before, and (with a load cap) are below it — the one with the
smallest ``score(target, inspector id)`` (§6.7.3). Replacements per draw are bounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.canonical import tagged_hash
from .errors import ART_CONFLICT, ART_REPLACE, Finding
from .teams import MIN_TEAM, TEAM_TAG, TeamPlan

REPLACE_REASONS = ("post_change", "work_conflict", "health", "recusal")


def max_replacements(teams: int) -> int:
    """At most max(2, ⌈teams / 5⌉) replacements per draw."""
    return max(2, -(-teams // 5))


def substitute(seed: bytes, target: str, region: str, out: str, teams: Mapping[str, Sequence[str]],
               plan: TeamPlan, gone: Sequence[str] = ()) -> str | None:
    """The drawn substitute for ``out`` in ``target``'s team, or None if nobody is eligible.

    ``teams`` are the current teams of the draw (for loads); ``gone`` the inspectors already
    replaced out of this target's team."""
    rec_out = plan.records.get(out)
    if rec_out is None:
        return None
    team = set(teams.get(target, ()))
    loads: dict[str, int] = {}
    for members in teams.values():
        for m in members:
            loads[m] = loads.get(m, 0) + 1
    best: tuple[bytes, str] | None = None
    for r in plan.records.values():
        if (r.office != rec_out.office or not r.active or r.id in team or r.id in gone
                or r.id == out or target in r.conflicts):
            continue
        if plan.mode == "small" and not region.startswith(r.unit_region):
            continue
        if plan.mode == "cross" and region.startswith(r.unit_region):
            continue
        if plan.load_cap is not None and loads.get(r.id, 0) >= plan.load_cap:
            continue
        score = tagged_hash(TEAM_TAG, seed, target.encode("utf-8"), b"\x00", r.id.encode("utf-8"))
        if best is None or (score, r.id) < best:
            best = (score, r.id)
    return best[1] if best else None


def replacement_findings(body: Mapping[str, Any], team: Sequence[str] | None,
                         plan: TeamPlan, drawn: str | None = None) -> list[Finding]:
    """Why a ``team.replace`` body cannot apply to ``team`` (the target's current members).

    ``drawn`` is the substitute the seed gives (``substitute``); ``in`` must be exactly it."""
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
        return problems
    rec_in = plan.records.get(new)
    if rec_in is not None and target in rec_in.conflicts:
        problems.append(Finding(f"substitute {new} declared a conflict of interest with {target}",
                                ART_CONFLICT))
    if new in team:
        problems.append(Finding(f"substitute {new} is already in the team of {target}", ART_REPLACE))
    if drawn is None:
        problems.append(Finding(f"no eligible substitute for {out} in the team of {target} (same office, "
                                "active, allowed by the mode, no conflict, under the load cap)", ART_REPLACE))
    elif new != drawn:
        problems.append(Finding(f"substitute {new} was chosen, but the draw's seed gives {drawn} (the next "
                                "eligible inspector in ticket order); a substitute is drawn, never chosen",
                                ART_REPLACE))
    return problems


def apply_replacement(team: Sequence[str], out: str, new: str) -> list[str]:
    """The team with ``new`` in ``out``'s place (a replaced leader's substitute leads)."""
    members = [new if i == out else i for i in team]
    assert len(members) >= MIN_TEAM
    return members
