"""The office page's figures (``office_figures``) as exact numbers, on the hand-counted county of
test_stats_exact.py (its docstring has the count): scjgj leads 3 tasks and locked 1 draw; its
results A, B (on time) and C (late), withholding D, and the correction of B; wjj joins 2 tasks."""

from __future__ import annotations

from test_stats_exact import county  # noqa: F401  (the module-scoped hand-counted ledger)

from publisher.site import stats


def test_office_figures_of_the_lead_office(county):
    loaded, _, _ = county
    assert stats.office_figures(loaded, "scjgj") == [{
        "year": 2026, "tasks_led": 3, "tasks_joined": 0, "draws": 1, "redraws": 0,
        "results": 3, "on_time": 2, "late": 1, "unknown": 0, "corrections": 1, "withheld": 1,
        # current results and corrections: A and the correction of B say 1, C says 3 (B is superseded)
        "categories": [{"zh": "未发现问题", "en": "no problem found", "n": 2},
                       {"zh": "公示信息隐瞒真实情况弄虚作假",
                        "en": "disclosed information concealed the facts or was falsified", "n": 1}],
        "on_time_pct": "66.7%",  # 2 of the 3 judged results
    }]


def test_office_figures_of_the_partner_and_of_an_unknown_office(county):
    loaded, _, _ = county
    assert stats.office_figures(loaded, "wjj") == [{
        "year": 2026, "tasks_led": 0, "tasks_joined": 2, "draws": 0, "redraws": 0, "results": 0,
        "on_time": 0, "late": 0, "unknown": 0, "corrections": 0, "withheld": 0, "categories": [],
        "on_time_pct": "—"}]
    assert stats.office_figures(loaded, "nobody") == []
