"""Item lists (抽查事项清单) of the sample county's offices: key items uncapped, general capped."""

from __future__ import annotations

from .county import OFFICES

# (code suffix, name, kind, ratio cap or None, basis, content)
MARKET_ITEMS = [
    ("01", "企业公示信息抽查", "general", "0.05", "《企业信息公示暂行条例》第十四条", "年度报告、即时信息公示情况"),
    ("02", "食品经营者检查", "key", None, "《中华人民共和国食品安全法》第一百一十条", "许可、进货查验、贮存、从业人员健康"),
    ("03", "产品质量监督抽查", "key", None, "《中华人民共和国产品质量法》第十五条", "产品抽样检验"),
    ("04", "计量器具监督检查", "general", "0.10", "《中华人民共和国计量法》第十八条", "强制检定计量器具使用情况"),
    ("05", "广告发布行为检查", "general", "0.05", "《中华人民共和国广告法》第四十九条", "广告内容与发布登记"),
    ("06", "价格行为检查", "general", "0.05", "《中华人民共和国价格法》第三十四条", "明码标价与价格欺诈"),
    ("07", "特种设备安全监督检查", "key", None, "《中华人民共和国特种设备安全法》第五十七条", "使用登记、定期检验、作业人员资质"),
    ("08", "药品零售企业检查", "key", None, "《中华人民共和国药品管理法》第九十九条", "处方药销售、药师在岗、储存条件"),
]

GENERIC = {
    "wjj": ("公共场所卫生监督检查", "医疗机构依法执业检查", "《公共场所卫生管理条例》第十四条"),
    "nyncj": ("农药经营监督检查", "农产品质量安全检查", "《农药管理条例》第四十一条"),
    "sthjj": ("排污单位环境监督检查", "危险废物规范化管理检查", "《中华人民共和国环境保护法》第二十四条"),
    "zjj": ("建筑市场行为检查", "在建工程质量安全检查", "《建设工程质量管理条例》第四十七条"),
    "jtysj": ("道路运输经营检查", "危险货物运输检查", "《中华人民共和国道路运输条例》第五十八条"),
    "yjj": ("安全生产监督检查", "危险化学品经营检查", "《中华人民共和国安全生产法》第六十五条"),
    "wlj": ("文化市场经营检查", "旅行社经营检查", "《营业性演出管理条例》第三十五条"),
    "zfj": ("市容环境卫生检查", "户外广告设施检查", "《城市市容和环境卫生管理条例》第三十六条"),
}


def item_lists() -> dict[str, list[dict]]:
    """office -> items of its version-1 list."""
    out: dict[str, list[dict]] = {}
    prefix = {o[0]: o[0].upper()[:4] for o in OFFICES}
    out["scjgj"] = [_item(f"SC-{c}", n, k, cap, b, content, joint=c in ("01", "02", "06"))
                    for c, n, k, cap, b, content in MARKET_ITEMS]
    for code, zh, _en, _ind in OFFICES:
        if code == "scjgj":
            continue
        general, key, basis = GENERIC.get(code, (f"{zh.replace('示例县', '')}日常监督检查",
                                                 f"{zh.replace('示例县', '')}重点领域检查",
                                                 "相关法律法规规定的监督检查职责"))
        out[code] = [
            _item(f"{prefix[code]}-01", general, "general", "0.10", basis, "依法履行日常监管职责", joint=True),
            _item(f"{prefix[code]}-02", key, "key", None, basis, "涉及安全、质量和公共利益的事项", joint=False),
        ]
    return out


def revised_market_items() -> list[dict]:
    """Version 2 of the market bureau's list: one item added after the joint list review (R7)."""
    items = item_lists()["scjgj"]
    items.append(_item("SC-09", "电子商务经营者检查", "general", "0.05", "《中华人民共和国电子商务法》第六条",
                       "网店亮照亮证、经营信息公示", joint=False))
    return items


def _item(code, name, kind, cap, basis, content, joint) -> dict:
    d = {"code": code, "name": name, "kind": kind, "basis": basis, "subject": "本部门",
         "content": content, "method": "双随机抽查，实地检查为主", "joint": joint}
    if cap is not None:
        d["ratio_cap"] = cap
    return d
