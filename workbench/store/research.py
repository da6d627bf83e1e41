"""Reads for the research export that the tidy frames do not give, each narrow so that 20,000 clients
stay quick: who consented to research, the first version of each assessment (a stable key for its
pseudonym), scored and text answers of latest versions, goals' own words, and each case's subject
person (:func:`subject_person_ids`). Cases of persons who withdrew their
consent to data processing are left out, as in :mod:`workbench.analysis.frames`."""
from __future__ import annotations

import pandas as pd

from .. import config
from . import arguments
from .guard import allow
from .people import EXCLUDED_CASES_SQL, _excluded_case_ids, _subject_person_ids

_LATEST_KEPT = f"""not exists (select 1 from assessments s where s.supersedes = a.id)
    and a.case_id not in ({EXCLUDED_CASES_SQL})"""


def withdrawn_case_ids(db, actor: str) -> set[int]:
    """Cases left out because a person of theirs withdrew consent to data processing."""
    allow(db, actor, "research.export")
    return _excluded_case_ids(db)


def subject_person_ids(db, actor: str) -> dict[int, int]:
    """``{case id: id of its subject person}`` (:data:`workbench.store.people.SUBJECT_PERSON_SQL`)."""
    allow(db, actor, "research.export")
    return _subject_person_ids(db)


def consented_person_ids(db, actor: str, purpose: str) -> set[int]:
    """Persons with a consent for ``purpose`` in force (given and not withdrawn)."""
    allow(db, actor, "research.export")
    purpose = arguments.code(purpose, "purpose", config.codes("consent_purposes"))
    return {r[0] for r in db.execute(
        """select distinct c.person_id from consents c where c.purpose = ?
           and not exists (select 1 from consent_withdrawals w where w.consent_id = c.id)""", [purpose])}


def assessment_roots(db, actor: str) -> dict[int, int]:
    """``{assessment id: id of the first version of its chain}`` for every assessment (a correction
    keeps the first version's key, so its pseudonym does not change when it is corrected)."""
    allow(db, actor, "research.export")
    parent = dict(db.execute("select id, supersedes from assessments").fetchall())
    roots = {}
    for aid in parent:
        chain, current = [], aid
        while current is not None and current not in roots:
            chain.append(current)
            current = parent.get(current)
        root = roots[current] if current is not None else chain[-1]
        for member in chain:
            roots[member] = root
    return roots


def _items(db) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        db.execute("select rowid, instrument_id, item, domain, type, position from instrument_items")
        .fetchall(),
        columns=["item_row", "instrument_id", "item", "domain", "type", "position"])


def _answers_of_items(db, which: str, value: str) -> pd.DataFrame:
    """Answers of latest-version kept assessments to the items ``which`` picks (a fixed condition on
    ``instrument_items i``), with ``value`` (a fixed column of ``answers x``) and the item's fields; ``repeat``
    is the answer's (a repeat inside a repeat: its path with the outer entry, ``member[2]/job``)."""
    rows = db.execute(f"""
        select a.id, i.rowid, x.repeat, x.instance, {value}
        from assessments a
        cross join answers x on x.assessment_id = a.id
        join instrument_items i on i.instrument_id = a.instrument_id
             and i.instrument_version = a.instrument_version and i.item = x.item
        where {which} and {_LATEST_KEPT}""").fetchall()
    frame = pd.DataFrame.from_records(rows, columns=["assessment_id", "item_row", "repeat", "instance", "value"])
    return frame.merge(_items(db), on="item_row", how="left")


def scored_answers(db, actor: str) -> pd.DataFrame:
    """One row per scored answer of every latest-version assessment kept for analysis:
    ``assessment_id, instrument_id, item, domain, repeat, instance, value`` (the number), ``position``
    (the item's place in the instrument)."""
    allow(db, actor, "research.export")
    frame = _answers_of_items(db, "i.scored = 1", "x.number")
    frame["value"] = frame["value"].astype(float)
    return frame[["assessment_id", "instrument_id", "item", "domain", "repeat", "instance", "value", "position"]]


def text_answers(db, actor: str) -> pd.DataFrame:
    """One row per answer to a text item of every latest-version assessment kept for analysis:
    ``assessment_id, instrument_id, item, repeat, instance, value`` (as written)."""
    allow(db, actor, "research.export")
    frame = _answers_of_items(db, "i.type = 'text'", "x.value")
    return frame[["assessment_id", "instrument_id", "item", "repeat", "instance", "value"]]


def goal_words(db, actor: str) -> pd.DataFrame:
    """``goal_id, wish, title`` of every goal: the client's own words and the goal's title."""
    allow(db, actor, "research.export")
    return pd.DataFrame.from_records(db.execute("select id, wish, title from goals").fetchall(),
                                     columns=["goal_id", "wish", "title"])
