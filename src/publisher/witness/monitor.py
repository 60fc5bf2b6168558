"""`publisher monitor URL`: an auditor's independent memory of a portal's log.

Each run fetches the deployed site's ``ledger/`` files (trust.json, log, checkpoints), checks
every checkpoint (log signature, witness quorum, root = the log's own root at that size), then
compares with what *this auditor* saw before (``history.json`` in its state directory) and with
what each witness last cosigned. Two roots for one size is a fork; a site whose newest
checkpoint is smaller than one already seen is a rollback; both are kept as evidence.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from ..core import merkle
from ..core.checkpoint import open_checkpoint
from ..core.cosignature import quorum_time, witness_times
from ..core.errors import PublisherError
from ..core.note import NoteError, Verifier
from ..core.rules.base import Problem
from ..core.trust import Trust, trust_fingerprint
from ..portal import load_trust
from ..storage.ledger_dir import atomic_write

LIST = "checkpoints.txt"  # one checkpoint file name per line, written by the site build


class MonitorError(PublisherError, RuntimeError):
    pass


def _fetch(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - auditor-chosen URL
            return resp.read()
    except (urllib.error.URLError, OSError) as exc:
        raise MonitorError(f"cannot fetch {url}: {exc}") from None


def _roots_at(ids: list[str], sizes: set[int]) -> dict[int, bytes]:
    tree = merkle.TreeBuilder()
    out = {0: merkle.EMPTY_ROOT} if 0 in sizes else {}
    for i in ids:
        tree.append(merkle.leaf_hash(bytes.fromhex(i)))
        if tree.size in sizes:
            out[tree.size] = tree.root()
    return out


class History:
    def __init__(self, directory: Path):
        self.dir = Path(directory)
        try:
            self.data = json.loads((self.dir / "history.json").read_text("utf-8"))
        except FileNotFoundError:
            self.data = {"trust": None, "checkpoints": {}}

    @property
    def checkpoints(self) -> dict[int, str]:
        return {int(k): v for k, v in self.data["checkpoints"].items()}

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.dir / "history.json", json.dumps(self.data, indent=1, sort_keys=True).encode())

    def evidence(self, name: str, text: str) -> Path:
        d = self.dir / "evidence"
        d.mkdir(parents=True, exist_ok=True)
        atomic_write(d / name, text.encode("utf-8"))
        return d / name


def run_monitor(url: str, state: Path, pinned: Trust | None, witness_urls: dict[str, str],
                timeout: float = 5.0) -> list[Problem]:
    base = url.rstrip("/") + "/ledger/"
    out: list[Problem] = []
    hist = History(state)
    trust_obj = json.loads(_fetch(base + "trust.json", timeout))
    trust = load_trust(trust_obj)
    fp = trust_fingerprint(trust_obj)
    if pinned is not None and trust_fingerprint(pinned.raw) != fp:
        out.append(Problem("trust", f"the site's trust.json (fingerprint {fp[:16]}…) is not the one you pinned "
                           f"({trust_fingerprint(pinned.raw)[:16]}…): an impostor or a re-keyed portal"))
        return out
    if hist.data["trust"] not in (None, fp):
        out.append(Problem("trust", f"trust.json changed since your first visit ({hist.data['trust'][:16]}… → "
                           f"{fp[:16]}…): trust anchors never change"))
        return out
    verifier = Verifier.from_vkey(trust.log_vkey)
    text = _fetch(base + "log", timeout).decode("utf-8", "replace")
    ids = [line.split(" ")[1] for line in text.split("\n")[:-1] if " " in line]
    names = [n for n in _fetch(base + LIST, timeout).decode().split() if n.endswith(".note")]
    notes: dict[int, str] = {}
    for name in names:
        note = _fetch(base + "checkpoints/" + name, timeout).decode("utf-8", "replace")
        try:
            cp = open_checkpoint(note, verifier)
        except NoteError as exc:
            out.append(Problem("checkpoint", f"invalid checkpoint: {exc}", name))
            continue
        notes[cp.size] = note
        if trust.witnesses is not None:
            try:
                _, times = witness_times(note, trust.witnesses.witnesses)
            except NoteError as exc:
                out.append(Problem("witness", str(exc), name))
                continue
            if quorum_time(times.values(), trust.witnesses.quorum) is None:
                out.append(Problem("witness", f"only {len(times)} witness cosignatures, quorum is "
                                   f"{trust.witnesses.quorum}", name))
    seen = hist.checkpoints
    wanted = set(notes) | set(seen)
    roots = _roots_at(ids, wanted)
    latest = max(notes) if notes else 0
    for size, note in sorted(notes.items()):
        cp = open_checkpoint(note, verifier)
        if size > len(ids):
            out.append(Problem("rollback", f"checkpoint of size {size} but the site's log has only {len(ids)} "
                               "entries: entries were removed", f"{size:010d}.note"))
        elif roots[size] != cp.root:
            out.append(Problem("fork", f"checkpoint of size {size} does not match the site's own log", f"{size:010d}.note"))
        if size in seen and seen[size] != cp.root.hex():
            ev = hist.evidence(f"fork-{size}.note", note)
            out.append(Problem("fork", f"size {size}: you saw root {seen[size][:16]}… before, the site now signs "
                               f"{cp.root.hex()[:16]}… (evidence kept in {ev})", f"{size:010d}.note"))
    for size, root in sorted(seen.items()):
        if size > latest:
            out.append(Problem("rollback", f"you saw a checkpoint of size {size} before; the site's newest is "
                               f"size {latest}: the log was rolled back"))
        elif size in roots and roots[size].hex() != root:
            out.append(Problem("fork", f"the site's log no longer has root {root[:16]}… at size {size}, which you "
                               "saw signed before: the log was rewritten"))
    out.extend(_ask_witnesses(trust, verifier, witness_urls, ids, roots, latest, timeout, hist))
    if not any(p.severity == "error" for p in out):
        hist.data["trust"] = fp
        for size, note in notes.items():
            hist.data["checkpoints"][str(size)] = open_checkpoint(note, verifier).root.hex()
        hist.save()
    return out


def _ask_witnesses(trust: Trust, verifier: Verifier, overrides: dict[str, str], ids: list[str],
                   roots: dict[int, bytes], latest: int, timeout: float, hist: History) -> list[Problem]:
    out: list[Problem] = []
    if trust.witnesses is None:
        return out
    for w in trust.witnesses.witnesses:
        url = overrides.get(w.name) or trust.witnesses.urls.get(w.name)
        if not url:
            continue
        try:
            note = _fetch(url.rstrip("/") + "/latest?origin=" + quote(trust.origin, safe=""), timeout).decode()
            cp = open_checkpoint(note, verifier)
            _, times = witness_times(note, [w])
        except (MonitorError, NoteError, UnicodeDecodeError) as exc:
            out.append(Problem("monitor", f"witness {w.name}: no usable answer ({exc})", severity="warning"))
            continue
        if w.name not in times:
            out.append(Problem("monitor", f"witness {w.name}: its answer carries no cosignature of its own",
                               severity="warning"))
            continue
        if cp.size <= len(ids):
            root = roots.get(cp.size) or merkle.root([merkle.leaf_hash(bytes.fromhex(i)) for i in ids[: cp.size]])
            if root != cp.root:
                ev = hist.evidence(f"fork-witness-{cp.size}.note", note)
                out.append(Problem("fork", f"witness {w.name} cosigned size {cp.size} with root "
                                   f"{cp.root.hex()[:16]}… at {times[w.name]}; the site's log has "
                                   f"{root.hex()[:16]}…: a split view (evidence {ev})"))
        elif cp.size > latest:
            out.append(Problem("rollback", f"witness {w.name} cosigned size {cp.size} at {times[w.name]}, but the "
                               f"site's log has only {len(ids)} entries: the site serves a stale or rolled-back "
                               "view (or a checkpoint is still pending)", severity="warning"))
    return out
