"""The yearly cap (001 第七条) at its margins: 30 eligible targets count and 29 do not, the second
draw of a year caps and the first does not, a draw is counted once, overrides lift the cap, and
only the last two years are kept."""

from __future__ import annotations

from publisher.draw.cap import CAP_BASIS, CAP_LIMIT, CAP_MIN_POPULATION, CAP_REASON, CapTable, draw_counts


def test_the_constants_of_the_regulation():
    assert (CAP_LIMIT, CAP_MIN_POPULATION, CAP_REASON, CAP_BASIS) == (2, 30, "cap", "001 第七条")


def test_a_draw_over_thirty_targets_counts_over_twenty_nine_not():
    assert draw_counts(30) is True and draw_counts(31) is True
    assert draw_counts(29) is False and draw_counts(0) is False


def test_two_draws_cap_a_target_one_does_not():
    cap = CapTable()
    cap.add(2026, "T", "c1")
    assert (cap.count(2026, "T"), cap.capped(2026)("T")) == (1, False)
    cap.add(2026, "T", "c2")
    assert (cap.count(2026, "T"), cap.draws(2026, "T"), cap.capped(2026)("T")) == (2, ["c1", "c2"], True)
    cap.add(2026, "T", "c3")  # a third inspection is possible ("in principle"); the cap names two draws
    assert cap.draws(2026, "T") == ["c1", "c2"]
    assert cap.capped(2026, overrides={"T"})("T") is False and cap.capped(2026, overrides={"U"})("T") is True
    assert cap.capped(2025)("T") is False and cap.capped(2026)("U") is False
    assert (cap.count(2026, "U"), cap.draws(2026, "U"), cap.count(2027, "T"), cap.draws(2025, "T")) == (0, [], 0, [])


def test_one_draw_counts_once_however_many_results():
    cap = CapTable()
    cap.add(2026, "T", "c1")
    cap.add(2026, "T", "c1")
    assert (cap.count(2026, "T"), cap.capped(2026)("T")) == (1, False)


def test_years_are_kept_apart_and_only_the_last_two_are_kept():
    cap = CapTable()
    cap.add(2024, "T", "a")
    cap.add(2025, "T", "b")
    cap.add(2026, "T", "c")
    assert (cap.draws(2024, "T"), cap.draws(2025, "T"), cap.draws(2026, "T")) == ([], ["b"], ["c"])
    cap.add(2025, "U", "d")  # an older year never purges a newer one
    assert cap.draws(2026, "T") == ["c"] and cap.draws(2025, "U") == ["d"]


def test_add_draw_counts_every_target_with_distinct_anonymous_ids():
    cap = CapTable()
    cap.add_draw(2026, ["A", "B"])
    cap.add_draw(2026, ["A"])
    assert cap.draws(2026, "A") == [f"{1:064x}", f"{2:064x}"] and cap.draws(2026, "B") == [f"{1:064x}"]
    cap.add_draw(2026, ["B"], "named")
    assert cap.draws(2026, "B") == [f"{1:064x}", "named"]
