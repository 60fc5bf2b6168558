"""Who may sign what, as learned from operator entries in log order.

Order, not claimed time, decides: a key is usable only for entries that come after its
registration in the log and before its revocation, so back-dating an entry cannot resurrect
a revoked key. Its ``valid_from`` must also not be later than the entry's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .entry import OPERATOR, Entry
from .keys import PublicKey
from .trust import Trust


@dataclass
class KeyRecord:
    office: str
    key: PublicKey
    valid_from: str
    registered_entry: str
    revoked: str | None = None  # entry id of the revocation
    revoked_time: str | None = None
    compromised_since: str | None = None  # entries by this key from then on are void


@dataclass
class KeyRegistry:
    trust: Trust
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)  # office -> office.register body
    keys: dict[str, KeyRecord] = field(default_factory=dict)  # key id -> record

    def signer_problem(self, entry: Entry, sig_ok: bool | None = None) -> str | None:
        """None if ``entry.key`` may sign ``entry``; otherwise why not.

        ``sig_ok`` is the result of an earlier check of the signature against the key with
        this id (done in a worker); None means check it here."""
        def good(pk: PublicKey) -> bool:
            return entry.verify_signature(pk) if sig_ok is None else (sig_ok and pk.id == entry.key)

        if entry.office == OPERATOR:
            pk = self.trust.root_keys.get(entry.key)
            if pk is None:
                return f"operator entry signed by {entry.key}, which is not a pinned root key"
            return None if good(pk) else "bad signature (root key)"
        rec = self.keys.get(entry.key)
        if rec is None:
            return f"signed by unregistered key {entry.key}"
        if rec.office != entry.office:
            return f"key {entry.key} belongs to office {rec.office!r}, not {entry.office!r}"
        if rec.revoked is not None:
            return f"key {entry.key} was revoked earlier in the log (entry {rec.revoked[:16]})"
        if entry.time < rec.valid_from:
            return f"key {entry.key} is not valid before {rec.valid_from} (entry time {entry.time})"
        if entry.office not in self.offices:
            return f"office {entry.office!r} is not registered"
        return None if good(rec.key) else "bad signature"

    def apply(self, entry: Entry) -> str | None:
        """Update from an operator entry; returns a problem or None."""
        b = entry.body
        if entry.type == "office.register":
            if b["office"] in self.offices:
                return f"office {b['office']!r} registered twice"
            if b["office"] == OPERATOR:
                return "the operator is not an office"
            self.offices[b["office"]] = b
        elif entry.type == "key.register":
            try:
                pk = PublicKey.from_b64(b["public_key"])
            except ValueError as exc:
                return f"public_key: {exc}"
            if pk.id != b["key_id"]:
                return f"key_id {b['key_id']} does not match the public key (expected {pk.id})"
            if b["office"] not in self.offices:
                return f"key registered for unknown office {b['office']!r}"
            if pk.id in self.keys:
                return f"key {pk.id} registered twice"
            self.keys[pk.id] = KeyRecord(b["office"], pk, b["valid_from"], entry.id)
        elif entry.type == "key.revoke":
            rec = self.keys.get(b["key_id"])
            if rec is None or rec.office != b["office"]:
                return f"revokes unknown key {b['key_id']} of {b['office']!r}"
            if rec.revoked:
                return f"key {b['key_id']} revoked twice"
            rec.revoked, rec.revoked_time = entry.id, entry.time
            rec.compromised_since = b.get("compromised_since")
        return None
