"""What each kind of document shows, read through the store's functions as the actor (each asks the policy),
shaped as the documented context (:mod:`workbench.printing.schema`): texts in the chosen language, dates written
out, answers in words (the instrument's choice labels)."""
from __future__ import annotations

from datetime import date, datetime

from .. import config, gas, i18n
from ..i18n import UserError
from ..instruments.loader import InstrumentError, load_builtin_version
from ..store.assessments import assessment_history, get_assessment
from ..store.cases import get_case
from ..store.deadlines import goal_review_due
from ..store.guard import display_name
from ..store.inputs import ua_date
from ..store.lifecycle import case_events
from ..store.people import get_person, household_members, person_consents
from ..store.plans import case_goals, signoffs
from ..store.services import case_services
from ..store.users import staff

i18n.add({
    "printing.instrument_unavailable": {
        "uk": "Інструмент «{id}» версії {version} недоступний для друку (друкуються лише вбудовані інструменти).",
        "en": "The instrument '{id}' version {version} cannot be printed (only the built-in instruments can).",
    },
    "printing.goal.open": {"uk": "у роботі", "en": "in progress"},
})

NONE = "—"
ADULT_AGE = 18
# The act's items by name (family_needs_assessment); an act instrument without one prints a dash there.
ACT_ITEMS = {"urgent": "urgent", "urgent_details": "urgent_details", "duration": "problem_duration",
             "awareness": "awareness", "readiness": "readiness", "in_difficult": "in_difficult_circumstances",
             "complexity": "case_complexity", "conclusion": "conclusion_text", "services": "recommended_services",
             "visit_date": "visit_date", "household_size": "household_size", "income": "income_per_person",
             "income_sources": "income_sources", "child_name": "child_name", "child_born": "child_birth_date",
             "child_age": "child_age"}


def build_context(db, actor: str, *, kind: str, case_id: int, record_id: int, version: int, lang: str,
                  made_on: date) -> dict:
    """The context of a document of ``kind`` printing ``record_id`` at ``version`` (as
    :func:`workbench.store.documents.document_record` resolved them). Raises the store's ``UserError``."""
    case = get_case(db, actor, case_id)
    context = _common(db, actor, case, kind, version, lang, made_on)
    context.update(BUILDERS[kind](db, actor, case, record_id, lang, made_on))
    return context


def _common(db, actor, case, kind, version, lang, made_on) -> dict:
    organisation = config.load_config().get("organisation") or {}
    members = _members(db, actor, case, lang, made_on)
    # The case's subject as workbench.store.people.SUBJECT_PERSON_SQL has it: the applicant, else the first added.
    subject = next((m for m in members if m["relation_code"] == "applicant"), members[0] if members else None)
    subject_age = subject["age"] if subject else None
    heads = staff(db, actor, roles=("head_of_centre",))
    return {
        "organisation": {"name": organisation.get(lang, ""), "address": (organisation.get("address") or {}).get(lang, "")},
        "document": {"kind": kind, "title": i18n.t(f"document.kind.{kind}", lang), "version": version,
                     "made_on": ua_date(made_on.isoformat()), "lang": lang},
        "case": {"number": case["case_number"], "programme": config.label("programmes", case["programme"], lang),
                 "opened_on": ua_date(case["opened_on"]), "worker": display_name(db, _worker(db, actor, case)),
                 "subject": case["subject_label"], "client": subject["name"] if subject else case["subject_label"],
                 "client_is_child": isinstance(subject_age, int) and subject_age < ADULT_AGE},
        "members": [{k: m[k] for k in ("name", "birth_date", "age", "relation")} for m in members],
        "head": {"name": heads[0]["display_name"] if heads else ""},
    }


def _worker(db, actor, case) -> str:
    transfers = [e for e in case_events(db, actor, case["id"]) if e["kind"] == "transfer"]
    return transfers[-1]["to_worker"] if transfers else case["worker"]


def _members(db, actor, case, lang, made_on) -> list[dict]:
    if case["household_id"]:
        people = household_members(db, actor, case["household_id"])
    else:
        people = [dict(get_person(db, actor, case["person_id"]), relation="applicant")]
    return [{"id": p["id"], "name": _name(p), "birth_date": ua_date(p["birth_date"]) if p["birth_date"] else NONE,
             "age": _age(p["birth_date"], made_on), "relation": config.label("relations", p["relation"], lang),
             "relation_code": p["relation"]} for p in people]


def _name(person: dict) -> str:
    return " ".join(part for part in (person["family_name"], person["given_name"], person.get("patronymic")) if part)


def _age(born: str | None, on: date) -> int | str:
    if not born:
        return NONE
    birth = date.fromisoformat(born)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- assessments: the act and the CARe profile ------------------------------------------------------------

def _assessment(db, actor, record_id, lang):
    history = assessment_history(db, actor, record_id)
    row = history[-1]
    try:
        instrument = load_builtin_version(row["instrument_id"], row["instrument_version"])
    except InstrumentError:
        raise UserError("printing.instrument_unavailable", id=row["instrument_id"],
                        version=row["instrument_version"]) from None
    answers = get_assessment(db, actor, record_id, instrument)["answers"]
    head = {"assessed_on": ua_date(row["assessed_on"]), "version": len(history), "instrument": instrument.title(lang),
            "assessed_by": display_name(db, history[0]["created_by"]),
            "correction_reason": row["correction_reason"] or ""}
    return instrument, answers, head


def _words(instrument, name: str, scope: dict, lang: str) -> str:
    """An answer as the form shows it: a choice's label (several joined), a date written out, else the text."""
    item = instrument.items.get(name)
    value = scope.get(name)
    if item is None or value in (None, "", []):
        return NONE
    labels = {c.name: c.label(lang) for c in item.choices}
    if item.type == "select_multiple":
        return "; ".join(labels.get(v, v) for v in value)
    if labels:
        return labels.get(str(value), str(value))
    if isinstance(value, date):
        return ua_date(value.isoformat())
    return str(value)


def _sections(instrument, scope: dict, lang: str, *, repeat: str | None) -> list[dict]:
    """Each group with scored items (inside ``repeat``, or outside every repeat): its ratings in words and the
    notes (its text items)."""
    found = []
    for section in instrument.domains():
        items = [i for i in instrument.items.values() if i.group == section.name]
        if items[0].repeat != repeat:
            continue
        ratings = [{"label": i.label(lang), "rating": _words(instrument, i.name, scope, lang),
                    "score": scope.get(i.name, NONE)} for i in items if i.scored]
        notes = [str(scope[i.name]) for i in items if i.type == "text" and scope.get(i.name)]
        found.append({"title": section.label(lang), "ratings": ratings, "notes": "\n".join(notes)})
    return found


def _act(db, actor, case, record_id, lang, made_on) -> dict:
    instrument, answers, head = _assessment(db, actor, record_id, lang)

    def words(key, scope=answers):
        return _words(instrument, ACT_ITEMS[key], scope, lang)

    children = []
    for repeat in instrument.repeats:
        for entry in answers.get(repeat) or []:
            notes = [str(entry[i.name]) for i in instrument.items.values()
                     if i.repeat == repeat and i.group == repeat and i.type == "text" and i.name != ACT_ITEMS["child_name"]
                     and entry.get(i.name)]
            children.append({"name": words("child_name", entry), "birth_date": words("child_born", entry),
                             "age": words("child_age", entry),
                             "sections": _sections(instrument, entry, lang, repeat=repeat),
                             "notes": "\n".join(notes)})
    # Ages on the act's date, as its children's sections give them (not on the day it is printed).
    assessed_on = datetime.strptime(head["assessed_on"], "%d.%m.%Y").date()
    members = [{k: m[k] for k in ("name", "birth_date", "age", "relation")}
               for m in _members(db, actor, case, lang, assessed_on)]
    return {
        "assessment": head,
        "members": members,
        "general": {"visit_date": words("visit_date"), "household_size": words("household_size"),
                    "income_per_person": words("income"), "income_sources": words("income_sources")},
        "urgent": {"flag": words("urgent"), "is_urgent": answers.get(ACT_ITEMS["urgent"]) == "yes",
                   "details": words("urgent_details")},
        "children": children,
        "sections": _sections(instrument, answers, lang, repeat=None),
        "duration": words("duration"),
        "cooperation": {"awareness": words("awareness"), "readiness": words("readiness")},
        "conclusion": {"in_difficult_circumstances": words("in_difficult"), "complexity": words("complexity"),
                       "text": words("conclusion"), "recommended_services": words("services")},
    }


def _care_profile(db, actor, case, record_id, lang, made_on) -> dict:
    instrument, answers, head = _assessment(db, actor, record_id, lang)
    first = {"first": "1", "second": "2", "third": "3"}.get(answers.get("priority_wish"))
    wishes = [{"number": n, "text": answers[f"wish_{n}"], "domain": _words(instrument, f"wish_{n}_domain", answers, lang),
               "first": str(n) == first} for n in (1, 2, 3) if answers.get(f"wish_{n}")]
    return {
        "assessment": head,
        "meeting_date": _words(instrument, "meeting_date", answers, lang),
        "filled_with": _words(instrument, "filled_with", answers, lang),
        "sections": _sections(instrument, answers, lang, repeat=None),
        "strengths": {"personal": _words(instrument, "personal_strengths", answers, lang),
                      "supports": _words(instrument, "supports", answers, lang),
                      "achievements": _words(instrument, "achievements", answers, lang),
                      "areas": _words(instrument, "strength_areas", answers, lang)},
        "wishes": wishes,
        "worker_notes": _words(instrument, "worker_notes", answers, lang),
        "next_step": _words(instrument, "next_step", answers, lang),
    }


# --- the plan, a consent, a referral, the closure ---------------------------------------------------------

def _level(level: int, lang: str) -> dict:
    return {"level": gas.level_text(level), "meaning": gas.gas_level_label(level, lang)}


def _goal_status(goal: dict, lang: str) -> str:
    return i18n.t("printing.goal.open" if goal["status"] == "open" else f"plan.closed.{goal['status']}", lang)


def _plan(db, actor, case, record_id, lang, made_on) -> dict:
    timelines = config.load_config()["deadlines"]
    goals = []
    for number, goal in enumerate(case_goals(db, actor, case["id"]), start=1):
        last = goal["reviews"][-1]["reviewed_on"] if goal["reviews"] else goal["set_on"]
        goals.append({
            "number": number, "wish": goal["wish"], "title": goal["title"],
            "domain": config.label("life_domains", goal["domain"], lang), "set_on": ua_date(goal["set_on"]),
            "target_date": ua_date(goal["target_date"]), "status": _goal_status(goal, lang),
            "weight": goal["weight"] if goal["weight"] is not None else 1,
            "levels": [dict(_level(level, lang), text=text) for level, text in zip(gas.GAS_LEVELS, goal["levels"])],
            "actions": [{"what": a["what"], "who": a["who"], "due_on": ua_date(a["due_on"]),
                         "done_on": ua_date(a["done_on"]) if a["done_on"] else NONE} for a in goal["actions"]],
            "reviews": [dict(_level(r["level"], lang), reviewed_on=ua_date(r["reviewed_on"]), note=r["note"] or "")
                        for r in goal["reviews"]],
            "next_review_due": ua_date(goal_review_due(date.fromisoformat(last), timelines).isoformat())
            if goal["status"] == "open" else NONE,
        })
    plan_signoffs = [s for s in signoffs(db, actor, case["id"]) if s["kind"] == "plan"]
    latest = plan_signoffs[-1] if plan_signoffs else None
    return {"plan": {"version": record_id, "on": ua_date(made_on.isoformat()),
                     "signed_off_on": ua_date(latest["signed_on"]) if latest else NONE,
                     "signed_off_by": display_name(db, latest["signed_by"]) if latest else NONE},
            "goals": goals}


def _consent(db, actor, case, record_id, lang, made_on) -> dict:
    members = _members(db, actor, case, lang, made_on)
    consent, member = next((c, m) for m in members for c in person_consents(db, actor, m["id"]) if c["id"] == record_id)
    return {"person": {"name": member["name"], "birth_date": member["birth_date"], "age": member["age"],
                       "relation": member["relation"]},
            "consent": {"given_on": ua_date(consent["given_on"]), "given_by": consent["given_by"] or "",
                        "by_representative": (consent["given_by"] or "self") != "self",
                        "purpose": config.label("consent_purposes", consent["purpose"], lang),
                        "recorded_by": display_name(db, consent["recorded_by"])}}


def _referral(db, actor, case, record_id, lang, made_on) -> dict:
    service = next(s for s in case_services(db, actor, case["id"]) if s["id"] == record_id)
    return {"referral": {"provided_on": ua_date(service["provided_on"]), "to": service["referral_to"],
                         "note": service["note"] or "", "by": display_name(db, service["provided_by"]),
                         "outcome": config.label("referral_outcomes", service["latest_outcome"], lang)
                         if service["latest_outcome"] else NONE}}


def _closure(db, actor, case, record_id, lang, made_on) -> dict:
    event = next(e for e in case_events(db, actor, case["id"]) if e["id"] == record_id)
    goals, reviews, count = [], [], {"achieved": 0, "abandoned": 0, "open": 0}
    for goal in case_goals(db, actor, case["id"]):
        last = _level(goal["reviews"][-1]["level"], lang) if goal["reviews"] else {"level": NONE, "meaning": NONE}
        goals.append({"title": goal["title"], "wish": goal["wish"], "status": _goal_status(goal, lang),
                      "last_level": last["level"], "meaning": last["meaning"]})
        reviews += [gas.Review(goal["id"], r["reviewed_on"], r["level"], goal["weight"]) for r in goal["reviews"]]
        count[goal["status"]] += 1
    # The T-score on the day the case closed: an abandoned goal keeps its last level (workbench.gas).
    score = gas.case_t_score(reviews, on=event["effective_on"])
    return {"closure": {"closed_on": ua_date(event["effective_on"]),
                        "reason": config.label("closure_reasons", event["reason"], lang) if event["reason"] else NONE,
                        "note": event["note"] or "", "by": display_name(db, event["recorded_by"])},
            "goals": goals,
            "results": dict(count, t_score=f"{score['t_score']:.1f}" if score else NONE,
                            t_goals=score["goals"] if score else 0)}


BUILDERS = {"act": _act, "care_profile": _care_profile, "plan": _plan, "consent": _consent, "referral": _referral,
            "closure": _closure}
