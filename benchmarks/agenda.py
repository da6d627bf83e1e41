"""What needs my action today (``workbench.store.agenda.needs_action``), beside the caseload's own reads.

On a database of about 20,000 persons, as a case manager with 60 open cases (``bench_data.worker_with_open_cases``),
as the supervisor of her team and as a case manager of the demo, times ``needs_action`` (and the supervisor's and
the head of centre's queues, ``whole_team=True``) and, for reference, the
reads the caseload views make of the same caseloads: the worker's list of open cases
(``analysis.caseload.case_overview``, the caseload app's list) and the supervisor's count per worker
(``analysis.caseload.worker_caseload``). Prints the median and the slowest of ``--runs`` runs, wall-clock, and the
median processor time of this process (what the figures would be without other processes on the cores), the target
for ``needs_action`` being well under 100 ms, and how many items each got. Prints figures; asserts nothing about
time.

    .venv/bin/python benchmarks/agenda.py [--persons 20000] [--runs 10]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter

from bench_data import large_database, worker_with_open_cases

from workbench.analysis.caseload import case_overview, worker_caseload
from workbench.demo import HEAD, SUPERVISOR
from workbench.store.agenda import needs_action
from workbench.store.connection import open_db


def timed(call, runs: int) -> tuple[float, float, float, object]:
    """Median and slowest wall-clock time and median processor time of ``runs`` calls (ms), after one call that
    warms the caches; the last result."""
    result = call()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), max(wall), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    path = large_database(args.persons)
    worker = worker_with_open_cases(path, 60)
    db = open_db(path)
    print(f"database: {db['persons'].count:,} persons, {db['cases'].count:,} cases; {args.runs} runs each: "
          f"wall-clock median / slowest, processor median; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    rows = [
        (f"needs_action, case manager {worker}", lambda: needs_action(db, worker)),
        (f"  reference: case_overview of {worker} (caseload app)", lambda: case_overview(db, worker, worker=worker)),
        ("needs_action, case manager olena.demo", lambda: needs_action(db, "olena.demo")),
        (f"needs_action, supervisor {SUPERVISOR}", lambda: needs_action(db, SUPERVISOR)),
        (f"  reference: worker_caseload as {SUPERVISOR} (her team)", lambda: worker_caseload(db, SUPERVISOR)),
        (f"needs_action(whole_team=True), supervisor {SUPERVISOR} (queue)",
         lambda: needs_action(db, SUPERVISOR, whole_team=True)),
        (f"needs_action(whole_team=True), head of centre {HEAD} (queue)", lambda: needs_action(db, HEAD, whole_team=True)),
    ]
    for label, call in rows:
        median, slowest, cpu, result = timed(call, args.runs)
        if isinstance(result, list):
            what = ", ".join(f"{kind} {n}" for kind, n in Counter(i["kind"] for i in result).most_common())
            shown = f"{len(result)} items ({what or 'none'})"
        else:
            shown = f"{len(result)} rows"
        print(f"{label:<58} {median:6.0f} / {slowest:6.0f} ms, cpu {cpu:5.0f} ms   {shown}")
    print("target: needs_action well under 100 ms (the home page's; the queue is a notebook's)")


if __name__ == "__main__":
    main()
