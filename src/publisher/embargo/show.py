"""``publisher draw show``'s core: the office that holds the secrets sees its embargoed list.

Before the reveal round nobody else can recompute the list; the office must, to prepare its
inspections and the results template (001 第十七条: the list stays private, not unknown to the
office). The view is computed in memory and returned — nothing is written — and it is checked
against the lock's ``result_hash``: a lock that does not bind this list is reported to the office
now, not discovered by the public at the reveal round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from publisher.beacon.chain import BeaconError, ChainInfo
from publisher.beacon.verify import Beacon, check_beacon
from publisher.draw.errors import ART_LOCK
from publisher.draw.lock import DrawResult, compute_result, result_hash, secret_findings

from ..core.errors import PublisherError


class ShowError(PublisherError, ValueError):
    """The private view cannot be given; the message names the failed check."""


@dataclass(frozen=True)
class PrivateView:
    """The recomputed result of an embargoed draw and its hash (equal to the lock's)."""

    result: DrawResult
    result_hash: str

    def selected(self) -> list[dict[str, Any]]:
        """Rows ``{id, stratum, batch, position}`` in batch order, for the results template."""
        return self.result.selected


def show_embargoed(commit_id: str, commit_body: Mapping[str, Any], lock_body: Mapping[str, Any],
                   secrets: Sequence[bytes], targets: Iterable[Any], inspectors: Iterable[Any],
                   chain: ChainInfo) -> PrivateView:
    """Recompute an embargoed draw from the offices' secrets and check it against its lock."""
    if not commit_body.get("embargo_until"):
        raise ShowError("this draw is not embargoed: its list is public in the lock entry")
    if lock_body.get("commit") != commit_id or "result_hash" not in lock_body:
        raise ShowError("the lock entry is not the embargoed lock of this commitment")
    problems = secret_findings(commit_body, [s.hex() for s in secrets])
    if problems:
        raise ShowError("; ".join(p.message for p in problems) + f" ({ART_LOCK})")
    b = lock_body["beacon"]
    beacon = Beacon(round=b["round"], signature=bytes.fromhex(b["signature"]))
    try:
        check_beacon(chain, beacon)
    except BeaconError as exc:
        raise ShowError(f"the lock's beacon does not verify: {exc}") from exc
    result = compute_result(commit_id, commit_body, beacon.randomness, secrets, targets, inspectors)
    h = result_hash(result.to_json())
    if h != lock_body["result_hash"]:
        raise ShowError(f"the lock's result_hash {lock_body['result_hash'][:16]}… does not match the list "
                        f"these secrets give ({h[:16]}…): the lock binds another list ({ART_LOCK})")
    return PrivateView(result, h)
