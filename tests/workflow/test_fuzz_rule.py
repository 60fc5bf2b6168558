"""Schema-valid but hostile bodies never make the workflow rule fail internally: every
entry gets problems or passes, the verifier never crashes (DESIGN §4)."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from wf_scenario import Workflow

from publisher.core.entry import sign_entry
from publisher.core.schema import validate_body
from publisher.workflow.ledger_state import LedgerState

ODD = ["2026-02-30", "0001-01-01", "9999-12-31", "2003-12-31", "2027-06-01", "2026-01-21", "", "0", "1",
       "0.000000001", "T-2026-001", "T-404", "scjgj", "wjj", "nobody", "SC-01", "WJ-01", "XX",
       "91110000101623741K", "P-1", "1", "5", "9", "主要负责人", "head", " ", "a" * 64]


def mutate(body, data):
    """Replace a few leaves of ``body`` with odd values of the same JSON type."""
    body = copy.deepcopy(body)

    def walk(x, path, leaves):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, path + [k], leaves)
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, path + [i], leaves)
            leaves.append((path, x))
        else:
            leaves.append((path, x))

    for _ in range(data.draw(st.integers(1, 4))):
        leaves: list = []
        walk(body, [], leaves)
        path, old = data.draw(st.sampled_from(leaves))
        if isinstance(old, bool):
            new = data.draw(st.booleans())
        elif isinstance(old, int):
            new = data.draw(st.integers(-1, 10**9))
        elif isinstance(old, str):
            new = data.draw(st.sampled_from(ODD))
        elif isinstance(old, list):
            new = data.draw(st.sampled_from([[], old[:1], old * 2]))
        else:
            continue
        target = body
        for p in path[:-1]:
            target = target[p]
        if path:
            target[path[-1]] = new
    return body


def test_mutated_bodies_never_break_the_rule(tmp_path_factory):
    wf = Workflow(tmp_path_factory.mktemp("rule"))
    wf.basics()
    c, lock = wf.draw()
    wf.at("2026-01-21")
    t = wf.selected(lock)[0]
    res = wf.append("result", wf.result_body(lock, t))
    samples = {e.type: e.body for _, e in wf.ledger.iter_entries() if e.office != "operator"}
    samples["result.correct"] = {"result": res.id, "corrected": wf.result_body(lock, t, categories=["5"]),
                                 "reason": "错", "approver": {"name": "王", "title": "主要负责人"}, "date": "2026-01-21"}
    samples["result.withhold"] = {"task": "T-2026-001", "target": t, "legal_basis": "法", "decided": "2026-01-20",
                                  "completed": "2026-01-19"}
    samples["noncooperation"] = {"task": "T-2026-001", "target": t, "grounds": ["obstruction"],
                                 "date": "2026-01-20", "detail": "阻挠"}
    samples["directory.snapshot"] = {"kind": "targets", "blob": wf.tblob, "count": 60, "confirmed_by": "张",
                                     "confirmed_at": "2026-01-01"}
    state = LedgerState(wf.ledger).replay()
    state.rule.checks[0].check_blobs = True
    key = wf.f.keys["scjgj"]
    types = sorted(samples)

    @settings(max_examples=400, deadline=None)
    @given(st.sampled_from(types), st.data())
    def run(type_, data):
        body = mutate(samples[type_], data)
        if validate_body(type_, body):
            return
        e = sign_entry(type=type_, office="scjgj", seq=1, prev=None, time="2026-02-01T02:00:00Z", body=body, key=key)
        problems = state.check(e)
        assert not [p for p in problems if p.rule == "workflow.internal"], problems

    run()
    assert {"draw.commit", "draw.lock", "item.list", "plan", "task", "result"} <= set(types)
