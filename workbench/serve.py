"""Serving the staff apps with Voilà, configured the same way for the demo, the tests and the benchmarks."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import paths

# Apps that case managers open many times a day get a preheated kernel waiting
# (the notebook runs ahead up to wait_for_request()); each costs ~100 MB and a
# core while it fills, so only these are pooled.
PREHEATED_APPS = {"needs_assessment.ipynb": 1, "caseload.ipynb": 1}


def voila_config(port: int, preheat: bool = True, pools: dict[str, int] | None = None):
    """The traitlets ``Config`` for Voilà: loopback only, our pools, no stray ``voila.json``."""
    from traitlets.config import Config

    config = Config()
    config.Voila.ip = "127.0.0.1"
    config.Voila.port = port
    config.Voila.open_browser = False
    config.Voila.config_file_paths = []  # no stray voila.json changes what we serve
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.file_allowlist = []  # serve no data files, only the apps
    # A closed tab leaves its kernel running (a known Voilà behaviour); cull idle ones so a
    # long-running server does not fill memory. Drafts keep the work of a culled page.
    config.MappingKernelManager.cull_idle_timeout = 3600
    config.MappingKernelManager.cull_interval = 300
    if preheat:
        config.VoilaConfiguration.preheat_kernel = True
        config.VoilaKernelManager.kernel_pools_config = {
            "default": {"pool_size": 0},
            **{name: {"pool_size": size} for name, size in (pools or PREHEATED_APPS).items()},
        }
        config.VoilaKernelManager.fill_delay = 0
    return config


def serve(apps_dir: Path | None = None, port: int = 8866, preheat: bool = True,
          pools: dict[str, int] | None = None) -> None:
    """Run Voilà in this process until stopped (``WB_DB`` and ``WB_USER`` pass on to the kernels)."""
    from voila.app import Voila

    apps_dir = Path(apps_dir or paths.apps_dir())
    os.environ.setdefault("MPLBACKEND", "Agg")
    Voila.launch_instance(argv=[str(apps_dir)], config=voila_config(port, preheat, pools))


class VoilaServer:
    """Voilà as a subprocess on a free loopback port, for tests and benchmarks.

    ``with VoilaServer(db_path, user="olena.demo") as server: server.url("needs_assessment.ipynb")``.
    It waits until the server answers and always stops it (and its kernels) on exit.
    """

    def __init__(self, db_path, user: str, apps_dir=None, pools: dict[str, int] | None = None,
                 log_path=None, timeout_s: float = 90):
        self.db_path, self.user, self.timeout_s = Path(db_path), user, timeout_s
        self.apps_dir = Path(apps_dir or paths.apps_dir())
        self.pools = pools
        self.log_path = Path(log_path) if log_path else self.db_path.with_suffix(".voila.log")
        self.port = _free_port()
        self.process = None

    def url(self, notebook: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}" if notebook else f"http://127.0.0.1:{self.port}/"

    def __enter__(self):
        env = dict(os.environ, WB_DB=str(self.db_path), WB_USER=self.user, MPLBACKEND="Agg")
        env.pop("JUPYTERHUB_USER", None)
        code = ("import sys, json; from workbench.serve import serve; "
                "serve(sys.argv[1], port=int(sys.argv[2]), pools=json.loads(sys.argv[3]) or None)")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(self.apps_dir), str(self.port), json.dumps(self.pools or {})],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.url(), timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"Voilà did not answer on port {self.port}; log:\n{self.log_text()}")

    def wait_for_pools(self, timeout_s: float = 120) -> None:
        """Wait until every preheated pool has filled once (the log says so)."""
        names = list((self.pools or PREHEATED_APPS).keys())
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            log = self.log_text()
            if all(f"Kernel pool of {name} is filled" in log for name in names):
                return
            time.sleep(0.25)
        raise RuntimeError(f"the kernel pools did not fill in {timeout_s:.0f} s; log:\n{self.log_tail()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def kernel_pids(self, kernel_id: str | None = None) -> list[int]:
        """The server's kernel processes: all, or the one whose connection file names ``kernel_id``."""
        return [pid for pid in process_tree(self.process.pid)
                if "ipykernel" in (cmdline := _cmdline(pid))
                and (kernel_id is None or f"kernel-{kernel_id}.json" in cmdline)]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            kernels = self.kernel_pids()
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for pid in kernels:
                if "ipykernel" in _cmdline(pid):  # orphaned now; make sure the pid was not reused
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        if getattr(self, "_log", None):
            self._log.close()
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def process_tree(pid: int) -> list[int]:
    """Every process below ``pid``, read from /proc (Linux)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(x) for x in children.read_text().split()]
            except OSError:
                continue
            for kid in kids:
                if kid not in found:
                    found.append(kid)
                    todo.append(kid)
    return found


def _free_port() -> int:

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
