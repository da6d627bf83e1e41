"""The samples in data/samples/ load, so what the README offers a new user to try works."""
from pathlib import Path

from workbench.analysis.indicators import load_indicators
from workbench.instruments.loader import load_instrument
from workbench.instruments.validation import check_submission

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def test_the_sample_form_loads_scores_and_checks_answers():
    form = load_instrument(SAMPLES / "wellbeing_check.md")
    assert form.id == "wellbeing_check" and form.score_direction == "need"
    assert [d.name for d in form.domains()] == ["wellbeing"]
    assert form.title("uk") != form.title("en")
    answers = {"checked_on": "2026-06-01", "sleep": "1", "food": "3", "income": "0", "loneliness": "2"}
    problems = {p.item for p in check_submission(form, answers).problems}
    assert problems == {"urgent_help"}  # food at 3 makes the question relevant, and it is required
    assert check_submission(form, dict(answers, urgent_help="продукти")).ok


def test_the_sample_indicators_add_to_the_built_in_ones():
    ids = [indicator.id for indicator in load_indicators(SAMPLES / "indicators.json")]
    assert ids[-2:] == ["consultations_given", "children_at_group_sessions"]
    assert "services_provided" in ids
