"""Issue 17: every text stored in NFC, refused characters named with their position, dates and numbers refused
cleanly (workbench.text_rules, Checker, the instruments' answers and the store functions that use them)."""
import pytest

from conftest import TODAY, refused, row_counts
from workbench.gas import check_weight
from workbench.i18n import UserError
from workbench.instruments.validation import check_submission
from workbench.store.credentials import sign_in
from workbench.store.drafts import find_draft, save_draft
from workbench.store.duplicates import possible_duplicates
from workbench.store.events import record_event
from workbench.store.inputs import Checker, InvalidInput
from workbench.store.people import get_person, register_person
from workbench.store.plans import add_goal
from workbench.store.search import find_cases
from workbench.store.services import record_service
from workbench.text_rules import check_text, message, searchable

ACTOR = "olena.demo"
LEVELS = ["Живе на вулиці", "Притулок", "Кімната з іншими", "Своя кімната", "Квартира"]


# --- the rules, by kind -------------------------------------------------------------------------------

REFUSED = [  # (kind, text, code of the refused character)
    ("name", "Ко\x07валь", "0007"), ("name", "Ко\tваль", "0009"), ("name", "Ко\nваль", "000A"),
    ("name", "Ко\u200bваль", "200B"), ("name", "Ко\u00adваль", "00AD"), ("name", "Ко\u200eваль", "200E"),
    ("name", "Ко\u200dваль", "200D"), ("name", "\ufeffКоваль", "FEFF"), ("name", "Ко\ue000валь", "E000"),
    ("name", "Ко\u202eваль", "202E"), ("name", "Ко\u2028валь", "2028"), ("name", "Ко\uffffваль", "FFFF"),
    ("line", "Ко\u2066валь", "2066"), ("line", "Ко\u200bваль", "200B"), ("line", "Ко\u2029валь", "2029"),
    ("line", "Ко\rваль", "000D"),
    ("free", "Ко\x00валь", "0000"), ("free", "Ко\x1b[31mваль", "001B"), ("free", "Ко\u202aваль", "202A"),
    ("free", "Ко\u2069валь", "2069"), ("free", "Ко\ufeffваль", "FEFF"), ("free", "Ко\u2028валь", "2028"),
    ("free", "Ко\ufdd0валь", "FDD0"),
]


@pytest.mark.parametrize("kind, text, code", REFUSED)
def test_each_refused_character_is_named_with_its_position_in_both_languages(kind, text, code):
    value, problem = check_text(text, kind)
    position = 1 if text.startswith("\ufeff") else 3
    assert value is None and problem[0] == "text.bad_character"
    assert problem[1]["code"] == code and problem[1]["position"] == position
    assert f") U+{code} " in message(problem, "uk") and f"у позиції {position}." in \
        message(problem, "uk")
    assert f"), U+{code} " in message(problem, "en") and message(problem, "en").startswith("A character that is not allowed (")


@pytest.mark.parametrize("kind, text", [
    ("line", "Родина 👨\u200d👩\u200d👧"), ("line", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ("free", "Перший рядок\nдругий\tз табуляцією\r\n"), ("free", "м\u00adяко \u200eпозначено \U0001F3F4\U000E0067"),
    ("free", "Ко\ue000валь"), ("name", "Дʼяченко-Петрук О'Коннор"),
])
def test_what_each_kind_allows(kind, text):
    assert check_text(text, kind) == (text, None)


def test_the_messages_say_exactly_which_character_and_where():
    c = Checker()
    c.text("family_name", "Ко\u202eваль", kind="name")
    assert c.problems["family_name"].message("uk") == \
        "Недозволений символ (керування напрямком тексту) U+202E RIGHT-TO-LEFT OVERRIDE у позиції 3."
    assert c.problems["family_name"].message("en") == \
        "A character that is not allowed (a text-direction control), U+202E RIGHT-TO-LEFT OVERRIDE, at position 3."
    c.text("given_name", "Ол\ud800", kind="name")
    assert c.problems["given_name"].message("uk") == \
        "Пошкоджений символ (одинокий сурогат) у позиції 3; введіть його ще раз."
    assert c.problems["given_name"].message("en") == \
        "A broken character (a lone surrogate) at position 3; please type it again."
    c.text("note", "Нотатка \ufffd", kind="free")
    assert c.problems["note"].message("en") == "A broken character (the replacement character U+FFFD) at position 9; please type it again."
    assert message(check_text("a\uffffb", "free")[1], "en") == \
        "A character that is not allowed (a Unicode noncharacter), U+FFFF NONCHARACTER, at position 2."
    assert message(check_text("a\ue000b", "name")[1], "en") == \
        "A character that is not allowed (a private-use character), U+E000 PRIVATE USE CHARACTER, at position 2."
    # A combining mark belongs to the letter before it, an emoji of several code points is one character, a
    # Windows line break one: in each the override is the third character a reader sees.
    for text in ("и\u0306x\u202e", "👨\u200d👩\u200d👧x\u202e", "🇺🇦🇺🇦\u202e", "👍🏽x\u202e", "\r\nx\u202e"):
        assert check_text(text, "free")[1][1]["position"] == 3, text


@pytest.mark.parametrize("kind", ["name", "line", "free"])
def test_a_lone_surrogate_is_refused_in_every_kind(kind):
    for text in ("\ud800", "a\udfffb", "\udc80"):
        assert check_text(text, kind)[1][0] == "text.broken_character"


def test_text_is_stored_in_nfc_and_the_limit_counts_the_normalised_text():
    c = Checker()
    assert c.text("f", "  Чуи\u0306ко ", kind="name") == "Чуйко"
    assert c.text("g", "и\u0306" * 3, kind="name", limit=3) == "ййй" and not c.problems
    with pytest.raises(ValueError):
        c.text("h", "x", kind="poem")


def test_a_search_drops_nothing_it_needs_and_never_fails():
    assert searchable(" Пет\u200bренко\ud800 ") == "Пет ренко"
    assert searchable("Чуи\u0306ко") == "Чуйко"


# --- the store paths -------------------------------------------------------------------------------

def person(db, **kw):
    args = dict(family_name="Чуйко", given_name="Ірина", birth_date="1990-04-02", sex="female",
                category="family_difficult_circumstances", consent_given_on="2026-01-10", today=TODAY)
    args.update(kw)
    return register_person(db, ACTOR, **args)


def test_register_person_stores_nfc_and_refuses_each_bad_name_or_date_writing_nothing(db):
    person_id = person(db, family_name="Чуи\u0306ко", patronymic="Андріі\u0308вна")
    saved = get_person(db, ACTOR, person_id)
    assert (saved["family_name"], saved["patronymic"]) == ("Чуйко", "Андріївна") and len(saved["family_name"]) == 5
    before = row_counts(db)
    for field, value, key in [("family_name", "Ко\u202eваль", "text.bad_character"),
                              ("given_name", "Ір\ud800", "text.broken_character"),
                              ("patronymic", "Ів\u2028анівна", "text.bad_character"),
                              ("consent_given_by", "мати\u200b", "text.bad_character"),
                              ("consent_given_on", 0, "input.bad_date"), ("consent_given_on", [], "input.bad_date"),
                              ("consent_given_on", 1.5, "input.bad_date"), ("birth_date", 20260110, "input.bad_date"),
                              ("birth_date", "31.12.1899", "input.date_out_of_range"),
                              ("family_name", 7, "input.not_text")]:
        err = refused(lambda field=field, value=value: person(db, **{field: value}))
        assert isinstance(err, InvalidInput) and err.problems[field].key == key, (field, value)
    assert row_counts(db) == before


def test_an_instruments_text_answer_follows_the_free_rules(instrument, valid_answers):
    checked = check_submission(instrument, dict(valid_answers, conclusion_text="Рядок\nдругии\u0306"), today=TODAY)
    assert checked.ok and checked.answers["conclusion_text"] == "Рядок\nдругий"
    checked = check_submission(instrument, dict(valid_answers, conclusion_text="ab\u202ecd"), today=TODAY)
    [problem] = checked.problems
    assert problem.message("uk") == "Недозволений символ (керування напрямком тексту) U+202E RIGHT-TO-LEFT OVERRIDE у позиції 3."
    checked = check_submission(instrument, dict(valid_answers, conclusion_text="ab\ud800"), today=TODAY)
    assert checked.problems[0].message("en") == "A broken character (a lone surrogate) at position 3; please type " \
                                                "it again."


EVENT = dict(held_on="2026-01-05", event_type="training", project="Проєкт", place="Буча", participants=10,
             staff=["olena.demo"], today=TODAY)


@pytest.mark.parametrize("field, value", [
    ("participants", True), ("participants", 1.0), ("participants", "²"), ("participants", "9" * 5000),
    ("participants", 10**400), ("children", float("nan")), ("idps", [1]), ("held_on", 0), ("held_on", ["2026"]),
    ("project", "Проєкт\u202e"), ("place", "Буча\u200b"),
])
def test_bad_numbers_dates_and_texts_of_an_event_are_refused_cleanly(db, field, value):
    before = row_counts(db)
    err = refused(lambda: record_event(db, "olena.demo", **dict(EVENT, **{field: value})))
    assert list(err.problems) == [field]
    assert row_counts(db) == before


def test_a_services_minutes_a_goals_weight_and_a_draft_refuse_cleanly(db, household_case):
    before = row_counts(db)
    for minutes in ("²", "٣٠", "9" * 5000, True, 30.5, 1441):
        err = refused(lambda minutes=minutes: record_service(db, ACTOR, household_case, service_type="home_visit",
                                                             provided_on="2026-01-12", duration_minutes=minutes,
                                                             today=TODAY))
        assert err.problems["duration_minutes"].key == "service.duration", minutes
    for weight in (10**400, 101, float("nan")):
        err = refused(lambda weight=weight: add_goal(db, ACTOR, household_case, wish="Житло", title="Житло",
                                                     domain="housing", set_on="2026-02-01", target_date="2026-08-01", levels=LEVELS,
                                                     weight=weight, today=TODAY))
        assert err.problems["weight"].message("en") == "The weight is a positive number up to 100 (e.g. 1 or 2).", \
            weight
    with pytest.raises(UserError):
        check_weight(10**400)
    err = refused(lambda: save_draft(db, ACTOR, draft_key="k1", case_id=household_case, instrument_id="x",
                                     content={"answers": {"note": "a\udc00"}}), "text.broken_character")
    assert err.params["position"] == 2
    for key in ("key-ae\u0301.worker", "\u0439key"):  # a key is the form view's UUID: ASCII, never decomposed
        refused(lambda key=key: save_draft(db, ACTOR, draft_key=key, case_id=household_case, instrument_id="x",
                                           content={}), "draft.bad_key")
    assert row_counts(db) == before and find_draft(db, ACTOR, household_case, "x") is None
    save_draft(db, ACTOR, draft_key="k1", case_id=household_case, instrument_id="x",
               content={"answers": {"note": "Чуи\u0306ко", "и\u0306": ["и\u0306"]}})
    assert find_draft(db, ACTOR, household_case, "x")["content"] == {"answers": {"note": "Чуйко", "й": ["й"]}}


def test_a_search_with_a_broken_character_finds_the_name(db, household_case):
    rows, total = find_cases(db, ACTOR, "Тихо\u200bліс\ud800")  # a space each: "тихо" and "ліс" must both match
    assert total == 1 and rows[0]["id"] == household_case


def test_a_sign_in_with_a_broken_or_overriding_user_name_is_refused_and_recorded_harmlessly(db):
    for typed in ("olena.demo\ud800", "olena\u202e.demo"):
        result = sign_in(db, typed, "a password\ud800")
        assert not result.ok and result.refusal.key == "sign_in.refused"
    recorded = [r["username"] for r in db.query("select username from sign_ins order by id")]
    assert recorded == ["olena.demo\ufffd", "olena\ufffd.demo"]


def test_the_duplicate_check_reads_names_as_stored_and_never_fails_on_a_broken_character(db, household_case):
    found = possible_duplicates(db, ACTOR, family_name="Тихолі\u0301с\ud800", given_name="Га\u200bнна",
                                birth_date="02.04.1990", patronymic="\u202e")
    assert found and found[0]["score"] > 0.5
