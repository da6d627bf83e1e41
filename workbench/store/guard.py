"""The store's side of the access policy (:mod:`workbench.policy`): it reads who acts and a case's facts
from the tables and asks the policy. Every public function of the store calls :func:`allow` (or
:func:`allow_case`, :func:`allow_person`) first, before it even checks its input, so an outsider
learns nothing of a case, not even which of their values were wrong; a record's case is derived
from the record itself (:func:`case_of`), never taken from the caller. Ids are checked for type
before they reach SQL.
"""
from __future__ import annotations

import json

from .. import i18n, policy
from ..i18n import UserError
from . import arguments

i18n.add({
    "guard.bad_id": {
        "uk": "«{value}» не є номером запису ({kind}).",
        "en": "'{value}' is not the number of a record ({kind}).",
    },
    "guard.not_found": {"uk": "Запис ({kind}) №{id} не знайдено.", "en": "No record ({kind}) #{id} was found."},
    "guard.case_mismatch": {
        "uk": "Запис ({kind}) №{id} не належить до випадку №{case_id}.",
        "en": "The record ({kind}) #{id} does not belong to case #{case_id}.",
    },
    "guard.kind.case": {"uk": "випадок", "en": "case"},
    "guard.kind.assessment": {"uk": "оцінювання", "en": "assessment"},
    "guard.kind.goal": {"uk": "мета", "en": "goal"},
    "guard.kind.action": {"uk": "дія плану", "en": "plan action"},
    "guard.kind.service": {"uk": "послуга", "en": "service"},
    "guard.kind.stay": {"uk": "перебування в притулку", "en": "shelter stay"},
    "guard.kind.person": {"uk": "особа", "en": "person"},
    "guard.kind.household": {"uk": "домогосподарство", "en": "household"},
    "guard.kind.event": {"uk": "захід", "en": "event"},
    "guard.kind.share": {"uk": "доступ до випадку", "en": "case share"},
    "guard.kind.draft": {"uk": "чернетка", "en": "draft"},
})

MAX_ID = 2**63 - 1  # SQLite's largest integer

# Who reads the whole record (the tidy frames): supervisors and the head of centre for reports, and the
# research export, which pseudonymises what it reads.
WHOLE_RECORD = ("aggregate.read", "research.export")

# The case's worker now, as a SQL expression on a case aliased ``c``: the latest transfer's, else the
# one the case was opened with (as workbench.store.lifecycle.case_state reads it from the events).
CURRENT_WORKER_SQL = """coalesce((select e.to_worker from case_events e where e.case_id = c.id
    and e.kind = 'transfer' order by e.id desc limit 1), c.worker)"""

# Which case a record belongs to: a fixed query per kind (never user text), the record's id bound.
_CASE_OF = {
    "case": "select id from cases where id = ?",
    "assessment": "select case_id from assessments where id = ?",
    "goal": "select case_id from goals where id = ?",
    "action": "select g.case_id from goal_actions a join goals g on g.id = a.goal_id where a.id = ?",
    "service": "select case_id from services where id = ?",
    "share": "select case_id from case_shares where id = ?",
}


def record_id(value, kind: str) -> int:
    """``value`` as a record id: an ``int`` from 1 to SQLite's largest (never a bool, a string, a
    float, a list); raises ``UserError`` (``guard.bad_id``) naming the ``kind`` of record."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise UserError("guard.bad_id", value=_shown(value), kind=i18n.Text(f"guard.kind.{kind}"))
    return value


def current_version(db, username) -> dict | None:
    """The user as they are now (``username, display_name, role, active, teams, since``), or None."""
    if not isinstance(username, str) or not username.isprintable():
        return None  # no username holds a control character or a lone surrogate (which SQLite cannot take)
    # Asked on every read and write: one indexed lookup, plain rows (no sqlite-utils dict rows).
    row = db.execute("""select username, display_name, role, active, teams, recorded_at from user_versions
                        where username = ? order by id desc limit 1""", [username]).fetchone()
    if row is None:
        return None
    return {"username": row[0], "display_name": row[1], "role": row[2], "active": bool(row[3]),
            "teams": json.loads(row[4]), "since": row[5]}


def display_name(db, username) -> str:
    """How a staff member is shown to users: their display name now; the username itself for a name the
    database does not know."""
    user = current_version(db, username)
    return user["display_name"] if user else str(username)


def actor_of(db, username) -> policy.Actor:
    """The policy's view of ``username``; an unknown (or non-text) name has no role. An unknown text keeps its
    every character (the policy's messages show it cleaned), so it never equals another name it only looks like."""
    user = current_version(db, username)
    if user is None:
        return policy.Actor(username if isinstance(username, str) and username else _shown(username) or "—", None,
                            False)
    return policy.Actor(user["username"], user["role"], user["active"], frozenset(user["teams"]), user["display_name"])


def case_facts(db, case_id) -> policy.CaseFacts:
    """The facts the policy needs of a case; raises ``UserError`` if the id is wrong or unknown."""
    case_id = record_id(case_id, "case")
    row = db.execute(f"select c.id, {CURRENT_WORKER_SQL} from cases c where c.id = ?", [case_id]).fetchone()
    if row is None:
        raise UserError("case.not_found", id=case_id)
    worker = current_version(db, row[1])
    shared = {r[0] for r in db.execute(
        """select s.shared_with from case_shares s where s.case_id = ?
           and not exists (select 1 from case_share_revocations r where r.share_id = s.id)""", [case_id])}
    return policy.CaseFacts(case_id, row[1], frozenset(worker["teams"]) if worker else frozenset(),
                            frozenset(shared), worker["display_name"] if worker else "")


def allow(db, username, action: str, case_id=None, *, target: str | None = None) -> policy.Actor:
    """Ask the policy whether ``username`` may do ``action`` (on ``case_id`` for a case action, handing
    it to or sharing it with ``target``); returns the actor, or raises the policy's ``UserError``."""
    actor = actor_of(db, username)
    facts = case_facts(db, case_id) if action in policy.CASE_ACTIONS else None
    return policy.require(actor, action, facts, target=actor_of(db, target) if target is not None else None)


def allow_any(db, username, actions: tuple[str, ...]) -> policy.Actor:
    """:func:`allow` for the first of ``actions`` (general actions) the policy allows; raises the
    refusal of the first when it allows none."""
    refusal = None
    for action in actions:
        try:
            return allow(db, username, action)
        except UserError as error:
            refusal = refusal or error
    raise refusal


def may(db, username, action: str, case_id=None) -> bool:
    """:func:`allow` as a yes or no, for views deciding what to show (the store still decides)."""
    try:
        allow(db, username, action, case_id)
    except UserError:
        return False
    return True


def case_of(db, kind: str, record, case_id=None) -> int:
    """The case a record of ``kind`` belongs to, read from the record itself. ``case_id``, if the
    caller gives one too, must be that case (else ``guard.case_mismatch``)."""
    record = record_id(record, kind)
    row = db.execute(_CASE_OF[kind], [record]).fetchone()
    if row is None:
        raise UserError("guard.not_found", kind=i18n.Text(f"guard.kind.{kind}"), id=record)
    if case_id is not None and record_id(case_id, "case") != row[0]:
        raise UserError("guard.case_mismatch", kind=i18n.Text(f"guard.kind.{kind}"), id=record, case_id=case_id)
    return row[0]


def allow_case(db, username, action: str, kind: str, record, case_id=None, *, target=None) -> int:
    """Derive the case of a record (:func:`case_of`), ask the policy about it; returns the case id."""
    case = case_of(db, kind, record, case_id)
    allow(db, username, action, case, target=target)
    return case


def cases_of_person(db, person_id) -> list[int]:
    """The cases a person belongs to (their own, and their households'), oldest first."""
    return [r[0] for r in db.execute(
        """select c.id from cases c where c.person_id = ?
           union select c.id from cases c join household_members m on m.household_id = c.household_id
           where m.person_id = ? order by 1""", [person_id, person_id])]


def allow_person(db, username, action: str, person_id, case_id=None) -> int:
    """The case through which ``username`` may do ``action`` on a person: ``case_id`` if given (it must
    be one of the person's cases), else the first of the person's cases the policy allows; raises the
    policy's refusal (for the person's first case) when none is allowed. Returns the case id."""
    person_id = record_id(person_id, "person")
    if db.execute("select 1 from persons where id = ?", [person_id]).fetchone() is None:
        raise UserError("person.not_found", id=person_id)
    cases = cases_of_person(db, person_id)
    if case_id is not None:
        if record_id(case_id, "case") not in cases:
            raise UserError("guard.case_mismatch", kind=i18n.Text("guard.kind.person"), id=person_id,
                            case_id=case_id)
        allow(db, username, action, case_id)
        return case_id
    refusal = None
    for case in cases:
        try:
            allow(db, username, action, case)
            return case
        except UserError as error:
            refusal = refusal or error
    if refusal is None:  # a person on no case: only those who register people see them
        allow(db, username, "case.open")
        return 0
    raise refusal


def readable_case_ids(db, username, case_ids) -> list[int]:
    """Those of ``case_ids`` that ``username`` may read, in the order given (one policy question each,
    with the facts read in bulk)."""
    actor = actor_of(db, username)
    ids = [record_id(c, "case") for c in arguments.sequence(case_ids, "case_ids", sets=True)]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    workers = dict(db.execute(f"select c.id, {CURRENT_WORKER_SQL} from cases c where c.id in ({marks})", ids))
    shares: dict[int, set] = {}
    for case, who in db.execute(f"""select s.case_id, s.shared_with from case_shares s where s.case_id in ({marks})
                                    and not exists (select 1 from case_share_revocations r where r.share_id = s.id)""",
                                ids):
        shares.setdefault(case, set()).add(who)
    versions = {name: current_version(db, name) for name in set(workers.values())}
    teams = {name: frozenset(v["teams"]) if v else frozenset() for name, v in versions.items()}
    return [c for c in ids if c in workers and policy.decide(
        actor, "case.read", policy.CaseFacts(c, workers[c], teams[workers[c]], frozenset(shares.get(c, ()))))]


def _shown(value) -> str:
    return "".join(ch for ch in str(value) if ch.isprintable())[:40]
