"""Time to interactive of the needs-assessment app against a bare Voilà page, in one server run.

Interactive means: the Save button is present and enabled, and a keystroke typed into the
first field has reached the kernel (the kernel's answer is visible on the page: the search
hint in our app, an echo in the bare page). Both notebooks are served by the same Voilà
with a preheated pool of one kernel each; every load waits until the pools have refilled.
Prints the median of 5 loads for each and their ratio (target <= 1.25).

    .venv/bin/python benchmarks/time_to_interactive.py [--loads 5]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.demo import build_demo  # noqa: E402
from workbench.serve import VoilaServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
PAGES = {
    # notebook: (first field's input, what shows the kernel got the keystroke)
    "needs_assessment.ipynb": (".wb-search input", ".wb-matches small"),
    "bare_app.ipynb": (".wb-first-field input", ".wb-echo :text('got: т')"),
}


def wait_for_pools(server: VoilaServer, expected_fills: int, timeout_s: float = 120) -> None:
    """Wait until the log shows ``expected_fills`` pool fills in all (the pools are warm again)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.log_text().count("is filled with") >= expected_fills:
            time.sleep(0.5)
            return
        time.sleep(0.2)
    raise RuntimeError("the kernel pools did not refill:\n" + server.log_text()[-2000:])


def load_once(browser, url: str, field: str, echo: str) -> float:
    page = browser.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        save = page.wait_for_selector(".wb-save", state="attached", timeout=120_000)
        while not save.is_enabled():
            time.sleep(0.01)
        page.type(field, "т")
        page.wait_for_selector(echo, timeout=60_000)
        return time.perf_counter() - started
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="wb-tti-"))
    apps = folder / "apps"
    apps.mkdir()
    shutil.copy(ROOT / "voila_apps" / "needs_assessment.ipynb", apps)
    shutil.copy(ROOT / "benchmarks" / "bare_app.ipynb", apps)
    build_demo(folder / "tti.db", seed=3, households=240)
    pools = {name: 1 for name in PAGES}
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    with VoilaServer(folder / "tti.db", user="olena.demo", apps_dir=apps, pools=pools) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        fills = len(PAGES)
        wait_for_pools(server, fills)
        for name, (field, echo) in PAGES.items():  # one warm-up load each: the browser caches the page's JS
            load_once(browser, server.url(name), field, echo)
            fills += 1
            wait_for_pools(server, fills)
        for _ in range(args.loads):
            for name, (field, echo) in PAGES.items():
                timings[name].append(load_once(browser, server.url(name), field, echo))
                fills += 1
                wait_for_pools(server, fills)
        browser.close()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        print(f"{name}: median {medians[name]:.2f} s over {len(values)} loads "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    ratio = medians["needs_assessment.ipynb"] / medians["bare_app.ipynb"]
    print(f"ratio needs assessment / bare page: {ratio:.2f} (target <= 1.25)")


if __name__ == "__main__":
    main()
