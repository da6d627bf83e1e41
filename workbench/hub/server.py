"""A centre's hub as a subprocess on free loopback ports, for tests and benchmarks.

``with HubServer(db_path, state_dir) as hub: hub.url("hub/login")``. It runs ``workbench hub`` (so
``deploy/jupyterhub_config.py``) on its own state folder, waits until the hub answers, and on exit stops
the hub, its proxy and every user's server (the whole process group).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ..serve import _cmdline, _free_port, answers, process_tree, stop_process_group


class HubServer:
    def __init__(self, db_path, state_dir, *, env: dict | None = None, timeout_s: float = 90):
        self.db_path, self.state_dir, self.timeout_s = Path(db_path), Path(state_dir), timeout_s
        self.port, self.api_port, self.internal_port = _free_port(), _free_port(), _free_port()
        self.extra_env = env or {}
        self.log_path = self.state_dir.with_suffix(".hub.log")
        self.process = None

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def __enter__(self):
        env = dict(os.environ, WB_HUB_PORT=str(self.port), WB_HUB_API_PORT=str(self.api_port),
                   WB_HUB_INTERNAL_PORT=str(self.internal_port), **self.extra_env)
        for name in ("WB_USER", "JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN"):
            env.pop(name, None)
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workbench.cli", "hub", "--db", str(self.db_path), "--dir", str(self.state_dir)],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if answers(self.port, "/hub/api/") and "JupyterHub is now running" in self.log_text():
                return self
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the hub did not answer on port {self.port}; log:\n{self.log_tail()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def processes(self) -> dict[int, str]:
        """Every process below the hub (the proxy, services, users' servers, kernels): pid → command line."""
        return {pid: _cmdline(pid) for pid in process_tree(self.process.pid)} if self.process else {}

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            # A user's server or kernel in a session of its own would outlive the group.
            stop_process_group(self.process, list(self.processes()), 20)
        if getattr(self, "_log", None):
            self._log.close()
        return False
