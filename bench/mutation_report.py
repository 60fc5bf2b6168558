"""Mutation score per module from mutmut's results (``make mutate`` runs this after mutmut).

Reads ``mutants/<group>/mutants/src/**/*.py.meta`` (mutmut 3's per-file verdicts, one work
directory per module group, see bench/mutate.py), prints a Markdown table of
killed / survived / other per module and writes every surviving mutant, with its diff, to
``mutants/survivors.md`` so they can be triaged (killed by a new test, or listed as equivalent
with the reason in docs/QUALITY.md).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"

from mutmut.stats import status_by_exit_code  # noqa: E402  (mutmut's own reading of its exit codes)

DETECTED = {"killed", "timeout", "segfault", "caught by type check"}

# Surviving mutants that no test can kill, with the reason (docs/QUALITY.md explains each kind).
# mutmut numbers mutants per function: when a function changes, its names may shift, so the
# report names any listed mutant that no longer survives ("stale") instead of trusting the list.
EQUIVALENT: dict[str, str] = {
    "publisher.core.entry.xǁEntryǁto_file_bytes__mutmut_3": "json ensure_ascii=None is falsy, as False",
    "publisher.core.entry.x_sign_entry__mutmut_4": "body dumped and re-loaded: escaping does not change it",
    "publisher.core.entry.x_sign_entry__mutmut_6": "body dumped and re-loaded: escaping does not change it",
    "publisher.core.entry.x_sign_entry__mutmut_15": "draft key is never read (only unsigned() is used)",
    "publisher.core.entry.x_sign_entry__mutmut_16": "draft signature is never read (only unsigned() is used)",
    "publisher.core.entry.x_sign_entry__mutmut_26": "draft signature is never read (only unsigned() is used)",
    "publisher.core.entry.x_sign_entry__mutmut_27": "draft signature is never read (only unsigned() is used)",
    "publisher.core.note.x_key_id__mutmut_7": "codec names are case-insensitive",
    "publisher.core.note.xǁSignatureǁline__mutmut_6": "codec names are case-insensitive",
    "publisher.core.note.x_sign_note__mutmut_12": "codec names are case-insensitive",
    "publisher.core.verifier.x__guarded__mutmut_17": "Problem's entry_id defaults to \"\", the value removed",
    "publisher.core.verifier.x__guarded__mutmut_18": "Problem's entry_id defaults to \"\", the value removed",
    "publisher.core.verifier.x__operator_entries__mutmut_9":
        "break -> return as the last statement of a generator's loop: the same end of iteration",
    "publisher.core.verifier.x__load_checkpoints__mutmut_21": "codec names are case-insensitive",
    "publisher.core.verifier.x__load_checkpoints__mutmut_114":
        "checkpoint times are >= 0 (the parser refuses others): t < -1 and t < -2 are both never true",
    "publisher.core.verifier.x__load_checkpoints__mutmut_115":
        "prev_where is only named in the order warning, which the first checkpoint never raises (t < -1)",
    "publisher.core.verifier.x_verify__mutmut_134":
        "every source gets the sequential loader: its records equal the parallel one's "
        "(test_verifier_loaders_bite); only the speed differs",
    "publisher.core.verifier.x_verify__mutmut_135":
        "every source gets the sequential loader: its records equal the parallel one's "
        "(test_verifier_loaders_bite); only the speed differs",
    "publisher.core.verifier.x_verify__mutmut_202":
        "size > start is always true where reached, except size 0 = start 0: saving the empty prefix, "
        "from which a resumed run checks everything",
    "publisher.core.verifier.x_verify__mutmut_580": "getattr default None is falsy, as False",
    "publisher.core.verifier.x__check_blobs__mutmut_28": "the SHA-256 of a file does not depend on the read size",
    "publisher.core.verifier.x__check_blobs__mutmut_29": "the SHA-256 of a file does not depend on the read size",
    "publisher.core.rules.base.xǁContextǁaccepted_at__mutmut_11":
        "t <= best replaces the earliest time by an equal one: the same number",
    "publisher.core.merkle.x__subproof__mutmut_35": "complete is only tested for truth: None is falsy, as False",
    "publisher.core.merkle.x_verify_inclusion__mutmut_41":
        "fn is even and > 0 on entry to the loop: it turns odd before reaching 0 or 1",
    "publisher.core.merkle.x_verify_consistency__mutmut_89":
        "fn is even and > 0 on entry to the loop: it turns odd before reaching 0 or 1",
}


def load() -> dict[str, tuple[Path, dict[str, int | None]]]:
    """module -> (its group's work directory, verdict per mutant)."""
    out: dict[str, tuple[Path, dict[str, int | None]]] = {}
    for meta in sorted(MUTANTS.glob("*/mutants/src/**/*.py.meta")):
        src = meta.parents[len(meta.relative_to(MUTANTS).parts) - 4]  # mutants/<group>/mutants/src
        module = ".".join(meta.relative_to(src).with_suffix("").with_suffix("").parts)
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        if codes:
            out[module] = (src.parents[1], codes)
    return out


def main() -> int:
    if not MUTANTS.is_dir():
        print("no mutants/ directory: run `make mutate` first", file=sys.stderr)
        return 1
    data = load()
    rows, survivors = [], []  # survivors: (mutant name, source path)
    tk = ts = tn = te = 0
    stale = [k for k in EQUIVALENT  # a listed mutant not run yet (a stopped or sampled run) is not stale
             if not any(status_by_exit_code[c[k]] == "survived" for _, c in data.values() if k in c)
             and any(k.startswith(m + ".") for m in data)
             and not any(c.get(k, 0) is None for _, c in data.values())]
    for module, (workdir, codes) in sorted(data.items()):
        status = {k: status_by_exit_code[c] for k, c in codes.items()}
        killed = sum(1 for s in status.values() if s in DETECTED)
        timeouts = sum(1 for s in status.values() if s == "timeout")
        equivalent = [k for k, s in status.items() if s == "survived" and k in EQUIVALENT]
        survived = [k for k, s in status.items() if s == "survived" and k not in EQUIVALENT]
        untested = sum(1 for s in status.values() if s in ("no tests", "not checked"))
        total = len(codes)
        tk, ts, tn, te = tk + killed, ts + len(survived), tn + untested, te + len(equivalent)
        done = killed + len(survived)
        score = f"{100.0 * killed / done:.1f}%" if done else "–"
        rows.append(f"| `{module}` | {total} | {killed} | {timeouts} | {len(survived)} | {len(equivalent)} | {untested} "
                    f"| {score} |")
        source = "src/" + "/".join(module.split(".")) + ".py"
        survivors += [(name, source, workdir) for name in survived]
    print("| module | mutants | killed | of which timeout | survived | equivalent | no test / not run | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    done = tk + ts
    print(f"| **all** | {sum(len(c) for _, c in data.values())} | {tk} | | {ts} | {te} | {tn} | "
          f"{100.0 * tk / done if done else 0:.1f}% |")
    from mutmut.configuration import reset_config
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    with open(MUTANTS / "survivors.md", "w", encoding="utf-8") as f:
        f.write(f"# Surviving mutants ({len(survivors)})\n\n")
        for name, source, workdir in survivors:
            os.chdir(workdir)  # mutmut reads its mutants/ relative to the work directory
            reset_config()
            try:
                diff = get_diff_for_mutant(name, path=source)
            except Exception as exc:  # a report must not die on one unreadable mutant
                diff = f"(diff unavailable: {exc})"
            f.write(f"## {name}\n\n```diff\n{diff.strip()}\n```\n\n")
    print(f"\n{len(survivors)} surviving mutants (equivalent ones left out) with their diffs: mutants/survivors.md")
    print("Score = killed / (killed + survived); equivalent mutants (EQUIVALENT above) are not counted.")
    if stale:
        print(f"stale EQUIVALENT entries (no longer surviving; re-check the names): {', '.join(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
