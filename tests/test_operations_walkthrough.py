"""End to end, as docs/OPERATIONS.md §9 walks a new county through it, with only examples/ files.

A fresh training portal, an operator and three office clerks (each with their own key
directory and passphrase), offices registered by public key, a GBK CSV and a merged-cell XLSX,
a joint draw, results published across Beijing midnight, a partner's Excel template, a
correction by task + USCC, a withholding, a non-cooperation record, the 2027 calendar, status,
and the public site. Every `publisher …` command run here appears verbatim in OPERATIONS.md
(test-only clock flags aside), so the guide and this test cannot drift apart.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from publisher.cli.main import main
from publisher.workdays import BUILTIN, year_from_body

REPO = Path(__file__).resolve().parents[1]
GUIDE = (REPO / "docs" / "OPERATIONS.md").read_text("utf-8")
PASS = {"root": "根密钥口令 root", "log": "log key pass", "scjgj": "市监局口令", "wjw": "卫健委口令", "nyj": "农业局口令"}


def utc(text: str) -> str:
    """'2026-12-09 00:30' Beijing → the entry time in UTC."""
    from datetime import timedelta
    dt = datetime.strptime(text, "%Y-%m-%d %H:%M") - timedelta(hours=8)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(text: str) -> int:
    return int(datetime.strptime(utc(text), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


class County:
    def __init__(self, root: Path, mp, capsys):
        self.root, self.mp, self.capsys = root, mp, capsys
        self.portal = root / "portal"
        self.portal.mkdir()
        shutil.copytree(REPO / "examples", self.portal / "examples")
        mp.chdir(self.portal)
        mp.delenv("PUBLISHER_KEY_PASSPHRASE", raising=False)
        mp.delenv("PUBLISHER_OFFICE", raising=False)
        self.ran: list[str] = []

    def as_(self, person: str, keys: tuple[str, ...]) -> None:
        """Switch to a person's machine: their key directory and only their passphrases."""
        self.mp.setenv("PUBLISHER_KEYS", str(self.root / f"keys-{person}"))
        for name in PASS:
            self.mp.delenv(f"PUBLISHER_KEY_PASSPHRASE_{name.upper()}", raising=False)
        for k in keys:
            self.mp.setenv(f"PUBLISHER_KEY_PASSPHRASE_{k.upper()}", PASS[k])

    def pub(self, command: str, *extra: str, rc: int = 0) -> tuple[str, str]:
        """Run `publisher <command>` (as written in the guide) plus test-only flags."""
        self.ran.append(command)
        for flag, value in zip(extra, extra[1:]):
            if flag in ("--time", "--now"):  # the fixed clock is this machine's clock then (time rules)
                when = value if value.isdigit() else str(int(datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
                                                             .replace(tzinfo=UTC).timestamp()))
                self.mp.setenv("PUBLISHER_NOW", when)
        code = main(shlex.split(command) + list(extra))
        out = self.capsys.readouterr()
        assert "Traceback" not in out.err
        assert code == rc, f"publisher {command}: exit {code}\n{out.out}\n{out.err}"
        return out.out, out.err


@pytest.fixture
def county(tmp_path, monkeypatch, capsys):
    return County(tmp_path, monkeypatch, capsys)


def test_a_new_county_follows_the_guide(county, monkeypatch, caplog):
    c = county
    # --- §9.1 every clerk makes a key and sends only the public part -------------------------
    for office in ("scjgj", "wjw", "nyj"):
        c.as_(office, (office,))
        c.pub(f"keygen {office}")
        pub = c.root / f"keys-{office}" / f"{office}.pub"
        shutil.copy(pub, c.portal / f"{office}.pub")  # “sent” to the operator
        assert "PRIVATE" not in pub.read_text()
    # --- §9.2 the operator creates the training portal -----------------------------------------
    c.as_("operator", ("root", "log"))
    c.pub("keygen root")
    c.pub("keygen log")
    c.pub("init --origin ssgk.qinghe.example/ledger --training --disclosure public", "--time", utc("2026-12-01 09:00"))
    names = {"scjgj": ("青禾县市场监督管理局", "Qinghe County Market Regulation Bureau"),
             "wjw": ("青禾县卫生健康委员会", "Qinghe County Health Commission"),
             "nyj": ("青禾县农业农村局", "Qinghe County Agriculture Bureau")}
    for office, (zh, en) in names.items():
        c.pub(f'office-register {office} --name-zh {zh} --name-en "{en}" --pubkey {office}.pub',
              "--time", utc("2026-12-01 09:05"))
    out, err = c.pub("office-register SCJG --name-zh 市监局 --name-en X --pubkey scjgj.pub", rc=2)
    assert "单位代码“SCJG”无效" in err and "未写入任何内容" in err
    out, _ = c.pub("calendar add 2027 examples/calendar-2027.yaml", "--time", utc("2026-12-01 09:10"))
    assert "示例数据，不是国务院正式通知" in out
    c.pub("new-portal . --county-zh 青禾县 --county-en \"Qinghe County\" --host-zh 青禾县市场监督管理局 "
          "--host-en \"Qinghe County Market Regulation Bureau\" --url https://ssgk.qinghe.example/")
    c.pub("verify")
    # --- §9.3 offices publish their directories and item lists -------------------------------
    c.as_("scjgj", ("scjgj",))
    t = iter(f"2026-12-01 10:{m:02d}" for m in range(0, 60))
    out, _ = c.pub("add examples/targets.yaml", "--time", utc(next(t)))
    assert "directory.snapshot" in out
    c.pub("add examples/inspectors.yaml", "--time", utc(next(t)))
    c.pub("add examples/items-scjgj.yaml", "--time", utc(next(t)))
    c.as_("wjw", ("wjw",))
    c.pub("add examples/items-wjw.yaml", "--time", utc(next(t)))
    c.as_("nyj", ("nyj",))
    c.pub("add examples/items-nyj.yaml", "--time", utc(next(t)))
    c.as_("scjgj", ("scjgj",))
    c.pub("add examples/plan.yaml", "--time", utc("2026-12-02 09:00"))
    c.pub("add examples/task.yaml", "--time", utc("2026-12-02 09:10"))
    # a clerk without her passphrase gets a Chinese hint, nothing else
    c.as_("scjgj", ())
    out, err = c.pub("add examples/task.yaml", rc=2)
    assert "没有密钥“scjgj”的口令" in err and "PUBLISHER_KEY_PASSPHRASE_SCJGJ" in err
    c.as_("scjgj", ("scjgj",))
    # --- §9.4 the draw --------------------------------------------------------------------------
    # the operator hands the training beacon's seed to the lead clerk (ignored by git)
    shutil.copy(c.root / "keys-operator" / "beacon-sim.seed", c.portal / "beacon-sim.seed")
    monkeypatch.setenv("PUBLISHER_NOW", str(unix("2026-12-02 10:00")))
    out, _ = c.pub("draw commit examples/draw.yaml")
    assert "committed QH-2026-001" in out
    assert "Partners wjw, nyj must run `publisher draw accept QH-2026-001` before the round" in out
    # draw protocol v2: each partner office accepts the lead's commitment before the round
    monkeypatch.setenv("PUBLISHER_NOW", str(unix("2026-12-02 10:01")))
    for partner in ("wjw", "nyj"):
        c.as_(partner, (partner,))
        out, _ = c.pub(f"draw accept QH-2026-001 --office {partner}")
        assert f"{partner} accepted QH-2026-001" in out
    c.as_("scjgj", ("scjgj",))
    out, _ = c.pub("status", "--now", str(unix("2026-12-02 10:01")))
    assert "等待信标轮次" in out
    c.as_("operator", ("root", "log"))
    c.pub("checkpoint", "--time", str(unix("2026-12-02 10:02")))
    c.as_("scjgj", ("scjgj",))
    monkeypatch.setenv("PUBLISHER_NOW", str(unix("2026-12-02 10:40")))
    out, _ = c.pub("status", "--now", str(unix("2026-12-02 10:40")))
    assert "可以锁定" in out
    out, _ = c.pub("draw lock QH-2026-001 --sim-beacon-seed beacon-sim.seed")
    assert "5 targets" in out
    # --- §9.5 results across Beijing midnight ----------------------------------------------------
    out, err = c.pub("add examples/results.yaml", "--time", utc("2026-12-08 23:30"), rc=2)
    assert "completed 2026-12-09 is after the publication date 2026-12-08" in err  # still 8 Dec in Beijing
    out, _ = c.pub("add examples/results.yaml", "--time", utc("2026-12-09 00:30"))  # 16:30 UTC on 8 Dec
    assert out.count(" result ") == 3
    c.pub("add examples/noncooperation.yaml", "--time", utc("2026-12-09 09:00"))
    c.pub("add examples/correction.yaml", "--time", utc("2026-12-10 09:00"))
    # the partner fills its own Excel template (defaults to its own office)
    c.as_("wjw", ("wjw",))
    c.pub("template results QH-2026-001 --xlsx 卫健委结果.xlsx")
    wb = openpyxl.load_workbook(c.portal / "卫健委结果.xlsx")
    assert {r[0]: r[1] for r in wb["meta"].iter_rows(values_only=True)}["office"] == "wjw"
    ws = wb["results"]
    col = {cell.value.split("(")[-1].rstrip(")"): cell.column for cell in ws[1]}
    ws.cell(2, col["completed"], "2026-12-09")
    ws.cell(2, col["category1"], "1-未发现问题")
    wb.save(c.portal / "卫健委结果.xlsx")
    out, _ = c.pub("add 卫健委结果.xlsx", "--time", utc("2026-12-10 10:00"))
    assert "跳过 4 行尚未填写" in out
    ws.cell(3, col["completed"], "2026-12-09")
    ws.cell(3, col["category1"], "5-未发现问题")  # code and label contradict
    wb.save(c.portal / "卫健委结果.xlsx")
    out, err = c.pub("add 卫健委结果.xlsx", "--time", utc("2026-12-10 10:05"), rc=2)
    assert "“5-未发现问题”前后矛盾" in err
    ws.cell(3, col["category1"], "1-未发现问题")
    wb.save(c.portal / "卫健委结果.xlsx")
    out, _ = c.pub("add 卫健委结果.xlsx", "--time", utc("2026-12-10 10:10"))
    assert "跳过 1 行已发布的结果" in out
    c.as_("nyj", ("nyj",))
    c.pub("add examples/withhold.yaml", "--time", utc("2026-12-10 11:00"))
    # --- §9.6 status, verify, checkpoint, site ----------------------------------------------------
    out, _ = c.pub("status", "--now", str(unix("2026-12-11 09:00")))
    body_2027 = year_from_body(json.loads(next(
        p.read_text("utf-8") for p in sorted((c.portal / "ledger/entries/operator").glob("*.json"))
        if '"type": "calendar"' in p.read_text("utf-8") and '"year": 2027' in p.read_text("utf-8")))["body"])
    due = BUILTIN.with_year(body_2027).add_workdays(date(2026, 12, 31), 20)
    assert due.year == 2027 and f"截止 {due.isoformat()}" in out  # counted on the 2027 calendar entry
    assert "nyj（青禾县农业农村局）" in out
    out, _ = c.pub("verify")
    assert out.startswith("警告") or "按规则汇总" in out
    assert "示例数据" in out and "VALID" in out
    c.as_("operator", ("root", "log"))
    c.pub("checkpoint", "--time", str(unix("2026-12-11 09:30")))
    caplog.set_level("WARNING")
    out, _ = c.pub("build --output output --no-search", "--now", str(unix("2026-12-11 10:00")))
    assert "核验警告" in caplog.text and "WARNING ledger/entries" not in caplog.text  # a summary, not a scroll
    assert "节假日安排（工作日日历） [workflow.calendar]：1 条" in caplog.text
    html = (c.portal / "output" / "index.html").read_text("utf-8")
    assert "青禾县“双随机、一公开”监管公示平台" in html and "某县" not in html
    task_pages = list((c.portal / "output").rglob("*QH-2026-001*"))
    assert task_pages, "the task has a page"
    # --- the guide and this test agree --------------------------------------------------------------
    for command in c.ran:
        generic = re.sub(r"--(time|now) \S+", "", command).strip()
        assert f"publisher {generic}" in GUIDE, f"docs/OPERATIONS.md lacks: publisher {generic}"
