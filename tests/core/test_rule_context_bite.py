"""``Context.accepted_at``: the earliest proof time of any checkpoint containing a log index.

Every time rule (future-dated entries, a draw's "checkpoint before the beacon round") reads it,
so each case is exact: the entry at index i is in a checkpoint of size > i (not >=); a
checkpoint without a proof time (below the witness quorum) proves nothing; an earlier proof
time of a larger checkpoint wins; the answer follows the checkpoint list when it grows."""

from __future__ import annotations

from publisher.core.rules.base import Context


def ctx(cps):
    return Context(trust=None, blobs=None, checkpoints=list(cps))


def test_an_index_is_in_checkpoints_strictly_larger():
    c = ctx([(3, 100), (5, 200)])
    assert [c.accepted_at(i) for i in range(7)] == [100, 100, 100, 200, 200, None, None]


def test_a_larger_checkpoint_with_an_earlier_time_proves_the_prefix_earlier():
    c = ctx([(3, 300), (5, 200), (8, 250)])
    assert [c.accepted_at(i) for i in (0, 2, 3, 4, 5, 7, 8)] == [200, 200, 200, 200, 250, 250, None]


def test_equal_times_and_checkpoints_without_a_proof_time():
    c = ctx([(2, None), (4, 150), (6, None), (9, 150)])
    assert [c.accepted_at(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)] == [150] * 8 + [None]
    assert ctx([(2, None)]).accepted_at(0) is None
    assert ctx([]).accepted_at(0) is None


def test_the_answer_follows_a_grown_checkpoint_list():
    c = ctx([(2, 500)])
    assert c.accepted_at(3) is None
    c.checkpoints.append((4, 400))
    assert c.accepted_at(3) == 400 and c.accepted_at(0) == 400
    c.checkpoints = [(2, 50)]
    assert c.accepted_at(0) == 50 and c.accepted_at(3) is None
