"""Rule names and the regulation articles they enforce (REQUIREMENTS §1), in one place.

Messages cite the article so a clerk can look it up; tests and the site key on the rule name.
"""

from __future__ import annotations

# rule names (Problem.rule)
ITEM_LIST = "workflow.item-list"
PLAN = "workflow.plan"
PLAN_DEADLINE = "workflow.plan-deadline"
COVERAGE = "workflow.plan-coverage"
TASK = "workflow.task"
TASK_ITEMS = "workflow.task-items"
RATIO_CAP = "workflow.ratio-cap"
RESULT = "workflow.result"
TEAM_SIZE = "workflow.team-size"
DEADLINE = "workflow.deadline"
OVERDUE = "workflow.overdue"
CORRECTION = "workflow.correction"
WITHHOLD = "workflow.withhold"
NONCOOPERATION = "workflow.noncooperation"
DIRECTORY = "workflow.directory"
CALENDAR = "workflow.calendar"
TEAM_MATCH = "workflow.team-match"
TARGET_NAME = "workflow.target-name"

# articles
ART_LIST = "001 第一条 / 004 第八条"  # no inspection outside the published list (R1)
ART_LIST_FIELDS = "003 二(二)"  # basis, subject, content, method; key/general (R2, R3)
ART_LIST_FILING = "002 二(二)1"  # list changes are filed and versioned (R6)
ART_RATIO_CAP = "003 二(二)"  # general items carry a ratio cap, key items none (R3)
ART_PLAN = "001 第六条"  # plan fields, coverage, joint tasks (R21, R22)
ART_PLAN_REVISION = "004 第十一条"  # revisions republished within 10 working days (R24)
ART_TASK = "001 第十二条"  # task name, period, participating offices (R27)
ART_JOINT = "000 第八条"  # joint-task fields, rationale, default on-site method (R28, R36)
ART_WORKFLOW = "001 第十一条"  # task follows the plan; draw before inspection (R34)
ART_ORIGIN = "004 第七条"  # tasks from higher levels (R35)
ART_LOCKED = "001 第十二条"  # only the locked list is inspected (R43)
ART_WHO = "002 二(四)1"  # 谁检查、谁录入、谁公开 (R62)
ART_SPLIT = "000 第十条"  # 分口检查、依法处理: per-office sections (R57)
ART_TEAM = "004 第十四条"  # at least two inspectors (R47)
ART_CATEGORIES = "004 第二十条"  # the eight result categories (R60)
ART_DEADLINE = "004 第二十条"  # publish within 20 working days of completion (R61, R64)
ART_UPDATE = "000 第十一条"  # the clock restarts when a result is updated (T1)
ART_UNCHANGED = "001 第十九条"  # published results are not changed freely; head approves (R66)
ART_WITHHOLD = "001 第四条"  # publish unless law says otherwise (R67)
ART_NONCOOP = "004 第十九条"  # the four non-cooperation grounds (R68)
ART_UNANNOUNCED = "001 第十七条"  # unannounced checks: reveal after the visit (T2)
ART_TEAM_MATCH = "001 第十三条"  # the drawn team inspects; changes are recorded and approved (R50)
ART_DIRECTORY = "001 第八条"  # directories confirmed before each draw (R18)

RESULT_DAYS = 20  # working days (R61)
PLAN_REVISION_DAYS = 10  # working days (R24)
