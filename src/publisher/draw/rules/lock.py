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
from publisher.draw.sealed import is_sealed
from publisher.draw.timeutil import china_date, china_year, unix


def commit_for(entry: Entry, book: DrawBook) -> tuple[CommitSummary | None, list[Finding]]:
    body = entry.body
    c = book.commits.get(body["commit"])
    what = entry.type
    if c is None:
        return None, [Finding(f"引用的抽取承诺不存在或在其之后 / " f"{what} references {body['commit'][:16]}…, which is not an earlier "
                              "draw.commit", ART_LOCK)]
    out = []
    if c.task != body["task"]:
        out.append(Finding(f"该抽取承诺属于任务 {c.task}，不是 {body['task']}；承诺不能挪用于其他任务 / " f"commitment {c.id[:16]}… belongs to task {c.task}, not {body['task']}; "
                           "a commitment cannot be reused for another task", ART_LOCK))
    if c.office != entry.office:
        out.append(Finding(f"单位 {entry.office} 不是提交该抽取承诺的单位（{c.office}） / " f"{what} by {entry.office}, but the commitment is office {c.office}'s", ART_LOCK))
    if c.superseded_by:
        out.append(Finding(f"该抽取承诺已被替代（放弃），不能锁定或揭示 / " f"commitment {c.id[:16]}… was superseded (abandoned); it cannot be locked "
                           "or revealed", ART_LOCK))
    if not c.valid:
        out.append(Finding(f"该抽取承诺未通过核验，其抽取结果不能采用 / " f"commitment {c.id[:16]}… failed verification; its draw cannot be accepted", ART_LOCK))
    return c, out


class LockCheck:
    rule = "draw.lock"

    def on_lock(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        body = entry.body
        c, out = commit_for(entry, book)
        if c is None:
            return out
        if c.lock is not None:
            return out + [Finding(f"同一抽取承诺第二次锁定；锁定的抽取不能更改 / " f"a second lock for commitment {c.id[:16]}… (first lock "
                                  f"{c.lock[:16]}…); a locked draw never changes", ART_LOCK)]
        c.lock, c.lock_time, c.lock_file = entry.id, entry.time, ctx.file
        out.extend(self._beacon(entry, c, ctx))
        out.extend(self._partners(c, ctx, book))
        embargoed = "result_hash" in body
        if bool(c.embargo_until) != embargoed:
            out.append(Finding("承诺设定了暂不公开，锁定时只能公布结果摘要 / " "the commitment sets an embargo, so the lock must carry only result_hash"
                               if c.embargo_until else
                               "承诺没有设定暂不公开，锁定时必须公布抽取结果 / " "the commitment sets no embargo, so the lock must publish the result",
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
        if is_sealed(priv.body) and book.sealed is not None:
            return out + book.sealed.on_lock(entry, c, ctx, book)
        return out + check_result(entry, c, ctx, book, china_year(entry.time), [])

    @staticmethod
    def _beacon(entry: Entry, c: CommitSummary, ctx: Context) -> list[Finding]:
        b = entry.body["beacon"]
        chain = (getattr(ctx.trust, "beacon_chains", {}) or {}).get(c.chain_hash)
        if chain is None:
            return [Finding(f"该随机信标链没有在 trust.json 中固定 / " f"beacon chain {c.chain_hash[:16]}… is not pinned in trust.json", ART_FAIR)]
        if b["round"] != c.round:
            return [Finding(f"信标轮次 {b['round']} 不是承诺的第 {c.round} 轮 / " f"beacon round {b['round']} is not the committed round {c.round}", ART_LOCK)]
        out = []
        try:
            check_beacon(chain, Beacon(round=b["round"], signature=bytes.fromhex(b["signature"])))
        except BeaconError as exc:
            out.append(Finding(f"随机信标验证不通过 / " f"beacon does not verify: {exc}", ART_FAIR))
        rt = chain.round_time(c.round)
        if unix(entry.time) < rt:
            out.append(Finding(f"锁定时间早于承诺的信标产生时间 / " f"locked at {entry.time}, before beacon round {c.round} was due ({rt})", ART_FAIR))
        if c.void is None:
            c.void = void_reason(ctx, c.index, c.round, rt)
            if c.void:
                out.append(Finding(f"抽取作废：没有检查点证明抽取承诺在随机信标产生之前已公开，该次抽取显示为作废、不计入 / " f"draw void: {c.void}; this draw is shown as void and does not count "
                                   "(the rest of the ledger is unaffected)", ART_FAIR, "warning"))
        return out

    @staticmethod
    def _partners(c: CommitSummary, ctx: Context, book: DrawBook) -> list[Finding]:
        priv = book.private[c.id]
        out = []
        for o in priv.body["offices"][1:]:
            office = o["office"]
            if office not in c.accepted:
                out.append(Finding(f"参与单位 {office} 没有在信标产生之前确认该联合抽取承诺 / " f"partner office {office} has not accepted this commitment (draw.accept) "
                                   "before the beacon round; a joint draw needs every partner's acceptance",
                                   ART_FAIR))
            elif c.void is None and c.round_time is not None:
                why = void_reason(ctx, priv.accept_index[office], c.round, c.round_time, f"acceptance of {office}")
                if why:
                    c.void = why
                    out.append(Finding(f"抽取作废：参与单位 {office} 的确认未能证明在信标产生之前已公开 / " f"draw void: {why}", ART_FAIR, "warning"))
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
        out.append(Finding("重新计算的抽取结果与锁定时的结果摘要不符：抽取在锁定后被改动 / " "the recomputed result does not match the result_hash fixed at lock; "
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
            return out + [Finding("只有已有效锁定的暂不公开抽取才能揭示 / " "only an embargoed draw with a valid lock is revealed", ART_LOCK)]
        if c.reveal is not None:
            return out + [Finding(f"该抽取已经揭示过 / " f"the draw was already revealed by {c.reveal[:16]}…", ART_LOCK)]
        c.reveal, c.reveal_time = entry.id, entry.time
        if china_date(entry.time).isoformat() < c.embargo_until:
            out.append(Finding(f"揭示日期 {china_date(entry.time)}（北京时间）早于暂不公开期限 {c.embargo_until} / " f"revealed on {china_date(entry.time)} (Beijing time), before the embargo ends "
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
