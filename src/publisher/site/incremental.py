"""Incremental site build: a page is rendered again only when something it was rendered from changed.

Why: a push adds a few dozen entries, yet a full build renders tens of thousands of pages. The
build keeps a manifest of every page it rendered: the page's own data (a digest of the context
the page was given), and every site-wide fact the template actually *read* while rendering it —
keys of ``C`` and calls of the shared helpers (``oname``, ``chrome.footer``,
``draw_history.task`` ... with their arguments and a digest of their answers), recorded as they
happen. The next build recomputes the context (cheap queries) and re-evaluates the recorded
facts; a page whose digests all match, and whose file is still the one this build wrote (size
and mtime), is not rendered or written. The other writers keep their own small records in the
manifest (:meth:`Manifest.recall` / :meth:`Manifest.remember`): proofs (which checkpoints'
entry proofs exist), downloads (a digest of each file group's records), the browser verifier
(which commitment each task's population files come from), the lookup index (its kept
postings file); each writes only what changed, and every file equals a full build's.

A build whose ledger log does not start with the log the previous build read (a revert, a
fork) does not use the manifest: files derived from entries that are gone must not survive.

When the manifest is not used (a full build): no manifest, one written by another machine (HMAC
under this machine's key, as the verify cache), or a different build key — code version (every
``.py``/``.json`` of the package), every theme file, or the Pelican settings. A context value the
digest does not understand (an object without a known data form) makes that page render every
time, never be skipped. The manifest lives in the local cache (``$PUBLISHER_CACHE_DIR``), keyed
by the output directory, never in the deployed output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ..storage import log_prefix

MAGIC = b"publisher-site-manifest/3\n"  # 3: a header line, then one "name<TAB>record" line per page
TRACKED_CALLS = ("oname", "etype", "elabel", "rname", "proved")  # helpers in the common context
TRACKED_OBJECTS = ("chrome", "draw_history")
_INT_CALL = re.compile(r'\["call", \["([a-z_]+)", null\], \[(-?[0-9]+)\]\]')  # a tracked call's fact key, one int


class Uncacheable(Exception):
    """A value with no data form: the page that holds it is always rendered."""


def _feed(h: Any, v: Any) -> None:
    """Type-tagged, order-preserving digest input of plain data."""
    if v is None:
        h.update(b"N")
    elif v is True or v is False:
        h.update(b"T" if v else b"F")
    elif isinstance(v, int):
        h.update(b"I%d;" % v)
    elif isinstance(v, float):
        h.update(b"f" + repr(v).encode() + b";")
    elif isinstance(v, str):
        b = v.encode("utf-8", "surrogatepass")
        h.update((b"M" if hasattr(v, "__html__") else b"S") + b"%d:" % len(b) + b)
    elif isinstance(v, (bytes, bytearray)):
        h.update(b"B%d:" % len(v) + bytes(v))
    elif isinstance(v, (list, tuple)):
        h.update(b"L%d[" % len(v))
        for x in v:
            _feed(h, x)
        h.update(b"]")
    elif isinstance(v, dict):
        h.update(b"D%d{" % len(v))
        for k in sorted(v, key=repr):
            _feed(h, k)
            _feed(h, v[k])
        h.update(b"}")
    elif isinstance(v, sqlite3.Row):
        _feed(h, dict(zip(v.keys(), tuple(v))))
    elif isinstance(v, (set, frozenset)):
        _feed(h, sorted(v, key=repr))
    elif isinstance(v, (dt.date, dt.datetime, dt.time)):
        h.update(b"d" + v.isoformat().encode() + b";")
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        h.update(b"C" + type(v).__qualname__.encode() + b"(")
        for f in dataclasses.fields(v):
            _feed(h, f.name)
            _feed(h, getattr(v, f.name))
        h.update(b")")
    else:
        raise Uncacheable(type(v).__qualname__)


def _plain(v: Any) -> Any:
    """json's ``default``: the data form of the few non-JSON types a page context holds."""
    if isinstance(v, sqlite3.Row):
        return {"\0row": dict(zip(v.keys(), tuple(v)))}
    if isinstance(v, (set, frozenset)):
        return {"\0set": sorted(v, key=repr)}
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return {"\0" + type(v).__name__: v.isoformat()}
    if isinstance(v, (bytes, bytearray)):
        return {"\0bytes": bytes(v).hex()}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {"\0" + type(v).__qualname__: {f.name: getattr(v, f.name) for f in dataclasses.fields(v)}}
    raise Uncacheable(type(v).__qualname__)


def _scalars() -> dict[Any, str]:
    return {v: digest(v) for v in (None, True, False)}


def digest(value: Any) -> str:
    """SHA-256 of a type-aware serialisation of plain data (json's C encoder, sorted keys).

    Why json: a county build digests ~80,000 page contexts; the pure-Python walk (``_feed``)
    cost ~40 s of it. Two values with the same digest render the same page for the same code
    (the build key covers the code): what json does not tell apart — a tuple from a list, a
    ``Markup`` from a ``str`` with the same text — the same code never produces for the same
    data. Keys json cannot sort (tuples, mixed types) fall back to ``_feed``."""
    try:
        text = json.dumps(value, sort_keys=True, default=_plain, ensure_ascii=False, separators=(",", ":"))
    except TypeError:
        h = hashlib.sha256(b"feed:")
        _feed(h, value)
        return h.hexdigest()
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_SCALARS = _scalars()  # digests of a fact's most common answers (proved: True/False)


# Settings that do not change a byte of the output (the render workers' and verify loaders'
# output equals a serial build's: tests/site/test_site_parallel.py), so changing them keeps a
# build incremental.
HOW_NOT_WHAT = frozenset({"PUBLISHER_AFTER_RENDER", "PUBLISHER_FULL_VERIFY", "PUBLISHER_LEDGER", "PUBLISHER_MANIFEST",
                          "DELETE_OUTPUT_DIRECTORY", "PUBLISHER_RENDER_WORKERS", "PUBLISHER_VERIFY_WORKERS",
                          "PUBLISHER_SEARCH_BESIDE_PUSH", "PUBLISHER_WORKDIR"})


def build_key(settings: dict[str, Any], theme: Path | None) -> str:
    """What forces a full build when it changes: code, theme files, settings.

    Not ``node_modules`` (the browser verifier's packages, installed by the first build and
    pinned by the package-lock.json hashed here): counting them made the build after the
    first ``npm ci`` a full one, and they are most of the theme's files."""
    from ..storage.verify_cache import code_version

    h = hashlib.sha256(code_version().encode())
    if theme is not None and theme.is_dir():
        for p in sorted(theme.rglob("*")):
            if p.is_file() and "node_modules" not in p.relative_to(theme).parts:
                h.update(str(p.relative_to(theme)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    for k in sorted(settings):
        v = settings[k]
        if callable(v) or k in HOW_NOT_WHAT:
            continue  # hooks, the verification mode, where the ledger is, how many processes: not what is written
        try:
            part = digest(v)
        except Uncacheable:
            part = repr(type(v))
        h.update(k.encode() + b"=" + part.encode() + b";")
    return h.hexdigest()


class _Tracked(dict):
    """``C`` as one page sees it: every key the template reads is recorded."""

    __slots__ = ("_deps",)

    def __init__(self, data: dict, deps: list):
        super().__init__(data)
        self._deps = deps

    def __getitem__(self, k: Any) -> Any:
        self._deps.append(("C", k))
        return dict.__getitem__(self, k)

    def get(self, k: Any, default: Any = None) -> Any:
        self._deps.append(("C", k))
        return dict.get(self, k, default)

    def __contains__(self, k: Any) -> bool:
        self._deps.append(("C", k))
        return dict.__contains__(self, k)

    def _whole(self) -> None:
        self._deps.append(("C", "*"))

    def __iter__(self):  # type: ignore[override]
        self._whole()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._whole()
        return dict.__len__(self)

    def keys(self):  # type: ignore[override]
        self._whole()
        return dict.keys(self)

    def values(self):  # type: ignore[override]
        self._whole()
        return dict.values(self)

    def items(self):  # type: ignore[override]
        self._whole()
        return dict.items(self)


class _Calls:
    """A shared helper object (``chrome``, ``draw_history``) whose method calls are recorded."""

    def __init__(self, name: str, obj: Any, record: Callable):
        self._name, self._obj, self._record = name, obj, record

    def __getattr__(self, method: str) -> Any:
        fn = getattr(self._obj, method)
        if not callable(fn):
            raise Uncacheable(f"{self._name}.{method} is not a method")
        return lambda *args: self._record((self._name, method), fn, args)


class Manifest:
    """The previous build's record of pages, and this build's, for one output directory."""

    RENUMBER_MIN = 4096  # the fact table is numbered afresh only past twice this size (see finish)

    def __init__(self, output: Path, key: str, cache_root: Path | None = None, ledger: Path | None = None):
        from ..storage.verify_cache import cache_root as default_root
        from ..storage.verify_cache import machine_key

        self.output, self.key = Path(output), key
        self._out = str(self.output)
        root = cache_root or default_root()
        self.path = root / "site" / (hashlib.sha256(str(self.output.resolve()).encode()).hexdigest()[:32] + ".manifest")
        try:
            self.mac_key = machine_key(root)
        except OSError:
            self.mac_key = None
        # the previous build's records, each as its JSON text, read when a page asks (see _decode):
        # as dicts a province's 937,000 records were 1.4 GB of a push's memory, as text 0.3 GB
        self.old: dict[str, bytes] = {}
        # this build's records, as JSON text too: a kept page's is the previous build's text; a
        # written page's is its own (see record)
        self.new: dict[str, dict | bytes] = {}
        self._table: list[tuple[str, str]] = []  # fact number -> (fact, digest), as saved
        self._number: dict[tuple[str, str], int] = {}  # (fact, digest) -> its number
        self._base = 0  # the table's length when it was last numbered afresh (see finish)
        self._good: dict[str, set[int]] = {}  # lang -> numbers of the facts found to hold this build
        self._bulk: set[str] = set()  # languages whose integer-argument calls were checked in one pass
        self._ints: list[tuple[int, str, int]] | None = None  # (number, helper, argument) of such calls
        self.common: dict[str, dict] = {}  # lang -> the build's common context (for re-evaluation)
        self._memo: dict[tuple, str] = {}
        self.rendered = self.kept = self.uncacheable = 0
        self.usable = False
        self.search_changed = False  # a page Pagefind reads was written or removed
        self.seen: set[str] = set()  # every page file this build made or kept
        self.ledger = ledger
        self.log = log_prefix.mark(Path(ledger) / "log") if ledger is not None else None  # storage.log_prefix
        self.old_log: list | None = None  # the mark of the log the previous build read
        self.old_state: dict[str, Any] = {}  # what other writers (proofs, downloads...) recorded last build
        self.state: dict[str, Any] = {}

    # -- previous build ---------------------------------------------------------------------

    def load(self) -> bool:
        """Use the previous manifest if this machine wrote it for the same build key and, given
        the ledger directory, that build's log is a prefix of this one's (a rolled-back or
        forked ledger gets a full build: files derived from entries that are gone must go)."""
        ledger = self.ledger
        if self.mac_key is None:
            return False
        try:
            data = self.path.read_bytes()
        except OSError:
            return False
        if not data.startswith(MAGIC):
            return False
        mac, body = data[len(MAGIC):len(MAGIC) + 32], data[len(MAGIC) + 32:]
        del data
        if not hmac.compare_digest(mac, hmac.new(self.mac_key, body, hashlib.sha256).digest()):
            return False
        head, _, rest = body.partition(b"\n")
        del body
        try:
            obj = orjson.loads(head)
        except ValueError:
            return False
        if not isinstance(obj, dict) or obj.get("key") != self.key:
            return False
        if ledger is not None and not log_prefix.holds(Path(ledger) / "log", obj.get("log")):
            return False
        try:  # pages keep their facts as numbers into the table (not turned into pairs: see finish)
            table = [(k, w) for k, w in obj["facts"]]
            if not all(isinstance(k, str) and isinstance(w, str) for k, w in table):
                return False
            n = len(table)
            base = obj.get("base", n)
            old: dict[str, bytes] = {}
            for line in rest.split(b"\n"):  # a page's record is read when the page is asked for
                if line:
                    name, tab, rec = line.partition(b"\t")
                    if not tab:
                        return False
                    old[name.decode("utf-8")] = rec
        except (AttributeError, KeyError, TypeError, ValueError):
            return False
        self._table, self._base = table, base if isinstance(base, int) else n
        self._number = {pair: i for i, pair in enumerate(table)}
        self.old = old
        self.old_log = obj.get("log")
        self.old_state = obj.get("state") or {}
        self.usable = True
        return True

    # -- what the other writers of the site remember between builds ------------------------

    def recall(self, name: str) -> Any:
        """What a writer (``proofs``, ``downloads`` ...) recorded under ``name`` in the previous
        build of this output directory; None when there is none or it cannot be used."""
        return self.old_state.get(name) if self.usable else None

    def remember(self, name: str, value: Any) -> None:
        """Record plain JSON data for the next build (saved with the manifest by :meth:`finish`)."""
        self.state[name] = value

    # -- facts a page may read ----------------------------------------------------------------

    def _fact(self, lang: str, key: str) -> str:
        """Digest of one recorded fact (``key``: its JSON), evaluated against this build's
        common context; memoised, as most facts are read by thousands of pages."""
        k = (lang, key)
        got = self._memo.get(k)
        if got is None:
            dep = orjson.loads(key)  # a province's pages read ~200,000 distinct facts (proved(idx))
            common = self.common[lang]
            if dep[0] == "C":
                c = common["C"]
                got = digest(c) if dep[1] == "*" else (digest(c[dep[1]]) if dep[1] in c else "absent")
            else:
                (obj, method), args = dep[1], dep[2]
                owner = common[obj]
                # a helper object both languages share (draw_history) answers a call once
                shared = (id(owner), key) if method is not None else k
                got = self._memo.get(shared)
                if got is None:
                    out = owner(*args) if method is None else getattr(owner, method)(*args)
                    got = self._memo[shared] = _SCALARS[out] if out is None or isinstance(out, bool) else digest(out)
            self._memo[k] = got
        return got

    def _record_call(self, lang: str, deps: list) -> Callable:
        def record(which: tuple, fn: Callable, args: tuple) -> Any:
            out = fn(*args)
            deps.append(("call", list(which), list(args), out))
            return out
        return record

    # -- one page ----------------------------------------------------------------------------

    def begin(self, name: str, lang: str, template: str, ctx: dict[str, Any],
              searchable: bool | int = False, common: dict[str, Any] | None = None) -> Page | None:
        """A job for page file ``name``; None when the page's data has no digest. ``common``:
        the build's common context for ``lang`` (what the recorded facts are evaluated against;
        without it the first page of a language could not be kept)."""
        self.seen.add(name)
        if common is not None:
            self.common.setdefault(lang, common)
        try:
            if template == "=" and list(ctx) == ["text"] and isinstance(ctx["text"], str):
                # a stamped page (Renderer.stamped): its whole text is the key, hashed as is
                key = hashlib.sha256(b"=" + lang.encode() + b"\0" + ctx["text"].encode("utf-8", "surrogatepass")).hexdigest()
            else:
                key = digest([template, lang, ctx])
        except Uncacheable:
            self.uncacheable += 1
            self.search_changed |= bool(searchable)
            return None
        return Page(self, name, lang, key, searchable)

    def keepable(self, name: str, lang: str, common: dict[str, Any]) -> dict | None:
        """The previous build's record of page file ``name`` if the file is still the one it
        wrote and every site-wide fact the page read is unchanged (its own data is the caller's
        to vouch for: see site.dirty); None otherwise. Nothing is recorded: see :meth:`kept_page`."""
        old = _decode(self.old.get(name)) if self.usable else None
        if old is None or "mark" not in old:
            return None
        self.common.setdefault(lang, common)
        try:
            st = os.stat(os.path.join(self._out, name))  # (not pathlib: this runs for every kept page)
        except OSError:
            return None
        if [st.st_size, st.st_mtime_ns] != old.get("file"):
            return None
        if not self._facts_hold(lang, old.get("facts")):
            return None
        return old

    def _facts_hold(self, lang: str, facts: list[int]) -> bool:
        """Every recorded (fact, digest) pair, named by its number in the table, still holds in
        ``lang``. A number found to hold is remembered for the build: a province's kept pages
        share a few thousand facts among millions of uses, so most pages are one set check."""
        if not isinstance(facts, list):
            return False
        good = self._good.setdefault(lang, set())
        if lang not in self._bulk and lang in self.common:
            self._bulk.add(lang)
            good |= self._int_calls_holding(lang)
        if good.issuperset(facts):
            return True
        n = len(self._table)
        for i in facts:
            if i in good:
                continue
            if type(i) is not int or not 0 <= i < n:
                return False  # not a number of this table: the page is rendered
            try:
                k, w = self._table[i]
                if self._fact(lang, k) != w:
                    return False
            except Exception:  # a fact that cannot be evaluated any more, a bad number: render
                return False
            good.add(i)
        return True

    def _int_calls_holding(self, lang: str) -> set[int]:
        """Numbers of the recorded calls of a tracked helper with one integer argument (``proved(idx)``:
        one distinct fact per entry shown, ~100,000 at a tenth of a province) whose answer still
        has the recorded digest: the answer computed as :meth:`_fact` does, in one loop over
        those facts (found once per build), not one parsed JSON key each."""
        if self._ints is None:
            match = _INT_CALL.fullmatch
            self._ints = [(i, m.group(1), int(m.group(2))) for i, (k, _) in enumerate(self._table)
                          if k.startswith('["call"') and (m := match(k))]
        common = self.common.get(lang) or {}
        fns = {name: common[name] for name in TRACKED_CALLS if callable(common.get(name))}
        table, good = self._table, set()
        for i, name, arg in self._ints:
            fn = fns.get(name)
            if fn is not None:
                try:
                    out = fn(arg)
                    if (_SCALARS[out] if out is None or isinstance(out, bool) else digest(out)) == table[i][1]:
                        good.add(i)
                except Exception:  # left to _facts_hold, where a fact that cannot be evaluated renders
                    continue
        return good

    def search_unchanged(self) -> bool:
        """Whether, so far, no page Pagefind reads was written and none the previous build listed
        is missing. Asked when every searchable page of this build has been made (the seal, see
        site.build.EarlySearch): a previously searchable page not seen by then is either gone or
        no longer searchable, and either changes the index."""
        if self.search_changed or not self.usable:
            return False
        return not any(name not in self.seen and (_decode(raw) or {}).get("search") for name, raw in self.old.items())

    def kept_page(self, name: str, old: dict) -> None:
        """Record page ``name`` as kept as the previous build wrote it (see :meth:`keepable`):
        its record's text as read, not the dict ``old`` decoded from it."""
        self.seen.add(name)
        raw = self.old.get(name)
        self.new[name] = raw if raw is not None else _text(old)
        self.kept += 1

    def file_of(self, name: str) -> tuple[int, int] | None:
        """(size, mtime in ns) of page file ``name`` as this build recorded it: for a kept page,
        what ``keepable`` found moments ago; for a written one, its ``stat`` after the write.
        None for a page not made (the caller stats it). The search index asks for every listed
        page; at a province that saved a stat each of half a million files it had just stat'ed
        (docs/BENCHMARKS.md, session 16)."""
        raw = self.new.get(name)
        rec = _decode(raw) if isinstance(raw, bytes) else raw
        if isinstance(rec, dict):
            f = rec.get("file")
            if isinstance(f, list) and len(f) == 2 and all(type(x) is int for x in f):
                return f[0], f[1]
        return None

    def record(self, name: str) -> dict | None:
        """This build's record of page file ``name`` as a dict (None: not recorded)."""
        rec = self.new.get(name)
        return orjson.loads(rec) if isinstance(rec, bytes) else rec

    def pages_with_pairs(self, pages: dict[str, dict | bytes]) -> dict[str, dict]:
        """``pages``' records with each fact as its (fact, digest) pair, not its number: a forked
        render worker numbers new pairs in its own copy of the table (site.parallel)."""
        out = {}
        for name, rec in pages.items():
            r = orjson.loads(rec) if isinstance(rec, bytes) else rec
            out[name] = {**r, "facts": [self._table[i] for i in r["facts"]]}
        return out

    def pages_with_numbers(self, pages: dict[str, dict]) -> dict[str, dict | bytes]:
        """The inverse of :meth:`pages_with_pairs`, numbered in this table (as JSON text)."""
        return {name: _text({**rec, "facts": [self._fact_number(k, w) for k, w in rec["facts"]]})
                for name, rec in pages.items()}

    def _fact_number(self, k: str, w: str) -> int:
        """The number of the pair (fact ``k``, digest ``w``) in the table, appended if new."""
        pair = (k, w)
        i = self._number.get(pair)
        if i is None:
            i = self._number[pair] = len(self._table)
            self._table.append(pair)
        return i

    def finish(self) -> None:
        """Remove pages of the previous build that this build did not make, save the manifest.

        Saved: each distinct (fact, digest) once in a table, each page naming its facts by
        number — a page's facts are mostly those of thousands of other pages (the footer, an
        office's name), and written out per page they were most of a 180 MB manifest at a
        tenth of a province, and most of the build's memory. The numbers stay as loaded and new
        pairs are appended, so a kept page's record is saved as it was read (renumbering every
        page's facts cost a push at 1/10 about 1.7 s); once the table has more than doubled
        since it was last numbered afresh, it is (the pairs of changed facts pile up)."""
        if self.usable:
            for name in self.old:
                if name not in self.seen:
                    (self.output / name).unlink(missing_ok=True)
                    self.search_changed |= bool((_decode(self.old[name]) or {}).get("search"))
        try:
            self._save()
        finally:
            self._release()

    def _release(self) -> None:
        """Let go of what only checking and recording pages needed: the common contexts (they
        reach the verifier's state through ``draw_history``), the facts' table and memo. What is
        asked after the pages (``search_unchanged``, ``file_of``, the counts) stays. A push's
        search index is built in this process next, and at a province its state is 0.8 GB."""
        self.common, self._memo, self._good, self._ints = {}, {}, {}, None
        self._table, self._number = [], {}

    def _save(self) -> None:
        if self.mac_key is None:
            return
        table, pages, base = self._table, self.new, self._base if self.usable else len(self._table)
        if len(table) > 2 * max(base, self.RENUMBER_MIN):  # pairs no page names any more pile up: renumber
            number: dict[tuple[str, str], int] = {}
            pages = {name: _text({**rec, "facts": [number.setdefault(table[i], len(number)) for i in rec["facts"]]})
                     for name, rec in ((n, self.record(n)) for n in pages)}
            table = list(number)
            base = len(table)
        whole = {"key": self.key, "facts": table, "base": base, "state": self.state, "log": self.log}
        try:
            head = orjson.dumps(whole, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # (a value orjson does not take, such as an integer past 64 bits)
            head = json.dumps(whole, separators=(",", ":")).encode()
        # one line per page (a name with a tab or a line break is not recorded: rendered next time)
        lines = [b"%s\t%s\n" % (name.encode("utf-8"), rec if isinstance(rec, bytes) else _text(rec))
                 for name, rec in pages.items() if "\t" not in name and "\n" not in name]
        del pages, whole
        mac = hmac.new(self.mac_key, head + b"\n", hashlib.sha256)
        for line in lines:
            mac.update(line)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(f".tmp{os.getpid()}")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                f.write(MAGIC)  # (not joined: that was one more copy of a body of 100s of MB)
                f.write(mac.digest())
                f.write(head + b"\n")
                f.writelines(lines)
            os.replace(tmp, self.path)
        except OSError:
            return


def _decode(raw: bytes | None) -> dict | None:
    """A page record from its JSON text; None for none, or for text that is not a record."""
    if raw is None:
        return None
    try:
        rec = orjson.loads(raw)
    except ValueError:
        return None
    return rec if isinstance(rec, dict) else None


def _text(rec: dict) -> bytes:
    """A page record as JSON text (how Manifest.new keeps a written page's record). Copied: the
    bytes orjson returns keep its whole output buffer (≈ 4 KB each, measured: 200,000 records
    held 807 MB as returned, 66 MB copied, 145 MB as dicts)."""
    try:
        return bytes(memoryview(orjson.dumps(rec)))
    except TypeError:  # (an integer past 64 bits)
        return json.dumps(rec, separators=(",", ":")).encode()


class Page:
    def __init__(self, m: Manifest, name: str, lang: str, key: str, searchable: bool | int = False):
        self.m, self.name, self.lang, self.key = m, name, lang, key
        self.searchable, self.mark = bool(searchable), searchable  # mark: the page's search shard (search.since)
        self.deps: list = []

    def fresh(self) -> bool:
        """Same data, same facts, and the file is still the one written: keep it."""
        raw = self.m.old.get(self.name) if self.m.usable else None
        old = _decode(raw)
        if raw is None or old is None or old.get("key") != self.key or old.get("mark", False) != self.mark:
            return False  # (the mark: a kept record must list the page for search as this build does)
        try:
            st = (self.m.output / self.name).stat()
        except OSError:
            return False
        if [st.st_size, st.st_mtime_ns] != old.get("file"):
            return False
        if not self.m._facts_hold(self.lang, old.get("facts")):
            return False
        self.m.new[self.name] = raw
        self.m.kept += 1
        return True

    def context(self, common: dict[str, Any]) -> dict[str, Any]:
        """The common context with ``C`` and the shared helpers recording what is read."""
        self.m.common.setdefault(self.lang, common)
        record = self.m._record_call(self.lang, self.deps)
        ctx = dict(common)
        ctx["C"] = _Tracked(common["C"], self.deps)
        for name in TRACKED_CALLS:
            fn = common.get(name)
            if fn is not None:
                ctx[name] = (lambda f, n: lambda *args: record((n, None), f, args))(fn, name)
        for name in TRACKED_OBJECTS:
            obj = common.get(name)
            if obj is not None:
                ctx[name] = _Calls(name, obj, record)
        return ctx

    def done(self) -> None:
        """Record the page as written, with the digest of every fact it read."""
        self.m.rendered += 1
        old = _decode(self.m.old.get(self.name)) if self.m.usable else None
        # written and listed for search, or written and no longer listed: the index changes
        self.m.search_changed |= self.searchable or bool(old and old.get("search"))
        facts: dict[str, str] = {}
        try:
            for d in self.deps:
                if d[0] == "C":
                    k = json.dumps(["C", d[1]])
                    if k not in facts:
                        facts[k] = self.m._fact(self.lang, k)
                else:
                    k = json.dumps(["call", d[1], d[2]])
                    if k not in facts:
                        want = digest(d[3])
                        self.m._memo.setdefault((self.lang, k), want)
                        facts[k] = want
            st = (self.m.output / self.name).stat()
        except (Uncacheable, TypeError, ValueError, OSError):
            self.m.uncacheable += 1
            return  # not recorded: rendered again next time
        self.m.new[self.name] = _text({"key": self.key, "facts": [self.m._fact_number(k, w) for k, w in facts.items()],
                                       "file": [st.st_size, st.st_mtime_ns], "search": self.searchable,
                                       "mark": self.mark})
