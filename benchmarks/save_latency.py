"""Save latency of one full needs assessment into a database that already holds 1,000,000 answers,
with ``synchronous=NORMAL`` and with ``synchronous=FULL`` (the store's setting) side by side.

Prints the median, 95th percentile and maximum over 200 saves under each setting (target: p95 <= 15 ms).
Each save goes through the whole service: the policy's check, checks, the case lookup, BEGIN IMMEDIATE,
the assessment row, its answers, the audit row, COMMIT. The two settings are two connections to the same
file, each opened by the store's own code with :data:`workbench.store.connection.SYNCHRONOUS` set first;
their saves alternate, so the machine's other load falls on both alike. The database has the demo's
staff; the demo case manager olena.demo registers a mother and two children and saves every assessment
on her own case, the children linked. The 1,000,000 background answers are copied from a real saved
assessment with plain SQL to keep the set-up short.

    .venv/bin/python benchmarks/save_latency.py [--answers 1000000] [--saves 200]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.demo import ADMINISTRATOR, USERS, _answers, _registered_children
from workbench.instruments.loader import load_builtin
from workbench.store import connection
from workbench.store.assessments import save_assessment
from workbench.store.connection import open_db, write_transaction
from workbench.store.intake import intake
from workbench.store.users import add_user

TODAY = date(2026, 6, 15)
SETTINGS = ("NORMAL", "FULL")
FAMILY = [
    {"family_name": "Тест", "given_name": "Бенч", "birth_date": "1990-01-01", "sex": "female", "relation": "applicant"},
    {"family_name": "Тест", "given_name": "Оля", "birth_date": "2021-03-01", "sex": "female", "relation": "child",
     "consent_given_by": "мати"},
    {"family_name": "Тест", "given_name": "Петро", "birth_date": "2017-05-01", "sex": "male", "relation": "child",
     "consent_given_by": "мати"},
]


def open_with(path: Path, synchronous: str):
    """The database opened by the store's own code with ``synchronous`` in force."""
    chosen, connection.SYNCHRONOUS = connection.SYNCHRONOUS, synchronous
    try:
        db = open_db(path)
    finally:
        connection.SYNCHRONOUS = chosen
    assert db.execute("pragma synchronous").fetchone()[0] == {"NORMAL": 1, "FULL": 2}[synchronous]
    return db


def summary(timings: list[float]) -> str:
    timings = sorted(timings)
    p95 = timings[int(0.95 * len(timings)) - 1]
    return f"median {statistics.median(timings):6.2f} ms, p95 {p95:6.2f} ms, max {timings[-1]:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    db = open_db(folder / "bench.db", migrate=True)
    for username, name, role, teams in USERS:  # the demo's staff, added as the demo adds them (its administrator first)
        add_user(db, ADMINISTRATOR, username=username, display_name=name, role=role, teams=teams)
    case_id = intake(db, "olena.demo", programme="family_support", members=FAMILY,
                     category="family_difficult_circumstances", consent_given_on="2026-01-10", today=TODAY)
    fna = load_builtin("family_needs_assessment")
    rng = random.Random(1)
    children = _registered_children(db, "olena.demo", case_id)
    latent = {d.name: 1.5 for d in fna.domains()}
    template = save_assessment(db, "olena.demo", case_id=case_id, instrument=fna,
                               answers=_answers(rng, fna, latent, children, TODAY, 0),
                               assessed_on=TODAY, today=TODAY)
    rows = list(db.execute("select repeat, instance, item, value, number from answers where assessment_id = ?",
                           [template]))
    started = time.perf_counter()
    copies = args.answers // len(rows) + 1
    with write_transaction(db):
        for n in range(copies):
            cursor = db.execute(
                """insert into assessments (case_id, instrument_id, instrument_version, assessed_on, submission_key,
                   content_sha256, created_at, created_by) values (?, ?, ?, '2026-06-15', ?, 'x', 't', 'olena.demo')""",
                [case_id, fna.id, fna.version, f"bench-{n}"])
            db.conn.executemany("insert into answers values (?, ?, ?, ?, ?, ?)",
                                [(cursor.lastrowid, *r) for r in rows])
    total = db.execute("select count(*) from answers").fetchone()[0]
    print(f"database: {total:,} answers in {copies + 1:,} assessments "
          f"(set-up {time.perf_counter() - started:.1f} s) at {folder / 'bench.db'}")
    db.conn.close()
    databases = {setting: open_with(folder / "bench.db", setting) for setting in SETTINGS}
    timings = {setting: [] for setting in SETTINGS}
    for n in range(args.saves):
        for setting in SETTINGS:
            answers = _answers(rng, fna, latent, children, TODAY, 1)
            answers["conclusion_text"] = f"Висновок {setting} {n}"
            t0 = time.perf_counter()
            save_assessment(databases[setting], "olena.demo", case_id=case_id, instrument=fna, answers=answers,
                            assessed_on=TODAY, today=TODAY)
            timings[setting].append((time.perf_counter() - t0) * 1000)
    print(f"save of one full assessment ({len(rows)} answers), {args.saves} saves under each setting, alternating "
          "(target p95 <= 15 ms):")
    for setting in SETTINGS:
        store = " (the store's setting)" if setting == connection.SYNCHRONOUS else ""
        print(f"  synchronous={setting:<6} {summary(timings[setting])}{store}")

if __name__ == "__main__":
    main()
