"""Period indicators counted on a small database built by the ``world`` fixture (tests/conftest.py),
every number known in advance (``WORLD_INDICATORS``)."""
from __future__ import annotations

import json

import pytest

from conftest import TODAY, WORLD_INDICATORS
from workbench.analysis import indicators as ind
from workbench.analysis.indicators import IndicatorError, indicator_values, load_indicators, read_indicators
from workbench.analysis.periods import Period
from workbench.i18n import UserError
from workbench.store.people import withdraw_consent

ACTOR = "olena.demo"
READER = "halyna.demo"  # the head of centre reads every aggregate


def _values(db, period="2026", **kw):
    frame = indicator_values(ind.IndicatorData(db, READER), period, **kw)
    return {row.indicator: (row.value, row.previous) for row in frame.itertuples()}


def test_every_indicator_counts_what_the_world_holds(db, world):
    withdraw_consent(db, ACTOR, world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    assert _values(db) == WORLD_INDICATORS


def test_withdrawn_consent_takes_a_person_out_of_every_count(db, world):
    before = _values(db)
    assert before["services_provided"] == (5, 1)  # C's consultation counts until C withdraws
    assert before["cases_opened"] == (2, 2)
    assert before["subjects_served"] == (3, 1)
    withdraw_consent(db, ACTOR, world["c_person"], withdrawn_on="2026-04-01", today=TODAY)
    after = _values(db)
    assert after["services_provided"] == (4, 1) and after["cases_opened"] == (1, 2)


def test_change_is_the_period_minus_the_year_before(db, world):
    frame = indicator_values(ind.IndicatorData(db, READER), "2026", lang="en")
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
    rows = ind.IndicatorData(db, READER).rows(ind.Part("services", "records", (("service_type", ("humanitarian_aid",)),)),
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
    frame = indicator_values(ind.IndicatorData(db, READER), "2026")
    assert len(frame) == len(load_indicators()) and (frame[["value", "previous"]] == 0).all().all()


@pytest.mark.parametrize("period, key", [
    (("2026-05-01", "2026-01-01"), "period.reversed"),
    ("2026-13", "period.bad"),
    ("last year", "period.bad"),
    (None, "period.bad"),
])
def test_a_bad_period_is_a_clear_message(db, period, key):
    with pytest.raises(UserError) as caught:
        indicator_values(ind.IndicatorData(db, READER), period)
    assert caught.value.key == key
    assert caught.value.message("uk") != caught.value.message("en")


def test_an_unknown_programme_is_a_clear_message(db):
    with pytest.raises(UserError) as caught:
        indicator_values(ind.IndicatorData(db, READER), "2026", programme="'; drop table cases; --")
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
    assert len(values) == len(WORLD_INDICATORS) + 1


def test_an_own_indicator_with_a_built_in_id_replaces_it(db, world, tmp_path):
    own = dict(OWN, id="services_provided", source="services", count="records", where={"service_type": "consultation"})
    indicators = load_indicators(_file(tmp_path, [own]))
    assert [i.id for i in indicators].count("services_provided") == 1
    frame = indicator_values(ind.IndicatorData(db, READER), "2025", indicators=indicators)
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
