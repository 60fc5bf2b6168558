"""A small but complete county ledger for the site tests, built with the project's own tools.

Real keys, real signatures, real draws (commit → checkpoint → simulated beacon → lock), results,
a correction, a withholding, non-cooperation, a replacement, an embargoed draw that stays
secret, one that is revealed, and one still waiting for its beacon round. Names and remarks
carry XSS payloads so every page is tested against hostile ledger text.
"""

from __future__ import annotations

import copy
import importlib.util
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

_spec = importlib.util.spec_from_file_location("_tests_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)  # type: ignore[union-attr]
LedgerFactory = _root.LedgerFactory

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS_JS = "javascript:alert(1)"
GENESIS = 1767225600 - 86400
NOW = 1782777600  # 2026-06-30T00:00:00Z: the dashboard's "now" in tests

COMPANY_NAMES = [
    "青山食品有限公司", "临河建材商贸有限公司", "东岭汽车维修服务部", "南湖酒店管理有限公司", "北川医药连锁有限公司",
    "西坡农产品专业合作社", "云台电子科技有限公司", "松林餐饮服务有限公司", "石桥特种设备检测有限公司", "金泉物流有限公司",
    "红叶服装加工厂", "白鹭眼镜店", "翠竹化工原料有限公司", "明月乳制品有限公司", "长河燃气有限公司",
]


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ts(day: str, hour: int = 2) -> int:
    """Unix time of a date at hour:00 UTC (10:00 in China)."""
    return int(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC).timestamp())


@dataclass
class Facts:
    """What the tests need to know about the built ledger."""

    ledger: Path
    joint_task: str = "T-2026-001"
    embargoed_task: str = "T-2026-002"
    revealed_task: str = "T-2026-003"
    waiting_task: str = "T-2026-004"
    hidden_ids: list[str] = field(default_factory=list)  # embargoed, never revealed
    chinese_company: tuple[str, str] = ("", "")  # (USCC, name) with a published result
    hostile_company: str = ""  # USCC of a drawn company whose name is an XSS payload
    corrected_result: str = ""  # entry id of the struck-through original
    withheld_target: str = ""
    partner_result: str = ""  # wjj's result for the target scjgj withholds (joint task)
    selected: dict[str, list[str]] = field(default_factory=dict)


class County:
    def __init__(self, root: Path, sample: bool = True):
        self.sim = SimulatedBeacon(b"site-tests", GENESIS, 3)
        self.f = LedgerFactory(root)
        trust = self.f.trust_json([chain_to_json(self.sim.chain)])
        trust["sample"] = sample
        self.f.ledger.init(trust)
        self.secrets: dict[str, list[bytes]] = {}

    # -- plumbing -------------------------------------------------------------------------
    def at(self, t: int) -> None:
        self.f.clock = max(self.f.clock, t)

    def append(self, office: str, type: str, body: dict, **kw) -> Any:
        return self.f.ledger.append(office, type, body, self.f.keys[office], self.f.tick(), **kw)

    def checkpoint(self) -> None:
        report = verify(self.f.ledger, self.f.ledger.trust(), default_rules())
        assert report.ok, [p.line() for p in report.errors]
        t = self.f.clock + 30
        self.f.clock = t
        note = sign_checkpoint(Checkpoint(self.f.ledger.trust().origin, report.size, report.root, t), self.f.log_signer)
        self.f.ledger.write_checkpoint(report.size, note)
        return report

    def cap(self):
        return verify(self.f.ledger, self.f.ledger.trust(), default_rules()).rule("draw").cap

    # -- building blocks ------------------------------------------------------------------
    def item_list(self, office: str, codes: list[tuple[str, str, str]]) -> Any:
        items = []
        for code, name, kind in codes:
            it = {"code": code, "name": name, "kind": kind, "basis": "《市场监督管理行政处罚程序规定》",
                  "subject": "县市场监督管理局", "content": f"{name}的检查内容", "method": "实地检查", "joint": True}
            if kind == "general":
                it["ratio_cap"] = "0.5"
            items.append(it)
        return self.append(office, "item.list", {"version": 1, "supersedes": None, "title": "2026年抽查事项清单",
                                                  "effective": "2026-01-01", "items": items})

    def commit(self, task: str, offices: list[str], *, embargo: str | None = None, delay: int = 600,
               strata: list[dict] | None = None) -> Any:
        t = self.f.tick()
        secrets = [bytes([len(self.secrets) + 1, i]) * 16 for i in range(len(offices))]
        spec = {
            "task": task,
            "population": {"snapshot": self.tblob, "filter": {}},
            "strata": strata or [
                {"name": "低风险", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.1"}, "rounding": "ceil"},
                {"name": "高风险", "match": {"risks": ["C", "D"]}, "take": {"count": 4}}],
            "offices": [{"office": o, "members": 1 if len(offices) > 1 else 2, "commitment": secret_commitment(task, o, s)}
                        for o, s in zip(offices, secrets)],
            "teams": {"inspectors": self.iblob, "mode": "big", "load_cap": 6},
            "batch_size": 3,
            "beacon": {"chain_hash": self.sim.chain.chain_hash, "round": self.sim.chain.round_at(self.f.clock + delay)},
        }
        if embargo:  # every secret escrowed to the embargo's end (draw.embargo, spec §5A.4)
            spec["embargo_until"] = embargo
            for o, sec in zip(spec["offices"], secrets):
                o["escrow"] = seal_secret(sec, embargo, self.sim.chain)
        body = build_commit_body(spec, self.targets, self.inspectors, time=t, cap=self.cap())
        c = self.f.ledger.append(offices[0], "draw.commit", body, self.f.keys[offices[0]], t)
        self.secrets[c.id] = secrets
        for o in offices[1:]:  # draw protocol v2: each partner accepts before the beacon round
            self.append(o, "draw.accept", {"task": task, "commit": c.id})
        return c

    def lock(self, c: Any) -> Any:
        self.at(self.sim.chain.round_time(c.body["beacon"]["round"]) + 60)
        beacon = self.sim.beacon(c.body["beacon"]["round"])
        body = build_lock_body(c.id, c.body, beacon, self.secrets[c.id], self.targets, self.inspectors)
        return self.append(c.office, "draw.lock", body)

    def reveal(self, c: Any) -> Any:
        beacon = self.sim.beacon(c.body["beacon"]["round"])
        body = build_reveal_body(c.id, c.body, beacon, self.secrets[c.id], self.targets, self.inspectors)
        return self.append(c.office, "draw.reveal", body)

    def task(self, tid: str, lead: str, partners: list[tuple[str, list[str]]], items: list[str], no: str,
             window: tuple[str, str], name: str, directional: bool = False) -> Any:
        return self.append(lead, "task", {
            "id": tid, "plan_task_no": no, "name": name, "lead": lead,
            "partners": [{"office": o, "items": its} for o, its in partners], "items": items,
            "directional": directional, "scope": "辖区内登记的企业", "window": {"from": window[0], "to": window[1]},
            "method": "on_site", "rationale": "群众投诉较多，风险较高", "origin": "own"})


def result_body(task: str, target: str, name: str, completed: str, team: list[str], cats: list[str],
                remarks: str = "", items: list[str] | None = None) -> dict:
    b = {"task": task, "target": target, "target_name": name, "completed": completed,
         "inspectors": team, "method": "on_site", "categories": cats, "vocabulary": "004-20/v1"}
    if remarks:
        b["remarks"] = remarks
    if items:
        b["items"] = items
    return b


def build_site_ledger(root: Path, sample: bool = True) -> Facts:
    k = County(root, sample)
    f = k.f
    facts = Facts(ledger=root)
    # offices (one with a hostile name)
    f.add_office("scjgj", "县市场监督管理局")
    f.add_office("wjj", "县卫生健康局")
    f.add_office("xss", f"{XSS_SCRIPT}测试局{XSS_IMG}")
    # directories: Chinese names; every high-risk (always fully drawn) company gets a hostile name
    targets = sample_targets(40, "site")
    renamed, hostile = [], []
    for i, t in enumerate(targets):
        name = COMPANY_NAMES[i % len(COMPANY_NAMES)] if i < len(COMPANY_NAMES) else f"县城第{i}商贸有限公司"
        if t.risk in ("C", "D") and len(hostile) < 2:
            name = [f"{XSS_SCRIPT}恶意企业", f"{XSS_IMG}{XSS_JS}"][len(hostile)]
            hostile.append(t.id)
        renamed.append(replace(t, name=name))
    k.targets = renamed
    k.inspectors = sample_inspectors({"scjgj": 8, "wjj": 6, "xss": 3}, "site")
    k.tblob = f.ledger.put_blob(snapshot_bytes(k.targets))
    k.iblob = f.ledger.put_blob(snapshot_bytes(k.inspectors))
    facts.hostile_company = hostile[0]
    k.at(ts("2026-01-05"))
    k.append("scjgj", "directory.snapshot", {"kind": "targets", "blob": k.tblob, "count": len(k.targets),
                                             "confirmed_by": "张三", "confirmed_at": "2026-01-05"})
    k.append("scjgj", "directory.snapshot", {"kind": "inspectors", "blob": k.iblob, "count": len(k.inspectors),
                                             "confirmed_by": "张三", "confirmed_at": "2026-01-05"})
    k.item_list("scjgj", [("SC-01", "食品生产企业监督检查", "key"), ("SC-02", "广告发布行为检查", "general")])
    k.item_list("wjj", [("WJ-01", "公共场所卫生检查", "key")])
    k.item_list("xss", [("XS-01", f"{XSS_SCRIPT}事项", "key")])
    f.notice("scjgj", f"2026年度抽查工作启动 {XSS_IMG}")
    # annual plan, then a revision
    plan_tasks = [
        {"plan_task_no": "P1", "name": "食品生产企业联合抽查", "items": ["SC-01", "WJ-01"], "scope": "全县食品生产企业",
         "window": {"from": "2026-02-01", "to": "2026-03-31"}, "lead": "scjgj", "partners": ["wjj"],
         "method": "on_site", "directional": False, "ratio": "0.1"},
        {"plan_task_no": "P2", "name": "广告发布行为专项抽查", "items": ["SC-02"], "scope": "广告经营者",
         "window": {"from": "2026-04-01", "to": "2026-05-31"}, "lead": "scjgj", "partners": [],
         "method": "on_site", "directional": False, "count": 5},
    ]
    p1 = k.append("scjgj", "plan", {"year": 2026, "version": 1, "revises": None, "title": "2026年度双随机抽查计划",
                                    "tasks": plan_tasks})
    k.append("wjj", "plan", {"year": 2026, "version": 1, "revises": None, "title": "卫健局2026年度抽查计划",
                             "tasks": [dict(plan_tasks[0])]})
    rev = copy.deepcopy(plan_tasks) + [{**copy.deepcopy(plan_tasks[1]), "plan_task_no": "P3", "name": "不预先告知抽查",
                                        "window": {"from": "2026-04-01", "to": "2026-12-20"}},
                                       {**copy.deepcopy(plan_tasks[1]), "plan_task_no": "P4", "name": "下半年抽查",
                                        "window": {"from": "2026-07-01", "to": "2026-09-30"}}]
    k.at(ts("2026-01-20"))
    k.append("scjgj", "plan", {"year": 2026, "version": 2, "revises": p1.id, "title": "2026年度双随机抽查计划（修订）",
                               "revision_reason": "增加不预先告知的抽查任务", "decided": "2026-01-19", "tasks": rev})
    # task 1: joint, locked, results
    k.at(ts("2026-02-02"))
    k.task(facts.joint_task, "scjgj", [("wjj", ["WJ-01"])], ["SC-01"], "P1", ("2026-02-01", "2026-03-31"),
           "食品生产企业联合抽查")
    c1 = k.commit(facts.joint_task, ["scjgj", "wjj"])
    k.checkpoint()
    l1 = k.lock(c1)
    sel = [s["id"] for s in l1.body["selected"]]
    facts.selected[facts.joint_task] = sel
    teams = {t["target"]: t["members"] for t in l1.body["teams"]}
    names = {t.id: t.name for t in k.targets}
    # a replacement (001 第十三条)
    first = l1.body["teams"][0]
    used = {m for t in l1.body["teams"] for m in t["members"]}
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    spare = substitute(bytes.fromhex(l1.body["seed"]), first["target"],  # drawn, never chosen (v2)
                       next(t.region for t in k.targets if t.id == first["target"]), first["members"][0],
                       {t["target"]: t["members"] for t in l1.body["teams"]}, team_plan(c1.body, k.inspectors))
    k.at(ts("2026-02-10"))
    k.append("scjgj", "team.replace", {"task": facts.joint_task, "commit": c1.id, "target": first["target"],
                                       "out": first["members"][0], "in": spare, "reason": "health",
                                       "approver": {"name": "李四", "title": "分管负责人"}, "date": "2026-02-09"})
    teams[first["target"]] = [spare] + first["members"][1:]
    del used
    # results: on time, late, with hostile remarks, a correction, a withholding, non-cooperation
    plain = [s for s in sel if s not in hostile]
    k.at(ts("2026-02-20"))
    k.append("scjgj", "result", result_body(facts.joint_task, plain[0], names[plain[0]], "2026-02-16",
                                                   teams[plain[0]], ["1"], "检查中未发现问题。", ["SC-01"]))
    facts.chinese_company = (plain[0], names[plain[0]])
    k.append("scjgj", "result", result_body(facts.joint_task, hostile[0], names[hostile[0]], "2026-02-17",
                                            teams[hostile[0]], ["5"], f"{XSS_SCRIPT}{XSS_IMG} {XSS_JS}", ["SC-01"]))
    bad = k.append("scjgj", "result", result_body(facts.joint_task, plain[1], names[plain[1]], "2026-02-18",
                                                  teams[plain[1]], ["2"], "未按规定公示年报信息"))
    facts.corrected_result = bad.id
    k.at(ts("2026-03-02"))
    k.append("scjgj", "result.correct", {"result": bad.id, "corrected": result_body(
        facts.joint_task, plain[1], names[plain[1]], "2026-02-18", teams[plain[1]], ["1"], "经复核，未发现问题。"),
        "reason": "录入时选错了结果类别", "approver": {"name": "王五", "title": "主要负责人"}, "date": "2026-03-01"})
    # the partner office's own result for the target the lead office then withholds: it stays current
    facts.partner_result = k.append("wjj", "result", result_body(
        facts.joint_task, plain[2], names[plain[2]], "2026-02-24", teams[plain[2]], ["1"], "公共场所卫生符合要求",
        ["WJ-01"])).id
    k.append("scjgj", "result.withhold", {"task": facts.joint_task, "target": plain[2], "legal_basis":
                                          "《中华人民共和国政府信息公开条例》第十四条", "decided": "2026-02-28",
                                          "completed": "2026-02-25", "approver": {"name": "王五", "title": "主要负责人"}})
    facts.withheld_target = plain[2]
    k.append("scjgj", "noncooperation", {"task": facts.joint_task, "target": plain[3], "target_name": names[plain[3]],
                                         "grounds": ["refused_entry"], "date": "2026-02-26",
                                         "detail": f"拒绝检查人员进入经营场所 {XSS_IMG}", "serious": True})
    k.at(ts("2026-04-20"))
    k.append("scjgj", "result", result_body(facts.joint_task, plain[3], names[plain[3]], "2026-03-02",
                                            teams[plain[3]], ["6"], "不配合检查，已依法处理"))
    k.append("wjj", "result", result_body(facts.joint_task, plain[0], names[plain[0]], "2026-02-16",
                                          teams[plain[0]], ["1"], "公共场所卫生符合要求", ["WJ-01"]))
    # task 2: embargoed, never revealed
    k.at(ts("2026-04-21"))
    k.task(facts.embargoed_task, "scjgj", [], ["SC-02"], "P3", ("2026-04-01", "2026-12-20"), "不预先告知抽查")
    c2 = k.commit(facts.embargoed_task, ["scjgj"], embargo="2026-12-31",
                  strata=[{"name": "全部", "match": {}, "take": {"count": 3}}])
    k.checkpoint()
    k.lock(c2)
    hidden = build_reveal_body(c2.id, c2.body, k.sim.beacon(c2.body["beacon"]["round"]), k.secrets[c2.id],
                               k.targets, k.inspectors)
    facts.hidden_ids = [s["id"] for s in hidden["selected"]]
    # task 3: embargoed, then revealed
    k.at(ts("2026-04-22"))
    k.task(facts.revealed_task, "scjgj", [], ["SC-02"], "P2", ("2026-04-01", "2026-05-31"), "广告发布行为专项抽查")
    c3 = k.commit(facts.revealed_task, ["scjgj"], embargo="2026-04-30",
                  strata=[{"name": "全部", "match": {}, "take": {"count": 3}}])
    k.checkpoint()
    k.lock(c3)
    k.at(ts("2026-05-06"))
    rv = k.reveal(c3)
    facts.selected[facts.revealed_task] = [s["id"] for s in rv.body["selected"]]
    # task 4: committed, the beacon round still in the future at the end of the log
    k.at(ts("2026-06-25"))
    k.task(facts.waiting_task, "scjgj", [], ["SC-02"], "P4", ("2026-07-01", "2026-09-30"), "下半年抽查")
    k.commit(facts.waiting_task, ["scjgj"], delay=30 * 86400, strata=[{"name": "全部", "match": {}, "take": {"count": 2}}])
    k.checkpoint()
    f.notice("wjj", "本通知在最新检查点之后发布")
    report = verify(f.ledger, f.ledger.trust(), default_rules())
    assert report.ok, [p.line() for p in report.errors]
    return facts
