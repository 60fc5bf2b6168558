"""DrawRule on real ledgers: every way of steering a draw is caught (DESIGN §4, R37–R52).

Each test builds a real signed ledger (conftest.LedgerFactory), commits a draw with the
project's own builders, checkpoints it, locks it with a simulated drand chain, and then
breaks exactly one thing.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from ledgertools import LedgerFactory, english
from publisher.beacon import SimulatedBeacon, chain_to_json
from publisher.directory.records import Inspector
from publisher.directory.snapshot import snapshot_bytes
from publisher.draw.cap import CapTable
from publisher.draw.commitment import build_commit_body
from publisher.draw.errors import DrawError
from publisher.draw.lock import build_lock_body, build_reveal_body, result_hash
from publisher.draw.rules.rule import DrawRule
from publisher.draw.samples import sample_inspectors, sample_targets
from publisher.draw.seed import secret_commitment
from publisher.embargo import seal_secret

GENESIS = 1767225600 - 86400


def iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Scenario:
    """A ledger with two offices, two snapshots and a simulated beacon chain."""

    def __init__(self, tmp_path, targets=None, inspectors=None):
        self.sim = SimulatedBeacon(b"draw-rule-tests", GENESIS, 3)
        self.f = LedgerFactory(tmp_path / "ledger").init([chain_to_json(self.sim.chain)])
        self.f.add_office("scjgj", "市场监督管理局")
        self.f.add_office("wjj", "卫生健康局")
        self.targets = targets or sample_targets(120)
        self.inspectors = inspectors or sample_inspectors({"scjgj": 10, "wjj": 6})
        self.tblob = self.confirm(self.targets, "targets")
        self.iblob = self.confirm(self.inspectors, "inspectors")
        self.secrets: dict[str, list[bytes]] = {}  # lead commitment -> the offices' secrets

    def confirm(self, records, kind, office="scjgj"):
        """Publish a snapshot blob and the office's directory.snapshot confirming it (001 第八条)."""
        blob = self.f.ledger.put_blob(snapshot_bytes(records))
        t = self.f.tick()
        self.f.ledger.append(office, "directory.snapshot", {
            "kind": kind, "blob": blob, "count": len(records), "confirmed_by": "张某",
            "confirmed_at": t[:10]}, self.f.keys[office], t)
        return blob

    def spec(self, task="T-2026-001", **over):
        secrets = [bytes([len(self.secrets) + 1, i]) * 16 for i in range(2)]
        self.secrets[secret_commitment(task, "scjgj", secrets[0])] = secrets
        spec = {
            "task": task,
            "population": {"snapshot": self.tblob, "filter": {}},
            "strata": [{"name": "低风险", "match": {"risks": ["A", "B"]}, "take": {"ratio": "0.05"},
                        "rounding": "ceil"},
                       {"name": "高风险", "match": {"risks": ["C", "D"]}, "take": {"count": 6}}],
            "offices": [{"office": o, "members": 1, "commitment": secret_commitment(task, o, s)}
                        for o, s in zip(("scjgj", "wjj"), secrets)],
            "teams": {"inspectors": self.iblob, "mode": "big", "load_cap": 4},
            "batch_size": 5,
        }
        for k, v in over.items():
            if k == "population":
                spec["population"].update(v)
            else:
                spec[k] = v
        if spec.get("embargo_until"):  # every secret escrowed to the embargo's end (draw.embargo)
            for o, sec in zip(spec["offices"], secrets):
                o["escrow"] = seal_secret(sec, spec["embargo_until"], self.sim.chain)
        return spec

    def commit(self, spec, *, delay=600, cap=None, office="scjgj", forge=None, accept=True):
        """Append a commitment (and the partner's acceptance); ``forge(body)`` may alter the
        honestly built body first."""
        t = self.f.tick()
        spec = copy.deepcopy(spec)
        spec.setdefault("beacon", {"chain_hash": self.sim.chain.chain_hash,
                                   "round": self.sim.chain.round_at(self.f.clock + delay)})
        body = build_commit_body(spec, self.targets, self.inspectors, time=t,
                                 cap=cap if cap is not None else self.cap())
        if forge:
            forge(body)
        e = self.f.ledger.append(office, "draw.commit", body, self.f.keys[office], t)
        if accept:
            for o in body["offices"][1:]:
                self.append("draw.accept", {"task": body["task"], "commit": e.id}, office=o["office"])
        return e

    def cap(self) -> CapTable:
        r = self.verify()
        return r.rule("draw").cap

    def checkpoint(self):
        return self.f.checkpoint()

    def after_round(self, commit, extra=60):
        self.f.clock = max(self.f.clock, self.sim.chain.round_time(commit.body["beacon"]["round"]) + extra)

    def secrets_of(self, commit):
        """The offices' secrets of an embargoed draw; none for an announced one (seed v2)."""
        c = commit.body["offices"][0].get("commitment")
        return self.secrets[c] if c else []

    def beacon_of(self, commit):
        return self.sim.beacon(commit.body["beacon"]["round"])

    def lock_body(self, commit, secrets=None, beacon=None):
        return build_lock_body(commit.id, commit.body, beacon or self.beacon_of(commit),
                               secrets or self.secrets_of(commit), self.targets, self.inspectors)

    def reveal_body(self, commit):
        return build_reveal_body(commit.id, commit.body, self.beacon_of(commit),
                                 self.secrets_of(commit), self.targets, self.inspectors)

    def append(self, type, body, office="scjgj", time=None):
        return self.f.ledger.append(office, type, body, self.f.keys[office], time or self.f.tick())

    def lock(self, commit, body=None, **kw):
        self.after_round(commit)
        return self.append("draw.lock", body or self.lock_body(commit, **kw))

    def verify(self, now=None):
        return self.f.verify(rules=[DrawRule()], now=now)

    def results(self, lock, ids=None):
        """Publish a result for each selected target (the inspection happened: the draw counts)."""
        for row in lock.body["selected"]:
            if ids is None or row["id"] in ids:
                team = next(t for t in lock.body["teams"] if t["target"] == row["id"])
                self.append("result", {"task": lock.body["task"], "target": row["id"], "target_name": "某公司",
                                       "completed": self.f.tick()[:10], "inspectors": team["members"],
                                       "method": "on_site", "categories": ["1"], "vocabulary": "004-20/v1"})


def errors(report, severity="error"):
    return [p for p in report.problems if p.severity == severity]


def messages(report, severity="error"):
    return " | ".join(f"{p.message} ({p.article})" for p in errors(report, severity))


@pytest.fixture
def sc(tmp_path):
    return Scenario(tmp_path)


def locked(sc, task="T-2026-001", **over):
    c = sc.commit(sc.spec(task, **over))
    sc.checkpoint()
    return c, sc.lock(c)


# --- the honest path ---------------------------------------------------------------------------


def test_honest_draw_verifies(sc):
    c, lock = locked(sc)
    r = sc.verify()
    assert r.ok, messages(r)
    rule = r.rule("draw")
    state = rule.tasks["T-2026-001"]
    assert state.status == "locked" and state.current.lock == lock.id
    assert state.current.selected == len(lock.body["selected"]) == sum(s["k"] for s in c.body["strata"])
    assert "secrets" not in lock.body and all("commitment" not in o for o in c.body["offices"])
    # a draw counts toward the yearly cap only once the inspection's result is published
    assert all(rule.cap.count(2026, row["id"]) == 0 for row in lock.body["selected"])
    sc.results(lock)
    rule = sc.verify().rule("draw")
    assert all(rule.cap.draws(2026, row["id"]) == [c.id] for row in lock.body["selected"])


# --- threats: the population, the secrets, the timing, replay --------------------------------


def test_lock_with_changed_selection_is_refused(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    body = sc.lock_body(c)
    chosen = {row["id"] for row in body["selected"]}
    outsider = next(t.id for t in sc.targets if t.id not in chosen and t.risk in "AB")
    body["selected"][0]["id"] = outsider  # a favoured target swapped in after the beacon
    sc.lock(c, body)
    r = sc.verify()
    assert any("selected list differs from the recomputation at position 1" in p.message
               and p.article == "001 第十二条" for p in errors(r)), messages(r)


def test_population_changed_after_commit_is_refused(sc):
    """The lock recomputes from the committed snapshot; a lock drawn from another population
    (here: one target excluded after the fact) differs and is refused."""
    c = sc.commit(sc.spec())
    sc.checkpoint()
    honest = sc.lock_body(c)
    victim = honest["selected"][0]["id"]
    shrunk = copy.deepcopy(c.body)
    shrunk["population"]["exclusions"] = [{"id": victim, "reason": "已注销", "basis": "x"}]
    for s in shrunk["strata"]:
        s["n"] -= s["name"] == honest["selected"][0]["stratum"]
    forged = build_lock_body(c.id, shrunk, sc.beacon_of(c), sc.secrets_of(c), sc.targets, sc.inspectors)
    assert forged["selected"] != honest["selected"]
    sc.lock(c, forged)
    r = sc.verify()
    assert not r.ok and any(p.article == "001 第十二条" for p in errors(r)), messages(r)


def test_secret_not_matching_commitment(sc):
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    sc.lock(c)
    sc.f.clock = 1767225600 + 10 * 86400
    body = sc.reveal_body(c)
    body["secrets"][1] = "ab" * 32
    sc.append("draw.reveal", body)
    r = sc.verify()
    assert "the secret revealed for office wjj does not match its commitment" in messages(r)


def test_commitment_not_public_before_beacon_round_voids_that_draw_only(sc):
    """Validity never depends on a later event: a late checkpoint makes THAT draw void (shown as
    such, not counted), while the ledger — and another task's draw — still verifies."""
    good, _ = locked(sc, "T-OK")
    c = sc.commit(sc.spec())
    sc.after_round(c)  # no checkpoint before the round was due
    sc.checkpoint()
    lock = sc.lock(c)
    sc.results(lock)
    r = sc.verify()
    assert r.ok, messages(r)
    warn = [p for p in errors(r, "warning") if "draw void" in p.message]
    assert warn and warn[0].rule in ("draw.commit", "draw.lock") and warn[0].article == "003 二(五)"
    rule = r.rule("draw")
    assert rule.tasks["T-2026-001"].status == "void" and rule.tasks["T-OK"].status == "locked"
    assert all(rule.cap.count(2026, row["id"]) == 0 for row in lock.body["selected"])  # does not count


def test_beacon_round_too_soon(sc):
    sc.commit(sc.spec(), delay=30)
    r = sc.verify()
    assert "less than 60 s after the commitment" in messages(r)


def test_builder_refuses_round_too_soon(sc):
    spec = sc.spec()
    t = iso(sc.f.clock)
    spec["beacon"] = {"chain_hash": sc.sim.chain.chain_hash, "round": sc.sim.chain.round_at(sc.f.clock + 10)}
    with pytest.raises(DrawError, match="less than 60 s"):
        build_commit_body(spec, sc.targets, sc.inspectors, time=t,
                          chains={sc.sim.chain.chain_hash: sc.sim.chain})


def test_commitment_reused_for_another_task(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    body = sc.lock_body(c)
    body["task"] = "T-2026-999"
    sc.lock(c, body)
    r = sc.verify()
    assert "cannot be reused for another task" in messages(r)


def test_second_lock_refused(sc):
    c, _ = locked(sc)
    sc.append("draw.lock", sc.lock_body(c))
    r = sc.verify()
    assert "a second lock for commitment" in messages(r)


def test_forged_beacon_refused(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    other = SimulatedBeacon(b"attacker", GENESIS, 3).beacon(c.body["beacon"]["round"])
    sc.lock(c, beacon=other)
    r = sc.verify()
    assert "beacon does not verify" in messages(r)
    got = [(p.message, p.article) for p in r.errors if p.rule == "draw.lock"]
    assert got[0][0].startswith("随机信标验证不通过 / beacon does not verify: ") and got[0][1] == "003 二(五)"


def test_unpinned_chain_refused(sc):
    sc.commit(sc.spec(beacon={"chain_hash": "ee" * 32, "round": 10**6}))
    assert "is not pinned in trust.json" in messages(sc.verify())


def test_commit_with_wrong_derived_fields(sc):
    def forged(body):
        body["strata"][1]["k"] += 1
        body["population"]["count"] -= 1
    sc.commit(sc.spec(), forge=forged)
    m = messages(sc.verify())
    assert "stratum '高风险' says n=" in m and "population count/root" in m


# --- teams -------------------------------------------------------------------------------------


def test_lock_with_changed_teams(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    body = sc.lock_body(c)
    a, b = body["teams"][0], body["teams"][1]
    a["members"][1], b["members"][1] = b["members"][1], a["members"][1]
    sc.lock(c, body)
    m = messages(sc.verify())
    assert "teams differs from the recomputation at position 1" in m


def test_lock_with_team_rule_violations(tmp_path):
    conflicted = sample_targets(120)[7].id
    sc = Scenario(tmp_path, inspectors=sample_inspectors({"scjgj": 10, "wjj": 6},
                                                         conflicts={"SCJGJ-003": (conflicted,)}))
    c = sc.commit(sc.spec())
    assert {"inspector": "SCJGJ-003", "target": conflicted} in c.body["teams"]["conflicts"]
    sc.checkpoint()
    body = sc.lock_body(c)
    body["teams"][0]["members"] = body["teams"][0]["members"][:1]  # team of one
    body["teams"][1]["leader"] = body["teams"][1]["members"][1]  # leader from the partner office
    body["teams"][2]["members"][0] = "SCJGJ-003"
    body["teams"][2]["leader"] = "SCJGJ-003"
    body["teams"][2]["target"] = conflicted
    sc.lock(c, body)
    r = sc.verify()
    arts = {p.article for p in errors(r)}
    assert {"004 第十四条", "001 第十四条", "000 第九条 / 004 第十二条"} <= arts, messages(r)


def test_pool_too_small_is_a_commit_error(tmp_path):
    sc = Scenario(tmp_path, inspectors=sample_inspectors({"scjgj": 10, "wjj": 2}))
    spec = sc.spec(beacon={"chain_hash": sc.sim.chain.chain_hash, "round": 10**7})
    with pytest.raises(DrawError, match="pool too small: office wjj"):
        build_commit_body(spec, sc.targets, sc.inspectors, time=iso(sc.f.clock))
    spec["teams"]["load_cap"] = 50  # feasible; the signed body then claims 4
    sc.commit(spec, forge=lambda body: body["teams"].update(load_cap=4))
    r = sc.verify()
    assert any(english(p.message).startswith("pool too small: office wjj") and p.article == "004 第十四条 / 000 第九条"
               for p in errors(r)), messages(r)


def test_team_of_one_is_a_commit_error(sc):
    spec = sc.spec(beacon={"chain_hash": sc.sim.chain.chain_hash, "round": 10**7})
    spec["offices"] = spec["offices"][:1]
    with pytest.raises(DrawError, match="at least 2 are required"):
        build_commit_body(spec, sc.targets, sc.inspectors, time=iso(sc.f.clock))


# --- re-draws, abandonment, embargo --------------------------------------------------------------


def test_redraw_needs_supersedes(sc):
    sc.commit(sc.spec())
    sc.commit(sc.spec())  # no supersedes
    assert "must name it in supersedes" in messages(sc.verify())


HEAD = {"name": "赵某", "title": "主要负责人"}


def test_superseded_commit_cannot_be_locked(sc):
    old = sc.commit(sc.spec())
    new = sc.commit(sc.spec(supersedes=old.id, reason="信标轮次前发现批次大小填错", reason_code="correction",
                            approver=HEAD))
    sc.checkpoint()
    r = sc.verify()
    assert r.ok, messages(r)
    state = r.rule("draw").tasks["T-2026-001"]
    assert [c.status for c in state.commits] == ["abandoned (superseded)", "committed"]
    assert new.body["supersedes"] == old.id
    sc.lock(old)
    assert "was superseded (abandoned)" in messages(sc.verify())


def test_locked_draw_cannot_be_redrawn(sc):
    c, _ = locked(sc)
    sc.commit(sc.spec(supersedes=c.id, reason="不满意", reason_code="superior_order", document="某发〔2026〕1号",
                      approver=HEAD, superseded_beacon={"round": c.body["beacon"]["round"],
                                                       "signature": sc.beacon_of(c).signature.hex()}))
    r = sc.verify()
    assert any(p.rule == "draw.history" and "a locked draw cannot be drawn again" in p.message
               and p.article == "001 第十二条" for p in errors(r)), messages(r)


def test_abandoned_commitment_warning(sc):
    c = sc.commit(sc.spec())
    sc.checkpoint()
    rt = sc.sim.chain.round_time(c.body["beacon"]["round"])
    assert sc.verify(now=rt + 86400).ok and not errors(sc.verify(now=rt + 86400), "warning")
    r = sc.verify(now=rt + 8 * 86400)
    assert r.ok and "abandoned commitment" in messages(r, "warning")


def test_embargoed_draw_lock_and_reveal(sc):
    c = sc.commit(sc.spec(embargo_until="2026-01-20"))
    sc.checkpoint()
    lock = sc.lock(c)
    assert set(lock.body) == {"task", "commit", "beacon", "result_hash"}
    r = sc.verify()
    assert r.ok, messages(r)
    assert r.rule("draw").tasks["T-2026-001"].status == "embargoed"
    assert r.rule("draw").cap.count(2026, "x") == 0
    sc.append("draw.reveal", sc.reveal_body(c))
    assert "before the embargo ends" in messages(sc.verify())


def test_reveal_after_embargo_and_tampered_reveal(tmp_path):
    for tamper in (False, True):
        sc = Scenario(tmp_path / str(tamper))
        c = sc.commit(sc.spec(embargo_until="2026-01-05"))
        sc.checkpoint()
        reveal = sc.reveal_body(c)
        lock = sc.lock_body(c)
        if tamper:  # the office fixed the hash of another list at lock time
            other = {k: reveal[k] for k in ("seed", "strata", "selected", "teams")}
            other["selected"] = other["selected"][::-1]
            lock["result_hash"] = result_hash(other)
        sc.lock(c, lock)
        sc.f.clock = 1767225600 + 10 * 86400
        sc.append("draw.reveal", reveal)
        r = sc.verify()
        if tamper:
            assert "does not match the result_hash fixed at lock" in messages(r)
        else:
            assert r.ok, messages(r)
            st = r.rule("draw").tasks["T-2026-001"].current
            assert st.status == "revealed" and st.selected == len(reveal["selected"])


def test_lock_before_round_and_replace_before_reveal(sc):
    c = sc.commit(sc.spec(embargo_until="2026-01-20"))
    sc.checkpoint()
    rt = sc.sim.chain.round_time(c.body["beacon"]["round"])
    sc.append("draw.lock", sc.lock_body(c), time=iso(rt - 30))
    sc.f.clock = rt + 60
    team = sc.reveal_body(c)["teams"][0]
    sc.append("team.replace", {"task": "T-2026-001", "commit": c.id, "target": team["target"],
                               "out": team["members"][0], "in": "SCJGJ-009", "reason": "recusal",
                               "approver": {"name": "李某", "title": "分管副局长"}, "date": "2026-01-01"})
    m = messages(sc.verify())
    assert "before beacon round" in m and "after the reveal, for an embargoed one" in m


def test_unrevealed_embargo_warning(sc):
    c = sc.commit(sc.spec(embargo_until="2026-01-05"))
    sc.checkpoint()
    sc.lock(c)
    r = sc.verify(now=1767225600 + 30 * 86400)
    assert "unrevealed draw" in messages(r, "warning")


# --- yearly cap (001 第七条) -------------------------------------------------------------------


def test_yearly_cap(sc):
    region = "371102"
    local = [t for t in sc.targets if t.region.startswith(region)]
    take_all = [{"name": "全部", "match": {}, "take": {"ratio": "1"}, "rounding": "floor"}]
    teams = {"inspectors": sc.iblob, "mode": "big"}
    assert len(local) >= 30  # a population of at least CAP_MIN_POPULATION counts
    draws = []
    for task in ("T-1", "T-2"):
        c, lock = locked(sc, task, population={"filter": {"regions": [region]}}, strata=take_all, teams=teams)
        sc.results(lock)
        draws.append(c.id)
    cap = sc.cap()
    assert all(cap.draws(2026, t.id) == draws for t in local)
    spec = sc.spec("T-3", teams=teams,
                   population={"cap_overrides": [{"id": local[0].id, "reason": "投诉较多，加查"}]})
    good = sc.commit(spec, cap=cap)
    caps = [e["id"] for e in good.body["population"]["exclusions"] if e["reason"] == "cap"]
    assert caps == sorted(t.id for t in local[1:])
    assert all(e["draws"] == draws for e in good.body["population"]["exclusions"] if e["reason"] == "cap")
    assert sc.verify().ok, messages(sc.verify())
    from publisher.site.draw_history import DrawHistory  # the task page names the draws that caused it

    shown = DrawHistory(sc.verify()).task("T-3")[0]["cap"]
    assert [x["id"] for x in shown] == caps and all(x["tasks"] == ["T-1", "T-2"] for x in shown)
    sc.commit(sc.spec("T-4", teams=teams), cap=CapTable())  # omits the cap exclusions
    r = sc.verify()
    assert any(p.rule == "draw.cap" and p.article == "001 第七条" and "cap exclusions differ" in p.message
               for p in errors(r)), messages(r)


# --- replacement (001 第十三条) ----------------------------------------------------------------


def _replace_body(c, target, out, new, reason="health"):
    return {"task": c.body["task"], "commit": c.id, "target": target, "out": out, "in": new, "reason": reason,
            "approver": {"name": "王某", "title": "分管负责人"}, "date": "2026-01-01"}


def test_team_replace_substitute_is_drawn(tmp_path):
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    targets = sample_targets(120)
    insp = sample_inspectors({"scjgj": 10, "wjj": 6})
    insp.append(Inspector(id="SCJGJ-900", name="替补", office="scjgj", unit="u", unit_region="371122",
                          expertise=(), items=(), group=None, active=False, conflicts=()))
    sc = Scenario(tmp_path, targets=targets, inspectors=sorted(insp, key=lambda r: r.id))
    c, lock = locked(sc)
    team = lock.body["teams"][0]
    members = team["members"]
    teams = {t["target"]: t["members"] for t in lock.body["teams"]}
    drawn = substitute(bytes.fromhex(lock.body["seed"]), team["target"],
                       next(t.region for t in targets if t.id == team["target"]), members[0], teams,
                       team_plan(c.body, sc.inspectors))
    assert drawn and drawn.startswith("SCJGJ-") and drawn not in members and drawn != "SCJGJ-900"
    chosen = next(i.id for i in sc.inspectors if i.office == "scjgj" and i.active
                  and i.id not in members and i.id != drawn)
    # the insider's favourite is refused, naming the drawn one
    sc.append("team.replace", _replace_body(c, team["target"], members[0], chosen))
    r = sc.verify()
    assert any(p.rule == "draw.replace" and p.article == "001 第十三条" and f"the draw's seed gives {drawn}"
               in p.message for p in errors(r)), messages(r)


def test_team_replace_honest_and_shown(tmp_path):
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    sc = Scenario(tmp_path)
    c, lock = locked(sc)
    team = lock.body["teams"][0]
    teams = {t["target"]: t["members"] for t in lock.body["teams"]}
    region = next(t.region for t in sc.targets if t.id == team["target"])
    drawn = substitute(bytes.fromhex(lock.body["seed"]), team["target"], region, team["members"][0], teams,
                       team_plan(c.body, sc.inspectors))
    sc.append("team.replace", _replace_body(c, team["target"], team["members"][0], drawn))
    r = sc.verify()
    assert r.ok, messages(r)
    cur = r.rule("draw").tasks["T-2026-001"].current
    assert cur.replacements == 1 and cur.replaced[0]["in"] == drawn and cur.replaced[0]["reason"] == "health"
    assert cur.replaced[0]["approver"]["title"] == "分管负责人"


def test_replacements_cannot_stack_one_inspector_on_every_team(tmp_path):
    """The issue's attack: 21 team.replace entries putting one inspector on 12 of 12 teams despite
    load_cap 2. Now the substitute is drawn (load cap re-checked) and replacements are bounded."""
    sc = Scenario(tmp_path)
    spec = sc.spec(strata=[{"name": "全部", "match": {}, "take": {"count": 12}}])
    spec["teams"]["load_cap"] = 3
    c = sc.commit(spec)
    sc.checkpoint()
    lock = sc.lock(c)
    assert len(lock.body["teams"]) == 12
    friend = "SCJGJ-004"
    for t in lock.body["teams"]:
        out = next(m for m in t["members"] if m.startswith("SCJGJ-"))
        if friend not in t["members"]:
            sc.append("team.replace", _replace_body(c, t["target"], out, friend))
    r = sc.verify()
    reps = [p for p in errors(r) if p.rule == "draw.replace"]
    assert any("a substitute is drawn, never chosen" in p.message for p in reps), messages(r)
    cur = r.rule("draw").tasks["T-2026-001"].current
    on = sum(friend in t["members"] for t in lock.body["teams"]) + sum(x["in"] == friend for x in cur.replaced)
    assert on <= 3 and cur.replacements <= 3  # the load cap and the bound hold
    # even honest (drawn) replacements are bounded per draw: max(2, ⌈12/5⌉) = 3
    from publisher.draw.commitment import team_plan
    from publisher.draw.replace import substitute

    sc2 = Scenario(tmp_path / "b")
    c2 = sc2.commit(spec)
    sc2.checkpoint()
    lock2 = sc2.lock(c2)
    teams = {t["target"]: list(t["members"]) for t in lock2.body["teams"]}
    plan = team_plan(c2.body, sc2.inspectors)
    regions = {t.id: t.region for t in sc2.targets}
    for t in lock2.body["teams"][:4]:
        out = t["members"][0]
        new = substitute(bytes.fromhex(lock2.body["seed"]), t["target"], regions[t["target"]], out, teams, plan)
        sc2.append("team.replace", _replace_body(c2, t["target"], out, new))
        teams[t["target"]] = [new if m == out else m for m in teams[t["target"]]]
    r2 = sc2.verify()
    assert [english(p.message) for p in errors(r2) if p.rule == "draw.replace"] == [
        "this draw already has 3 replacements, the most allowed for 12 teams (max(2, ⌈teams/5⌉) = 3)"]
