"""Concurrent saves: 8 writer processes and 1 reader on one database, under ``synchronous=NORMAL`` and
``synchronous=FULL`` (the store's setting) side by side, each with a 1-writer reference.

Each writer is a process of its own that saves ``--saves`` full needs assessments (default 500) through
the store (``save_assessment``: the policy, checks, BEGIN IMMEDIATE, the rows, the sealed audit row,
COMMIT) on its own case, as the case's worker (the demo's four case managers, two cases each). The
reader, as the head of centre, meanwhile reads caseloads (``cases_held``) and case records (``get_case``,
``list_assessments``, ``get_assessment`` of the newest) until the writers finish. Every process opens the
database with the store's own code after setting :data:`workbench.store.connection.SYNCHRONOUS`.
Each pass starts from a fresh database. Printed per pass: saves kept (counted in the database afterwards)
of those acknowledged (the save returned an id), the save's p50/p95/max, "database is locked" errors, the
reader's reads and their p95, the wall time, and whether ``workbench check`` (``check_database``) is ok.

    .venv/bin/python benchmarks/concurrency.py [--writers 8] [--saves 500]
"""
from __future__ import annotations

import argparse
import functools
import multiprocessing
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.demo import ADMINISTRATOR, CASE_MANAGERS, HEAD, USERS, _answers, _registered_children
from workbench.instruments.loader import load_builtin
from workbench.store import connection
from workbench.store.assessments import get_assessment, list_assessments, save_assessment
from workbench.store.caseload import cases_held
from workbench.store.cases import get_case
from workbench.store.connection import open_db
from workbench.store.intake import intake
from workbench.store.integrity import check_database
from workbench.store.users import add_user

TODAY = date(2026, 6, 15)
SETTINGS = ("NORMAL", "FULL")


def family(n: int) -> list[dict]:
    """A mother and two children (the form links its child entries to them)."""
    surname = f"Паралель{n}"
    return [
        {"family_name": surname, "given_name": "Ганна", "birth_date": "1990-01-01", "sex": "female",
         "relation": "applicant"},
        {"family_name": surname, "given_name": "Оля", "birth_date": "2021-03-01", "sex": "female",
         "relation": "child", "consent_given_by": "мати"},
        {"family_name": surname, "given_name": "Петро", "birth_date": "2017-05-01", "sex": "male",
         "relation": "child", "consent_given_by": "мати"},
    ]


def build(path: Path, writers: int) -> list[tuple[str, int]]:
    """A fresh database with the demo's staff and one case per writer; returns ``(worker, case id)`` each."""
    db = open_db(path, migrate=True)
    try:
        for username, name, role, teams in USERS:
            add_user(db, ADMINISTRATOR, username=username, display_name=name, role=role, teams=teams)
        cases = []
        for n in range(writers):
            worker = CASE_MANAGERS[n % len(CASE_MANAGERS)]
            cases.append((worker, intake(db, worker, programme="family_support", members=family(n),
                                         category="family_difficult_circumstances", consent_given_on="2026-01-10",
                                         today=TODAY)))
        return cases
    finally:
        db.conn.close()


def opened(path: Path, synchronous: str):
    connection.SYNCHRONOUS = synchronous  # this process's own copy of the constant: it opens every connection
    return open_db(path)


class Timings:
    """One process's latencies (ms) and failures: "database is locked" counted, any other error kept (every
    failure is a finding, counted, not fatal)."""

    def __init__(self):
        self.latencies, self.locked, self.other = [], 0, []

    def time(self, step):
        """Run ``step()``; its latency if it returned, its failure counted otherwise. Returns its result or None."""
        t0 = time.perf_counter()
        try:
            result = step()
        except Exception as error:  # noqa: BLE001
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                self.locked += 1
            else:
                self.other.append(repr(error)[:200])
            return None
        self.latencies.append((time.perf_counter() - t0) * 1000)
        return result


def writer(path: Path, synchronous: str, worker: str, case_id: int, saves: int, seed: int, start, results) -> None:
    """Save ``saves`` assessments on the case; put ``(latencies ms, acknowledged ids, locked, other errors)``."""
    db = opened(path, synchronous)
    fna = load_builtin("family_needs_assessment")
    rng = random.Random(seed)
    children = _registered_children(db, worker, case_id)
    latent = {d.name: 1.5 for d in fna.domains()}
    timings, acknowledged = Timings(), []
    start.wait()
    for n in range(saves):
        answers = _answers(rng, fna, latent, children, TODAY, 1)
        answers["conclusion_text"] = f"Висновок {seed}-{n}"
        saved = timings.time(functools.partial(save_assessment, db, worker, case_id=case_id, instrument=fna,
                                               answers=answers, assessed_on=TODAY, today=TODAY))
        if saved is not None:
            acknowledged.append(saved)
    db.conn.close()
    results.put(("writer", timings.latencies, acknowledged, timings.locked, timings.other))


def reader(path: Path, synchronous: str, start, done, results) -> None:
    """Read caseloads and case records until ``done``; put ``(latencies ms, locked, other errors)``."""
    db = opened(path, synchronous)
    fna = load_builtin("family_needs_assessment")
    rng = random.Random(99)
    timings = Timings()

    def read():
        held = cases_held(db, HEAD)
        if rng.random() < 0.75:  # mostly a case record, sometimes the caseload alone
            case = rng.choice(held)
            get_case(db, HEAD, case["id"])
            listed = list_assessments(db, HEAD, case["id"])
            if listed:
                get_assessment(db, HEAD, listed[0]["id"], fna)

    start.wait()
    while not done.is_set():
        timings.time(read)
    db.conn.close()
    results.put(("reader", timings.latencies, timings.locked, timings.other))


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[max(0, int(share * len(values)) - 1)] if values else float("nan")


def one_pass(folder: Path, synchronous: str, writers: int, saves: int) -> dict:
    """Run ``writers`` writers and the reader on a fresh database; returns the figures."""
    path = folder / f"concurrency-{synchronous}-{writers}.db"
    cases = build(path, writers)
    context = multiprocessing.get_context("spawn")  # a clean process each, as separate kernels are
    start, done, results = context.Barrier(writers + 2), context.Event(), context.Queue()
    processes = [context.Process(target=writer, args=(path, synchronous, worker, case_id, saves, n, start, results))
                 for n, (worker, case_id) in enumerate(cases)]
    processes.append(context.Process(target=reader, args=(path, synchronous, start, done, results)))
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    written = [results.get() for _ in range(writers)]  # each writer's figures, as it finishes
    wall = time.perf_counter() - began
    done.set()
    read = results.get()
    for process in processes:
        process.join()
    latencies = [ms for w in written for ms in w[1]]
    acknowledged = {i for w in written for i in w[2]}
    db = open_db(path)
    try:
        case_ids = [case_id for _, case_id in cases]
        kept = {row[0] for row in db.execute(
            f"select id from assessments where case_id in ({', '.join('?' * len(case_ids))})", case_ids)}
        report = check_database(db)
    finally:
        db.conn.close()
    return {
        "setting": synchronous, "writers": writers, "acknowledged": len(acknowledged), "kept": len(kept),
        "lost": len(acknowledged - kept), "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 0.95), "max": max(latencies, default=float("nan")),
        "locked": sum(w[3] for w in written) + read[2], "errors": [e for w in written for e in w[4]] + read[3],
        "reads": len(read[1]), "read_p95": percentile(read[1], 0.95), "wall": wall, "check": report.ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--saves", type=int, default=500, help="saves per writer")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-concurrency-"))
    print(f"{args.writers} writers x {args.saves} saves + 1 reader, and 1 writer x {args.saves} + 1 reader, "
          f"each pass on a fresh database in {folder} (the store's setting: synchronous={connection.SYNCHRONOUS})")
    header = (f"{'synchronous':<12}{'writers':>8}{'kept/acknowledged':>19}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
              f"{'locked':>8}{'reads':>7}{'read p95 ms':>13}{'wall s':>8}  check")
    print(header)
    for synchronous in SETTINGS:
        for writers in (1, args.writers):
            r = one_pass(folder, synchronous, writers, args.saves)
            print(f"{r['setting']:<12}{r['writers']:>8}{r['kept']:>11,}/{r['acknowledged']:<7,}{r['p50']:>9.1f}"
                  f"{r['p95']:>9.1f}{r['max']:>9.1f}{r['locked']:>8}{r['reads']:>7}{r['read_p95']:>13.1f}"
                  f"{r['wall']:>8.1f}  {'ok' if r['check'] else 'FAILED'}", flush=True)
            for error in r["errors"][:5]:
                print(f"    error: {error}")
            if r["lost"]:
                print(f"    {r['lost']} acknowledged saves are not in the database")


if __name__ == "__main__":
    main()
