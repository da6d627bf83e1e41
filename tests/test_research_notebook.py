"""The research notebook on a pseudonymised export of the demo finds what the demo planted."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workbench.demo import build_demo
from workbench.research_export import export_research_dataset
from workbench.store.connection import open_db

ROOT = Path(__file__).resolve().parents[1]
READ_BACK = """
import json
family = pairs.assign(change=pairs["latest"] - pairs["first"]).groupby("programme")["change"].mean().to_dict()
out = {"change": family, "reliability": classified.attrs["reliability"] if classified is not None else None,
       "categories": reliable_change.change_categories(classified).set_index("category")["n"].to_dict()
       if classified is not None else None,
       "gas": gas.groupby("programme")["t_score"].mean().to_dict(),
       "fixed": fit.fixed.set_index("term")[["estimate", "p"]].to_dict("index"), "fit_seconds": fit.fit_seconds}
if len(programmes) == 2:
    out["logrank_p"] = test["p"]
    out["d_s"] = result["effect_sizes"]["d_s"]["estimate"]
print(json.dumps(out, default=float))
"""


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("research")
    build_demo(folder / "demo.db", seed=2026)
    db = open_db(folder / "demo.db")
    export_research_dataset(db, folder / "export", secret="a-test-secret-of-some-length", actor="halyna.demo")
    db.conn.close()
    return folder / "export"


def _run(export, **parameters) -> dict:
    notebook = nbformat.read(ROOT / "notebooks" / "research_evaluation.ipynb", as_version=4)
    index = next(n for n, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    assignments = "\n".join(f"{name} = {value!r}" for name, value in {"export": str(export), **parameters}.items())
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(assignments))
    notebook.cells.append(nbformat.v4.new_code_cell(READ_BACK))
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    return json.loads("".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream"))


@pytest.mark.timeout(900)
def test_family_support_needs_fall_faster_than_idp_support(export):
    found = _run(export, lang="en")
    # Planted: about −0.35 against −0.12 need points per follow-up (lower is better).
    assert found["change"]["family_support"] < found["change"]["idp_support"] < 0
    assert found["d_s"] < -0.3  # family support's change is the larger by a moderate standardised difference
    assert found["logrank_p"] < 0.05  # goals are reached sooner in family support than in IDP support
    assert found["gas"]["family_support"] > found["gas"]["idp_support"]
    interaction = found["fixed"]["programme[idp_support] × months"]
    assert interaction["estimate"] > 0 and interaction["p"] < 0.05  # IDP support's needs fall more slowly
    assert 0 < found["reliability"] < 1 and found["categories"]["improved"] > found["categories"]["deteriorated"]
    assert found["fit_seconds"] > 0


@pytest.mark.timeout(900)
def test_care_leavers_quality_of_life_rises(export):
    found = _run(export, instrument="care_profile", programmes=["care_leavers"], lang="uk")
    assert found["change"]["care_leavers"] > 0.3  # higher is better on the CARe profile
    # The demo draws each life domain's answer on its own, so the items do not hang together: the
    # notebook says alpha is unusable instead of classing anyone with it.
    assert found["reliability"] is None
    assert found["fixed"]["months"]["estimate"] > 0 and found["fixed"]["months"]["p"] < 0.05
