"""Append-only listings (a year's results, an office's entries): which pages a push can change.

The page count a page shows is stable except near the end (seen_pages), so a push re-renders the
first page, the last pages and the pages of rows it corrected; every other page is kept. The
build-level proof (an incremental build equals a full one with a page per row) is in
test_site_resume; these pin the arithmetic a small county cannot reach."""

from __future__ import annotations

from types import SimpleNamespace

from publisher.site.pages import _stale_result_pages, seen_pages, stale_pages


def test_pages_past_the_first_link_at_most_two_ahead():
    assert [seen_pages(n, 50) for n in (1, 2, 47, 48, 49, 50)] == [50, 4, 49, 50, 50, 50]
    assert seen_pages(7, 80) == seen_pages(7, 9) == 9  # page 7 does not change as pages 10, 11 ... come


def test_a_push_reaches_the_first_page_the_last_pages_and_corrected_rows_only():
    r = SimpleNamespace(dirty=SimpleNamespace(since=1000))
    # 100 rows of 10 before the push (10 pages), 5 appended (11 pages), row 35 corrected (page 4)
    assert stale_pages(r, 100, [35], 10, 11) == {1, 4, 8, 9, 10, 11}
    assert stale_pages(r, 95, [], 10, 10) == {1, 8, 9, 10}  # the last page filled up
    assert stale_pages(r, 3, [], 10, 1) == {1}
    assert stale_pages(SimpleNamespace(dirty=None), 100, [35], 10, 11) is None  # no dirty set: all


class Memory:
    def __init__(self, old: dict):
        self.old, self.state = old, {}

    def recall(self, name: str):
        return self.old.get(name)


def test_a_new_office_or_category_in_the_filter_form_reaches_every_page(tmp_path):
    from publisher.site.incremental import digest
    from publisher.site.model import SiteIndex

    ix = SiteIndex(tmp_path / "site.sqlite")
    ix.db.executemany("INSERT INTO results(idx, year, target_id) VALUES (?, 2026, 'x')", [(i,) for i in range(30)])
    ix.db.commit()
    filters = {"offices": ["scjgj"], "categories": [], "lateness": ["on_time"]}
    same = Memory({"results-filters": {"2026": digest(filters)}})
    r = SimpleNamespace(dirty=SimpleNamespace(since=25), incremental=same)
    assert _stale_result_pages(ix, r, 2026, 10, 3, filters) == {1, 2, 3}
    assert _stale_result_pages(ix, r, 2026, 2, 15, filters) == {1, *range(11, 16)}
    assert same.state["results-filters"] == {"2026": digest(filters)}  # remembered for the next build
    other = Memory({"results-filters": {"2026": digest({**filters, "offices": ["scjgj", "wjj"]})}})
    r = SimpleNamespace(dirty=SimpleNamespace(since=25), incremental=other)
    assert _stale_result_pages(ix, r, 2026, 2, 15, filters) is None
    ix.close()


def test_a_corrected_result_marks_the_page_it_stands_on(tmp_path):
    """The push corrects rows at log indexes 5 and 14 of 2026 (a row of 2025 sits between them):
    they stand at positions 3 and 11 (from 0) of 2026's listing: pages 2 and 6, at two rows a page."""
    from publisher.site.incremental import digest
    from publisher.site.model import SiteIndex

    ix = SiteIndex(tmp_path / "site.sqlite")
    rows = [(i, 2025 if i in (2, 7) else 2026, 40 if i in (5, 14) else None) for i in range(1, 31)]
    ix.db.executemany("INSERT INTO results(idx, year, superseded_by, target_id) VALUES (?, ?, ?, 'x')", rows)
    ix.db.commit()
    filters = {"offices": ["scjgj"]}
    r = SimpleNamespace(dirty=SimpleNamespace(since=25), incremental=Memory({"results-filters": {"2026": digest(filters)}}))
    # 22 rows of 2026 before 25: pages 1..11 old; 9..15 may grow; the corrected ones add 2 and 6
    assert _stale_result_pages(ix, r, 2026, 2, 15, filters) == {1, 2, 6, *range(9, 16)}
    ix.db.execute("UPDATE results SET superseded_by=NULL")
    assert _stale_result_pages(ix, r, 2026, 2, 15, filters) == {1, *range(9, 16)}
    ix.close()
