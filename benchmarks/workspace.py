"""The workspace in Chromium on the 20,000-person database: switching cases and tabs, saving from the browser,
and resident memory per open workspace — beside a bare Voilà page's round trip in the same run.

- **switch**: from the click on a case link (home's caseload) or a tab to the view being usable: the tab
  marked as the current one and the record's header naming that case, its body drawn;
- **save an assessment**: from the click on Save (a correction of a saved assessment, opened from its
  read-only view, its reason typed) to the confirmation; **save a review**: from the click on Save in the
  plan's review form to its confirmation;
- **reference**: the bare page's round trip, a keystroke to the kernel and its echo back on the page.

Prints the median and p95 of each, in milliseconds, and the resident memory (RSS) of the workspace's kernel
and the bare page's kernel with one page open.

    .venv/bin/python benchmarks/workspace.py [--cases 10] [--saves 10] [--persons 20000]

Targets (issue 15): a switch p95 <= 300 ms; a save p95 <= 500 ms.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_data import apps_folder, large_database, worker_with_open_cases  # noqa: E402
from workbench.serve import VoilaServer  # noqa: E402
from workbench.store.connection import open_db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
TABS = ("overview", "people", "assessments", "plan", "services", "shelter")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    return (f"{name:<28} median {1000 * statistics.median(values):6.0f} ms   p95 {1000 * p95(values):6.0f} ms"
            f"   (n={len(values)})")


class Stopwatch:
    """``with Stopwatch(times):`` appends the block's wall time, in seconds, to ``times`` (None: not kept)."""

    def __init__(self, times: list[float] | None):
        self.times = times

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        if self.times is not None and exc[0] is None:
            self.times.append(time.perf_counter() - self.started)


def usable(page, case_number: str, tab: str):
    """The record shows ``case_number`` at ``tab``, the tab's body drawn."""
    page.wait_for_function(
        """([number, tab]) => {
             const here = document.querySelector(`.wb-tabs a.wb-tab-${tab}.wb-here`);
             const header = document.querySelector('.wb-record-header');
             const body = document.querySelector('.wb-tab-content > *');
             return here && header && header.textContent.includes(number) && body && body.offsetHeight > 0;
           }""", arg=[case_number, tab], timeout=30_000)


def rss_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def kernel_of(page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def bench_cases(db_path: Path, user: str, n: int) -> tuple[list[tuple[int, str]], tuple[int, str]]:
    """``n`` open cases of ``user`` with an assessment, and one with an open goal (for reviews)."""
    from workbench.analysis.caseload import case_overview
    from workbench.store.assessments import list_assessments
    from workbench.store.plans import case_goals

    db = open_db(db_path)
    try:
        overview = case_overview(db, user, worker=user).to_dict("records")
        assessed = [(int(r["case_id"]), r["case_number"]) for r in overview
                    if list_assessments(db, user, int(r["case_id"]))]
        goal = next((int(r["case_id"]), r["case_number"]) for r in overview
                    if any(g["status"] == "open" for g in case_goals(db, user, int(r["case_id"]))))
    finally:
        db.conn.close()
    return assessed[:n], goal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder, apps = apps_folder("wb-workspace-", ROOT / "voila_apps" / "workspace.ipynb", ROOT / "benchmarks" / "bare_app.ipynb")
    source = large_database(args.persons)
    db_path = folder / "bench.db"  # a copy: the saves below must not change the cached database
    for suffix in ("", ".audit-key", ".audit-head"):
        shutil.copy(str(source) + suffix, str(db_path) + suffix)
    user = worker_with_open_cases(db_path, 60)
    cases, (goal_case, goal_number) = bench_cases(db_path, user, args.cases)
    results: dict[str, list[float]] = {"reference: bare round trip": [], "switch case": [], "switch tab": [],
                                       "save an assessment": [], "save a review": []}
    with VoilaServer(db_path, user=user, apps_dir=apps, pools={"workspace.ipynb": 1, "bare_app.ipynb": 1}) as server, \
            sync_playwright() as playwright:
        server.wait_for_pools()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        bare = browser.new_page()
        bare.goto(server.url("bare_app.ipynb"), wait_until="commit")
        bare.wait_for_selector(".wb-first-field input", timeout=120_000)
        for n in range(args.saves * 2):
            key = "abcdefghijklmnopqrstuvwxyz"[n % 26]
            with Stopwatch(results["reference: bare round trip"]):
                bare.type(".wb-first-field input", key)
                bare.wait_for_function("k => document.querySelector('.wb-echo').textContent.endsWith(k)", arg=key)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.url("workspace.ipynb"), wait_until="commit")
        page.wait_for_selector(".wb-caseload-open", timeout=120_000)
        for round_ in range(2):  # the first round builds each tab's view once; the second is what a day feels like
            for case_id, number in cases:
                page.click(".wb-nav-home")
                page.wait_for_selector(".wb-caseload-open")
                link = page.locator(f".wb-caseload-open[href*='case={case_id}&']")
                with Stopwatch(results["switch case"] if round_ else None):
                    link.click()
                    usable(page, number, "overview")
                for tab in TABS[1:]:
                    with Stopwatch(results["switch tab"] if round_ else None):
                        page.click(f".wb-tabs a.wb-tab-{tab}")
                        usable(page, number, tab)
        # Saving an assessment: a correction of the latest one, its reason typed.
        first_case, first_number = cases[0]
        page.click(".wb-nav-home")
        page.locator(f".wb-caseload-open[href*='case={first_case}&']").click()
        usable(page, first_number, "overview")
        page.click(".wb-tabs a.wb-tab-assessments")
        usable(page, first_number, "assessments")
        for n in range(args.saves):
            page.locator(".wb-saved-row .wb-view-assessment").first.click()
            page.wait_for_selector(".wb-record-chart img")
            page.click(".wb-open")
            page.wait_for_selector(".wb-reason input", state="visible")
            page.fill(".wb-reason input", f"Уточнення {n}")
            page.wait_for_timeout(300)  # the reason reaches the kernel before Save, as a person types
            with Stopwatch(results["save an assessment"]):
                page.click(".wb-save")
                page.wait_for_selector(".wb-status :text('Збережено')", timeout=30_000)
            page.wait_for_timeout(200)
        # Saving a review of an open goal.
        page.click(".wb-nav-home")
        page.goto(server.url("workspace.ipynb") + f"?case={goal_case}&tab=plan", wait_until="commit")
        usable(page, goal_number, "plan")
        for n in range(args.saves):
            form = page.locator(".wb-review")
            form.locator(".wb-review-goal_id select").select_option(index=1)
            form.locator(".wb-review-level select").select_option(index=1 + n % 5)
            page.wait_for_selector(".wb-review-status :text('Перегляд записано')", state="detached")
            page.wait_for_timeout(300)
            with Stopwatch(results["save a review"]):
                form.locator(".wb-review-submit").click()
                page.wait_for_selector(".wb-review-status :text('Перегляд записано')", timeout=30_000)
            page.wait_for_timeout(200)
        memory = {name: rss_mb(server.kernel_pids(kernel_of(p))[0]) for name, p in (("workspace", page),
                                                                                    ("bare page", bare))}
        browser.close()
    print(f"database: {args.persons:,} persons; worker {user} with 60 open cases; {len(cases)} cases switched")
    for name, values in results.items():
        if values:
            print(line(name, values))
    print("resident memory of an open page's kernel, after the runs above: "
          + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items()))


if __name__ == "__main__":
    main()
