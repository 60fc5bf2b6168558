"""``draw.replace``: ``team.replace`` entries (001 第十三条) — bounded, with a drawn substitute."""

from __future__ import annotations

from typing import Any

from publisher.core.entry import Entry
from publisher.core.rules.base import Context
from publisher.draw.errors import ART_REPLACE, Finding
from publisher.draw.replace import apply_replacement, max_replacements, replacement_findings, substitute
from publisher.draw.rules.state import CommitSummary, DrawBook
from publisher.draw.timeutil import china_date


class ReplaceCheck:
    rule = "draw.replace"

    def on_replace(self, entry: Entry, ctx: Context, book: DrawBook) -> list[Finding]:
        body = entry.body
        c = book.commits.get(body["commit"])
        if c is None or c.task != body["task"]:
            return [Finding(f"检查人员更换引用的不是本任务的抽取承诺 / " f"team.replace references {body['commit'][:16]}…, which is not a "
                            f"commitment of task {body['task']}", ART_REPLACE)]
        priv = book.private[c.id]
        if not c.lock_valid or priv.secrets is None or priv.seed is None:
            return [Finding("只有已锁定并公布的抽取才能更换检查人员 / " "an inspector can only be replaced in a locked and published draw "
                            "(after the reveal, for an embargoed one)", ART_REPLACE)]
        teams, result = current_teams(ctx, book, c)
        limit = max_replacements(len(teams))
        if c.replacements >= limit:
            return [Finding(f"该抽取的检查人员更换次数已达上限 / " f"this draw already has {c.replacements} replacements, the most allowed for "
                            f"{len(teams)} teams (max(2, ⌈teams/5⌉) = {limit})", ART_REPLACE)]
        target = body["target"]
        gone = [o for t, o, _ in priv.replacements if t == target]
        drawn = (substitute(priv.seed, target, result.regions.get(target, ""), body["out"], teams, result.plan, gone)
                 if target in teams else None)
        out = replacement_findings(body, teams.get(target), result.plan, drawn)
        rec_out = result.plan.records.get(body["out"])
        if entry.office not in (c.office, getattr(rec_out, "office", c.office)):
            out.append(Finding(f"单位 {entry.office} 既不是牵头单位，也不是被更换人员所在单位 / " f"office {entry.office} is neither the lead office nor the replaced "
                               "inspector's office", ART_REPLACE))
        assert c.lock_time is not None
        if not china_date(c.lock_time).isoformat() <= body["date"] <= china_date(entry.time).isoformat():
            out.append(Finding(f"批准日期 {body['date']} 不在锁定日期与检查结束之间 / " f"approval date {body['date']} is not between the lock "
                               f"({china_date(c.lock_time)}) and this entry (Beijing dates)", ART_REPLACE))
        if not out:
            teams[target] = apply_replacement(teams[target], body["out"], body["in"])
            priv.replacements.append((target, body["out"], body["in"]))
            c.replacements += 1
            c.replaced.append({"entry": entry.id, "target": target, "out": body["out"], "in": body["in"],
                               "reason": body["reason"], "approver": body["approver"], "date": body["date"]})
        return out


def current_teams(ctx: Context, book: DrawBook, c: CommitSummary) -> tuple[dict[str, list[str]], Any]:
    """The teams now in force: cached for the last draw touched, else recomputed."""
    if book.teams_cache is None or book.teams_cache[0] != c.id:
        priv = book.private[c.id]
        assert priv.randomness is not None and priv.secrets is not None
        result = book.recompute(ctx, c.id, priv.body, priv.randomness, priv.secrets)
        teams = {t["target"]: list(t["members"]) for t in result.teams}
        for target, out, new in priv.replacements:
            teams[target] = apply_replacement(teams[target], out, new)
        book.teams_cache = (c.id, teams, result)
    return book.teams_cache[1], book.teams_cache[2]
