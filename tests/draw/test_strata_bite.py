"""Strata at their margins: ratio syntax (9 decimals, 0 to 1), each rounding at .5, a take never
above n, the general item's ratio cap met exactly and passed by one, and each refusal's text."""

from __future__ import annotations

from fractions import Fraction

import pytest

from publisher.draw.errors import DrawError
from publisher.draw.strata import parse_ratio, parse_strata, parse_stratum, ratio_cap_problem, round_fraction


@pytest.mark.parametrize("text", ["0", "1", "0.5", "0.05", "0.123456789", "1.0", "1.000000000", "0.000000001"])
def test_ratios_accepted(text):
    assert parse_ratio(text) == Fraction(text)


@pytest.mark.parametrize("text", ["1.1", "2", "0.1234567891", "1.0000000000", "01", ".5", "0.", "-0.1", "1e-2",
                                  " 0.5", "0.5\n", 0.5, None])
def test_ratios_refused_with_the_expected_form(text):
    with pytest.raises(DrawError) as e:
        parse_ratio(text)
    assert e.value.message == f"ratio {text!r} must be a decimal string from 0 to 1 such as \"0.05\""


@pytest.mark.parametrize("x, floor, ceil, half_up", [
    (Fraction(5, 2), 2, 3, 3), (Fraction(7, 2), 3, 4, 4), (Fraction(49, 20), 2, 3, 2), (Fraction(51, 20), 2, 3, 3),
    (Fraction(3), 3, 3, 3), (Fraction(0), 0, 0, 0), (Fraction(1, 3), 0, 1, 0)])
def test_each_rounding(x, floor, ceil, half_up):
    assert (round_fraction(x, "floor"), round_fraction(x, "ceil"), round_fraction(x, "half_up")) == (floor, ceil, half_up)


def test_unknown_rounding():
    with pytest.raises(DrawError) as e:
        round_fraction(Fraction(1), "nearest")
    assert e.value.message == "rounding 'nearest' must be one of ceil, floor, half_up"


def test_take_is_never_more_than_n():
    count = parse_stratum({"name": "a", "take": {"count": 5}})
    assert [count.take(n) for n in (0, 4, 5, 6)] == [0, 4, 5, 5]
    ratio = parse_stratum({"name": "a", "take": {"ratio": "1"}, "rounding": "ceil"})
    assert [ratio.take(n) for n in (0, 7)] == [0, 7]
    half = parse_stratum({"name": "a", "take": {"ratio": "0.5"}, "rounding": "half_up"})
    assert [half.take(n) for n in (1, 2, 3, 5)] == [1, 1, 2, 3]


def test_ratio_cap_met_exactly_passes_one_more_is_refused():
    assert ratio_cap_problem([5], 100, "0.05") is None
    assert ratio_cap_problem([3, 2], 100, "0.05") is None
    assert ratio_cap_problem([4, 2], 100, "0.05") == (
        "the draw takes 6 of 100 targets (6.0000%), above the ratio cap 0.05 of a general item")
    assert ratio_cap_problem([50], 100, None) is None and ratio_cap_problem([0], 0, "0.05") is None


@pytest.mark.parametrize("obj, message", [
    ({"name": "", "take": {"count": 1}}, "stratum name '' must be 1-64 characters without control characters"),
    ({"name": "a" * 65, "take": {"count": 1}},
     f"stratum name {'a' * 65!r} must be 1-64 characters without control characters"),
    ({"name": "a\tb", "take": {"count": 1}}, "stratum name 'a\\tb' must be 1-64 characters without control characters"),
    ({"name": 3, "take": {"count": 1}}, "stratum name 3 must be 1-64 characters without control characters"),
    ({"name": "a", "take": {"count": 1, "ratio": "0.1"}},
     "stratum 'a': take must be {\"count\": k} or {\"ratio\": \"0.05\"}"),
    ({"name": "a", "take": {"share": 1}}, "stratum 'a': take must be {\"count\": k} or {\"ratio\": \"0.05\"}"),
    ({"name": "a", "take": 3}, "stratum 'a': take must be {\"count\": k} or {\"ratio\": \"0.05\"}"),
    ({"name": "a", "take": {"count": -1}}, "stratum 'a': count must be a whole number >= 0"),
    ({"name": "a", "take": {"count": True}}, "stratum 'a': count must be a whole number >= 0"),
    ({"name": "a", "take": {"count": 1.0}}, "stratum 'a': count must be a whole number >= 0"),
    ({"name": "a", "take": {"count": 1}, "rounding": "ceil"}, "stratum 'a': rounding only applies to a ratio"),
    ({"name": "a", "take": {"ratio": "0.1"}}, "stratum 'a': a ratio needs rounding, one of ceil, floor, half_up"),
    ({"name": "a", "take": {"ratio": "0.1"}, "rounding": "up"},
     "stratum 'a': a ratio needs rounding, one of ceil, floor, half_up"),
])
def test_each_stratum_refusal(obj, message):
    with pytest.raises(DrawError) as e:
        parse_stratum(obj)
    assert e.value.message == message


def test_stratum_names_of_64_characters_and_zero_counts_are_fine():
    s = parse_stratum({"name": "层" * 64, "take": {"count": 0}})
    assert (s.name, s.count, s.ratio, s.rounding) == ("层" * 64, 0, None, None)
    r = parse_stratum({"name": "b", "take": {"ratio": "0.25"}, "rounding": "floor"})
    assert (r.count, r.ratio, r.rounding) == (None, Fraction(1, 4), "floor")


def test_strata_list_refusals():
    with pytest.raises(DrawError) as e:
        parse_strata([])
    assert e.value.message == "a draw needs at least one stratum"
    with pytest.raises(DrawError) as e:
        parse_strata([{"name": n, "take": {"count": 1}} for n in ("b", "a", "b", "a", "c")])
    assert e.value.message == "stratum names must be unique, repeated: ['a', 'b']"
