"""The environment is the lock: `make test` installs exactly requirements.lock, and the lock covers
every dependency pyproject.toml declares (so a fresh machine never resolves a version of its own)."""
from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked() -> dict[str, str]:
    """``{name: version}`` of the lock's pins whose markers hold on this interpreter and platform."""
    pins = {}
    for line in LOCK.read_text().splitlines():
        match = _PIN.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def installed() -> dict[str, str]:
    """``{name: version}`` of every distribution in this environment but the project itself."""
    found = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    return {name: version for name, version in found.items() if name != "workbench"}


def test_every_pin_is_exact_and_hashed():
    text = LOCK.read_text()
    pins = [line for line in text.splitlines() if _PIN.match(line)]
    assert len(pins) > 100
    hashes = text.count("--hash=sha256:")
    assert hashes >= len(pins)  # pip --require-hashes refuses the lock otherwise


def test_the_environment_holds_exactly_the_lock():
    # `make test` runs in .venv, made by `make setup` from the lock alone.
    assert Path(sys.prefix).resolve() == (ROOT / ".venv").resolve(), "run through `make test` (.venv)"
    want, have = locked(), installed()
    if "pip" not in want:  # the installer the venv came with, if the lock does not pin one
        have.pop("pip", None)
    assert {n: v for n, v in have.items() if want.get(n) != v} == {}
    assert sorted(set(want) - set(have)) == []


def test_the_lock_pins_every_declared_dependency_within_its_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    pins = locked()
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is declared but not locked: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (text, pins[name])
