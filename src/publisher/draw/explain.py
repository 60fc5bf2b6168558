""""Why was I (not) drawn?" — an answer a company can check without the whole population.

The answer carries the company's ticket, its stratum's threshold and a Merkle proof against
the committed population root: an inclusion proof of its leaf, or (non-inclusion) the two
neighbouring leaves of the sorted tree with their inclusion proofs. ``verify_explanation``
checks it from the commitment and the lock alone.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.merkle import MerkleTree, leaf_hash, verify_inclusion
from .commitment import exclusion_sets
from .filters import Filter
from .lock import secret_findings
from .population import PopulationScan, leaf_data
from .seed import derive_seed
from .strata import Classifier, parse_strata
from .tickets import ticket


class Population:
    """The committed population held in memory (O(N)) to answer many explanations.

    For the site build; verification never needs it.
    """

    def __init__(self, leaves: list[tuple[str, str]], exclusions: Mapping[str, Mapping[str, str]]):
        self.ids = [i for i, _ in leaves]
        self.strata = [s for _, s in leaves]
        self.tree = MerkleTree([leaf_hash(leaf_data(i, s)) for i, s in leaves])
        self.exclusions = dict(exclusions)

    @classmethod
    def from_commit(cls, commit_body: Mapping[str, Any], targets: Iterable[Any]) -> Population:
        strata = parse_strata(commit_body["strata"])
        explicit, capped = exclusion_sets(commit_body)
        scan = PopulationScan(Filter.from_json(commit_body["population"].get("filter")),
                              Classifier(strata), explicit=explicit, committed_cap=capped,
                              with_root=False)
        names = [s.name for s in strata]
        leaves = [(tid, names[si]) for tid, si, _ in scan.scan(targets)]
        excl = {e["id"]: e for e in commit_body["population"].get("exclusions", [])}
        return cls(leaves, excl)

    @property
    def size(self) -> int:
        return len(self.ids)

    def leaf_proof(self, i: int) -> dict[str, Any]:
        return {"index": i, "id": self.ids[i], "stratum": self.strata[i],
                "proof": [h.hex() for h in self.tree.inclusion_proof(i)]}


@dataclass(frozen=True)
class Verdict:
    ok: bool  # the explanation is consistent with the commitment and the lock
    selected: bool
    zh: str
    en: str


def _short(h: str) -> str:
    return h[:16] + "…"


def _verdict(target: str, tk: str, leaf: Mapping | None, stratum: Mapping | None,
             excluded: Mapping | None) -> tuple[bool, str, str]:
    if leaf is None:
        if excluded is not None:
            return False, (f"{target} 不在本次抽查对象范围内：已被排除（理由：{excluded['reason']}；"
                           f"依据：{excluded['basis']}），所以未被抽中。"), (
                f"{target} is not in this draw's population: it was excluded (reason: "
                f"{excluded['reason']}; basis: {excluded['basis']}), so it was not selected.")
        return False, (f"{target} 不在本次抽查对象范围内（名单中相邻的两条记录证明了这一点），所以未被抽中。"), (
            f"{target} is not in this draw's population (the two neighbouring entries of the "
            "sorted list prove it), so it was not selected.")
    name = leaf["stratum"]
    if stratum is None or stratum["threshold"] is None:
        return False, f"{target} 在「{name}」层，该层本次抽取 0 家，所以未被抽中。", (
            f"{target} is in stratum “{name}”, from which this draw takes none, so it was not selected.")
    th = stratum["threshold"]
    if tk <= th:
        return True, (f"{target} 在「{name}」层，票号 {_short(tk)} ≤ 该层门槛 {_short(th)}，"
                      f"所以被抽中。"), (
            f"{target} is in stratum “{name}”; its ticket {_short(tk)} ≤ the stratum threshold "
            f"{_short(th)}, so it was selected.")
    return False, (f"{target} 在「{name}」层，票号 {_short(tk)} > 该层门槛 {_short(th)}，所以未被抽中。"), (
        f"{target} is in stratum “{name}”; its ticket {_short(tk)} > the stratum threshold "
        f"{_short(th)}, so it was not selected.")


def explain(result: Mapping[str, Any], population: Population, target_id: str) -> dict[str, Any]:
    """The explanation object for one target (JSON-ready; fields in docs/spec/60-draw.md §6.9).

    ``result`` is a lock body without embargo, or a reveal body (anything with seed and strata).
    """
    seed = bytes.fromhex(result["seed"])
    tk = ticket(seed, target_id).hex()
    i = bisect.bisect_left(population.ids, target_id)
    found = i < population.size and population.ids[i] == target_id
    out: dict[str, Any] = {"target": target_id, "ticket": tk, "size": population.size,
                           "root": population.tree.root().hex(), "leaf": None, "neighbours": None}
    if found:
        out["leaf"] = population.leaf_proof(i)
    else:
        out["neighbours"] = {"left": population.leaf_proof(i - 1) if i > 0 else None,
                             "right": population.leaf_proof(i) if i < population.size else None}
    leaf = out["leaf"]
    stratum = next((s for s in result["strata"] if leaf and s["name"] == leaf["stratum"]), None)
    selected, zh, en = _verdict(target_id, tk, leaf, stratum, population.exclusions.get(target_id))
    out.update(selected=selected, verdict_zh=zh, verdict_en=en)
    return out


def _proves(leaf: Mapping[str, Any], size: int, root: bytes) -> bool:
    try:
        proof = [bytes.fromhex(p) for p in leaf["proof"]]
        return verify_inclusion(leaf_hash(leaf_data(leaf["id"], leaf["stratum"])), leaf["index"],
                                size, proof, root)
    except (KeyError, TypeError, ValueError):
        return False


def verify_explanation(commit_body: Mapping[str, Any], lock_body: Mapping[str, Any],
                       explanation: Mapping[str, Any],
                       reveal_body: Mapping[str, Any] | None = None) -> Verdict:
    """Check an explanation against the committed root and the published result.

    Recomputes the seed from the lock's beacon signature and the revealed secrets (and checks
    the secrets against the commitments), the target's ticket, and the Merkle proof(s). The BLS
    signature of the beacon itself is checked by the ledger verifier (``DrawRule``), not here.
    """
    result = reveal_body if reveal_body is not None else lock_body
    target = explanation.get("target", "")

    def bad(why: str) -> Verdict:
        return Verdict(False, False, f"说明无效：{why}", f"explanation invalid: {why}")

    if "seed" not in result:
        return bad("the draw is still under embargo; nothing to check yet")
    randomness = hashlib.sha256(bytes.fromhex(lock_body["beacon"]["signature"])).digest()
    secrets = result.get("secrets", []) if commit_body.get("embargo_until") else []
    if secrets and secret_findings(commit_body, secrets):
        return bad("a revealed secret does not match its commitment")
    if derive_seed(result["commit"], randomness, [bytes.fromhex(s) for s in secrets]).hex() \
            != result["seed"]:
        return bad("the seed does not follow from the beacon and the secrets")
    tk = ticket(bytes.fromhex(result["seed"]), target).hex()
    if explanation.get("ticket") != tk:
        return bad("the ticket is not the one the seed gives")
    size, root = commit_body["population"]["count"], bytes.fromhex(commit_body["population"]["root"])
    leaf, nb = explanation.get("leaf"), explanation.get("neighbours")
    if leaf is not None:
        if leaf.get("id") != target or not _proves(leaf, size, root):
            return bad("the inclusion proof does not match the committed population root")
    else:
        left, right = (nb or {}).get("left"), (nb or {}).get("right")
        if left is None and right is None and size != 0:
            return bad("no neighbours given for a non-empty population")
        if left is not None and not (left["id"] < target and _proves(left, size, root)):
            return bad("the left neighbour is not a leaf before the target")
        if right is not None and not (target < right["id"] and _proves(right, size, root)):
            return bad("the right neighbour is not a leaf after the target")
        if left is None and right is not None and right["index"] != 0:
            return bad("without a left neighbour the right one must be the first leaf")
        if right is None and left is not None and left["index"] != size - 1:
            return bad("without a right neighbour the left one must be the last leaf")
        if left is not None and right is not None and right["index"] != left["index"] + 1:
            return bad("the neighbours are not adjacent leaves")
    stratum = next((s for s in result["strata"] if leaf and s["name"] == leaf["stratum"]), None)
    excluded = {e["id"]: e for e in commit_body["population"].get("exclusions", [])}.get(target)
    selected, zh, en = _verdict(target, tk, leaf, stratum, excluded if leaf is None else None)
    listed = any(row["id"] == target for row in result["selected"])
    if listed != selected:
        return bad("the published selected list disagrees with ticket and threshold")
    return Verdict(True, selected, zh, en)
