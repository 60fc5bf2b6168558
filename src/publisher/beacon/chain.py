"""Beacon chain parameters: what a verifier must pin to trust a beacon.

A chain is identified by its ``chain_hash``. For a real drand chain that hash is drand's own
``Info.Hash()`` over (period, genesis time, public key, genesis seed, beacon id), so a pinned
hash binds the public key: a ``trust.json`` that pairs the well-known quicknet hash with another
key is refused. A simulated chain hashes the RFC 8785 bytes of its own JSON form instead
(``docs/spec/50-beacon.md``). Pure module: no IO, no crypto beyond SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from publisher.core.canonical import canonical_bytes

from ..core.errors import PublisherError

SCHEME_UNCHAINED_G1 = "bls-unchained-g1-rfc9380"
"""drand scheme id: unchained beacons, signatures on G1, public key on G2, RFC 9380 hashing."""

DST_G1 = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
"""Hash-to-curve domain separation tag drand uses for ``bls-unchained-g1-rfc9380``."""

SUPPORTED_SCHEMES = frozenset({SCHEME_UNCHAINED_G1})
PUBLIC_KEY_LEN = 96  # compressed G2
SIGNATURE_LEN = 48  # compressed G1
MAX_ROUND = 2**64 - 1  # the message encodes the round as an unsigned 64-bit integer

SIMULATED_LABEL = "SIMULATED beacon — not the real drand network"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_BEACON_ID = re.compile(r"^[A-Za-z0-9_.-]{0,64}$")


class BeaconError(PublisherError, ValueError):
    """A beacon or chain cannot be trusted; the message says which check failed."""


class ChainError(BeaconError):
    """Chain parameters are malformed or inconsistent with their chain hash."""


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def check_round(round: int) -> int:
    """Rounds are 1-based unsigned 64-bit integers (round 0 is drand's unsigned genesis)."""
    if not _is_int(round) or not 1 <= round <= MAX_ROUND:
        raise ChainError(f"round must be an integer in 1..2^64-1, got {round!r}")
    return round


@dataclass(frozen=True)
class ChainInfo:
    """Everything needed to verify a chain's beacons and map rounds to times.

    ``group_hash`` (drand's genesis seed, hex) and ``beacon_id`` are only meaningful for real
    drand chains; with them the chain hash can be recomputed (see :func:`drand_chain_hash`).
    """

    chain_hash: str
    public_key: bytes
    period: int
    genesis_time: int
    scheme: str = SCHEME_UNCHAINED_G1
    label: str = ""
    simulated: bool = False
    group_hash: str | None = None
    beacon_id: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.chain_hash, str) or not _HEX64.fullmatch(self.chain_hash):
            raise ChainError("chain_hash must be 64 lowercase hex characters")
        if self.scheme not in SUPPORTED_SCHEMES:
            raise ChainError(f"unsupported beacon scheme {self.scheme!r}")
        if not isinstance(self.public_key, bytes) or len(self.public_key) != PUBLIC_KEY_LEN:
            raise ChainError(f"public_key must be {PUBLIC_KEY_LEN} bytes (compressed G2)")
        if not _is_int(self.period) or self.period <= 0:
            raise ChainError("period must be a positive integer number of seconds")
        if not _is_int(self.genesis_time) or self.genesis_time < 0:
            raise ChainError("genesis_time must be a non-negative integer (unix seconds)")
        if not isinstance(self.label, str):
            raise ChainError("label must be a string")
        if not isinstance(self.simulated, bool):
            raise ChainError("simulated must be a boolean")
        if self.group_hash is not None and (
            not isinstance(self.group_hash, str) or not _HEX64.fullmatch(self.group_hash)
        ):
            raise ChainError("group_hash must be 64 lowercase hex characters or null")
        if not isinstance(self.beacon_id, str) or not _BEACON_ID.fullmatch(self.beacon_id):
            raise ChainError("beacon_id must match [A-Za-z0-9_.-]{0,64}")

    def round_time(self, round: int) -> int:
        """Unix time at which ``round`` is due: ``genesis_time + (round-1)*period``."""
        check_round(round)
        return self.genesis_time + (round - 1) * self.period

    def round_at(self, unix_time: int) -> int:
        """The first round whose time is ``>= unix_time`` (1 for any time up to genesis).

        This is what a commitment needs: the earliest round not yet due before ``unix_time``.
        Equal to ``ceil((t - genesis)/period) + 1`` for ``t > genesis``.
        """
        if not _is_int(unix_time):
            raise ChainError("unix_time must be an integer")
        if unix_time <= self.genesis_time:
            return 1
        return -((self.genesis_time - unix_time) // self.period) + 1

    def current_round(self, unix_time: int) -> int:
        """drand's "current round": the last round whose time is ``<= unix_time`` (0 before genesis).

        ``floor((t - genesis)/period) + 1``; differs from :meth:`round_at` when ``t`` falls
        between two round times.
        """
        if not _is_int(unix_time):
            raise ChainError("unix_time must be an integer")
        if unix_time < self.genesis_time:
            return 0
        return (unix_time - self.genesis_time) // self.period + 1

    @property
    def short_hash(self) -> str:
        return self.chain_hash[:8]


def drand_chain_hash(
    period: int, genesis_time: int, public_key: bytes, group_hash: str, beacon_id: str
) -> str:
    """drand ``Info.Hash()``: SHA-256(u32be period ‖ i64be genesis ‖ pk ‖ group hash ‖ id).

    The beacon id is omitted when empty or ``"default"`` (drand's backward compatibility rule).
    """
    h = hashlib.sha256()
    h.update(period.to_bytes(4, "big"))
    h.update(genesis_time.to_bytes(8, "big", signed=True))
    h.update(public_key)
    h.update(bytes.fromhex(group_hash))
    if beacon_id not in ("", "default"):
        h.update(beacon_id.encode("ascii"))
    return h.hexdigest()


def _json_without_hash(chain: ChainInfo) -> dict[str, Any]:
    d = chain_to_json(chain)
    del d["chain_hash"]
    return d


def simulated_chain_hash(chain: ChainInfo) -> str:
    """SHA-256 of the RFC 8785 bytes of ``chain_to_json(chain)`` without ``chain_hash``."""
    return hashlib.sha256(canonical_bytes(_json_without_hash(chain))).hexdigest()


def expected_chain_hash(chain: ChainInfo) -> str | None:
    """The chain hash implied by the other fields, or None if it cannot be recomputed."""
    if chain.simulated:
        return simulated_chain_hash(chain)
    if chain.group_hash is None:
        return None
    return drand_chain_hash(
        chain.period, chain.genesis_time, chain.public_key, chain.group_hash, chain.beacon_id
    )


def check_chain_hash(chain: ChainInfo, *, require: bool = True) -> None:
    """Refuse a chain whose hash does not match its parameters.

    With ``require`` a real chain without ``group_hash`` is refused too, because its pinned hash
    would then not bind the public key.
    """
    expected = expected_chain_hash(chain)
    if expected is None:
        if require:
            raise ChainError(
                f"chain {chain.short_hash}: group_hash is missing, so the chain hash cannot be "
                "checked against the public key"
            )
        return
    if expected != chain.chain_hash:
        raise ChainError(
            f"chain hash mismatch: pinned {chain.chain_hash}, parameters give {expected}"
        )


def chain_to_json(chain: ChainInfo) -> dict[str, Any]:
    """JSON form for ``ledger/trust.json`` and entries; every key is always present."""
    return {
        "chain_hash": chain.chain_hash,
        "scheme": chain.scheme,
        "public_key": chain.public_key.hex(),
        "period": chain.period,
        "genesis_time": chain.genesis_time,
        "group_hash": chain.group_hash,
        "beacon_id": chain.beacon_id,
        "label": chain.label,
        "simulated": chain.simulated,
    }


_JSON_KEYS = frozenset(
    {
        "chain_hash",
        "scheme",
        "public_key",
        "period",
        "genesis_time",
        "group_hash",
        "beacon_id",
        "label",
        "simulated",
    }
)


def chain_from_json(data: Any) -> ChainInfo:
    """Parse and check a chain: exact key set, types, and the chain hash against the parameters."""
    if not isinstance(data, dict):
        raise ChainError("chain info must be a JSON object")
    keys = set(data)
    if keys != _JSON_KEYS:
        missing = sorted(_JSON_KEYS - keys)
        extra = sorted(keys - _JSON_KEYS)
        raise ChainError(f"chain info keys wrong: missing {missing}, unexpected {extra}")
    pk_hex = data["public_key"]
    if not isinstance(pk_hex, str) or not re.fullmatch(r"[0-9a-f]*", pk_hex) or len(pk_hex) % 2:
        raise ChainError("public_key must be lowercase hex")
    chain = ChainInfo(
        chain_hash=data["chain_hash"],
        public_key=bytes.fromhex(pk_hex),
        period=data["period"],
        genesis_time=data["genesis_time"],
        scheme=data["scheme"],
        label=data["label"],
        simulated=data["simulated"],
        group_hash=data["group_hash"],
        beacon_id=data["beacon_id"],
    )
    check_chain_hash(chain)
    return chain


QUICKNET = ChainInfo(
    chain_hash="52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    public_key=bytes.fromhex(
        "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
        "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
        "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"
    ),
    period=3,
    genesis_time=1692803367,
    scheme=SCHEME_UNCHAINED_G1,
    label="drand quicknet (League of Entropy)",
    simulated=False,
    group_hash="f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e",
    beacon_id="quicknet",
)
"""The real League of Entropy quicknet chain (https://api.drand.sh/52db9ba7.../info)."""
