"""What needs a staff member's action today: the list a home page starts from, and a supervisor's queue.

Drawn from the caseload's reads (:func:`workbench.store.caseload.case_states`, :func:`goals_in_force`,
:func:`cases_needing_a_worker`), the deadline rules of :mod:`workbench.store.deadlines` and the case cycle's rules
(a plan awaits sign-off when moving on would lack it, :func:`workbench.case_cycle.missing`), never a reckoning of
its own. The kinds:

- ``needs_assessment``: the needs assessment of a case, not done, due soon or overdue (on another worker's case,
  in the queue, only overdue);
- ``goal_review``: goals of a case whose review is due soon or overdue (one item per case, due on the earliest;
  on another worker's case, in the queue, only overdue);
- ``plan_sign_off``: a plan awaiting the actor's sign-off (a supervisor: the cases of their teams' workers,
  their own too);
- ``plan_awaiting_sign_off``: a plan awaiting a supervisor: of the actor's own case, or in the queue of one who
  does not sign it (the head of centre);
- ``conclusion_sign_off``: a needs assessment's conclusion awaiting the actor's sign-off (the case's needs
  assessments of this cycle, latest versions, none signed off; one item per case);
- ``conclusion_awaiting_sign_off``: the same, in the queue of one who does not sign it (the head of centre);
- ``accompaniment_end``: a case whose social accompaniment is past its end (extensions counted): to close or
  extend;
- ``case_without_worker``: in the queue, an open case whose worker was deactivated, due on the day they were:
  to hand to another worker;
- ``shared``: a case shared with the actor within the last :data:`RECENT_SHARE_DAYS` days, still in force;
- ``eisss_entry``: acts of needs assessment not yet entered into ЄІССС (:mod:`workbench.store.eisss`; one item
  per case, due on the earliest): on a case the actor holds as soon as the act is made, on the other cases of a
  supervisor's teams once overdue.

The home page lists the cases the actor holds (and a supervisor's sign-offs); the queue (``whole_team=True``)
adds every case of the caseloads the actor may see (:func:`workbench.policy.caseload_scope`: a supervisor's
teams', the head of centre's every case). Closed cases need nothing. "Due soon" is
:data:`workbench.store.deadlines.DUE_WINDOW_DAYS` (14) days.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from .. import case_cycle, i18n, policy
from ..config import load_config
from ..local_time import zone
from ..working_days import WorkCalendar
from . import arguments
from .caseload import case_states, case_statuses, cases_held, cases_needing_a_worker, goals_in_force
from .cycle import cycle_facts
from .deadlines import accompaniment_end, due_state, goal_review_due, needs_assessment_due
from .eisss import _acts
from .guard import actor_of, allow, current_version, readable_case_ids
from .lifecycle import _state
from .search import _case_rows

KINDS = ("needs_assessment", "goal_review", "plan_sign_off", "plan_awaiting_sign_off", "accompaniment_end", "shared",
         "eisss_entry", "conclusion_sign_off", "conclusion_awaiting_sign_off", "case_without_worker")
RECENT_SHARE_DAYS = 14  # a share is news for this many days after it was made

i18n.add({
    "agenda.kind.needs_assessment": {"uk": "Провести оцінювання потреб", "en": "Carry out the needs assessment"},
    "agenda.kind.goal_review": {"uk": "Переглянути цілі плану", "en": "Review the plan's goals"},
    "agenda.kind.plan_sign_off": {"uk": "Затвердити план підтримки", "en": "Sign off the support plan"},
    "agenda.kind.plan_awaiting_sign_off": {"uk": "План чекає на затвердження супервізором",
                                           "en": "The plan awaits a supervisor's sign-off"},
    "agenda.kind.accompaniment_end": {"uk": "Строк супроводу минув: закрийте випадок або продовжте супровід",
                                      "en": "The accompaniment is past its end: close the case or extend it"},
    "agenda.kind.shared": {"uk": "З вами поділилися випадком", "en": "A case was shared with you"},
    "agenda.kind.eisss_entry": {"uk": "Внести акт оцінки потреб до ЄІССС",
                                "en": "Enter the act of needs assessment into ЄІССС"},
    "agenda.kind.conclusion_sign_off": {"uk": "Затвердити висновок оцінювання потреб",
                                        "en": "Sign off the needs assessment's conclusion"},
    "agenda.kind.conclusion_awaiting_sign_off": {"uk": "Висновок оцінювання чекає на затвердження супервізором",
                                                 "en": "The assessment's conclusion awaits a supervisor's sign-off"},
    "agenda.kind.case_without_worker": {"uk": "Випадок без фахівця (обліковий запис деактивовано): передайте його",
                                        "en": "The case has no worker (account deactivated): hand it over"},
})

# A case's needs assessments of the cycle in force on :today (since its latest reopening by then, else its opening),
# latest versions only, whose conclusion no sign-off covers: one row per case, its earliest. (Sign-offs are looked up
# by their case: signoffs is indexed on case_id alone, and a scan of it per assessment took a second at 20,000 persons.)
UNSIGNED_CONCLUSIONS_SQL = """
select a.case_id, min(a.assessed_on) from assessments a join cases c on c.id = a.case_id
where a.case_id in (select value from json_each(:cases))
and coalesce(a.purpose, 'needs_assessment') = 'needs_assessment' and a.assessed_on <= :today
and a.assessed_on >= coalesce((select max(e.effective_on) from case_events e where e.case_id = a.case_id
                               and e.kind = 'reopen' and e.effective_on <= :today), c.opened_on)
and not exists (select 1 from assessments n where n.supersedes = a.id)
and not exists (select 1 from signoffs s where s.case_id = a.case_id and s.kind = 'assessment'
                and s.assessment_id = a.id)
group by a.case_id order by a.case_id"""


def kind_label(kind: str, lang: str | None = None) -> str:
    """What an item of :func:`needs_action` asks, in ``lang`` (Ukrainian or English)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of agenda item {kind!r}")  # a bug of ours
    return i18n.t(f"agenda.kind.{kind}", lang)


def needs_action(db, actor: str, today: date | None = None, *, whole_team: bool = False) -> list[dict]:
    """What needs ``actor``'s action on ``today`` (default: today), among the cases they may read.

    ``whole_team``: the supervisor's queue: besides the actor's own, every case of the caseloads they may see (a
    supervisor's teams', the head of centre's every case): overdue needs assessments and reviews, accompaniments
    past their end, acts overdue for ЄІССС, plans and conclusions awaiting sign-off, cases whose worker was
    deactivated. Without it (the home page): the deadlines of the cases the actor holds, what awaits their sign-off
    (a supervisor) and cases shared with them; the head of centre gets nothing: she holds no case, signs none off.
    ``whole_team`` must be True or False (``argument.not_flag``).

    Each item: ``case_id, case_number, subject_label`` (the family's label or the person's name, as the
    caseload shows it: with ``household_id``, a family case, ``workbench.apps.common.subject_label`` words
    it as a family), ``kind`` (one of :data:`KINDS`; :func:`kind_label` words it), ``due`` (a date, or None),
    ``overdue`` (bool: ``today`` is after ``due``), ``urgent`` (bool: the case is flagged urgent),
    ``worker`` and ``worker_name`` (who holds the case now: username and display name). Overdue first, then
    urgent, then by due day (None last). Asks the policy for ``caseload.read`` (a researcher or an
    administrator is refused with its ``UserError``) and for reading each case listed."""
    allow(db, actor, "caseload.read")
    today = today or date.today()
    whole_team = arguments.flag(whole_team, "whole_team")
    me = actor_of(db, actor)
    found: list[dict] = []
    states: dict[int, dict] = {}
    if me.role in policy.CASE_HOLDERS or whole_team:
        timelines = load_config()["deadlines"]
        cases = case_states(db, actor, None, today, today, today, worker=None if whole_team else actor)
        live = cases[(cases["opened_on"] <= today.isoformat()) & cases["status_at_as_of"].ne("closed")]
        states = {row["case_id"]: row for row in live.to_dict("records")}
        found += _deadlines_due(states, actor, today, timelines)
        found += _reviews_due(db, actor, states, today, timelines, whole_team)
        found += _sign_offs_awaiting(db, me, case_statuses(db, actor, today), today, whole_team)
        found += _acts_to_enter(db, actor, today)
        if whole_team:
            found += _without_worker(db, actor, today)
    found += _shared_recently(db, actor, today)
    return _as_items(db, actor, found, states)


def _deadlines_due(states: dict, actor: str, today: date, timelines: dict) -> list[dict]:
    """The needs assessments due soon (the actor's own cases) or overdue, and the accompaniments past their end,
    of the cases in ``states``."""
    calendar = WorkCalendar.from_config()
    found = []
    for case_id, row in states.items():
        if not isinstance(row["assessed_on"], str):  # not done in this cycle (pandas gives None or NaN)
            due = needs_assessment_due(date.fromisoformat(row["cycle_started_on"]), _day(row["urgent_on"]), calendar,
                                       timelines)
            state = due_state(due, today)
            if state == "overdue" or (state and row["worker"] == actor):
                found.append(_found(case_id, "needs_assessment", due, today))
        if isinstance(row["accompaniment_started_on"], str):
            end = accompaniment_end(date.fromisoformat(row["accompaniment_started_on"]), int(row["extension_months"]),
                                    timelines)
            if today > end:
                found.append(_found(case_id, "accompaniment_end", end, today))
    return found


def _reviews_due(db, actor: str, states: dict, today: date, timelines: dict, whole_team: bool) -> list[dict]:
    """Per case of ``states``: the earliest review due soon (the actor's own cases) or overdue among its goals in
    force."""
    if not states:
        return []
    earliest: dict[int, date] = {}
    for goal in goals_in_force(db, actor, today, worker=None if whole_team else actor).to_dict("records"):
        case = states.get(goal["case_id"])
        if case is None:  # a case closed, or handed over after today
            continue
        last = goal["reviewed_on"] if isinstance(goal["reviewed_on"], str) else goal["set_on"]
        due = goal_review_due(date.fromisoformat(last), timelines)
        state = due_state(due, today)
        if (state == "overdue" or (state and case["worker"] == actor)) and due < earliest.get(goal["case_id"], date.max):
            earliest[goal["case_id"]] = due
    return [_found(case_id, "goal_review", due, today) for case_id, due in earliest.items()]


def _sign_offs_awaiting(db, me: policy.Actor, statuses, today: date, whole_team: bool) -> list[dict]:
    """Plans that cannot move on to accompaniment for want of a sign-off, and needs assessments whose conclusion
    no sign-off covers, of the open cases in ``statuses`` (a :func:`case_statuses` frame): for the actor to sign
    off (a supervisor of the worker's team, as the policy says) or awaiting a supervisor (a plan of the actor's
    own case; in the queue, any the actor does not sign)."""
    found, signs, teams = [], {}, {}
    for row in statuses.to_dict("records"):
        case_id, worker = row["case_id"], row["worker"]
        if row["status"] == "closed":
            continue
        if worker not in teams:
            teams[worker] = actor_of(db, worker).teams
        signs[case_id] = bool(policy.decide(me, "case.sign_off", policy.CaseFacts(case_id, worker, teams[worker])))
        if row["status"] != "plan" or not (signs[case_id] or whole_team or worker == me.username):
            continue
        cycle = cycle_facts(db, case_id, today.isoformat())
        if "plan_goal" in cycle.met and "plan_signed_off" in case_cycle.missing(cycle, "accompaniment"):
            found.append(_found(case_id, "plan_sign_off" if signs[case_id] else "plan_awaiting_sign_off", None, today))
    asked = [case_id for case_id, signed in signs.items() if signed or whole_team]
    if not asked:  # a case manager's home page: nothing of hers awaits her sign-off
        return found
    for case_id, _ in db.execute(UNSIGNED_CONCLUSIONS_SQL, {"cases": json.dumps(asked), "today": today.isoformat()}):
        found.append(_found(case_id, "conclusion_sign_off" if signs[case_id] else "conclusion_awaiting_sign_off", None,
                            today))
    return found


def _without_worker(db, actor: str, today: date) -> list[dict]:
    """The open cases of ``actor``'s caseload views whose worker was deactivated, due on the day they were (in the
    configured time zone)."""
    found, left = [], {}
    for case in cases_needing_a_worker(db, actor):
        if case["worker"] not in left:  # one reading per deactivated worker, however many cases they held
            since = datetime.fromisoformat(current_version(db, case["worker"])["since"])
            left[case["worker"]] = since.astimezone(zone()).date() if since.tzinfo else since.date()
        found.append(_found(case["id"], "case_without_worker", left[case["worker"]], today))
    return found


def _acts_to_enter(db, actor: str, today: date) -> list[dict]:
    """Per case of ``actor``'s caseload views (their own; a supervisor's teams'): the earliest due of its acts not
    entered into ЄІССС, on their own cases due or overdue, on the others' only overdue."""
    workers = {case["id"]: case["worker"] for case in cases_held(db, actor)}
    earliest: dict[int, date] = {}
    for act in _acts(db, list(workers), today):
        mine = workers[act["case_id"]] == actor
        if (act["state"] == "overdue" or (mine and act["state"] == "due")) \
                and act["due_on"] < earliest.get(act["case_id"], date.max):
            earliest[act["case_id"]] = act["due_on"]
    return [_found(case_id, "eisss_entry", due, today) for case_id, due in earliest.items()]


def _shared_recently(db, actor: str, today: date) -> list[dict]:
    """Cases shared with ``actor`` in the last :data:`RECENT_SHARE_DAYS` days (by the day of ``today``),
    the share still in force and the case open."""
    since = (today - timedelta(days=RECENT_SHARE_DAYS)).isoformat()
    rows = db.execute("""select distinct s.case_id from case_shares s where s.shared_with = ?
                         and substr(s.shared_at, 1, 10) >= ? and substr(s.shared_at, 1, 10) <= ?
                         and not exists (select 1 from case_share_revocations r where r.share_id = s.id)
                         order by s.case_id""", [actor, since, today.isoformat()]).fetchall()
    return [_found(case_id, "shared", None, today) for (case_id,) in rows]


def _found(case_id: int, kind: str, due: date | None, today: date) -> dict:
    return {"case_id": case_id, "kind": kind, "due": due, "overdue": due is not None and today > due}


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if isinstance(iso, str) else None


def _as_items(db, actor: str, found: list[dict], states: dict) -> list[dict]:
    """The items of the cases ``actor`` may read, with their case's number, subject, urgency and worker, in order
    (``states``: the open cases :func:`case_states` read; any other case's state is read here)."""
    readable = readable_case_ids(db, actor, sorted({f["case_id"] for f in found}))
    rows = {r["id"]: r for r in _case_rows(db, readable)}
    names: dict[str, str] = {}
    items = []
    for f in found:
        if f["case_id"] not in rows:
            continue
        state = states.get(f["case_id"])
        if state is None:  # a case of the team, or shared with the actor: its state now
            now = _state(db, f["case_id"])
            if now["status"] == "closed":
                continue
            state = {"worker": now["worker"], "urgent_on": now["urgent_on"]}
        worker = state["worker"]
        if worker not in names:
            names[worker] = (current_version(db, worker) or {}).get("display_name") or worker
        row = rows[f["case_id"]]
        items.append({"case_id": f["case_id"], "case_number": row["case_number"], "subject_label": row["subject_label"],
                      "household_id": row["household_id"], "kind": f["kind"], "due": f["due"], "overdue": f["overdue"],
                      "urgent": isinstance(state["urgent_on"], str), "worker": worker, "worker_name": names[worker]})
    items.sort(key=lambda i: (not i["overdue"], not i["urgent"], i["due"] or date.max, i["case_number"],
                              KINDS.index(i["kind"])))
    return items
