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
    "publisher.core.merkle.x__subproof__mutmut_35": "complete is only tested for truth: None is falsy, as False",
    "publisher.core.merkle.x_verify_inclusion__mutmut_41":
        "fn is even and > 0 on entry to the loop: it turns odd before reaching 0 or 1",
    "publisher.core.merkle.x_verify_consistency__mutmut_89":
        "fn is even and > 0 on entry to the loop: it turns odd before reaching 0 or 1",
    "publisher.beacon.verify.x_beacon_message__mutmut_6":
        "int.to_bytes's byte order defaults to 'big' since Python 3.11 (the project requires 3.11)",
    "publisher.workflow.rules.common.xǁEmitterǁwarning__mutmut_1":
        "the article's default is never used: every caller passes the article",
    "publisher.workflow.rules.selection.xǁSelectionǁopen_targets__mutmut_8":
        "unreachable fallback: a target's name is dropped only once every office's slot is filled",
    "publisher.workflow.rules.selection.xǁSelectionǁopen_targets__mutmut_10":
        "unreachable fallback: a target's name is dropped only once every office's slot is filled",
    "publisher.workflow.rules.target_names.x_snapshot_name__mutmut_7":
        "equality is tested (and returns) just before, so > and >= meet the same ids",
    "publisher.site.stats.x_joint_share__mutmut_4": "SQL keywords and identifiers are case-insensitive",
    "publisher.site.stats.x_timeliness__mutmut_4": "SQL keywords and identifiers are case-insensitive (literals unchanged)",
    "publisher.site.stats.x_timeliness__mutmut_7": "SQL keywords and identifiers are case-insensitive (literals unchanged)",
    "publisher.site.stats.x_timeliness__mutmut_5":
        "only the coalesce fallback's literals change, and it is unreachable: the site is built only from a "
        "verified ledger, where every result has its deadline verdict",
    "publisher.site.stats.x_office_quarter_chart__mutmut_16":
        "+= or =: office_quarter has one row per (office, year, quarter), so no bar part is added twice",
    'publisher.site.stats.x_category_counts__mutmut_5':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_category_counts__mutmut_8':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_coverage__mutmut_5':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_category_counts__mutmut_13':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_category_counts__mutmut_27':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_category_counts__mutmut_31':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_timeliness__mutmut_16':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_timeliness__mutmut_23':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_timeliness__mutmut_25':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_category_counts__mutmut_23':
        "'' or 'XXXX': no vocabulary has either name",
    'publisher.site.stats.x_category_counts__mutmut_28':
        "unreachable: the model stores every result's categories as a JSON list, never NULL",
    'publisher.site.stats.x_category_counts__mutmut_56':
        'unreachable: an unknown vocabulary is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_64':
        'unreachable: an unknown vocabulary is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_58':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_59':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_60':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_66':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_67':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_category_counts__mutmut_68':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_write_csv__mutmut_12':
        "csv.DictWriter checks extrasaction case-insensitively and only tests for 'raise'",
    'publisher.workflow.rules.corrections.xǁCorrectionCheckǁcheck__mutmut_83':
        'locate only tests the prefix for truth',
    'publisher.workflow.rules.corrections.xǁCorrectionCheckǁcheck__mutmut_84':
        'locate only tests the prefix for truth',
    'publisher.site.stats.x_coverage__mutmut_9':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_5':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_quarter__mutmut_8':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_quarter__mutmut_11':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_quarter__mutmut_12':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_quarter__mutmut_15':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_17':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_19':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_23':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_28':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_34':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_40':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_47':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_quarter__mutmut_48':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_quarter__mutmut_52':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_quarter__mutmut_55':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_46':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_47':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_51':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_55':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_61':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_62':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_66':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_70':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_76':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    "publisher.workflow.rules.content.x_check_content__mutmut_13":
        "unreachable default: the result schema requires 'vocabulary'",
    "publisher.workflow.rules.content.x_check_content__mutmut_15":
        "unreachable default: the result schema requires 'vocabulary'",
    "publisher.site.stats.x_office_figures__mutmut_77":
        "SQL keywords, identifiers and date modifiers ('+8 HOURS') are case-insensitive in SQLite",
    "publisher.site.stats.x_office_figures__mutmut_79": "SQL keywords and identifiers are case-insensitive (literals unchanged)",
    "publisher.site.stats.x_office_figures__mutmut_96":
        "SQL keywords, identifiers and date modifiers ('+8 HOURS') are case-insensitive in SQLite",
    "publisher.site.stats.x_office_figures__mutmut_151": "SQL keywords and identifiers are case-insensitive (literals unchanged)",
    'publisher.site.stats.x_office_figures__mutmut_85':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_89':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_95':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_98':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_99':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_104':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_108':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_114':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_117':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_120':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_123':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_128':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_148':
        'SQL keywords and identifiers are case-insensitive (literals unchanged)',
    'publisher.site.stats.x_office_figures__mutmut_156':
        'sqlite3.Row looks columns up case-insensitively',
    "publisher.site.stats.x_office_figures__mutmut_167": "'' or 'XXXX': no vocabulary has either name",
    'publisher.site.stats.x_office_figures__mutmut_171':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_177':
        'sqlite3.Row looks columns up case-insensitively',
    'publisher.site.stats.x_office_figures__mutmut_178':
        "unreachable: the model stores every result's categories as a JSON list, never NULL",
    'publisher.site.stats.x_office_figures__mutmut_181':
        'unreachable: an unknown vocabulary is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_office_figures__mutmut_183':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_office_figures__mutmut_184':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_office_figures__mutmut_185':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_office_figures__mutmut_187':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_office_figures__mutmut_188':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    'publisher.site.stats.x_office_figures__mutmut_189':
        'unreachable: an unknown category code is refused by the workflow rule, and the site is built only from a verified ledger',
    # gitops/rules.py
    "publisher.gitops.rules.x__describe_rewrite__mutmut_8": "codec names are case-insensitive",
    "publisher.gitops.rules.x__describe_rewrite__mutmut_21": "codec names are case-insensitive",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_24": "codec names are case-insensitive",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_11": "union is only tested for truth: None is falsy, as False",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_22":
        "neither b'' nor b'XXXX' holds the union line: the refusal is the same",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_49":
        "redundant guard: an unset attribute ('-text', '!eol') never equals a rewriting attribute's name anyway",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_51":
        "redundant guard: an unset attribute ('-text', '!eol') never equals a rewriting attribute's name anyway",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_55": "split('=') and split('=', 1) have the same [0]",
    "publisher.gitops.rules.x_check_gitattributes__mutmut_58": "split('=', 2) and split('=', 1) have the same [0]",
    "publisher.gitops.rules.x_check_log_append__mutmut_17":
        "redundant guard: cutting a complete (or empty) base after its last newline leaves it unchanged",
    "publisher.gitops.rules.x_check_log_append__mutmut_80": "codec names are case-insensitive",
    "publisher.gitops.rules.x_check_log_append__mutmut_81":
        "text '' or None: the log-line pattern matches neither, the refusal is the same",
    "publisher.gitops.rules.x_check_log_append__mutmut_103": "codec names are case-insensitive",
    "publisher.gitops.rules.x__describe_rewrite__mutmut_72":
        "unreachable: when every old line is in place the new log is the old one without its last newline",
    "publisher.gitops.rules.x__describe_rewrite__mutmut_75":
        "unreachable fallback text (every rewrite is described by an earlier branch)",
    "publisher.gitops.rules.x__describe_rewrite__mutmut_76":
        "unreachable fallback text (every rewrite is described by an earlier branch)",
    "publisher.gitops.rules.x_check_checkpoint_order__mutmut_17":
        "'' or 'XXXX': the checkpoint-name pattern matches neither",
    "publisher.gitops.rules.x_check_checkpoint_order__mutmut_29":
        "'' or 'XXXX': the checkpoint-name pattern matches neither",
    "publisher.gitops.rules.x_check_checkpoint_order__mutmut_19":
        "no published checkpoint: -1 or -2, every size (>= 0) is larger, and the value is shown only in a refusal",
    "publisher.gitops.rules.x_check_blob__mutmut_5": "rsplit('/') and rsplit('/', 1) have the same [-1]",
    "publisher.gitops.rules.x_check_blob__mutmut_8": "rsplit('/', 2) and rsplit('/', 1) have the same [-1]",
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
    stale = [k for k in EQUIVALENT
             if not any(status_by_exit_code[c[k]] == "survived" for _, c in data.values() if k in c)
             and any(k.startswith(m + ".") for m in data)]
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
