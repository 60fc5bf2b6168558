"""Hostile input never escapes as anything but InputError (DESIGN §4: malformed YAML/XLSX).

Arbitrary text and bytes go through the YAML and XLSX readers; arbitrary YAML structures of
every file kind go through the forms and the rule checks of a real ledger.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wf_scenario import Workflow, iso

from publisher.workflow.author import build_drafts, parse_bytes, sign_drafts
from publisher.workflow.drafts import KINDS
from publisher.workflow.errors import InputError
from publisher.workflow.fields import Problems
from publisher.workflow.ledger_state import LedgerState
from publisher.workflow.template import results_template
from publisher.workflow.yaml_input import load_yaml

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_input_errors(fn, *args) -> None:
    try:
        fn(*args)
    except InputError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@FAST
@given(st.text(max_size=400))
def test_yaml_text_never_crashes(text):
    only_input_errors(load_yaml, text.encode("utf-8", "surrogatepass"), "f.yaml")


@FAST
@given(st.binary(max_size=400))
def test_yaml_bytes_never_crash(data):
    only_input_errors(parse_bytes, data, "f.yaml")


YAML_ALPHABET = st.sampled_from(list("kind: results\n- [{}]&*!|>'\"#%@`,?~ \t\x00\uff1a中文") + ["\n  ", "---", "!!int", "<<:"])


@FAST
@given(st.lists(YAML_ALPHABET, max_size=80).map("".join))
def test_yaml_like_text_never_crashes(text):
    only_input_errors(parse_bytes, text.encode("utf-8", "surrogatepass"), "f.yaml")


@FAST
@given(st.binary(max_size=2000))
def test_xlsx_bytes_never_crash(data):
    only_input_errors(parse_bytes, b"PK\x03\x04" + data, "f.xlsx")


def _real_ledger(tmp_path_factory):
    wf = Workflow(tmp_path_factory.mktemp("fuzz"))
    wf.basics()
    _, lock = wf.draw()
    wf.at("2026-01-21")
    return wf, lock


def test_mutated_workbooks_never_crash(tmp_path_factory):
    wf, _ = _real_ledger(tmp_path_factory)
    path = tmp_path_factory.mktemp("x") / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", path)
    good = path.read_bytes()
    state = LedgerState(wf.ledger).replay()

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, len(good) - 1), st.integers(0, 255)), min_size=1, max_size=8))
    def run(flips):
        data = bytearray(good)
        for pos, b in flips:
            data[pos] = b
        try:
            parsed = parse_bytes(bytes(data), "r.xlsx")
            build_drafts(parsed, "scjgj", state, Problems("r.xlsx"))
        except InputError:
            pass

    run()


def test_zip_bomb_and_foreign_zip_are_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.xml", b"\0" * (600 * 1024 * 1024))
    try:
        parse_bytes(buf.getvalue(), "bomb.xlsx")
        raise AssertionError("not refused")
    except InputError as exc:
        assert "zip bomb" in str(exc)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    try:
        parse_bytes(buf.getvalue(), "x.xlsx")
        raise AssertionError("not refused")
    except InputError as exc:
        assert "not a readable .xlsx workbook" in str(exc)


def test_workbook_without_meta_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["target"])
    p = tmp_path / "x.xlsx"
    wb.save(p)
    try:
        parse_bytes(p.read_bytes(), "x.xlsx")
        raise AssertionError("not refused")
    except InputError as exc:
        assert "no 'meta' sheet" in str(exc)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**20), st.text(max_size=30),
                    st.sampled_from(["2026-01-20", "1", "5%", "scjgj", "wjj", "SC-01", "T-2026-001",
                                     "0.05", "主要负责人", "未发现问题", "on_site", "P-01"]))
trees = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=4),
                                                  st.dictionaries(st.sampled_from(
                                                      ["items", "code", "name", "kind", "target", "task",
                                                       "results", "tasks", "window", "from", "to",
                                                       "categories", "inspectors", "completed", "partners",
                                                       "office", "result", "changes", "corrected", "approver",
                                                       "title", "reason", "date", "findings", "sections",
                                                       "source", "year", "grounds", "x"]), c, max_size=6)),
                     max_leaves=25)


def test_arbitrary_structures_of_every_kind(tmp_path_factory):
    wf, lock = _real_ledger(tmp_path_factory)
    state = LedgerState(wf.ledger).replay()
    key = wf.f.keys["scjgj"]

    @settings(max_examples=400, deadline=None)
    @given(st.sampled_from(sorted(KINDS)), st.dictionaries(st.sampled_from(
        ["items", "results", "tasks", "task", "target", "id", "name", "year", "result", "changes",
         "corrected", "source", "window", "completed", "categories", "inspectors", "partners", "x"]),
        trees, max_size=8))
    def run(kind, doc):
        text = yaml.safe_dump({"kind": kind, "office": "scjgj", **doc}, allow_unicode=True)
        try:
            parsed = parse_bytes(text.encode(), "f.yaml", tmp_path_factory.getbasetemp() / "f.yaml")
            problems = Problems("f.yaml")
            drafts, _ = build_drafts(parsed, "scjgj", state, problems)
            if not problems.errors and drafts:
                sign_drafts(drafts, "scjgj", key, iso(wf.f.clock + 10**6), state, problems)
        except InputError:
            pass

    run()


def test_mutated_workbook_xml_never_crashes(tmp_path_factory):
    """Valid zips whose sheet XML is damaged: exercises openpyxl's parser and our cell reading."""
    wf, _ = _real_ledger(tmp_path_factory)
    path = tmp_path_factory.mktemp("x") / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    targets = sorted(n for n in parts if n.startswith("xl/worksheets/") or n.endswith("sharedStrings.xml")
                     or n == "xl/workbook.xml")
    state = LedgerState(wf.ledger).replay()

    @settings(max_examples=150, deadline=None)
    @given(st.sampled_from(targets), st.integers(0, 10**6), st.integers(0, 40),
           st.sampled_from([b"", b"<", b">", b"\"", b"&", b"<c t=\"s\"><v>99</v></c>", b"<v>1e999</v>",
                            b"\xff\xfe", b"<row r=\"0\">", b"t=\"d\"", b"<v>-1</v>"]))
    def run(name, pos, cut, insert):
        data = parts[name]
        pos %= len(data) + 1
        damaged = data[:pos] + insert + data[pos + cut:]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for n, d in parts.items():
                z.writestr(n, damaged if n == name else d)
        try:
            parsed = parse_bytes(buf.getvalue(), "r.xlsx")
            build_drafts(parsed, "scjgj", state, Problems("r.xlsx"))
        except InputError:
            pass

    run()


def test_arbitrary_cell_values_in_a_results_sheet(tmp_path_factory):
    """Whatever a clerk types into the template's cells ends as drafts or InputError."""
    wf, _ = _real_ledger(tmp_path_factory)
    path = tmp_path_factory.mktemp("x") / "r.xlsx"
    results_template(wf.ledger, "T-2026-001", path)
    state = LedgerState(wf.ledger).replay()
    key = wf.f.keys["scjgj"]
    cells = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                      st.booleans(), st.dates(), st.text(max_size=40),
                      st.sampled_from(["2026-01-20", "1-未发现问题", "5-发现问题已责令改正", "SC-01: 问题",
                                       "scjgj-001;scjgj-002", "行政处罚", "实地检查", "=1/0", "#N/A"]))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.integers(2, 4), st.integers(1, 14), cells), max_size=12))
    def run(edits):
        wb = openpyxl.load_workbook(path)
        ws = wb["results"]
        for r, c, v in edits:
            if isinstance(v, str):
                v = "".join(ch for ch in v if ch.isprintable())  # openpyxl refuses control characters
            ws.cell(r, c, v)
        buf = io.BytesIO()
        wb.save(buf)
        try:
            parsed = parse_bytes(buf.getvalue(), "r.xlsx")
            problems = Problems("r.xlsx")
            drafts, _ = build_drafts(parsed, "scjgj", state, problems)
            if not problems.errors and drafts:
                sign_drafts(drafts, "scjgj", key, iso(wf.f.clock + 10**6), state, problems)
        except InputError:
            pass

    run()
