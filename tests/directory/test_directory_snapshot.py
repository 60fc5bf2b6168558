"""Snapshot bytes: canonical form, RFC 8785 equivalence, streaming reader refusals."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.core.canonical import canonical_bytes
from publisher.directory.records import DirectoryError, Inspector, Target
from publisher.directory.snapshot import (
    MAX_LINE_BYTES,
    iter_snapshot,
    iter_snapshot_lines,
    record_line,
    snapshot_bytes,
    snapshot_id,
)
from publisher.directory.uscc import USCC_CHARSET, make_uscc

T1 = Target("91110000101623741K", "全聚德（示例）", "enterprise", "110000", "H6210", "A",
            ("abnormal", "watch"), 2, "scjgj", None)
T2 = Target("P-330106-0001", "某品牌电动自行车", "product", "330106", None, None, (), 0, "scjgj", None)
T3 = Target("91350211M0000XUF46", "码有误公司", "enterprise", "350211", None, "B", (), 0, "scjgj",
            "营业执照核实：登记机关赋码错误")
INS = Inspector("41000002", "李四", "scjgj", "城关所", "330106", ("食品",), ("SC-1",), None, True, ())


def read(data: bytes, **kw: object) -> list[object]:
    return list(iter_snapshot(io.BytesIO(data), **kw))  # type: ignore[arg-type]


def refuse(data: bytes, **kw: object) -> DirectoryError:
    with pytest.raises(DirectoryError) as exc:
        read(data, **kw)
    return exc.value


def test_format_of_a_line() -> None:
    line = record_line(T2)
    assert line == (
        '{"complaints":0,"flags":[],"id":"P-330106-0001","industry":null,"kind":"product",'
        '"name":"某品牌电动自行车","office":"scjgj","region":"330106","risk":null,"uscc_override":null}\n'
    ).encode()
    assert line == canonical_bytes(T2.to_json()) + b"\n"


def test_snapshot_sorted_by_id_bytes() -> None:
    data = snapshot_bytes([T2, T1, T3])
    lines = data.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4
    ids = [json.loads(x)["id"] for x in lines[:-1]]
    assert ids == ["91110000101623741K", "91350211M0000XUF46", "P-330106-0001"]
    assert [i.encode() for i in ids] == sorted(i.encode() for i in ids)
    assert snapshot_bytes([]) == b""
    assert snapshot_id(data) == hashlib.sha256(data).hexdigest()
    assert read(data) == [T1, T3, T2]


def test_inspector_snapshot_round_trip() -> None:
    other = dataclasses.replace(INS, id="豫A-0001", active=False, group="第一组")
    data = snapshot_bytes([other, INS])
    assert read(data, record_type=Inspector) == [INS, other]
    # reading inspectors as targets fails on the key set
    assert refuse(data).rule == "structure"


def test_snapshot_bytes_refusals() -> None:
    with pytest.raises(DirectoryError) as exc:
        snapshot_bytes([T1, T2, T1])
    assert exc.value.rule == "duplicate-id"
    with pytest.raises(DirectoryError) as exc:
        snapshot_bytes([T1, INS])  # type: ignore[list-item]
    assert exc.value.rule == "mixed-records"
    with pytest.raises(DirectoryError) as exc:
        snapshot_bytes([dataclasses.replace(T1, id="91110000101623741X")])
    assert exc.value.rule == "uscc"
    with pytest.raises(DirectoryError) as exc:
        list(iter_snapshot_lines([T2, T1]))
    assert exc.value.rule == "unsorted"


GOOD = snapshot_bytes([T1, T3, T2])
L1, L2, L3 = GOOD.splitlines(keepends=True)


@pytest.mark.parametrize(
    "data,rule",
    [
        (L1 + L3 + L2[:-1], "newline"),  # last line without "\n"
        (L1 + b"\n" + L2, "json"),  # blank line
        (L1.replace(b"\n", b"\r\n"), "canonical"),
        (L1.replace(b'"complaints":2', b'"complaints": 2'), "canonical"),
        (L1.replace(b'"complaints":2', b'"complaints":2.0'), "json"),
        (L1.replace(b'"complaints":2', b'"complaints":2e0'), "json"),
        (L1.replace(b'"complaints":2', b'"complaints":NaN'), "json"),
        (L1.replace(b'"complaints":2', b'"complaints":-0'), "canonical"),
        (L1.replace(b'"complaints":2', b'"complaints":99999999999999999999'), "structure"),
        (L1.replace(b'"kind":"enterprise"', b'"kind":"\\u0065nterprise"'), "canonical"),
        (L1.replace("全".encode(), b"\\u5168"), "canonical"),
        (L1.replace(b'"complaints":2,', b'"complaints":2,"complaints":2,'), "canonical"),
        (L1.replace(b'{"complaints":2,"flags":["abnormal","watch"],',
                    b'{"flags":["abnormal","watch"],"complaints":2,'), "canonical"),
        (L1.replace(b'["abnormal","watch"]', b'["watch","abnormal"]'), "canonical-list"),
        (L1.replace(b'["abnormal","watch"]', b'["watch","watch"]'), "canonical-list"),
        (L1.replace(b',"uscc_override":null', b''), "structure"),
        (L1.replace(b'"uscc_override":null', b'"uscc_override":null,"zz":1'), "structure"),
        (L1.replace(b'"risk":"A"', b'"risk":1'), "structure"),
        (L1.replace("全".encode(), b"\xff"), "encoding"),
        (L1.replace("全".encode(), b'\\ud800'), "canonical"),
        (b"[]\n", "structure"),
        (b"null\n", "structure"),
        (L2 + L1, "unsorted"),
        (L1 + L1, "duplicate-id"),
        (L1.replace(b'"name":"', b'"name":"' + b"x" * MAX_LINE_BYTES), "line-too-long"),
        (L1.replace(b"741K", b"741X"), "uscc"),
    ],
)
def test_iter_snapshot_refusals(data: bytes, rule: str) -> None:
    err = refuse(data)
    assert err.rule == rule, str(err)
    assert err.row is not None


def test_error_names_the_line() -> None:
    err = refuse(L1 + L3 + L2, name="blobs/abc")
    assert (err.file, err.row, err.rule) == ("blobs/abc", 3, "unsorted")


def test_validate_false_skips_value_rules_not_form() -> None:
    bad_uscc = L1.replace(b"741K", b"741X")
    assert len(read(bad_uscc, validate=False)) == 1
    assert refuse(L2 + L1, validate=False).rule == "unsorted"
    assert refuse(L1.replace(b":2,", b": 2,"), validate=False).rule == "canonical"


def test_streams_lazily_from_any_iterable_of_lines() -> None:
    def lines():
        yield L1
        yield L3
        raise AssertionError("read too far")

    it = iter_snapshot(lines())
    assert next(it) == T1
    with pytest.raises(TypeError):
        iter_snapshot(GOOD)  # type: ignore[arg-type]


# --- RFC 8785 equivalence of the fast canonical form ---------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(Target.FIELDS + Inspector.FIELDS),
                       st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1),
                                 _TEXT, st.lists(_TEXT, max_size=4))))
def test_fast_form_equals_rfc8785(obj: dict[str, object]) -> None:
    fast = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    assert fast == canonical_bytes(obj)


_ids = st.text(alphabet=USCC_CHARSET, min_size=8, max_size=8).map(lambda b: make_uscc("91", "330106", b))
_names = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1,
                 max_size=20).map(str.strip).filter(bool)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_ids, _names, st.sampled_from("ABCD"),
                          st.sets(st.sampled_from(["abnormal", "serious_illegal", "watch"])),
                          st.integers(0, 10**6)),
                max_size=15, unique_by=lambda t: t[0]))
def test_round_trip_and_rfc8785_lines(rows: list[tuple[str, str, str, set[str], int]]) -> None:
    recs = [Target(i, n, "enterprise", "330106", "F52", r, tuple(sorted(f)), c, "scjgj", None)
            for i, n, r, f, c in rows]
    data = snapshot_bytes(recs)
    assert read(data) == sorted(recs, key=lambda t: t.id)
    for line, rec in zip(data.splitlines(keepends=True), sorted(recs, key=lambda t: t.id)):
        assert line == canonical_bytes(rec.to_json()) + b"\n"


# --- the orjson fast path accepts exactly what the reference path accepts --------------------

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=False, allow_infinity=False), _TEXT, st.lists(_TEXT, max_size=3))


def _paths(line: bytes) -> tuple[object, object]:
    """(fast result or None, reference record or the refusal's rule)."""
    from publisher.directory import snapshot as snap

    def fail(rule: str, message: str, field: str | None = None) -> DirectoryError:
        from publisher.directory.records import Problem
        return DirectoryError([Problem(rule, message, field=field)])

    fast = snap._fast_record(line, Target.from_json)
    try:
        ref: object = snap._reference_record(line, Target.from_json, snap._DECODER.decode,
                                             snap._ENCODER.encode, fail)
    except DirectoryError as exc:
        ref = exc.problems[0].rule
    return fast, ref


@settings(max_examples=500, deadline=None)
@given(st.fixed_dictionaries(dict.fromkeys(Target.FIELDS, _VALUES)),
       st.sampled_from(["sorted", "pretty", "flip"]), st.integers(0, 400), st.integers(0, 255))
def test_fast_path_never_accepts_what_the_reference_refuses(obj: dict[str, object], form: str,
                                                             pos: int, byte: int) -> None:
    if form == "pretty":
        line = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode("utf-8")
    else:
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    if form == "flip" and line:
        b = bytearray(line)
        b[pos % len(b)] = byte
        line = bytes(b)
    fast, ref = _paths(line + b"\n")
    if fast is not None:
        assert fast == ref  # accepted by both, same record
    # and whatever the fast path refused, iter_snapshot words as the reference path does


@pytest.mark.parametrize("line", [
    b'{"complaints":1.0,"flags":[],"id":"X1","industry":null,"kind":"enterprise","name":"n",'
    b'"office":"scjgj","region":"330106","risk":null,"uscc_override":null}',
    b'{"complaints":99999999999999999999,"flags":[],"id":"X1","industry":null,"kind":"enterprise",'
    b'"name":"n","office":"scjgj","region":"330106","risk":null,"uscc_override":null}',
    b'{"complaints":1,"complaints":1,"flags":[],"id":"X1","industry":null,"kind":"enterprise",'
    b'"name":"n","office":"scjgj","region":"330106","risk":null,"uscc_override":null}',
    b'{"complaints":0,"flags":[],"id":"X1","industry":null,"kind":"enterprise","name":"\\ud800",'
    b'"office":"scjgj","region":"330106","risk":null,"uscc_override":null}',
])
def test_fast_path_hands_edge_cases_to_the_reference(line: bytes) -> None:
    fast, ref = _paths(line + b"\n")
    assert fast is None
    err = refuse(line + b"\n", validate=False)  # refused, worded by the reference path
    if isinstance(ref, str):
        assert err.problems[0].rule == ref
    else:  # the oversized integer: decoded by the reference path, refused by the structure rule
        assert err.problems[0].rule == "structure"
