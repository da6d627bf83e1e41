"""The demo database: built by the same service code, deterministic, with the planted effects findable."""
import hashlib

import pytest

from workbench.analysis.frames import domain_score_frame
from workbench.demo import build_demo
from workbench.store.connection import open_db
from conftest import TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = build_demo(path, seed=11, households=120, care_leavers=20, today=TODAY)
    return path, summary


def test_the_demo_has_households_people_cases_and_assessments(demo):
    path, summary = demo
    db = open_db(path)
    assert summary.households == db["households"].count == 120
    assert summary.persons == db["persons"].count > 300
    assert db["cases"].count == 140
    assert db["assessments"].count == summary.assessments + summary.corrections
    assert summary.corrections > 0
    with_consent = db.execute("select count(distinct person_id) from consents where purpose = 'data_processing'")
    assert with_consent.fetchone()[0] == db["persons"].count
    assert {r["role"] for r in db.query("select role from users")} == {"case_manager", "supervisor", "researcher"}
    programmes = {r["programme"] for r in db.query("select programme from cases")}
    assert programmes == {"family_support", "idp_support", "care_leavers"}


def test_the_same_seed_gives_the_same_data(tmp_path, demo):
    path, _ = demo
    again = tmp_path / "again.db"
    build_demo(again, seed=11, households=120, care_leavers=20, today=TODAY)

    def digest(p):
        rows = open_db(p).execute("select assessment_id, item, instance, value from answers order by 1, 2, 3")
        return hashlib.sha256(repr(rows.fetchall()).encode()).hexdigest()

    assert digest(path) == digest(again)


def test_the_planted_effects_are_there(demo):
    path, _ = demo
    db = open_db(path)
    frame = domain_score_frame(db)
    per_case = frame.groupby(["programme", "case_id", "visit"])["score"].mean().reset_index()
    first = per_case[per_case["visit"] == 1].set_index("case_id")["score"]
    last = per_case.sort_values("visit").groupby("case_id").last()
    change = (last["score"] - first.reindex(last.index)).where(last["visit"] > 1).dropna()
    by_programme = change.groupby(last.loc[change.index, "programme"]).mean()
    assert by_programme["family_support"] < by_programme["idp_support"] < 0
    assert (change > 0.25).sum() >= 5  # some clients get worse
    visits = per_case.groupby("case_id")["visit"].max()
    assert (visits <= 2).sum() >= 10  # dropouts and recent cases
    late = db.execute("""select count(*) from cases c join assessments a on a.case_id = c.id
                         where a.supersedes is null and julianday(a.assessed_on) - julianday(c.opened_on) > 7
                         and a.assessed_on = (select min(assessed_on) from assessments x where x.case_id = c.id)
                      """).fetchone()[0]
    assert late >= 10


def test_the_demo_walks_cases_through_the_whole_cycle(demo):
    from collections import Counter

    from workbench.store.deadlines import case_deadlines
    from workbench.store.lifecycle import case_state

    path, summary = demo
    db = open_db(path)
    states = [case_state(db, r[0]) for r in db.execute("select id from cases")]
    statuses = Counter(s["status"] for s in states)
    assert statuses["closed"] >= 10 and statuses["accompaniment"] >= 10
    reasons = Counter(s["closure_reason"] for s in states if s["closure_reason"])
    assert reasons["goals_achieved"] > reasons["refused"] and len(reasons) >= 3
    assert sum(1 for s in states if s["urgent_on"]) >= 2
    services = Counter(r[0] for r in db.execute("select service_type from services"))
    assert {"home_visit", "consultation", "humanitarian_aid", "referral"} <= set(services)
    assert summary.services == sum(services.values())
    kinds = Counter(r[0] for r in db.execute("select kind from case_events"))
    assert kinds["transfer"] >= 1 and kinds["extension"] >= 1
    first_deadline = Counter(case_deadlines(db, s["case_id"], today=TODAY, state=s)[0]["state"] for s in states)
    assert first_deadline["late"] >= 5 and first_deadline["done"] > first_deadline["late"]
