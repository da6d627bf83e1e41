"""Root conftest: the notebooks under nbval (voila_apps/, notebooks/) run on a temporary demo database."""
import os
import tempfile
from pathlib import Path


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    if os.environ.get("WB_TEST_DB"):
        return
    from workbench.demo import build_demo

    folder = Path(tempfile.mkdtemp(prefix="wb-notebooks-"))
    path = folder / "notebooks.db"
    build_demo(path, seed=5, households=40, care_leavers=8)
    # Kernels that nbval starts inherit this environment.
    os.environ["WB_TEST_DB"] = str(path)
    os.environ["WB_DB"] = str(path)
    os.environ.setdefault("WB_USER", "olena.demo")
