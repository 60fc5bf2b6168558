"""Pelican settings for the public portal (`publisher build` reads this file).

Why a normal pelicanconf: so `pelican content -s pelicanconf.py` and `publisher build` give
the same site, and a county can change names and pinned keys without touching code.
The ledger pages come from the plugin `publisher.site.plugin`; Pelican itself only renders
the Markdown pages in content/pages (about, how to verify, policy basis).
"""

from __future__ import annotations

SITENAME = "某县“双随机、一公开”监管公示平台"
SITENAME_EN = "Sample County “Double Random, One Public” Supervision Portal"
SITESUBTITLE = "抽查任务、随机抽取和检查结果的公开、可核验记录"
SITESUBTITLE_EN = "A public, verifiable record of sampling tasks, random draws and inspection results"
AUTHOR = "县“双随机、一公开”监管工作联席会议办公室"
AUTHOR_EN = "County Joint Meeting Office for “Double Random, One Public” Supervision"
# These are the SAMPLE county's settings: `publisher build` refuses them for a real portal's
# ledger (run `publisher new-portal DIR` to write a portal's own settings, theme and pages).
PUBLISHER_SAMPLE_SETTINGS = True

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
RELATIVE_URLS = True  # the site works from any path prefix and from file://
SITEURL = ""

# --- the ledger plugin ----------------------------------------------------------------
PLUGINS = ["publisher.site.plugin"]
PUBLISHER_LEDGER = "ledger"
# Operator root key ids pinned by the portal, per checkpoint origin: a ledger with this origin
# must list exactly these root keys in ledger/trust.json or the build fails. Any other origin
# (test and benchmark ledgers) is shown as "not pinned" in every footer. A plain list pins the
# ids for every origin. The sample county's key is also printed in README.md.
PUBLISHER_ROOT_KEY_IDS = {"sample-county.ssgk.example/ledger": ["ec8991ea31221ce5"]}
# The SHA-256 fingerprint of ledger/trust.json (RFC 8785 canonical bytes) the /verify/ page pins,
# per checkpoint origin; unset = the built ledger's own. Citizens can also pin it with ?fp=…
# (spec §3.11). PUBLISHER_TRUST_GAZETTE names where the portal's official notice publishes it.
PUBLISHER_TRUST_FINGERPRINT = {}
PUBLISHER_TRUST_GAZETTE = "SAMPLE: 《某县人民政府公报》2026年第1期（示例，并不存在）"
# Absolute base URL for feeds and sitemap.xml; None = "https://<checkpoint origin>/".
PUBLISHER_PUBLIC_URL = None
PUBLISHER_PAGE_SIZE = 200  # rows per listing page
# Site identity shown in every footer and on the About page (主办单位, contact, 异议/申请更正,
# licence, registration numbers). Each is a (中文, English) pair or one string for both; anything
# left out takes the default in publisher/site/identity.py.
PUBLISHER_SPONSOR = ("县“双随机、一公开”监管工作联席会议办公室（示例）",
                     "County Joint Meeting Office for “Double Random, One Public” Supervision (sample)")
PUBLISHER_OPERATOR = ("示例县市场监督管理局", "Sample County Administration for Market Regulation")
PUBLISHER_CONTACT_PHONE = ("0000-0000000（示例号码，工作日 8:30—17:30）", "0000-0000000 (sample number, working days 8:30–17:30)")
PUBLISHER_CONTACT_EMAIL = "ssgk@example.gov.cn"
# PUBLISHER_CONTACT_ADDRESS, PUBLISHER_OBJECTION, PUBLISHER_DATA_LICENCE, PUBLISHER_ICP,
# PUBLISHER_SITE_CODE: see publisher/site/identity.py for their defaults.
# Names of the county and township region codes (GB/T 2260 provinces ship with the site).
PUBLISHER_REGION_NAMES = "content/data/regions.csv"
# Processes loading entries during verification (None = one per core). Parallel loading reads
# ahead without limit, so for very large ledgers 1 keeps memory flat at some cost in time.
PUBLISHER_VERIFY_WORKERS = None
# Forked processes writing pages beside the build process (None or 0 = every page in the build
# process, the default; 2 = two workers, slower on the 2-core project machine). One worker built
# the sample county 8-37 % faster, but at 1/20 of a province no faster and with 11 % more memory
# (docs/BENCHMARKS.md, session 17). The output is byte-identical either way.
PUBLISHER_RENDER_WORKERS = None
PUBLISHER_PROOFS = True  # one inclusion-proof JSON per entry
PUBLISHER_COPY_LEDGER = True  # raw entries, log, checkpoints under /ledger/
PUBLISHER_SEARCH_SHARD_PAGES = 10_000  # Pagefind runs per shard of at most this many pages
PUBLISHER_SEARCH_SHARD_MB = 150  # ... and this much HTML (Pagefind needs ~6x that in memory)
# Run a push's search index in its own process beside the rest of its build (a full build always
# does). False indexes after the build, in the build process: one core's work at a time. On the
# project's 2 vCPUs the push measured 0.71x the wall time beside (1/20 of a province) and 0.82x
# (the sample county), for 26 % more summed memory at its peak (still below a full build's):
# docs/BENCHMARKS.md, session 17. A runner short of memory sets False.
PUBLISHER_SEARCH_BESIDE_PUSH = True

# Autoescape everything the templates print (ledger text is hostile until proven otherwise).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# --- Pelican's own content: only pages, no blog ----------------------------------------
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
ARTICLE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
INDEX_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
THEME_STATIC_DIR = "theme"
DELETE_OUTPUT_DIRECTORY = True
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}
READERS = {"rst": None}  # Markdown pages only (and no docutils warnings)
