"""The supervisors' notebooks' controls: defaults, what each control offers and refuses, and (in a real kernel,
one per notebook, on the demo database nbval uses) every section below following each control."""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets import TraitError

from conftest import refused
from workbench.analysis.periods import Period
from workbench.analysis.periods import containing, last_full_quarter
from workbench.apps.report_controls import ReportControls

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 12, 4)
QUARTER = last_full_quarter(date.today())  # the notebooks' default: the demo nbval uses is built up to today
YEAR, MONTH = containing("year", QUARTER.end), containing("month", QUARTER.end)


def days(period: Period) -> str:
    return f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}"


# --- the controls themselves, without a kernel ------------------------------------------------------

def test_the_defaults_every_programme_the_last_full_quarter_every_worker(db):
    controls = ReportControls(db, "mariia.demo", lang="uk", today=TODAY)
    choice = controls.choice
    assert (choice.programme, choice.worker, choice.team, choice.workers) == (None, None, None, None)
    assert choice.period == Period(date(2026, 7, 1), date(2026, 9, 30), "quarter")
    assert controls.period.label == "III квартал 2026 року" and controls.period_kind.label == "квартал"
    assert controls.programme.label == "усі програми" and controls.worker.label == "усі фахівці"
    for dropdown in (controls.programme, controls.period_kind, controls.period, controls.worker):
        assert all(label.strip() for label, _ in dropdown.options) and dropdown.index is not None  # nothing blank
    assert last_full_quarter(date(2026, 1, 5)) == Period.parse("2025-Q4")
    assert last_full_quarter(date(2026, 4, 1)) == Period.parse("2026-Q1")


def test_the_worker_control_offers_the_readers_team_by_name(db):
    mariia = ReportControls(db, "mariia.demo", lang="en", today=TODAY)
    assert [label for label, _ in mariia.worker.options] == [
        "all workers", "team Північ", "Андрій Вербанюк (демо)", "Марія Левадчук (демо), супервізорка",
        "Олена Тихоліс (демо)"]  # staff names, not logins; not the other team's
    mariia.worker.value = "team:Північ"
    assert mariia.choice.workers == {"olena.demo", "andrii.demo", "mariia.demo"} and mariia.choice.team == "Північ"
    with pytest.raises(TraitError):  # what a page may send is what was offered: an index among the options
        mariia.worker.index = len(mariia.worker.options)
    with pytest.raises(TraitError):
        mariia.worker.value = "worker:iryna.demo"
    head = ReportControls(db, "halyna.demo", lang="uk", today=TODAY)
    assert {value for _, value in head.worker.options} >= {"team:Південь", "worker:iryna.demo"}


def test_each_kind_of_period_and_custom_dates_typed_dd_mm_yyyy(db):
    controls = ReportControls(db, "mariia.demo", lang="en", today=TODAY)
    controls.period_kind.value = "month"  # the month that ends the quarter shown
    assert controls.choice.period == Period.parse("2026-09") and controls.period.label == "09/2026"
    controls.period_kind.value = "year"
    assert controls.choice.period == Period.parse("2026") and controls.period.options[0][0] == "year 2026"
    controls.period.value = Period.parse("2025")
    controls.period_kind.value = "span"  # the days of the year shown, to edit
    assert (controls.start.value, controls.end.value) == ("01.01.2025", "31.12.2025")
    assert controls.start.placeholder == "dd.mm.yyyy" and not controls.start.continuous_update
    controls.start.value = "02/01/2025"  # as an English browser's date picker would have it
    assert controls.error.message("en") == "Start of the period: enter a real date as dd.mm.yyyy (for example 01.07.2026)."
    controls.language.widget.value = "uk"
    assert "Початок періоду: введіть справжню дату у форматі дд.мм.рррр" in controls.message.value
    controls.start.value = "02.01.2025"
    assert controls.error is None and controls.choice.period == Period(date(2025, 1, 2), date(2025, 12, 31))


@pytest.mark.parametrize("parameters, key", [
    (dict(programme="astrology"), "programme.unknown"),
    (dict(period="2026-Q5"), "period.bad"),
    (dict(period="31.12.2026–01.01.2026"), "period.reversed"),
    (dict(worker="iryna.demo"), "controls.unknown_worker"),  # another team's
    (dict(team="Захід"), "controls.unknown_team"),
])
def test_a_bad_parameter_is_its_message_and_the_controls_start_from_the_defaults(db, parameters, key):
    controls = ReportControls(db, "mariia.demo", lang="en", today=TODAY, **parameters)
    assert controls.error.key == key and controls.summary() == controls.error.message("en")
    refused(lambda: (_ for _ in ()).throw(controls.error), key)  # readable in both languages
    section = controls.follow(lambda choice: print("drawn"))
    assert section.text() == f"**{controls.error.message('en')}**"
    second = controls.follow(lambda choice: print("drawn"))
    assert second.text() == ""  # said once, not under every section
    controls.programme.value = "care_leavers"  # the controls' choice now stands
    assert controls.error is None and section.text() == second.text() == "drawn\n"


def test_without_a_signed_in_user_every_section_says_so(db, monkeypatch):
    monkeypatch.delenv("WB_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    controls = ReportControls(db, lang="en", today=TODAY)
    section = controls.follow(lambda choice: print("drawn"))
    controls.programme.value = "care_leavers"
    assert controls.actor is None and "Cannot tell who you are" in section.text()


# --- every notebook, in a kernel: each control re-draws the sections below ----------------------------

SNAPSHOT = """
import hashlib as _hashlib
import json as _json
def _figure(f):
    titles = [f._suptitle.get_text() if f._suptitle else ""] + [a.get_title() for a in f.axes]
    return " | ".join(t for t in titles if t) + " || " + str(getattr(f, "caption", ""))
def _images(s):  # what was drawn, pixel for pixel
    return [_hashlib.sha1(o["data"]["image/png"].encode()).hexdigest() for o in s.outputs if "image/png" in o.get("data", {})]
print(_json.dumps([{"text": s.text(), "figures": [_figure(f) for f in s.figures], "images": _images(s)}
                   for s in controls.sections]))
"""


class Notebook:
    """A notebook executed in its own kernel, its controls then changed by cells run after it."""

    def __init__(self, name: str):
        self.notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        self.client = NotebookClient(self.notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})

    def __enter__(self):
        self._kernel = self.client.setup_kernel()
        self._kernel.__enter__()
        for index, cell in enumerate(self.notebook.cells):
            self.client.execute_cell(cell, index)
        return self

    def __exit__(self, *exc):
        return self._kernel.__exit__(*exc)

    def run(self, code: str) -> list[dict]:
        """Run ``code`` in the kernel; the sections afterwards: ``[{text, figures}]``."""
        cell = nbformat.v4.new_code_cell(code + "\n" + SNAPSHOT)
        self.notebook.cells.append(cell)
        self.client.execute_cell(cell, len(self.notebook.cells) - 1)
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        return json.loads(printed.strip().splitlines()[-1])


def changed(before: list[dict], after: list[dict]) -> list[bool]:
    return [b != a for b, a in zip(before, after, strict=True)]


def texts(sections: list[dict]) -> str:
    return "\n".join(s["text"] + "\n" + "\n".join(s["figures"]) for s in sections)


def figures(sections: list[dict]) -> list[str]:
    return [f for s in sections for f in s["figures"]]


def step_language(nb, first):
    after = nb.run('controls.language.widget.value = "en"')
    assert all(changed(first, after)), "every section speaks the new language"
    assert all(a != b for a, b in zip(figures(first), figures(after), strict=True))  # titles and captions too
    return after


NOTEBOOKS = {
    "caseload": ["programme", "period", "worker", "language"],
    "deadlines": ["programme", "worker", "language"],
    "needs_overview": ["programme", "period", "worker", "language"],
    "outcomes": ["programme", "period", "language"],
    "period_report": ["programme", "period", "language"],
    "record_access": ["language"],
    "supervisor_queue": ["worker", "language"],
}


@pytest.fixture(scope="module")
def demo_env():
    assert os.environ.get("WB_TEST_DB") and os.environ.get("WB_USER") == "mariia.demo"  # the root conftest's


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_section_follows_each_control(name, demo_env):
    with Notebook(name) as nb:
        first = nb.run("")
        shown = nb.run("print(_json.dumps(list(controls.shown)))")
        assert first == shown and nb.notebook.cells[-1].outputs[0]["text"].startswith(json.dumps(NOTEBOOKS[name]))
        assert "Traceback" not in texts(first) and first, "the sections draw at the defaults"
        assert all(len(s["images"]) == len(s["figures"]) for s in first), "every chart is drawn, as an image"
        kept = [o["data"] for cell in nb.notebook.cells for o in cell.get("outputs", [])
                if "application/vnd.jupyter.widget-view+json" in o.get("data", {}) and "text/html" in o["data"]]
        assert len(kept) == len(first)  # where no widget is drawn, each section's first drawing is kept
        assert sum(d["text/html"].count("<img") for d in kept) == sum(len(s["images"]) for s in first)
        assert [d["text/plain"] for d in kept] == [s["text"] for s in first]
        english = step_language(nb, first)
        assert "Програма" not in texts(english) and "Немає даних" not in texts(english)
        CHECKS[name](nb, english)


def check_caseload(nb, shown):
    assert f"Cases open in the period {days(QUARTER)}" in texts(shown)
    programme = nb.run('controls.programme.value = "care_leavers"')
    assert changed(shown, programme) == [True]
    year = nb.run('controls.period_kind.value = "year"')
    assert f"Cases open in the period {days(YEAR)}" in texts(year)
    before = YEAR.previous_year()
    previous = nb.run(f'controls.period.value = controls.period.options[{date.today().year - before.start.year}][1]')
    assert f"Cases open in the period {days(before)}" in texts(previous)
    custom = nb.run(f'controls.period_kind.value = "span"; controls.start.value = "01.03.{before.start.year}"')
    assert f"Cases open in the period 01.03.{before.start.year} – {before.end:%d.%m.%Y}" in texts(custom)
    one = nb.run('controls.worker.value = "worker:olena.demo"')
    assert "Андрій Вербанюк" in texts(custom) and "Андрій Вербанюк" not in texts(one) and "Олена Тихоліс" in texts(one)
    team = nb.run('controls.worker.value = "team:Північ"')
    assert "Андрій Вербанюк" in texts(team)


def check_deadlines(nb, shown):
    assert "Open cases:" in texts(shown)
    programme = nb.run('controls.programme.value = "idp_support"')
    assert "Support for internally displaced families" in texts(programme)
    assert "Support for families with children" not in texts(programme) and changed(shown, programme) == [True]
    def open_cases(worker):
        shown = nb.run(f'controls.worker.value = "{worker}"')
        return int(texts(shown).split("Open cases: ")[1].split(";")[0]), texts(shown)
    every, _ = open_cases("")
    team, _ = open_cases("team:Північ")
    (olena, olenas), (andrii, _), (mariia, _) = (open_cases(f"worker:{u}") for u in ("olena.demo", "andrii.demo",
                                                                                   "mariia.demo"))
    assert every == team == olena + andrii + mariia and "Андрій Вербанюк" not in olenas  # her team: the three


def check_needs_overview(nb, shown):
    year = nb.run('controls.period_kind.value = "year"')
    assert changed(shown, year) == [True, True]  # more assessments in the year than in its last quarter
    programme = nb.run('controls.programme.value = "idp_support"')
    assert "Support for internally displaced families" in texts(programme)
    assert "Support for families with children" not in texts(programme)
    one = nb.run(f'controls.worker.value = "worker:{worker_with_some_of("idp_support", YEAR)}"')
    assert changed(programme, one) == [True, True]


def worker_with_some_of(programme: str, period: Period) -> str:
    """A worker of the demo supervisor's team with some, not all, of the programme's assessments in the period."""
    from workbench.analysis.frames import domain_score_frame
    from workbench.store.connection import open_db

    db = open_db(os.environ["WB_TEST_DB"])
    try:
        scores = domain_score_frame(db, "mariia.demo", "family_needs_assessment")
    finally:
        db.conn.close()
    days = scores["assessed_on"].dt.date
    chosen = scores[(scores["programme"] == programme) & (days >= period.start) & (days <= period.end)]
    counts = chosen.groupby("worker")["assessment_id"].nunique()
    return next(worker for worker, n in counts.items() if 0 < n < chosen["assessment_id"].nunique())


def check_outcomes(nb, shown):
    assert QUARTER.label("en") in texts(shown) and "Support for families with children" in shown[0]["text"]
    programme = nb.run('controls.programme.value = "care_leavers"')
    assert "Young people leaving care (CARe)" in programme[0]["text"]
    assert figures(programme)[-1].startswith("Young people leaving care (CARe)")  # the star chart's title
    year = nb.run('controls.period_kind.value = "year"')
    assert YEAR.label("en") in year[0]["text"] and any(changed(programme, year)[1:])


def check_period_report(nb, shown):
    assert QUARTER.label("en") in shown[0]["text"] and "Programme: all programmes" in shown[0]["text"]
    programme = nb.run('controls.programme.value = "family_support"')
    assert "Programme: Support for families with children" in programme[0]["text"]
    assert changed(shown, programme)[1], "the indicators are the programme's"
    month = nb.run('controls.period_kind.value = "month"')
    assert MONTH.label("en") in month[0]["text"] and changed(programme, month)[1]
    assert changed(programme, month)[3], "the chart is the month's"
    assert shown[2]["text"].startswith("Data quality:") and "'Social accompaniment'" in shown[2]["text"]


def check_record_access(nb, shown):
    assert "Case number" in shown[0]["text"] and "Who" in shown[1]["text"]
    # The case is chosen from a list of those whose openings the reader may see, labelled in her language.
    other = nb.run('assert chosen_case.description == "Case" and len(chosen_case.options) > 1\n'
                   'chosen_case.value = chosen_case.options[1]')
    assert changed(shown, other) == [False, True]


def check_supervisor_queue(nb, shown):
    assert "Total\t" in texts(shown) and "Андрій Вербанюк" in texts(shown) and "Олена Тихоліс" in texts(shown)
    one = nb.run('controls.worker.value = "worker:olena.demo"')
    assert changed(shown, one) == [True] and "Олена Тихоліс" in texts(one) and "Андрій Вербанюк" not in texts(one)
    team = nb.run('controls.worker.value = "team:Північ"')
    assert texts(team) == texts(shown)  # mariia.demo's queue is her team's


CHECKS = {name: globals()[f"check_{name}"] for name in NOTEBOOKS}


def test_a_change_of_language_alone_reads_nothing_again(db):
    controls = ReportControls(db, "mariia.demo", lang="en", today=TODAY)
    reads = []

    @controls.shared(by_language=False)
    def scores(choice):
        reads.append(choice.programme)
        return len(reads)

    section = controls.follow(lambda choice: print(scores(choice), choice.lang))
    controls.language.widget.value = "uk"
    assert reads == [None] and section.text() == "1 uk\n"
    controls.programme.value = "care_leavers"
    assert reads == [None, "care_leavers"] and section.text() == "2 uk\n"
