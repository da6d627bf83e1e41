"""The scoring convention, for one submission.

- A ``select_one`` whose choice names are all numbers is a scored item; its score is the number.
- A group that directly holds scored items is a domain.
- A domain score is the mean of the domain's answered scored items (unanswered items
  are left out, not counted as 0); in a repeat, one score per instance (per child).
- The instrument's ``score_direction`` setting says whether a higher score means more
  need (``need``) or better functioning (``functioning``).
"""
from __future__ import annotations

from ..instruments.model import Instrument
from ..instruments.validation import repeat_entries


def domain_scores(instrument: Instrument, answers: dict) -> list[dict]:
    """One row per domain (and repeat instance): domain, repeat, instance, score, n_items, n_scored; ``repeat``
    and ``instance`` as the answers are stored (a repeat inside a repeat: its path, ``members[2]/jobs``)."""
    rows = []
    for section in instrument.domains():
        items = instrument.scored_items(section.name)
        scopes = [(None, 0, answers)]
        if section.repeat:
            scopes = repeat_entries(instrument, answers, section.repeat)  # a nested repeat's: each inner entry
        for repeat, instance, scope in scopes:
            values = [float(scope[i.name]) for i in items if scope.get(i.name) not in (None, "")]
            rows.append({
                "domain": section.name, "repeat": repeat or "", "instance": instance,
                "score": sum(values) / len(values) if values else None,
                "n_items": len(values), "n_scored": len(items),
            })
    return rows


def profile_scores(instrument: Instrument, answers: dict) -> dict[str, float | None]:
    """The axes of a star chart for one submission, in form order.

    With three or more domains (the family needs assessment's triangle) the axes are
    the domain scores, children's scores averaged; with fewer (the CARe profile's one
    quality-of-life domain) they are the scored items themselves, one per life domain.
    """
    domains = instrument.domains()
    if not axes_are_items(instrument):
        scores: dict[str, list[float]] = {d.name: [] for d in domains}
        for row in domain_scores(instrument, answers):
            if row["score"] is not None:
                scores[row["domain"]].append(row["score"])
        return {name: (sum(v) / len(v) if v else None) for name, v in scores.items()}
    return {item.name: (float(answers[item.name]) if answers.get(item.name) not in (None, "") else None)
            for item in instrument.scored_items() if not item.repeat}


def axes_are_items(instrument: Instrument) -> bool:
    """Whether the profile's axes are the scored items (fewer than three domains) rather than the domains."""
    return len(instrument.domains()) < 3


def profile_labels(instrument: Instrument, lang=None) -> dict[str, str]:
    """Labels of :func:`profile_scores`' axes in ``lang``."""
    if not axes_are_items(instrument):
        return {d.name: d.label(lang) for d in instrument.domains()}
    return {i.name: i.label(lang) for i in instrument.scored_items() if not i.repeat}


def score_range(instrument: Instrument) -> tuple[float, float]:
    """The lowest and highest choice value of the instrument's scored items (the star chart's scale)."""
    values = [float(c.name) for item in instrument.scored_items() for c in item.choices]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    return tuple(int(v) if v.is_integer() else v for v in (low, high))
