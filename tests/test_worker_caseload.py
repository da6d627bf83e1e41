"""Each worker's caseload for supervisors: open cases by category, deadlines, the norm; its table, chart and view.

The scenario below is built with the store's own service functions; every number the
tests expect is worked out by hand in the comments (as of TODAY, Monday 15.06.2026, unless
a period says otherwise).
"""
import json
from collections import Counter
from datetime import date, timedelta

import pytest

from conftest import TODAY, advance, worker_of
from workbench.analysis.caseload import case_overview, caseload_columns, caseload_table, worker_caseload
from workbench.apps.caseload_summary import caseload_report
from workbench.apps.report_controls import ReportControls
from workbench.charts.report import caseload_chart
from workbench.i18n import UserError
from workbench.store.assessments import save_assessment
from workbench.store.cases import open_case
from workbench.store.connection import open_db
from workbench.store.deadlines import case_deadlines
from workbench.store.intake import register_client
from workbench.store.lifecycle import (case_state, close_case, extend_accompaniment, flag_urgent, reopen_case, transfer_case)
from workbench.store.people import create_household, register_person
from workbench.store.plans import add_goal, case_goals, close_goal, review_goal
from workbench.working_days import add_months

OLENA, ANDRII, MARIIA = "olena.demo", "andrii.demo", "mariia.demo"
LEVELS = ["Значно гірше", "Гірше", "Очікуваний результат", "Краще", "Значно краще"]
COUNTS = ["open_cases", "category_family_difficult_circumstances", "category_idp", "category_care_leaver",
          "category_other", "assessments_due", "assessments_overdue", "reviews_due", "reviews_overdue",
          "accompaniments_past_6_months"]
ZERO = dict.fromkeys(COUNTS, 0)


def client(db, actor, name, *, category, programme, on, worker=None):
    return register_client(db, actor, family_name=name, given_name="Ірина", birth_date="01.01.2000", sex="female",
                           category=category, consent_given_on=on, programme=programme, intake_on=on,
                           worker=worker, today=TODAY)


def walk(db, actor, case_id, *days):
    """Move the case along assessment → plan → accompaniment on the given days."""
    for status, day in zip(("assessment", "plan", "accompaniment"), days):
        # the supervisor lets what a move lacks through: the counts here are of the records made on purpose
        advance(db, case_id, status, on=day, actor=actor, override=True)


def goal(db, case_id, title, set_on="2026-02-01"):
    return add_goal(db, OLENA, case_id, wish="Хочу жити самостійно", title=title, domain="housing", set_on=set_on,
                    target_date="2026-12-31", levels=LEVELS, today=TODAY)


@pytest.fixture
def scenario(db, instrument, valid_answers):
    """Eight cases of known state; returns their ids by name."""
    def assess(case_id, on):
        # The deadlines do not depend on the children rated: none (each child entry is one of the case's children).
        answers = {k: v for k, v in valid_answers.items() if k != "child"}
        save_assessment(db, worker_of(db, case_id), case_id=case_id, instrument=instrument, answers=answers,
                        assessed_on=on, today=TODAY)

    ids = {}
    # 1. A family whose child (category 'other') was added before the applicant mother (IDP): an IDP case.
    child = register_person(db, OLENA, family_name="Дібровець", given_name="Злата", birth_date="2018-09-30",
                            sex="female", category="other", consent_given_on="2026-01-05",
                            consent_given_by="мати", today=TODAY)
    mother = register_person(db, OLENA, family_name="Дібровець", given_name="Ганна", birth_date="1990-04-02",
                             sex="female", category="idp", consent_given_on="2026-01-05", today=TODAY)
    household = create_household(db, OLENA, label="Дібровець", members=[(child, "child"), (mother, "applicant")])
    ids["family"] = family = open_case(db, OLENA, programme="idp_support", worker=OLENA, household_id=household,
                                       opened_on="2026-01-05", today=TODAY)
    walk(db, OLENA, family, "2026-01-06", "2026-01-20", "2026-02-01")
    assess(family, "2026-01-08")
    # Reviews fall due 3 months after the goal was set (01.02) or last reviewed.
    ids["never"] = goal(db, family, "never reviewed")  # due 01.05: overdue today; due soon as of 30.04
    soon = goal(db, family, "reviewed 20.03")  # due 20.06: due (within 14 days)
    review_goal(db, OLENA, soon, level=0, reviewed_on="2026-03-20", today=TODAY)
    on_the_day = goal(db, family, "reviewed 15.03")  # due 15.06 = today: due, not yet overdue
    review_goal(db, OLENA, on_the_day, level=0, reviewed_on="2026-03-15", today=TODAY)
    beyond = goal(db, family, "reviewed 30.03")  # due 30.06 = today + 15 days: neither
    review_goal(db, OLENA, beyond, level=0, reviewed_on="2026-03-30", today=TODAY)
    fresh = goal(db, family, "reviewed 01.06")  # due 01.09: neither; as of 30.04 not yet reviewed: due 01.05
    review_goal(db, OLENA, fresh, level=1, reviewed_on="2026-06-01", today=TODAY)
    achieved = goal(db, family, "achieved 01.04")  # closed: never counts after 01.04
    close_goal(db, OLENA, achieved, kind="achieved", on="2026-04-01", today=TODAY)
    dropped = goal(db, family, "abandoned 20.05")  # closed: counts until then (due 01.05)
    close_goal(db, OLENA, dropped, kind="abandoned", on="2026-05-20", reason="Клієнтка передумала", today=TODAY)

    # 2. A care leaver in accompaniment since 01.11.2025 (6 months: to 01.05.2026), extended; no assessment.
    ids["old"] = old = client(db, OLENA, "Левадчук", category="care_leaver", programme="care_leavers",
                              on="2025-10-01")
    walk(db, OLENA, old, "2025-10-02", "2025-10-20", "2025-11-01")
    extend_accompaniment(db, OLENA, old, months=3, reason="Складний випадок", on="2026-04-20", today=TODAY)

    # 3. Urgent on Friday 12.06: assessment due 13.06, overdue today.
    ids["urgent"] = urgent = client(db, OLENA, "Терн", category="idp", programme="idp_support", on="2026-06-12")
    flag_urgent(db, OLENA, urgent, note="Загроза життю", on="2026-06-12", today=TODAY)
    # 4. Opened Friday 12.06: assessment due 5 working days later, 19.06: due.
    ids["new"] = client(db, OLENA, "Ромаш", category="family_difficult_circumstances",
                        programme="family_support", on="2026-06-12")
    # 5. Opened 02.03 (assessment due 09.03, never done), closed 04.05.
    ids["closed"] = closed = client(db, OLENA, "Сосн", category="family_difficult_circumstances",
                                    programme="family_support", on="2026-03-02")
    close_case(db, OLENA, closed, reason="refused", on="2026-05-04", today=TODAY)
    # 6. Olena's care leaver, assessed, handed to Andrii on 11.05.
    ids["transfer"] = transfer = client(db, OLENA, "Явор", category="care_leaver", programme="care_leavers",
                                        on="2026-02-02")
    assess(transfer, "2026-02-03")
    transfer_case(db, MARIIA, transfer, to_worker=ANDRII, reason="Відпустка", on="2026-05-11", today=TODAY)
    # 7. Andrii's family case, assessed, handed to the supervisor on 01.06.
    ids["to_supervisor"] = supervised = client(db, ANDRII, "Калин", category="family_difficult_circumstances",
                                               programme="family_support", on="2026-03-03")
    assess(supervised, "2026-03-04")
    transfer_case(db, MARIIA, supervised, to_worker=MARIIA, reason="Складний випадок", on="2026-06-01",
                  today=TODAY)
    # 8. Andrii's IDP case: urgent, assessed, in accompaniment from 01.11.2025, closed 16.02, reopened Wednesday
    # 10.06: a new cycle, with a new assessment due 17.06 and neither the urgent flag nor the accompaniment.
    ids["reopened"] = reopened = client(db, ANDRII, "Вишн", category="idp", programme="idp_support",
                                        on="2025-10-15")
    flag_urgent(db, ANDRII, reopened, note="Загроза здоровʼю", on="2025-10-15", today=TODAY)
    assess(reopened, "2025-10-16")
    walk(db, ANDRII, reopened, "2025-10-16", "2025-10-20", "2025-11-01")
    close_case(db, ANDRII, reopened, reason="refused", on="2026-02-16", today=TODAY)
    reopen_case(db, ANDRII, reopened, reason="Нове звернення", on="2026-06-10", today=TODAY)
    return ids


def rows(frame) -> dict:
    """``{worker: {column: value}}`` of the counting columns."""
    return {r["worker"]: {c: int(r[c]) for c in COUNTS} for r in frame.to_dict("records")}


def expect(**counts):
    return dict(ZERO, **counts)


def test_every_column_as_of_today(db, scenario):
    frame = worker_caseload(db, "halyna.demo", today=TODAY)
    assert list(frame.columns) == caseload_columns() == (
        ["worker", "name"] + COUNTS + ["norm", "over_norm", "load"])
    # Most loaded first; case managers without cases follow with zeros; the supervisor holds a handed-on case.
    assert list(frame["worker"]) == [OLENA, ANDRII, MARIIA, "iryna.demo", "petro.demo"]
    assert frame.loc[0, "name"] == "Олена Тихоліс (демо)"
    assert rows(frame) == {
        # cases 1-4 (5 is closed; 6 was handed to Andrii); IDP: the family (by its applicant) and the urgent one.
        OLENA: expect(open_cases=4, category_idp=2, category_care_leaver=1, category_family_difficult_circumstances=1,
                      assessments_due=1, assessments_overdue=2, reviews_due=2, reviews_overdue=1,
                      accompaniments_past_6_months=1),
        # case 6 (transferred to him) and case 8 (reopened: the assessment of its first cycle does not count).
        ANDRII: expect(open_cases=2, category_care_leaver=1, category_idp=1, assessments_due=1),
        MARIIA: expect(open_cases=1, category_family_difficult_circumstances=1),
        "iryna.demo": ZERO, "petro.demo": ZERO,
    }
    categories = [c for c in COUNTS if c.startswith("category_")]
    assert (frame[categories].sum(axis=1) == frame["open_cases"]).all()
    assert list(frame["norm"]) == [25] * 5 and not frame["over_norm"].any()
    assert list(frame["load"]) == pytest.approx([0.16, 0.08, 0.04, 0, 0])


def test_a_past_period_judges_deadlines_on_its_last_day(db, scenario):
    frame = worker_caseload(db, "halyna.demo", today=TODAY, start="2026-04-01", end="30.04.2026")
    # April: cases 1, 2, 5 (closed only on 04.05) and 6 (handed on only on 11.05) are Olena's; 7 is still Andrii's;
    # 8 was closed all April; 3 and 4 did not exist. The supervisor holds nothing, so has no row.
    assert list(frame["worker"]) == [OLENA, ANDRII, "iryna.demo", "petro.demo"]
    assert rows(frame)[OLENA] == expect(
        open_cases=4, category_idp=1, category_care_leaver=2, category_family_difficult_circumstances=1,
        assessments_overdue=2,  # case 2 (never assessed) and case 5 (due 09.03)
        reviews_due=3,  # 'never reviewed', 'reviewed 01.06' (not yet, on 30.04), 'abandoned 20.05': due 01.05
        accompaniments_past_6_months=0)  # case 2's six months end on 01.05
    assert rows(frame)[ANDRII] == expect(open_cases=1, category_family_difficult_circumstances=1)
    # The day after the six months, the accompaniment is past them; the day after 01.05 the reviews are overdue.
    may = rows(worker_caseload(db, "halyna.demo", today=TODAY, start="2026-05-02", end="2026-05-02"))[OLENA]
    assert may["accompaniments_past_6_months"] == 1 and may["reviews_overdue"] == 3 and may["reviews_due"] == 0
    assert rows(worker_caseload(db, "halyna.demo", today=TODAY, end="2026-05-01"))[OLENA]["accompaniments_past_6_months"] == 0
    # On 07.01 case 1's assessment (done on 08.01) was still to do, due 12.01.
    assert rows(worker_caseload(db, "halyna.demo", today=TODAY, end="2026-01-07"))[OLENA] == expect(
        open_cases=2, category_idp=1, category_care_leaver=1, assessments_due=1, assessments_overdue=1)


def test_the_period_selects_cases_whose_open_interval_overlaps_it(db, scenario):
    def olena(**period):
        return rows(worker_caseload(db, "halyna.demo", today=TODAY, **period))[OLENA]["open_cases"]

    def andrii(**period):
        return rows(worker_caseload(db, "halyna.demo", today=TODAY, **period))[ANDRII]["open_cases"]

    # February: 1, 2 and 6 (opened 02.02) are Olena's; Andrii's case 8 was open until it closed on 16.02.
    assert olena(start="2026-02-01", end="2026-03-01") == 3
    assert andrii(start="2026-02-01", end="2026-03-01") == 1
    assert andrii(start="2026-02-17", end="2026-03-01") == 0  # closed by then (7 opens on 03.03)
    # Case 5 closed on 04.05: open on 03.05, no longer on 04.05.
    assert olena(start="2026-05-03", end="2026-05-03") == 4
    assert olena(start="2026-05-04", end="2026-05-10") == 3
    # A period reaching into the future: deadlines as of today; case 5 and all of today's cases count.
    future = worker_caseload(db, "halyna.demo", today=TODAY, start="2026-05-01", end="2026-12-31")
    assert rows(future)[OLENA] == dict(rows(worker_caseload(db, "halyna.demo", today=TODAY))[OLENA], open_cases=5,
                                       category_family_difficult_circumstances=2)
    # Only the end: the cases open on that day (case 1 opens only on 05.01).
    assert olena(end="2026-01-01") == 1 and andrii(end="2026-01-01") == 1
    # The reopened case counts from its reopening on.
    assert andrii(start="2026-06-10", end="2026-06-10") == 2 and andrii(start="2026-06-09", end="2026-06-09") == 1
    assert andrii(start="2026-06-01", end="2026-06-30") == 2  # closed on the first day, reopened within


def test_a_transferred_case_counts_for_the_worker_who_has_it(db, scenario):
    assert rows(worker_caseload(db, "halyna.demo", today=TODAY, worker=ANDRII)) == {
        ANDRII: expect(open_cases=2, category_care_leaver=1, category_idp=1, assessments_due=1)}
    before = worker_caseload(db, "halyna.demo", today=TODAY, worker=OLENA, end="2026-05-10")
    after = worker_caseload(db, "halyna.demo", today=TODAY, worker=OLENA, end="2026-05-11")
    assert before.loc[0, "category_care_leaver"] == 2 and after.loc[0, "category_care_leaver"] == 1
    assert list(worker_caseload(db, "halyna.demo", today=TODAY, worker=MARIIA)["open_cases"]) == [1]


def test_the_programme_filter(db, scenario):
    care = rows(worker_caseload(db, "halyna.demo", today=TODAY, programme="care_leavers"))
    assert care == {OLENA: expect(open_cases=1, category_care_leaver=1, assessments_overdue=1,
                                  accompaniments_past_6_months=1),
                    ANDRII: expect(open_cases=1, category_care_leaver=1),
                    "iryna.demo": ZERO, "petro.demo": ZERO}
    idp = rows(worker_caseload(db, "halyna.demo", today=TODAY, programme="idp_support"))
    assert idp[OLENA] == expect(open_cases=2, category_idp=2, assessments_overdue=1, reviews_due=2,
                                reviews_overdue=1)
    assert idp[ANDRII] == expect(open_cases=1, category_idp=1, assessments_due=1)


def test_the_norm_comes_from_the_configuration(db, scenario, tmp_path, monkeypatch):
    settings = tmp_path / "config.json"
    settings.write_text(json.dumps({"caseload_norm": {"cases_per_worker": 2}}), encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(settings))
    frame = worker_caseload(db, "halyna.demo", today=TODAY)
    assert list(frame["norm"]) == [2] * 5
    # Above the norm is over it; at the norm is not.
    assert dict(zip(frame["worker"], frame["over_norm"])) == {
        OLENA: True, ANDRII: False, MARIIA: False, "iryna.demo": False, "petro.demo": False}
    assert list(frame["load"]) == [2.0, 1.0, 0.5, 0.0, 0.0]
    table = caseload_table(frame, "en")
    assert list(table["Over the norm"]) == ["yes", "", "", "", ""]
    assert list(table["Load, % of the norm"]) == [200, 100, 50, 0, 0]


def test_the_table_speaks_ukrainian_and_english(db, scenario):
    frame = worker_caseload(db, "halyna.demo", today=TODAY)
    uk, en = caseload_table(frame, "uk"), caseload_table(frame, "en")
    assert list(en.columns) == [
        "Worker", "Open cases", "Category: Family with children in difficult life circumstances",
        "Category: Internally displaced person (IDP)", "Category: Young person leaving institutional care",
        "Category: Other", "Assessments due soon", "Assessments overdue", "Goal reviews due soon",
        "Goal reviews overdue", "Accompaniment over 6 months", "Norm", "Over the norm", "Load, % of the norm"]
    assert list(uk.columns)[:2] == ["Фахівець", "Відкриті випадки"]
    assert "Категорія: Внутрішньо переміщена особа (ВПО)" in uk.columns
    assert "Супровід довше 6 міс." in uk.columns and "Понад норму" in uk.columns
    assert en.iloc[0].tolist() == ["Олена Тихоліс (демо)", 4, 1, 2, 1, 0, 1, 2, 2, 1, 1, 25, "", 16]


@pytest.mark.parametrize("filters, key, uk, en", [
    (dict(start="2026-06-10", end="2026-06-01"), "caseload_summary.period_order",
     "Період закінчується (01.06.2026) раніше, ніж починається (10.06.2026).",
     "The period ends (01.06.2026) before it starts (10.06.2026)."),
    (dict(start="2026-07-01"), "caseload_summary.period_order",  # the end defaults to today
     "Період закінчується (15.06.2026) раніше, ніж починається (01.07.2026).",
     "The period ends (15.06.2026) before it starts (01.07.2026)."),
    (dict(start="31.02.2026"), "caseload_summary.bad_date",
     "Початок періоду: введіть справжню дату у форматі дд.мм.рррр (наприклад, 01.07.2026).",
     "Start of the period: enter a real date as dd.mm.yyyy (for example 01.07.2026)."),
    (dict(end="вчора"), "caseload_summary.bad_date",
     "Кінець періоду: введіть справжню дату у форматі дд.мм.рррр (наприклад, 01.07.2026).",
     "End of the period: enter a real date as dd.mm.yyyy (for example 01.07.2026)."),
    (dict(programme="astrology"), "programme.unknown",
     "Програми «astrology» немає. Можливі: Супровід сімей з дітьми у складних життєвих обставинах, "
     "Підтримка внутрішньо переміщених сімей, Молодь, що виходить з інтернатного догляду (CARe).",
     "There is no programme 'astrology'. Possible: Support for families with children in difficult life "
     "circumstances, Support for internally displaced families, Young people leaving care (CARe)."),
    (dict(worker="nobody"), "caseload_summary.unknown_worker",
     "Фахівця «nobody», який веде випадки, у цій базі немає.", "There is no case worker 'nobody' in this database."),
    (dict(worker="oksana.demo"), "caseload_summary.unknown_worker",  # a researcher holds no cases
     "Фахівця «oksana.demo», який веде випадки, у цій базі немає.",
     "There is no case worker 'oksana.demo' in this database."),
])
def test_bad_input_is_refused_in_both_languages(db, scenario, filters, key, uk, en):
    with pytest.raises(UserError) as err:
        worker_caseload(db, "halyna.demo", today=TODAY, **filters)
    assert err.value.key == key
    assert err.value.message("uk") == uk and err.value.message("en") == en


def test_each_sees_the_caseloads_the_policy_gives(db, scenario):
    # The head of centre: everyone. A supervisor: her team (Північ). A case manager: herself. The others: nobody.
    everyone = set(worker_caseload(db, "halyna.demo", today=TODAY)["worker"])
    assert {"olena.demo", "andrii.demo", "iryna.demo", "petro.demo", MARIIA} <= everyone
    assert set(worker_caseload(db, MARIIA, today=TODAY)["worker"]) == {OLENA, ANDRII, MARIIA}
    assert set(worker_caseload(db, "taras.demo", today=TODAY)["worker"]) == {"iryna.demo", "petro.demo"}
    assert list(worker_caseload(db, OLENA, today=TODAY)["worker"]) == [OLENA]
    for outsider in ("oksana.demo", "admin.demo", "nobody"):
        with pytest.raises(UserError) as refused:
            worker_caseload(db, outsider, today=TODAY)
        assert refused.value.key.startswith("policy.")


def test_an_empty_database_gives_an_empty_table(tmp_path, db):
    from workbench.store.users import add_user

    empty = open_db(tmp_path / "empty.db", migrate=True)
    add_user(empty, "boss", username="boss", display_name="Адміністратор", role="administrator")
    add_user(empty, "boss", username="head", display_name="Керівниця", role="head_of_centre")
    frame = worker_caseload(empty, "head", today=TODAY)
    assert frame.empty and list(frame.columns) == caseload_columns()
    table = caseload_table(frame, "en")
    assert table.empty and table.columns[0] == "Worker"
    # Staff but no cases: every case manager, with zeros.
    staff = worker_caseload(db, "halyna.demo", today=TODAY)
    assert list(staff["worker"]) == ["andrii.demo", "iryna.demo", OLENA, "petro.demo"]
    assert staff[COUNTS].to_numpy().sum() == 0 and not staff["over_norm"].any()


def test_the_chart_shows_bars_the_norm_and_who_is_over_it(db, scenario):
    frame = worker_caseload(db, "halyna.demo", today=TODAY)
    fig = caseload_chart(frame, "en", norm=1)
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "Caseload: open cases per worker"
    assert ax.get_xlabel() == "Open cases" and ax.get_ylabel() == "Worker"
    bars = ax.patches
    # barh draws bottom-up: the most loaded worker on top.
    assert [b.get_width() for b in bars] == [0, 0, 1, 2, 4]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Петро Ясногірко (демо)", "Ірина Колосаєнко (демо)", "Марія Левадчук (демо), супервізорка",
        "Андрій Вербанюк (демо)", "Олена Тихоліс (демо)"]
    assert [b.get_gid() for b in bars] == ["within", "within", "within", "over", "over"]
    assert bars[-1].get_facecolor() != bars[0].get_facecolor() and bars[-1].get_hatch() == "//"
    [norm] = [line for line in ax.get_lines() if line.get_gid() == "norm"]
    assert list(norm.get_xdata()) == [1, 1]
    assert fig.caption.endswith("Over the norm (red hatched bars): Олена Тихоліс (демо), Андрій Вербанюк (демо).")
    # The frame's own norm (25) by default: nobody over it.
    uk = caseload_chart(frame, "uk")
    assert uk._suptitle.get_text() == "Навантаження фахівців: відкриті випадки"
    assert uk.axes[0].get_xlabel() == "Відкриті випадки"
    assert {b.get_gid() for b in uk.axes[0].patches} == {"within"}
    assert [list(line.get_xdata()) for line in uk.axes[0].get_lines() if line.get_gid() == "norm"] == [[25, 25]]
    assert uk.caption.endswith("Понад норму (червоні заштриховані смуги): нікого.")


def test_the_chart_says_no_data_when_empty(db):
    frame = worker_caseload(db, "halyna.demo", today=TODAY).iloc[0:0]
    for lang, text in (("en", "No data"), ("uk", "Немає даних")):
        fig = caseload_chart(frame, lang)
        assert fig.caption == text and not fig.axes[0].patches
        assert fig._suptitle.get_text() == caseload_chart(worker_caseload(db, "halyna.demo", today=TODAY), lang)._suptitle.get_text()


def test_the_report_follows_the_controls(db, scenario):
    controls = ReportControls(db, "halyna.demo", period="01.04.2026–2026-04-30", lang="en", today=TODAY)
    assert controls.start.value == "01.04.2026" and controls.end.value == "30.04.2026"  # typed as dd.mm.yyyy

    def report():
        return caseload_report(db, "halyna.demo", controls.choice, today=TODAY)
    assert controls.error is None and list(report().frame["worker"])[:2] == [OLENA, ANDRII]
    assert report().summary == ("Cases open in the period 01.04.2026 – 30.04.2026; deadlines as of 30.04.2026. "
                                "Workers over the norm (25 cases): 0 of 4.")
    assert report().table.columns[0] == "Worker" and report().figure.caption.startswith("Each bar")
    controls.programme.value = "care_leavers"
    assert rows(report().frame)[OLENA]["open_cases"] == 2  # cases 2 and 6, both still Olena's in April
    controls.worker.value = "team:Північ"
    assert set(report().frame["worker"]) == {OLENA, ANDRII}  # the team's case managers (Mariia holds none)
    controls.worker.value = f"worker:{ANDRII}"
    assert list(report().frame["worker"]) == [ANDRII] and report().frame.loc[0, "open_cases"] == 0
    controls.end.value, controls.start.value = "15.06.2026", "15.06.2026"  # today
    assert report().frame.loc[0, "open_cases"] == 1  # the care leaver handed to him
    controls.language.widget.value = "uk"
    assert report().table.columns[0] == "Фахівець" and controls.worker.value == f"worker:{ANDRII}"
    assert report().summary.startswith("Випадки, відкриті в період 15.06.2026 – 15.06.2026")


def test_the_section_shows_a_refused_parameter_instead_of_a_traceback(db, scenario):
    controls = ReportControls(db, "halyna.demo", period="2026-06-10..2026-06-01", lang="uk", today=TODAY)
    section = controls.follow(lambda choice: print(caseload_report(db, "halyna.demo", choice, today=TODAY).summary))
    assert controls.error.key == "period.reversed" and "Період закінчується (01.06.2026)" in controls.message.value
    assert section.text() == "**Період закінчується (01.06.2026) раніше, ніж починається (10.06.2026).**"
    controls.language.widget.value = "en"
    assert section.text() == "**The period ends (01.06.2026) before it starts (10.06.2026).**"
    controls.period_kind.value = "month"  # a control changed: the controls hold the last full quarter, now its last month
    assert controls.error is None and section.text().startswith("Cases open in the period 01.03.2026 – 31.03.2026")


def _per_case(db, today):
    """The same counts the slow way, one case at a time through the store's own functions."""
    counts = Counter()
    for (case_id,) in db.execute("select id from cases"):
        state = case_state(db, "halyna.demo", case_id)
        if state["status"] == "closed":
            continue
        worker = state["worker"]
        counts[worker, "open_cases"] += 1
        person, household = db.execute("select person_id, household_id from cases where id = ?", [case_id]).fetchone()
        category = db.execute(
            "select category from persons where id = ?" if person else
            """select p.category from household_members m join persons p on p.id = m.person_id
               where m.household_id = ? and m.relation = 'applicant'""", [person or household]).fetchone()[0]
        counts[worker, f"category_{category}"] += 1
        [assessment] = [d for d in case_deadlines(db, "halyna.demo", case_id, today=today, state=state)
                        if d["kind"] == "needs_assessment"]
        if assessment["state"] == "overdue":
            counts[worker, "assessments_overdue"] += 1
        elif assessment["state"] == "open" and assessment["due"] <= today + timedelta(days=14):
            counts[worker, "assessments_due"] += 1
        started = state["accompaniment_started_on"]
        if started and today > add_months(date.fromisoformat(started), 6):
            counts[worker, "accompaniments_past_6_months"] += 1
        for g in case_goals(db, "halyna.demo", case_id):
            if g["status"] == "open":
                due = add_months(date.fromisoformat(max([g["set_on"]] + [r["reviewed_on"] for r in g["reviews"]])), 3)
                if today > due:
                    counts[worker, "reviews_overdue"] += 1
                elif due <= today + timedelta(days=14):
                    counts[worker, "reviews_due"] += 1
    return counts


@pytest.mark.parametrize("offset", [0, 9])
def test_the_counts_agree_with_the_store_case_by_case_on_demo_data(tmp_path, report_figure, offset):
    import time

    from workbench.demo import build_demo

    path = tmp_path / "demo.db"
    build_demo(path, seed=11, households=40, care_leavers=10, today=TODAY)
    demo = open_db(path)
    today = TODAY + timedelta(days=offset)  # some days on, more of the demo's deadlines have passed
    started = time.perf_counter()
    frame = worker_caseload(demo, "halyna.demo", today=today)
    elapsed = time.perf_counter() - started
    got = Counter({(r["worker"], c): int(r[c]) for r in frame.to_dict("records") for c in COUNTS if r[c]})
    expected = _per_case(demo, today)
    assert got == expected
    assert sum(v for (_, c), v in got.items() if c == "open_cases") == len(case_overview(demo, "halyna.demo", today=today))
    assert sum(v for (_, c), v in got.items() if c != "open_cases") > 0  # the demo has deadlines to count
    if offset == 0:
        report_figure(f"worker_caseload on {demo['cases'].count} demo cases: {elapsed * 1000:.0f} ms")


@pytest.mark.timeout(300)
def test_the_notebook_runs_unattended_and_meets_bad_parameters_with_a_message(tmp_path, db, db_path, scenario):
    import nbformat
    import papermill
    from pathlib import Path

    def run(**parameters) -> str:
        out = tmp_path / "caseload-ran.ipynb"
        papermill.execute_notebook(str(Path(__file__).resolve().parents[1] / "notebooks" / "caseload.ipynb"),
                                   str(out), parameters=dict(database=str(db_path), **parameters),
                                   cwd=str(tmp_path), progress_bar=False, kernel_name="python3",
                                   execution_timeout=120)  # a cell that hangs fails, not the whole run
        outputs = [o for cell in nbformat.read(out, as_version=4).cells for o in cell.get("outputs", [])]
        return "\n".join([o.get("text", "") for o in outputs]
                         + [str(v) for o in outputs for k, v in o.get("data", {}).items() if k == "text/plain"])

    shown = run(period="01.04.2026–2026-04-30", worker=OLENA, lang="en")
    assert "Cases open in the period 01.04.2026 – 30.04.2026; deadlines as of 30.04.2026." in shown
    assert "Олена Тихоліс (демо)" in shown and "Each bar is a worker's open cases" in shown
    shown = run(period="2026-06-10..2026-06-01", lang="uk")
    assert "Період закінчується (01.06.2026) раніше, ніж починається (10.06.2026)." in shown
    assert "Traceback" not in shown
