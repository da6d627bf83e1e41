"""Starting a signed-in user's server: the door of their role (:mod:`.doors`), as the hub's own OS account.

All staff servers run under the one service account that owns the database: the access policy is
enforced in the store on every read and write, not by file permissions between staff (whose servers all
need the same file). ``JUPYTERHUB_USER`` comes from the hub's spawner, never from a page; ``WB_USER`` is
not passed on.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner
from tornado import web
from traitlets import Dict, Float, Integer, Unicode

from .. import paths
from .doors import door, refusal
from .notebook_copies import refresh_notebooks


class WorkbenchSpawner(SimpleLocalProcessSpawner):
    """The workspace (Voilà behind jhsingle-native-proxy), JupyterLab, or a refusal, by the user's role."""

    db_path = Unicode(config=True, help="The workbench database.")
    workbench_env = Dict(config=True, help="More environment for every user's server (e.g. WB_CONFIG).")
    pool_fill_delay_s = Float(30, config=True, help="After a page takes the workspace's preheated kernel, wait "
                              "this long before preheating the next (staff signing in together are not slowed).")
    kernel_idle_minutes = Integer(60, config=True, help="A kernel idle this long with no page is ended.")

    def _user_row(self) -> tuple[dict | None, bool]:
        """The user as they are now, and whether their password is an administrator's one-time one."""
        from ..store.connection import open_db
        from ..store.credentials import password_state
        from ..store.guard import current_version

        db = open_db(self.db_path)
        try:
            user = current_version(db, self.user.name)
            temporary = door(user) is not None and password_state(db, self.user.name, self.user.name)["temporary"]
            return user, temporary
        finally:
            db.conn.close()

    async def start(self):
        user, temporary = self._user_row()
        which = door(user)
        if which == "lab" and temporary:
            which = "workspace"  # it holds them on choosing their own password first (Lab would not)
        if which is None:
            self.log.info("No server for %s (role %s)", self.user.name, user and user["role"])
            error = web.HTTPError(403, refusal(user, self.user.name))
            # JupyterHub marks a spawn's HTTPError as reason "error" and shows its generic "Failed to start
            # your server" in place of the message, unless the message is set here (JupyterHub >= 4).
            error.jupyterhub_message = error.log_message
            raise error
        Path(self.home_dir).mkdir(parents=True, exist_ok=True)
        self.cmd, self.args = (self._workspace() if which == "workspace" else self._lab())
        self.log.info("Starting the %s door for %s", which, self.user.name)
        return await super().start()

    def _workspace(self) -> tuple[list[str], list[str]]:
        """jhsingle-native-proxy does the hub's OAuth and starts Voilà on a free loopback port behind it (its
        kernels' limit and culling are the workbench's ``serve`` configuration, as for ``workbench serve``)."""
        proxy = [sys.executable, "-m", "workbench.hub.workspace_proxy", "--destport", "0", "--ip", "127.0.0.1",
                 "--ready-check-path", "/voila/static/", "--ready-timeout", "180", "--last-activity-interval", "0",
                 "--progressive", "--websocket-max-message-size", str(10 * 1024 * 1024), "--"]
        voila = [sys.executable, "-m", "workbench.cli", "serve", "--db", self.db_path, "--port", "{port}",
                 "--base-url", "{base_url}/", "--pool-fill-delay", str(self.pool_fill_delay_s)]
        return proxy + voila, []

    def _lab(self) -> tuple[list[str], list[str]]:
        """JupyterLab on the user's own copies of the supervisors' notebooks (new ones added, unchanged ones
        brought up to date, edited ones kept with the new version beside them: :mod:`.notebook_copies`), with
        the workspace app beside them, fresh at every start (it is ours, not theirs)."""
        home = Path(self.home_dir)
        refresh_notebooks(paths.notebooks_dir(), home / "notebooks")
        shutil.copy2(Path(paths.apps_dir()) / "workspace.ipynb", home / "workspace.ipynb")
        args = [f"--ServerApp.root_dir={home}", "--ServerApp.default_url=/lab/tree/notebooks",
                f"--MappingKernelManager.cull_idle_timeout={self.kernel_idle_minutes * 60}",
                "--MappingKernelManager.cull_interval=300", "--ServerApp.terminals_enabled=True"]
        if os.geteuid() == 0:
            # Every server runs as the hub's account (above). Where that is root (a container), Jupyter Server
            # exits at once without this, and the supervisor waited out the start timeout for a Lab that
            # had already gone; Voilà's door has no such check, so this grants Lab nothing the hub has not.
            args.append("--ServerApp.allow_root=True")
        return [sys.executable, "-m", "jupyterhub.singleuser"], args

    def get_env(self):
        env = super().get_env()
        env.pop("WB_USER", None)  # who is acting is JUPYTERHUB_USER, set above by the hub
        env.update({"WB_DB": self.db_path, "MPLBACKEND": "Agg", **self.workbench_env})
        return env
