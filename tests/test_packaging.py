"""The wheel works without the source tree: built from a copy of the sources, installed in a new
virtual environment, and run from another directory (``workbench migrate``, ``demo``, ``report``,
``serve``), so nothing depends on an editable install or on the working directory.

The new environment borrows the locked dependencies of the running one through a ``.pth`` line
(their site-packages directory is added to its path, its own .pth files are not run, so the
editable install of the project there stays invisible) and ``JUPYTER_PATH`` (their data files);
only the wheel is installed in it.
"""
from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from workbench.serve import _free_port, answers

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("pyproject.toml", "README.md", "workbench", "voila_apps", "notebooks", "deploy")


def run(*args, cwd, timeout=300, env=None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, check=False)
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_listed_packages_are_every_package_folder():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "workbench").rglob("__init__.py")}
    assert listed == folders | {"workbench.voila_apps", "workbench.notebooks", "workbench.deploy"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A new virtual environment with the wheel installed; returns its paths."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in SHIPPED:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(origin, source / name)
    dist = tmp / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "--wheel-dir", dist, source, cwd=tmp)
    (wheel,) = dist.glob("workbench-*.whl")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).stdout.strip()
    Path(purelib, "locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WB_", "JUPYTER", "VIRTUAL_ENV"))}
    # The borrowed packages' data files (Voilà's templates, the kernel spec) stay in the running
    # environment's share/jupyter: point Jupyter there, as their own installation would.
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", MPLBACKEND="Agg", WB_USER="mariia.demo",
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    return {"wheel": wheel, "venv": venv, "python": python, "cwd": elsewhere, "env": env}


def test_the_wheel_holds_the_apps_notebooks_configuration_and_every_module(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for folder, pattern in (("voila_apps", "*.ipynb"), ("notebooks", "*.ipynb"), ("workbench", "**/*.py"),
                            ("workbench/config", "*.json"), ("workbench/instruments/builtin", "*.md"),
                            ("deploy", "*"), ("workbench/hub/templates", "*.html"),
                            ("workbench/printing/templates", "*.html"), ("workbench/printing", "*.png")):
        for path in (ROOT / folder).glob(pattern):
            inside = path.relative_to(ROOT).as_posix()
            if folder in ("voila_apps", "notebooks", "deploy"):
                inside = f"workbench/{inside}"
            if "__pycache__" not in inside:
                assert inside in names, inside


def test_the_installed_package_is_the_wheel_not_the_sources(installed):
    done = run(installed["python"], "-c", "import workbench, workbench.paths as p; print(workbench.__file__); "
               "print(p.apps_dir()); print(p.notebooks_dir()); print(p.data_dir()); print(p.deploy_dir())",
               cwd=installed["cwd"], env=installed["env"])
    module, apps, notebooks, data, deploy = done.stdout.split()
    assert deploy.startswith(str(installed["venv"])) and Path(deploy, "jupyterhub_config.py").is_file()
    assert str(installed["venv"]) in module and str(ROOT) not in module
    assert apps.startswith(str(installed["venv"])) and Path(apps, "workspace.ipynb").is_file()
    assert notebooks.startswith(str(installed["venv"])) and Path(notebooks, "period_report.ipynb").is_file()
    assert Path(data) == installed["cwd"] / "data"


def test_migrate_demo_and_report_run_from_another_directory(installed):
    cwd, env = installed["cwd"], installed["env"]
    db = cwd / "centre.db"
    run("workbench", "migrate", "--db", db, cwd=cwd, env=env)
    run("workbench", "demo", "--db", db, "--replace", "--households", "8", cwd=cwd, env=env)
    done = run("workbench", "report", "deadlines", "--db", db, cwd=cwd, env=env, timeout=600)
    reports = list((cwd / "data" / "reports").glob("deadlines-*.ipynb"))
    assert len(reports) == 1 and str(reports[0].name) in done.stdout


def test_serve_runs_from_another_directory(installed):
    cwd, env = installed["cwd"], installed["env"]
    db = cwd / "served.db"
    port = _free_port()
    log = open(cwd / "serve.log", "w")
    server = subprocess.Popen(["workbench", "serve", "--no-preheat", "--port", str(port), "--db", str(db)], cwd=cwd,
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_it_answers(port, server)
        assert db.is_file()  # the server created and migrated it as it started, before any page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/case.ipynb", timeout=120) as answer:
            page = answer.read().decode()  # one request: a kernel starts and runs the app
        # The app's notebook ran from the wheel and put out its widget (the page's script draws it); a
        # cell that failed would show Voilà's error instead.
        assert "application/vnd.jupyter.widget-view+json" in page
        assert "There was an error when executing cell" not in page
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def _wait_until_it_answers(port: int, server: subprocess.Popen, timeout_s: float = 90) -> None:
    """Until the server answers at all (its root redirects to the workspace: not followed, no kernel starts)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        if answers(port):
            return
        time.sleep(0.3)
    raise AssertionError(f"no answer on port {port}")


def test_site_packages_of_this_environment_are_found():
    # The fixture's .pth trick needs the running environment's purelib to be where the locked packages are.
    assert Path(sysconfig.get_paths()["purelib"], "pandas").is_dir() or any(
        Path(p, "pandas").is_dir() for p in site.getsitepackages())
