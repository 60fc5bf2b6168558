"""Verifier problems summarised for people: per rule a Chinese name, a count, a few examples.

Why: a county ledger carries hundreds of warnings (late results, overdue targets); listed one
per line they scroll past a newcomer. ``publisher verify`` prints this summary and lists every
line only with ``--verbose`` (errors are always listed in full).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

RULE_NAMES_ZH = {
    "workflow.deadline": "结果公示超过 20 个工作日",
    "workflow.overdue": "检查对象逾期未公示结果",
    "workflow.plan-deadline": "计划修订超过 10 个工作日公示",
    "workflow.plan-coverage": "年度计划未覆盖全部抽查事项",
    "workflow.calendar": "节假日安排（工作日日历）",
    "workflow.result": "检查结果",
    "workflow.team-size": "检查人员少于两人",
    "workflow.task": "抽查任务",
    "workflow.task-items": "任务以外的检查事项",
    "workflow.ratio-cap": "超过抽查比例上限",
    "workflow.plan": "年度抽查计划",
    "workflow.item-list": "抽查事项清单",
    "workflow.correction": "结果更正",
    "workflow.withhold": "依法不予公示",
    "workflow.noncooperation": "不配合检查",
    "workflow.directory": "名录确认",
    "draw": "随机抽取",
    "checkpoint": "检查点",
    "torn": "日志末行不完整（写入中断）",
    "orphan": "日志以外的文件",
    "time": "记录时间",
    "signature": "签名",
    "schema": "记录格式",
    "hash": "文件内容被改动",
}


def rule_name(rule: str) -> str:
    base = rule if rule in RULE_NAMES_ZH else rule.split(".")[0]
    return RULE_NAMES_ZH.get(base, rule)


def summarize(problems: Iterable, examples: int = 3) -> list[str]:
    """Lines: per rule (first seen first) ``规则名 [rule]: N 条`` and up to ``examples`` messages."""
    groups: OrderedDict[str, list] = OrderedDict()
    for p in problems:
        groups.setdefault(p.rule, []).append(p)
    out = []
    for rule, ps in groups.items():
        out.append(f"  {rule_name(rule)} [{rule}]：{len(ps)} 条 / {len(ps)} {ps[0].severity}(s)")
        for p in ps[:examples]:
            where = f"{p.file}: " if getattr(p, "file", "") else ""
            out.append(f"    例 / e.g. {where}{p.message}")
        if len(ps) > examples:
            out.append(f"    … 另有 {len(ps) - examples} 条（--verbose 全部列出）/ {len(ps) - examples} more (--verbose)")
    return out
