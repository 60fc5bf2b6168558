"""The browser verifier's build step: the JS bundle and the per-task data files it reads.

Why data files and not an API: the site is static (no server, no CDN). The page at /verify/
fetches ``verify/data/<task>.json`` — which only *locates* things: the task's draw entries and
the operator entries registering the signing keys (linked as the files the ledger holds), the
snapshot blobs, the latest checkpoint and the first one covering the commitment, and RFC 6962
proofs — and re-derives everything from those bytes and ``ledger/trust.json``. A tampered data
file can make the check fail, never pass: every claim is re-checked against signatures.

"Was my company's draw fair?" must not need the whole population. The committed population
(sorted leaves ``id TAB stratum``, publisher.draw.explain.Population) is cut into chunks of
CHUNK consecutive leaves; each chunk is a node of the RFC 6962 tree, so a leaf's proof is its
path inside the chunk (recomputed by the browser from the chunk's leaves) plus the chunk's path
to the root (written here). ``pop/index.json`` lists each chunk's first id; a company fetches the
index and one or two chunks (a few KB) instead of the snapshot.

"Was this draw fair?" — the page's common path — needs every committed leaf (each ticket must be
computed to know the k smallest) but not the directory snapshot they were derived from:
``pop/list.gz`` is the committed population alone (id, stratum, region), front-coded and
gzipped — ~290 KB for 100,000 targets against an 18.8 MB snapshot. The page rebuilds the
committed root from it, so a wrong list fails; re-deriving the list from the snapshot (filter,
strata, exclusions) is the explicit "check everything" path.

Bundle: ``npm ci`` with the committed lockfile only when node_modules is missing or older than
the lockfile, then esbuild via ``theme/verifier/build.mjs``; the bundle is cached by the hash of
its inputs so repeated builds (tests) cost a file copy.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core import merkle
from ..core.canonical import b64encode
from ..core.errors import PublisherError
from ..directory.records import Target
from ..directory.snapshot import iter_snapshot
from ..draw.commitment import exclusion_sets
from ..draw.explain import Population
from ..draw.filters import Filter
from ..draw.population import PopulationScan
from ..draw.strata import Classifier, parse_strata
from .load import Loaded
from .logtree import log_tree
from .proofs import consistency_file
from .urls import safe_seg

log = logging.getLogger(__name__)

FORMAT = 1  # of a population index and list (9.5, 9.8)
DATA_FORMAT = 2  # of a task's data file and verify/data/index.json (9.2): 2 = proofs against the task's checkpoint
SUMMARY = ("task", "name", "status", "embargo_until")  # a task's line in verify/data/index.json
CHUNK = 256  # leaves per population chunk (a power of two: every chunk is a tree node)
GZ_MIN = 32 * 1024  # entry files above this size also get a gzip copy (a lock of 3,000 picks: 720 KB -> 60 KB)
CACHE_BYTES = 64 * 1024 * 1024  # target snapshots up to this size are parsed once per build
REPO = Path(__file__).resolve().parents[3]
NPM_TIMEOUT = 600


class VerifierBuildError(PublisherError, RuntimeError):
    """The browser verifier cannot be built here (no node/npm, npm ci or esbuild failed)."""


# --------------------------------------------------------------------------- the JS bundle

def verifier_dir(settings: dict[str, Any]) -> Path:
    theme = settings.get("THEME")
    for base in ([Path(theme)] if theme else []) + [REPO / "theme"]:
        d = base / "verifier"
        if (d / "package.json").is_file():
            return d
    raise VerifierBuildError("theme/verifier/package.json not found")


def _sha256_file(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def ensure_node_modules(vdir: Path) -> None:
    """``npm ci`` unless node_modules was installed from exactly this package-lock.json."""
    lock = vdir / "package-lock.json"
    stamp = vdir / "node_modules" / ".ssgk-lock.sha256"
    want = _sha256_file(lock)
    if stamp.is_file() and stamp.read_text().strip() == want:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise VerifierBuildError("npm is not installed; the browser verifier needs Node.js >= 20 and npm")
    import tempfile

    from filelock import FileLock

    lock_name = f"ssgk-npm-ci-{hashlib.sha256(str(vdir.resolve()).encode()).hexdigest()[:16]}.lock"
    with FileLock(str(Path(tempfile.gettempdir()) / lock_name)):  # not in the repo: npm ci wipes node_modules
        if stamp.is_file() and stamp.read_text().strip() == want:
            return
        log.info("browser verifier: npm ci in %s", vdir)
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=vdir,
                              capture_output=True, text=True, timeout=NPM_TIMEOUT)
        if proc.returncode != 0:
            raise VerifierBuildError(f"npm ci failed in {vdir}:\n{proc.stderr[-4000:]}")
        stamp.write_text(want + "\n")


def bundle_inputs_hash(vdir: Path) -> str:
    h = hashlib.sha256()
    for p in sorted([vdir / "build.mjs", vdir / "package-lock.json", *(vdir / "src").glob("*.js")]):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def build_bundle(vdir: Path, outfile: Path) -> Path:
    """Write the one-file bundle to ``outfile`` (cached under node_modules/.cache by input hash)."""
    ensure_node_modules(vdir)
    cache = vdir / "node_modules" / ".cache" / "ssgk-verifier" / f"{bundle_inputs_hash(vdir)}.js"
    outfile.parent.mkdir(parents=True, exist_ok=True)
    if not cache.is_file():
        node = shutil.which("node")
        if node is None:
            raise VerifierBuildError("node is not installed; the browser verifier needs Node.js >= 20")
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        proc = subprocess.run([node, str(vdir / "build.mjs"), "--outfile", str(tmp)], cwd=vdir,
                              capture_output=True, text=True, timeout=NPM_TIMEOUT)
        if proc.returncode != 0:
            raise VerifierBuildError(f"esbuild failed:\n{proc.stderr[-4000:]}")
        os.replace(tmp, cache)
    shutil.copyfile(cache, outfile)
    return outfile


# --------------------------------------------------------------------------- data files

class _Plan:
    """What a task's data file holds, found from the read-model alone (no tree, no file read):
    enough to tell whether the file the previous build wrote still stands (``key``)."""

    def __init__(self, task_id: str, name: str, rows: list[Any], commit_json: str, status: str | None,
                 keys: list[Any], checkpoint: Any, reveal: dict[str, Any] | None):
        self.task_id, self.name, self.rows, self.commit_json, self.status = task_id, name, rows, commit_json, status
        self.keys, self.checkpoint, self.reveal = keys, checkpoint, reveal
        from .incremental import digest

        cp = [checkpoint.size, checkpoint.root.hex()] if checkpoint is not None else None
        self.key = digest([DATA_FORMAT, CHUNK, task_id, name, [list(r) for r in rows], status,
                           [list(k) for k in keys], cp, reveal])


class _Writer:
    def __init__(self, loaded: Loaded, out: Path, work: Path, memory: Any = None):
        self.loaded = loaded
        self.ix = loaded.index
        self.out = out
        self.work = work / "verifier-log-tree"
        self.memory = memory
        self.latest = loaded.latest
        self.checkpoints = sorted(loaded.report.checkpoints, key=lambda c: c.size)
        self._tree: Any = None
        self._stack = contextlib.ExitStack()
        self._records: dict[str, list[Any]] = {}  # small snapshots, parsed once per build
        self.pop_kept: dict[str, str] = {}  # task -> key of the pop/ files the previous build wrote
        self.pop_keys: dict[str, str] = {}  # ... and this build's
        self._cached_bytes = 0

    def tree(self) -> Any:
        """The log's tree up to the latest checkpoint (site.logtree), opened on first need."""
        if self._tree is None:
            self._tree = self._stack.enter_context(log_tree(self.loaded, self.work, self.memory))
        return self._tree

    def close(self) -> None:
        self._stack.close()

    # -- files the page fetches must exist under the output (the site normally copies ledger/)
    def ensure(self, rel: str) -> str:
        dst = self.out / rel
        if not dst.exists():
            src = self.loaded.ledger.root / rel.removeprefix("ledger/")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        return rel

    def reveal_beacon(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded beacon of an embargo's reveal round (spec §5A.4), once it exists."""
        from ..embargo import reveal_round
        from ..storage.beacons import BEACONS_DIR

        chain = self.loaded.chains.get(body["beacon"]["chain_hash"])
        if not body.get("embargo_until") or chain is None:
            return None
        rr = reveal_round(chain, body["embargo_until"])
        if self.loaded.ledger.recorded_beacon(chain.chain_hash, rr) is None:
            return None
        return {"round": rr, "url": f"ledger/{BEACONS_DIR}/{chain.chain_hash}/{rr}.json"}

    def entry_ref(self, idx: int) -> dict[str, Any]:
        row = self.ix.one("SELECT idx, office, seq, id FROM entries WHERE idx=?", idx)
        url = self.ensure(f"ledger/entries/{row['office']}/{row['seq']:08d}.json")
        ref = {"url": url, "id": row["id"], "index": row["idx"], "office": row["office"], "seq": row["seq"]}
        if (self.out / url).stat().st_size > GZ_MIN:
            ref["gz"] = self.gzipped(url, f"verify/data/gz/{row['office']}/{row['seq']:08d}.json.gz")
        return ref

    def gzipped(self, url: str, rel: str) -> str:
        """A gzip copy of a large file for the page to fetch instead (spec §9.9): the page
        checks the decompressed bytes exactly as the original's (id, signature), so the copy
        can only fail, never pass, a check."""
        dst = self.out / rel
        if not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(gzip.compress((self.out / url).read_bytes(), compresslevel=9, mtime=0))
        return rel

    def covering(self, index: int) -> Any:
        """The first checkpoint covering log index ``index`` (None when none does yet)."""
        return next((c for c in self.checkpoints if c.size > index and self.latest is not None
                     and c.size <= self.latest.size), None)

    def proofs(self, refs: list[dict[str, Any]], cp: Any) -> dict[str, list[str]]:
        """Each listed entry's inclusion proof in the task's checkpoint ``cp`` (spec §9.2)."""
        out: dict[str, list[str]] = {}
        if cp is None:
            return out
        tree = self.tree()
        for ref in refs:
            i = ref["index"]
            if i < cp.size:
                proof = tree.inclusion_proof(i, cp.size)
                if not merkle.verify_inclusion(tree.leaf(i), i, cp.size, proof, cp.root):
                    raise RuntimeError(f"inclusion proof for log index {i} does not verify")
                out[ref["id"]] = [b64encode(h) for h in proof]
        return out

    def commit_checkpoint(self, ref: dict[str, Any], task_cp: Any) -> dict[str, Any] | None:
        """The first checkpoint covering the commitment (proves it was public before the round),
        the commitment's proof in it and the consistency proof to the task's checkpoint."""
        cp = self.covering(ref["index"])
        if cp is None or task_cp is None:
            return None
        tree = self.tree()
        url = self.ensure(f"ledger/checkpoints/{cp.size:010d}.note")
        proof = tree.inclusion_proof(ref["index"], cp.size)
        consistency = tree.consistency_proof(cp.size, task_cp.size) if cp.size < task_cp.size else []
        if not merkle.verify_consistency(cp.size, task_cp.size, cp.root, task_cp.root, consistency):
            raise RuntimeError(f"consistency proof {cp.size} -> {task_cp.size} does not verify")
        return {"url": url, "size": cp.size, "proof": [b64encode(h) for h in proof],
                "consistency": [b64encode(h) for h in consistency]}

    def blob(self, digest: str) -> dict[str, Any]:
        url = self.ensure(f"ledger/blobs/{digest}")
        return {"sha256": digest, "url": url, "bytes": (self.out / url).stat().st_size}

    # -- one task
    def plan(self, task_id: str) -> _Plan | None:
        rows = self.ix.q("SELECT idx, kind, entry_id, commit_id, body FROM draws WHERE task_id=? ORDER BY idx", task_id)
        commits = [r for r in rows if r["kind"] == "commit"]
        if not commits:
            return None
        cur = commits[-1]
        listed = [cur["idx"]] + [r["idx"] for r in rows if r["commit_id"] == cur["entry_id"] and r["kind"] != "commit"]
        signers = sorted({row[0] for row in self.ix.q(
            f"SELECT DISTINCT key FROM entries WHERE idx IN ({','.join('?' * len(listed))})", *listed)})
        keys = []
        for key_id in signers:
            k = self.ix.one("SELECT key_id, office, idx, revoked_idx FROM keys WHERE key_id=?", key_id)
            if k is not None:
                keys.append((k["key_id"], k["office"], k["idx"], k["revoked_idx"]))
        last = max(listed + [k[2] for k in keys] + [k[3] for k in keys if k[3] is not None])
        cp = self.covering(last) or self.latest
        raw = cur["body"]  # parsed only for an embargo here (every task is planned on every build)
        reveal = self.reveal_beacon(json.loads(raw)) if '"embargo_until"' in raw else None
        status = self.ix.scalar("SELECT status FROM commits WHERE id=?", cur["entry_id"])
        name = self.ix.scalar("SELECT name FROM tasks WHERE task_id=?", task_id) or ""
        return _Plan(task_id, name, [(r["idx"], r["kind"], r["entry_id"], r["commit_id"]) for r in rows], raw,
                     status, keys, cp, reveal)

    def task(self, plan: _Plan) -> dict[str, Any]:
        task_id, rows = plan.task_id, plan.rows
        commits = [r for r in rows if r[1] == "commit"]
        cur = commits[-1]
        related = [r for r in rows if r[3] == cur[2] and r[1] != "commit"]
        commit = self.entry_ref(cur[0])
        lock = next((self.entry_ref(r[0]) for r in related if r[1] == "lock"), None)
        reveal = next((self.entry_ref(r[0]) for r in related if r[1] == "reveal"), None)
        replace = [self.entry_ref(r[0]) for r in related if r[1] == "replace"]
        superseded = [self.entry_ref(r[0]) for r in commits[:-1]]
        draw_refs = [commit] + [x for x in (lock, reveal) if x] + replace
        keys = [{"key_id": key_id, "office": office, "register": self.entry_ref(idx),
                 "revoke": self.entry_ref(revoked) if revoked is not None else None}
                for key_id, office, idx, revoked in plan.keys]
        key_refs = [k["register"] for k in keys] + [k["revoke"] for k in keys if k["revoke"]]
        body, cp = json.loads(plan.commit_json), plan.checkpoint
        if plan.reveal is not None:
            self.ensure(plan.reveal["url"])
        doc: dict[str, Any] = {
            "format": DATA_FORMAT, "task": task_id, "status": plan.status,
            "embargo_until": body.get("embargo_until"),
            "reveal_beacon": plan.reveal,
            "trust": self.ensure("ledger/trust.json"),
            "entries": {"commit": commit, "lock": lock, "reveal": reveal, "replace": replace,
                        "superseded": superseded},
            "keys": keys,
            "checkpoint": ({"url": self.ensure(f"ledger/checkpoints/{cp.size:010d}.note"), "size": cp.size,
                            "consistency": consistency_file(cp.size)} if cp is not None else None),
            "proofs": self.proofs(draw_refs + key_refs, cp),
            "commit_checkpoint": self.commit_checkpoint(commit, cp),
            "snapshots": {"targets": self.blob(body["population"]["snapshot"]),
                          "inspectors": self.blob(body["teams"]["inspectors"])},
            "population": {"index": f"verify/data/{task_id}/pop/index.json",
                           "list": f"verify/data/{task_id}/pop/list.gz"},
        }
        if body["population"].get("sealed"):  # no quick list: its strata are what sealing hides
            del doc["population"]["list"]
        self.population_index(task_id, body)
        return doc

    def population_index(self, task_id: str, commit_body: dict[str, Any]) -> None:
        """pop/ of a task, unless the previous build into this directory wrote it from the same
        commitment: its files are a pure function of the task id and the commitment's body
        (which names the snapshot and sealed-leaves blobs by their SHA-256), so they are kept.
        Otherwise the directory is emptied first (a superseding commitment may have fewer
        chunks) and written again."""
        from .incremental import digest

        key = digest([FORMAT, CHUNK, task_id, commit_body])
        base = self.out / "verify" / "data" / task_id / "pop"
        self.pop_keys[task_id] = key
        if self.pop_kept.get(task_id) == key and (base / "index.json").is_file():
            return
        shutil.rmtree(base, ignore_errors=True)
        self._population_index(task_id, commit_body)

    def _population_index(self, task_id: str, commit_body: dict[str, Any]) -> None:
        """Tasks share a few snapshots (per office, per half-year): snapshots are parsed once per
        build while they fit in CACHE_BYTES together (the ledger verifier already validated
        them); beyond that a snapshot is streamed again for each task. Keeping only the last
        one re-parsed ~35 of the sample county's 60 tasks' snapshots (issue 13 profile)."""
        digest = commit_body["population"]["snapshot"]
        sealed = commit_body["population"].get("sealed")
        leaves = None
        if sealed:  # the leaves are hiding commitments (docs/spec/65-sealed.md), read from their blob
            with self.loaded.ledger.open_blob(sealed["leaves"]) as f:
                leaves = f.read()
        if digest in self._records:
            write_population_index(self.out, task_id, commit_body, iter(self._records[digest]), leaves)
            return
        size = (self.loaded.ledger.root / "blobs" / digest).stat().st_size
        with self.loaded.ledger.open_blob(digest) as f:
            records = iter_snapshot(f, Target, validate=False)
            if self._cached_bytes + size <= CACHE_BYTES:
                self._records[digest] = list(records)
                self._cached_bytes += size
                records = iter(self._records[digest])
            write_population_index(self.out, task_id, commit_body, records, leaves)



def write_population_index(out: Path, task_id: str, commit_body: dict[str, Any], targets: Iterable[Any],
                           leaves: bytes | None = None) -> dict[str, Any]:
    """verify/data/<task>/pop/index.json and pop/<k>.json: the committed population in chunks.

    Chunk k holds leaves [k·CHUNK, min((k+1)·CHUNK, N)) as [id, stratum] and ``path``: the
    inclusion path (hex) of that subtree within the whole tree, i.e. the tail that every proof
    from publisher.draw.explain shares for the leaves of the chunk. Checked here: the chunk's own
    proofs are exactly the first part of the full ones.
    """
    rows = None  # sealed draws get no list: its strata are what sealing hides
    if leaves is not None:  # sealed: [id, leaf commitment hex] instead of [id, stratum]
        from ..draw.sealed import SealedPopulation

        pop = SealedPopulation.from_commit(commit_body, targets, leaves)
    else:
        strata = parse_strata(commit_body["strata"])
        explicit, capped = exclusion_sets(commit_body)
        scan = PopulationScan(Filter.from_json(commit_body["population"].get("filter")), Classifier(strata),
                              explicit=explicit, committed_cap=capped, with_root=False)
        names = [s.name for s in strata]
        rows = list(scan.scan(targets))
        pop = Population([(tid, names[si]) for tid, si, _ in rows],
                         {e["id"]: e for e in commit_body["population"].get("exclusions", [])})
    root = pop.tree.root().hex()
    if (pop.size, root) != (commit_body["population"]["count"], commit_body["population"]["root"]):
        raise RuntimeError(f"task {task_id}: the population does not give the committed count/root")
    base = out / "verify" / "data" / task_id / "pop"
    base.mkdir(parents=True, exist_ok=True)
    firsts = []
    for c, a in enumerate(range(0, pop.size, CHUNK)):
        b = min(a + CHUNK, pop.size)
        depth = (b - a - 1).bit_length()  # ceil(log2(b - a)): the path length inside the chunk
        full = pop.tree.inclusion_proof(a)
        inner = merkle.inclusion_proof([pop.tree.leaf(i) for i in range(a, b)], 0)
        if len(inner) != depth or full[:depth] != inner:
            raise RuntimeError(f"task {task_id}: chunk {c} is not a node of the population tree")
        doc = {"start": a, "leaves": [[pop.ids[i], pop.strata[i]] for i in range(a, b)],
               "path": [h.hex() for h in full[depth:]]}
        (base / f"{c}.json").write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        firsts.append(pop.ids[a])
    index = {"format": FORMAT, "task": task_id, "size": pop.size, "root": root, "chunk": CHUNK,
             "firsts": firsts, "files": f"verify/data/{task_id}/pop/"}
    if leaves is not None:
        index["sealed"] = True
    (base / "index.json").write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if rows is not None:
        (base / "list.gz").write_bytes(population_list(task_id, names, rows))
    return index


def population_list(task_id: str, names: list[str], rows: list[tuple[str, int, str]]) -> bytes:
    """The committed population for the page's common path (spec §9.9), gzipped.

    Line 1: JSON ``{"format", "task", "size", "strata": [names], "regions": [distinct regions]}``.
    Then one line per leaf in id order: ``p TAB suffix TAB stratum index TAB region index`` where
    the id is the previous id's first ``p`` UTF-16 code units followed by ``suffix`` (front
    coding; ``p`` never splits a code point). Regions are not in the committed leaves: the page
    uses them only to re-match teams and says so.
    """
    regions = sorted({r for _, _, r in rows})
    ri = {r: i for i, r in enumerate(regions)}
    head = {"format": FORMAT, "task": task_id, "size": len(rows), "strata": names, "regions": regions}
    lines = [json.dumps(head, ensure_ascii=False, separators=(",", ":"))]
    prev = ""
    for tid, si, region in rows:
        k = 0
        for a, b in zip(prev, tid):
            if a != b:
                break
            k += 1
        p = len(tid[:k].encode("utf-16-le")) // 2
        lines.append(f"{p}\t{tid[k:]}\t{si}\t{ri[region]}")
        prev = tid
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0)


def write_data(loaded: Loaded, out: Path, work: Path, memory: Any = None) -> dict[str, Any]:
    """verify/data/index.json and one verify/data/<task>.json (+ pop/) per task with a draw.

    ``memory`` (site.incremental.Manifest): which task files the previous build into this
    output wrote, from what (``_Plan.key``) and as what (size, mtime); a task whose plan and
    file are unchanged is not written again, so a push writes the files of the tasks it
    reached (a task's file proves its entries against the first checkpoint covering them all,
    spec §9.2, which a later push does not move). Likewise its pop/ directory
    (``_Writer.population_index``)."""
    w = _Writer(loaded, out, work, memory)
    w.pop_kept = dict((memory.recall("verifier-pop") if memory is not None else None) or {})
    old = dict((memory.recall("verifier-tasks") if memory is not None else None) or {})
    new: dict[str, Any] = {}
    data = out / "verify" / "data"
    data.mkdir(parents=True, exist_ok=True)
    tasks = []
    written = 0
    try:
        for (task_id,) in loaded.index.q("SELECT DISTINCT task_id FROM draws ORDER BY task_id"):
            if not safe_seg(task_id):
                log.warning("browser verifier: task id %r cannot be a file name; skipped", task_id)
                continue
            plan = w.plan(task_id)
            if plan is None:
                continue
            path = data / f"{task_id}.json"
            prev = old.get(task_id)
            if (isinstance(prev, list) and len(prev) == 3 and prev[0] == plan.key and prev[2] == _stat(path)
                    and task_id in w.pop_kept and (data / task_id / "pop" / "index.json").is_file()):
                w.pop_keys[task_id] = w.pop_kept[task_id]
                new[task_id] = prev
                tasks.append({k: prev[1].get(k) for k in SUMMARY})  # the manifest sorts members
                continue
            doc = w.task(plan)
            path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written += 1
            summary = dict(zip(SUMMARY, (task_id, plan.name, doc["status"], doc["embargo_until"])))
            tasks.append(summary)
            new[task_id] = [plan.key, summary, _stat(path)]
    finally:
        w.close()
    if memory is not None:
        memory.remember("verifier-pop", w.pop_keys)
        memory.remember("verifier-tasks", new)
    (data / "index.json").write_text(json.dumps({"format": DATA_FORMAT, "tasks": tasks}, ensure_ascii=False,
                                                indent=1) + "\n", encoding="utf-8")
    return {"tasks": len(tasks), "written": written}


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def write_all(loaded: Loaded, r: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Site-build hook (see plugin.py): the bundle to verify/verifier.js, then the data files.

    ``PUBLISHER_BROWSER_VERIFIER = False`` in the settings skips both (a build machine without
    Node.js); the /verify/ page then says it has no data. Otherwise a missing Node/npm fails the
    build with VerifierBuildError rather than publishing a page that cannot work.
    """
    if settings.get("PUBLISHER_BROWSER_VERIFIER", True) is False:
        log.warning("browser verifier disabled (PUBLISHER_BROWSER_VERIFIER = False)")
        return {"tasks": 0, "disabled": True}
    out = Path(r.output)
    build_bundle(verifier_dir(settings), out / "verify" / "verifier.js")
    work = Path(loaded.index.path).parent
    return write_data(loaded, out, work, getattr(r, "incremental", None))
