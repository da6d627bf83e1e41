"""Who may do what: one pure rule, asked by the store on every read and write, and by the views only to
decide what to show.

:func:`decide` is a function of (the actor, the action, the case's state): no SQL, no widgets. The
store builds the :class:`Actor` and :class:`CaseFacts` from its tables (``workbench.store.guard``)
and refuses with the reason this module gives, in Ukrainian and English.

The roles:

- **case manager** (``case_manager``): the cases they hold now (the current worker) and the cases
  shared with them; opens new cases; records group work in the events log;
- **supervisor** (``supervisor``): everything a case manager may do, on the cases held by the workers
  of their team(s) too; signs off plans and assessments; hands a case to another worker of their
  team; lets such a case move without one of the cycle's conditions, with a written reason; reads
  the aggregates (frames, caseloads, period reports) of the organisation;
- **head of centre** (``head_of_centre``): reads every case and every aggregate, makes the research
  export; writes nothing on a case; sees who opened any client's record (a supervisor: their team's);
- **administrator** (``administrator``): users, teams, instruments and configuration, the research
  export; no case content;
- **researcher** (``researcher``): pseudonymised exports only, never the live database.

A deactivated or unknown user may do nothing. A case is "shared" with a colleague by its worker or a
supervisor of its team (recorded, revocable): the colleague then reads and writes it as its worker
does, but cannot share it on or hand it over.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import case_cycle, config, i18n
from .i18n import UserError

ROLES = ("case_manager", "supervisor", "head_of_centre", "administrator", "researcher")
CASE_HOLDERS = ("case_manager", "supervisor")  # who can be a case's worker

# Actions on one case (they need its facts) and actions on no case in particular.
CASE_ACTIONS = ("case.read", "case.write", "case.share", "case.transfer", "case.sign_off", "case.readings",
                "case.override")
GENERAL_ACTIONS = {
    "case.open": CASE_HOLDERS,                        # intake: register a family or person, open a case
    "register.check": CASE_HOLDERS,                   # the duplicate warning across the whole register
    "cases.search": CASE_HOLDERS + ("head_of_centre",),  # results are each read-checked
    "caseload.read": CASE_HOLDERS + ("head_of_centre",),
    "aggregate.read": ("supervisor", "head_of_centre"),  # tidy frames, period reports, outcomes
    "events.read": CASE_HOLDERS + ("head_of_centre",),
    "events.write": CASE_HOLDERS,
    "staff.read": CASE_HOLDERS + ("head_of_centre", "administrator"),
    # The staff's workspace: the case apps, or for an administrator its users-and-teams page alone.
    "workspace.open": CASE_HOLDERS + ("head_of_centre", "administrator"),
    "users.manage": ("administrator",),
    # A staff member's own password (the researcher has no server on the hub, so none to sign in to).
    "password.change": CASE_HOLDERS + ("head_of_centre", "administrator"),
    "instruments.manage": ("administrator",),
    "research.export": ("head_of_centre", "administrator"),
    "audit.read": ("head_of_centre", "administrator"),
    "readings.read": ("supervisor", "head_of_centre"),  # who opened records; each case then needs case.readings
}
ACTIONS = CASE_ACTIONS + tuple(GENERAL_ACTIONS)

i18n.add({
    "policy.unknown_user": {
        "uk": "Користувача «{username}» немає серед працівників цієї бази. Зверніться до адміністратора.",
        "en": "'{username}' is not a staff member in this database. Ask your administrator.",
    },
    "policy.inactive": {
        "uk": "Обліковий запис «{username}» деактивовано: дії недоступні. Зверніться до адміністратора.",
        "en": "The account '{username}' is deactivated and can do nothing. Ask your administrator.",
    },
    "policy.role": {
        "uk": "Ваша роль ({role}) не дозволяє: {action}.",
        "en": "Your role ({role}) does not allow: {action}.",
    },
    # A case manager reads only what she holds or is shared with her, whatever the team (a team is a supervisor's).
    "policy.not_your_case": {
        "uk": "Випадок №{case_id} веде {worker}; він не поділений з вами.",
        "en": "Case #{case_id} is held by {worker}; it is not shared with you.",
    },
    "policy.not_your_teams_case": {
        "uk": "Випадок №{case_id} веде {worker}; він не поділений з вами і не належить до вашої команди.",
        "en": "Case #{case_id} is held by {worker}; it is not shared with you and not in your team.",
    },
    "policy.head_reads_only": {
        "uk": "Керівник центру переглядає випадки, але не змінює їх.",
        "en": "The head of centre reads cases but does not change them.",
    },
    "policy.share_by_holder": {
        "uk": "Поділитися випадком може його фахівець або супервізор його команди.",
        "en": "Only the case's worker or a supervisor of its team can share it.",
    },
    "policy.supervisor_of_team": {
        "uk": "Це робить супервізор команди, до якої належить фахівець випадку ({worker}).",
        "en": "This is done by a supervisor of the team of the case's worker ({worker}).",
    },
    "policy.readings_by_supervisor": {
        "uk": "Хто відкривав випадок, бачать керівник центру й супервізор команди його фахівця ({worker}).",
        "en": "Who opened a case is seen by the head of centre and a supervisor of its worker's team ({worker}).",
    },
    "policy.target_not_in_team": {
        "uk": "Передати випадок можна лише фахівцеві вашої команди; {target} до неї не належить.",
        "en": "A case can be handed only to a worker of your team; {target} is not in it.",
    },
    "policy.open_for_team": {
        "uk": "Відкрити випадок на іншого фахівця ({target}) може лише супервізор його команди.",
        "en": "Only a supervisor of their team can open a case for another worker ({target}).",
    },
    "policy.target_cannot_hold": {
        "uk": "{target} не може вести випадки (неактивний обліковий запис або інша роль).",
        "en": "{target} cannot hold cases (a deactivated account or another role).",
    },
    "policy.role.case_manager": {"uk": "фахівець із соціальної роботи", "en": "case manager"},
    "policy.role.supervisor": {"uk": "супервізор", "en": "supervisor"},
    "policy.role.head_of_centre": {"uk": "керівник центру", "en": "head of centre"},
    "policy.role.administrator": {"uk": "адміністратор", "en": "administrator"},
    "policy.role.researcher": {"uk": "дослідник", "en": "researcher"},
    "policy.action.case.read": {"uk": "переглядати випадок", "en": "read a case"},
    "policy.action.case.write": {"uk": "змінювати випадок", "en": "change a case"},
    "policy.action.case.share": {"uk": "ділитися випадком", "en": "share a case"},
    "policy.action.case.transfer": {"uk": "передавати випадок іншому фахівцеві", "en": "hand a case to another worker"},
    "policy.action.case.sign_off": {"uk": "затверджувати план чи оцінювання", "en": "sign off a plan or an assessment"},
    "policy.action.case.override": {"uk": "дозволяти перехід без умови циклу випадку",
                                    "en": "let a case move without one of the cycle's conditions"},
    "policy.action.case.readings": {"uk": "бачити, хто відкривав випадок", "en": "see who opened a case"},
    "policy.action.case.open": {"uk": "реєструвати звернення й відкривати випадки", "en": "register clients and open cases"},
    "policy.action.register.check": {"uk": "перевіряти реєстр на дублікати", "en": "check the register for duplicates"},
    "policy.action.cases.search": {"uk": "шукати випадки", "en": "search cases"},
    "policy.action.caseload.read": {"uk": "переглядати навантаження", "en": "read caseloads"},
    "policy.action.aggregate.read": {"uk": "переглядати зведені дані та звіти", "en": "read aggregates and reports"},
    "policy.action.events.read": {"uk": "переглядати журнал заходів", "en": "read the events log"},
    "policy.action.events.write": {"uk": "записувати заходи", "en": "record events"},
    "policy.action.staff.read": {"uk": "переглядати список працівників", "en": "read the staff list"},
    "policy.action.workspace.open": {"uk": "відкривати робоче місце", "en": "open the workspace"},
    "policy.action.users.manage": {"uk": "керувати користувачами й командами", "en": "manage users and teams"},
    "policy.action.password.change": {"uk": "змінювати власний пароль", "en": "change your own password"},
    "policy.action.instruments.manage": {"uk": "керувати інструментами", "en": "manage instruments"},
    "policy.action.research.export": {"uk": "робити дослідницьке вивантаження", "en": "make the research export"},
    "policy.action.readings.read": {"uk": "бачити, хто відкривав записи клієнтів",
                                    "en": "see who opened clients' records"},
    "policy.action.audit.read": {"uk": "переглядати журнал аудиту", "en": "read the audit log"},
})


@dataclass(frozen=True)
class Actor:
    """Who acts, as the store found them: ``role`` None when the name is unknown; ``name`` how they are
    shown (their display name; messages fall back on the username without one)."""

    username: str
    role: str | None
    active: bool = True
    teams: frozenset = field(default_factory=frozenset)
    name: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """What the rule needs of a case: its id, its worker now and that worker's teams, and who it is
    shared with now (shares not revoked); ``worker_name`` how the worker is shown in a refusal (their
    display name; the username without one)."""

    case_id: int
    worker: str
    worker_teams: frozenset = field(default_factory=frozenset)
    shared_with: frozenset = field(default_factory=frozenset)
    worker_name: str = ""


@dataclass(frozen=True)
class Decision:
    """``allowed``, or the reason (a :class:`UserError` to raise or show)."""

    allowed: bool
    reason: UserError | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _no(key: str, **params) -> Decision:
    return Decision(False, UserError(key, **params))


def _wrong_role(actor: Actor, action: str) -> Decision:
    return _no("policy.role", role=i18n.Text(f"policy.role.{actor.role}"), action=i18n.Text(f"policy.action.{action}"))


def decide(actor: Actor, action: str, case: CaseFacts | None = None, *, target: Actor | None = None) -> Decision:
    """May ``actor`` do ``action`` (one of :data:`ACTIONS`), on ``case`` for a case action?

    ``target`` is the worker a case is handed to (``case.transfer``), shared with (``case.share``) or
    opened for (``case.open``).
    Raises ``ValueError`` for an unknown action or a case action without a case (a bug of ours,
    not a user's doing).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor.role is None:
        return _no("policy.unknown_user", username=_shown(actor.username))
    if not actor.active:
        return _no("policy.inactive", username=_shown(actor.username))
    if actor.role not in ROLES:
        return _wrong_role(actor, action)
    if action in GENERAL_ACTIONS:
        if actor.role not in GENERAL_ACTIONS[action]:
            return _wrong_role(actor, action)
        if action == "case.open" and target is not None and target.username != actor.username:
            return _open_for(actor, target)
        return ALLOWED
    if case is None:
        raise ValueError(f"{action} needs the case's facts")
    return _decide_on_case(actor, action, case, target)


def _decide_on_case(actor: Actor, action: str, case: CaseFacts, target: Actor | None) -> Decision:
    role = actor.role
    holds = case.worker == actor.username
    shared = actor.username in case.shared_with
    supervises = role == "supervisor" and bool(actor.teams & case.worker_teams)
    if action == "case.read":
        if role == "head_of_centre" or (role in CASE_HOLDERS and (holds or shared or supervises)):
            return ALLOWED
    if action == "case.readings":  # who opened a client's record: the head of centre and the team's supervisor
        if role == "head_of_centre" or supervises:
            return ALLOWED
        return _no("policy.readings_by_supervisor", worker=_worker_shown(case))
    if role == "head_of_centre":
        return _no("policy.head_reads_only")
    if role not in CASE_HOLDERS:
        return _wrong_role(actor, action)
    if not (holds or shared or supervises):
        key = "policy.not_your_teams_case" if role == "supervisor" else "policy.not_your_case"
        return _no(key, case_id=case.case_id, worker=_worker_shown(case))
    if action == "case.write":
        return ALLOWED
    if action == "case.share":
        if not (holds or supervises):
            return _no("policy.share_by_holder")
        return _may_hold(target) if target is not None else ALLOWED
    # case.transfer, case.sign_off and case.override: a supervisor of the worker's team.
    if not supervises:
        return _no("policy.supervisor_of_team", worker=_worker_shown(case))
    if action == "case.transfer" and target is not None:
        held = _may_hold(target)
        if not held:
            return held
        if not actor.teams & target.teams:
            return _no("policy.target_not_in_team", target=_person_shown(target))
    return ALLOWED


def decide_move(actor: Actor, case: CaseFacts, cycle: case_cycle.CycleFacts, to_status: str) -> Decision:
    """May ``actor`` move the case to ``to_status`` now? Whoever may change the case (``case.write``), once
    the case has what the configured move rules ask for (:func:`workbench.case_cycle.missing`) or a
    supervisor has overridden what it lacks. Whether ``to_status`` is a possible move at all is the
    store's to check against :data:`workbench.case_cycle.MOVES`."""
    allowed = decide(actor, "case.write", case)
    if not allowed:
        return allowed
    lacking = case_cycle.missing(cycle, to_status)
    if lacking:
        return _no("cycle.missing", to_label=config.Labels("case_statuses", [to_status]),
                   missing=case_cycle.Conditions(lacking, cycle.instrument))
    return ALLOWED


def _open_for(actor: Actor, target: Actor) -> Decision:
    """Opening a case held by someone else: a supervisor may, for a worker of their team."""
    held = _may_hold(target)
    if not held:
        return held
    if actor.role != "supervisor" or not actor.teams & target.teams:
        return _no("policy.open_for_team", target=_person_shown(target))
    return ALLOWED


def _may_hold(target: Actor) -> Decision:
    if target.role in CASE_HOLDERS and target.active:
        return ALLOWED
    return _no("policy.target_cannot_hold", target=_person_shown(target))


def caseload_scope(actor: Actor, staff: list[Actor]) -> frozenset | None:
    """Whose caseloads ``actor`` may see (``caseload.read``): a case manager their own; a supervisor their
    own and those of every user (active or not) who shares a team with them; the head of centre
    everyone's (None). Refused actors see none (an empty set)."""
    if not decide(actor, "caseload.read"):
        return frozenset()
    if actor.role == "head_of_centre":
        return None
    if actor.role == "supervisor":
        return frozenset({actor.username} | {u.username for u in staff if u.teams & actor.teams})
    return frozenset({actor.username})


def require(actor: Actor, action: str, case: CaseFacts | None = None, *, target: Actor | None = None) -> Actor:
    """:func:`decide`, raising its reason (a ``UserError``) when refused; returns ``actor``."""
    decision = decide(actor, action, case, target=target)
    if not decision:
        raise decision.reason
    return actor


def _shown(name) -> str:
    """A name as a message may show it: printable characters, at most 80."""
    return "".join(ch for ch in str(name) if ch.isprintable())[:80]


def _person_shown(actor: Actor) -> str:
    """A staff member as a message shows them: their display name, else their username."""
    return _shown(actor.name or actor.username)


def _worker_shown(case: CaseFacts) -> str:
    return _shown(case.worker_name or case.worker)
