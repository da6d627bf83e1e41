"""Databases for the benchmarks, built with the demo's own code and kept in benchmarks/out/ (git-ignored)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.access import add_user  # noqa: E402
from workbench.demo import build_demo  # noqa: E402
from workbench.store.connection import open_db  # noqa: E402
from workbench.store.lifecycle import case_state, transfer_case  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
BENCH_WORKER = "bench.worker"


def large_database(persons: int = 20_000, seed: int = 7) -> Path:
    """A demo database of about ``persons`` people (families of ~4), built once and reused."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"demo-{persons}-{seed}.db"
    if not path.exists():
        started = time.perf_counter()
        households = int(persons / 4.05)
        partial = path.with_suffix(".partial")
        for suffix in ("", "-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        summary = build_demo(partial, seed=seed, households=households, care_leavers=persons // 80)
        partial.rename(path)
        print(f"built {path.name}: {summary.persons:,} persons, {summary.cases:,} cases, "
              f"{summary.assessments:,} assessments in {time.perf_counter() - started:.0f} s")
    return path


def worker_with_open_cases(path: Path, n: int = 60) -> str:
    """A case manager who has exactly ``n`` open cases (handed over from the demo's workers)."""
    db = open_db(path)
    try:
        if not db.execute("select 1 from users where username = ?", [BENCH_WORKER]).fetchone():
            add_user(db, BENCH_WORKER, "Bench Worker", "case_manager")
        current = [r[0] for r in db.execute("select id from cases order by id desc")
                   if case_state(db, r[0])["status"] != "closed"]
        mine = [c for c in current if case_state(db, c)["worker"] == BENCH_WORKER]
        for case_id in [c for c in current if c not in mine][: max(0, n - len(mine))]:
            transfer_case(db, "mariia.demo", case_id, to_worker=BENCH_WORKER, reason="benchmark")
    finally:
        db.conn.close()
    return BENCH_WORKER
