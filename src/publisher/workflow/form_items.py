"""``kind: item_list`` → one ``item.list`` body (R1–R3, R6, R8).

Version and ``supersedes`` default to the next version after the office's current list.
"""

from __future__ import annotations

from publisher.workflow.rules import articles as A

from .drafts import Draft
from .fields import CODE_RE, EID_RE, Record

ITEM_KINDS = {"key": "key", "general": "general", "重点": "key", "一般": "general",
              "重点检查事项": "key", "一般检查事项": "general"}
TOP = {"kind", "office", "version", "supersedes", "title", "effective", "reason", "filed", "items"}
ITEM = {"code", "name", "kind", "ratio_cap", "basis", "subject", "content", "method", "joint"}


def build_item_list(doc: Record, office: str, state) -> list[Draft]:
    doc.check_unknown(TOP)
    cur = state.rule.state.item_lists.get(office)
    body: dict = {
        "version": doc.integer("version", required=False, lo=1, hi=1000000) or (cur.version + 1 if cur else 1),
        "supersedes": doc.pattern("supersedes", EID_RE, "an entry id (64 hex)", required=False)
        or (cur.entry_id if cur else None),
    }
    if doc.has("title"):
        body["title"] = doc.text("title")
    if doc.has("effective"):
        body["effective"] = doc.date("effective")
    if doc.has("reason"):
        body["reason"] = doc.text("reason", max_len=2000, multiline=True)
    filed = filing(doc)
    if filed is not None:
        body["filed"] = filed
    items = []
    for it in doc.records("items"):
        it.check_unknown(ITEM)
        kind = it.choice("kind", ITEM_KINDS)
        item = {
            "code": it.pattern("code", CODE_RE, "an item code (letters, digits, . _ -)"),
            "name": it.text("name"),
            "kind": kind,
            "basis": it.text("basis", max_len=2000, multiline=True),
            "subject": it.text("subject"),
            "content": it.text("content", max_len=4000, multiline=True),
            "method": it.text("method"),
            "joint": it.boolean("joint", default=False),
        }
        if kind == "general":
            if it.has("ratio_cap"):
                item["ratio_cap"] = it.ratio("ratio_cap")
            else:
                it.p.add(it.loc("ratio_cap"), "一般检查事项须填写抽查比例上限（ratio_cap，例如 5%）/ a general item (一般检查事项) needs a ratio cap",
                         A.ITEM_LIST, A.ART_RATIO_CAP)
        elif kind == "key" and it.has("ratio_cap"):
            it.p.add(it.loc("ratio_cap"), "重点检查事项没有抽查比例上限，请删去 / a key item (重点检查事项) has no ratio cap; remove it",
                     A.ITEM_LIST, A.ART_RATIO_CAP)
        items.append(item)
    body["items"] = items
    return [Draft("item.list", body, doc.where or "items")]


def filing(doc: Record) -> dict | None:
    """The optional ``filed: {with, date}`` (备案) block."""
    filed = doc.record("filed", required=False)
    if filed is None:
        return None
    filed.check_unknown({"with", "date"})
    return {"with": filed.text("with"), "date": filed.date("date")}
