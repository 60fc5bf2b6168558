"""`publisher checkpoint` with witnesses: sign, collect the quorum, write, or keep pending."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import merkle
from ..core.checkpoint import parse_body
from ..core.cosignature import witness_times
from ..core.note import NoteError, parse_note
from ..core.trust import WitnessPolicy
from .collect import Outcome, PendingStore, collect, has_quorum


@dataclass
class Published:
    note: str
    outcomes: list[Outcome]
    quorum: bool


def policy_now(report, trust) -> WitnessPolicy | None:
    """The policy a new checkpoint of the whole log is judged by (core.witnessing.policy_for)."""
    from ..core.witnessing import policy_for

    sizes = sorted({w.cp.size for w in report.witnessed} | {report.size})
    return policy_for(report.size, trust.witnesses, report.witness_changes, sizes)


def witness_urls(policy: WitnessPolicy, overrides: dict[str, str]) -> list[tuple]:
    out = []
    for w in policy.witnesses:
        url = overrides.get(w.name) or policy.urls.get(w.name)
        if url:
            out.append((w, url))
    return out


def cosign(note: str, leaf_ids: list[str], policy: WitnessPolicy, store: PendingStore,
           overrides: dict[str, str], timeout: float, retries: int) -> Published:
    """Collect cosignatures on ``note``; reuse a pending note of the same tree if there is one."""
    text, _ = parse_note(note)
    cp = parse_body(text)
    pending = store.pending()
    if pending is not None:
        try:
            ptext, _ = parse_note(pending)
            pcp = parse_body(ptext)
            if (pcp.size, pcp.root) == (cp.size, cp.root):
                note = pending  # keep the cosignatures we already have on this exact body
        except NoteError:
            pass
    _, have = witness_times(note, policy.witnesses)
    leaves = [merkle.leaf_hash(bytes.fromhex(i)) for i in leaf_ids[: cp.size]]

    def proof_for(old: int) -> list[bytes]:
        return merkle.consistency_proof(leaves, old) if 0 < old < cp.size else []

    todo = [(w, url) for w, url in witness_urls(policy, overrides) if w.name not in have]
    note, outcomes = collect(note, cp.size, proof_for, todo, store.sizes(), timeout, retries)
    store.save_sizes(outcomes)
    _, times = witness_times(note, policy.witnesses)
    ok = has_quorum([Outcome(n, True, "", t) for n, t in times.items()], policy.quorum)
    if ok:
        store.clear()
    else:
        store.keep(note)
    return Published(note, outcomes, ok)
