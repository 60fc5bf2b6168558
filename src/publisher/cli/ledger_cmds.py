"""Foundation commands: keygen, init, office/key registration, verify, checkpoint, prove."""

from __future__ import annotations

import json
import sys
import time as _time
from datetime import UTC
from pathlib import Path

from ..core import merkle
from ..core.canonical import b64encode
from ..core.checkpoint import Checkpoint, sign_checkpoint
from ..core.entry import OPERATOR, format_time
from ..core.keys import SigningKey
from ..core.note import Signer
from ..core.verifier import verify
from ..storage import keystore
from .common import add_full_arg, add_ledger_arg, default_rules, load_trust, open_ledger, read_text_arg, verify_cache
from .main import UserError


def register(sub) -> None:
    p = sub.add_parser("keygen", help="生成加密的签名密钥，并写出可发送给运营方的公钥文件 / generate an encrypted Ed25519 key",
                       description="在 $PUBLISHER_KEYS 中生成加密的私钥 NAME.pem 和公钥文件 NAME.pub。"
                       "口令取自环境变量 PUBLISHER_KEY_PASSPHRASE_<NAME>（或 PUBLISHER_KEY_PASSPHRASE），"
                       "都没有时在终端中询问。把 NAME.pub 或打印的公钥代码发给运营方，私钥永远不要发送。 / "
                       "Writes NAME.pem (encrypted) and NAME.pub (send this to the operator; never the .pem).")
    p.add_argument("name", help="密钥名称 / key name, e.g. scjgj")
    p.add_argument("--keys", help="密钥目录 / key directory (default $PUBLISHER_KEYS)")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("init", help="创建空账本及其信任锚 / create an empty ledger with its trust anchors",
                       description="创建门户账本。必须指定随机信标：--beacon drand-quicknet（正式门户）、"
                       "--beacon-chain FILE，或 --training（培训门户：生成标明“模拟”的信标，不可用于真实抽查）；"
                       "并指定风险分类的公开方式 --disclosure public|sealed。trust.json 以后不能修改。 / "
                       "A portal needs a beacon chain (--beacon drand-quicknet, --beacon-chain FILE, or --training "
                       "for a labelled simulated chain) and --disclosure; trust.json can never change afterwards.")
    add_ledger_arg(p)
    p.add_argument("--origin", required=True, help="检查点来源名 / checkpoint origin, e.g. portal.example.gov.cn/county")
    p.add_argument("--root-key", default="root", help="运营方根密钥名称 / key name of the operator root key")
    p.add_argument("--log-key", default="log", help="检查点（日志）密钥名称 / key name of the checkpoint (log) key")
    p.add_argument("--beacon", choices=["drand-quicknet"], help="固定使用 drand quicknet 公共信标 / pin drand quicknet")
    p.add_argument("--beacon-chain", action="append", default=[], help="信标链信息 JSON 文件 / JSON file with a beacon chain info")
    p.add_argument("--training", action="store_true",
                   help="培训门户：生成模拟信标（种子写入密钥目录 beacon-sim.seed），全站标为样例 / "
                   "training portal: a labelled SIMULATED beacon, everything marked as sample")
    p.add_argument("--disclosure", choices=["public", "sealed"],
                   help="风险分类是否公开：public 公开、sealed 封存 / whether risk classes are public or sealed")
    p.add_argument("--keys", help="密钥目录 / key directory")
    p.add_argument("--sample", action="store_true", help="全部标为样例数据 / mark everything as sample data")
    p.add_argument("--time", help="记录时间 YYYY-MM-DDTHH:MM:SSZ（默认现在；用于测试和重放）/ entry time (default now; tests and replays)")
    p.add_argument("--witness", action="append", default=[], metavar="VKEY[=URL]",
                   help="见证方的联署公钥（publisher witness keygen），可附 =URL / a witness's cosignature vkey, "
                   "optionally =its URL")
    p.add_argument("--witness-quorum", type=int, help="需要多少见证方联署（默认过半）/ how many witnesses must "
                   "cosign (default: a majority)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("office-register", help="（运营方）注册单位及其公钥 / (operator) register an office and its key",
                       description="先检查（单位代码、重复注册、密钥是否已登记），有任何问题都不写入。"
                       "单位用 publisher keygen 生成密钥后，只需把 .pub 文件或公钥代码交给运营方。 / "
                       "Checks first; nothing is written on any problem. The office sends only its public key.")
    add_ledger_arg(p)
    p.add_argument("office", help="单位代码，小写英文字母开头，例如 scjgj / office code, e.g. scjgj")
    p.add_argument("--name-zh", required=True, help="单位中文名称 / Chinese name")
    p.add_argument("--name-en", required=True, help="英文名称 / English name")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--pubkey", help="单位发来的 .pub 文件或 ed25519:… 公钥代码 / the office's .pub file or public key code")
    g.add_argument("--key", help="密钥目录中的私钥名称（运营方自己保管单位私钥时）/ name of a private key in the key directory")
    p.add_argument("--root-key", default="root", help="运营方根密钥名称 / root key name")
    p.add_argument("--keys", help="密钥目录 / key directory")
    p.add_argument("--time", help="记录时间 YYYY-MM-DDTHH:MM:SSZ（默认现在；用于测试和重放）/ entry time (default now; tests and replays)")
    p.set_defaults(func=cmd_office_register)

    p = sub.add_parser("key-rotate", help="（运营方）为单位登记新密钥并撤销旧密钥 / (operator) rotate an office key",
                       description="先检查（单位已注册、旧密钥属于该单位且未撤销、新密钥未登记），有任何问题都不写入。 / "
                       "Checks first; nothing is written on any problem.")
    add_ledger_arg(p)
    p.add_argument("office", help="单位代码 / office code")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--new-pubkey", help="新密钥的 .pub 文件或公钥代码 / the new key's .pub file or code")
    g.add_argument("--new-key", help="密钥目录中的新私钥名称 / name of the new private key")
    p.add_argument("--old-key-id", required=True, help="要撤销的密钥编号（16 位）/ key id to revoke")
    p.add_argument("--reason", choices=["rotation", "compromise", "retired"],
                   help="原因：rotation 定期更换（默认）、compromise 泄露、retired 停用 / reason (default rotation; "
                   "compromise with --compromised-since)")
    p.add_argument("--compromised-since", metavar="TIME",
                   help="密钥从何时起可能已泄露：此后该密钥签署的记录一律作废（SPEC §1.5）。北京时间 "
                   "“2026-12-01 09:30”，或 UTC “2026-12-01T01:30:00Z”；不能晚于现在 / when the key was "
                   "compromised (Beijing time, or UTC with Z): entries it signed from then on are void")
    p.add_argument("--root-key", default="root", help="运营方根密钥名称 / root key name")
    p.add_argument("--keys", help="密钥目录 / key directory")
    p.add_argument("--time", help="记录时间 YYYY-MM-DDTHH:MM:SSZ（默认现在；用于测试和重放）/ entry time (default now; tests and replays)")
    p.set_defaults(func=cmd_key_rotate)

    p = sub.add_parser("verify", help="核验整个账本（0 通过，1 有问题）/ verify the whole ledger (exit 0 valid, 1 problems)",
                       description="重新核验每一条记录、签名、抽取和期限；错误逐条列出，警告按规则汇总。 / Re-verifies "
                       "every entry, signature, draw and deadline; errors listed, warnings summarised by rule.")
    add_ledger_arg(p)
    p.add_argument("--json", action="store_true", help="机器可读报告 / machine-readable report")
    p.add_argument("--trust", help="使用自己保存的 trust.json / pin your own copy of trust.json")
    p.add_argument("--checkpoint", action="append", default=[], help="以前保存的检查点 / a checkpoint you kept earlier")
    p.add_argument("--now", type=int, help="判断期限的时间（Unix 秒，默认最后一条记录）/ unix time to judge deadlines "
                   "(default: latest entry)")
    p.add_argument("--verbose", action="store_true", help="逐条列出全部警告（默认按规则汇总）/ list every warning "
                   "(default: a summary per rule)")
    p.add_argument("--openings", action="append", default=[], metavar="FILE",
                   help="密封风险分类门户：办公室提供的开启数据文件，用于全部核验 / sealed portal: the office's "
                   "openings file, to re-check every sealed draw in full (docs/spec/65-sealed.md)")
    add_full_arg(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("checkpoint", help="（运营方 CI）核验后签发检查点 / (operator CI) verify, then sign a checkpoint")
    add_ledger_arg(p)
    p.add_argument("--log-key", default="log", help="日志密钥名称 / log key name")
    p.add_argument("--keys", help="密钥目录 / key directory")
    p.add_argument("--time", type=int, help="签发时间（Unix 秒，默认现在）/ signing time (unix); default now")
    p.add_argument("--after-fast-clock", action="store_true",
                   help="恢复：最新检查点时间晚于现在（用快钟签发）时仍签发 / recovery: sign although the latest "
                   "checkpoint carries a later time (it was signed with a fast clock; docs/OPERATIONS.md)")
    add_full_arg(p)
    from .witness_cmds import add_collect_args  # witnesses' cosignatures (spec §3.8)

    add_collect_args(p)
    p.set_defaults(func=cmd_checkpoint)

    p = sub.add_parser("prove", help="打印记录在最新检查点中的包含证明 / print an inclusion proof of an entry")
    add_ledger_arg(p)
    p.add_argument("entry_id", help="记录编号（64 位十六进制）/ entry id (64 hex)")
    p.set_defaults(func=cmd_prove)


def cmd_keygen(args) -> int:
    key = SigningKey.generate()
    path = keystore.save_key(args.name, key, args.keys)
    pub = keystore.save_public(args.name, key.public, args.keys)
    print(json.dumps({"name": args.name, "key_id": key.id, "public_key": key.public.b64,
                      "public_code": keystore.public_code(key.public), "file": str(path),
                      "public_file": str(pub)}, ensure_ascii=False))
    print(f"已生成密钥 {args.name}（编号 {key.id}）。请把 {pub} 或下面的公钥代码发给运营方，私钥 {path.name} 不要发送：\n"
          f"  {keystore.public_code(key.public)}\n"
          f"key {args.name} ({key.id}): send {pub.name} or the code above to the operator, never {path.name}",
          file=sys.stderr)
    return 0


def trust_json(origin: str, root: SigningKey, log: Signer, chains: list[dict], sample: bool,
               extra: dict | None = None) -> dict:
    return {"version": 1, "origin": origin,
            "root_keys": [{"key_id": root.id, "public_key": root.public.b64}],
            "log_vkey": log.vkey, "beacon_chains": chains, "sample": sample, **(extra or {})}


def _init_chains(args, now: int) -> tuple[list[dict], bytes | None]:
    """The beacon chains to pin, and a training seed to save (checked before anything is written)."""
    from ..beacon import QUICKNET, ChainError, chain_from_json, chain_to_json

    chosen = sum(bool(x) for x in (args.beacon, args.beacon_chain, args.training))
    if chosen == 0:
        raise UserError("没有指定随机信标，门户将无法抽取。请用 --beacon drand-quicknet（正式门户）、--beacon-chain FILE，"
                        "或 --training（培训门户）；未写入任何内容 / no beacon chain: pass --beacon drand-quicknet, "
                        "--beacon-chain FILE or --training; nothing written")
    if chosen > 1:
        raise UserError("随机信标只能选一种：--beacon、--beacon-chain 或 --training / choose one of --beacon, --beacon-chain, --training")
    if args.training:
        import os

        from ..beacon import SimulatedBeacon

        seed = os.urandom(32)
        # the standard SIMULATED label: `draw lock --sim-beacon-seed` rebuilds the chain from it
        return [chain_to_json(SimulatedBeacon(seed, now // 3 * 3, 3).chain)], seed
    if args.beacon == "drand-quicknet":
        return [chain_to_json(QUICKNET)], None
    chains = []
    for f in args.beacon_chain:
        try:
            chains.append(chain_to_json(chain_from_json(json.loads(Path(f).read_text("utf-8")))))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ChainError) as exc:
            raise UserError(f"{f}：不是有效的信标链信息 / not a valid beacon chain info: {exc}") from None
    return chains, None


def cmd_init(args) -> int:
    if args.disclosure is None:
        raise UserError("请用 --disclosure public 或 --disclosure sealed 说明风险分类是否公开；未写入任何内容 / "
                        "pass --disclosure public|sealed (are risk classes public?); nothing written")
    from ..core.entry import parse_time

    when = format_time_now(args.time)
    chains, seed = _init_chains(args, int(parse_time(when).timestamp()))
    ledger = open_ledger_or_new(args)
    if (ledger.root / "trust.json").exists():
        raise UserError(f"{ledger.root / 'trust.json'}：已存在，trust.json 不能修改 / already exists; trust.json never changes")
    seed_path = None
    if seed is not None:
        seed_path = keystore.keys_dir(args.keys) / "beacon-sim.seed"
        if seed_path.exists():
            raise UserError(f"{seed_path}：已存在，不会覆盖 / exists; refusing to overwrite")
    root = keystore.load_key(args.root_key, args.keys)
    log = Signer(args.origin, keystore.load_key(args.log_key, args.keys))
    extra = {"risk_class_disclosure": args.disclosure}
    if args.witness:
        from .witness_cmds import witness_policy_json

        extra["witnesses"] = witness_policy_json(args.witness, args.witness_quorum)
    if args.training:
        extra["training"] = True
    if seed_path is not None:
        seed_path.parent.mkdir(parents=True, exist_ok=True)
        seed_path.write_text(seed.hex() + "\n", "ascii")
    ledger.init(trust_json(args.origin, root, log, chains, args.sample or args.training, extra))
    seeded = seed_calendar(ledger, root, when)
    kind = "培训门户（模拟信标）/ TRAINING portal (simulated beacon)" if args.training else "门户 / portal"
    print(f"已创建{kind} {ledger.root}（来源 {args.origin}，根密钥 {root.id}）/ created {ledger.root} "
          f"(origin {args.origin}, root key {root.id})")
    print(f"已写入 {', '.join(map(str, seeded))} 年的节假日安排（chinese-calendar）/ calendar entries for {seeded}")
    if seed_path is not None:
        print(f"模拟信标种子：{seed_path}（抽取时用 --sim-beacon-seed 指定）/ simulated beacon seed: {seed_path}")
    return 0


SEED_YEARS = 3  # the last built-in years go into a new ledger as calendar entries


def seed_calendar(ledger, root: SigningKey, now: str) -> list[int]:
    """Publish the last built-in years (chinese-calendar) as calendar entries, so the ledger
    itself shows the arrangement its deadlines are counted on; later years: `calendar add`."""
    from ..workdays import body_for_year, builtin_year, builtin_years

    years = list(builtin_years()[-SEED_YEARS:])
    ledger.append_many([(OPERATOR, "calendar", body_for_year(builtin_year(y)), root, now) for y in years])
    return years


def open_ledger_or_new(args):
    from ..storage.ledger_dir import LedgerDir

    return LedgerDir(Path(args.ledger))


def operator_registry(ledger):
    """The offices and keys registered so far (operator entries only, in log order)."""
    from ..core.registry import KeyRegistry

    reg = KeyRegistry(ledger.trust())
    for line in ledger.iter_log():
        if line.office == OPERATOR:
            reg.apply(ledger.read_entry(line.office, line.seq))
    return reg


def _public_key(pubkey: str | None, key_name: str | None, keys_dir):
    if pubkey is not None:
        return keystore.parse_public(pubkey)
    return keystore.load_key(key_name, keys_dir).public


def _registration(fn, *a) -> None:
    from ..core.registration import RegistrationError

    try:
        fn(*a)
    except RegistrationError as exc:
        raise UserError(f"{exc}（未写入任何内容 / nothing written）") from None


def cmd_office_register(args) -> int:
    from ..core.registration import check_office_register

    ledger = open_ledger(args)
    office_key = _public_key(args.pubkey, args.key, args.keys)
    with ledger.locked():
        _registration(check_office_register, operator_registry(ledger), args.office, args.name_zh,
                      args.name_en, office_key)
        root = keystore.load_key(args.root_key, args.keys)
        now = format_time_now(args.time)
        ledger.append_many([
            (OPERATOR, "office.register", {"office": args.office, "name_zh": args.name_zh, "name_en": args.name_en}, root, now),
            (OPERATOR, "key.register", {"office": args.office, "key_id": office_key.id,
                                        "public_key": office_key.b64, "valid_from": now}, root, now),
        ])
    print(f"已注册单位 {args.office}（{args.name_zh}），密钥 {office_key.id} / registered office {args.office} with key {office_key.id}")
    return 0


def compromised_since_utc(text: str, now: str) -> str:
    """The entry-time form (UTC, ``Z``) of an operator's ``--compromised-since``: a Beijing
    wall-clock time (what the office saw) or an explicit UTC/offset time; never after ``now``."""
    from datetime import datetime, timedelta, timezone

    from ..core.entry import parse_time

    t = text.strip().replace("/", "-")
    try:
        when = datetime.fromisoformat(t[:-1] + "+00:00" if t.endswith(("Z", "z")) else t)
    except ValueError:
        raise UserError(f"--compromised-since：“{text}”不是有效时间，应为北京时间 2026-12-01 09:30 或 UTC "
                        "2026-12-01T01:30:00Z；未写入任何内容 / not a time; nothing written") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone(timedelta(hours=8)))  # a clerk's clock is Beijing time
    since = format_time(when.astimezone(UTC).replace(microsecond=0))
    if parse_time(since) > parse_time(now):
        raise UserError(f"--compromised-since：{since} 晚于撤销时间 {now}，泄露时间不能在将来；未写入任何内容 / "
                        f"{since} is after the revocation time {now}; nothing written")
    return since


def _signed_since(ledger, key_id: str, since: str) -> int:
    """How many entries ``key_id`` signed at or after ``since`` (they become void)."""
    return sum(1 for line in ledger.iter_log() if line.office != OPERATOR
               and (e := ledger.read_entry(line.office, line.seq)).key == key_id and e.time >= since)


def cmd_key_rotate(args) -> int:
    from ..core.registration import check_key_rotate

    if args.compromised_since is not None and args.reason not in (None, "compromise"):
        raise UserError(f"--compromised-since 只能与 --reason compromise 一起使用（现为 {args.reason}）；未写入任何内容 / "
                        "--compromised-since goes with --reason compromise; nothing written")
    reason = args.reason or ("compromise" if args.compromised_since is not None else "rotation")
    ledger = open_ledger(args)
    new = _public_key(args.new_pubkey, args.new_key, args.keys)
    with ledger.locked():
        _registration(check_key_rotate, operator_registry(ledger), args.office, new, args.old_key_id)
        now = format_time_now(args.time)
        revoke = {"office": args.office, "key_id": args.old_key_id, "reason": reason}
        void = 0
        if args.compromised_since is not None:
            revoke["compromised_since"] = compromised_since_utc(args.compromised_since, now)
            void = _signed_since(ledger, args.old_key_id, revoke["compromised_since"])
        root = keystore.load_key(args.root_key, args.keys)
        ledger.append_many([
            (OPERATOR, "key.register", {"office": args.office, "key_id": new.id,
                                        "public_key": new.b64, "valid_from": now}, root, now),
            (OPERATOR, "key.revoke", revoke, root, now),
        ])
    print(f"单位 {args.office}：已登记密钥 {new.id}，已撤销 {args.old_key_id} / "
          f"office {args.office}: key {new.id} registered, {args.old_key_id} revoked")
    if "compromised_since" in revoke:
        print(f"密钥 {args.old_key_id} 自 {revoke['compromised_since']}（UTC）起视为泄露：其后签署的 {void} 条记录作废，"
              f"核验时显示为 compromised 警告；有效内容须用新密钥重新发布 / entries signed by it from then on are void "
              f"({void} so far); republish what is genuine with the new key")
    return 0


def format_time_now(given: str | None = None) -> str:
    """``given`` (checked) or the current UTC time, in the entry time format."""
    from datetime import datetime

    if given:
        from ..core.entry import parse_time

        try:
            parse_time(given)
        except ValueError as exc:
            raise UserError(f"--time：{exc}（应为 2026-12-01T01:00:00Z）") from None
        return given
    return format_time(datetime.now(UTC))


def run_verify(args):
    from ..progress import Counted, progress

    ledger = open_ledger(args)
    trust = load_trust(args, ledger)
    extra = [(f, read_text_arg(f, "checkpoint")) for f in getattr(args, "checkpoint", [])]
    openings = read_openings(getattr(args, "openings", []))
    rules = default_rules() if openings is None else _rules_with(openings)
    with progress("核验账本 / verifying", ledger.size()) as advance:
        report = verify(Counted(ledger, advance), trust, rules, extra, now=getattr(args, "now", None),
                        cache=verify_cache(args) if openings is None else None)  # an audit re-checks all
    return ledger, report


def read_openings(files: list[str]):
    """root -> id -> Opening from the given openings files, or None without any."""
    if not files:
        return None
    from ..draw.errors import DrawError
    from ..draw.openings import parse_openings

    merged: dict = {}
    for f in files:
        try:
            data = Path(f).read_bytes()
            for root, per in parse_openings(data, f).items():
                merged.setdefault(root, {}).update(per)
        except OSError as exc:
            raise UserError(f"{f}：无法读取开启数据文件 / cannot read the openings file: {exc.strerror}") from None
        except DrawError as exc:
            raise UserError(f"开启数据文件有误 / openings file refused: {exc.message}") from None
    return merged


def _rules_with(openings):
    from ..ruleset import default_rules as rules

    return rules(openings)


def sealed_note(report) -> list[str]:
    """What a verification without openings could not check in a sealed portal (§6S.2)."""
    try:
        sealed = report.rule("draw").sealed
    except (KeyError, AttributeError, LookupError):
        return []
    from ..draw.rules.sealed import UNCHECKED, UNCHECKED_ZH

    out = []
    if sealed.unchecked:
        n = len(sealed.unchecked)
        out.append(f"风险分类已密封：{n} 次抽取只做了公开核验，未能核验：{UNCHECKED_ZH}；"
                   f"用 --openings 文件可全部核验。 / Risk classes are sealed: {n} draw(s) got the public checks "
                   f"only; not checked: {UNCHECKED}. Pass --openings FILE to check everything.")
    if sealed.audited:
        out.append(f"已用开启数据全部核验 {len(sealed.audited)} 次密封抽取 / {len(sealed.audited)} sealed draw(s) "
                   "re-checked in full with the openings")
    return out


def cmd_verify(args) -> int:
    started = _time.perf_counter()
    ledger, report = run_verify(args)
    elapsed = _time.perf_counter() - started
    if args.json:
        print(json.dumps({
            "ok": report.ok, "size": report.size, "root": report.root.hex(),
            "checkpoints": [{"size": w.cp.size, "root": w.cp.root.hex(), "time": w.cp.time,
                             "witnesses": w.times, "witnessed_time": w.time} for w in report.witnessed],
            "problems": [p.__dict__ for p in report.problems], "seconds": round(elapsed, 3),
            "resumed": report.resumed, "sealed_note": sealed_note(report),
        }, ensure_ascii=False, indent=1))
    else:
        from ..problem_summary import summarize

        for p in report.problems:
            if p.severity != "warning" or args.verbose:
                print(p.line(), file=sys.stdout if p.severity == "warning" else sys.stderr)
        warnings = [p for p in report.problems if p.severity == "warning"]
        if warnings and not args.verbose:
            print(f"警告 {len(warnings)} 条，按规则汇总 / {len(warnings)} warnings by rule:")
            print("\n".join(summarize(warnings)))
        for line in sealed_note(report):
            print(line)
        status = "核验通过 / VALID" if report.ok else f"核验不通过（{len(report.errors)} 个问题）/ INVALID ({len(report.errors)} problems)"
        print(f"{status}: {report.size} entries, root {report.root.hex()}, "
              f"{len(report.checkpoints)} checkpoints, {elapsed:.2f}s")
        if report.resumed:
            print(f"（第 1–{report.resumed} 条记录此前已在本机核验至检查点且未改动；--full 重新全部核验）/ "
                  f"(entries 1–{report.resumed} were verified earlier on this machine up to a checkpoint "
                  "and are unchanged; `--full` checks them again)")
    return 0 if report.ok else 1


def cmd_checkpoint(args) -> int:
    ledger, report = run_verify(args)
    if not report.ok:
        for p in report.errors:
            print(p.line(), file=sys.stderr)
        raise UserError("账本核验不通过，拒绝签发检查点 / refusing to sign a checkpoint of an invalid ledger")
    trust = ledger.trust()
    signer = Signer(trust.origin, keystore.load_key(args.log_key, args.keys))
    if signer.vkey != trust.log_vkey:
        raise UserError("日志密钥与 trust.json 中固定的日志公钥不一致 / the log key does not match trust.json's log_vkey")
    t = args.time if args.time is not None else int(_time.time())
    if report.checkpoints and report.checkpoints[-1].size == report.size:
        print(f"大小为 {report.size} 的检查点已经存在 / checkpoint of size {report.size} already exists")
        return 0
    note = sign_checkpoint(Checkpoint(trust.origin, report.size, report.root, t), signer)
    from ..gitops.presign import check_candidate, refusal_text

    added = check_candidate(ledger, trust, report, note, args.after_fast_clock)
    if added:
        raise UserError(refusal_text(added, t))
    from .witness_cmds import checkpoint_with_witnesses

    note = checkpoint_with_witnesses(args, ledger, report, trust, note)
    if note is None:
        return 0  # below quorum: kept pending, retried next run; offices' pushes are not blocked
    path = ledger.write_checkpoint(report.size, note)
    print(f"已签署检查点 / signed {ledger.rel(path)}: size {report.size}, root {b64encode(report.root)}")
    return 0


def cmd_prove(args) -> int:
    ledger = open_ledger(args)
    ids = [line.entry_id for line in ledger.iter_log()]
    try:
        index = ids.index(args.entry_id.lower())
    except ValueError:
        raise UserError(f"账本中没有编号为 {args.entry_id} 的记录 / entry {args.entry_id} is not in the log") from None
    cps = ledger.checkpoint_files()
    if not cps:
        raise UserError("还没有检查点，请先运行 publisher checkpoint / no checkpoint yet: run publisher checkpoint")
    note = read_text_arg(cps[-1], "checkpoint")
    from ..core.checkpoint import open_checkpoint
    from ..core.note import NoteError, Verifier

    verifier = Verifier.from_vkey(ledger.trust().log_vkey)
    try:
        cp = open_checkpoint(note, verifier)
    except NoteError as exc:
        raise UserError(f"{ledger.rel(cps[-1])}: {exc}") from None
    if index >= cp.size:
        raise UserError(f"该记录（第 {index} 条）在最新检查点（共 {cp.size} 条）之后，请等待下一个检查点 / "
                        f"entry is at index {index}, after the latest checkpoint (size {cp.size}); wait for the next one")
    leaves = [merkle.leaf_hash(bytes.fromhex(i)) for i in ids[: cp.size]]
    proof = merkle.inclusion_proof(leaves, index)
    assert merkle.verify_inclusion(leaves[index], index, cp.size, proof, cp.root)
    print(json.dumps({"entry_id": ids[index], "index": index, "tree_size": cp.size,
                      "root": b64encode(cp.root), "proof": [b64encode(h) for h in proof],
                      "checkpoint": note}, indent=1, ensure_ascii=False))
    return 0
