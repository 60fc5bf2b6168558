"""`publisher new-portal`: a portal's own site settings; a real portal is never built as the sample."""

from __future__ import annotations

import pytest

from publisher.cli.main import main

NAMES = ["--county-zh", "清河县", "--county-en", "Qinghe County", "--host-zh", "清河县市场监督管理局",
         "--host-en", "Qinghe County Market Regulation Bureau", "--url", "https://ssgk.qinghe.example.cn/"]


@pytest.fixture
def portal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PUBLISHER_KEYS", str(tmp_path / "keys"))
    monkeypatch.setenv("PUBLISHER_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    for name in ("root", "log"):
        assert main(["keygen", name]) == 0
    assert main(["init", "--origin", "ssgk.qinghe.example.cn/ledger", "--beacon", "drand-quicknet",
                 "--disclosure", "public"]) == 0
    capsys.readouterr()
    return tmp_path


def test_build_refuses_sample_settings_for_a_real_portal(portal, capsys):
    assert main(["build", "--output", "out", "--no-search"]) == 2
    err = capsys.readouterr().err
    assert "不会用样例“某县”的名称生成网站" in err and "publisher new-portal" in err
    assert not (portal / "out").exists()


def test_new_portal_then_build(portal, capsys):
    assert main(["new-portal", ".", *NAMES]) == 0
    conf = (portal / "pelicanconf.py").read_text("utf-8")
    assert "清河县“双随机、一公开”监管公示平台" in conf and "某县" not in conf
    assert "PUBLISHER_SAMPLE_SETTINGS" not in conf and "https://ssgk.qinghe.example.cn/" in conf
    root_id = (portal / "keys" / "root.pub").read_text().split()[2]
    assert root_id in conf  # the root key is pinned from trust.json
    assert (portal / ".gitattributes").read_text() == "ledger/log merge=union\n"
    assert "主办单位：清河县市场监督管理局" in (portal / "content/pages/about.md").read_text("utf-8")
    assert main(["build", "--output", "out", "--no-search"]) == 0
    html = (portal / "out" / "index.html").read_text("utf-8")
    assert "清河县“双随机、一公开”监管公示平台" in html and "某县" not in html
    # never overwrites
    before = (portal / "pelicanconf.py").read_bytes()
    capsys.readouterr()
    assert main(["new-portal", ".", *NAMES]) == 2
    assert "已存在，不会覆盖" in capsys.readouterr().err
    assert (portal / "pelicanconf.py").read_bytes() == before


@pytest.mark.parametrize("flag, value, words", [
    ("--url", "ssgk.qinghe", "不是网址"), ("--county-zh", "某县", "不能是样例名称"), ("--host-zh", "", "须为 1–100 个字符")])
def test_new_portal_refusals(portal, capsys, flag, value, words):
    argv = list(NAMES)
    argv[argv.index(flag) + 1] = value
    assert main(["new-portal", "site", *argv]) == 2
    assert words in capsys.readouterr().err
    assert not (portal / "site").exists()
