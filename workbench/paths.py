"""Where the workbench's folders are, whether it runs from a source checkout or an installed wheel.

- the staff apps (``voila_apps/``), the supervisors' notebooks (``notebooks/``) and the server's
  configuration (``deploy/``) ship inside the wheel as ``workbench/voila_apps``, ``workbench/notebooks``
  and ``workbench/deploy`` (pyproject.toml maps them there); in
  a source checkout (``make``'s editable install) they are the top-level folders of the design card;
- the runtime data (``data/``: the database unless ``WB_DB`` names another, reports, exports) is the
  checkout's ``data/`` when running from one, else ``data/`` under the working directory.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _source_root() -> Path | None:
    """The source checkout holding this package (its ``pyproject.toml`` names the project), or None."""
    root = PACKAGE.parent
    project = root / "pyproject.toml"
    if project.is_file() and 'name = "workbench"' in project.read_text(encoding="utf-8"):
        return root
    return None


def _shipped(name: str) -> Path:
    inside = PACKAGE / name
    if inside.is_dir():
        return inside
    root = _source_root()
    if root is not None and (root / name).is_dir():
        return root / name
    raise FileNotFoundError(f"the workbench's {name}/ folder is neither in the package ({inside}) nor in a source checkout")


def apps_dir() -> Path:
    """The folder of the Voilà apps."""
    return _shipped("voila_apps")


def notebooks_dir() -> Path:
    """The folder of the supervisors' and researchers' notebooks."""
    return _shipped("notebooks")


def deploy_dir() -> Path:
    """The folder of the centre server's configuration (JupyterHub's, a reverse proxy's example)."""
    return _shipped("deploy")


def data_dir() -> Path:
    """Where the runtime database, reports and exports live (see the module docstring)."""
    root = _source_root()
    return (root if root is not None else Path.cwd()) / "data"


def reports_dir() -> Path:
    """Where reports and their Excel workbooks are written: ``data/reports/`` (git-ignored with the rest of
    ``data/``)."""
    return data_dir() / "reports"
