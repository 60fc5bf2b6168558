"""The trust anchors a verifier starts from: pinned, never learned from the log itself.

``ledger/trust.json`` is written once when a portal is created and is immutable afterwards
(``publisher check-push`` refuses any change to it); an auditor can pin their own copy with
``publisher verify --trust FILE``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import PublisherError
from .keys import PublicKey

TRUST_VERSION = 1


class TrustError(PublisherError, ValueError):
    pass


def trust_fingerprint(obj: dict[str, Any]) -> str:
    """SHA-256 (hex) of trust.json's RFC 8785 canonical bytes: the value the README, the About
    page and the gazette publish, and the browser verifier pins (spec §3.11)."""
    import hashlib

    from .canonical import canonical_bytes

    return hashlib.sha256(canonical_bytes(obj)).hexdigest()


@dataclass(frozen=True)
class WitnessPolicy:
    """Which witnesses vouch for checkpoints and how many must (k of n).

    Set in trust.json when the portal is created; changed later only by a ``witness.set``
    entry that the old quorum cosigns (spec §3.9)."""

    witnesses: tuple[Any, ...]  # of core.cosignature.WitnessKey
    quorum: int
    urls: dict[str, str] = field(default_factory=dict, compare=False)  # name -> submission prefix (a hint)

    def __post_init__(self) -> None:
        names = [w.name for w in self.witnesses]
        if len(set(names)) != len(names):
            raise TrustError("witnesses: two witnesses share a name")
        if not isinstance(self.quorum, int) or isinstance(self.quorum, bool) or not 1 <= self.quorum <= len(names):
            raise TrustError(f"witnesses: quorum must be between 1 and the number of witnesses ({len(names)})")

    @classmethod
    def from_json(cls, obj: Any, where: str = "trust.json") -> WitnessPolicy:
        from .cosignature import WitnessKey  # local: keeps trust importable without note code
        from .note import NoteError

        if not isinstance(obj, dict) or set(obj) - {"quorum", "witnesses"}:
            raise TrustError(f"{where}: witnesses must be an object with 'quorum' and 'witnesses'")
        try:
            keys, urls = [], {}
            for w in obj["witnesses"]:
                if not isinstance(w, dict) or set(w) - {"vkey", "url"}:
                    raise TrustError(f"{where}: each witness is {{'vkey': …, 'url': …}}")
                key = WitnessKey.from_vkey(w["vkey"])
                keys.append(key)
                if w.get("url"):
                    urls[key.name] = str(w["url"])
            return cls(tuple(keys), obj["quorum"], urls)
        except (KeyError, TypeError, NoteError) as exc:
            raise TrustError(f"{where}: witnesses: {exc}") from None

    def to_json(self) -> dict[str, Any]:
        return {"quorum": self.quorum,
                "witnesses": [{"vkey": w.vkey, **({"url": self.urls[w.name]} if w.name in self.urls else {})}
                              for w in self.witnesses]}


@dataclass(frozen=True)
class Trust:
    origin: str  # checkpoint origin line, e.g. "portal.example.gov.cn/sample-county"
    root_keys: dict[str, PublicKey]  # key id -> operator root key
    log_vkey: str  # C2SP vkey of the checkpoint (log) key
    beacon_chains: dict[str, Any] = field(default_factory=dict)  # chain hash -> ChainInfo
    sample: bool = False  # True for the generated sample county
    witnesses: WitnessPolicy | None = None  # None: no witnesses named (checkpoints rest on the log key alone)
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, obj: Any, chain_parser: Callable[[Any], Any] | None = None) -> Trust:
        """Parse trust.json. Beacon chains are a domain's data: the kernel keeps them only when
        given the beacon layer's ``chain_parser`` (see :func:`publisher.portal.load_trust`);
        without it ``beacon_chains`` stays empty, so a draw can never verify against
        an unparsed chain."""
        if not isinstance(obj, dict) or obj.get("version") != TRUST_VERSION:
            raise TrustError("trust.json: expected an object with version 1")
        try:
            roots = {}
            for k in obj["root_keys"]:
                pk = PublicKey.from_b64(k["public_key"])
                roots[pk.id] = pk
            chains = {}
            if obj.get("beacon_chains") and chain_parser is not None:
                for c in obj["beacon_chains"]:
                    info = chain_parser(c)
                    chains[info.chain_hash] = info
            if not roots:
                raise TrustError("trust.json: no root keys")
            policy = WitnessPolicy.from_json(obj["witnesses"]) if obj.get("witnesses") is not None else None
            return cls(origin=str(obj["origin"]), root_keys=roots, log_vkey=str(obj["log_vkey"]),
                       beacon_chains=chains, sample=bool(obj.get("sample", False)), witnesses=policy, raw=obj)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, TrustError):
                raise
            raise TrustError(f"trust.json: {exc}") from exc
