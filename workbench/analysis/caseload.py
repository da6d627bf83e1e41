"""The supervisor's views of the caseload: the list of open cases, and each worker's load against the norm.

Columns of :func:`case_overview`: ``case_id, case_number, programme, worker`` (username), ``worker_name``
(display name), ``status, opened_on, urgent`` (bool), ``urgent_on, assessment_due, assessment_state, accompaniment_due,
accompaniment_state, next_due, overdue`` (bool: any deadline overdue). Dates are ``datetime.date``.

Columns of :func:`worker_caseload` (one row per worker; :func:`caseload_columns`), counts as ``int``:

- ``worker`` (username), ``name`` (display name);
- ``open_cases``: the worker's cases open at some time in the period;
- ``category_<code>``, one per configured category (``category_family_difficult_circumstances``,
  ``category_idp``, ``category_care_leaver``, ``category_other``): those cases by their subject's
  category (a family case: the applicant's); they sum to ``open_cases``;
- ``assessments_due``, ``assessments_overdue``: needs assessments not done, falling due within
  14 days of the as-of day, or past due;
- ``reviews_due``, ``reviews_overdue``: goal reviews (``deadlines.goal_review_months`` after a goal
  was set or last reviewed) falling due within 14 days, or past due;
- ``accompaniments_past_6_months``: social accompaniments under way for longer than
  ``deadlines.accompaniment_months``, extended or not;
- ``norm`` (``caseload_norm.cases_per_worker``), ``over_norm`` (bool: ``open_cases > norm``),
  ``load`` (float: ``open_cases / norm``).

:func:`worker_caseload` defines the period, the as-of day and each count precisely;
:func:`caseload_table` shows the frame with headers in Ukrainian or English.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import config, i18n
from ..i18n import UserError
from ..instruments.validation import parse_date
from ..store.caseload import case_states, caseload_scope, cases_held, goals_in_force
from ..store.deadlines import (accompaniment_end, case_deadlines, due_state, goal_review_due, needs_assessment_due,
                               next_deadline)
from . import overview  # noqa: F401  (registers the shared column headers)
from ..store.lifecycle import case_state
from ..store.users import staff, staff_names
from ..working_days import WorkCalendar
from .presentation import headed

COLUMNS = ["case_id", "case_number", "programme", "worker", "worker_name", "status", "opened_on", "urgent", "urgent_on",
           "assessment_due", "assessment_state", "accompaniment_due", "accompaniment_state", "next_due", "overdue"]

i18n.add({
    "deadlines.count": {"uk": "Відкритих випадків: {open}; термінових: {urgent}; з простроченим строком: {overdue}.",
                        "en": "Open cases: {open}; urgent: {urgent}; with an overdue deadline: {overdue}."},
    "overview.case_number": {"uk": "Випадок", "en": "Case"},
    "overview.worker": {"uk": "Фахівець", "en": "Worker"},
    "overview.status": {"uk": "Стан", "en": "Status"},
    "overview.urgent": {"uk": "Терміново", "en": "Urgent"},
    "overview.assessment_due": {"uk": "Оцінювання до", "en": "Assessment due"},
    "overview.accompaniment_due": {"uk": "Супровід до", "en": "Accompaniment due"},
    "overview.next_due": {"uk": "Найближчий термін", "en": "Next deadline"},
    "overview.overdue": {"uk": "Прострочено", "en": "Overdue"},
})


def case_overview(db, actor: str, today: date | None = None, worker: str | None = None,
                  include_closed: bool = False) -> pd.DataFrame:
    """One row per case within ``actor``'s caseload views (of ``worker`` only, if given; open ones unless
    ``include_closed``), urgent and overdue first."""
    today = today or date.today()
    calendar = WorkCalendar.from_config()
    names = staff_names(db, actor)
    rows = []
    for case in cases_held(db, actor, worker):  # the worker's now: the latest transfer's, else the one it was opened with
        state = case_state(db, actor, case["id"])
        if (state["status"] == "closed" and not include_closed) or (worker and state["worker"] != worker):
            continue
        deadlines = {d["kind"]: d for d in case_deadlines(db, actor, case["id"], today=today, calendar=calendar,
                                                           state=state)}
        assessment, accompaniment = deadlines["needs_assessment"], deadlines.get("accompaniment_end")
        upcoming = next_deadline(list(deadlines.values()))
        rows.append({
            "case_id": case["id"], "case_number": case["case_number"], "programme": case["programme"],
            "worker": state["worker"], "worker_name": names.get(state["worker"], state["worker"]),
            "status": state["status"], "opened_on": date.fromisoformat(case["opened_on"]),
            "urgent": bool(state["urgent_on"]) and state["status"] != "closed",
            "urgent_on": date.fromisoformat(state["urgent_on"]) if state["urgent_on"] else None,
            "assessment_due": assessment["due"], "assessment_state": assessment["state"],
            "accompaniment_due": accompaniment["due"] if accompaniment else None,
            "accompaniment_state": accompaniment["state"] if accompaniment else None,
            "next_due": upcoming["due"] if upcoming else None,
            "overdue": any(d["state"] == "overdue" for d in deadlines.values()),
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    return frame.sort_values(["urgent", "overdue", "next_due"], ascending=[False, False, True],
                             na_position="last").reset_index(drop=True)


def overview_table(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The overview for people (:func:`workbench.analysis.presentation.people`): labels and headers in
    ``lang``, workers by their display names, dates kept as dates (shown dd.mm.yyyy), in the
    overview's order (urgent and overdue first)."""
    lang = i18n.normalise_language(lang)
    yes = i18n.t("caseload_summary.yes", lang)
    table = pd.DataFrame({
        "case_number": frame["case_number"],
        "programme": frame["programme"].map(lambda c: config.label("programmes", c, lang)),
        "worker": frame["worker_name"],
        "status": frame["status"].map(lambda c: config.label("case_statuses", c, lang)),
        "urgent": frame["urgent"].map(lambda u: yes if u else ""),
        "assessment_due": frame["assessment_due"], "accompaniment_due": frame["accompaniment_due"],
        "next_due": frame["next_due"],
        "overdue": frame["overdue"].map(lambda o: yes if o else ""),
    })
    headers = {column: i18n.t(f"overview.{column}", lang) for column in table.columns}
    dates = {column: "date" for column in ("assessment_due", "accompaniment_due", "next_due")}
    return headed(table, headers, dates)


# --- Each worker's caseload, for the supervisor: open cases, categories, deadlines, the norm ---

CASELOAD_FIXED = ["worker", "name", "open_cases"]
CASELOAD_DEADLINES = ["assessments_due", "assessments_overdue", "reviews_due", "reviews_overdue",
                      "accompaniments_past_6_months"]
CASELOAD_NORM = ["norm", "over_norm", "load"]

i18n.add({
    "caseload_summary.worker": {"uk": "Фахівець", "en": "Worker"},
    "caseload_summary.open_cases": {"uk": "Відкриті випадки", "en": "Open cases"},
    "caseload_summary.category": {"uk": "Категорія: {label}", "en": "Category: {label}"},
    "caseload_summary.assessments_due": {"uk": "Оцінювання: скоро термін", "en": "Assessments due soon"},
    "caseload_summary.assessments_overdue": {"uk": "Оцінювання: прострочено", "en": "Assessments overdue"},
    "caseload_summary.reviews_due": {"uk": "Перегляд цілей: скоро термін", "en": "Goal reviews due soon"},
    "caseload_summary.reviews_overdue": {"uk": "Перегляд цілей: прострочено", "en": "Goal reviews overdue"},
    "caseload_summary.accompaniments_past": {
        "uk": "Супровід довше {months} міс.", "en": "Accompaniment over {months} months"},
    "caseload_summary.norm": {"uk": "Норма", "en": "Norm"},
    "caseload_summary.over_norm": {"uk": "Понад норму", "en": "Over the norm"},
    "caseload_summary.load": {"uk": "Навантаження, % норми", "en": "Load, % of the norm"},
    "caseload_summary.yes": {"uk": "так", "en": "yes"},
    "caseload_summary.start": {"uk": "Початок періоду", "en": "Start of the period"},
    "caseload_summary.end": {"uk": "Кінець періоду", "en": "End of the period"},
    "caseload_summary.bad_date": {
        "uk": "{field}: введіть справжню дату у форматі дд.мм.рррр (наприклад, 01.07.2026).",
        "en": "{field}: enter a real date as dd.mm.yyyy (for example 01.07.2026).",
    },
    "caseload_summary.period_order": {
        "uk": "Період закінчується ({end}) раніше, ніж починається ({start}).",
        "en": "The period ends ({end}) before it starts ({start}).",
    },
    "caseload_summary.unknown_worker": {
        "uk": "Фахівця «{worker}», який веде випадки, у цій базі немає.",
        "en": "There is no case worker '{worker}' in this database.",
    },
})


def caseload_columns() -> list[str]:
    """The columns of :func:`worker_caseload` under the configuration in force (one per category)."""
    categories = [f"category_{code}" for code in config.codes_in_order("categories")]
    return CASELOAD_FIXED + categories + CASELOAD_DEADLINES + CASELOAD_NORM


def worker_caseload(db, actor: str, *, today: date | None = None, start=None, end=None,
                    programme: str | None = None, worker: str | None = None) -> pd.DataFrame:
    """Each worker's caseload in a period: open cases by category, deadlines due and overdue, the norm.

    One row per worker whose caseload ``actor`` may see (a supervisor their team's, the head of centre
    everyone's): every active user with the role ``case_manager`` (with zeros when they have no case in
    the selection) and anyone else who holds a selected case (a case can be handed to a supervisor; a
    deactivated worker's cases wait for a new one); only ``worker`` when given. Most loaded first
    (open cases, descending; then the username).

    **The period** ``[start, end]`` (dates, ``yyyy-mm-dd`` or ``dd.mm.yyyy``; both days
    included) selects the cases whose open interval overlaps it. A case is open from the
    day it is opened (or reopened) until the day before it is closed; a case closed on the
    day it was opened is open that one day. ``end`` defaults to ``today`` and ``start``
    to ``end``, so with neither given the selection is the cases open today (as in
    :func:`case_overview`). ``programme`` keeps one programme's cases.

    **Deadlines are judged as of** ``min(end, today)`` (the *as-of day*), from the events
    recorded up to that day, and only for cases still open then. A case belongs to its
    worker on the as-of day: a transferred case counts for the worker it was handed to
    (a case closed earlier in the period, for its worker when it closed). "Due" means
    falling due within :data:`workbench.store.deadlines.DUE_WINDOW_DAYS` (14) days from the as-of day, that day
    included; "overdue" means past it (the as-of day is after the due day).

    Columns (:func:`caseload_columns`):

    - ``worker`` (username), ``name`` (display name);
    - ``open_cases``: selected cases;
    - ``category_<code>``, one per configured category: selected cases by the category of
      their subject (the person of a person case; for a family case the member whose
      relation is ``applicant``, else the first member added); the columns sum to
      ``open_cases`` (a category no longer configured gets a column of its own after them);
    - ``assessments_due``, ``assessments_overdue``: the needs assessment of the current
      cycle not yet done (no assessment dated from the cycle's start to the as-of day),
      with its deadline as :func:`workbench.store.deadlines.case_deadlines` reckons it;
    - ``reviews_due``, ``reviews_overdue``: goals set by the as-of day and not closed by
      then, in open cases; a goal's review falls due ``deadlines.goal_review_months``
      after it was last reviewed (or set, if never reviewed);
    - ``accompaniments_past_6_months``: cases whose social accompaniment (of the current
      cycle) has been under way for longer than ``deadlines.accompaniment_months``
      (whether or not it was extended): the as-of day is after start + that many months;
    - ``norm``: ``caseload_norm.cases_per_worker``; ``over_norm`` (bool): ``open_cases >
      norm``; ``load``: ``open_cases / norm`` (1.0 = at the norm).

    A period that ends before it starts, a date that is not one, an unknown programme or
    worker raise :class:`~workbench.i18n.UserError` (Ukrainian and English). A case whose
    subject withdrew consent still counts: it is still work the worker carries, and only
    counts leave this function. All reads are a handful of queries, whatever the number
    of cases.
    """
    today = today or date.today()
    end_day = _period_day(end, "caseload_summary.end") or today
    start_day = _period_day(start, "caseload_summary.start") or end_day
    if end_day < start_day:
        raise UserError("caseload_summary.period_order", start=start_day.strftime("%d.%m.%Y"),
                        end=end_day.strftime("%d.%m.%Y"))
    settings = config.load_config()
    programme = config.check_programme(programme)
    scope = caseload_scope(db, actor)
    users = {r["username"]: r for r in staff(db, actor, active_only=False)
             if scope is None or r["username"] in scope}
    worker = worker or None
    if worker is not None and (not isinstance(worker, str) or worker not in users
                               or users[worker]["role"] not in ("case_manager", "supervisor")):
        raise UserError("caseload_summary.unknown_worker", worker=str(worker)[:80])
    as_of = min(end_day, today)
    timelines = settings["deadlines"]
    norm = settings["caseload_norm"]["cases_per_worker"]

    cases = _cases(db, actor, programme, start_day, end_day, as_of)
    if worker is not None:
        cases = cases[cases["worker"] == worker]

    categories = config.codes_in_order("categories")
    categories += sorted(set(cases["category"].dropna()) - set(categories)) if not cases.empty else []
    names = [worker] if worker is not None else (
        [u for u, r in users.items() if r["role"] == "case_manager" and r["active"]]
        + sorted(set(cases["worker"]) - {u for u, r in users.items() if r["role"] == "case_manager" and r["active"]}))
    frame = pd.DataFrame({"worker": pd.Series(names, dtype=object)})
    frame["name"] = frame["worker"].map(lambda u: users[u]["display_name"] if u in users else u)
    if cases.empty:
        counts = pd.DataFrame(index=pd.Index([], name="worker", dtype=object))
    else:
        live = cases[cases["open_at_as_of"]]
        assessment = _assessment_states(live, as_of, timelines)
        counts = pd.DataFrame({
            "open_cases": cases.groupby("worker").size(),
            "assessments_due": live[assessment == "due"].groupby("worker").size(),
            "assessments_overdue": live[assessment == "overdue"].groupby("worker").size(),
            "accompaniments_past_6_months": live[_accompaniment_past(live, as_of, timelines)].groupby("worker").size(),
        })
        reviews = _review_states(db, actor, live, as_of, timelines)
        counts["reviews_due"] = reviews[reviews["state"] == "due"].groupby("worker").size()
        counts["reviews_overdue"] = reviews[reviews["state"] == "overdue"].groupby("worker").size()
        by_category = cases.groupby(["worker", "category"]).size().unstack(fill_value=0)
        for code in by_category.columns:
            counts[f"category_{code}"] = by_category[code]
    columns = CASELOAD_FIXED + [f"category_{c}" for c in categories] + CASELOAD_DEADLINES
    frame = frame.join(counts, on="worker")
    for column in columns[2:]:
        frame[column] = frame[column].fillna(0).astype(int) if column in frame else 0
    frame["norm"] = norm
    frame["over_norm"] = frame["open_cases"] > norm
    frame["load"] = frame["open_cases"] / norm if norm else float("nan")
    frame = frame[columns + CASELOAD_NORM]
    return frame.sort_values(["open_cases", "worker"], ascending=[False, True], kind="stable").reset_index(drop=True)


def caseload_table(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """:func:`worker_caseload` for people (:func:`workbench.analysis.presentation.people`): headers and
    categories in ``lang``, workers by their display names, the most loaded first; ``load`` as a whole
    percentage of the norm; numbers kept as numbers, their kinds recorded."""
    lang = i18n.normalise_language(lang)
    yes = i18n.t("caseload_summary.yes", lang)
    months = config.load_config()["deadlines"]["accompaniment_months"]
    headers = {"name": i18n.t("caseload_summary.worker", lang)}
    for column in frame.columns:
        if column.startswith("category_"):
            headers[column] = i18n.t("caseload_summary.category", lang,
                                     label=config.label("categories", column.removeprefix("category_"), lang))
        elif column == "accompaniments_past_6_months":
            headers[column] = i18n.t("caseload_summary.accompaniments_past", lang, months=months)
        elif column in CASELOAD_FIXED[2:] + CASELOAD_DEADLINES + CASELOAD_NORM:
            headers[column] = i18n.t(f"caseload_summary.{column}", lang)
    table = frame.drop(columns=["worker"]).copy()
    table["name"] = [name or user for name, user in zip(frame["name"], frame["worker"])]
    table["over_norm"] = frame["over_norm"].map(lambda over: yes if over else "")
    table["load"] = (frame["load"] * 100).round().astype("Int64")  # under a header that says "% of the norm"
    kinds = {c: "count" for c in table.columns if c not in ("name", "over_norm")}
    kinds.update({"name": "text", "over_norm": "text"})
    return headed(table[[c for c in table.columns if c in headers]], headers, kinds)


def _period_day(value, field_key: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed, problem = parse_date(value)
    if problem:
        raise UserError("caseload_summary.bad_date", field=i18n.Text(field_key))
    return parsed


def _cases(db, actor: str, programme: str | None, start: date, end: date, as_of: date) -> pd.DataFrame:
    """The cases (of ``programme``) open at some time in ``[start, end]``, with their state on ``as_of``."""
    cases = case_states(db, actor, programme, start, end, as_of)
    cases["category"] = cases["category"].fillna("other")  # a family with no member on record
    # Open at the end of the period's first day, or opened or reopened within the period.
    open_at_start = (cases["opened_on"] <= start.isoformat()) & cases["status_at_start"].ne("closed")
    opened = cases["opened_on"].between(start.isoformat(), end.isoformat())
    cases = cases[open_at_start | opened | cases["reopened_in_period"].astype(bool)].copy()
    cases["open_at_as_of"] = (cases["opened_on"] <= as_of.isoformat()) & cases["status_at_as_of"].ne("closed")
    return cases


def _assessment_states(live: pd.DataFrame, as_of: date, timelines: dict) -> pd.Series:
    """``due``, ``overdue`` or ``None`` (done, or not due within the window) for each open case's needs assessment."""
    if live.empty:
        return pd.Series([], index=live.index, dtype=object)
    calendar = WorkCalendar.from_config()

    def state(row):
        if isinstance(row.assessed_on, str):  # done in this cycle by the as-of day
            return None
        urgent_on = date.fromisoformat(row.urgent_on) if isinstance(row.urgent_on, str) else None
        return due_state(needs_assessment_due(date.fromisoformat(row.cycle_started_on), urgent_on, calendar,
                                              timelines), as_of)

    return pd.Series([state(row) for row in live.itertuples()], index=live.index, dtype=object)


def _accompaniment_past(live: pd.DataFrame, as_of: date, timelines: dict) -> pd.Series:
    """Whether each open case's accompaniment has been under way longer than ``accompaniment_months``
    (its extensions not counted)."""
    return live["accompaniment_started_on"].map(
        lambda start: isinstance(start, str) and as_of > accompaniment_end(date.fromisoformat(start), 0, timelines)
    ).astype(bool)


def _review_states(db, actor: str, live: pd.DataFrame, as_of: date, timelines: dict) -> pd.DataFrame:
    """Goals in force on ``as_of`` in the open cases, each with its worker and review ``state`` (due/overdue/None)."""
    goals = goals_in_force(db, actor, as_of).merge(live[["case_id", "worker"]], on="case_id")
    last = goals["reviewed_on"].fillna(goals["set_on"])
    goals["state"] = pd.Series([due_state(goal_review_due(date.fromisoformat(day), timelines), as_of) for day in last],
                               index=goals.index, dtype=object)
    return goals
