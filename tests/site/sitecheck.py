"""Helpers to inspect a built site from its files: pages, links, and where they point."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.meta_csp: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.meta_csp.append(a.get("content") or "")
        attr = LINK_ATTRS.get(tag)
        if attr and a.get(attr) is not None:
            self.links.append((tag, a[attr]))


def parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text("utf-8"))
    return p


def resolve(site: Path, page: Path, url: str) -> Path | None:
    """The file an internal URL points to, or None for external/fragment-only/query-only URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    if url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    bad = []
    root = site.resolve()
    for page in html_files(site):
        for _tag, url in parse(page).links:
            target = resolve(site, page, url)
            if target is None:
                continue
            if root not in target.parents and target != root:
                bad.append(f"{page.relative_to(site)}: {url} leaves the site")
            elif not target.is_file():
                bad.append(f"{page.relative_to(site)}: {url} -> missing {target.relative_to(root) if root in target.parents else target}")
    return bad
