"""Which witness policy judges each checkpoint, whether its quorum cosigned, and when.

The policy starts as trust.json's ``witnesses`` and changes only through ``witness.set``
entries (signed by a root key). A change at log index ``i`` takes effect *after* the first
checkpoint that contains it (size > i): that checkpoint is still judged by the OLD policy, so
the old quorum must vouch for the log that announces its own replacement (spec §3.9). Without
that, an operator could swap in witnesses it controls and have them cosign anything.

A checkpoint's *witnessed time* is the k-th earliest cosignature time of its policy's witnesses
(k = quorum). Everything here is pure: the verifier hands in parsed checkpoints and changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .checkpoint import Checkpoint
from .cosignature import quorum_time, witness_times
from .note import NoteError
from .rules.base import Problem
from .trust import TrustError, WitnessPolicy

RULE = "witness"


@dataclass
class Witnessed:
    """One log-signed checkpoint with its verified cosignatures."""

    cp: Checkpoint
    where: str
    times: dict[str, int] = field(default_factory=dict)  # witness name -> cosignature time
    policy: WitnessPolicy | None = None
    time: int | None = None  # witnessed time (None: below quorum or no policy)

    @property
    def has_quorum(self) -> bool:
        return self.policy is None or self.time is not None


def policy_for(size: int, initial: WitnessPolicy | None, changes: list[tuple[int, WitnessPolicy]],
               sizes: list[int]) -> WitnessPolicy | None:
    """The policy a checkpoint of ``size`` is judged by (``sizes``: all checkpoint sizes, ascending)."""
    policy = initial
    for index, new in changes:
        first = next((s for s in sizes if s > index), None)
        if first is not None and size > first:
            policy = new
    return policy


def parse_change(body: dict[str, Any]) -> WitnessPolicy:
    """A ``witness.set`` body as a policy (raises TrustError with the reason)."""
    return WitnessPolicy.from_json({"quorum": body.get("quorum"), "witnesses": body.get("witnesses")},
                                   where="witness.set")


def judge(checkpoints: list[tuple[Checkpoint, str, str]], initial: WitnessPolicy | None,
          changes: list[tuple[int, WitnessPolicy]]) -> tuple[list[Witnessed], list[Problem]]:
    """Verify cosignatures of every (checkpoint, note text, where), ascending by size."""
    sizes = [cp.size for cp, _, _ in checkpoints]
    out: list[Witnessed] = []
    problems: list[Problem] = []
    for cp, text, where in checkpoints:
        policy = policy_for(cp.size, initial, changes, sizes)
        w = Witnessed(cp, where, policy=policy)
        out.append(w)
        if policy is None:
            continue
        try:
            _, w.times = witness_times(text, policy.witnesses)
        except NoteError as exc:
            problems.append(Problem(RULE, f"checkpoint of size {cp.size} refused: {exc}", where))
            continue
        w.time = quorum_time(w.times.values(), policy.quorum)
        if w.time is None:
            names = ", ".join(sorted(w.times)) or "none"
            problems.append(Problem(RULE, f"checkpoint of size {cp.size} is cosigned by {len(w.times)} of the "
                                    f"{len(policy.witnesses)} named witnesses ({names}); the quorum is "
                                    f"{policy.quorum}: nothing independent vouches for it", where))
    problems.extend(_time_order(out))
    return out, problems


def _time_order(witnessed: list[Witnessed]) -> list[Problem]:
    """A witness never cosigns a smaller tree after a larger one (it answers 409): a checkpoint
    whose cosignature is later than a bigger checkpoint's was inserted afterwards."""
    out = []
    seen_later: dict[str, tuple[int, int]] = {}
    for w in reversed(witnessed):
        for name, t in w.times.items():
            nxt = seen_later.get(name)
            if nxt is not None and t > nxt[0]:
                out.append(Problem(RULE, f"witness {name} cosigned size {w.cp.size} at {t}, after it cosigned the "
                                   f"larger size {nxt[1]} at {nxt[0]}: this checkpoint was inserted later "
                                   "(rollback)", w.where))
            if nxt is None or t <= nxt[0]:
                seen_later[name] = (t, w.cp.size)
    return _dedupe(out)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.message.split(":")[0])
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def accepted_times(witnessed: list[Witnessed]) -> list[tuple[int, int | None]]:
    """(size, proof time) per checkpoint for ``Context.checkpoints``: the witnessed time where a
    policy applies, else the operator's own time line (portals that name no witnesses)."""
    return [(w.cp.size, w.time if w.policy is not None else w.cp.time) for w in witnessed]


__all__ = ["Witnessed", "judge", "policy_for", "parse_change", "accepted_times", "TrustError"]
