"""`draw commit` / `draw lock` in a portal whose risk classes are sealed (docs/spec/65-sealed.md).

The office keeps its classified target directory (CSV/XLSX with 信用风险分类) and the openings
private; the ledger holds only the sealed snapshot (no class), the hiding leaves and the entries.
The openings file is written outside the repository, mode 0600, before the commitment is
appended, so no commitment ever exists without its openings. Every refusal writes nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..directory.records import DirectoryError, Target
from ..directory.snapshot import snapshot_bytes, snapshot_id
from ..draw.errors import DrawError
from ..draw.openings import Opening, openings_bytes, parse_openings
from ..draw.sealed import SealedCommit, build_sealed_commit, eligible, opening_findings
from .errors import UserError

NO_CLASS = ("none", "无", "未分类")


def is_sealed_portal(ledger) -> bool:
    return ledger.trust().raw.get("risk_class_disclosure") == "sealed"


def _repository_dirs(ledger) -> list[Path]:
    """The ledger directory and the git work tree holding it (nothing private goes in either)."""
    root = Path(ledger.root).resolve()
    out = [root]
    for d in (root, *root.parents):
        if (d / ".git").exists():
            out.append(d)
            break
    return out


def check_openings_out(args, ledger) -> Path:
    """Refuse a missing, existing or in-repository openings file before anything is computed."""
    if not args.openings_out:
        raise UserError("本门户的风险分类封存，承诺抽取时必须用 --openings-out FILE 指定开启数据文件（保存在仓库之外）；"
                        "未写入任何内容 / this portal's risk classes are sealed: draw commit needs --openings-out FILE "
                        "(the openings, kept outside the repository); nothing written")
    out = Path(args.openings_out).resolve()
    for d in _repository_dirs(ledger):
        if out == d or d in out.parents:
            raise UserError(f"开启数据文件 {args.openings_out} 位于账本或仓库目录 {d} 之内，会被公开；请保存在仓库之外；"
                            f"未写入任何内容 / the openings file {args.openings_out} is inside the ledger or repository "
                            f"directory {d}, where it would be published; keep it outside; nothing written")
    if out.exists():
        raise UserError(f"开启数据文件 {args.openings_out} 已经存在，不会覆盖；未写入任何内容 / "
                        f"the openings file {args.openings_out} already exists and is never overwritten; nothing written")
    if not out.parent.is_dir():
        raise UserError(f"开启数据文件所在目录 {out.parent} 不存在；未写入任何内容 / "
                        f"the directory {out.parent} of the openings file does not exist; nothing written")
    if not args.classified:
        raise UserError("本门户的风险分类封存，承诺抽取时必须用 --classified FILE 指定本单位带风险分类的检查对象名录（CSV/XLSX）；"
                        "未写入任何内容 / this portal's risk classes are sealed: draw commit needs --classified FILE "
                        "(your target directory with its risk classes, CSV or XLSX); nothing written")
    return out


def _read_classified(args, ledger) -> list[Target]:
    from ..directory.readers import iter_targets
    from ..workflow.form_directory import office_names
    from ..workflow.ledger_state import LedgerState

    offices = office_names(LedgerState(ledger).replay(cache=True))  # read as `publisher add` read it
    try:
        return list(iter_targets(args.classified, sheet=args.sheet, name=args.classified, offices=offices))
    except DirectoryError as exc:
        raise UserError(f"{args.classified}：带风险分类的名录有误，未写入任何内容 / the classified directory has problems; "
                        "nothing written:\n"
                        + "\n".join(str(p) for p in exc.problems[:20])) from None
    except OSError as exc:
        raise UserError(f"{args.classified}：无法读取文件：{exc.strerror or exc}；未写入任何内容 / cannot read the file; "
                        "nothing written") from None


def _assigner(args, strata: list[dict]) -> Callable[[Target], str]:
    """The office's private stratification: ``--stratum CLASS=NAME`` (CLASS A–D, or none)."""
    names = [s["name"] for s in strata]
    table: dict[str | None, str] = {}
    for item in args.stratum:
        cls, sep, name = item.partition("=")
        cls = cls.strip()
        if not sep or name not in names:
            raise UserError(f"--stratum {item}：应写 风险分类=分层名称，分层须是抽取说明中的一层（{'、'.join(names)}）/ "
                            "write CLASS=STRATUM with a stratum of the spec; nothing written")
        key = None if cls in NO_CLASS else cls.upper()
        if key is not None and key not in "ABCD":
            raise UserError(f"--stratum {item}：风险分类应为 A、B、C、D 或 none（未分类）/ the class is A, B, C, D or none; nothing written")
        table[key] = name
    if not table and len(names) == 1:
        return lambda t: names[0]
    if not table:
        raise UserError("抽取说明有多个分层，请用 --stratum 风险分类=分层名称 说明每类企业属于哪一层（例如 --stratum D=第三层）"
                        "；未写入任何内容 / the spec has several strata: map each risk class to one with --stratum "
                        "CLASS=STRATUM; nothing written")

    def assign(t: Target) -> str:
        if t.risk not in table:
            raise DrawError(f"目标 {t.id} 的风险分类 {t.risk or 'none'} 没有用 --stratum 指定分层 / "
                            f"target {t.id}'s class {t.risk or 'none'} has no --stratum")
        return table[t.risk]
    return assign


def build_commit(args, ledger, spec: dict[str, Any], inspectors: list, *, time: str, cap, chains) -> SealedCommit:
    """The sealed body over the office's classified directory, whose sealed copy must be the
    published snapshot the spec names."""
    full = _read_classified(args, ledger)
    blob = spec["population"]["snapshot"]
    if snapshot_id(snapshot_bytes([t.sealed_copy() for t in full])) != blob:
        raise UserError(f"{args.classified} 去掉风险分类后与已发布的名录快照 {blob[:16]}… 不一致；请先用 publisher add 发布"
                        f"该名录（封存门户只发布不含风险分类的副本）；未写入任何内容 / the sealed copy of {args.classified} "
                        f"is not the published snapshot {blob[:16]}…: publish the directory first (publisher add; a sealed "
                        "portal publishes it without classes); nothing written")
    assign = _assigner(args, spec.get("strata") or [])
    try:
        return build_sealed_commit(spec, full, inspectors, assign, time=time, cap=cap, chains=chains)
    except DrawError as exc:
        raise UserError(f"{args.spec}：{exc.message}" + (f" ({exc.article})" if exc.article else "")
                        + "；未写入任何内容 / nothing written") from exc


def write_openings(path: Path, openings: list[Opening]) -> None:
    """Atomically, mode 0600, never over an existing file (link(2) refuses to)."""
    fd, tmp = tempfile.mkstemp(prefix=".openings-", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(openings_bytes(openings))
            f.flush()
            os.fsync(f.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise UserError(f"开启数据文件 {path} 已经存在，不会覆盖；未写入任何内容 / {path} already exists; nothing written") from None
    finally:
        os.unlink(tmp)


def load_openings(args, root: str) -> Mapping[str, Opening]:
    if not getattr(args, "openings", None):
        raise UserError("本门户的风险分类封存，锁定抽取时必须用 --openings FILE 指定承诺时写出的开启数据文件；未写入任何内容 / "
                        "this portal's risk classes are sealed: draw lock needs --openings FILE (written by draw commit); "
                        "nothing written")
    try:
        data = Path(args.openings).read_bytes()
    except OSError as exc:
        raise UserError(f"{args.openings}：无法读取文件：{exc.strerror or exc}；未写入任何内容 / cannot read the file; "
                        "nothing written") from None
    try:
        by_root = parse_openings(data, args.openings)
    except DrawError as exc:
        raise UserError(f"开启数据文件格式有误：{exc.message} / the openings file is malformed; nothing written") from None
    got = by_root.get(root)
    if not got:
        raise UserError(f"开启数据文件 {args.openings} 中没有本次抽取承诺（总体根 {root[:16]}…）的开启数据，可能用错了文件；"
                        f"未写入任何内容 / {args.openings} holds no openings for this commitment (population root "
                        f"{root[:16]}…): wrong openings file?; nothing written")
    return got


def eligible_targets(body: Mapping[str, Any], records) -> list:
    return eligible(body, records, cap=None, time="", apply_cap=False).targets


def check_openings(body: Mapping[str, Any], targets: list, leaves: bytes, openings: Mapping[str, Opening],
                   name: str) -> None:
    """A lock is built only from openings that open the committed leaves (else it binds nothing)."""
    bad = opening_findings(body, targets, leaves, openings)
    if bad:
        raise UserError(f"开启数据文件 {name} 与本次承诺的封存叶子不符，不能锁定；未写入任何内容 / the openings in {name} do not "
                        "open this commitment's sealed leaves; nothing written:\n" + "\n".join(f.message for f in bad[:10]))
