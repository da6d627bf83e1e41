"""The scoring convention and the domain-score frame."""
import pytest

from conftest import TODAY
from workbench.analysis.frames import DOMAIN_SCORE_COLUMNS, domain_score_frame
from workbench.analysis.scoring import domain_scores
from workbench.instruments.loader import load_instrument
from workbench.store.assessments import correct_assessment, save_assessment

FORM = """| survey |
| | type | name | label | required |
| | begin_group | mood | Mood | |
| | select_one lvl | a | A | |
| | select_one lvl | b | B | |
| | select_one lvl | c | C | |
| | select_one yn | words | Not scored | |
| | end_group | | | |
| | begin_repeat | kid | Kid | |
| | begin_group | play | Play | |
| | select_one lvl | p | P | |
| | end_group | | | |
| | end_repeat | | | |
| choices |
| | list_name | name | label |
| | lvl | 0 | zero |
| | lvl | 1 | one |
| | lvl | 2.5 | two and a half |
| | yn | yes | yes |
| | yn | no | no |
| settings |
| | form_id | version | score_direction |
| | tiny | 1 | functioning |
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.md"
    path.write_text(FORM, encoding="utf-8")
    return load_instrument(path)


def test_domain_score_is_the_mean_of_answered_scored_items(tiny):
    rows = domain_scores(tiny, {"a": "0", "b": "2.5", "words": "yes", "kid": [{"p": "1"}, {}, {"p": "2.5"}]})
    by = {(r["domain"], r["instance"]): r for r in rows}
    assert by[("mood", 0)]["score"] == pytest.approx(1.25) and by[("mood", 0)]["n_items"] == 2
    assert by[("mood", 0)]["n_scored"] == 3  # c unanswered: left out, not counted as 0
    assert by[("play", 1)]["score"] == 1 and by[("play", 3)]["score"] == 2.5
    assert by[("play", 2)]["score"] is None and by[("play", 2)]["n_items"] == 0
    assert tiny.score_direction == "functioning"


def test_the_frame_from_the_store_matches_the_pure_scores(db, household_case, instrument, valid_answers):
    first = save_assessment(db, "olena.demo", case_id=household_case, instrument=instrument,
                            answers=valid_answers, assessed_on="2026-02-01", today=TODAY)
    corrected = dict(valid_answers, basic_care="3", safety="3")
    correct_assessment(db, "olena.demo", assessment_id=first, instrument=instrument, answers=corrected,
                       reason="уточнення", today=TODAY)
    save_assessment(db, "olena.demo", case_id=household_case, instrument=instrument,
                    answers=dict(valid_answers, visit_date="2026-04-01"), assessed_on="2026-04-01", today=TODAY)
    frame = domain_score_frame(db, "halyna.demo", "family_needs_assessment")
    assert list(frame.columns) == DOMAIN_SCORE_COLUMNS
    assert frame["assessment_id"].nunique() == 2  # the corrected version counted once
    assert sorted(frame["visit"].unique()) == [1, 2]
    expected = {(r["domain"], r["instance"]): r["score"] for r in domain_scores(instrument, corrected)}
    visit1 = frame[frame["visit"] == 1]
    got = {(r.domain, r.instance): r.score for r in visit1.itertuples()}
    assert got == pytest.approx(expected)
    assert set(frame["programme"]) == {"family_support"}


def test_an_empty_database_gives_an_empty_frame_with_the_columns(db):
    frame = domain_score_frame(db, "halyna.demo")
    assert frame.empty and list(frame.columns) == DOMAIN_SCORE_COLUMNS
