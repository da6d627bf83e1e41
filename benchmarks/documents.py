"""Time to make the act of needs assessment for a family of six (two parents, four children), as a PDF, beside
two references measured in the same run: reading the same assessment (``get_assessment``) and drawing an empty
one-page PDF with the same letterhead and fonts (target: the act's median <= 2 s).

Each act goes through the whole of :func:`workbench.printing.make_document`: the policy's check, the record's
version, the context read through the store, the template (checked once, then cached), the PDF, the register's
row and its audit row. The three are measured in turn in each round, so the machine's other load falls on all.

    .venv/bin/python benchmarks/documents.py [--runs 20]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.demo import ADMINISTRATOR, USERS, _answers, _registered_children
from workbench.instruments.loader import load_builtin
from workbench.printing import make_document
from workbench.printing.pdf import Letterhead, render_pdf
from workbench.store.assessments import get_assessment, save_assessment
from workbench.store.connection import open_db
from workbench.store.intake import intake
from workbench.store.users import add_user

TODAY = date(2026, 6, 15)
WORKER = "olena.demo"


def member(given, born, sex, relation):
    row = {"family_name": "Тест", "given_name": given, "birth_date": born, "sex": sex, "relation": relation}
    return dict(row, consent_given_by="мати") if relation == "child" else row


FAMILY = [member("Бенч", "1990-01-01", "female", "applicant"), member("Богдан", "1988-02-02", "male", "spouse"),
          member("Оля", "2021-03-01", "female", "child"), member("Петро", "2017-05-01", "male", "child"),
          member("Ірина", "2014-07-07", "female", "child"), member("Тарас", "2011-09-09", "male", "child")]


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def summary(timings: list[float]) -> str:
    return f"median {statistics.median(timings):7.1f} ms, max {max(timings):7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-"))
    db = open_db(folder / "bench.db", migrate=True)
    for username, name, role, teams in USERS:
        add_user(db, ADMINISTRATOR, username=username, display_name=name, role=role, teams=teams)
    case_id = intake(db, WORKER, programme="family_support", members=FAMILY, category="family_difficult_circumstances",
                     consent_given_on="2026-01-10", intake_on="2026-01-10", today=TODAY)
    fna = load_builtin("family_needs_assessment")
    latent = {d.name: 1.5 for d in fna.domains()}
    children = _registered_children(db, WORKER, case_id)
    assessment = save_assessment(db, WORKER, case_id=case_id, instrument=fna, assessed_on="2026-02-01", today=TODAY,
                                 answers=_answers(random.Random(1), fna, latent, children, date(2026, 2, 1), 0))
    letterhead = Letterhead("Центр соціальних служб", "вул. Прикладна, 1", None, "2026-00001", 1, "uk")
    started = time.perf_counter()
    made = make_document(db, WORKER, case_id=case_id, kind="act")  # the first: the template's check, the fonts' load
    first = (time.perf_counter() - started) * 1000
    acts, reads, empty = [], [], []
    for _ in range(args.runs):
        acts.append(timed(lambda: make_document(db, WORKER, case_id=case_id, kind="act")))
        reads.append(timed(lambda: get_assessment(db, WORKER, assessment, fna)))
        empty.append(timed(lambda: render_pdf("<p>.</p>", letterhead, made_at=datetime.now(timezone.utc))))
    print(f"the act for a family of {len(FAMILY)} ({len(children)} children rated), {made.pages} pages, "
          f"{len(made.content) / 1024:.0f} KiB; the first {first:.0f} ms (template checked), then {args.runs} runs")
    print(f"  make_document(act)        {summary(acts)}   (target: median <= 2000 ms)")
    print(f"  get_assessment (the read) {summary(reads)}")
    print(f"  an empty one-page PDF     {summary(empty)}")
    db.conn.close()


if __name__ == "__main__":
    main()
