"""The ``workbench`` command."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .store.connection import default_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="workbench", description="Assessment workbench for case management.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="write a synthetic demo database")
    demo.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    demo.add_argument("--households", type=int, default=240, help="number of families")
    demo.add_argument("--replace", action="store_true", help="replace an existing database file")
    serve = sub.add_parser("serve", help="serve the staff apps with Voilà on http://127.0.0.1:PORT/")
    serve.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    serve.add_argument("--apps", type=Path, default=None, help="folder of Voilà apps (default: voila_apps/)")
    serve.add_argument("--no-preheat", action="store_true", help="start a kernel per page load instead of a pool")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    if args.command == "serve":
        from .serve import serve as run

        run(args.apps, port=args.port, preheat=not args.no_preheat)
        return 0
    return 2


def _demo(args) -> int:
    from .demo import build_demo

    path = args.db or default_path()
    if path.exists():
        if not args.replace:
            print(f"{path} exists; pass --replace to build the demo anew", file=sys.stderr)
            return 1
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    summary = build_demo(path, seed=args.seed, households=args.households)
    print(f"demo database {path}: {summary.persons} persons, {summary.households} households, "
          f"{summary.cases} cases, {summary.assessments} assessments, {summary.corrections} corrections "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
