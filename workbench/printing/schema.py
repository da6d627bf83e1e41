"""The documented context of each kind of document: the fields a template may use (CONTEXT.md describes them).

A schema maps a field's name to ``VALUE`` (text, a number, a date already written out), a dict (an object with
its own fields) or a one-element list (a list whose elements have that schema). A template is checked against
its kind's schema when it is loaded (:mod:`workbench.printing.templates`): a field that is not here is refused.
"""
from __future__ import annotations

VALUE = None

PERSON = {"name": VALUE, "birth_date": VALUE, "age": VALUE, "relation": VALUE}
RATING = {"label": VALUE, "rating": VALUE, "score": VALUE}  # rating: the answer's words in the chosen language
SECTION = {"title": VALUE, "ratings": [RATING], "notes": VALUE}

COMMON = {
    "organisation": {"name": VALUE, "address": VALUE},
    "document": {"kind": VALUE, "title": VALUE, "version": VALUE, "made_on": VALUE, "lang": VALUE},
    "case": {"number": VALUE, "programme": VALUE, "opened_on": VALUE, "worker": VALUE, "subject": VALUE,
             "client": VALUE, "client_is_child": VALUE},
    "members": [PERSON],
    "head": {"name": VALUE},  # the head of centre now, for the signature line (blank when none is registered)
}

ASSESSMENT = {"assessed_on": VALUE, "version": VALUE, "instrument": VALUE, "assessed_by": VALUE,
              "correction_reason": VALUE}

KINDS = {
    "act": {
        "assessment": ASSESSMENT,
        "general": {"visit_date": VALUE, "household_size": VALUE, "income_per_person": VALUE,
                    "income_sources": VALUE},
        "urgent": {"flag": VALUE, "is_urgent": VALUE, "details": VALUE},
        "children": [{"name": VALUE, "birth_date": VALUE, "age": VALUE, "sections": [SECTION], "notes": VALUE}],
        "sections": [SECTION],  # the groups outside the children's entries, in the form's order
        "duration": VALUE,
        "cooperation": {"awareness": VALUE, "readiness": VALUE},
        "conclusion": {"in_difficult_circumstances": VALUE, "complexity": VALUE, "text": VALUE,
                       "recommended_services": VALUE},
    },
    "care_profile": {
        "assessment": ASSESSMENT,
        "meeting_date": VALUE,
        "filled_with": VALUE,
        "sections": [SECTION],
        "strengths": {"personal": VALUE, "supports": VALUE, "achievements": VALUE, "areas": VALUE},
        "wishes": [{"number": VALUE, "text": VALUE, "domain": VALUE, "first": VALUE}],
        "worker_notes": VALUE,
        "next_step": VALUE,
    },
    "plan": {
        "plan": {"version": VALUE, "on": VALUE, "signed_off_on": VALUE, "signed_off_by": VALUE},
        "goals": [{
            "number": VALUE, "wish": VALUE, "title": VALUE, "domain": VALUE, "set_on": VALUE, "target_date": VALUE,
            "status": VALUE, "weight": VALUE,
            "levels": [{"level": VALUE, "meaning": VALUE, "text": VALUE}],
            "actions": [{"what": VALUE, "who": VALUE, "due_on": VALUE, "done_on": VALUE}],
            "reviews": [{"reviewed_on": VALUE, "level": VALUE, "meaning": VALUE, "note": VALUE}],
            "next_review_due": VALUE,
        }],
    },
    "consent": {
        "person": PERSON,
        "consent": {"given_on": VALUE, "given_by": VALUE, "by_representative": VALUE, "purpose": VALUE,
                    "recorded_by": VALUE},
    },
    "referral": {
        "referral": {"provided_on": VALUE, "to": VALUE, "note": VALUE, "outcome": VALUE, "by": VALUE},
    },
    "closure": {
        "closure": {"closed_on": VALUE, "reason": VALUE, "note": VALUE, "by": VALUE},
        "goals": [{"title": VALUE, "wish": VALUE, "status": VALUE, "last_level": VALUE, "meaning": VALUE}],
        "results": {"achieved": VALUE, "abandoned": VALUE, "open": VALUE, "t_score": VALUE, "t_goals": VALUE},
    },
}


def schema_of(kind: str) -> dict:
    """The whole context schema of ``kind``: the common fields and the kind's own."""
    return {**COMMON, **KINDS[kind]}


def describe(schema: dict, prefix: str = "") -> list[str]:
    """Every field of ``schema`` as a dotted path (a list's elements under ``name[]``), for CONTEXT.md."""
    lines = []
    for name, sub in schema.items():
        path = f"{prefix}{name}"
        if isinstance(sub, list):
            lines.append(f"{path}[]")
            if isinstance(sub[0], dict):
                lines += describe(sub[0], f"{path}[].")
        elif isinstance(sub, dict):
            lines += describe(sub, f"{path}.")
        else:
            lines.append(path)
    return lines
