"""tlock.js bundled by esbuild for the browser, run in headless Chromium: same verdicts as
Python and Node on every case of test_browser_tlock.cases()."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from test_browser_tlock import cases
from tl_support import browser_page

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_chromium_decrypts_and_refuses_like_python(chromium_browser, tmp_path):
    site = browser_page(tmp_path / "site")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    cs = cases()
    ctx = chromium_browser.new_context()
    try:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{srv.server_address[1]}/index.html")
        got = page.evaluate("cs => window.runCases(cs, 1)", cs)
    finally:
        ctx.close()
        srv.shutdown()
    for c, g in zip(cs, got, strict=True):
        if "plaintext_b64" in c["expect"]:
            assert g["ok"] and g["plaintext_b64"] == c["expect"]["plaintext_b64"], (c["name"], g)
        else:
            assert not g["ok"] and g["code"] == c["expect"]["code"], (c["name"], g)
