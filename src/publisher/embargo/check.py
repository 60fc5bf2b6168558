"""The public check of an embargoed draw once its reveal round exists: the draw rule's core.

From the escrows alone (no reveal entry, no action by the office) recompute the list and compare
it with the lock's ``result_hash``. Returns findings rather than raising, like the draw rule:
an empty list means the embargoed lock binds exactly the list the committed secrets give.
Before the reveal round (``reveal_beacon is None``) there is nothing to check yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from publisher.beacon.chain import BeaconError, ChainInfo
from publisher.beacon.verify import Beacon, check_beacon
from publisher.draw.errors import ART_LOCK, ART_UNANNOUNCED, DrawError, Finding
from publisher.draw.lock import compute_result, result_hash

from .escrow import EscrowError, open_escrows, reveal_round


def embargo_findings(commit_id: str, commit_body: Mapping[str, Any], lock_body: Mapping[str, Any],
                     chain: ChainInfo, reveal_beacon: Beacon | None, targets: Iterable[Any],
                     inspectors: Iterable[Any], opened: list[Any] | None = None) -> list[Finding]:
    """Findings for an embargoed lock whose reveal round is out (none before it).

    The escrows are the commitment's own (``offices[i].escrow``). When the lock binds the list,
    ``(result, secrets)`` is appended to ``opened`` (the list, recomputed from the timelock alone)."""
    if reveal_beacon is None:
        return []
    want = reveal_round(chain, commit_body["embargo_until"])
    if reveal_beacon.round != want:
        return [Finding(f"beacon round {reveal_beacon.round} given, the embargo ending "
                        f"{commit_body['embargo_until']} reveals at round {want}", ART_UNANNOUNCED)]
    b = lock_body["beacon"]
    draw_beacon = Beacon(round=b["round"], signature=bytes.fromhex(b["signature"]))
    try:
        check_beacon(chain, draw_beacon)
    except BeaconError as exc:
        return [Finding(f"the lock's beacon does not verify: {exc}", ART_LOCK)]
    try:
        secrets = open_escrows(commit_body, chain, reveal_beacon)
    except EscrowError as exc:
        return [Finding(f"embargo escrow: {exc.office}: {exc.code}: {exc.detail}", ART_UNANNOUNCED)]
    try:
        result = compute_result(commit_id, commit_body, draw_beacon.randomness, secrets, targets, inspectors)
    except DrawError as exc:
        return [Finding(f"the embargoed draw cannot be recomputed: {exc.message}", ART_LOCK)]
    h = result_hash(result.to_json())
    if h != lock_body.get("result_hash"):
        return [Finding(f"embargoed lock binds nothing: its result_hash {str(lock_body.get('result_hash'))[:16]}… is "
                        f"not the hash of the list the escrowed secrets give ({h[:16]}…)", ART_LOCK)]
    if opened is not None:
        opened.append((result, secrets))
    return []
