"""The register of documents made (workbench.store.documents): what each kind prints, what is refused, and when a
made document shows as superseded."""
from __future__ import annotations

import hashlib
import json

import pytest

from conftest import TODAY, refused, row_counts
from workbench.store import documents
from workbench.store.assessments import correct_assessment, save_assessment

WORKER = "olena.demo"
HEAD = "halyna.demo"  # the head of centre: reads every case, sees who opened it
PDF = b"%PDF-1.7\n% a made document\n"


@pytest.fixture
def act_case(db, household_case, instrument, valid_answers):
    """The family case with its needs assessment saved (the act's record); ``(case id, assessment id)``."""
    assessment = save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=valid_answers,
                                 assessed_on="2026-02-01", today=TODAY)
    return household_case, assessment


def _make(db, case_id, kind, content=PDF, record_id=None):
    record = documents.document_record(db, WORKER, case_id=case_id, kind=kind, record_id=record_id)
    return documents.record_document(db, WORKER, case_id=case_id, kind=kind, record_id=record["record_id"],
                                     version=record["version"], lang="uk", template=f"{kind}.html sha256:ab",
                                     content=content)


def test_printable_lists_each_saved_record_with_its_version_and_labels(db, act_case):
    from workbench.store.plans import add_goal
    from workbench.store.services import record_service

    case_id, assessment = act_case
    add_goal(db, WORKER, case_id, wish="Хочу житло", title="Житло", domain="housing", set_on="2026-02-02",
             target_date="2026-08-01", levels=list("abcde"), today=TODAY)
    referral = record_service(db, WORKER, case_id, service_type="referral", provided_on="2026-02-03",
                              referral_to="Центр зайнятості", today=TODAY)
    found = {(p["kind"], p["record_id"]): p for p in documents.printable(db, WORKER, case_id)}
    assert found[("act", assessment)]["version"] == 1 and found[("act", assessment)]["on"] == "2026-02-01"
    assert found[("act", assessment)]["label_uk"] == "Акт оцінки потреб від 01.02.2026 (редакція 1)"
    assert found[("act", assessment)]["label_en"] == "Act of needs assessment of 01.02.2026 (version 1)"
    assert found[("plan", 1)]["version"] == 1
    assert found[("referral", referral)]["label_en"] == "Referral letter: Центр зайнятості, 03.02.2026"
    assert sorted(k for k, _ in found) == ["act", "consent", "consent", "plan", "referral"]  # mother and child
    assert not any(k in ("closure", "care_profile") for k, _ in found)


def test_a_draft_only_assessment_must_be_saved_first(db, household_case, instrument):
    from workbench.store.drafts import save_draft

    refused(lambda: documents.document_record(db, WORKER, case_id=household_case, kind="act"),
            "document.nothing_saved")
    save_draft(db, WORKER, draft_key="k1", case_id=household_case, instrument_id=instrument.id, content={"x": 1})
    before = row_counts(db)
    error = refused(lambda: _make(db, household_case, "act"), "document.draft_only")
    assert "save it first" in error.message("en") and "збережіть" in error.message("uk")
    assert row_counts(db) == before


def test_an_unknown_kind_and_a_record_of_another_kind_are_refused(db, act_case):
    case_id, assessment = act_case
    refused(lambda: documents.document_record(db, WORKER, case_id=case_id, kind="letter"), "argument.bad_code")
    refused(lambda: documents.document_record(db, WORKER, case_id=case_id, kind="care_profile",
                                              record_id=assessment), "document.not_this")
    refused(lambda: documents.document_record(db, WORKER, case_id=case_id, kind="act", record_id=assessment + 50),
            "document.not_this")


def test_a_correction_supersedes_the_act_made_before_it(db, act_case, instrument, valid_answers):
    case_id, first = act_case
    made = _make(db, case_id, "act")
    second = correct_assessment(db, WORKER, assessment_id=first, instrument=instrument, answers=valid_answers,
                                reason="описка", today=TODAY)
    assert documents.document_record(db, WORKER, case_id=case_id, kind="act") == {
        "kind": "act", "case_id": case_id, "record_id": second, "version": 2}
    refused(lambda: documents.document_record(db, WORKER, case_id=case_id, kind="act", record_id=first),
            "document.not_latest")
    before = row_counts(db)
    refused(lambda: documents.record_document(db, WORKER, case_id=case_id, kind="act", record_id=second, version=1,
                                              lang="uk", template="act.html", content=PDF), "document.version_changed")
    assert row_counts(db) == before
    newer = _make(db, case_id, "act")
    listed = documents.list_documents(db, WORKER, case_id)
    assert [d["id"] for d in listed] == [newer, made]
    assert [d["superseded"] for d in listed] == [False, True]
    assert listed[1]["superseded_why_en"] == "corrected: version 2 exists"
    assert listed[1]["superseded_why_uk"] == "виправлено: є редакція 2"
    assert listed[0]["superseded_why_uk"] is None and listed[0]["version"] == 2


def test_making_is_registered_and_audited_with_the_files_hash(db, act_case):
    case_id, assessment = act_case
    document_id = _make(db, case_id, "act")
    row = db["documents"].get(document_id)
    assert (row["kind"], row["record_id"], row["version"], row["size"]) == ("act", assessment, 1, len(PDF))
    assert row["sha256"] == hashlib.sha256(PDF).hexdigest() and row["made_by"] == WORKER
    audit = db.execute("select actor, entity, entity_id, details from audit_log where action = 'document.make'").fetchall()
    assert len(audit) == 1 and audit[0][:3] == (WORKER, "documents", str(document_id))
    assert json.loads(audit[0][3]) == {"case_id": case_id, "kind": "act", "record_id": assessment, "version": 1,
                                       "lang": "uk", "template": "act.html sha256:ab",
                                       "sha256": hashlib.sha256(PDF).hexdigest(), "size": len(PDF)}


def test_a_made_document_is_opened_again_as_made_and_the_opening_is_audited(db, act_case):
    from workbench.store.audit import case_readings

    case_id, _ = act_case
    document_id = _make(db, case_id, "act")
    again = _make(db, case_id, "act")  # the same bytes: the file is kept once
    assert db.execute("select count(*) from attachment_files where sha256 = ?",
                      [hashlib.sha256(PDF).hexdigest()]).fetchone()[0] == 1
    found = documents.read_document(db, HEAD, document_id)
    assert found["content"] == PDF and (found["id"], found["kind"]) == (document_id, "act")
    assert documents.read_document(db, WORKER, again)["content"] == PDF
    [head_read] = [r for r in case_readings(db, HEAD, case_id) if r["opened"] == "document" and r["actor"] == HEAD]
    assert head_read["record"] == document_id
    refused(lambda: documents.read_document(db, WORKER, again + 1), "guard.not_found")


@pytest.mark.parametrize("content", [b"", b"GIF89a", "%PDF-1.7", None])
def test_content_that_is_not_a_pdf_is_refused(db, act_case, content):
    case_id, assessment = act_case
    before = row_counts(db)
    refused(lambda: documents.record_document(db, WORKER, case_id=case_id, kind="act", record_id=assessment,
                                              version=1, lang="uk", template="act.html", content=content),
            "document.not_pdf")
    assert row_counts(db) == before


def test_a_withdrawn_consent_refuses_every_document_of_the_case(db, act_case):
    from workbench.store.cases import get_case
    from workbench.store.people import get_person, household_members, withdraw_consent

    case_id, _ = act_case
    mother, child = [m["id"] for m in household_members(db, WORKER, get_case(db, WORKER, case_id)["household_id"])]
    child_consent = documents.document_record(db, WORKER, case_id=case_id, kind="consent")["record_id"]
    made = _make(db, case_id, "consent", record_id=child_consent)
    withdraw_consent(db, WORKER, child, withdrawn_on="2026-03-01", today=TODAY)
    refused(lambda: documents.document_record(db, WORKER, case_id=case_id, kind="consent", record_id=child_consent),
            "document.consent_withdrawn")
    assert documents.list_documents(db, WORKER, case_id)[0]["superseded_why_en"] == "consent withdrawn on 01.03.2026"
    assert documents.document_record(db, WORKER, case_id=case_id, kind="act")["version"] == 1  # the child is not the subject
    withdraw_consent(db, WORKER, mother, withdrawn_on="2026-03-01", today=TODAY)
    before = row_counts(db)
    error = refused(lambda: _make(db, case_id, "act"), "document.consent_withdrawn")
    mother_name = "{family_name} {given_name}".format(**get_person(db, WORKER, mother))
    assert f"{mother_name} withdrew consent" in error.message("en") and mother_name in error.message("uk")
    refused(lambda: _make(db, case_id, "consent"), "document.nothing_saved")  # no consent in force is left
    assert documents.printable(db, WORKER, case_id) == []  # nothing is offered that would be refused
    assert row_counts(db) == before
    assert db["documents"].get(made)["kind"] == "consent"


def test_a_grown_plan_and_a_reopened_case_supersede_their_documents(db, household_case):
    from workbench.store.lifecycle import close_case, reopen_case
    from workbench.store.plans import add_action, add_goal

    goal = add_goal(db, WORKER, household_case, wish="Хочу житло", title="Житло", domain="housing",
                    set_on="2026-02-02", target_date="2026-08-01", levels=list("abcde"), today=TODAY)
    plan = _make(db, household_case, "plan")
    add_action(db, WORKER, goal, what="заява", who="мати", due_on="2026-09-01", today=TODAY)
    assert documents.document_record(db, WORKER, case_id=household_case, kind="plan")["version"] == 2
    refused(lambda: documents.document_record(db, WORKER, case_id=household_case, kind="plan", record_id=1),
            "document.not_latest")
    close_case(db, WORKER, household_case, reason="refused", goals={goal: {"kind": "abandoned", "reason": "відмова"}},
               on="2026-03-01", today=TODAY)
    closure = _make(db, household_case, "closure")
    reopen_case(db, WORKER, household_case, reason="знову", on="2026-04-01", today=TODAY)
    refused(lambda: documents.document_record(db, WORKER, case_id=household_case, kind="closure"),
            "document.nothing_saved")
    why = {d["id"]: d["superseded_why_en"] for d in documents.list_documents(db, WORKER, household_case)}
    assert why[plan].startswith("the plan has changed: now version")
    assert why[closure] == "the case was reopened on 01.04.2026"


def test_an_outsider_learns_nothing(db, act_case):
    case_id, _ = act_case
    _make(db, case_id, "act")
    before = row_counts(db)
    for call in (lambda: documents.printable(db, "nobody", case_id),
                 lambda: documents.document_record(db, "nobody", case_id=case_id, kind="letter"),
                 lambda: documents.list_documents(db, "nobody", case_id),
                 lambda: documents.record_document(db, "nobody", case_id=case_id, kind="act", record_id=1, version=1,
                                                   lang="uk", template="act.html", content=PDF)):
        assert refused(call).key.startswith("policy.")
    assert row_counts(db) == before
