"""Target and inspector records (两库) and their validation rules.

Why: both directories feed the draw, so every record must have exactly one spelling (one
canonical form) and every bad value must be reported with the row and field that hold it,
in words a clerk can act on.  Records are plain frozen dataclasses; validation is a separate
pure function returning ``Problem`` objects, so readers can collect all problems of a file
before refusing it, and the snapshot reader can skip the costlier rules when asked to.

Identifier rules (documented in docs/spec/40-directories.md):

* market entities (enterprise, individual, cooperative, branch, foreign) are keyed by their
  USCC (18 characters, both check digits valid).  A code that fails the check is accepted
  only with ``uscc_override`` giving a reason; it must then still look like a registration
  number: 15-18 characters of ``[0-9A-Z]`` (covers pre-2015 15-digit 注册号).
* non-market objects (product, project, behaviour) use ``^[A-Z]{1,4}-[0-9A-Za-z-]{1,40}$``,
  e.g. ``P-330106-0001``.  The hyphen keeps the two id spaces disjoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import replace as _replace
from typing import Any, ClassVar

from ..core.errors import PublisherError
from .uscc import check_uscc

TARGET_KINDS: tuple[str, ...] = (
    "enterprise",
    "individual",
    "cooperative",
    "branch",
    "foreign",
    "product",
    "project",
    "behaviour",
)
MARKET_KINDS: frozenset[str] = frozenset(TARGET_KINDS[:5])
RISK_CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
TARGET_FLAGS: tuple[str, ...] = ("abnormal", "serious_illegal", "watch")

#: 6 digits (GB/T 2260 county level), 9 (township) or 12 (village, 统计用区划代码).
REGION_RE = re.compile(r"[0-9]{6}(?:[0-9]{3}(?:[0-9]{3})?)?")
#: GB/T 4754 section letter, optionally with division (2), group (3) or class (4) digits.
INDUSTRY_RE = re.compile(r"[A-T](?:[0-9]{2}(?:[0-9]{1,2})?)?")
#: Same pattern as the entry envelope's ``office``.
OFFICE_RE = re.compile(r"[a-z][a-z0-9-]{1,31}")
NONMARKET_ID_RE = re.compile(r"[A-Z]{1,4}-[0-9A-Za-z-]{1,40}")
OVERRIDE_ID_RE = re.compile(r"[0-9A-Z]{15,18}")
#: Any target id shape (used for inspector conflict references).
TARGET_ID_RE = re.compile(r"[0-9A-Z]{15,18}|[A-Z]{1,4}-[0-9A-Za-z-]{1,40}")
#: Enforcement certificate numbers; CJK allowed because provinces prefix e.g. 豫/鲁.
INSPECTOR_ID_RE = re.compile(r"[0-9A-Za-z\u3400-\u9fff][0-9A-Za-z\u3400-\u9fff-]{0,39}")
ITEM_CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")

#: Characters refused in free text: C0/C1 controls, DEL, surrogates, line/paragraph
#: separators, BOM and the invisible formatting characters used for spoofing (bidi
#: overrides, zero-width).  A fixed list rather than ``unicodedata`` categories so the rule
#: does not change with the Python/Unicode version.
_FORBIDDEN_TEXT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
LIST_SEPARATOR = ";"
MAX_NAME = 200
MAX_TAG = 64
MAX_REASON = 500
MAX_COMPLAINTS = 2**53 - 1  # largest integer every JSON implementation reads exactly


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    ``rule`` is a stable short identifier (tests and the site key on it); ``column`` is the
    column header as written in the file (may be Chinese); ``field`` the record field.
    """

    rule: str
    message: str
    field: str | None = None
    row: int | None = None
    file: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.row is not None:
            where += f":{self.row}"
        col = ""
        if self.column is not None and self.column != self.field:
            col = f" column {self.column!r} ({self.field})" if self.field else f" column {self.column!r}"
        elif self.field is not None:
            col = f" field {self.field!r}"
        return f"{where}:{col} {self.message} [{self.rule}]"


class DirectoryError(PublisherError, ValueError):
    """Refusal of a directory input; carries every problem found (at least one).

    ``file``, ``row``, ``column`` and ``rule`` are those of the first problem, so simple
    callers can report one location.
    """

    MAX_SHOWN: ClassVar[int] = 20

    def __init__(self, problems: Sequence[Problem]):
        if not problems:
            raise ValueError("DirectoryError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        self.file = first.file
        self.row = first.row
        self.column = first.column if first.column is not None else first.field
        self.rule = first.rule
        lines = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        more = len(self.problems) - self.MAX_SHOWN
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        super().__init__("\n".join(lines))


def text_problem(value: object, *, max_len: int, allow_separator: bool = True) -> str | None:
    """Why ``value`` is not acceptable free text, or None.

    Free text must be a non-empty str without surrounding whitespace (readers strip it, so a
    snapshot cannot hold two spellings) and without control or invisible characters.
    """
    if not isinstance(value, str):
        return f"must be text, got {type(value).__name__}"
    if not value:
        return "must not be empty"
    if len(value) > max_len:
        return f"is {len(value)} characters long, the limit is {max_len}"
    if value != value.strip():
        return "has leading or trailing whitespace"
    m = _FORBIDDEN_TEXT.search(value)
    if m:
        return f"contains the forbidden character U+{ord(m.group()):04X} (control or invisible)"
    if not allow_separator and LIST_SEPARATOR in value:
        return f"must not contain the list separator {LIST_SEPARATOR!r}"
    return None


def _list_problem(value: Sequence[str]) -> str | None:
    """Lists are sets: one canonical spelling means sorted (by code point) and unique."""
    if list(value) != sorted(set(value)):
        return "must be sorted and without duplicates"
    return None


_new, _set = object.__new__, object.__setattr__
_S, _N = str, type(None)
# JSON types of Target.FIELDS in order: complaints, flags, id, industry?, kind, name, office, region, risk?, uscc_override?
_TARGET_TYPES = frozenset((int, list, _S, ind, _S, _S, _S, _S, risk, ovr)
                          for ind in (_S, _N) for risk in (_S, _N) for ovr in (_S, _N))
# the sealed form (docs/spec/65-sealed.md): the same without ``risk``
_SEALED_TYPES = frozenset((int, list, _S, ind, _S, _S, _S, _S, ovr) for ind in (_S, _N) for ovr in (_S, _N))


@dataclass(frozen=True)
class Target:
    """One entry of the target directory (检查对象名录库).

    ``industry`` and ``risk`` may be None: non-market objects have no industry code or credit
    class, and newly registered entities are not yet classified.  None means "not known",
    never a default class.
    """

    id: str
    name: str
    kind: str
    region: str
    industry: str | None
    risk: str | None
    flags: tuple[str, ...]
    complaints: int
    office: str
    uscc_override: str | None
    sealed: bool = False  # the sealed snapshot form: no ``risk`` member (risk is None, not "unclassified")

    FIELDS: ClassVar[tuple[str, ...]] = (
        "complaints",
        "flags",
        "id",
        "industry",
        "kind",
        "name",
        "office",
        "region",
        "risk",
        "uscc_override",
    )

    SEALED_FIELDS: ClassVar[tuple[str, ...]] = tuple(f for f in FIELDS if f != "risk")

    def to_json(self) -> dict[str, Any]:
        """The JSON object written into snapshots (keys in canonical order)."""
        if self.sealed:
            return {k: v for k, v in self._full_json().items() if k != "risk"}
        return self._full_json()

    def sealed_copy(self) -> Target:
        """The record as a sealed portal publishes it: the class is not part of it."""
        return _replace(self, risk=None, sealed=True)

    def _full_json(self) -> dict[str, Any]:
        return {
            "complaints": self.complaints,
            "flags": list(self.flags),
            "id": self.id,
            "industry": self.industry,
            "kind": self.kind,
            "name": self.name,
            "office": self.office,
            "region": self.region,
            "risk": self.risk,
            "uscc_override": self.uscc_override,
        }

    @classmethod
    def from_json(cls, obj: object) -> Target:
        """Strict structural decoding: exact key set and JSON types, no coercion.

        Raises DirectoryError with rule ``structure``; value rules are ``target_problems``.
        The first branch is the fast path taken by every well-formed snapshot line.
        """
        t = type
        if (t(obj) is dict and tuple(obj) == cls.FIELDS and tuple(map(t, obj.values())) in _TARGET_TYPES
                and all(t(x) is str for x in obj["flags"])):
            d = dict(obj)  # keys are exactly the fields, values of exactly the field types
            d["flags"] = tuple(d["flags"])
            rec = _new(cls)
            _set(rec, "__dict__", d)  # what the frozen __init__ would store, without its ten setattr calls
            return rec
        if t(obj) is dict and tuple(obj) == cls.SEALED_FIELDS:
            return cls._from_sealed(obj)
        d = _exact_keys(obj, cls.FIELDS)
        _typed(d, "id", str)
        _typed(d, "name", str)
        _typed(d, "kind", str)
        _typed(d, "region", str)
        _typed(d, "industry", str, nullable=True)
        _typed(d, "risk", str, nullable=True)
        flags = _str_list(d, "flags")
        if type(d["complaints"]) is not int:
            _structure("complaints", "must be an integer")
        _typed(d, "office", str)
        _typed(d, "uscc_override", str, nullable=True)
        return cls(
            id=d["id"],
            name=d["name"],
            kind=d["kind"],
            region=d["region"],
            industry=d["industry"],
            risk=d["risk"],
            flags=flags,
            complaints=d["complaints"],
            office=d["office"],
            uscc_override=d["uscc_override"],
        )

    @classmethod
    def _from_sealed(cls, obj: dict[str, Any]) -> Target:
        """The nine-member form of a sealed portal (same strictness, risk None, sealed True)."""
        if tuple(map(type, obj.values())) in _SEALED_TYPES and all(type(x) is str for x in obj["flags"]):
            d = dict(obj)
            d["flags"] = tuple(d["flags"])
            d["risk"] = None
            d["sealed"] = True
            rec = _new(cls)
            _set(rec, "__dict__", d)
            return rec
        full = dict(obj)
        full["risk"] = None
        return _replace(cls.from_json({k: full[k] for k in cls.FIELDS}), sealed=True)


@dataclass(frozen=True)
class Inspector:
    """One entry of the inspector directory (执法检查人员名录库); ``id`` is the certificate number."""

    id: str
    name: str
    office: str
    unit: str
    unit_region: str
    expertise: tuple[str, ...]
    items: tuple[str, ...]
    group: str | None
    active: bool
    conflicts: tuple[str, ...]

    FIELDS: ClassVar[tuple[str, ...]] = (
        "active",
        "conflicts",
        "expertise",
        "group",
        "id",
        "items",
        "name",
        "office",
        "unit",
        "unit_region",
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "active": self.active,
            "conflicts": list(self.conflicts),
            "expertise": list(self.expertise),
            "group": self.group,
            "id": self.id,
            "items": list(self.items),
            "name": self.name,
            "office": self.office,
            "unit": self.unit,
            "unit_region": self.unit_region,
        }

    @classmethod
    def from_json(cls, obj: object) -> Inspector:
        """Strict structural decoding, as ``Target.from_json``."""
        t = type
        if t(obj) is dict and tuple(obj) == cls.FIELDS:
            d = obj
            group, conflicts, expertise, items = d["group"], d["conflicts"], d["expertise"], d["items"]
            if (t(d["active"]) is bool and t(d["id"]) is str and t(d["name"]) is str
                    and t(d["office"]) is str and t(d["unit"]) is str and t(d["unit_region"]) is str
                    and (group is None or t(group) is str)
                    and t(conflicts) is list and all(t(x) is str for x in conflicts)
                    and t(expertise) is list and all(t(x) is str for x in expertise)
                    and t(items) is list and all(t(x) is str for x in items)):
                return cls(d["id"], d["name"], d["office"], d["unit"], d["unit_region"],
                           tuple(expertise), tuple(items), group, d["active"], tuple(conflicts))
        d = _exact_keys(obj, cls.FIELDS)
        if type(d["active"]) is not bool:
            _structure("active", "must be true or false")
        conflicts = _str_list(d, "conflicts")
        expertise = _str_list(d, "expertise")
        _typed(d, "group", str, nullable=True)
        _typed(d, "id", str)
        items = _str_list(d, "items")
        _typed(d, "name", str)
        _typed(d, "office", str)
        _typed(d, "unit", str)
        _typed(d, "unit_region", str)
        return cls(
            id=d["id"],
            name=d["name"],
            office=d["office"],
            unit=d["unit"],
            unit_region=d["unit_region"],
            expertise=expertise,
            items=items,
            group=d["group"],
            active=d["active"],
            conflicts=conflicts,
        )


Record = Target | Inspector


def _structure(field: str | None, message: str) -> None:
    raise DirectoryError([Problem("structure", message, field=field)])


def _exact_keys(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        _structure(None, f"record must be a JSON object, got {type(obj).__name__}")
    assert isinstance(obj, dict)
    if tuple(obj) != fields and set(obj) != set(fields):
        missing = sorted(set(fields) - set(obj))
        extra = sorted(str(k) for k in set(obj) - set(fields))
        _structure(None, f"wrong key set: missing {missing}, unexpected {extra}")
    return obj


def _typed(d: dict[str, Any], field: str, typ: type, nullable: bool = False) -> None:
    v = d[field]
    if v is None and nullable:
        return
    if type(v) is not typ:
        want = typ.__name__ + (" or null" if nullable else "")
        _structure(field, f"must be {want}, got {type(v).__name__}")


def _str_list(d: dict[str, Any], field: str) -> tuple[str, ...]:
    v = d[field]
    if type(v) is not list or any(type(x) is not str for x in v):
        _structure(field, "must be a list of strings")
    return tuple(v)


def target_problems(t: Target) -> list[Problem]:
    """Every value rule a target breaks (no row/file: the caller adds the location)."""
    out: list[Problem] = []

    def bad(field: str, rule: str, message: str) -> None:
        out.append(Problem(rule, message, field=field))

    if t.kind not in TARGET_KINDS:
        bad("kind", "kind", f"{t.kind!r} is not one of {', '.join(TARGET_KINDS)}")
    if not isinstance(t.id, str):
        bad("id", "id", "must be text")
    elif t.kind in MARKET_KINDS:
        if t.uscc_override is None:
            for msg in check_uscc(t.id):
                bad("id", "uscc", f"{t.id!r}: {msg}; a code that really fails the check needs "
                    "uscc_override with the reason")
        else:
            why = text_problem(t.uscc_override, max_len=MAX_REASON)
            if why:
                bad("uscc_override", "text", f"reason {why}")
            if not OVERRIDE_ID_RE.fullmatch(t.id):
                bad("id", "id-pattern", f"{t.id!r}: an overridden registration code must be 15-18 "
                    "characters of 0-9 and A-Z")
            elif not check_uscc(t.id):
                bad("uscc_override", "uscc-override-unneeded",
                    f"{t.id!r} is a valid USCC; remove the override")
    elif t.kind in TARGET_KINDS:
        if not NONMARKET_ID_RE.fullmatch(t.id):
            bad("id", "id-pattern", f"{t.id!r}: a {t.kind} id must match "
                f"{NONMARKET_ID_RE.pattern} (e.g. P-330106-0001)")
        if t.uscc_override is not None:
            bad("uscc_override", "uscc-override-unneeded",
                f"only market entities carry a USCC override, not a {t.kind}")
    why = text_problem(t.name, max_len=MAX_NAME)
    if why:
        bad("name", "text", f"name {why}")
    if not isinstance(t.region, str) or not REGION_RE.fullmatch(t.region):
        bad("region", "region", f"{t.region!r} is not a 6-, 9- or 12-digit region code")
    if t.industry is not None and (not isinstance(t.industry, str) or not INDUSTRY_RE.fullmatch(t.industry)):
        bad("industry", "industry", f"{t.industry!r} is not a GB/T 4754 code like C1391 or F52")
    if t.risk is not None and t.risk not in RISK_CLASSES:
        bad("risk", "risk", f"{t.risk!r} is not one of A, B, C, D")
    unknown = [f for f in t.flags if f not in TARGET_FLAGS]
    if unknown:
        bad("flags", "flags", f"unknown flag(s) {unknown}; allowed: {', '.join(TARGET_FLAGS)}")
    elif _list_problem(t.flags):
        bad("flags", "canonical-list", f"flags {_list_problem(t.flags)}")
    if type(t.complaints) is not int or not 0 <= t.complaints <= MAX_COMPLAINTS:
        bad("complaints", "complaints", f"{t.complaints!r} is not a whole number from 0 to {MAX_COMPLAINTS}")
    if not isinstance(t.office, str) or not OFFICE_RE.fullmatch(t.office):
        bad("office", "office", f"{t.office!r} is not an office code ({OFFICE_RE.pattern})")
    return out


def inspector_problems(i: Inspector) -> list[Problem]:
    """Every value rule an inspector breaks."""
    out: list[Problem] = []

    def bad(field: str, rule: str, message: str) -> None:
        out.append(Problem(rule, message, field=field))

    if not isinstance(i.id, str) or not INSPECTOR_ID_RE.fullmatch(i.id):
        bad("id", "id-pattern", f"{i.id!r} is not a certificate number ({INSPECTOR_ID_RE.pattern})")
    for field, value in (("name", i.name), ("unit", i.unit)):
        why = text_problem(value, max_len=MAX_NAME)
        if why:
            bad(field, "text", f"{field} {why}")
    if not isinstance(i.office, str) or not OFFICE_RE.fullmatch(i.office):
        bad("office", "office", f"{i.office!r} is not an office code ({OFFICE_RE.pattern})")
    if not isinstance(i.unit_region, str) or not REGION_RE.fullmatch(i.unit_region):
        bad("unit_region", "region", f"{i.unit_region!r} is not a 6-, 9- or 12-digit region code")
    for tag in i.expertise:
        why = text_problem(tag, max_len=MAX_TAG, allow_separator=False)
        if why:
            bad("expertise", "text", f"expertise tag {tag!r} {why}")
    for code in i.items:
        if not isinstance(code, str) or not ITEM_CODE_RE.fullmatch(code):
            bad("items", "item-code", f"{code!r} is not an item code ({ITEM_CODE_RE.pattern})")
    for ref in i.conflicts:
        if not isinstance(ref, str) or not TARGET_ID_RE.fullmatch(ref):
            bad("conflicts", "id-pattern", f"{ref!r} is not a target id")
    for field, values in (("expertise", i.expertise), ("items", i.items), ("conflicts", i.conflicts)):
        why = _list_problem(values)
        if why:
            bad(field, "canonical-list", f"{field} {why}")
    if i.group is not None:
        why = text_problem(i.group, max_len=MAX_TAG)
        if why:
            bad("group", "text", f"group {why}")
    if type(i.active) is not bool:
        bad("active", "active", f"{i.active!r} is not true/false")
    return out


def record_problems(r: Record) -> list[Problem]:
    """Dispatch to the rules of the record's type."""
    if isinstance(r, Target):
        return target_problems(r)
    return inspector_problems(r)


def validate_records(records: Iterable[Record], *, file: str | None = None) -> list[Problem]:
    """All value problems plus duplicate ids; ``row`` is the 1-based position in ``records``."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for n, r in enumerate(records, start=1):
        for p in record_problems(r):
            out.append(Problem(p.rule, p.message, field=p.field, row=n, file=file))
        first = seen.setdefault(r.id, n)
        if first != n:
            out.append(Problem("duplicate-id", f"id {r.id!r} already used by record {first}",
                               field="id", row=n, file=file))
    return out
