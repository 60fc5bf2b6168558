"""Beacon values and their BLS verification (drand ``bls-unchained-g1-rfc9380``).

A beacon for round r is a BLS signature on G1 over ``SHA-256(u64be(r))`` under the chain's G2
public key; its randomness is ``SHA-256(signature)``. Verifying it here, rather than trusting a
relay, is what lets anyone re-check a draw offline from the ledger alone. All curve arithmetic
(point decoding, RFC 9380 hash-to-curve, pairings) is done by ``py_arkworks_bls12381``.
Pure module: no IO.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from py_arkworks_bls12381 import GT, G1Point, G2Point

from publisher.beacon.chain import (
    DST_G1,
    SCHEME_UNCHAINED_G1,
    SIGNATURE_LEN,
    BeaconError,
    ChainError,
    ChainInfo,
    check_round,
)

RANDOMNESS_LEN = 32
_HEX = re.compile(r"^(?:[0-9a-f]{2})*$")


@dataclass(frozen=True)
class Beacon:
    """One round's output. ``randomness`` defaults to ``SHA-256(signature)``.

    A randomness given explicitly (e.g. read from a relay or a ledger entry) is a *claim*;
    :func:`check_beacon` refuses it unless it equals ``SHA-256(signature)``.
    """

    round: int
    signature: bytes
    randomness: bytes = b""

    def __post_init__(self) -> None:
        if not isinstance(self.signature, bytes):
            raise BeaconError("beacon signature must be bytes")
        if not isinstance(self.randomness, bytes):
            raise BeaconError("beacon randomness must be bytes")
        if self.randomness == b"":
            object.__setattr__(self, "randomness", randomness_of(self.signature))


def randomness_of(signature: bytes) -> bytes:
    """drand randomness: SHA-256 of the compressed signature bytes."""
    return hashlib.sha256(signature).digest()


def beacon_message(round: int) -> bytes:
    """The signed message: SHA-256 of the round as an unsigned 64-bit big-endian integer."""
    check_round(round)
    return hashlib.sha256(round.to_bytes(8, "big")).digest()


@lru_cache(maxsize=16)
def _public_key_point(public_key: bytes) -> G2Point:
    try:
        pk = G2Point.from_compressed_bytes(public_key)  # checks curve and subgroup
    except (ValueError, TypeError) as exc:
        raise ChainError(f"chain public key is not a valid compressed G2 point: {exc}") from exc
    if pk == G2Point.identity():
        raise ChainError("chain public key is the point at infinity")
    return pk


def check_public_key(chain: ChainInfo) -> None:
    """Refuse a chain whose public key does not decode to a usable G2 point."""
    _public_key_point(chain.public_key)


def check_beacon(chain: ChainInfo, beacon: Beacon) -> None:
    """Raise :class:`BeaconError` naming the failed check, or return if the beacon is valid.

    Checks, in order: scheme, round range, signature length, randomness claim, public key,
    signature point (on curve, in G1, not infinity), and ``e(sig, g2) == e(H(m), pk)``.
    """
    where = f"beacon round {beacon.round!r} of chain {chain.short_hash}"
    if chain.scheme != SCHEME_UNCHAINED_G1:
        raise BeaconError(f"{where}: unsupported scheme {chain.scheme!r}")
    try:
        message = beacon_message(beacon.round)
    except ChainError as exc:
        raise BeaconError(f"{where}: {exc}") from exc
    if len(beacon.signature) != SIGNATURE_LEN:
        raise BeaconError(
            f"{where}: signature must be {SIGNATURE_LEN} bytes (compressed G1), "
            f"got {len(beacon.signature)}"
        )
    if beacon.randomness != randomness_of(beacon.signature):
        raise BeaconError(f"{where}: randomness is not SHA-256(signature)")
    pk = _public_key_point(chain.public_key)
    try:
        sig = G1Point.from_compressed_bytes(beacon.signature)  # checks curve and subgroup
    except (ValueError, TypeError) as exc:
        raise BeaconError(f"{where}: signature is not a valid G1 point ({exc})") from exc
    if sig == G1Point.identity():
        raise BeaconError(f"{where}: signature is the point at infinity")
    h = G1Point.hash_to_curve(message, DST_G1)
    # e(sig, g2) * e(-H(m), pk) == 1  <=>  e(sig, g2) == e(H(m), pk)
    if not GT.pairing_check([sig, -h], [G2Point(), pk]):
        raise BeaconError(f"{where}: BLS signature does not verify against the chain public key")


def verify_beacon(chain: ChainInfo, beacon: Beacon) -> bool:
    """True if :func:`check_beacon` accepts the beacon, False otherwise."""
    try:
        check_beacon(chain, beacon)
    except BeaconError:
        return False
    return True


def beacon_to_json(beacon: Beacon) -> dict[str, Any]:
    """drand HTTP API shape: ``{"round": int, "randomness": hex, "signature": hex}``."""
    return {
        "round": beacon.round,
        "randomness": beacon.randomness.hex(),
        "signature": beacon.signature.hex(),
    }


def beacon_from_json(data: Any) -> Beacon:
    """Parse the drand HTTP API shape (extra keys such as ``previous_signature`` are ignored).

    Only parses; call :func:`check_beacon` to trust it.
    """
    if not isinstance(data, dict):
        raise BeaconError("beacon must be a JSON object")
    rnd = data.get("round")
    if not isinstance(rnd, int) or isinstance(rnd, bool):
        raise BeaconError("beacon 'round' must be an integer")
    fields: dict[str, bytes] = {}
    for name in ("signature", "randomness"):
        value = data.get(name)
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise BeaconError(f"beacon {name!r} must be lowercase hex")
        fields[name] = bytes.fromhex(value)
    if len(fields["randomness"]) != RANDOMNESS_LEN:
        raise BeaconError(f"beacon 'randomness' must be {RANDOMNESS_LEN} bytes")
    return Beacon(round=rnd, signature=fields["signature"], randomness=fields["randomness"])
