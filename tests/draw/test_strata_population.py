"""Rounding, strata partitions, filters, exclusions and the population root."""

from __future__ import annotations

from dataclasses import replace

import pytest

from publisher.core import merkle
from publisher.draw.cap import CapTable
from publisher.draw.errors import DrawError
from publisher.draw.filters import Filter
from publisher.draw.population import PopulationScan, leaf_data
from publisher.draw.samples import sample_targets
from publisher.draw.strata import Classifier, parse_ratio, parse_strata, ratio_cap_problem, round_fraction

TARGETS = sample_targets(200)
RISK_STRATA = [{"name": "低", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.05"}, "rounding": "ceil"},
               {"name": "高", "match": {"risks": ["C", "D"]}, "take": {"count": 4}}]


@pytest.mark.parametrize("n,ratio,ceil,floor,half_up", [
    (333, "0.05", 17, 16, 17),  # 16.65
    (330, "0.05", 17, 16, 17),  # 16.5: half_up rounds up
    (320, "0.05", 16, 16, 16),  # exact
    (100, "0.07", 7, 7, 7),  # float 0.07*100 = 7.000000000000001 would ceil to 8
    (29, "0.1", 3, 2, 3),
    (7, "0.5", 4, 3, 4),
    (0, "0.3", 0, 0, 0),
    (12, "1", 12, 12, 12),
])
def test_rounding_is_exact(n, ratio, ceil, floor, half_up):
    x = n * parse_ratio(ratio)
    assert (round_fraction(x, "ceil"), round_fraction(x, "floor"), round_fraction(x, "half_up")) == (ceil, floor, half_up)
    import math
    assert math.ceil(100 * 0.07) == 8  # the trap exact fractions avoid


@pytest.mark.parametrize("bad", ["1.5", "0.", ".5", "5%", "-0.1", "0.1234567891", 0.05, None, "1.01"])
def test_ratio_syntax(bad):
    with pytest.raises(DrawError):
        parse_ratio(bad)


def test_take_and_stratum_rules():
    s = parse_strata([{"name": "x", "take": {"count": 10}}])[0]
    assert s.take(3) == 3 and s.take(50) == 10
    with pytest.raises(DrawError, match="needs rounding"):
        parse_strata([{"name": "x", "take": {"ratio": "0.1"}}])
    with pytest.raises(DrawError, match="only applies to a ratio"):
        parse_strata([{"name": "x", "take": {"count": 1}, "rounding": "ceil"}])
    with pytest.raises(DrawError, match="unique"):
        parse_strata([{"name": "x", "take": {"count": 1}}] * 2)
    with pytest.raises(DrawError, match="control"):
        parse_strata([{"name": "a\tb", "take": {"count": 1}}])


def test_ratio_cap():
    assert ratio_cap_problem([5, 5], 200, "0.05") is None
    assert "above the ratio cap 0.05" in ratio_cap_problem([5, 6], 200, "0.05")
    assert ratio_cap_problem([5, 6], 200, None) is None


def test_filter_grammar():
    t = TARGETS[0]
    assert Filter.from_json({}).matches(t) and Filter.from_json({"risks": []}).matches(t)
    assert Filter.from_json({"regions": [t.region[:4], "99"]}).matches(t)
    assert not Filter.from_json({"regions": ["99"]}).matches(t)
    assert Filter.from_json({"industries": [t.industry[:1]]}).matches(t)
    assert not Filter.from_json({"industries": ["C"]}).matches(replace(t, industry=None))
    assert Filter.from_json({"risks": [None]}).matches(replace(t, risk=None))
    assert not Filter.from_json({"flags_any": ["watch"]}).matches(replace(t, flags=("abnormal",)))
    assert Filter.from_json({"flags_any": ["watch", "abnormal"]}).matches(replace(t, flags=("abnormal",)))
    assert not Filter.from_json({"kinds": ["product"], "offices": [t.office]}).matches(t)
    with pytest.raises(DrawError, match="unknown filter condition"):
        Filter.from_json({"colour": ["red"]})


def test_classifier_fast_and_general_paths_agree():
    fast = Classifier(parse_strata(RISK_STRATA))
    general = Classifier(parse_strata([dict(s, match={**s["match"], "regions": ["3"]}) for s in RISK_STRATA]))
    assert fast._lookup is not None and general._lookup is None
    assert [fast.classify(t) for t in TARGETS] == [general.classify(t) for t in TARGETS]


def test_strata_must_partition():
    gap = Classifier(parse_strata(RISK_STRATA[:1]))
    overlap = Classifier(parse_strata(RISK_STRATA + [{"name": "全部", "match": {}, "take": {"count": 1}}]))
    t = next(t for t in TARGETS if t.risk == "D")
    with pytest.raises(DrawError, match="matches no stratum"):
        gap.classify(t)
    with pytest.raises(DrawError, match="matches several strata"):
        overlap.classify(t)


def _scan(**kw):
    return PopulationScan(Filter.from_json(kw.pop("filter", {})), Classifier(parse_strata(RISK_STRATA)), **kw)


def test_population_root_is_rfc6962_over_sorted_leaves():
    scan = _scan(filter={"regions": ["371122"]})
    rows = list(scan.scan(TARGETS))
    names = ["低", "高"]
    expected = [(t.id, names[0 if t.risk in "AB" else 1]) for t in TARGETS if t.region.startswith("371122")]
    assert [(i, names[s]) for i, s, _ in rows] == expected
    assert scan.root == merkle.root([merkle.leaf_hash(leaf_data(i, s)) for i, s in expected]).hex()
    assert scan.counts == [sum(1 for _, s in expected if s == n) for n in names]


def test_unsorted_or_duplicate_snapshot_refused():
    with pytest.raises(DrawError, match="not sorted"):
        list(_scan().scan([TARGETS[1], TARGETS[0]]))
    with pytest.raises(DrawError, match="not sorted"):
        list(_scan().scan([TARGETS[0], TARGETS[0]]))


def test_exclusions_and_cap():
    cap = CapTable()
    cap.add_draw(2026, [TARGETS[1].id, TARGETS[2].id, TARGETS[3].id])
    cap.add_draw(2026, [TARGETS[2].id, TARGETS[3].id])
    cap.add_draw(2025, [TARGETS[4].id] * 1)
    assert cap.count(2026, TARGETS[2].id) == 2 and cap.count(2026, TARGETS[1].id) == 1
    capped = cap.capped(2026, overrides={TARGETS[3].id})
    scan = _scan(explicit={TARGETS[0].id, TARGETS[2].id, "nope"}, capped=capped, apply_cap=True)
    ids = [i for i, _, _ in scan.scan(TARGETS)]
    assert TARGETS[0].id not in ids and TARGETS[2].id not in ids and TARGETS[3].id in ids
    assert scan.seen_explicit == {TARGETS[0].id, TARGETS[2].id}
    assert scan.cap_found == []  # TARGETS[2] is explicitly excluded, TARGETS[3] overridden
    verifier = _scan(committed_cap={TARGETS[5].id}, capped=cap.capped(2026))
    ids = [i for i, _, _ in verifier.scan(TARGETS)]
    assert verifier.cap_found == [TARGETS[2].id, TARGETS[3].id] and TARGETS[5].id not in ids


def test_cap_table_forgets_old_years():
    cap = CapTable()
    cap.add_draw(2024, ["a"])
    cap.add_draw(2026, ["b"])
    assert cap.count(2024, "a") == 0 and cap.count(2026, "b") == 1
