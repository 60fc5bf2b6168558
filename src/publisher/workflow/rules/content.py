"""Checks on the content of one result body, shared by ``result`` and ``result.correct``.

Team of at least two (004 第十四条), categories from a known vocabulary (004 第二十条),
findings and items only from the office's own task items, and per-office sections for joint
tasks (000 第十条 分口检查) only for the task's other participants.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from publisher.workflow.rules import articles as A
from publisher.workflow.rules.common import Emitter, parse_date, zh_list, zh_where
from publisher.workflow.rules.state import TaskInfo
from publisher.workflow.rules.vocab import DEFAULT_VOCABULARY, category_problems


def check_content(em: Emitter, body: dict[str, Any], task: TaskInfo, office: str,
                  published: date, p: str = "") -> date | None:
    """Report content problems; return the completion date when it is usable for the deadline."""
    if len(body["inspectors"]) < 2:
        em.error(A.TEAM_SIZE, f"{zh_where(p)}检查人员只有 {len(body['inspectors'])} 人，每次检查至少两人 / "
                 f"inspectors lists {len(body['inspectors'])}; at least two inspectors carry out each check", A.ART_TEAM)
    vocab = body.get("vocabulary", DEFAULT_VOCABULARY)
    for why in category_problems(vocab, body["categories"]):
        em.error(A.RESULT, f"{zh_where(p)}结果类别有误 / {p}categories: {why}", A.ART_CATEGORIES)
    own = task.items[office]
    _items(em, f"{p}items", body.get("items", []), own, office)
    _items(em, f"{p}findings[].item", [f["item"] for f in body.get("findings", [])], own, office)
    seen = {office}
    for n, s in enumerate(body.get("sections", [])):
        q = f"{p}sections[{n}]"
        o = s["office"]
        if o in seen:
            em.error(A.RESULT, f"{zh_where(p)}分部门结果（sections）中的单位 {o} 是发布单位本身或重复出现 / "
                     f"{q}.office {o}: the publishing office or a repeated section", A.ART_SPLIT)
            continue
        seen.add(o)
        if o not in task.items:
            em.error(A.RESULT, f"{zh_where(p)}单位 {o} 没有参与任务 {task.id}，不能有分部门结果 / "
                     f"{q}.office {o} does not take part in task {task.id}", A.ART_SPLIT)
            continue
        _items(em, f"{q}.items", s["items"], task.items[o], o)
        _items(em, f"{q}.findings[].item", [f["item"] for f in s.get("findings", [])], task.items[o], o)
        for why in category_problems(vocab, s["categories"]):
            em.error(A.RESULT, f"{zh_where(p)}单位 {o} 的结果类别有误 / {q}.categories: {why}", A.ART_CATEGORIES)
    completed = parse_date(body["completed"])
    if completed is None:
        em.error(A.RESULT, f"{zh_where(p)}检查完成日期“{body['completed']}”不存在 / "
                 f"{p}completed {body['completed']!r} is not a calendar date", A.ART_DEADLINE)
        return None
    if completed > published:
        em.error(A.RESULT, f"{zh_where(p)}检查完成日期 {completed} 晚于发布日期 {published}（北京时间）/ "
                 f"completed {completed} is after the publication date {published}", A.ART_DEADLINE)
        return None
    if task.locked is not None and completed < task.locked:
        em.error(A.RESULT, f"{zh_where(p)}检查完成日期 {completed} 早于任务 {task.id} 抽取锁定的日期 {task.locked} / "
                 f"completed {completed} is before task {task.id}'s draw was locked ({task.locked})", A.ART_LOCKED)
    return completed


def check_team(em: Emitter, body: dict[str, Any], task: TaskInfo, p: str = "") -> None:
    """Inspectors must be the target's drawn team (after team.replace), unless
    ``inspectors_reason`` says why not (published with the result)."""
    from publisher.workflow.rules.selection import target_key

    team = task.team(target_key(body["target"]))
    if team is None or body.get("inspectors_reason", "").strip():
        return
    listed = list(body["inspectors"]) + [i for s in body.get("sections", []) for i in s.get("inspectors", [])]
    strangers = [i for i in dict.fromkeys(listed) if i not in team]
    if strangers:
        em.error(A.TEAM_MATCH, f"{zh_where(p)}检查人员 {'、'.join(strangers)} 不是 {body['target']} 抽中的检查组成员（{'、'.join(team)}）；"
                 "人员变动须先登记检查人员更换（经批准），或写明检查人员变动的原因 / "
                 f"inspectors {strangers} are not in the drawn team of {body['target']} "
                 f"({', '.join(team)}); record a team.replace or give inspectors_reason", A.ART_TEAM_MATCH)


def _items(em: Emitter, where: str, codes: list[str], allowed: frozenset[str], office: str) -> None:
    extra = sorted({c for c in codes if c not in allowed})
    if extra:
        em.error(A.TASK_ITEMS, f"事项 {zh_list(extra)} 不是 {office} 在本任务中的检查事项（{zh_list(sorted(allowed))}），"
                 f"不得在清单外检查 / {where} {extra} are not among {office}'s items of this task "
                 f"({', '.join(sorted(allowed))})", A.ART_LIST)
