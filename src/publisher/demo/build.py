"""Generate the sample county's ledger: a year of 双随机、一公开 in one deterministic run.

Everything *content* (companies, inspectors, items, plans, tasks, secrets, results) follows from
``--seed``; the signing keys and the simulated beacon key are fresh random keys unless
``--key-seed`` is given, so nobody can forge entries in the committed sample. Their encrypted
private halves go to ``--keys`` (default ``.demo-keys/``, git-ignored), never into the ledger.

The run is an event queue ordered by time, so every entry is appended in time order and
checkpoints are signed as CI would (after each commitment, before its beacon round is due).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..beacon import SimulatedBeacon, chain_to_json
from ..core.checkpoint import Checkpoint, sign_checkpoint
from ..core.cosignature import Cosigner
from ..core.entry import OPERATOR, Entry
from ..core.keys import SigningKey
from ..core.merkle import TreeBuilder, leaf_hash
from ..core.note import Signer
from ..directory.snapshot import snapshot_bytes
from ..draw.cap import CapTable, draw_counts
from ..draw.commitment import build_commit_body, derive, team_plan
from ..draw.lock import build_lock_body, build_reveal_body
from ..draw.replace import substitute
from ..draw.seed import secret_commitment
from ..draw.timeutil import china_year
from ..embargo import reveal_round, seal_secret
from ..storage.beacons import record_beacon
from ..storage.ledger_dir import LedgerDir
from ..workdays import add_workdays
from .county import OFFICES
from .items import item_lists, revised_market_items
from .population import make_inspectors, make_targets

ORIGIN = "sample-county.ssgk.example/ledger"
CST = timezone(timedelta(hours=8))
GENESIS = 1767196800  # 2026-01-01T00:00:00+08:00: the simulated chain starts with the sample year
OFFICE_NAMES = {c: (zh, en) for c, zh, en, _ in OFFICES}
HEAD = {c: (f"{c.upper()}局长", "主要负责人") for c, *_ in OFFICES}


def ts(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cst(d: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=CST)


@dataclass(order=True)
class Event:
    when: datetime
    order: int
    run: Callable[[], None] = field(compare=False)


class Demo:
    def __init__(self, ledger: Path, seed: int, key_seed: bytes | None, keys_dir: Path | None,
                 n_targets: int = 20000, n_tasks: int = 60):
        self.rng = random.Random(seed)
        self.key_seed = key_seed
        self.ledger = LedgerDir(ledger, durable=False)
        self.keys_dir = keys_dir
        self.n_tasks = n_tasks
        self.root = self._key("root")
        self.log_key = self._key("log")
        self.log = Signer(ORIGIN, self.log_key)
        # SAMPLE witnesses, simulated in-process: 3 named, quorum 2 (spec §3.8)
        self.witnesses = [Cosigner(f"witness-{i}.sample.ssgk.example", self._key(f"witness-{i}")) for i in (1, 2, 3)]
        self.n_checkpoints = 0
        self.keys = {c: self._key(c) for c, *_ in OFFICES}
        self.beacon_seed = self._secret("beacon")
        self.sim = SimulatedBeacon(self.beacon_seed, GENESIS, 3)
        self.targets = sorted(make_targets(self.rng, n_targets), key=lambda x: x.id.encode())
        self.items = item_lists()
        self.current_items = {o: [i["code"] for i in items] for o, items in self.items.items()}
        self.inspectors = sorted(make_inspectors(self.rng, self.targets, self.current_items), key=lambda x: x.id.encode())
        self.insp_office = {i.id: i.office for i in self.inspectors}
        self.names = {x.id: x.name for x in self.targets}
        self.region_of = {x.id: x.region for x in self.targets}
        self.commit_targets: dict[str, list] = {}  # commit id -> the target list of its snapshot
        self.queue: list[Event] = []
        self.counter = itertools.count()
        self.tree = TreeBuilder()
        self.last_cp = (0, 0)
        self.cap = CapTable()
        self.item_list_ids: dict[str, str] = {}
        self.plan_ids: dict[str, str] = {}
        self.tasks: list[dict] = []
        self.secrets: dict[str, list[bytes]] = {}
        self.pending_cap: dict[str, tuple[str, int, set[str]]] = {}  # task -> (commit, year, ids): counted at results
        self._lock_time: dict[str, str] = {}
        self.stats = {"results": 0, "late": 0, "corrections": 0}

    # --- keys ----------------------------------------------------------------------------

    def _secret(self, label: str) -> bytes:
        if self.key_seed is not None:
            return hashlib.sha256(b"ssgk-demo-key\x00" + self.key_seed + b"\x00" + label.encode()).digest()
        return os.urandom(32)

    def _key(self, label: str) -> SigningKey:
        return SigningKey.from_seed(self._secret(label))

    def save_keys(self, passphrase: bytes) -> None:
        """Encrypted private keys for anyone who wants to extend the sample (never committed)."""
        if self.keys_dir is None:
            return
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        witness_keys = [(f"witness-{i}", self._key(f"witness-{i}")) for i in (1, 2, 3)]
        for name, k in [("root", self.root), ("log", self.log_key)] + list(self.keys.items()) + witness_keys:
            (self.keys_dir / f"{name}.pem").write_bytes(k.to_encrypted_pem(passphrase))
        (self.keys_dir / "beacon-sim.seed").write_text(self.beacon_seed.hex() + "\n")  # SIMULATED beacon only
        if hasattr(self, "rotated"):
            (self.keys_dir / "scjgj-2025.pem").write_bytes(self.rotated.to_encrypted_pem(passphrase))

    # --- appending -------------------------------------------------------------------------

    def at(self, when: datetime, fn: Callable[[], None]) -> None:
        heapq.heappush(self.queue, Event(when, next(self.counter), fn))

    def append(self, office: str, type: str, body: dict, when: datetime) -> Entry:
        key = self.root if office == OPERATOR else self.keys[office]
        e = self.ledger.append(office, type, body, key, ts(when))
        self.tree.append(leaf_hash(bytes.fromhex(e.id)))
        return e

    def checkpoint(self, when: datetime) -> None:
        t = int(when.timestamp())
        if self.tree.size == self.last_cp[0]:
            return
        t = max(t, self.last_cp[1])
        note = sign_checkpoint(Checkpoint(ORIGIN, self.tree.size, self.tree.root(), t), self.log)
        self.ledger.write_checkpoint(self.tree.size, self.cosign(note, t))
        self.last_cp = (self.tree.size, t)

    def cosign(self, note: str, t: int) -> str:
        """The SAMPLE witnesses cosign a few seconds later, by their own clocks; witness 3 is
        down for every fourth checkpoint (two of three still make the quorum)."""
        text = note[: note.rindex("\n\n") + 1]
        self.n_checkpoints += 1
        for i, w in enumerate(self.witnesses):
            if i == 2 and self.n_checkpoints % 4 == 0:
                continue
            note += w.cosign(text, t + 2 + 3 * i).line()
        return note

    # --- the year --------------------------------------------------------------------------

    def run(self) -> None:
        self.ledger.init({"version": 1, "origin": ORIGIN,
                          "root_keys": [{"key_id": self.root.id, "public_key": self.root.public.b64}],
                          "log_vkey": self.log.vkey, "beacon_chains": [chain_to_json(self.sim.chain)],
                          "witnesses": {"quorum": 2, "witnesses": [{"vkey": w.vkey} for w in self.witnesses]},
                          "sample": True})
        day0 = date(2026, 1, 5)
        self.at(cst(day0, 9), self.register_offices)
        self.at(cst(day0, 15), self.publish_directories)
        self.at(cst(date(2026, 1, 12), 10), self.publish_item_lists)
        self.schedule_tasks()
        self.at(cst(date(2026, 1, 20), 10), self.publish_plans)
        self.at(cst(date(2026, 3, 20), 10), self.revise_market_items)
        self.at(cst(date(2026, 5, 15), 10), self.revise_market_plan)
        self.at(cst(date(2026, 6, 1), 9), self.rotate_market_key)
        self.at(cst(date(2026, 6, 8), 15), self.update_directory)
        for week in range(48):  # weekly checkpoints, as CI would after pushes
            self.at(cst(date(2026, 1, 9) + timedelta(weeks=week), 18), lambda w=week: self.checkpoint(
                cst(date(2026, 1, 9) + timedelta(weeks=w), 18)))
        end = cst(date(2026, 11, 20), 18)
        while self.queue and self.queue[0].when <= end:
            ev = heapq.heappop(self.queue)
            ev.run()
        self.checkpoint(end)

    def register_offices(self) -> None:
        when = cst(date(2026, 1, 5), 9)
        for code, zh, en, _ in OFFICES:
            self.append(OPERATOR, "office.register", {"office": code, "name_zh": zh, "name_en": en,
                                                      "region": "379901", "sample": True}, when)
            k = self.keys[code]
            self.append(OPERATOR, "key.register", {"office": code, "key_id": k.id, "public_key": k.public.b64,
                                                   "valid_from": ts(when), "holder": f"{zh}（示例密钥）"}, when)
        from ..workdays import body_for_year, builtin_year

        for year in (2025, 2026):  # the working-day calendar the sample's deadlines use (SPEC §7.2)
            self.append(OPERATOR, "calendar", body_for_year(builtin_year(year)), when)

    def target_snapshot(self) -> bytes:
        """The target snapshot as published (a sealed portal's has no classes: demo/sealed.py)."""
        return snapshot_bytes(self.targets)

    def publish_directories(self) -> None:
        when = cst(date(2026, 1, 5), 15)
        self.tblob = self.ledger.put_blob(self.target_snapshot())
        self.iblob = self.ledger.put_blob(snapshot_bytes(self.inspectors))
        for kind, blob, n in (("targets", self.tblob, len(self.targets)), ("inspectors", self.iblob, len(self.inspectors))):
            self.append("scjgj", "directory.snapshot", {
                "kind": kind, "blob": blob, "count": n, "confirmed_by": "示例县市场监督管理局 信用监管股（示例）",
                "confirmed_at": "2026-01-05", "source": f"sample-{kind}.xlsx",
                "note": "样例数据：虚构的检查对象与执法人员，仅供演示。"}, when)

    def update_directory(self) -> None:
        """Mid-year the market bureau confirms its directory again: deregistered companies leave it
        (shown on the office page; draws soon after flag the removals on their task pages)."""
        when = cst(date(2026, 6, 8), 15)
        gone = set(self.rng.sample([x.id for x in self.targets], 12))
        self.targets = [x for x in self.targets if x.id not in gone]
        self.tblob = self.ledger.put_blob(self.target_snapshot())
        self.append("scjgj", "directory.snapshot", {
            "kind": "targets", "blob": self.tblob, "count": len(self.targets),
            "confirmed_by": "示例县市场监督管理局 信用监管股（示例）", "confirmed_at": "2026-06-08",
            "source": "sample-targets-2026-06.xlsx", "note": "样例数据：年中更新，12 家已注销企业移出名录。"}, when)

    def publish_item_lists(self) -> None:
        when = cst(date(2026, 1, 12), 10)
        for office, items in self.items.items():
            e = self.append(office, "item.list", {"version": 1, "supersedes": None, "items": items,
                                                  "title": f"{OFFICE_NAMES[office][0]}随机抽查事项清单（2026年版）",
                                                  "effective": "2026-01-12",
                                                  "filed": {"with": "示例县市场监督管理局", "date": "2026-01-12"}}, when)
            self.item_list_ids[office] = e.id

    def revise_market_items(self) -> None:
        e = self.append("scjgj", "item.list", {
            "version": 2, "supersedes": self.item_list_ids["scjgj"], "items": revised_market_items(),
            "title": "示例县市场监督管理局随机抽查事项清单（2026年3月修订）", "effective": "2026-03-20",
            "reason": "部门联合抽查事项清单年度调整（003 二(二)：每年3月底前完成）",
            "filed": {"with": "示例县市场监督管理局", "date": "2026-03-20"}}, cst(date(2026, 3, 20), 10))
        self.item_list_ids["scjgj"] = e.id

    def rotate_market_key(self) -> None:
        when = cst(date(2026, 6, 1), 9)
        old, new = self.keys["scjgj"], self._key("scjgj-rotated")
        self.append(OPERATOR, "key.register", {"office": "scjgj", "key_id": new.id, "public_key": new.public.b64,
                                               "valid_from": ts(when), "holder": "示例县市场监督管理局（轮换后密钥）"}, when)
        self.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": old.id, "reason": "rotation",
                                             "remark": "年度密钥轮换（示例）"}, when)
        self.rotated, self.keys["scjgj"] = old, new

    # --- plans and tasks --------------------------------------------------------------------

    def schedule_tasks(self) -> None:
        rng = self.rng
        offices = [c for c, *_ in OFFICES if c != "scjgj"]
        leads = ["scjgj"] * 22 + offices + [rng.choice(offices) for _ in range(self.n_tasks - 22 - len(offices))]
        rng.shuffle(leads)
        embargo_left, abandoned_done = 5, False
        for n, lead in enumerate(leads[: self.n_tasks], 1):
            start = date(2026, 2, 2) + timedelta(days=rng.randrange(0, 230))
            end = start + timedelta(days=rng.choice([30, 45, 60]))
            joint = n % 3 == 0
            partners = rng.sample([o for o in offices if o != lead], rng.choice([1, 1, 2])) if joint else []
            if joint and lead != "scjgj" and "scjgj" not in partners:
                partners[0] = "scjgj"
            items = self.current_items[lead]
            lead_items = [items[(n + j) % len(items)] for j in range(1 if lead != "scjgj" else rng.choice([1, 2]))]
            lead_items = sorted(set(lead_items))
            task = {"id": f"T-2026-{n:03d}", "n": n, "lead": lead, "partners": partners, "items": lead_items,
                    "start": start, "end": end, "joint": joint,
                    "embargo": embargo_left > 0 and n % 11 == 4, "abandon": not abandoned_done and n == 7}
            if task["embargo"]:
                embargo_left -= 1
            abandoned_done = abandoned_done or task["abandon"]
            self.tasks.append(task)
            announce = cst(start - timedelta(days=7), 10, n % 50)
            self.at(announce, lambda t=task, w=announce: self.publish_task(t, w))

    def _item_kind(self, office: str, code: str) -> tuple[str, str | None]:
        items = self.items[office] if code != "SC-09" else revised_market_items()
        for i in items:
            if i["code"] == code:
                return i["kind"], i.get("ratio_cap")
        raise KeyError(code)

    def _caps(self, task: dict) -> list[str]:
        caps = [self._item_kind(task["lead"], c)[1] for c in task["items"]]
        for p in task["partners"]:
            caps += [self._item_kind(p, c)[1] for c in self.current_items[p][:1]]
        return [c for c in caps if c]

    def plan_task(self, t: dict) -> dict:
        d = {"plan_task_no": f"{t['n']:03d}", "name": self._task_name(t),
             "items": t["items"] + [self.current_items[p][0] for p in t["partners"]],
             "scope": self._scope_text(t), "window": {"from": t["start"].isoformat(), "to": t["end"].isoformat()},
             "lead": t["lead"], "partners": t["partners"], "method": "on_site", "directional": "industries" in self._filter(t),
             "risk_basis": "按信用风险分类A/B/C/D类差异化确定抽查比例（003 二(九)）", "mode": "县抽县查"}
        caps = self._caps(t)
        if self._filter(t).get("kinds") == ["product"]:
            d["count"] = 6
        else:
            d["ratio"] = min(caps) if caps else "0.05"  # key items: planned ratio, no cap
        return d

    def _task_name(self, t: dict) -> str:
        names = [self._item_name(t["lead"], c) for c in t["items"]]
        prefix = "部门联合" if t["joint"] else ""
        return f"2026年{prefix}{'、'.join(names)}（{OFFICE_NAMES[t['lead']][0].replace('示例县', '')}牵头）"

    def _item_name(self, office: str, code: str) -> str:
        items = self.items[office] if code != "SC-09" else revised_market_items()
        return next(i["name"] for i in items if i["code"] == code)

    def _filter(self, t: dict) -> dict:
        industries = next(ind for c, _zh, _en, ind in OFFICES if c == t["lead"])
        if t["lead"] == "scjgj" and "SC-03" in t["items"]:
            return {"kinds": ["product"]}
        if (not industries or (t["lead"] == "scjgj" and "SC-01" in t["items"])
                or sum(1 for x in self.targets if x.industry and x.industry.startswith(tuple(industries))) < 60):
            return {"kinds": ["enterprise", "individual", "cooperative", "branch"]}  # 不定向 over market entities
        return {"industries": industries, "kinds": ["enterprise", "individual", "cooperative", "branch"]}

    def _scope_text(self, t: dict) -> str:
        f = self._filter(t)
        if "industries" in f:
            return f"示例县辖区内行业代码 {'、'.join(f['industries'])} 的市场主体（定向）"
        if f.get("kinds") == ["product"]:
            return "示例县辖区内生产销售的重点工业产品批次"
        return "示例县辖区内全部市场主体（不定向）"

    def publish_plans(self) -> None:
        when = cst(date(2026, 1, 20), 10)
        self.plan_ids = {}
        for office in self.items:
            mine = [self.plan_task(t) for t in self.tasks if t["lead"] == office]
            if not mine:
                continue
            e = self.append(office, "plan", {"year": 2026, "version": 1, "revises": None,
                                             "title": f"{OFFICE_NAMES[office][0]}2026年度双随机抽查工作计划",
                                             "filed": {"with": "示例县市场监督管理局", "date": "2026-01-20"},
                                             "tasks": mine}, when)
            self.plan_ids[office] = e.id

    def revise_market_plan(self) -> None:
        """A mid-year revision (004 第十一条: republished within 10 working days of the decision)."""
        mine = [self.plan_task(t) for t in self.tasks if t["lead"] == "scjgj"]
        mine.append({"plan_task_no": "E01", "name": "2026年电子商务经营者专项抽查（计划调整新增）", "items": ["SC-09"],
                     "scope": "示例县辖区内从事网络经营的市场主体", "ratio": "0.05",
                     "window": {"from": "2026-09-01", "to": "2026-10-31"}, "lead": "scjgj", "partners": [],
                     "method": "network", "directional": True, "mode": "县抽县查"})
        e = self.append("scjgj", "plan", {"year": 2026, "version": 2, "revises": self.plan_ids["scjgj"],
                                          "revision_reason": "根据上级部署新增电子商务经营者检查事项",
                                          "decided": "2026-05-08", "title": "示例县市场监督管理局2026年度双随机抽查工作计划（调整）",
                                          "tasks": mine}, cst(date(2026, 5, 15), 10))
        self.plan_ids["scjgj"] = e.id

    def publish_task(self, t: dict, when: datetime) -> None:
        partners = [{"office": p, "items": [self.current_items[p][0]]} for p in t["partners"]]
        body = {"id": t["id"], "plan_task_no": f"{t['n']:03d}", "name": self._task_name(t), "lead": t["lead"],
                "partners": partners, "items": t["items"], "directional": "industries" in self._filter(t),
                "scope": self._scope_text(t), "window": {"from": t["start"].isoformat(), "to": t["end"].isoformat()},
                "method": "on_site", "origin": "own",
                "rationale": ("综合考虑社会热点问题、监管风险、投诉举报等因素确定联合抽查（000 第八条）" if t["joint"]
                              else "按年度抽查计划组织实施"),
                "batch_size": 10}
        caps = self._caps(t)
        if caps:
            body["ratio"] = min(caps)
        self.append(t["lead"], "task", body, when)
        commit_at = when + timedelta(days=2, minutes=7)
        self.at(commit_at, lambda: self.commit(t, commit_at))

    # --- draws -----------------------------------------------------------------------------

    def strata(self, t: dict) -> list[dict]:
        f = self._filter(t)
        if f.get("kinds") == ["product"]:
            return [{"name": "全部批次", "match": {}, "take": {"count": 6}}]
        caps = self._caps(t)
        if caps:  # general items: ratios kept well under the smallest cap (003 二(二))
            r = {"A": "0.005", "B": "0.01", "C": "0.04", "D": "0.10"}
            rounding = "floor"
        else:  # key items: no cap; higher ratios for higher risk (003 二(九), 001 第七条)
            r = {"A": "0.01", "B": "0.02", "C": "0.08", "D": "0.30"}
            rounding = "ceil"
        names = {"A": "A类（信用风险低）", "B": "B类（信用风险一般）", "C": "C类（信用风险较高）", "D": "D类（信用风险高）"}
        out = [{"name": names[c], "match": {"risks": [c]}, "take": {"ratio": r[c]}, "rounding": rounding} for c in "ABCD"]
        out.append({"name": "未分类", "match": {"risks": [None]}, "take": {"count": 0}})
        return out

    def commit(self, t: dict, when: datetime, supersedes: Entry | None = None) -> None:
        offices = [t["lead"]] + t["partners"]
        mode = "big"
        if t["lead"] == "scjgj" and not t["partners"]:
            mode = ["big", "small", "group", "cross"][t["n"] % 4]
        members = {o: (2 if o == t["lead"] and not t["partners"] else 1) for o in offices}
        spec: dict[str, Any] = {
            "task": t["id"],
            "population": {"snapshot": self.tblob, "filter": self._filter(t)},
            "strata": self.strata(t),
            "offices": [{"office": o, "members": members[o]} for o in offices],
            "teams": {"inspectors": self.iblob, "mode": mode},
            "beacon": {"chain_hash": self.sim.chain.chain_hash,
                       "round": self.sim.chain.round_at(int(when.timestamp()) + 3600)},
            "batch_size": 10,
        }
        if t["lead"] != "scjgj":  # the county's directory is kept by the market bureau (001 第八条)
            spec["population"]["source"] = {"office": "scjgj", "reason": "县级检查对象名录库由县市场监管局统一维护并确认"}
        if mode in ("small", "cross"):
            spec["population"]["filter"] = dict(spec["population"]["filter"], regions=["379901001", "379901002", "379901003"])
        if t["embargo"]:  # only an embargoed draw keeps per-office secrets (seed v2)
            spec["embargo_until"] = (t["start"] + timedelta(days=3)).isoformat()
            secrets = [self.rng.randbytes(32) for _ in offices]
            for o, sec in zip(spec["offices"], secrets):
                o["commitment"] = secret_commitment(t["id"], o["office"], sec)
                o["escrow"] = seal_secret(sec, spec["embargo_until"], self.sim.chain, self.rng.randbytes)
        else:
            secrets = []
        if supersedes is not None:
            old = supersedes.body["beacon"]["round"]
            spec.update(supersedes=supersedes.id, reason_code="superior_order", document="示例县政〔2026〕7号（示例）",
                        reason="县政府要求按调整后的检查方案重新抽取，原承诺及其抽取结果公开保留",
                        approver={"name": HEAD[t["lead"]][0], "title": "主要负责人"},
                        superseded_beacon={"round": old, "signature": self.sim.beacon(old).signature.hex()})
        caps = self._caps(t)
        if caps:
            spec["ratio_cap"] = min(caps)
        self._no_zero_draws(spec, when)
        body = build_commit_body(spec, self.targets, self.inspectors, time=ts(when), cap=self.cap,
                                 chains={self.sim.chain.chain_hash: self.sim.chain})
        e = self.append(t["lead"], "draw.commit", body, when)
        self.secrets[e.id] = secrets
        self.commit_targets[e.id] = self.targets
        for i, p in enumerate(t["partners"]):  # each partner accepts the lead's commitment before the round
            at = when + timedelta(minutes=3 + i)
            self.at(at, lambda p=p, at=at: self.append(p, "draw.accept", {"task": t["id"], "commit": e.id}, at))
        cp = when + timedelta(minutes=10)
        self.at(cp, lambda: self.checkpoint(cp))  # CI checkpoints the pushes before the round is due
        if t["abandon"] and supersedes is None:
            redo = when + timedelta(days=9, hours=1)
            self.at(redo, lambda: self.commit(t, redo, supersedes=e))
            return
        lock_at = max(when + timedelta(hours=2), cst(t["start"] - timedelta(days=1), 16))
        self.at(lock_at, lambda: self.lock(t, e, lock_at))

    def _no_zero_draws(self, spec: dict, when: datetime) -> None:
        """A ratio that would round a non-empty class down to nothing is rounded up instead when the
        general item's cap allows it; otherwise the class is skipped in the open, with zero_ok."""
        d = derive(spec, self.targets, self.inspectors, cap=self.cap, time=ts(when), apply_cap=True)
        for s, n, k in zip(spec["strata"], d.ns, d.ks):
            if n > 0 and k == 0 and s["take"].get("ratio") not in (None, "0"):
                s["rounding"] = "ceil"
        d = derive(spec, self.targets, self.inspectors, cap=self.cap, time=ts(when), apply_cap=True)
        if any("ratio cap" in f.message for f in d.findings):
            for s, _n in zip(spec["strata"], d.ns):
                if s.get("rounding") == "ceil" and "ratio" in s["take"]:
                    s["rounding"] = "floor"
                    s["zero_ok"] = "一般事项抽查比例上限内，该类对象本次向下取整不抽取（示例）"

    def lock(self, t: dict, commit: Entry, when: datetime) -> None:
        beacon = self.sim.beacon(commit.body["beacon"]["round"])
        body = build_lock_body(commit.id, commit.body, beacon, self.secrets[commit.id], self.commit_targets[commit.id],
                               self.inspectors)
        self.append(t["lead"], "draw.lock", body, when)
        self._lock_time[commit.id] = ts(when)
        if "selected" in body:
            self.after_public(t, commit, body, when)
        else:
            reveal_at = cst(date.fromisoformat(commit.body["embargo_until"]) + timedelta(days=1), 9)
            self.at(reveal_at, lambda: self.reveal(t, commit, beacon, reveal_at))

    def reveal(self, t: dict, commit: Entry, beacon, when: datetime) -> None:
        # CI records the embargo's reveal round (ledger/beacons/): the escrows open from it alone;
        # the office's reveal below is the courtesy that can only agree (spec §5A.4)
        rr = reveal_round(self.sim.chain, commit.body["embargo_until"])
        record_beacon(self.ledger.root, self.sim.chain.chain_hash, self.sim.beacon(rr))
        body = build_reveal_body(commit.id, commit.body, beacon, self.secrets[commit.id], self.commit_targets[commit.id],
                                 self.inspectors)
        self.append(t["lead"], "draw.reveal", body, when)
        self.after_public(t, commit, body, when)

    def after_public(self, t: dict, commit: Entry, body: dict, when: datetime) -> None:
        year = china_year(self._lock_time.get(commit.id, ts(when)))
        if draw_counts(commit.body["population"]["count"]):  # counts once results are published (001 第七条)
            self.pending_cap[t["id"]] = (commit.id, year, {s["id"] for s in body["selected"]})
        teams = {tm["target"]: list(tm["members"]) for tm in body["teams"]}
        if t["n"] == 5 and body["teams"]:  # one replacement (001 第十三条), substitute drawn
            at = when + timedelta(hours=3)
            self.at(at, lambda: self.replacement(t, commit, body, teams, at))
        for s in body["selected"]:
            self.schedule_result(t, s["id"], teams, when)

    def replacement(self, t: dict, commit: Entry, body: dict, teams: dict[str, list[str]], when: datetime) -> None:
        target = next(iter(teams))
        out = teams[target][-1]
        plan = team_plan(commit.body, self.inspectors)
        region = self.region_of[target]
        sub = substitute(bytes.fromhex(body["seed"]), target, region, out, teams, plan)
        assert sub is not None
        self.append(t["lead"], "team.replace", {
            "task": t["id"], "commit": commit.id, "target": target, "out": out, "in": sub, "reason": "health",
            "approver": {"name": "王某（示例）", "title": "分管负责人"}, "date": when.astimezone(CST).date().isoformat()}, when)
        teams[target] = [sub if m == out else m for m in teams[target]]

    # --- results ---------------------------------------------------------------------------

    def schedule_result(self, t: dict, target: str, teams: dict[str, list[str]], locked: datetime) -> None:
        rng = self.rng
        first = max(t["start"], locked.astimezone(CST).date() + timedelta(days=1))
        span = max(1, (t["end"] - first).days)
        completed = first + timedelta(days=rng.randrange(span))
        if completed > date(2026, 11, 6):
            return  # still being inspected at the end of the sample; shows up as pending/overdue
        late = rng.random() < 0.06
        wd = rng.randint(22, 30) if late else rng.randint(1, 15)
        try:
            published = add_workdays(completed, wd)
        except LookupError:
            return
        if published > date(2026, 11, 20):
            return
        if rng.random() < 0.02:  # overdue: never published
            return
        when = cst(published, 10 + rng.randrange(6), rng.randrange(60))
        self.at(when, lambda: self.result(t, target, teams[target], completed, when))

    def categories(self) -> list[str]:
        r = self.rng.random()
        for code, p in (("1", 0.70), ("5", 0.80), ("2", 0.85), ("4", 0.89), ("7", 0.93), ("8", 0.96), ("3", 0.993)):
            if r < p:
                return [code] if code != "5" or self.rng.random() < 0.7 else ["2", "5"]
        return ["6"]

    def result(self, t: dict, target: str, team: list[str], completed: date, when: datetime) -> None:
        rng = self.rng
        cats = self.categories()
        name = self.names[target]
        lead_team = [m for m in team if self.insp_office[m] == t["lead"]]
        if len(lead_team) < 2:
            lead_team = team[:2]
        body: dict[str, Any] = {
            "task": t["id"], "target": target, "target_name": name, "completed": completed.isoformat(),
            "inspectors": lead_team if len(lead_team) >= 2 else team, "method": "on_site", "categories": cats,
            "vocabulary": "004-20/v1", "items": t["items"],
            "approved": {"name": HEAD[t["lead"]][0], "title": "分管负责人", "date": completed.isoformat()}}
        if cats != ["1"]:
            body["findings"] = [{"item": t["items"][0], "finding": FINDING.get(cats[-1], "发现问题")}]
        if "5" in cats:
            body["follow_up"] = [{"kind": "none", "detail": "已当场责令改正"}]
        if "8" in cats:
            body["follow_up"] = [{"kind": "referral", "detail": "线索移交相关部门依法处理"}]
        if "4" in cats:
            body["follow_up"] = [{"kind": "abnormal_list", "detail": "依法列入经营异常名录"}]
        if rng.random() < 0.05:
            body["remarks"] = "检查人员出示执法证件，企业负责人在场签字确认。"
        if t["partners"]:
            body["sections"] = [{"office": p, "items": [self.current_items[p][0]], "categories": ["1"],
                                 "inspectors": [m for m in team if self.insp_office[m] == p] or [team[-1]]}
                                for p in t["partners"]]
        if "6" in cats:
            self.append(t["lead"], "noncooperation", {
                "task": t["id"], "target": target, "target_name": name, "grounds": ["refused_entry"],
                "date": completed.isoformat(), "detail": "拒绝执法检查人员进入经营场所，经劝说仍不配合。",
                "serious": True}, when)
        if self.stats["results"] == 40:  # one result withheld by law instead of published (001 第四条)
            self.append(t["lead"], "result.withhold", {
                "task": t["id"], "target": target, "legal_basis": "《中华人民共和国政府信息公开条例》第十四条（涉及国家秘密）（示例）",
                "decided": completed.isoformat(), "completed": completed.isoformat(),
                "approver": {"name": HEAD[t["lead"]][0], "title": "主要负责人"}}, when)
            self.stats["results"] += 1
            return
        e = self.append(t["lead"], "result", body, when)
        p = self.pending_cap.get(t["id"])
        if p is not None and target in p[2]:
            self.cap.add(p[1], target, p[0])
            p[2].discard(target)
        self.stats["results"] += 1
        if self.stats["results"] % 97 == 0:  # a correction with the head's sign-off (001 第十九条)
            fixed = dict(body, categories=["5"], findings=[{"item": t["items"][0], "finding": "复核发现价签不规范，已责令改正"}],
                         follow_up=[{"kind": "none", "detail": "已责令改正"}])
            at = when + timedelta(days=6)
            self.at(at, lambda: self.correct(t, e, fixed, at))

    def correct(self, t: dict, original: Entry, fixed: dict, when: datetime) -> None:
        self.append(t["lead"], "result.correct", {
            "result": original.id, "corrected": fixed, "reason": "复核发现原公示结果录入有误",
            "approver": {"name": HEAD[t["lead"]][0], "title": "主要负责人"},
            "date": when.astimezone(CST).date().isoformat()}, when)
        self.stats["corrections"] += 1


FINDING = {"2": "未按规定公示年度报告", "3": "公示的从业人数与实际不符", "4": "通过登记的住所无法联系",
           "5": "明码标价不规范，已当场责令改正", "6": "拒绝检查", "7": "未发现开展本次抽查涉及的经营活动",
           "8": "发现疑似违法线索，待后续处理"}


def generate(ledger: Path, *, seed: int = 2026, key_seed: bytes | None = None, keys_dir: Path | None = None,
             passphrase: bytes = b"sample-county-demo", n_targets: int = 20000, n_tasks: int = 60,
             force: bool = False) -> Demo:
    if ledger.exists() and any(ledger.iterdir()):
        if not force:
            raise FileExistsError(f"{ledger} is not empty (use --force to regenerate the sample)")
        shutil.rmtree(ledger)
    demo = Demo(ledger, seed, key_seed, keys_dir, n_targets, n_tasks)
    demo.run()
    demo.save_keys(passphrase)
    return demo
