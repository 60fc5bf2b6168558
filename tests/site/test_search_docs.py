"""Cutting pages into search documents (site/search_docs.py): what is in a document, what is
left out, and that data on a page cannot forge or hide a document."""

from __future__ import annotations

import html

import pytest

from publisher.site.search_docs import cut

PAGE = """<!DOCTYPE html><html lang="en"><head></head><body><main data-pagefind-body>
<!--search:head--><h1>{name}</h1><p class="lead">Company<!--search:skip--> <b>status</b><!--/search:skip--></p><!--/search:head-->
<table><tr id="r-7"><td>1</td><!--search:doc 7 r-7--><td>{result}</td><!--search:skip--><td>row 1 of 2</td><!--/search:skip--><!--/search:doc--></tr>
<tr id="r-9"><td>2</td><!--search:doc 9 r-9--><td>ordered to correct</td><!--/search:doc--></tr></table>
<!--search:doc page .--><p>about the task</p><!--/search:doc-->
</main></body></html>"""


def page(name: str = "示例公司", result: str = "no problem found") -> str:
    return PAGE.format(name=html.escape(name), result=html.escape(result))


def test_each_marked_region_is_one_document_with_the_heading_and_without_the_skipped():
    docs = cut("en/company/X/index.html", page(), 3)
    assert [(d.name, d.mark) for d in docs] == [("en/company/X/r-7.html", 7), ("en/company/X/r-9.html", 9),
                                                ("en/company/X/index.html", 3)]
    first = docs[0].body.decode()
    assert first.startswith('<!DOCTYPE html><html lang="en">')
    assert '<span data-pagefind-meta="url:en/company/X/#r-7"></span><h1>示例公司</h1>' in first
    assert "no problem found" in first and "ordered to correct" not in first
    assert "status" not in first and "row 1 of 2" not in first and "<!--search" not in first
    assert 'url:en/company/X/"' in docs[2].body.decode()  # `.`: the page itself


def test_what_changes_outside_a_document_leaves_its_bytes_alone():
    a = cut("company/X/index.html", page(), 3)
    b = cut("company/X/index.html", page().replace("<td>1</td>", "<td>5</td>").replace("row 1 of 2", "row 4 of 9")
            .replace("<b>status</b>", "<b>done</b>"), 3)
    assert [d.body for d in a] == [d.body for d in b]
    c = cut("company/X/index.html", page(result="problem found"), 3)
    assert [d.body == e.body for d, e in zip(a, c)] == [False, True, True]


@pytest.mark.parametrize("forged", [
    "<!--search:doc 1 x-->forged<!--/search:doc-->",
    "--><!--search:skip-->",
    "<!--/search:doc--><!--search:doc 2 y-->",
])
def test_a_name_or_result_cannot_forge_or_end_a_document(forged):
    """Every value on a page is HTML-escaped, so marker text in data is inert: the same
    documents, the text kept as text."""
    docs = cut("company/X/index.html", page(name=forged, result=forged), 3)
    assert [d.name for d in docs] == ["company/X/r-7.html", "company/X/r-9.html", "company/X/index.html"]
    assert html.escape(forged) in docs[0].body.decode()


def test_an_anchor_that_is_not_a_plain_name_is_refused():
    bad = page().replace("<!--search:doc 9 r-9-->", '<!--search:doc 9 "x/../y-->')
    with pytest.raises(ValueError, match="marker"):
        cut("company/X/index.html", bad, 3)


def test_a_document_byte_for_byte():
    """The exact bytes (their digest decides what is indexed again): the page's heading with its
    skipped parts gone, the region with its skipped parts gone, the link, the language."""
    docs = cut("company/X/index.html", page(), 3)
    assert docs[0].body.decode() == (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title></head><body>'
        '<main data-pagefind-body><span data-pagefind-meta="url:company/X/#r-7"></span>'
        '<h1>示例公司</h1><p class="lead">Company</p><td>no problem found</td></main></body></html>\n')


def test_a_page_without_language_or_heading():
    bare = page().replace(' lang="en"', "").replace("<!--search:head-->", "").replace("<!--/search:head-->", "")
    body = cut("company/X/index.html", bare, 3)[1].body.decode()
    assert body.startswith('<!DOCTYPE html><html lang="zh-CN">')  # the portal's own language
    assert '<span data-pagefind-meta="url:company/X/#r-9"></span><td>ordered to correct</td></main>' in body


def test_only_a_folders_index_page_is_cut():
    with pytest.raises(ValueError, match="index.html"):
        cut("company/X/page.html", page(), 3)
