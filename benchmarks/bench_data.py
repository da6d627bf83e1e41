"""Databases for the benchmarks, kept in benchmarks/out/ (git-ignored): the demo's, built with the demo's own
code (:func:`large_database`), and a bulk-generated one of 5 million answers (:func:`answers_database`)."""
from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.store.users import add_user  # noqa: E402
from workbench.config import load_config  # noqa: E402
from workbench.demo import (_ABANDON_REASONS, _ACTIONS, _COMMUNITIES, _ENDINGS, _FAMILY_WISHES,  # noqa: E402
                            _FEMALE_GIVEN, _FROM, _MALE_GIVEN, _MUCH_WORSE, _REFERRERS, _REVIEW_NOTES, _STEMS,
                            ADMINISTRATOR, HEAD, SUPERVISOR, TEAM_OF, build_demo)
from workbench.instruments.loader import load_builtin  # noqa: E402
from workbench.instruments.validation import answer_rows, check_submission  # noqa: E402
from workbench.names import search_form  # noqa: E402
from workbench.store import chain  # noqa: E402
from workbench.store.connection import open_db  # noqa: E402
from workbench.store.lifecycle import case_state, transfer_case  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
BENCH_WORKER = "bench.worker"
# Part of the cached demo database's name: change it whenever the demo's staff or data change. "teams" since the
# demo has teams, an administrator and a head of centre (issue 12): an older cached file has none of them.
DEMO_VERSION = "children"  # was "teams"; the demo's assessments link their children to the registered ones (issue 14)


def large_database(persons: int = 20_000, seed: int = 7) -> Path:
    """A demo database of about ``persons`` people (families of ~4), built once and reused."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"demo-{persons}-{seed}-{DEMO_VERSION}.db"
    if not path.exists():
        started = time.perf_counter()
        households = int(persons / 4.05)
        partial = path.with_suffix(".partial")
        for stale in [Path(str(partial) + suffix) for suffix in ("", "-wal", "-shm")] + chain.files(partial):
            stale.unlink(missing_ok=True)
        summary = build_demo(partial, seed=seed, households=households, care_leavers=persons // 80)
        _finish(partial, path)
        print(f"built {path.name}: {summary.persons:,} persons, {summary.cases:,} cases, "
              f"{summary.assessments:,} assessments in {time.perf_counter() - started:.0f} s")
    return path


def _finish(partial: Path, path: Path) -> None:
    """The database built as ``partial`` takes its name, with the files that belong with it (the audit chain's
    key and head: without the key nothing more can be written to it)."""
    partial.rename(path)
    for built, kept in zip(chain.files(partial), chain.files(path)):
        if built.exists():
            built.rename(kept)


def apps_folder(prefix: str, *notebooks: Path) -> tuple[Path, Path]:
    """A new temporary folder with ``apps/`` holding ``notebooks`` (for a Voilà of their own); returns both."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    apps = folder / "apps"
    apps.mkdir()
    for notebook in notebooks:
        shutil.copy(notebook, apps)
    return folder, apps


def worker_with_open_cases(path: Path, n: int = 60) -> str:
    """A case manager of the demo's team Північ who has (at least) ``n`` open cases, handed over to her by the
    team's supervisor (``mariia.demo``) from the team's other workers. The demo's administrator adds her; the
    head of centre reads the cases' states (she reads every case)."""
    team = TEAM_OF[SUPERVISOR]
    db = open_db(path)
    try:
        if not db.execute("select 1 from users where username = ?", [BENCH_WORKER]).fetchone():
            add_user(db, ADMINISTRATOR, username=BENCH_WORKER, display_name="Bench Worker", role="case_manager",
                     teams=[team])
        states = [case_state(db, HEAD, r[0]) for r in db.execute("select id from cases order by id desc")]
        current = [s for s in states if s["status"] != "closed"]
        mine = [s["case_id"] for s in current if s["worker"] == BENCH_WORKER]
        others = [s["case_id"] for s in current if s["worker"] != BENCH_WORKER and TEAM_OF.get(s["worker"]) == team]
        for case_id in others[: max(0, n - len(mine))]:
            transfer_case(db, SUPERVISOR, case_id, to_worker=BENCH_WORKER, reason="benchmark")
    finally:
        db.conn.close()
    return BENCH_WORKER


# --- The answers database (issue 6): 20,000 persons × 6 family needs assessments --------------------------

ANSWERS_VERSION = "v3"  # part of the cached file's name: change it whenever the generator below changes
ANSWERS_START, ANSWERS_END = date(2025, 1, 1), date(2026, 11, 15)
ANSWERS_PROGRAMMES = {"family_support": 0.47, "idp_support": 0.43, "care_leavers": 0.10}
# The staff (issue 12): an administrator who adds the others, the case managers and their supervisor in one
# team, and a head of centre (who reads every aggregate and makes the research export).
ANSWERS_ADMINISTRATOR = "admin.bench"
ANSWERS_SUPERVISOR = "supervisor.bench"
ANSWERS_HEAD = "head.bench"
ANSWERS_TEAM = "Бенчмарк"
_CATEGORY = {"family_support": "family_difficult_circumstances", "idp_support": "idp", "care_leavers": "care_leaver"}
_NEED_RATE = {"family_support": -0.30, "idp_support": -0.12, "care_leavers": -0.20}  # need level per follow-up
_GAS_RATE = {"family_support": 0.6, "idp_support": 0.3, "care_leavers": 0.8}  # GAS level per review
_CLOSURE_REASONS = {"goals_achieved": 40, "moved_away": 20, "refused": 15, "transferred": 12, "other": 10, "died": 3}
_SERVICE_WEIGHTS = {"consultation": 30, "home_visit": 20, "informing": 12, "social_accompaniment": 10,
                    "humanitarian_aid": 8, "natural_aid": 4, "social_adaptation": 4, "referral": 5,
                    "crisis_intervention": 2, "mediation": 2, "representation": 2, "mobile_team_visit": 1}
_SHELTERS = ["Притулок для сімей з дітьми «Надія»", "Центр тимчасового перебування ВПО (гуртожиток)",
             "Кризовий центр для постраждалих від домашнього насильства", "Соціальний гуртожиток для молоді"]
_PROJECTS = ["Батьківська школа", "Разом у громаді", "Зимова підтримка", "Психосоціальна підтримка дітей",
             "Мобільна бригада соціально-психологічної допомоги", "Перші кроки після інтернату"]
_WHO = {"client": "Клієнт(ка)", "worker": "Фахівець", "both": "Клієнт(ка) разом із фахівцем"}
_TEXTS = {
    "urgent_details": "Загроза здоровʼю дитини; повідомлено службу у справах дітей (бенчмарк).",
    "child_notes": ["Любить малювати, охоче йде на контакт.", "Соромʼязлива, потребує часу для знайомства.",
                    "Добре навчається, має друзів у класі."],
    "parenting_notes": ["Мама дуже старається, але втомлена.", "Батьки по-різному бачать правила для дітей."],
    "environment_notes": ["Поруч живе бабуся, яка допомагає.", "Житло тимчасове, до школи далеко."],
    "conclusion_text": ["Сімʼя потребує супроводу; основні потреби — житло та доходи.",
                        "Стан дітей задовільний, сімʼя потребує консультацій і гуманітарної допомоги.",
                        "Потреби помірні, сімʼя готова співпрацювати.", "Висновок за результатами візиту (бенчмарк)."],
    "recommended_services": ["Консультування, соціальний супровід.", "Гуманітарна допомога, перенаправлення до ЦНАП.",
                             "Психологічна підтримка дітей."],
}


def _stamp(day: date, rng: random.Random, late: bool = False) -> str:
    """A ``*_at`` timestamp on ``day`` in working hours (in the evening when ``late``)."""
    hour = 20 if late else rng.randint(8, 17)
    return f"{day.isoformat()}T{hour:02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.000+00:00"


def _fna_answers(r: random.Random, fna, case: dict, visit: int, day: date) -> dict:
    """One filling of the family needs assessment for ``case`` at its ``visit``-th assessment (typed answers)."""
    latent = {d: v + case["rate"] * visit for d, v in case["baseline"].items()}

    def level(domain):
        return str(min(3, max(0, round(latent[domain] + r.gauss(0, 0.45)))))

    urgent = case["urgent"] and visit == 0
    answers = {"visit_date": day, "urgent": "yes" if urgent else "no", "household_size": case["household_size"]}
    if urgent:
        answers["urgent_details"] = _TEXTS["urgent_details"]
    if r.random() < 0.9:
        answers["problem_duration"] = r.choice(["under_1_month", "months_1_6", "months_6_12", "over_1_year"])
    if r.random() < 0.9:
        answers["income_per_person"] = round(r.uniform(1500, 9000), 2)
    if r.random() < 0.9:
        picked = set(r.sample(case["income_choices"], k=r.randint(1, 3)))
        answers["income_sources"] = [c for c in case["income_choices"] if c in picked]  # the choice list's order
    for domain, notes in (("parenting_capacity", "parenting_notes"), ("family_environment", "environment_notes")):
        for name in case["scored"][domain]:
            answers[name] = level(domain)
        if r.random() < 0.5:
            answers[notes] = r.choice(_TEXTS[notes])
    if r.random() < 0.9:
        answers["awareness"] = r.choice(["full", "partial", "none"])
    if r.random() < 0.9:
        answers["readiness"] = r.choice(["ready", "ready", "partial", "refuses"])
    need = sum(latent.values()) / len(latent)
    answers["in_difficult_circumstances"] = "yes" if need >= 1.0 else "no"
    if need >= 1.0:
        answers["case_complexity"] = "complex" if need >= 2 else "simple"
    answers["conclusion_text"] = r.choice(_TEXTS["conclusion_text"])
    if r.random() < 0.6:
        answers["recommended_services"] = r.choice(_TEXTS["recommended_services"])
    children = []
    for person_id, name, born in case["children"]:
        # child_age as the instrument computes it: whole years on the visit day (a calculate item, so stored).
        child = {"child_name": name, "child_birth_date": born,
                 "child_age": day.year - born.year - ((day.month, day.day) < (born.month, born.day))}
        if person_id is not None:
            child["child_person"] = person_id
        child.update({item: level("child_development") for item in case["scored"]["child_development"]})
        if r.random() < 0.5:
            child["child_notes"] = r.choice(_TEXTS["child_notes"])
        children.append(child)
    answers["child"] = children
    return answers


def _corrected(r: random.Random, answers: dict, case: dict) -> dict:
    """A correction of ``answers``: one to three scored answers changed and the conclusion made more precise."""
    answers = dict(answers, child=[dict(c) for c in answers["child"]])
    for _ in range(r.randint(1, 3)):
        domain = r.choice(list(case["scored"]))
        scope = r.choice(answers["child"]) if domain == "child_development" else answers
        item = r.choice(case["scored"][domain])
        scope[item] = r.choice([v for v in "0123" if v != scope[item]])
    answers["conclusion_text"] += " (уточнено)"
    return answers


def answers_database(persons: int = 20_000, assessments_per_person: int = 6, seed: int = 11, *,
                     corrected: float = 0.05, withdrawn: float = 0.02, workers: int = 40,
                     events: int = 3_000) -> Path:
    """A generated database of ``persons`` clients with ``assessments_per_person`` family needs assessments each,
    built once (deterministic from ``seed``) and cached in benchmarks/out/ under a name with ``ANSWERS_VERSION``.

    A benchmark fixture, not a demo: rows are bulk-inserted with ``executemany`` straight into the tables
    (in one transaction, without audit rows), not through the service functions, so that about 5 million
    answers take a minute or two instead of hours. What is written is still what the services would write:

    - the staff, added through ``add_user`` (audited): the administrator ``admin.bench`` (the first, who
      adds the others), ``workers`` case managers ``workerNN.bench`` and their supervisor ``supervisor.bench``
      in one team, and the head of centre ``head.bench``; the administrator registers the instrument;
    - one case per person, opened 2025-01-01 .. 2026-06 across the three configured programmes and ``workers``
      case managers; ``family_support`` and ``idp_support`` cases belong to a one-person household (the
      applicant and the children, registered with the parent's consent after all the applicants, so person
      ``n`` is case ``n``'s applicant; each assessment's child entries are linked to them: ``child_person``,
      name, date of birth and the age computed on the visit day), ``care_leavers`` cases to the person (young
      parents leaving care, assessed with the same instrument here; a person's case has no household, so their
      children's entries carry no register number);
    - every answer set is made like a filled form and is one ``check_submission`` accepts: a sample (every
      500th) is checked on the way, and its rows compared with ``answer_rows`` of the checked answers;
      rows, content hash and submission key are made as ``save_assessment`` makes them;
    - about ``corrected`` of the assessments are superseded by a correction (a new row whose ``supersedes``
      points at the old one, with its own full answers: one to three scored answers changed);
    - about ``withdrawn`` of the persons later withdrew their consent to data processing;
    - dates spread over 2025-01-01 .. 2026-11-15: intake, the first assessment, follow-ups every ~2 months;
      purpose ``needs_assessment`` for first assessments, ``review`` for follow-ups, ``child_war_status``
      for about 3% of assessments;
    - the lifecycle in ``case_events`` (assessment → plan → accompaniment → review ⇄ accompaniment, urgent
      flags, transfers, extensions, about 40% closed with a reason), about 5 services per case (referrals with
      outcomes), 1–3 goals per case with an action, 2–3 GAS reviews each and some closures, supervisors'
      sign-offs, shelter stays for about 3% of persons, and ``events`` rows (group and project work, some
      corrected).
    """
    OUT.mkdir(exist_ok=True)
    path = OUT / f"answers-{persons}x{assessments_per_person}-{seed}-{ANSWERS_VERSION}.db"
    if path.exists():
        return path
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    for stale in [Path(str(partial) + suffix) for suffix in ("", "-wal", "-shm", "-journal")] + chain.files(partial):
        stale.unlink(missing_ok=True)
    counts = _AnswersGenerator(partial, persons, assessments_per_person, seed, corrected, withdrawn, workers,
                               events).run()
    _finish(partial, path)
    print(f"built {path.name} in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
    return path


class _AnswersGenerator:
    """The rows of :func:`answers_database`, made in memory (except answers, streamed) and inserted in bulk."""

    def __init__(self, path, persons, per_person, seed, corrected, withdrawn, workers, events):
        self.path, self.persons, self.per_person, self.seed = path, persons, per_person, seed
        self.corrected, self.withdrawn, self.n_workers, self.n_events = corrected, withdrawn, workers, events
        self.rng = random.Random(f"answers/{seed}")
        self.cfg = load_config()
        self.fna = load_builtin("family_needs_assessment")
        self.workers = [f"worker{n:02d}.bench" for n in range(1, workers + 1)]
        self.rows: dict[str, list] = {}

    # -- helpers ---------------------------------------------------------------------------------------
    def add(self, table: str, row: tuple) -> None:
        self.rows.setdefault(table, []).append(row)

    def run(self) -> dict:
        from workbench.store.duplicates import _index_person  # what registering a person writes (no policy)
        from workbench.store.instruments import register_instrument

        db = open_db(self.path, migrate=True)
        conn = db.conn
        admin = ANSWERS_ADMINISTRATOR
        add_user(db, admin, username=admin, display_name="Адміністратор (бенчмарк)", role="administrator")
        for username in self.workers:
            add_user(db, admin, username=username, display_name=f"Фахівець {username.split('.')[0][6:]} (бенчмарк)",
                     role="case_manager", teams=[ANSWERS_TEAM])
        add_user(db, admin, username=ANSWERS_SUPERVISOR, display_name="Супервізорка (бенчмарк)", role="supervisor",
                 teams=[ANSWERS_TEAM])
        add_user(db, admin, username=ANSWERS_HEAD, display_name="Керівниця центру (бенчмарк)", role="head_of_centre")
        register_instrument(db, admin, self.fna)
        conn.execute("PRAGMA journal_mode=OFF")  # a fixture written once into a fresh file: no journal needed
        conn.execute("PRAGMA synchronous=OFF")
        cases = self._cases()
        conn.execute("BEGIN")
        columns = {
            "persons": "id, family_name, given_name, patronymic, birth_date, sex, category, search_text, "
                       "created_at, created_by",
            "consents": "id, person_id, purpose, given_on, given_by, recorded_at, recorded_by",
            "person_contacts": "person_id, phone, actual_community, actual_settlement, registered_settlement, "
                               "recorded_at, recorded_by",
            "idp_certificates": "person_id, number, issued_on, recorded_at, recorded_by",
            "households": "id, label, created_at, created_by",
            "household_members": "household_id, person_id, relation, added_at, added_by",
            "cases": "id, case_number, programme, household_id, person_id, worker, opened_on, intake_channel, "
                     "referred_by, created_at, created_by",
        }
        for table, cols in columns.items():
            self._insert(conn, table, cols, self.rows.pop(table, []))
        for row in conn.execute("select id, family_name, given_name, patronymic, birth_date from persons").fetchall():
            _index_person(db, dict(zip(("id", "family_name", "given_name", "patronymic", "birth_date"), row)))
        counts = self._assessments(conn, cases)
        self._case_rows(conn, cases)
        self._events(conn)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")
        counts = {"persons": self.persons, "cases": len(cases), **counts,
                  **{t: conn.execute(f"select count(*) from {t}").fetchone()[0]
                     for t in ("case_events", "services", "goals", "goal_reviews", "events", "shelter_stays",
                               "consent_withdrawals")}}
        conn.close()
        return counts

    @staticmethod
    def _insert(conn, table: str, cols: str, rows: list) -> None:
        marks = ", ".join("?" * len(cols.split(",")))
        conn.executemany(f"insert into {table} ({cols}) values ({marks})", rows)

    # -- persons, households and cases -----------------------------------------------------------------
    def _cases(self) -> list[dict]:
        rng, fna = self.rng, self.fna
        scored = {d.name: [i.name for i in fna.scored_items(d.name)] for d in fna.domains()}
        income_choices = [c for c in self.fna.items["income_sources"].choice_names() if c != "none"]
        last_intake = (ANSWERS_END - ANSWERS_START).days - 160  # room for six assessments
        programmes, weights = list(ANSWERS_PROGRAMMES), list(ANSWERS_PROGRAMMES.values())
        cases = []
        for _ in range(self.persons):
            programme = rng.choices(programmes, weights)[0]
            sex = "female" if programme != "care_leavers" or rng.random() < 0.6 else "male"
            family = rng.choice(_STEMS) + rng.choice(_ENDINGS)
            if sex == "female" and family.endswith("ський"):
                family = family[:-5] + "ська"
            opened = ANSWERS_START + timedelta(days=rng.randint(0, last_intake))
            age = rng.randint(16, 23) if programme == "care_leavers" else rng.randint(22, 55)
            children = [(rng.choice(_FEMALE_GIVEN + _MALE_GIVEN), rng.randint(0, min(15, age - 15)))
                        for _ in range(rng.choice([1, 1, 2, 2, 2, 3]))]
            rate = _NEED_RATE[programme] + rng.gauss(0, 0.08)
            if rng.random() < 0.15:
                rate = abs(rate) * 0.6 + 0.05  # gets worse
            cases.append({
                "programme": programme, "sex": sex, "family": family, "opened": opened,
                "given": rng.choice(_FEMALE_GIVEN if sex == "female" else _MALE_GIVEN),
                "birth": opened - timedelta(days=age * 365 + rng.randint(0, 364)),
                "worker": rng.choice(self.workers), "urgent": rng.random() < 0.06, "children": children,
                "household_size": len(children) + 1 + rng.choice([0, 0, 1, 1, 2]),
                "baseline": {d: min(2.8, max(0.6, rng.gauss(1.8, 0.45))) for d in scored},
                "rate": rate, "scored": scored, "income_choices": income_choices,
                "channel": rng.choices(["application", "referral", "notification"], [0.5, 0.35, 0.15])[0],
            })
        cases.sort(key=lambda c: c["opened"])  # ids, case numbers and persons in the order of intake
        by_year: dict[int, int] = {}
        household, child_id = 0, len(cases)
        for n, case in enumerate(cases, start=1):
            self._person_and_case(n, case, by_year)
            # Each child's date of birth: the age at intake and a day of the year from the case and child number
            # (not from the random stream, which the rest of the data follows).
            children = [(name, case["opened"] - timedelta(days=age * 365 + (n * 37 + k * 101) % 365))
                        for k, (name, age) in enumerate(case["children"])]
            if case["programme"] != "care_leavers":
                household += 1
                case["household_id"] = household
                at, worker = case["created_at"], case["worker"]
                self.add("households", (household, f"Сімʼя {case['family']} {case['given']}", at, worker))
                self.add("household_members", (household, n, "applicant", at, worker))
                linked = []
                for name, born in children:
                    child_id += 1
                    sex = "female" if name in _FEMALE_GIVEN else "male"
                    self.add("persons", (child_id, case["family"], name, None, born.isoformat(), sex,
                                         _CATEGORY[case["programme"]], search_form(f"{case['family']} {name}"),
                                         at, worker))
                    self.add("consents", (len(self.rows["consents"]) + 1, child_id, "data_processing",
                                          case["opened"].isoformat(),
                                          f"законний представник: {case['family']} {case['given']}", at, worker))
                    self.add("household_members", (household, child_id, "child", at, worker))
                    linked.append((child_id, name, born))
                case["children"] = linked
            else:
                case["household_id"] = None
                case["children"] = [(None, name, born) for name, born in children]
            self.add("cases", (n, case["number"], case["programme"], case["household_id"],
                               None if case["household_id"] else n, case["worker"], case["opened"].isoformat(),
                               case["channel"], rng.choice(_REFERRERS) if case["channel"] != "application" else None,
                               case["created_at"], case["worker"]))
        return cases

    def _person_and_case(self, n: int, case: dict, by_year: dict) -> None:
        rng = self.rng
        case["id"] = n
        year = case["opened"].year
        by_year[year] = by_year.get(year, 0) + 1
        case["number"] = f"{year}-{by_year[year]:05d}"
        at = case["created_at"] = _stamp(case["opened"], rng)
        worker = case["worker"]
        self.add("persons", (n, case["family"], case["given"], None, case["birth"].isoformat(), case["sex"],
                             _CATEGORY[case["programme"]], search_form(f"{case['family']} {case['given']}"),
                             at, worker))
        consent = len(self.rows.get("consents", [])) + 1
        self.add("consents", (consent, n, "data_processing", case["opened"].isoformat(), "self", at, worker))
        if rng.random() < 0.7:
            self.add("consents", (consent + 1, n, "research", case["opened"].isoformat(), "self", at, worker))
        case["consent_id"], case["withdraws"] = consent, rng.random() < self.withdrawn
        community, settlement = rng.choice(_COMMUNITIES)
        self.add("person_contacts", (n, f"+380 {rng.randint(50, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
                                        f"{rng.randint(10, 99)}", community, settlement,
                                     rng.choice(_FROM) if case["programme"] == "idp_support" else settlement,
                                     at, worker))
        if case["programme"] == "idp_support":
            self.add("idp_certificates", (n, f"{rng.randint(1000, 9999)}-{rng.randint(10**9, 10**10 - 1)}",
                                          (case["opened"] - timedelta(days=rng.randint(30, 900))).isoformat(),
                                          at, worker))

    # -- assessments and answers -----------------------------------------------------------------------
    def _assessments(self, conn, cases) -> dict:
        """Plan every assessment (dates, authors, corrections), then write them in the order they were saved."""
        rng, fna = self.rng, self.fna
        planned = []  # (created_at, case, visit, assessed_on, purpose, author, seed, corrects: planned index)
        for case in cases:
            first = case["opened"] + timedelta(days=rng.randint(8, 25) if not case["urgent"] and rng.random() < 0.2
                                               else rng.randint(0, 1 if case["urgent"] else 4))
            gaps = [rng.randint(50, 75) for _ in range(self.per_person - 1)]
            room = (ANSWERS_END - first).days
            if sum(gaps) > room:
                gaps = [g * room // sum(gaps) for g in gaps]
            days = [first]
            for gap in gaps:
                days.append(days[-1] + timedelta(days=gap))
            case["assessed"] = days
            case["transfer"] = None
            if rng.random() < 0.08 and len(days) > 2:
                case["transfer"] = (days[1] + timedelta(days=rng.randint(1, max(1, (days[2] - days[1]).days - 1))),
                                    rng.choice([w for w in self.workers if w != case["worker"]]))
            case["assessment_ids"] = []
            for visit, day in enumerate(days):
                purpose = "child_war_status" if rng.random() < 0.03 else ("review" if visit else "needs_assessment")
                author = self._worker_on(case, day)
                index = len(planned)
                planned.append((_stamp(day, rng), case, visit, day, purpose, author, rng.getrandbits(64), None))
                if rng.random() < self.corrected:
                    fixed = min(ANSWERS_END, day + timedelta(days=rng.randint(1, 20)))
                    planned.append((_stamp(fixed, rng, late=fixed == day), case, visit, day, purpose,
                                    self._worker_on(case, fixed), rng.getrandbits(64), index))
        order = sorted(range(len(planned)), key=lambda i: planned[i][0])
        ids = {index: n for n, index in enumerate(order, start=1)}
        assessment_rows, answer_rows_ = [], []
        n_answers = n_corrections = checked = 0
        for index in order:
            created, case, visit, day, purpose, author, seed, corrects = planned[index]
            aid = ids[index]
            if corrects is None:
                answers = _fna_answers(random.Random(seed), fna, case, visit, day)
            else:
                original = planned[corrects]
                answers = _corrected(random.Random(seed), _fna_answers(random.Random(original[6]), fna, case, visit,
                                                                       day), case)
                n_corrections += 1
            rows = answer_rows(fna, answers)
            if aid % 500 == 0:
                self._check(answers, rows)
                checked += 1
            supersedes = ids[corrects] if corrects is not None else None
            content = hashlib.sha256(json.dumps(
                [case["id"], fna.id, fna.version, day.isoformat(), supersedes,
                 sorted((r["repeat"], r["instance"], r["item"], r["value"]) for r in rows)],
                ensure_ascii=False).encode()).hexdigest()
            assessment_rows.append((aid, case["id"], fna.id, fna.version, day.isoformat(), supersedes,
                                    "Уточнено після розмови з сімʼєю" if supersedes else None, "content:" + content,
                                    content, created, author, purpose))
            answer_rows_.extend((aid, r["repeat"], r["instance"], r["item"], r["value"], r["number"]) for r in rows)
            n_answers += len(rows)
            if corrects is None:
                case["assessment_ids"].append(aid)
            else:
                case["assessment_ids"][visit] = aid  # the latest version
                case.setdefault("corrections", {})[visit] = (aid, created[:10])
            if len(answer_rows_) >= 200_000:
                self._flush_assessments(conn, assessment_rows, answer_rows_)
        self._flush_assessments(conn, assessment_rows, answer_rows_)
        return {"assessments": len(planned), "corrections": n_corrections, "answers": n_answers,
                "answer sets checked with check_submission": checked}

    def _flush_assessments(self, conn, assessment_rows: list, answer_rows_: list) -> None:
        self._insert(conn, "assessments", "id, case_id, instrument_id, instrument_version, assessed_on, supersedes, "
                     "correction_reason, submission_key, content_sha256, created_at, created_by, purpose",
                     assessment_rows)
        self._insert(conn, "answers", "assessment_id, repeat, instance, item, value, number", answer_rows_)
        assessment_rows.clear()
        answer_rows_.clear()

    def _check(self, answers: dict, rows: list) -> None:
        """The answer set passes ``check_submission`` and its rows are those of the checked answers."""
        typed = dict(answers, child=[{k: v for k, v in c.items() if k != "child_age"} for c in answers["child"]])
        checked = check_submission(self.fna, typed, today=ANSWERS_END)  # child_age is computed, not typed
        assert checked.ok, checked.messages("en")
        key = lambda r: (r["repeat"], r["instance"], r["item"])  # noqa: E731
        assert sorted(answer_rows(self.fna, checked.answers), key=key) == sorted(rows, key=key)

    @staticmethod
    def _worker_on(case: dict, day: date) -> str:
        transfer = case["transfer"]
        return transfer[1] if transfer and day >= transfer[0] else case["worker"]

    # -- lifecycle, services, plans, shelter stays -----------------------------------------------------
    def _case_rows(self, conn, cases) -> None:
        rng = self.rng
        services, events, goals, signoffs, stays, withdrawals = [], [], [], [], [], []
        domains = [d for d in self.cfg["life_domains"]]
        service_types = [t for t in _SERVICE_WEIGHTS if t in self.cfg["service_types"]]
        service_weights = [_SERVICE_WEIGHTS[t] for t in service_types]
        for case in cases:
            days, cid = case["assessed"], case["id"]

            def event(day, kind, actor=None, case=case, cid=cid, **fields):
                actor = actor or self._worker_on(case, day)
                events.append((day, cid, kind, fields.get("from_status"), fields.get("to_status"),
                               fields.get("to_worker"), fields.get("reason"), fields.get("months"), fields.get("note"),
                               day.isoformat(), _stamp(day, rng), actor))

            if case["urgent"]:
                event(case["opened"], "urgent", note="Загроза здоровʼю дитини (бенчмарк)")
            event(days[0], "move", from_status="intake", to_status="assessment")
            plan_day = days[0] + timedelta(days=rng.randint(2, 7))
            care_day = plan_day + timedelta(days=rng.randint(1, 5))
            event(plan_day, "move", from_status="assessment", to_status="plan")
            event(care_day, "move", from_status="plan", to_status="accompaniment")
            extended = False
            transfer = case["transfer"]
            for day in days[1:]:
                if transfer and transfer[0] <= day:
                    event(max(transfer[0], care_day), "transfer", to_worker=transfer[1],
                          reason="Перерозподіл навантаження (бенчмарк)", note=f"from {case['worker']}",
                          actor=ANSWERS_SUPERVISOR)
                    transfer = None
                if not extended and (day - care_day).days > 150 and rng.random() < 0.75:
                    event(day, "extension", months=rng.choice([3, 6]), reason="Складний випадок (бенчмарк)")
                    extended = True
                event(day, "move", from_status="accompaniment", to_status="review")
                event(day, "move", from_status="review", to_status="accompaniment")
            closed = None
            if rng.random() < 0.4:
                day = days[-1] + timedelta(days=rng.randint(3, 60))
                if day <= ANSWERS_END:
                    reason = rng.choices(list(_CLOSURE_REASONS), list(_CLOSURE_REASONS.values()))[0]
                    event(day, "move", from_status="accompaniment", to_status="closed", reason=reason,
                          note="Інша причина (бенчмарк)" if reason == "other" else None)
                    closed = day
            last = closed or ANSWERS_END
            if case["withdraws"]:  # after the case's last assessment: the person leaves the analysis
                day = min(ANSWERS_END, days[-1] + timedelta(days=rng.randint(1, 60)))
                withdrawals.append((day, case["consent_id"], day.isoformat(), "Письмова заява про відкликання згоди",
                                    _stamp(day, rng), ANSWERS_SUPERVISOR))
            for _ in range(max(1, round(rng.gauss(5, 1.5)))):
                day = days[0] + timedelta(days=rng.randint(0, (last - days[0]).days))
                kind = rng.choices(service_types, service_weights)[0]
                duration = None if kind in ("humanitarian_aid", "natural_aid") else rng.choice([30, 45, 60, 90, 120])
                services.append((day, cid, kind, duration, self._worker_on(case, day),
                                 rng.choice(_REFERRERS) if kind == "referral" else None))
            for wish, domain, title, *levels in rng.sample(self._wishes(case), k=rng.choice([1, 2, 2, 2, 3])):
                reviewed = days[1:1 + rng.choice([2, 3])]
                rate, offset = _GAS_RATE[case["programme"]] + rng.gauss(0, 0.2), rng.gauss(0, 0.3)
                levels_reached = [min(2, max(-2, round(-1.2 + offset + rate * k + rng.gauss(0, 0.4))))
                                  for k in range(1, len(reviewed) + 1)]
                goals.append((plan_day, case, wish, title, domain if domain in domains else "child_wellbeing",
                              levels, list(zip(reviewed, levels_reached))))
            signoffs.append((plan_day + timedelta(days=rng.randint(0, 4)), case, "plan"))
            if rng.random() < 0.85:
                signoffs.append((days[0] + timedelta(days=rng.randint(1, 5)), case, "assessment"))
            if rng.random() < 0.03:
                start = days[0] + timedelta(days=rng.randint(0, 60))
                end = start + timedelta(days=rng.randint(5, 120))
                stays.append((start, case, rng.choice(_SHELTERS), end if end <= last and rng.random() < 0.6 else None))
        withdrawals.sort(key=lambda w: w[0])
        self._insert(conn, "consent_withdrawals", "consent_id, withdrawn_on, note, recorded_at, recorded_by",
                     [w[1:] for w in withdrawals])
        self._write_case_rows(conn, services, events, goals, signoffs, stays)

    def _wishes(self, case: dict) -> list:
        idp = case["programme"] == "idp_support"
        return [w[:7] for w in _FAMILY_WISHES if w[7] in (None, idp)]

    def _write_case_rows(self, conn, services, events, goals, signoffs, stays) -> None:
        rng = self.rng
        events.sort(key=lambda e: e[0])  # stable: a case's events on one day keep their order
        self._insert(conn, "case_events", "case_id, kind, from_status, to_status, to_worker, reason, months, note, "
                     "effective_on, recorded_at, recorded_by", [e[1:] for e in events])
        services.sort(key=lambda s: s[0])
        service_rows, outcomes = [], []
        for n, (day, cid, kind, duration, worker, referral_to) in enumerate(services, start=1):
            service_rows.append((n, cid, kind, day.isoformat(), duration, worker, referral_to,
                                 "pending" if referral_to else None, None, _stamp(day, rng), worker))
            outcome_day = day + timedelta(days=rng.randint(5, 30))
            if referral_to and outcome_day <= ANSWERS_END and rng.random() < 0.7:
                outcomes.append((n, rng.choice(["received", "received", "declined_by_provider", "declined_by_client"]),
                                 outcome_day.isoformat(), None, _stamp(outcome_day, rng), ANSWERS_SUPERVISOR))
        self._insert(conn, "services", "id, case_id, service_type, provided_on, duration_minutes, provided_by, "
                     "referral_to, referral_outcome, note, recorded_at, recorded_by", service_rows)
        self._insert(conn, "referral_outcomes", "service_id, outcome, outcome_on, note, recorded_at, recorded_by",
                     outcomes)
        goals.sort(key=lambda g: g[0])
        goal_rows, actions, completions, reviews, closures = [], [], [], [], []
        goals_of: dict[int, list[int]] = {}
        for n, (day, case, wish, title, domain, levels, reached) in enumerate(goals, start=1):
            worker = self._worker_on(case, day)
            at = _stamp(day, rng)
            goal_rows.append((n, case["id"], wish, title, domain, day.isoformat(),
                              (day + timedelta(days=rng.randint(90, 180))).isoformat(),
                              _MUCH_WORSE.format(title=title), *levels,
                              rng.choice([2, 1.5, 3]) if rng.random() < 0.25 else None, case["assessment_ids"][0],
                              at, worker))
            goals_of.setdefault(case["id"], []).append(n)
            what, who = rng.choice(_ACTIONS.get(domain, _ACTIONS["child_wellbeing"]))
            due = day + timedelta(days=rng.randint(10, 60))
            actions.append((len(actions) + 1, n, what, _WHO[who], due.isoformat(), at, worker))
            if due <= ANSWERS_END and rng.random() < 0.7:
                done = min(due, ANSWERS_END)
                completions.append((len(actions), done.isoformat(), _stamp(done, rng), self._worker_on(case, done)))
            for review_day, level in reached:
                reviews.append((review_day, n, level, rng.choice(_REVIEW_NOTES), self._worker_on(case, review_day)))
            if reached and reached[-1][1] >= 1 and rng.random() < 0.5:
                closures.append((n, "achieved", reached[-1][0], None, self._worker_on(case, reached[-1][0])))
            elif reached and rng.random() < 0.05:
                closures.append((n, "abandoned", reached[-1][0], rng.choice(_ABANDON_REASONS),
                                 self._worker_on(case, reached[-1][0])))
        self._insert(conn, "goals", "id, case_id, wish, title, domain, set_on, target_date, level_minus2, "
                     "level_minus1, level_0, level_plus1, level_plus2, weight, source_assessment_id, created_at, "
                     "created_by", goal_rows)
        self._insert(conn, "goal_actions", "id, goal_id, what, who, due_on, created_at, created_by", actions)
        self._insert(conn, "action_completions", "action_id, done_on, recorded_at, recorded_by",
                     sorted(completions, key=lambda c: c[1]))
        reviews.sort(key=lambda r: r[0])
        self._insert(conn, "goal_reviews", "goal_id, reviewed_on, level, note, recorded_at, recorded_by",
                     [(g, d.isoformat(), lv, note, _stamp(d, rng), w) for d, g, lv, note, w in reviews])
        closures.sort(key=lambda c: c[2])
        self._insert(conn, "goal_closures", "goal_id, kind, closed_on, reason, recorded_at, recorded_by",
                     [(g, k, d.isoformat(), reason, _stamp(d, rng), w) for g, k, d, reason, w in closures])
        signoffs.sort(key=lambda s: s[0])
        rows = []
        for day, case, kind in signoffs:
            day = min(day, ANSWERS_END)
            assessment = None
            if kind == "assessment":
                assessment = case["assessment_ids"][0]
                fixed = case.get("corrections", {}).get(0)
                if fixed:
                    day = max(day, date.fromisoformat(fixed[1]))
            rows.append((case["id"], kind, assessment, json.dumps(goals_of[case["id"]]) if kind == "plan" else None,
                         day.isoformat(), None, _stamp(day, rng, late=True), ANSWERS_SUPERVISOR))
        self._insert(conn, "signoffs", "case_id, kind, assessment_id, goal_ids, signed_on, note, signed_at, signed_by",
                     rows)
        stays.sort(key=lambda s: s[0])
        self._insert(conn, "shelter_stays", "id, person_id, case_id, shelter, from_on, recorded_at, recorded_by",
                     [(n, c["id"], c["id"], shelter, start.isoformat(), _stamp(start, rng), self._worker_on(c, start))
                      for n, (start, c, shelter, _) in enumerate(stays, start=1)])
        self._insert(conn, "shelter_departures", "stay_id, to_on, recorded_at, recorded_by",
                     sorted([(n, end.isoformat(), _stamp(end, rng), self._worker_on(c, end))
                             for n, (_, c, _, end) in enumerate(stays, start=1) if end], key=lambda d: d[1]))

    # -- events: group and project work ----------------------------------------------------------------
    def _events(self, conn) -> None:
        rng = self.rng
        types = list(self.cfg["event_types"])
        span = (ANSWERS_END - ANSWERS_START).days
        planned = []
        for _ in range(self.n_events):
            day = ANSWERS_START + timedelta(days=rng.randint(0, span))
            participants = rng.randint(3, 80)
            children = rng.randint(0, participants // 2)
            planned.append([day, rng.choice(types), rng.choice(_PROJECTS), rng.choice(_COMMUNITIES)[1], participants,
                            children, rng.randint(0, participants), json.dumps(rng.sample(self.workers,
                                                                                         k=rng.randint(1, 3))),
                            rng.choice([None, None, "Проведено за планом (бенчмарк)"]), None, None])
        planned.sort(key=lambda e: e[0])
        rows = []
        for n, e in enumerate(planned, start=1):
            author = json.loads(e[7])[0]
            rows.append((n, e[0].isoformat(), *e[1:9], None, None, _stamp(e[0], rng), author))
        corrections = []
        for n, row in enumerate(rows, start=1):
            if rng.random() < 0.03:
                fixed = min(ANSWERS_END, date.fromisoformat(row[1]) + timedelta(days=rng.randint(0, 10)))
                participants = max(row[6], row[7], row[5] + rng.choice([-2, -1, 1, 2]))
                corrections.append((fixed, (row[1], row[2], row[3], row[4], participants, row[6], row[7], row[8],
                                            row[9], n, "Уточнено кількість учасників", _stamp(fixed, rng, late=True),
                                            row[-1])))
        corrections.sort(key=lambda c: c[0])
        rows += [(len(rows) + k, *c) for k, (_, c) in enumerate(corrections, start=1)]
        self._insert(conn, "events", "id, held_on, event_type, project, place, participants, children, idps, staff, "
                     "note, supersedes, correction_reason, recorded_at, recorded_by", rows)


if __name__ == "__main__":
    answers_database()
