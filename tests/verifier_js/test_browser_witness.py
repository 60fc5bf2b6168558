"""The /verify/ page on a witnessed portal (spec §3.8, §3.11), in real headless Chromium.

A site built from a ledger whose trust.json names 3 witnesses (quorum 2) passes and says which
witnesses vouched and when; the same site with the cosignatures stripped from its checkpoints
fails (missing quorum); an impostor trust.json (an operator dropping the witnesses, or anyone
with their own keys) fails against the fingerprint the page pins, and the page tells the
citizen where the official fingerprint is published; a citizen-supplied ?fp= is honoured.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import vjs_ledger
from test_browser_verify import run, statuses
from vjs_ledger import NOW, REPO, VLedger, build_vledger, need_node
from vjs_tamper import copy_site

sys.path.insert(0, str(Path(__file__).parents[1] / "witness"))
from witnesstools import WitnessedLedger  # noqa: E402

from publisher.core.note import parse_note  # noqa: E402
from publisher.core.trust import trust_fingerprint  # noqa: E402

pytestmark = pytest.mark.browser
NAMES = ["w1.sample.test/witness", "w2.sample.test/witness", "w3.sample.test/witness"]


def _witnessed_checkpoint(self: VLedger) -> None:
    """Checkpoint as CI would with witnesses: the operator signs, two or three witnesses cosign
    a few seconds later by their own clocks."""
    self.report()
    self.factory.clock += 30
    t = self.factory.clock
    n = len(self.factory.ledger.checkpoint_files())
    times = {name: t + 3 + i for i, name in enumerate(NAMES) if not (i == 2 and n % 2)}
    self.factory.checkpoint(time=t, witness_times=times)


@pytest.fixture(scope="module")
def wsite(tmp_path_factory) -> Path:
    need_node()
    from publisher.site.build import build

    mp = pytest.MonkeyPatch()
    mp.setattr(vjs_ledger, "LedgerFactory", lambda root: WitnessedLedger(root, NAMES, 2))
    mp.setattr(VLedger, "checkpoint", _witnessed_checkpoint)
    try:
        v = build_vledger(tmp_path_factory.mktemp("wvjs") / "ledger")
    finally:
        mp.undo()
    out = tmp_path_factory.mktemp("wvjs-site") / "out"
    build(v.root, out, settings_file=REPO / "pelicanconf.py", overrides={
        "PUBLISHER_NOW": NOW, "PUBLISHER_TRUST_GAZETTE": "《测试县人民政府公报》2026年第1期"}, search=False)
    return out


@pytest.fixture
def page(chromium):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    ctx.close()


def test_witnessed_site_passes_and_names_its_witnesses(wsite, serve, page, shots):
    rep = run(page, serve(wsite), "T-JOINT")
    # an announced draw: step 11 (embargoed result hash) does not apply; 12 and 13 pass
    assert statuses(rep) == dict.fromkeys((*range(1, 11), 12, 13), "pass"), rep
    s10 = rep["steps"][10]["text"]
    assert "独立见证者联署：w1.sample.test/witness" in s10 and "需 2/3 个，已满足" in s10
    assert "经独立见证者联署的检查点" in rep["steps"][4]["text"]
    fp = trust_fingerprint(json.loads((wsite / "ledger" / "trust.json").read_text()))
    s2 = rep["steps"][2]["text"]
    assert " ".join(fp[i:i + 4] for i in range(0, 64, 4)) in s2
    assert "README、本站“关于”页面、《测试县人民政府公报》2026年第1期" in s2
    page.screenshot(path=str(shots / "verify-witnessed-pass.png"), full_page=True)
    assert page.errors == []


def strip_cosignatures(site: Path) -> None:
    for p in (site / "ledger" / "checkpoints").glob("*.note"):
        text, sigs = parse_note(p.read_text())
        own = [s for s in sigs if s.name not in NAMES]
        p.write_text(text + "\n" + "".join(s.line() for s in own))


def test_checkpoints_without_the_quorum_fail(wsite, serve, page, shots, tmp_path):
    site = copy_site(wsite, tmp_path / "noq")
    strip_cosignatures(site)
    rep = run(page, serve(site), "T-JOINT", "en/")
    st = statuses(rep)
    assert st[10] == "fail" and st[4] == "fail" and rep["overall"] == "fail", st
    assert "is cosigned by 0 of the 3 named witnesses; the quorum is 2" in rep["steps"][10]["reason"]
    page.screenshot(path=str(shots / "verify-witness-quorum-missing.png"), full_page=True)


def test_impostor_trust_json_fails_against_the_pinned_fingerprint(wsite, serve, page, shots, tmp_path):
    """The operator (or an impostor) serves a trust.json without witnesses so that unwitnessed
    checkpoints would do: the page's pinned fingerprint no longer matches."""
    site = copy_site(wsite, tmp_path / "imp")
    strip_cosignatures(site)
    tj = site / "ledger" / "trust.json"
    obj = json.loads(tj.read_text())
    del obj["witnesses"]
    tj.write_text(json.dumps(obj))
    rep = run(page, serve(site), "T-JOINT")
    st = statuses(rep)
    assert st[2] == "fail" and st[10] == "fail" and rep["overall"] == "fail", st
    reason = rep["steps"][2]["reason"]
    assert "这可能是冒充的网站" in reason and "与本页固定的指纹" in reason
    assert "官方指纹公布在：本站代码仓库的 README、本站“关于”页面、《测试县人民政府公报》2026年第1期" in reason
    page.screenshot(path=str(shots / "verify-impostor-trust.png"), full_page=True)


def test_citizen_supplied_fingerprint_is_honoured(wsite, serve, page):
    base = serve(wsite)
    fp = trust_fingerprint(json.loads((wsite / "ledger" / "trust.json").read_text()))
    page.goto(f"{base}en/verify/?task=T-JOINT&fp={'0' * 64}")
    page.wait_for_selector('#verify-report[data-state="done"]', timeout=30000)
    assert page.get_attribute("#verify-report", "data-overall") == "fail"
    assert "not the fingerprint you supplied" in page.text_content("#step-2")
    page.goto(f"{base}en/verify/?task=T-JOINT&fp={fp}&full=1")
    page.wait_for_selector('#verify-report[data-state="done"]', timeout=30000)
    assert page.get_attribute("#verify-report", "data-overall") == "pass"


def test_about_page_publishes_fingerprint_and_witnesses(wsite):
    html = (wsite / "about" / "index.html").read_text()
    fp = trust_fingerprint(json.loads((wsite / "ledger" / "trust.json").read_text()))
    assert f'id="trust-fingerprint">{fp}<' in html
    assert "需要 2 个（共 3 个）联署" in html and "《测试县人民政府公报》2026年第1期" in html
