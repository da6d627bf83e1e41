"""Kernels left and resident memory: what an open page costs, and what 20 loads and closes leave behind.

Serves a staff app and the bare Voilà page (``bare_app.ipynb``, the least a page can be) from one server,
each with a preheated pool of one kernel, on a demo database, as one user in one Chromium. For each page:

- the resident memory (RSS from /proc, MB) of a pooled kernel waiting, then of the kernels of ``--open``
  pages open side by side (the median), and of the server with them open;
- 20 loads and closes (the tab closed, so ``beforeunload`` runs), one after another, then the kernels
  the server still holds against its pool, at once and a few seconds later, and the server's memory.

    .venv/bin/python benchmarks/kernels.py [--app workspace|needs_assessment|...] [--loads 20] [--open 3]

Target (issue 15): after 20 loads and closes, at most the pool plus one kernel.
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

from bench_data import apps_folder  # noqa: E402
from time_to_interactive import CHROMIUM, FLAGS, wait_for_pools  # noqa: E402
from workbench.demo import build_demo  # noqa: E402
from workbench.serve import VoilaServer  # noqa: E402

BARE = "bare_app.ipynb"
READY_TIMEOUT_MS = 180_000
KERNEL_END_S = 10


def default_app() -> str:
    return "workspace" if (ROOT / "voila_apps" / "workspace.ipynb").exists() else "needs_assessment"


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (VmRSS), 0 once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def open_page(context, server: VoilaServer, notebook: str):
    """A page of ``notebook`` with its widgets shown; returns the page and its kernel's process."""
    page = context.new_page()
    page.goto(server.url(notebook), wait_until="commit", timeout=READY_TIMEOUT_MS)
    page.wait_for_selector(".jupyter-widgets", timeout=READY_TIMEOUT_MS)
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    return page, server.kernel_pids(kernel_id)[0]


def kernels_after(server: VoilaServer, seconds: float, most: int) -> int:
    deadline = time.monotonic() + seconds
    while len(server.kernel_pids()) > most and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(server.kernel_pids())


def measure(browser, server: VoilaServer, notebook: str, pool: int, fills: int, args) -> tuple[dict, int]:
    """Memory of ``notebook``'s pages and what its loads and closes leave; returns the figures (MB, or a
    count of kernels, or seconds) and the pool fills the log has counted so far."""
    waiting = {pid: rss_mb(pid) for pid in server.kernel_pids()}  # the pools' kernels, run ahead and quiet
    context = browser.new_context(locale="uk-UA")
    opened = []
    for _ in range(args.open):
        opened.append(open_page(context, server, notebook))
        fills += 1
    wait_for_pools(server, fills)  # the pages have rendered, the pool has refilled and run ahead: all quiet
    figures = {
        "pooled kernel, waiting (MB)": waiting.get(opened[0][1], float("nan")),  # the first page took it
        "an open page's kernel (MB)": statistics.median(rss_mb(pid) for _, pid in opened),
        f"server, {args.open} pages open (MB)": rss_mb(server.process.pid),
    }
    for page, _ in opened:
        page.close(run_before_unload=True)
    context.close()
    kernels_after(server, KERNEL_END_S, pool)

    context = browser.new_context(locale="uk-UA")
    started = time.perf_counter()
    for _ in range(args.loads):
        page, _ = open_page(context, server, notebook)
        page.close(run_before_unload=True)
        fills += 1
    figures["seconds per load and close"] = (time.perf_counter() - started) / args.loads
    figures[f"kernels after {args.loads} loads+closes"] = len(server.kernel_pids())
    figures[f"kernels {KERNEL_END_S} s later"] = kernels_after(server, KERNEL_END_S, pool)
    context.close()
    wait_for_pools(server, fills)
    figures[f"server after {args.loads} loads (MB)"] = rss_mb(server.process.pid)
    return figures, fills


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default=default_app(), help="a notebook of voila_apps/, without .ipynb")
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--open", type=int, default=3, help="pages open side by side for their memory")
    args = parser.parse_args()
    app = f"{args.app}.ipynb"
    folder, apps = apps_folder("wb-kernels-", ROOT / "voila_apps" / app, ROOT / "benchmarks" / BARE)
    try:
        run(args, app, apps, folder / "kernels.db")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, app: str, apps: Path, db_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    build_demo(db_path, seed=3, households=240)
    pools = {app: 1, BARE: 1}
    pool = sum(pools.values())
    results = {}
    with VoilaServer(db_path, user="olena.demo", apps_dir=apps, pools=pools) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        fills = len(pools)
        wait_for_pools(server, fills)
        server_at_start = rss_mb(server.process.pid)
        for notebook in (app, BARE):
            results[notebook], fills = measure(browser, server, notebook, pool, fills, args)
        browser.close()
        refused = server.log_text().count("403 POST /voila/api/shutdown/")

    print(f"One user, one Chromium; pool: {pool} kernels (one per notebook); server at start {server_at_start:.0f} MB")
    print(f"{'':38}{app:>24}{BARE:>18}")
    for key in results[app]:
        cells = [results[name][key] for name in (app, BARE)]
        print(f"{key:38}" + "".join(f"{v:>{w}{'.0f' if key.startswith('kernels') else '.1f'}}"
                                    for v, w in zip(cells, (24, 18))))
    print(f"target: at most {pool + 1} kernels (the pool plus one) after the loads and closes; "
          f"shutdowns refused (403) in the server log: {refused}")


if __name__ == "__main__":
    main()
