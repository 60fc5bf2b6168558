"""Bounded readers: every input the product parses has a size, a depth and a shape limit.

Why a module of its own: a hostile or careless file must be refused in bounded time and memory
*before* a general-purpose parser sees it — a billion-laughs YAML (a few hundred bytes, gigabytes
expanded), an XLSX whose shared strings unpack to gigabytes, a JSON entry nested 100 000 deep
(Python's parser dies of RecursionError) or padded with 300 MB of whitespace. Each refusal is a
:class:`LimitError` whose message names the file and the limit; callers turn it into their own
error type (envelope problem, input error, gate refusal).

Limits (docs/spec/10-ledger.md §1.9):

- JSON: nesting depth ≤ :data:`MAX_JSON_DEPTH` (as the browser verifier's ``parseStrict``),
  no duplicate member names (the browser refuses them too);
- entry files: ≤ :data:`MAX_ENTRY_BYTES`, and ≤ ``PAD_FACTOR`` × canonical size + ``PAD_SLACK``;
- blobs ≤ :data:`MAX_BLOB_BYTES`; a push adds ≤ :data:`MAX_PUSH_BYTES`;
- YAML (:mod:`.yaml_bounded`): no aliases (nothing expands), bounded depth, no duplicate
  keys, bounded size;
- XLSX: every part's real (not declared) unpacked size is measured by streaming with a cap;
  shared strings and sheet XML may unpack to at most ``XLSX_RATIO`` × their compressed size
  + 1 MiB (real workbooks compress 5–30×, padding bombs 1000×) and :data:`MAX_XLSX_PART` in all.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from ..core.bounds import (  # noqa: F401 (re-exported)
    MAX_ENTRY_BYTES,
    MAX_JSON_DEPTH,
    PAD_FACTOR,
    PAD_SLACK,
    LimitError,
    check_entry_size,
    json_depth_ok,
    loads_json,
)

MAX_BLOB_BYTES = 256 * 1024 * 1024
MAX_PUSH_BYTES = 1024 * 1024 * 1024
XLSX_RATIO = 200
MAX_XLSX_PART = 256 * 1024 * 1024
_XLSX_GUARDED = re.compile(r"^xl/(sharedStrings\.xml|worksheets/[^/]+\.xml)$", re.IGNORECASE)


# -- files -----------------------------------------------------------------------------------------

def read_capped(f: IO[bytes], cap: int, file: str = "", what: str = "file") -> bytes:
    """Read at most ``cap`` bytes; a longer stream is refused without reading it all."""
    data = f.read(cap + 1)
    if len(data) > cap:
        raise LimitError(f"{file + ': ' if file else ''}{what} is larger than {cap} bytes")
    return data


# -- XLSX ------------------------------------------------------------------------------------------

def _real_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    """Unpacked size measured by streaming, stopping as soon as it passes ``cap``."""
    n = 0
    with zf.open(info) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                return n
            n += len(chunk)
            if n > cap:
                return n


def check_xlsx(stream: IO[bytes], file: str) -> None:
    """Refuse an XLSX whose shared strings or sheet XML would unpack out of proportion to the
    archive, before openpyxl loads anything. ``stream`` is rewound to where it was."""
    pos = stream.tell()
    try:
        with zipfile.ZipFile(stream) as zf:
            for info in zf.infolist():
                if not _XLSX_GUARDED.match(info.filename):
                    continue
                cap = min(MAX_XLSX_PART, XLSX_RATIO * max(info.compress_size, 0) + (1 << 20))
                if info.file_size > cap:
                    raise LimitError(f"{file}: {info.filename} would unpack to {info.file_size} bytes from "
                                     f"{info.compress_size}; the limit for this part is {cap} (padding or a zip bomb)")
                real = _real_size(zf, info, cap)
                if real > cap:
                    raise LimitError(f"{file}: {info.filename} unpacks to more than {cap} bytes from "
                                     f"{info.compress_size} (its header says {info.file_size}): a zip bomb")
    except LimitError:
        raise
    except Exception as exc:  # hostile archives: zipfile, zlib, bz2 and lzma raise many types
        raise LimitError(f"{file}: broken XLSX archive: {exc}"[:300]) from None
    finally:
        stream.seek(pos)
