"""The CI definitions: they parse, have the right shape, and their shell steps work.

GitHub Actions and GitLab CI cannot run here. What can: every `run:`/`script:` line of the
check and publish jobs, executed with bash against a real bare "server" repository, with the
`${{ … }}` expressions and CI variables supplied the way the platforms document them. Skipped
lines: `pip install -e .` (the package is already installed) and `publisher build` (the site
builder has its own tests); `uses:` actions (checkout, setup-python, pages) are not run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gitops_helpers import Portal, det_key, portal  # noqa: F401  (portal is a fixture)

REPO = Path(__file__).resolve().parents[2]
GITHUB = REPO / ".github" / "workflows" / "portal.yml"
GITLAB = REPO / ".gitlab-ci.yml"
BASE_EXPR = ("github.event_name == 'pull_request' && github.event.pull_request.base.sha "
             "|| github.event.before || inputs.base")


def _github() -> dict:
    return yaml.safe_load(GITHUB.read_text("utf-8"))


def _gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text("utf-8"))


def _uses(job: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]


def _runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def test_github_workflow_structure():
    wf = _github()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert on["push"]["branches"] == ["main"] and on["pull_request"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    check, publish, deploy = (wf["jobs"][j] for j in ("check", "publish", "deploy"))
    for job in (check, publish):
        assert _uses(job)[:2] == ["actions/checkout", "actions/setup-python"]
        assert job["steps"][0]["with"]["fetch-depth"] == 0
        assert job["steps"][1]["with"]["python-version"] == "3.11"
        assert "pip install -e ." in _runs(job)
    step = next(s for s in check["steps"] if "check-push" in s.get("run", ""))
    assert step["env"] == {"BASE": "${{ " + BASE_EXPR + " }}", "HEAD_SHA": "${{ github.sha }}"}
    assert "publisher verify" in _runs(check)
    assert publish["needs"] == "check" and "refs/heads/main" in publish["if"]
    assert publish["permissions"] == {"contents": "write"}
    assert publish["concurrency"]["cancel-in-progress"] is False
    runs = _runs(publish)
    assert "$RUNNER_TEMP" in runs and "publisher checkpoint --log-key log" in runs
    assert 'publisher submit --message "[skip ci] checkpoint"' in runs
    assert "publisher build --output output" in runs
    sign = next(s for s in publish["steps"] if "checkpoint --log-key" in s.get("run", ""))
    assert sign["env"] == {"LOG_KEY_PEM": "${{ secrets.PORTAL_LOG_KEY_PEM }}",
                           "PUBLISHER_KEY_PASSPHRASE": "${{ secrets.PORTAL_LOG_KEY_PASSPHRASE }}"}
    upload = next(s for s in publish["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "output"
    assert deploy["needs"] == "publish" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages" and _uses(deploy) == ["actions/deploy-pages"]


def test_gitlab_ci_structure():
    ci = _gitlab()
    assert ci["stages"] == ["check", "build", "deploy"]
    assert ci["variables"]["GIT_DEPTH"] == "0" and ci["default"]["image"].startswith("python:3.11")
    check, build, pages = ci["check"], ci["build"], ci["pages"]
    assert (check["stage"], build["stage"], pages["stage"]) == ("check", "build", "deploy")
    script = "\n".join(check["script"])
    assert "CI_COMMIT_BEFORE_SHA" in script and 'publisher check-push "$BASE" "$CI_COMMIT_SHA"' in script
    assert "publisher verify" in script
    script = "\n".join(build["script"])
    assert "publisher checkpoint --log-key log" in script and "publisher build --output public" in script
    assert '--message "[skip ci] checkpoint"' in script
    assert build["artifacts"]["paths"] == ["public"] and build["resource_group"]
    assert pages["artifacts"]["paths"] == ["public"] and pages["needs"] == ["build"]


# -- running the steps -----------------------------------------------------------------------------

def _bash(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def _skip(line: str) -> bool:
    return line.strip().startswith("pip install") or "publisher build" in line


def _ci_env(portal: Portal, extra: dict) -> dict:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {k: v for k, v in portal.env.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    return {**env, "PATH": path, **extra}


def _github_job(portal: Portal, job: str, cwd: Path, exprs: dict, env: dict) -> list[subprocess.CompletedProcess]:
    """Run a job's `run:` steps in order, stopping at the first failure (as Actions does)."""
    results = []
    for step in _github()["jobs"][job]["steps"]:
        if "run" not in step or _skip(step["run"]):
            continue
        step_env = dict(env)
        for k, v in (step.get("env") or {}).items():
            step_env[k] = re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: exprs[m.group(1)], str(v))
        r = _bash(step["run"], cwd, _ci_env(portal, step_env))
        results.append(r)
        if r.returncode != 0:
            break
    return results


def test_github_steps_check_sign_and_publish(portal, tmp_path):
    ci = portal.clone("ci")  # what actions/checkout leaves: the pushed commit on branch main
    clerk = portal.clone("clerk")
    before = portal.head()
    portal.append(clerk, "scjgj", "经 CI 发布")
    assert portal.publisher(clerk, "submit").returncode == 0
    portal.git(ci, "pull", "-q", "--ff-only")
    sha = portal.head()
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    exprs = {BASE_EXPR: before, "github.sha": sha,
             "secrets.PORTAL_LOG_KEY_PEM": det_key("log").to_encrypted_pem(b"s3cret").decode(),
             "secrets.PORTAL_LOG_KEY_PASSPHRASE": "s3cret"}
    env = {"RUNNER_TEMP": str(runner_temp), "GITHUB_SHA": sha}
    for r in _github_job(portal, "check", ci, exprs, env):
        assert r.returncode == 0, r.stdout + r.stderr
    results = _github_job(portal, "publish", ci, exprs, env)
    assert all(r.returncode == 0 for r in results), [r.stdout + r.stderr for r in results]
    assert portal.git(portal.remote, "log", "-1", "--format=%s", "main").strip() == "[skip ci] checkpoint"
    report = portal.verify_remote()
    assert report.ok and [c.size for c in report.checkpoints] == [10]
    assert not list(runner_temp.rglob("*.pem")), "the decrypted-key directory must be removed"
    assert "PRIVATE" not in portal.git(portal.remote, "log", "-p", "main")
    # a tampering push makes the check job fail
    portal.git(clerk, "pull", "-q", "--rebase")
    p = clerk / "ledger" / "entries" / "scjgj" / "00000001.json"
    p.write_bytes(p.read_bytes().replace("第一号".encode(), "第三号".encode()))
    portal.commit_all(clerk, "tamper")
    portal.git(clerk, "push", "-q", "origin", "main")
    portal.git(ci, "pull", "-q", "--ff-only")
    exprs.update({BASE_EXPR: portal.head(clerk) + "~1", "github.sha": portal.head(clerk)})
    results = _github_job(portal, "check", ci, exprs, env)
    assert results[-1].returncode == 1
    assert "REFUSED ledger/entries/scjgj/00000001.json: immutable" in results[-1].stderr


def test_gitlab_scripts_check_sign_and_publish(portal, tmp_path):
    ci = portal.clone("ci")
    clerk = portal.clone("clerk")
    before = portal.head()
    portal.append(clerk, "wjj", "经 GitLab 发布")
    assert portal.publisher(clerk, "submit").returncode == 0
    portal.git(ci, "fetch", "-q", "origin")
    sha = portal.head()
    portal.git(ci, "checkout", "-q", "--detach", sha)  # GitLab runners check out a detached HEAD
    keyfile = tmp_path / "file-variable-log-key"
    keyfile.write_bytes(det_key("log").to_encrypted_pem(b"gl-secret"))
    env = _ci_env(portal, {
        "CI_COMMIT_BEFORE_SHA": before, "CI_COMMIT_SHA": sha, "CI_DEFAULT_BRANCH": "main",
        "CI_SERVER_HOST": "gitlab.example", "CI_SERVER_URL": "https://gitlab.example",
        "CI_PROJECT_PATH": "county/portal", "PORTAL_PUSH_TOKEN": "glpat-test",
        "PORTAL_LOG_KEY_PEM": str(keyfile), "PORTAL_LOG_KEY_PASSPHRASE": "gl-secret",
        "PORTAL_PUSH_URL": str(portal.remote)})
    ci_def = _gitlab()
    for job in ("check", "build"):
        script = "\n".join(line for line in ci_def[job]["script"] if not _skip(line))
        r = _bash(script, ci, env)
        assert r.returncode == 0, (job, r.stdout, r.stderr)
    assert portal.git(portal.remote, "log", "-1", "--format=%s", "main").strip() == "[skip ci] checkpoint"
    report = portal.verify_remote()
    assert report.ok and [c.size for c in report.checkpoints] == [10]
    # the push URL GitLab would use (token in it) is built as documented
    url = _bash('printf "%s" "$CI_SERVER_URL" | sed "s#://#://oauth2:${PORTAL_PUSH_TOKEN}@#"', ci, env).stdout
    assert url == "https://oauth2:glpat-test@gitlab.example"


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_ci_files_hold_no_secret_values(path):
    text = path.read_text("utf-8")
    assert "PRIVATE" not in text and "glpat-" not in text
