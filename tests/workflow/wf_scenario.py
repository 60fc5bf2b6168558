"""Scenario helpers (not a conftest: a second conftest module would shadow tests/conftest.py
under the same module name). Test modules import the fixtures from here.

A realistic workflow ledger: two offices, item lists, a plan, tasks and real locked draws.

Built with the project's own builders (draw commitment, simulated drand beacon, lock) on a
real temp-dir ledger (tests/conftest.LedgerFactory), so `verify` with the default rules
passes on the honest path and each test breaks exactly one thing.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from ledgertools import LedgerFactory
from publisher.beacon import SimulatedBeacon, chain_to_json
from publisher.directory.snapshot import snapshot_bytes
from publisher.draw.commitment import build_commit_body
from publisher.draw.lock import build_lock_body, build_reveal_body
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.draw.seed import secret_commitment
from publisher.embargo import seal_secret
from publisher.ruleset import default_rules
from publisher.workflow.rules.rule import WorkflowRule

GENESIS = 1767225600 - 86400


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(day: str, hour: int = 2) -> int:
    """Unix time of ``day`` (YYYY-MM-DD) at ``hour``:00 UTC (10:00 in China)."""
    return int(datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC).timestamp())


SC_ITEMS = [
    {"code": "SC-01", "name": "食品生产经营检查", "kind": "key", "basis": "《食品安全法》第八十七条",
     "subject": "县市场监督管理局", "content": "生产经营条件、进货查验", "method": "现场检查", "joint": True},
    {"code": "SC-02", "name": "企业公示信息检查", "kind": "general", "ratio_cap": "0.05",
     "basis": "《企业信息公示暂行条例》第十四条", "subject": "县市场监督管理局", "content": "年报公示信息",
     "method": "书面检查", "joint": False},
    {"code": "SC-03", "name": "计量器具检查", "kind": "general", "ratio_cap": "0.1",
     "basis": "《计量法》", "subject": "县市场监督管理局", "content": "强制检定", "method": "现场检查",
     "joint": True},
]
WJ_ITEMS = [
    {"code": "WJ-01", "name": "公共场所卫生检查", "kind": "general", "ratio_cap": "0.2",
     "basis": "《公共场所卫生管理条例》", "subject": "县卫生健康局", "content": "卫生许可、从业人员健康证",
     "method": "现场检查", "joint": True},
]


class Workflow:
    """The scenario; every method appends real signed entries."""

    def __init__(self, tmp_path, n_targets: int = 60):
        self.sim = SimulatedBeacon(b"workflow-tests", GENESIS, 3)
        self.f = LedgerFactory(tmp_path / "ledger").init([chain_to_json(self.sim.chain)])
        self.ledger = self.f.ledger
        self.f.add_office("scjgj", "市场监督管理局")
        self.f.add_office("wjj", "卫生健康局")
        self.targets = sample_targets(n_targets)
        self.inspectors = sample_inspectors({"scjgj": 8, "wjj": 6})
        self.tblob = self.ledger.put_blob(snapshot_bytes(self.targets))
        self.iblob = self.ledger.put_blob(snapshot_bytes(self.inspectors))
        self.secrets: dict[str, list[bytes]] = {}
        self._confirmed: set[str] = set()
        self.ids: dict[str, str] = {}  # label -> entry id

    # -- plumbing --------------------------------------------------------------------------

    def at(self, day: str, hour: int = 2) -> None:
        """Move the clock forward to ``day`` (never backwards)."""
        self.f.clock = max(self.f.clock, unix(day, hour))

    def append(self, type: str, body: dict, office: str = "scjgj", time: str | None = None):
        return self.ledger.append(office, type, body, self.f.keys[office], time or self.f.tick())

    def verify(self, now: int | None = None, rules=None):
        return self.f.verify(rules=rules if rules is not None else default_rules(), now=now)

    def workflow(self, now: int | None = None, sink=None):
        """(report, rule) verifying with the workflow rule alone."""
        rule = WorkflowRule(sink=sink)
        return self.f.verify(rules=[rule], now=now), rule

    # -- entries -------------------------------------------------------------------------------

    def item_list(self, office: str = "scjgj", items=None, **over):
        cur = None
        for _line, e in self.ledger.iter_entries():
            if e.office == office and e.type == "item.list":
                cur = e
        body = {"version": cur.body["version"] + 1 if cur else 1, "supersedes": cur.id if cur else None,
                "title": f"{office} 随机抽查事项清单",
                "items": copy.deepcopy(items if items is not None else (SC_ITEMS if office == "scjgj" else WJ_ITEMS))}
        body.update(over)
        return self.append("item.list", body, office)

    def plan(self, office: str = "scjgj", year: int = 2026, tasks=None, **over):
        body = {"year": year, "version": 1, "revises": None, "title": f"{year}年度抽查计划",
                "tasks": tasks if tasks is not None else [
                    {"plan_task_no": "P-01", "name": "食品生产企业联合抽查", "items": ["SC-01", "WJ-01"],
                     "scope": "全县食品生产企业", "ratio": "0.05", "window": {"from": f"{year}-01-01", "to": f"{year}-06-30"},
                     "lead": "scjgj", "partners": ["wjj"], "method": "on_site", "directional": False},
                    {"plan_task_no": "P-02", "name": "企业公示信息抽查", "items": ["SC-02", "SC-03"],
                     "scope": "全县企业", "ratio": "0.05", "window": {"from": f"{year}-01-01", "to": f"{year}-03-31"},
                     "lead": "scjgj", "partners": [], "method": "written", "directional": False}]}
        body.update(over)
        return self.append("plan", body, office)

    def task_body(self, tid: str = "T-2026-001", **over) -> dict:
        body = {"id": tid, "plan_task_no": "P-01", "name": "食品生产企业联合抽查", "lead": "scjgj",
                "partners": [{"office": "wjj", "items": ["WJ-01"]}], "items": ["SC-01"],
                "directional": False, "scope": "全县食品生产企业",
                "window": {"from": "2026-01-01", "to": "2026-03-31"}, "method": "on_site",
                "rationale": "群众投诉较多，社会关注度高", "origin": "own", "batch_size": 5}
        body.update(over)
        return body

    def task(self, tid: str = "T-2026-001", office: str = "scjgj", **over):
        return self.append("task", self.task_body(tid, **over), office)

    def basics(self):
        """Both item lists, the scjgj plan and a joint task T-2026-001."""
        self.item_list("scjgj")
        self.item_list("wjj")
        self.plan()
        return self.task()

    def commit(self, tid: str, offices=("scjgj", "wjj"), count: int = 3, embargo: str | None = None,
               members: int | None = None):
        secrets = [bytes([len(self.secrets) + 1, i]) * 16 for i in range(len(offices))]
        self.secrets[tid] = secrets
        m = members or (1 if len(offices) > 1 else 2)
        spec = {"task": tid, "population": {"snapshot": self.tblob, "filter": {}},
                "strata": [{"name": "全部", "match": {}, "take": {"count": count}}],
                "offices": [{"office": o, "members": m, "commitment": secret_commitment(tid, o, s)}
                            for o, s in zip(offices, secrets)],
                "teams": {"inspectors": self.iblob, "mode": "big"}, "batch_size": 5}
        if embargo:  # every secret escrowed to the embargo's end (draw.embargo, spec §5A.4)
            spec["embargo_until"] = embargo
            for o, sec in zip(spec["offices"], secrets):
                o["escrow"] = seal_secret(sec, embargo, self.sim.chain)
        self.confirm_directories(offices[0])
        t = self.f.tick()
        spec["beacon"] = {"chain_hash": self.sim.chain.chain_hash,
                          "round": self.sim.chain.round_at(self.f.clock + 600)}
        body = build_commit_body(spec, self.targets, self.inspectors, time=t)
        c = self.ledger.append(offices[0], "draw.commit", body, self.f.keys[offices[0]], t)
        for o in offices[1:]:  # draw protocol v2: each partner accepts before the beacon round
            self.append("draw.accept", {"task": tid, "commit": c.id}, o)
        return c

    def confirm_directories(self, office: str) -> None:
        """Draw protocol v2: a draw uses only snapshots its lead office confirmed (001 第八条)."""
        if office in self._confirmed:
            return
        self._confirmed.add(office)
        for kind, blob, n in (("targets", self.tblob, len(self.targets)), ("inspectors", self.iblob, len(self.inspectors))):
            self.append("directory.snapshot", {"kind": kind, "blob": blob, "count": n, "confirmed_by": "信用监管股",
                                               "confirmed_at": self.f.tick()[:10]}, office)

    def lock(self, commit):
        self.f.checkpoint()
        self.f.clock = max(self.f.clock, self.sim.chain.round_time(commit.body["beacon"]["round"]) + 60)
        tid = commit.body["task"]
        body = build_lock_body(commit.id, commit.body, self.sim.beacon(commit.body["beacon"]["round"]),
                               self.secrets[tid], self.targets, self.inspectors)
        return self.append("draw.lock", body, commit.office)

    def reveal(self, commit):
        tid = commit.body["task"]
        body = build_reveal_body(commit.id, commit.body, self.sim.beacon(commit.body["beacon"]["round"]),
                                 self.secrets[tid], self.targets, self.inspectors)
        return self.append("draw.reveal", body, commit.office)

    def draw(self, tid: str = "T-2026-001", **kw):
        c = self.commit(tid, **kw)
        return c, self.lock(c)

    def selected(self, lock) -> list[str]:
        return [s["id"] for s in lock.body["selected"]]

    def team(self, lock, target: str) -> list[str]:
        t = next(t for t in lock.body["teams"] if t["target"] == target)
        return list(t["members"])

    def name(self, target: str) -> str:
        return next(t.name for t in self.targets if t.id == target)

    def result_body(self, lock, target: str, task: str = "T-2026-001", **over) -> dict:
        body = {"task": task, "target": target, "target_name": self.name(target), "completed": "2026-01-20",
                "inspectors": self.team(lock, target)[:2] if len(self.team(lock, target)) >= 2
                else ["scjgj-001", "scjgj-002"],
                "method": "on_site", "categories": ["1"], "vocabulary": "004-20/v1"}
        body.update(over)
        return body


@pytest.fixture
def wf(tmp_path) -> Workflow:
    return Workflow(tmp_path)


@pytest.fixture
def drawn(wf):
    """A workflow with the basics and a locked joint draw of 3 targets, the clock at
    2026-01-21 (results default to completed 2026-01-20); returns (wf, lock)."""
    wf.basics()
    _, lock = wf.draw()
    wf.at("2026-01-21")
    return wf, lock


def problems(report, rule_prefix: str = "workflow", severity: str | None = None):
    return [p for p in report.problems if p.rule.startswith(rule_prefix)
            and (severity is None or p.severity == severity)]


def text(ps) -> str:
    return " | ".join(f"{p.rule}: {p.message} ({p.article})" for p in ps)
