"""Witness commands: `publisher witness keygen|init|serve`, `publisher monitor URL`, and the
cosignature collection step of `publisher checkpoint`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..core.cosignature import Cosigner, witness_times
from ..core.keys import SigningKey
from ..core.note import NoteError, Verifier
from ..core.trust import TrustError
from ..portal import load_trust
from ..storage import keystore
from .common import read_json_arg
from .errors import UserError

STATE_ENV = "PUBLISHER_STATE"


def register(sub) -> None:
    w = sub.add_parser("witness", help="运行见证方，为其他门户的检查点联署 / run a witness that cosigns other portals' checkpoints (c2sp.org/tlog-witness)")
    wsub = w.add_subparsers(dest="witness_command", metavar="ACTION")
    wsub.required = True

    p = wsub.add_parser("keygen", help="生成见证方的 Ed25519 密钥（加密保存在密钥目录） / generate the witness's Ed25519 key (encrypted, in the key directory)")
    p.add_argument("name", help="见证方名称，例如 witness.example.edu.cn/w1 / witness name, e.g. witness.example.edu.cn/w1")
    p.add_argument("--key", default="witness", help="密钥目录中的密钥文件名 / file name of the key in the key directory")
    p.add_argument("--keys", help="密钥目录（默认 $PUBLISHER_KEYS） / key directory (default $PUBLISHER_KEYS)")
    p.set_defaults(func=cmd_keygen)

    p = wsub.add_parser("init", help="创建见证方目录，跟踪一个或多个账本 / create a witness directory following one or more logs")
    p.add_argument("--dir", required=True, help="见证方状态目录 / witness state directory")
    p.add_argument("--name", required=True, help="见证方名称（与 keygen 时相同） / witness name (as given to keygen)")
    p.add_argument("--key", default="witness")
    p.add_argument("--log", action="append", default=[], help="要跟踪的账本日志公钥 / a log's vkey (origin+keyid+key) to follow")
    p.add_argument("--trust", action="append", default=[], help="门户的 trust.json：跟踪其账本 / a portal's trust.json: follow its log")
    p.set_defaults(func=cmd_init)

    p = wsub.add_parser("serve", help="提供 POST /add-checkpoint 服务，直到收到 SIGTERM / serve POST /add-checkpoint until SIGTERM")
    p.add_argument("--dir", required=True)
    p.add_argument("--listen", default="127.0.0.1:7380", help="主机:端口（端口 0 表示任意空闲端口） / host:port (port 0 = any free port)")
    p.add_argument("--keys")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("monitor", help="（审计人员）用自己保存的历史核对已部署门户的检查点 / (auditor) check a deployed portal's checkpoints against your own "
                       "history and its witnesses; report forks and rollbacks")
    p.add_argument("url", help="门户网站地址（从那里读取 ledger/ 文件） / the portal's site URL (its ledger/ files are read from there)")
    p.add_argument("--state", help=f"自己保存的历史目录 / your history directory (default ${STATE_ENV}/monitor or ./.monitor)")
    p.add_argument("--trust", help="使用自己保存的 trust.json（推荐） / pin your own copy of trust.json (recommended)")
    p.add_argument("--witness", action="append", default=[], metavar="NAME=URL", help="见证方网址（覆盖默认） / witness URL override")
    p.add_argument("--timeout", type=float, default=5.0)
    p.set_defaults(func=cmd_monitor)


# -- witness keygen / init / serve ---------------------------------------------------------------

def cmd_keygen(args) -> int:
    key = SigningKey.generate()
    cosigner = Cosigner(args.name, key)
    path = keystore.save_key(args.key, key, args.keys)
    print(json.dumps({"name": args.name, "vkey": cosigner.vkey, "file": str(path)}, ensure_ascii=False))
    return 0


def cmd_init(args) -> int:
    from ..witness.state import CONFIG

    logs = []
    try:
        for vkey in args.log:
            v = Verifier.from_vkey(vkey)
            logs.append({"origin": v.name, "vkey": vkey})
        for f in args.trust:
            try:
                t = load_trust(read_json_arg(f, "trust.json"))
            except TrustError as exc:
                raise UserError(f"witness init: {f}: {exc}") from None
            logs.append({"origin": t.origin, "vkey": t.log_vkey})
    except (NoteError, OSError, ValueError) as exc:
        raise UserError(f"见证方初始化失败：{exc} / witness init failed") from None
    if not logs:
        raise UserError("见证方初始化：请用 --log VKEY 或 --trust trust.json 指定至少一个账本 / witness init: name at least one log with --log VKEY or --trust trust.json")
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    if (d / CONFIG).exists():
        raise UserError(f"{d / CONFIG}：已存在，见证方的状态永远不能重置 / already exists (a witness's state must never be reset)")
    (d / CONFIG).write_text(json.dumps({"name": args.name, "key": args.key, "logs": logs},
                                       ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"witness {args.name} follows {', '.join(l['origin'] for l in logs)}; state in {d}")
    return 0


def cmd_serve(args) -> int:
    from ..witness.server import make_server, serve_forever
    from ..witness.state import Witness, WitnessConfigError, load_config

    try:
        cfg = load_config(Path(args.dir))
        cosigner = Cosigner(cfg["name"], keystore.load_key(cfg.get("key", "witness"), args.keys))
        witness = Witness.from_config(args.dir, cosigner)
        host, _, port = args.listen.rpartition(":")
        server = make_server(witness, host or "127.0.0.1", int(port))
    except (WitnessConfigError, NoteError, ValueError, OSError) as exc:
        raise UserError(f"见证服务无法启动：{exc} / witness serve failed") from None
    h, p = server.server_address[:2]
    print(f"witness {cosigner.name} listening on http://{h}:{p} ({cosigner.vkey})", flush=True)
    serve_forever(server)
    return 0


def witness_policy_json(items: list[str], quorum: int | None) -> dict:
    """trust.json's ``witnesses`` from `publisher init --witness VKEY[=URL] --witness-quorum K`."""
    from ..core.trust import WitnessPolicy

    ws = []
    for item in items:
        vkey, sep, url = item.partition("=http")
        url = "http" + url if sep else ""
        if "=" in vkey:
            raise UserError(f"--witness “{item}”：应为 VKEY 或 VKEY=http(s)://… / expected VKEY or VKEY=http(s)://…")
        ws.append({"vkey": vkey, **({"url": url} if sep else {})})
    k = quorum if quorum is not None else len(ws) // 2 + 1
    try:
        return WitnessPolicy.from_json({"quorum": k, "witnesses": ws}).to_json()
    except TrustError as exc:
        raise UserError(str(exc)) from None


# -- publisher checkpoint: collect cosignatures ----------------------------------------------------

def add_collect_args(p) -> None:
    p.add_argument("--witness", action="append", default=[], metavar="NAME=URL",
                   help="见证方提交地址，覆盖 trust.json 中的地址 / "
                        "witness submission URL (overrides trust.json's url hint)")
    p.add_argument("--state", help=f"待联署检查点的保存目录（默认 ${STATE_ENV} 或 账本目录旁的 .publisher-state）/ "
                        f"where pending checkpoints are kept (default ${STATE_ENV} or <ledger>/../.publisher-state)")
    p.add_argument("--witness-timeout", type=float, default=2.0, help="每次请求的超时秒数（默认 2）/ seconds per request (default 2)")
    p.add_argument("--witness-retries", type=int, default=2, help="每个见证方的重试次数（默认 2）/ retries per witness (default 2)")


def _overrides(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not name or not url:
            raise UserError(f"--witness “{item}”：应为 名称=网址 / expected NAME=URL")
        out[name] = url
    return out


def state_dir(args, ledger) -> Path:
    if getattr(args, "state", None):
        return Path(args.state)
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    return Path(ledger.root).resolve().parent / ".publisher-state"


def checkpoint_with_witnesses(args, ledger, report, trust, note: str) -> str | None:
    """The cosigned note when the quorum cosigned; None (pending) otherwise. Unchanged without witnesses."""
    from ..witness.collect import PendingStore
    from ..witness.publish import cosign, policy_now

    policy = policy_now(report, trust)
    if policy is None:
        return note
    ids = [line.entry_id for line in ledger.iter_log()]
    store = PendingStore(state_dir(args, ledger))
    result = cosign(note, ids, policy, store, _overrides(args.witness), args.witness_timeout, args.witness_retries)
    for o in result.outcomes:
        print(f"  witness {o.name}: {o.detail}" + (f" at {o.time}" if o.time is not None else ""),
              file=sys.stdout if o.ok else sys.stderr)
    _, times = witness_times(result.note, policy.witnesses)
    if not result.quorum:
        print(f"等待见证：{len(policy.witnesses)} 个见证方中 {len(times)} 个已联署，需要 {policy.quorum} 个，下次运行时重试 / "
              f"PENDING: {len(times)} of {len(policy.witnesses)} witnesses cosigned, quorum is {policy.quorum}; "
              f"kept in {store.dir / 'pending.note'} and retried on the next run", file=sys.stderr)
        return None
    return result.note


# -- publisher monitor -----------------------------------------------------------------------------

def cmd_monitor(args) -> int:
    from ..witness.monitor import MonitorError, run_monitor

    state = Path(args.state) if args.state else (
        Path(os.environ[STATE_ENV]) / "monitor" if os.environ.get(STATE_ENV) else Path(".monitor"))
    try:
        pinned = load_trust(read_json_arg(args.trust, "trust.json")) if args.trust else None
        findings = run_monitor(args.url, state, pinned, _overrides(args.witness), args.timeout)
    except (MonitorError, TrustError, OSError, ValueError) as exc:
        raise UserError(f"监测失败：{exc} / monitor failed") from None
    bad = [f for f in findings if f.severity == "error"]
    for f in findings:
        print(f.line(), file=sys.stderr if f.severity == "error" else sys.stdout)
    print("ALERT: the portal's log is not consistent" if bad else "OK: consistent with your history and its witnesses")
    return 1 if bad else 0
