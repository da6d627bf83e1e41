"""How every public store function answers hostile values: the harness of tests/test_hostile_input.py
(tests/hostile_harness.py) run outside pytest, counting each call's outcome instead of stopping at the first
failure.

For each function with a recipe in tests/test_store_access.py, on its own copy of that test's small world,
hypothesis draws ``--profile``'s examples (``ci``: fixed seed, as the test; ``long``: ten times as many, a new
seed each run) and each call is counted as ``accepted``, ``refused <message key>`` or ``failed <exception>``
(an exception other than a clear refusal, or a check that did not hold). Prints the counts by function and
outcome, the totals, and whether the database was whole after each function's run. Exit 1 when any call failed.

    .venv/bin/python benchmarks/hostile_input.py [--profile ci|long] [--only module.function ...] [--failures]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_harness as harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(harness.PROFILES), default="ci")
    parser.add_argument("--only", nargs="*", help="these functions alone (module.function)")
    parser.add_argument("--failures", action="store_true", help="list only the functions with a failed call")
    parser.add_argument("--show", type=int, default=0, help="print the first N failed calls of each function")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-hostile-"))
    world_path = folder / "world.db"
    ids = harness.access.build_world(world_path)
    names = args.only or sorted(harness.access.RECIPES)
    totals, broken = Counter(), []
    started = time.perf_counter()
    for n, name in enumerate(names):
        run_folder = folder / str(n)
        run_folder.mkdir()
        db, world = harness.world_copy(world_path, ids, run_folder, name)
        tally, failures = Counter(), []
        try:
            harness.drive(name, db, world, args.profile, tally, strict=False, failures=failures)
            try:
                harness.check_after_run(db)
            except Exception as error:  # noqa: BLE001 -- reported, and the run goes on
                broken.append(f"{name}: {type(error).__name__}: {_short(error)}")
        finally:
            db.conn.close()
        totals.update(tally)
        if not args.failures or any(k.startswith("failed") for k in tally):
            calls = sum(tally.values())
            print(f"{name}: {calls} calls; " + "; ".join(f"{k} {v}" for k, v in sorted(tally.items())))
        for replaced, error in failures[:args.show]:
            print(f"    {_short(replaced)} -> {type(error).__name__}: {_short(error)}")
    calls = sum(totals.values())
    summary = Counter()
    for outcome, count in totals.items():
        summary[outcome.split(" ")[0]] += count
    print(f"\nprofile {args.profile}: {len(names)} functions, {calls} calls in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{k} {summary[k]}" for k in ("accepted", "refused", "failed")))
    print("refusals by key:", ", ".join(f"{k[8:]} {v}" for k, v in totals.most_common() if k.startswith("refused")))
    print("failures by exception:", ", ".join(f"{k[7:]} {v}" for k, v in totals.most_common() if k.startswith("failed"))
          or "none")
    print("after each function's run:", "; ".join(broken) or "integrity_check ok, check_database ok, no partial record")
    return 1 if summary["failed"] or broken else 0


def _short(value, limit=300) -> str:
    text = repr(value) if not isinstance(value, BaseException) else str(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


if __name__ == "__main__":
    sys.exit(main())
