"""Public randomness beacons: drand quicknet verification, a simulated chain, an HTTP client.

``chain`` (parameters, round times, JSON), ``verify`` (beacon values, BLS check) and
``simulated`` are pure; ``client`` is the only module doing network IO.
"""

from publisher.beacon.chain import (
    DST_G1,
    QUICKNET,
    SCHEME_UNCHAINED_G1,
    SIMULATED_LABEL,
    BeaconError,
    ChainError,
    ChainInfo,
    chain_from_json,
    chain_to_json,
    check_chain_hash,
    drand_chain_hash,
    simulated_chain_hash,
)
from publisher.beacon.client import DEFAULT_RELAYS, BeaconSource, HttpBeaconClient
from publisher.beacon.simulated import SimulatedBeacon, secret_key_from_seed
from publisher.beacon.verify import (
    Beacon,
    beacon_from_json,
    beacon_message,
    beacon_to_json,
    check_beacon,
    check_public_key,
    randomness_of,
    verify_beacon,
)

__all__ = [
    "DEFAULT_RELAYS",
    "DST_G1",
    "QUICKNET",
    "SCHEME_UNCHAINED_G1",
    "SIMULATED_LABEL",
    "Beacon",
    "BeaconError",
    "BeaconSource",
    "ChainError",
    "ChainInfo",
    "HttpBeaconClient",
    "SimulatedBeacon",
    "beacon_from_json",
    "beacon_message",
    "beacon_to_json",
    "chain_from_json",
    "chain_to_json",
    "check_beacon",
    "check_chain_hash",
    "check_public_key",
    "drand_chain_hash",
    "randomness_of",
    "secret_key_from_seed",
    "simulated_chain_hash",
    "verify_beacon",
]
