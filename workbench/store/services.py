"""Services and contacts given to a case, typed by the configured list (after Ukraine's classifier)."""
from __future__ import annotations

from datetime import date

from .. import i18n, policy
from ..i18n import UserError
from .audit import _audit
from .connection import now, write_transaction
from .guard import actor_of, allow, allow_case
from .inputs import Checker, ua_date, whole_number
from .lifecycle import _state

i18n.add({
    "service.before_intake": {
        "uk": "Послугу не можна датувати раніше прийому звернення ({intake}).",
        "en": "A service cannot be dated before the intake ({intake}).",
    },
    "service.after_closure": {
        "uk": "Випадок закрито {closed}; послугу після цієї дати записати не можна.",
        "en": "The case was closed on {closed}; no service can be recorded after that date.",
    },
    "service.duration": {"uk": "Тривалість — ціле число хвилин від 1 до 1440.",
                         "en": "The duration is a whole number of minutes from 1 to 1440."},
    "service.referral_only": {
        "uk": "Куди перенаправлено і результат заповнюються лише для перенаправлення.",
        "en": "Where to and the outcome are only for a referral.",
    },
    "service.not_found": {"uk": "Послугу №{id} не знайдено.", "en": "Service #{id} was not found."},
    "service.not_referral": {"uk": "Послуга №{id} не є перенаправленням.", "en": "Service #{id} is not a referral."},
})


def record_service(db, actor: str, case_id, *, service_type, provided_on, duration_minutes=None,
                   provided_by=None, referral_to=None, referral_outcome=None, note=None,
                   today: date | None = None) -> int:
    """Record a service or contact; returns its id. A referral says where to (and may give an outcome)."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    service_type = check.code("service_type", service_type, "service_types")
    provided = check.date("provided_on", provided_on, today=today)
    note = check.text("note", note, required=False, limit=2000, kind="free")
    if duration_minutes not in (None, ""):
        duration_minutes = whole_number(duration_minutes)  # never a bool, a float or "²"
        if duration_minutes is None or not 1 <= duration_minutes <= 1440:
            check.problems["duration_minutes"] = UserError("service.duration")
    else:
        duration_minutes = None
    if service_type == "referral":
        referral_to = check.text("referral_to", referral_to, limit=300, kind="name")
        referral_outcome = check.code("referral_outcome", referral_outcome or "pending", "referral_outcomes")
    elif referral_to or referral_outcome:
        check.problems["referral_to"] = UserError("service.referral_only")
    check.raise_if_any()
    provider = provided_by or actor
    with write_transaction(db):
        found = actor_of(db, provider)
        if found.role not in policy.CASE_HOLDERS or not found.active:
            raise UserError("case.worker_unknown", worker=str(provider)[:80])
        state = _state(db, case_id)
        opened = db.execute("select opened_on from cases where id = ?", [state["case_id"]]).fetchone()[0]
        if provided.isoformat() < opened:
            raise UserError("service.before_intake", intake=ua_date(opened))
        if state["closed_on"] and provided.isoformat() > state["closed_on"]:
            raise UserError("service.after_closure", closed=ua_date(state["closed_on"]))
        service_id = db["services"].insert({
            "case_id": state["case_id"], "service_type": service_type, "provided_on": provided.isoformat(),
            "duration_minutes": duration_minutes, "provided_by": provider, "referral_to": referral_to,
            "referral_outcome": referral_outcome, "note": note, "recorded_at": now(), "recorded_by": actor,
        }).last_pk
        _audit(db, actor=actor, action="record_service", entity="cases", entity_id=state["case_id"],
               details={"service_id": service_id, "service_type": service_type})
    return service_id


def record_referral_outcome(db, actor: str, service_id, *, outcome, on=None, note=None, case_id=None,
                            today: date | None = None) -> int:
    """Record what came of a referral (a new row; the referral's history stays). ``case_id``, if given,
    must be the referral's case."""
    allow_case(db, actor, "case.write", "service", service_id, case_id)
    check = Checker()
    outcome = check.code("outcome", outcome, "referral_outcomes")
    effective = check.date("on", on or (today or date.today()), today=today)
    note = check.text("note", note, required=False, limit=1000, kind="free")
    check.raise_if_any()
    with write_transaction(db):
        service = next(db.query("select * from services where id = ?", [service_id]))
        if service["service_type"] != "referral":
            raise UserError("service.not_referral", id=service_id)
        outcome_id = db["referral_outcomes"].insert({
            "service_id": service["id"], "outcome": outcome, "outcome_on": effective.isoformat(), "note": note,
            "recorded_at": now(), "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="record_referral_outcome", entity="cases", entity_id=service["case_id"],
               details={"service_id": service["id"], "outcome": outcome})
    return outcome_id


def case_services(db, actor: str, case_id) -> list[dict]:
    """The case's services, newest first, each referral with its latest outcome."""
    allow(db, actor, "case.read", case_id)
    return list(db.query("""
        select s.*, coalesce((select o.outcome from referral_outcomes o where o.service_id = s.id
                              order by o.id desc limit 1), s.referral_outcome) as latest_outcome
        from services s where s.case_id = ? order by s.provided_on desc, s.id desc""", [case_id]))
