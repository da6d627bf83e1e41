"""Files kept with a case (workbench.store.attachments): told by their bytes, limited in size, stored once,
audited, and checked by ``workbench check``."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import TODAY, refused, row_counts
from workbench.store.attachments import add_attachment, list_attachments, read_attachment
from workbench.store.audit import audit_rows, case_readings
from workbench.store.inputs import InvalidInput
from workbench.store.integrity import check_database, describe

WORKER, HEAD, OUTSIDER = "olena.demo", "halyna.demo", "iryna.demo"
PDF = b"%PDF-1.7\n% a scanned signed act\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def test_a_signed_copy_is_kept_listed_and_read_back_with_its_reading_audited(db, household_case):
    first = add_attachment(db, WORKER, case_id=household_case, filename="Акт підписаний.PDF", content=PDF,
                           note="Підписано сімʼєю")
    second = add_attachment(db, WORKER, case_id=household_case, filename="фото.jpeg", content=memoryview(JPEG))
    heads = list_attachments(db, HEAD, household_case)
    assert [h["id"] for h in heads] == [first, second]
    assert heads[0]["media_type"] == "application/pdf" and heads[0]["size"] == len(PDF)
    assert heads[1]["media_type"] == "image/jpeg" and "content" not in heads[1]
    assert heads[0]["added_by"] == WORKER and heads[0]["note"] == "Підписано сімʼєю"
    read = read_attachment(db, HEAD, first)
    assert read["content"] == PDF and read["filename"] == "Акт підписаний.PDF"
    readings = case_readings(db, HEAD, household_case)
    assert readings[0]["opened"] == "attachment" and readings[0]["record"] == first
    from workbench.analysis.readings import readings_table

    assert readings_table(db, HEAD, household_case, "en").iloc[0].tolist()[2:] == ["a file of the case", first]
    added = [r for r in audit_rows(db, HEAD, "cases", household_case) if r["action"] == "add_attachment"]
    assert [r["details"]["attachment_id"] for r in added] == [first, second]


def test_the_same_file_twice_is_stored_once(db, household_case):
    add_attachment(db, WORKER, case_id=household_case, filename="a.png", content=PNG)
    add_attachment(db, WORKER, case_id=household_case, filename="b.png", content=PNG)
    assert db.execute("select count(*) from attachment_files").fetchone()[0] == 1
    assert len(list_attachments(db, WORKER, household_case)) == 2


@pytest.mark.parametrize("filename, content, field, key", [
    ("act.pdf", b"just some text, renamed\n", "content", "attachment.bad_type"),
    ("act.pdf", b"", "content", "attachment.empty"),
    ("act.pdf", "%PDF-1.7", "content", "attachment.not_bytes"),
    ("act.png", PDF, "filename", "attachment.extension"),
    ("act", PNG, "filename", "attachment.extension"),
    ("../act.pdf", PDF, "filename", "attachment.path"),
    ("act\u202egpj.pdf", PDF, "filename", "text.bad_character"),
    ("", PDF, "filename", "input.required"),
])
def test_what_is_not_a_pdf_or_an_image_or_misnamed_is_refused_under_its_field(db, household_case, filename, content,
                                                                              field, key):
    before = row_counts(db)
    with pytest.raises(InvalidInput) as caught:
        add_attachment(db, WORKER, case_id=household_case, filename=filename, content=content)
    assert caught.value.problems[field].key == key
    assert caught.value.message("uk") != caught.value.message("en")
    assert row_counts(db) == before


def test_a_file_over_the_configured_limit_is_refused_naming_the_limit_in_mb(db, household_case, tmp_path, monkeypatch):
    from workbench import config

    settings = tmp_path / "config.json"
    settings.write_text(json.dumps({"attachments": {"max_bytes": 1536 * 1024, "media_types": ["application/pdf"]}}))
    monkeypatch.setenv("WB_CONFIG", str(settings))
    config._load.cache_clear()
    try:
        big = PDF + b"0" * (2 * 1024 * 1024)
        with pytest.raises(InvalidInput) as caught:
            add_attachment(db, WORKER, case_id=household_case, filename="big.pdf", content=big)
        assert caught.value.problems["content"].message("en") == "The file is too large (2.01 MB): at most 1.5 MB."
        assert "найбільше 1.5 МБ" in caught.value.problems["content"].message("uk")
        with pytest.raises(InvalidInput) as caught:  # a PNG, though a known type, is not configured here
            add_attachment(db, WORKER, case_id=household_case, filename="a.png", content=PNG)
        assert caught.value.problems["content"].key == "attachment.type_not_allowed"
    finally:
        monkeypatch.delenv("WB_CONFIG")
        config._load.cache_clear()


def test_a_record_of_another_case_and_an_outsider_are_refused(db, household_case, instrument, valid_answers):
    from workbench.store.assessments import save_assessment
    from workbench.store.intake import register_client

    other = register_client(db, WORKER, family_name="Друга", given_name="Справа", birth_date="1970-01-01",
                            sex="male", category="family_difficult_circumstances", consent_given_on="2026-03-01",
                            programme="family_support", intake_on="2026-03-01", today=TODAY)
    theirs = save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=valid_answers,
                             assessed_on="2026-02-01", today=TODAY)
    before = row_counts(db)
    refused(lambda: add_attachment(db, WORKER, case_id=other, filename="a.pdf", content=PDF, assessment_id=theirs),
            "attachment.other_case")
    refused(lambda: add_attachment(db, WORKER, case_id=other, filename="a.pdf", content=PDF, document_id=999),
            "guard.not_found")
    refused(lambda: add_attachment(db, OUTSIDER, case_id=household_case, filename="a.pdf", content=PDF))
    refused(lambda: add_attachment(db, HEAD, case_id=household_case, filename="a.pdf", content=PDF))
    assert row_counts(db) == before
    mine = add_attachment(db, WORKER, case_id=household_case, filename="a.pdf", content=PDF, assessment_id=theirs)
    refused(lambda: read_attachment(db, OUTSIDER, mine))
    refused(lambda: list_attachments(db, OUTSIDER, household_case))
    refused(lambda: read_attachment(db, WORKER, mine + 1), "guard.not_found")


def test_check_names_a_file_whose_bytes_were_changed(db, db_path, household_case, tmp_path, capsys):
    from conftest import copy_database
    from workbench.cli import main

    add_attachment(db, WORKER, case_id=household_case, filename="a.png", content=PNG)
    assert check_database(db).ok
    db.conn.close()  # its last writes into the file itself, out of the WAL
    copy = copy_database(db_path, tmp_path / "copy.db")
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("drop trigger attachment_files_no_update")
    conn.execute("update attachment_files set content = ?", [PNG + b"\x01"])
    conn.close()
    assert main(["check", "--db", str(copy)]) == 1
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    digest = __import__("hashlib").sha256(PNG).hexdigest()
    assert f"The file {digest[:12]}… does not match its SHA-256: its bytes were changed (case attachments #1)." in shown
    assert f"Вміст файлу {digest[:12]}… не збігається зі своїм SHA-256" in shown
    assert "a.png" not in shown  # a file's name may be a client's
    assert any("attachment_files_no_update" in line for line in describe(check_database_of(copy)))


def check_database_of(path):
    from workbench.store.connection import open_db

    db = open_db(path)
    try:
        return check_database(db)
    finally:
        db.conn.close()
