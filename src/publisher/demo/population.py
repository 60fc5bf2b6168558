"""Deterministic made-up target and inspector directories for the sample county."""

from __future__ import annotations

import random

from ..directory.records import Inspector, Target
from ..directory.uscc import make_uscc
from .county import COUNTY, GIVEN, INDUSTRIES, NAME_WORDS, OFFICES, SURNAMES, TOWNS

COUNTY_NAME_SHORT = "示例"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _supervisor(industry: str) -> str:
    for code, _zh, _en, prefixes in OFFICES:
        if any(industry.startswith(p) for p in prefixes):
            return code
    return "scjgj"


def make_targets(rng: random.Random, n: int = 20000) -> list[Target]:
    weights = [w for *_, w in INDUSTRIES]
    seen: set[str] = set()
    out: list[Target] = []
    while len(out) < n:
        industry, word, suffix, _ = rng.choices(INDUSTRIES, weights)[0]
        town, town_name = rng.choice(TOWNS)
        r = rng.random()
        if "合作社" in suffix:
            kind, prefix = "cooperative", "93"
        elif r < 0.38 and suffix in ("便利店", "餐饮店", "家政服务部", "诊所", "健身馆", "汽车修理厂", "石料厂"):
            kind, prefix = "individual", "92"
        elif r < 0.02:
            kind, prefix = "branch", "91"
        else:
            kind, prefix = "enterprise", "91"
        body = "MA" + "".join(rng.choice(USCC_CHARS) for _ in range(6))
        uid = make_uscc(prefix, COUNTY, body)
        if uid in seen:
            continue
        seen.add(uid)
        brand = rng.choice(NAME_WORDS) + rng.choice(NAME_WORDS)
        name = f"{COUNTY_NAME_SHORT}{brand}{word}{suffix}" if kind != "individual" else f"{town_name}{brand}{suffix}"
        if kind == "branch":
            name = f"{COUNTY_NAME_SHORT}{brand}{word}有限公司{town_name}分公司"
        risk = rng.choices("ABCD", [40, 45, 12, 3])[0]
        flags = []
        if rng.random() < 0.03:
            flags.append("abnormal")
        if rng.random() < 0.005:
            flags.append("serious_illegal")
        if rng.random() < 0.02:
            flags.append("watch")
        complaints = 0 if rng.random() < 0.9 else rng.randint(1, 6)
        out.append(Target(uid, name + ("（样例）" if False else ""), kind, town, industry, risk,
                          tuple(sorted(flags)), complaints, _supervisor(industry), None))
    # a few non-market objects (products, projects)
    for i in range(1, 121):
        town, _ = rng.choice(TOWNS)
        if i % 2:
            out.append(Target(f"P-{COUNTY}-{i:04d}", f"示例县产品抽样批次{i:04d}", "product", town, None, None, (), 0, "scjgj", None))
        else:
            out.append(Target(f"PRJ-{COUNTY}-{i:04d}", f"示例县建设项目{i:04d}", "project", town, "E4700", None, (), 0, "zjj", None))
    return out





def make_inspectors(rng: random.Random, targets: list[Target], items_by_office: dict[str, list[str]],
                    total: int = 150) -> list[Inspector]:
    """Inspectors spread over offices (market bureau largest), units by town, some groups and conflicts."""
    weights = {"scjgj": 40, "zfj": 12, "wjj": 8, "nyncj": 8, "sthjj": 8, "zjj": 8, "jtysj": 6, "yjj": 6, "wlj": 5}
    offices = [o[0] for o in OFFICES]
    counts = dict.fromkeys(offices, 4)  # every office can field a team of two even after recusals
    rest = total - sum(counts.values())
    pool = [o for o in offices for _ in range(weights.get(o, 1))]
    for _ in range(rest):
        counts[rng.choice(pool)] += 1
    out: list[Inspector] = []
    market_ids = [t.id for t in targets if t.kind in ("enterprise", "individual")]
    n = 0
    for office in offices:
        for j in range(counts[office]):
            n += 1
            town, town_name = TOWNS[(n * 7) % len(TOWNS)]
            unit_region, unit = (town, f"{town_name}所") if office == "scjgj" and j >= 6 else (COUNTY, "机关")
            if office == "scjgj" and j >= 6:
                unit = f"{town_name}市场监管所"
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            group = f"{office}-G{(j // 3) + 1}" if counts[office] >= 6 else None
            conflicts = tuple(sorted(rng.sample(market_ids, rng.choice([0, 0, 0, 1, 2])))) if counts[office] >= 6 else ()
            items = tuple(items_by_office.get(office, []))
            out.append(Inspector(f"鲁执{379901}{n:05d}", name, office, unit, unit_region,
                                 ("食品安全",) if office == "scjgj" and j % 3 == 0 else (), items, group,
                                 not (n % 41 == 0), conflicts))
    return out
