"""Record rules for targets and inspectors: every rule has a failing and a passing case."""

from __future__ import annotations

import dataclasses

import pytest

from publisher.directory.records import (
    DirectoryError,
    Inspector,
    Problem,
    Target,
    inspector_problems,
    target_problems,
    validate_records,
)

T = Target(
    id="91110000101623741K", name="北京全聚德（示例）", kind="enterprise", region="110000",
    industry="H6210", risk="A", flags=(), complaints=0, office="scjgj", uscc_override=None,
)
I = Inspector(
    id="豫A-0001", name="张三", office="scjgj", unit="城关市场监管所", unit_region="330106",
    expertise=("特种设备", "食品"), items=("SC-001", "SC-002"), group="第一组", active=True,
    conflicts=("91110000101623741K",),
)


def rules(t: Target) -> list[str]:
    return [p.rule for p in target_problems(t)]


def irules(i: Inspector) -> list[str]:
    return [p.rule for p in inspector_problems(i)]


def test_valid_examples() -> None:
    assert target_problems(T) == []
    assert inspector_problems(I) == []


@pytest.mark.parametrize("kind", ["enterprise", "individual", "cooperative", "branch", "foreign"])
def test_market_kinds_need_valid_uscc(kind: str) -> None:
    assert rules(dataclasses.replace(T, kind=kind)) == []
    bad = dataclasses.replace(T, kind=kind, id="91350211M0000XUF46")
    problems = target_problems(bad)
    assert [p.rule for p in problems] == ["uscc"]
    assert problems[0].field == "id" and "uscc_override" in problems[0].message


def test_override_accepts_failing_code_with_reason() -> None:
    t = dataclasses.replace(T, id="91350211M0000XUF46", uscc_override="营业执照原件核实，登记机关赋码有误")
    assert rules(t) == []
    # a pre-2015 15-digit registration number
    assert rules(dataclasses.replace(t, id="330106000012345")) == []


def test_override_rules() -> None:
    assert rules(dataclasses.replace(T, uscc_override="reason")) == ["uscc-override-unneeded"]
    assert rules(dataclasses.replace(T, id="P-1", uscc_override="x")) == ["id-pattern"]
    assert rules(dataclasses.replace(T, id="91350211M0000XUF46", uscc_override=" ")) == ["text"]
    assert rules(dataclasses.replace(T, id="91350211M0000XUF46", uscc_override="")) == ["text"]


@pytest.mark.parametrize("kind", ["product", "project", "behaviour"])
def test_non_market_ids(kind: str) -> None:
    ok = dataclasses.replace(T, kind=kind, id="P-330106-0001", industry=None, risk=None)
    assert rules(ok) == []
    assert rules(dataclasses.replace(ok, id="91110000101623741K")) == ["id-pattern"]
    assert rules(dataclasses.replace(ok, id="p-1")) == ["id-pattern"]
    assert rules(dataclasses.replace(ok, id="PROJX-1")) == ["id-pattern"]
    assert rules(dataclasses.replace(ok, id="P-a b")) == ["id-pattern"]
    assert rules(dataclasses.replace(ok, uscc_override="x")) == ["uscc-override-unneeded"]


@pytest.mark.parametrize(
    "field,good,bad",
    [
        ("kind", ["enterprise"], ["company", "", "Enterprise"]),
        ("region", ["330106", "330106001", "330106001001"], ["33010", "3301060", "33010600100", "33010a", "", "３３０１０６"]),
        ("industry", ["C", "F52", "C139", "C1391", None], ["C13911", "U52", "c13", "C1", "", "F 52"]),
        ("risk", ["A", "B", "C", "D", None], ["E", "a", "", "A类"]),
        ("flags", [(), ("abnormal",), ("abnormal", "serious_illegal", "watch")],
         [("blacklist",), ("watch", "abnormal"), ("watch", "watch")]),
        ("complaints", [0, 7, 2**53 - 1], [-1, 2**53, True, "3", 1.0]),
        ("office", ["scjgj", "market-2"], ["S", "scjgj!", "市场监管局", "", "a" * 33]),
        ("name", ["某某 有限公司", "x" * 200], ["", " lead", "trail ", "a\x00b", "a\u202eb",
                                              "a\u200bb", "x" * 201, "a\nb", "\ud800"]),
    ],
)
def test_target_field_rules(field: str, good: list[object], bad: list[object]) -> None:
    for v in good:
        assert rules(dataclasses.replace(T, **{field: v})) == [], v
    for v in bad:
        problems = target_problems(dataclasses.replace(T, **{field: v}))
        assert problems and all(p.field == field for p in problems), (v, problems)


def test_unknown_kind_reports_kind_only() -> None:
    assert rules(dataclasses.replace(T, kind="company")) == ["kind"]


@pytest.mark.parametrize(
    "field,good,bad",
    [
        ("id", ["41000012345", "豫A-0001", "A"], ["", "-1", "a b", "x" * 41, "豫A/1"]),
        ("name", ["李四"], ["", " 李四"]),
        ("unit", ["城关所"], ["", "a\x07"]),
        ("office", ["scjgj"], ["SCJGJ"]),
        ("unit_region", ["330106"], ["3301"]),
        ("expertise", [(), ("食品",)], [("b", "a"), ("a;b",), ("",), ("a", "a")]),
        ("items", [("A.1", "B-2")], [("a b",), ("-x",), ("b", "a")]),
        ("group", [None, "第一组"], ["", " g"]),
        ("active", [True, False], [1, "true", None]),
        ("conflicts", [(), ("91110000101623741K", "P-1")],
         [("nope",), ("P-1", "91110000101623741K")]),
    ],
)
def test_inspector_field_rules(field: str, good: list[object], bad: list[object]) -> None:
    for v in good:
        assert irules(dataclasses.replace(I, **{field: v})) == [], v
    for v in bad:
        problems = inspector_problems(dataclasses.replace(I, **{field: v}))
        assert problems and all(p.field == field for p in problems), (v, problems)


def test_validate_records_reports_duplicates_with_rows() -> None:
    other = dataclasses.replace(T, id="P-1", kind="product", industry=None)
    problems = validate_records([T, other, T], file="t.csv")
    assert [(p.rule, p.row, p.file) for p in problems] == [("duplicate-id", 3, "t.csv")]
    assert "record 1" in problems[0].message


def test_problem_and_error_text() -> None:
    p = Problem("uscc", "bad digit", field="id", row=4, file="t.csv", column="统一社会信用代码")
    assert str(p) == "t.csv:4: column '统一社会信用代码' (id) bad digit [uscc]"
    err = DirectoryError([p, Problem("x", "y")])
    assert (err.file, err.row, err.column, err.rule) == ("t.csv", 4, "统一社会信用代码", "uscc")
    assert str(err).splitlines()[0] == str(p)
    many = DirectoryError([Problem("r", str(n)) for n in range(30)])
    assert "and 10 more" in str(many)
    with pytest.raises(ValueError):
        DirectoryError([])


def test_from_json_round_trip_and_structure_errors() -> None:
    assert Target.from_json(T.to_json()) == T
    assert Inspector.from_json(I.to_json()) == I
    # key order does not matter to from_json (the snapshot reader checks order separately)
    assert Target.from_json(dict(reversed(list(T.to_json().items())))) == T
    broken = [
        [],
        {**T.to_json(), "extra": 1},
        {**T.to_json(), "complaints": True},
        {**T.to_json(), "complaints": 1.0},
        {**T.to_json(), "flags": "abnormal"},
        {**T.to_json(), "flags": [1]},
        {**T.to_json(), "name": None},
        {**T.to_json(), "risk": 1},
    ]
    # without risk is the sealed form (docs/spec/65-sealed.md), not a class-less public record
    sealed = Target.from_json({k: v for k, v in T.to_json().items() if k != "risk"})
    assert sealed.sealed and sealed.risk is None and sealed == T.sealed_copy() and "risk" not in sealed.to_json()
    for obj in broken:
        with pytest.raises(DirectoryError) as exc:
            Target.from_json(obj)
        assert exc.value.rule == "structure"
    for obj in [{**I.to_json(), "active": 1}, {**I.to_json(), "items": None},
                {**I.to_json(), "group": 3}]:
        with pytest.raises(DirectoryError):
            Inspector.from_json(obj)


def test_sealed_snapshot_form_is_uniform() -> None:
    """A snapshot is all public records or all sealed ones; a mix is refused, naming the line."""
    import io

    from publisher.directory.snapshot import iter_snapshot, snapshot_bytes

    sealed = snapshot_bytes([T.sealed_copy()])
    assert [r.sealed for r in iter_snapshot(io.BytesIO(sealed))] == [True]
    assert b'"risk"' not in sealed
    product = Target.from_json({**T.to_json(), "id": "P-330106-0001", "kind": "product", "industry": None,
                                "uscc_override": None})
    assert T.id < product.id
    for first, second in ((sealed, snapshot_bytes([product])),
                          (snapshot_bytes([T]), snapshot_bytes([product.sealed_copy()]))):
        with pytest.raises(DirectoryError) as exc:
            list(iter_snapshot(io.BytesIO(first + second)))
        assert exc.value.problems[0].rule == "mixed-form" and exc.value.problems[0].row == 2
