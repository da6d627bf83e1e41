"""Synthetic demo data, from a seed, with effects planted on purpose.

Names are assembled from invented stems and endings, so they belong to no real
person. What later analysis should find, because it is planted here:

- ``family_support`` families' needs fall faster than ``idp_support`` families'
  (about −0.35 versus −0.12 points per follow-up on the 0–3 need scale);
- about 15% of families get worse over time;
- about 15% drop out after the baseline or the first follow-up;
- about 20% of baseline assessments are late (more than 5 working days after intake);
- about 5% of assessments are corrected (a new version supersedes them).

Everything is written through the same service functions the apps use, so the
demo also exercises every check.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .access import add_user
from .instruments.loader import load_builtin
from .store.assessments import correct_assessment, save_assessment
from .store.cases import open_case
from .store.connection import open_db, write_transaction
from .store.people import create_household, register_person

USERS = [
    ("olena.demo", "Олена Тихоліс (демо)", "case_manager"),
    ("andrii.demo", "Андрій Вербанюк (демо)", "case_manager"),
    ("iryna.demo", "Ірина Колосаєнко (демо)", "case_manager"),
    ("petro.demo", "Петро Ясногірко (демо)", "case_manager"),
    ("mariia.demo", "Марія Левадчук (демо), супервізорка", "supervisor"),
    ("oksana.demo", "Оксана Дібровець (демо), дослідниця", "researcher"),
]
CASE_MANAGERS = [u for u, _, r in USERS if r == "case_manager"]
SUPERVISOR = "mariia.demo"

_STEMS = ["Тихо", "Верба", "Колос", "Ясно", "Левад", "Дібро", "Ковил", "Житн", "Сосн", "Калин", "Ожин",
          "Явор", "Гречан", "Лепест", "Очерет", "Буков", "Ясен", "Терн", "Чебрец", "Ромаш", "Вишн", "Морел"]
_ENDINGS = ["енко", "ук", "юк", "чук", "ець", "ишин", "овський", "ар", "ан", "ич"]
_FEMALE_GIVEN = ["Олена", "Ірина", "Марія", "Оксана", "Наталія", "Ганна", "Тетяна", "Юлія", "Софія",
                 "Дарина", "Вікторія", "Катерина", "Єва", "Іванна", "Злата", "Ольга", "Людмила", "Ґражина"]
_MALE_GIVEN = ["Олександр", "Андрій", "Петро", "Тарас", "Богдан", "Іван", "Максим", "Дмитро", "Назар",
               "Ярослав", "Євген", "Ігор", "Остап", "Юрій", "Матвій", "Артем", "Олексій", "Ілля"]
_RATE = {"family_support": -0.35, "idp_support": -0.12}


@dataclass
class DemoSummary:
    persons: int
    households: int
    cases: int
    assessments: int
    corrections: int


def build_demo(path, *, seed: int = 2026, households: int = 240, care_leavers: int = 60,
               today: date | None = None) -> DemoSummary:
    """Write a synthetic database at ``path`` (which must not hold a workbench yet)."""
    rng = random.Random(seed)
    today = today or date.today()
    db = open_db(path)
    instrument = load_builtin("family_needs_assessment")
    with write_transaction(db):
        for username, name, role in USERS:
            add_user(db, username, name, role)
    n_persons = n_assessments = n_corrections = 0
    n_cases = 0
    for _ in range(households):
        programme = "family_support" if rng.random() < 0.55 else "idp_support"
        worker = rng.choice(CASE_MANAGERS)
        opened = today - timedelta(days=rng.randint(40, 460))
        family = _family_name(rng)
        members, children = _household_people(rng, db, worker, family, programme, opened)
        n_persons += len(members)
        with write_transaction(db):
            household_id = create_household(db, worker, label=family, members=members)
            case_id = open_case(db, worker, programme=programme, worker=worker,
                                household_id=household_id, opened_on=opened, today=today)
            n_cases += 1
            saved = _assessments(rng, db, worker, case_id, instrument, programme, opened, children, today)
            n_assessments += len(saved)
            for assessment_id, answers, assessed_on in saved:
                if rng.random() < 0.05:
                    answers = dict(answers, conclusion_text=answers["conclusion_text"] + " (уточнено)")
                    correct_assessment(db, worker, assessment_id=assessment_id, instrument=instrument,
                                       answers=answers, reason="Уточнено висновок після розмови з сімʼєю",
                                       assessed_on=assessed_on, today=today)
                    n_corrections += 1
    for _ in range(care_leavers):
        worker = rng.choice(CASE_MANAGERS)
        opened = today - timedelta(days=rng.randint(20, 400))
        sex = rng.choice(["female", "male"])
        with write_transaction(db):
            person_id = register_person(
                db, worker, family_name=_family_name(rng, sex), given_name=_given(rng, sex),
                birth_date=opened - timedelta(days=rng.randint(16 * 365, 23 * 365)), sex=sex,
                category="care_leaver", consent_given_on=opened, today=today)
            open_case(db, worker, programme="care_leavers", worker=worker, person_id=person_id,
                      opened_on=opened, today=today)
        n_persons += 1
        n_cases += 1
    db.conn.close()
    return DemoSummary(n_persons, households, n_cases, n_assessments, n_corrections)


def _family_name(rng, sex="male") -> str:
    name = rng.choice(_STEMS) + rng.choice(_ENDINGS)
    if sex == "female" and name.endswith("ський"):
        name = name[:-5] + "ська"
    return name


def _given(rng, sex) -> str:
    return rng.choice(_FEMALE_GIVEN if sex == "female" else _MALE_GIVEN)


def _household_people(rng, db, worker, family, programme, opened):
    category = "idp" if programme == "idp_support" else "family_difficult_circumstances"
    people, children = [], []
    adults = [("female", "applicant")] + ([("male", "spouse")] if rng.random() < 0.6 else [])
    if rng.random() < 0.2:
        adults.append(("female", "grandparent"))
    for sex, relation in adults:
        age_days = rng.randint(60 * 365, 72 * 365) if relation == "grandparent" else rng.randint(22 * 365, 50 * 365)
        people.append((register_person(
            db, worker, family_name=_family_name(rng, sex) if relation == "grandparent" else family,
            given_name=_given(rng, sex), birth_date=opened - timedelta(days=age_days), sex=sex,
            category=category, consent_given_on=opened), relation))
    for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 4])):
        sex = rng.choice(["female", "male"])
        age = rng.randint(0, 17)
        name = _given(rng, sex)
        people.append((register_person(
            db, worker, family_name=family, given_name=name,
            birth_date=opened - timedelta(days=age * 365 + rng.randint(0, 360)), sex=sex,
            category=category, consent_given_on=opened), "child"))
        children.append((name, age))
    return people, children


def _assessments(rng, db, worker, case_id, instrument, programme, opened, children, today):
    """Baseline and follow-ups every ~2 months, following the planted trajectories."""
    kind = rng.random()
    rate = _RATE[programme] + rng.gauss(0, 0.08)
    if kind < 0.15:
        rate = abs(rate) * 0.6 + 0.1  # gets worse
    baseline = {d.name: min(2.8, max(0.6, rng.gauss(1.8, 0.45))) for d in instrument.domains()}
    dropout_after = rng.choice([1, 2]) if rng.random() < 0.15 else 99
    late = rng.random() < 0.2
    when = opened + timedelta(days=rng.randint(8, 25) if late else rng.randint(0, 4))
    saved, visit = [], 0
    while when <= today and visit < min(dropout_after, 5):
        latent = {d: v + rate * visit for d, v in baseline.items()}
        answers = _answers(rng, instrument, latent, children, when, visit)
        assessment_id = save_assessment(db, worker, case_id=case_id, instrument=instrument, answers=answers,
                                        assessed_on=when, today=today)
        saved.append((assessment_id, answers, when))
        visit += 1
        when += timedelta(days=rng.randint(50, 75))
    return saved


def _level(rng, latent: float) -> str:
    return str(min(3, max(0, round(latent + rng.gauss(0, 0.45)))))


def _answers(rng, instrument, latent, children, when, visit) -> dict:
    urgent = visit == 0 and rng.random() < 0.06
    answers = {
        "visit_date": when, "urgent": "yes" if urgent else "no",
        "problem_duration": rng.choice(["under_1_month", "months_1_6", "months_6_12", "over_1_year"]),
        "household_size": 1 + len(children) + rng.randint(0, 2),
        "income_per_person": round(rng.uniform(1500, 9000), 2),
        "income_sources": rng.sample(["wages", "pension", "social_assistance", "idp_allowance", "child_benefit",
                                      "irregular_work"], k=rng.randint(1, 3)),
        "awareness": rng.choice(["full", "partial", "none"]),
        "readiness": rng.choice(["ready", "ready", "partial", "refuses"]),
        "conclusion_text": "Висновок за результатами візиту (демо).",
    }
    if urgent:
        answers["urgent_details"] = "Загроза здоровʼю дитини; повідомлено службу у справах дітей (демо)."
    for domain in ("parenting_capacity", "family_environment"):
        for item in instrument.scored_items(domain):
            answers[item.name] = _level(rng, latent[domain])
    need = sum(latent.values()) / len(latent)
    answers["in_difficult_circumstances"] = "yes" if need >= 1.2 else "no"
    if need >= 1.2:
        answers["case_complexity"] = "complex" if need >= 2 else "simple"
    answers["child"] = [
        dict({"child_name": name, "child_age": min(17, age + visit // 6)},
             **{i.name: _level(rng, latent["child_development"]) for i in instrument.scored_items("child_development")})
        for name, age in children]
    return answers
