"""Save latency of one full needs assessment into a database that already holds 1,000,000 answers.

Prints the median and 95th percentile over 200 saves (target: p95 <= 15 ms). Each save
goes through the whole service: the policy's check, checks, the case lookup, BEGIN IMMEDIATE,
the assessment row, its answers, the audit row, COMMIT. The database has the demo's staff; the
demo case manager olena.demo registers the client and saves every assessment on her own case.
The 1,000,000 background answers are copied from a real saved assessment with plain SQL to keep
the set-up short.

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

from workbench.demo import ADMINISTRATOR, USERS, _answers
from workbench.instruments.loader import load_builtin
from workbench.store.assessments import save_assessment
from workbench.store.connection import open_db, write_transaction
from workbench.store.intake import register_client
from workbench.store.users import add_user

TODAY = date(2026, 6, 15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    db = open_db(folder / "bench.db", migrate=True)
    for username, name, role, teams in USERS:  # the demo's staff, added as the demo adds them (its administrator first)
        add_user(db, ADMINISTRATOR, username=username, display_name=name, role=role, teams=teams)
    case_id = register_client(db, "olena.demo", family_name="Тест", given_name="Бенч", birth_date="01.01.1990",
                              sex="female", category="idp", consent_given_on="01.01.2026",
                              programme="idp_support", today=TODAY)
    fna = load_builtin("family_needs_assessment")
    rng = random.Random(1)
    children = [("Оля", 5), ("Петро", 9)]
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
    timings = []
    for n in range(args.saves):
        answers = _answers(rng, fna, latent, children, TODAY, 1)
        answers["conclusion_text"] = f"Висновок {n}"
        t0 = time.perf_counter()
        save_assessment(db, "olena.demo", case_id=case_id, instrument=fna, answers=answers,
                        assessed_on=TODAY, today=TODAY)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(f"save of one full assessment ({len(rows)} answers), {args.saves} saves: "
          f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms "
          f"(target p95 <= 15 ms)")


if __name__ == "__main__":
    main()
