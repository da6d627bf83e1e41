"""The hub's configuration for a centre, from the environment ``workbench hub`` sets and the workbench's
``hub`` configuration section. ``deploy/jupyterhub_config.py`` calls :func:`configure` and nothing else.

Environment: ``WB_DB`` (the database, required), ``WB_HUB_DIR`` (the hub's own state: its SQLite file,
cookie secret, the users' folders; default ``data/hub``), ``WB_HUB_IP``/``WB_HUB_PORT`` (where the hub's
proxy listens; default the configuration's, 127.0.0.1:8000), ``WB_HUB_API_PORT``/``WB_HUB_INTERNAL_PORT``
(the proxy's API and the hub's own port, loopback; default 8001 and 8081).
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .. import paths
from ..config import load_config

HTTP_TIMEOUT_S = 180  # a server's start, and a page's first answer through the proxy, on a busy 2-core machine


def settings() -> dict:
    """The ``hub`` section with its defaults, then the environment's overrides."""
    from ..serve import kernel_idle_minutes

    section = {"ip": "127.0.0.1", "port": 8000, "idle_server_minutes": 60, "pool_fill_delay_s": 30,
               **(load_config().get("hub") or {})}
    env = os.environ
    return {"db": str(Path(env["WB_DB"]).resolve()),
            "dir": str(Path(env.get("WB_HUB_DIR") or paths.data_dir() / "hub").resolve()),
            "ip": env.get("WB_HUB_IP") or section["ip"], "port": int(env.get("WB_HUB_PORT") or section["port"]),
            "api_port": int(env.get("WB_HUB_API_PORT") or 8001),
            "internal_port": int(env.get("WB_HUB_INTERNAL_PORT") or 8081),
            "idle_server_minutes": int(section["idle_server_minutes"]),
            "kernel_idle_minutes": kernel_idle_minutes(), "pool_fill_delay_s": float(section["pool_fill_delay_s"])}


def proxy_command() -> list[str]:
    """configurable-http-proxy: the Python implementation from the lock (no Node), beside this Python."""
    beside = Path(sys.executable).parent / "configurable-http-proxy"
    found = str(beside) if beside.exists() else shutil.which("configurable-http-proxy")
    if not found:
        raise RuntimeError("configurable-http-proxy is not installed (it comes with the workbench's lock: "
                           "run `make setup`)")
    return [found]


def configure(c) -> dict:
    """Fill JupyterHub's config object ``c``; returns the settings used."""
    from .authenticator import WorkbenchAuthenticator
    from .spawner import WorkbenchSpawner

    s = settings()
    state = Path(s["dir"])
    state.mkdir(parents=True, exist_ok=True, mode=0o700)

    c.JupyterHub.bind_url = f"http://{s['ip']}:{s['port']}/"
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = s["internal_port"]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s['api_port']}"
    # The Python proxy waits for a whole response (it does not stream) and gives up after tornado's default
    # 20 s; a workspace page answers only once its kernel has run the app, which on a busy machine can
    # take longer than that: the page then became the hub's 503. It may take as long as a spawn.
    c.ConfigurableHTTPProxy.command = proxy_command() + ["--proxy-timeout", str(HTTP_TIMEOUT_S * 1000)]
    c.ConfigurableHTTPProxy.should_start = True
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")  # not in whatever folder it ran from
    c.JupyterHub.template_paths = [str(Path(__file__).parent / "templates")]
    c.JupyterHub.authenticator_class = WorkbenchAuthenticator
    c.WorkbenchAuthenticator.db_path = s["db"]
    c.Authenticator.admin_users = set()  # no hub administrators: they could open anyone's server
    c.Authenticator.any_allow_config = True  # check_allowed is the workbench's own: an active user of `users`
    c.JupyterHub.spawner_class = WorkbenchSpawner
    c.WorkbenchSpawner.db_path = s["db"]
    c.WorkbenchSpawner.home_dir_template = str(state / "users" / "{username}")
    c.WorkbenchSpawner.kernel_idle_minutes = s["kernel_idle_minutes"]
    c.WorkbenchSpawner.pool_fill_delay_s = s["pool_fill_delay_s"]
    if os.environ.get("WB_CONFIG"):
        c.WorkbenchSpawner.workbench_env = {"WB_CONFIG": str(Path(os.environ["WB_CONFIG"]).resolve())}
    c.Spawner.start_timeout = HTTP_TIMEOUT_S  # Voilà's first kernel on a busy 2-core machine
    c.Spawner.http_timeout = HTTP_TIMEOUT_S
    c.JupyterHub.shutdown_on_logout = True  # signing out ends the user's server: nothing of theirs stays open
    c.JupyterHub.allow_named_servers = False
    c.JupyterHub.cleanup_servers = True
    # The idle culler: a server nobody has used for a while is stopped (its drafts keep the work).
    c.JupyterHub.services = [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={s['idle_server_minutes'] * 60}", "--cull-every=300"],
    }]
    c.JupyterHub.load_roles = [{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]
    return s
