"""Item lists (抽查事项清单): versioned, each version replaces the previous (R1–R3, R6, R8).

The list current at an entry's position in the log is what tasks and plans are checked
against (R1); a new version must name the one it supersedes so the public can follow every
change (002 二(二)1 备案). Ratio caps: required for general items, absent for key items — the
schema enforces presence; here a cap must also be above zero (a zero cap forbids the item).
"""

from __future__ import annotations

from publisher.core.entry import Entry
from publisher.core.rules.base import Context, Problem
from publisher.workflow.rules import articles as A
from publisher.workflow.rules.base import NoFinish
from publisher.workflow.rules.common import Emitter, bad_dates, ratio
from publisher.workflow.rules.state import ItemInfo, ItemList, WorkflowState


class ItemListCheck(NoFinish):
    types = ("item.list",)

    def check(self, entry: Entry, ctx: Context, state: WorkflowState) -> list[Problem]:
        b = entry.body
        em = Emitter()
        prev = state.item_lists.get(entry.office)
        want_version = prev.version + 1 if prev else 1
        want_sup = prev.entry_id if prev else None
        if b["version"] != want_version:
            em.error(A.ITEM_LIST, f"事项清单版本号为 {b['version']}，应为 {want_version} / "
                     f"version is {b['version']}, expected {want_version} "
                     f"(the office's {'latest list is version ' + str(prev.version) if prev else 'first list'})",
                     A.ART_LIST_FILING)
        if b["supersedes"] != want_sup:
            em.error(A.ITEM_LIST, ("新版清单须注明所替代的上一版 / " if want_sup else "第一版清单不替代任何清单 / ") +
                     f"supersedes is {str(b['supersedes'])[:16]}…, expected "
                     f"{str(want_sup)[:16] + '…' if want_sup else 'null (first list)'}: each version names "
                     "the one it replaces", A.ART_LIST_FILING)
        bad_dates(em, A.ITEM_LIST, {"effective": b.get("effective"),
                                    "filed.date": (b.get("filed") or {}).get("date")}, A.ART_LIST_FILING)
        items: dict[str, ItemInfo] = {}
        for n, it in enumerate(b["items"]):
            code = it["code"]
            if code in items:
                em.error(A.ITEM_LIST, f"事项编号“{code}”重复（第 {n + 1} 项）/ items[{n}].code {code!r} appears twice",
                         A.ART_LIST)
                continue
            cap = ratio(it["ratio_cap"]) if it.get("ratio_cap") is not None else None
            if it["kind"] == "general" and cap is not None and cap == 0:
                em.error(A.ITEM_LIST, f"一般事项“{code}”的抽查比例上限为 0，上限须大于 0 / "
                         f"items[{n}].ratio_cap of general item {code!r} is 0; a cap must "
                         "be above zero", A.ART_RATIO_CAP)
            for f in ("basis", "content"):
                if not it[f].strip():
                    em.error(A.ITEM_LIST, f"事项“{code}”的{'检查依据' if f == 'basis' else '检查内容'}为空：每个事项须写明"
                             f"依据、主体、内容和方式 / items[{n}].{f} of {code!r} is empty (each item states its "
                             "legal basis, subject, content and method)", A.ART_LIST_FIELDS)
            items[code] = ItemInfo(it["name"], it["kind"], cap, it["joint"])
        state.item_lists[entry.office] = ItemList(entry.office, b["version"], entry.id, items)
        return em.out
