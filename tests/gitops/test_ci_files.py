"""The CI definitions: they parse, have the right shape, and their shell steps work.

GitHub Actions and GitLab CI cannot run here. What can: every `run:`/`script:` line of the
check and sign jobs, executed in order with bash against a real bare "server" repository, with
the `${{ … }}` expressions, `$GITHUB_ENV`, `working-directory` and CI variables supplied the way
the platforms document them. The "install the pinned gate" step is replaced by pointing
``$PUBLISHER`` at this test's installed package (the pinned gate); `publisher build` (the site
builder has its own tests) and `uses:` actions are not run.

The attack tests push code into the portal (a shadow ``publisher`` package, ``sitecustomize.py``,
a patched ``src/publisher/gitops/rules.py``) that would leave a marker file if anything imported
it; the marker never appears, and the gate refuses the push.
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
PUBLISHER = str(Path(sys.executable).parent / "publisher")
REVIEWED_EXPR = "github.event_name == 'workflow_dispatch' && inputs.reviewed_code && 'yes' || 'no'"
CHECKPOINTED = "portal-checkpointed"


def _github() -> dict:
    return yaml.safe_load(GITHUB.read_text("utf-8"))


def _gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text("utf-8"))


def _uses(job: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]


def _runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def _flat(script: list) -> list[str]:
    """GitLab `*anchor` references inside `script:` load as nested lists; GitLab flattens them."""
    out: list[str] = []
    for line in script:
        out += _flat(line) if isinstance(line, list) else [line]
    return out


# -- structure --------------------------------------------------------------------------------------

def test_github_gate_is_pinned_outside_the_pushed_tree():
    wf = _github()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert on["push"]["branches"] == ["main"] and on["pull_request"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    jobs = wf["jobs"]
    for name in ("check", "publish", "build"):
        job = jobs[name]
        gate = [s for s in job["steps"] if s.get("with", {}).get("path") == "gate"]
        assert len(gate) == 1 and gate[0]["with"]["ref"] == "${{ vars.PORTAL_GATE_COMMIT }}", name
        assert gate[0]["with"]["repository"] == "${{ vars.PORTAL_GATE_REPOSITORY }}"
        runs = _runs(job)
        # the gate is installed from its pinned checkout; nothing installs or imports the pushed tree
        assert '"$RUNNER_TEMP/gate/bin/pip" install --quiet ./gate' in runs, name
        assert "pip install -e" not in runs and "pip install ." not in runs and "python -m publisher" not in runs
        assert not re.search(r"(^|[\s;])publisher ", runs), f"{name}: every call goes through $PUBLISHER"
    check, publish, build, deploy = (jobs[j] for j in ("check", "publish", "build", "deploy"))
    assert check["steps"][0]["with"]["fetch-depth"] == 0 and check["steps"][0]["with"]["path"] == "portal"
    assert '"$PUBLISHER" check-push --since refs/remotes/origin/portal-checkpointed "$HEAD_SHA"' in _runs(check)
    assert "github.event.before" not in GITHUB.read_text("utf-8"), "never diff against the previous push"
    # secrets only in the protected signer job, which re-checks with the pinned gate before signing
    for name, job in jobs.items():
        text = yaml.safe_dump(job)
        assert ("secrets." in text) == (name == "publish"), name
    assert publish["environment"] == "portal-signer" and publish["needs"] == "check"
    assert publish["permissions"] == {"contents": "write"} and "refs/heads/main" in publish["if"]
    names = [s.get("name", s.get("uses", "")) for s in publish["steps"]]
    assert names.index("Check again, here, what is about to be signed") < names.index("Sign a checkpoint of the verified log")
    sign = next(s for s in publish["steps"] if s.get("id") == "sign")
    assert 'git push --quiet origin "$HEAD_SHA:refs/heads/portal-checkpointed"' in sign["run"]
    assert "--force" not in sign["run"] and "+$HEAD_SHA" not in sign["run"]
    assert build["needs"] == "publish" and "permissions" not in build
    assert '"$PUBLISHER" build --output ../output' in _runs(build)
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_gitlab_gate_is_pinned_outside_the_pushed_tree():
    ci = _gitlab()
    assert ci["stages"] == ["check", "sign", "build", "deploy"]
    assert ci["variables"]["GIT_DEPTH"] == "0" and ci["default"]["image"].startswith("python:3.11")
    for name in ("check", "sign", "build"):
        script = "\n".join(_flat(ci[name]["script"]))
        assert 'pip install --quiet "git+${PORTAL_GATE_REPOSITORY}@${PORTAL_GATE_COMMIT}"' in script, name
        assert "pip install -e" not in script and "pip install ." not in script
        assert not re.search(r"(^|[\s;])publisher ", script), f"{name}: every call goes through $PUBLISHER"
    assert "CI_COMMIT_BEFORE_SHA" not in GITLAB.read_text("utf-8"), "never diff against the previous push"
    for name in ("check", "build", "pages"):
        assert "PORTAL_LOG_KEY" not in yaml.safe_dump(ci[name]), name
    assert ci["sign"]["environment"]["name"] == "portal-signer" and ci["sign"]["resource_group"]
    assert ci["build"]["needs"] == ["sign"] and ci["pages"]["needs"] == ["build"]


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_ci_files_hold_no_secret_values(path):
    text = path.read_text("utf-8")
    assert "PRIVATE" not in text and "glpat-" not in text


# -- running the steps ---------------------------------------------------------------------------

def _bash(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _ci_env(portal: Portal, extra: dict) -> dict:
    # PATH without the test's venv: a step that called a bare `publisher` would fail here
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if Path(p).resolve() != Path(sys.executable).parent.resolve())
    env = {k: v for k, v in portal.env.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    env.pop("PYTHONPATH", None)
    return {**env, "PATH": path, **extra}


class Runner:
    """The GitHub workspace of one workflow run: ``portal/`` = the pushed commit (as
    actions/checkout leaves it, all branches fetched), the pinned gate behind $PUBLISHER."""

    def __init__(self, portal: Portal, tmp: Path, sha: str, exprs: dict):
        self.portal, self.sha = portal, sha
        self.ws = tmp / f"ws-{sha[:8]}-{len(list(tmp.iterdir()))}"
        self.ws.mkdir()
        portal.git(tmp, "clone", "-q", str(portal.remote), str(self.ws / "portal"))
        portal.git(self.ws / "portal", "checkout", "-q", "-B", "main", sha)
        self.temp = self.ws / "runner-temp"
        self.temp.mkdir()
        self.exprs = {"github.sha": sha, REVIEWED_EXPR: "no", **exprs}

    def job(self, name: str) -> list[subprocess.CompletedProcess]:
        """Run a job's `run:` steps in order, stopping at the first failure (as Actions does)."""
        genv = self.temp / "github-env"
        genv.write_text("")
        out = self.temp / "github-output"
        results = []
        for step in _github()["jobs"][name]["steps"]:
            if "run" not in step:
                continue
            env = {"RUNNER_TEMP": str(self.temp), "GITHUB_ENV": str(genv), "GITHUB_OUTPUT": str(out),
                   "GITHUB_SHA": self.sha, "GITHUB_WORKSPACE": str(self.ws)}
            for line in genv.read_text().splitlines():
                k, _, v = line.partition("=")
                env[k] = v
            for k, v in (step.get("env") or {}).items():
                env[k] = re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: self.exprs[m.group(1)], str(v))
            script = step["run"]
            if "./gate" in script:  # the pinned gate is this test's installed package
                script = f'echo "PUBLISHER={PUBLISHER}" >> "$GITHUB_ENV"'
            if '" build --output' in script:
                continue
            cwd = self.ws / step.get("working-directory", ".")
            r = _bash(script, cwd, _ci_env(self.portal, env))
            results.append(r)
            if r.returncode != 0:
                break
        return results


@pytest.fixture(autouse=True)
def _clerks_clock_is_now(portal):
    """Checkpoints are signed with the real clock, so new entries carry real times too."""
    import time

    portal.clock = int(time.time()) - 600


def _exprs() -> dict:
    return {"secrets.PORTAL_LOG_KEY_PEM": det_key("log").to_encrypted_pem(b"s3cret").decode(),
            "secrets.PORTAL_LOG_KEY_PASSPHRASE": "s3cret"}


def _ok(results):
    assert results and all(r.returncode == 0 for r in results), [r.stdout + r.stderr for r in results]


def _publish_run(portal: Portal, tmp: Path, sha: str | None = None) -> Runner:
    run = Runner(portal, tmp, sha or portal.head(), _exprs())
    _ok(run.job("check"))
    _ok(run.job("publish"))
    return run


def _refs(portal: Portal, ref: str) -> str:
    return portal.git(portal.remote, "rev-parse", ref).strip()


def test_github_steps_check_sign_and_publish(portal, tmp_path):
    clerk = portal.clone("clerk")
    portal.append(clerk, "scjgj", "经 CI 发布")
    assert portal.publisher(clerk, "submit").returncode == 0
    sha = portal.head()
    run = _publish_run(portal, tmp_path)
    assert portal.git(portal.remote, "log", "-1", "--format=%s", "main").strip() == "[skip ci] checkpoint"
    assert _refs(portal, CHECKPOINTED) == sha, "the signer moves the checkpointed ref to what it checked"
    report = portal.verify_remote()
    assert report.ok and [c.size for c in report.checkpoints] == [10]
    assert not list(run.temp.rglob("*.pem")), "the decrypted-key directory must be removed"
    assert "PRIVATE" not in portal.git(portal.remote, "log", "-p", "main")
    # the next honest push is checked from the checkpointed commit and signed too
    portal.git(clerk, "pull", "-q", "--rebase")
    portal.append(clerk, "wjj", "第二次")
    assert portal.publisher(clerk, "submit").returncode == 0
    sha2 = portal.head()
    _publish_run(portal, tmp_path, sha2)
    assert _refs(portal, CHECKPOINTED) == sha2
    assert [c.size for c in portal.verify_remote().checkpoints] == [10, 11]


def _plant_code(clerk: Path, marker: Path) -> None:
    """Code a careless or hostile office pushes: it would leave ``marker`` if ever imported."""
    payload = f"open({str(marker)!r}, 'w').write('pushed code ran')\n"
    (clerk / "publisher").mkdir()
    (clerk / "publisher" / "__init__.py").write_text(payload)
    (clerk / "sitecustomize.py").write_text(payload)
    gitops = clerk / "src" / "publisher" / "gitops"
    gitops.mkdir(parents=True)
    (gitops / "rules.py").write_text(payload + "def check_changes(*a, **k):\n    return []\n")
    (clerk / "pyproject.toml").write_text('[project]\nname = "publisher"\nversion = "0"\n')


def test_pushed_code_is_never_run_and_the_push_is_refused(portal, tmp_path):
    _publish_run(portal, tmp_path)  # a first checkpoint; portal-checkpointed exists
    base = _refs(portal, CHECKPOINTED)
    clerk = portal.clone("clerk")
    marker = tmp_path / "PWNED"
    _plant_code(clerk, marker)
    # ... together with a ledger rewrite the patched rules.py would have accepted
    p = clerk / "ledger" / "entries" / "scjgj" / "00000001.json"
    p.write_bytes(p.read_bytes().replace("第一号".encode(), "第三号".encode()))
    sha = portal.commit_all(clerk, "faster gate")
    portal.git(clerk, "push", "-q", "origin", "main")  # GitHub has no pre-receive hook: it lands
    run = Runner(portal, tmp_path, sha, _exprs())
    results = run.job("check")
    assert results[-1].returncode == 1
    err = results[-1].stderr
    assert "REFUSED src/publisher/gitops/rules.py: outside: an office push may change only ledger/" in err
    assert "REFUSED sitecustomize.py: outside" in err and "REFUSED publisher/__init__.py: outside" in err
    assert "REFUSED ledger/entries/scjgj/00000001.json: immutable" in err
    # even if the signer job ran (a misconfigured `needs:`), it re-checks before touching the key
    results = run.job("publish")
    assert results[-1].returncode == 1 and "REFUSED src/publisher/gitops/rules.py: outside" in results[-1].stderr
    assert not (run.temp / "portal-keys").exists(), "the key was never written"
    assert not marker.exists(), "no step imported code from the pushed tree"
    assert _refs(portal, CHECKPOINTED) == base
    assert "checkpoint" not in portal.git(portal.remote, "log", "-1", "--format=%s", "main")


def test_refused_or_skipped_pushes_are_not_laundered(portal, tmp_path):
    """A push CI never checked ([skip ci]) or refused (it landed anyway: no pre-receive hook) is
    checked again by every later run, because the base is the checkpointed commit."""
    _publish_run(portal, tmp_path)
    clerk = portal.clone("clerk")
    p = clerk / "ledger" / "entries" / "wjj" / "00000001.json"
    p.write_bytes(p.read_bytes().replace("第一号".encode(), "第五号".encode()))
    bad = portal.commit_all(clerk, "[skip ci] checkpoint")  # dressed up as the signer's commit
    portal.git(clerk, "push", "-q", "origin", "main")
    # the next push is honest; event.before would be `bad`, and diffing from there would pass
    portal.append(clerk, "scjgj", "诚实的一条")
    honest = portal.commit_all(clerk, "ledger: scjgj/2")
    portal.git(clerk, "push", "-q", "origin", "main")
    assert portal.git(clerk, "rev-parse", "HEAD~1").strip() == bad
    results = Runner(portal, tmp_path, honest, _exprs()).job("check")
    assert results[-1].returncode == 1
    assert "REFUSED ledger/entries/wjj/00000001.json: immutable: modifies an existing ledger file" in results[-1].stderr
    # a refused run did not move the base; the next run is refused too, until the damage is reverted
    results = Runner(portal, tmp_path, honest, _exprs()).job("check")
    assert results[-1].returncode == 1
    portal.git(clerk, "revert", "--no-edit", bad)
    fixed = portal.head(clerk)
    portal.git(clerk, "push", "-q", "origin", "main")
    run = _publish_run(portal, tmp_path, fixed)
    assert run and _refs(portal, CHECKPOINTED) == fixed
    assert portal.verify_remote().ok


def test_reviewed_code_change_passes_only_in_the_protected_manual_run(portal, tmp_path):
    _publish_run(portal, tmp_path)
    admin = portal.clone("maintainer")
    (admin / "content").mkdir()
    (admin / "content" / "about.md").write_text("关于本门户\n")
    sha = portal.commit_all(admin, "content: about page (reviewed by code owners)")
    portal.git(admin, "push", "-q", "origin", "main")
    run = Runner(portal, tmp_path, sha, _exprs())
    assert run.job("check")[-1].returncode == 1
    run.exprs[REVIEWED_EXPR] = "yes"  # a code owner started the run and approved the environment
    _ok(run.job("publish"))
    assert _refs(portal, CHECKPOINTED) == sha


def test_gitlab_scripts_check_sign_and_refuse(portal, tmp_path):
    ci_def = _gitlab()
    keyfile = tmp_path / "file-variable-log-key"
    keyfile.write_bytes(det_key("log").to_encrypted_pem(b"gl-secret"))

    def pipeline(sha: str, jobs=("check", "sign"), extra: dict | None = None) -> list:
        ci = tmp_path / f"gl-{sha[:8]}-{len(list(tmp_path.iterdir()))}"
        portal.git(tmp_path, "clone", "-q", str(portal.remote), str(ci))
        portal.git(ci, "checkout", "-q", "--detach", sha)  # GitLab runners check out a detached HEAD
        env = _ci_env(portal, {
            "CI_COMMIT_SHA": sha, "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_SOURCE": "push",
            "CI_SERVER_HOST": "gitlab.example", "CI_SERVER_URL": "https://gitlab.example",
            "CI_PROJECT_PATH": "county/portal", "PORTAL_PUSH_TOKEN": "glpat-test",
            "PORTAL_LOG_KEY_PEM": str(keyfile), "PORTAL_LOG_KEY_PASSPHRASE": "gl-secret",
            "PORTAL_PUSH_URL": str(portal.remote), **(extra or {})})
        out = []
        for job in jobs:
            lines = []
            for line in _flat(ci_def[job]["script"]):
                if "pip install" in line or line.startswith("python -m venv"):
                    continue
                lines.append(f"export PUBLISHER={PUBLISHER}" if line.startswith("export PUBLISHER=") else line)
            r = _bash("\n".join(lines), ci, env)
            out.append(r)
            if r.returncode != 0:
                break
        return out

    clerk = portal.clone("clerk")
    portal.append(clerk, "wjj", "经 GitLab 发布")
    assert portal.publisher(clerk, "submit").returncode == 0
    sha = portal.head()
    _ok(pipeline(sha))
    assert portal.git(portal.remote, "log", "-1", "--format=%s", "main").strip() == "[skip ci] checkpoint"
    assert _refs(portal, CHECKPOINTED) == sha
    assert [c.size for c in portal.verify_remote().checkpoints] == [10]
    # pushed code + a skipped-CI rewrite: refused at check, and by the signer job itself
    portal.git(clerk, "pull", "-q", "--rebase")
    marker = tmp_path / "PWNED"
    _plant_code(clerk, marker)
    (clerk / ".gitattributes").write_text("ledger/log merge=union text eol=crlf\n")
    bad = portal.commit_all(clerk, "[skip ci] tune")
    portal.append(clerk, "wjj", "honest")
    honest = portal.commit_all(clerk, "ledger: wjj/3")
    portal.git(clerk, "push", "-q", "origin", "main")
    assert bad != honest
    for jobs in (("check",), ("sign",)):
        r = pipeline(honest, jobs)[-1]
        assert r.returncode == 1, r.stdout + r.stderr
        assert "REFUSED .gitattributes: outside" in r.stderr and "REFUSED .gitattributes: gitattributes: line 1 sets" in r.stderr
        assert "REFUSED sitecustomize.py: outside" in r.stderr
    # a "reviewed" variable in a push pipeline (not a manual one) changes nothing
    r = pipeline(honest, ("sign",), {"PORTAL_REVIEWED_CODE": "yes"})[-1]
    assert r.returncode == 1 and "REFUSED sitecustomize.py: outside" in r.stderr
    assert not marker.exists()
    assert _refs(portal, CHECKPOINTED) == sha
    # the push URL GitLab would use (token in it) is built as documented
    url = _bash('printf "%s" "$CI_SERVER_URL" | sed "s#://#://oauth2:${PORTAL_PUSH_TOKEN}@#"', tmp_path,
                {"CI_SERVER_URL": "https://gitlab.example", "PORTAL_PUSH_TOKEN": "glpat-test",
                 "PATH": os.environ["PATH"]}).stdout
    assert url == "https://oauth2:glpat-test@gitlab.example"
