"""Every "verify this draw" link stays in the page's language."""

from __future__ import annotations

import posixpath
import re


def test_task_pages_link_to_the_verifier_in_their_language(site):
    pages = [p for p in (site / "en").rglob("index.html") if "verify/?task=" in p.read_text("utf-8")]
    assert pages, "no English page links to the verifier"
    for p in pages:
        for href in re.findall(r'href="([^"]*verify/\?task=[^"]*)"', p.read_text("utf-8")):
            rel = posixpath.normpath(posixpath.join(str(p.parent.relative_to(site)), href.split("?")[0]))
            assert rel == "en/verify", (p, href)
    zh = [p for p in site.rglob("index.html") if not str(p.relative_to(site)).startswith("en/")
          and "verify/?task=" in p.read_text("utf-8")]
    assert zh
    for p in zh:
        for href in re.findall(r'href="([^"]*verify/\?task=[^"]*)"', p.read_text("utf-8")):
            assert posixpath.normpath(posixpath.join(str(p.parent.relative_to(site)), href.split("?")[0])) == "verify"
