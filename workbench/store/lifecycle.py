"""The case lifecycle: intake → assessment → plan → accompaniment → review → closed, reopenable.

Every move, transfer, urgent flag, extension and override is a row in ``case_events``; a case's
status and worker now are read from its latest events, never updated in place.
Only the moves in :data:`workbench.case_cycle.MOVES` are possible, each once the case has what the
configured rules ask for (asked of the policy, :func:`workbench.policy.decide_move`) or a supervisor
has overridden what it lacks; closing resolves every open goal in the same transaction. The
service refuses anything else, whatever a page sends.
"""
from __future__ import annotations

from datetime import date

from .. import config, i18n, policy
from ..case_cycle import MOVES, CycleFacts, overridable
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .cases import _case_row
from .connection import now, write_transaction
from .cycle import cycle_facts
from .guard import actor_of, allow, case_facts, display_name, record_id
from .inputs import Checker, InvalidInput, ua_date

i18n.add({
    "lifecycle.invalid_move": {
        "uk": "Перехід зі стану «{from_label}» до «{to_label}» неможливий. Можливі: {allowed}.",
        "en": "A case cannot move from '{from_label}' to '{to_label}'. Possible: {allowed}.",
    },
    "lifecycle.nothing": {"uk": "жодного", "en": "none"},
    "lifecycle.closed": {
        "uk": "Випадок закрито; спершу відкрийте його знову.",
        "en": "The case is closed; reopen it first.",
    },
    "lifecycle.not_closed": {"uk": "Знову відкрити можна лише закритий випадок.", "en": "Only a closed case can be reopened."},
    "lifecycle.closure_reason": {"uk": "Вкажіть причину закриття.", "en": "Give the reason for closing."},
    "lifecycle.other_needs_note": {
        "uk": "Для причини «Інше» опишіть її в примітці.",
        "en": "For the reason 'Other', describe it in the note.",
    },
    "lifecycle.before_last_event": {
        "uk": "Дата не може бути раніше попередньої події випадку ({last}).",
        "en": "The date cannot be before the case's previous event ({last}).",
    },
    "lifecycle.same_worker": {"uk": "Випадок уже веде {worker}.", "en": "{worker} already has this case."},
    "lifecycle.extension_state": {
        "uk": "Продовжити можна лише соціальний супровід, що триває.",
        "en": "Only an accompaniment under way can be extended.",
    },
    "lifecycle.extension_months": {
        "uk": "Продовження — від 1 до {limit} місяців.",
        "en": "An extension is 1 to {limit} months.",
    },
    "lifecycle.reason_required": {"uk": "Вкажіть причину.", "en": "Give the reason."},
    "lifecycle.stale": {
        "uk": "Поки сторінка була відкрита, стан випадку змінився: було «{shown}», тепер «{now}». "
              "Сторінку оновлено; перегляньте випадок і виберіть дію ще раз.",
        "en": "The case changed while the page was open: it was '{shown}', it is now '{now}'. "
              "The page is refreshed; look at the case and choose again.",
    },
    "lifecycle.goals_only_closing": {
        "uk": "Що стане з цілями, вказують лише під час закриття випадку.",
        "en": "What becomes of the goals is said only when closing the case.",
    },
    "lifecycle.goal_outcome": {"uk": "Виберіть: досягнуто або скасовано.", "en": "Choose: achieved or abandoned."},
    "lifecycle.goal_abandon_reason": {
        "uk": "Вкажіть, чому мету скасовано.",
        "en": "Say why the goal is abandoned.",
    },
    "lifecycle.goal_unresolved": {
        "uk": "Мета «{title}» ще відкрита: вкажіть, досягнуто її чи скасовано.",
        "en": "The goal '{title}' is still open: say whether it was achieved or abandoned.",
    },
    "lifecycle.goal_not_open": {
        "uk": "Мета №{id} не є відкритою метою цього випадку.",
        "en": "Goal #{id} is not an open goal of this case.",
    },
    "lifecycle.nothing_to_override": {
        "uk": "Цієї умови не бракує для жодного з переходів, можливих зараз: скасовувати нічого.",
        "en": "No move possible now lacks this condition: there is nothing to override.",
    },
})

def case_events(db, actor: str, case_id) -> list[dict]:
    """The case's events, oldest first."""
    allow(db, actor, "case.read", case_id)
    return _events(db, case_id)


def _events(db, case_id) -> list[dict]:
    return list(db.query("select * from case_events where case_id = ? order by id", [case_id]))


def case_state(db, actor: str, case_id) -> dict:
    """Where the case stands now: status, worker, urgent, cycle start, accompaniment start, extensions, closure."""
    allow(db, actor, "case.read", case_id)
    return _state(db, case_id)


def _state(db, case_id) -> dict:
    """:func:`case_state` for the store's own functions, which have asked the policy."""
    case = _case_row(db, record_id(case_id, "case"))
    state = {"case_id": case["id"], "status": "intake", "worker": case["worker"], "urgent_on": None,
             "cycle_started_on": case["opened_on"], "accompaniment_started_on": None, "extension_months": 0,
             "closed_on": None, "closure_reason": None, "last_event_on": case["opened_on"]}
    for event in _events(db, case["id"]):
        kind = event["kind"]
        state["last_event_on"] = max(state["last_event_on"], event["effective_on"])
        if kind == "move":
            apply_move(state, event["to_status"], event["effective_on"], event["reason"])
        elif kind == "reopen":
            state.update(status="intake", closed_on=None, closure_reason=None, urgent_on=None,
                         cycle_started_on=event["effective_on"], accompaniment_started_on=None,
                         extension_months=0)
        elif kind == "transfer":
            state["worker"] = event["to_worker"]
        elif kind == "urgent":
            state["urgent_on"] = state["urgent_on"] or event["effective_on"]
        elif kind == "extension":
            state["extension_months"] += event["months"]
    return state


def apply_move(state: dict, to_status: str, on: str, reason: str | None) -> None:
    """What a move does to a case's (or a cycle's) ``status``, ``accompaniment_started_on`` (the first
    move to accompaniment) and ``closed_on``/``closure_reason``; shared with the analysis frames."""
    state["status"] = to_status
    if to_status == "accompaniment" and not state["accompaniment_started_on"]:
        state["accompaniment_started_on"] = on
    if to_status == "closed":
        state["closed_on"], state["closure_reason"] = on, reason


def allowed_moves(db, actor: str, case_id) -> tuple[str, ...]:
    """The statuses the case can move to now."""
    return MOVES[case_state(db, actor, case_id)["status"]]


def move_case(db, actor: str, case_id, to_status, *, on=None, reason=None, note=None, expected_status=None,
              goals=None, today: date | None = None) -> int:
    """Move the case to ``to_status`` (one of :func:`allowed_moves`), once it has what the configured
    rules ask for (:mod:`workbench.case_cycle`). ``expected_status`` is the status the page showed: if
    the case has moved since, the move is refused (``lifecycle.stale``). Closing needs a reason and
    ``goals``, what becomes of each goal in force: ``{goal_id: {"kind": "achieved"|"abandoned",
    "reason": text}}`` (an abandoned goal needs a reason); they are closed in the same transaction.
    Raises ``UserError``/``InvalidInput``; nothing is written then."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    effective = check.date("on", on or (today or date.today()), today=today)
    note = check.text("note", note, required=False, limit=1000, kind="free")
    if to_status == "closed":
        reason = check.code("reason", reason, "closure_reasons")
        if reason is None and "reason" in check.problems and check.problems["reason"].key == "input.required":
            check.problems["reason"] = UserError("lifecycle.closure_reason")
        if reason == "other" and not note:
            check.problems["note"] = UserError("lifecycle.other_needs_note")
        outcomes = _goal_outcomes(check, goals)
    elif goals:
        raise UserError("lifecycle.goals_only_closing")
    check.raise_if_any()
    with write_transaction(db):
        state = _writable_state(db, actor, case_id, effective, expected_status=expected_status)
        current = state["status"]
        if to_status not in MOVES.get(current, ()):
            raise UserError("lifecycle.invalid_move", from_label=config.Labels("case_statuses", [current]),
                            to_label=config.Labels("case_statuses", [str(to_status)[:40]]),
                            allowed=config.Labels("case_statuses", MOVES.get(current, ()), "lifecycle.nothing"))
        if to_status == "closed":
            _close_goals(db, actor, case_id, outcomes, effective)
        else:
            decision = policy.decide_move(actor_of(db, actor), case_facts(db, case_id),
                                          cycle_facts(db, case_id, effective.isoformat()), to_status)
            if not decision:
                raise decision.reason
        return _add_event(db, actor, case_id, "move", effective, from_status=current, to_status=to_status,
                          reason=reason if to_status == "closed" else None, note=note)


def close_case(db, actor: str, case_id, *, reason, goals=None, note=None, on=None, expected_status=None,
               today: date | None = None) -> int:
    """Close the case with a reason from ``closure_reasons`` (``other`` needs a note), resolving each goal
    in force as :func:`move_case` says."""
    return move_case(db, actor, case_id, "closed", on=on, reason=reason, note=note, goals=goals,
                     expected_status=expected_status, today=today)


def move_readiness(db, actor: str, case_id, on=None, today: date | None = None) -> CycleFacts:
    """The case's :class:`~workbench.case_cycle.CycleFacts` for a move on ``on`` (default today): what a
    view shows as the next step (:func:`workbench.case_cycle.next_step`); the store decides again."""
    allow(db, actor, "case.read", case_id)
    day = arguments.day(today or date.today() if on is None else on, "on")
    return cycle_facts(db, record_id(case_id, "case"), day.isoformat())


def override_condition(db, actor: str, case_id, *, to_status, condition, reason, on=None,
                       today: date | None = None) -> int:
    """A supervisor of the case's team lets its next move to ``to_status`` happen without ``condition``
    (one the case lacks now), with a written reason; recorded as a case event, shown in the timeline."""
    allow(db, actor, "case.override", case_id)
    check = Checker()
    effective = check.date("on", on or (today or date.today()), today=today)
    reason = _reason(check, reason)
    check.raise_if_any()
    with write_transaction(db):
        state = _writable_state(db, actor, case_id, effective, action="case.override")
        facts = cycle_facts(db, state["case_id"], effective.isoformat())
        if (to_status, condition) not in overridable(facts):
            raise UserError("lifecycle.nothing_to_override")
        return _add_event(db, actor, case_id, "override", effective, to_status=to_status, note=condition,
                          reason=reason)


def _goal_outcomes(check: Checker, goals) -> dict[int, tuple[str, str | None]]:
    """``goals`` of a closing as ``{goal_id: (kind, reason)}``; each problem noted under ``goals[ID]``."""
    if goals is None:
        return {}
    if not isinstance(goals, dict):
        check.problems["goals"] = UserError("lifecycle.goal_outcome")
        return {}
    outcomes = {}
    for goal_id, outcome in goals.items():
        goal_id = record_id(goal_id, "goal")
        field = f"goals[{goal_id}]"
        kind = outcome.get("kind") if isinstance(outcome, dict) else None
        if kind not in ("achieved", "abandoned"):
            check.problems[field] = UserError("lifecycle.goal_outcome")
            continue
        text = check.text(field, outcome.get("reason"), required=kind == "abandoned", limit=1000,
                          kind="free")
        if field in check.problems and check.problems[field].key == "input.required":
            check.problems[field] = UserError("lifecycle.goal_abandon_reason")
        outcomes[goal_id] = (kind, text)
    return outcomes


def _close_goals(db, actor, case_id, outcomes: dict, effective: date) -> None:
    """Close every goal in force of the closing case as ``outcomes`` say, inside the closing's
    transaction; a goal left without an outcome, or one not the case's open goal, refuses the closing."""
    from .plans import _goals, _close_goal_row  # plans reads the case's state from this module

    open_goals = {g["id"]: g for g in _goals(db, case_id) if g["status"] == "open"}
    strays = sorted(set(outcomes) - set(open_goals))
    if strays:
        raise UserError("lifecycle.goal_not_open", id=strays[0])
    left = [g for goal_id, g in open_goals.items() if goal_id not in outcomes]
    if left:
        raise InvalidInput({f"goals[{g['id']}]": UserError("lifecycle.goal_unresolved", title=g["title"])
                            for g in left})
    for goal_id, (kind, reason) in outcomes.items():
        _close_goal_row(db, actor, open_goals[goal_id], kind, effective, reason)


def reopen_case(db, actor: str, case_id, *, reason, on=None, today: date | None = None) -> int:
    """Reopen a closed case: it starts a new cycle at intake (a new assessment deadline)."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    effective = check.date("on", on or (today or date.today()), today=today)
    reason = _reason(check, reason)
    check.raise_if_any()
    with write_transaction(db):
        state = _writable_state(db, actor, case_id, effective, allow_closed=True)
        if state["status"] != "closed":
            raise UserError("lifecycle.not_closed")
        return _add_event(db, actor, case_id, "reopen", effective, from_status="closed", to_status="intake",
                          reason=reason)


def transfer_case(db, actor: str, case_id, *, to_worker, reason, on=None, today: date | None = None) -> int:
    """Hand the case to another case worker (recorded; the old worker's records stay theirs)."""
    allow(db, actor, "case.transfer", case_id)
    to_worker = arguments.text(to_worker, "to_worker")  # None would pass the policy and record a transfer to no one
    check = Checker()
    effective = check.date("on", on or (today or date.today()), today=today)
    reason = _reason(check, reason)
    check.raise_if_any()
    with write_transaction(db):
        state = _writable_state(db, actor, case_id, effective, action="case.transfer", target=to_worker)
        if to_worker == state["worker"]:
            raise UserError("lifecycle.same_worker", worker=display_name(db, to_worker))
        return _add_event(db, actor, case_id, "transfer", effective, to_worker=to_worker, reason=reason,
                          note=f"from {state['worker']}")


def flag_urgent(db, actor: str, case_id, *, note, on=None, today: date | None = None) -> int:
    """Flag a threat to life or health: a short assessment deadline, and the case shows on the supervisor's list."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    effective = check.date("on", on or (today or date.today()), today=today)
    note = _reason(check, note, field="note")
    check.raise_if_any()
    with write_transaction(db):
        _writable_state(db, actor, case_id, effective)
        return _add_event(db, actor, case_id, "urgent", effective, note=note)


def extend_accompaniment(db, actor: str, case_id, *, months, reason, on=None, today: date | None = None) -> int:
    """Extend social accompaniment beyond its term (a complex case), with a reason."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    effective = check.date("on", on or (today or date.today()), today=today)
    reason = _reason(check, reason)
    limit = config.load_config()["deadlines"]["max_extension_months"]
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= limit:
        check.problems["months"] = UserError("lifecycle.extension_months", limit=limit)
    check.raise_if_any()
    with write_transaction(db):
        state = _writable_state(db, actor, case_id, effective)
        if state["status"] not in ("accompaniment", "review"):
            raise UserError("lifecycle.extension_state")
        return _add_event(db, actor, case_id, "extension", effective, months=months, reason=reason)


def _reason(check: Checker, value, field: str = "reason"):
    text = check.text(field, value, limit=1000, kind="free")
    if field in check.problems and check.problems[field].key == "input.required":
        check.problems[field] = UserError("lifecycle.reason_required")
    return text


def _writable_state(db, actor, case_id, effective: date, allow_closed: bool = False, action: str = "case.write",
                    target: str | None = None, expected_status: str | None = None) -> dict:
    """The case's state, after asking the policy again inside the write's transaction (the case may have
    been handed over since the function's first question; ``action``, handing it to ``target``),
    checking the case is still in ``expected_status`` (if given: the status the page showed) and the
    date is not before the case's last event."""
    allow(db, actor, action, case_id, target=target)
    state = _state(db, case_id)
    if expected_status is not None and state["status"] != expected_status:
        raise UserError("lifecycle.stale", shown=config.Labels("case_statuses", [str(expected_status)[:40]]),
                        now=config.Labels("case_statuses", [state["status"]]))
    if state["status"] == "closed" and not allow_closed:
        raise UserError("lifecycle.closed")
    if effective.isoformat() < state["last_event_on"]:
        raise UserError("lifecycle.before_last_event", last=ua_date(state["last_event_on"]))
    return state


def _add_event(db, actor, case_id, kind, effective: date, **fields) -> int:
    event_id = db["case_events"].insert(dict(
        case_id=case_id, kind=kind, effective_on=effective.isoformat(), recorded_at=now(), recorded_by=actor,
        **fields)).last_pk
    _audit(db, actor=actor, action=f"case_{kind}", entity="cases", entity_id=case_id,
           details={k: v for k, v in fields.items() if v is not None} | {"on": effective.isoformat()})
    return event_id
