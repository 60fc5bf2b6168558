"""Inspector matching: a second deterministic draw from the same seed (R44–R49, R52).

Each participating office draws its own inspectors (R52); the lead office's first pick leads
the team (001 第十四条); a team has at least two people (004 第十四条); an inspector never
gets a target they declared an interest in (000 第九条, 004 第十二条). Greedy, load-balanced:
per pick, the eligible unit with the lowest load so far, ties by a per-(target, unit) score.

Modes (R45; the seeds name them without defining them, T6 — our definitions):
  big    大随机  any active inspector of the office
  small  小随机  only inspectors whose unit covers the target: target.region starts with unit_region
  cross  交叉随机 only inspectors whose unit does NOT cover the target (the complement of small)
  group  编组随机 whole pre-formed groups: one group per office per target, leader = the lead
                 group's member with the smallest score
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ART_CONFLICT, ART_LEADER, ART_MATCH, ART_POOL, ART_TEAM_SIZE, DrawError, Finding

TEAM_TAG = "ssgk/team/v1"
MODES = ("big", "small", "group", "cross")
MIN_TEAM = 2


@dataclass(frozen=True)
class Role:
    """One participating office and how many inspectors (or, in group mode, the minimum group
    size) it supplies per target. Role 0 is the lead office."""

    office: str
    members: int


@dataclass(frozen=True)
class Unit:
    """What one pick takes: an inspector, or a whole group in group mode."""

    key: str  # inspector id, or group name
    inspectors: tuple[str, ...]  # member ids, ascending
    unit_region: str  # the inspector's unit region ("" for a group: no mode restriction)
    conflicts: frozenset[str]  # target ids any member declared an interest in


class TeamPlan:
    """The inspector side of a commitment: one pool of units per role, mode and load cap."""

    def __init__(self, inspectors: Iterable[Any], roles: Sequence[Role], mode: str,
                 load_cap: int | None = None):
        if mode not in MODES:
            raise DrawError(f"team mode {mode!r} must be one of {', '.join(MODES)}", ART_MATCH)
        offices = [r.office for r in roles]
        if not roles or len(set(offices)) != len(offices):
            raise DrawError("participating offices must be listed once each, lead first", ART_MATCH)
        if any(r.members < 1 for r in roles):
            raise DrawError("every participating office supplies at least one inspector (R52)", ART_MATCH)
        if sum(r.members for r in roles) < MIN_TEAM:
            raise DrawError(f"a team would have {sum(r.members for r in roles)} inspector(s); "
                            f"at least {MIN_TEAM} are required", ART_TEAM_SIZE)
        if load_cap is not None and load_cap < 1:
            raise DrawError("load_cap must be at least 1", ART_MATCH)
        self.roles = list(roles)
        self.mode = mode
        self.load_cap = load_cap
        wanted = set(offices)
        #: every inspector of a participating office, active or not (for replacements)
        self.records: dict[str, Any] = {}
        for r in inspectors:
            if r.office in wanted:
                if r.id in self.records:
                    raise DrawError(f"inspector id {r.id!r} appears twice in the inspector snapshot")
                self.records[r.id] = r
        self.pools = [self._pool(role) for role in self.roles]

    def _pool(self, role: Role) -> list[Unit]:
        active = sorted((r for r in self.records.values() if r.office == role.office and r.active),
                        key=lambda r: r.id)
        if self.mode != "group":
            return [Unit(r.id, (r.id,), r.unit_region, frozenset(r.conflicts)) for r in active]
        groups: dict[str, list[Any]] = {}
        for r in active:
            if r.group is not None:
                groups.setdefault(r.group, []).append(r)
        return [Unit(g, tuple(r.id for r in rs), "", frozenset().union(*(r.conflicts for r in rs)))
                for g, rs in sorted(groups.items()) if len(rs) >= role.members]

    def picks(self, role_index: int) -> int:
        """Units taken per target for a role: one group, or ``members`` inspectors."""
        return 1 if self.mode == "group" else self.roles[role_index].members

    def allowed(self, unit: Unit, region: str) -> bool:
        """The mode's geographic rule (always true for big and group)."""
        if self.mode == "small":
            return region.startswith(unit.unit_region)
        if self.mode == "cross":
            return not region.startswith(unit.unit_region)
        return True

    def conflict_pairs(self) -> dict[str, list[str]]:
        """target id -> ids of active inspectors of participating offices who declared it."""
        out: dict[str, list[str]] = {}
        for r in sorted(self.records.values(), key=lambda r: r.id):
            if r.active:
                for tid in r.conflicts:
                    out.setdefault(tid, []).append(r.id)
        return out


class TeamScan:
    """Watches the eligible targets stream past at commit time (O(regions + conflicts) memory).

    Collects the declared conflicts relevant to this population and, per role, c = the largest
    number of pool units excluded for any one target (by conflict or by mode).
    """

    def __init__(self, plan: TeamPlan):
        self.plan = plan
        self.worst = [0] * len(plan.roles)
        self.conflicts: list[tuple[str, str]] = []  # (inspector, target)
        self._by_target = plan.conflict_pairs()
        self._regions: set[str] = set()

    def see(self, target_id: str, region: str) -> None:
        if region not in self._regions:
            self._regions.add(region)
            for ri, pool in enumerate(self.plan.pools):
                n = sum(1 for u in pool if not self.plan.allowed(u, region))
                self.worst[ri] = max(self.worst[ri], n)
        declared = self._by_target.get(target_id)
        if declared:
            self.conflicts.extend((i, target_id) for i in declared)
            for ri, pool in enumerate(self.plan.pools):
                n = sum(1 for u in pool if target_id in u.conflicts or not self.plan.allowed(u, region))
                self.worst[ri] = max(self.worst[ri], n)

    def declared(self) -> list[dict[str, str]]:
        return [{"inspector": i, "target": t} for i, t in sorted(self.conflicts)]

    def feasibility(self, k_total: int) -> list[Finding]:
        """Refuse pools in which the greedy matching could get stuck (docs/spec/60-draw.md §6.7.4).

        With P units, m picks per target, c = worst exclusions and S = k_total·m picks in all:
        require P − c ≥ m and, with a load cap L, L·(P − c − (m − 1)) ≥ S.
        """
        if k_total == 0:
            return []
        out = []
        cap = self.plan.load_cap
        for ri, role in enumerate(self.plan.roles):
            p, m, c = len(self.plan.pools[ri]), self.plan.picks(ri), self.worst[ri]
            what = "groups" if self.plan.mode == "group" else "inspectors"
            if p - c < m:
                out.append(Finding(
                    f"pool too small: office {role.office} has {p} eligible {what} for mode "
                    f"{self.plan.mode!r}, up to {c} of them are excluded for one target (conflict of "
                    f"interest or mode), but {m} are needed per target", ART_POOL))
            elif cap is not None and cap * (p - c - (m - 1)) < k_total * m:
                out.append(Finding(
                    f"pool too small: office {role.office} must fill {k_total * m} places with "
                    f"{p} {what} (up to {c} excluded per target) at load_cap {cap}; needs "
                    f"load_cap × (P − c − (m − 1)) = {cap * (p - c - (m - 1))} ≥ {k_total * m}",
                    ART_POOL))
        return out


class _RoleState:
    """Loads of one role's units, bucketed by load so a pick only scores the lowest bucket."""

    def __init__(self, plan: TeamPlan, ri: int):
        pool = plan.pools[ri]
        self.keys = [u.key.encode("utf-8") for u in pool]
        self.load = [0] * len(pool)
        self.buckets: dict[int, set[int]] = {0: set(range(len(pool)))} if pool else {}
        self.conflicts: dict[str, set[int]] = {}
        for j, u in enumerate(pool):
            for tid in u.conflicts:
                self.conflicts.setdefault(tid, set()).add(j)
        self.mode_excluded: dict[str, frozenset[int]] = {}

    def excluded(self, plan: TeamPlan, ri: int, tid: str, region: str) -> set[int] | frozenset[int]:
        out: set[int] | frozenset[int] = self.conflicts.get(tid, frozenset())
        if plan.mode in ("small", "cross"):
            m = self.mode_excluded.get(region)
            if m is None:
                m = self.mode_excluded[region] = frozenset(
                    j for j, u in enumerate(plan.pools[ri]) if not plan.allowed(u, region))
            out = out | m if out else m
        return out

    def bump(self, j: int, cap: int | None) -> None:
        """One more target for unit j; a unit reaching the load cap leaves the buckets."""
        old = self.load[j]
        self.buckets[old].discard(j)
        if not self.buckets[old]:
            del self.buckets[old]
        self.load[j] = old + 1
        if cap is None or old + 1 < cap:
            self.buckets.setdefault(old + 1, set()).add(j)


def assign_teams(seed: bytes, targets: Iterable[tuple[str, str]], plan: TeamPlan) -> list[dict[str, Any]]:
    """Teams for the selected targets, given as (id, region) in batch order.

    Returns ``{"target", "leader", "members"}`` per target; ``members`` in pick order, leader
    first. Per role the picks are the eligible units in ascending (load, score) order, which is
    what picking one at a time gives (a picked unit leaves the candidates, so the others' order
    is unchanged). Raises DrawError only if the pool was not feasible.
    """
    base = hashlib.sha256(TEAM_TAG.encode("ascii") + b"\x00" + seed)
    states = [_RoleState(plan, ri) for ri in range(len(plan.pools))]
    cap = plan.load_cap
    group = plan.mode == "group"
    out = []
    for tid, region in targets:
        prefix = base.copy()
        prefix.update(tid.encode("utf-8") + b"\x00")
        pcopy = prefix.copy
        members: list[str] = []
        for ri, st in enumerate(states):
            need = plan.picks(ri)
            excluded = st.excluded(plan, ri, tid, region)
            chosen: list[int] = []
            keys = st.keys
            for level in sorted(st.buckets):
                cands = st.buckets[level] - excluded if excluded else st.buckets[level]
                scored = []
                for j in cands:
                    h = pcopy()
                    h.update(keys[j])
                    scored.append((h.digest(), j))
                if need - len(chosen) == 1 and scored:
                    chosen.append(min(scored)[1])
                else:
                    scored.sort()
                    chosen.extend(j for _, j in scored[:need - len(chosen)])
                if len(chosen) == need:
                    break
            else:
                raise DrawError(f"pool too small: office {plan.roles[ri].office} has only "
                                f"{len(chosen)} eligible unit(s) left for target {tid}", ART_POOL)
            for j in chosen:
                st.bump(j, cap)
                if group:
                    ranked = []
                    for iid in plan.pools[ri][j].inspectors:
                        h = pcopy()
                        h.update(iid.encode("utf-8"))
                        ranked.append((h.digest(), iid))
                    members.extend(iid for _, iid in sorted(ranked))
                else:
                    members.append(plan.pools[ri][j].key)
        out.append({"target": tid, "leader": members[0], "members": members})
    return out


def team_findings(teams: Sequence[Mapping[str, Any]], plan: TeamPlan,
                  regions: Mapping[str, str]) -> list[Finding]:
    """Every team rule a list of teams breaks, independent of how it was drawn.

    ``regions`` maps each selected target to its region (for the mode rule).
    """
    out: list[Finding] = []
    lead = plan.roles[0].office
    office_of = {r.id: r.office for r in plan.records.values()}
    unit_of: dict[str, tuple[int, int]] = {}
    for ri, pool in enumerate(plan.pools):
        for j, u in enumerate(pool):
            for i in u.inspectors:
                unit_of[i] = (ri, j)
    loads: dict[tuple[int, int], int] = {}
    for team in teams:
        tid, members = team["target"], list(team["members"])
        where = f"team of target {tid}"
        if len(members) < MIN_TEAM:
            out.append(Finding(f"{where} has {len(members)} inspector(s), at least {MIN_TEAM} required",
                               ART_TEAM_SIZE))
        if len(set(members)) != len(members):
            out.append(Finding(f"{where} lists an inspector twice", ART_MATCH))
        if not members or team["leader"] != members[0] or office_of.get(members[0]) != lead:
            out.append(Finding(f"{where}: the leader {team['leader']} must be the first member and "
                               f"come from the lead office {lead}", ART_LEADER))
        used: dict[int, set[int]] = {}
        for i in members:
            if i not in unit_of:
                out.append(Finding(f"{where}: {i} is not an active inspector in the pool of a "
                                   f"participating office", ART_MATCH))
                continue
            ri, j = unit_of[i]
            unit = plan.pools[ri][j]
            used.setdefault(ri, set()).add(j)
            if tid in plan.records[i].conflicts:
                out.append(Finding(f"{where}: inspector {i} declared a conflict of interest with "
                                   f"this target", ART_CONFLICT))
            if tid in regions and not plan.allowed(unit, regions[tid]):
                out.append(Finding(f"{where}: inspector {i} (unit region {unit.unit_region}) is not "
                                   f"allowed for region {regions[tid]} in mode {plan.mode!r}", ART_MATCH))
        for ri, role in enumerate(plan.roles):
            units = used.get(ri, set())
            if group := plan.mode == "group":
                ok = len(units) == 1 and all(
                    sum(1 for i in members if unit_of.get(i) == (ri, j)) == len(plan.pools[ri][j].inspectors)
                    for j in units)
            else:
                ok = len(units) == role.members
            if not ok:
                want = "one whole group" if group else f"{role.members} inspector(s)"
                out.append(Finding(f"{where}: office {role.office} must supply {want}", ART_MATCH))
            for j in units:
                loads[(ri, j)] = loads.get((ri, j), 0) + 1
    if plan.load_cap is not None:
        for (ri, j), n in sorted(loads.items()):
            if n > plan.load_cap:
                out.append(Finding(f"{plan.pools[ri][j].key} is assigned {n} targets, above the "
                                   f"load cap {plan.load_cap}", ART_MATCH))
    return out
