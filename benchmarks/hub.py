"""The centre's hub with ten case managers: first spawns, ten sign-ins at once, and resident memory.

- **first spawn**: each case manager signs in alone, one after another, with no server yet: from the click
  on "sign in" to the workspace drawn (``.wb-app`` visible), through the hub's spawn of their server;
- **reference**: one case manager alone signing in again to her server already running;
- **ten at once**: all ten sign in together, each in a fresh browser context of one Chromium, their servers
  running: from each click to that user's workspace drawn;
- **memory**: resident memory (VmRSS) of the hub, its proxy, and each user's server (jhsingle-native-proxy,
  Voilà, kernels) while the ten pages are open.

    .venv/bin/python benchmarks/hub.py [--users 10]

Target (issue 16): ten at once p95 <= 5 s with their servers running.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.demo import ADMINISTRATOR, DEMO_PASSWORD, build_demo  # noqa: E402
from workbench.hub.server import HubServer  # noqa: E402
from workbench.serve import process_tree  # noqa: E402
from workbench.store.connection import open_db  # noqa: E402
from workbench.store.credentials import set_password  # noqa: E402
from workbench.store.users import add_user  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 240_000
OUT = ROOT / "benchmarks" / "out"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    return f"{name:<34} p50 {statistics.median(values):6.2f} s   p95 {p95(values):6.2f} s   (n={len(values)})"


def add_case_managers(db_path: Path, n: int) -> list[str]:
    """``n`` case managers of team Північ, added by the demo's administrator, each with the demo's password."""
    names = [f"bench.cm{i:02d}" for i in range(1, n + 1)]
    db = open_db(db_path)
    try:
        for name in names:
            add_user(db, ADMINISTRATOR, username=name, display_name=f"Bench {name[-2:]}", role="case_manager",
                     teams=["Північ"])
            set_password(db, ADMINISTRATOR, name, DEMO_PASSWORD)
    finally:
        db.conn.close()
    return names


async def sign_in(browser, hub, username: str) -> float:
    """Seconds from the click on "sign in" to the workspace drawn, in a fresh context (closed after)."""
    context = await browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 1000})
    try:
        page = await context.new_page()
        await page.goto(hub.url("hub/login"))
        await page.fill("#username_input", username)
        await page.fill("#password_input", DEMO_PASSWORD)
        started = time.perf_counter()
        await page.click("#login_submit", no_wait_after=True)
        await page.wait_for_selector(".wb-app", state="visible", timeout=TIMEOUT_MS)
        took = time.perf_counter() - started
        # Closed as a user closes a tab: the page tells Voilà to end its kernel (context.close() alone would
        # leave it running until the culler, an hour later, and the memory below would count it).
        await page.close(run_before_unload=True)
        await asyncio.sleep(0.5)
        return took
    finally:
        await context.close()


async def all_at_once(browser, hub, names: list[str]) -> tuple[list[float], list[float], dict, dict]:
    """Each of ``names`` signing in together: seconds to the workspace drawn, seconds to the page's answer,
    the memory read while their pages are open, and the CPU seconds the server and the browser used."""
    go, contexts, times, answered, ready = asyncio.Event(), [], {}, {}, []

    async def one(name):
        context = await browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 1000})
        contexts.append(context)
        page = await context.new_page()
        await page.goto(hub.url("hub/login"))
        await page.fill("#username_input", name)
        await page.fill("#password_input", DEMO_PASSWORD)
        ready.append(name)
        await go.wait()  # every page filled in: the clicks go together
        started = time.perf_counter()
        await page.click("#login_submit", no_wait_after=True)
        # The page's answer arrives whole (the hub's proxy buffers it) once Voilà has run the app in a kernel.
        await page.wait_for_url("**/voila/render/workspace.ipynb*", wait_until="commit", timeout=TIMEOUT_MS)
        answered[name] = time.perf_counter() - started
        await page.wait_for_selector(".wb-app", state="visible", timeout=TIMEOUT_MS)
        times[name] = time.perf_counter() - started

    tasks = [asyncio.create_task(one(name)) for name in names]
    while len(ready) < len(names):
        await asyncio.sleep(0.05)
    before = cpu_seconds(hub)
    go.set()
    await asyncio.gather(*tasks)
    after = cpu_seconds(hub)
    cpu = {side: after[side] - before.get(side, 0.0) for side in after}
    await asyncio.sleep(3)  # the pools refill the kernels the pages took: measure the steady state
    memory = resident_memory(hub)
    for context in contexts:
        await context.close()
    return [times[name] for name in names], [answered[name] for name in names], memory, cpu


def cpu_seconds(hub) -> dict:
    """CPU seconds (user + system) used so far by this script's children: the hub's processes by kind (the
    hub, its proxy, the users' proxies, Voilà, kernels) and the rest (``browser``: Chromium, Playwright)."""
    server = hub.processes()
    out = {}
    for pid in process_tree(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        what = "hub" if pid == hub.process.pid else kind(server[pid]) if pid in server else "browser"
        out[what] = out.get(what, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def rss_mb(pid: int) -> float:
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def owner(pid: int) -> str | None:
    """The hub user a process runs for (JUPYTERHUB_USER, set by the spawner and inherited), or None."""
    try:
        for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            if item.startswith(b"JUPYTERHUB_USER="):
                return item.split(b"=", 1)[1].decode() or None
    except OSError:
        pass
    return None


def kind(cmdline: str) -> str:
    for marker, name in (("workspace_proxy", "jhsingle proxy"), ("workbench.cli serve", "voila"),
                         ("ipykernel_launcher", "kernel"), ("configurable-http-proxy", "proxy"),
                         ("idle_culler", "idle culler")):
        if marker in cmdline:
            return name
    return "other"


def resident_memory(hub) -> dict:
    """MB: ``hub``, ``proxy``, ``idle culler``, and per user ``{user: {jhsingle proxy, voila, kernel, kernels}}``."""
    out = {"hub": rss_mb(hub.process.pid), "proxy": 0.0, "idle culler": 0.0, "users": {}}
    for pid, cmdline in hub.processes().items():
        user, what = owner(pid), kind(cmdline)
        if user is None:
            out[what] = out.get(what, 0.0) + rss_mb(pid)
            continue
        mine = out["users"].setdefault(user, {"jhsingle proxy": 0.0, "voila": 0.0, "kernel": 0.0, "kernels": 0})
        mine[what] = mine.get(what, 0.0) + rss_mb(pid)
        mine["kernels"] += what == "kernel"
    return out


async def run(n: int) -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="wb-bench-hub-") as tmp:
        db_path = Path(tmp) / "workbench.db"
        started = time.perf_counter()
        build_demo(db_path)
        names = add_case_managers(db_path, n)
        print(f"demo database and {n} case managers in {time.perf_counter() - started:.0f} s")
        with HubServer(db_path, Path(tmp) / "hub", timeout_s=180) as hub:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                first = []
                for name in names:
                    first.append(await sign_in(browser, hub, name))
                    print(f"  first spawn {name}: {first[-1]:.2f} s", flush=True)
                reference = [await sign_in(browser, hub, names[0]) for _ in range(3)]
                together, answered, memory, cpu = await all_at_once(browser, hub, names)
                await browser.close()
            hub_log = hub.log_text()
            OUT.mkdir(exist_ok=True)
            (OUT / "hub.log").write_text(hub_log)  # the timeline behind the figures, kept after the run
    report(first, reference, together, answered, memory, cpu, hub_log)


def report(first, reference, together, answered, memory, cpu, hub_log) -> None:
    print()
    print(line("first spawn, one by one", first))
    print(line("reference: one alone, running", reference))
    print(line(f"{len(together)} at once, servers running", together))
    print(line("  of which to the page's answer", answered))
    server = sum(seconds for what, seconds in cpu.items() if what != "browser")
    print(f"CPU seconds while the {len(together)} signed in ({os.cpu_count()} cores): server {server:.0f} ("
          + ", ".join(f"{what} {seconds:.0f}" for what, seconds in sorted(cpu.items()) if what != "browser")
          + f"), browser {cpu.get('browser', 0):.0f} (real users' browsers run on their own machines)")
    print(f"target: {len(together)} at once p95 <= 5 s -> {'met' if p95(together) <= 5 else 'NOT met'}")
    print(f"pages the proxy answered with 503: {hub_log.count('configurable_http_proxy] 503')}")
    print()
    print("resident memory (VmRSS, MB) with every page open")
    print(f"  {'hub':<14}{memory['hub']:8.0f}")
    print(f"  {'proxy':<14}{memory['proxy']:8.0f}")
    print(f"  {'idle culler':<14}{memory['idle culler']:8.0f}")
    print(f"  {'user':<14}{'jhsingle':>10}{'voila':>8}{'kernels':>9}{'(n)':>5}{'total':>8}")
    totals = []
    for user, m in sorted(memory["users"].items()):
        total = m["jhsingle proxy"] + m["voila"] + m["kernel"] + m.get("other", 0.0)
        totals.append(total)
        print(f"  {user:<14}{m['jhsingle proxy']:10.0f}{m['voila']:8.0f}{m['kernel']:9.0f}{m['kernels']:5d}{total:8.0f}")
    if totals:
        print(f"  {'per user p50':<14}{'':>32}{statistics.median(totals):8.0f}")
        print(f"  {'all users':<14}{'':>32}{sum(totals):8.0f}")
    print()
    print("summary")
    print(f"  {'measure':<38}{'p50':>8}{'p95':>8}   reference p50 (same run)")
    for name, values in (("first spawn, one by one (s)", first), (f"{len(together)} at once, running (s)", together)):
        print(f"  {name:<38}{statistics.median(values):8.2f}{p95(values):8.2f}   {statistics.median(reference):.2f}")
    print(f"  {'memory per user (MB)':<38}{statistics.median(totals) if totals else 0:8.0f}{'':>8}   "
          f"hub {memory['hub']:.0f} + proxy {memory['proxy']:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="case managers (default 10)")
    asyncio.run(run(parser.parse_args().users))


if __name__ == "__main__":
    main()
