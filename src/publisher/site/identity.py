"""Who runs the site and how to reach them: the identity fields every government site shows.

Why one place: a county sets ``PUBLISHER_*`` values in pelicanconf.py; anything it leaves out
falls back to the defaults below, so the footer and the About page never show an empty
主办单位 or a missing objection channel. Values are (Chinese, English) pairs.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, tuple[str, str]] = {
    # 主办单位: the office legally responsible for the site
    "PUBLISHER_SPONSOR": ("县“双随机、一公开”监管工作联席会议办公室", "County Joint Meeting Office for “Double Random, One Public” Supervision"),
    # 承办单位: who operates it day to day (may be the same)
    "PUBLISHER_OPERATOR": ("县市场监督管理局", "County Administration for Market Regulation"),
    "PUBLISHER_CONTACT_PHONE": ("0000-0000000（工作日 8:30—17:30）", "0000-0000000 (working days 8:30–17:30)"),
    "PUBLISHER_CONTACT_EMAIL": ("ssgk@example.gov.cn", "ssgk@example.gov.cn"),
    "PUBLISHER_CONTACT_ADDRESS": ("县人民政府政务服务中心", "County Government Service Centre"),
    # 异议/申请更正: how a company or citizen disputes a published record
    "PUBLISHER_OBJECTION": (
        "对公示的抽查检查结果有异议的，检查对象可以自公示之日起向作出检查结果的部门提出书面异议并提交证据；"
        "经核实确有错误的，由该部门主要负责人批准后更正，更正作为新记录发布，原记录保留。",
        "A target that disputes a published result may file a written objection with evidence to the office that "
        "published it; if the office finds an error, its head approves a correction, published as a new entry while "
        "the original stays on record."),
    "PUBLISHER_DATA_LICENCE": ("本站数据可免费下载、使用和转载，请注明来源。", "Free to download, use and republish with attribution."),
    # registration numbers shown by Chinese government sites (empty: not shown)
    "PUBLISHER_ICP": ("", ""),
    "PUBLISHER_SITE_CODE": ("", ""),  # 政府网站标识码
}


def identity(settings: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{field: {"zh": ..., "en": ...}} with the site's values over the defaults; a plain string
    setting is used for both languages."""
    out = {}
    for key, (zh, en) in DEFAULTS.items():
        v = settings.get(key)
        if isinstance(v, (list, tuple)) and len(v) == 2:
            zh, en = str(v[0]), str(v[1])
        elif isinstance(v, dict):
            zh, en = str(v.get("zh", zh)), str(v.get("en", v.get("zh", en)))
        elif isinstance(v, str):
            zh = en = v
        out[key.removeprefix("PUBLISHER_").lower()] = {"zh": zh, "en": en}
    return out
