"""Period indicators counted on a small database built here, every number known in advance.

The world (TODAY is 15.06.2026; the periods are 2026 and 2025):

- family A (family in difficult circumstances: mother and two children), family support, opened
  01.11.2025, in accompaniment from 15.11.2025 and still open — its accompaniment is cut in two by
  the new year; a needs assessment of 03.11.2025 corrected once; an assessment to determine a
  child's status as affected by war on 10.02.2026; a consultation on 01.12.2025 and humanitarian
  aid twice in 2026 (the family counts once);
- family B (IDPs: mother and son), IDP support, opened 15.01.2026, a needs assessment on 22.01.2026,
  a mobile team visit and humanitarian aid on 20.01.2026; the mother stayed in a temporary shelter
  20.12.2025–31.01.2026 and the son from 05.01.2026 on;
- family D (in difficult circumstances), accompanied 01.03.2025–30.09.2025, closed with its goals
  achieved;
- young person C (care leaver) opened 01.02.2026 with a consultation, then withdrew consent: C
  counts nowhere;
- events: group session 05.03.2026 (12 people, 5 children, 3 IDPs), training 01.04.2026 (8),
  awareness campaign 01.05.2026 (20, corrected to 25), humanitarian aid distribution 14.02.2026 (40),
  mobile team trip 25.01.2026 (6), group session 01.06.2025 (10).
"""
from __future__ import annotations

import json

import pytest

from conftest import TODAY
from workbench.analysis import indicators as ind
from workbench.analysis.indicators import IndicatorError, indicator_values, load_indicators, read_indicators
from workbench.analysis.periods import Period
from workbench.i18n import UserError
from workbench.store.assessments import correct_assessment, save_assessment
from workbench.store.events import correct_event, record_event
from workbench.store.intake import intake, register_client
from workbench.store.lifecycle import close_case, move_case
from workbench.store.people import household_members, withdraw_consent
from workbench.store.services import record_service
from workbench.store.shelter import end_stay, record_stay

ACTOR = "olena.demo"


def _member(given, born, sex="female", relation="applicant", family="Тихоліс"):
    member = {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relation": relation}
    if relation == "child":
        member["consent_given_by"] = "мати"
    return member


def _moves(db, case_id, *steps):
    for status, on in steps:
        move_case(db, ACTOR, case_id, status, on=on, today=TODAY)


@pytest.fixture
def world(db, instrument, valid_answers):
    a = intake(db, ACTOR, programme="family_support", category="family_difficult_circumstances",
               members=[_member("Ганна", "1990-04-02"), _member("Злата", "2018-09-30", relation="child"),
                        _member("Остап", "2016-02-11", sex="male", relation="child")],
               consent_given_on="2025-11-01", intake_on="2025-11-01", today=TODAY)
    _moves(db, a, ("assessment", "2025-11-03"), ("plan", "2025-11-10"), ("accompaniment", "2025-11-15"))
    first = save_assessment(db, ACTOR, case_id=a, instrument=instrument, answers=valid_answers,
                            assessed_on="2025-11-03", today=TODAY)
    correct_assessment(db, ACTOR, assessment_id=first, instrument=instrument, answers=valid_answers,
                       reason="Виправлено дату народження дитини", today=TODAY)
    save_assessment(db, ACTOR, case_id=a, instrument=instrument, answers=valid_answers, assessed_on="2026-02-10",
                    purpose="child_war_status", today=TODAY)
    record_service(db, ACTOR, a, service_type="consultation", provided_on="2025-12-01", today=TODAY)
    for day in ("2026-02-01", "2026-03-01"):
        record_service(db, ACTOR, a, service_type="humanitarian_aid", provided_on=day, today=TODAY)

    b = intake(db, ACTOR, programme="idp_support", category="idp",
               members=[_member("Оксана", "1988-07-07", family="Левадчук"),
                        _member("Назар", "2012-03-03", sex="male", relation="child", family="Левадчук")],
               consent_given_on="2026-01-15", intake_on="2026-01-15", today=TODAY)
    save_assessment(db, ACTOR, case_id=b, instrument=instrument, answers=valid_answers, assessed_on="2026-01-22",
                    today=TODAY)
    for kind in ("mobile_team_visit", "humanitarian_aid"):
        record_service(db, ACTOR, b, service_type=kind, provided_on="2026-01-20", today=TODAY)
    mother, son = [m["id"] for m in household_members(db, db["cases"].get(b)["household_id"])]
    stay = record_stay(db, ACTOR, mother, shelter="Гуртожиток на Лісовій", from_on="2025-12-20", today=TODAY)
    end_stay(db, ACTOR, stay, to_on="2026-01-31", today=TODAY)
    record_stay(db, ACTOR, son, shelter="Гуртожиток на Лісовій", from_on="2026-01-05", today=TODAY)

    d = intake(db, ACTOR, programme="family_support", category="family_difficult_circumstances",
               members=[_member("Ірина", "1985-05-05", family="Колосаєнко")],
               consent_given_on="2025-02-20", intake_on="2025-02-20", today=TODAY)
    _moves(db, d, ("assessment", "2025-02-22"), ("plan", "2025-02-25"), ("accompaniment", "2025-03-01"))
    close_case(db, ACTOR, d, reason="goals_achieved", on="2025-09-30", today=TODAY)

    c = register_client(db, ACTOR, family_name="Ясногірко", given_name="Петро", birth_date="2007-01-01", sex="male",
                        category="care_leaver", consent_given_on="2026-02-01", programme="care_leavers",
                        intake_on="2026-02-01", today=TODAY)
    record_service(db, ACTOR, c, service_type="consultation", provided_on="2026-03-01", today=TODAY)

    def event(day, kind, n, children=0, idps=0):
        return record_event(db, ACTOR, held_on=day, event_type=kind, project="Разом", place="Бібліотека",
                            participants=n, children=children, idps=idps, staff=[ACTOR], today=TODAY)

    event("2026-03-05", "group_session", 12, 5, 3)
    event("2026-04-01", "training", 8)
    campaign = event("2026-05-01", "awareness_campaign", 20)
    correct_event(db, ACTOR, campaign, reason="Дорахували учасників", held_on="2026-05-01",
                  event_type="awareness_campaign", project="Разом", place="Бібліотека", participants=25,
                  staff=[ACTOR], today=TODAY)
    event("2026-02-14", "humanitarian_aid_distribution", 40)
    event("2026-01-25", "mobile_team_trip", 6)
    event("2025-06-01", "group_session", 10)
    return {"a": a, "b": b, "c": c, "d": d, "c_person": db["cases"].get(c)["person_id"]}


EXPECTED_2026 = {  # indicator: (2026, 2025)
    "persons_reached_group_work": (12 + 8 + 25, 10),
    "services_provided": (4, 1),
    "subjects_served": (2, 1),
    "needs_assessments": (1, 1),
    "humanitarian_aid_persons": (3 + 2 + 40, 0),
    "families_accompaniment": (1, 2),
    "child_war_status_assessments": (1, 0),
    "idps_in_shelter": (2, 1),
    "mobile_team_visits": (2, 0),
    "cases_opened": (1, 2),
    "cases_closed_goals_achieved": (0, 1),
}


def _values(db, period="2026", **kw):
    frame = indicator_values(db, period, **kw)
    return {row.indicator: (row.value, row.previous) for row in frame.itertuples()}


def test_every_indicator_counts_what_the_world_holds(db, world):
    withdraw_consent(db, ACTOR, world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    assert _values(db) == EXPECTED_2026


def test_withdrawn_consent_takes_a_person_out_of_every_count(db, world):
    before = _values(db)
    assert before["services_provided"] == (5, 1)  # C's consultation counts until C withdraws
    assert before["cases_opened"] == (2, 2)
    assert before["subjects_served"] == (3, 1)
    withdraw_consent(db, ACTOR, world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    after = _values(db)
    assert after["services_provided"] == (4, 1) and after["cases_opened"] == (1, 2)


def test_change_is_the_period_minus_the_year_before(db, world):
    frame = indicator_values(db, "2026", lang="en")
    assert (frame["change"] == frame["value"] - frame["previous"]).all()
    assert frame.loc[frame["indicator"] == "families_accompaniment", "name"].item().startswith("Families in difficult")


def test_a_span_across_the_boundary_counts_in_both_quarters(db, world):
    # Family A's accompaniment (from 15.11.2025, open) lies in Q4 2025 and in Q1 2026.
    q1 = _values(db, "2026-Q1")["families_accompaniment"]
    q4 = _values(db, "2025-Q4")["families_accompaniment"]
    assert q1[0] == 1 and q4[0] == 1
    # The mother's stay 20.12.2025–31.01.2026 counts in December and in January, not in February.
    assert _values(db, "2025-12")["idps_in_shelter"][0] == 1
    assert _values(db, "2026-01")["idps_in_shelter"][0] == 2
    assert _values(db, "2026-02")["idps_in_shelter"][0] == 1  # the son's stay goes on


def test_a_family_counts_once_however_many_services(db, world):
    values = _values(db, "2026-Q1")
    # A got humanitarian aid twice (Feb, Mar), B aid and a visit, C a consultation: A, B and C once each.
    assert values["subjects_served"][0] == 3
    rows = ind.IndicatorData(db).rows(ind.Part("services", "records", (("service_type", ("humanitarian_aid",)),)),
                                      Period.parse("2026-Q1"))
    assert len(rows) == 3
    assert values["humanitarian_aid_persons"][0] == 5 + 40


def test_a_corrected_assessment_and_a_corrected_event_count_once(db, world):
    values = _values(db, "2025-Q4")
    assert values["needs_assessments"][0] == 1  # two versions of one assessment
    assert _values(db, "2026-05")["persons_reached_group_work"][0] == 25  # the corrected number, once


def test_the_programme_filter_leaves_events_whole(db, world):
    values = _values(db, "2026", programme="idp_support")
    assert values["services_provided"] == (2, 0)
    assert values["idps_in_shelter"] == (2, 1)  # B's persons
    assert values["families_accompaniment"] == (0, 0)
    assert values["persons_reached_group_work"] == (45, 10)  # events belong to no programme
    assert _values(db, "2026", programme="family_support")["idps_in_shelter"] == (0, 0)


def test_an_empty_database_gives_zeros_not_an_error(db):
    frame = indicator_values(db, "2026")
    assert len(frame) == len(load_indicators()) and (frame[["value", "previous"]] == 0).all().all()


@pytest.mark.parametrize("period, key", [
    (("2026-05-01", "2026-01-01"), "period.reversed"),
    ("2026-13", "period.bad"),
    ("last year", "period.bad"),
    (None, "period.bad"),
])
def test_a_bad_period_is_a_clear_message(db, period, key):
    with pytest.raises(UserError) as caught:
        indicator_values(db, period)
    assert caught.value.key == key
    assert caught.value.message("uk") != caught.value.message("en")


def test_an_unknown_programme_is_a_clear_message(db):
    with pytest.raises(UserError) as caught:
        indicator_values(db, "2026", programme="'; drop table cases; --")
    assert "drop table" in caught.value.message("en") and caught.value.key == "programme.unknown"
    assert db["cases"].exists()


@pytest.mark.parametrize("text, expected", [
    ("2026", ("2026-01-01", "2026-12-31")),
    ("2026-Q1", ("2026-01-01", "2026-03-31")),
    ("2024-q4", ("2024-10-01", "2024-12-31")),
    ("2024-02", ("2024-02-01", "2024-02-29")),
    ("01.01.2026–30.06.2026", ("2026-01-01", "2026-06-30")),
    ("2026-01-01..2026-06-30", ("2026-01-01", "2026-06-30")),
    (2025, ("2025-01-01", "2025-12-31")),
])
def test_periods_read_as_a_supervisor_types_them(text, expected):
    period = Period.parse(text)
    assert (period.start.isoformat(), period.end.isoformat()) == expected


def test_the_same_period_last_year():
    assert Period.parse("2024-02").previous_year() == Period.parse("2023-02")  # 29.02 → 28.02
    previous = Period.parse("2026-Q3").previous_year()
    assert (previous.start.isoformat(), previous.end.isoformat()) == ("2025-07-01", "2025-09-30")
    assert Period.parse("2026-Q3").label("uk") == "III квартал 2026 року"
    assert Period.parse("2026-Q3").label("en") == "Q3 2026"


# --- declarations: an organisation's own file ------------------------------------------------

def _file(tmp_path, indicators) -> str:
    path = tmp_path / "own.json"
    path.write_text(json.dumps({"indicators": indicators}, ensure_ascii=False), encoding="utf-8")
    return str(path)


OWN = {"id": "children_at_group_sessions", "name": {"uk": "Діти на групових заняттях", "en": "Children at group sessions"},
       "definition": {"uk": "Сума дітей серед учасників групових занять.", "en": "Sum of children at group sessions."},
       "source": "events", "count": "children", "where": {"event_type": "group_session"}}


def test_an_organisation_adds_its_own_indicator_in_a_file(db, world, tmp_path, monkeypatch):
    monkeypatch.setenv("WB_INDICATORS", _file(tmp_path, [OWN]))
    values = _values(db)
    assert values["children_at_group_sessions"] == (5, 0)
    assert len(values) == len(EXPECTED_2026) + 1


def test_an_own_indicator_with_a_built_in_id_replaces_it(db, world, tmp_path):
    own = dict(OWN, id="services_provided", source="services", count="records", where={"service_type": "consultation"})
    indicators = load_indicators(_file(tmp_path, [own]))
    assert [i.id for i in indicators].count("services_provided") == 1
    frame = indicator_values(db, "2025", indicators=indicators)
    assert frame.set_index("indicator").loc["services_provided", "value"] == 1


@pytest.mark.parametrize("change, words", [
    ({"source": "persons_table"}, "persons_table"),
    ({"count": "participants", "source": "services"}, "participants"),
    ({"where": {"name": "Ганна"}}, "name"),
    ({"where": {"event_type": "picnic"}}, "picnic"),
    ({"where": {"event_type": {"$ne": 1}}}, "event_type"),
    ({"period": "overlaps"}, "overlaps"),
    ({"name": {"uk": "Лише українською"}}, "name"),
    ({"sql": "select 1"}, "sql"),
])
def test_a_bad_declaration_names_the_file_the_indicator_and_the_problem(tmp_path, change, words):
    path = _file(tmp_path, [dict(OWN, **change)])
    with pytest.raises(IndicatorError) as caught:
        load_indicators(path)
    for lang in ("uk", "en"):
        message = caught.value.message(lang)
        assert "own.json" in message and "children_at_group_sessions" in message and words in message


def test_a_file_that_is_not_json_says_where(tmp_path):
    with pytest.raises(IndicatorError) as caught:
        read_indicators('{"indicators": [\n  {"id": "x",\n}', "broken.json")
    assert "broken.json" in caught.value.message("en") and "line 3" in caught.value.message("en")


def test_two_indicators_with_one_id_are_refused():
    text = json.dumps({"indicators": [OWN, OWN]})
    with pytest.raises(IndicatorError) as caught:
        read_indicators(text, "twice.json")
    assert "twice" in caught.value.message("en")


def test_the_built_in_indicators_are_all_valid_and_bilingual():
    indicators = load_indicators(None)
    assert len(indicators) >= 9
    for indicator in indicators:
        assert indicator.label("uk") != indicator.label("en")
        assert indicator.describe("uk") and indicator.describe("en")
