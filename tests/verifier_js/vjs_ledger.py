"""A small real ledger with draws of every kind, for the browser verifier's tests and bench.

Built with the project's own tools (LedgerFactory, build_commit_body, build_lock_body, a
simulated drand chain): a joint draw with exclusions, a filter and a replacement; an embargoed
draw that stays secret; an embargoed draw that is revealed; small-, cross- and group-mode draws;
a commitment superseded after its round (re-draw with a reason code, its outcome computed); and
a commitment still waiting for its beacon round. Announced draws carry no secrets (seed v2); the
partner of a joint draw accepts the commitment before the round; the substitute is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ledgertools import LedgerFactory, det_key
from publisher.beacon import SimulatedBeacon, chain_to_json
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.verifier import verify
from publisher.directory.snapshot import snapshot_bytes
from publisher.draw.commitment import build_commit_body
from publisher.draw.lock import build_lock_body, build_reveal_body
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.draw.seed import secret_commitment
from publisher.embargo import seal_secret
from publisher.ruleset import default_rules

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GENESIS = 1767225600 - 86400  # the simulated chain starts 2025-12-31T00:00:00Z
NOW = 1782777600  # 2026-06-30T00:00:00Z


def ts(day: str, hour: int = 2) -> int:
    return int(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC).timestamp())


@dataclass
class Draw:
    task: str
    commit: Any
    lock: Any = None
    reveal: Any = None
    secrets: list[bytes] = field(default_factory=list)


@dataclass
class VLedger:
    root: Path
    factory: LedgerFactory
    sim: SimulatedBeacon
    targets: list
    inspectors: list
    tblob: str
    iblob: str
    draws: dict[str, Draw] = field(default_factory=dict)

    # ------------------------------------------------------------------ plumbing
    def at(self, t: int) -> None:
        self.factory.clock = max(self.factory.clock, t)

    def append(self, office: str, type: str, body: dict) -> Any:
        return self.factory.ledger.append(office, type, body, self.factory.keys[office], self.factory.tick())

    def report(self):
        r = verify(self.factory.ledger, self.factory.ledger.trust(), default_rules())
        assert r.ok, [p.line() for p in r.errors]
        return r

    def checkpoint(self) -> None:
        r = self.report()
        self.factory.clock += 30
        note = sign_checkpoint(Checkpoint(self.factory.ledger.trust().origin, r.size, r.root, self.factory.clock),
                               self.factory.log_signer)
        self.factory.ledger.write_checkpoint(r.size, note)

    def commit(self, task: str, offices: list[str], *, strata: list[dict] | None = None, mode: str = "big",
               members: int = 1, embargo: str | None = None, delay: int = 600, population: dict | None = None,
               supersedes: Any = None, load_cap: int | None = 6, redraw: dict | None = None) -> Draw:
        t = self.factory.tick()
        secrets = [bytes([len(self.draws) + 7, i]) * 16 for i in range(len(offices))]
        spec: dict[str, Any] = {
            "task": task,
            "population": {"snapshot": self.tblob, "filter": {}, **(population or {})},
            "strata": strata or [
                {"name": "低风险", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.1"}, "rounding": "ceil"},
                {"name": "高风险", "match": {"risks": ["C", "D"]}, "take": {"count": 3}}],
            "offices": [{"office": o, "members": members, "commitment": secret_commitment(task, o, s)}
                        for o, s in zip(offices, secrets)],
            "teams": {"inspectors": self.iblob, "mode": mode, **({"load_cap": load_cap} if load_cap else {})},
            "batch_size": 3,
            "beacon": {"chain_hash": self.sim.chain.chain_hash, "round": self.sim.chain.round_at(self.factory.clock + delay)},
        }
        if embargo:  # every secret escrowed to the embargo's end (draw.embargo, spec §5A.4)
            spec["embargo_until"] = embargo
            for o, sec in zip(spec["offices"], secrets):
                o["escrow"] = seal_secret(sec, embargo, self.sim.chain)
        if supersedes is not None:
            spec["supersedes"] = supersedes.commit.id
            spec.update(redraw or {"reason": "承诺中的批次大小有误，信标轮次前更正", "reason_code": "correction",
                                   "approver": {"name": "王五", "title": "主要负责人"}})
        if supersedes is None:
            no, name, its, partners, a, b = TASKS[TASK_OF[task]]
            self.append("scjgj", "task", {
                "id": task, "plan_task_no": no, "name": name, "lead": "scjgj",
                "partners": [{"office": o, "items": [i for i in its if i.startswith("WJ")]} for o in partners],
                "items": [i for i in its if i.startswith("SC")], "directional": False, "scope": "全县企业",
                "window": {"from": a, "to": b}, "method": "on_site", "rationale": "按年度计划开展", "origin": "own"})
            t = self.factory.tick()
        cap = self.report().rule("draw").cap
        body = build_commit_body(spec, self.targets, self.inspectors, time=t, cap=cap)
        c = self.factory.ledger.append(offices[0], "draw.commit", body, self.factory.keys[offices[0]], t)
        for o in offices[1:]:  # each partner accepts before the round
            self.append(o, "draw.accept", {"task": task, "commit": c.id})
        d = Draw(task, c, secrets=secrets)
        self.draws[task] = d
        return d

    def lock(self, d: Draw) -> Any:
        rnd = d.commit.body["beacon"]["round"]
        self.at(self.sim.chain.round_time(rnd) + 60)
        body = build_lock_body(d.commit.id, d.commit.body, self.sim.beacon(rnd), d.secrets, self.targets, self.inspectors)
        d.lock = self.append(d.commit.office, "draw.lock", body)
        return d.lock

    def reveal(self, d: Draw) -> Any:
        body = build_reveal_body(d.commit.id, d.commit.body, self.sim.beacon(d.commit.body["beacon"]["round"]),
                                 d.secrets, self.targets, self.inspectors)
        d.reveal = self.append(d.commit.office, "draw.reveal", body)
        return d.reveal


TASKS = [  # plan task no, name, items, partners, window
    ("P1", "食品生产企业联合抽查", ["SC-01", "WJ-01"], ["wjj"], "2026-02-01", "2026-03-31"),
    ("P2", "不预先告知抽查", ["SC-01"], [], "2026-03-01", "2026-12-20"),
    ("P3", "广告发布行为专项抽查", ["SC-02"], [], "2026-03-01", "2026-05-31"),
    ("P4", "编组联合抽查", ["SC-01", "WJ-01"], ["wjj"], "2026-04-01", "2026-06-30"),
    ("P5", "交叉检查", ["SC-01"], [], "2026-05-01", "2026-07-31"),
    ("P6", "下半年抽查", ["SC-02"], [], "2026-07-01", "2026-09-30"),
]
TASK_OF = {"T-JOINT": 0, "T-SECRET": 1, "T-REVEALED": 2, "T-GROUP": 3, "T-CROSS": 4, "T-WAITING": 5}


def new_vledger(root: Path, targets: list, inspectors: list, seed: bytes = b"browser-verifier-tests") -> VLedger:
    """A ledger with two offices, both snapshots confirmed, item lists and the year's plans."""
    sim = SimulatedBeacon(seed, GENESIS, 3)
    f = LedgerFactory(root)
    f.init([chain_to_json(sim.chain)])
    f.add_office("scjgj", "县市场监督管理局")
    f.add_office("wjj", "县卫生健康局")
    v = VLedger(root, f, sim, targets, inspectors, f.ledger.put_blob(snapshot_bytes(targets)),
                f.ledger.put_blob(snapshot_bytes(inspectors)))
    v.at(ts("2026-01-05"))
    v.append("scjgj", "directory.snapshot", {"kind": "targets", "blob": v.tblob, "count": len(targets),
                                             "confirmed_by": "张三", "confirmed_at": "2026-01-05"})
    v.append("scjgj", "directory.snapshot", {"kind": "inspectors", "blob": v.iblob, "count": len(inspectors),
                                             "confirmed_by": "张三", "confirmed_at": "2026-01-05"})
    items = {"scjgj": [("SC-01", "食品生产企业监督检查", "key"), ("SC-02", "广告发布行为检查", "general")],
             "wjj": [("WJ-01", "公共场所卫生检查", "key")]}
    for office, codes in items.items():
        v.append(office, "item.list", {"version": 1, "supersedes": None, "title": "2026年抽查事项清单",
                                       "effective": "2026-01-01", "items": [
            {"code": c, "name": n, "kind": k, "basis": "《市场监督管理行政处罚程序规定》", "subject": "县市场监督管理局",
             "content": f"{n}的检查内容", "method": "实地检查", "joint": True, **({"ratio_cap": "0.5"} if k == "general" else {})}
            for c, n, k in codes]})
    plan = [{"plan_task_no": no, "name": name, "items": its, "scope": "全县企业", "window": {"from": a, "to": b},
             "lead": "scjgj", "partners": partners, "method": "on_site", "directional": False, "count": 5}
            for no, name, its, partners, a, b in TASKS]
    v.append("scjgj", "plan", {"year": 2026, "version": 1, "revises": None, "title": "2026年度双随机抽查计划", "tasks": plan})
    v.append("wjj", "plan", {"year": 2026, "version": 1, "revises": None, "title": "卫健局2026年度抽查计划",
                             "tasks": [p for p in plan if p["partners"]]})
    return v


def build_vledger(root: Path, *, n_targets: int = 60) -> VLedger:
    targets = sample_targets(n_targets, "vjs")
    inspectors = sample_inspectors({"scjgj": 8, "wjj": 6}, "vjs", groups_of=2,
                                   conflicts={"SCJGJ-001": (targets[3].id, targets[7].id)})
    v = new_vledger(root, targets, inspectors)
    # T-JOINT: two offices, a region filter, an explicit exclusion, then a replacement
    v.at(ts("2026-02-02"))
    a = v.commit("T-JOINT", ["scjgj", "wjj"], population={
        "filter": {"regions": ["3711"]},
        "exclusions": [{"id": targets[5].id, "reason": "已注销", "basis": "登记机关注销公告"}]})
    v.checkpoint()
    lock = v.lock(a)
    first = lock.body["teams"][0]
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    spare = substitute(bytes.fromhex(lock.body["seed"]), first["target"],
                       next(t.region for t in targets if t.id == first["target"]), first["members"][0],
                       {t["target"]: t["members"] for t in lock.body["teams"]}, team_plan(a.commit.body, inspectors))
    v.at(ts("2026-02-10"))
    v.append("scjgj", "team.replace", {"task": "T-JOINT", "commit": a.commit.id, "target": first["target"],
                                       "out": first["members"][0], "in": spare, "reason": "health",
                                       "approver": {"name": "李四", "title": "分管负责人"}, "date": "2026-02-09"})
    # T-SECRET: embargoed, never revealed
    v.at(ts("2026-03-02"))
    b = v.commit("T-SECRET", ["scjgj"], members=2, embargo="2026-12-31",
                 strata=[{"name": "全部", "match": {}, "take": {"count": 4}}])
    v.checkpoint()
    v.lock(b)
    # T-REVEALED: embargoed, revealed after the embargo; small mode
    v.at(ts("2026-03-10"))
    c = v.commit("T-REVEALED", ["scjgj"], members=2, embargo="2026-03-20", mode="small",
                 strata=[{"name": "全部", "match": {}, "take": {"ratio": "0.05"}, "rounding": "half_up"}])
    v.checkpoint()
    v.lock(c)
    v.at(ts("2026-03-25"))
    v.reveal(c)
    # T-GROUP: pre-formed groups, one per office
    v.at(ts("2026-04-01"))
    g = v.commit("T-GROUP", ["scjgj", "wjj"], mode="group", members=2, load_cap=None,
                 strata=[{"name": "A类", "match": {"risks": ["A"]}, "take": {"count": 2}},
                         {"name": "其他", "match": {"risks": ["B", "C", "D"]}, "take": {"ratio": "0.05"},
                          "rounding": "floor"}])
    v.checkpoint()
    v.lock(g)
    # T-CROSS: a superseded commitment, then the cross-mode draw that is locked
    v.at(ts("2026-05-04"))
    old = v.commit("T-CROSS", ["scjgj"], members=2, mode="cross",
                   strata=[{"name": "全部", "match": {}, "take": {"count": 3}}])
    v.checkpoint()
    rnd = old.commit.body["beacon"]["round"]
    v.at(v.sim.chain.round_time(rnd) + 120)
    v.commit("T-CROSS", ["scjgj"], members=2, mode="cross", supersedes=old,
             strata=[{"name": "全部", "match": {}, "take": {"count": 3}}],
             redraw={"reason": "上级机关要求按调整后的方案重新抽取", "reason_code": "superior_order",
                     "document": "某市监发〔2026〕9号", "approver": {"name": "王五", "title": "主要负责人"},
                     "superseded_beacon": {"round": rnd, "signature": v.sim.beacon(rnd).signature.hex()}})
    v.checkpoint()
    v.lock(v.draws["T-CROSS"])
    # T-WAITING: committed, its beacon round a month away
    v.at(ts("2026-06-20"))
    v.commit("T-WAITING", ["scjgj"], members=2, delay=30 * 86400, strata=[{"name": "全部", "match": {}, "take": {"count": 2}}])
    v.checkpoint()
    v.append("wjj", "notice", {"title": "通知", "text": "检查点之后的记录"})
    v.report()
    return v


def need_node() -> str:
    import shutil

    import pytest

    node = shutil.which("node")
    if node is None:
        pytest.skip("node (>= 20) is not installed")
    return node


def office_key(office: str):
    """The deterministic office key LedgerFactory uses (tests re-sign tampered entries with it)."""
    return det_key("office:" + office)


def log_signer():
    from ledgertools import ORIGIN
    from publisher.core.note import Signer

    return Signer(ORIGIN, det_key("log"))
