"""Everyday commands for operators and clerks: new-portal (and status, undo, calendar)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("new-portal", help="写出门户自己的网站设置、主题和页面 / write a portal's site settings, theme and pages",
                       description="在 DIR 中写出 pelicanconf.py（网站名称、主办单位、公开网址）、theme/ 和 content/，"
                       "以及 .gitattributes、.gitignore；已有的文件不会被覆盖。 / Writes pelicanconf.py, theme/, content/ "
                       "(and .gitattributes/.gitignore) into DIR; never overwrites.")
    p.add_argument("dir", type=Path, help="门户仓库目录 / the portal repository")
    p.add_argument("--county-zh", required=True, help="县（区）名，例如 清河县 / county name in Chinese")
    p.add_argument("--county-en", required=True, help="英文县名，例如 \"Qinghe County\" / county name in English")
    p.add_argument("--host-zh", required=True, help="主办单位 / organiser (Chinese)")
    p.add_argument("--host-en", required=True, help="主办单位英文名 / organiser (English)")
    p.add_argument("--url", required=True, help="网站公开网址 / public URL, e.g. https://ssgk.qinghe.gov.cn/")
    p.add_argument("--ledger", help="已创建的账本（用来固定根密钥编号），默认 DIR/ledger / ledger whose root keys to pin")
    p.set_defaults(func=cmd_new_portal)
    register_calendar(sub)
    register_everyday(sub)


def cmd_new_portal(args) -> int:
    from ..newportal import PortalError, PortalNames, new_portal

    ledger = Path(args.ledger) if args.ledger else args.dir / "ledger"
    if args.ledger and not (ledger / "trust.json").is_file():
        what = "没有这个目录 / no such directory" if not ledger.is_dir() else \
            f"不是账本（缺少 trust.json）/ not a ledger (no {ledger / 'trust.json'})"
        raise UserError(f"--ledger {ledger}：{what}；无法固定根密钥编号，未写入任何内容 / "
                        "cannot pin the root key ids; nothing written")
    origin, ids = None, ()
    if (ledger / "trust.json").is_file():
        try:
            trust = json.loads((ledger / "trust.json").read_text("utf-8"))
            origin, ids = trust["origin"], tuple(k["key_id"] for k in trust["root_keys"])
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{ledger / 'trust.json'}：无法读取 / cannot be read") from None
    names = PortalNames(args.county_zh, args.county_en, args.host_zh, args.host_en, args.url, ids, origin)
    try:
        written = new_portal(args.dir, names)
    except PortalError as exc:
        raise UserError(str(exc)) from None
    for p in written:
        print(f"已写出 / wrote {p}")
    if not ids:
        print("提示：还没有账本，pelicanconf.py 中的 PUBLISHER_ROOT_KEY_IDS 为空；publisher init 之后请填入根密钥编号 / "
              "no ledger yet: fill PUBLISHER_ROOT_KEY_IDS after publisher init")
    return 0


def register_calendar(sub) -> None:
    p = sub.add_parser("calendar", help="（运营方）发布某年的节假日安排 / (operator) publish a year's holiday arrangement")
    csub = p.add_subparsers(dest="what", metavar="WHAT")
    csub.required = True
    a = csub.add_parser("add", help="把一年的节假日安排（国务院通知）写入账本 / add a year's arrangement to the ledger",
                        description="读取 YAML 文件（year、notice、holidays、workdays，可用“日期 至 日期”），"
                        "先检查（年份未发布过、日期有效、调休上班日为周末、内置年份须与 chinese-calendar 一致），"
                        "再由运营方根密钥签名写入。示例：examples/calendar-2027.yaml。 / Reads a YAML file, checks it, "
                        "signs it with the root key. Example: examples/calendar-2027.yaml.")
    a.add_argument("year", type=int, help="年份 / year, e.g. 2027")
    a.add_argument("file", type=Path, help="节假日安排 YAML 文件 / YAML file")
    a.add_argument("--ledger", default="ledger", help="账本目录 / ledger directory (default: ./ledger)")
    a.add_argument("--root-key", default="root", help="运营方根密钥名称 / root key name")
    a.add_argument("--keys", help="密钥目录 / key directory")
    a.add_argument("--time", help="记录时间 / entry time YYYY-MM-DDTHH:MM:SSZ (tests and replays)")
    a.set_defaults(func=cmd_calendar_add)


def check_calendar_body(ledger, body: dict) -> list:
    """Problems the verifier's calendar rule would report for ``body`` after the ledger's entries."""
    from publisher.workflow.rules.calendar_entry import CalendarCheck
    from publisher.workflow.rules.state import WorkflowState

    from ..core.entry import OPERATOR, sign_entry
    from ..core.keys import SigningKey

    state, check = WorkflowState(), CalendarCheck()
    ctx = None  # the calendar rule needs no context
    for line in ledger.iter_log():
        if line.office == OPERATOR:
            e = ledger.read_entry(line.office, line.seq)
            if e.type == "calendar":
                check.check(e, ctx, state)
    probe = sign_entry(type="calendar", office=OPERATOR, seq=1, prev=None, time="2000-01-01T00:00:00Z",
                       body=body, key=SigningKey.from_seed(bytes(32)))
    return check.check(probe, ctx, state)


def cmd_calendar_add(args) -> int:
    from ..core.entry import OPERATOR
    from ..core.schema import validate_body
    from ..storage import keystore
    from ..workflow.calendar_file import read_calendar
    from ..workflow.errors import InputError
    from .common import open_ledger

    ledger = open_ledger(args)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise UserError(f"{args.file}：无法读取 / cannot read ({exc.strerror})") from None
    try:
        body = read_calendar(data, str(args.file), args.year)
    except InputError as exc:
        raise UserError(f"{exc}\n未写入任何内容 / nothing written") from None
    errs = validate_body("calendar", body)
    if errs:
        raise UserError(f"{args.file}：格式不符 / does not fit the calendar format: {errs[0]}")
    with ledger.locked():
        problems = check_calendar_body(ledger, body)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise UserError("\n".join(f"{args.file}：{p.message}" for p in errors) + "\n未写入任何内容 / nothing written")
        root = keystore.load_key(args.root_key, args.keys)
        e = ledger.append(OPERATOR, "calendar", body, root, args.time)
    for p in problems:
        print(f"警告 / warning: {p.message}")
    print(f"已发布 {args.year} 年节假日安排：{len(body['holidays'])} 个工作日放假、{len(body['workdays'])} 个周末调休上班"
          f"（{e.office}/{e.seq}）/ published the {args.year} calendar")
    return 0


def register_everyday(sub) -> None:
    p = sub.add_parser("status", help="各单位待办：任务、等待信标、待锁定、待公示结果、逾期 / what each office has to do",
                       description="按单位列出抽查任务、等待信标轮次的抽取、可以锁定的抽取、尚无结果的检查对象及其截止日期（北京时间）、"
                       "逾期数量。 / Per office: tasks, draws waiting for their round, locks due, targets without results "
                       "and their due dates (Beijing dates), overdue.")
    p.add_argument("--ledger", default="ledger", help="账本目录 / ledger directory (default: ./ledger)")
    p.add_argument("--office", help="只看某个单位 / one office only")
    p.add_argument("--now", type=int, help="判断时间（Unix 秒，默认现在）/ unix time to judge (default: now)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("undo", help="撤销本机最新的、尚未提交的记录 / take back the newest unsubmitted entries",
                       description="只能撤销账本末尾、没有被检查点覆盖、尚未由 publisher submit 提交到 git 的记录；"
                       "已提交或已公开的记录只能用新记录（如 result.correct）更正。 / Only the tail of the log, not covered "
                       "by a checkpoint and not yet committed by publisher submit.")
    p.add_argument("--ledger", default="ledger", help="账本目录 / ledger directory (default: ./ledger)")
    p.add_argument("--count", type=int, default=1, help="撤销几条（默认 1）/ how many entries (default 1)")
    p.add_argument("--office", help="只允许撤销该单位的记录 / refuse if an entry of another office would go")
    p.set_defaults(func=cmd_undo)


def cmd_status(args) -> int:
    import time

    from ..workflow.status import office_status, render
    from .common import check_office_arg, open_ledger

    ledger = open_ledger(args)
    check_office_arg(ledger, args.office)
    now = args.now if args.now is not None else int(time.time())
    print(render(office_status(ledger, now, args.office), now))
    return 0


def cmd_undo(args) -> int:
    from ..storage.undo import UndoError, undo
    from .common import open_ledger

    if args.count < 1:
        raise UserError(f"--count {args.count}：撤销的条数须为正整数（1、2、…）；未做任何改动 / "
                        "--count must be a positive whole number; nothing changed")
    ledger = open_ledger(args)
    try:
        res = undo(ledger, args.count, args.office)
    except UndoError as exc:
        raise UserError(f"{exc}（未做任何改动 / nothing changed）") from None
    for e in res.entries:
        print(f"已撤销 / undone {e.office}/{e.seq} {e.type} {e.id[:16]}")
    for d in res.blobs:
        print(f"已删除名录快照 / removed snapshot blob {d[:16]}")
    return 0
