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
    "publisher.core.entry.x_sign_entry__mutmut_7": "body dumped and re-loaded: escaping does not change it",
    "publisher.core.merkle.xǁMerkleTreeǁ__init____mutmut_10":
        "len(level) >= 1 only adds an empty top level after the root's, which subtree_root never reads "
        "(it reads levels[height] with 2**height <= size)",
    "publisher.core.merkle.xǁMerkleTreeǁsubtree_root__mutmut_16":
        "1 >> height leaves only the one-leaf shortcut; every other perfect subtree is then recomputed by "
        "the RFC recursion to the same hash (slower, the same root)",
    "publisher.core.note.x_key_id__mutmut_7": "codec names are case-insensitive",
    "publisher.core.note.xǁSignatureǁline__mutmut_6": "codec names are case-insensitive",
    "publisher.core.note.x_sign_note__mutmut_12": "codec names are case-insensitive",
    "publisher.core.verifier.x__guarded__mutmut_17": "Problem's entry_id defaults to \"\", the value removed",
    "publisher.core.verifier.x__guarded__mutmut_18": "Problem's entry_id defaults to \"\", the value removed",
    "publisher.core.verifier.x__operator_entries__mutmut_9":
        "break -> return as the last statement of a generator's loop: the same end of iteration",
    "publisher.core.verifier.x__load_checkpoints__mutmut_21": "codec names are case-insensitive",
    "publisher.core.verifier.x_compromised_keys__mutmut_5":
        "only key.revoke bodies carry compromised_since, and every operator entry's body is an object: .get gives None for the others",
    "publisher.core.verifier.x_compromised_keys__mutmut_9":
        "only key.revoke bodies carry compromised_since, and every operator entry's body is an object: .get gives None for the others",
    "publisher.core.verifier.x__load_checkpoints__mutmut_16":
        "read_text(None) is the locale's encoding: UTF-8 wherever this runs (Python's UTF-8 mode coerces the C/POSIX locale, PEP 538/540)",
    "publisher.core.verifier.x__load_checkpoints__mutmut_18":
        "read_text() is the locale's encoding: UTF-8 wherever this runs (Python's UTF-8 mode coerces the C/POSIX locale, PEP 538/540)",
    "publisher.core.verifier.x_verify__mutmut_82":
        "the cache stores the run's now and never reads it (states are not keyed by it: finish() runs again on every resumed run)",
    "publisher.core.verifier.x_verify__mutmut_128":
        "every source gets the sequential loader: its records equal the parallel one's (test_verifier_loaders_bite); only the speed differs",
    "publisher.core.verifier.x_verify__mutmut_129":
        "every source gets the sequential loader: its records equal the parallel one's (test_verifier_loaders_bite); only the speed differs",
    "publisher.core.verifier.x_verify__mutmut_146":
        'parallel(keys, workers, start=0) is parallel(keys, workers): start defaults to 0',
    "publisher.core.verifier.x_verify__mutmut_148":
        'workers only sets how many processes load entries: the records, in log order, are the same',
    "publisher.core.verifier.x_verify__mutmut_151":
        'workers only sets how many processes load entries: the records, in log order, are the same',
    "publisher.core.verifier.x_verify__mutmut_154":
        'workers only sets how many processes load entries: the records, in log order, are the same',
    "publisher.core.verifier.x_verify__mutmut_156":
        'workers only sets how many processes load entries: the records, in log order, are the same',
    "publisher.core.verifier.x_verify__mutmut_208":
        "size == start never reaches the save: resuming, the checkpoint at start is not in cp_iter; "
        "from 0, only an empty ledger's checkpoint 0 (an empty prefix resumes to the same report)",
    "publisher.core.verifier.x_verify__mutmut_272":
        'a line ending in NUL is the torn line, handled before: a malformed line has no NUL to strip',
    "publisher.core.verifier.x_verify__mutmut_274":
        'a line ending in NUL is the torn line, handled before: a malformed line has no NUL to strip',
    "publisher.core.verifier.x_verify__mutmut_494":
        'sig_ok None makes the registry check the signature itself: the same verdict, slower',
    "publisher.core.verifier.x_verify__mutmut_496":
        'sig_ok omitted (None) makes the registry check the signature itself: the same verdict, slower',
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
    "publisher.core.verifier.x_verify__mutmut_586": "getattr default None is falsy, as False",
    "publisher.core.verifier.x__check_blobs__mutmut_26": "the SHA-256 of a file does not depend on the read size",
    "publisher.core.verifier.x__check_blobs__mutmut_28": "the SHA-256 of a file does not depend on the read size",
    "publisher.core.verifier.x__check_blobs__mutmut_29": "the SHA-256 of a file does not depend on the read size",
    "publisher.workflow.rules.selection.xǁSelectionǁopen_count__mutmut_4":
        "office in self.slots is always true: open_count is only asked for a task's offices, which are the "
        "selection's (tasks.py builds Selection(list(per_office)), TaskInfo.offices = tuple(items))",
    "publisher.workflow.rules.selection.xǁSelectionǁopen_count__mutmut_6":
        "the else branch is unreachable: open_count is only asked for a task's offices, the selection's slots",
    "publisher.workflow.rules.content.x_check_team__mutmut_1":
        "p is only read by zh_where, which tests startswith('corrected'): '' and 'XXXX' give the same lead-in",
    "publisher.workflow.rules.state.xǁTaskInfoǁteam__mutmut_9":
        "int.from_bytes' default byte order is 'big' since Python 3.11",
    "publisher.workflow.rules.target_names.x_check_name__mutmut_8":
        "i comes from Selection.find, so i < len(keys) = len(name_hashes) always holds",
    "publisher.workflow.rules.target_names.x_check_name__mutmut_9":
        "i comes from Selection.find, so i < len(name_hashes) and i <= len(name_hashes) are both always true",
    "publisher.workflow.rules.target_names.x_check_name__mutmut_10":
        "the else branch is unreachable: i < len(name_hashes) always holds",
    "publisher.workflow.rules.target_names.x_check_name__mutmut_28":
        "real is never None here: want != 0 means the name hash was read from a snapshot in task.snapshots, "
        "which snapshot_name reads again",
    "publisher.workflow.rules.target_names.x_check_name__mutmut_30":
        "the fallback text is unreachable (real is never None here, see _28)",
    "publisher.workflow.rules.vocab.x_category_problems__mutmut_5":
        "VOCABULARIES has one entry: joining one name with any separator gives the name",
    "publisher.workflow.rules.vocab.x_category_problems__mutmut_8":
        "VOCABULARIES has one entry: joining one name with any separator gives the name",
    "publisher.workflow.rules.common.xǁEmitterǁerror__mutmut_1":
        "every caller passes the article explicitly (an AST scan of src/publisher finds no .error() call "
        "with fewer than three arguments and no article=)",
    "publisher.workflow.rules.selection.xǁSelectionǁset__mutmut_12":
        "the threshold only decides when the names dict is copied to release memory; its content is the same",
    "publisher.workflow.rules.selection.xǁSelectionǁset__mutmut_13":
        "the threshold only decides when the names dict is copied to release memory; its content is the same",
    "publisher.workflow.rules.selection.xǁSelectionǁset__mutmut_14":
        "the threshold only decides when the names dict is copied to release memory; its content is the same",
    "publisher.workflow.rules.state.xǁTaskInfoǁset_team__mutmut_12":
        "int.to_bytes' default byte order is 'big' since Python 3.11",
    "publisher.workflow.rules.target_names.x__targets__mutmut_4": "validate is only tested for truth: None as False",
    "publisher.workflow.rules.target_names.x__targets__mutmut_5":
        "the name only appears in a DirectoryError, which both callers of _targets catch and drop",
    "publisher.workflow.rules.target_names.x__targets__mutmut_7": "iter_snapshot's record_type defaults to Target",
    "publisher.workflow.rules.snapshots.x_scan_snapshot__mutmut_12": "validate is only tested for truth: None as False",
    "publisher.workflow.rules.snapshots.x_scan_snapshot__mutmut_23":
        "the reason is read only when the count is None; a valid snapshot's reason is never shown",
    "publisher.workflow.rules.target_names.x__targets__mutmut_9":
        "the name only appears in a DirectoryError, which both callers of _targets catch and drop",
    "publisher.workflow.rules.target_names.x__targets__mutmut_11":
        "the name only appears in a DirectoryError, which both callers of _targets catch and drop",
    "publisher.workflow.rules.target_names.xǁSnapshotNamesǁhashes_for__mutmut_5":
        "the emptied arrays are never searched: every path that keeps them returns {} first, "
        "and a successful read replaces both",
    "publisher.workflow.rules.target_names.xǁSnapshotNamesǁhashes_for__mutmut_8":
        "the emptied arrays are never searched: every path that keeps them returns {} first, "
        "and a successful read replaces both",
    "publisher.workflow.rules.target_names.xǁSnapshotNamesǁhashes_for__mutmut_43":
        "the ids asked for are the draw's selected targets, drawn from this very snapshot: bisect never "
        "returns len(keys) for them",
    "publisher.workflow.rules.draws.xǁDrawObserverǁ_commit__mutmut_15":
        "unreachable default: the draw.commit schema requires offices",
    "publisher.workflow.rules.draws.xǁDrawObserverǁ_commit__mutmut_17":
        "unreachable default: the draw.commit schema requires offices",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_95":
        "unreachable default: a lock or reveal listing selected must list teams (draw.lock's second form "
        "forbids selected; draw.reveal requires teams)",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_97":
        "unreachable default: a lock or reveal listing selected must list teams (schemas)",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_127":
        "unreachable default: a lock or reveal reaches here only when state.commits maps its commit to this task, set by _commit together with task.commits[commit]",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_129":
        "unreachable default: a lock or reveal reaches here only when state.commits maps its commit to this task, set by _commit together with task.commits[commit]",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_132":
        "unreachable default: a lock or reveal reaches here only when state.commits maps its commit to this task, set by _commit together with task.commits[commit]",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_146":
        "unreachable default: a lock or reveal reaches here only when state.commits maps its commit to this task, set by _commit together with task.commits[commit]",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_148":
        "unreachable default: a lock or reveal reaches here only when state.commits maps its commit to this task, set by _commit together with task.commits[commit]",
    "publisher.workflow.rules.draws.xǁDrawObserverǁcheck__mutmut_151":
        "unreachable default: a lock or reveal reaches here only when state.commits maps its commit to this task, set by _commit together with task.commits[commit]",
    "publisher.workflow.rules.selection.x_name_hash__mutmut_5": "int.from_bytes' default byte order is 'big' since Python 3.11",
    "publisher.workflow.rules.selection.x_name_hash__mutmut_9": "codec names are case-insensitive",
    "publisher.workflow.rules.selection.x_name_hash__mutmut_13":
        "or 1 vs or 2 differs only for a name whose SHA-256 starts with eight zero bytes (probability 2^-64)",
    "publisher.workflow.rules.selection.xǁSelectionǁadd__mutmut_19":
        "-1 and -2 both mark a new key: only i >= 0 is tested",
    "publisher.workflow.rules.tasks.xǁTaskCheckǁ_origin__mutmut_20":
        "unreachable default: the task schema allows only origin own, upper, delegated, and the two not own are in ORIGIN_ZH",
    "publisher.workflow.rules.tasks.xǁTaskCheckǁ_origin__mutmut_21":
        "unreachable default: the task schema allows only origin own, upper, delegated, and the two not own are in ORIGIN_ZH",
    "publisher.workflow.rules.tasks.xǁTaskCheckǁ_origin__mutmut_22":
        "unreachable default: the task schema allows only origin own, upper, delegated, and the two not own are in ORIGIN_ZH",
    "publisher.workflow.rules.selection.xǁSelectionǁfind__mutmut_11":
        "the name check only tells apart two ids with the same 64-bit target_key (a SHA-256 prefix): no test can find such a pair",
    "publisher.workflow.rules.selection.xǁSelectionǁfind__mutmut_12":
        "the name check only tells apart two ids with the same 64-bit target_key (a SHA-256 prefix): no test can find such a pair",
    "publisher.workflow.rules.plans.x_min_cap__mutmut_8":
        "kind general <=> cap present (the item.list schema requires ratio_cap for general items and forbids it "
        "for key items): 'or' and 'and' skip the same items",
    "publisher.workflow.rules.selection.x_target_key__mutmut_4": "int.from_bytes' default byte order is 'big' since Python 3.11",
    "publisher.workflow.rules.selection.x_target_key__mutmut_8": "codec names are case-insensitive",
    "publisher.workflow.rules.selection.xǁSelectionǁ__init____mutmut_6":
        "the initial empty keys is replaced by add() before any element is read (find on an empty array finds nothing either way)",
    "publisher.workflow.rules.selection.xǁSelectionǁ__init____mutmut_7":
        "the initial empty name_hashes is replaced by add() before any element is read (find on an empty array finds nothing either way)",
    "publisher.workflow.rules.selection.xǁSelectionǁ__init____mutmut_10":
        "the initial empty name_hashes is replaced by add() before any element is read (find on an empty array finds nothing either way)",
    "publisher.workflow.rules.selection.xǁSelectionǁ__init____mutmut_14":
        "the initial empty slots is replaced by add() before any element is read (find on an empty array finds nothing either way)",
    "publisher.workflow.rules.selection.xǁSelectionǁ__init____mutmut_17":
        "_names_peak is raised to len(names) >= 1 by the first add(), before set() reads it",
    "publisher.workflow.rules.common.x_bad_dates__mutmut_1":
        "every caller passes the article explicitly (seven calls in workflow/rules)",
    "publisher.core.rules.base.xǁContextǁaccepted_at__mutmut_11":
        "t <= best replaces the earliest time by an equal one: the same number",
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
    "publisher.site.search_docs.x_cut__mutmut_94": "Python's codec names are case-insensitive: 'UTF-8' is 'utf-8'",
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

# The draw groups (draw.rules, draw): caches, defaults equal to the value removed, arguments
# never read (docs/QUALITY.md, "The draw groups").
EQUIVALENT.update({
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_lock__mutmut_22":
        "eligible() reads time only with a cap table; cap=None here",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_lock__mutmut_23":
        "apply_cap=None is falsy, as False (cap=None: only committed_cap=() depends on it)",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_lock__mutmut_72":
        "teams_cache is a cache: current_teams() recomputes the same teams without it",
    "publisher.draw.rules.state.xǁDrawBookǁtarget_ids__mutmut_1":
        "ids_cache is a cache: without it the ids are read again, the same",
    "publisher.draw.rules.state.xǁDrawBookǁtarget_ids__mutmut_2":
        "ids_cache is a cache: get(None) misses, the ids are read again",
    "publisher.draw.rules.state.xǁDrawBookǁtarget_ids__mutmut_12":
        "cache size bound 4 vs 5 entries: memory only",
    "publisher.draw.rules.state.xǁDrawBookǁtarget_ids__mutmut_13":
        "cache size bound 4 vs 5 entries: memory only",
    "publisher.draw.rules.replace.x_current_teams__mutmut_2":
        "teams_cache is never None once a lock is valid: the mutant only always recomputes (same teams)",
    "publisher.draw.rules.replace.x_current_teams__mutmut_3":
        "teams_cache[1] (a dict) never equals an id: always recomputes, same teams",
    "publisher.draw.rules.replace.x_current_teams__mutmut_6":
        "assert weakened: both hold for every lock_valid draw",
    "publisher.draw.tickets.x_ticket_int__mutmut_4":
        "int.from_bytes defaults to big-endian since Python 3.11",
    "publisher.draw.seed.x_new_secret__mutmut_1":
        "secrets.token_bytes(None) draws the default 32 bytes = SECRET_LEN",
    "publisher.draw.openings.x_parse_openings__mutmut_18": "codec names are case-insensitive",
    "publisher.draw.replace.x_substitute__mutmut_67": "codec names are case-insensitive",
    "publisher.draw.replace.x_substitute__mutmut_71": "codec names are case-insensitive",
    "publisher.draw.replace.x_substitute__mutmut_74":
        "(score, id) pairs of distinct inspectors are never equal: < and <= pick the same",
    "publisher.draw.explain.xǁPopulationǁfrom_commit__mutmut_12":
        "with_root=None is falsy, as False: the scan's root is never read (Population builds its own tree)",
    "publisher.draw.explain.xǁPopulationǁfrom_commit__mutmut_17":
        "with_root omitted (True): the scan also computes a root that Population never reads",
    "publisher.draw.explain.xǁPopulationǁfrom_commit__mutmut_25":
        "with_root=True: the scan also computes a root that Population never reads",
    "publisher.draw.explain.x_verify_explanation__mutmut_242":
        "_verdict reads the exclusion only without a leaf: passing it for a member changes nothing",
    "publisher.draw.commitment.x_check_commit_body__mutmut_12":
        "apply_cap=None is falsy, as False (it is only tested for truth)",
    "publisher.draw.population.x_leaf_data__mutmut_6": "codec names are case-insensitive",
    "publisher.draw.lock.x_compute_result__mutmut_28":
        "with_root=None is falsy, as False: the lock never reads the scan's root",
    "publisher.draw.lock.x_compute_result__mutmut_43":
        "with_root=True: the scan also computes a root the lock never reads",
    "publisher.draw.lock.x_compute_result__mutmut_29":
        "wanted=None yields strata taking nobody too; select() keeps nothing for k = 0 (cut b''): same picks",
    "publisher.draw.lock.x_compute_result__mutmut_44":
        "k >= 0 yields strata taking nobody too; select() keeps nothing for k = 0: same picks",
    "publisher.draw.lock.x_compute_result__mutmut_35":
        "wanted=None and with_root=True: both only cost time (see _29 and _43)",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_reason__mutmut_65":
        "evidence absent: '' and 'XXXX' both name no snapshot entry",
    "publisher.draw.commitment.x_derive__mutmut_51":
        "apply_cap=True only in the builder, whose spec has no cap exclusion: committed_cap is empty",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_reason__mutmut_72":
        "a snapshot entry and a commitment never share a log index: < and <= agree",
    "publisher.draw.commitment.x_build_commit_body__mutmut_53":
        "cap_draws names every cap exclusion (none without a cap table): the default is never used",
    "publisher.draw.commitment.x_build_commit_body__mutmut_55":
        "cap_draws names every cap exclusion (none without a cap table): the default is never used",
    "publisher.draw.sealed.x_check_sealed_lock__mutmut_8":
        "derive_seed's embargo_secrets defaults to ()",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_old_outcome__mutmut_22":
        "getattr default None: 'None or {}' is {} as before",
    "publisher.draw.sealed.x_check_sealed_lock__mutmut_103":
        "the public order reads only each Pick's id (batch key) and region: its stratum is never read",
    "publisher.draw.sealed.x_check_sealed_lock__mutmut_104":
        "the public order reads only each Pick's id (batch key) and region: its ticket is never read",
    "publisher.draw.sealed.x_check_sealed_lock__mutmut_110":
        "the public order reads only each Pick's id (batch key) and region: its stratum is never read",
    "publisher.draw.lock.x_compute_result__mutmut_34":
        "with_root omitted (True): the scan also computes a root the lock never reads",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_reason__mutmut_60":
        "evidence absent: None names no snapshot entry, as '' does",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_reason__mutmut_62":
        "evidence absent: None names no snapshot entry, as '' does",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_old_outcome__mutmut_25":
        "the kernel's Trust always has beacon_chains: the getattr default is never used",
    "publisher.draw.rules.state.xǁDrawBookǁtarget_ids__mutmut_14":
        "ids_cache is a cache: a None entry is read again, the same ids",
    # session 6: the draw.rules survivors of the whole-group run, triaged
    "publisher.draw.rules.state.x__blob_size__mutmut_2":
        "the size of an unsized blob only decides whether its records are kept in the parsed-snapshot "
        "memo (124 bytes fits, 2**62 does not): the records read are the same",
    "publisher.draw.rules.state.x__blob_size__mutmut_3": "3**62 or 2**62: neither fits the memo's budget",
    "publisher.draw.rules.state.x__blob_size__mutmut_4": "2**63 or 2**62: neither fits the memo's budget",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁ_beacon__mutmut_18":
        "a memo entry of None reads as a miss: the beacon is fetched and verified again, the same",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁon_commit__mutmut_6":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁon_commit__mutmut_9":
        "the kernel's Trust always has beacon_chains: getattr without a default never raises",
    "publisher.draw.rules.commit.xǁCommitCheckǁon_commit__mutmut_6":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.commit.xǁCommitCheckǁon_commit__mutmut_9":
        "the kernel's Trust always has beacon_chains: getattr without a default never raises",
    "publisher.draw.rules.sealed.x_portal_sealed__mutmut_7":
        "the kernel's Trust always has raw (a dataclass field): getattr without a default never raises",
    "publisher.draw.rules.population.xǁPopulationCheckǁon_commit__mutmut_65":
        "the only snapshot with s.index == snap.index is snap itself, whose blob is blob: excluded by "
        "the second condition either way",
    "publisher.draw.rules.population.xǁPopulationCheckǁon_snapshot__mutmut_3":
        "Snapshot.office is never read: the snapshots are kept per office under the dict key",
    "publisher.draw.rules.rule.x_zh_first__mutmut_1":
        "comparing the first two characters or the first with one character gives the same order "
        "(a one-character prefix equal to U+2E80 is >= either way)",
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_21":
        "secrets and seed are set together (check_result, the sealed lock, the opened escrows): one is "
        "None exactly when the other is",
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_22":
        "secrets and seed are set together, and only once the lock is valid (lock_valid is never reset): "
        "a lock that is not valid has both None",
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_56":
        "for a target not drawn replacement_findings reports only 'not selected', whatever substitute "
        "was drawn (and drawing one for it does not fail)",
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_96":
        "rec_out is None only when 'out' is no inspector; the allowed offices are then {lead} and "
        "{lead, None}: no office is None",
    "publisher.draw.rules.lock.xǁCapCheckǁon_result__mutmut_4":
        "a result's schema requires task: the default is never used",
    "publisher.draw.rules.lock.xǁCapCheckǁon_result__mutmut_6":
        "a result's schema requires task: get() without a default is the same",
    "publisher.draw.rules.lock.xǁCapCheckǁon_result__mutmut_9":
        "a result's schema requires task: the default is never used",
    "publisher.draw.rules.lock.xǁCapCheckǁon_result__mutmut_26":
        "CapTable.add is idempotent for the same (year, target, draw): a target left pending is "
        "counted once however many results name it",
    "publisher.draw.outcomes.x_outcome_key__mutmut_3":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_4":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_5":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_6":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_8":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_9":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_10":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.x_outcome_key__mutmut_11":
        "outcome_key's member names only label the inputs of a key that never leaves the process: any distinct names give keys equal exactly when the inputs are",
    "publisher.draw.outcomes.xǁKnownOutcomesǁremember__mutmut_4":
        'popitem(last=None): None is falsy, as False (the oldest goes)',
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_52":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_75":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.state.xǁDrawBookǁ__init____mutmut_12":
        'teams_cache is read only by current_teams, for a draw whose valid lock has already set it',
    "publisher.draw.rules.state.xǁDrawBookǁ__init____mutmut_15":
        'DrawRule sets book.sealed right after it creates the book; no check reads it before',
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_commit__mutmut_112":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_commit__mutmut_115":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_twins__mutmut_16":
        'only commitments with a round time are grouped (the loop above), and a round time is a Unix time > 1: the `or` default never applies',
    "publisher.draw.rules.history.xǁHistoryCheckǁ_twins__mutmut_29":
        'only commitments with a round time are grouped (the loop above), and a round time is a Unix time > 1: the `or` default never applies',
    "publisher.draw.rules.history.xǁHistoryCheckǁ_twins__mutmut_31":
        'only commitments with a round time are grouped (the loop above), and a round time is a Unix time > 1: the `or` default never applies',
    "publisher.draw.rules.history.xǁHistoryCheckǁ_twins__mutmut_52":
        "a group holds other tasks only (b.task != a.task): one task means a group of one, which 'len(locked) < len(group)' with a lock already refuses",
    "publisher.draw.rules.lock.x_check_result__mutmut_54":
        "teams_cache is a cache: current_teams() recomputes the same teams without it",
    "publisher.draw.rules.rule.xǁDrawRuleǁ_problems__mutmut_3":
        'None is falsy as "" is: the verifier fills in the entry\'s file',
    "publisher.draw.rules.rule.xǁDrawRuleǁ_problems__mutmut_4":
        'None is falsy as "" is: the verifier fills in the entry\'s id',
    "publisher.draw.rules.rule.xǁDrawRuleǁcheck__mutmut_12":
        'PopulationCheck.on_snapshot only records the snapshot: it has no finding to name',
    "publisher.draw.rules.rule.xǁDrawRuleǁcheck__mutmut_25":
        'CapCheck.on_result only counts the result: it has no finding to name',
    "publisher.draw.rules.rule.xǁDrawRuleǁcheck__mutmut_30":
        'CapCheck.on_result does not read ctx',
    "publisher.draw.rules.rule.xǁDrawRuleǁcheck__mutmut_56":
        'for a type no check takes, check is None and the method name is never used',
    "publisher.draw.rules.rule.xǁDrawRuleǁ_on_commit__mutmut_6":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.rule.xǁDrawRuleǁ_on_commit__mutmut_9":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.rule.xǁDrawRuleǁ_on_commit__mutmut_109":
        'every finding of SealedCheck.on_commit carries its rule (draw.sealed, draw.commit, draw.cap)',
    "publisher.draw.rules.rule.xǁDrawRuleǁ_on_commit__mutmut_123":
        'every escrow finding carries its rule (draw.embargo)',
    "publisher.draw.rules.rule.xǁDrawRuleǁ_on_commit__mutmut_129":
        'EmbargoCheck.on_commit does not read the book',
    "publisher.draw.rules.rule.xǁDrawRuleǁfinish__mutmut_18":
        "every finding of EmbargoCheck.finish carries rule draw.embargo, the embargo check's rule",
    "publisher.draw.rules.rule.xǁDrawRuleǁfinish__mutmut_19":
        "the embargo check's messages start in Chinese: zh_first keeps them whatever the rule",
    "publisher.draw.rules.rule.xǁDrawRuleǁfinish__mutmut_23":
        "the embargo check's messages start in Chinese: zh_first keeps them whatever the rule",
    "publisher.draw.rules.rule.xǁDrawRuleǁfinish__mutmut_76":
        "every finding of HistoryCheck.finish carries rule draw.history, the history check's rule",
    "publisher.draw.rules.rule.xǁDrawRuleǁfinish__mutmut_77":
        "the history check's messages start in Chinese: zh_first keeps them whatever the rule",
    "publisher.draw.rules.rule.xǁDrawRuleǁfinish__mutmut_81":
        "the history check's messages start in Chinese: zh_first keeps them whatever the rule",
    "publisher.draw.rules.lock.xǁLockCheckǁ_beacon__mutmut_9":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.lock.xǁLockCheckǁ_beacon__mutmut_12":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_18":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_21":
        "the kernel's Trust always has beacon_chains (a dataclass field): the getattr default is never used",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_46":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_69":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_123":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_128":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_58":
        'c.lock is set for every draw this loop reaches (lock_valid): the default is never used',
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_85":
        'c.lock is set for every draw this loop reaches (lock_valid): the default is never used',
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_134":
        'c.lock is set for every draw this loop reaches (lock_valid): the default is never used',
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_8":
        'priv.lock_body is set only by an embargoed lock of a valid commitment, together with lock_valid',
    "publisher.draw.rules.embargo.xǁEmbargoCheckǁfinish__mutmut_9":
        'priv.lock_body is set only by an embargoed lock of a valid commitment, together with lock_valid',
    "publisher.draw.rules.history.xǁHistoryCheckǁfinish__mutmut_49":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.history.xǁHistoryCheckǁfinish__mutmut_55":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_twins__mutmut_79":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.history.xǁHistoryCheckǁ_twins__mutmut_83":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_commit__mutmut_8":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_commit__mutmut_11":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_commit__mutmut_39":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.sealed.xǁSealedCheckǁon_commit__mutmut_42":
        "the dispatcher names a finding without a rule by its check's rule, which is this same RULE",
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_72":
        'every drawn target has its region in result.regions: the default is never used',
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_74":
        'every drawn target has its region in result.regions: the default is never used',
    "publisher.draw.rules.replace.xǁReplaceCheckǁon_replace__mutmut_75":
        'every drawn target has its region in result.regions: the default is never used',
})












def _read_codes(meta: Path) -> dict[str, int | None]:
    """A meta file's verdicts; retried, since a running mutmut rewrites it in place."""
    import time

    for attempt in range(20):
        try:
            return json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        except json.JSONDecodeError:
            if attempt == 19:
                raise
            time.sleep(0.2)
    return {}


def load() -> dict[str, tuple[Path, dict[str, int | None]]]:
    """module -> (its group's work directory, verdict per mutant)."""
    out: dict[str, tuple[Path, dict[str, int | None]]] = {}
    for meta in sorted(MUTANTS.glob("*/mutants/src/**/*.py.meta")):
        src = meta.parents[len(meta.relative_to(MUTANTS).parts) - 4]  # mutants/<group>/mutants/src
        module = ".".join(meta.relative_to(src).with_suffix("").with_suffix("").parts)
        codes = _read_codes(meta)
        if codes:
            out[module] = (src.parents[1], codes)
    return out


def group_table(data) -> None:
    """One row per module group (work directory): the summary docs/QUALITY.md quotes."""
    by: dict[str, list[int]] = {}
    for _module, (workdir, codes) in sorted(data.items()):
        row = by.setdefault(workdir.name, [0] * 7)
        for k, c in codes.items():
            st = status_by_exit_code[c]
            row[0] += 1
            if st in DETECTED:
                row[1] += 1
                row[2] += st == "timeout"
            elif st == "survived":
                row[4 if k in EQUIVALENT else 3] += 1
            elif st == "no tests":
                row[5] += 1
            elif st == "not checked":
                row[6] += 1
    print("| group | mutants | killed | of which timeout | survived | equivalent | no test | not run | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for g, (n, k, t, sv, eq, nt, nr) in sorted(by.items()):
        score = f"{100.0 * k / (k + sv):.1f}%" if k + sv else "–"
        print(f"| `{g}` | {n:,} | {k:,} | {t} | {sv} | {eq} | {nt} | {nr:,} | {score} |")


def main() -> int:
    if not MUTANTS.is_dir():
        print("no mutants/ directory: run `make mutate` first", file=sys.stderr)
        return 1
    data = load()
    if "--groups" in sys.argv[1:]:
        group_table(data)
        return 0
    rows, survivors = [], []  # survivors: (mutant name, source path)
    tk = ts = tn = te = tr = 0
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
        untested = sum(1 for s in status.values() if s == "no tests")
        not_run = sum(1 for s in status.values() if s == "not checked")  # no verdict yet
        total = len(codes)
        tk, ts, tn, te, tr = tk + killed, ts + len(survived), tn + untested, te + len(equivalent), tr + not_run
        done = killed + len(survived)
        score = f"{100.0 * killed / done:.1f}%" if done else "–"
        rows.append(f"| `{module}` | {total} | {killed} | {timeouts} | {len(survived)} | {len(equivalent)} | {untested} "
                    f"| {not_run} | {score} |")
        source = "src/" + "/".join(module.split(".")) + ".py"
        survivors += [(name, source, workdir) for name in survived]
    print("| module | mutants | killed | of which timeout | survived | equivalent | no test | not run | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    done = tk + ts
    print(f"| **all** | {sum(len(c) for _, c in data.values())} | {tk} | | {ts} | {te} | {tn} | {tr} | "
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
