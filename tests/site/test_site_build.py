"""The built site: every page in both languages, the draw and result pages, downloads,
proofs, feeds, sitemap and links — all checked on the files the plugin wrote."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from site_ledger import NOW
from sitecheck import broken_links, html_files, parse

from publisher.core import merkle
from publisher.core.canonical import b64decode
from publisher.core.schema import schema_names
from publisher.site.build import BuildError, build
from publisher.site.load import LedgerNotVerified

REPO = Path(__file__).resolve().parents[2]


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text("utf-8")


def test_every_chinese_page_has_an_english_twin(site):
    pages = {p.relative_to(site).as_posix() for p in html_files(site)}
    zh = {p for p in pages if not p.startswith("en/")}
    en = {p[3:] for p in pages if p.startswith("en/")}
    assert zh == en, (sorted(zh - en)[:10], sorted(en - zh)[:10])
    for rel in ("index.html", "tasks/index.html", "results/index.html", "stats/index.html", "offices/index.html",
                "items/index.html", "plans/index.html", "plans/2026/index.html", "downloads/index.html",
                "search/index.html", "about/index.html", "verification/index.html", "policy/index.html"):
        assert rel in zh, rel
    assert parse(site / "index.html").html_lang == "zh-CN"
    assert parse(site / "en/index.html").html_lang == "en"


def test_csp_and_no_external_resources_on_every_page(site):
    for page in html_files(site):
        info = parse(page)
        assert len(info.meta_csp) == 1, page
        csp = info.meta_csp[0]
        assert "default-src 'self'" in csp and "script-src 'self' 'wasm-unsafe-eval'" in csp
        assert "style-src 'self'" in csp and "img-src 'self' data:" in csp
        for tag, url in info.links:
            if tag in ("script", "link", "img"):
                assert not url.startswith(("http:", "https:", "//")), (page, url)
        text = page.read_text("utf-8")
        assert "<style" not in text and " style=" not in text, page  # style-src 'self' would block them
        assert "<script>" not in text, page  # no inline scripts


def test_no_broken_internal_links(site):
    assert broken_links(site) == []


def test_urls_come_from_ids(site, county):
    assert (site / f"task/{county.joint_task}/index.html").is_file()
    assert (site / f"company/{county.chinese_company[0]}/index.html").is_file()
    assert (site / "office/scjgj/index.html").is_file()
    names = [p.name for p in site.rglob("*")]
    assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names), "a path was made from a Chinese name"


def test_sample_banner_and_simulated_beacon_labels(site, county):
    for page in html_files(site):
        assert 'class="sample-banner"' in page.read_text("utf-8"), page
    task = read(site, f"task/{county.joint_task}/index.html")
    assert "模拟信标" in task and "模拟随机信标——不是真实的 drand 网络" in task and "SIMULATED" not in task
    assert "SIMULATED beacon" in read(site, f"en/task/{county.joint_task}/index.html")
    assert "模拟信标" in read(site, "index.html")


def test_task_page_shows_the_whole_draw(site, county):
    html = read(site, f"task/{county.joint_task}/index.html")
    for needle in ("抽取承诺", "名单 Merkle 根", "信标轮次", "信标随机值", "随机种子", "阈值", "抽取结果（按检查批次顺序）",
                   "检查组", "人员更换记录", "健康状况", "如何核对这次抽取", f"verify/?task={county.joint_task}",
                   "县卫生健康局", "部门联合"):
        assert needle in html, needle
    positions = [html.index(t) for t in county.selected[county.joint_task]]
    assert positions == sorted(positions), "selected targets are not shown in batch order"
    assert "<del" in html and "<ins" in html  # the replaced inspector and the replacement


def test_embargoed_list_is_not_shown_until_revealed(site, county):
    for lang in ("", "en/"):
        html = read(site, f"{lang}task/{county.embargoed_task}/index.html")
        assert county.hidden_ids and not any(i in html for i in county.hidden_ids)
        assert "result_hash" not in html  # the label is translated; the hash itself is shown
    html = read(site, f"task/{county.embargoed_task}/index.html")
    assert "名单尚未公开" in html and "抽取结果哈希" in html
    doc = json.loads(read(site, f"task/{county.embargoed_task}/task.json"))
    assert not any(i in json.dumps(doc) for i in county.hidden_ids)
    revealed = read(site, f"task/{county.revealed_task}/index.html")
    assert all(i in revealed for i in county.selected[county.revealed_task])
    assert "已锁定，名单已公开" in revealed


def test_waiting_draw_is_an_upcoming_round(site, county):
    home = read(site, "index.html")
    up = home[home.index("等待随机信标的抽取"):home.index("逾期未公示")]
    assert county.waiting_task in up
    assert "已承诺，等待信标" in read(site, f"task/{county.waiting_task}/index.html")


def test_results_corrections_withholding_and_lateness(site, county):
    html = read(site, f"task/{county.joint_task}/index.html")
    assert 'class="struck' in html and "<del>" in html and "录入时选错了结果类别" in html and "王五" in html
    assert "依法不予公示" in html and "政府信息公开条例" in html
    assert "逾期公示" in html and "逾期 14 个工作日" in html and "按时公示" in html
    assert "不配合检查" in html
    en = read(site, f"en/task/{county.joint_task}/index.html")
    assert "14 working days late" in en and "Withheld by law" in en


def test_company_record_like_necips(site, county):
    uscc, name = county.chinese_company
    html = read(site, f"company/{uscc}/index.html")
    assert name in html and "抽查检查结果信息" in html
    for col in ("序号", "检查实施机关", "类型", "日期", "结果", "备注"):
        assert f">{col}<" in html, col
    assert "不定向抽查" in html and "县市场监督管理局" in html and "县卫生健康局" in html
    assert "data-pagefind-body" in html
    assert "Random inspection results" in read(site, f"en/company/{uscc}/index.html")


def test_statistics_charts_and_csv(site):
    html = read(site, "stats/index.html")
    assert html.count("<svg") >= 4 and 'role="img"' in html
    rows = list(csv.DictReader(io.StringIO(read(site, "stats/categories.csv").lstrip("\ufeff"))))
    assert {r["code"] for r in rows} >= {"1", "5"}
    tl = list(csv.DictReader(io.StringIO(read(site, "stats/timeliness.csv").lstrip("\ufeff"))))
    assert int(tl[0]["late"]) >= 1 and int(tl[0]["on_time"]) >= 1
    for name in ("coverage", "joint", "office_quarter"):
        assert (site / f"stats/{name}.csv").is_file()


def test_raw_ledger_copied_byte_for_byte(site, county):
    src = county.ledger
    for p in (src / "entries").rglob("*.json"):
        assert (site / "ledger" / p.relative_to(src)).read_bytes() == p.read_bytes()
    assert (site / "ledger/log").read_bytes() == (src / "log").read_bytes()
    assert (site / "ledger/trust.json").read_bytes() == (src / "trust.json").read_bytes()
    notes = sorted((src / "checkpoints").glob("*.note"))
    assert notes and all((site / "ledger/checkpoints" / n.name).is_file() for n in notes)


def test_inclusion_proofs_verify_against_the_first_covering_checkpoint(site, county):
    """Each entry's proof is against the first checkpoint that covers it (so it never changes),
    and that checkpoint's consistency file carries it to the latest (spec §2.9)."""
    ids = [line.split()[1] for line in (county.ledger / "log").read_text().splitlines()]
    sizes = sorted(int(p.stem) for p in (county.ledger / "checkpoints").glob("*.note"))
    docs = [json.loads(p.read_text()) for p in sorted((site / "proofs").glob("*.json"))]
    assert len(docs) == sizes[-1] < len(ids)  # entries after the latest checkpoint have no proof yet
    latest = json.loads((site / f"proofs/consistency/{sizes[-1]:010d}.json").read_text())["to"]
    assert latest["tree_size"] == sizes[-1]
    for d in docs:
        assert ids[d["index"]] == d["entry_id"]
        first = min(s for s in sizes if s > d["index"])
        assert d["tree_size"] == first and d["checkpoint_file"] == f"ledger/checkpoints/{first:010d}.note"
        assert d["checkpoint"] == (county.ledger / "checkpoints" / f"{first:010d}.note").read_text()
        assert b64decode(d["checkpoint"].splitlines()[2]) == b64decode(d["root"])  # the note's root line
        leaf = merkle.leaf_hash(bytes.fromhex(d["entry_id"]))
        assert merkle.verify_inclusion(leaf, d["index"], first, [b64decode(h) for h in d["proof"]], b64decode(d["root"]))
        assert (site / d["entry"]).is_file()
        c = json.loads((site / d["consistency"]).read_text())
        assert c["from"] == {"tree_size": first, "root": d["root"], "checkpoint": d["checkpoint_file"]}
        assert c["to"] == latest
        assert merkle.verify_consistency(first, latest["tree_size"], b64decode(d["root"]), b64decode(latest["root"]),
                                         [b64decode(h) for h in c["proof"]])
    assert sorted(p.name for p in (site / "proofs/consistency").iterdir()) == [f"{s:010d}.json" for s in sizes]


def test_schemas_and_data_downloads(site, county):
    for name in schema_names():
        assert json.loads(read(site, f"schemas/{name}.schema.json"))["$schema"]
    tasks = json.loads(read(site, "data/2026/tasks.json"))
    assert {t["task"] for t in tasks} >= {county.joint_task, county.embargoed_task}
    results = json.loads(read(site, "data/2026/results.json"))
    assert any(r["status"] == "superseded" and r["entry_id"] == county.corrected_result for r in results)
    rows = list(csv.DictReader(io.StringIO(read(site, f"task/{county.joint_task}/results.csv").lstrip("\ufeff"))))
    assert len(rows) == len([r for r in results if r["task"] == county.joint_task])
    doc = json.loads(read(site, f"task/{county.joint_task}/task.json"))
    assert [d["type"] for d in doc["draws"]][:2] == ["draw.commit", "draw.lock"]


def test_feeds_and_sitemap(site, county):
    for lang in ("", "en/"):
        for name in ("draws", "results"):
            root = ET.fromstring((site / f"{lang}feeds/{name}.atom.xml").read_bytes())
            assert root.tag.endswith("feed") and root.findall("{http://www.w3.org/2005/Atom}entry")
    urls = [e.text for e in ET.fromstring((site / "sitemap.xml").read_bytes()).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert urls and all(u.startswith("https://portal.test/county/") for u in urls)
    rels = {u[len("https://portal.test/county/"):] for u in urls}
    assert f"task/{county.joint_task}/" in rels and f"en/task/{county.joint_task}/" in rels and "about/" in rels
    for rel in rels:
        assert (site / rel / "index.html").is_file() or (site / rel).is_file(), rel


def test_footer_shows_root_key_fingerprint_and_origin(site):
    html = read(site, "about/index.html")
    trust = json.loads(read(site, "ledger/trust.json"))
    kid = trust["root_keys"][0]["key_id"]
    assert kid in read(site, "index.html") and kid in html and "portal.test/county" in html
    assert "未在站点配置中固定" in html  # pelicanconf pins no keys yet: say so


def test_search_index_built(site):
    assert (site / "pagefind/pagefind.js").is_file()
    langs = {p.name for p in (site / "pagefind").glob("pagefind.*.pf_meta")}
    assert len(langs) >= 2  # one index per language


# --- failures ---------------------------------------------------------------------------------


def _copy_ledger(county, tmp_path) -> Path:
    dst = tmp_path / "ledger"
    shutil.copytree(county.ledger, dst)
    return dst


def test_unverifiable_ledger_fails_the_build_with_the_verifiers_messages(county, tmp_path):
    led = _copy_ledger(county, tmp_path)
    victim = sorted((led / "entries/scjgj").glob("*.json"))[5]
    doc = json.loads(victim.read_text())
    doc["time"] = "2026-01-01T00:00:00Z"
    victim.write_text(json.dumps(doc))
    out = tmp_path / "out"
    with pytest.raises(LedgerNotVerified) as exc:
        build(led, out, settings_file=REPO / "pelicanconf.py", search=False)
    msg = str(exc.value)
    assert "does not verify" in msg and victim.name in msg and "the file was changed" in msg
    assert not (out / "index.html").exists()


def test_root_keys_must_match_the_pinned_ones(county, tmp_path):
    with pytest.raises(LedgerNotVerified, match="not the keys pinned"):
        build(county.ledger, tmp_path / "out", settings_file=REPO / "pelicanconf.py", search=False,
              overrides={"PUBLISHER_ROOT_KEY_IDS": ["00" * 8]})


def test_refuses_to_wipe_a_foreign_directory(county, tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(BuildError, match="refusing"):
        build(county.ledger, tmp_path, settings_file=REPO / "pelicanconf.py", search=False)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_cli_build(county, tmp_path, capsys, monkeypatch):
    from publisher.cli.main import main

    monkeypatch.chdir(REPO)
    rc = main(["build", "--ledger", str(county.ledger), "--output", str(tmp_path / "o"), "--no-search",
               "--now", str(NOW)])
    assert rc == 0 and "HTML pages" in capsys.readouterr().out
    led = _copy_ledger(county, tmp_path)
    (led / "log").write_text((led / "log").read_text().replace("scjgj/2 ", "scjgj/3 ", 1))
    rc = main(["build", "--ledger", str(led), "--output", str(tmp_path / "o2"), "--no-search"])
    assert rc == 1 and "does not verify" in capsys.readouterr().err


def test_search_index_in_shards(sharded_site):
    manifest = json.loads((sharded_site / "search-shards.json").read_text())
    assert len(manifest["shards"]) >= 3
    for shard in manifest["shards"]:
        assert (sharded_site / shard / "pagefind-entry.json").is_file()
    assert (sharded_site / "pagefind/pagefind.js").is_file()


def test_plans_link_to_the_tasks_made_from_them(site, county):
    html = read(site, "plans/2026/index.html")
    assert f'href="../../task/{county.joint_task}/"' in html
    assert "修订" in html and "增加不预先告知的抽查任务" in html and "已被后续版本替代" in html


def test_root_key_pinned_per_origin(county, tmp_path):
    from publisher.site.load import pinned_for

    assert pinned_for({"a/b": ["ABC"]}, "a/b") == ["abc"] and pinned_for({"a/b": ["x"]}, "c/d") == []
    assert pinned_for(["k"], "any") == ["k"]
    kid = json.loads((county.ledger / "trust.json").read_text())["root_keys"][0]["key_id"]
    out = tmp_path / "pinned"
    build(county.ledger, out, settings_file=REPO / "pelicanconf.py", search=False,
          overrides={"PUBLISHER_ROOT_KEY_IDS": {"portal.test/county": [kid]}, "PUBLISHER_NOW": NOW})
    assert "已在站点配置中固定" in (out / "index.html").read_text("utf-8")
    en = (out / "en/about/index.html").read_text("utf-8")
    assert "pinned in the site configuration" in en and "NOT pinned" not in en


def test_basic_accessibility_markup(site):
    """Labels for inputs, names for charts and regions, scoped headers, one h1, a skip link."""
    from html.parser import HTMLParser

    class A11y(HTMLParser):
        def __init__(self):
            super().__init__()
            self.labels, self.inputs, self.problems, self.h1, self.prose = set(), [], [], 0, False

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "label" and a.get("for"):
                self.labels.add(a["for"])
            if tag == "input" and a.get("type") != "hidden":
                self.inputs.append(a.get("id"))
            if tag == "svg" and not (a.get("role") == "img" and a.get("aria-labelledby")):
                self.problems.append("svg without role/name")
            if tag == "th" and "scope" not in a and not self.prose:  # Markdown tables: one header row
                self.problems.append("th without scope")
            if tag == "article" and "prose" in (a.get("class") or ""):
                self.prose = True
            if tag == "div" and a.get("role") == "region" and not a.get("aria-label"):
                self.problems.append("region without a name")
            if tag == "h1":
                self.h1 += 1

    for page in html_files(site):
        p = A11y()
        text = page.read_text("utf-8")
        p.feed(text)
        assert not p.problems, (page, p.problems[:3])
        assert all(i and i in p.labels for i in p.inputs), page
        assert p.h1 == 1, page
        assert 'class="skip" href="#main"' in text and 'id="main"' in text, page


def test_shards_respect_page_and_byte_limits():
    from publisher.site.search import shards
    from publisher.site.search_docs import Doc

    docs = [Doc(f"p{i}.html", i, b"x" * size) for i, size in enumerate([10, 10, 10, 500, 10, 10])]
    groups = [[d.name for d in g] for g in shards(docs, shard_pages=2, shard_bytes=100)]
    assert groups == [["p0.html", "p1.html"], ["p2.html"], ["p3.html"], ["p4.html", "p5.html"]]


def test_a_failing_search_index_fails_the_build_with_its_message(county, tmp_path, monkeypatch):
    """Pagefind runs in a process forked beside the build (site.build.EarlySearch): its failure
    must still reach the build as the same clear error, not vanish with the child."""
    from publisher.site import search
    from publisher.site.search import SearchIndexError

    def broken(site, output, timeout):
        raise SearchIndexError("pagefind failed (1): 索引写入失败 / disk full")

    monkeypatch.setattr(search, "_pagefind", broken)
    with pytest.raises(SearchIndexError, match="索引写入失败 / disk full"):
        build(county.ledger, tmp_path / "out", settings_file=REPO / "pelicanconf.py", overrides={"PUBLISHER_NOW": NOW})


def test_no_process_for_the_search_index_is_a_clear_error(tmp_path, monkeypatch):
    import os

    from publisher.site.build import EarlySearch
    from publisher.site.search import SearchIndexError

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    early = EarlySearch(tmp_path, 10_000, 150)
    early.start()
    assert isinstance(early.error, SearchIndexError)
    assert "cannot start the search index process" in str(early.error)



def test_the_search_process_is_forked_before_the_ledger_is_read(county, tmp_path, monkeypatch):
    """The search process of a full build is forked at the start of the build and waits
    (EarlySearch.prestart): forked at the seal, it inherited the build's verified ledger and
    read-model and copied them page by page (4.2 GB of its own at a province). It must not have
    the loaded ledger in its memory, and it must still index every searchable page."""
    import os

    from publisher.site import build as build_mod
    from publisher.site import load as load_mod
    from publisher.site import plugin

    loaded_here: list = []
    real_load, real_index = load_mod.load_verified, build_mod.run_pagefind
    seen = tmp_path / "search-process-saw"

    def load_and_mark(*a, **kw):
        got = real_load(*a, **kw)
        loaded_here.append(got)
        return got

    def index_and_tell(output, **kw):
        seen.write_text(f"{os.getpid()} {len(loaded_here)}")
        real_index(output, **kw)

    monkeypatch.setattr(plugin, "load_verified", load_and_mark)
    monkeypatch.setattr(build_mod, "run_pagefind", index_and_tell)
    res = build(county.ledger, tmp_path / "out", settings_file=REPO / "pelicanconf.py", overrides={"PUBLISHER_NOW": NOW})
    pid, loaded = seen.read_text().split()
    assert int(pid) != os.getpid() and loaded_here and int(loaded) == 0
    assert (tmp_path / "out" / "pagefind" / "pagefind-entry.json").is_file() and res.pagefind_seconds > 0


def test_a_build_that_fails_lets_the_waiting_search_process_go(tmp_path, monkeypatch):
    """A build that fails before its pages are written ends the search process it forked at
    its start, without indexing (EarlySearch.release): no process is left behind."""
    import os

    from publisher.site import build as build_mod
    from publisher.site.build import EarlySearch

    ran = tmp_path / "indexed"
    monkeypatch.setattr(build_mod, "run_pagefind", lambda *a, **kw: ran.write_text("indexed"))
    early = EarlySearch(tmp_path, 10_000, 150)
    early.prestart()
    pid = early.pid
    assert pid is not None
    early.release()
    assert early.pid is None and not ran.exists()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: it exited


def test_the_search_index_runs_beside_a_push_unless_the_settings_say_after():
    """A full build always indexes beside itself; a push does too by default, a settings file
    written before the setting existed included, and after the build only when told so."""
    from publisher.site.build import search_beside

    assert search_beside({}, incremental=False) and search_beside({"PUBLISHER_SEARCH_BESIDE_PUSH": False}, False)
    assert search_beside({}, incremental=True)
    assert search_beside({"PUBLISHER_SEARCH_BESIDE_PUSH": True}, incremental=True)
    assert not search_beside({"PUBLISHER_SEARCH_BESIDE_PUSH": False}, incremental=True)
