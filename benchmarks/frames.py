"""Building the domain-score frame against reading the raw answers, on about 5 million answers.

On the generated database of :func:`bench_data.answers_database` (20,000 persons × 6 family needs
assessments, about 5% of them superseded by a correction), measures in fresh processes, one per
measurement, alternating, ``--runs`` times each:

(a) ``pandas.read_sql("select * from answers", sqlite3 connection)``;
(b) ``workbench.analysis.frames.domain_score_frame(open_db(path), actor, "family_needs_assessment")``, read
    by the database's head of centre (``bench_data.ANSWERS_HEAD``: an aggregate of every case);

each with its wall time (from opening the database to the finished frame; imports not counted), its CPU
time (user + system, steadier than wall time on a busy machine) and its process's peak memory
(``ru_maxrss``, imports included). Prints the medians, the ratio (b)/(a) (target ≤ 1.5, on wall time)
and the peak memory of (b) (target < 2 GiB). Prints figures; asserts nothing about time.

    .venv/bin/python benchmarks/frames.py [--runs 3] [--persons 20000]
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIB = 1024 ** 3


def _measure(kind: str, path: str, actor: str) -> dict:
    """One measurement in this (fresh) process: wall time and peak memory of ``kind`` (the frame read by ``actor``)."""
    import sqlite3

    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from workbench.analysis.frames import domain_score_frame
    from workbench.store.connection import open_db

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu, started = usage.ru_utime + usage.ru_stime, time.perf_counter()
    if kind == "read_sql":
        conn = sqlite3.connect(path)
        frame = pd.read_sql("select * from answers", conn)
    else:
        frame = domain_score_frame(open_db(path), actor, "family_needs_assessment")
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"kind": kind, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu, "rows": len(frame),
            "max_rss": usage.ru_maxrss * 1024}  # Linux: ru_maxrss is in KiB


def _fresh(kind: str, path: Path, actor: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), actor], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "ACTOR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return
    sys.path.insert(0, str(ROOT))
    from bench_data import ANSWERS_HEAD, answers_database

    from workbench.store.connection import open_db
    from workbench.store.people import EXCLUDED_CASES_SQL

    path = answers_database(args.persons)
    db = open_db(path, migrate=True)  # applies any pending migration here, not in a measured process
    counts = db.execute(f"""select (select count(*) from answers), (select count(*) from assessments),
        (select count(*) from assessments where supersedes is not null),
        (select count(*) from cases), (select count(*) from cases where id in ({EXCLUDED_CASES_SQL}))""").fetchone()
    db.conn.close()
    print(f"database: {path.name} ({path.stat().st_size / 2**20:,.0f} MiB): {counts[0]:,} answers, "
          f"{counts[1]:,} assessments ({counts[2]:,} superseded by a correction), {counts[3]:,} cases "
          f"({counts[4]:,} left out: consent withdrawn)")
    with open(path, "rb") as f:  # the first measurement should not be the one that reads the file from disk
        while f.read(1 << 24):
            pass
    results: dict[str, list[dict]] = {"read_sql": [], "frame": []}
    for run in range(args.runs):
        for kind in results:
            result = _fresh(kind, path, ANSWERS_HEAD)
            results[kind].append(result)
            print(f"  run {run + 1} {kind:8}: {result['seconds']:6.2f} s (CPU {result['cpu']:6.2f} s), "
                  f"peak {result['max_rss'] / 2**20:6,.0f} MiB, "
                  f"{result['rows']:,} rows", flush=True)
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    cpu = {k: statistics.median(r["cpu"] for r in v) for k, v in results.items()}
    peak = {k: max(r["max_rss"] for r in v) for k, v in results.items()}
    print(f"(a) pandas.read_sql of the answers table: median {med['read_sql']:.2f} s (CPU {cpu['read_sql']:.2f} s), "
          f"peak memory {peak['read_sql'] / 2**20:,.0f} MiB")
    print(f"(b) domain_score_frame:                   median {med['frame']:.2f} s (CPU {cpu['frame']:.2f} s), "
          f"peak memory {peak['frame'] / 2**20:,.0f} MiB (target < 2 GiB: {'met' if peak['frame'] < 2 * GIB else 'NOT met'})")
    ratio = med["frame"] / med["read_sql"]
    print(f"ratio (b)/(a): {ratio:.2f} on wall time (target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'}), "
          f"{cpu['frame'] / cpu['read_sql']:.2f} on CPU time")


if __name__ == "__main__":
    main()
