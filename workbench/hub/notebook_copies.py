"""A supervisor's own copies of the supervisors' notebooks on the centre's server, kept up to date without
losing her edits.

The hub gives each supervisor a folder of the notebooks to edit. When the workbench is upgraded, a notebook
she never changed is replaced by the new version (an old one may call what no longer exists); a notebook she
changed is kept as she left it, and the new version is put beside it as ``<name>.updated.ipynb``; a notebook
new in this version is added. What was shipped is remembered in ``.shipped.json`` in her folder (each
notebook's SHA-256 as copied), which is how an unchanged copy is told from an edited one.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

RECORD = ".shipped.json"
UPDATED = ".updated.ipynb"  # the suffix of a new version put beside an edited copy


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_notebooks(source, target) -> dict:
    """Bring the notebooks of ``source`` (the shipped folder) into ``target`` (a supervisor's folder, made if
    missing), as the module says. Returns ``{"added": [...], "updated": [...], "kept": [...]}`` (file names):
    ``kept`` are her edited copies, each with its new version beside it."""
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    record_path = target / RECORD
    shipped = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    done: dict[str, list[str]] = {"added": [], "updated": [], "kept": []}
    for notebook in sorted(source.glob("*.ipynb")):
        new = _digest(notebook)
        mine = target / notebook.name
        if not mine.exists():
            shutil.copy2(notebook, mine)
            done["added"].append(notebook.name)
        elif _digest(mine) == new:
            pass  # the same as shipped now
        elif _digest(mine) == shipped.get(notebook.name):  # as shipped before, never edited: the new version
            shutil.copy2(notebook, mine)
            done["updated"].append(notebook.name)
        else:  # hers: kept; the new version beside it, for her to compare
            shutil.copy2(notebook, target / (notebook.stem + UPDATED))
            done["kept"].append(notebook.name)
            continue  # her copy stays unrecorded: it is not what was shipped
        shipped[notebook.name] = new
    record_path.write_text(json.dumps(shipped, indent=1, sort_keys=True), encoding="utf-8")
    return done
