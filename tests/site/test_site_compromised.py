"""The office page shows a key's `compromised_since` (key.revoke, SPEC §1.5)."""

from __future__ import annotations

from ledgertools import LedgerFactory
from publisher.core.entry import OPERATOR
from publisher.site.build import build


def test_office_page_shows_compromised_since(tmp_path):
    f = LedgerFactory(tmp_path / "ledger").init()
    f.add_office("scjgj", "市场监督管理局")
    f.notice("scjgj", "泄露前")
    since = f.tick(3600)
    f.notice("scjgj", "窃取密钥后伪造")
    f.ledger.append(OPERATOR, "key.revoke", {"office": "scjgj", "key_id": f.keys["scjgj"].id,
                                             "reason": "compromise", "compromised_since": since},
                    f.root_key, f.tick())
    f.checkpoint()
    out = tmp_path / "site"
    build(f.root, out)
    html = (out / "office" / "scjgj" / "index.html").read_text("utf-8")
    assert "自此时起泄露，此后所签记录无效" in html
    assert "2026-01-01" in html.split("自此时起泄露")[1][:400]
