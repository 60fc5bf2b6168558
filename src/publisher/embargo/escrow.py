"""An office's draw secret, tlock-encrypted to the first beacon round of the embargo's end.

Anyone opens the escrow once that round exists and checks the secret against the office's
commitment (docs/spec/60-draw.md §6.5), so an embargoed draw can be recomputed without the
office. Every failure says which office, which rule (``tlock.*`` or ``escrow.*``) and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from publisher.beacon.chain import ChainInfo
from publisher.beacon.verify import Beacon
from publisher.draw.errors import ART_UNANNOUNCED, Finding
from publisher.draw.seed import secret_commitment
from publisher.draw.timeutil import day_start, unix
from publisher.timelock import TimelockError, age, decrypt, encrypt, encrypt_with, locked_to

from ..core.errors import PublisherError


class EscrowError(PublisherError, ValueError):
    """An escrow cannot be made or does not open to its office's committed secret."""

    def __init__(self, office: str, code: str, message: str) -> None:
        super().__init__(f"office {office}: {code}: {message} ({ART_UNANNOUNCED})")
        self.office, self.code, self.detail = office, code, message


def reveal_round(chain: ChainInfo, embargo_until: str) -> int:
    """The first round due at or after 00:00 Beijing time on ``embargo_until`` (YYYY-MM-DD)."""
    return chain.round_at(day_start(embargo_until))


def seal_secret(secret: bytes, embargo_until: str, chain: ChainInfo,
                randbytes: Callable[[int], bytes] | None = None) -> str:
    """The armored tlock ciphertext of ``secret``, locked to :func:`reveal_round`.

    ``randbytes`` replaces the OS CSPRNG only for reproducible sample ledgers, whose secrets
    come from the same seeded generator anyway."""
    rr = reveal_round(chain, embargo_until)
    if randbytes is None:
        return encrypt(secret, rr, chain).decode("ascii")
    return encrypt_with(secret, rr, chain, file_key=randbytes(age.FILE_KEY_LEN), sigma=randbytes(age.FILE_KEY_LEN),
                        nonce=randbytes(age.NONCE_LEN)).decode("ascii")


def escrow_findings(body: Mapping[str, Any], time: str, chain: ChainInfo | None) -> list[Finding]:
    """Commit-time rules of an embargoed commitment (rule ``draw.embargo``), no beacon needed.

    The embargo ends after the commitment (Beijing date) and after its own beacon round; every
    office carries an escrow of its secret locked to exactly the reveal round. Whether the escrow
    holds the committed secret can only be known at that round (:mod:`.check`).
    """
    until = body.get("embargo_until")
    if not until or chain is None:
        return []
    try:
        end = day_start(until)
    except ValueError:
        return []  # reported by draw.commit (not a calendar date)
    out = []
    if end <= unix(time):
        out.append(Finding(f"embargo_until {until} is not after the commitment ({time}); an embargo ends in the "
                           "future", ART_UNANNOUNCED, rule="draw.embargo"))
    rr = reveal_round(chain, until)
    if rr <= body["beacon"]["round"]:
        out.append(Finding(f"the embargo ends (round {rr}) before the draw's beacon round {body['beacon']['round']}",
                           ART_UNANNOUNCED, rule="draw.embargo"))
    for o in body["offices"]:
        if "escrow" not in o:
            out.append(Finding(f"office {o['office']} gives no escrow of its secret: an embargoed draw carries every "
                               "secret timelocked to the embargo's end, so the list opens without the office "
                               f"(a partner prints its pair with `publisher draw secret {body['task']} --office "
                               f"{o['office']} --embargo-until {until}`)", ART_UNANNOUNCED, rule="draw.embargo"))
            continue
        try:
            check_escrow_lock(o["escrow"], office=o["office"], embargo_until=until, chain=chain)
        except EscrowError as exc:
            out.append(Finding(f"office {exc.office}: {exc.code}: {exc.detail}", ART_UNANNOUNCED, rule="draw.embargo"))
    return out


def check_escrow_lock(escrow: str | bytes, *, office: str, embargo_until: str, chain: ChainInfo) -> None:
    """Commit-time check, no beacon needed: the escrow parses and is locked to exactly the
    reveal round of ``embargo_until`` on the draw's chain. An escrow that fails here can never
    open on time, so the commitment is refused at once rather than at the reveal round."""
    want = reveal_round(chain, embargo_until)
    data = escrow.encode("ascii") if isinstance(escrow, str) else escrow
    try:
        lock = locked_to(data)
    except TimelockError as exc:
        raise EscrowError(office, exc.code, exc.detail) from exc
    if lock.chain_hash != chain.chain_hash:
        raise EscrowError(office, "escrow.chain", f"escrow is locked to chain {lock.chain_hash[:8]}…, "
                                                  f"the draw's beacon chain is {chain.short_hash}…")
    if lock.round != want:
        raise EscrowError(office, "escrow.round", f"escrow is locked to round {lock.round}, the embargo "
                                                  f"ending {embargo_until} needs round {want}")


def open_escrow(escrow: str, *, task: str, office: str, commitment: str, embargo_until: str,
                chain: ChainInfo, beacon: Beacon | None) -> bytes:
    """The office's secret from its escrow, checked against its commitment.

    ``beacon`` is the chain's beacon for the reveal round, or ``None`` if it is not out yet
    (→ ``tlock.not-yet``). An escrow locked to another round or chain is refused even if it
    would open: the reveal time is part of what the office committed to.
    """
    check_escrow_lock(escrow, office=office, embargo_until=embargo_until, chain=chain)
    data = escrow.encode("ascii") if isinstance(escrow, str) else escrow
    try:
        secret = decrypt(data, beacon, chain)
    except TimelockError as exc:
        raise EscrowError(office, exc.code, exc.detail) from exc
    if len(secret) != 32 or secret_commitment(task, office, secret) != commitment:
        raise EscrowError(office, "escrow.commitment",
                          f"escrow opens to a value that is not the secret of commitment {commitment[:16]}…")
    return secret


def open_escrows(commit_body: Mapping[str, Any], chain: ChainInfo, beacon: Beacon | None,
                 escrows: Sequence[str] | None = None) -> list[bytes]:
    """Every office's secret, in the commitment's office order (what the seed needs).

    The escrows are the offices' ``escrow`` fields of the commitment unless given."""
    offices = commit_body["offices"]
    if escrows is None:
        missing = [o["office"] for o in offices if "escrow" not in o]
        if missing:
            raise EscrowError(missing[0], "escrow.missing", "the commitment carries no escrow for this office")
        escrows = [o["escrow"] for o in offices]
    if len(escrows) != len(offices):
        raise EscrowError("*", "escrow.count", f"{len(escrows)} escrows for {len(offices)} committed offices")
    return [open_escrow(e, task=commit_body["task"], office=o["office"], commitment=o["commitment"],
                        embargo_until=commit_body["embargo_until"], chain=chain, beacon=beacon)
            for o, e in zip(offices, escrows)]
