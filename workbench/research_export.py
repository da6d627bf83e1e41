"""A pseudonymised research dataset: researchers evaluate the method on it, never on the live database.

:func:`export_research_dataset` writes, in one folder, every table both as CSV (UTF-8) and Parquet,
a data dictionary (``data_dictionary.csv`` and ``.md``, in Ukrainian and English) and
``manifest.json`` (when, by whom, the options, the secret's label and fingerprint, row counts, the disclosure
control, the export's warnings and the instrument each programme uses). The folder is private (0700) and every
file in it too (0600), from the first byte (:mod:`workbench.files`). :func:`read_research_dataset` reads it back
as typed pandas frames.

Safe by default: dates shifted per client, the quasi-identifiers coarsened until fewer than 5% of the clients are
unique on them, no free text. Exact dates (``shift_dates=False``, ``workbench export --exact-dates``) and free
text are asked for, and warned about in ``export_warnings``.

The research unit, the **client**, is a case's subject: the family of a family case, the person of a
person case. Rules (see :data:`FILES` for every column):

- **Pseudonyms** are keyed hashes (:mod:`workbench.pseudonyms`) of ``client:h12`` / ``client:p34``,
  ``worker:USERNAME``, ``assessment:ID`` (the first version's id, so a correction keeps it) and
  ``goal:ID``: stable across exports with the same secret, unrelated under another. No internal id,
  case number, name, contact, address, IDP certificate or exact birth date is written; free text is
  left out unless asked for (then only goals' wish and title and answers to text items, never an
  item whose name ends in ``_name`` nor one of :data:`IDENTIFYING_ITEMS`), with a warning in the manifest.
  Only scored answers and (asked for) text answers leave: a child's date of birth and register number
  (``child_birth_date``, ``child_person``) never do, whatever their type.
- **Dates**: by default (``shift_dates``) every date of a client moves by the same −180…+180 days
  (never 0; from the keyed hash, so the same in every export), keeping the intervals within a client;
  ``shift_dates=False`` keeps the real dates, with a warning. ``followed_until`` is where open goals and
  cases are censored: a closed case's closing day, an open case's last recorded contact (the latest day of
  its intake, accompaniment, assessments, goals, reviews and services), shifted like the client's other
  dates: censored durations are the same on a shifted export as on an unshifted one, and followed_until is
  a day the export shows anyway, so it gives no client's shift away.
- **Quasi-identifiers** (programme, sex, age, household size, intake period) are coarsened with
  :func:`workbench.disclosure.choose_level`, counted on the real dates before any shift: ``age_band`` and
  ``age_at_assessment`` are the chosen level's age bands, ``household_size`` its band code; the manifest's
  ``disclosure`` says which level, and the share of unique clients before and after. Ages are computed on the
  real dates first; with ``age="year"`` the birth year is given instead of bands (and counted as it is).
- **Who is in it**: cases of persons who withdrew their consent to data processing are left out (the
  tidy frames do so), and so are cases in which any person has no consent to ``research`` (the
  configured purpose "use of pseudonymised data to evaluate results") in force, when that purpose is
  configured.
- The head of centre or an administrator exports; the researcher receives it. A refusal (no, empty or
  short secret, an unknown actor or another role, a folder already holding an export) writes nothing. The export leaves one ``audit_log``
  row (``export_research``, entity ``research_exports``) after its files are written.

Files and columns (``episode`` tells a client's cases apart; rows are ordered by pseudonym, then date;
a goal's reviews of one day in the order recorded)::

    clients       client, episode, programme, subject, category, sex, age_band | birth_year, household_size (band),
                  intake_channel, opened_on, accompaniment_started_on, closed_on, closure_reason, status,
                  followed_until, cycles, worker
    assessments   client, episode, assessment, instrument_id, instrument_version, purpose, assessed_on,
                  days_since_intake, visit, versions, age_at_assessment (band, or whole years)
    scores        client, assessment, instrument_id, domain, repeat, instance, score, n_items
    items         client, assessment, instrument_id, item, domain, repeat, instance, value
    goals         client, episode, goal, domain, weight, set_on, target_date, status, closed_on, reviews,
                  latest_level, first_reached_on [, wish, title with free text]
    goal_reviews  goal, reviewed_on, level
    services      client, episode, service_type, provided_on, duration_minutes
    text_answers  (free text only) client, assessment, instrument_id, item, repeat, instance, value
"""
from __future__ import annotations

import json
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from . import __version__, config, disclosure, i18n
from .analysis.frames import (accompaniment_cycles, assessment_frame, case_frame, case_person_frame, goal_frame,
                              goal_review_frame, service_frame)
from .files import make_private, private_folder, private_umask, write_private
from .i18n import UserError
from .pseudonyms import MAX_SHIFT_DAYS, Pseudonymiser
from .store import research as store
from .store.audit import record_export
from .store.guard import allow

# Answers that identify a person whatever their type: the child section's link to the register and the child's
# exact date of birth (the child's age in whole years, ``child_age``, is what analysis uses).
IDENTIFYING_ITEMS = ("child_person", "child_birth_date")

i18n.add({
    "export.secret_missing": {
        "uk": "Не вказано секрет для псевдонімів (файл --secret-file або змінна WB_EXPORT_SECRET). "
              "Без нього набір даних не експортується.",
        "en": "No secret for the pseudonyms was given (a --secret-file or WB_EXPORT_SECRET). "
              "Nothing is exported without one.",
    },
    "export.secret_short": {
        "uk": "Секрет для псевдонімів закороткий: потрібно щонайменше {n} знаків.",
        "en": "The secret for the pseudonyms is too short: at least {n} characters are needed.",
    },
    "export.secret_file_missing": {
        "uk": "Файл із секретом «{path}» не знайдено.",
        "en": "The secret file '{path}' was not found.",
    },
    "export.exists": {
        "uk": "У теці «{path}» уже є експорт. Вкажіть іншу теку або замініть його (--replace).",
        "en": "'{path}' already holds an export. Choose another folder or replace it (--replace).",
    },
    "export.not_empty": {
        "uk": "Тека «{path}» не порожня й не містить експорту: виберіть порожню або нову теку.",
        "en": "'{path}' is not empty and holds no export: choose an empty or new folder.",
    },
    "export.bad_age": {
        "uk": "Вік: «band» (вікові групи) або «year» (рік народження), а не «{age}».",
        "en": "Age: 'band' (age bands) or 'year' (birth year), not '{age}'.",
    },
    "export.warning.exact_dates": {
        "uk": "Дати справжні, не зсунуті (--exact-dates): разом із програмою, статтю, віком і розміром "
              "домогосподарства за днем прийому унікальні {share} клієнтів. Поводьтеся з набором як з персональними "
              "даними й передавайте його лише за угодою про обробку даних.",
        "en": "Dates are the real ones, not shifted (--exact-dates): with programme, sex, age and household size, "
              "{share} of the clients are unique on the day they came. Treat the dataset as personal data and hand "
              "it over only under a data processing agreement.",
    },
    "export.warning.above_target": {
        "uk": "Навіть на найгрубшому рівні ({level}) унікальні {share} клієнтів — не менше за ціль {target}. "
              "Дані не приховано: поводьтеся з набором як з персональними даними.",
        "en": "Even at the coarsest level ({level}) {share} of the clients are unique, not under the target of "
              "{target}. Nothing was suppressed: treat the dataset as personal data.",
    },
    "export.warning.free_text": {
        "uk": "Набір містить вільний текст (побажання, назви цілей, текстові відповіді): він може містити "
              "імена, місця та інші відомості, за якими можна впізнати людей. Поводьтеся з ним як з персональними даними.",
        "en": "This dataset holds free text (wishes, goal titles, text answers): it can contain names, places and "
              "other details by which people can be recognised. Treat it as personal data.",
    },
    "export.treatment.disclosure": {
        "uk": "Квазіідентифікатори — програма, стать, вік, розмір домогосподарства й період прийому (за справжніми "
              "датами, до зсуву) — огрублено до рівня: {level}. Унікальних за ними клієнтів — {after}; за повної "
              "точності ({full}) — {before}; ціль — менше {target}.",
        "en": "Quasi-identifiers (programme, sex, age, household size and intake period, on the real dates before "
              "any shift) are coarsened to: {level}. Clients unique on them: {after}; at full precision ({full}): "
              "{before}; the target is under {target}.",
    },
    "export.treatment.open_cases": {
        "uk": "Відкриті випадки ({n}) цензуровано в день останнього записаного контакту (followed_until), а не в день "
              "експорту: зсунутий день експорту видав би зсув дат клієнта кожному, хто знає цей день.",
        "en": "Open cases ({n}) are censored on their last recorded contact (followed_until), not on the day of the "
              "export: that day, shifted, would give the client's date shift away to whoever knows it.",
    },
})

MIN_SECRET_LENGTH = 16
RESEARCH_CONSENT = "research"
AGE_OPTIONS = ("band", "year")
PREFIXES = {"client": "C", "worker": "W", "assessment": "A", "goal": "G"}


def percent(share: float, lang: str | None = None, digits: int = 1) -> str:
    """A share as a percentage, e.g. "3,7%" in Ukrainian, "3.7%" in English (``digits`` decimals)."""
    text = f"{100 * share:.{digits}f}%"
    return text.replace(".", ",") if i18n.normalise_language(lang) == "uk" else text


# --- every file and column: (type, meaning in Ukrainian, meaning in English) ---------------------------
# Types: pseudonym, code (a configured code, e.g. a programme), date, integer, number, text (free text).

_CLIENT = ("pseudonym", "Псевдонім клієнта (сімʼї у сімейному випадку, особи в особовому); однаковий у всіх файлах",
           "The client's pseudonym (the family of a family case, the person of a person case); the same in every file")
_EPISODE = ("integer", "Номер випадку клієнта за датою відкриття (1 = перший випадок клієнта в наборі)",
            "The client's case, by opening date (1 = the client's first case in the dataset)")
_ASSESSMENT = ("pseudonym", "Псевдонім оцінювання (виправлення зберігає той самий псевдонім)",
               "The assessment's pseudonym (a correction keeps the same pseudonym)")
_INSTRUMENT = ("code", "Інструмент оцінювання (family_needs_assessment, care_profile, …)",
               "The assessment instrument (family_needs_assessment, care_profile, …)")
_DOMAIN_ITEM = ("code", "Домен (група питань), до якого належить питання",
                "The domain (group of questions) the item belongs to")
_REPEAT = ("code", "Повторювана група (напр. child — окремо для кожної дитини); порожньо поза нею",
           "The repeat group (e.g. child: once per child); empty outside repeats")
_INSTANCE = ("integer", "Номер екземпляра повторюваної групи (1, 2, … — напр. дитина); 0 поза нею",
             "The repeat instance (1, 2, …, e.g. the child); 0 outside repeats")
_GOAL = ("pseudonym", "Псевдонім цілі", "The goal's pseudonym")

FILES: dict[str, dict] = {
    "clients": {
        "uk": "Один рядок на випадок: клієнт (сімʼя або особа), програма, категорія, стать і вік заявника чи особи, "
              "перебіг випадку.",
        "en": "One row per case: the client (family or person), programme, category, sex and age of the person or "
              "the family's applicant, the case's course.",
        "columns": {
            "client": _CLIENT,
            "episode": _EPISODE,
            "programme": ("code", "Програма (family_support, idp_support, care_leavers)",
                          "Programme (family_support, idp_support, care_leavers)"),
            "subject": ("code", "household — сімейний випадок; person — випадок однієї особи",
                        "household: a family case; person: a case of one person"),
            "category": ("code", "Категорія клієнта (особи або заявника сімʼї)",
                         "The client's category (of the person or the family's applicant)"),
            "sex": ("code", "Стать особи або заявника сімʼї (female/male)",
                    "Sex of the person or of the family's applicant (female/male)"),
            "age_band": ("code", "Вікова група особи або заявника на дату відкриття випадку (групи — у словнику "
                                 "кожного експорту)",
                         "Age band of the person or applicant on the day the case opened (each export's dictionary "
                         "names its bands)"),
            "birth_year": ("integer", "Рік народження особи або заявника (не точна дата)",
                           "Birth year of the person or applicant (not the exact date)"),
            "household_size": ("code", "Кількість осіб, зареєстрованих у випадку, як код групи (1 для випадку "
                                       "однієї особи)",
                               "Persons registered in the case, as a band code (1 for a person case)"),
            "intake_channel": ("code", "Як випадок надійшов (application, referral, notification)",
                               "How the case came in (application, referral, notification)"),
            "opened_on": ("date", "Дата відкриття випадку (прийому)", "Day the case was opened (intake)"),
            "accompaniment_started_on": ("date", "Перший перехід до соціального супроводу; порожньо, якщо не було",
                                         "First move to social accompaniment; empty if none"),
            "closed_on": ("date", "Дата закриття (останнього циклу); порожньо, якщо випадок відкритий",
                          "Day of closure (of the latest cycle); empty while the case is open"),
            "closure_reason": ("code", "Причина закриття (goals_achieved, moved_away, refused, …)",
                               "Closure reason (goals_achieved, moved_away, refused, …)"),
            "status": ("code", "Стан випадку на день експорту (intake … closed)",
                       "The case's status on the day of the export (intake … closed)"),
            "followed_until": ("date", "День, на якому цензуруються відкриті цілі й випадок: для закритого випадку "
                                       "— день закриття; для відкритого — день останнього записаного контакту "
                                       "(прийом, супровід, оцінювання, цілі, перегляди, послуги), зсунутий разом з "
                                       "іншими датами клієнта",
                               "The day open goals and the case are censored on: a closed case's closing day; an "
                               "open case's last recorded contact (intake, accompaniment, assessments, goals, "
                               "reviews, services), shifted with the client's other dates"),
            "cycles": ("integer", "Кількість циклів випадку (>1: випадок відкривали повторно)",
                       "Cycles of the case (>1: the case was reopened)"),
            "worker": ("pseudonym", "Псевдонім фахівця, який веде випадок зараз",
                       "Pseudonym of the case's worker now"),
        },
    },
    "assessments": {
        "uk": "Один рядок на оцінювання (лише остання версія: виправлення враховано один раз).",
        "en": "One row per assessment (its latest version only: a correction counts once).",
        "columns": {
            "client": _CLIENT,
            "episode": _EPISODE,
            "assessment": _ASSESSMENT,
            "instrument_id": _INSTRUMENT,
            "instrument_version": ("code", "Версія інструмента", "The instrument's version"),
            "purpose": ("code", "Мета оцінювання (needs_assessment, review, child_war_status)",
                        "Why it was done (needs_assessment, review, child_war_status)"),
            "assessed_on": ("date", "Дата оцінювання", "Day of the assessment"),
            "days_since_intake": ("integer", "Днів від відкриття випадку до оцінювання",
                                  "Days from the case's opening to the assessment"),
            "visit": ("integer", "Порядковий номер оцінювання цим інструментом у випадку (1 = перше)",
                      "The assessment's number among the case's assessments with this instrument (1 = first)"),
            "versions": ("integer", "Кількість версій (1 — не виправлялося)", "Versions (1: never corrected)"),
            "age_at_assessment": ("integer", "Вік особи або заявника сімʼї на дату оцінювання, повних років",
                                  "Age of the person or the family's applicant on the day, in whole years"),
        },
    },
    "scores": {
        "uk": "Один рядок на оцінювання, домен і екземпляр повторюваної групи (напр. дитину): середнє "
              "відповідей на оцінювані питання.",
        "en": "One row per assessment, domain and repeat instance (e.g. child): the mean of the answered scored items.",
        "columns": {
            "client": _CLIENT,
            "assessment": _ASSESSMENT,
            "instrument_id": _INSTRUMENT,
            "domain": ("code", "Домен (група оцінюваних питань)", "Domain (group of scored items)"),
            "repeat": _REPEAT,
            "instance": _INSTANCE,
            "score": ("number", "Бал домену: середнє відповідей на оцінювані питання (напрям шкали — у "
                                "налаштуванні інструмента score_direction)",
                      "Domain score: mean of the answered scored items (the scale's direction is the "
                      "instrument's score_direction)"),
            "n_items": ("integer", "Кількість питань домену з відповіддю", "Answered scored items in the domain"),
        },
    },
    "items": {
        "uk": "Один рядок на відповідь на оцінюване питання (для альфи Кронбаха та аналізу питань).",
        "en": "One row per answer to a scored item (for Cronbach's alpha and item analysis).",
        "columns": {
            "client": _CLIENT,
            "assessment": _ASSESSMENT,
            "instrument_id": _INSTRUMENT,
            "item": ("code", "Назва питання в інструменті", "The item's name in the instrument"),
            "domain": _DOMAIN_ITEM,
            "repeat": _REPEAT,
            "instance": _INSTANCE,
            "value": ("number", "Відповідь (число)", "The answer (a number)"),
        },
    },
    "goals": {
        "uk": "Один рядок на ціль плану підтримки (Goal Attainment Scaling, рівні −2…+2; 0 — очікуваний результат).",
        "en": "One row per goal of a support plan (Goal Attainment Scaling, levels −2…+2; 0 = the expected outcome).",
        "columns": {
            "client": _CLIENT,
            "episode": _EPISODE,
            "goal": _GOAL,
            "domain": ("code", "Життєва сфера цілі", "The goal's life domain"),
            "weight": ("number", "Вага цілі (1, якщо не задано)", "The goal's weight (1 if none)"),
            "set_on": ("date", "Дата постановки цілі", "Day the goal was set"),
            "target_date": ("date", "Цільова дата", "Target date"),
            "status": ("code", "open / achieved / abandoned на день експорту",
                       "open / achieved / abandoned on the day of the export"),
            "closed_on": ("date", "Дата закриття цілі; порожньо, якщо відкрита",
                          "Day the goal was closed; empty if open"),
            "reviews": ("integer", "Кількість переглядів", "Number of reviews"),
            "latest_level": ("number", "Рівень на останньому перегляді (−2…+2); порожньо без переглядів",
                             "Level at the latest review (−2…+2); empty if never reviewed"),
            "first_reached_on": ("date", "Перший перегляд із рівнем ≥ 0; порожньо, якщо не було",
                                 "First review at level ≥ 0; empty if none"),
            "wish": ("text", "Побажання клієнта його словами (вільний текст)",
                     "The client's wish in their own words (free text)"),
            "title": ("text", "Назва цілі (вільний текст)", "The goal's title (free text)"),
        },
    },
    "goal_reviews": {
        "uk": "Один рядок на перегляд цілі; перегляди одного дня — у порядку запису (рівень цілі — з останнього).",
        "en": "One row per goal review; reviews of one day in the order recorded (the goal's level is the last one's).",
        "columns": {
            "goal": _GOAL,
            "reviewed_on": ("date", "Дата перегляду", "Day of the review"),
            "level": ("integer", "Досягнутий рівень GAS (−2…+2)", "GAS level reached (−2…+2)"),
        },
    },
    "services": {
        "uk": "Один рядок на надану послугу.",
        "en": "One row per service provided.",
        "columns": {
            "client": _CLIENT,
            "episode": _EPISODE,
            "service_type": ("code", "Вид послуги (за класифікатором)", "Service type (after the classifier)"),
            "provided_on": ("date", "Дата надання", "Day provided"),
            "duration_minutes": ("integer", "Тривалість, хвилин; порожньо, якщо не записано",
                                 "Duration in minutes; empty if not recorded"),
        },
    },
    "text_answers": {
        "uk": "Лише з вільним текстом: один рядок на відповідь на текстове питання (окрім імен).",
        "en": "Only with free text: one row per answer to a text item (names left out).",
        "columns": {
            "client": _CLIENT,
            "assessment": _ASSESSMENT,
            "instrument_id": _INSTRUMENT,
            "item": ("code", "Назва питання в інструменті", "The item's name in the instrument"),
            "repeat": _REPEAT,
            "instance": _INSTANCE,
            "value": ("text", "Відповідь (вільний текст)", "The answer (free text)"),
        },
    },
}
OTHER_FILES = {
    "data_dictionary": ("Цей словник: кожен файл і стовпець, тип і значення", "This dictionary: every file and "
                        "column, its type and meaning"),
    "manifest": ("Опис експорту: коли, ким, параметри, відбиток секрету, кількість рядків, контроль розкриття "
                 "(рівень огрублення, частка унікальних клієнтів до й після), застереження, інструмент кожної програми",
                 "About the export: when, by whom, options, the secret's fingerprint, row counts, disclosure control "
                 "(the level of coarsening, the share of unique clients before and after), warnings, each "
                 "programme's instrument"),
}
DATA_FILES = list(FILES)
KNOWN_NAMES = ({f"{name}.{ext}" for name in FILES for ext in ("csv", "parquet")}
               | {"data_dictionary.csv", "data_dictionary.md", "manifest.json"})


def _labels(bands) -> str:
    return ", ".join(label for _, _, label in bands)


def _columns(name: str, *, age: str, include_free_text: bool, level: disclosure.Level | None = None
             ) -> dict[str, tuple]:
    """The columns of one file, as written with these options and at this disclosure level (default: full
    precision), and their (type, uk, en)."""
    level = level or disclosure.FULL_PRECISION
    columns = dict(FILES[name]["columns"])
    ages = _labels(disclosure.AGE_BANDS[level.age]) if age == "band" and level.age in disclosure.AGE_BANDS else ""
    if name == "clients":
        columns.pop("birth_year" if age == "band" else "age_band")
        if age == "band":
            columns["age_band"] = ("code", f"Вікова група особи або заявника на дату відкриття випадку ({ages})",
                                   f"Age band of the person or applicant on the day the case opened ({ages})")
        households = disclosure.HOUSEHOLD_BANDS[level.household]
        columns["household_size"] = (
            ("code", "Кількість осіб, зареєстрованих у випадку (1 для випадку однієї особи), як код: 1, 2, 3, …",
             "Persons registered in the case (1 for a person case), as a code: 1, 2, 3, …") if households is None
            else ("code", f"Кількість осіб, зареєстрованих у випадку, групою: {_labels(households)} (1 для "
                          "випадку однієї особи)",
                  f"Persons registered in the case, in bands: {_labels(households)} (1 for a person case)"))
    if name == "assessments" and age == "band":
        columns["age_at_assessment"] = ("code", f"Вікова група особи або заявника сімʼї на дату оцінювання ({ages})",
                                        f"Age band of the person or the family's applicant on the day ({ages})")
    if name == "goals" and not include_free_text:
        columns.pop("wish")
        columns.pop("title")
    return columns


def treatment(*, shift_dates: bool, age: str, include_free_text: bool, lang: str,
              disclosure_summary: dict | None = None) -> list[str]:
    """How dates, ages, pseudonyms, quasi-identifiers and free text were treated, as sentences in ``lang``
    (``disclosure_summary``: the manifest's ``disclosure``; without it, ages as full-precision bands)."""
    uk = lang == "uk"
    level = (disclosure.Level(**disclosure_summary["level"]) if disclosure_summary else disclosure.FULL_PRECISION)
    lines = [
        ("Псевдоніми: HMAC-SHA256 із секретом організації над внутрішнім ключем (client:…, worker:…, assessment:…, "
         "goal:…), перші 16 шістнадцяткових знаків із префіксом C-, W-, A-, G-. Той самий секрет дає ті самі "
         "псевдоніми в кожному експорті; без секрету повернутися до записів неможливо. Внутрішніх номерів, номерів "
         "випадків, імен, контактів, адрес, довідок ВПО й точних дат народження в наборі немає.")
        if uk else
        ("Pseudonyms: HMAC-SHA256 with the organisation's secret over an internal key (client:…, worker:…, "
         "assessment:…, goal:…), the first 16 hex characters after the prefix C-, W-, A-, G-. The same secret gives "
         "the same pseudonyms in every export; without the secret there is no way back to the records. No internal "
         "ids, case numbers, names, contacts, addresses, IDP certificates or exact dates of birth are included."),
    ]
    if shift_dates:
        lines.append(
            f"Дати зсунуто: усі дати одного клієнта зсунуто на ту саму кількість днів (від −{MAX_SHIFT_DAYS} до "
            f"+{MAX_SHIFT_DAYS}, ніколи 0), виведену з ключового хешу клієнта (однакову в кожному експорті з тим самим "
            "секретом). Проміжки між датами одного клієнта збережено; календарні дати, дні тижня й сезони — ні."
            if uk else
            f"Dates are shifted: every date of a client moves by the same number of days (−{MAX_SHIFT_DAYS} to "
            f"+{MAX_SHIFT_DAYS}, never 0) derived from the client's keyed hash (the same in every export with the same "
            "secret). Intervals within a client are kept; calendar dates, weekdays and seasons are not.")
    else:
        lines.append("Дати справжні (не зсунуті)." if uk else "Dates are the real ones (not shifted).")
    if age == "band":
        bands = _labels(disclosure.AGE_BANDS[level.age])
        lines.append(f"Вік — вікові групи ({bands}), обчислені за справжніми датами народження й подій; точні дати "
                     "народження не експортуються." if uk else
                     f"Age is given in bands ({bands}), computed on the real dates of birth and events; exact dates "
                     "of birth are not exported.")
    else:
        lines.append("Вік — рік народження та повні роки на дату оцінювання, обчислені за справжніми датами; "
                     "точні дати народження не експортуються." if uk else
                     "Age is given as the birth year and whole years on the day of each assessment, computed on the "
                     "real dates; exact dates of birth are not exported.")
    if disclosure_summary:
        full = disclosure.Level(**disclosure_summary["full_precision"])
        lines.append(i18n.t("export.treatment.disclosure", lang, level=level.describe(lang),
                            after=percent(disclosure_summary["unique_share_after"], lang),
                            before=percent(disclosure_summary["unique_share_before"], lang),
                            full=full.describe(lang), target=percent(disclosure_summary["target"], lang, 0)))
        if disclosure_summary["open_cases"]:
            lines.append(i18n.t("export.treatment.open_cases", lang, n=disclosure_summary["open_cases"]))
    lines.append(i18n.t("export.warning.free_text", lang) if include_free_text else
                 ("Вільного тексту (побажань, нотаток, назв цілей, описів рівнів, текстових відповідей) у наборі немає."
                  if uk else
                  "No free text (wishes, notes, goal titles, level descriptions, text answers) is included."))
    lines.append("Випадки осіб, які відкликали згоду на обробку даних або не дали згоди на використання "
                 "знеособлених даних для оцінки результатів, не включено." if uk else
                 "Cases of persons who withdrew their consent to data processing, or who gave no consent to the use "
                 "of pseudonymised data to evaluate results, are left out.")
    return lines


# --- the tables ----------------------------------------------------------------------------------------

def _age_years(born: pd.Series, on: pd.Series) -> pd.Series:
    years = on.dt.year - born.dt.year
    before = (on.dt.month * 100 + on.dt.day) < (born.dt.month * 100 + born.dt.day)
    return (years - before.astype("Int64")).astype("Int64")


def _shift(frame: pd.DataFrame, columns, days: pd.Series | None) -> None:
    if days is None:
        return
    delta = pd.to_timedelta(days, unit="D")
    for column in columns:
        frame[column] = frame[column] + delta


def build_research_tables(db, actor: str, secret, *, shift_dates: bool = True, include_free_text: bool = False,
                          age: str = "band") -> tuple[dict[str, pd.DataFrame], dict]:
    """The research tables as pandas frames (nothing written), what was left out and the disclosure control:
    ``({file name: frame}, {"withdrawn_consent_cases": n, "no_research_consent_cases": n,
    "research_consent_required": bool, "disclosure": {...}})`` (the manifest's ``disclosure``, see
    :func:`disclosure_control`). Columns as in :data:`FILES` for these options at the level chosen."""
    keys = Pseudonymiser(secret)
    cases = case_frame(db, actor)
    persons = case_person_frame(db, actor)
    withdrawn = len(store.withdrawn_case_ids(db, actor))
    required = RESEARCH_CONSENT in config.codes("consent_purposes")
    no_research = 0
    if required:
        consenting = store.consented_person_ids(db, actor, RESEARCH_CONSENT)
        persons["ok"] = persons["person_id"].isin(consenting)
        ok_cases = persons.groupby("case_id")["ok"].all()
        ok_ids = set(ok_cases[ok_cases].index)
        no_research = int((~cases["case_id"].isin(ok_ids)).sum())
        cases = cases[cases["case_id"].isin(ok_ids)]
    kept = set(cases["case_id"])
    persons = persons[persons["case_id"].isin(kept)]

    # The subject person (workbench.store.people.SUBJECT_PERSON_SQL): the client of a person case, a family's
    # applicant, else its first member added; the person whose category the case frame gives.
    subject_of = store.subject_person_ids(db, actor)
    subject = (persons[persons["person_id"] == persons["case_id"].map(subject_of)].drop_duplicates("case_id")
               .set_index("case_id")[["sex", "birth_date"]])
    size = persons.groupby("case_id").size()
    cycles = accompaniment_cycles(db, actor)
    cycles = cycles[cycles["case_id"].isin(kept)].groupby("case_id").agg(
        accompaniment_started_on=("accompaniment_started_on", "min"), cycles=("cycle", "max"))

    cases = cases.join(subject, on="case_id").join(cycles, on="case_id")
    cases["household_size"] = cases["case_id"].map(size).astype("Int64")
    cases["cycles"] = cases["cycles"].fillna(1).astype("Int64")
    cases = cases.sort_values(["subject_key", "opened_on", "case_id"])
    cases["episode"] = (cases.groupby("subject_key").cumcount() + 1).astype("Int64")
    subjects = cases["subject_key"].drop_duplicates()
    client_of = dict(zip(subjects, keys.many(PREFIXES["client"], "client", subjects)))
    shift_of = {s: keys.date_shift(f"client:{s}") for s in subjects} if shift_dates else None
    cases["client"] = cases["subject_key"].map(client_of)
    workers = cases["worker"].drop_duplicates()
    cases["worker"] = cases["worker"].map(dict(zip(workers, keys.many(PREFIXES["worker"], "worker", workers))))
    known_reasons = config.codes("closure_reasons")
    cases["closure_reason"] = cases["closure_reason"].where(
        cases["closure_reason"].isna() | cases["closure_reason"].isin(known_reasons), "other")
    years = _age_years(cases["birth_date"], cases["opened_on"])
    # Counted on the real dates, before any shift: what an outsider may know of the client.
    summary = disclosure_control(pd.DataFrame({
        "client": cases["client"], "programme": cases["programme"], "sex": cases["sex"], "age": years,
        "birth_year": cases["birth_date"].dt.year, "household_size": cases["household_size"],
        "intake": cases["opened_on"]}), shift_dates=shift_dates, age=age)
    level = disclosure.Level(**summary["level"])
    summary["open_cases"] = int(cases["closed_on"].isna().sum())
    if age == "band":
        cases["age_band"] = disclosure.age_band(years, level.age)
    else:
        cases["birth_year"] = cases["birth_date"].dt.year.astype("Int64")
    cases["household_size"] = disclosure.household_band(cases["household_size"], level.household)
    by_case = cases.set_index("case_id")

    def days_of(case_ids: pd.Series) -> pd.Series | None:
        if shift_of is None:
            return None
        return case_ids.map(by_case["subject_key"]).map(shift_of)

    def attach(frame: pd.DataFrame, *columns) -> pd.DataFrame:
        frame = frame[frame["case_id"].isin(kept)]
        return frame.join(by_case[list(columns)], on="case_id")

    clients = cases.copy()
    # An open case is censored on its last recorded contact (the latest real day among its own records, noted
    # in ``seen`` before each frame's shift), a closed one on its closing day: both are days the export shows
    # anyway, so followed_until tells nothing new. The day of the export would not do: shifted, it gives every
    # open client's shift away to whoever knows that day.
    seen = {}

    def note_seen(frame: pd.DataFrame, columns) -> None:
        for column in columns:
            for case_id, day in frame.groupby("case_id")[column].max().dropna().items():
                seen[case_id] = max(seen.get(case_id, day), day)

    note_seen(clients, ["opened_on", "accompaniment_started_on"])

    # Assessments: latest versions; the pseudonym of the chain's first version; visits per case and instrument.
    assessments = attach(assessment_frame(db, actor), "client", "episode", "opened_on", "birth_date")
    roots = store.assessment_roots(db, actor)
    assessments["assessment"] = keys.many(PREFIXES["assessment"], "assessment",
                                          assessments["assessment_id"].map(roots))
    assessments = assessments.sort_values(["assessed_on", "assessment_id"])
    assessments["visit"] = (assessments.groupby(["case_id", "instrument_id"]).cumcount() + 1).astype("Int64")
    assessments["days_since_intake"] = (assessments["assessed_on"] - assessments["opened_on"]).dt.days.astype("Int64")
    years = _age_years(assessments["birth_date"], assessments["assessed_on"])
    assessments["age_at_assessment"] = disclosure.age_band(years, level.age) if age == "band" else years
    assessments["versions"] = assessments["versions"].astype("Int64")
    note_seen(assessments, ["assessed_on"])
    _shift(assessments, ["assessed_on"], days_of(assessments["case_id"]))
    by_assessment = assessments.set_index("assessment_id")
    order = assessments.sort_values(["client", "episode", "assessed_on", "visit", "assessment"])
    order = pd.Series(range(len(order)), index=order["assessment_id"])

    items = store.scored_answers(db, actor)
    items = items[items["assessment_id"].isin(by_assessment.index)].copy()
    for column in ("client", "assessment"):
        items[column] = items["assessment_id"].map(by_assessment[column])
    items["order"] = items["assessment_id"].map(order)
    items = items.sort_values(["order", "repeat", "instance", "position"], kind="stable")
    scores = (items.groupby(["order", "client", "assessment", "instrument_id", "domain", "repeat", "instance"],
                            sort=True, dropna=False)["value"].agg(score="mean", n_items="count").reset_index())

    goals = attach(goal_frame(db, actor), "client", "episode")
    goals["goal"] = keys.many(PREFIXES["goal"], "goal", goals["goal_id"])
    note_seen(goals, ["set_on", "closed_on", "first_reached_on"])  # a target date is a plan, not a contact
    _shift(goals, ["set_on", "target_date", "closed_on", "first_reached_on"], days_of(goals["case_id"]))
    reviews = goal_review_frame(db, actor)
    reviews = reviews[reviews["case_id"].isin(kept)].copy()
    reviews["goal"] = reviews["goal_id"].map(goals.set_index("goal_id")["goal"])
    note_seen(reviews, ["reviewed_on"])
    _shift(reviews, ["reviewed_on"], days_of(reviews["case_id"]))
    reviews["level"] = reviews["level"].astype("Int64")
    goals["reviews"] = goals["reviews"].astype("Int64")

    services = attach(service_frame(db, actor), "client", "episode")
    services["duration_minutes"] = services["duration_minutes"].astype("Int64")
    note_seen(services, ["provided_on"])
    _shift(services, ["provided_on"], days_of(services["case_id"]))
    last_contact = pd.to_datetime(clients["case_id"].map(seen))
    clients["followed_until"] = clients["closed_on"].where(clients["closed_on"].notna(), last_contact)
    _shift(clients, ["opened_on", "accompaniment_started_on", "closed_on", "followed_until"],
           days_of(clients["case_id"]))

    tables = {
        "clients": clients.sort_values(["client", "episode"]),
        "assessments": assessments.sort_values(["client", "episode", "assessed_on", "visit", "assessment"]),
        "scores": scores,
        "items": items,
        "goals": goals.sort_values(["client", "episode", "set_on", "goal"]),
        # A goal's reviews of one day stay in the order recorded: the later one is the goal's level.
        "goal_reviews": reviews.sort_values(["goal", "reviewed_on"], kind="stable"),
        "services": services.sort_values(["client", "episode", "provided_on", "service_type"], kind="stable"),
    }
    if include_free_text:
        words = store.goal_words(db, actor).set_index("goal_id")
        tables["goals"] = tables["goals"].join(words, on="goal_id")
        text = store.text_answers(db, actor)
        text = text[text["assessment_id"].isin(by_assessment.index) & ~text["item"].str.endswith("_name")
                    & ~text["item"].isin(IDENTIFYING_ITEMS)].copy()
        for column in ("client", "assessment"):
            text[column] = text["assessment_id"].map(by_assessment[column])
        text["order"] = text["assessment_id"].map(order)
        tables["text_answers"] = text.sort_values(["order", "repeat", "instance", "item"], kind="stable")
    for name, frame in tables.items():
        tables[name] = frame[list(_columns(name, age=age, include_free_text=include_free_text, level=level))
                             ].reset_index(drop=True)
    # 64-bit pseudonyms: a collision should never happen; if it did, refuse rather than merge two records.
    for name, column in (("assessments", "assessment"), ("goals", "goal")):
        if tables[name][column].duplicated().any():
            raise RuntimeError(f"pseudonym collision in {name}")
    if len(set(client_of.values())) != len(client_of):
        raise RuntimeError("pseudonym collision in clients")
    return tables, {"withdrawn_consent_cases": withdrawn, "no_research_consent_cases": no_research,
                    "research_consent_required": required, "disclosure": summary}


def disclosure_control(quasi: pd.DataFrame, *, shift_dates: bool, age: str) -> dict:
    """The manifest's ``disclosure`` for the clients' quasi-identifiers ``quasi`` (one row per case, real dates:
    ``client, programme, sex, age, birth_year, household_size, intake``, see :func:`workbench.disclosure.keys`):
    the level chosen from the ladder, the share of unique clients at full precision and at that level, the target.
    With exact dates every level counts on the intake day (the export shows it); with birth years, on those."""
    ladder = disclosure.LADDER
    if not shift_dates:
        ladder = disclosure.pinned(ladder, intake="day")
    if age == "year":
        ladder = disclosure.pinned(ladder, age=disclosure.BIRTH_YEAR)
    full = ladder[0]
    choice = disclosure.choose_level(quasi, ladder=ladder)
    before = disclosure.unique_share(disclosure.keys(quasi, full), quasi["client"])
    return {
        "quasi_identifiers": ["programme", "sex", "age_band" if age == "band" else "birth_year", "household_size",
                              "intake_period"],
        "intake_period": "the period of the real day the case opened, before any shift",
        "clients": int(quasi["client"].nunique()),
        "target": disclosure.TARGET,
        "level": choice.level.as_dict(),
        "level_described": {lang: choice.level.describe(lang) for lang in i18n.LANGUAGES},
        "ladder_step": choice.step,
        "ladder_steps": len(ladder),
        "full_precision": full.as_dict(),
        "unique_share_before": round(before, 4),
        "unique_share_after": round(choice.unique_share, 4),
        "meets_target": choice.meets_target,
    }


# --- writing --------------------------------------------------------------------------------------------

def _arrow_table(frame: pd.DataFrame, types: dict[str, str]):
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for column, kind in types.items():
        values = frame[column]
        if kind == "date":
            array = pa.array(pd.to_datetime(values), from_pandas=True).cast(pa.date32())
        elif kind == "integer":
            array = pa.array(values.astype("Int64"), from_pandas=True, type=pa.int64())
        elif kind == "number":
            array = pa.array(values.astype(float), from_pandas=True, type=pa.float64())
        else:  # text: an empty string is written as missing, so CSV and Parquet read back the same
            array = pa.array(values, from_pandas=True)
            array = (array.cast(pa.string()) if len(array) and array.null_count < len(array)
                     else pa.nulls(len(array), pa.string()))
            array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=list(types))


def data_dictionary(*, age: str = "band", include_free_text: bool = False,
                    level: disclosure.Level | None = None) -> pd.DataFrame:
    """Every file and column with its type and meaning (``file, column, type, meaning_uk, meaning_en``) at
    the disclosure ``level`` (default: full precision); a file's own row has an empty ``column``."""
    rows = []
    names = DATA_FILES if include_free_text else [n for n in DATA_FILES if n != "text_answers"]
    for name in names:
        rows.append({"file": f"{name}.csv / {name}.parquet", "column": "", "type": "",
                     "meaning_uk": FILES[name]["uk"], "meaning_en": FILES[name]["en"]})
        for column, (kind, uk, en) in _columns(name, age=age, include_free_text=include_free_text,
                                               level=level).items():
            rows.append({"file": f"{name}.csv / {name}.parquet", "column": column, "type": kind,
                         "meaning_uk": uk, "meaning_en": en})
    for name, (uk, en) in OTHER_FILES.items():
        rows.append({"file": "manifest.json" if name == "manifest" else "data_dictionary.csv / data_dictionary.md",
                     "column": "", "type": "", "meaning_uk": uk, "meaning_en": en})
    return pd.DataFrame(rows, columns=["file", "column", "type", "meaning_uk", "meaning_en"])


def _dictionary_markdown(dictionary: pd.DataFrame, manifest: dict) -> str:
    lines = ["# Словник даних / Data dictionary", "",
             "Псевдонімізований набір даних для оцінки результатів методу (workbench "
             f"{__version__}). / A pseudonymised dataset to evaluate the method's results (workbench {__version__}).",
             "", "## Як оброблено дані / How the data were treated", ""]
    for uk, en in zip(manifest["treatment"]["uk"], manifest["treatment"]["en"]):
        lines += [f"- {uk}", f"  / {en}"]
    if manifest["export_warnings"]:
        lines += ["", "## Застереження / Warnings", ""]
        lines += [f"- **{w['uk']}**\n  / **{w['en']}**" for w in manifest["export_warnings"]]
    lines += ["", "Типи / types: pseudonym — псевдонім / pseudonym; code — код із налаштувань / a configured code; "
              "date — дата РРРР-ММ-ДД / a date YYYY-MM-DD; integer — ціле / whole number; number — число / number; "
              "text — вільний текст / free text.", ""]
    for file, rows in dictionary.groupby("file", sort=False):
        head = rows[rows["column"] == ""].iloc[0]
        lines += [f"## {file}", "", head["meaning_uk"], "", head["meaning_en"], ""]
        columns = rows[rows["column"] != ""]
        if len(columns):
            lines += ["| column | type | значення | meaning |", "|---|---|---|---|"]
            lines += [f"| `{r.column}` | {r.type} | {r.meaning_uk} | {r.meaning_en} |" for r in columns.itertuples()]
            lines.append("")
    return "\n".join(lines)


def _check_secret(secret) -> None:
    if secret is None or (isinstance(secret, (str, bytes)) and not secret.strip()):
        raise UserError("export.secret_missing")
    if not isinstance(secret, (str, bytes)):
        raise UserError("export.secret_missing")
    if len(secret) < MIN_SECRET_LENGTH:
        raise UserError("export.secret_short", n=MIN_SECRET_LENGTH)


def holds_export(out_dir) -> bool:
    """Whether ``out_dir`` holds (part of) a research export."""
    out_dir = Path(out_dir)
    return out_dir.is_dir() and any((out_dir / name).exists() for name in KNOWN_NAMES)


def export_research_dataset(db, out_dir, *, secret, secret_label: str | None = None, actor: str,
                            shift_dates: bool = True, include_free_text: bool = False, age: str = "band",
                            replace: bool = False) -> dict:
    """Write the pseudonymised research dataset in ``out_dir`` (see the module docstring) and return its
    manifest (with ``seconds``, the time it took, which the file does not hold). Dates are shifted per client
    unless ``shift_dates`` is false; the quasi-identifiers are coarsened (the manifest's ``disclosure``); exact
    dates, free text and a share of unique clients above the target are the manifest's ``export_warnings``.
    Refuses (``UserError``,
    writing nothing) a missing, empty or short secret, an actor the policy does not allow the export
    (the head of centre and administrators make it; the researcher receives it), an unknown ``age``
    option, a folder that already holds an export (unless ``replace``) and a non-empty folder that holds
    something else."""
    started = time.perf_counter()
    _check_secret(secret)
    if age not in AGE_OPTIONS:
        raise UserError("export.bad_age", age=str(age)[:20])
    allow(db, actor, "research.export")  # before anything is read or written
    out_dir = Path(out_dir)
    if out_dir.exists():
        if holds_export(out_dir):
            if not replace:
                raise UserError("export.exists", path=str(out_dir))
        elif not out_dir.is_dir() or any(out_dir.iterdir()):
            raise UserError("export.not_empty", path=str(out_dir))
    options = {"shift_dates": bool(shift_dates), "include_free_text": bool(include_free_text), "age": age}
    made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    tables, left_out = build_research_tables(db, actor, secret, **options)
    summary = left_out["disclosure"]
    level = disclosure.Level(**summary["level"])
    fingerprint = Pseudonymiser(secret).fingerprint()
    dictionary = data_dictionary(age=age, include_free_text=include_free_text, level=level)
    files = {}
    for name, frame in tables.items():
        columns = _columns(name, age=age, include_free_text=include_free_text, level=level)
        files[name] = {"csv": f"{name}.csv", "parquet": f"{name}.parquet", "rows": len(frame),
                       "columns": {c: kind for c, (kind, _, _) in columns.items()}}
    manifest = {
        "dataset": "workbench research export",
        "made_at": made_at,
        "made_by": actor,
        "workbench_version": __version__,
        "secret_label": secret_label,
        "secret_fingerprint": fingerprint,
        "secret_fingerprint_method": "first 8 hex characters of HMAC-SHA256(secret, 'fingerprint')",
        "pseudonyms": "HMAC-SHA256(secret, namespace:key), first 16 hex characters; prefixes " + ", ".join(
            f"{p}- {n}" for n, p in PREFIXES.items()),
        "options": options,
        "research_consent_required": left_out["research_consent_required"],
        "left_out": {"withdrawn_consent_cases": left_out["withdrawn_consent_cases"],
                     "no_research_consent_cases": left_out["no_research_consent_cases"]},
        "treatment": {lang: treatment(lang=lang, disclosure_summary=summary, **options) for lang in i18n.LANGUAGES},
        "disclosure": summary,
        "export_warnings": export_warnings(summary, **options),
        "row_counts": {name: len(frame) for name, frame in tables.items()},
        "files": files,
        # Which instrument each programme's cases are assessed with, as configured when the export was made:
        # the analysis reads each programme by its own scale (workbench.evaluation.cohort.programme_instrument).
        "programme_instruments": {code: config.programme_instrument(code)
                                  for code in config.codes_in_order("programmes")},
    }
    _write(out_dir, tables, dictionary, manifest, age=age, include_free_text=include_free_text, level=level)
    try:
        record_export(db, actor, action="export_research", entity="research_exports",
                      entity_id=str(out_dir.resolve()),
                      details={"out_dir": str(out_dir.resolve()), "options": options,
                               "row_counts": manifest["row_counts"], "secret_fingerprint": fingerprint,
                               "secret_label": secret_label, "left_out": manifest["left_out"], "made_at": made_at,
                               "disclosure": {k: summary[k] for k in ("level", "unique_share_before",
                                                                      "unique_share_after", "meets_target")},
                               "export_warnings": [w["warning"] for w in manifest["export_warnings"]]})
    except BaseException:
        _remove_export(out_dir)  # an export without its audit row must not stay
        raise
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    return manifest


def export_warnings(summary: dict, *, shift_dates: bool, include_free_text: bool, age: str) -> list[dict]:
    """The manifest's ``export_warnings``: ``{"warning": code, "uk": text, "en": text}`` for exact dates, a share
    of unique clients not under the target, and free text."""
    found = []
    share, target = summary["unique_share_after"], summary["target"]
    if not shift_dates:
        found.append(("exact_dates", {lang: i18n.t("export.warning.exact_dates", lang, share=percent(share, lang))
                                      for lang in i18n.LANGUAGES}))
    if not summary["meets_target"]:
        level = disclosure.Level(**summary["level"])
        found.append(("above_target", {lang: i18n.t("export.warning.above_target", lang, level=level.describe(lang),
                                                    share=percent(share, lang), target=percent(target, lang, 0))
                                       for lang in i18n.LANGUAGES}))
    if include_free_text:
        found.append(("free_text", {lang: i18n.t("export.warning.free_text", lang) for lang in i18n.LANGUAGES}))
    return [{"warning": code, **texts} for code, texts in found]


def _write(out_dir: Path, tables, dictionary, manifest, *, age, include_free_text, level) -> None:
    """Write every file in a private temporary folder beside ``out_dir``, each file private from its first byte
    (made in memory, then :func:`workbench.files.write_private`), then move them in (the manifest last)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    def arrow_bytes(write, table) -> bytes:
        sink = pa.BufferOutputStream()
        write(table, sink)
        return sink.getvalue().to_pybytes()

    with private_umask():  # folders the export makes on the way are private too
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(temporary, ignore_errors=True)
    private_folder(temporary)
    try:
        for name, frame in tables.items():
            columns = _columns(name, age=age, include_free_text=include_free_text, level=level)
            types = {c: kind for c, (kind, _, _) in columns.items()}
            table = _arrow_table(frame, types)
            write_private(temporary / f"{name}.csv", arrow_bytes(pcsv.write_csv, table))
            write_private(temporary / f"{name}.parquet", arrow_bytes(pq.write_table, table))
        write_private(temporary / "data_dictionary.csv", dictionary.to_csv(index=False))
        write_private(temporary / "data_dictionary.md", _dictionary_markdown(dictionary, manifest))
        write_private(temporary / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        if out_dir.exists():
            make_private(out_dir)
            _remove_export(out_dir, keep_folder=True)
            names = sorted(p.name for p in temporary.iterdir() if p.name != "manifest.json") + ["manifest.json"]
            for name in names:
                os.replace(temporary / name, out_dir / name)
            temporary.rmdir()
        else:
            os.replace(temporary, out_dir)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _remove_export(out_dir: Path, keep_folder: bool = False) -> None:
    """Remove the export's own files from ``out_dir`` (and the folder, if nothing else is left)."""
    for name in KNOWN_NAMES:
        (out_dir / name).unlink(missing_ok=True)
    if not keep_folder and out_dir.is_dir() and not any(out_dir.iterdir()):
        out_dir.rmdir()


def read_research_dataset(out_dir, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    """The export in ``out_dir`` as ``{file name: frame}``, typed from its manifest: dates ``datetime64``,
    integers ``Int64``, numbers ``float``, the rest text. ``fmt`` is ``parquet`` or ``csv`` (same frames)."""
    out_dir = Path(out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    tables = {}
    for name, info in manifest["files"].items():
        types = info["columns"]
        if fmt == "parquet":
            import pyarrow.parquet as pq

            frame = pq.read_table(out_dir / info["parquet"]).to_pandas(date_as_object=False)
        elif fmt == "csv":
            frame = pd.read_csv(out_dir / info["csv"], dtype=str, keep_default_na=False, na_values=[""],
                                encoding="utf-8")
        else:
            raise ValueError(f"fmt: parquet or csv, not {fmt!r}")
        tables[name] = _typed(frame, types)
    return tables


def _typed(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column, kind in types.items():
        values = frame[column]
        if kind == "date":
            out[column] = pd.to_datetime(values).astype("datetime64[ns]")
        elif kind == "integer":
            out[column] = pd.to_numeric(values).astype("Int64")
        elif kind == "number":
            out[column] = pd.to_numeric(values).astype(float)
        else:
            out[column] = values.astype(object).where(values.notna(), None)
    return out
