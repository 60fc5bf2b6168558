"""The dirty set (site.dirty): after a push of results, the pages those results reach are
computed again — the company's page, its task's, the office's, the listings, the statistics and
the feeds — and every page no new entry names is kept without its data being queried; the
output equals a fresh full build's. And the attack: a dirty set that misses the push leaves
stale pages, which the comparison with a full build catches (so the comparison can fail)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from site_ledger import NOW
from test_site_resume import cut, files

from publisher.core.verifier import LOG_LINE_RE
from publisher.site import dirty as dirty_mod
from publisher.site.build import build

REPO = Path(__file__).resolve().parents[2]


def entry(ledger: Path, line: str) -> dict:
    m = LOG_LINE_RE.match(line)
    return json.loads((ledger / "entries" / m.group(1) / f"{int(m.group(2)):08d}.json").read_text("utf-8"))


def run(ledger: Path, out: Path, seen: dict | None = None, **over):
    seen = {} if seen is None else seen
    return build(ledger, out, settings_file=REPO / "pelicanconf.py", search=False,
                 overrides={"PUBLISHER_NOW": NOW, "PUBLISHER_AFTER_RENDER": lambda loaded, info: seen.update(
                     dirty=info["dirty"]), **over})


@pytest.fixture(scope="module")
def push(county, tmp_path_factory):
    """The county cut just before its last results (the previous push), built; then the
    whole county pushed on top of it."""
    lines = (county.ledger / "log").read_text("utf-8").splitlines()
    results = [i for i, x in enumerate(lines) if entry(county.ledger, x)["type"] == "result"]
    k = results[-3]  # the last three results (and whatever follows them) are the push
    pushed = [entry(county.ledger, x) for x in lines[k:]]
    assert {e["type"] for e in pushed} <= dirty_mod.LOCAL_TYPES, [e["type"] for e in pushed]
    return k, pushed, lines


def built_before_the_push(county, k: int, tmp_path: Path, monkeypatch) -> tuple[Path, Path, dict]:
    """The county's first ``k`` log lines built into ``out``; then the ledger gets the push (the
    whole county) in place. Returns (ledger, out, the files before the push)."""
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    ledger, out = cut(county.ledger, tmp_path / "ledger", k), tmp_path / "out"
    run(ledger, out)
    before = files(out)
    shutil.rmtree(ledger)
    shutil.copytree(county.ledger, ledger)
    return ledger, out, before


def test_a_push_of_results_recomputes_exactly_what_it_reaches(county, push, tmp_path, monkeypatch):
    k, pushed, _ = push
    ledger, out, before = built_before_the_push(county, k, tmp_path, monkeypatch)
    seen: dict = {}
    inc = run(ledger, out, seen)
    d = seen["dirty"]
    assert inc.incremental and d is not None and d.since == k, "the dirty set was not used"
    after = files(out)
    fresh = files(tmp_path / "fresh") if run(ledger, tmp_path / "fresh", PUBLISHER_FULL_VERIFY=True) else None
    assert sorted(set(after) ^ set(fresh)) == []
    assert [n for n in after if after[n] != fresh[n]] == [], "the incremental build differs from a full build"
    for e in (e for e in pushed if e["type"] == "result"):
        b = e["body"]
        assert d.target(b["target"]) and d.task(b["task"]) and d.office(e["office"])
        for lang in ("", "en/"):
            for page in (f"company/{b['target']}/index.html", f"task/{b['task']}/index.html",
                         f"office/{e['office']}/index.html", "stats/index.html", "feeds/results.atom.xml",
                         "index.html", "results/index.html"):
                assert before[lang + page] != after[lang + page], f"{lang + page} not updated by a result for it"
    # most company pages were kept without a query: not in the dirty set, and not rewritten
    companies = [n for n in before if n.startswith("company/") and n.endswith("index.html")]
    untouched = [n for n in companies if n.split("/")[1] not in d.targets]
    assert len(untouched) > len(companies) / 2
    assert inc.kept >= 2 * len(untouched)
    assert sum(before[n] == after[n] for n in untouched) > len(companies) / 2  # (the others: a site-wide fact they show changed)


def test_a_dirty_set_that_misses_the_push_is_caught(county, push, tmp_path, monkeypatch):
    """The attack on the optimisation: a dirty set that leaves out the pushed results' companies
    and tasks keeps the companies' stale pages — the comparison with a full build shows them."""
    k, pushed, _ = push
    ledger, out, before = built_before_the_push(county, k, tmp_path, monkeypatch)
    real = dirty_mod.compute

    def blind(ix, manifest, inputs=None):
        d = real(ix, manifest, inputs)
        return dirty_mod.Dirty(d.since, offices=d.offices) if d is not None else None

    monkeypatch.setattr(dirty_mod, "compute", blind)
    run(ledger, out)
    monkeypatch.setattr(dirty_mod, "compute", real)
    run(ledger, tmp_path / "fresh", PUBLISHER_FULL_VERIFY=True)
    after, fresh = files(out), files(tmp_path / "fresh")
    stale = {n for n in after if after[n] != fresh.get(n)}
    b = next(e for e in pushed if e["type"] == "result")["body"]
    assert f"company/{b['target']}/index.html" in stale and f"en/company/{b['target']}/index.html" in stale
    assert after[f"company/{b['target']}/index.html"] == before[f"company/{b['target']}/index.html"]


def test_build_key_covers_the_theme_but_not_its_installed_node_modules(tmp_path):
    """The first build installs the browser verifier's packages into theme/verifier/node_modules
    (pinned by package-lock.json, which is covered): they must not turn the next build into a
    full one; any other theme file must."""
    from publisher.site.incremental import build_key

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "base.html").write_text("<html>{{ x }}</html>")
    (theme / "verifier").mkdir()
    (theme / "verifier" / "package-lock.json").write_text("{}")
    key = build_key({}, theme)
    (theme / "verifier" / "node_modules" / "pkg").mkdir(parents=True)
    (theme / "verifier" / "node_modules" / "pkg" / "index.js").write_text("x")
    assert build_key({}, theme) == key
    (theme / "verifier" / "package-lock.json").write_text('{"lockfileVersion": 3}')
    changed = build_key({}, theme)
    assert changed != key
    (theme / "templates" / "base.html").write_text("<html>{{ y }}</html>")
    assert build_key({}, theme) != changed


def test_build_key_ignores_how_many_processes_build_but_not_what_is_built():
    """Render workers and verify loaders change how a build runs, never a byte it writes (a worker
    build equals a serial one: test_site_parallel), so switching them keeps the next build
    incremental; a setting that changes the pages (the site's name) does not."""
    from publisher.site.incremental import build_key

    base = {"SITENAME": "某县", "PUBLISHER_RENDER_WORKERS": None, "PUBLISHER_VERIFY_WORKERS": None}
    key = build_key(base, None)
    for k, v in (("PUBLISHER_RENDER_WORKERS", 2), ("PUBLISHER_VERIFY_WORKERS", 1), ("PUBLISHER_SEARCH_BESIDE_PUSH", True)):
        assert build_key({**base, k: v}, None) == key, k
    assert build_key({**base, "SITENAME": "另一个县"}, None) != key
