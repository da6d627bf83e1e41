"""The period report notebook, executed unattended with papermill on about 5 million answers.

On the generated database of :func:`bench_data.answers_database` (20,000 persons × 6 family needs
assessments, services, goals, reviews, events, shelter stays over 2025-01-01 .. 2026-11-15), executes
``notebooks/period_report.ipynb`` with the parameters ``database``, ``period="2026"``, ``lang="uk"`` and
``excel`` (a temporary .xlsx), as ``bench_data.ANSWERS_SUPERVISOR`` (the Excel export is audited, so each
run adds one audit row to the benchmark database), and prints the wall time (target < 60 s, kernel start
included), the slowest cells and the size of what it wrote. Exits non-zero if the notebook is missing
or fails. Prints figures; asserts nothing about time.

``--notebook NAME`` runs another notebook in notebooks/ instead, passing only ``database`` (to try the
mechanics on any notebook). The executed notebook and the workbook go to a temporary folder, removed at
the end unless ``--keep``.

    .venv/bin/python benchmarks/period_report.py [--persons 20000] [--period 2026] [--notebook period_report] [--keep]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--period", default="2026")
    parser.add_argument("--lang", default="uk", choices=["uk", "en"])
    parser.add_argument("--notebook", default="period_report", help="a notebook in notebooks/ (default: period_report)")
    parser.add_argument("--keep", action="store_true", help="keep the executed notebook and the workbook")
    args = parser.parse_args()
    source = NOTEBOOKS / f"{args.notebook}.ipynb"
    if not source.is_file():
        known = ", ".join(sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))) or "none"
        print(f"NOT MEASURED: {source.relative_to(ROOT)} does not exist (yet). Notebooks there: {known}. "
              f"Try the mechanics on one of them with --notebook NAME.", file=sys.stderr)
        return 1

    sys.path.insert(0, str(ROOT))
    from bench_data import answers_database

    from workbench.store.connection import open_db

    path = answers_database(args.persons)
    open_db(path, migrate=True).conn.close()  # any pending migration runs here, not inside the measured run
    folder = Path(tempfile.mkdtemp(prefix="wb-period-report-"))
    try:
        return _run(args, source, path, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _run(args, source: Path, path: Path, folder: Path) -> int:
    import papermill

    from bench_data import ANSWERS_SUPERVISOR

    excel = folder / f"period-report-{args.period}.xlsx"
    if args.notebook == "period_report":
        parameters = {"database": str(path), "period": args.period, "lang": args.lang, "excel": str(excel)}
    else:
        parameters = {"database": str(path)}
    out = folder / f"{args.notebook}-executed.ipynb"
    os.environ["WB_USER"] = ANSWERS_SUPERVISOR  # the kernel inherits it: who exports the workbook
    os.environ.pop("JUPYTERHUB_USER", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    print(f"database: {path.name}; executing {source.relative_to(ROOT)} with "
          + ", ".join(f"{k}={v!r}" for k, v in parameters.items()), flush=True)
    started = time.perf_counter()
    try:
        executed = papermill.execute_notebook(str(source), str(out), parameters=parameters, cwd=str(ROOT),
                                              progress_bar=False)
    except papermill.PapermillExecutionError as error:
        print(f"FAILED after {time.perf_counter() - started:.1f} s: {source.name} stopped at cell "
              f"{error.exec_count}: {error.ename}: {error.evalue} "
              + (f"(executed notebook: {out})" if args.keep else "(--keep keeps the executed notebook)"), file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    cells = sorted(((c.metadata.get("papermill", {}).get("duration") or 0.0, n, c.source.splitlines()[0][:70])
                    for n, c in enumerate(executed.cells) if c.cell_type == "code"), reverse=True)
    print(f"{source.name} executed in {seconds:.1f} s wall, kernel start included "
          f"(target < 60 s: {'met' if seconds < 60 else 'NOT met'})")
    print("slowest cells: " + "; ".join(f"#{n} {d:.1f} s ({first!r})" for d, n, first in cells[:3]))
    print(f"executed notebook: {out.name} ({out.stat().st_size / 1024:,.0f} KiB)")
    if "excel" in parameters:
        if excel.is_file():
            from openpyxl import load_workbook

            book = load_workbook(excel, read_only=True)
            rows = sum(sheet.max_row or 0 for sheet in book.worksheets)
            print(f"Excel workbook: {excel.name} ({excel.stat().st_size / 1024:,.0f} KiB, {len(book.sheetnames)} sheets, "
                  f"{rows:,} rows)")
        else:
            print(f"Excel workbook: not written ({excel} does not exist)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
