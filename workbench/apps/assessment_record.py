"""A saved assessment, read-only: each section's answers in words and each domain's score, as HTML.

Every text (labels, answers a worker typed) is escaped. Unanswered items (a question not asked, by its
relevance) are left out; a computed value (a child's age) is shown like an answer.
"""
from __future__ import annotations

import html

from .. import i18n
from ..analysis.scoring import domain_scores
from ..instruments.model import Instrument, Item, Section
from .common import ua_date

i18n.add({
    "record.domain_score": {"uk": "Оцінка домену: {score} з {top} (відповідей: {n} з {of})",
                            "en": "Domain score: {score} of {top} ({n} of {of} answered)"},
    "record.instance": {"uk": "{section} — №{n}", "en": "{section} — #{n}"},
    "record.nothing": {"uk": "Відповідей немає.", "en": "No answers."},
    "record.recorded": {"uk": "Записано формою", "en": "Recorded by the form"},
})


def assessment_html(instrument: Instrument, answers: dict, lang: str) -> str:
    """The answers of one saved assessment, section by section, with each domain's score."""
    scores = {(r["domain"], r["repeat"], r["instance"]): r for r in domain_scores(instrument, answers)}
    body = _children(instrument, instrument.children, answers, scores, lang, place=("", 0))
    return (f'<div class="wb-assessment-record">{body or html.escape(i18n.t("record.nothing", lang))}'
            f'{_recorded(instrument, answers, lang)}</div>')


def _recorded(instrument: Instrument, answers: dict, lang: str) -> str:
    """The metadata rows' values (``start``, ``end``, ``username``...), under their names, in a small part."""
    rows = [f"<tr><th>{html.escape(i.name)}</th><td>{html.escape(str(answers[i.name]))}</td></tr>"
            for i in instrument.items.values() if i.type == "metadata" and answers.get(i.name) not in (None, "")]
    if not rows:
        return ""
    return (f'<div class="wb-record-recorded" style="font-size:90%;color:#555">'
            f'<h4>{html.escape(i18n.t("record.recorded", lang))}</h4>{_table(rows)}</div>')


def _children(instrument, children, scope: dict, scores, lang, place: tuple[str, int]) -> str:
    """``place``: where ``scope`` is kept, (stored repeat path, entry number), ("", 0) outside repeats."""
    parts, rows = [], []
    for child in children:
        if isinstance(child, Item):
            shown = _answer(child, scope.get(child.name), lang)
            if shown is not None:
                rows.append(f"<tr><th>{html.escape(child.label(lang))}</th><td>{html.escape(shown)}</td></tr>")
            continue
        if rows:
            parts.append(_table(rows))
            rows = []
        parts.append(_section(instrument, child, scope, scores, lang, place))
    if rows:
        parts.append(_table(rows))
    return "".join(parts)


def _section(instrument, section: Section, scope: dict, scores, lang, place: tuple[str, int]) -> str:
    if section.kind == "repeat":
        path = f"{place[0]}[{place[1]}]/{section.name}" if place[0] else section.name  # as answers are stored
        return "".join(
            f"<h4>{html.escape(i18n.t('record.instance', lang, section=section.label(lang), n=n))}</h4>"
            + _children(instrument, section.children, entry, scores, lang, (path, n))
            for n, entry in enumerate(scope.get(section.name) or [], start=1))
    inner = _children(instrument, section.children, scope, scores, lang, place)
    score = scores.get((section.name, place[0], place[1]))
    line = ""
    if score and score["score"] is not None:
        top = max(float(c.name) for i in instrument.scored_items(section.name) for c in i.choices)
        line = '<p class="wb-domain-score"><b>{}</b></p>'.format(html.escape(i18n.t(
            "record.domain_score", lang, score=f"{score['score']:.1f}".replace(".", "," if lang == "uk" else "."),
            top=f"{top:g}", n=score["n_items"], of=score["n_scored"])))
    if not inner and not line:
        return ""
    return f'<div class="wb-record-section"><h4>{html.escape(section.label(lang))}</h4>{line}{inner}</div>'


def _table(rows: list[str]) -> str:
    return '<div class="wb-scroll"><table class="wb-record-table">' + "".join(rows) + "</table></div>"


def _answer(item: Item, value, lang: str) -> str | None:
    """An answer in words, or None when there is none (or the item only shows text)."""
    if item.type == "note" or value in (None, "", [], ()):
        return None
    labels = {c.name: c.label(lang) for c in item.choices}
    if item.type == "select_multiple":
        names = value.split() if isinstance(value, str) else list(value)
        return ", ".join(labels.get(str(n), str(n)) for n in names)
    if item.type == "select_one":
        return labels.get(str(value), str(value))
    if item.type == "date":
        return ua_date(str(value))
    return str(value)
