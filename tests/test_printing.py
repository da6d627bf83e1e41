"""Documents to print and sign (workbench.printing): every kind in both languages read back from the PDF, page 1 as
an image, the refusals, templates as data (checked at load, an organisation's own, the sandbox), the command."""
from __future__ import annotations

import hashlib
import io
import json

import pytest

from conftest import TODAY, refused, row_counts
from workbench import config
from workbench.i18n import UserError
from workbench.printing import make_document
from workbench.printing.schema import describe, schema_of
from workbench.printing.templates import BUILTIN, load_template
from workbench.store import documents

HEAD = "halyna.demo"  # the demo's head of centre reads every case
WORKER = "olena.demo"
KINDS = documents.KINDS


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A small demo database (built once for the module) and, per kind, a case with a record of it."""
    from workbench.demo import build_demo
    from workbench.store.connection import open_db

    path = tmp_path_factory.mktemp("printing") / "demo.db"
    build_demo(path, seed=11, households=6, care_leavers=3, today=TODAY)
    db = open_db(path)
    cases = {}
    for (case_id,) in db.execute("select id from cases order by id"):
        for record in documents.printable(db, HEAD, case_id):
            cases.setdefault(record["kind"], (case_id, record))
    yield db, cases
    db.conn.close()


def _expected(db, kind: str, case_id: int, record: dict, lang: str) -> list[str]:
    """What the document must say, read from the store (not from the context the document was built from)."""
    from workbench.instruments.loader import load_builtin
    from workbench.store.assessments import get_assessment
    from workbench.store.cases import get_case
    from workbench.store.plans import case_goals

    case = get_case(db, HEAD, case_id)
    signature = {"uk": "(підпис)", "en": "(signature)"}[lang]
    found = [case["case_number"], signature, config.load_config()["organisation"][lang]]
    if kind in ("act", "care_profile"):
        instrument = load_builtin(kind if kind == "care_profile" else "family_needs_assessment")
        answers = get_assessment(db, HEAD, record["record_id"], instrument)["answers"]
        item = instrument.scored_items()[-1]  # the last rated domain: its rating in words
        choice = next(c for c in item.choices if c.name == str(answers[item.name]))
        found += [choice.label(lang), item.label(lang)]
        if kind == "act":
            found += [{"uk": "Керівник центру", "en": "Head of the centre"}[lang],
                      {"uk": "5. Висновок оцінювання", "en": "5. Conclusion of the assessment"}[lang]]
        else:
            found += [answers["wish_1"][:25]]
    elif kind == "plan":
        goal = case_goals(db, HEAD, case_id)[0]
        found += [goal["wish"][:25], goal["level_plus2"][:25], {"uk": "Отримувач послуг", "en": "Client"}[lang]]
    elif kind == "consent":
        person = db.execute("select p.family_name from consents c join persons p on p.id = c.person_id where c.id = ?",
                            [record["record_id"]]).fetchone()[0]
        found += [person, config.label("consent_purposes", "data_processing", lang)[:30]]
    elif kind == "referral":
        found += [db["services"].get(record["record_id"])["referral_to"]]
    elif kind == "closure":
        reason = db["case_events"].get(record["record_id"])["reason"]
        found += [config.label("closure_reasons", reason, lang), "T-"]
    return found


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_reads_back_with_its_names_dates_ratings_and_signature_lines(demo, kind, lang):
    db, cases = demo
    assert kind in cases, f"the demo has no {kind} to print"
    case_id, record = cases[kind]
    made = make_document(db, HEAD, case_id=case_id, kind=kind, lang=lang, record_id=record["record_id"])
    text = pdf_text(made.content)
    for expected in _expected(db, kind, case_id, record, lang):
        assert " ".join(expected.split()) in text, (kind, lang, expected)
    footer = {"uk": f"Сторінка 1 з {made.pages}", "en": f"Page 1 of {made.pages}"}[lang]
    assert footer in text and f"{made.version}" in text
    assert made.content.startswith(b"%PDF-") and (made.kind, made.record_id, made.lang) == (kind, record["record_id"], lang)
    row = db["documents"].get(made.document_id)
    assert row["sha256"] == hashlib.sha256(made.content).hexdigest() == made.sha256 and row["size"] == len(made.content)
    assert row["template"].startswith(f"{kind}.html sha256:")


def test_the_act_names_each_member_and_the_date_it_was_assessed(demo):
    from workbench.store.cases import get_case
    from workbench.store.people import household_members

    db, cases = demo
    case_id, record = cases["act"]
    text = pdf_text(make_document(db, HEAD, case_id=case_id, kind="act", record_id=record["record_id"]).content)
    case = get_case(db, HEAD, case_id)
    for member in household_members(db, HEAD, case["household_id"]):
        assert f"{member['family_name']} {member['given_name']}" in text
    assert "Дата оцінювання: " + record["on"][8:10] + "." + record["on"][5:7] + "." + record["on"][:4] in text


def test_page_one_as_an_image_is_not_blank(demo):
    import pypdfium2

    db, cases = demo
    case_id, _ = cases["act"]
    page = pypdfium2.PdfDocument(make_document(db, HEAD, case_id=case_id, kind="act").content)[0]
    image = page.render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert image.size[1] > image.size[0] and dark > 0.01 * image.size[0] * image.size[1]


def test_a_case_one_may_not_read_an_unknown_kind_or_language_are_refused_and_nothing_is_registered(demo):
    from workbench.demo import USERS

    db, cases = demo
    case_id, _ = cases["act"]
    holder = db.execute("select worker from cases where id = ?", [case_id]).fetchone()[0]
    outsider = next(name for name, _, role, teams in USERS
                    if role == "case_manager" and name != holder and _other_team(db, name, holder))
    before = db.execute("select count(*) from documents").fetchone()[0]
    assert refused(lambda: make_document(db, outsider, case_id=case_id, kind="act")).key.startswith("policy.")
    refused(lambda: make_document(db, HEAD, case_id=case_id, kind="letter"), "argument.bad_code")
    refused(lambda: make_document(db, HEAD, case_id=case_id, kind="act", lang="de"), "printing.language")
    assert db.execute("select count(*) from documents").fetchone()[0] == before


def _other_team(db, name, holder) -> bool:
    from workbench.store.guard import current_version

    return not set(current_version(db, name)["teams"]) & set(current_version(db, holder)["teams"])


def test_a_draft_only_assessment_and_a_withdrawn_consent_are_refused(db, household_case, instrument, valid_answers):
    from workbench.store.assessments import save_assessment
    from workbench.store.drafts import save_draft
    from workbench.store.people import withdraw_consent

    save_draft(db, WORKER, draft_key="k1", case_id=household_case, instrument_id=instrument.id, content={"x": 1})
    before = row_counts(db)
    error = refused(lambda: make_document(db, WORKER, case_id=household_case, kind="act"), "document.draft_only")
    assert "save it first" in error.message("en")
    assert row_counts(db) == before
    save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=valid_answers,
                    assessed_on="2026-02-01", today=TODAY)
    mother = db.execute("select person_id from household_members order by id limit 1").fetchone()[0]
    withdraw_consent(db, WORKER, mother, withdrawn_on="2026-03-01", today=TODAY)
    before = row_counts(db)
    refused(lambda: make_document(db, WORKER, case_id=household_case, kind="act"), "document.consent_withdrawn")
    assert row_counts(db) == before


def test_a_correction_shows_the_act_made_before_it_as_superseded(db, household_case, instrument, valid_answers):
    from workbench.store.assessments import correct_assessment, save_assessment

    first = save_assessment(db, WORKER, case_id=household_case, instrument=instrument, answers=valid_answers,
                            assessed_on="2026-02-01", today=TODAY)
    made = make_document(db, WORKER, case_id=household_case, kind="act", lang="en")
    audit = db.execute("select details from audit_log where action = 'document.make'").fetchall()
    assert [json.loads(a[0])["sha256"] for a in audit] == [made.sha256]
    correct_assessment(db, WORKER, assessment_id=first, instrument=instrument, answers=valid_answers, reason="описка",
                       today=TODAY)
    again = make_document(db, WORKER, case_id=household_case, kind="act", lang="en")
    assert again.version == 2 and "version 2" in pdf_text(again.content)
    listed = {d["id"]: d for d in documents.list_documents(db, WORKER, household_case)}
    assert listed[made.document_id]["superseded"] and not listed[again.document_id]["superseded"]
    assert listed[made.document_id]["superseded_why_en"] == "corrected: version 2 exists"


def test_the_plan_of_a_child_has_a_parents_signature_line_and_an_adults_has_none(db, household_case):
    from workbench.store.intake import register_client
    from workbench.store.plans import add_goal

    young = register_client(db, WORKER, family_name="Юний", given_name="Марко", birth_date="2010-05-05", sex="male",
                            category="care_leaver", consent_given_on="2026-01-10", programme="care_leavers",
                            intake_on="2026-01-10", today=TODAY)
    for case_id in (young, household_case):
        add_goal(db, WORKER, case_id, wish="Хочу вчитися", title="Навчання", domain="work_education",
                 set_on="2026-02-02", target_date="2026-08-01", levels=list("abcde"), today=TODAY)
    parent = "Parent / legal representative"
    assert parent in pdf_text(make_document(db, WORKER, case_id=young, kind="plan", lang="en").content)
    adults = pdf_text(make_document(db, WORKER, case_id=household_case, kind="plan", lang="en").content)
    assert parent not in adults and "Хочу вчитися" in adults and "Client" in adults


def test_a_childs_consent_is_given_and_signed_by_the_representative(db, household_case):
    consents = {c["label_en"]: c["record_id"] for c in documents.printable(db, WORKER, household_case)
                if c["kind"] == "consent"}
    [child] = [record for label, record in consents.items() if "Злата" in label]
    [mother] = [record for label, record in consents.items() if "Ганна" in label]
    text = " ".join(pdf_text(make_document(db, WORKER, case_id=household_case, kind="consent", record_id=child,
                                           lang="uk").content).split())
    assert "Я, мати, Тихоліс Ганна, даю згоду" in text and "особи, яку представляю: Тихоліс Злата" in text
    assert "Законний представник, що дає згоду: мати, Тихоліс Ганна" in text
    assert "Особа, що дає згоду" not in text
    own = " ".join(pdf_text(make_document(db, WORKER, case_id=household_case, kind="consent", record_id=mother,
                                          lang="en").content).split())
    assert "I, Тихоліс Ганна, consent" in own and "The person giving consent: Тихоліс Ганна" in own


# --- templates are data ---------------------------------------------------------------------------------

def test_a_template_with_an_unknown_field_is_refused_when_loaded_naming_template_and_field(tmp_path):
    bad = tmp_path / "our_act.html"
    bad.write_text("{% for child in children %}<p>{{ child.nickname }}</p>{% endfor %}", encoding="utf-8")
    error = refused(lambda: load_template("act", bad), "template.unknown_field")
    assert "our_act.html" in error.message("en") and "child.nickname" in error.message("en")
    assert "our_act.html" in error.message("uk") and "child.nickname" in error.message("uk")
    for text, field in (("{{ case.numbr }}", "case.numbr"), ("{% set g = children %}{{ g.title }}", "g.title"),
                        ("{{ closure.reason }}", "closure"), ("{{ t('doc.no_such') }}", "doc.no_such")):
        path = tmp_path / "t.html"
        path.write_text(text, encoding="utf-8")
        error = refused(lambda p=path: load_template("act", p))
        assert field in error.message("en") and "t.html" in error.message("uk"), (text, error.message("en"))


def test_the_sandbox_refuses_python_internals(tmp_path):
    path = tmp_path / "sneaky.html"
    path.write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    assert "__class__" in refused(lambda: load_template("consent", path), "template.unknown_field").message("en")
    path.write_text("{{ '{0.__class__}'.format(case) }}", encoding="utf-8")  # the format trick: passes the
    template = load_template("consent", path)  # field check (a method of a text), and the sandbox refuses it
    refused(lambda: template.render({"case": {"number": "1"}}, "en"), "template.render_failed")
    path.write_text('<img src="http://example.org/x.png">', encoding="utf-8")
    refused(lambda: load_template("consent", path), "template.unsupported")
    path.write_text("{% include 'other.html' %}", encoding="utf-8")
    refused(lambda: load_template("consent", path), "template.unsupported")


def test_html_fpdf2_cannot_draw_is_refused_as_the_templates_fault(db, household_case, tmp_path, monkeypatch):
    (tmp_path / "consent.html").write_text("<td>{{ person.name }}</td>", encoding="utf-8")
    (tmp_path / "org.json").write_text(json.dumps({"documents": {"templates": {"consent": "consent.html"}}}),
                                       encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(tmp_path / "org.json"))
    before = row_counts(db)
    error = refused(lambda: make_document(db, WORKER, case_id=household_case, kind="consent"), "template.render_failed")
    assert "consent.html" in error.message("uk")
    assert row_counts(db) == before


def test_an_organisations_template_named_in_configuration_is_used(demo, tmp_path, monkeypatch):
    db, cases = demo
    case_id, record = cases["referral"]
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "referral.html").write_text(
        "<h1>Лист-направлення нашого центру</h1><p>{{ referral.to }} · {{ case.number }}</p>", encoding="utf-8")
    (tmp_path / "org.json").write_text(json.dumps({"documents": {"templates": {"referral": "ours/referral.html"}}}),
                                       encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(tmp_path / "org.json"))
    made = make_document(db, HEAD, case_id=case_id, kind="referral")
    text = pdf_text(made.content)
    assert "Лист-направлення нашого центру" in text and db["services"].get(record["record_id"])["referral_to"] in text
    ours = hashlib.sha256((tmp_path / "ours" / "referral.html").read_bytes()).hexdigest()
    assert db["documents"].get(made.document_id)["template"] == f"referral.html sha256:{ours}"


def test_the_documented_context_names_every_field_and_the_builtin_templates_pass_their_check():
    context = (BUILTIN.parent / "CONTEXT.md").read_text(encoding="utf-8")
    for kind in KINDS:
        for field in describe(schema_of(kind)):
            assert f"`{field}`" in context, (kind, field)
        load_template(kind)


# --- the command ----------------------------------------------------------------------------------------

def test_the_command_writes_the_pdf_and_refuses_in_the_users_language(demo, tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    db, cases = demo
    case_id, _ = cases["plan"]
    number = db["cases"].get(case_id)["case_number"]
    path = db.execute("pragma database_list").fetchone()[2]
    monkeypatch.setenv("WB_USER", HEAD)
    out = tmp_path / "plan.pdf"
    assert main(["document", "plan", "--case", number, "--out", str(out), "--db", path, "--lang", "en"]) == 0
    assert "Individual plan" in pdf_text(out.read_bytes()) and "sha256" in capsys.readouterr().out
    monkeypatch.setenv("WB_LANG", "en")
    missing = tmp_path / "never.pdf"
    before = db.execute("select count(*) from documents").fetchone()[0]
    for kind, case, out in (("letter", number, missing), ("act", "1999-99999", missing),
                            ("act", number, tmp_path / "no" / "such.pdf")):
        assert main(["document", kind, "--case", case, "--out", str(out), "--db", path]) == 1
        assert not out.exists()
    assert db.execute("select count(*) from documents").fetchone()[0] == before
    assert "There is no case 1999-99999" in capsys.readouterr().err


def test_make_document_refuses_anything_but_a_user_error_never(demo):
    db, cases = demo
    case_id, _ = cases["act"]
    for bad in ({"kind": ["act"]}, {"record_id": "1"}, {"lang": None}, {"case_id": 10**30}):
        arguments = dict(case_id=case_id, kind="act", lang="uk") | bad
        with pytest.raises(UserError):
            make_document(db, HEAD, **arguments)
