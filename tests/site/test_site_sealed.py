"""The site of a sealed portal (docs/spec/65-sealed.md): no built file names any company's class.

Every file of the output is scanned — HTML, JSON, CSV, the XLSX parts, the Pagefind index
(decompressed), the lookup shards and the verifier data. The word "risk" may appear only in
files that define formats or code for every portal (the JSON schemas' filter grammar, the
verifier bundle, trust.json's ``risk_class_disclosure`` key) and in the regulations' text on
the policy page; class labels appear nowhere.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from publisher.demo.sealed import generate_sealed
from publisher.site.build import build

REPO = Path(__file__).resolve().parents[2]
CLASS_LABELS = ["A类", "B类", "C类", "D类", "信用风险低", "信用风险一般", "信用风险较高", "信用风险高",
                "低风险", "高风险", "较高风险", "一般风险", "low risk", "high risk", "low-risk", "high-risk"]
RISK_WORD_ALLOWED = re.compile(r"^(schemas/[a-z.]+\.schema\.json|verify/verifier\.js(\.map)?|ledger/trust\.json|"
                               r"(en/)?policy/index\.html)$")
REGULATIONS = re.compile(r"^(en/)?policy/index\.html$")


@pytest.fixture(scope="module")
def sealed_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("sealed-site")
    generate_sealed(base / "portal", key_seed=b"sealed-site-test")
    trust = json.loads((base / "portal" / "ledger" / "trust.json").read_text())
    out = base / "out"
    build(base / "portal" / "ledger", out, settings_file=REPO / "pelicanconf.py",
          overrides={"PUBLISHER_ROOT_KEY_IDS": [k["key_id"] for k in trust["root_keys"]]})
    return out


def _texts(path: Path):
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                yield z.read(name).decode("utf-8", "replace")
        return
    yield data.decode("utf-8", "replace")


def test_no_built_file_names_a_class(sealed_site):
    files = [p for p in sealed_site.rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".html", ".json", ".xlsx", ".csv"} <= kinds and any("pagefind" in str(p) for p in files)
    assert any("verify/data" in str(p) for p in files) and any("/lookup/" in str(p) for p in files)
    bad = []
    for p in files:
        rel = p.relative_to(sealed_site).as_posix()
        for text in _texts(p):
            if not REGULATIONS.match(rel):  # the regulations' own words ("lower ratios for low-risk firms")
                bad += [(rel, w) for w in CLASS_LABELS if w in text]
            if "risk" in text.lower() and not RISK_WORD_ALLOWED.match(rel):
                bad.append((rel, "risk"))
            if re.search(r'"risk"\s*:\s*"[ABCD]"', text):
                bad.append((rel, "risk value"))
    assert not bad, bad[:20]


def test_verifier_population_data_holds_commitments_not_strata(sealed_site):
    index = json.loads(next((sealed_site / "verify" / "data").glob("*/pop/index.json")).read_text())
    assert index["sealed"] is True
    chunk = json.loads((sealed_site / index["files"] / "0.json").read_text())
    names = {"第一层", "第二层", "第三层", "第四层", "全部批次"}
    assert all(re.fullmatch("[0-9a-f]{64}", v) and v not in names for _, v in chunk["leaves"])


def test_about_page_states_the_policy_and_the_limits(sealed_site):
    zh = (sealed_site / "about" / "index.html").read_text()
    en = (sealed_site / "en" / "about" / "index.html").read_text()
    assert "本门户不公布任何企业的信用分类" in zh and "公众可以核验" in zh and "公众不能核验" in zh
    assert "publishes no company's credit class" in en and "The public cannot check:" in en
    assert "publisher verify --openings" in en


def test_task_page_shows_sealed_strata_for_selected_companies(sealed_site):
    page = (sealed_site / "task" / "T-2026-001" / "index.html").read_text()
    assert "封存" in page and ">None<" not in page and 'id="sealed-note"' in page
    assert "hiding (salted) commitment" in (sealed_site / "en" / "task" / "T-2026-001" / "index.html").read_text()


def test_public_sample_keeps_its_classes_and_says_so(site):
    about = (site / "about" / "index.html").read_text()
    assert not any('id="sealed-note"' in p.read_text() for p in (site / "task").glob("*/index.html"))
    assert "公开：每家企业的信用分类随名录公布" in about
    assert any("高风险" in p.read_text() for p in (site / "task").glob("*/index.html"))  # strata shown
