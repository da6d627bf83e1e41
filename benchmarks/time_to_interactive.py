"""Time to interactive of the workspace against a bare Voilà page, in one server run.

Interactive means: the page's main control is present and enabled (the workspace's first case
link in the caseload, the bare page's button), and a keystroke typed into the first field has
reached the kernel (the kernel's answer is visible on the page: the caseload's "showing 0 of
60", an echo in the bare page). Both notebooks are served by the same Voilà with a preheated
pool of one kernel each; every load waits until the pools have refilled. Prints the median of
5 loads for each and their ratio.

    .venv/bin/python benchmarks/time_to_interactive.py [--loads 5] [--persons 20000]

Target: the workspace's home, for a worker with 60 open cases in a database of 20,000 persons,
within 1.25x of the bare page.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_data import apps_folder, large_database, worker_with_open_cases  # noqa: E402
from workbench.serve import VoilaServer, process_tree  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
# The workspace: its main control, its first field's input, what shows the kernel got the keystroke, the key
# typed ("ъ" is in no Ukrainian name, so the caseload surely changes to "showing 0 of 60").
WORKSPACE = (".wb-caseload-open", ".wb-caseload-filter input", ".wb-caseload-shown :text('0 з')", "ъ")


def wait_for_pools(server: VoilaServer, expected_fills: int, timeout_s: float = 120) -> None:
    """Wait until the pools have refilled and their new kernels have finished running ahead.

    Voilà logs "is filled" as soon as a kernel starts, before the notebook has run up to
    ``wait_for_request()``; a load measured then would share the two cores with that run.
    So after the log line, wait until the server and its kernels use (almost) no CPU.
    """
    deadline = time.monotonic() + timeout_s
    while server.log_text().count("is filled with") < expected_fills:
        if time.monotonic() > deadline:
            raise RuntimeError("the kernel pools did not refill:\n" + server.log_text()[-2000:])
        time.sleep(0.2)
    quiet_since, last = None, _cpu_ticks(server)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = _cpu_ticks(server)
        busy, last = now - last > 3, now  # more than 30 ms of CPU in a quarter second
        quiet_since = None if busy else (quiet_since or time.monotonic())
        if quiet_since and time.monotonic() - quiet_since > 1.0:
            return
    raise RuntimeError("the server did not settle after refilling its pools")


def _cpu_ticks(server: VoilaServer) -> int:
    """User and system CPU ticks of the server and all its kernels (from /proc)."""
    total = 0
    for pid in [server.process.pid, *process_tree(server.process.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def load_once(browser, url: str, button: str, field: str, echo: str, key: str) -> float:
    page = browser.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        main_button = page.wait_for_selector(button, state="attached", timeout=120_000)
        while not main_button.is_enabled():
            time.sleep(0.01)
        page.type(field, key)
        page.wait_for_selector(echo, timeout=60_000)
        return time.perf_counter() - started
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--persons", type=int, default=20_000, help="database size")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    _, apps = apps_folder("wb-tti-", ROOT / "voila_apps" / "workspace.ipynb", ROOT / "benchmarks" / "bare_app.ipynb")
    db_path = large_database(args.persons)
    user = worker_with_open_cases(db_path, 60)
    key = WORKSPACE[3]
    pages = {"workspace.ipynb": WORKSPACE,
             "bare_app.ipynb": (".wb-save", ".wb-first-field input", f".wb-echo :text('got: {key}')", key)}
    pools = {name: 1 for name in pages}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    with VoilaServer(db_path, user=user, apps_dir=apps, pools=pools) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        fills = len(pages)
        wait_for_pools(server, fills)
        for name, spec in pages.items():  # one warm-up load each: the browser caches the page's JS
            load_once(browser, server.url(name), *spec)
            fills += 1
            wait_for_pools(server, fills)
        for _ in range(args.loads):
            for name, spec in pages.items():
                timings[name].append(load_once(browser, server.url(name), *spec))
                fills += 1
                wait_for_pools(server, fills)
        browser.close()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, values in timings.items():
        print(f"{name}: median {medians[name]:.2f} s over {len(values)} loads "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    ratio = medians["workspace.ipynb"] / medians["bare_app.ipynb"]
    print(f"ratio workspace / bare page: {ratio:.2f} (target <= 1.25)")


if __name__ == "__main__":
    main()
