"""Sealed draws: the population commits to each target's stratum without showing it.

docs/spec/65-sealed.md. A sealed portal publishes target snapshots without ``risk``; each
eligible target's leaf is the hiding commitment ``H(ssgk/sealed-leaf/v1, id, 0, stratum, 0,
salt)``; the office keeps the openings. The public checks what needs no class (eligible set,
counts, the leaves' root, seed, batches, teams, and the selection against the thresholds); an
auditor with the openings recomputes the whole §6.8 result. Pure: no IO.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.canonical import tagged_hash
from ..core.merkle import TreeBuilder, leaf_hash
from .batches import batch_order
from .cap import CAP_BASIS, CAP_REASON, CapTable
from .commitment import _check_shape, _normalised, exclusion_sets, static_findings, team_plan, zero_findings
from .errors import ART_CAP, ART_FAIR, ART_LOCK, ART_MATCH, DrawError, Finding
from .filters import Filter
from .lock import DrawResult
from .openings import Opening
from .seed import derive_seed
from .selection import Pick, select
from .strata import Classifier, Stratum, parse_strata, ratio_cap_problem
from .teams import TeamScan, assign_teams, team_findings
from .tickets import ticket
from .timeutil import china_year

SEALED_FORMAT = "ssgk/sealed/v1"
LEAF_TAG = "ssgk/sealed-leaf/v1"
RULE = "draw.sealed"
ART_SEALED = "国市监信发〔2022〕6号"  # credit-risk classes are a supervision tool


def leaf_commitment(target_id: str, stratum: str, salt: bytes) -> bytes:
    """The 32-byte hiding commitment a sealed population tree has as leaf data."""
    if len(salt) != 32:
        raise DrawError("a sealed leaf's salt is 32 bytes")
    return tagged_hash(LEAF_TAG, target_id.encode("utf-8"), b"\x00", stratum.encode("utf-8"), b"\x00", salt)


def is_sealed(body: Mapping[str, Any]) -> bool:
    return "sealed" in body.get("population", {})


def leaves_root(leaves: bytes) -> str:
    tree = TreeBuilder()
    for i in range(0, len(leaves), 32):
        tree.append(leaf_hash(leaves[i:i + 32]))
    return tree.root().hex()


def uses_risk(filter_json: Mapping[str, Any] | None) -> bool:
    return bool((filter_json or {}).get("risks"))


def _one_class() -> Classifier:
    return Classifier([Stratum("*", Filter.from_json({}), count=0)])


@dataclass
class Eligible:
    """The public part of a sealed population: eligible targets in id order, and the cap scan."""

    targets: list[Any]
    cap_found: list[str]
    seen_explicit: set[str]
    findings: list[Finding] = field(default_factory=list)


def eligible(body: Mapping[str, Any], targets: Iterable[Any], *, cap: CapTable | None, time: str,
             apply_cap: bool) -> Eligible:
    """Filter, explicit exclusions and the yearly cap — all public — in one pass."""
    from .population import PopulationScan

    pop = body["population"]
    explicit, committed_cap = exclusion_sets(body)
    overrides = {o["id"] for o in pop.get("cap_overrides", [])}
    capped = cap.capped(china_year(time), overrides) if cap is not None else None
    scan = PopulationScan(Filter.from_json(pop.get("filter")), _one_class(), explicit=explicit,
                          committed_cap=() if apply_cap else committed_cap, capped=capped,
                          apply_cap=apply_cap, with_root=False)
    recs = list(targets)
    by_id = {t.id: t for t in recs}
    keep = [by_id[tid] for tid, _si, _region in scan.scan(recs)]
    out = Eligible(keep, sorted(scan.cap_found), scan.seen_explicit)
    for tid in sorted(explicit - scan.seen_explicit):
        out.findings.append(Finding(f"exclusion of {tid}, which is not in the filtered population "
                                    "of this snapshot", ART_FAIR))
    return out


# ---------------------------------------------------------------- building (the office)

@dataclass
class SealedCommit:
    body: dict[str, Any]
    leaves: bytes  # the blob named by population.sealed.leaves
    openings: list[Opening]  # kept by the office, never in the ledger
    public_targets: list[Any]  # the sealed snapshot's records (risk removed)


def build_sealed_commit(spec: Mapping[str, Any], targets: Iterable[Any], inspectors: Iterable[Any],
                        assign: Callable[[Any], str], *, time: str, cap: CapTable | None = None,
                        chains: Mapping[str, Any] | None = None,
                        salt: Callable[[], bytes] = lambda: os.urandom(32)) -> SealedCommit:
    """The sealed ``draw.commit`` body, its leaves blob and the openings.

    ``targets`` are the office's full records (with classes); ``assign(target)`` is the office's
    private stratum of an eligible target. The body is built over the sealed records; ``salt``
    draws each leaf's 32 random bytes (a CSPRNG; tests pass a deterministic one).
    """
    from .commitment import beacon_finding

    full = list(targets)
    public = [t.sealed_copy() for t in full]
    body = _normalised(spec)
    body["population"]["sealed"] = {"format": SEALED_FORMAT, "leaves": "00" * 32}
    _check_shape(body)
    problems = sealed_static(body)
    if problems:  # before any target is looked at
        raise DrawError("; ".join(f"{p.message} ({p.article})" for p in problems))
    inspectors = list(inspectors)
    el = eligible(body, public, cap=cap, time=time, apply_cap=True)
    problems += el.findings
    names = [s["name"] for s in body["strata"]]
    strata = parse_strata(body["strata"])
    full_by_id = {t.id: t for t in full}
    ns = [0] * len(names)
    leaves, openings = bytearray(), []
    for t in el.targets:
        name = assign(full_by_id[t.id])
        if name not in names:
            raise DrawError(f"target {t.id} is assigned to stratum {name!r}, which the spec does not have")
        si = names.index(name)
        if not strata[si].match.matches(t):
            raise DrawError(f"target {t.id} is assigned to stratum {name!r}, whose match does not accept it")
        ns[si] += 1
        s = salt()
        leaves += leaf_commitment(t.id, name, s)
        openings.append(Opening("", t.id, name, s))
    ks = [st.take(n) for st, n in zip(strata, ns)]
    pop = body["population"]
    year_cap = cap.draws if cap is not None else None
    pop["exclusions"] = sorted(
        pop.get("exclusions", []) + [{"id": i, "reason": CAP_REASON, "basis": CAP_BASIS,
                                      "draws": year_cap(china_year(time), i) if year_cap else []}
                                     for i in el.cap_found], key=lambda e: e["id"])
    if not pop["exclusions"]:
        pop.pop("exclusions")
    root = leaves_root(bytes(leaves))
    pop["count"], pop["root"] = len(el.targets), root
    pop["sealed"]["leaves"] = _sha(bytes(leaves))
    for s_, n, k in zip(body["strata"], ns, ks):
        s_["n"], s_["k"] = n, k
    plan = team_plan(body, inspectors)
    tscan = TeamScan(plan)
    for t in el.targets:
        tscan.see(t.id, t.region)
    body["teams"]["conflicts"] = tscan.declared()
    problems += tscan.feasibility(sum(ks)) + zero_findings(body["strata"], strata, ns, ks)
    if not el.targets:
        problems.append(Finding("the eligible population is empty", ART_FAIR))
    why = ratio_cap_problem(ks, len(el.targets), body.get("ratio_cap"))
    if why:
        problems.append(Finding(why, ART_FAIR))
    problems += static_findings(body, body["offices"][0]["office"])
    if chains is not None:
        f = beacon_finding(body, time, chains)
        if f:
            problems.append(f)
    if problems:
        raise DrawError("; ".join(p.message + (f" ({p.article})" if p.article else "") for p in problems))
    return SealedCommit(body, bytes(leaves), [Opening(root, o.id, o.stratum, o.salt) for o in openings], public)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def sealed_static(body: Mapping[str, Any]) -> list[Finding]:
    """What a sealed body may not contain (visible in the body alone)."""
    out = []
    if body["population"].get("sealed", {}).get("format") != SEALED_FORMAT:
        out.append(Finding(f"population.sealed.format must be {SEALED_FORMAT!r}", ART_SEALED, rule=RULE))
    if uses_risk(body["population"].get("filter")):
        out.append(Finding("a sealed draw's filter may not use risks: the public could not check it, "
                           "and it would publish the classes", ART_SEALED, rule=RULE))
    for s in body["strata"]:
        if uses_risk(s.get("match")):
            out.append(Finding(f"stratum {s['name']!r} of a sealed draw matches on risks; the stratum of each "
                               "target is the sealed assignment, bound by its leaf", ART_SEALED, rule=RULE))
    if body.get("embargo_until"):
        out.append(Finding("a sealed portal's draws cannot be embargoed in this version "
                           "(docs/spec/65-sealed.md §6S.1)", ART_SEALED, rule=RULE))
    return out


# ---------------------------------------------------------------- checking (anyone / auditor)

def check_sealed_commit(body: Mapping[str, Any], office: str, time: str, targets: Iterable[Any],
                        inspectors: Iterable[Any], leaves: bytes | None, *, cap: CapTable,
                        openings: Mapping[str, Opening] | None = None) -> tuple[list[Finding], list[Any]]:
    """Public checks of a sealed commitment (and, given its openings, the auditor's).

    Returns the findings and the eligible targets (for the lock)."""
    out = [Finding(f.message, f.article, f.severity, rule=f.rule or "draw.commit")
           for f in static_findings(body, office)] + sealed_static(body)
    el = eligible(body, targets, cap=cap, time=time, apply_cap=False)
    out += [Finding(f.message, f.article, rule="draw.commit") for f in el.findings]
    if any(not t.sealed for t in el.targets[:1]):
        out.append(Finding("a sealed draw's target snapshot must be in the sealed form (no risk member)",
                           ART_SEALED, rule=RULE))
    pop = body["population"]
    _, committed_cap = exclusion_sets(body)
    if sorted(committed_cap) != el.cap_found:
        out.append(Finding(f"cap exclusions differ from the earlier locked draws of {china_year(time)}",
                           ART_CAP, rule="draw.cap"))
    for e in pop.get("exclusions", []):  # each cap exclusion names exactly the draws that count
        if e["reason"] == CAP_REASON and e["id"] in el.cap_found:
            counted = cap.draws(china_year(time), e["id"])
            if e.get("draws") != counted:
                out.append(Finding(f"cap exclusion of {e['id']} names draws {e.get('draws')}, but the draws that "
                                   f"count are {counted}", ART_CAP, rule="draw.cap"))
    n_total = len(el.targets)
    if pop["count"] != n_total:
        out.append(Finding(f"population.count {pop['count']} but the snapshot, filter and exclusions give "
                           f"{n_total} eligible targets", ART_LOCK, rule=RULE))
    if leaves is None:
        out.append(Finding(f"the sealed leaves blob {pop['sealed']['leaves'][:16]}… is not in the ledger",
                           ART_LOCK, rule=RULE))
    elif len(leaves) != 32 * pop["count"]:
        out.append(Finding(f"the sealed leaves blob holds {len(leaves) // 32} leaves "
                           f"({len(leaves)} bytes), population.count is {pop['count']}", ART_LOCK, rule=RULE))
    elif leaves_root(leaves) != pop["root"]:
        out.append(Finding("population.root is not the root of the sealed leaves", ART_LOCK, rule=RULE))
    strata = parse_strata(body["strata"])
    ns = [s["n"] for s in body["strata"]]
    ks = [s["k"] for s in body["strata"]]
    if sum(ns) != pop["count"]:
        out.append(Finding(f"the strata sizes add up to {sum(ns)}, population.count is {pop['count']}",
                           ART_FAIR, rule=RULE))
    for s, st, n, k in zip(body["strata"], strata, ns, ks):
        if st.take(n) != k:
            out.append(Finding(f"stratum {s['name']!r}: k={k}, but take gives {st.take(n)} of n={n}",
                               ART_FAIR, rule=RULE))
    out += zero_findings(body["strata"], strata, ns, ks)
    why = ratio_cap_problem(ks, pop["count"], body.get("ratio_cap"))
    if why:
        out.append(Finding(why, ART_FAIR, rule="draw.commit"))
    plan = team_plan(body, inspectors)
    tscan = TeamScan(plan)
    for t in el.targets:
        tscan.see(t.id, t.region)
    if body["teams"]["conflicts"] != tscan.declared():
        out.append(Finding("declared conflicts differ from the inspector snapshot", "000 第九条", rule="draw.commit"))
    out += [Finding(f.message, f.article, f.severity, rule=f.rule or "draw.commit")
            for f in tscan.feasibility(sum(ks))]
    if openings is not None and leaves is not None and len(leaves) == 32 * n_total:
        out += opening_findings(body, el.targets, leaves, openings)
    return out, el.targets


def opening_findings(body: Mapping[str, Any], targets: Sequence[Any], leaves: bytes,
                     openings: Mapping[str, Opening]) -> list[Finding]:
    """The auditor's checks: each leaf opens to a stratum that accepts its target; counts agree."""
    out = []
    names = [s["name"] for s in body["strata"]]
    strata = parse_strata(body["strata"])
    counts = [0] * len(names)
    ids = {t.id for t in targets}
    for i, t in enumerate(targets):
        o = openings.get(t.id)
        if o is None:
            out.append(Finding(f"no opening for {t.id} (leaf {i}); the auditor cannot check its stratum",
                               ART_LOCK, rule=RULE))
            continue
        if o.stratum not in names:
            out.append(Finding(f"the opening of {t.id} names stratum {o.stratum!r}, which the commitment "
                               "does not have", ART_LOCK, rule=RULE))
            continue
        if leaf_commitment(t.id, o.stratum, o.salt) != leaves[32 * i:32 * i + 32]:
            out.append(Finding(f"the opening of {t.id} (stratum {o.stratum!r}) does not match its sealed leaf {i}: "
                               "a wrong opening, or the leaves commit to another stratum", ART_LOCK, rule=RULE))
            continue
        si = names.index(o.stratum)
        if not strata[si].match.matches(t):
            out.append(Finding(f"{t.id} is sealed in stratum {o.stratum!r}, whose match does not accept it",
                               ART_FAIR, rule=RULE))
        counts[si] += 1
    for extra in sorted(set(openings) - ids)[:5]:
        out.append(Finding(f"an opening for {extra}, which is not an eligible target of this draw",
                           ART_LOCK, rule=RULE))
    if not out:
        for s, c in zip(body["strata"], counts):
            if s["n"] != c:
                out.append(Finding(f"stratum {s['name']!r} says n={s['n']}, the openings give {c}",
                                   ART_FAIR, rule=RULE))
    return out


def public_rows(order: Sequence[Pick], batch_size: int) -> list[dict[str, Any]]:
    """``{id, batch, position}``: the sealed lock's selected rows (no stratum)."""
    return [{"id": p.id, "batch": i // batch_size + 1, "position": i + 1} for i, p in enumerate(order)]


def compute_sealed_result(commit_id: str, body: Mapping[str, Any], randomness: bytes,
                          targets: Sequence[Any], openings: Mapping[str, Opening],
                          inspectors: Iterable[Any]) -> DrawResult:
    """The whole result (§6.8) from the openings: what the office locks, what an auditor checks.

    ``selected`` rows are the sealed lock's (no stratum); ``strata`` carry the thresholds."""
    seed = derive_seed(commit_id, randomness, ())
    names = [s["name"] for s in body["strata"]]
    ks = [s["k"] for s in body["strata"]]
    items = ((t.id, names.index(openings[t.id].stratum), t.region) for t in targets)
    picks = select(seed, items, ks)
    order = batch_order(seed, (p for ps in picks for p in ps))
    plan = team_plan(body, inspectors)
    teams = assign_teams(seed, ((p.id, p.region) for p in order), plan)
    return DrawResult(
        seed=seed,
        strata=[{"name": names[i], "n": body["strata"][i]["n"], "k": ks[i],
                 "threshold": ps[-1].ticket.hex() if ps else None} for i, ps in enumerate(picks)],
        selected=public_rows(order, body["batch_size"]), teams=teams,
        regions={p.id: p.region for p in order}, plan=plan)


def build_sealed_lock(commit_id: str, body: Mapping[str, Any], beacon: Any, targets: Sequence[Any],
                      openings: Mapping[str, Opening], inspectors: Iterable[Any]) -> dict[str, Any]:
    """The sealed ``draw.lock`` body (``targets``: the eligible sealed records in id order)."""
    if beacon.round != body["beacon"]["round"]:
        raise DrawError(f"beacon round {beacon.round} is not the committed round {body['beacon']['round']}")
    r = compute_sealed_result(commit_id, body, beacon.randomness, targets, openings, inspectors)
    return {"task": body["task"], "commit": commit_id,
            "beacon": {"round": beacon.round, "signature": beacon.signature.hex()}, **r.to_json()}


def check_sealed_lock(commit_id: str, body: Mapping[str, Any], lock: Mapping[str, Any], randomness: bytes,
                      targets: Sequence[Any], inspectors: Iterable[Any],
                      openings: Mapping[str, Opening] | None = None) -> tuple[list[Finding], DrawResult]:
    """Public checks of a sealed lock (§6S.2 5–7) and, with openings, the full recomputation."""
    out: list[Finding] = []
    seed = derive_seed(commit_id, randomness, ())
    plan = team_plan(body, inspectors)
    region = {t.id: t.region for t in targets}
    f = lambda m, a=ART_LOCK: out.append(Finding(m, a, rule=RULE))  # noqa: E731
    if lock["seed"] != seed.hex():
        f(f"seed {lock['seed'][:16]}… differs from the recomputed {seed.hex()[:16]}…")
    want = [(s["name"], s["n"], s["k"]) for s in body["strata"]]
    got = [(s["name"], s["n"], s["k"]) for s in lock["strata"]]
    if got != want:
        f(f"the lock's strata {got} are not the commitment's {want}")
    for s in lock["strata"]:
        if (s["threshold"] is None) != (s["k"] == 0):
            f(f"stratum {s['name']!r}: a threshold is given iff k > 0")
    rows = lock["selected"]
    if any("stratum" in r for r in rows):
        f("a sealed lock's selected rows carry no stratum", ART_SEALED)
    ids = [r["id"] for r in rows]
    total_k = sum(k for _, _, k in want)
    if len(ids) != total_k or len(set(ids)) != len(ids):
        f(f"selected lists {len(ids)} rows ({len(set(ids))} distinct) for Σk = {total_k}")
    stray = [i for i in ids if i not in region]
    if stray:
        f(f"selected {stray[0]}, which is not an eligible target of this draw")
    tk = {i: ticket(seed, i) for i in ids if i in region}
    order = batch_order(seed, (Pick(i, 0, tk[i], region[i]) for i in dict.fromkeys(ids) if i in region))
    expect_rows = public_rows(order, body["batch_size"])
    if not stray and rows != expect_rows:
        f(_first_difference("selected list (batch order)", rows, expect_rows))
    out += _threshold_findings(seed, lock["strata"], tk, targets, f)
    teams = assign_teams(seed, ((p.id, p.region) for p in order), plan)
    out += team_findings(lock["teams"], plan, {p.id: p.region for p in order})
    if lock["teams"] != teams:
        out.append(Finding(_first_difference("teams", lock["teams"], teams), ART_MATCH, rule=RULE))
    result = DrawResult(seed=seed, strata=[dict(s) for s in lock["strata"]], selected=expect_rows,
                        teams=teams, regions={p.id: p.region for p in order}, plan=plan)
    if openings is not None and not out:
        full = compute_sealed_result(commit_id, body, randomness, targets, openings, inspectors)
        if full.strata != list(lock["strata"]):
            f("with the openings, the thresholds differ from the lock's: "
              f"recomputed {[s['threshold'] and s['threshold'][:16] for s in full.strata]}")
        if full.selected != rows:
            f(_first_difference("with the openings, the selected list", rows, full.selected))
    return out, result


def _threshold_findings(seed: bytes, strata: Sequence[Mapping[str, Any]], tk: Mapping[str, bytes],
                        targets: Sequence[Any], f: Callable[..., None]) -> list[Finding]:
    """§6S.2 7: the selection is consistent with the published thresholds."""
    hs = [(bytes.fromhex(s["threshold"]), s["k"]) for s in strata if s["threshold"] is not None]
    if not hs:
        return []
    top = max(h for h, _ in hs)
    for i, t in tk.items():
        if t > top:
            f(f"selected {i} has ticket {t.hex()[:16]}…, above every stratum threshold (the largest is "
              f"{top.hex()[:16]}…)")
    values = set(tk.values())
    for s in strata:
        if s["threshold"] is not None and bytes.fromhex(s["threshold"]) not in values:
            f(f"the threshold of stratum {s['name']!r} is not the ticket of any selected target")
    for h, _ in hs:
        need = sum(k for h2, k in hs if h2 <= h)
        have = sum(1 for t in tk.values() if t <= h)
        if have < need:
            f(f"only {have} selected tickets are ≤ {h.hex()[:16]}…, but the strata with thresholds up to it "
              f"take {need}")
    if all(s["k"] > 0 for s in strata if s["n"] > 0):
        low = min(h for h, _ in hs)
        for t in targets:
            if t.id not in tk and ticket(seed, t.id) <= low:
                f(f"{t.id} has ticket {ticket(seed, t.id).hex()[:16]}… ≤ the smallest threshold "
                  f"{low.hex()[:16]}… and is not selected; it is below the threshold of every stratum")
                break
    return []


def _first_difference(what: str, got: Sequence[Mapping], want: Sequence[Mapping]) -> str:
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return f"{what} differs at position {i + 1}: published {dict(g)}, recomputed {dict(w)}"
    return f"{what} has {len(got)} rows, the recomputation {len(want)}"


class SealedPopulation:
    """A sealed population for the site's proofs: ids with their 32-byte leaf commitments (hex in
    ``strata``'s place, so the chunk writer is shared), never the strata themselves."""

    def __init__(self, ids: list[str], leaves: bytes):
        from ..core.merkle import MerkleTree

        if len(leaves) != 32 * len(ids):
            raise DrawError(f"{len(ids)} eligible targets but {len(leaves) // 32} sealed leaves")
        self.ids = ids
        self.strata = [leaves[32 * i:32 * i + 32].hex() for i in range(len(ids))]
        self.tree = MerkleTree([leaf_hash(leaves[32 * i:32 * i + 32]) for i in range(len(ids))])

    @classmethod
    def from_commit(cls, body: Mapping[str, Any], targets: Iterable[Any], leaves: bytes) -> SealedPopulation:
        return cls([t.id for t in eligible(body, targets, cap=None, time="", apply_cap=False).targets], leaves)

    @property
    def size(self) -> int:
        return len(self.ids)
