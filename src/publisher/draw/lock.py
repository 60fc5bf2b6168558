"""Building and checking ``draw.lock`` and ``draw.reveal`` bodies.

The lock fixes the draw once the beacon round exists (001 第十二条: a locked list never
changes). Without an embargo it publishes the beacon and the result, which anyone recomputes
from the beacon alone (seed v2 has no secrets). With an embargo (001 第十七条, unannounced
checks) it publishes only the beacon and a hash of the result; a later reveal publishes the
offices' secrets and the result, and anyone checks the hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.canonical import canonical_bytes, sha256_hex
from .batches import batch_order, batch_rows
from .commitment import exclusion_sets, team_plan
from .errors import ART_LOCK, ART_MATCH, DrawError, Finding
from .filters import Filter
from .outcomes import KnownOutcomes, outcome_key
from .population import PopulationScan
from .seed import derive_seed, secret_commitment
from .selection import select
from .strata import Classifier, parse_strata
from .teams import TeamPlan, assign_teams, team_findings


@dataclass
class DrawResult:
    """The outcome of a draw; ``to_json()`` is the object whose hash an embargoed lock carries."""

    seed: bytes
    strata: list[dict[str, Any]]  # {name, n, k, threshold}
    selected: list[dict[str, Any]]  # {id, stratum, batch, position} in batch order
    teams: list[dict[str, Any]]  # {target, leader, members} in batch order
    regions: dict[str, str]  # selected id -> region (not published; used for team checks)
    plan: TeamPlan  # the inspector pools the teams were drawn from

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed.hex(), "strata": self.strata, "selected": self.selected,
                "teams": self.teams}


def embargo_secrets(body: Mapping[str, Any], secrets: Sequence[bytes]) -> Sequence[bytes]:
    """The secrets that enter the seed: the offices' for an embargoed draw, none otherwise."""
    return secrets if body.get("embargo_until") else ()


def result_hash(result_json: Mapping[str, Any]) -> str:
    """SHA-256 hex of the RFC 8785 bytes of ``{seed, strata, selected, teams}``."""
    return sha256_hex(canonical_bytes(dict(result_json)))


def compute_result(commit_id: str, body: Mapping[str, Any], randomness: bytes,
                   secrets: Sequence[bytes], targets: Iterable[Any],
                   inspectors: Iterable[Any]) -> DrawResult:
    """Recompute a draw: one streaming pass over the target snapshot, O(k) memory.

    Raises DrawError when the snapshot does not give the committed stratum sizes (it cannot,
    for a verified commitment: snapshots are content-addressed).
    """
    seed = derive_seed(commit_id, randomness, embargo_secrets(body, secrets))
    strata = parse_strata(body["strata"])
    explicit, capped = exclusion_sets(body)
    ks = [s["k"] for s in body["strata"]]
    scan = PopulationScan(Filter.from_json(body["population"].get("filter")), Classifier(strata),
                          explicit=explicit, committed_cap=capped, with_root=False,
                          wanted=[k > 0 for k in ks])
    picks = select(seed, scan.scan(targets), ks)
    ns = [s["n"] for s in body["strata"]]
    if scan.counts != ns:
        raise DrawError(f"the snapshot gives stratum sizes {scan.counts}, the commitment {ns}", ART_LOCK)
    names = [s.name for s in strata]
    order = batch_order(seed, (p for ps in picks for p in ps))
    plan = team_plan(body, inspectors)
    teams = assign_teams(seed, ((p.id, p.region) for p in order), plan)
    return DrawResult(
        seed=seed,
        strata=[{"name": names[i], "n": ns[i], "k": ks[i],
                 "threshold": ps[-1].ticket.hex() if ps else None} for i, ps in enumerate(picks)],
        selected=batch_rows(order, names, body["batch_size"]),
        teams=teams,
        regions={p.id: p.region for p in order},
        plan=plan,
    )


def _computed(commit_id: str, body: Mapping[str, Any], randomness: bytes, secrets: Sequence[bytes],
              targets: Iterable[Any], inspectors: Iterable[Any], known: KnownOutcomes | None) -> DrawResult:
    used = embargo_secrets(body, secrets)
    result = compute_result(commit_id, body, randomness, used, targets, inspectors)
    if known is not None:
        known.remember(outcome_key(commit_id, body, randomness, used), result)
    return result


def _beacon_json(beacon: Any) -> dict[str, Any]:
    return {"round": beacon.round, "signature": beacon.signature.hex()}


def build_lock_body(commit_id: str, commit_body: Mapping[str, Any], beacon: Any,
                    secrets: Sequence[bytes], targets: Iterable[Any],
                    inspectors: Iterable[Any], known: KnownOutcomes | None = None) -> dict[str, Any]:
    """The ``draw.lock`` body; embargoed (hash only) when the commitment sets ``embargo_until``.

    ``beacon`` is a verified :class:`publisher.beacon.Beacon` for the committed round;
    ``secrets`` are the offices' 32-byte secrets in office order (embargoed draws only; ignored
    for an announced draw, whose seed has no secret part). ``known``, when given, records the
    outcome so the append check in this process does not compute the draw again.
    """
    if beacon.round != commit_body["beacon"]["round"]:
        raise DrawError(f"beacon round {beacon.round} is not the committed round "
                        f"{commit_body['beacon']['round']}", ART_LOCK)
    embargoed = bool(commit_body.get("embargo_until"))
    if embargoed:
        problems = secret_findings(commit_body, [s.hex() for s in secrets])
        if problems:
            raise DrawError("; ".join(p.message for p in problems), ART_LOCK)
    result = _computed(commit_id, commit_body, beacon.randomness, secrets, targets, inspectors, known)
    head = {"task": commit_body["task"], "commit": commit_id, "beacon": _beacon_json(beacon)}
    if embargoed:
        return {**head, "result_hash": result_hash(result.to_json())}
    return {**head, **result.to_json()}


def build_reveal_body(commit_id: str, commit_body: Mapping[str, Any], beacon: Any,
                      secrets: Sequence[bytes], targets: Iterable[Any],
                      inspectors: Iterable[Any], known: KnownOutcomes | None = None) -> dict[str, Any]:
    """The ``draw.reveal`` body publishing an embargoed draw after ``embargo_until``."""
    if not commit_body.get("embargo_until"):
        raise DrawError("only an embargoed draw is revealed; this one was published at its lock")
    problems = secret_findings(commit_body, [s.hex() for s in secrets])
    if problems:
        raise DrawError("; ".join(p.message for p in problems), ART_LOCK)
    result = _computed(commit_id, commit_body, beacon.randomness, secrets, targets, inspectors, known)
    return {"task": commit_body["task"], "commit": commit_id, "secrets": [s.hex() for s in secrets],
            **result.to_json()}


def secret_findings(commit_body: Mapping[str, Any], secrets_hex: Sequence[str]) -> list[Finding]:
    """Each revealed secret must open its office's commitment."""
    offices = commit_body["offices"]
    if any("commitment" not in o for o in offices):
        return [Finding("the commitment carries no secret commitments to open", ART_LOCK)]
    if len(secrets_hex) != len(offices):
        return [Finding(f"{len(secrets_hex)} secrets revealed for {len(offices)} committed offices",
                        ART_LOCK)]
    out = []
    for o, s in zip(offices, secrets_hex):
        if secret_commitment(commit_body["task"], o["office"], bytes.fromhex(s)) != o["commitment"]:
            out.append(Finding(f"the secret revealed for office {o['office']} does not match its "
                               f"commitment {o['commitment'][:16]}…", ART_LOCK))
    return out


def result_findings(expected: DrawResult, body: Mapping[str, Any]) -> list[Finding]:
    """Differences between a published result and its recomputation, most precise first."""
    exp = expected.to_json()
    out = []
    if body["seed"] != exp["seed"]:
        out.append(Finding(f"seed {body['seed'][:16]}… differs from the recomputed "
                           f"{exp['seed'][:16]}…", ART_LOCK))
    if body["strata"] != exp["strata"]:
        out.append(Finding("stratum sizes or thresholds differ from the recomputation", ART_LOCK))
    if body["selected"] != exp["selected"]:
        out.append(Finding(_first_difference("selected list", body["selected"], exp["selected"]), ART_LOCK))
    out.extend(team_findings(body["teams"], expected.plan, expected.regions))
    if body["teams"] != exp["teams"]:
        out.append(Finding(_first_difference("teams", body["teams"], exp["teams"]), ART_MATCH))
    return out


def _first_difference(what: str, got: Sequence[Mapping], want: Sequence[Mapping]) -> str:
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return (f"{what} differs from the recomputation at position {i + 1}: published "
                    f"{dict(g)}, recomputed {dict(w)}")
    return f"{what} has {len(got)} rows, the recomputation {len(want)}"
