"""An assessment's purpose: configured, a needs assessment unless said otherwise, kept by corrections."""
import hashlib
import json

import pytest

from conftest import TODAY, row_counts
from workbench import config
from workbench.i18n import UserError
from workbench.instruments.validation import answer_rows, check_submission
from workbench.store.assessments import (DEFAULT_PURPOSE, assessment_history, correct_assessment, get_assessment,
                                         list_assessments, save_assessment)
from workbench.store.audit import audit_rows
from workbench.store.inputs import InvalidInput

ACTOR = "olena.demo"


def save(db, case_id, instrument, answers, **kw):
    return save_assessment(db, ACTOR, case_id=case_id, instrument=instrument, answers=answers,
                           assessed_on=kw.pop("assessed_on", "2026-02-01"), today=TODAY, **kw)


def test_the_configured_purposes_have_both_languages():
    purposes = config.load_config()["assessment_purposes"]
    assert {"needs_assessment", "child_war_status", "review"} <= set(purposes)
    assert DEFAULT_PURPOSE == "needs_assessment"
    assert all(p["uk"] and p["en"] and p["uk"] != p["en"] for p in purposes.values())


def test_without_a_purpose_an_assessment_is_a_needs_assessment(db, household_case, instrument, valid_answers):
    assessment_id = save(db, household_case, instrument, valid_answers)
    assert db["assessments"].get(assessment_id)["purpose"] == "needs_assessment"  # stored, not left null
    assert get_assessment(db, "halyna.demo", assessment_id)["purpose"] == "needs_assessment"
    assert [a["purpose"] for a in list_assessments(db, "halyna.demo", household_case)] == ["needs_assessment"]
    assert audit_rows(db, "admin.demo", "assessments", assessment_id)[0]["details"]["purpose"] == "needs_assessment"


@pytest.mark.parametrize("purpose", ["child_war_status", "review", "needs_assessment"])
def test_a_configured_purpose_is_stored_read_back_and_audited(db, household_case, instrument, valid_answers,
                                                              purpose):
    assessment_id = save(db, household_case, instrument, valid_answers, purpose=purpose)
    assert db["assessments"].get(assessment_id)["purpose"] == purpose
    assert get_assessment(db, "halyna.demo", assessment_id, instrument)["purpose"] == purpose
    assert [a["purpose"] for a in list_assessments(db, "halyna.demo", household_case, latest_only=False)] == [purpose]
    assert [a["purpose"] for a in assessment_history(db, "halyna.demo", assessment_id)] == [purpose]
    audit = audit_rows(db, "admin.demo", "assessments", assessment_id)
    assert [a["action"] for a in audit] == ["save_assessment"] and audit[0]["details"]["purpose"] == purpose


@pytest.mark.parametrize("purpose", ["astrology", "", "Child_War_Status", " review", 5, ["review"],
                                     "review'; drop table assessments; --"])
def test_an_unknown_purpose_is_refused_in_both_languages_and_writes_nothing(db, household_case, instrument,
                                                                           valid_answers, purpose):
    before = row_counts(db)
    with pytest.raises(InvalidInput) as err:
        save(db, household_case, instrument, valid_answers, purpose=purpose)
    assert set(err.value.problems) == {"purpose"}
    assert err.value.message("uk").startswith("Не збережено") and err.value.message("en").startswith("Not saved")
    assert row_counts(db) == before


def test_a_bad_purpose_and_a_bad_date_are_reported_together(db, household_case, instrument, valid_answers):
    with pytest.raises(InvalidInput) as err:
        save(db, household_case, instrument, valid_answers, purpose="astrology", assessed_on="2026-02-30")
    assert set(err.value.problems) == {"purpose", "assessed_on"}


def test_a_correction_keeps_the_purpose_unless_given_another(db, household_case, instrument, valid_answers):
    first = save(db, household_case, instrument, valid_answers, purpose="child_war_status")
    kept = correct_assessment(db, ACTOR, assessment_id=first, instrument=instrument,
                              answers=dict(valid_answers, conclusion_text="Уточнено"), reason="Уточнення",
                              today=TODAY)
    assert get_assessment(db, "halyna.demo", kept)["purpose"] == "child_war_status"
    changed = correct_assessment(db, ACTOR, assessment_id=kept, instrument=instrument, answers=valid_answers,
                                 reason="Це був перегляд", purpose="review", today=TODAY)
    assert [a["purpose"] for a in assessment_history(db, "halyna.demo", first)] == ["child_war_status", "child_war_status", "review"]
    assert audit_rows(db, "admin.demo", "assessments", changed)[0]["details"] == {
        "case_id": household_case, "instrument": f"{instrument.id}@{instrument.version}",
        "answers": len(answer_rows(instrument, check_submission(instrument, valid_answers, today=TODAY).answers)),
        "supersedes": kept, "purpose": "review"}
    before = row_counts(db)
    with pytest.raises(InvalidInput) as err:
        correct_assessment(db, ACTOR, assessment_id=changed, instrument=instrument, answers=valid_answers,
                           reason=" ", purpose="astrology", today=TODAY)
    assert set(err.value.problems) == {"purpose", "reason"}
    assert row_counts(db) == before


def test_the_same_key_with_another_purpose_is_key_reuse(db, household_case, instrument, valid_answers):
    first = save(db, household_case, instrument, valid_answers, submission_key="form-1", purpose="review")
    assert save(db, household_case, instrument, valid_answers, submission_key="form-1", purpose="review") == first
    before = row_counts(db)
    for other in ("child_war_status", None, "needs_assessment"):
        with pytest.raises(UserError) as err:
            save(db, household_case, instrument, valid_answers, submission_key="form-1", purpose=other)
        assert err.value.key == "assessment.key_reused"
    assert row_counts(db) == before
    # No purpose and the default purpose are the same submission.
    plain = save(db, household_case, instrument, valid_answers, submission_key="form-2")
    assert save(db, household_case, instrument, valid_answers, submission_key="form-2",
                purpose="needs_assessment") == plain
    # Without a key, the same answers for another purpose are another assessment.
    no_key = save(db, household_case, instrument, valid_answers, assessed_on="2026-03-01")
    assert save(db, household_case, instrument, valid_answers, assessed_on="2026-03-01") == no_key
    other = save(db, household_case, instrument, valid_answers, assessed_on="2026-03-01", purpose="child_war_status")
    assert other != no_key
    assert {get_assessment(db, "halyna.demo", i)["purpose"] for i in (no_key, other)} == {"needs_assessment", "child_war_status"}


def test_a_needs_assessment_hashes_as_before_the_purpose_existed(db, household_case, instrument, valid_answers):
    """A submission key saved before migration m0005 still matches its resave (no false key reuse)."""
    assessment_id = save(db, household_case, instrument, valid_answers, submission_key="old-form")
    rows = answer_rows(instrument, check_submission(instrument, valid_answers, today=TODAY).answers)
    before_m0005 = hashlib.sha256(json.dumps(
        [household_case, instrument.id, instrument.version, "2026-02-01", None,
         sorted((r["repeat"], r["instance"], r["item"], r["value"]) for r in rows)],
        ensure_ascii=False).encode()).hexdigest()
    assert db["assessments"].get(assessment_id)["content_sha256"] == before_m0005
    review = save(db, household_case, instrument, valid_answers, submission_key="new-form", purpose="review")
    assert db["assessments"].get(review)["content_sha256"] != before_m0005


def test_rows_saved_before_the_purpose_column_read_as_needs_assessments(db, household_case, instrument,
                                                                        valid_answers):
    first = save(db, household_case, instrument, valid_answers)
    old = dict(db["assessments"].get(first), id=None, purpose=None, supersedes=None, submission_key="legacy",
               assessed_on="2026-01-20")
    old_id = db["assessments"].insert(old).last_pk  # as a row written before m0005 (purpose null)
    assert db["assessments"].get(old_id)["purpose"] is None
    assert get_assessment(db, "halyna.demo", old_id)["purpose"] == "needs_assessment"
    assert {a["id"]: a["purpose"] for a in list_assessments(db, "halyna.demo", household_case)} == {
        first: "needs_assessment", old_id: "needs_assessment"}
    newer = correct_assessment(db, ACTOR, assessment_id=old_id, instrument=instrument, answers=valid_answers,
                               reason="Уточнення", today=TODAY)
    assert [a["purpose"] for a in assessment_history(db, "halyna.demo", newer)] == ["needs_assessment", "needs_assessment"]
    assert db["assessments"].get(newer)["purpose"] == "needs_assessment"
