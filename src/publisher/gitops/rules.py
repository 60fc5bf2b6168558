"""Pure push rules: what a change to the repository may do to ``ledger/``.

Everything here works on plain data — ``git diff --name-status`` pairs, file bytes, log
text — so each rule is unit-testable without a repository and the same code serves both
CI (``check-push``) and the clerk's local pre-flight (``submit``). Git is only ever asked
for data by :mod:`publisher.gitops.git`; nothing in this module runs a process.

Rules (docs/spec/80-git.md §8.2):

- ``immutable``   an existing ledger file is never modified or deleted (``ledger/log`` may grow);
- ``append-only`` the new ``ledger/log`` is the old one with complete lines appended;
- ``layout``      only entries, blobs, checkpoints (and ``.gitkeep``) may be added;
- ``unlisted``    every added entry file is named by a line appended in the same push,
                  and every appended line names an entry file added in the same push;
- ``blob-name``   a blob's file name is the SHA-256 of its bytes;
- ``private-key`` no private key material anywhere in the change;
- ``outside``     an office push changes nothing outside ``ledger/`` (code, CI files, site,
                  ``.gitattributes``: they change only through review by code owners);
- ``gitattributes`` a (reviewed) change to .gitattributes keeps ``ledger/log merge=union`` and
                  sets no attribute that rewrites bytes on checkout (text, eol, filter, …);
- ``checkpoint-order`` an added checkpoint is larger than every checkpoint already there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LOG_LINE_RE = re.compile(r"^([a-z][a-z0-9-]{1,31})/([1-9][0-9]{0,9}) ([0-9a-f]{64})$")
ZERO_SHA_RE = re.compile(r"^0{7,64}$")

# ``<office>/<seq:08d>.json`` — seq is zero-padded to 8 digits, more only when it needs more.
_ENTRY_RE = re.compile(r"^entries/([a-z][a-z0-9-]{1,31})/([0-9]{8,10})\.json$")
_BLOB_RE = re.compile(r"^blobs/([0-9a-f]{64})$")
_CHECKPOINT_RE = re.compile(r"^checkpoints/([0-9]{10})\.note$")
_BEACON_RE = re.compile(r"^beacons/[0-9a-f]{64}/[1-9][0-9]{0,15}\.json$")  # recorded beacons (spec §5A.4)
_KEEP = {"entries/.gitkeep", "blobs/.gitkeep", "checkpoints/.gitkeep"}
# An entry file name every office directory accepts (8 digits, not all 0: what _ENTRY_RE and the
# canonical-number check of classify accept at that length), one match per name, for callers
# that look at a million names (site.downloads' copy of the published ledger).
ENTRY_NAME_8 = re.compile(r"(?!0{8}\.json)[0-9]{8}\.json")

# Private key material. Written so that this very file does not match its own patterns.
_PEM_BLOCK_RE = re.compile(
    rb"-{5}BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-{5}.*?-{5}END \1PRIVATE KEY-{5}", re.DOTALL)
_PEM_HEADER_RE = re.compile(rb"-{5}BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-{5}")
# golang.org/x/mod/sumdb/note signer keys: PRIVATE+KEY+<name>+<hex8>+<base64(alg||seed)>
_GO_SKEY_RE = re.compile(rb"PRIVATE\+KEY\+[^\s+]+\+[0-9a-fA-F]{8}\+[A-Za-z0-9+/]{20,}={0,2}")
KEY_FILE_SUFFIXES = (".pem", ".key", ".p12", ".pfx")

# Published TEST keys that legitimately appear in test vectors (sha256 of the matched text).
# golang.org/x/mod/sumdb/note's example key "PeterNeumann" (tests/vectors/signed-note-*.json).
KNOWN_TEST_KEYS = frozenset({
    "ecba679ebf42d28db091ac01653483c70c70f50fff05df1fe6600985743907ed",
})


@dataclass(frozen=True)
class Change:
    """One line of ``git diff --name-status --no-renames``: A, M, D or T, and the path."""

    status: str
    path: str


# The gate's rules in Chinese, for the line a clerk reads first (Refusal.zh_line).
GATE_ZH = {
    "append-only": "日志只能在末尾追加，已有的行不能删除、修改或调换顺序",
    "backdated": "条目时间早于最新检查点（倒签，或电脑时钟偏慢）",
    "blob-name": "数据文件的内容与文件名（SHA-256）不符",
    "checkpoint-order": "新检查点必须比已发布的最新检查点更大",
    "future": "条目时间超前于本机时钟（电脑时钟有误）",
    "gitattributes": ".gitattributes 的设置会改写账本文件的字节",
    "immutable": "已发布的账本文件不能修改或删除",
    "layout": "账本目录中不允许这种文件",
    "outside": "单位的推送只能修改 ledger/ 目录",
    "private-key": "私钥不得提交到仓库",
    "round-margin": "抽取承诺距信标轮次太近，来不及在轮次前公开",
    "size": "文件超过大小上限",
    "unlisted": "条目文件与日志行不对应",
    "verify": "账本核验不通过",
}


@dataclass(frozen=True)
class Refusal:
    """Why a push is refused: one line naming the path and the rule."""

    path: str
    rule: str
    message: str

    def line(self) -> str:
        return f"REFUSED {self.path}: {self.rule}: {self.message}"

    def zh_line(self) -> str:
        """The Chinese line printed before :meth:`line` (the English line stays one parseable line)."""
        return f"拒绝 {self.path}：{GATE_ZH.get(self.rule.split('/')[0], '推送不符合规则')}"


@dataclass(frozen=True)
class NewLine:
    """A line appended to ``ledger/log`` by the push (1-based line number in the new log)."""

    office: str
    seq: int
    entry_id: str
    lineno: int


@dataclass(frozen=True)
class LedgerPath:
    """What a path inside the ledger directory is; ``kind`` is one of
    trust, log, entry, blob, checkpoint, beacon (a recorded drand beacon), keep, other."""

    kind: str
    office: str = ""
    seq: int = 0
    digest: str = ""


def is_zero_sha(rev: str) -> bool:
    """GitHub/GitLab send an all-zero BASE for the first push of a branch."""
    return bool(ZERO_SHA_RE.fullmatch(rev))


def ledger_rel(path: str, prefix: str) -> str | None:
    """``path`` relative to the ledger directory ``prefix`` (e.g. "ledger/"), or None."""
    prefix = prefix.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else None


def classify(rel: str) -> LedgerPath:
    """Classify a path relative to the ledger directory."""
    if rel == "trust.json":
        return LedgerPath("trust")
    if rel == "log":
        return LedgerPath("log")
    if rel in _KEEP:
        return LedgerPath("keep")
    m = _ENTRY_RE.match(rel)
    if m and f"{int(m.group(2)):08d}" == m.group(2) and int(m.group(2)) >= 1:
        return LedgerPath("entry", office=m.group(1), seq=int(m.group(2)))
    m = _BLOB_RE.match(rel)
    if m:
        return LedgerPath("blob", digest=m.group(1))
    if _CHECKPOINT_RE.match(rel):
        return LedgerPath("checkpoint")
    if _BEACON_RE.match(rel):
        return LedgerPath("beacon")
    return LedgerPath("other")


def entry_rel(office: str, seq: int) -> str:
    return f"entries/{office}/{seq:08d}.json"


# -- rule: existing ledger files are immutable; additions follow the layout ------------------

def check_changes(changes: Iterable[Change], prefix: str = "ledger") -> list[Refusal]:
    """Refuse modification/deletion of existing ledger files and additions outside the layout.

    ``ledger/log`` modifications are allowed here; :func:`check_log_append` judges them.
    """
    out: list[Refusal] = []
    for ch in changes:
        rel = ledger_rel(ch.path, prefix)
        if rel is None:
            continue
        kind = classify(rel).kind
        if ch.status == "D":
            out.append(Refusal(ch.path, "immutable", "deletes an existing ledger file; "
                               "ledger files are only ever added"))
        elif ch.status in ("M", "T"):
            if kind == "log" and ch.status == "M":
                continue
            what = "trust anchors (trust.json) never change" if kind == "trust" else \
                "ledger files are only ever added, never edited"
            out.append(Refusal(ch.path, "immutable", f"modifies an existing ledger file; {what}"))
        elif ch.status == "A":
            if kind == "other":
                out.append(Refusal(ch.path, "layout", "not a ledger file (allowed: trust.json, log, "
                                   "entries/<office>/<seq:08d>.json, blobs/<sha256>, "
                                   "checkpoints/<size:010d>.note, beacons/<chain hash>/<round>.json)"))
        else:
            out.append(Refusal(ch.path, "immutable", f"unexpected change status {ch.status!r}"))
    return out


# -- rule: office pushes stay inside the ledger ------------------------------------------------

OUTSIDE_MESSAGE = ("an office push may change only {prefix}/; code, CI files, site content and "
                   ".gitattributes change through review by code owners (docs/OPERATIONS.md, "
                   "\"The gate\")")


def check_outside(changes: Iterable[Change], prefix: str = "ledger") -> list[Refusal]:
    """Refuse every change outside the ledger directory. The gate itself is pinned outside the
    pushed tree, but the site build, the theme and CI definitions are read from it."""
    msg = OUTSIDE_MESSAGE.format(prefix=prefix.rstrip("/"))
    return [Refusal(ch.path, "outside", msg) for ch in changes if ledger_rel(ch.path, prefix) is None]


# -- rule: the log only grows ------------------------------------------------------------------

def _short(line: str) -> str:
    return line if len(line) <= 40 else line[:36] + "…"


def check_log_append(base: bytes | None, head: bytes | None,
                     path: str = "ledger/log") -> tuple[list[Refusal], list[NewLine]]:
    """The new log must be the old log byte-for-byte followed by complete, well-formed lines.

    Returns the refusals and the appended lines (empty if the log did not grow).
    """
    base = base or b""
    if head is None:
        if base:
            return [Refusal(path, "append-only", "the log was deleted")], []
        return [], []
    if base and not base.endswith(b"\n"):
        # A torn last line can never be committed by `LedgerDir`; treat the complete part as base.
        base = base[: base.rfind(b"\n") + 1]
    if not head.startswith(base):
        return [Refusal(path, "append-only", _describe_rewrite(base, head))], []
    tail = head[len(base):]
    if not tail:
        return [], []
    first = base.count(b"\n") + 1
    refusals: list[Refusal] = []
    new: list[NewLine] = []
    if not tail.endswith(b"\n"):
        refusals.append(Refusal(path, "append-only", "the last line has no newline (a torn write?)"))
    for i, raw in enumerate(tail.split(b"\n")[:-1] if tail.endswith(b"\n") else tail.split(b"\n")):
        lineno = first + i
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            text = None
        m = LOG_LINE_RE.match(text) if text is not None else None
        if not m:
            refusals.append(Refusal(path, "append-only",
                                    f"appended line {lineno} is malformed: {_short(raw.decode('utf-8', 'replace'))!r} "
                                    "(expected '<office>/<seq> <entry id hex>')"))
            continue
        new.append(NewLine(m.group(1), int(m.group(2)), m.group(3), lineno))
    return refusals, new


def _describe_rewrite(base: bytes, head: bytes) -> str:
    """Name the first line of the old log that is no longer where it was."""
    old = base.decode("utf-8", "replace").split("\n")[:-1]
    new = head.decode("utf-8", "replace").split("\n")
    for i, line in enumerate(old):
        if i >= len(new) or (i == len(new) - 1 and new[i] == ""):
            n = len(old) - i
            return (f"line {i + 1} and after ({n} line{'s' if n != 1 else ''}) were removed; "
                    "the log may only grow by appending lines")
        if new[i] != line:
            if line in new[i + 1:] or (new[i] in old and new[i] != ""):
                verb = "reordered"
            elif line not in new:
                verb = "changed or removed"
            else:
                verb = "changed"
            return (f"line {i + 1} was {verb} (was {_short(line)!r}, now {_short(new[i])!r}); "
                    "the log may only grow by appending lines")
    if len(head) < len(base):
        return (f"the newline ending line {len(old)} was removed; "
                "the log may only grow by appending lines")
    return "the log was rewritten; it may only grow by appending lines"


# -- rule: entries and appended log lines match one-to-one --------------------------------------

def check_new_entries(changes: Iterable[Change], new_lines: Sequence[NewLine],
                      prefix: str = "ledger") -> list[Refusal]:
    """Each added entry file is listed by an appended log line, and vice versa."""
    listed = {(n.office, n.seq): n for n in new_lines}
    added: set[tuple[str, int]] = set()
    out: list[Refusal] = []
    for ch in changes:
        rel = ledger_rel(ch.path, prefix)
        if rel is None or ch.status != "A":
            continue
        lp = classify(rel)
        if lp.kind != "entry":
            continue
        added.add((lp.office, lp.seq))
        if (lp.office, lp.seq) not in listed:
            out.append(Refusal(ch.path, "unlisted", f"entry file added but no line "
                               f"'{lp.office}/{lp.seq} …' is appended to the log in this push"))
    log_path = prefix.rstrip("/") + "/log"
    for n in new_lines:
        if (n.office, n.seq) not in added:
            out.append(Refusal(log_path, "unlisted", f"appended line {n.lineno} names {n.office}/{n.seq}, "
                               f"but {prefix.rstrip('/')}/{entry_rel(n.office, n.seq)} is not added in this push"))
    return out


# -- rule: the union merge of the log stays configured -----------------------------------------------

# Attributes that make a checkout differ from the stored bytes (CI and clerks read the work tree).
# Unsetting them (``-text``, ``!eol``, ``binary``) is harmless and allowed.
_REWRITING_ATTRS = ("text", "eol", "filter", "working-tree-encoding", "ident", "crlf")


def check_gitattributes(text: bytes | None, prefix: str = "ledger") -> list[Refusal]:
    """``<prefix>/log merge=union`` must stay in .gitattributes: without it concurrent appends of
    different offices conflict instead of merging. No line may set an attribute that rewrites
    bytes on checkout (``ledger/log text eol=crlf`` breaks every later checkout and hash)."""
    want = prefix.rstrip("/") + "/log"
    out: list[Refusal] = []
    union = False
    for n, raw in enumerate((text or b"").decode("utf-8", "replace").splitlines(), 1):
        parts = raw.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] in (want, "/" + want) and "merge=union" in parts[1:]:
            union = True
        bad = [a for a in parts[1:] if a[:1] not in "-!" and a.split("=", 1)[0] in _REWRITING_ATTRS]
        if bad:
            out.append(Refusal(".gitattributes", "gitattributes", f"line {n} sets {' '.join(bad)}: attributes "
                               "that rewrite bytes on checkout are not allowed (ledger files are hashed as stored)"))
    if not union:
        out.append(Refusal(".gitattributes", "gitattributes", f"must keep the line '{want} merge=union' "
                           "(concurrent appends of different offices rely on it)"))
    return out


# -- rule: blobs are content-addressed -----------------------------------------------------------

def check_blob(path: str, data: bytes) -> list[Refusal]:
    name = path.rsplit("/", 1)[-1]
    actual = hashlib.sha256(data).hexdigest()
    if name != actual:
        return [Refusal(path, "blob-name", f"content hashes to {actual[:16]}…; a blob's name must be "
                        "the SHA-256 of its bytes")]
    return []


# -- rule: no private keys ------------------------------------------------------------------------

def _fingerprint(secret: bytes) -> str:
    return hashlib.sha256(secret.strip()).hexdigest()


def scan_private_keys(path: str, data: bytes, allowed: Iterable[str] = ()) -> list[Refusal]:
    """Refuse key files by name and private key material by content.

    ``allowed`` holds SHA-256 fingerprints (hex) of specific, published test keys that may appear
    (see :data:`KNOWN_TEST_KEYS`); a fingerprint is the hash of the matched text.
    """
    allow = set(allowed) | KNOWN_TEST_KEYS
    out: list[Refusal] = []
    if path.lower().endswith(KEY_FILE_SUFFIXES):
        out.append(Refusal(path, "private-key", "key files never go into the repository "
                           "(keep them in $PUBLISHER_KEYS outside it; CI gets them from secrets)"))
        return out
    blocks = [m.group(0) for m in _PEM_BLOCK_RE.finditer(data)]
    if not blocks and _PEM_HEADER_RE.search(data):
        blocks = [_PEM_HEADER_RE.search(data).group(0)]  # header without END: still refuse
    for secret in blocks:
        if _fingerprint(secret) not in allow:
            out.append(Refusal(path, "private-key", "contains a PEM private key block "
                               f"(fingerprint {_fingerprint(secret)[:16]}…)"))
            break
    for m in _GO_SKEY_RE.finditer(data):
        if _fingerprint(m.group(0)) not in allow:
            out.append(Refusal(path, "private-key", "contains a signed-note private key string "
                               f"(fingerprint {_fingerprint(m.group(0))[:16]}…)"))
            break
    return out


# -- rule: checkpoints are only ever added at the top ---------------------------------------------

def check_checkpoint_order(changes: Iterable[Change], base_checkpoints: Iterable[str],
                           prefix: str = "ledger") -> list[Refusal]:
    """A new checkpoint must cover more entries than the newest one already published.

    A smaller one inserted later can only be a back-dated or rolled-back view (issue 11 (b)):
    CI signs checkpoints of the whole log, in order, and never goes back."""
    newest = max((int(m.group(1)) for name in base_checkpoints
                  if (m := _CHECKPOINT_RE.match(ledger_rel(name, prefix) or ""))), default=-1)
    out = []
    for ch in changes:
        rel = ledger_rel(ch.path, prefix)
        m = _CHECKPOINT_RE.match(rel or "")
        if ch.status == "A" and m and int(m.group(1)) <= newest:
            out.append(Refusal(ch.path, "checkpoint-order", f"adds a checkpoint of size {int(m.group(1))}, not "
                               f"larger than the newest published checkpoint (size {newest}); checkpoints are "
                               "only ever added for a larger log"))
    return out
