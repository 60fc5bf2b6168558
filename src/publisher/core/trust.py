"""The trust anchors a verifier starts from: pinned, never learned from the log itself.

``ledger/trust.json`` is written once when a portal is created and is immutable afterwards
(``publisher check-push`` refuses any change to it); an auditor can pin their own copy with
``publisher verify --trust FILE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .keys import PublicKey

TRUST_VERSION = 1


class TrustError(ValueError):
    pass


@dataclass(frozen=True)
class Trust:
    origin: str  # checkpoint origin line, e.g. "portal.example.gov.cn/sample-county"
    root_keys: dict[str, PublicKey]  # key id -> operator root key
    log_vkey: str  # C2SP vkey of the checkpoint (log) key
    beacon_chains: dict[str, Any] = field(default_factory=dict)  # chain hash -> ChainInfo
    sample: bool = False  # True for the generated sample county
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, obj: Any) -> "Trust":
        if not isinstance(obj, dict) or obj.get("version") != TRUST_VERSION:
            raise TrustError("trust.json: expected an object with version 1")
        try:
            roots = {}
            for k in obj["root_keys"]:
                pk = PublicKey.from_b64(k["public_key"])
                roots[pk.id] = pk
            chains = {}
            if obj.get("beacon_chains"):
                from ..beacon import chain_from_json  # local import: beacon is optional for foundation tests

                for c in obj["beacon_chains"]:
                    info = chain_from_json(c)
                    chains[info.chain_hash] = info
            if not roots:
                raise TrustError("trust.json: no root keys")
            return cls(origin=str(obj["origin"]), root_keys=roots, log_vkey=str(obj["log_vkey"]),
                       beacon_chains=chains, sample=bool(obj.get("sample", False)), raw=obj)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, TrustError):
                raise
            raise TrustError(f"trust.json: {exc}") from exc
