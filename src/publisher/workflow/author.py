"""`publisher add`: one file → validated, signed entries appended all together, or nothing.

Order of work (why): parse the file first (a broken file is refused without touching the
ledger); then, holding the ledger's writer lock, replay the ledger into the workflow rule,
build the bodies (defaults come from the ledger: next list/plan version, task method, target
names), sign each entry exactly as it will be appended, check schema, signer and every
workflow rule, and only if nothing is wrong append them all (and their snapshot blobs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.entry import Entry, format_time, sign_entry
from ..core.keys import SigningKey
from ..core.schema import validate_body
from ..storage.ledger_dir import LedgerDir
from .drafts import KINDS, Draft
from .errors import InputError, InputProblem
from .fields import OFFICE_RE, Problems, Record
from .form_directory import build_directory
from .form_items import build_item_list
from .form_plan import build_plan
from .form_records import build_correction, build_noncooperation, build_withhold
from .form_results import build_results
from .form_sheet import directory_from_sheet, results_from_sheet
from .form_task import build_tasks
from .ledger_state import LedgerState
from .schema_words import schema_problems
from .xlsx_input import Workbook
from .yaml_input import load_yaml

MAX_FILE = 50 * 1024 * 1024


@dataclass
class Parsed:
    """A file read into memory: its kind, office and raw content (YAML mapping or workbook)."""

    file: str
    path: Path
    kind: str
    office: str | None
    doc: dict[str, Any] | None = None
    workbook: Workbook | None = None


@dataclass
class AddResult:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)
    skipped_rows: int = 0
    already_published: int = 0  # workbook rows skipped because the office published them before
    dry_run: bool = False


def read_input(path: Path) -> Parsed:
    """Parse a YAML or XLSX file far enough to know its kind and office."""
    file = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as exc:
        raise InputError.one(file, "", f"无法读取文件（{exc.strerror or exc}）/ cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE:
        raise InputError.one(file, "", f"larger than {MAX_FILE} bytes")
    return parse_bytes(data, file, path)


def parse_bytes(data: bytes, file: str, path: Path | None = None) -> Parsed:
    path = path or Path(file)
    if data[:4] == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        wb = Workbook(data, file)
        kind = wb.meta.get("kind", "")
        if kind not in ("results", "result", "targets", "inspectors"):
            raise InputError.one(file, "sheet 'meta', kind", f"{kind!r} is not a workbook kind "
                                 "(results, targets, inspectors)")
        return Parsed(file, path, kind, wb.meta.get("office"), workbook=wb)
    doc = load_yaml(data, file)
    kind = doc.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise InputError.one(file, "kind", f"{kind!r} is not a file kind; use one of {', '.join(KINDS)}")
    office = doc.get("office")
    if office is not None and not isinstance(office, str):
        raise InputError.one(file, "office", "must be an office code")
    return Parsed(file, path, kind, office, doc=doc)


def resolve_office(parsed: Parsed, flag: str | None) -> str:
    office = parsed.office
    if flag and office and flag != office:
        raise InputError.one(parsed.file, "office", f"the file says {office!r} but --office is {flag!r}")
    office = office or flag
    if not office:
        raise InputError.one(parsed.file, "office", "no office: put 'office: <code>' in the file or pass --office")
    if not OFFICE_RE.fullmatch(office):
        raise InputError.one(parsed.file, "office", f"{office!r} is not an office code")
    return office


def build_drafts(parsed: Parsed, office: str, state: LedgerState, problems: Problems) -> tuple[list[Draft], int]:
    """The drafts of a parsed file (problems collected in ``problems``)."""
    if parsed.workbook is not None:
        if parsed.kind in ("results", "result"):
            return results_from_sheet(parsed.workbook, office, state, problems)
        return directory_from_sheet(parsed.workbook, parsed.kind, problems, state), 0
    doc = Record(parsed.doc or {}, "", problems)
    k = parsed.kind
    if k == "item_list":
        return build_item_list(doc, office, state), 0
    if k == "plan":
        return build_plan(doc, office, state), 0
    if k in ("task", "tasks"):
        return build_tasks(doc, office, state, many=k == "tasks"), 0
    if k in ("result", "results"):
        return build_results(doc, office, state, many=k == "results"), 0
    if k == "correction":
        return build_correction(doc, office, state), 0
    if k == "withhold":
        return build_withhold(doc, office, state), 0
    if k == "noncooperation":
        return build_noncooperation(doc, office, state), 0
    return build_directory(doc, office, state, k, parsed.path.parent), 0


def sign_drafts(drafts: list[Draft], office: str, key: SigningKey, time: str,
                state: LedgerState, problems: Problems) -> list[Entry]:
    """Sign each draft as it will be appended and check it like the verifier would."""
    seq, prev, head_time = state.head(office)
    if head_time and time < head_time:
        problems.add("", f"the time {time} is earlier than {office}'s latest entry ({head_time}); "
                     "check the computer's clock")
        return []
    entries = []
    for d in drafts:
        for msg in schema_problems(d.type, d.body):
            problems.add(d.where, msg, "schema")
        try:
            e = sign_entry(type=d.type, office=office, seq=seq + 1, prev=prev, time=time, body=d.body, key=key)
        except ValueError as exc:
            problems.add(d.where, f"cannot be signed: {exc}", "schema")
            continue
        if not entries:
            why = state.registry.signer_problem(e)
            if why:
                problems.add("", f"key {key.id} cannot sign for {office}: {why}", "signature")
                return []
        if not validate_body(d.type, d.body):
            for p in state.check(e):
                problems.add(d.where, p.message, p.rule, p.article, p.severity)
        entries.append(e)
        seq, prev = seq + 1, e.id
    return entries


def add_file(ledger: LedgerDir, path: Path, *, office: str | None, key: SigningKey | None = None,
             key_loader=None, dry_run: bool = False, time: str | None = None) -> AddResult:
    parsed = read_input(path)
    office = resolve_office(parsed, office)
    if key is None:
        key = key_loader(office)
    time = time or format_time(datetime.now(UTC))
    if dry_run:
        return _add_locked(ledger, parsed, office, key, time, dry_run)
    with ledger.locked():
        return _add_locked(ledger, parsed, office, key, time, dry_run)


def _add_locked(ledger: LedgerDir, parsed: Parsed, office: str, key: SigningKey, time: str,
                dry_run: bool) -> AddResult:
    problems = Problems(parsed.file)
    state = LedgerState(ledger).replay(cache=True)
    drafts, skipped = build_drafts(parsed, office, state, problems)
    if problems.errors:
        raise InputError(problems.items)
    published = getattr(state, "skipped_published", 0)
    if not drafts:
        if published:
            raise InputError.one(parsed.file, "", f"没有新内容：{published} 行已经发布过，已全部跳过 / nothing new: "
                                 f"all {published} filled row(s) were published before")
        raise InputError.one(parsed.file, "", "没有可添加的内容（没有填写的行或记录）/ nothing to add (no filled rows or records)")
    entries = sign_drafts(drafts, office, key, time, state, problems)
    from ..gitops.timegate import gate_or_raise

    # $PUBLISHER_NOW (tests, replays) as for the draw commands; the push gate keeps its own clock
    fixed = os.environ.get("PUBLISHER_NOW")
    gate_or_raise(ledger, entries, lambda msg: InputError.one(parsed.file, "", msg, "time"),
                  now=int(fixed) if fixed else None)
    if problems.errors:
        raise InputError(problems.errors)  # warnings do not matter when nothing is written
    result = AddResult(warnings=[p for p in problems.items if p.severity != "error"],
                       skipped_rows=skipped, already_published=published, dry_run=dry_run)
    if dry_run:
        result.entries = entries
        return result
    for d in drafts:
        if d.blob is not None:
            ledger.put_blob(d.blob)
    expected = iter([e.id for e in entries])

    def same(e: Entry) -> None:
        if e.id != next(expected):
            raise InputError.one(parsed.file, "", "the ledger changed while validating; run the command again")

    result.entries = ledger.append_many([(office, d.type, d.body, key, time) for d in drafts], check=same)
    return result
