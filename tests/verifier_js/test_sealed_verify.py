"""Sealed risk classes in the browser verifier (docs/spec/65-sealed.md §6S.2, §6S.4).

Through Node (parity with Python's public checks on the same sealed ledger) and in real headless
Chromium: the public checks pass on a sealed draw; a company pasting its own opening line sees
its stratum and the verdict; a forged opening is refused; a changed lock file fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from vjs_ledger import REPO, need_node

from publisher.demo.sealed import generate_sealed

TASK = "T-2026-001"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    need_node()
    from publisher.site.build import build

    base = tmp_path_factory.mktemp("sealed-vjs")
    generate_sealed(base / "portal", key_seed=b"sealed-vjs-test")
    trust = json.loads((base / "portal" / "ledger" / "trust.json").read_text())
    out = base / "out"
    build(base / "portal" / "ledger", out, settings_file=REPO / "pelicanconf.py", search=False,
          overrides={"PUBLISHER_ROOT_KEY_IDS": [k["key_id"] for k in trust["root_keys"]]})
    return {"site": out, "openings": base / "portal" / "openings.jsonl"}


def openings_of(sealed, task=TASK) -> list[dict]:
    root = json.loads((sealed["site"] / "verify" / "data" / task / "pop" / "index.json").read_text())["root"]
    return [o for o in map(json.loads, sealed["openings"].read_text().splitlines()) if o["root"] == root]


def selected_of(sealed, task=TASK) -> list[str]:
    data = json.loads((sealed["site"] / "verify" / "data" / f"{task}.json").read_text())
    lock = json.loads((sealed["site"] / data["entries"]["lock"]["url"]).read_text())
    return [r["id"] for r in lock["body"]["selected"]]


def node(site: Path, *args: str) -> dict:
    out = subprocess.run(["node", str(REPO / "tests" / "verifier_js" / "run_verify.mjs"), str(site), TASK, *args],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def test_public_checks_pass_in_node(sealed):
    r = node(sealed["site"])
    assert r["overall"] == "pass", [(s["n"], s["reason"]) for s in r["steps"] if s["status"] != "pass"]
    s7 = " ".join(l["en"] for s in r["steps"] if s["n"] == 7 for l in s["lines"])
    assert "sealed leaves (hiding commitments) have the committed Merkle root" in s7
    s6 = " ".join(l["en"] for s in r["steps"] if s["n"] == 6 for l in s["lines"])
    assert "every selected ticket agrees with the published thresholds" in s6


def test_own_opening_gives_the_verdict_and_a_forged_one_is_refused_in_node(sealed):
    ops = openings_of(sealed)
    chosen = selected_of(sealed)
    mine = next(o for o in ops if o["id"] == chosen[0])
    other = next(o for o in ops if o["id"] not in chosen)
    forged = dict(other, stratum=next(o["stratum"] for o in ops if o["stratum"] != other["stratum"]))
    r = node(sealed["site"], json.dumps(mine, ensure_ascii=False), mine["id"])
    assert r["lookups"][mine["id"]]["check"]["ok"] and r["lookups"][mine["id"]]["check"]["selected"]
    r = node(sealed["site"], json.dumps(forged, ensure_ascii=False), forged["id"])
    c = r["lookups"][forged["id"]]["check"]
    assert not c["ok"] and "does not match the sealed leaf" in c["en"]


def _swap_selection(site: Path, tmp: Path) -> Path:
    """A copy of the site whose lock file prints a stratum in a selected row (what a sealed lock
    must never do). Without the office's key the signature breaks, so step 1 fails; the
    threshold attacks themselves are tested in test_sealed_parity.py (JS and Python alike)."""
    copy = tmp / "tampered"
    shutil.copytree(site, copy)
    data = json.loads((copy / "verify" / "data" / f"{TASK}.json").read_text())
    path = copy / data["entries"]["lock"]["url"]
    lock = json.loads(path.read_text())
    lock["body"]["selected"][0]["stratum"] = "第一层"
    path.write_text(json.dumps(lock, ensure_ascii=False, indent=1))
    return copy


def test_tampered_lock_fails_in_node(sealed, tmp_path):
    r = node(_swap_selection(sealed["site"], tmp_path))
    st = {s["n"]: s["status"] for s in r["steps"]}
    assert st[1] == "fail" and r["overall"] == "fail"


@pytest.mark.browser
def test_sealed_draw_and_own_opening_in_chromium(sealed, serve, chromium, shots):
    base = serve(sealed["site"])
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}en/verify/?task={TASK}")
        page.wait_for_selector('#verify-report[data-state="done"]', timeout=60000)
        assert page.get_attribute("#verify-report", "data-overall") == "pass"
        assert "sealed leaves (hiding commitments)" in page.text_content("#step-7")
        assert page.is_visible("#opening-box")
        ops = openings_of(sealed)
        chosen = selected_of(sealed)
        mine = next(o for o in ops if o["id"] not in chosen)
        page.fill("#opening", json.dumps(mine, ensure_ascii=False))
        page.click("#lookup-form button")
        page.wait_for_selector('#lookup-result[data-state="ok"]', timeout=10000)
        verdict = page.text_content("#lookup-verdict")
        assert mine["id"] in verdict and f'stratum "{mine["stratum"]}"' in verdict and "so it was not selected" in verdict
        assert mine["stratum"] in page.text_content("#lookup-result")
        page.screenshot(path=str(shots / "verify-en-sealed-opening.png"), full_page=True)
        page.fill("#opening", json.dumps(dict(mine, salt="00" * 32)))
        page.click("#lookup-form button")
        page.wait_for_selector('#lookup-result[data-state="bad"]', timeout=10000)
        assert "does not match the sealed leaf" in page.text_content("#lookup-verdict")
        page.fill("#opening", "")
        page.fill("#uscc", chosen[0])
        page.click("#lookup-form button")
        page.wait_for_selector('#lookup-result[data-state="ok"]', timeout=10000)
        text = page.text_content("#lookup-result")
        assert "stratum sealed" in text and "it is on the published selection" in text
        assert not errors, errors
    finally:
        ctx.close()
