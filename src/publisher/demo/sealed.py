"""A small SAMPLE portal whose risk classes are sealed (docs/spec/65-sealed.md).

The same invented county as ``demo/build.py``, smaller, with ``risk_class_disclosure: sealed``:
the published target snapshots carry no class, each draw commits to its strata with hiding
leaves, and the openings go to ``openings.jsonl`` next to (never inside) the ledger, as an
office keeps them next to its keystore. Embargoed draws and the re-draw example are left out
(a sealed portal refuses embargoes in this version).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..core.entry import Entry
from ..directory.snapshot import snapshot_bytes
from ..draw.errors import DrawError
from ..draw.openings import Opening, openings_bytes
from ..draw.sealed import build_sealed_commit, build_sealed_lock, eligible
from .build import Demo, cst, ts

#: the office's private stratification: neutral public names, classes never printed
LAYERS = {"A": "第一层", "B": "第一层", "C": "第二层", "D": "第三层", None: "第四层"}
TAKE = {"第一层": "0.01", "第二层": "0.05", "第三层": "0.2"}


class SealedDemo(Demo):
    def __init__(self, ledger: Path, seed: int, key_seed: bytes | None, keys_dir: Path | None,
                 n_targets: int = 400, n_tasks: int = 8):
        super().__init__(ledger, seed, key_seed, keys_dir, n_targets, n_tasks)
        self.openings: list[Opening] = []
        self.by_root: dict[str, dict[str, Opening]] = {}
        self.eligible_of: dict[str, list[Any]] = {}

    def run(self) -> None:
        init = self.ledger.init
        self.ledger.init = lambda obj: init({**obj, "risk_class_disclosure": "sealed"})  # type: ignore[method-assign]
        super().run()

    def schedule_tasks(self) -> None:
        super().schedule_tasks()
        for t in self.tasks:
            t["embargo"] = t["abandon"] = False

    def target_snapshot(self) -> bytes:
        return snapshot_bytes([t.sealed_copy() for t in self.targets])

    def plan_task(self, t: dict) -> dict:
        d = super().plan_task(t)
        d.pop("risk_basis", None)  # the basis names the classes; the sealed strata say enough
        return d

    def strata(self, t: dict) -> list[dict]:
        if self._filter(t).get("kinds") == ["product"]:
            return [{"name": "全部批次", "match": {}, "take": {"count": 6}}]
        out = [{"name": n, "match": {}, "take": {"ratio": r}, "rounding": "ceil"} for n, r in TAKE.items()]
        return out + [{"name": "第四层", "match": {}, "take": {"count": 0}}]

    def commit(self, t: dict, when: datetime, supersedes: Entry | None = None) -> None:
        offices = [t["lead"]] + t["partners"]
        spec: dict[str, Any] = {
            "task": t["id"],
            "population": {"snapshot": self.tblob, "filter": self._filter(t)},
            "strata": self.strata(t),
            "offices": [{"office": o, "members": 2 if o == t["lead"] and not t["partners"] else 1} for o in offices],
            "teams": {"inspectors": self.iblob, "mode": "big"},
            "beacon": {"chain_hash": self.sim.chain.chain_hash,
                       "round": self.sim.chain.round_at(int(when.timestamp()) + 3600)},
            "batch_size": 10,
        }
        if t["lead"] != "scjgj":
            spec["population"]["source"] = {"office": "scjgj", "reason": "县级检查对象名录库由县市场监管局统一维护并确认"}
        caps = self._caps(t)
        if caps:
            spec["ratio_cap"] = min(caps)
        product = len(spec["strata"]) == 1
        assign = (lambda x: "全部批次") if product else (lambda x: LAYERS[x.risk])
        built = self._build(spec, assign, when)
        self.ledger.put_blob(built.leaves)
        e = self.append(t["lead"], "draw.commit", built.body, when)
        self.openings += built.openings
        self.by_root[built.body["population"]["root"]] = {o.id: o for o in built.openings}
        self.eligible_of[e.id] = eligible(built.body, built.public_targets, cap=None, time=ts(when),
                                          apply_cap=False).targets
        for i, p in enumerate(t["partners"]):
            at = when + timedelta(minutes=3 + i)
            self.at(at, lambda p=p, at=at: self.append(p, "draw.accept", {"task": t["id"], "commit": e.id}, at))
        cp = when + timedelta(minutes=10)
        self.at(cp, lambda: self.checkpoint(cp))
        lock_at = max(when + timedelta(hours=2), cst(t["start"] - timedelta(days=1), 16))
        self.at(lock_at, lambda: self.lock(t, e, lock_at))

    def _build(self, spec: dict, assign, when: datetime):
        kw = dict(time=ts(when), cap=self.cap, chains={self.sim.chain.chain_hash: self.sim.chain},
                  salt=lambda: self.rng.randbytes(32))
        try:
            return build_sealed_commit(spec, self.targets, self.inspectors, assign, **kw)
        except DrawError as exc:
            if "ratio cap" not in exc.message and "draws none" not in exc.message:
                raise
        for s in spec["strata"]:  # within a general item's cap: round down, skipping a layer in the open
            if "ratio" in s["take"]:
                s["rounding"] = "floor"
                s["zero_ok"] = "一般事项抽查比例上限内，该层本次向下取整不抽取（示例）"
        return build_sealed_commit(spec, self.targets, self.inspectors, assign, **kw)

    def lock(self, t: dict, commit: Entry, when: datetime) -> None:
        beacon = self.sim.beacon(commit.body["beacon"]["round"])
        body = build_sealed_lock(commit.id, commit.body, beacon, self.eligible_of[commit.id],
                                 self.by_root[commit.body["population"]["root"]], self.inspectors)
        self.append(t["lead"], "draw.lock", body, when)
        self._lock_time[commit.id] = ts(when)
        self.after_public(t, commit, body, when)


def generate_sealed(out: Path, *, seed: int = 2026, key_seed: bytes | None = None,
                    passphrase: bytes = b"sample-county-demo", n_targets: int = 400, n_tasks: int = 8,
                    force: bool = False) -> SealedDemo:
    """``out/ledger`` (the sealed sample ledger), ``out/openings.jsonl`` (the office's openings,
    outside the ledger) and ``out/keys`` (encrypted demo keys)."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty (use --force to regenerate the sealed sample)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    demo = SealedDemo(out / "ledger", seed, key_seed, out / "keys", n_targets, n_tasks)
    demo.run()
    demo.save_keys(passphrase)
    (out / "openings.jsonl").write_bytes(openings_bytes(demo.openings))
    return demo

