"""Take back the newest entries of this clone before they are submitted.

Why it is safe: only the tail of the log can be removed, only entries no checkpoint covers
(a checkpoint is a public promise about a log prefix), and only entries whose files git does
not track yet (`publisher submit` commits them; after that the remote may have them). The
log is rewritten atomically under the writer lock; a snapshot blob goes too when no other
entry names it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.entry import Entry
from ..core.errors import PublisherError
from .ledger_dir import LedgerDir, atomic_write


class UndoError(PublisherError):
    pass


@dataclass
class Undone:
    entries: list[Entry]
    blobs: list[str]


def _tracked(paths: list[Path], cwd: Path) -> list[Path]:
    """The paths git already tracks (committed or staged); none outside a git work tree."""
    try:
        out = subprocess.run(["git", "ls-files", "--full-name", "--", *[str(p) for p in paths]], cwd=cwd,
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    if out.returncode != 0:
        return []
    names = {line.strip() for line in out.stdout.splitlines() if line.strip()}
    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True)
    top = Path(root.stdout.strip()) if root.returncode == 0 else cwd
    return [p for p in paths if str(p.resolve().relative_to(top.resolve())) in names]


def checkpointed_size(ledger: LedgerDir) -> int:
    """Size of the largest checkpoint (files are named by the size they cover, SPEC §1.4)."""
    sizes = [int(p.stem) for p in ledger.checkpoint_files() if p.stem.isdigit()]
    return max(sizes, default=0)


def undo(ledger: LedgerDir, count: int = 1, office: str | None = None) -> Undone:
    """Remove the last ``count`` log entries (all of ``office`` if given) or raise UndoError."""
    with ledger.locked():
        lines = list(ledger.iter_log())
        if count < 1:
            raise UndoError(f"撤销的条数须为正整数，收到 {count} / the number of entries to undo must be positive, got {count}")
        if count > len(lines):
            raise UndoError(f"要撤销 {count} 条，但账本中只有 {len(lines)} 条记录 / cannot undo {count}: "
                            f"the log has {len(lines)} entries")
        tail = lines[-count:]
        others = [ln for ln in tail if office and ln.office != office]
        if others:
            raise UndoError(f"最后 {count} 条记录中有其他单位的记录（{others[0].office}/{others[0].seq}），只能撤销本单位"
                            f"最新的记录 / the last {count} entries include {others[0].office}/{others[0].seq}")
        covered = checkpointed_size(ledger)
        if len(lines) - count < covered:
            raise UndoError(f"检查点已覆盖前 {covered} 条记录，已公开承诺的记录不能撤销；请用 result.correct 等新记录更正 / "
                            f"a checkpoint covers the first {covered} entries; they are public and cannot be undone")
        paths = [ledger.entry_path(ln.office, ln.seq) for ln in tail]
        tracked = _tracked(paths, ledger.root)
        if tracked:
            raise UndoError(f"{ledger.rel(tracked[0])} 已经提交到 git（publisher submit 之后），不能撤销；请用新记录更正 / "
                            "already committed by publisher submit; publish a correcting entry instead")
        entries = [ledger.read_entry(ln.office, ln.seq) for ln in tail]
        keep = lines[:-count]
        blobs = []
        mine = {b for e in entries if e.type == "directory.snapshot" and (b := e.body.get("blob")) is not None}
        if mine:
            still = set()
            for ln in keep:
                if ln.office != "operator":
                    b = ledger.read_entry(ln.office, ln.seq).body
                    if isinstance(b, dict) and b.get("blob") in mine:
                        still.add(b["blob"])
            blobs = [d for d in sorted(mine - still)
                     if ledger.has_blob(d) and not _tracked([ledger.blob_path(d)], ledger.root)]
        atomic_write(ledger.log_path, "".join(f"{ln.office}/{ln.seq} {ln.entry_id}\n" for ln in keep).encode("ascii"))
        ledger._heads_cache = None
        for p in paths:
            p.unlink(missing_ok=True)
        for d in blobs:
            ledger.blob_path(d).unlink(missing_ok=True)
        return Undone(entries, blobs)
