"""Search documents: the small HTML files Pagefind indexes, cut from the rendered pages.

Why not index the pages themselves: a company page lists every result of the company, so a push
of results rewrote searchable pages all over the log, and a county's index was rebuilt whole
(17 s for 61 results). A search document is one fact that does not change once published (one
result, one non-cooperation record, a task's description) and carries the log index it comes
from, so a push adds documents to the newest shard and leaves every other shard's bytes alone.

Templates mark, in the page they render (HTML comments: invisible, and never produced by data,
because every value in a page is HTML-escaped and ``<!--`` cannot survive escaping):

``<!--search:head-->…<!--/search:head-->``   what every document of the page starts with (its
                                           ``h1`` is the result's title, its type meta the tag)
``<!--search:doc N A-->…<!--/search:doc-->``  one document: ``N`` its log index (``page``: the
                                           page's own mark), ``A`` the anchor its link points to
                                           (``.``: the page itself)
``<!--search:skip-->…<!--/search:skip-->``   left out of documents: what changes as results
                                           arrive (statuses, row numbers, a task's results table)

A document links to its page (``data-pagefind-meta="url:…"``, resolved by search.js against the
site root), never to the document file, which exists only while Pagefind reads it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_HEAD = re.compile(r"<!--search:head-->(.*?)<!--/search:head-->", re.S)
_DOC = re.compile(r"<!--search:doc ([^>]*?)-->(.*?)<!--/search:doc-->", re.S)
_DOC_ARGS = re.compile(r"(\d+|page) ([A-Za-z0-9_-]+|\.)")
_SKIP = re.compile(r"<!--search:skip-->.*?<!--/search:skip-->", re.S)
_LANG = re.compile(r'<html lang="([^"]+)"')


@dataclass(frozen=True)
class Doc:
    name: str  # path in the temporary site Pagefind reads: <page dir>/<anchor>.html
    mark: int | None  # the log index it comes from (its shard); None: none known
    body: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def cut(page: str, html: str, page_mark: int | None) -> list[Doc]:
    """The documents marked in ``html``, the page at ``page`` (site-relative, ``…/index.html``)."""
    lang_m = _LANG.search(html)
    lang = lang_m.group(1) if lang_m else "zh-CN"
    head_m = _HEAD.search(html)
    head = _SKIP.sub("", head_m.group(1)) if head_m else ""
    if not page.endswith("index.html"):  # the site's URL scheme: every page is a folder's index
        raise ValueError(f"{page}: only a folder's index.html is cut into search documents")
    base = page[: -len("index.html")]
    out = []
    for m in _DOC.finditer(html):
        args, content = m.groups()
        ok = _DOC_ARGS.fullmatch(args)
        if ok is None:
            raise ValueError(f"{page}: search document marker {args!r} is not '<log index or page> <anchor or .>'")
        mark_s, anchor = ok.groups()
        mark = page_mark if mark_s == "page" else int(mark_s)
        url = base + ("" if anchor == "." else f"#{anchor}")
        name = base + ("index.html" if anchor == "." else f"{anchor}.html")
        body = ('<!DOCTYPE html><html lang="' + lang + '"><head><meta charset="utf-8"><title></title></head>'
                '<body><main data-pagefind-body><span data-pagefind-meta="url:' + url + '"></span>'
                + head + _SKIP.sub("", content) + "</main></body></html>\n")
        out.append(Doc(name, mark, body.encode("utf-8")))
    return out
