"""URL scheme of the public site: every path comes from an id, never from a name.

Why ids: names are hostile, non-unique and change; ids (task id, USCC, office code, entry id)
are what the ledger signs. Each path segment is checked against a strict pattern before it is
used, so a hostile id can never escape its directory or inject markup into a URL.
"""

from __future__ import annotations

import re

from ..core.errors import PublisherError

LANGS = ("zh", "en")
SAFE_SEGMENT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$")


class UnsafeId(PublisherError, ValueError):
    """An id that cannot become a path segment."""


def seg(value: object) -> str:
    """A path segment for an id; refuses anything outside [0-9A-Za-z._-] or starting oddly."""
    text = str(value)
    if not SAFE_SEGMENT.fullmatch(text) or ".." in text:
        raise UnsafeId(f"id {text!r} cannot be used in a URL")
    return text


def safe_seg(value: object) -> str | None:
    try:
        return seg(value)
    except UnsafeId:
        return None


def lang_prefix(lang: str) -> str:
    return "" if lang == "zh" else f"{lang}/"


def page_file(path: str, lang: str = "zh") -> str:
    """Output file for a page path like 'task/T1/' (directory URL) or 'stats/x.csv'."""
    path = path.lstrip("/")
    full = lang_prefix(lang) + path
    if full == "" or full.endswith("/"):
        return full + "index.html"
    return full


def root_of(output_file: str) -> str:
    """Relative prefix from a written file back to the site root ('' at the top)."""
    return "../" * output_file.count("/")


# Page paths (language-neutral; prefix with lang_prefix for the English copy)
def task(task_id: str) -> str:
    return f"task/{seg(task_id)}/"


def company(target_id: str) -> str:
    return f"company/{seg(target_id)}/"


def office(code: str) -> str:
    return f"office/{seg(code)}/"


def plans_year(year: int) -> str:
    return f"plans/{int(year)}/"


def tasks_year(year: int) -> str:
    return f"tasks/{int(year)}/"


def results_year(year: int, page: int = 1) -> str:
    return f"results/{int(year)}/" if page == 1 else f"results/{int(year)}/{int(page)}/"


def office_entries(code: str, page: int = 1) -> str:
    return f"office/{seg(code)}/entries/" if page == 1 else f"office/{seg(code)}/entries/{int(page)}/"


def entry_file(office_code: str, seq: int) -> str:
    return f"ledger/entries/{seg(office_code)}/{int(seq):08d}.json"


def proof_file(entry_id: str) -> str:
    return f"proofs/{seg(entry_id)}.json"
