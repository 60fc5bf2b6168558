"""Chinese pages speak Chinese: no raw codes or English words in the text a citizen reads.

Every Chinese page of the built test site is reduced to its visible text (no scripts, styles,
attributes); each run of ASCII letters must be an allowed kind of token: an id the ledger
signs (USCC, task id, entry id, key id, hash), a proper noun or standard name (drand, JSON,
GB/T ...), or a credit-risk class letter written the official way (A类). Anything else — a
field name, an enum code, an English phrase — fails with the page and the word.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from site_ledger import XSS_IMG, XSS_JS, XSS_SCRIPT
from sitecheck import html_files

PAYLOADS = (XSS_SCRIPT, XSS_IMG, XSS_JS)  # hostile ledger text in the test ledger: data, not labels

ALLOWED_WORDS = {
    # proper nouns, standards, formats and commands a Chinese page names as they are
    "drand", "JSON", "CSV", "XLSX", "Excel", "SHA", "Ed25519", "RFC", "Atom", "JavaScript", "English", "GB",
    "T", "Schema", "Pagefind", "publisher", "verify", "git", "ledger", "log", "checkpoints", "entries",
    "blobs", "trust", "proofs", "BLS", "League", "of", "Entropy", "HTML", "URL", "ID", "Merkle", "Node", "js",
    "Python", "Chromium", "CC", "BY", "Apache", "zip", "schemas", "note", "SAMPLE", "https", "http", "www",
}
ALLOWED_PATTERNS = [
    re.compile(r"^[0-9A-Z]{18}$"),  # USCC
    re.compile(r"^[0-9a-f]{6,}$"),  # hashes, entry ids, key ids
    re.compile(r"^[A-Z]{1,5}$"),  # risk classes (A类), id prefixes (T-2026-001, SC-01, SCJGJ-003)
    re.compile(r"^P\d{1,3}$"),  # plan task numbers (计划任务编号 P1)
    re.compile(r"^[kn]$"),  # the draw's n and k (层内对象数 n, 抽取数 k)
    re.compile(r"^0x00$"),  # the separator byte in the published formulas
]
TOKEN = re.compile(r"[A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")


VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}
SKIP = {"script", "style", "noscript", "code", "pre"}


class _Text(HTMLParser):
    """Visible text, leaving out scripts, code samples and elements marked lang="en"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: does it (or an ancestor) hide its text?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        hidden = (bool(self.stack) and self.stack[-1]) or tag in SKIP or \
            (dict(attrs).get("lang") or "").startswith("en")
        self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(path: Path) -> str:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    text = " ".join(p.parts)
    text = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", text)  # e-mail addresses
    for payload in PAYLOADS:
        text = text.replace(payload, " ")
    return text


def allowed(word: str) -> bool:
    return word in ALLOWED_WORDS or any(p.match(word) for p in ALLOWED_PATTERNS)


def ascii_words(site: Path) -> dict[str, set[str]]:
    bad: dict[str, set[str]] = {}
    for page in html_files(site):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("en/", "theme/", "verify/")):  # English site; the verifier app has its own test
            continue
        for word in TOKEN.findall(visible_text(page)):
            # ids may carry hyphens/dots; check each piece of a dotted/hyphenated id separately
            if not allowed(word):
                bad.setdefault(word, set()).add(rel)
    return bad


def test_no_ascii_codes_or_english_on_chinese_pages(site):
    bad = ascii_words(site)
    report = "\n".join(f"{w}: {len(p)} pages, e.g. {sorted(p)[:2]}" for w, p in sorted(bad.items()))
    assert bad == {}, report


def test_the_check_itself_catches_a_raw_code(tmp_path):
    (tmp_path / "index.html").write_text(
        '<html><body><a lang="en">English</a><p>风险 risks: A · 行业 F5292 <code>raw</code></p><br><p>B类</p>'
        '<span lang="en">other words</span><p>office scjgj</p></body></html>', encoding="utf-8")
    bad = ascii_words(tmp_path)
    assert set(bad) == {"risks", "F5292", "office", "scjgj"}
