"""A client's page: the case's timeline and two charts (star profile and goal progress), as PNG.

Used by the caseload app and usable from notebooks: :func:`client_page_parts` returns the
HTML and the PNG bytes, so building a page is measurable without widgets.
"""
from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt

from .. import i18n
from ..analysis.scoring import profile_labels, profile_scores, score_range
from ..charts.case import goal_progress_chart, star_chart
from ..instruments.loader import builtin_names, load_builtin
from ..store.assessments import get_assessment, list_assessments
from ..store.plans import case_goals
from .common import ua_date
from .timeline import timeline_html

i18n.add({
    "client.series": {"uk": "{title} від {date}", "en": "{title} of {date}"},
})


def case_assessments(db, actor: str, case_id, instrument_id: str) -> list[dict]:
    """The case's latest-version assessments of one instrument, oldest first."""
    return sorted((a for a in list_assessments(db, actor, case_id) if a["instrument_id"] == instrument_id),
                  key=lambda a: (a["assessed_on"], a["id"]))


def star_figure(db, actor: str, case_id, instrument_id: str, current_id=None, compare_id="first", lang=None):
    """The star chart of one instrument: ``current_id`` (default the latest) over ``compare_id``
    (``"first"``: the first assessment; None: no comparison)."""
    instrument = load_builtin(instrument_id)
    saved = case_assessments(db, actor, case_id, instrument_id)
    if not saved:
        return star_chart({}, lang=lang)
    by_id = {a["id"]: a for a in saved}
    current = by_id.get(current_id) or saved[-1]
    compare = (saved[0] if saved[0] is not current else None) if compare_id == "first" else by_id.get(compare_id)

    def scores(row):
        return profile_scores(instrument, get_assessment(db, actor, row["id"], instrument)["answers"])

    def name(row):
        return i18n.t("client.series", lang, title=f"№{row['id']}", date=ua_date(row["assessed_on"]))

    return star_chart(scores(current), scores(compare) if compare else None, labels=profile_labels(instrument, lang),
                      lang=lang, scale=score_range(instrument), title=instrument.title(lang),
                      series_labels=(name(current), name(compare) if compare else ""),
                      higher_is_better=instrument.score_direction == "functioning")


def goals_figure(db, actor: str, case_id, lang=None):
    """The goal progress chart of the case's goals."""
    goals = [{"title": g["title"], "set_on": g["set_on"], "target_date": g["target_date"],
              "reviews": [(r["reviewed_on"], r["level"]) for r in g["reviews"]]} for g in case_goals(db, actor, case_id)]
    return goal_progress_chart(goals, lang)


def png(fig) -> bytes:
    """The figure as PNG bytes (and the figure closed, so pages do not pile up figures in memory)."""
    buffer = io.BytesIO()
    try:
        # The charts lay themselves out; bbox_inches="tight" would draw every figure twice.
        fig.savefig(buffer, format="png", dpi=80)
    finally:
        plt.close(fig)
    return buffer.getvalue()


def png_html(data: bytes, alt: str) -> str:
    """An ``<img>`` carrying the PNG inline.

    Charts go into an HTML widget rather than ``ipywidgets.Image``: Image sends binary
    frames, and Voilà 0.5.13 misreads binary frames on a websocket opened without the v1
    subprotocol (which any page can request), looping with growing memory for every user.
    Text frames avoid that path altogether.
    """
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}" style="max-width:100%">'


def default_instrument(db, actor: str, case_id) -> str:
    """The instrument the case has assessments of (the most recent one's), else the first built-in."""
    saved = list_assessments(db, actor, case_id)
    return saved[0]["instrument_id"] if saved else builtin_names()[0]


def client_page_parts(db, actor: str, case_id, lang=None, instrument_id=None, current_id=None, compare_id="first") -> dict:
    """Everything the client's page shows: ``timeline`` (HTML), ``star`` and ``goals`` (PNG bytes), captions."""
    instrument_id = instrument_id or default_instrument(db, actor, case_id)
    star = star_figure(db, actor, case_id, instrument_id, current_id, compare_id, lang)
    goals = goals_figure(db, actor, case_id, lang)
    captions = (star.caption, goals.caption)
    return {"timeline": timeline_html(db, actor, case_id, lang), "star": png(star), "goals": png(goals),
            "star_caption": captions[0], "goals_caption": captions[1], "instrument_id": instrument_id}
