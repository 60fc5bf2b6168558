"""``workflow.target-name``: a publication names its target as the directory the draw used did.

Why: the public finds a company by its NAME (a citizen knows the name, not the code), so a
result published under another name — a typo, or a result "moved" onto the wrong company — is
a silent falsehood. The name of every locked target is read once from the draw's target
snapshot (001 第八条: the confirmed directory) and kept as an 8-byte hash in the task's
:class:`~publisher.workflow.rules.selection.Selection`; ``result``, ``result.correct`` and
``noncooperation`` must carry exactly that name.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Any

from publisher.core.rules.base import Context
from publisher.directory.parsed import ParsedSnapshots
from publisher.directory.records import Target
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.common import Emitter, zh_where
from publisher.workflow.rules.selection import name_hash, target_key
from publisher.workflow.rules.state import TaskInfo


def _targets(ctx: Context, digest: str):
    from publisher.directory.snapshot import iter_snapshot

    with ctx.blobs.open_blob(digest) as f:
        yield from iter_snapshot(f, Target, validate=False, name=f"blobs/{digest[:16]}…")


class SnapshotNames:
    """Name hashes of the last target snapshot read (16 bytes a record): consecutive draws
    usually share one snapshot, so it is parsed once, not once per draw. When the draw rule has
    just parsed the snapshot (at the same lock) its records are read from the shared memo
    (directory/parsed.py) instead of the blob; this rule never adds to the memo, so what is
    there was checked by the draw rule's first, validating read."""

    def __init__(self, parsed: ParsedSnapshots | None = None) -> None:
        self.parsed = parsed
        self.digest: str | None = None
        self.keys = array("Q")
        self.hashes = array("Q")

    def hashes_for(self, ctx: Context, digest: str, ids: list[str]) -> dict[str, int]:
        kept = self.parsed.get(digest, Target) if self.parsed is not None else None
        if kept is not None:  # parsed by the draw rule at this lock: hash only the selected names
            want = set(ids)
            return {t.id: name_hash(t.name) for t in kept if t.id in want}
        if digest != self.digest:
            self.digest, self.keys, self.hashes = None, array("Q"), array("Q")
            if not ctx.blobs.has_blob(digest):
                return {}  # the draw and snapshot rules report a missing blob
            try:
                pairs = sorted((target_key(t.id), name_hash(t.name)) for t in _targets(ctx, digest))
            except Exception:  # not a readable target snapshot: the snapshot rule says why
                return {}
            self.keys = array("Q", (k for k, _ in pairs))
            self.hashes = array("Q", (h for _, h in pairs))
            self.digest = digest
        out = {}
        for tid in ids:
            k = target_key(tid)
            i = bisect_left(self.keys, k)
            if i < len(self.keys) and self.keys[i] == k:
                out[tid] = self.hashes[i]
        return out


def snapshot_name(ctx: Context, digests: list[str], target: str) -> str | None:
    """The target's name in the newest of ``digests`` that lists it (error path only)."""
    for digest in reversed(digests):
        try:
            for t in _targets(ctx, digest):
                if t.id == target:
                    return t.name
                if t.id > target:  # snapshots are sorted by id
                    break
        except Exception:
            continue
    return None


def check_name(em: Emitter, body: dict[str, Any], task: TaskInfo, i: int, ctx: Context, p: str = "") -> None:
    """Report a ``target_name`` that is not the name of the locked target in its snapshot."""
    given = body.get("target_name")
    want = task.selection.name_hashes[i] if i < len(task.selection.name_hashes) else 0
    if given is None or not want or name_hash(given) == want:
        return
    real = snapshot_name(ctx, task.snapshots, body["target"])
    shown = f"“{real}”" if real is not None else "（见名录快照）"
    em.error(A.TARGET_NAME, f"{zh_where(p)}检查对象名称“{given}”与抽取所用名录中 {body['target']} 的名称{shown}不一致；"
             f"结果须写名录中的名称 / {p}target_name {given!r} is not the name of {body['target']} in the "
             "directory snapshot the draw used", A.ART_DIRECTORY)
