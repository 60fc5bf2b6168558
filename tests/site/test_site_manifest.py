"""The page manifest (site.incremental): each distinct fact a page read is saved once, pages
name theirs by number, and a reloaded manifest keeps or re-renders pages exactly as before."""

from __future__ import annotations

import json

import pytest

from publisher.site.incremental import MAGIC, Manifest


def render(m: Manifest, out, name: str, common: dict, data: dict) -> bool:
    """One page as Renderer.page does it; True when it was (re)written."""
    job = m.begin(name, "zh", "tmpl", data, common=common)
    assert job is not None
    if job.fresh():
        return False
    ctx = job.context(common)
    text = f"{ctx['C']['SITENAME']} {data}"
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(text, "utf-8")
    job.done()
    return True


def saved(m: Manifest) -> dict:
    """The saved manifest: its header, with "pages" read from its one line per page."""
    data = m.path.read_bytes()
    assert data.startswith(MAGIC)
    head, *lines = data[len(MAGIC) + 32:].decode().splitlines()
    obj = json.loads(head)
    assert "pages" not in obj
    obj["pages"] = {name: json.loads(rec) for name, _, rec in (x.partition("\t") for x in lines)}
    return obj


def save(m: Manifest, obj: dict) -> None:
    """Write ``obj`` (as :func:`saved` returns it) as the manifest, signed with the machine key."""
    import hashlib
    import hmac

    head = {k: v for k, v in obj.items() if k != "pages"}
    body = (json.dumps(head) + "\n" + "".join(f"{n}\t{json.dumps(r)}\n" for n, r in obj["pages"].items())).encode()
    m.path.write_bytes(MAGIC + hmac.new(m.mac_key, body, hashlib.sha256).digest() + body)


def test_facts_are_saved_once_and_pages_name_them(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    common = {"C": {"SITENAME": "某县", "other": 1}}
    m = Manifest(out, "key", cache_root=cache)
    assert not m.load()
    names = [f"company/{i}/index.html" for i in range(50)]
    assert all(render(m, out, n, common, {"i": i}) for i, n in enumerate(names))
    m.finish()
    obj = saved(m)
    assert obj["facts"] == [['["C", "SITENAME"]', obj["facts"][0][1]]]
    assert all(obj["pages"][n]["facts"] == [0] for n in names)

    again = Manifest(out, "key", cache_root=cache)
    assert again.load()
    assert not any(render(again, out, n, common, {"i": i}) for i, n in enumerate(names))
    assert render(again, out, names[3], common, {"i": "changed"})
    again.finish()

    renamed = Manifest(out, "key", cache_root=cache)
    assert renamed.load()
    common2 = {"C": {"SITENAME": "另一个县", "other": 1}}  # the fact every page read changed
    assert all(render(renamed, out, n, common2, {"i": i}) for i, n in enumerate(names))


def two_pages(tmp_path):
    """A manifest saved with two written pages, a/ and b/, that read one fact."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    common = {"C": {"SITENAME": "x"}}
    m = Manifest(out, "key", cache_root=cache)
    assert render(m, out, "a/index.html", common, {}) and render(m, out, "b/index.html", common, {})
    m.finish()
    return out, cache, common, m


@pytest.mark.parametrize("bad", [[7], [-1], [0, 1], ["0"], None])
def test_a_record_naming_a_fact_the_table_does_not_hold_is_not_kept(tmp_path, bad):
    """A page's record whose fact numbers are not numbers of the saved table is never trusted:
    that page is rendered again (the records are read when a page asks, not all at load; -1 is
    not "the last fact"). The other pages are kept."""
    out, cache, common, m = two_pages(tmp_path)
    obj = saved(m)
    assert obj["facts"] and obj["pages"]["a/index.html"]["facts"] == [0]
    obj["pages"]["a/index.html"]["facts"] = bad
    save(m, obj)
    again = Manifest(out, "key", cache_root=cache)
    assert again.load()
    assert again.keepable("a/index.html", "zh", common) is None
    assert again.keepable("b/index.html", "zh", common) is not None
    assert render(again, out, "a/index.html", common, {}) and not render(again, out, "b/index.html", common, {})


@pytest.mark.parametrize("damage", [b"no tab here\n", b"a/index.html\t[1, 2]\n", b"a/index.html\t{not json\n"])
def test_a_damaged_page_line_is_a_full_build_or_that_page_rendered(tmp_path, damage):
    """A page line without its tab makes the manifest unusable (a full build); a record that is
    not a JSON object makes only its page rendered again."""
    import hashlib
    import hmac

    out, cache, common, m = two_pages(tmp_path)
    data = m.path.read_bytes()
    head, _, pages = data[len(MAGIC) + 32:].partition(b"\n")
    lines = [x + b"\n" for x in pages.split(b"\n") if x and not x.startswith(b"a/index.html\t")]
    body = head + b"\n" + damage + b"".join(lines)
    m.path.write_bytes(MAGIC + hmac.new(m.mac_key, body, hashlib.sha256).digest() + body)
    again = Manifest(out, "key", cache_root=cache)
    if b"\t" not in damage:
        assert not again.load()
        return
    assert again.load()
    assert render(again, out, "a/index.html", common, {}) and not render(again, out, "b/index.html", common, {})


def test_the_search_index_is_unchanged_only_if_no_listed_page_was_written_or_lost(tmp_path):
    """Asked at the seal (site.build.EarlySearch.wanted): a push that wrote a searchable page,
    or did not make one the previous build listed (gone, or no longer searchable), changes the
    index; keeping every listed page and writing only unlisted ones does not."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    common = {"C": {"SITENAME": "某县"}}

    def page(m: Manifest, name: str, data: dict, searchable: bool) -> None:
        job = m.begin(name, "zh", "tmpl", data, searchable, common=common)
        if not job.fresh():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(f"{data}", "utf-8")
            job.done()

    first = Manifest(out, "key", cache_root=cache)
    assert not first.search_unchanged()  # no previous build: nothing to keep
    page(first, "task/T1/index.html", {"t": 1}, True)
    page(first, "company/A/index.html", {"a": 1}, True)
    page(first, "offices/index.html", {"o": 1}, False)
    first.finish()

    def again() -> Manifest:
        m = Manifest(out, "key", cache_root=cache)
        assert m.load()
        return m

    kept = again()
    page(kept, "task/T1/index.html", {"t": 1}, True)
    page(kept, "company/A/index.html", {"a": 1}, True)
    assert kept.search_unchanged()
    page(kept, "offices/index.html", {"o": 2}, False)  # an unlisted page written: still unchanged
    assert kept.search_unchanged()

    lost = again()  # company A not (yet) made when every searchable page should have been
    page(lost, "task/T1/index.html", {"t": 1}, True)
    assert not lost.search_unchanged()
    page(lost, "company/A/index.html", {"a": 1}, False)  # made, same data, but no longer searchable
    assert lost.record("company/A/index.html")["search"] is False  # written again, not kept as listed
    assert not lost.search_unchanged()

    written = again()  # (last: its page file changes on disk without a saved manifest)
    page(written, "task/T1/index.html", {"t": 2}, True)
    page(written, "company/A/index.html", {"a": 1}, True)
    assert not written.search_unchanged()


def test_facts_no_page_names_are_dropped_when_the_table_is_numbered_afresh(tmp_path, monkeypatch):
    """A push appends the pairs of facts that changed and keeps every other page's numbers as
    read; once the table has doubled it is numbered afresh. Across that, each page still names
    its own facts: unchanged pages are kept, and a page whose fact changed is rendered again."""
    monkeypatch.setattr(Manifest, "RENUMBER_MIN", 2)
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    names = [f"company/{i}/index.html" for i in range(12)]

    def page(m: Manifest, i: int, common: dict) -> bool:
        job = m.begin(names[i], "zh", "tmpl", {"i": i}, common=common)
        if job.fresh():
            return False
        ctx = job.context(common)
        (out / names[i]).parent.mkdir(parents=True, exist_ok=True)
        (out / names[i]).write_text(f"{ctx['C'][f'office{i % 4}']} {i}", "utf-8")
        job.done()
        return True

    offices = {f"office{k}": f"name{k}" for k in range(4)}
    m = Manifest(out, "key", cache_root=cache)
    assert all(page(m, i, {"C": dict(offices)}) for i in range(12))
    m.finish()
    sizes = []
    for rnd in range(6):  # each push renames office 0: its three pages are written again
        offices["office0"] = f"renamed{rnd}"
        m = Manifest(out, "key", cache_root=cache)
        assert m.load()
        written = [i for i in range(12) if page(m, i, {"C": dict(offices)})]
        assert written == [0, 4, 8], (rnd, written)
        m.finish()
        sizes.append(len(saved(m)["facts"]))
    assert sizes == [5, 6, 7, 8, 4, 5], sizes  # appended until past twice the last numbering (4), then afresh
    m = Manifest(out, "key", cache_root=cache)
    assert m.load()
    offices["office2"] = "moved"
    assert [i for i in range(12) if page(m, i, {"C": dict(offices)})] == [2, 6, 10]


def test_integer_calls_are_checked_in_one_pass_and_a_changed_answer_still_renders(tmp_path, monkeypatch):
    """``proved(idx)``-like facts (a tracked helper, one integer argument: one distinct fact per
    entry shown) are re-evaluated in one pass over the table, not one parsed key at a time; a
    page whose call now answers otherwise is rendered again, the others are kept."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()

    def common_at(size: int) -> dict:
        return {"C": {"SITENAME": "某县"}, "proved": lambda idx: idx < size}

    def page(m: Manifest, i: int, common: dict) -> bool:
        job = m.begin(f"entries/{i}/index.html", "zh", "tmpl", {"i": i}, common=common)
        if job.fresh():
            return False
        ctx = job.context(common)
        text = f"{ctx['C']['SITENAME']} {[ctx['proved'](k) for k in (2 * i, 2 * i + 1)]}"
        (out / f"entries/{i}").mkdir(parents=True, exist_ok=True)
        (out / f"entries/{i}/index.html").write_text(text, "utf-8")
        job.done()
        return True

    m = Manifest(out, "key", cache_root=cache)
    m.load()
    assert all(page(m, i, common_at(10)) for i in range(20))
    m.finish()
    calls = []
    real = Manifest._fact
    monkeypatch.setattr(Manifest, "_fact", lambda self, lang, key: calls.append(key) or real(self, lang, key))
    again = Manifest(out, "key", cache_root=cache)
    assert again.load()
    rendered = [i for i in range(20) if page(again, i, common_at(13))]
    assert rendered == [5, 6]  # entries 10..12 are newly proved: pages 5 (10, 11) and 6 (12, 13)
    one_by_one = {k for k in calls if k.startswith('["call"')}
    assert one_by_one <= {f'["call", ["proved", null], [{k}]]' for k in (10, 11, 12)}, one_by_one  # changed ones only


def test_an_integer_call_that_now_fails_renders_its_page_instead_of_failing_the_build(tmp_path):
    """A recorded helper call that raises when evaluated again (its answer cannot be known) makes
    the page one to render, in the one-pass check as in the per-fact one — never a failed build."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    m = Manifest(out, "key", cache_root=cache)
    m.load()
    common = {"C": {}, "oname": lambda code: f"office {code}"}
    job = m.begin("office/1/index.html", "zh", "tmpl", {"i": 1}, common=common)
    (out / "office/1").mkdir(parents=True)
    (out / "office/1/index.html").write_text(job.context(common)["oname"](7), "utf-8")
    job.done()
    m.finish()

    def gone(code):
        raise KeyError(code)
    again = Manifest(out, "key", cache_root=cache)
    assert again.load()
    assert again.keepable("office/1/index.html", "zh", {"C": {}, "oname": gone}) is None
    third = Manifest(out, "key", cache_root=cache)
    assert third.load()
    assert third.keepable("office/1/index.html", "zh", common) is not None


def test_a_helper_both_languages_share_is_asked_once_and_per_language_ones_stay_apart(tmp_path):
    """``draw_history`` is one object in both languages' contexts: a kept page's recorded call is
    answered once for zh and en. ``chrome`` is one per language: its answers are never mixed, so a
    change in one language's answer re-renders that language's page only."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()

    class History:
        def __init__(self):
            self.asked = 0

        def task(self, tid):
            self.asked += 1
            return [{"task": tid}]

    class Chrome:
        def __init__(self, word):
            self.word = word

        def nav(self, here):
            return f"{self.word} {here}"

    def page(m: Manifest, lang: str, common: dict) -> bool:
        name = f"{'en/' if lang == 'en' else ''}task/T1/index.html"
        job = m.begin(name, lang, "tmpl", {"t": "T1"}, common=common)
        if job.fresh():
            return False
        ctx = job.context(common)
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(f"{ctx['draw_history'].task('T1')} {ctx['chrome'].nav('T1')}", "utf-8")
        job.done()
        return True

    def commons(history, en_word="Tasks", zh_word="任务"):
        return {lang: {"C": {}, "draw_history": history, "chrome": Chrome(word)}
                for lang, word in (("zh", zh_word), ("en", en_word))}

    m = Manifest(out, "key", cache_root=cache)
    m.load()
    first = commons(History())
    assert page(m, "zh", first["zh"]) and page(m, "en", first["en"])
    m.finish()

    history = History()
    again = Manifest(out, "key", cache_root=cache)
    assert again.load()
    c = commons(history)
    assert not page(again, "zh", c["zh"]) and not page(again, "en", c["en"])
    assert history.asked == 1  # once for both languages
    again.finish()

    third = Manifest(out, "key", cache_root=cache)
    assert third.load()
    c = commons(History(), en_word="Inspections")  # only English's navigation changed
    assert [page(third, lang, c[lang]) for lang in ("zh", "en")] == [False, True]
    third.finish()

    fourth = Manifest(out, "key", cache_root=cache)
    assert fourth.load()  # Chinese now answers what English answered last build: English changed too
    c = commons(History(), en_word="Checks", zh_word="Inspections")
    assert [page(fourth, lang, c[lang]) for lang in ("zh", "en")] == [True, True]


def test_the_size_and_mtime_of_a_recorded_page_are_known_without_a_stat(tmp_path):
    """``file_of``: a page the build kept answers with the size and mtime ``keepable`` found, a page
    it wrote with its stat after the write; a page it never made answers None (the search index
    stats those)."""
    import os

    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    common = {"C": {"SITENAME": "某县"}}
    m = Manifest(out, "key", cache_root=cache)
    m.load()
    assert render(m, out, "a/index.html", common, {"i": 1}) and render(m, out, "b/index.html", common, {"i": 2})
    m.finish()
    again = Manifest(out, "key", cache_root=cache)
    assert again.load()
    assert not render(again, out, "a/index.html", common, {"i": 1})  # kept
    assert render(again, out, "b/index.html", common, {"i": 3})  # written
    for name in ("a/index.html", "b/index.html"):
        st = os.stat(out / name)
        assert again.file_of(name) == (st.st_size, st.st_mtime_ns)
    assert again.file_of("c/index.html") is None
    # saved, the manifest lets go of the contexts (they reach the verifier's state) and the facts;
    # what the search index asks next still answers
    again.finish()
    assert again.common == {} and again._table == [] and again._memo == {}
    assert again.file_of("a/index.html") == (os.stat(out / "a/index.html").st_size, os.stat(out / "a/index.html").st_mtime_ns)
    assert again.search_unchanged() and again.kept == 1 and again.rendered == 1  # (no page here is searchable)
