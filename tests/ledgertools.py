"""Test helpers: real temp-dir ledgers with real keys (no mocks).

A uniquely named module (not conftest) so `from ledgertools import …` works from any test
directory, whatever other conftest.py files exist."""

from __future__ import annotations

import hashlib
from datetime import UTC
from pathlib import Path

from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.entry import OPERATOR
from publisher.core.keys import SigningKey
from publisher.core.note import Signer
from publisher.core.verifier import verify
from publisher.storage.ledger_dir import LedgerDir

ORIGIN = "portal.test/county"


def det_key(name: str) -> SigningKey:
    """Deterministic test keys so failures reproduce."""
    return SigningKey.from_seed(hashlib.sha256(b"test-key:" + name.encode()).digest())


class LedgerFactory:
    """Builds a small valid ledger: operator registers offices and keys, offices post notices."""

    def __init__(self, root: Path):
        self.root = root
        self.ledger = LedgerDir(root)
        self.root_key = det_key("root")
        self.log_signer = Signer(ORIGIN, det_key("log"))
        self.keys: dict[str, SigningKey] = {}
        self.clock = 1767225600  # 2026-01-01T00:00:00Z

    def trust_json(self, chains: list | None = None) -> dict:
        return {"version": 1, "origin": ORIGIN,
                "root_keys": [{"key_id": self.root_key.id, "public_key": self.root_key.public.b64}],
                "log_vkey": self.log_signer.vkey, "beacon_chains": chains or [], "sample": False}

    def init(self, chains: list | None = None) -> LedgerFactory:
        self.ledger.init(self.trust_json(chains))
        return self

    def tick(self, seconds: int = 60) -> str:
        from datetime import datetime

        self.clock += seconds
        return datetime.fromtimestamp(self.clock, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def add_office(self, office: str, name_zh: str = "测试局") -> SigningKey:
        key = det_key("office:" + office)
        self.keys[office] = key
        t = self.tick()
        self.ledger.append(OPERATOR, "office.register", {"office": office, "name_zh": name_zh, "name_en": "Test bureau"}, self.root_key, t)
        self.ledger.append(OPERATOR, "key.register", {"office": office, "key_id": key.id, "public_key": key.public.b64, "valid_from": t}, self.root_key, t)
        return key

    def notice(self, office: str, text: str = "公告", key: SigningKey | None = None):
        return self.ledger.append(office, "notice", {"title": "通知", "text": text}, key or self.keys[office], self.tick())

    def checkpoint(self, time: int | None = None) -> Path:
        report = verify(self.ledger, self.ledger.trust())
        assert report.ok, [p.line() for p in report.problems]
        note = sign_checkpoint(Checkpoint(ORIGIN, report.size, report.root, time or self.tick() and self.clock), self.log_signer)
        return self.ledger.write_checkpoint(report.size, note)

    def verify(self, **kw):
        report = verify(self.ledger, self.ledger.trust(), **kw)
        assert_chinese_first(report.problems)
        return report




def english(message: str) -> str:
    """The English part of a bilingual problem message, after checking it reads Chinese first
    ("中文 / English"; issue 14): tests pin the exact English detail, which carries the values."""
    assert "\u2e80" <= message[:1] and "/ " in message, f"not Chinese first: {message!r}"
    return message.split("/ ", 1)[1]  # "中文 / English" or "中文（…）/ English"


# rules whose messages this project's domain code writes (issue 14: Chinese first); the kernel's own
# rules (schema, chain, signature, compromised, <rule>.internal, …) are not covered here
DOMAIN_RULES = ("workflow.", "draw.", "draw")


def assert_chinese_first(problems) -> None:
    """Every problem of a domain rule reads Chinese first: every scenario verification in the suite
    checks it, so each refusal any test provokes is covered."""
    bad = [p for p in problems if (p.rule == "draw" or p.rule.startswith(DOMAIN_RULES[:2]))
           and not p.rule.endswith(".internal") and not "\u2e80" <= p.message[:1]]
    assert not bad, [f"{p.rule}: {p.message}" for p in bad]


def count_record_reads(monkeypatch) -> list[int]:
    """How many entry files are read by content through storage.file_records (a one-item list,
    the count; reset it by assigning ``[0]``)."""
    from publisher.storage import file_records

    count = [0]
    real = file_records.read_recorded

    def counting(*args, **kwargs):
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(file_records, "read_recorded", counting)
    return count
