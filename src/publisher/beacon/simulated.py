"""A local stand-in for drand, for offline demos and tests.

It signs rounds with the same scheme, so the *same* :func:`check_beacon` verifies it; only the
trust differs: whoever knows the seed knows every future value. Its chain is therefore marked
``simulated=True``, labelled as such, and gets a chain hash that can never collide with a real
drand chain's (different derivation, see ``docs/spec/50-beacon.md``). Pure module.
"""

from __future__ import annotations

import hashlib

from py_arkworks_bls12381 import G1Point, G2Point, Scalar

from publisher.beacon.chain import (
    DST_G1,
    SCHEME_UNCHAINED_G1,
    SIMULATED_LABEL,
    BeaconError,
    ChainInfo,
    simulated_chain_hash,
)
from publisher.beacon.verify import Beacon, beacon_message

KEY_TAG = b"ssgk/sim-beacon-key/v1\x00"
_PLACEHOLDER_HASH = "0" * 64


def secret_key_from_seed(seed: bytes) -> bytes:
    """32-byte big-endian scalar: ``SHA-512(KEY_TAG ‖ seed)`` as an integer, mod r.

    512 bits reduced mod the 255-bit group order r has negligible bias.
    """
    if not isinstance(seed, bytes) or not seed:
        raise BeaconError("simulated beacon seed must be non-empty bytes")
    digest = hashlib.sha512(KEY_TAG + seed).digest()
    sk = Scalar.from_be_bytes_mod_order(digest)
    if sk.is_zero():  # pragma: no cover - probability ~2^-255
        raise BeaconError("seed gives a zero secret key; choose another seed")
    return sk.to_be_bytes()


class SimulatedBeacon:
    """Deterministic BLS beacon chain: same seed, genesis and period → same chain and beacons."""

    def __init__(
        self,
        seed: bytes,
        genesis_time: int,
        period: int = 3,
        *,
        label: str = SIMULATED_LABEL,
    ) -> None:
        self._init(secret_key_from_seed(seed), genesis_time, period, label)

    @classmethod
    def from_secret_key(
        cls, secret_key: bytes, genesis_time: int, period: int = 3, *, label: str = SIMULATED_LABEL
    ) -> SimulatedBeacon:
        """Use a given 32-byte big-endian scalar (``1 <= sk < r``) instead of a seed."""
        self = cls.__new__(cls)
        self._init(secret_key, genesis_time, period, label)
        return self

    def _init(self, secret_key: bytes, genesis_time: int, period: int, label: str) -> None:
        try:
            sk = Scalar.from_be_bytes(secret_key)
        except (ValueError, TypeError) as exc:
            raise BeaconError(f"secret key must be a canonical 32-byte scalar: {exc}") from exc
        if sk.is_zero():
            raise BeaconError("secret key must not be zero")
        self._sk = sk
        public_key = (G2Point() * sk).to_compressed_bytes()
        draft = ChainInfo(
            chain_hash=_PLACEHOLDER_HASH,
            public_key=public_key,
            period=period,
            genesis_time=genesis_time,
            scheme=SCHEME_UNCHAINED_G1,
            label=label,
            simulated=True,
            group_hash=None,
            beacon_id="",
        )
        self.chain = ChainInfo(
            chain_hash=simulated_chain_hash(draft),
            public_key=public_key,
            period=period,
            genesis_time=genesis_time,
            scheme=SCHEME_UNCHAINED_G1,
            label=label,
            simulated=True,
        )

    def beacon(self, round: int) -> Beacon:
        """Sign ``round``: ``sk · H(SHA-256(u64be(round)))`` on G1, compressed."""
        h = G1Point.hash_to_curve(beacon_message(round), DST_G1)
        return Beacon(round=round, signature=(h * self._sk).to_compressed_bytes())

    def get(self, round: int) -> Beacon:
        """:class:`BeaconSource` interface; a simulated beacon can sign any round at once."""
        return self.beacon(round)

    def __repr__(self) -> str:  # never show the secret key
        return f"SimulatedBeacon(chain={self.chain.short_hash}, genesis={self.chain.genesis_time})"
