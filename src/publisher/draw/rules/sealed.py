"""``draw.sealed``: draws of a portal whose risk classes are sealed (docs/spec/65-sealed.md).

The portal's ``trust.json`` fixes ``risk_class_disclosure``; a sealed portal's draws commit to
each target's stratum with a hiding leaf, and a public portal's never do. Without openings the
rule runs the public checks (§6S.2) and records, per draw, what it could not check; given the
office's openings (``publisher verify --openings FILE``) it re-checks everything (§6S.3).
"""

from __future__ import annotations

from collections.abc import Mapping

from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.directory.records import DirectoryError, Target
from publisher.draw.cap import draw_counts
from publisher.draw.errors import ART_LOCK, DrawError, Finding
from publisher.draw.openings import Opening
from publisher.draw.rules.state import CommitSummary, DrawBook
from publisher.draw.sealed import ART_SEALED, RULE, check_sealed_commit, check_sealed_lock, eligible, is_sealed
from publisher.draw.timeutil import china_year

UNCHECKED = ("which stratum each company is in, the per-stratum counts n (only their sum), that each "
             "threshold is the k-th smallest ticket of its stratum, that the selection is exactly the k "
             "smallest per stratum")
UNCHECKED_ZH = "每家企业所在的分层、各层家数（只核对了总数）、各层门槛是否为该层第 k 小的票号、是否恰好抽取了各层票号最小的 k 家"


def portal_sealed(ctx: Context) -> bool:
    raw = getattr(ctx.trust, "raw", None) or {}
    return raw.get("risk_class_disclosure") == "sealed"


class SealedCheck:
    rule = RULE

    def __init__(self, openings: Mapping[str, Mapping[str, Opening]] | None = None):
        self.openings = openings  # root -> id -> Opening, or None (public checks only)
        self.unchecked: dict[str, str] = {}  # commit id -> what could not be checked (no openings)
        self.audited: list[str] = []  # commit ids re-checked with their openings

    def _snapshot_sealed(self, ctx: Context, book: DrawBook, digest: str) -> bool | None:
        with book.records(ctx, digest, Target) as it:
            first = next(iter(it), None)
        return None if first is None else first.sealed

    def on_commit(self, entry: Entry, ctx: Context, book: DrawBook, c: CommitSummary) -> list[Finding]:
        body = entry.body
        sealed_portal, sealed_body = portal_sealed(ctx), is_sealed(body)
        if sealed_portal != sealed_body:
            return [Finding("本门户的风险分类封存，每次抽取都必须封存分层（population.sealed） / "
                            "this portal's risk classes are sealed (trust.json), so every draw must be sealed "
                            "(population.sealed)" if sealed_portal else
                            "本门户公开风险分类，抽取不能封存分层 / "
                            "this portal publishes risk classes (trust.json), so a draw cannot be sealed",
                            ART_SEALED, rule=RULE)]
        try:
            form = self._snapshot_sealed(ctx, book, body["population"]["snapshot"])
            if form is not None and form != sealed_portal:
                return [Finding("检查对象名录快照为封存格式（无风险分类），但本门户公开风险分类 / "
                                "the target snapshot is in the sealed form (no risk) but the portal publishes "
                                "classes" if form else "检查对象名录快照带有风险分类，封存门户从不公开风险分类 / "
                                "the target snapshot carries risk classes, which a "
                                "sealed portal never publishes", ART_SEALED, rule=RULE)]
            if not sealed_body:
                return []
            digest = body["population"]["sealed"]["leaves"]
            leaves = None
            if ctx.blobs.has_blob(digest):
                with ctx.blobs.open_blob(digest) as f:
                    leaves = f.read(32 * body["population"]["count"] + 1)
            inspectors = book.inspectors(ctx, body)
            opened = self._openings_for(body)
            with book.records(ctx, body["population"]["snapshot"], Target) as targets:
                out, _ = check_sealed_commit(body, entry.office, entry.time, targets, inspectors, leaves,
                                             cap=book.cap, openings=opened)
        except DrawError as exc:
            return [Finding(exc.message, exc.article or ART_LOCK, rule=RULE)]
        except DirectoryError:  # an unreadable snapshot: draw.commit names it (rules/commit.py)
            return []
        c.population = body["population"]["count"]
        if opened is None:
            self.unchecked[entry.id] = UNCHECKED
        else:
            self.audited.append(entry.id)
        return out

    def _openings_for(self, body: Mapping) -> Mapping[str, Opening] | None:
        if self.openings is None:
            return None
        return self.openings.get(body["population"]["root"], {})

    def on_lock(self, entry: Entry, c: CommitSummary, ctx: Context, book: DrawBook) -> list[Finding]:
        """A sealed lock's public checks; with openings, the full recomputation; then the book."""
        priv = book.private[c.id]
        body = priv.body
        assert priv.randomness is not None
        try:
            inspectors = book.inspectors(ctx, body)
            with book.records(ctx, body["population"]["snapshot"], Target) as targets:
                el = eligible(body, targets, cap=None, time=c.time, apply_cap=False)
            out, result = check_sealed_lock(c.id, body, entry.body, priv.randomness, el.targets, inspectors,
                                            self._openings_for(body))
        except (DrawError, KeyError, ValueError) as exc:
            return [Finding(f"封存分层的抽取无法核验 / the sealed draw cannot be checked: {getattr(exc, 'message', exc)}", ART_LOCK,
                            rule=RULE)]
        if not out:
            priv.secrets, priv.seed, priv.sealed_result = [], result.seed, result
            c.lock_valid = True
            c.selected = len(result.selected)
            if not c.void and draw_counts(c.population):
                book.pending_cap[c.task] = (c.id, china_year(entry.time), {r["id"] for r in result.selected})
            book.teams_cache = (c.id, {t["target"]: list(t["members"]) for t in result.teams}, result)
        return out
