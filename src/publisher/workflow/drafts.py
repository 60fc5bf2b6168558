"""A draft entry: what a form produced from one record of the input, before signing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = {
    # file kind -> entry type (one or many records)
    "item_list": "item.list",
    "plan": "plan",
    "task": "task",
    "tasks": "task",
    "result": "result",
    "results": "result",
    "correction": "result.correct",
    "withhold": "result.withhold",
    "noncooperation": "noncooperation",
    "targets": "directory.snapshot",
    "inspectors": "directory.snapshot",
}


@dataclass
class Draft:
    type: str
    body: dict[str, Any]
    where: str  # location in the input of the record this came from ("results[2]", "row 7")
    blob: bytes | None = None  # a directory snapshot to store with the entry
