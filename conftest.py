"""Root conftest: the notebooks under nbval (voila_apps/, notebooks/) run on a temporary demo database
(and the research notebook on a pseudonymised export of it)."""
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
    # The supervisors' notebooks run as the demo supervisor of the team Північ (the staff apps too: a
    # supervisor may do what a case manager does).
    os.environ.setdefault("WB_USER", "mariia.demo")
    # The research notebook reads a pseudonymised export, never the database: export the same demo.
    from workbench.research_export import export_research_dataset
    from workbench.store.connection import open_db

    db = open_db(path)
    export_research_dataset(db, folder / "research_export", secret="test-secret-for-the-notebooks-only",
                            secret_label="TEST SECRET", actor="halyna.demo")  # the head of centre makes it
    db.conn.close()
    os.environ["WB_RESEARCH_EXPORT"] = str(folder / "research_export")
