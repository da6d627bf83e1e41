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


def domain_scores(instrument: Instrument, answers: dict) -> list[dict]:
    """One row per domain (and repeat instance): domain, repeat, instance, score, n_items, n_scored."""
    rows = []
    for section in instrument.domains():
        items = instrument.scored_items(section.name)
        scopes = [(None, 0, answers)]
        if section.repeat:
            scopes = [(section.repeat, n, entry) for n, entry in enumerate(answers.get(section.repeat, []), start=1)]
        for repeat, instance, scope in scopes:
            values = [float(scope[i.name]) for i in items if scope.get(i.name) not in (None, "")]
            rows.append({
                "domain": section.name, "repeat": repeat or "", "instance": instance,
                "score": sum(values) / len(values) if values else None,
                "n_items": len(values), "n_scored": len(items),
            })
    return rows
