"""``kind: targets`` / ``kind: inspectors`` → a snapshot blob and its ``directory.snapshot`` entry.

The records are read by the directory package (CSV or XLSX, R12), made into the canonical
snapshot bytes, and confirmed by a named person on a date (R18, 001 第八条). The blob is only
written together with the entry, after everything validated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from publisher.workflow.rules import articles as A

from ..directory.readers import iter_inspectors, iter_targets
from ..directory.records import DirectoryError
from ..directory.snapshot import snapshot_bytes, snapshot_id
from .drafts import Draft
from .errors import InputProblem
from .fields import Record

TOP = {"kind", "office", "source", "sheet", "confirmed_by", "confirmed_at", "note"}


def snapshot_draft(kind: str, source: Any, name: str, sheet: str | None, confirmed_by: str | None,
                   confirmed_at: str | None, note: str | None, where: str, problems,
                   offices: dict[str, str] | None = None, sealed: bool = False) -> Draft | None:
    """Read records from ``source`` (a path or binary stream) and build the draft; ``offices``
    maps registered Chinese office names (and their usual short forms) to codes. In a sealed
    portal (``sealed``) a target snapshot is published in the sealed form: no risk class."""
    reader = iter_targets if kind == "targets" else iter_inspectors
    try:
        records = list(reader(source, sheet=sheet, name=name, offices=offices))
        if not records:
            problems.add(where, f"{name}: no {kind} in the file")
            return None
        if sealed and kind == "targets":
            records = [r.sealed_copy() for r in records]
        data = snapshot_bytes(records)
    except DirectoryError as exc:
        for p in exc.problems:
            loc = f"row {p.row}" if p.row is not None else ""
            if p.column or p.field:
                loc += (", " if loc else "") + f"column {p.column or p.field!r}"
            problems.items.append(InputProblem(p.file or name, loc, p.message, f"directory.{p.rule}",
                                               A.ART_DIRECTORY))
        return None
    except OSError as exc:
        problems.add(where, f"无法读取名录文件 {name}（{exc.strerror or exc}）/ cannot read {name}: {exc.strerror or exc}")
        return None
    except Exception as exc:  # a broken workbook part the directory reader did not anticipate
        problems.add(where, f"无法读取名录文件 {name} / cannot read {name}: {type(exc).__name__}: {str(exc)[:160]}")
        return None
    body: dict[str, Any] = {"kind": kind, "blob": snapshot_id(data), "count": len(records),
                            "confirmed_by": confirmed_by, "confirmed_at": confirmed_at,
                            "source": Path(name).name[:200] or kind}
    if note:
        body["note"] = note
    return Draft("directory.snapshot", body, where, blob=data)


def portal_sealed(state) -> bool:
    """Whether the portal's trust.json seals risk classes (docs/spec/65-sealed.md)."""
    raw = getattr(getattr(state, "trust", None), "raw", None) or {}
    return raw.get("risk_class_disclosure") == "sealed"


def office_names(state) -> dict[str, str]:
    """Chinese office names of the ledger's registered offices → codes (for 监管部门 cells)."""
    from ..directory.readers import office_aliases

    reg = getattr(state, "registry", None)
    if reg is None:
        return {}
    return office_aliases({code: b.get("name_zh", "") for code, b in reg.offices.items()})


def build_directory(doc: Record, office: str, state, kind: str, base: Path) -> list[Draft]:
    doc.check_unknown(TOP)
    src = doc.text("source", max_len=1000)
    sheet = doc.text("sheet", required=False, max_len=100)
    by = doc.text("confirmed_by", max_len=100)
    at = doc.date("confirmed_at")
    note = doc.text("note", required=False, max_len=2000, multiline=True)
    if src is None:
        return []
    path = (base / src) if not Path(src).is_absolute() else Path(src)
    if not path.is_file():
        doc.bad("source", f"{src}: no such file (paths are relative to the YAML file)")
        return []
    d = snapshot_draft(kind, path, str(path), sheet, by, at, note, "source", doc.p, office_names(state),
                       portal_sealed(state))
    return [d] if d else []
