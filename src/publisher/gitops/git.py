"""A small git runner: the only place in gitops that starts processes.

Only plumbing with stable, machine-readable output is parsed (``-z`` everywhere); porcelain
is used for actions (commit, pull, push) whose stderr is shown to people. ``LC_ALL=C`` keeps
messages parseable, ``GIT_TERMINAL_PROMPT=0`` makes a missing credential fail instead of hang.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PublisherError
from .rules import Change


class GitError(PublisherError):
    """A git command failed; ``stderr`` is git's own explanation."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: str):
        self.args_ = list(args)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"git {' '.join(args[:2])} failed ({returncode}): {redact(stderr.strip())}")


def redact(text: str) -> str:
    """Hide credentials embedded in remote URLs (https://user:token@host/...)."""
    return re.sub(r"(\w+://)[^/\s@]+@", r"\1***@", text)


@dataclass(frozen=True)
class TreeFile:
    mode: str  # "100644", "100755", "120000" (symlink), "160000" (submodule)
    kind: str  # blob, tree, commit
    sha: str
    path: str
    size: int = -1  # bytes of a blob (-1: not a blob)


class Git:
    def __init__(self, repo: Path | str = ".", env: dict[str, str] | None = None):
        self.repo = Path(repo)
        self.env = {**os.environ, "LC_ALL": "C", "LANG": "C", "GIT_TERMINAL_PROMPT": "0",
                    "GIT_EDITOR": ":", "GIT_MERGE_AUTOEDIT": "no", **(env or {})}

    def run(self, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["git", *args], cwd=self.repo, env=self.env, input=input,
                              capture_output=True)
        if check and proc.returncode != 0:
            raise GitError(args, proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "surrogateescape").strip()

    # -- reading ----------------------------------------------------------------------------

    def toplevel(self) -> Path:
        return Path(self.out("rev-parse", "--show-toplevel"))

    def rev(self, rev: str) -> str | None:
        """Full commit id of ``rev``, or None if it does not name a commit here."""
        p = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        return p.stdout.decode().strip() if p.returncode == 0 else None

    def git_path(self, name: str) -> Path:
        return self.repo / self.out("rev-parse", "--git-path", name)

    def diff_name_status(self, base: str, head: str) -> list[Change]:
        raw = self.run("diff", "--name-status", "-z", "--no-renames", base, head, "--").stdout
        parts = raw.decode("utf-8", "surrogateescape").split("\0")
        if parts and parts[-1] == "":
            parts.pop()
        return [Change(parts[i][:1], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]

    def read_file(self, rev: str, path: str) -> bytes | None:
        """Bytes of ``path`` at ``rev`` exactly as stored (no filters), or None if absent."""
        p = self.run("cat-file", "blob", f"{rev}:{path}", check=False)
        return p.stdout if p.returncode == 0 else None

    def ls_tree(self, rev: str, path: str = "") -> list[TreeFile]:
        args = ["ls-tree", "-r", "-z", "-l", "--full-tree", rev]
        if path:
            args += ["--", path]
        out: list[TreeFile] = []
        for rec in self.run(*args).stdout.decode("utf-8", "surrogateescape").split("\0"):
            if rec:
                meta, name = rec.split("\t", 1)
                mode, kind, sha, size = meta.split()
                out.append(TreeFile(mode, kind, sha, name, int(size) if size.isdigit() else -1))
        return out

    def cat_blobs(self, shas: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """Stream many objects (ids or ``rev:path`` names) through one ``git cat-file --batch``;
        None for a name that does not resolve."""
        shas = list(shas)
        if not shas:
            return
        proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.repo, env=self.env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdin and proc.stdout
        try:
            for sha in shas:
                proc.stdin.write(sha.encode() + b"\n")
                proc.stdin.flush()
                header = proc.stdout.readline().decode("utf-8", "surrogateescape").split()
                if len(header) != 3:  # "<name> missing" (or a submodule's commit we do not have)
                    yield sha, None
                    continue
                size = int(header[2])
                data = proc.stdout.read(size)
                proc.stdout.read(1)  # trailing LF
                yield sha, data
        finally:
            proc.stdin.close()
            proc.stdout.close()
            proc.wait()
            if proc.stderr:
                proc.stderr.close()

    def object_sizes(self, names: list[str]) -> list[int]:
        """Size in bytes of each object (ids or ``rev:path``), -1 if missing; nothing is read."""
        if not names:
            return []
        inp = "".join(n + "\n" for n in names).encode("utf-8", "surrogateescape")
        out = self.run("cat-file", "--batch-check=%(objectsize)", input=inp).stdout.decode().splitlines()
        return [int(x) if x.isdigit() else -1 for x in out]

    def export_tree(self, rev: str, path: str, dest: Path, max_size: int | None = None) -> list[TreeFile]:
        """Write the files under ``path`` at ``rev`` into ``dest`` as regular files.

        Blob bytes are copied verbatim: unlike ``git archive`` or a checkout, no
        ``export-subst``/``export-ignore``/eol/smudge attribute of the pushed commit can make the
        verified copy differ from what is stored. Returns the entries that are *not* regular
        files (symlinks, submodules), are larger than ``max_size``, or have names that could escape
        ``dest``; those are not written (nor read).
        """
        odd: list[TreeFile] = []
        regular: dict[str, list[str]] = {}
        for f in self.ls_tree(rev, path):
            parts = f.path.split("/")
            if any(part in ("", ".", "..", ".git") for part in parts):
                odd.append(f)  # a hand-crafted tree; never write outside ``dest``
            elif f.kind == "blob" and f.mode in ("100644", "100755") and (max_size is None or f.size <= max_size):
                regular.setdefault(f.sha, []).append(f.path)
            else:
                odd.append(f)
        for sha, data in self.cat_blobs(regular):
            if data is None:
                raise GitError(["cat-file", "--batch"], 1, f"object {sha} is missing from the repository")
            for rel in regular[sha]:
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return odd

    def status_z(self, path: str) -> list[tuple[str, str]]:
        """``git status --porcelain`` records (XY, path) under ``path``, untracked files listed one by one."""
        raw = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all",
                       "--no-renames", "--", path).stdout.decode("utf-8", "surrogateescape")
        out = []
        for rec in raw.split("\0"):
            if rec:
                out.append((rec[:2], rec[3:]))
        return out

    def unmerged_paths(self) -> list[str]:
        raw = self.run("diff", "--name-only", "-z", "--diff-filter=U").stdout
        return [p for p in raw.decode("utf-8", "surrogateescape").split("\0") if p]

    def rebase_in_progress(self) -> bool:
        return self.git_path("rebase-merge").exists() or self.git_path("rebase-apply").exists()

