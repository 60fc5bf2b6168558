"""Site build benchmark: a real signed synthetic ledger, the full build, peak memory, and the
plugin's page rate against bare Jinja2 rendering the same pages in the same run.

    python bench/bench_site.py                      # scale 0.01 (5,000 companies, 200 tasks, 10,000 results)
    python bench/bench_site.py --scale 0.1          # 50,000 / 2,000 / 100,000
    python bench/bench_site.py --scale 1            # province: 500,000 / 20,000 / 1,000,000 (hours)
    python bench/bench_site.py --ledger DIR         # time the build of an existing ledger
    python bench/bench_site.py --keep bench/out/s01 # keep (and reuse) the generated ledger and site

The generated ledger is a real one: one Ed25519 key per office, regional directory snapshots,
item lists, plans, tasks, draws committed before a simulated beacon round, checkpoints, locks
and results; it passes `publisher verify` with every rule. The build runs in a child process
so its peak RSS is its own. "Bare Jinja2" renders the very same pages from the same read-model
with a plain jinja2.Environment and open().write(), without Pelican's writer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORIGIN = "bench.local/province"
PROVINCE = {"companies": 500_000, "tasks": 20_000, "results": 1_000_000}
OFFICES = 20
REGION_SIZE = 2_500
YEARS = (2023, 2024, 2025, 2026)


def key(name: str):
    from publisher.core.keys import SigningKey

    return SigningKey.from_seed(hashlib.sha256(b"bench-site:" + name.encode()).digest())


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_ts(d: date, hour: int = 2) -> int:
    return int(datetime(d.year, d.month, d.day, hour, tzinfo=UTC).timestamp())


# ------------------------------------------------------------------------------ generation

class Gen:
    def __init__(self, root: Path, companies: int, tasks: int, results: int):
        from publisher.beacon import SimulatedBeacon, chain_to_json
        from publisher.core import merkle
        from publisher.core.note import Signer
        from publisher.draw.cap import CapTable
        from publisher.storage.ledger_dir import LedgerDir

        self.companies, self.tasks, self.results = companies, tasks, results
        self.per_task = max(1, results // tasks)
        self.led = LedgerDir(root, durable=False)
        self.root_key, self.log = key("root"), Signer(ORIGIN, key("log"))
        self.sim = SimulatedBeacon(b"bench-site", day_ts(date(YEARS[0] - 1, 12, 31), 0), 3)
        self.led.init({"version": 1, "origin": ORIGIN, "sample": True, "log_vkey": self.log.vkey,
                       "root_keys": [{"key_id": self.root_key.id, "public_key": self.root_key.public.b64}],
                       "beacon_chains": [chain_to_json(self.sim.chain)]})
        self.offices = [f"o{i:02d}" for i in range(OFFICES)]
        self.keys = {o: key(o) for o in self.offices}
        self.clock = day_ts(date(YEARS[0], 1, 2))
        self.tree = merkle.TreeBuilder()
        self.cap = CapTable()
        self.heads: dict[str, int] = {}

    def tick(self, s: int = 1) -> str:
        self.clock += s
        return iso(self.clock)

    def append(self, office: str, type: str, body: dict, signer=None):
        from publisher.core import merkle

        e = self.led.append(office, type, body, signer or self.keys[office], self.tick())
        self.tree.append(merkle.leaf_hash(bytes.fromhex(e.id)))
        return e

    def checkpoint(self) -> None:
        from publisher.core.checkpoint import Checkpoint, sign_checkpoint

        if (self.led.checkpoints_dir / f"{self.tree.size:010d}.note").exists():
            return
        self.clock += 5
        note = sign_checkpoint(Checkpoint(ORIGIN, self.tree.size, self.tree.root(), self.clock), self.log)
        self.led.write_checkpoint(self.tree.size, note)

    def run(self) -> None:
        from publisher.core.entry import OPERATOR
        from publisher.directory.snapshot import snapshot_bytes
        from publisher.draw.samples import sample_inspectors, sample_target

        for o in self.offices:
            k = self.keys[o]
            self.append(OPERATOR, "office.register", {"office": o, "name_zh": f"第{o[1:]}监管局", "name_en": f"Bureau {o}"}, self.root_key)
            self.append(OPERATOR, "key.register", {"office": o, "key_id": k.id, "public_key": k.public.b64,
                                                   "valid_from": iso(self.clock)}, self.root_key)
        regions = max(1, self.companies // REGION_SIZE)
        self.snapshots = []
        for r in range(regions):
            lo, hi = r * self.companies // regions, (r + 1) * self.companies // regions
            targets = sorted((sample_target(i, "bench") for i in range(lo, hi)), key=lambda t: t.id)
            self.snapshots.append((self.led.put_blob(snapshot_bytes(targets)), hi - lo))
            self.append("o00", "directory.snapshot", {"kind": "targets", "blob": self.snapshots[-1][0],
                                                     "count": hi - lo, "confirmed_by": "张三", "confirmed_at": f"{YEARS[0]}-01-02"})
        self.inspectors = sample_inspectors(dict.fromkeys(self.offices, 12), "bench")
        self.iblob = self.led.put_blob(snapshot_bytes(self.inspectors))
        self.append("o00", "directory.snapshot", {"kind": "inspectors", "blob": self.iblob, "count": len(self.inspectors),
                                                 "confirmed_by": "张三", "confirmed_at": f"{YEARS[0]}-01-02"})
        for o in self.offices:
            self.append(o, "item.list", {"version": 1, "supersedes": None, "title": "抽查事项清单", "items": [
                {"code": f"{o}-{j}", "name": f"检查事项{j}", "kind": "key", "basis": "法规", "subject": "局",
                 "content": "内容", "method": "实地检查", "joint": True} for j in range(3)]})
        # tasks spread over 2023-2026 (years the working-day calendar knows), in batches; at the
        # province ratio (1M results, 500k companies) one year would push most companies to the
        # twice-a-year cap, and every commitment would then list thousands of cap exclusions
        ys = YEARS
        years = {y: range(k * self.tasks // len(ys), (k + 1) * self.tasks // len(ys)) for k, y in enumerate(ys)}
        for year, idxs in years.items():
            self._plans(year, idxs)
            batch = max(1, min(200, len(idxs) // 10 or 1))
            ids = list(idxs)
            for b in range(0, len(ids), batch):
                self._batch(year, ids[b:b + batch], b / max(1, len(ids)))
        self.checkpoint()

    def _task_window(self, year: int, frac: float) -> tuple[date, date]:
        start = date(year, 1, 10) + timedelta(days=int(frac * 300))
        return start, start + timedelta(days=30)

    def _plans(self, year: int, idxs: range) -> None:
        self.clock = max(self.clock, day_ts(date(year, 1, 3)))
        by_office: dict[str, list[dict]] = {o: [] for o in self.offices}
        for i in idxs:
            o = self.offices[i % OFFICES]
            frac = (i - idxs.start) / max(1, len(idxs))
            s, e = self._task_window(year, frac)
            partners = [self.offices[(i + 1) % OFFICES]] if i % 5 == 0 else []
            by_office[o].append({"plan_task_no": f"P{i}", "name": f"随机抽查任务{i}", "items": [f"{o}-{i % 3}"],
                                 "scope": "辖区企业", "window": {"from": s.isoformat(), "to": e.isoformat()}, "lead": o,
                                 "partners": partners, "method": "on_site", "directional": False, "count": self.per_task})
        for o, tasks in by_office.items():
            if tasks:
                self.append(o, "plan", {"year": year, "version": 1, "revises": None, "title": f"{year}年度抽查计划",
                                        "tasks": tasks})

    def _batch(self, year: int, ids: list[int], frac: float) -> None:
        from publisher.directory.records import Target
        from publisher.directory.snapshot import iter_snapshot
        from publisher.draw.commitment import build_commit_body
        from publisher.draw.lock import build_lock_body
        from publisher.draw.seed import secret_commitment

        s, e = self._task_window(year, frac)
        self.clock = max(self.clock, day_ts(s))
        commits = []
        for i in ids:
            o = self.offices[i % OFFICES]
            partner = self.offices[(i + 1) % OFFICES] if i % 5 == 0 else None
            tid = f"T{year}-{i:06d}"
            self.append(o, "task", {"id": tid, "plan_task_no": f"P{i}", "name": f"随机抽查任务{i}", "lead": o,
                                    "partners": [{"office": partner, "items": [f"{partner}-0"]}] if partner else [],
                                    "items": [f"{o}-{i % 3}"], "directional": False, "scope": "辖区企业",
                                    "window": {"from": s.isoformat(), "to": e.isoformat()}, "method": "on_site",
                                    "rationale": "年度计划", "origin": "own"})
            offices = [o] + ([partner] if partner else [])
            secrets = [hashlib.sha256(f"{tid}:{x}".encode()).digest() for x in offices]
            blob, n = self.snapshots[i % len(self.snapshots)]
            spec = {"task": tid, "population": {"snapshot": blob, "filter": {}},
                    "strata": [{"name": "全部", "match": {}, "take": {"count": self.per_task}}],
                    "offices": [{"office": x, "members": 1 if partner else 2, "commitment": secret_commitment(tid, x, sc)}
                                for x, sc in zip(offices, secrets)],
                    "teams": {"inspectors": self.iblob, "mode": "big"}, "batch_size": 50,
                    "beacon": {"chain_hash": self.sim.chain.chain_hash, "round": self.sim.chain.round_at(self.clock + 900)}}
            if o != "o00":  # draw protocol v2: the directory o00 confirmed, named explicitly
                spec["population"]["source"] = {"office": "o00", "reason": "regional directories are kept by o00"}
            t = self.tick()
            with self.led.open_blob(blob) as f:
                body = build_commit_body(spec, iter_snapshot(f, Target, validate=False), self.inspectors,
                                         time=t, cap=self.cap)
            c = self.led.append(o, "draw.commit", body, self.keys[o], t)
            from publisher.core import merkle
            self.tree.append(merkle.leaf_hash(bytes.fromhex(c.id)))
            if partner:  # draw protocol v2: the partner accepts before the round
                self.append(partner, "draw.accept", {"task": tid, "commit": c.id})
            commits.append((c, secrets, blob, o))
        self.checkpoint()
        self.clock = max(self.clock, max(self.sim.chain.round_time(c.body["beacon"]["round"]) for c, *_ in commits) + 60)
        locks = []
        for c, secrets, blob, o in commits:
            with self.led.open_blob(blob) as f:
                lb = build_lock_body(c.id, c.body, self.sim.beacon(c.body["beacon"]["round"]), secrets,
                                     iter_snapshot(f, Target, validate=False), self.inspectors)
            self.append(o, "draw.lock", lb)
            locks.append((c, lb, o))
        # results: completed a few days after the lock, most published on time, some late
        done = date.fromtimestamp(self.clock) + timedelta(days=3)
        self.clock = max(self.clock, day_ts(done + timedelta(days=7)))
        names: dict[str, str] = {}
        for c, lb, o in locks:
            need = {x["id"] for x in lb["selected"]}
            with self.led.open_blob(c.body["population"]["snapshot"]) as f:
                for line in f:
                    rec = json.loads(line)
                    if rec["id"] in need:
                        names[rec["id"]] = rec["name"]
            teams = {t["target"]: t["members"] for t in lb["teams"]}
            for n, x in enumerate(lb["selected"]):
                tid = x["id"]
                self.append(o, "result", {"task": c.body["task"], "target": tid, "target_name": names[tid],
                                          "completed": done.isoformat(), "inspectors": teams[tid], "method": "on_site",
                                          "categories": ["1"] if n % 7 else ["5"], "vocabulary": "004-20/v1",
                                          "remarks": "检查中未发现问题。" if n % 7 else "发现问题已责令改正。"})
                if c.body["population"]["count"] >= 30:  # v2: a draw counts once its result is out
                    self.cap.add(year, tid, c.id)
        names.clear()
        self.checkpoint()


# ------------------------------------------------------------------------------ measuring (child)

class BareWriter:
    """What a hand-rolled generator would do: render, make the directory, write the file."""

    def __init__(self, out: Path):
        self.out = out

    def write_file(self, name, template, context, override_output=False, **kwargs):
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(template.render({**context, **kwargs}))


def _cpu() -> tuple[float, float]:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime, c.ru_utime + c.ru_stime


def measure(ledger: Path, out: Path, search: bool, now: int, workers: int | None, compare: bool = True,
            render_workers: int | None = None, full: bool = False) -> dict:
    from jinja2 import Environment, FileSystemLoader

    import publisher.site.plugin as plugin
    from publisher.site import pages
    from publisher.site.build import build
    from publisher.site.render import FILTERS, Renderer

    stats: dict = {}
    load_verified = plugin.load_verified

    def timed_load(*args, **kw):  # CPU of verification + read-model, its loader processes included
        b = _cpu()
        try:
            return load_verified(*args, **kw)
        finally:
            e = _cpu()
            stats["verify_cpu"] = {"self": round(e[0] - b[0], 2), "children": round(e[1] - b[1], 2)}

    plugin.load_verified = timed_load

    def after(loaded, info):
        t_hook = time.perf_counter()
        stats["plugin"] = {k: round(v, 3) for k, v in info["timings"].items()}
        stats["plugin_pages"] = info["counts"]
        stats["verify_index_seconds"] = round(loaded.seconds, 2)
        stats["entries"] = loaded.report.size
        stats["db_mb"] = round(Path(loaded.index.path).stat().st_size / 2**20, 1)
        env = Environment(loader=FileSystemLoader(str(REPO / "theme/templates")), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
        env.filters.update(FILTERS)
        gen = info["generator"]

        def again(label: str, writer_for) -> None:
            """Render the same pages again, warm, into a scratch directory."""
            scratch = out.parent / (out.name + "-" + label)
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            get = gen.get_template if label == "pelican" else (lambda n: env.get_template(n + ".html"))
            r = Renderer(writer_for(scratch), get, scratch, gen.common, gen.base["public_url"])
            t = time.perf_counter()
            pages.write_all(loaded, r, gen.settings)
            stats[label] = {"pages": round(time.perf_counter() - t, 3), "count": r.pages_written}
            r.close()
            shutil.rmtree(scratch, ignore_errors=True)

        from pelican.writers import Writer

        if compare:
            again("pelican", lambda d: Writer(str(d), settings=gen.settings))
            again("bare", BareWriter)
        stats["bench_hook_seconds"] = round(time.perf_counter() - t_hook, 2)

    t = time.perf_counter()
    load0 = os.getloadavg()
    over = {"PUBLISHER_NOW": now, "PUBLISHER_AFTER_RENDER": after, "PUBLISHER_VERIFY_WORKERS": workers}
    if render_workers is not None:
        over["PUBLISHER_RENDER_WORKERS"] = render_workers
    if full:  # verify every entry (no resumed state), as `publisher build --full`
        over["PUBLISHER_FULL_VERIFY"] = True
    res = build(ledger, out, settings_file=REPO / "pelicanconf.py", search=search, overrides=over)
    stats["build_seconds"] = round(time.perf_counter() - t, 2)
    self_cpu, child_cpu = _cpu()
    workers_cpu = sum(v for k, v in stats["plugin"].items() if k.startswith("worker ") and k.endswith(" cpu"))
    verify_children = stats.get("verify_cpu", {}).get("children", 0.0)
    stats["cpu"] = {"build_process": round(self_cpu, 2), "verify_loaders": verify_children,
                    "render_workers": round(workers_cpu, 2),
                    # what is left of the children's CPU is Pagefind's (the only other child)
                    "pagefind": round(child_cpu - verify_children - workers_cpu, 2),
                    "total": round(self_cpu + child_cpu, 2)}
    stats["loadavg"] = [round(x, 1) for x in load0 + os.getloadavg()]
    stats["pelican_seconds"] = round(res.pelican_seconds - stats.get("bench_hook_seconds", 0), 2)
    stats["build_seconds"] = round(stats["build_seconds"] - stats.get("bench_hook_seconds", 0), 2)
    stats["pagefind_seconds"] = round(res.pagefind_seconds, 2)
    stats["pagefind_overlap_seconds"] = round(res.pagefind_overlap, 2)  # of them, while pages were written
    stats["html_files"] = res.pages
    stats["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    stats["pagefind_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=0.01, help="fraction of the province (1 = 500k companies)")
    ap.add_argument("--ledger", help="build this existing ledger instead of generating one")
    ap.add_argument("--keep", help="directory to keep (and reuse) the generated ledger and site")
    ap.add_argument("--no-search", action="store_true", help="skip Pagefind")
    ap.add_argument("--now", type=int, default=day_ts(date(2026, 12, 1)))
    ap.add_argument("--verify-workers", type=int, help="processes loading entries while verifying (default: cores)")
    ap.add_argument("--no-compare", action="store_true", help="skip the two extra render passes (big runs)")
    ap.add_argument("--render-workers", type=int, help="PUBLISHER_RENDER_WORKERS (default: the build's own, 2 on 2 cores)")
    ap.add_argument("--serial-baseline", action="store_true",
                    help="first build with PUBLISHER_RENDER_WORKERS=0 (every page in the build process, Pagefind "
                         "still beside it), then the measured build; print the ratios")
    ap.add_argument("--full", action="store_true", help="verify every entry (`publisher build --full`); without it "
                    "a second build resumes verification from the first one's saved state")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(measure(Path(a.child[0]), Path(a.child[1]), not a.no_search, a.now, a.verify_workers,
                                 not a.no_compare, a.render_workers, a.full)))
        return
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = {k: max(1, int(v * a.scale)) for k, v in PROVINCE.items()}
    sizes["companies"] = max(sizes["companies"], REGION_SIZE)
    if a.ledger:
        ledger = Path(a.ledger)
        print(f"ledger: {ledger}")
    else:
        ledger = work / f"ledger-{a.scale:g}"
        if not (ledger / "log").exists():
            shutil.rmtree(ledger, ignore_errors=True)
            t = time.perf_counter()
            Gen(ledger, **sizes).run()
            print(f"generated a signed ledger at scale {a.scale:g} ({sizes}) in {time.perf_counter() - t:.0f}s")
        else:
            print(f"reusing {ledger}")
    out = work / "site"

    def child(render_workers: int | None, compare: bool) -> dict:
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, __file__, "--child", str(ledger), str(out), "--now", str(a.now)] + (["--no-search"] if a.no_search else [])
        if a.verify_workers:
            cmd += ["--verify-workers", str(a.verify_workers)]
        if not compare:
            cmd += ["--no-compare"]
        if render_workers is not None:
            cmd += ["--render-workers", str(render_workers)]
        if a.full:
            cmd += ["--full"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr[-4000:])
            sys.exit(1)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    base = child(0, False) if a.serial_baseline else None
    s = child(a.render_workers, not a.no_compare)
    if base is not None:
        print("serial baseline (PUBLISHER_RENDER_WORKERS=0):", json.dumps({k: base[k] for k in (
            "build_seconds", "pagefind_seconds", "cpu", "loadavg", "plugin")}))
    cold = s["html_files"] / max(1e-9, s["pelican_seconds"] - s["verify_index_seconds"])  # every output stage
    print(json.dumps(s, indent=1))
    print(f"\nentries {s['entries']:,}; HTML files {s['html_files']:,}")
    print(f"build {s['build_seconds']}s = verify+index {s['verify_index_seconds']}s + render/downloads "
          f"{s['pelican_seconds'] - s['verify_index_seconds']:.1f}s + pagefind {s['pagefind_seconds']}s")
    print(f"peak RSS: build {s['peak_rss_mb']} MB, pagefind {s['pagefind_peak_rss_mb']} MB (limit 4096 MB)")
    c = s["cpu"]
    print(f"CPU s: total {c['total']} = build process {c['build_process']} + verify loaders {c['verify_loaders']} "
          f"+ render workers {c['render_workers']} + pagefind {c['pagefind']}; load average {s['loadavg']}")
    if base is not None:
        print(f"vs serial baseline in this run: wall {s['build_seconds']} / {base['build_seconds']} = "
              f"{s['build_seconds'] / base['build_seconds']:.2f}; CPU {c['total']} / {base['cpu']['total']} = "
              f"{c['total'] / base['cpu']['total']:.2f}")
    if "bare" in s:
        warm, bare = s["pelican"]["count"] / s["pelican"]["pages"], s["bare"]["count"] / s["bare"]["pages"]
        print(f"page rate: plugin (first, cold) {cold:,.0f} pages/s; same pages again through Pelican's writer "
              f"{warm:,.0f} pages/s vs bare Jinja2 {bare:,.0f} pages/s -> {100 * warm / bare:.0f}% "
              f"(cold: {100 * cold / bare:.0f}%; target >= 70%)")
    else:
        print(f"page rate: whole output (all stages, workers included) {cold:,.0f} pages/s (comparison skipped)")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
