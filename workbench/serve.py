"""Serving the staff apps with Voilà, configured the same way for the demo, the tests and the benchmarks."""
from __future__ import annotations

import os
from pathlib import Path

# Apps that case managers open many times a day get a preheated kernel waiting
# (the notebook runs ahead up to wait_for_request()); each costs ~100 MB and a
# core while it fills, so only these are pooled.
PREHEATED_APPS = {"needs_assessment.ipynb": 1}


def default_apps_dir() -> Path:
    """``voila_apps/`` beside the source tree (the editable install ``make`` sets up)."""
    return Path(__file__).resolve().parents[1] / "voila_apps"


def voila_config(port: int, preheat: bool = True, pools: dict[str, int] | None = None):
    """The traitlets ``Config`` for Voilà: loopback only, our pools, no stray ``voila.json``."""
    from traitlets.config import Config

    config = Config()
    config.Voila.ip = "127.0.0.1"
    config.Voila.port = port
    config.Voila.open_browser = False
    config.VoilaConfiguration.show_tracebacks = False
    config.VoilaConfiguration.file_allowlist = []  # serve no data files, only the apps
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

    apps_dir = Path(apps_dir or default_apps_dir())
    os.environ.setdefault("MPLBACKEND", "Agg")
    Voila.launch_instance(argv=[str(apps_dir), "--Voila.config_file_paths=[]"],
                          config=voila_config(port, preheat, pools))
