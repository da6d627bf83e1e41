"""The case record's Documents tab without a browser: documents made with their signed copies beside them, a copy
attached (or refused under its field), a file opened (audited), the act's entry into ЄІССС recorded; what shows
follows the policy."""
from __future__ import annotations

import base64
import re
from datetime import date, datetime, timezone

import pytest

from conftest import TODAY, row_counts
from workbench.apps.documents import DocumentsApp
from workbench.store.assessments import correct_assessment, save_assessment
from workbench.store.attachments import add_attachment
from workbench.store.audit import case_readings
from workbench.store.documents import record_document

WORKER, HEAD, OUTSIDER = "olena.demo", "halyna.demo", "iryna.demo"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
PDF = b"%PDF-1.7\n% a test's PDF\n%%EOF\n"
ACT_ON = date(2026, 6, 10)  # a Wednesday: due in ЄІССС on Thursday 11.06; TODAY (15.06) is past it


@pytest.fixture
def act(db, household_case, instrument, valid_answers):
    return save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=valid_answers,
                           assessed_on=ACT_ON, today=TODAY)


@pytest.fixture
def made(db, household_case, act):
    """A document of the act, registered as the printing makes one."""
    return record_document(db, WORKER, case_id=household_case, kind="act", record_id=act, version=1, lang="uk",
                           template="act.html sha256:0f1e", content=PDF)


def upload(name: str, content: bytes) -> tuple:
    """What a FileUpload's value holds once the browser sent one file."""
    return ({"name": name, "type": "", "size": len(content), "content": memoryview(content),
             "last_modified": datetime(2026, 6, 15, tzinfo=timezone.utc)},)


def test_the_act_to_enter_shows_overdue_and_its_entry_is_recorded_through_the_form(db, household_case, act):
    app = DocumentsApp(db, WORKER, "uk", today=TODAY, case_id=household_case)
    assert "wb-eisss-overdue" in app.acts.value and "Прострочено" in app.acts.value
    assert "внести до 11.06.2026" in app.acts.value
    form = app.forms["eisss"]
    form.inputs["act"].value = act
    form.inputs["entered_on"].value = "09.06.2026"  # before the act: refused under the date
    form.submit.click()
    assert "10.06.2026" in form.errors["entered_on"].value
    form.inputs["entered_on"].value = "11.06.2026"
    form.submit.click()
    assert "Внесення до ЄІССС записано." in form.status.value
    assert "внесено 11.06.2026" in app.acts.value and "Прострочено" not in app.acts.value
    assert db.execute("select assessment_id, entered_on from eisss_entries").fetchall() == [(act, "2026-06-11")]
    # An act is entered once: it is no longer offered, and with none left the form goes.
    assert [value for _, value in form.inputs["act"].options] == [None]
    assert form.widget.layout.display == "none"


def test_a_signed_copy_is_attached_beside_its_document_and_opened_with_a_preview(db, household_case, made):
    app = DocumentsApp(db, WORKER, "uk", today=TODAY, case_id=household_case)
    assert "Акт оцінки потреб" in app.documents.children[0].children[0].value
    form = app.forms["attach"]
    form.inputs["document_id"].value = made
    form.inputs["content"].value = upload("підписаний.png", PNG)
    form.inputs["note"].value = "Підписано мамою"
    assert app.chosen.value == "Вибрано: підписаний.png (1 КБ)"
    form.submit.click()
    assert "Файл долучено." in form.status.value
    assert form.inputs["content"].value == () and app.chosen.value == ""  # cleared for the next file
    entry = app.documents.children[0]
    assert "wb-document-" + str(made) in entry._dom_classes
    copy = entry.children[-1]
    assert "підписаний.png" in copy.children[0].children[0].value
    copy.children[0].children[1].click()  # open: reads the bytes, audited
    shown = copy.children[1].value
    assert 'download="підписаний.png"' in shown
    assert base64.b64decode(re.search(r'href="data:image/png;base64,([^"]+)"', shown).group(1)) == PNG
    assert "wb-attachment-preview" in shown
    assert case_readings(db, HEAD, household_case)[0]["opened"] == "attachment"


def test_a_text_file_renamed_pdf_is_refused_under_the_file_and_nothing_is_written(db, household_case):
    app = DocumentsApp(db, WORKER, "en", today=TODAY, case_id=household_case)
    before = row_counts(db)
    form = app.forms["attach"]
    form.inputs["content"].value = upload("act.pdf", b"just text\n")
    form.submit.click()
    assert "not accepted; accepted: .pdf, .jpg, .jpeg, .png" in form.errors["content"].value
    form.inputs["content"].value = ()
    form.submit.click()  # no file chosen
    assert "This field is required." in form.errors["content"].value
    assert row_counts(db) == before


def test_a_correction_marks_the_document_superseded(db, household_case, act, made, instrument, valid_answers):
    correct_assessment(db, WORKER, assessment_id=act, instrument=instrument, answers=valid_answers, reason="описка",
                       today=TODAY)
    app = DocumentsApp(db, WORKER, "en", today=TODAY, case_id=household_case)
    assert "Superseded by a later version of the record" in app.documents.children[0].children[0].value


def test_the_head_reads_and_opens_but_attaches_and_records_nothing_and_an_outsider_sees_nothing(db, household_case,
                                                                                                act):
    add_attachment(db, WORKER, case_id=household_case, filename="скан.pdf", content=PDF)
    head = DocumentsApp(db, HEAD, "uk", today=TODAY, case_id=household_case)
    assert head.forms["attach"].widget.layout.display == "none"
    assert head.forms["eisss"].widget.layout.display == "none"
    assert head.forms["make"].widget.layout.display != "none"
    general = head.documents.children[-1]
    assert "wb-documents-general" in general._dom_classes
    general.children[-1].children[0].children[1].click()
    assert 'download="скан.pdf"' in general.children[-1].children[1].value
    assert "wb-attachment-preview" not in general.children[-1].children[1].value  # a PDF: a link, no preview
    outsider = DocumentsApp(db, OUTSIDER, "uk", today=TODAY, case_id=household_case)
    assert outsider.case_box.layout.display == "none" and outsider.status.value
    assert "скан.pdf" not in str([c for c in outsider.documents.children])


def test_the_records_to_make_a_document_of_are_offered_in_the_language_shown(db, household_case, act):
    app = DocumentsApp(db, WORKER, "uk", today=TODAY, case_id=household_case)
    offered = app.forms["make"].inputs["what"].options
    assert ("act", act) in [value for _, value in offered]
    app.set_language("en")
    assert any(label.startswith("Act of needs assessment") for label, _ in app.forms["make"].inputs["what"].options)
    assert "Make the PDF" == app.forms["make"].submit.description


def test_the_act_is_made_as_a_pdf_offered_for_download_and_listed(db, household_case, act):
    app = DocumentsApp(db, WORKER, "uk", today=TODAY, case_id=household_case)
    form = app.forms["make"]
    form.submit.click()  # nothing picked: asked for under the field
    assert "Це поле обовʼязкове." in form.errors["what"].value
    form.inputs["what"].value = ("act", act)
    form.inputs["lang"].value = "en"
    form.submit.click()
    assert "Документ зроблено" in form.status.value
    href = re.search(r'href="data:application/pdf;base64,([^"]+)"', app.made.value).group(1)
    assert base64.b64decode(href)[:5] == b"%PDF-" and "wb-document-link" in app.made.value
    [doc] = db.execute("select id, kind, record_id, lang from documents").fetchall()
    assert doc[1:] == ("act", act, "en")
    assert "Англійська" in app.documents.children[0].children[0].value
    [label] = [label for label, value in app.forms["attach"].inputs["document_id"].options if value == doc[0]]
    assert "Акт оцінки потреб · редакція 1 · Англійська" in label
    # The made document opens again, the same file (the page reloaded, the link gone): audited as an opening.
    app.set_language("uk")
    assert app.made.value == ""
    [entry] = [box for box in app.documents.children if f"wb-document-{doc[0]}" in box._dom_classes]
    [button] = [c for c in entry.children if "wb-document-open" in getattr(c, "_dom_classes", ())]
    button.click()
    shown = next(c for c in entry.children if "wb-document-shown" in getattr(c, "_dom_classes", ()))
    again = re.search(r'href="data:application/pdf;base64,([^"]+)"', shown.value).group(1)
    assert again == href and "wb-download" in shown.value
    assert [r["opened"] for r in case_readings(db, HEAD, household_case)][0] == "document"


def test_a_second_click_on_save_writes_nothing_more(db, household_case, act):
    app = DocumentsApp(db, WORKER, "uk", today=TODAY, case_id=household_case)
    attach, entry = app.forms["attach"], app.forms["eisss"]
    attach.inputs["content"].value = upload("скан.png", PNG)
    attach.submit.click()
    attach.submit.click()
    entry.inputs["act"].value = act
    entry.submit.click()
    entry.submit.click()
    assert db.execute("select count(*) from attachments").fetchone()[0] == 1
    assert db.execute("select count(*) from eisss_entries").fetchone()[0] == 1
    assert "Внесення до ЄІССС записано." in entry.status.value
