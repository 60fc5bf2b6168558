"""The filter grammar (004 第十条) condition by condition, batch numbers at the batch boundary
(003 二(二)), and the seed's input lengths — each refusal with its text and article."""

from __future__ import annotations

import pytest

from publisher.directory.records import Target
from publisher.draw.batches import DEFAULT_BATCH_SIZE, batch_rows
from publisher.draw.errors import ART_DIRECTIONAL, DrawError
from publisher.draw.filters import FILTER_KEYS, Filter
from publisher.draw.seed import SECRET_LEN, derive_seed, new_secret, secret_commitment
from publisher.draw.selection import Pick


def target(**kw):
    base = dict(id="T1", name="某公司", kind="企业", region="371102", industry="C1311", risk="B", flags=("食品",),
                complaints=0, office="scjgj", uscc_override=None)
    return Target(**{**base, **kw})


@pytest.mark.parametrize("cond, passes, fails", [
    ({"regions": ["3711"]}, {"region": "371102"}, {"region": "371202"}),
    ({"regions": ["3712", "371102"]}, {"region": "371102"}, {"region": "3711"}),
    ({"industries": ["C13"]}, {"industry": "C1311"}, {"industry": "C14"}),
    ({"industries": ["C13"]}, {"industry": "C13"}, {"industry": None}),
    ({"kinds": ["企业"]}, {"kind": "企业"}, {"kind": "个体"}),
    ({"risks": ["B", None]}, {"risk": None}, {"risk": "C"}),
    ({"risks": ["B"]}, {"risk": "B"}, {"risk": None}),
    ({"flags_any": ["食品", "药品"]}, {"flags": ("药品", "x")}, {"flags": ("x",)}),
    ({"flags_any": ["食品"]}, {"flags": ("食品",)}, {"flags": ()}),
    ({"offices": ["scjgj"]}, {"office": "scjgj"}, {"office": "wjj"}),
])
def test_each_condition_admits_and_refuses(cond, passes, fails):
    f = Filter.from_json(cond)
    assert not f.empty
    assert f.matches(target(**passes)) is True
    assert f.matches(target(**fails)) is False
    assert Filter.from_json({}).matches(target(**fails)) is True


def test_every_condition_must_hold():
    f = Filter.from_json({"regions": ["3711"], "kinds": ["企业"]})
    assert f.matches(target()) and not f.matches(target(kind="个体")) and not f.matches(target(region="3712"))


def test_empty_lists_are_no_condition():
    for key in FILTER_KEYS:
        f = Filter.from_json({key: []})
        assert f.empty and f == Filter() and f.matches(target(industry=None, risk=None, flags=()))
    assert Filter.from_json(None) == Filter() and Filter.from_json(None).empty
    assert FILTER_KEYS == ("regions", "industries", "kinds", "risks", "flags_any", "offices")


@pytest.mark.parametrize("key", FILTER_KEYS)
def test_any_one_condition_makes_the_filter_non_empty(key):
    assert not Filter.from_json({key: ["x"]}).empty


def test_filter_refusals():
    for bad, message in (
            (["regions"], "a filter must be an object"),
            ({"regions": ["3711"], "zone": [], "area": []},
             "unknown filter condition(s) ['area', 'zone']; allowed: regions, industries, kinds, risks, flags_any, "
             "offices"),
            ({"kinds": "企业"}, "filter condition 'kinds' must be a list")):
        with pytest.raises(DrawError) as e:
            Filter.from_json(bad)
        assert (e.value.message, e.value.article) == (message, ART_DIRECTIONAL)


def test_single_set_condition_only_for_one_membership_test():
    assert Filter.from_json({"risks": ["A", "B"]}).single_set_condition() == ("risk", frozenset({"A", "B"}))
    assert Filter.from_json({"kinds": ["企业"]}).single_set_condition() == ("kind", frozenset({"企业"}))
    assert Filter.from_json({"offices": ["wjj"]}).single_set_condition() == ("office", frozenset({"wjj"}))
    for two in ({"risks": ["A"], "kinds": ["企业"]}, {"risks": ["A"], "regions": ["3711"]},
                {"risks": ["A"], "industries": ["C"]}, {"risks": ["A"], "flags_any": ["x"]}, {}):
        assert Filter.from_json(two).single_set_condition() is None


def test_batches_of_the_batch_size_then_the_next():
    assert DEFAULT_BATCH_SIZE == 50
    order = [Pick(f"T{i:03d}", i % 2, b"", "") for i in range(7)]
    rows = batch_rows(order, ["低", "高"], 3)
    assert [(r["id"], r["stratum"], r["batch"], r["position"]) for r in rows] == [
        ("T000", "低", 1, 1), ("T001", "高", 1, 2), ("T002", "低", 1, 3), ("T003", "高", 2, 4),
        ("T004", "低", 2, 5), ("T005", "高", 2, 6), ("T006", "低", 3, 7)]


def test_secrets_and_seed_inputs_have_exact_lengths():
    assert SECRET_LEN == 32 and len(new_secret()) == 32 and new_secret() != new_secret()
    for bad in (b"\x01" * 31, b"\x01" * 33, "ab" * 16):
        with pytest.raises(DrawError) as e:
            secret_commitment("T", "o", bad)
        assert e.value.message == "an office secret must be exactly 32 bytes"
        with pytest.raises(DrawError):
            derive_seed("ab" * 32, b"\x02" * 32, [bad])
    for cid, rnd in (("ab" * 31, b"\x02" * 32), ("ab" * 33, b"\x02" * 32), ("ab" * 32, b"\x02" * 31),
                     ("ab" * 32, b"\x02" * 33)):
        with pytest.raises(DrawError) as e:
            derive_seed(cid, rnd)
        assert e.value.message == "commit id and beacon randomness must be 32 bytes each"
    s = derive_seed("ab" * 32, b"\x02" * 32)
    assert len(s) == 32 and s != derive_seed("ab" * 32, b"\x02" * 32, [b"\x01" * 32])
    assert secret_commitment("T", "o", b"\x01" * 32) != secret_commitment("T", "p", b"\x01" * 32)
