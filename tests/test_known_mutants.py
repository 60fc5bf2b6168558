"""Known mutants stay dead: each one-line bug that once survived the whole suite (issue 17) is
applied to a temporary copy of ``src/`` and the tests written for it must fail.

The mutated line is found by a regular expression, not by line number, so the proof survives
refactors; when a line can no longer be found the test fails and names it — update the pattern
(or retire the mutant with a reason) rather than let the proof silently vanish.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # relative to src/publisher
    line: str  # regex that must match exactly one line of the file
    old: str  # text within that line ...
    new: str  # ... replaced by this
    tests: tuple[str, ...]  # pytest node ids that must fail under the mutant


TEAMS = "tests/draw/test_teams_bite.py"
DRAW = "tests/draw/rules/test_draw_rule_bite.py"
GITOPS = "tests/gitops/test_rules_bite.py"
VERIFIER = "tests/core/test_verifier_bite.py"
STATS = "tests/site/test_stats_exact.py"

MUTANTS = [
    Mutant("teams-load-cap-le", "draw/teams.py", r"if cap is None or old \+ 1 < cap:", "old + 1 < cap",
           "old + 1 <= cap", (TEAMS,)),
    Mutant("teams-feasibility-no-m-1", "draw/teams.py", r"elif cap is not None and cap \* \(p - c - \(m - 1\)\)",
           "cap * (p - c - (m - 1))", "cap * (p - c)", (TEAMS,)),
    # draw v2 (issue 9): the lock's round check lives in draw/rules/lock.py; a commitment not
    # provably public before its round makes the draw void (a 'draw void: ...' warning), decided
    # by draw/rules/commit.py (CommitCheck at the commit, void_reason shared with the lock)
    Mutant("draw-lock-round-check-off", "draw/rules/lock.py", r'if b\["round"\] != c\.round:',
           'b["round"] != c.round', "False", (f"{DRAW}::test_lock_from_a_later_genuine_round_is_refused",)),
    Mutant("draw-commit-acc-gt", "draw/rules/commit.py",
           r"if c\.round_time is not None and acc is not None and acc >= c\.round_time:",
           "acc >= c.round_time", "acc > c.round_time",
           (f"{DRAW}::test_checkpoint_signed_when_the_round_is_due_proves_nothing",)),
    Mutant("draw-lock-acc-gt", "draw/rules/commit.py", r"^    if acc >= round_time:",
           "acc >= round_time", "acc > round_time",
           (f"{DRAW}::test_checkpoint_signed_when_the_round_is_due_proves_nothing",)),
    Mutant("gitops-log-line-seq-0", "gitops/rules.py", r"^LOG_LINE_RE = re\.compile", "[1-9][0-9]{0,9}",
           "[0-9]{1,10}", (GITOPS,)),
    Mutant("gitops-log-any-change-kind", "gitops/rules.py", r'if kind == "log" and ch\.status == "M":',
           ' and ch.status == "M"', "", (GITOPS,)),
    Mutant("verifier-future-tolerance-off", "core/verifier.py",
           r"future = acc is not None and t > acc \+ FUTURE_TOLERANCE$",
           "acc is not None and t > acc + FUTURE_TOLERANCE", "False", (VERIFIER,)),
    Mutant("verifier-head-time-off", "core/verifier.py", r"if head_time and entry\.time < head_time:",
           "head_time and entry.time < head_time", "False", (VERIFIER,)),
    Mutant("verifier-log-line-seq-0", "core/verifier.py", r"^LOG_LINE_RE = re\.compile", "[1-9][0-9]{0,9}",
           "[0-9]{1,10}", (VERIFIER,)),
    Mutant("verifier-log-line-no-end-anchor", "core/verifier.py", r"^LOG_LINE_RE = re\.compile", '{64})$")',
           '{64})")', (VERIFIER,)),
    Mutant("stats-late-as-on-time", "site/stats.py", r"sum\(lateness='late'\) AS late", "lateness='late'",
           "lateness='on_time'", (f"{STATS}::test_office_quarter_exact",)),
    Mutant("stats-quarter-m-div-3", "site/stats.py", r"\(d\.month - 1\) // 3 \+ 1", "(d.month - 1) // 3 + 1",
           "d.month // 3 + 1",
           (f"{STATS}::test_office_quarter_exact",)),
]


def mutate(source: str, m: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    found = [i for i, text in enumerate(lines) if re.search(m.line, text)]
    if len(found) != 1:
        pytest.fail(f"known mutant {m.name}: the line /{m.line}/ of src/publisher/{m.file} was found "
                    f"{len(found)} times (expected once); the code moved — update the pattern in "
                    "tests/test_known_mutants.py")
    i = found[0]
    if m.old not in lines[i]:
        pytest.fail(f"known mutant {m.name}: {m.old!r} is not in line {i + 1} of src/publisher/{m.file}: "
                    f"{lines[i].strip()!r}")
    lines[i] = lines[i].replace(m.old, m.new, 1)
    return "".join(lines)


def test_every_pattern_still_finds_its_line():
    """Cheap and always on: the mutants below still apply to today's code."""
    for m in MUTANTS:
        src = (SRC / "publisher" / m.file).read_text("utf-8")
        assert mutate(src, m) != src, m.name
        for t in m.tests:
            assert (REPO / t.split("::")[0]).is_file(), (m.name, t)


@pytest.mark.slow
@pytest.mark.parametrize("m", MUTANTS, ids=lambda m: m.name)
def test_known_mutant_is_killed(m, tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    target = copy / "publisher" / m.file
    target.write_text(mutate(target.read_text("utf-8"), m), "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), os.environ.get("PYTHONPATH", "")]),
           "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run([sys.executable, "-c", "import publisher; print(publisher.__file__)"],
                           env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(copy), f"the mutated copy is not the one imported: {where}"
    run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-rf", "-p", "no:cacheprovider", *m.tests],
                         env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    tail = "\n".join((run.stdout + run.stderr).splitlines()[-15:])
    assert run.returncode == 1 and "FAILED" in run.stdout, (
        f"known mutant {m.name} ({m.old!r} -> {m.new!r} in src/publisher/{m.file}) survived "
        f"{' '.join(m.tests)} (exit {run.returncode}):\n{tail}")
