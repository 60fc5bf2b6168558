"""``draw.embargo``: an embargoed draw opens itself at the end of its embargo (spec §5A.4).

At commit: every office escrows its secret with tlock to the reveal round (the first round of
the embargo's last day, Beijing time), and the embargo ends after the commitment. Once that
round's beacon exists — in the log, or recorded under ``ledger/beacons/`` by anyone — the
escrows are opened, the list is recomputed and compared with the lock's ``result_hash``: a lock
that binds another list, or nothing, is an ERROR for that draw with no action by the office.
``draw.reveal`` stays a courtesy that can only agree.
"""

from __future__ import annotations

from publisher.beacon import BeaconError, check_beacon
from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.directory.records import Target
from publisher.draw.errors import ART_UNANNOUNCED, Finding
from publisher.draw.rules.state import ABANDON_AFTER, CommitSummary, DrawBook
from publisher.embargo import embargo_findings, escrow_findings, reveal_round

RULE = "draw.embargo"


MEMO = "embargo-open/1"


def _memo_key(c: CommitSummary, beacon: object) -> bytes:
    """Every input of opening a lock: the commitment (its id fixes the body: offices, escrows,
    snapshots by digest, strata, teams), the lock (its id fixes the beacon and result hash), the
    chain, and the reveal round's beacon (a BLS signature is unique per round and key)."""
    sig = getattr(beacon, "signature", b"")
    return "\0".join([c.id, str(c.lock), str(c.chain_hash), str(getattr(beacon, "round", "")),
                      sig.hex() if isinstance(sig, bytes) else str(sig)]).encode()


def _recall(ctx: Context, key: bytes) -> tuple | None:
    """An earlier run's opening (result, secrets) from this machine's verification cache; the
    rule computes it again when there is none (``--full``, no cache, another code version)."""
    recall = getattr(ctx.blobs, "remembered", None)
    got = recall(MEMO, key) if recall is not None else None
    return got if isinstance(got, tuple) and len(got) == 2 else None


def _keep(ctx: Context, key: bytes, opened: tuple) -> None:
    keep = getattr(ctx.blobs, "remember", None)
    if keep is not None:
        keep(MEMO, key, opened)


class EmbargoCheck:
    rule = RULE

    def on_commit(self, entry: Entry, ctx: Context, book: DrawBook, c: CommitSummary) -> list[Finding]:
        chain = (getattr(ctx.trust, "beacon_chains", {}) or {}).get(c.chain_hash)
        return escrow_findings(entry.body, entry.time, chain)

    def finish(self, ctx: Context, book: DrawBook) -> list[Finding]:
        """Open every embargoed lock whose reveal round is public."""
        now = ctx.now if ctx.now is not None else ctx.last_time
        out = []
        for c in book.commits.values():
            priv = book.private[c.id]
            if not (c.valid and c.embargo_until and c.lock_valid and priv.lock_body is not None):
                continue
            chain = (getattr(ctx.trust, "beacon_chains", {}) or {}).get(c.chain_hash)
            if chain is None:
                continue
            rr = reveal_round(chain, c.embargo_until)
            beacon, where = self._beacon(ctx, book, c.chain_hash, rr, chain)
            if where:
                out.append(Finding(f"任务 {c.task}：账本记录的信标无法验证，已忽略 / " f"task {c.task}: {where}", ART_UNANNOUNCED, "warning", rule=RULE,
                                   file=c.lock_file, entry_id=c.lock or ""))
            if beacon is None:
                if chain.round_time(rr) + ABANDON_AFTER < now and c.reveal is None:
                    out.append(Finding(f"任务 {c.task}：暂不公开抽取的揭示轮次信标已到期 7 天以上仍未记录，请记录该信标以便打开托管的密钥 / "
                                       f"task {c.task}: the embargo's reveal round {rr} was due more than 7 days "
                                       "ago but no beacon of it is recorded; record it (`publisher beacon record`) "
                                       "so the escrows open", ART_UNANNOUNCED, "warning", rule=RULE,
                                       file=c.lock_file, entry_id=c.lock or ""))
                continue
            opened: list = []
            key = _memo_key(c, beacon)
            hit = _recall(ctx, key)
            if hit is not None:  # opened on an earlier run from exactly these entries and beacon
                found, opened = [], [hit]
            else:
                inspectors = book.inspectors(ctx, priv.body)
                with book.records(ctx, priv.body["population"]["snapshot"], Target) as targets:
                    found = embargo_findings(c.id, priv.body, priv.lock_body, chain, beacon, targets, inspectors, opened)
                if opened and not found:
                    _keep(ctx, key, opened[0])
            for f in found:
                out.append(Finding(f"任务 {c.task} 的暂不公开抽取经时间锁打开后核对不符 / " f"task {c.task}, commitment {c.id[:16]}…: {f.message}", f.article or ART_UNANNOUNCED,
                                   rule=RULE,
                                   file=c.lock_file, entry_id=c.lock or ""))
            if opened:
                result, secrets = opened[0]
                c.opened, priv.opened = True, result
                if priv.secrets is None:  # no reveal: the escrows gave them
                    priv.secrets, priv.seed = list(secrets), result.seed
                if c.selected is None:
                    c.selected = len(result.selected)
        return out

    @staticmethod
    def _beacon(ctx: Context, book: DrawBook, chain_hash: str, round_: int, chain) -> tuple[object | None, str]:
        got = book.signed.get((chain_hash, round_))
        if got is not None:
            return got, ""
        if ctx.beacon_source is None:
            return None, ""
        got = ctx.beacon_source(chain_hash, round_)
        if got is None:
            return None, ""
        try:
            check_beacon(chain, got)
        except BeaconError as exc:
            return None, f"the recorded beacon of round {round_} does not verify ({exc}); it is ignored"
        book.signed[(chain_hash, round_)] = got
        return got, ""
