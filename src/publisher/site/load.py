"""Verify the ledger and build the read-model in the same single pass.

Why here and not in the plugin: `publisher build`, the plugin and the benchmark all need the
same "verify or fail with the verifier's own messages" step, and the site must only ever see
a ledger that passed every rule in ``publisher.ruleset.default_rules()``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import ruleset
from ..core.checkpoint import Checkpoint
from ..core.errors import PublisherError
from ..core.trust import Trust
from ..core.verifier import Report, verify
from ..storage.ledger_dir import LedgerDir
from .model import IndexRule, SiteIndex, SnapshotReader

log = logging.getLogger(__name__)


class LedgerNotVerified(PublisherError):
    """The ledger failed verification; the message lists the verifier's problems."""

    def __init__(self, report: Report | None, message: str = ""):
        self.report = report
        if report is not None:
            lines = [p.line() for p in report.errors]
            shown = lines[:50] + ([f"… and {len(lines) - 50} more"] if len(lines) > 50 else [])
            message = (f"the ledger does not verify ({len(lines)} problems); the site is not built:\n"
                       + "\n".join(shown))
        super().__init__(message)


@dataclass
class RootKey:
    key_id: str
    public_key: str
    fingerprint: str  # SHA-256 of the raw 32-byte key, hex in groups of four
    pinned: bool


@dataclass
class Loaded:
    ledger: LedgerDir
    trust: Trust
    report: Report
    index: SiteIndex
    root_keys: list[RootKey]
    pinned: bool
    latest: Checkpoint | None
    latest_note: str
    latest_note_file: str
    seconds: float
    chains: dict[str, Any] = field(default_factory=dict)
    overdue: list[Any] = field(default_factory=list)  # workflow rule's Overdue facts (R64)
    coverage: dict[tuple[str, int], Any] = field(default_factory=dict)  # (office, year) -> Coverage (R22)
    stats: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)
    now: int | None = None


def fingerprint(public_b64: str) -> str:
    import base64

    h = hashlib.sha256(base64.b64decode(public_b64)).hexdigest()
    return " ".join(h[i:i + 4] for i in range(0, 64, 4))


def pinned_for(pins: Any, origin: str) -> list[str]:
    """Root key ids pinned for a portal: a list pins them for any ledger; a dict pins them per
    checkpoint origin (so the real portal is pinned while test and bench ledgers are not)."""
    if isinstance(pins, dict):
        pins = pins.get(origin) or []
    return [str(k).lower() for k in (pins or [])]


def load_verified(ledger_dir: Path | str, work_dir: Path, pinned_ids: Any = None,
                  now: int | None = None, workers: int | None = None, full: bool = False) -> Loaded:
    """Verify ``ledger_dir`` with the default rules, indexing as we go; raise if not valid.

    Unless ``full``, the verification resumes from this machine's saved state at the newest
    verified checkpoint (``storage.verify_cache``), with the read-model as it stood there."""
    started = time.perf_counter()
    ledger = LedgerDir(Path(ledger_dir))
    if not (ledger.root / "trust.json").is_file():
        raise LedgerNotVerified(None, f"{ledger.root}: no trust.json, this is not a ledger directory")
    trust = ledger.trust()
    pinned_ids = pinned_for(pinned_ids, trust.origin)
    if pinned_ids and sorted(pinned_ids) != sorted(trust.root_keys):
        raise LedgerNotVerified(None, (
            f"ledger/trust.json root keys {sorted(trust.root_keys)} are not the keys pinned in the "
            f"site settings (PUBLISHER_ROOT_KEY_IDS = {sorted(pinned_ids)}); refusing to build"))
    index = SiteIndex(work_dir / "site.sqlite")
    index.snapshot_source = SnapshotReader(ledger)
    rules = ruleset.default_rules()
    workflow = next((r for r in rules if getattr(r, "name", "") == "workflow"), None)
    if workflow is not None and hasattr(workflow, "sink"):
        workflow.sink = index.on_fact  # per-result deadline verdicts, streamed to disk
    from ..storage.verify_cache import VerifyCache

    cache = VerifyCache.default(full=full)
    if cache is not None:
        cache.attachments["site-index"] = index
    report = verify(ledger, trust, rules + [IndexRule(index)], now=now, workers=workers, cache=cache)
    if not report.ok:
        index.close()
        raise LedgerNotVerified(report)
    draw = report.rule("draw")
    for c in getattr(draw, "commits", {}).values():
        index.add_commit_summary(c)
        if getattr(c, "opened", False) and c.reveal is None:  # list opened by the timelock (spec §5A.4)
            priv = draw.book.private[c.id]
            index.add_opened(c, priv.opened.to_json(), [x.hex() for x in priv.secrets or []])
    index.finish(SnapshotReader(ledger))
    if index.stats.warnings:
        log.warning("site: %d entries are shown without some details (fields the site did not expect); "
                    "see the warnings table", index.stats.warnings)
    warnings = report.problems  # only warnings at this point (late, overdue, unknown calendar)
    if warnings:  # summarised by rule (issue 14); `publisher build --verbose` lists them all
        from ..problem_summary import summarize

        lines = [p.line() for p in warnings] if os.environ.get("PUBLISHER_VERBOSE") else summarize(warnings)
        log.warning("核验警告 %d 条 / %d verifier warnings:\n%s", len(warnings), len(warnings), "\n".join(lines))
    roots = [RootKey(kid, pk.b64, fingerprint(pk.b64), bool(pinned_ids)) for kid, pk in sorted(trust.root_keys.items())]
    latest, note, note_file = None, "", ""
    if report.checkpoints:
        latest = report.checkpoints[-1]
        path = ledger.checkpoints_dir / f"{latest.size:010d}.note"
        if path.is_file():
            note, note_file = path.read_text("utf-8"), f"ledger/checkpoints/{path.name}"
    loaded = Loaded(ledger, trust, report, index, roots, bool(pinned_ids), latest, note, note_file,
                    time.perf_counter() - started, dict(trust.beacon_chains),
                    overdue=list(getattr(workflow, "overdue", []) or []),
                    coverage=dict(getattr(workflow, "coverage", {}) or {}),
                    stats={k: dict(v) for k, v in (getattr(workflow, "stats", {}) or {}).items()},
                    now=now)
    release_verifier_state(report, workflow)
    return loaded


def release_verifier_state(report: Report, workflow: Any) -> None:
    """Let go of the verifier's state the pages never read, before they are rendered.

    The rules keep what checking the next entry needs; the site reads the read-model, the
    draw rule's summaries and what ``Loaded`` copied. At a province the rest was most of the
    build process's memory (docs/BENCHMARKS.md, session 15): the workflow rule's per-task
    state, the parsed directory snapshots both rules shared, and the commitments' bodies
    (their cap-exclusion lists), which ``draw_history.keep_shown`` cuts to what is shown."""
    from .draw_history import keep_shown

    if workflow is not None and workflow in report.rules:
        report.rules.remove(workflow)  # overdue, coverage and stats are in Loaded
    draw = report.rule("draw")
    if draw is None:
        return
    draw.book.parsed.clear()
    keep_shown(draw)


def trust_summary(trust: Trust) -> dict[str, Any]:
    return {"origin": trust.origin, "log_vkey": trust.log_vkey, "sample": trust.sample,
            "raw": json.dumps(trust.raw, ensure_ascii=False)}
