"""``draw.lock`` and ``draw.reveal``: the draw is recomputed from public data and compared.

The lock's beacon is verified against the pinned chain; every partner must have accepted the
commitment before the round; the commitment (and each acceptance) must have been covered by a
checkpoint before the round — otherwise the draw is *void* (a warning: that draw only). The
result is recomputed (seed v2: from the beacon alone; an embargoed draw adds the revealed
secrets) and compared row by row.
"""

from __future__ import annotations

from publisher.beacon import Beacon, BeaconError, check_beacon
from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.draw.cap import draw_counts
from publisher.draw.errors import ART_FAIR, ART_LOCK, ART_UNANNOUNCED, Finding
from publisher.draw.lock import result_findings, result_hash, secret_findings
from publisher.draw.rules.commit import void_reason
from publisher.draw.rules.state import CommitSummary, DrawBook
from publisher.draw.timeutil import china_date, china_year, unix


def commit_for(entry: Entry, book: DrawBook) -> tuple[CommitSummary | None, list[Finding]]:
    body = entry.body
    c = book.commits.get(body["commit"])
    what = entry.type
    if c is None:
        return None, [Finding(f"{what} references {body['commit'][:16]}…, which is not an earlier "
                              "draw.commit", ART_LOCK)]
    out = []
    if c.task != body["task"]:
        out.append(Finding(f"commitment {c.id[:16]}… belongs to task {c.task}, not {body['task']}; "
                           "a commitment cannot be reused for another task", ART_LOCK))
    if c.office != entry.office:
        out.append(Finding(f"{what} by {entry.office}, but the commitment is office {c.office}'s", ART_LOCK))
    if c.superseded_by:
        out.append(Finding(f"commitment {c.id[:16]}… was superseded (abandoned); it cannot be locked "
                           "or revealed", ART_LOCK))
    if not c.valid:
        out.append(Finding(f"commitment {c.id[:16]}… failed verification; its draw cannot be accepted", ART_LOCK))
    return c, out


class LockCheck:
    rule = "draw.lock"

    def on_lock(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        body = entry.body
        c, out = commit_for(entry, book)
        if c is None:
            return out
        if c.lock is not None:
            return out + [Finding(f"a second lock for commitment {c.id[:16]}… (first lock "
                                  f"{c.lock[:16]}…); a locked draw never changes", ART_LOCK)]
        c.lock, c.lock_time = entry.id, entry.time
        out.extend(self._beacon(entry, c, ctx, book))
        out.extend(self._partners(c, ctx, book))
        embargoed = "result_hash" in body
        if bool(c.embargo_until) != embargoed:
            out.append(Finding("the commitment sets an embargo, so the lock must carry only result_hash"
                               if c.embargo_until else
                               "the commitment sets no embargo, so the lock must publish the result",
                               ART_UNANNOUNCED))
        if any(f.severity == "error" for f in out):
            return out
        priv = book.private[c.id]
        beacon = Beacon(round=body["beacon"]["round"], signature=bytes.fromhex(body["beacon"]["signature"]))
        priv.randomness = beacon.randomness
        book.beacons[(c.chain_hash, c.round)] = priv.randomness
        book.signed[(c.chain_hash, c.round)] = beacon
        if embargoed:
            priv.result_hash = body["result_hash"]
            priv.lock_body = dict(body)
            c.lock_valid = True
            return out
        return out + check_result(entry, c, ctx, book, china_year(entry.time), [])

    @staticmethod
    def _beacon(entry: Entry, c: CommitSummary, ctx: Context, book: DrawBook) -> list[Finding]:
        b = entry.body["beacon"]
        chain = (getattr(ctx.trust, "beacon_chains", {}) or {}).get(c.chain_hash)
        if chain is None:
            return [Finding(f"beacon chain {c.chain_hash[:16]}… is not pinned in trust.json", ART_FAIR)]
        if b["round"] != c.round:
            return [Finding(f"beacon round {b['round']} is not the committed round {c.round}", ART_LOCK)]
        out = []
        try:
            check_beacon(chain, Beacon(round=b["round"], signature=bytes.fromhex(b["signature"])))
        except BeaconError as exc:
            out.append(Finding(f"beacon does not verify: {exc}", ART_FAIR))
        rt = chain.round_time(c.round)
        if unix(entry.time) < rt:
            out.append(Finding(f"locked at {entry.time}, before beacon round {c.round} was due ({rt})", ART_FAIR))
        if c.void is None:
            c.void = void_reason(ctx, c.index, c.round, rt)
            if c.void:
                out.append(Finding(f"draw void: {c.void}; this draw is shown as void and does not count "
                                   "(the rest of the ledger is unaffected)", ART_FAIR, "warning"))
        return out

    @staticmethod
    def _partners(c: CommitSummary, ctx: Context, book: DrawBook) -> list[Finding]:
        priv = book.private[c.id]
        out = []
        for o in priv.body["offices"][1:]:
            office = o["office"]
            if office not in c.accepted:
                out.append(Finding(f"partner office {office} has not accepted this commitment (draw.accept) "
                                   "before the beacon round; a joint draw needs every partner's acceptance",
                                   ART_FAIR))
            elif c.void is None and c.round_time is not None:
                why = void_reason(ctx, priv.accept_index[office], c.round, c.round_time, f"acceptance of {office}")
                if why:
                    c.void = why
                    out.append(Finding(f"draw void: {why}", ART_FAIR, "warning"))
        return out


def check_result(entry: Entry, c: CommitSummary, ctx: Context, book: DrawBook, year: int,
                 secrets_hex: list[str]) -> list[Finding]:
    """Secrets (embargo), recomputation and comparison for a published result."""
    body = entry.body
    priv = book.private[c.id]
    out = secret_findings(priv.body, secrets_hex) if c.embargo_until else []
    if out:
        return out
    secrets = [bytes.fromhex(s) for s in secrets_hex]
    assert priv.randomness is not None
    result = book.recompute(ctx, c.id, priv.body, priv.randomness, secrets)
    if priv.result_hash is not None and result_hash(result.to_json()) != priv.result_hash:
        out.append(Finding("the recomputed result does not match the result_hash fixed at lock; "
                           "the draw was changed after it was locked", ART_LOCK))
    out.extend(result_findings(result, body))
    if not out:
        priv.secrets, priv.seed = secrets, result.seed
        c.lock_valid = True
        c.selected = len(result.selected)
        if not c.void and draw_counts(c.population):
            book.pending_cap[c.task] = (c.id, year, {row["id"] for row in result.selected})
        book.teams_cache = (c.id, {t["target"]: list(t["members"]) for t in result.teams}, result)
    return out


class RevealCheck:
    rule = "draw.reveal"

    def on_reveal(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        c, out = commit_for(entry, book)
        if c is None:
            return out
        if not c.embargo_until or c.lock is None or not c.lock_valid:
            return out + [Finding("only an embargoed draw with a valid lock is revealed", ART_LOCK)]
        if c.reveal is not None:
            return out + [Finding(f"the draw was already revealed by {c.reveal[:16]}…", ART_LOCK)]
        c.reveal, c.reveal_time = entry.id, entry.time
        if china_date(entry.time).isoformat() < c.embargo_until:
            out.append(Finding(f"revealed on {china_date(entry.time)} (Beijing time), before the embargo ends "
                               f"({c.embargo_until})", ART_UNANNOUNCED))
        if any(f.severity == "error" for f in out):
            return out
        assert c.lock_time is not None
        return out + check_result(entry, c, ctx, book, china_year(c.lock_time), entry.body["secrets"])


class CapCheck:
    """``draw.cap``: a draw counts for a target once its result is published (see draw/cap.py)."""

    rule = "draw.cap"

    def on_result(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        p = book.pending_cap.get(entry.body.get("task", ""))
        target = entry.body.get("target")
        if p is not None and target in p[2]:
            book.cap.add(p[1], target, p[0])
            p[2].discard(target)
        return []
