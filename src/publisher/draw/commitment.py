"""Building and checking ``draw.commit`` bodies.

A commitment body is the office's *spec* (what it chose: filter, exclusions, strata, offices and
their secret commitments, team rules, beacon round, ...) plus fields *derived* from the spec and
the two snapshots (population count and root, per-stratum n and k, cap exclusions, relevant
declared conflicts). The builder computes the derived fields; the verifier recomputes them with
the very same function and compares, so the two can never drift apart.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .batches import DEFAULT_BATCH_SIZE
from .cap import CAP_BASIS, CAP_REASON, CapTable
from .errors import ART_CAP, ART_FAIR, ART_LOCK, ART_RATIO_CAP, ART_UNANNOUNCED, DrawError, Finding
from .filters import Filter
from .population import PopulationScan
from .strata import Classifier, parse_strata, ratio_cap_problem
from .teams import Role, TeamPlan, TeamScan
from .timeutil import china_year, unix

BEACON_MARGIN = 60  # s: the beacon round may not be due earlier than commit time + this


@dataclass
class Derived:
    """What the snapshots and the spec imply; compared field by field with a commitment."""

    count: int
    root: str
    ns: list[int]
    ks: list[int]
    cap_exclusions: list[str]
    conflicts: list[dict[str, str]]
    cap_draws: dict[str, list[str]] = field(default_factory=dict)  # capped id -> counting draws
    findings: list[Finding] = field(default_factory=list)


def roles_of(body: Mapping[str, Any]) -> list[Role]:
    return [Role(o["office"], o["members"]) for o in body["offices"]]


def team_plan(body: Mapping[str, Any], inspectors: Iterable[Any]) -> TeamPlan:
    t = body["teams"]
    return TeamPlan(inspectors, roles_of(body), t["mode"], t.get("load_cap"))


def exclusion_sets(body: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """(explicit ids, cap ids) of a commitment's exclusion list."""
    excl = body["population"].get("exclusions", [])
    return ({e["id"] for e in excl if e["reason"] != CAP_REASON},
            {e["id"] for e in excl if e["reason"] == CAP_REASON})


def derive(spec: Mapping[str, Any], targets: Iterable[Any], inspectors: Iterable[Any], *,
           cap: CapTable | None, time: str, apply_cap: bool) -> Derived:
    """One pass over the target snapshot (O(strata + exclusions + conflicts) memory).

    Raises DrawError for inputs that cannot describe a draw at all (unsorted snapshot, strata
    that do not partition, team size below two); returns softer problems as findings.
    """
    pop = spec["population"]
    strata = parse_strata(spec["strata"])
    explicit, committed_cap = exclusion_sets(spec)
    overrides = {o["id"] for o in pop.get("cap_overrides", [])}
    capped = cap.capped(china_year(time), overrides) if cap is not None else None
    plan = team_plan(spec, inspectors)
    scan = PopulationScan(Filter.from_json(pop.get("filter")), Classifier(strata),
                          explicit=explicit, committed_cap=() if apply_cap else committed_cap,
                          capped=capped, apply_cap=apply_cap)
    tscan = TeamScan(plan)
    see = tscan.see
    for tid, _si, region in scan.scan(targets):
        see(tid, region)
    ns = scan.counts
    ks = [s.take(n) for s, n in zip(strata, ns)]
    d = Derived(scan.total, scan.root, ns, ks, sorted(scan.cap_found), tscan.declared())
    if cap is not None:
        year = china_year(time)
        d.cap_draws = {tid: cap.draws(year, tid) for tid in d.cap_exclusions}
    for tid in sorted(explicit - scan.seen_explicit):
        d.findings.append(Finding(f"exclusion of {tid}, which is not in the filtered population "
                                  "of this snapshot", ART_FAIR))
    if scan.total == 0:
        d.findings.append(Finding("the eligible population is empty", ART_FAIR))
    why = ratio_cap_problem(ks, scan.total, spec.get("ratio_cap"))
    if why:
        d.findings.append(Finding(why, ART_RATIO_CAP))
    d.findings.extend(tscan.feasibility(sum(ks)))
    d.findings.extend(zero_findings(spec["strata"], strata, ns, ks))
    return d


def zero_findings(raw: list[Mapping[str, Any]], strata: list[Any], ns: list[int],
                  ks: list[int]) -> list[Finding]:
    """A stratum with targets and a positive take that still draws nobody is refused (a draw that
    looks like a check but checks no one), unless the stratum states ``zero_ok`` with a reason."""
    out = []
    for obj, s, n, k in zip(raw, strata, ns, ks):
        positive = (s.count or 0) > 0 or (s.ratio is not None and s.ratio > 0)
        if n > 0 and positive and k == 0 and not obj.get("zero_ok"):
            how = (f"比例 {obj['take']['ratio']} 按 {s.rounding} 取整" if s.ratio is not None else "")
            out.append(Finding(
                f"分层「{s.name}」有 {n} 家，{how}后抽取 0 家：请改用 ceil（向上）取整或提高比例，"
                f"确需为 0 时写明 zero_ok 理由 / stratum {s.name!r} has {n} eligible targets but "
                f"ratio {obj['take'].get('ratio')} rounded by {s.rounding} draws none: use "
                "rounding \"ceil\" or a higher ratio, or state zero_ok with the reason",
                ART_FAIR, rule="draw.commit"))
    return out


def static_findings(body: Mapping[str, Any], office: str) -> list[Finding]:
    """Rules visible in the body alone (the JSON Schema has checked the shapes)."""
    out = []
    embargo = body.get("embargo_until") is not None
    carry = [o["office"] for o in body["offices"] if "commitment" in o]
    if not embargo and carry:
        out.append(Finding(f"an announced draw has no secrets (seed v2), but offices {carry} carry a secret "
                           "commitment; remove it", ART_FAIR))
    if embargo and len(carry) != len(body["offices"]):
        out.append(Finding("an embargoed draw needs every office's secret commitment until the reveal",
                           ART_UNANNOUNCED))
    if body["offices"][0]["office"] != office:
        out.append(Finding(f"the first office ({body['offices'][0]['office']}) is the lead and must be "
                           f"the office signing the commitment ({office})", ART_FAIR))
    for key, what in (("exclusions", "exclusions"), ("cap_overrides", "cap overrides")):
        ids = [e["id"] for e in body["population"].get(key, [])]
        if ids != sorted(set(ids)):
            out.append(Finding(f"{what} must be sorted by id without duplicates", ART_FAIR))
    if body.get("embargo_until") is not None:
        try:
            date.fromisoformat(body["embargo_until"])
        except ValueError:
            out.append(Finding(f"embargo_until {body['embargo_until']!r} is not a calendar date"))
    return out


def beacon_finding(body: Mapping[str, Any], time: str, chains: Mapping[str, Any]) -> Finding | None:
    """The beacon chain must be pinned, and the round due at least BEACON_MARGIN after the commit."""
    b = body["beacon"]
    chain = chains.get(b["chain_hash"])
    if chain is None:
        return Finding(f"beacon chain {b['chain_hash'][:16]}… is not pinned in trust.json", ART_FAIR)
    due = chain.round_time(b["round"])
    if due < unix(time) + BEACON_MARGIN:
        return Finding(f"beacon round {b['round']} is due at {due}, less than {BEACON_MARGIN} s after "
                       f"the commitment ({time}); the randomness must not exist yet", ART_FAIR)
    return None


def build_commit_body(spec: Mapping[str, Any], targets: Iterable[Any], inspectors: Iterable[Any], *,
                      time: str, cap: CapTable | None = None,
                      chains: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``draw.commit`` body for a spec, or DrawError listing every problem.

    ``spec`` is the body without derived fields (see docs/spec/60-draw.md §6.4); ``time`` is the
    entry time the commitment will be signed with; ``cap`` holds earlier locked draws (from
    ``DrawRule.cap`` after verifying the ledger); ``chains`` (chain hash -> ChainInfo) enables
    the beacon margin check.
    """
    body = _normalised(spec)
    _check_shape(body)
    derived = derive(body, targets, inspectors, cap=cap, time=time, apply_cap=True)
    pop = body["population"]
    explicit = pop.get("exclusions", [])
    if any(e["reason"] == CAP_REASON for e in explicit):
        raise DrawError(f"the exclusion reason {CAP_REASON!r} is reserved for computed cap exclusions",
                        ART_CAP)
    pop["exclusions"] = sorted(
        explicit + [{"id": i, "reason": CAP_REASON, "basis": CAP_BASIS, "draws": derived.cap_draws.get(i, [])}
                    for i in derived.cap_exclusions],
        key=lambda e: e["id"])
    pop["count"], pop["root"] = derived.count, derived.root
    for s, n, k in zip(body["strata"], derived.ns, derived.ks):
        s["n"], s["k"] = n, k
    body["teams"]["conflicts"] = derived.conflicts
    problems = derived.findings + static_findings(body, body["offices"][0]["office"])
    if chains is not None:
        f = beacon_finding(body, time, chains)
        if f:
            problems.append(f)
    if problems:
        raise DrawError("; ".join(p.message + (f" ({p.article})" if p.article else "") for p in problems))
    return body


def _check_shape(body: dict[str, Any]) -> None:
    """Refuse a malformed spec with the schema's own words before any computation."""
    from ..core.schema import validate_body

    trial = copy.deepcopy(body)
    pop = trial.get("population")
    if isinstance(pop, dict):
        pop.update(count=0, root="00" * 32)
    for s in trial.get("strata") or []:
        if isinstance(s, dict):
            s.update(n=0, k=0)
    if isinstance(trial.get("teams"), dict):
        trial["teams"]["conflicts"] = []
    problems = validate_body("draw.commit", trial)
    if problems:
        raise DrawError("the draw spec is malformed: " + "; ".join(problems[:10]))


def _normalised(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy with defaults filled in and lists sorted, so equal specs give equal bodies."""
    body = copy.deepcopy(dict(spec))
    pop = body.setdefault("population", {})
    for key in ("exclusions", "cap_overrides"):
        if pop.get(key):
            pop[key] = sorted(pop[key], key=lambda e: e["id"])
        else:
            pop.pop(key, None)
    if not pop.get("filter"):
        pop["filter"] = {}
    body.setdefault("batch_size", DEFAULT_BATCH_SIZE)
    if not body.get("embargo_until"):  # seed v2: an announced draw has no secrets to commit to
        body["offices"] = [{k: v for k, v in o.items() if k != "commitment"} if isinstance(o, dict) else o
                           for o in body.get("offices") or []]
    for s in body.get("strata", []):
        s.setdefault("match", {})
    return body


def check_commit_body(body: Mapping[str, Any], office: str, time: str, targets: Iterable[Any],
                      inspectors: Iterable[Any], *, cap: CapTable) -> list[Finding]:
    """Recompute a commitment's derived fields from its snapshots and report every difference."""
    out = static_findings(body, office)
    try:
        d = derive(body, targets, inspectors, cap=cap, time=time, apply_cap=False)
    except DrawError as exc:
        return out + [Finding(exc.message, exc.article)]
    out.extend(d.findings)
    _, committed_cap = exclusion_sets(body)
    named = {e["id"]: e.get("draws") for e in body["population"].get("exclusions", []) if e["reason"] == CAP_REASON}
    wrong = sorted(t for t in set(named) & set(d.cap_draws) if named[t] != d.cap_draws[t])
    if wrong:
        out.append(Finding(f"cap exclusion of {wrong[0]} names draws {named[wrong[0]]}, but the draws that "
                           f"count are {d.cap_draws[wrong[0]]}", ART_CAP, rule="draw.cap"))
    if sorted(committed_cap) != d.cap_exclusions:
        missing = sorted(set(d.cap_exclusions) - committed_cap)
        extra = sorted(committed_cap - set(d.cap_exclusions))
        out.append(Finding(f"cap exclusions differ from the earlier locked draws of {china_year(time)}: "
                           f"missing {missing[:5]}{'…' if len(missing) > 5 else ''}, "
                           f"not capped {extra[:5]}{'…' if len(extra) > 5 else ''}", ART_CAP,
                           rule="draw.cap"))
    pop = body["population"]
    if (pop["count"], pop["root"]) != (d.count, d.root):
        out.append(Finding(f"population count/root {pop['count']}/{pop['root'][:16]}… but the snapshot, "
                           f"filter and exclusions give {d.count}/{d.root[:16]}…", ART_LOCK))
    for s, n, k in zip(body["strata"], d.ns, d.ks):
        if (s["n"], s["k"]) != (n, k):
            out.append(Finding(f"stratum {s['name']!r} says n={s['n']}, k={s['k']}; recomputed "
                               f"n={n}, k={k}", ART_FAIR))
    if body["teams"]["conflicts"] != d.conflicts:
        out.append(Finding("declared conflicts differ from the inspector snapshot "
                           f"({len(body['teams']['conflicts'])} listed, {len(d.conflicts)} recomputed)",
                           "000 第九条"))
    return out
