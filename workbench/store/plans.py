"""Support plans: the client's wishes turned into goals, with actions, reviews and sign-offs.

Each goal has a life domain, a target date, the five Goal Attainment Scaling levels
described in words (−2 much less than expected … 0 the expected outcome … +2 much more)
and an optional weight. A review records the level reached; the case's Kiresuk–Sherman
T-score is computed from the goals and reviews read here by the one rule of
:mod:`workbench.gas`. A supervisor signs off the assessment's conclusion and the plan.
Everything is a new row: a goal is closed as achieved or abandoned, never deleted.
"""
from __future__ import annotations

import json
from datetime import date

from .. import gas, i18n
from ..i18n import UserError
from .assessments import _assessment_row
from .audit import _audit
from .connection import now, write_transaction
from .inputs import Checker, ua_date
from .guard import allow, allow_case, case_of, record_id
from .lifecycle import _state

i18n.add({
    "plan.case_closed": {"uk": "Випадок закрито; план змінювати не можна.", "en": "The case is closed; the plan cannot change."},
    "plan.target_before_set": {
        "uk": "Цільова дата не може бути раніше дати встановлення мети.",
        "en": "The target date cannot be before the day the goal was set.",
    },
    "plan.before_intake": {"uk": "Дата не може бути раніше прийому звернення ({intake}).",
                           "en": "The date cannot be before the intake ({intake})."},
    "plan.weight": {"uk": "Вага — додатне число не більше {limit} (наприклад, 1 або 2).",
                    "en": "The weight is a positive number up to {limit} (e.g. 1 or 2)."},
    "plan.level": {"uk": "Рівень досягнення — ціле число від −2 до +2.", "en": "The attainment level is a whole number from −2 to +2."},
    "plan.goal_closed": {
        "uk": "Мету №{id} вже закрито ({kind}); переглядати її не можна.",
        "en": "Goal #{id} is already closed ({kind}); it cannot be reviewed.",
    },
    "plan.review_before_set": {
        "uk": "Перегляд не може бути раніше встановлення мети ({set_on}).",
        "en": "A review cannot be before the goal was set ({set_on}).",
    },
    "plan.before_goal": {
        "uk": "Дата не може бути раніше {set_on} (встановлення мети чи її останнього перегляду).",
        "en": "The date cannot be before {set_on} (the goal was set or last reviewed).",
    },
    "plan.action_done": {"uk": "Дію №{id} вже позначено виконаною.", "en": "Action #{id} is already marked done."},
    "plan.no_goals": {
        "uk": "План без жодної чинної мети затвердити не можна.",
        "en": "A plan without any goal in force cannot be signed off.",
    },
    "plan.assessment_required": {
        "uk": "Виберіть оцінювання, висновок якого затверджуєте.",
        "en": "Choose the assessment whose conclusion you sign off.",
    },
    "plan.assessment_other_case": {
        "uk": "Оцінювання №{id} не належить до цього випадку або вже виправлене.",
        "en": "Assessment #{id} is not this case's latest version.",
    },
    "plan.kind": {"uk": "Виберіть: досягнуто або скасовано.", "en": "Choose: achieved or abandoned."},
    "plan.closed.achieved": {"uk": "досягнуто", "en": "achieved"},
    "plan.closed.abandoned": {"uk": "скасовано", "en": "abandoned"},
})

MAX_WEIGHT = 100  # GAS weights are small numbers (1–3 in practice); 100 leaves room without absurd values
LEVEL_COLUMNS = ("level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")


def add_goal(db, actor: str, case_id, *, wish, title, domain, set_on, target_date, levels, weight=None,
             source_assessment_id=None, today: date | None = None) -> int:
    """Add a goal to the case's plan; ``levels`` are the five GAS descriptions, −2 to +2, in order."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    clean = {"wish": check.text("wish", wish, limit=1000, kind="free"), "title": check.text("title", title, limit=300),
             "domain": check.code("domain", domain, "life_domains")}
    set_day = check.date("set_on", set_on or (today or date.today()), today=today)
    target = check.date("target_date", target_date, not_future=False, today=today)
    if set_day and target and target < set_day:
        check.problems["target_date"] = UserError("plan.target_before_set")
    levels = list(levels) if isinstance(levels, (list, tuple)) else []
    levels += [None] * (5 - len(levels))
    for column, text in zip(LEVEL_COLUMNS, levels[:5]):
        clean[column] = check.text(column, text, limit=500, kind="free")
    if len(levels) > 5:
        check.problems["levels"] = UserError("input.invalid_choice")
    clean["weight"] = _weight(check, weight)
    check.raise_if_any()
    with write_transaction(db):
        state = _open_case(db, case_id)
        opened = db.execute("select opened_on from cases where id = ?", [state["case_id"]]).fetchone()[0]
        if set_day.isoformat() < opened:
            raise UserError("plan.before_intake", intake=ua_date(opened))
        if source_assessment_id is not None:
            case_of(db, "assessment", source_assessment_id, state["case_id"])  # an assessment of this case
        goal_id = db["goals"].insert(dict(clean, case_id=state["case_id"], set_on=set_day.isoformat(),
                                          target_date=target.isoformat(), source_assessment_id=source_assessment_id,
                                          created_at=now(), created_by=actor)).last_pk
        _audit(db, actor=actor, action="add_goal", entity="cases", entity_id=state["case_id"],
               details={"goal_id": goal_id, "domain": clean["domain"]})
    return goal_id


def add_action(db, actor: str, goal_id, *, what, who, due_on, case_id=None, today: date | None = None) -> int:
    """An action under a goal: what, who does it, by when. ``case_id``, if given, must be the goal's case."""
    allow_case(db, actor, "case.write", "goal", goal_id, case_id)
    check = Checker()
    what = check.text("what", what, limit=500, kind="free")
    who = check.text("who", who, limit=200, kind="name")
    due = check.date("due_on", due_on, not_future=False, today=today)
    check.raise_if_any()
    with write_transaction(db):
        goal = _open_goal(db, goal_id)
        action_id = db["goal_actions"].insert({"goal_id": goal["id"], "what": what, "who": who,
                                               "due_on": due.isoformat(), "created_at": now(),
                                               "created_by": actor}).last_pk
        _audit(db, actor=actor, action="add_goal_action", entity="cases", entity_id=goal["case_id"],
               details={"goal_id": goal["id"], "action_id": action_id})
    return action_id


def complete_action(db, actor: str, action_id, *, done_on=None, case_id=None, today: date | None = None) -> int:
    """Mark an action done (once). ``case_id``, if given, must be the action's case."""
    allow_case(db, actor, "case.write", "action", action_id, case_id)
    check = Checker()
    done = check.date("done_on", done_on or (today or date.today()), today=today)
    check.raise_if_any()
    with write_transaction(db):
        action = next(db.query("select * from goal_actions where id = ?", [action_id]))
        if db.execute("select 1 from action_completions where action_id = ?", [action["id"]]).fetchone():
            raise UserError("plan.action_done", id=action["id"])
        goal = _open_goal(db, action["goal_id"])
        if done.isoformat() < goal["set_on"]:
            raise UserError("plan.before_goal", set_on=ua_date(goal["set_on"]))
        completion_id = db["action_completions"].insert({"action_id": action["id"], "done_on": done.isoformat(),
                                                         "recorded_at": now(), "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="complete_goal_action", entity="cases", entity_id=goal["case_id"],
               details={"action_id": action["id"]})
    return completion_id


def review_goal(db, actor: str, goal_id, *, level, reviewed_on=None, note=None, case_id=None,
                today: date | None = None) -> int:
    """Record the GAS level a goal has reached (−2 … +2) on a day; returns the review's id. ``case_id``, if
    given, must be the goal's case."""
    allow_case(db, actor, "case.write", "goal", goal_id, case_id)
    check = Checker()
    reviewed = check.date("reviewed_on", reviewed_on or (today or date.today()), today=today)
    note = check.text("note", note, required=False, limit=2000, kind="free")
    level = _level(check, level)
    check.raise_if_any()
    with write_transaction(db):
        goal = _open_goal(db, goal_id)
        if reviewed.isoformat() < goal["set_on"]:
            raise UserError("plan.review_before_set", set_on=ua_date(goal["set_on"]))
        review_id = db["goal_reviews"].insert({"goal_id": goal["id"], "reviewed_on": reviewed.isoformat(),
                                               "level": level, "note": note, "recorded_at": now(),
                                               "recorded_by": actor}).last_pk
        _audit(db, actor=actor, action="review_goal", entity="cases", entity_id=goal["case_id"],
               details={"goal_id": goal["id"], "level": level})
    return review_id


def close_goal(db, actor: str, goal_id, *, kind, on=None, reason=None, case_id=None,
               today: date | None = None) -> int:
    """Close a goal as ``achieved`` or ``abandoned`` (an abandoned goal needs a reason). ``case_id``, if
    given, must be the goal's case."""
    allow_case(db, actor, "case.write", "goal", goal_id, case_id)
    check = Checker()
    day = check.date("on", on or (today or date.today()), today=today)
    reason = check.text("reason", reason, required=kind == "abandoned", limit=1000, kind="free")
    if kind not in ("achieved", "abandoned"):
        check.problems["kind"] = UserError("plan.kind")
    check.raise_if_any()
    with write_transaction(db):
        return _close_goal_row(db, actor, _open_goal(db, goal_id), kind, day, reason)


def _close_goal_row(db, actor: str, goal: dict, kind: str, day: date, reason: str | None) -> int:
    """Write an open ``goal``'s closure (inside the caller's transaction, the policy asked): not before
    the goal was set or last reviewed. Shared by :func:`close_goal` and the closing of a case."""
    last = db.execute("select max(reviewed_on) from goal_reviews where goal_id = ?", [goal["id"]]).fetchone()[0]
    if day.isoformat() < max(goal["set_on"], last or ""):
        raise UserError("plan.before_goal", set_on=ua_date(max(goal["set_on"], last or "")))
    closure_id = db["goal_closures"].insert({"goal_id": goal["id"], "kind": kind, "closed_on": day.isoformat(),
                                             "reason": reason, "recorded_at": now(), "recorded_by": actor}).last_pk
    _audit(db, actor=actor, action=f"goal_{kind}", entity="cases", entity_id=goal["case_id"],
           details={"goal_id": goal["id"]})
    return closure_id


def sign_off(db, actor: str, case_id, *, kind, assessment_id=None, on=None, note=None,
             today: date | None = None) -> int:
    """A supervisor of the worker's team signs off the plan (its goals in force now) or an assessment's
    conclusion (the case's latest version)."""
    allow(db, actor, "case.sign_off", case_id)
    check = Checker()
    day = check.date("on", on or (today or date.today()), today=today)
    note = check.text("note", note, required=False, limit=1000, kind="free")
    if kind not in ("plan", "assessment"):
        check.problems["kind"] = UserError("input.invalid_choice")
    elif kind == "assessment" and assessment_id is None:
        check.problems["assessment_id"] = UserError("plan.assessment_required")
    check.raise_if_any()
    if assessment_id is not None:
        assessment_id = record_id(assessment_id, "assessment")
    with write_transaction(db):
        state = _state(db, case_id)
        goal_ids = None
        if kind == "plan":
            goal_ids = [g["id"] for g in _goals(db, state["case_id"]) if g["status"] == "open"]
            if not goal_ids:
                raise UserError("plan.no_goals")
        else:
            row = _assessment_row(db, assessment_id) if assessment_id is not None else None
            newer = row and db.execute("select 1 from assessments where supersedes = ?", [row["id"]]).fetchone()
            if row is None or row["case_id"] != state["case_id"] or newer:
                raise UserError("plan.assessment_other_case", id=assessment_id)
        signoff_id = db["signoffs"].insert({
            "case_id": state["case_id"], "kind": kind, "assessment_id": assessment_id if kind == "assessment" else None,
            "goal_ids": json.dumps(goal_ids) if goal_ids else None, "signed_on": day.isoformat(), "note": note,
            "signed_at": now(), "signed_by": actor}).last_pk
        _audit(db, actor=actor, action=f"sign_off_{kind}", entity="cases", entity_id=state["case_id"],
               details={"goal_ids": goal_ids, "assessment_id": assessment_id})
    return signoff_id


def case_goals(db, actor: str, case_id) -> list[dict]:
    """The case's goals, oldest first, each with ``status`` (open/achieved/abandoned), ``actions`` and ``reviews``."""
    allow(db, actor, "case.read", case_id)
    return _goals(db, case_id)


def _goals(db, case_id) -> list[dict]:
    goals = [dict(g) for g in db.query("""
        select g.*, c.kind as closed_kind, c.closed_on, c.reason as closed_reason
        from goals g left join goal_closures c on c.goal_id = g.id where g.case_id = ? order by g.id""", [case_id])]
    for goal in goals:
        goal["status"] = goal["closed_kind"] or "open"
        goal["levels"] = [goal[c] for c in LEVEL_COLUMNS]
        goal["actions"] = list(db.query("""
            select a.*, d.done_on from goal_actions a left join action_completions d on d.action_id = a.id
            where a.goal_id = ? order by a.id""", [goal["id"]]))
        goal["reviews"] = list(db.query("select * from goal_reviews where goal_id = ? order by reviewed_on, id",
                                        [goal["id"]]))
    return goals


def signoffs(db, actor: str, case_id) -> list[dict]:
    """The case's sign-offs, oldest first."""
    allow(db, actor, "case.read", case_id)
    return [dict(r, goal_ids=json.loads(r["goal_ids"]) if r["goal_ids"] else None)
            for r in db.query("select * from signoffs where case_id = ? order by id", [case_id])]


def _open_case(db, case_id) -> dict:
    state = _state(db, case_id)
    if state["status"] == "closed":
        raise UserError("plan.case_closed")
    return state


def _open_goal(db, goal_id) -> dict:
    """The goal (whose case the caller has asked the policy about), refused once closed or in a closed case."""
    goal = next(db.query("""select g.*, c.kind as closed_kind from goals g
                            left join goal_closures c on c.goal_id = g.id where g.id = ?""", [goal_id]))
    if goal["closed_kind"]:
        raise UserError("plan.goal_closed", id=goal["id"], kind=i18n.Text(f"plan.closed.{goal['closed_kind']}"))
    _open_case(db, goal["case_id"])
    return goal


def _weight(check: Checker, weight):
    """The goal's weight by :func:`workbench.gas.check_weight`, after reading a form's text ("1,5" as 1.5)."""
    if weight in (None, ""):
        return None
    if isinstance(weight, str):
        try:
            weight = float(weight.strip().replace(",", "."))
        except ValueError:
            pass  # left a string, which the check refuses
    try:
        weight = gas.check_weight(weight)
    except UserError:
        weight = None
    if weight is None or weight > MAX_WEIGHT:  # a weight of 1e300 would drown every other goal
        check.problems["weight"] = UserError("plan.weight", limit=MAX_WEIGHT)
        return None
    return weight


def _level(check: Checker, level):
    """The level reached by :func:`workbench.gas.check_level`, after reading a form's text ("+1" as 1)."""
    if isinstance(level, str):
        try:
            level = int(level.strip())
        except ValueError:
            pass  # left a string, which the check refuses
    try:
        return gas.check_level(level)
    except UserError:
        check.problems["level"] = UserError("plan.level")
        return None
