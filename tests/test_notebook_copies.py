"""A supervisor's own copies of the notebooks on the hub: new ones added, unchanged ones brought up to date, edited
ones kept with the new version beside them (workbench.hub.notebook_copies)."""
from __future__ import annotations

from workbench import paths
from workbench.hub.notebook_copies import refresh_notebooks


def test_new_notebooks_arrive_unchanged_ones_follow_edited_ones_stay(tmp_path):
    shipped, hers = tmp_path / "shipped", tmp_path / "home" / "notebooks"
    shipped.mkdir()
    (shipped / "caseload.ipynb").write_text("v1 caseload", encoding="utf-8")
    (shipped / "outcomes.ipynb").write_text("v1 outcomes", encoding="utf-8")
    assert refresh_notebooks(shipped, hers) == {"added": ["caseload.ipynb", "outcomes.ipynb"], "updated": [], "kept": []}

    (hers / "outcomes.ipynb").write_text("v1 outcomes, with her own cell", encoding="utf-8")
    (shipped / "caseload.ipynb").write_text("v2 caseload", encoding="utf-8")
    (shipped / "outcomes.ipynb").write_text("v2 outcomes", encoding="utf-8")
    (shipped / "supervisor_queue.ipynb").write_text("v2 queue", encoding="utf-8")
    done = refresh_notebooks(shipped, hers)
    assert done == {"added": ["supervisor_queue.ipynb"], "updated": ["caseload.ipynb"], "kept": ["outcomes.ipynb"]}
    assert (hers / "caseload.ipynb").read_text(encoding="utf-8") == "v2 caseload"
    assert (hers / "outcomes.ipynb").read_text(encoding="utf-8") == "v1 outcomes, with her own cell"  # nothing lost
    assert (hers / "outcomes.updated.ipynb").read_text(encoding="utf-8") == "v2 outcomes"
    assert (hers / "supervisor_queue.ipynb").read_text(encoding="utf-8") == "v2 queue"

    # Started again with nothing new: nothing moves, her copy still hers.
    assert refresh_notebooks(shipped, hers) == {"added": [], "updated": [], "kept": ["outcomes.ipynb"]}
    # A copy that never had a record (made before there was one) and differs is treated as hers: kept.
    (hers / ".shipped.json").unlink()
    (hers / "caseload.ipynb").write_text("v0 caseload", encoding="utf-8")
    assert refresh_notebooks(shipped, hers)["kept"] == ["caseload.ipynb", "outcomes.ipynb"]


def test_every_shipped_notebook_reaches_a_new_supervisor(tmp_path):
    done = refresh_notebooks(paths.notebooks_dir(), tmp_path / "notebooks")
    assert "supervisor_queue.ipynb" in done["added"] and "caseload.ipynb" in done["added"]
    assert sorted(p.name for p in (tmp_path / "notebooks").glob("*.ipynb")) == sorted(done["added"])
