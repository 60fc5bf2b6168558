"""Result-category vocabularies (004 第二十条), versioned so wider lists can be added later.

``004-20/v1`` is the eight categories of 004 第二十条, coded 1–8 in that article's order.
Real platforms use wider, multi-valued code lists (REQUIREMENTS §2.2); a new vocabulary is a
new key here, never a change to an existing one, so old results keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_VOCABULARY = "004-20/v1"


@dataclass(frozen=True)
class Vocabulary:
    name: str
    labels_zh: dict[str, str]
    labels_en: dict[str, str]
    exclusive: frozenset[str]  # codes that cannot be combined with any other code

    def label(self, code: str) -> str:
        return self.labels_zh.get(code, code)


V004_20 = Vocabulary(
    name=DEFAULT_VOCABULARY,
    labels_zh={
        "1": "未发现问题",
        "2": "未按规定公示应当公示的信息",
        "3": "公示信息隐瞒真实情况弄虚作假",
        "4": "通过登记的住所(经营场所)无法联系",
        "5": "发现问题已责令改正",
        "6": "不配合检查情节严重",
        "7": "未发现开展本次抽查涉及的经营活动",
        "8": "发现问题待后续处理",
    },
    labels_en={
        "1": "no problem found",
        "2": "did not disclose information it must disclose",
        "3": "disclosed information concealed the facts or was falsified",
        "4": "cannot be reached at the registered address",
        "5": "problem found, correction ordered",
        "6": "serious non-cooperation",
        "7": "no business activity of the kind this check covers",
        "8": "problem found, follow-up pending",
    },
    # "no problem found" contradicts every other category (each reports a problem or that
    # the check could not be done as planned).
    exclusive=frozenset({"1"}),
)

VOCABULARIES: dict[str, Vocabulary] = {V004_20.name: V004_20}

METHODS: dict[str, str] = {  # R53, default on_site (000 第十条)
    "on_site": "实地检查",
    "written": "书面检查",
    "network": "网络监测",
    "third_party": "委托第三方(审计、验资、评估、检验检测)",
    "reuse": "利用其他部门检查结果/专业结论/生效文书",
}

FOLLOW_UP: dict[str, str] = {  # R65, R70
    "referral": "移送/移交线索",
    "abnormal_list": "列入经营异常名录",
    "penalty": "行政处罚",
    "none": "无",
}

NONCOOPERATION_GROUNDS: dict[str, str] = {  # 004 第十九条 (一)–(四)
    "refused_entry": "拒绝检查人员或者其委托的专业机构进入被检查场所",
    "refused_materials": "拒绝向检查人员或者其委托的专业机构提供相关材料",
    "false_materials": "不如实或者不按要求提供情况或者相关材料",
    "obstruction": "其他阻挠、妨碍检查工作的行为，致使检查工作无法正常进行",
}


def category_problems(vocabulary: str, codes: list[str]) -> list[str]:
    """Why a list of category codes is not acceptable under ``vocabulary`` (empty if fine)."""
    v = VOCABULARIES.get(vocabulary)
    if v is None:
        return [f"结果类别代码表“{vocabulary}”未知（已知：{'、'.join(sorted(VOCABULARIES))}）/ "
                f"vocabulary {vocabulary!r} is unknown (known: {', '.join(sorted(VOCABULARIES))})"]
    out = []
    unknown = [c for c in codes if c not in v.labels_zh]
    if unknown:
        out.append(f"类别 {'、'.join(unknown)} 不是有效的结果类别（1–8：{'；'.join(f'{k} {x}' for k, x in v.labels_zh.items())}）/ "
                   f"categories {unknown} are not codes of {vocabulary} "
                   f"(1–8: {'; '.join(f'{k} {x}' for k, x in v.labels_zh.items())})")
    for c in codes:
        if c in v.exclusive and len(codes) > 1:
            out.append(f"“{v.label(c)}”不能与其他类别同时选择 / category {c} ({v.label(c)}) cannot be combined "
                       "with other categories")
    return out
