"""Office commands: `publisher add`, `publisher template results`, `publisher report deadlines`."""

from __future__ import annotations

import json
import sys
import time as _time
from datetime import UTC, datetime
from pathlib import Path

from ..core.entry import format_time, parse_time
from ..storage import keystore
from ..workflow.errors import InputError
from .common import add_ledger_arg, open_ledger
from .main import UserError


def register(sub) -> None:
    p = sub.add_parser("add", help="检查 YAML/Excel 文件并写入账本（全部写入或都不写）/ validate a file and append its entries",
                       description="添加单位文件：事项清单 item_list、年度计划 plan、任务 task(s)、结果 result(s)、更正 correction、"
                       "不予公示 withhold、不配合 noncooperation、名录 targets / inspectors（YAML，写 kind:），或结果/名录 Excel。"
                       "先对照账本检查，有任何问题都不写入。示例见 examples/。 / Add an office file (YAML with 'kind:', or a "
                       "results/directory workbook); everything is checked first, nothing is written on any problem. "
                       "Examples: examples/.")
    p.add_argument("file", type=Path, help="单位填写的 YAML 或 XLSX 文件 / the file")
    p.add_argument("--office", help="单位代码（默认取文件中的 office）/ office code (default: the file's 'office')")
    p.add_argument("--key", help="密钥名称（默认为单位代码）/ key name in $PUBLISHER_KEYS (default: the office code)")
    p.add_argument("--keys", help="密钥目录 / key directory (default $PUBLISHER_KEYS)")
    add_ledger_arg(p)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入 / check only; write nothing")
    p.add_argument("--time", help="记录时间（默认现在；用于测试和重放）/ entry time YYYY-MM-DDTHH:MM:SSZ (default now; "
                   "for tests and replays — the verifier refuses back-dated entries)")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("template", help="生成 Excel 填报模板 / make an Excel template")
    tsub = p.add_subparsers(dest="what", metavar="WHAT")
    tsub.required = True
    t = tsub.add_parser("results", help="预填抽中对象和检查组的结果表 / results sheet pre-filled with a task's locked targets",
                        description="生成结果填报表：每行一个抽中的检查对象（名称、检查组已填好），下拉选择结果类别；"
                        "已发布的对象不再列出。填好后用 publisher add 导入，可分几次导入。 / One row per locked target, "
                        "drop-downs for categories; import with publisher add, as often as rows are filled.")
    t.add_argument("task", help="任务编号 / task id")
    t.add_argument("--xlsx", required=True, type=Path, help="输出文件 / output workbook")
    t.add_argument("--office", help="参与单位（默认：本机密钥目录中唯一的参与单位，否则牵头单位）/ participating office "
                   "(default: the one participant whose key is in $PUBLISHER_KEYS, else the lead)")
    t.add_argument("--all", action="store_true", help="也列出已发布的对象 / include targets already published")
    add_ledger_arg(t)
    t.set_defaults(func=cmd_template_results)

    p = sub.add_parser("report", help="报告 / reports")
    rsub = p.add_subparsers(dest="what", metavar="WHAT")
    rsub.required = True
    r = rsub.add_parser("deadlines", help="超期公示和逾期未公示的结果（004 第二十条）/ late and overdue results (R61, R64)")
    add_ledger_arg(r)
    r.add_argument("--office", help="只看某个单位 / one office only")
    r.add_argument("--now", type=int, help="判断时间（Unix 秒，默认现在）/ unix time to judge overdue results (default: now)")
    r.add_argument("--json", action="store_true", help="机器可读输出 / machine-readable output")
    r.set_defaults(func=cmd_report_deadlines)


def _user_error(exc: InputError) -> UserError:
    return UserError(str(exc))


def cmd_add(args) -> int:
    from ..workflow.author import add_file

    ledger = open_ledger(args)
    if args.time is not None:
        try:
            parse_time(args.time)
        except ValueError as exc:
            raise UserError(f"--time：时间格式有误，应为 2026-12-01T01:00:00Z（UTC）/ {exc}") from None
    try:
        res = add_file(ledger, args.file, office=args.office, dry_run=args.dry_run, time=args.time,
                       key_loader=lambda office: keystore.load_key(args.key or office, args.keys))
    except InputError as exc:
        raise _user_error(exc) from None
    for w in res.warnings:
        print(f"警告 / warning: {w}", file=sys.stderr)
    verb = "试运行，将添加 / would add" if res.dry_run else "已添加 / added"
    for e in res.entries:
        print(f"{verb} {e.office}/{e.seq} {e.type} {e.id}")
    if res.already_published:
        print(f"跳过 {res.already_published} 行已发布的结果 / skipped {res.already_published} row(s) already published")
    if res.skipped_rows:
        print(f"跳过 {res.skipped_rows} 行尚未填写 / skipped {res.skipped_rows} row(s) not filled in yet")
    n = len(res.entries)
    print(f"{'试运行，将从' if res.dry_run else '已从'} {args.file} {'添加' if res.dry_run else '添加了'} {n} 条记录"
          f"{'（未写入）' if res.dry_run else ''} / {verb.split(' / ')[1]} {n} entr{'y' if n == 1 else 'ies'} from {args.file}")
    return 0


def cmd_template_results(args) -> int:
    from ..workflow.template import results_template

    ledger = open_ledger(args)
    try:
        n = results_template(ledger, args.task, args.xlsx, office=args.office, include_done=args.all,
                             own_offices=_own_offices())
    except InputError as exc:
        raise _user_error(exc) from None
    except OSError as exc:
        raise UserError(f"{args.xlsx}：无法写入 / cannot write: {exc.strerror or exc}") from None
    print(f"已写出 {args.xlsx}：任务 {args.task} 的 {n} 个检查对象 / wrote {args.xlsx}: {n} target row(s) of task {args.task}")
    return 0


def _own_offices() -> frozenset[str]:
    """Offices whose private key is in this clerk's key directory ($PUBLISHER_OFFICE wins)."""
    import os

    if os.environ.get("PUBLISHER_OFFICE"):
        return frozenset({os.environ["PUBLISHER_OFFICE"]})
    try:
        return frozenset(p.stem for p in keystore.keys_dir(None).glob("*.pem"))
    except (keystore.KeyStoreError, OSError):
        return frozenset()


def cmd_report_deadlines(args) -> int:
    from ..workflow.deadlines import deadline_report
    from .common import check_office_arg

    ledger = open_ledger(args)
    check_office_arg(ledger, args.office)
    now = args.now if args.now is not None else int(_time.time())
    rep = deadline_report(ledger, now=now, office=args.office)
    if args.json:
        print(json.dumps({"now": format_time(datetime.fromtimestamp(now, UTC)), **rep.to_json()},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"超期公示 {len(rep.late)} 条 / late publications: {len(rep.late)}")
    for f in rep.late:
        days = (f"{f.late_days} 个工作日", f"{f.late_days} working days") if f.late_days is not None else ("天数未知", "unknown number of days")
        print(f"  {f.office} {f.task} {f.target}：检查 {f.event}，公示 {f.published}，期限 {f.deadline}，超期 {days[0]} / "
              f"event {f.event}, published {f.published}, due {f.deadline}, late by {days[1]} [{f.type} {f.entry_id[:16]}]")
    if rep.unknown:
        print(f"无法判断（缺少该年度工作日历）{len(rep.unknown)} 条 / undecidable (calendar lacks the year): {len(rep.unknown)}")
        for f in rep.unknown:
            print(f"  {f.office} {f.task} {f.target}：检查 {f.event}，公示 {f.published} / event {f.event}, published {f.published}")
    n_over = sum(o.count for o in rep.overdue if o.due)
    print(f"逾期未公示结果（期限已过，既无结果也无不予公示决定）{n_over} 户 / "
          f"overdue (no result or withholding after the deadline): {n_over} target(s)")
    for o in rep.overdue:
        due = (o.due.isoformat(), o.due.isoformat()) if o.due else ("未知（缺少该年度工作日历）", "unknown (calendar lacks the year)")
        shown = ", ".join(o.targets) + (" …" if o.count > len(o.targets) else "")
        print(f"  {o.office} {o.task}：{o.count} 户，期限 {due[0]} / {o.count} target(s), due {due[1]}: {shown}")
    return 0
