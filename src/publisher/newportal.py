"""`publisher new-portal DIR`: the files an operator edits to publish a county's own site.

Why: the site's name, organiser (主办单位) and public URL live in ``pelicanconf.py``, with the
theme and the Markdown pages beside it. Copying them by hand was easy to forget, and a portal
without them was silently built with the sample county's name. This writes them once, filled
in from the operator's answers, and never overwrites a file.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .core.errors import PublisherError

REPO = Path(__file__).resolve().parents[2]  # src/publisher/newportal.py -> repository root
GITATTRIBUTES = "ledger/log merge=union\n"
GITIGNORE = "ledger/.lock\nledger/.tmp*\n*.key\n*.pem\n*.seed\nkeys/\noutput/\n"


class PortalError(PublisherError, ValueError):
    pass


@dataclass(frozen=True)
class PortalNames:
    county_zh: str  # e.g. 清河县
    county_en: str  # e.g. Qinghe County
    host_zh: str  # 主办单位
    host_en: str
    url: str  # public URL of the site, https://…/
    root_key_ids: tuple[str, ...] = ()
    origin: str | None = None

    def check(self) -> None:
        for label, v in (("--county-zh 县名", self.county_zh), ("--county-en", self.county_en),
                         ("--host-zh 主办单位", self.host_zh), ("--host-en", self.host_en)):
            if not v.strip() or len(v) > 100 or any(c in v for c in "\"\\\n\r"):
                raise PortalError(f"{label}：须为 1–100 个字符，不含引号、反斜杠或换行 / "
                                  f"{label.split()[0]}: 1-100 characters without quotes, backslashes or newlines")
        if "某县" in self.county_zh or "sample" in self.county_en.lower():
            raise PortalError("县名不能是样例名称“某县 / Sample County” / the county name must not be the sample's")
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?", self.url):
            raise PortalError(f"--url：“{self.url}”不是网址，应为 https://portal.example.gov.cn/ 这样的形式 / "
                              "not a URL like https://portal.example.gov.cn/")


def _settings(names: PortalNames) -> str:
    text = (REPO / "pelicanconf.py").read_text("utf-8")
    url = names.url if names.url.endswith("/") else names.url + "/"
    keys = repr({names.origin: list(names.root_key_ids)}) if names.origin and names.root_key_ids else "{}"
    values = {
        "SITENAME": f"{names.county_zh}“双随机、一公开”监管公示平台",
        "SITENAME_EN": f"{names.county_en} “Double Random, One Public” Supervision Portal",
        "AUTHOR": names.host_zh, "AUTHOR_EN": names.host_en,
    }
    for k, v in values.items():
        text, n = re.subn(rf'^{k} = .*$', lambda _m, k=k, v=v: f"{k} = {v!r}", text, count=1, flags=re.M)
        if n != 1:
            raise PortalError(f"pelicanconf.py template lacks {k}")
    text = re.sub(r"^PUBLISHER_ROOT_KEY_IDS = .*$", lambda _m: f"PUBLISHER_ROOT_KEY_IDS = {keys}", text, count=1, flags=re.M)
    text = re.sub(r"^PUBLISHER_PUBLIC_URL = .*$", lambda _m: f"PUBLISHER_PUBLIC_URL = {url!r}", text, count=1, flags=re.M)
    text = re.sub(r"^PUBLISHER_SAMPLE_SETTINGS = .*\n", "", text, flags=re.M)
    # the sample's (non-existent) gazette is not this portal's: the operator names its own notice
    text = re.sub(r"^PUBLISHER_TRUST_GAZETTE = .*$",
                  lambda _m: 'PUBLISHER_TRUST_GAZETTE = ""  # 公布 trust.json 指纹的公报/公告 / gazette or notice',
                  text, count=1, flags=re.M)
    head = ("# 本门户的网站设置：名称、主办单位、公开网址由 publisher new-portal 写入，可直接修改。\n"
            "# This portal's site settings, written by `publisher new-portal`; edit freely.\n")
    return head + text


def _pages(names: PortalNames, src: Path, dst: Path) -> None:
    for f in sorted(src.rglob("*")):
        target = dst / f.relative_to(src)
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        text = f.read_text("utf-8").replace("某县", names.county_zh)
        if f.name == "about.md":
            text += f"\n\n主办单位：{names.host_zh}。网址：{names.url}\n"
        elif f.name == "about.en.md":
            text += f"\n\nRun by {names.host_en}. Address: {names.url}\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def planned(dest: Path) -> list[Path]:
    return [dest / "pelicanconf.py", dest / "theme", dest / "content"]


def new_portal(dest: Path, names: PortalNames) -> list[Path]:
    """Write pelicanconf.py, theme/, content/ (+ .gitattributes/.gitignore if missing) into dest."""
    names.check()
    clash = [p for p in planned(dest) if p.exists()]
    if clash:
        raise PortalError(f"{', '.join(str(p) for p in clash)}：已存在，不会覆盖；未写入任何内容 / "
                          "already exist(s); nothing written")
    settings = _settings(names)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "theme", dest / "theme")
    _pages(names, REPO / "content", dest / "content")
    (dest / "pelicanconf.py").write_text(settings, "utf-8")
    written = planned(dest)
    for name, text in ((".gitattributes", GITATTRIBUTES), (".gitignore", GITIGNORE)):
        p = dest / name
        if not p.exists():
            p.write_text(text, "utf-8")
            written.append(p)
    return written
