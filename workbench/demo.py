"""Synthetic demo data, from a seed, with effects planted on purpose.

Names are assembled from invented stems and endings, so they belong to no real
person. What later analysis should find, because it is planted here:

- ``family_support`` families' needs fall faster than ``idp_support`` families'
  (about −0.35 versus −0.12 points per follow-up on the 0–3 need scale);
- about 15% of families get worse over time;
- about 15% drop out after the baseline or the first follow-up (closed as refused or moved away);
- about 20% of first assessments are late (more than 5 working days after intake);
- about 5% of assessments are corrected (a new version supersedes them);
- about 6% of cases are flagged urgent at intake; about 8% are handed to another worker;
- families that improve over four or more assessments are closed with their goals achieved;
- about 2% of families withdraw their consent later (and leave the analysis).

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
from .store.connection import open_db, write_transaction
from .store.intake import intake
from .store.lifecycle import case_state, close_case, extend_accompaniment, move_case, transfer_case
from .store.people import household_members, withdraw_consent
from .store.services import record_referral_outcome, record_service

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
_COMMUNITIES = [("Київська міська", "Київ"), ("Бучанська міська", "Буча"), ("Броварська міська", "Бровари"),
                ("Ірпінська міська", "Ірпінь"), ("Білоцерківська міська", "Біла Церква")]
_FROM = ["Маріуполь", "Бахмут", "Херсон", "Покровськ", "Сєвєродонецьк", "Мелітополь"]
_REFERRERS = ["Служба у справах дітей", "Заклад загальної середньої освіти", "Центр первинної медичної допомоги",
              "Ювенальна превенція Національної поліції", "Староста"]
_RATE = {"family_support": -0.35, "idp_support": -0.12}


@dataclass
class DemoSummary:
    persons: int
    households: int
    cases: int
    assessments: int
    corrections: int
    services: int = 0
    closed: int = 0


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
    summary = DemoSummary(0, households, 0, 0, 0)
    for _ in range(households):
        with write_transaction(db):
            _family_case(rng, db, instrument, today, summary)
    for _ in range(care_leavers):
        with write_transaction(db):
            _care_leaver_case(rng, db, today, summary)
    summary.services = db["services"].count
    summary.closed = sum(case_state(db, r[0])["status"] == "closed" for r in db.execute("select id from cases"))
    db.conn.close()
    return summary


def _family_case(rng, db, instrument, today, summary):
    programme = "family_support" if rng.random() < 0.55 else "idp_support"
    worker = rng.choice(CASE_MANAGERS)
    opened = today - timedelta(days=rng.randint(40, 460))
    family = _family_name(rng)
    members, children = _household_members(rng, family, opened)
    community, settlement = rng.choice(_COMMUNITIES)
    urgent = rng.random() < 0.06
    channel = rng.choices(["application", "referral", "notification"], [0.5, 0.35, 0.15])[0]
    case_id = intake(
        db, worker, programme=programme, members=members,
        category="idp" if programme == "idp_support" else "family_difficult_circumstances",
        consent_given_on=opened, consent_purposes=["data_processing"] + (["research"] if rng.random() < 0.7 else []),
        intake_channel=channel, intake_on=opened,
        referred_by=rng.choice(_REFERRERS) if channel != "application" else None,
        contacts={"phone": f"+380 {rng.randint(50, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
                           f"{rng.randint(10, 99)}",
                  "actual_community": community, "actual_settlement": settlement,
                  "registered_settlement": rng.choice(_FROM) if programme == "idp_support" else settlement},
        idp_certificate={"number": f"{rng.randint(1000, 9999)}-{rng.randint(10**9, 10**10 - 1)}",
                         "issued_on": opened - timedelta(days=rng.randint(30, 900))}
        if programme == "idp_support" else None,
        urgent_note="Загроза здоровʼю дитини (демо)" if urgent else None, today=today)
    summary.cases += 1
    summary.persons += len(members)
    saved = _assessments(rng, db, worker, case_id, instrument, programme, opened, children, today, urgent)
    summary.assessments += len(saved)
    for assessment_id, answers, assessed_on, author in saved:
        if rng.random() < 0.05:
            answers = dict(answers, conclusion_text=answers["conclusion_text"] + " (уточнено)")
            correct_assessment(db, author, assessment_id=assessment_id, instrument=instrument, answers=answers,
                               reason="Уточнено висновок після розмови з сімʼєю", assessed_on=assessed_on,
                               today=today)
            summary.corrections += 1
    _case_path(rng, db, case_id, saved, opened, programme, today)
    if rng.random() < 0.02:
        applicant = household_members(db, _household_of(db, case_id))[0]
        withdraw_consent(db, SUPERVISOR, applicant["id"], withdrawn_on=today - timedelta(days=rng.randint(0, 20)),
                         note="Письмова заява про відкликання згоди (демо)", today=today)


def _care_leaver_case(rng, db, today, summary):
    worker = rng.choice(CASE_MANAGERS)
    opened = today - timedelta(days=rng.randint(20, 400))
    sex = rng.choice(["female", "male"])
    member = {"family_name": _family_name(rng, sex), "given_name": _given(rng, sex), "sex": sex,
              "birth_date": opened - timedelta(days=rng.randint(16 * 365, 23 * 365))}
    case_id = intake(db, worker, programme="care_leavers", members=[member], category="care_leaver",
                     consent_given_on=opened, intake_channel=rng.choice(["application", "referral"]),
                     intake_on=opened, today=today)
    summary.cases += 1
    summary.persons += 1
    when = opened + timedelta(days=rng.randint(1, 10))
    if when <= today:
        move_case(db, worker, case_id, "assessment", on=when, today=today)
        record_service(db, worker, case_id, service_type="consultation", provided_on=when,
                       duration_minutes=rng.choice([30, 45, 60]), today=today)


def _household_of(db, case_id) -> int:
    return db.execute("select household_id from cases where id = ?", [case_id]).fetchone()[0]


def _family_name(rng, sex="male") -> str:
    name = rng.choice(_STEMS) + rng.choice(_ENDINGS)
    if sex == "female" and name.endswith("ський"):
        name = name[:-5] + "ська"
    return name


def _given(rng, sex) -> str:
    return rng.choice(_FEMALE_GIVEN if sex == "female" else _MALE_GIVEN)


def _household_members(rng, family, opened):
    """The applicant, maybe a partner and a grandparent, and one to four children."""
    adults = [("female", "applicant")] + ([("male", "spouse")] if rng.random() < 0.6 else [])
    if rng.random() < 0.2:
        adults.append(("female", "grandparent"))
    members, children = [], []
    for sex, relation in adults:
        age_days = rng.randint(60 * 365, 72 * 365) if relation == "grandparent" else rng.randint(22 * 365, 50 * 365)
        members.append({"family_name": _family_name(rng, sex) if relation == "grandparent" else family,
                        "given_name": _given(rng, sex), "birth_date": opened - timedelta(days=age_days),
                        "sex": sex, "relation": relation})
    parent = f"{members[0]['family_name']} {members[0]['given_name']}"
    for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 4])):
        sex = rng.choice(["female", "male"])
        age = rng.randint(0, 17)
        name = _given(rng, sex)
        members.append({"family_name": family, "given_name": name, "sex": sex, "relation": "child",
                        "birth_date": opened - timedelta(days=age * 365 + rng.randint(0, 360)),
                        "consent_given_by": f"законний представник: {parent}"})
        children.append((name, age))
    return members, children


def _assessments(rng, db, worker, case_id, instrument, programme, opened, children, today, urgent):
    """Baseline and follow-ups every ~2 months, following the planted trajectories."""
    rate = _RATE[programme] + rng.gauss(0, 0.08)
    if rng.random() < 0.15:
        rate = abs(rate) * 0.6 + 0.1  # gets worse
    baseline = {d.name: min(2.8, max(0.6, rng.gauss(1.8, 0.45))) for d in instrument.domains()}
    dropout_after = rng.choice([1, 2]) if rng.random() < 0.15 else 99
    late = rng.random() < 0.2 and not urgent
    when = opened + timedelta(days=rng.randint(8, 25) if late else rng.randint(0, 1 if urgent else 4))
    saved, visit = [], 0
    while when <= today and visit < min(dropout_after, 5):
        latent = {d: v + rate * visit for d, v in baseline.items()}
        answers = _answers(rng, instrument, latent, children, when, visit, urgent)
        author = case_state(db, case_id)["worker"]
        assessment_id = save_assessment(db, author, case_id=case_id, instrument=instrument, answers=answers,
                                        assessed_on=when, today=today)
        saved.append((assessment_id, answers, when, author))
        visit += 1
        when += timedelta(days=rng.randint(50, 75))
    return saved


def _case_path(rng, db, case_id, saved, opened, programme, today):
    """Walk the case through the lifecycle along its assessments, with services on the way."""
    def act(day, fn, *args, **kwargs):
        if day <= today:
            fn(db, case_state(db, case_id)["worker"], case_id, *args, on=day, today=today, **kwargs)
            return True
        return False

    if not saved:
        return
    first = saved[0][2]
    act(first, move_case, "assessment")
    act(first, record_service_on, "home_visit", 90)
    plan_day = first + timedelta(days=rng.randint(2, 7))
    if not act(plan_day, move_case, "plan"):
        return
    if not act(plan_day + timedelta(days=rng.randint(1, 5)), move_case, "accompaniment"):
        return
    if programme == "idp_support":
        for _ in range(rng.randint(1, 3)):
            act(plan_day + timedelta(days=rng.randint(3, 40)), record_service_on, "humanitarian_aid", None)
    for _ in range(rng.randint(1, 4)):
        act(plan_day + timedelta(days=rng.randint(5, 60)), record_service_on, "consultation", rng.choice([30, 45, 60]))
    if rng.random() < 0.3:
        day = plan_day + timedelta(days=rng.randint(5, 30))
        if day <= today:
            service = record_service(db, case_state(db, case_id)["worker"], case_id, service_type="referral",
                                     provided_on=day, referral_to=rng.choice(_REFERRERS), today=today)
            outcome_day = day + timedelta(days=rng.randint(5, 30))
            if outcome_day <= today:
                record_referral_outcome(db, SUPERVISOR, service, today=today, on=outcome_day,
                                        outcome=rng.choice(["received", "received", "declined_by_provider",
                                                            "declined_by_client"]))
    if rng.random() < 0.1:
        act(plan_day + timedelta(days=rng.randint(1, 20)), record_service_on, "mobile_team_visit", 120)
    if rng.random() < 0.08:
        current = case_state(db, case_id)["worker"]
        act(plan_day + timedelta(days=rng.randint(10, 40)), transfer_case,
            to_worker=rng.choice([w for w in CASE_MANAGERS if w != current]), reason="Перерозподіл навантаження (демо)")
    for _, _, day, _ in saved[1:]:
        if max(day, date.fromisoformat(case_state(db, case_id)["last_event_on"])) > today:
            break
        day = max(day, date.fromisoformat(case_state(db, case_id)["last_event_on"]))
        state = case_state(db, case_id)
        started = state["accompaniment_started_on"]
        if started and not state["extension_months"] and (day - date.fromisoformat(started)).days > 150 \
                and rng.random() < 0.75:
            act(day, extend_accompaniment, months=rng.choice([3, 6]), reason="Складний випадок (демо)")
        act(day, move_case, "review")
        act(day, record_service_on, "home_visit", 60)
        act(day, move_case, "accompaniment")
    last_day = max(saved[-1][2], date.fromisoformat(case_state(db, case_id)["last_event_on"]))
    if len(saved) <= 2 and last_day + timedelta(days=90) < today:
        act(last_day + timedelta(days=rng.randint(20, 60)), close_case,
            reason=rng.choice(["refused", "moved_away", "moved_away", "transferred"]))
    elif len(saved) >= 4 and rng.random() < 0.6:
        act(last_day + timedelta(days=rng.randint(3, 14)), close_case, reason="goals_achieved")


def record_service_on(db, actor, case_id, service_type, duration, *, on, today):
    """``record_service`` in the shape the demo's ``act`` helper calls."""
    return record_service(db, actor, case_id, service_type=service_type, provided_on=on,
                          duration_minutes=duration, today=today)


def _level(rng, latent: float) -> str:
    return str(min(3, max(0, round(latent + rng.gauss(0, 0.45)))))


def _answers(rng, instrument, latent, children, when, visit, urgent=False) -> dict:
    urgent = urgent and visit == 0
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
