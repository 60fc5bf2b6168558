"""`publisher demo`: regenerate the sample county ledger (clearly marked as sample data)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .errors import UserError


def register(sub) -> None:
    p = sub.add_parser("demo", help="确定性地生成样例县账本 / generate the SAMPLE county ledger deterministically")
    p.add_argument("--ledger", default="ledger")
    p.add_argument("--seed", type=int, default=2026, help="内容种子（企业、任务、结果） / content seed (companies, tasks, results)")
    p.add_argument("--key-seed", help="由此秘密派生样例密钥（默认随机生成） / derive demo keys from this secret (default: fresh random keys)")
    p.add_argument("--keys", default=".demo-keys", help="加密的样例私钥存放目录（不纳入 git） / where the encrypted demo private keys go (git-ignored)")
    p.add_argument("--targets", type=int, default=20000)
    p.add_argument("--tasks", type=int, default=60)
    p.add_argument("--force", action="store_true", help="替换已有的账本目录 / replace an existing ledger directory")
    p.add_argument("--sealed", metavar="DIR",
                   help="生成风险分类封存的小型样例门户：DIR/ledger、DIR/openings.jsonl（开启数据，不在账本内）、DIR/keys / "
                   "generate the small SAMPLE portal with sealed risk classes instead: DIR/ledger, "
                   "DIR/openings.jsonl (the openings, outside the ledger), DIR/keys (docs/spec/65-sealed.md)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from ..demo.build import generate

    if args.sealed:
        return _sealed_demo(args)
    started = time.perf_counter()
    passphrase = os.environ.get("PUBLISHER_KEY_PASSPHRASE", "sample-county-demo").encode()
    try:
        demo = generate(Path(args.ledger), seed=args.seed,
                        key_seed=args.key_seed.encode() if args.key_seed else None,
                        keys_dir=Path(args.keys) if args.keys else None, passphrase=passphrase,
                        n_targets=args.targets, n_tasks=args.tasks, force=args.force)
    except FileExistsError as exc:
        raise UserError(str(exc)) from exc
    print(f"sample county written to {args.ledger}: {demo.tree.size} entries, "
          f"{demo.stats['results']} results, {demo.stats['corrections']} corrections "
          f"in {time.perf_counter() - started:.1f}s; demo keys (encrypted) in {args.keys}")
    return 0


def _sealed_demo(args) -> int:
    from ..demo.sealed import generate_sealed

    out = Path(args.sealed)
    passphrase = os.environ.get("PUBLISHER_KEY_PASSPHRASE", "sample-county-demo").encode()
    try:
        demo = generate_sealed(out, seed=args.seed, key_seed=args.key_seed.encode() if args.key_seed else None,
                               passphrase=passphrase, force=args.force)
    except FileExistsError as exc:
        raise UserError(str(exc)) from exc
    print(f"封存风险分类的样例门户 / sealed sample portal: {out / 'ledger'} ({demo.tree.size} entries); "
          f"开启数据 / openings: {out / 'openings.jsonl'} (keep it out of the repository); keys: {out / 'keys'}")
    return 0
