"""key.revoke with `compromised_since`: entries the stolen key signed from then on are void (a
flag on each, seen by no rule), earlier ones stay valid, and the ledger stays verifiable."""

from __future__ import annotations

from ledgertools import det_key
from publisher.core.entry import OPERATOR
from publisher.core.verifier import verify


class Seen:
    """A rule that records which entries the domain rules were given."""

    name = "seen"

    def __init__(self):
        self.ids: list[str] = []

    def check(self, entry, ctx):
        self.ids.append(entry.id)
        return []

    def finish(self, ctx):
        return []


def _revoke(f, since: str | None, reason: str = "compromise", key=None):
    body = {"office": "scjgj", "key_id": f.keys["scjgj"].id, "reason": reason}
    if since is not None:
        body["compromised_since"] = since
    return f.ledger.append(OPERATOR, "key.revoke", body, key or f.root_key, f.tick())


def test_entries_after_compromised_since_are_void_earlier_ones_valid(small_ledger):
    f = small_ledger
    before = f.notice("scjgj", "泄露前")
    since = f.tick(3600)
    stolen = f.notice("scjgj", "窃取密钥后伪造")
    _revoke(f, since)
    seen = Seen()
    r = verify(f.ledger, f.ledger.trust(), [seen])
    assert r.ok, [p.line() for p in r.errors]
    void = [p for p in r.problems if p.rule == "compromised"]
    assert len(void) == 1 and void[0].entry_id == stolen.id and void[0].severity == "warning"
    assert void[0].message.startswith("作废：签名时该密钥已被运营方宣布泄露 / "
                                        f"void: signed by key {f.keys['scjgj'].id} at {stolen.time}, after {since}")
    assert before.id in seen.ids and stolen.id not in seen.ids
    # the office signs on only with a new key; the stolen one is refused after the revocation
    f.notice("scjgj", "撤销后仍用旧密钥")
    assert any("was revoked earlier in the log" in p.message for p in f.verify().errors)


def test_plain_revocation_voids_nothing(small_ledger):
    f = small_ledger
    f.notice("scjgj", "一")
    _revoke(f, None, reason="rotation")
    r = f.verify()
    assert r.ok and not [p for p in r.problems if p.rule == "compromised"]


def test_compromised_since_needs_reason_compromise(small_ledger):
    f = small_ledger
    _revoke(f, "2026-01-01T00:00:00Z", reason="rotation")
    r = f.verify()
    assert any(p.rule == "schema" and "compromise" in p.message for p in r.errors), [p.line() for p in r.problems]
    assert not [p for p in r.problems if p.rule == "compromised"]


def test_a_revocation_not_signed_by_a_root_key_voids_nothing(small_ledger):
    f = small_ledger
    victim = f.notice("scjgj", "真实记录")
    _revoke(f, "2020-01-01T00:00:00Z", key=det_key("intruder"))
    r = f.verify()
    assert not [p for p in r.problems if p.rule == "compromised" and p.entry_id == victim.id]
    assert any(p.rule == "signature" and "not a pinned root key" in p.message for p in r.errors)


def test_registry_keeps_compromised_since(small_ledger):
    from publisher.core.registry import KeyRegistry

    f = small_ledger
    since = f.tick()
    _revoke(f, since)
    reg = KeyRegistry(f.ledger.trust())
    for _, e in f.ledger.iter_entries():
        if e.office == OPERATOR:
            assert reg.apply(e) is None
    assert reg.keys[f.keys["scjgj"].id].compromised_since == since
