"""effective_times: a larger checkpoint signed at t proves every prefix existed at t (spec §1.7)."""

from __future__ import annotations

from publisher.core.verifier import effective_times


def test_each_time_is_lowered_to_the_earliest_of_any_larger_checkpoint():
    assert effective_times([(1, 100), (2, None), (3, 50), (4, 200)]) == [(1, 50), (2, 50), (3, 50), (4, 200)]


def test_a_checkpoint_without_a_proof_time_takes_the_next_larger_one():
    assert effective_times([(5, None), (9, 70)]) == [(5, 70), (9, 70)]
    assert effective_times([(5, 70), (9, None)]) == [(5, 70), (9, None)]
    assert effective_times([]) == []


def test_equal_times_stay():
    assert effective_times([(1, 60), (2, 60)]) == [(1, 60), (2, 60)]
