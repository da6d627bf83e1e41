"""Building a client's page with both charts, in the kernel: database queries, figures and PNG encoding.

On a database of about 20,000 persons, for a worker with 60 open cases, builds the page of
20 of their clients (the caseload app's ``client_page_parts``) as that worker, as the caseload app
does (her own caseload, then her own clients' pages), and prints the median and 95th percentile
(target: median < 300 ms).

    .venv/bin/python benchmarks/client_page.py [--persons 20000] [--runs 20]
"""
from __future__ import annotations

import argparse
import statistics
import time

from bench_data import large_database, worker_with_open_cases

from workbench.analysis.caseload import case_overview
from workbench.apps.client_page import client_page_parts
from workbench.store.connection import open_db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    path = large_database(args.persons)
    worker = worker_with_open_cases(path, 60)
    db = open_db(path)
    persons = db["persons"].count
    started = time.perf_counter()
    cases = list(case_overview(db, worker, worker=worker)["case_id"])
    listing = time.perf_counter() - started
    client_page_parts(db, worker, cases[0], "uk")  # the first page pays for imports and font caches
    timings = []
    for n in range(args.runs):
        t0 = time.perf_counter()
        parts = client_page_parts(db, worker, cases[n % len(cases)], "uk")
        timings.append((time.perf_counter() - t0) * 1000)
        assert parts["star"] and parts["goals"]
    timings.sort()
    print(f"database: {persons:,} persons; {worker} has {len(cases)} open cases (listed in {listing * 1000:.0f} ms)")
    print(f"client page with both charts, {args.runs} pages: median {statistics.median(timings):.0f} ms, "
          f"p95 {timings[int(0.95 * len(timings)) - 1]:.0f} ms, max {timings[-1]:.0f} ms (target median < 300 ms)")


if __name__ == "__main__":
    main()
