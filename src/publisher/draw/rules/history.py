"""``draw.history``: re-draws, abandoned commitments and twin tasks — nothing drawn in secret.

Seed v2 has no secrets, so the outcome of every commitment is computable once its round is
public. A commitment superseded *after* its round needs a reason code from a closed list, the
approver (主要负责人) and the old round's beacon (so the verifier computes and shows what the
superseded draw selected); a task has at most ``MAX_COMMITS`` commitments; a re-draw draws the
same population the same way (only ``population_error`` may change the snapshots). A commitment
never locked is computed and shown when any entry of the ledger publishes its round. Twin tasks
(same office, same snapshot, overlapping filters, rounds close together, only some locked) are
flagged with counts.
"""
# Twins are judged on the filters only: two snapshots of one office differ by a few companies at
# most, so requiring the same snapshot would let twelve look-alike tasks each use a trivially
# different directory.

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from publisher.beacon import Beacon, BeaconError, check_beacon
from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.draw.cap import CAP_REASON
from publisher.draw.errors import ART_DIRECTORY, ART_FAIR, ART_LOCK, DrawError, Finding
from publisher.draw.filters import FILTER_KEYS
from publisher.draw.rules.state import ABANDON_AFTER, CommitSummary, DrawBook
from publisher.draw.timeutil import unix

RULE = "draw.history"
MAX_COMMITS = 3  # per task: the first commitment and at most two re-draws
APPROVER_TITLE = "主要负责人"
TWIN_WINDOW = 2 * 86400  # s between beacon rounds of look-alike commitments
REDRAW_REASONS = {
    "beacon_unavailable": ("信标轮次未能产生或无法验证", "the beacon round was not produced or cannot be verified"),
    "population_error": ("抽查对象名录有误，已重新确认名录", "the population was wrong; the directory was confirmed again"),
    "superior_order": ("上级机关决定重新抽取", "a superior office ordered a new draw"),
    "void_draw": ("原抽取无效（承诺未在信标轮次前公开）", "the superseded draw is void (not public before its round)"),
    "correction": ("信标轮次之前更正承诺", "corrected before the beacon round existed"),
}


def spec_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """What a re-draw may not change: who can be drawn, how many, and by whom."""
    pop = body["population"]
    return {
        "filter": pop.get("filter", {}),
        "exclusions": [e for e in pop.get("exclusions", []) if e["reason"] != CAP_REASON],
        "cap_overrides": pop.get("cap_overrides", []),
        "strata": [{k: s.get(k) for k in ("name", "match", "take", "rounding", "zero_ok")} for s in body["strata"]],
        "offices": [(o["office"], o["members"]) for o in body["offices"]],
        "teams": {k: body["teams"].get(k) for k in ("mode", "load_cap")},
        "batch_size": body["batch_size"], "ratio_cap": body.get("ratio_cap"),
        "embargo": body.get("embargo_until") is not None,
    }


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    a, b = spec_of(old), spec_of(new)
    out = [k for k in a if a[k] != b[k]]
    if "exclusions" in out:
        added = sorted({e["id"] for e in b["exclusions"]} - {e["id"] for e in a["exclusions"]})
        if added:
            out[out.index("exclusions")] = f"exclusions (added {', '.join(added[:5])})"
    return out


def _overlap(f1: Mapping[str, Any], f2: Mapping[str, Any]) -> bool:
    """Whether two filters can both admit one target (prefix conditions overlap by prefix)."""
    for key in FILTER_KEYS:
        a, b = f1.get(key) or [], f2.get(key) or []
        if not a or not b:
            continue
        if key in ("regions", "industries"):
            if not any(x.startswith(y) or y.startswith(x) for x in a for y in b):
                return False
        elif not set(a) & set(b):
            return False
    return True


class HistoryCheck:
    rule = RULE

    def on_commit(self, entry: Entry, ctx: Context, book: DrawBook, new: CommitSummary) -> list[Finding]:
        body = entry.body
        state = book.tasks.get(new.task)
        new.reason_code, new.reason, new.approver = body.get("reason_code"), body.get("reason"), body.get("approver")
        if state is None:
            if new.supersedes:
                return [Finding(f"重新抽取所替代的不是本任务的抽取承诺 / " f"supersedes {new.supersedes[:16]}…, which is not a commitment of "
                                f"task {new.task}", ART_LOCK)]
            return []
        old = state.current
        out = []
        if old.office != new.office:
            out.append(Finding(f"任务 {new.task} 的抽取由 {old.office} 承诺，不能由 {new.office} 重新抽取 / " f"task {new.task} was committed by office {old.office}, not {new.office}", ART_LOCK))
        if new.supersedes != old.id:
            return out + [Finding(f"任务 {new.task} 已有抽取承诺，新的承诺须注明替代哪一个及原因 / " f"task {new.task} already has commitment {old.id[:16]}…; a new one must name "
                                  "it in supersedes, with a reason code and the approver", ART_LOCK)]
        old.superseded_by = new.id
        if len(state.commits) >= MAX_COMMITS:
            out.append(Finding(f"任务 {new.task} 的重新抽取次数已达上限 / " f"task {new.task} already has {len(state.commits)} commitments; at most "
                               f"{MAX_COMMITS - 1} re-draws are allowed per task", ART_LOCK))
        if old.lock is not None and old.lock_valid and not old.void:
            out.append(Finding(f"任务 {new.task} 的抽取已锁定，锁定后不能重新抽取 / " f"task {new.task}'s draw was locked by {old.lock[:16]}…; a locked draw "
                               "cannot be drawn again", ART_LOCK))
        code = body["reason_code"]
        after = old.round_time is not None and unix(entry.time) >= old.round_time
        out.extend(self._reason(entry, book, old, code, after))
        acc = ctx.accepted_at(ctx.index)
        if code == "correction" and not after and old.round_time is not None and acc is not None and acc >= old.round_time:
            # the claimed time says "before the round", the first checkpoint says otherwise: this draw is void
            new.void = (f"the correction's first checkpoint was signed at {acc}, not before the superseded "
                        f"commitment's beacon round (due {old.round_time})")
            out.append(Finding(f"抽取作废：重新抽取的承诺未能证明在信标产生之前已公开 / " f"draw void: {new.void}", ART_FAIR, "warning"))
        if (body.get("approver") or {}).get("title") != APPROVER_TITLE:
            out.append(Finding(f"重新抽取须经单位{APPROVER_TITLE}批准 / " f"a re-draw is approved by the office's {APPROVER_TITLE} (approver.title)", ART_LOCK))
        changed = _changed(book.private[old.id].body, body)
        snaps_changed = (body["population"]["snapshot"] != book.private[old.id].body["population"]["snapshot"]
                         or body["teams"]["inspectors"] != book.private[old.id].body["teams"]["inspectors"])
        if changed:
            out.append(Finding(f"重新抽取须以相同方式抽取相同范围，不能更改抽取条件 / " f"a re-draw must draw the same population the same way; changed: "
                               f"{', '.join(changed)}", ART_LOCK))
        if snaps_changed and code != "population_error":
            out.append(Finding("只有因名录有误而重新抽取时才能使用其他名录快照 / " "only a re-draw for population_error may use other snapshots", ART_LOCK))
        out.extend(self._old_outcome(entry, ctx, book, old, code, after))
        return out

    @staticmethod
    def _reason(entry: Entry, book: DrawBook, old: CommitSummary, code: str, after: bool) -> list[Finding]:
        body = entry.body
        if code == "correction":
            if after:
                return [Finding(f"以“更正”为由重新抽取只能在原承诺的信标产生之前 / " f"reason correction is only allowed before the superseded commitment's beacon "
                                f"round (due {old.round_time}); after it the outcome is known — use one of "
                                f"{', '.join(c for c in REDRAW_REASONS if c != 'correction')}", ART_LOCK)]
            return []
        if code == "void_draw" and not (old.void or not old.valid):
            return [Finding("以“抽取作废”为由重新抽取，但原抽取并未作废 / " "reason void_draw, but the superseded draw is not void", ART_LOCK)]
        if code == "superior_order" and not body.get("document"):
            return [Finding("以“上级要求”为由重新抽取须写明文件文号 / " "reason superior_order needs document (the order's number, 文号)", ART_LOCK)]
        if code == "beacon_unavailable" and (old.chain_hash, old.round) in book.beacons:
            return [Finding(f"以“信标不可用”为由重新抽取，但第 {old.round} 轮信标已记录在账本中 / " f"reason beacon_unavailable, but beacon round {old.round} is published in this "
                            "ledger", ART_FAIR)]
        if code == "population_error":
            snap = book.snapshot_entries.get(body.get("evidence", ""))
            if snap is None or snap.kind != "targets" or snap.index <= old.index:
                return [Finding("以“名录有误”为由重新抽取须提供更正后确认的名录快照记录 / " "reason population_error needs evidence: the id of a directory.snapshot (targets) "
                                "entry confirmed after the superseded commitment", ART_DIRECTORY)]
            if body["population"]["snapshot"] != snap.blob:
                return [Finding("重新抽取须使用证据所确认的名录快照 / " "the re-draw must use the snapshot its evidence confirms", ART_DIRECTORY)]
        return []

    @staticmethod
    def _old_outcome(entry: Entry, ctx: Context, book: DrawBook, old: CommitSummary, code: str,
                     after: bool) -> list[Finding]:
        """After the round the superseded draw's outcome is computed from its beacon and shown."""
        sb = entry.body.get("superseded_beacon")
        if not after or code == "beacon_unavailable":
            return []
        if sb is None:
            return [Finding(f"原承诺的信标产生之后重新抽取，须附上该轮信标（第 {old.round} 轮） / " f"superseding after beacon round {old.round} needs superseded_beacon (that round's "
                            "signature), so everyone sees what the superseded draw selected", ART_FAIR)]
        chain = (getattr(ctx.trust, "beacon_chains", {}) or {}).get(old.chain_hash)
        if chain is None or sb["round"] != old.round:
            return [Finding(f"所附信标须为原承诺的第 {old.round} 轮 / " f"superseded_beacon must be round {old.round} of the superseded commitment's chain",
                            ART_FAIR)]
        beacon = Beacon(round=sb["round"], signature=bytes.fromhex(sb["signature"]))
        try:
            check_beacon(chain, beacon)
        except BeaconError as exc:
            return [Finding(f"所附的原承诺信标验证不通过 / " f"superseded_beacon does not verify: {exc}", ART_FAIR)]
        book.beacons[(old.chain_hash, old.round)] = beacon.randomness
        book.signed[(old.chain_hash, old.round)] = beacon
        return outcome_findings(ctx, book, old)

    def finish(self, ctx: Context, book: DrawBook) -> list[Finding]:
        now = ctx.now if ctx.now is not None else ctx.last_time
        out = []
        for state in book.tasks.values():
            for c in state.commits:
                if c.outcome is None and c.lock is None and c.round_time is not None and c.round_time <= now:
                    out.extend(outcome_findings(ctx, book, c))
            c = state.current
            if not c.valid or c.superseded_by:
                continue
            if c.lock is None and c.round_time is not None and now > c.round_time + ABANDON_AFTER:
                what = (f"; it would have selected {len(c.outcome)}: {', '.join(c.outcome[:5])}"
                        f"{'…' if len(c.outcome) > 5 else ''}" if c.outcome is not None else
                        "; its beacon round is not recorded in the ledger yet")
                out.append(Finding(f"被放弃的抽取承诺：任务 {c.task} 的信标早已产生，却既未锁定也未被替代 / " f"abandoned commitment: task {c.task}'s beacon round {c.round} was due more "
                                   f"than 7 days ago and the draw was never locked{what}", ART_FAIR, "warning",
                                   rule=RULE, file=c.file, entry_id=c.id))
        out.extend(self._twins(book))
        return out

    @staticmethod
    def _twins(book: DrawBook) -> list[Finding]:
        by_office: dict[str, list[CommitSummary]] = {}
        for c in book.commits.values():
            if c.valid and c.round_time is not None:
                by_office.setdefault(c.office, []).append(c)
        done = {t for t, st in book.tasks.items() if any(x.lock is not None for x in st.commits)}
        out = []
        for office, cs in by_office.items():
            cs.sort(key=lambda c: c.round_time or 0)
            seen: set[str] = set()
            for i, a in enumerate(cs):
                if a.id in seen:
                    continue
                pa = book.private[a.id].body["population"]
                group = [a]
                for b in cs[i + 1:]:
                    if (b.round_time or 0) - (a.round_time or 0) > TWIN_WINDOW:
                        break
                    pb = book.private[b.id].body["population"]
                    if b.task != a.task and _overlap(pa["filter"], pb["filter"]):
                        group.append(b)
                locked = [c for c in group if c.task in done]
                if len({c.task for c in group}) > 1 and locked and len(locked) < len(group):
                    seen.update(c.id for c in group)
                    flag = {"tasks": sorted({c.task for c in group}), "commitments": len(group),  # locked = task locked
                            "locked": len(locked), "unlocked": len(group) - len(locked),
                            "locked_tasks": sorted({c.task for c in locked})}
                    book.twins.setdefault(office, []).append(flag)
                    out.append(Finding(
                        f"疑似重复抽取：{office} 提交了 {len(group)} 个相似的抽取承诺（同一名录、条件重叠、信标轮次相近），"
                        f"只锁定了 {len(locked)} 个 / "
                        f"twin commitments: office {office} committed {len(group)} look-alike draws (same snapshot, "
                        f"overlapping filters, beacon rounds within {TWIN_WINDOW // 86400} days) and locked only "
                        f"{len(locked)}: locked {flag['locked_tasks']}, tasks {flag['tasks']}", ART_FAIR, "warning",
                        rule=RULE))
        return out


def outcome_findings(ctx: Context, book: DrawBook, c: CommitSummary) -> list[Finding]:
    """Compute what a never-locked announced commitment selects, once its beacon is known."""
    randomness = book.beacons.get((c.chain_hash, c.round))
    if randomness is None or not c.valid or c.embargo_until or c.outcome is not None:
        return []
    priv = book.private[c.id]
    if "sealed" in priv.body["population"]:
        return []  # needs the strata: only an auditor with the openings computes it (§6S.2)
    try:
        result = book.recompute(ctx, c.id, priv.body, randomness)
    except DrawError as exc:
        return [Finding(f"无法计算该抽取承诺的结果 / " f"the outcome of commitment {c.id[:16]}… cannot be computed: {exc.message}", ART_LOCK)]
    c.outcome = [row["id"] for row in result.selected]
    return []
