"""Schema refusals in a clerk's words: the field, what is wrong, in Chinese first.

Why: the JSON-Schema validator's own messages ("'x' is not of type 'string'", regexes) are
for programmers. `publisher add` builds bodies with friendly field readers, so a schema
refusal is rare — but when it happens the clerk must still read what to fix.
"""

from __future__ import annotations

from typing import Any

from publisher.workflow.rules.vocab import FOLLOW_UP, METHODS, NONCOOPERATION_GROUNDS

from ..core.schema import _validator, validate_body

LABELS = {**METHODS, **FOLLOW_UP, **NONCOOPERATION_GROUNDS}  # code -> Chinese label

_WORDS = {
    "type": ("类型不对", "has the wrong type"),
    "enum": ("不是允许的值", "is not one of the allowed values"),
    "pattern": ("格式不对", "has the wrong format"),
    "required": ("缺少必填字段", "a required field is missing"),
    "additionalProperties": ("有不认识的字段", "has a field that is not allowed"),
    "maxLength": ("太长", "is too long"),
    "minLength": ("不能为空", "must not be empty"),
    "minItems": ("至少要有一项", "needs at least one item"),
    "maxItems": ("项目太多", "has too many items"),
    "uniqueItems": ("有重复的项", "has repeated items"),
    "minimum": ("太小", "is too small"),
    "maximum": ("太大", "is too large"),
    "oneOf": ("不符合任何一种允许的写法", "matches none of the allowed forms"),
}


def _field(path) -> str:
    return "".join(f"[{p + 1}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path)) or "（整条记录）"


def schema_problems(entry_type: str, body: Any) -> list[str]:
    """Readable problems (empty when the body fits its schema)."""
    if not validate_body(entry_type, body):
        return []
    v = _validator(entry_type)
    out = []
    for err in sorted(v.iter_errors(body), key=lambda e: list(e.absolute_path)):
        zh, en = _WORDS.get(err.validator, ("不符合格式", "does not fit the format"))
        extra = ""
        if err.validator == "enum":
            extra = "（可选：" + "、".join(LABELS.get(str(v), str(v)) for v in err.validator_value) + "）"
        elif err.validator == "required":
            missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
            extra = "：" + "、".join(missing)
        elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties") or {})
            extra = "：" + "、".join(sorted(set(err.instance) - allowed))
        elif err.validator in ("maxLength", "maxItems"):
            extra = f"（最多 {err.validator_value}）"
        line = f"{_field(err.absolute_path)}：{zh}{extra} / {en}"
        if line not in out:
            out.append(line)
    return out or ["不符合记录格式 / does not fit the entry format"]
