"""A deterministic little county for the conformance cases: fixed keys, fixed clock, real signatures.

Keys are ``Ed25519 seed = H_ssgk/conformance-key/v1(label)`` (public, for tests only); the clock
starts at 2026-01-05T02:00:00Z and only moves when the builder says so; the simulated beacon and
every escrow take their randomness from labels. Two builds of the same case are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from publisher.beacon import SimulatedBeacon, chain_to_json
from publisher.core.canonical import tagged_hash
from publisher.core.checkpoint import Checkpoint, sign_checkpoint
from publisher.core.cosignature import Cosigner, add_signatures
from publisher.core.entry import OPERATOR, Entry
from publisher.core.keys import SigningKey
from publisher.core.merkle import TreeBuilder, leaf_hash
from publisher.core.note import Signer
from publisher.storage.ledger_dir import LedgerDir

ORIGIN = "conformance.example/county"
START = 1767578400  # 2026-01-05T02:00:00Z (10:00 in China), a Monday
GENESIS = START - 86400


def key(label: str) -> SigningKey:
    return SigningKey.from_seed(tagged_hash("ssgk/conformance-key/v1", label.encode()))


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class County:
    """One ledger directory being built; every method appends real signed entries."""

    def __init__(self, root: Path, *, witnesses: int = 0, quorum: int = 0):
        self.root = root
        self.ledger = LedgerDir(root)
        self.root_key = key("root")
        self.log_signer = Signer(ORIGIN, key("log"))
        self.sim = SimulatedBeacon(b"conformance", GENESIS, 3)
        self.cosigners = [Cosigner(f"witness{i + 1}.example", key(f"witness{i + 1}")) for i in range(witnesses)]
        self.keys: dict[str, SigningKey] = {}
        self.clock = START
        trust: dict[str, Any] = {
            "version": 1, "origin": ORIGIN,
            "root_keys": [{"key_id": self.root_key.id, "public_key": self.root_key.public.b64}],
            "log_vkey": self.log_signer.vkey, "beacon_chains": [chain_to_json(self.sim.chain)], "sample": False}
        if witnesses:
            trust["witnesses"] = {"quorum": quorum, "witnesses": [{"vkey": c.vkey} for c in self.cosigners]}
        self.ledger.init(trust)

    # -- plumbing ------------------------------------------------------------------------------

    def tick(self, seconds: int = 60) -> str:
        self.clock += seconds
        return iso(self.clock)

    def append(self, office: str, type: str, body: dict, signer: SigningKey | None = None,
               time: str | None = None) -> Entry:
        k = signer or (self.root_key if office == OPERATOR else self.keys[office])
        return self.ledger.append(office, type, body, k, time or self.tick())

    def office(self, office: str, name_zh: str, name_en: str) -> SigningKey:
        k = key("office:" + office)
        self.keys[office] = k
        t = self.tick()
        self.append(OPERATOR, "office.register", {"office": office, "name_zh": name_zh, "name_en": name_en}, time=t)
        self.append(OPERATOR, "key.register", {"office": office, "key_id": k.id, "public_key": k.public.b64,
                                               "valid_from": t, "holder": f"{name_zh}办公室"}, time=t)
        return k

    def notice(self, office: str, title: str = "通知", text: str = "公告正文") -> Entry:
        return self.append(office, "notice", {"title": title, "text": text})

    def log_ids(self) -> list[str]:
        return [ln.split(" ")[1] for ln in (self.root / "log").read_text("utf-8").splitlines()]

    def note(self, ids: list[str], time: int) -> str:
        """A checkpoint note over ``ids`` signed by the log key (whatever history they tell)."""
        tree = TreeBuilder()
        for i in ids:
            tree.append(leaf_hash(bytes.fromhex(i)))
        return sign_checkpoint(Checkpoint(ORIGIN, len(ids), tree.root(), time), self.log_signer)

    def checkpoint(self, time: int | None = None, size: int | None = None, cosign: int | None = None) -> Path:
        """Sign a checkpoint of the first ``size`` entries (default: all) at ``time`` (default: now),
        cosigned by the first ``cosign`` witnesses (default: all) one second later."""
        ids = self.log_ids()
        size = len(ids) if size is None else size
        tree = TreeBuilder()
        for i in ids[:size]:
            tree.append(leaf_hash(bytes.fromhex(i)))
        t = self.clock if time is None else time
        note = sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(), t), self.log_signer)
        if self.cosigners:
            body = note.split("\n\n", 1)[0] + "\n"
            sigs = [c.cosign(body, t + 1) for c in self.cosigners[: len(self.cosigners) if cosign is None else cosign]]
            note = add_signatures(note, sigs)
        return self.ledger.write_checkpoint(size, note)

    def blob(self, data: bytes) -> str:
        return self.ledger.put_blob(data)

    def finish(self) -> None:
        """Remove what is not part of a ledger (the append lock file)."""
        lock = self.root / ".lock"
        if lock.exists():
            lock.unlink()


def rewrite_entry(root: Path, office: str, seq: int, edit) -> Path:
    """Apply ``edit(obj) -> obj | bytes`` to an entry file (the attacker's pen)."""
    p = root / "entries" / office / f"{seq:08d}.json"
    out = edit(json.loads(p.read_text("utf-8")))
    p.write_bytes(out if isinstance(out, bytes) else
                  (json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    return p


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the sampling workflow: item lists, a joint task, snapshots, a draw ------------------------------

SC_ITEMS = [
    {"code": "SC-01", "name": "食品生产经营检查", "kind": "key", "basis": "《食品安全法》第八十七条",
     "subject": "县市场监督管理局", "content": "生产经营条件、进货查验", "method": "现场检查", "joint": True},
]
WJ_ITEMS = [
    {"code": "WJ-01", "name": "公共场所卫生检查", "kind": "general", "ratio_cap": "0.5",
     "basis": "《公共场所卫生管理条例》", "subject": "县卫生健康局", "content": "卫生许可、从业人员健康证",
     "method": "现场检查", "joint": True},
]
TASK = "T-2026-001"


class Workflow(County):
    """The county with two offices, their item lists, a joint task, confirmed snapshots and a
    simulated drand chain; :meth:`draw` commits, checkpoints and locks a real draw."""

    def __init__(self, root: Path, *, n_targets: int = 40, groups_of: int = 0, **kw):
        from publisher.directory.snapshot import snapshot_bytes
        from publisher.draw.samples import sample_inspectors, sample_targets

        super().__init__(root, **kw)
        self.office("scjgj", "市场监督管理局", "Market Regulation Bureau")
        self.office("wjj", "卫生健康局", "Health Commission")
        self.targets = sample_targets(n_targets, "conformance")
        self.inspectors = sample_inspectors({"scjgj": 6, "wjj": 4}, "conformance", groups_of=groups_of)
        self.tblob = self.blob(snapshot_bytes(self.targets))
        self.iblob = self.blob(snapshot_bytes(self.inspectors))
        for office, items in (("scjgj", SC_ITEMS), ("wjj", WJ_ITEMS)):
            self.append(office, "item.list", {"version": 1, "supersedes": None, "title": f"{office} 随机抽查事项清单",
                                              "items": items})
        self.task = self.append("scjgj", "task", {
            "id": TASK, "plan_task_no": None, "name": "食品经营场所联合抽查", "lead": "scjgj",
            "partners": [{"office": "wjj", "items": ["WJ-01"]}], "items": ["SC-01"], "directional": False,
            "scope": "全县食品经营场所", "window": {"from": "2026-01-01", "to": "2026-06-30"}, "method": "on_site",
            "rationale": "群众投诉较多", "origin": "upper", "origin_detail": "市局统一部署", "batch_size": 2})
        for kind, blob, n in (("targets", self.tblob, len(self.targets)), ("inspectors", self.iblob, len(self.inspectors))):
            self.append("scjgj", "directory.snapshot", {"kind": kind, "blob": blob, "count": n,
                                                        "confirmed_by": "信用监管股", "confirmed_at": iso(self.clock)[:10]})
        self.secrets: list[bytes] = []

    def spec(self, *, count: int = 4, mode: str = "big", members: int = 1, embargo: str | None = None,
             load_cap: int | None = None) -> dict[str, Any]:
        from publisher.draw.seed import secret_commitment
        from publisher.embargo import seal_secret

        spec: dict[str, Any] = {
            "task": TASK, "population": {"snapshot": self.tblob, "filter": {}},
            "strata": [{"name": "全部", "match": {}, "take": {"count": count}}],
            "offices": [{"office": o, "members": members} for o in ("scjgj", "wjj")],
            "teams": {"inspectors": self.iblob, "mode": mode, **({"load_cap": load_cap} if load_cap else {})},
            "batch_size": 2}
        if embargo:
            spec["embargo_until"] = embargo
            self.secrets = [tagged_hash("ssgk/conformance-secret/v1", o.encode()) for o in ("scjgj", "wjj")]
            n = iter(range(1 << 30))

            def rand(k: int) -> bytes:  # reproducible escrows: a sample ledger, never a real one
                return tagged_hash("ssgk/conformance-escrow/v1", str(next(n)).encode())[:k]

            for o, sec in zip(spec["offices"], self.secrets):
                o["commitment"] = secret_commitment(TASK, o["office"], sec)
                o["escrow"] = seal_secret(sec, embargo, self.sim.chain, randbytes=rand)
        return spec

    def inspector_office(self, inspector: str) -> str:
        return next(i.office for i in self.inspectors if i.id == inspector)

    def commit(self, spec: dict[str, Any], forge=None) -> Entry:
        from publisher.draw.commitment import build_commit_body

        t = self.tick()
        spec = dict(spec, beacon={"chain_hash": self.sim.chain.chain_hash,
                                  "round": self.sim.chain.round_at(self.clock + 600)})
        body = build_commit_body(spec, self.targets, self.inspectors, time=t)
        if forge:
            forge(body)
        c = self.append("scjgj", "draw.commit", body, time=t)
        self.append("wjj", "draw.accept", {"task": body["task"], "commit": c.id})
        return c

    def after_round(self, c: Entry) -> None:
        self.clock = max(self.clock, self.sim.chain.round_time(c.body["beacon"]["round"]) + 60)

    def lock_body(self, c: Entry) -> dict[str, Any]:
        from publisher.draw.lock import build_lock_body

        return build_lock_body(c.id, c.body, self.sim.beacon(c.body["beacon"]["round"]), self.secrets,
                               self.targets, self.inspectors)

    def lock(self, c: Entry, forge=None) -> Entry:
        self.checkpoint()
        self.after_round(c)
        body = self.lock_body(c)
        if forge:
            forge(body)
        return self.append("scjgj", "draw.lock", body)

    def reveal(self, c: Entry) -> Entry:
        from publisher.draw.lock import build_reveal_body

        body = build_reveal_body(c.id, c.body, self.sim.beacon(c.body["beacon"]["round"]), self.secrets,
                                 self.targets, self.inspectors)
        return self.append("scjgj", "draw.reveal", body)

    def draw(self, **kw) -> tuple[Entry, Entry]:
        c = self.commit(self.spec(**kw))
        return c, self.lock(c)

    def result(self, lock: Entry, target: str, office: str = "scjgj", **over) -> Entry:
        team = next(t["members"] for t in lock.body["teams"] if t["target"] == target)
        name = next(t.name for t in self.targets if t.id == target)
        body = {"task": TASK, "target": target, "target_name": name, "completed": iso(self.clock)[:10],
                "inspectors": list(team), "method": "on_site", "categories": ["1"], "vocabulary": "004-20/v1"}
        body.update(over)
        return self.append(office, "result", body)
