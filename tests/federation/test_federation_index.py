"""The national index over two province portals: a merged checkpoint list with each province
verified against its own pinned trust.json, and a company lookup by USCC or name."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ledgertools import LedgerFactory, det_key
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.note import Signer
from publisher.directory.snapshot import snapshot_bytes
from publisher.draw.samples import sample_targets
from publisher.federation.index import Portal, build, normalise
from publisher.storage.verify_cache import VerifyCache

SHARED_NAME = "青山食品有限公司"


class Province(LedgerFactory):
    def __init__(self, root: Path, origin: str, label: str):
        super().__init__(root)
        self.origin, self.label = origin, label
        self.root_key = det_key("root:" + label)
        self.log_signer = Signer(origin, det_key("log:" + label))

    def trust_json(self, chains=None) -> dict:
        return {**super().trust_json(chains), "origin": self.origin}

    def checkpoint(self, time=None) -> Path:
        report = self.verify()
        assert report.ok, [p.line() for p in report.problems]
        note = sign_checkpoint(Checkpoint(self.origin, report.size, report.root, self.tick() and self.clock),
                               self.log_signer)
        return self.ledger.write_checkpoint(report.size, note)


def province(tmp_path: Path, label: str, n: int, first_name: str) -> tuple[Province, list]:
    p = Province(tmp_path / label, f"portal.test/{label}", label).init()
    p.add_office("scjgj", "市场监督管理局")
    targets = [replace(t, name=first_name if i == 0 else f"{label}第{i}商贸有限公司")
               for i, t in enumerate(sample_targets(n, label))]
    blob = p.ledger.put_blob(snapshot_bytes(targets))
    p.ledger.append("scjgj", "directory.snapshot", {"kind": "targets", "blob": blob, "count": len(targets),
                                                    "confirmed_by": "张三", "confirmed_at": "2026-01-01"},
                    p.keys["scjgj"], p.tick())
    p.checkpoint()
    p.notice("scjgj", "第二批")
    p.checkpoint()
    return p, targets


@pytest.fixture
def two(tmp_path):
    a, ta = province(tmp_path, "shandong", 30, SHARED_NAME)
    b, tb = province(tmp_path, "henan", 20, SHARED_NAME)
    portals = [Portal("山东", "https://sd.example.cn/", a.root, a.trust_json()),
               Portal("河南", "https://ha.example.cn", b.root, b.trust_json())]
    return a, b, ta, tb, portals


def test_merged_checkpoint_list_per_origin(two, tmp_path):
    a, b, ta, tb, portals = two
    idx = build(portals, cache=VerifyCache(tmp_path / "cache"))
    assert idx.problems == []
    cps = idx.checkpoint_list()
    assert sorted(cps) == ["portal.test/henan", "portal.test/shandong"]
    for p in (a, b):
        notes = sorted(p.root.glob("checkpoints/*.note"))
        assert [c["size"] for c in cps[p.origin]] == [int(n.stem) for n in notes]
        assert cps[p.origin][-1]["root"] == p.verify().root.hex()
    assert all(s.consistent and s.verified for s in idx.provinces.values())


def test_checkpoint_signed_by_another_province_is_refused(two):
    a, b, ta, tb, portals = two
    foreign = sorted(b.root.glob("checkpoints/*.note"))[-1]
    planted = a.root / "checkpoints" / f"{9999:010d}.note"
    planted.write_text(foreign.read_text("utf-8"), "utf-8")
    idx = build(portals, verify_ledgers=False)
    assert [p.portal for p in idx.problems] == ["山东"]
    assert "not signed by this province's log key" in idx.problems[0].message
    assert idx.problems[0].file == "checkpoints/0000009999.note"
    assert 9999 not in [c["size"] for c in idx.checkpoint_list()["portal.test/shandong"]]


def test_checkpoint_for_another_origin_made_with_this_provinces_key_is_refused(two):
    """The province's own log key, but the note claims to be another province's checkpoint."""
    a, b, ta, tb, portals = two
    wrong = sign_checkpoint(Checkpoint("portal.test/henan", 1, b"\0" * 32, a.clock),
                            Signer("portal.test/henan", det_key("log:shandong")))
    (a.root / "checkpoints" / f"{1:010d}.note").write_text(wrong, "utf-8")
    idx = build(portals, verify_ledgers=False)
    assert [(p.portal, p.file) for p in idx.problems] == [("山东", "checkpoints/0000000001.note")]
    assert 1 not in [c["size"] for c in idx.checkpoint_list()["portal.test/shandong"]]
    assert idx.checkpoint_list()["portal.test/henan"] == build(portals[1:], verify_ledgers=False).checkpoint_list()["portal.test/henan"]


def test_lookup_by_uscc_and_by_name(two):
    a, b, ta, tb, portals = two
    idx = build(portals)
    only_a = {x.id for x in ta} - {x.id for x in tb}
    t = next(x for x in ta if x.id in only_a)
    hits = idx.lookup(t.id.lower())
    assert hits == [{"id": t.id, "name": t.name, "region": t.region, "origin": "portal.test/shandong",
                     "province": "山东", "url": f"https://sd.example.cn/company/{t.id}/"}]
    both = idx.lookup("青山食品")
    assert sorted(h["province"] for h in both) == ["山东", "河南"]
    assert {h["url"] for h in both} == {f"https://sd.example.cn/company/{ta[0].id}/",
                                        f"https://ha.example.cn/company/{tb[0].id}/"}
    assert idx.lookup("　ｈｅｎａｎ第3商贸") and all(h["province"] == "河南" for h in idx.lookup("henan第3商贸"))
    assert idx.lookup("不存在的公司") == []
    common = next(x for x in tb if x.id not in only_a and x.id in {y.id for y in ta})  # registered in both
    assert sorted(h["province"] for h in idx.lookup(common.id)) == ["山东", "河南"]
    assert normalise(" Ａ Ｂ c ") == "abc"
    assert idx.provinces["portal.test/shandong"].companies == 30


def test_province_whose_log_does_not_match_its_checkpoint_is_not_indexed(two):
    a, b, ta, tb, portals = two
    lines = (b.root / "log").read_text("utf-8").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    (b.root / "log").write_text("".join(lines), "utf-8")
    idx = build(portals)
    assert [p.portal for p in idx.problems] == ["河南"]
    assert "does not reproduce the signed checkpoint" in idx.problems[0].message
    assert not idx.provinces["portal.test/henan"].consistent
    assert all(h["province"] == "山东" for h in idx.lookup("青山食品"))
    assert all(h["province"] == "山东" for h in idx.lookup(tb[3].id)) and idx.lookup("henan第3商贸") == []


def test_province_whose_ledger_does_not_verify_is_not_indexed(two):
    a, b, ta, tb, portals = two
    entry = sorted((b.root / "entries" / "scjgj").glob("*.json"))[-1]
    obj = json.loads(entry.read_text("utf-8"))
    obj["body"]["text"] = "改过的"
    entry.write_text(json.dumps(obj, ensure_ascii=False), "utf-8")
    idx = build(portals)
    assert idx.provinces["portal.test/henan"].verified is False
    assert any("ledger does not verify" in p.message and "hash" in p.message for p in idx.problems)
    assert all(h["province"] == "山东" for h in idx.lookup(tb[3].id)) and idx.lookup("henan第3商贸") == []


def test_write_static_index(two, tmp_path):
    a, b, ta, tb, portals = two
    idx = build(portals)
    idx.write(tmp_path / "national")
    data = json.loads((tmp_path / "national" / "checkpoints.json").read_text("utf-8"))
    assert sorted(data["checkpoints"]) == ["portal.test/henan", "portal.test/shandong"]
    assert data["provinces"]["portal.test/henan"]["companies"] == 20 and data["problems"] == []
    rows = json.loads((tmp_path / "national" / "companies.json").read_text("utf-8"))
    assert len(rows) == 50 and {r["origin"] for r in rows} == {"portal.test/henan", "portal.test/shandong"}
