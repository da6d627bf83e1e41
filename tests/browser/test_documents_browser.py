"""The case record's Documents tab: Chromium → Voilà (workspace.ipynb?case=ID&tab=documents) → kernel → SQLite.

At desktop size the case's worker makes the act of needs assessment (a download link appears, its file a PDF),
attaches a small PNG as its signed copy (shown beside it), is refused a text file renamed .pdf with the message
under the file, and records the act's entry into ЄІССС; on a phone (390 px) the tab fits the screen.

Waiting (as in case_cycle_pages.py): each widget is changed once before Save is clicked; a file chosen is read by
the page before its value is sent, so the tests wait until the upload button counts it.
"""
from __future__ import annotations

import base64
import random
import sqlite3
from datetime import date

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from workbench.apps.style import TOUCH_PX

from .case_cycle_pages import CasePage
from .conftest import USER
from .layout import clipped, overflowing
from .needs_assessment_page import unique_name

PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def case_with_an_act(db) -> tuple[int, int]:
    """A new family case of the page's worker with an act of needs assessment saved today; ``(case, act)``."""
    from workbench.demo import _answers
    from workbench.instruments.loader import load_builtin
    from workbench.store.assessments import save_assessment
    from workbench.store.connection import open_db

    case_id = db.register(unique_name("Документ"), "Ліна")
    instrument = load_builtin("family_needs_assessment")
    answers = _answers(random.Random(18), instrument, {d.name: 1.5 for d in instrument.domains()}, [], date.today(), 0)
    database = open_db(db.path)
    try:
        act = save_assessment(database, USER, case_id=case_id, instrument=instrument, answers=answers,
                              assessed_on=date.today())
    finally:
        database.conn.close()
    return case_id, act


def choose_file(page, name: str, content: bytes, mime: str):
    """Choose one file in the attach form's upload (its button opens the browser's file chooser) and wait until
    the kernel has it (the form names the file chosen)."""
    with page.expect_file_chooser() as chooser:
        page.click(".wb-attach-content")
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
    expect(page.locator(".wb-attach-chosen")).to_contain_text(f"Вибрано: {name}")


def test_the_worker_makes_the_act_attaches_its_signed_copy_and_records_its_entry(page, server, db):
    case_id, act = case_with_an_act(db)
    record = CasePage(page, server, db).open(case_id, "documents")

    page.select_option(".wb-make-document-what select", index=1)  # the act, the only record saved
    record.submit("make-document")
    link = page.locator(".wb-document-link")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href.startswith("data:application/pdf;base64,")
    assert base64.b64decode(href.split(",", 1)[1])[:5] == b"%PDF-"
    document_id = db.value("select id from documents where case_id = ?", [case_id])
    expect(page.locator(f".wb-document-{document_id}")).to_contain_text("Акт оцінки потреб")

    # A text file renamed .pdf: refused under the file, nothing kept.
    choose_file(page, "акт.pdf", "Це просто текст\n".encode(), "application/pdf")
    record.submit("attach")
    expect(record.error("attach", "content")).to_contain_text("Файл такого типу не приймається; приймаються: .pdf, .jpg, .jpeg, .png")
    assert db.value("select count(*) from attachments where case_id = ?", [case_id]) == 0

    # The signed copy, a PNG, attached to the document and shown beside it.
    page.select_option(".wb-attach-document_id select", index=1)
    choose_file(page, "підписаний.png", PNG_1PX, "image/png")
    record.submit("attach")
    expect(record.status("attach")).to_contain_text("Файл долучено.")
    copy = page.locator(f".wb-document-{document_id} .wb-attachment")
    expect(copy).to_contain_text("підписаний.png")
    copy.locator(".wb-attachment-open").click()
    expect(copy.locator("img.wb-attachment-preview")).to_be_visible()
    assert db.rows("select document_id, media_type from attachments where case_id = ?", [case_id]) == [
        {"document_id": document_id, "media_type": "image/png"}]

    # The act's entry into ЄІССС, today.
    page.select_option(".wb-eisss-act select", index=1)
    record.submit("eisss")
    expect(record.status("eisss")).to_contain_text("Внесення до ЄІССС записано.")
    expect(page.locator(".wb-eisss-acts")).to_contain_text(f"внесено {date.today():%d.%m.%Y}")
    conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        assert conn.execute("select assessment_id, entered_on from eisss_entries").fetchall()[-1] == (
            act, date.today().isoformat())
    finally:
        conn.close()


def test_the_documents_tab_fits_a_phone(browser, server, db):
    case_id, _ = case_with_an_act(db)
    context = browser.new_context(locale="uk-UA", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)
    try:
        phone = context.new_page()
        CasePage(phone, server, db).open(case_id, "documents")
        expect(phone.locator(".wb-eisss-acts")).to_contain_text("Акт від ")
        phone.select_option(".wb-make-document-what select", index=1)
        phone.locator(".wb-make-document-submit").tap()
        link = phone.locator(".wb-document-link")
        expect(link).to_be_visible()  # a link drawn as a button a finger can hit
        assert link.bounding_box()["height"] >= TOUCH_PX
        assert overflowing(phone) == []
        assert clipped(phone) == []
    finally:
        context.close()
