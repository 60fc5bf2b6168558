"""The draw commands: commit before the randomness exists, accept (partners), lock after,
reveal, replace, explain; show (an office's private view of its embargoed list) and
record-beacon (an embargo's reveal round, so the escrows open without the office).

Announced draws have no secrets (seed v2). For an embargoed draw each office's 32-byte secret
lives in ``$PUBLISHER_KEYS/secrets/<task>/<office>.hex`` (mode 0600); the commitment carries it
timelocked to the embargo's end (``escrow``), so the list opens then even without a reveal. Dates a
clerk sees and types (embargo, approval) are Beijing (UTC+08:00) dates.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.entry import format_time
from ..core.verifier import verify
from ..directory.records import DirectoryError, Inspector, Target
from ..directory.snapshot import iter_snapshot
from ..draw.commitment import build_commit_body, derive
from ..draw.errors import DrawError
from ..draw.explain import Population, explain
from ..draw.lock import build_lock_body, build_reveal_body
from ..draw.outcomes import KnownOutcomes
from ..draw.replace import substitute
from ..draw.seed import new_secret, secret_commitment
from ..draw.timeutil import china_date
from ..storage import keystore
from ..storage.overlay import Overlay
from .common import add_ledger_arg, default_rules, open_ledger, read_text_arg, verify_cache
from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("draw", help="抽取：承诺、锁定、揭示、更换检查人员 / commit, lock, reveal or replace within a draw")
    dsub = p.add_subparsers(dest="draw_command", metavar="STEP")
    dsub.required = True

    c = dsub.add_parser("commit", help="在随机信标产生之前提交抽取承诺 / commit to a draw before its beacon round exists")
    add_ledger_arg(c)
    c.add_argument("spec", help="抽取说明 YAML 文件（任务、范围、分层、单位、检查组、信标） / YAML draw spec (task, population, strata, offices, teams, beacon)")
    _office_args(c)
    c.add_argument("--delay", type=int, default=900, help="距离信标轮次的秒数（默认 900） / seconds from now to the beacon round (default 900)")
    c.add_argument("--beacon-url", action="append", default=[],
                   help="随机信标 drand 的 HTTP 中继（原轮次之后重新抽取时用） / drand HTTP relay, for a re-draw after the superseded round (real chains)")
    c.add_argument("--sim-beacon-seed", help="模拟信标种子文件（样例账本） / simulated beacon seed file (sample ledgers; re-draw after the round)")
    c.add_argument("--classified", metavar="FILE",
                   help="（风险分类封存的门户）本单位带风险分类的检查对象名录 CSV/XLSX，不公开 / (sealed portal) your target "
                        "directory WITH risk classes, CSV or XLSX; stays private")
    c.add_argument("--sheet", help="（--classified 为 XLSX 时）工作表名称 / (XLSX) the sheet of --classified")
    c.add_argument("--stratum", action="append", default=[], metavar="CLASS=STRATUM",
                   help="（封存门户）风险分类属于哪一层，如 D=第三层、none=第四层 / (sealed portal) the stratum of a risk class")
    c.add_argument("--openings-out", metavar="FILE",
                   help="（封存门户，必填）开启数据写到此文件（仓库之外，权限 0600）/ (sealed portal, required) write the "
                        "openings here (outside the repository, mode 0600)")
    c.add_argument("--dry-run", action="store_true",
                   help="试算：显示各层总数与抽取数、取整和可行性，不写入 / show n and k per stratum, rounding and feasibility; write nothing")
    c.set_defaults(func=cmd_commit)

    a = dsub.add_parser("accept", help="（参与单位）在信标产生之前确认牵头单位的抽取承诺 / (partner office) accept the lead's commitment before its beacon round")
    add_ledger_arg(a)
    a.add_argument("task")
    _office_args(a)
    a.set_defaults(func=cmd_accept)

    s = dsub.add_parser("secret", help="（参与单位，暂不公开的抽取）生成秘密值并打印其承诺 / (partner office, embargoed draw) create your secret and print its commitment")
    s.add_argument("task")
    s.add_argument("--office", required=True)
    s.add_argument("--keys")
    s.add_argument("--embargo-until", metavar="YYYY-MM-DD",
                   help="同时打印托管：把秘密值时间锁定到暂不公开期限结束 / also print the escrow: the secret timelocked to the end of this embargo (Beijing date)")
    add_ledger_arg(s)
    s.set_defaults(func=cmd_secret)

    v = dsub.add_parser("show", help="（持有秘密值的单位）在揭示之前查看暂不公开的名单 / (office holding the secrets) see your embargoed list before the reveal; "
                                     "prints it, writes nothing")
    add_ledger_arg(v)
    v.add_argument("task")
    v.add_argument("--keys")
    v.add_argument("--secret", action="append", default=[], metavar="OFFICE=HEX",
                   help="参与单位的秘密值（否则从秘密值目录读取） / a partner office's secret (otherwise read from the secrets directory)")
    v.add_argument("--json", action="store_true", help="输出 JSON（供结果模板使用） / JSON (for the results template)")
    v.set_defaults(func=cmd_show)

    b = dsub.add_parser("record-beacon", help="把一轮信标记录到 ledger/beacons/（例如暂不公开抽取的揭示轮次） / record a beacon round under ledger/beacons/ (e.g. an embargo's "
                                              "reveal round, so the escrows open)")
    add_ledger_arg(b)
    b.add_argument("round", type=int, nargs="?", help="信标轮次（或用 --due） / the round (or --due)")
    b.add_argument("--due", action="store_true",
                   help="（CI）记录所有已到期但尚未记录的揭示轮次 / (CI) every embargoed lock's reveal round that is due and not yet recorded")
    b.add_argument("--chain-hash")
    b.add_argument("--beacon-url", action="append", default=[], help="随机信标 drand 的 HTTP 中继（真实信标链） / drand HTTP relay (real chains)")
    b.add_argument("--sim-beacon-seed", help="模拟信标种子文件（仅样例账本） / file with the simulated beacon's seed (sample ledgers only)")
    b.set_defaults(func=cmd_record_beacon)

    for name, fn, helptext in (("lock", cmd_lock, "信标产生后锁定抽取结果 / lock the draw once the beacon round exists"),
                               ("reveal", cmd_reveal, "暂不公开期限结束后揭示抽取结果 / publish an embargoed draw after its embargo")):
        x = dsub.add_parser(name, help=helptext)
        add_ledger_arg(x)
        x.add_argument("task")
        _office_args(x)
        x.add_argument("--secret", action="append", default=[], metavar="OFFICE=HEX",
                       help="参与单位的秘密值（否则从秘密值目录读取） / a partner office's secret (otherwise read from the secrets directory)")
        x.add_argument("--beacon-url", action="append", default=[], help="随机信标 drand 的 HTTP 中继（真实信标链） / drand HTTP relay (real chains)")
        x.add_argument("--sim-beacon-seed", help="模拟信标种子文件（仅样例账本） / file with the simulated beacon's seed (sample ledgers only)")
        if name == "lock":
            x.add_argument("--openings", metavar="FILE",
                           help="（风险分类封存的门户，必填）承诺时写出的开启数据文件 / (sealed portal, required) the openings "
                                "file written by draw commit")
        x.set_defaults(func=fn)

    r = dsub.add_parser("replace", help="更换抽中的检查人员（001 第十三条），替换人由种子抽取 / replace a drawn inspector (001 第十三条), no lottery")
    add_ledger_arg(r)
    r.add_argument("task")
    r.add_argument("target")
    r.add_argument("--out", required=True, dest="out_id")
    r.add_argument("--in", dest="in_id", help="可选：替换人由种子抽取；如填写须与抽取结果一致 / optional: the substitute is drawn; if given it must be the drawn one")
    r.add_argument("--reason", required=True, choices=["post_change", "work_conflict", "health", "recusal"])
    r.add_argument("--approver-name", required=True)
    r.add_argument("--approver-title", default="分管负责人")
    _office_args(r)
    r.set_defaults(func=cmd_replace)

    e = sub.add_parser("explain", help="某检查对象为什么被（或没有被）抽中？签号、阈值、证明 / why was (or wasn't) this target drawn? ticket, threshold, proof")
    add_ledger_arg(e)
    e.add_argument("task")
    e.add_argument("target")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_explain)


def _office_args(p) -> None:
    p.add_argument("--office", required=False, help="签名单位（默认为任务的牵头单位） / the signing office (default: the task's lead)")
    p.add_argument("--key", help="密钥名称（默认为单位代码） / key name in the key directory (default: the office code)")
    p.add_argument("--keys", help="密钥目录（默认 $PUBLISHER_KEYS） / key directory (default $PUBLISHER_KEYS)")


def _now_unix() -> int:
    """Current time; $PUBLISHER_NOW (unix seconds) overrides it for tests and replays. Whatever it
    says, the verifier still requires a checkpoint before the beacon round, so it cannot back-date."""
    fixed = os.environ.get("PUBLISHER_NOW")
    return int(fixed) if fixed else int(datetime.now(UTC).timestamp())


def _now() -> str:
    return format_time(datetime.fromtimestamp(_now_unix(), UTC))


def _append_checked(ledger, office: str, type: str, body: dict, key, time: str, before_write=None, known=None):
    """Append only if the whole ledger still verifies with the entry in place; ``before_write``
    runs after the checks, just before the entry is written (a sealed draw's openings);
    ``known`` holds the draw this command just computed, so the check does not compute it again."""

    def check(entry) -> None:
        from ..gitops.timegate import gate_or_raise

        gate_or_raise(ledger, [entry], lambda msg: UserError(f"记录被拒绝，未写入任何内容 / {type} refused, nothing written:\n{msg}"),
                      now=_now_unix())
        after = verify(Overlay(ledger, [entry]), ledger.trust(), default_rules(known=known), cache=verify_cache())
        bad = [p for p in after.errors if p.entry_id == entry.id]
        if bad:
            raise UserError(f"记录被拒绝，未写入任何内容 / {type} refused, nothing written:\n" + "\n".join(p.line() for p in bad))
        if before_write is not None:
            before_write()

    return ledger.append(office, type, body, key, time, check=check)


def _secret_path(keys: str | None, task: str, office: str) -> Path:
    return keystore.keys_dir(keys) / "secrets" / task / f"{office}.hex"


def _load_or_create_secret(keys: str | None, task: str, office: str, create: bool) -> bytes:
    p = _secret_path(keys, task, office)
    if p.exists():
        try:
            return bytes.fromhex(read_text_arg(p, "secret").strip())
        except ValueError:
            raise UserError(f"{p}: not a hex secret") from None
    if not create:
        raise UserError(f"{p} 中没有 {office} 的秘密值，请用 --secret {office}=HEX 指定 / no secret for {office} in {p}; pass --secret {office}=HEX")
    secret = new_secret()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret.hex() + "\n")
    return secret


def _verified_state(ledger):
    report = verify(ledger, ledger.trust(), default_rules(), cache=verify_cache())
    if not report.ok:
        for p in report.errors[:20]:
            print(p.line(), file=sys.stderr)
        raise UserError("账本核验不通过，请先修复再抽取（publisher verify）/ the ledger does not verify; fix it before drawing")
    return report


def _records(ledger, digest: str, kind: type) -> list:
    return list(_stream_records(ledger, digest, kind))


def _stream_records(ledger, digest: str, kind: type):
    """A snapshot's records, one at a time (a province's directory is never held in memory);
    with the cache on, a blob this machine already checked is read from its index."""
    if not ledger.has_blob(digest):
        raise UserError(f"账本中没有名录快照 {digest[:16]}…，请先发布名录 / snapshot {digest} is not in ledger/blobs (publish the directory first)")
    cache = verify_cache()
    with ledger.open_blob(digest) as f:
        try:
            if cache is not None:
                from ..storage.snapshot_index import iter_blob_records

                yield from iter_blob_records(f, digest, kind, root=cache.root)
            else:
                yield from iter_snapshot(f, kind)
        except DirectoryError as exc:
            raise UserError(f"名录快照 {digest[:16]}… 不符合格式：{exc}") from exc


def _latest_snapshot(ledger, kind: str, office: str) -> str:
    """The office's OWN latest confirmed snapshot (001 第八条); another office's must be named."""
    digest = None
    for _, e in ledger.iter_entries():
        if e.type == "directory.snapshot" and e.body["kind"] == kind and e.office == office:
            digest = e.body["blob"]
    if digest is None:
        raise UserError(f"{office} 还没有确认{'检查对象' if kind == 'targets' else '检查人员'}名录（publisher add 名录文件）/ "
                        f"office {office} has not confirmed a {kind} directory (directory.snapshot); "
                        "confirm one, or name another office's snapshot by hash with population.source")
    return digest


def _seal(secret: bytes, embargo_until: str, chain) -> str:
    from ..embargo import EscrowError, seal_secret
    from ..timelock import TimelockError

    try:
        return seal_secret(secret, embargo_until, chain)
    except (ValueError, EscrowError, TimelockError) as exc:
        raise UserError(f"无法把秘密值托管到暂不公开期限 {embargo_until} 结束：{exc} / cannot escrow the secret to the end of the embargo") from exc


def cmd_secret(args) -> int:
    secret = _load_or_create_secret(args.keys, args.task, args.office, create=True)
    out = {"task": args.task, "office": args.office, "commitment": secret_commitment(args.task, args.office, secret)}
    if args.embargo_until:  # the escrow goes into the lead's spec next to the commitment
        chains = open_ledger(args).trust().beacon_chains
        if len(chains) != 1:
            raise UserError("trust.json 固定了多条信标链，无法判断本次抽取用哪一条 / trust.json pins several beacon chains; cannot tell which one the draw uses")
        out["escrow"] = _seal(secret, args.embargo_until, next(iter(chains.values())))
    print(json.dumps(out))
    return 0


def cmd_show(args) -> int:
    """The office's private view of its embargoed list; prints it, writes nothing."""
    from ..embargo import ShowError, show_embargoed

    ledger = open_ledger(args)
    report = _verified_state(ledger)
    cur = _current(report, args.task)
    if not cur.embargo_until:
        raise UserError(f"任务 {args.task} 不是暂不公开的抽取，名单已公开（publisher draw explain）/ task {args.task} is not embargoed; its list is public")
    if cur.lock is None:
        raise UserError(f"任务 {args.task} 还没有锁定，请先锁定（publisher draw lock {args.task}）/ task {args.task} is not locked yet")
    commit = lock = None
    for _, e in ledger.iter_entries():
        if e.id == cur.id:
            commit = e
        elif e.id == cur.lock:
            lock = e
    assert commit is not None and lock is not None
    body = commit.body
    chain = ledger.trust().beacon_chains[body["beacon"]["chain_hash"]]
    try:
        view = show_embargoed(commit.id, body, lock.body, _secrets(args, body),
                              _records(ledger, body["population"]["snapshot"], Target),
                              _records(ledger, body["teams"]["inspectors"], Inspector), chain)
    except (ShowError, DrawError) as exc:
        raise UserError(f"任务 {args.task}：{exc}") from exc
    teams = {t["target"]: t for t in view.result.teams}
    if args.json:
        print(json.dumps({"task": args.task, "embargo_until": cur.embargo_until, "result_hash": view.result_hash,
                          "selected": view.selected(), "teams": view.result.teams}, ensure_ascii=False, indent=1))
        return 0
    print(f"# {args.task}：内部名单，暂不公开至 {cur.embargo_until}（001 第十七条），请勿发布 / PRIVATE — under embargo until {cur.embargo_until}; do not publish")
    print(f"# 结果摘要 / result_hash {view.result_hash}（与锁定记录一致 / equals the lock's）")
    print("batch,position,id,stratum,leader,members")
    for row in view.selected():
        t = teams.get(row["id"], {})
        print(f"{row['batch']},{row['position']},{row['id']},{row['stratum']},{t.get('leader', '')},"
              f"{' '.join(t.get('members', []))}")
    return 0


def cmd_record_beacon(args) -> int:
    """Record a chain's beacon under ledger/beacons/ (anyone may; it is BLS-checked first)."""
    from ..beacon import BeaconError, check_beacon
    from ..storage.beacons import record_beacon

    ledger = open_ledger(args)
    chains = ledger.trust().beacon_chains
    if args.due:
        from ..embargo import reveal_round

        wanted = set()
        for c in _verified_state(ledger).rule("draw").commits.values():
            ch = chains.get(c.chain_hash)
            if c.embargo_until and c.lock_valid and not c.opened and ch is not None:
                rr = reveal_round(ch, c.embargo_until)
                if ch.round_time(rr) <= _now_unix() and ledger.recorded_beacon(c.chain_hash, rr) is None:
                    wanted.add((c.chain_hash, rr))
        todo = [(chains[h], r) for h, r in sorted(wanted)]
        if not todo:
            print("no embargo reveal round is due without a recorded beacon")
    elif args.round is None:
        raise UserError("请给出信标轮次 ROUND，或用 --due / give a ROUND, or --due")
    else:
        chain = chains.get(args.chain_hash) if args.chain_hash else (next(iter(chains.values())) if len(chains) == 1 else None)
        if chain is None:
            raise UserError("请用 --chain-hash 指定一条已固定的信标链 / name a pinned beacon chain with --chain-hash")
        todo = [(chain, args.round)]
    for chain, round_ in todo:
        beacon = _beacon(args, ledger, chain, round_)
        try:
            check_beacon(chain, beacon)
        except BeaconError as exc:
            raise UserError(f"第 {round_} 轮信标验证不通过：{exc} / beacon round {round_} does not verify") from exc
        print(f"已记录第 {round_} 轮信标 / recorded beacon round {round_}: {record_beacon(ledger.root, chain.chain_hash, beacon)}")
    return 0


SEALED_NO_EMBARGO = ("本门户的风险分类封存；此版本中封存门户的抽取不能暂不公开（docs/spec/65-sealed.md §6S.1），"
                     "请去掉 embargo_until；未写入任何内容 / this portal's risk classes are sealed; a sealed portal's draws "
                     "cannot be embargoed in this version (docs/spec/65-sealed.md §6S.1): drop embargo_until; nothing written")


def friendly_spec(spec: dict[str, Any]) -> None:
    """Read a clerk's spelling of the spec's fields as `publisher add` does (issue 14): dates as
    2026-12-03, 2026/12/3, 2026年12月3日 or a YAML date; ratios as 3% or 0.03; counts as "2"."""
    import datetime as _dt

    from ..workflow.fields import parse_date_text, parse_ratio_text

    e = spec.get("embargo_until")
    if e is not None:
        d = e if isinstance(e, _dt.date) else parse_date_text(str(e).strip())
        if d is None:
            raise UserError(f"暂不公开期限（embargo_until）“{e}”不是日期，应写 2026-12-03 或 2026/12/3 / not a date")
        spec["embargo_until"] = d.isoformat()
    for n, s in enumerate(spec.get("strata") or []):
        take = s.get("take") if isinstance(s, dict) else None
        if isinstance(take, dict) and "ratio" in take and not isinstance(take["ratio"], bool):
            r = parse_ratio_text(str(take["ratio"]))
            if r is None:
                raise UserError(f"第 {n + 1} 层的抽取比例“{take['ratio']}”无效，应写 3% 或 0.03 / strata[{n}].take.ratio "
                                "is not a ratio")
            take["ratio"] = r
        if isinstance(take, dict) and isinstance(take.get("count"), str) and take["count"].strip().isdigit():
            take["count"] = int(take["count"].strip())
    for o in spec.get("offices") or []:
        if isinstance(o, dict) and isinstance(o.get("members"), str) and o["members"].strip().isdigit():
            o["members"] = int(o["members"].strip())


def cmd_commit(args) -> int:
    from . import draw_sealed

    ledger = open_ledger(args)
    sealed = draw_sealed.is_sealed_portal(ledger)
    from ..inputs.limits import LimitError
    from ..inputs.yaml_bounded import load_yaml_bounded

    try:
        spec: dict[str, Any] = load_yaml_bounded(Path(args.spec).read_bytes(), args.spec)
    except OSError as exc:
        raise UserError(f"{args.spec}：无法读取文件：{exc.strerror or exc} / cannot read the file") from exc
    except LimitError as exc:
        raise UserError(f"无法读取抽取说明（YAML 格式有误）：{exc} / cannot read YAML") from None
    if not isinstance(spec, dict) or "task" not in spec or "offices" not in spec:
        raise UserError(f"{args.spec}：抽取说明至少要写任务编号（task）和参与单位（offices）/ a draw spec needs at least task and offices")
    friendly_spec(spec)
    if sealed and spec.get("embargo_until") is not None:
        raise UserError(SEALED_NO_EMBARGO)
    if sealed and args.dry_run:
        raise UserError("此版本不能为封存门户试算（--dry-run）；未写入任何内容 / --dry-run is not available in a sealed portal "
                        "in this version; nothing written")
    openings_out = draw_sealed.check_openings_out(args, ledger) if sealed else None
    task = str(spec["task"])
    report = _verified_state(ledger)
    trust = ledger.trust()
    lead = spec["offices"][0]["office"]
    pop, teams = spec.setdefault("population", {}), spec.setdefault("teams", {})
    if pop.get("snapshot", "latest") == "latest":
        pop["snapshot"] = _latest_snapshot(ledger, "targets", lead)
    if teams.get("inspectors", "latest") == "latest":
        teams["inspectors"] = _latest_snapshot(ledger, "inspectors", lead)
    embargo = spec.get("embargo_until") is not None
    office = args.office or lead
    now = _now()
    beacon = spec.setdefault("beacon", {})
    chains = trust.beacon_chains
    if "chain_hash" not in beacon:
        if len(chains) != 1:
            raise UserError("trust.json 固定了多条信标链，请在抽取说明中写明 beacon.chain_hash / trust.json pins several beacon chains; set beacon.chain_hash in the spec")
        beacon["chain_hash"] = next(iter(chains))
    chain = chains.get(beacon["chain_hash"])
    if chain is None:
        raise UserError(f"信标链 {beacon['chain_hash'][:16]}… 没有在 trust.json 中固定 / beacon chain {beacon['chain_hash']} is not pinned in trust.json")
    offices = []
    for o in spec["offices"]:
        o = dict(o)
        if not embargo:
            o.pop("commitment", None)  # seed v2: an announced draw has no secrets
            o.pop("escrow", None)
        elif "commitment" not in o and not args.dry_run:  # our own office (or one whose secret we hold)
            secret = _load_or_create_secret(args.keys, task, o["office"], create=True)
            o["commitment"] = secret_commitment(task, o["office"], secret)
            o["escrow"] = _seal(secret, str(spec["embargo_until"]), chain)
        elif "commitment" not in o:
            o["commitment"] = "00" * 32
        offices.append(o)
    spec["offices"] = offices
    if beacon.get("round", "auto") == "auto":
        beacon["round"] = chain.round_at(_now_unix() + args.delay)
    rule = report.rule("draw")
    if spec.get("reason_code"):
        _redraw_fields(args, ledger, chain, spec, rule)
    targets = _records(ledger, pop["snapshot"], Target)
    inspectors = _records(ledger, teams["inspectors"], Inspector)
    if args.dry_run:
        return _dry_run(spec, targets, inspectors, now, rule.cap)
    if openings_out is not None:
        return _commit_sealed(args, ledger, spec, inspectors, openings_out, office, now, rule, chain)
    try:
        body = build_commit_body(spec, targets, inspectors, time=now, cap=rule.cap, chains=chains)
    except DrawError as exc:
        raise UserError(f"{args.spec}：{exc.message}" + (f" ({exc.article})" if exc.article else "")) from exc
    key = keystore.load_key(args.key or office, args.keys)
    e = _append_checked(ledger, office, "draw.commit", body, key, now)
    _committed(task, e, body, beacon, chain)
    return 0


def _commit_sealed(args, ledger, spec, inspectors, openings_out: Path, office: str, now: str, rule, chain) -> int:
    """A sealed commitment: leaves blob, openings file (outside the repo), then the entry; a
    refusal at any step removes what this command wrote."""
    from . import draw_sealed

    built = draw_sealed.build_commit(args, ledger, spec, inspectors, time=now, cap=rule.cap,
                                     chains=ledger.trust().beacon_chains)
    key = keystore.load_key(args.key or office, args.keys)
    leaves = built.body["population"]["sealed"]["leaves"]
    new_blob = not ledger.has_blob(leaves)
    ledger.put_blob(built.leaves)
    wrote = []

    def openings_first() -> None:
        draw_sealed.write_openings(openings_out, built.openings)
        wrote.append(openings_out)

    try:
        e = _append_checked(ledger, office, "draw.commit", built.body, key, now, before_write=openings_first)
    except BaseException:
        for p in wrote:
            p.unlink(missing_ok=True)
        if new_blob:
            ledger.blob_path(leaves).unlink(missing_ok=True)
        raise
    _committed(str(spec["task"]), e, built.body, built.body["beacon"], chain)
    print(f"已写出 {len(built.openings)} 户的开启数据到 {openings_out}（仅本人可读），请保密、不要放进仓库，锁定时需要（--openings）/ "
          f"openings of {len(built.openings)} targets written to {openings_out} (mode 0600): keep them private, "
          "outside the repository; draw lock needs them (--openings)")
    return 0


def _committed(task: str, e, body: dict, beacon: dict, chain) -> None:
    due = datetime.fromtimestamp(chain.round_time(beacon["round"]), UTC)
    partners = [o["office"] for o in body["offices"][1:]]
    print(f"已承诺抽取 / committed {task}: entry {e.id}; beacon round {beacon['round']} due {format_time(due)} "
          f"({chain.label or 'drand'}). Push now so CI checkpoints it before the round; lock after it."
          + (f" Partners {', '.join(partners)} must run `publisher draw accept {task}` before the round."
             if partners else ""))


def _redraw_fields(args, ledger, chain, spec: dict, rule) -> None:
    """A re-draw supersedes the task's current commitment; after its round the beacon goes along."""
    state = rule.tasks.get(str(spec["task"]))
    if state is None:
        raise UserError(f"重新抽取原因只用于重新抽取，但任务 {spec['task']} 还没有抽取承诺 / reason_code is for a re-draw, but task {spec['task']} has no commitment yet")
    cur = state.current
    spec.setdefault("supersedes", cur.id)
    spec.setdefault("approver", {"name": "", "title": "主要负责人"})
    if cur.round_time is not None and _now_unix() >= cur.round_time and spec["reason_code"] != "beacon_unavailable":
        old_chain = ledger.trust().beacon_chains[cur.chain_hash]
        b = _beacon(args, ledger, old_chain, cur.round)
        spec.setdefault("superseded_beacon", {"round": b.round, "signature": b.signature.hex()})


def _dry_run(spec: dict, targets, inspectors, now: str, cap) -> int:
    """Print what the commitment would draw: n and k per stratum with the rounding, feasibility."""
    from ..draw.commitment import _normalised

    body = _normalised(spec)
    try:
        d = derive(body, targets, inspectors, cap=cap, time=now, apply_cap=True)
    except DrawError as exc:
        raise UserError(f"试算未通过：{exc.message}" + (f" ({exc.article})" if exc.article else "")) from exc
    print(f"试算 {spec['task']}（未写入任何内容）：抽取范围 N = {d.count}，因年度抽查次数上限排除 {len(d.cap_exclusions)} 户（001 第七条）/ "
          f"dry run for {spec['task']} (nothing written): population N = {d.count}, "
          f"{len(d.cap_exclusions)} capped (001 第七条)")
    print("分层 stratum\t户数 n\t抽取 take\t取整 rounding\t抽中 k")
    for s, n, k in zip(body["strata"], d.ns, d.ks):
        take = s["take"].get("ratio") or f"count {s['take'].get('count')}"
        exact = ""
        if "ratio" in s["take"]:
            from fractions import Fraction
            exact = f" (n × ratio = {float(n * Fraction(s['take']['ratio'])):g})"
        print(f"{s['name']}\t{n}\t{take}\t{s.get('rounding', '-')}{exact}\t{k}")
    print(f"合计抽取 {sum(d.ks)} 户，共 {d.count} 户 / total k = {sum(d.ks)} of N = {d.count}")
    if d.findings:
        print("不可行 / NOT FEASIBLE:")
        for f in d.findings:
            print(f"  - {f.message}" + (f" ({f.article})" if f.article else ""))
        return 1
    print("可行：每个抽中对象都能抽派检查组（004 第十四条、000 第九条）/ feasible: teams can be drawn for every selection")
    return 0


def cmd_accept(args) -> int:
    ledger = open_ledger(args)
    report = _verified_state(ledger)
    cur = _current(report, args.task)
    if not args.office:
        raise UserError("请用 --office 指定确认的参与单位 / draw accept: pass --office (the partner office accepting)")
    if cur.round_time is not None and _now_unix() >= cur.round_time:
        raise UserError(f"第 {cur.round} 轮信标已经产生，参与单位须在信标产生之前确认 / beacon round {cur.round} is already due; a partner accepts before it")
    e = _append_checked(ledger, args.office, "draw.accept", {"task": args.task, "commit": cur.id},
                        keystore.load_key(args.key or args.office, args.keys), _now())
    print(f"{args.office} 已确认参加 {args.task} 的抽取承诺 {cur.id[:16]}…（记录 {e.id}）/ {args.office} accepted {args.task}'s commitment {cur.id[:16]}… (entry {e.id})")
    return 0


def _current(report, task: str):
    state = report.rule("draw").tasks.get(task)
    if state is None:
        raise UserError(f"账本中没有任务 {task} 的抽取承诺 / no commitment for task {task} in the ledger")
    return state.current


def _beacon(args, ledger, chain, round_: int):
    if chain.simulated:
        if not args.sim_beacon_seed:
            raise UserError("本账本使用模拟信标，请用 --sim-beacon-seed FILE 指定种子文件 / this ledger uses a SIMULATED beacon; pass --sim-beacon-seed FILE")
        from ..beacon import SimulatedBeacon

        try:
            seed = bytes.fromhex(read_text_arg(args.sim_beacon_seed, "beacon seed").strip())
        except ValueError:
            raise UserError(f"{args.sim_beacon_seed}: not a hex beacon seed") from None
        sim = SimulatedBeacon(seed, chain.genesis_time, chain.period)
        if sim.chain.chain_hash != chain.chain_hash:
            raise UserError("该种子不是本门户模拟信标的种子 / that seed is not the pinned simulated chain's")
        return sim.beacon(round_)
    from ..beacon import DEFAULT_RELAYS, BeaconError, HttpBeaconClient

    try:
        return HttpBeaconClient(args.beacon_url or list(DEFAULT_RELAYS), chain).get(round_)
    except BeaconError as exc:
        raise UserError(f"无法获取第 {round_} 轮信标：{exc} / cannot get beacon round {round_}") from exc


def _secrets(args, body: dict) -> list[bytes]:
    given = {}
    for s in args.secret:
        office, _, hexs = s.partition("=")
        try:
            given[office] = bytes.fromhex(hexs)
        except ValueError as exc:
            raise UserError(f"--secret {office}=…：不是十六进制数 / not hex") from exc
    return [given.get(o["office"]) or _load_or_create_secret(args.keys, body["task"], o["office"], create=False)
            for o in body["offices"]]


def _lock_or_reveal(args, reveal: bool) -> int:
    from . import draw_sealed

    ledger = open_ledger(args)
    sealed = draw_sealed.is_sealed_portal(ledger)
    if sealed and reveal:
        raise UserError(SEALED_NO_EMBARGO)
    report = _verified_state(ledger)
    cur = _current(report, args.task)
    commit = next(e for line, e in ledger.iter_entries() if e.id == cur.id)
    body = commit.body
    chain = ledger.trust().beacon_chains[body["beacon"]["chain_hash"]]
    now = _now()
    if _now_unix() < chain.round_time(body["beacon"]["round"]):
        raise UserError(f"第 {body['beacon']['round']} 轮信标尚未产生，请在其后锁定 / beacon round {body['beacon']['round']} is not due yet; lock after it")
    if not reveal and not any(cp.size > cur.index for cp in report.checkpoints):
        raise UserError("本地账本中还没有覆盖该抽取承诺的检查点，请先 git pull 获取检查点 / no checkpoint in your copy of the ledger covers the commitment yet: pull the checkpoint "
                        "CI wrote after your push (git pull), then lock — a draw whose commitment is not proven "
                        "public before its round is void (docs/spec/60-draw.md §6.4)")
    today = china_date(now).isoformat()  # Beijing date: a reveal is allowed from 00:00 UTC+08:00
    if reveal and body.get("embargo_until") and today < body["embargo_until"]:
        raise UserError(f"暂不公开期限到 {body['embargo_until']}（北京时间），今天是 {today}，还不能揭示 / the embargo lasts until {body['embargo_until']} (Beijing time); today is {today} in "
                        "Beijing: reveal on or after that date")
    beacon = _beacon(args, ledger, chain, body["beacon"]["round"])
    if not ledger.has_blob(body["population"]["snapshot"]):
        raise UserError(f"snapshot {body['population']['snapshot']} is not in ledger/blobs (publish the directory first)")
    targets = _stream_records(ledger, body["population"]["snapshot"], Target)
    inspectors = _records(ledger, body["teams"]["inspectors"], Inspector)
    if sealed:
        return _lock_sealed(args, ledger, commit, beacon, targets, inspectors, now)
    try:
        build = build_reveal_body if reveal else build_lock_body
        secrets = _secrets(args, body) if body.get("embargo_until") else []
        known = KnownOutcomes()
        out = build(commit.id, body, beacon, secrets, targets, inspectors, known=known)
    except DrawError as exc:
        raise UserError(f"任务 {args.task}：{exc.message}") from exc
    office = args.office or commit.office
    e = _append_checked(ledger, office, "draw.reveal" if reveal else "draw.lock", out,
                        keystore.load_key(args.key or office, args.keys), now, known=known)
    what = ("已揭示", "revealed") if reveal else (("已锁定（暂不公开：只公开结果摘要）", "locked (embargoed: only the result hash is public)")
                                             if "result_hash" in out else ("已锁定", "locked"))
    n = len(out["selected"]) if "selected" in out else None
    print(f"{args.task} {what[0]}：记录 {e.id}" + (f"，抽中 {n} 户" if n is not None else "")
          + f" / {args.task} {what[1]}: entry {e.id}" + (f", {n} targets" if n is not None else ""))
    return 0


def _lock_sealed(args, ledger, commit, beacon, targets, inspectors, now: str) -> int:
    """A sealed lock from the office's openings, which must open the committed leaves first."""
    from ..draw.sealed import build_sealed_lock
    from . import draw_sealed

    body = commit.body
    openings = draw_sealed.load_openings(args, body["population"]["root"])
    eligible = draw_sealed.eligible_targets(body, targets)
    digest = body["population"]["sealed"]["leaves"]
    if not ledger.has_blob(digest):
        raise UserError(f"账本中没有封存叶子文件 {digest[:16]}… / the sealed leaves blob {digest} is not in ledger/blobs")
    with ledger.open_blob(digest) as f:
        leaves = f.read(32 * body["population"]["count"] + 1)
    draw_sealed.check_openings(body, eligible, leaves, openings, args.openings)
    try:
        out = build_sealed_lock(commit.id, body, beacon, eligible, openings, inspectors)
    except DrawError as exc:
        raise UserError(f"任务 {args.task}：{exc.message}") from exc
    office = args.office or commit.office
    e = _append_checked(ledger, office, "draw.lock", out, keystore.load_key(args.key or office, args.keys), now)
    print(f"{args.task} 已锁定（封存分层）：记录 {e.id}，抽中 {len(out['selected'])} 户 / "
          f"{args.task} locked (sealed strata): entry {e.id}, {len(out['selected'])} targets")
    return 0


def cmd_lock(args) -> int:
    return _lock_or_reveal(args, reveal=False)


def cmd_reveal(args) -> int:
    return _lock_or_reveal(args, reveal=True)


def cmd_replace(args) -> int:
    ledger = open_ledger(args)
    report = _verified_state(ledger)
    cur = _current(report, args.task)
    office = args.office or cur.office
    rule = report.rule("draw")
    if not cur.lock_valid or cur.selected is None:
        raise UserError(f"任务 {args.task} 的抽取还没有锁定并公布 / task {args.task}'s draw is not locked and published yet")
    from publisher.draw.rules.replace import current_teams

    from ..core.rules.base import Context

    ctx = Context(trust=ledger.trust(), blobs=ledger)
    teams, result = current_teams(ctx, rule.book, cur)
    if args.target not in teams:
        raise UserError(f"检查对象 {args.target} 不在任务 {args.task} 的抽中名单中 / {args.target} was not selected in task {args.task}")
    gone = [o for t, o, _ in rule.book.private[cur.id].replacements if t == args.target]
    drawn = substitute(rule.book.private[cur.id].seed, args.target, result.regions.get(args.target, ""),
                       args.out_id, teams, result.plan, gone)
    if drawn is None:
        raise UserError(f"没有可替换 {args.out_id} 的检查人员（同单位在岗且无回避的人员都已在检查组中）/ no eligible substitute for {args.out_id}: nobody of the same office is active, allowed by "
                        "the mode, free of conflicts and under the load cap (001 第十三条)")
    if args.in_id and args.in_id != drawn:
        raise UserError(f"替换人员由随机种子抽取，不能指定：应为 {drawn}，不是 {args.in_id}（001 第十三条）/ the substitute is drawn, not chosen: the seed gives {drawn}, not {args.in_id}")
    now = _now()
    body = {"task": args.task, "commit": cur.id, "target": args.target, "out": args.out_id, "in": drawn,
            "reason": args.reason, "approver": {"name": args.approver_name, "title": args.approver_title},
            "date": china_date(now).isoformat()}  # the approval date in Beijing time
    e = _append_checked(ledger, office, "team.replace", body, keystore.load_key(args.key or office, args.keys), now)
    print(f"{args.task}/{args.target}：{args.out_id} 由随机抽取的 {drawn} 替换（记录 {e.id}）/ "
          f"{args.task}/{args.target}: {args.out_id} replaced by {drawn} (drawn; entry {e.id})")
    return 0


def cmd_explain(args) -> int:
    ledger = open_ledger(args)
    commit = lock = reveal = None
    for _, e in ledger.iter_entries():
        if e.body.get("task") == args.task:
            if e.type == "draw.commit":
                commit, lock, reveal = e, None, None
            elif e.type == "draw.lock" and commit and e.body.get("commit") == commit.id:
                lock = e
            elif e.type == "draw.reveal" and commit and e.body.get("commit") == commit.id:
                reveal = e
    if commit is None or lock is None:
        raise UserError(f"任务 {args.task} 还没有锁定的抽取 / task {args.task} has no locked draw yet")
    result = reveal.body if reveal else lock.body
    if "seed" not in result:  # embargoed: public once the escrows open at the reveal round (spec §5A.4)
        priv = _verified_state(ledger).rule("draw").book.private.get(commit.id)
        if priv is None or priv.opened is None:
            raise UserError(f"任务 {args.task} 的名单暂不公开，期限到 {commit.body.get('embargo_until')} / task {args.task} is under embargo until {commit.body.get('embargo_until')}; the list "
                            "opens at the first beacon round of that day (or when the office reveals it)")
        result = priv.opened.to_json()
    targets = _records(ledger, commit.body["population"]["snapshot"], Target)
    pop = Population.from_commit(commit.body, targets)
    out = explain(result, pop, args.target)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(out["verdict_zh"])
        print(out["verdict_en"])
        print(f"抽取号 / ticket {out['ticket']}")
        proof = ("包含证明", "inclusion") if out["leaf"] else ("不包含证明（相邻两户）", "non-inclusion (neighbours)")
        print(f"{proof[0]}，对照承诺的抽取范围根 {out['root']}（{out['size']} 户）/ "
              f"{proof[1]} proof against the committed population root {out['root']} ({out['size']} targets)")
    return 0
