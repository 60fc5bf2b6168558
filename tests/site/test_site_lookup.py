"""Company lookup from the outside: every directory company has a page, and the static name
index finds it by full name, by any part of its name, or by USCC (file level; the browser
measurements over the sample county are in test_site_lookup_browser.py)."""

from __future__ import annotations

import json

from site_ledger import XSS_SCRIPT

from publisher.site import lookup
from publisher.site.lookup import gram_hash, normalize


def directory(county) -> list[dict]:
    blobs = sorted((county.ledger / "blobs").iterdir())
    out = []
    for b in blobs:
        for line in b.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if "risk" in rec:  # the targets snapshot (inspectors have no risk class)
                out.append(rec)
    assert out
    return out


def test_every_directory_company_has_a_page_and_never_inspected_ones_say_so(site, county):
    companies = directory(county)
    inspected = never = 0
    for rec in companies:
        if rec["name"].startswith(("<", '"')):
            continue  # hostile names are checked in test_site_xss
        page = site / "company" / rec["id"] / "index.html"
        assert page.is_file(), rec["id"]
        html = page.read_text(encoding="utf-8")
        assert rec["name"] in html
        if 'id="never-inspected"' in html:
            never += 1
            assert "暂无抽查检查信息" in html
            assert "data-pagefind-body" not in html  # only inspected companies are in the full-text index
            en = (site / "en" / "company" / rec["id"] / "index.html").read_text(encoding="utf-8")
            assert "No random inspection on record" in en
        else:
            inspected += 1
    assert never > 0 and inspected > 0, (never, inspected)


def test_full_name_is_always_the_first_result(site, county):
    for rec in directory(county):
        rows = lookup.query(site, rec["name"])
        exact = [r for r in rows if normalize(r[1]) == normalize(rec["name"])]
        assert rows[:len(exact)] == exact, rec["name"]  # exact names before any longer name
        assert rec["id"] in [r[0] for r in exact], rec["name"]


def test_any_two_character_part_and_the_uscc_find_the_company(site, county):
    for rec in directory(county)[:20]:
        name = normalize(rec["name"])
        for i in range(len(name) - 1):
            part = name[i:i + 2]
            assert rec["id"] in [r[0] for r in lookup.query(site, part)], (rec["name"], part)
        assert lookup.query(site, rec["id"].lower())[0][0] == rec["id"]
        # full-width and spaced input is normalised the same way
        spaced = " ".join(rec["name"])
        assert rec["id"] in [r[0] for r in lookup.query(site, spaced)]


def test_a_name_that_is_not_there_finds_nothing_and_one_character_is_refused(site):
    assert lookup.query(site, "不存在的企业名称甲乙丙") == []
    assert lookup.query(site, "食") == []


def test_hostile_names_are_data_in_the_index(site, county):
    rows = lookup.query(site, XSS_SCRIPT + "恶意企业")
    assert rows and rows[0][0] == county.hostile_company
    assert rows[0][1] == XSS_SCRIPT + "恶意企业"  # stored as text; lookup.js inserts it with textContent


def test_index_holds_names_and_ids_only_in_small_files(site):
    meta = json.loads((site / "lookup" / "meta.json").read_text(encoding="utf-8"))
    assert meta["companies"] >= 40
    biggest = max(p.stat().st_size for p in (site / "lookup").rglob("*.json"))
    assert biggest < 16_000, biggest
    for p in (site / "lookup" / "c").glob("*.json"):
        for gram, (count, where) in json.loads(p.read_text(encoding="utf-8")).items():
            assert gram_hash(gram, meta["buckets"]) == int(p.stem)
            if isinstance(where, list):
                assert len(where) == count
                assert all(len(e) == 3 and isinstance(e[0], str) and isinstance(e[1], str) and isinstance(e[2], int)
                           for e in where)


def test_gram_hash_matches_the_javascript_fnv1a():
    # FNV-1a 32-bit over code points: fixed values so lookup.js and lookup.py cannot drift
    assert gram_hash("", 1 << 32) == 0x811C9DC5
    assert gram_hash("a", 1 << 32) == 0xE40C292C  # the published FNV-1a test value for "a"
    assert gram_hash("食品", 64) == gram_hash("食品", 1 << 32) % 64


def test_home_page_has_a_search_box_and_every_page_links_to_search(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'action="search/"' in home and 'name="q"' in home
    task = next((site / "task").iterdir()) / "index.html"
    assert 'class="header-search" href="../../search/"' in task.read_text(encoding="utf-8")


def test_a_lookup_file_is_the_compact_json_the_page_script_reads():
    """The lookup's bytes are ``json.dumps(ensure_ascii=False, compact)``'s, whatever the names hold
    (control characters, quotes, backslashes, U+2028, astral characters, private use), and a
    bucket keyed by numbers has them as strings, as json gives them."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    def reference(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    names = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
    rows = st.lists(st.tuples(names, names, st.integers(0, 10**6)).map(list), max_size=4)

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(names, st.one_of(st.tuples(st.integers(0, 10**6), rows).map(list),
                                            st.tuples(st.integers(0, 10**6), st.integers(0, 99)).map(list))))
    def check(bucket):
        assert lookup.encode(bucket) == reference(bucket)
        assert lookup.encode(list(bucket.items())) == reference(list(bucket.items()))

    check()
    odd = {"a\x00\x1f\x7f\"\\/\n\t\r\b\f": [1, [["91X", "\u2028\u2029𠀀😀\ue000", 3]]], 7: [2, 0]}
    assert lookup.encode(odd) == reference(odd)
