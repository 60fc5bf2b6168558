"""Atom feeds of new draws and new results, in Chinese and English.

Why feedgenerator directly (it ships with Pelican): Pelican's feed writer expects its own
content objects and strips tags from titles as if they were HTML; ledger text is plain text, so
it is handed to feedgenerator as text, which escapes it for XML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from feedgenerator import Atom1Feed

from .i18n import STRINGS
from .load import Loaded
from .pages import RESULT_COLS
from .render import Renderer
from .urls import lang_prefix, safe_seg
from .views import loads, result_view

MAX_ITEMS = 100


def _dt(time: str) -> datetime:
    return datetime.strptime(time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def write_all(loaded: Loaded, r: Renderer, base: dict[str, Any]) -> None:
    ix = loaded.index
    public = base["public_url"]
    for lang in ("zh", "en"):
        t = STRINGS[lang]
        site = (f"[{t.sample_short}] " if base.get("sample") else "") + base["site_names"][lang]
        home = public + lang_prefix(lang)
        draws = Atom1Feed(title=f"{site} — {t.feed_draws}", link=home, description=t.latest_draws,
                          feed_url=home + "feeds/draws.atom.xml", language="zh-CN" if lang == "zh" else "en")
        for d in ix.q("SELECT d.*, t.name AS task_name FROM draws d LEFT JOIN tasks t ON t.task_id=d.task_id "
                      "WHERE d.kind IN ('commit','lock','reveal') ORDER BY d.idx DESC LIMIT ?", MAX_ITEMS):
            b = loads(d["body"])
            what = {"commit": t.commitment, "lock": t.lock, "reveal": t.reveal_entry}[d["kind"]]
            link = home + (f"task/{safe_seg(d['task_id'])}/" if safe_seg(d["task_id"]) else "")
            if d["kind"] == "commit":
                detail = f"{t.beacon_round} {(b.get('beacon') or {}).get('round')}"
            elif "result_hash" in b:
                detail = f"{t.st_embargoed}; {t.result_hash} {b['result_hash']}"
            else:
                detail = f"{len(b.get('selected') or [])} {t.n_selected}; {t.seed} {b.get('seed')}"
            sim = any(c.simulated for c in loaded.chains.values())
            draws.add_item(title=f"{what}: {d['task_name'] or d['task_id']} ({d['task_id']})", link=link,
                           description=detail + (f" — {t.simulated_long}" if sim else ""),
                           unique_id=f"urn:ssgk:entry:{d['entry_id']}", pubdate=_dt(d["time"]))
        results = Atom1Feed(title=f"{site} — {t.feed_results}", link=home, description=t.results,
                            feed_url=home + "feeds/results.atom.xml", language="zh-CN" if lang == "zh" else "en")
        for row in ix.q(RESULT_COLS + " ORDER BY r.idx DESC LIMIT ?", MAX_ITEMS):
            v = result_view(row)
            label = t.withheld if v["kind"] == "withheld" else "、".join(v["labels"][lang]) if lang == "zh" else "; ".join(v["labels"][lang])
            prefix = {"correction": f"[{t.correction}] ", "withheld": ""}.get(v["kind"], "")
            link = home + (f"company/{v['target_link']}/" if v["target_link"] else "")
            results.add_item(title=f"{prefix}{v['target_name'] or v['target_id']}: {label}", link=link,
                             description=f"{v['target_id']} · {v['task_id']} · {v['completed'] or ''} · "
                                         f"{v['lateness_label'][lang]}",
                             unique_id=f"urn:ssgk:entry:{v['entry_id']}", pubdate=_dt(v["published"]))
        for name, feed in (("draws", draws), ("results", results)):
            with r.open(f"{lang_prefix(lang)}feeds/{name}.atom.xml") as f:
                feed.write(f, "utf-8")
