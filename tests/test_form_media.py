"""Image, audio, video and file questions: a FileUpload in the form view, the file kept as an attachment of the
assessment in the save's own transaction (the answer is its name), read back audited, kept by a correction,
refused by type and size with a message under the question, and never kept in a draft."""
from __future__ import annotations

import json

import pytest

from conftest import row_counts, supervisor_of, worker_of
from test_documents_app import upload
from workbench import config
from workbench.apps.assessment_files import AssessmentFiles
from workbench.forms.view import FormView
from workbench.instruments.loader import load_instrument
from workbench.store.assessments import SubmissionInvalid, correct_assessment, get_assessment, save_assessment
from workbench.store.attachments import list_attachments, media_type_of, read_attachment
from workbench.store.audit import case_readings
from workbench.store.integrity import check_database

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 16
OGG = b"OggS\x00\x02" + b"\x00" * 20
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 16
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 16
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 16
PDF = b"%PDF-1.7\n%%EOF\n"
OSM = b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="OpenMapKit"></osm>\n'
# One file per question type: the type's question takes it.
FILES = {"image": ("фото.png", PNG), "audio": ("interview.mp3", MP3), "video": ("visit.webm", WEBM),
         "file": ("довідка.pdf", PDF), "osm": ("будинок.osm", OSM)}


def form(tmp_path, kind: str, name: str = "evidence", required: str = "yes"):
    path = tmp_path / f"{kind}.md"
    path.write_text("| survey |\n| | type | name | label::Українська (uk) | label::English (en) | required |\n"
                    f"| | {kind} | {name} | Файл | File | {required} |\n"
                    "| | text | note_text | Примітка | Note | |\n"
                    "| settings |\n| | form_id | version |\n| | media_test | 1 |\n", encoding="utf-8")
    return load_instrument(path)


@pytest.mark.parametrize("kind", ["image", "audio", "video", "file", "photo", "osm"])
def test_each_media_type_is_chosen_saved_and_read_back_with_its_bytes(db, household_case, tmp_path, kind):
    instrument = form(tmp_path, kind)
    worker = worker_of(db, household_case)
    view = FormView(instrument, "en")
    field = view.fields["evidence"]
    assert field.input.__class__.__name__ == "FileUpload"
    filename, content = FILES["image" if kind == "photo" else kind]
    assert all(ext in field.input.accept.split(",") for ext in (filename[filename.rindex("."):],))
    field.input.value = upload(filename, content)
    assert view.check().ok
    assessment_id = save_assessment(db, worker, case_id=household_case, instrument=instrument,
                                    answers=view.values())
    saved = get_assessment(db, worker, assessment_id, instrument)
    assert saved["answers"]["evidence"] == filename  # the answer is the file's name, as ODK keeps it
    files = [f for f in list_attachments(db, worker, household_case) if f["assessment_id"] == assessment_id]
    assert [f["filename"] for f in files] == [filename]
    assert read_attachment(db, worker, files[0]["id"])["content"] == content


def test_an_osm_question_takes_an_osm_file_and_refuses_other_xml(db, household_case, tmp_path):
    """ODK's osm question (with its tag presets' list, ``osm LIST``) is answered with OpenMapKit's .osm file."""
    instrument = form(tmp_path, "osm building_tags")
    assert instrument.items["evidence"].type == "osm"
    worker = worker_of(db, household_case)
    before = row_counts(db)
    for filename, content in (("page.osm", b"<?xml version='1.0'?><html></html>"), ("photo.osm", PNG)):
        with pytest.raises(SubmissionInvalid):
            save_assessment(db, worker, case_id=household_case, instrument=instrument,
                            answers={"evidence": upload(filename, content)})
    assert row_counts(db) == before
    assert media_type_of(b"<osm version='0.6'/>") == "application/vnd.openstreetmap.data+xml"


def test_every_new_signature_tells_its_type():
    assert [media_type_of(b) for b in (MP3, b"\xff\xfb\x90\x00", M4A, OGG, WAV, MP4, WEBM, b"\xff\xd8\xff\xe0")] == [
        "audio/mpeg", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav", "video/mp4", "video/webm", "image/jpeg"]


def test_a_wrong_type_a_required_file_and_a_misnamed_file_are_refused_under_the_question(db, household_case,
                                                                                         tmp_path):
    instrument = form(tmp_path, "image")
    worker = worker_of(db, household_case)
    before = row_counts(db)
    for answers, uk, en in (
            ({"evidence": upload("voice.mp3", MP3)}, "не приймаються", "not accepted"),
            ({"evidence": upload("photo.pdf", PNG)}, "не відповідає", "does not match"),
            ({"evidence": upload("empty.png", b"")}, "порожній", "empty"),
            ({"evidence": upload("a.png", PNG) + upload("b.png", PNG)}, "один файл", "one file"),  # a forged value
            ({"evidence": None}, "", "")):
        with pytest.raises(SubmissionInvalid) as caught:
            save_assessment(db, worker, case_id=household_case, instrument=instrument, answers=answers)
        problem = caught.value.checked.problems[0]
        assert problem.item == "evidence"
        assert uk in problem.message("uk") and en in problem.message("en")
        assert problem.message("uk") != problem.message("en")
    assert row_counts(db) == before  # nothing written


def test_the_form_shows_a_refused_file_under_its_question(db, household_case, tmp_path):
    from workbench.apps.needs_assessment import NeedsAssessmentApp

    instrument = form(tmp_path, "audio")
    app = NeedsAssessmentApp(db, worker_of(db, household_case), "en", instrument=instrument)
    app.show_case(household_case)
    app.open_form()
    app.form.fields["evidence"].input.value = upload("song.png", PNG)
    assert app.save() is None
    assert "not accepted" in app.form.fields["evidence"].error.value
    app.form.fields["evidence"].input.value = upload("song.ogg", OGG)
    assert app.save() is not None


def test_a_file_over_the_form_limit_is_refused_and_the_limit_is_its_own(db, household_case, tmp_path, monkeypatch):
    settings = tmp_path / "config.json"
    settings.write_text(json.dumps({"attachments": {"form_max_bytes": 1024, "max_bytes": 10}}))
    monkeypatch.setenv("WB_CONFIG", str(settings))
    config._load.cache_clear()
    try:
        instrument = form(tmp_path, "file")
        worker = worker_of(db, household_case)
        with pytest.raises(SubmissionInvalid) as caught:
            save_assessment(db, worker, case_id=household_case, instrument=instrument,
                            answers={"evidence": upload("big.pdf", PDF + b"x" * 2000)})
        assert "0.01" in caught.value.checked.problems[0].message("en")  # at most 0.01 MB (1 KiB)
        # a case's own 10-byte limit is not the form's: this 15-byte PDF is kept with the assessment
        assert save_assessment(db, worker, case_id=household_case, instrument=instrument,
                               answers={"evidence": upload("small.pdf", PDF)})
    finally:
        monkeypatch.delenv("WB_CONFIG")
        config._load.cache_clear()


def test_a_correction_keeps_the_earlier_file_or_takes_a_new_one(db, household_case, tmp_path):
    instrument = form(tmp_path, "image")
    worker = worker_of(db, household_case)
    first = save_assessment(db, worker, case_id=household_case, instrument=instrument,
                            answers={"evidence": upload("a.png", PNG)})
    view = FormView(instrument, "uk")
    view.set_values(get_assessment(db, worker, first, instrument)["answers"])
    assert "a.png" in view.fields["evidence"].file.note.value
    view.fields["evidence"].file.remove.click()  # taken back: the correction would have no file
    assert view.values()["evidence"] is None and "a.png" not in view.fields["evidence"].file.note.value
    view.set_values(get_assessment(db, worker, first, instrument)["answers"])
    view.fields["note_text"].input.value = "виправлено"
    second = correct_assessment(db, worker, assessment_id=first, instrument=instrument, answers=view.values(),
                                reason="примітка")
    kept = [f for f in list_attachments(db, worker, household_case) if f["assessment_id"] == second]
    assert [f["filename"] for f in kept] == ["a.png"]
    assert read_attachment(db, worker, kept[0]["id"])["content"] == PNG
    assert db.execute("select count(*) from attachment_files").fetchone()[0] == 1  # the bytes once
    assert check_database(db).ok
    # A new assessment cannot name a file it does not have.
    with pytest.raises(SubmissionInvalid) as caught:
        save_assessment(db, worker, case_id=household_case, instrument=instrument, answers={"evidence": "a.png"})
    assert caught.value.checked.problems[0].key == "assessment.file_not_kept"


def test_two_different_files_of_one_name_are_refused(db, household_case, tmp_path):
    path = tmp_path / "two.md"
    path.write_text("| survey |\n| | type | name | label |\n| | image | front | Front |\n| | image | back | Back |\n",
                    encoding="utf-8")
    instrument = load_instrument(path)
    with pytest.raises(SubmissionInvalid) as caught:
        save_assessment(db, worker_of(db, household_case), case_id=household_case, instrument=instrument,
                        answers={"front": upload("p.png", PNG), "back": upload("p.png", PNG + b"\x01")})
    assert caught.value.checked.problems[0].key == "assessment.file_same_name"


def test_a_draft_keeps_no_chosen_file_and_says_so(tmp_path):
    view = FormView(form(tmp_path, "video"), "en")
    view.fields["evidence"].input.value = upload("visit.mp4", MP4)
    assert view.draft_values()["evidence"] is None
    json.dumps(view.draft_values())
    assert "a draft does not keep it" in view.fields["evidence"].file.note.value


def test_the_saved_assessment_shows_its_file_with_an_audited_way_to_open_it(db, household_case, tmp_path):
    instrument = form(tmp_path, "image")
    worker = worker_of(db, household_case)
    assessment_id = save_assessment(db, worker, case_id=household_case, instrument=instrument,
                                    answers={"evidence": upload('a&b "x".png', PNG)})
    files = AssessmentFiles(db, worker)
    files.show(household_case, assessment_id, "en")
    row = files.widget.children[1]
    assert "a&amp;b &quot;x&quot;.png" in row.children[0].children[0].value
    row.children[0].children[1].click()
    assert 'download="a&amp;b &quot;x&quot;.png"' in row.children[1].value and "<img" in row.children[1].value
    assert case_readings(db, supervisor_of(db, household_case), household_case)[0]["opened"] == "attachment"


def test_a_file_in_each_repeat_entry_is_kept_once_per_save_and_the_database_checks(db, household_case, tmp_path):
    path = tmp_path / "visits.md"
    path.write_text("| survey |\n| | type | name | label |\n| | begin repeat | visit | Visit |\n"
                    "| | audio | voice | Voice |\n| | end repeat | | |\n", encoding="utf-8")
    instrument = load_instrument(path)
    worker = worker_of(db, household_case)
    answers = {"visit": [{"voice": upload("one.wav", WAV)}, {"voice": upload("two.m4a", M4A)}]}
    first = save_assessment(db, worker, case_id=household_case, instrument=instrument, answers=answers,
                            submission_key="visits-1")
    again = save_assessment(db, worker, case_id=household_case, instrument=instrument, answers=answers,
                            submission_key="visits-1")  # a second click: the same assessment, no new file rows
    assert again == first
    files = list_attachments(db, worker, household_case)
    assert [(f["filename"], f["media_type"]) for f in files] == [("one.wav", "audio/wav"), ("two.m4a", "audio/mp4")]
    assert get_assessment(db, worker, first, instrument)["answers"]["visit"] == [{"voice": "one.wav"},
                                                                                 {"voice": "two.m4a"}]
    assert check_database(db).ok
