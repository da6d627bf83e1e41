"""The case whose record openings the record-access notebook shows, chosen from a list rather than typed into
its code."""
from __future__ import annotations

import ipywidgets as w

from .. import i18n
from ..i18n import UserError
from ..store.audit import readings_by_case

i18n.add({"case_choice.label": {"uk": "Випадок", "en": "Case"}})


def case_choice(db, controls, case=None) -> w.Dropdown:
    """A list of the cases whose openings the reader may see, the most recently opened first, added to
    ``controls`` (:meth:`~workbench.apps.report_controls.ReportControls.include`: the sections follow it) and
    labelled in their language. It starts at ``case`` (a case number or id, e.g. the notebook's parameter; one
    not in the list is put first, for the section to say it is not there), else at the most recently opened."""
    numbers = []
    if controls.actor is not None:
        try:  # a reader the policy refuses sees the refusal in the sections, not here
            numbers = [row["case_number"] for row in readings_by_case(db, controls.actor)]
        except UserError:
            numbers = []
    if case not in (None, "") and str(case) not in numbers:
        numbers.insert(0, str(case))
    picker = w.Dropdown(options=numbers, value=str(case) if case not in (None, "") else (numbers[0] if numbers else None),
                        description=i18n.t("case_choice.label", controls.lang), style={"description_width": "initial"})
    picker.add_class("wb-case-choice")
    controls.language.widget.observe(
        lambda _: setattr(picker, "description", i18n.t("case_choice.label", controls.lang)), "value")
    return controls.include(picker)
