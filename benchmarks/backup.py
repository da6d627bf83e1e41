"""The time of a backup of the 20,000-person demo database (``workbench backup``), alone and while 8 writer processes
save assessments; and what the backup does to those writers.

The demo database (:func:`bench_data.large_database`) is copied to a temporary folder with its key and head and
brought up to date (``workbench migrate``). The demo's case manager registers one client per writer; each writer
process saves full needs assessments on its own case through the store (policy, checks, ``BEGIN IMMEDIATE``, the
audit chain) as fast as it can for ``--seconds`` and records each save's start, end and outcome. The backup starts
``--before`` seconds in. Printed side by side: the saves that ran while the backup ran and those in the same span of
time before it (count, p50/p95/max latency, "database is locked" errors), the backup's seconds and size, and
whether every acknowledged save is in the database at the end.

    .venv/bin/python benchmarks/backup.py [--writers 8] [--seconds 30] [--before 10]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_data import large_database  # noqa: E402
from workbench.store import chain  # noqa: E402
from workbench.store.backup import make_backup  # noqa: E402
from workbench.store.restore import open_copy  # noqa: E402
from workbench.store.connection import apply_migrations, open_db  # noqa: E402
from workbench.store.intake import register_client  # noqa: E402

TODAY = date(2026, 6, 15)  # the writers' assessments are dated this day (their cases open on it)

WRITER = """
import json, random, sqlite3, sys, time
from datetime import date
from pathlib import Path
from workbench.demo import _answers
from workbench.instruments.loader import load_builtin
from workbench.store.assessments import save_assessment
from workbench.store.connection import open_db

path, case_id, go, n = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
today = date(2026, 6, 15)
fna = load_builtin("family_needs_assessment")
latent = {d.name: 1.0 for d in fna.domains()}
rng = random.Random(int(case_id))
db = open_db(path)
print("ready", flush=True)
while not go.exists():  # every writer starts together, imports done
    time.sleep(0.01)
until = float(go.read_text())
saves, i = [], 0
while time.time() < until:
    answers = _answers(rng, fna, latent, [], today, 0)
    i += 1
    started = time.time()
    try:
        saved = save_assessment(db, "olena.demo", case_id=case_id, instrument=fna, answers=answers,
                                assessed_on=today, today=today, submission_key=f"bench-{n}-{i}")
        saves.append([started, time.time(), saved, None])
    except sqlite3.OperationalError as error:
        saves.append([started, time.time(), None, str(error)])
db.conn.close()
print(json.dumps(saves))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def describe(saves: list) -> str:
    ok = [(end - start) * 1000 for start, end, saved, error in saves if error is None]
    locked = sum(1 for *_, error in saves if error and "locked" in error)
    other = sum(1 for *_, error in saves if error and "locked" not in error)
    if not ok:
        return f"{len(saves)} saves, none succeeded; locked {locked}, other errors {other}"
    return (f"{len(ok):4d} saves, p50 {statistics.median(ok):6.1f} ms, p95 {percentile(ok, 0.95):6.1f} ms, "
            f"max {max(ok):7.1f} ms, 'database is locked' {locked}, other errors {other}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the writers save")
    parser.add_argument("--before", type=float, default=10.0, help="seconds of saving before the backup starts")
    args = parser.parse_args()

    source = large_database()
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-backup-"))
    path = folder / "workbench.db"
    shutil.copyfile(source, path)
    for belonging, copied in zip(chain.files(source), chain.files(path)):
        if belonging.exists():
            shutil.copyfile(belonging, copied)
    apply_migrations(path)
    db = open_db(path)
    cases = [register_client(db, "olena.demo", family_name="Бенчмарк", given_name=f"Писар{n}",
                             birth_date="01.01.1990", sex="female", category="idp", consent_given_on="01.01.2026",
                             programme="idp_support", today=TODAY) for n in range(args.writers)]
    persons = db.execute("select count(*) from persons").fetchone()[0]
    db.conn.close()

    alone = make_backup(path, folder / "alone")
    print(f"database: {persons:,} persons, {path.stat().st_size / 1e6:.0f} MB at {path}")
    print(f"(a) backup alone:            {alone['seconds']:.2f} s (the copy itself {alone['copy_seconds']:.2f} s, then "
          f"integrity_check, fsync, sha256), copy {alone['size'] / 1e6:.0f} MB")

    go = folder / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(case), str(go), str(n)],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True) for n, case in enumerate(cases)]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    go_at = time.time()
    go.write_text(str(go_at + args.seconds))
    time.sleep(args.before)
    started = time.time()
    during = make_backup(path, folder / "during")
    ended = time.time()
    saves = []
    for writer in writers:
        out, _ = writer.communicate()
        saves.extend(json.loads(out))
    span = ended - started
    window = min(span, started - go_at)  # as long as the backup, if the writers ran that long before it
    overlapping = [s for s in saves if s[0] < ended and s[1] > started]
    before = [s for s in saves if started - window <= s[0] and s[1] <= started]
    print(f"(b) backup with {args.writers} writers:   {during['seconds']:.2f} s (the copy itself "
          f"{during['copy_seconds']:.2f} s), copy {during['size'] / 1e6:.0f} MB")
    print(f"    writers during the backup ({span:.1f} s):      {describe(overlapping)}")
    print(f"    writers in the {window:.1f} s before it:          {describe(before)}")
    print(f"    writers over the whole {args.seconds:.0f} s:             {describe(saves)}")

    acknowledged = {s[2] for s in saves if s[3] is None}
    db = open_db(path)
    present = {r[0] for r in db.execute("select id from assessments where created_by = 'olena.demo' and "
                                        "submission_key like 'bench-%'")}
    db.conn.close()
    copy = open_copy(during["path"])  # read-only: the copy stays as its manifest says
    in_copy = {r[0] for r in copy.execute("select id from assessments where submission_key like 'bench-%'")}
    copy.conn.close()
    before_backup = {s[2] for s in saves if s[3] is None and s[1] < started}
    print(f"    saves kept: {len(acknowledged & present)} of {len(acknowledged)} acknowledged are in the database; "
          f"the copy holds {len(in_copy)}, every one acknowledged before the backup began: "
          f"{before_backup <= in_copy} ({len(before_backup)})")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
