"""Company lookup index: a push's in-place update against a full write of the same directory.

    python bench/bench_lookup.py                       # 50,000 companies (a tenth of a province)
    python bench/bench_lookup.py --companies 500000    # a province's directory
    python bench/bench_lookup.py --check               # and compare the update with a fresh full write

Names are drawn like real company names (place, brand, trade, legal form: 有限公司,
有限责任公司 …), so a handful of grams (公司, 有限, 限公 …) hold most of the directory, as they
do in a real one; the province benchmark's synthetic names (示例企业N) have only ~1,200 grams.
The push: ``--results`` new results on random companies (a count change: the company keeps its
place in every list), ``--added`` new companies, ``--renamed`` renames. Times are wall seconds
of ``site.lookup.write_index``; the ratio is the update over the full write measured in the
same run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from publisher.site import lookup  # noqa: E402
from publisher.site.incremental import Manifest  # noqa: E402
from publisher.site.model import SiteIndex  # noqa: E402

PLACES = "北京 上海 广州 深圳 德州 济南 青岛 烟台 潍坊 临沂 淄博 威海 日照 滨州 聊城 菏泽 枣庄 东营 泰安 济宁".split()
BRAND = "华鑫瑞丰泰盛隆兴达宏源恒信诚德鼎昌荣安康佳美新天宇通海金银博远长城明光"
TRADES = ("科技 贸易 食品 餐饮 药业 医疗器械 建材 物流 商贸 农业 化工 机械 电子 服装 印刷 "
          "超市 酒店 药房 汽车服务 建筑工程 文化传媒 环保").split()
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "商行", "经营部", "店"]


def names(n: int, rnd: random.Random) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        brand = "".join(rnd.choice(BRAND) for _ in range(rnd.choice((2, 2, 3))))
        name = rnd.choice(PLACES) + ("市" if rnd.random() < 0.5 else "") + brand + rnd.choice(TRADES) + rnd.choice(FORMS)
        out.append((f"91{i:016d}", name))
    return out


def build(ix: SiteIndex, out: Path, cache: Path) -> tuple[dict, float, float]:
    """One build's lookup step: its stats, wall and CPU seconds (CPU: the machine may be shared)."""
    m = Manifest(out, "bench", cache_root=cache)
    m.load()
    t, c = time.perf_counter(), time.process_time()
    stats = lookup.write_index(ix, out, None, m)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    m.finish()
    return stats, dt, dc


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=50_000)
    ap.add_argument("--results", type=int, default=1_000, help="results in the push (count changes)")
    ap.add_argument("--added", type=int, default=20)
    ap.add_argument("--renamed", type=int, default=5)
    ap.add_argument("--check", action="store_true", help="compare the updated index with a fresh full write")
    ap.add_argument("--work", type=Path, help="directory for the outputs (default: a temporary one)")
    a = ap.parse_args()
    rnd = random.Random(15)
    work = Path(tempfile.mkdtemp(prefix="bench-lookup-", dir=a.work))
    ix = SiteIndex(work / "site.sqlite")
    directory = names(a.companies, rnd)
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)", directory)
    ix.db.executemany("INSERT INTO results(idx, target_id, kind) VALUES (?,?, 'result')",
                      [(i, rnd.choice(directory)[0]) for i in range(a.companies)])
    ix.db.commit()
    print(f"# lookup benchmark — {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"load {os.getloadavg()[0]:.1f}")
    out, cache = work / "out", work / "cache"
    stats, full_s, full_c = build(ix, out, cache)
    print(f"full write:  {full_s:7.2f} s  {full_c:7.2f} CPU s  {stats['companies']:,} companies, {stats['grams']:,} grams, "
          f"{stats['buckets']:,} buckets, {stats['files']:,} files")
    idx = a.companies
    for _ in range(a.results):
        ix.db.execute("INSERT INTO results(idx, target_id, kind) VALUES (?,?, 'result')", (idx, rnd.choice(directory)[0]))
        idx += 1
    extra = names(a.companies + a.added, rnd)[a.companies:]
    ix.db.executemany("INSERT INTO targets(id, name) VALUES (?,?)", extra)
    for cid, _ in rnd.sample(directory, a.renamed):
        ix.db.execute("UPDATE targets SET name=? WHERE id=?", (names(1, rnd)[0][1], cid))
    ix.db.commit()
    stats, push_s, push_c = build(ix, out, cache)
    way = "in place" if "changed" in stats else "REBUILT"
    print(f"push update: {push_s:7.2f} s  {push_c:7.2f} CPU s  {way}: {stats.get('changed', 0):,} companies changed, "
          f"{stats['files']:,} files written")
    print(f"ratio push / full write (same run): wall {push_s / full_s:.3f}, CPU {push_c / full_c:.3f}")
    if a.check:
        lookup.write_index(ix, work / "fresh", None, None)
        same = files(out / "lookup") == files(work / "fresh" / "lookup")
        print(f"updated index equals a fresh full write: {same}")
    ix.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0 if not a.check or same else 1


if __name__ == "__main__":
    sys.exit(main())
