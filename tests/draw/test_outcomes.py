"""The in-process memo of computed draws (draw/outcomes.py): the key covers every input, the memo
is bounded, and a lent outcome never lets a manipulated lock through."""

from __future__ import annotations

import copy

from publisher.draw.outcomes import MAX_KEPT, KnownOutcomes, outcome_key

BODY = {"task": "T-1", "population": {"snapshot": "aa" * 32}, "teams": {"inspectors": "bb" * 32},
        "beacon": {"round": 7}, "strata": [{"name": "全部", "n": 10, "k": 2}]}


def test_the_key_changes_with_every_input():
    base = outcome_key("c" * 64, BODY, b"\1" * 32, [])
    other_body = copy.deepcopy(BODY)
    other_body["population"]["snapshot"] = "ab" * 32  # another snapshot: another population
    keys = {
        outcome_key("d" * 64, BODY, b"\1" * 32, []),
        outcome_key("c" * 64, other_body, b"\1" * 32, []),
        outcome_key("c" * 64, BODY, b"\2" * 32, []),  # another beacon round's randomness
        outcome_key("c" * 64, BODY, b"\1" * 32, [b"\3" * 32]),
    }
    assert base not in keys and len(keys) == 4
    assert outcome_key("c" * 64, copy.deepcopy(BODY), b"\1" * 32, []) == base  # equal inputs, equal key


def test_the_memo_is_bounded_and_forgets_the_oldest():
    known = KnownOutcomes()
    for i in range(MAX_KEPT + 2):
        known.remember(str(i), i)
    assert len(known) == MAX_KEPT
    assert known.recall("0") is None and known.recall("1") is None
    assert known.recall(str(MAX_KEPT + 1)) == MAX_KEPT + 1
