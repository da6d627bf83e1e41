"""Every public function of the store asks the access policy (workbench.policy), whoever calls it.

The functions are found by introspection, so a new one cannot slip past: each must have a recipe
here (how to call it, who may, who may not) or an exemption with its reason. For each, on a copy of
a small world, every outsider is refused with the policy's own reason and nothing is written; each
actor who may is allowed. The outsiders of a case are a case manager of another team, a deactivated
user, an unknown name, an empty one and the researcher (and, for writes, the head of centre, who only reads).
"""
from __future__ import annotations

import importlib
import inspect
import re
import pkgutil
from dataclasses import dataclass, field
from datetime import date

import pytest

import workbench.store
from conftest import TODAY, copy_database, row_counts
from workbench.i18n import UserError

WORKER, SUPER, OTHER, OTHER_SUPER = "a.worker", "a.super", "b.worker", "b.super"
COLLEAGUE, GONE, HEAD, ADMIN, RESEARCHER, UNKNOWN = "a.colleague", "a.gone", "head", "admin", "researcher", "nobody"
NOBODY = (GONE, UNKNOWN, RESEARCHER, "")  # refused everything: deactivated, unknown, the researcher, no name
CASE_OUTSIDERS = (OTHER,) + NOBODY
CASE_HOLDERS = (WORKER, SUPER, OTHER, OTHER_SUPER)

# Functions of the store that are not a read or write of records, each with the reason.
EXEMPT = {
    "audit.last_write": "an audit row's id, no record's content: whether a view must read again (asks cases.search)",
    "connection.default_path": "where the database file is; reads no record",
    "connection.open_db": "opens the file (a page refuses an old schema); reads no record",
    "connection.apply_migrations": "the schema itself, an operator's act (`workbench migrate`)",
    "connection.write_transaction": "a transaction around a write that asks the policy itself",
    "connection.now": "the clock",
    "inputs.ua_date": "formats a date",
    "people.check_person": "checks a submission before anything is read or written",
    "people.check_contacts": "checks a submission before anything is read or written",
    "lifecycle.apply_move": "what a move does to a state already read; no database",
    "deadlines.next_deadline": "picks from deadlines already read; no database",
    "deadlines.needs_assessment_due": "a rule on dates already read; no database",
    "deadlines.accompaniment_end": "a rule on dates already read; no database",
    "deadlines.goal_review_due": "a rule on dates already read; no database",
    "deadlines.due_state": "a rule on dates already read; no database",
    "agenda.kind_label": "words a kind of item; no database",
    "users.administrators_exist": "says only whether an administrator exists: the first may add themselves",
    "cycle.cycle_facts": "a case's facts for the move rules, read inside the functions that asked the policy",
    "guard.*": "the policy's own plumbing: who acts and the case's facts, for the policy to judge",
    "arguments.*": "checks an argument's type (a code, a limit, a day, a list) before it reaches SQL; no database",
    "chain.*": "the audit chain's own plumbing (seals, key and head files), called inside writes that asked",
    "integrity.check_database": "`workbench check`, an operator's act with the file in hand (as migrate); "
                                "it shows table names and row numbers, never a client's data",
    "integrity.describe": "formats a check's report; no database",
    "assessments.content_sha256": "a hash of content already in hand; no database",
    "children.links_children": "whether an instrument has the child link; no database",
    "children.child_entries": "child entries from rows already read; no database",
    "schema.unique_keys": "the schema's own keys, for the migrations; reads no record",
    "schema.triggers_expected": "names of triggers; no database",
    "credentials.sign_in": "what makes an actor: checks a password and records the attempt (the hub's sign-in)",
    "credentials.hash_password": "hashes a password in hand; no database",
    "backup.*": "`workbench backup` and `restore`, an operator's acts with the file in hand (as migrate and check), "
                "audited as the OS account (os:NAME); they copy the whole file and show no client's data",
    "restore.*": "checking a backup copy and `workbench restore`, an operator's acts with the file in hand (as "
                 "backup.*), audited as the OS account; they show no client's data",
    "documents.act_instruments": "which instruments print as the act, from the configuration; no database",
    "identity.read_identity": "the database's own id and organisation's name; no client's data",
    "attachments.settings": "the configured size limit and types; no database",
    "attachments.media_type_of": "the type of bytes in hand; no database",
    "attachments.accepted_extensions": "the extensions a form question's file may end in; no database",
    "eisss.entry_due": "a rule on dates already read; no database",
}


@dataclass
class Recipe:
    """How to call one function (``call(db, actor, world)``), who may and who may not; ``setup(db, world)``
    runs first, as the world's own staff, on every copy."""

    call: object
    allowed: tuple
    refused: tuple
    setup: object = None
    why: str = ""  # why the allowed or refused differ from a case's (worker and supervisor; outsiders)
    keys: tuple = field(default=("policy.",))  # what a refusal's key starts with


READ = dict(allowed=(WORKER, SUPER, HEAD), refused=CASE_OUTSIDERS)
WRITE = dict(allowed=(WORKER, SUPER), refused=CASE_OUTSIDERS + (HEAD,))
SUPERVISOR_ONLY = dict(allowed=(SUPER,), refused=(WORKER, OTHER, OTHER_SUPER, HEAD) + NOBODY,
                       why="a supervisor of the worker's team signs off and hands a case over")
OPEN = dict(allowed=CASE_HOLDERS, refused=NOBODY + (HEAD, ADMIN),
            why="every case worker registers new clients; the case is theirs")
AGGREGATE = dict(allowed=(SUPER, HEAD), refused=(WORKER, OTHER, ADMIN) + NOBODY,
                 why="aggregates are for supervisors and the head of centre")
WHOLE_RECORD = dict(allowed=(SUPER, HEAD, ADMIN), refused=(WORKER, OTHER) + NOBODY,
                    why="the whole record, for reports (supervisors, the head) and the research export (which "
                        "pseudonymises it)")
RESEARCH = dict(allowed=(HEAD, ADMIN), refused=(WORKER, SUPER, OTHER) + NOBODY,
                why="the research export is made by the head of centre or an administrator")
ADMINISTRATION = dict(allowed=(ADMIN,), refused=(WORKER, SUPER, HEAD) + NOBODY, why="users are an administrator's")
EVENTS_READ = dict(allowed=CASE_HOLDERS + (HEAD,), refused=NOBODY + (ADMIN,), why="the events log is not a case")
EVENTS_WRITE = dict(allowed=CASE_HOLDERS, refused=NOBODY + (HEAD, ADMIN), why="the events log is not a case")
CASELOAD = dict(allowed=(WORKER, SUPER, HEAD), refused=NOBODY + (ADMIN,),
                why="each sees the caseloads they may: their own, their team's, all")


def _valid_answers():
    import random

    from workbench.demo import _answers
    from workbench.instruments.loader import load_builtin

    instrument = load_builtin("family_needs_assessment")
    latent = {d.name: 1.5 for d in instrument.domains()}
    return instrument, _answers(random.Random(7), instrument, latent, [(2, "Злата", date(2018, 9, 30))], date(2026, 2, 1), 0)


INSTRUMENT, ANSWERS = _valid_answers()


def _moved(*statuses):
    """Setup: the case moved through ``statuses``, what each move lacks let through by the team's supervisor."""
    def setup(db, w):
        from workbench.case_cycle import missing
        from workbench.store.lifecycle import move_case, move_readiness, override_condition

        for n, status in enumerate(statuses):
            day = date(2026, 2, 10 + n)
            for condition in missing(move_readiness(db, SUPER, w["case"], on=day), status):
                override_condition(db, SUPER, w["case"], to_status=status, condition=condition, reason="рішення",
                                   on=day, today=TODAY)
            move_case(db, WORKER, w["case"], status, on=day, today=TODAY)
    return setup


def _open_goals_abandoned(db, w) -> dict:
    """What a closing says of the case's open goals: each abandoned, with a reason."""
    from workbench.store.plans import case_goals

    return {g["id"]: {"kind": "abandoned", "reason": "відмова"} for g in case_goals(db, HEAD, w["case"])
            if g["status"] == "open"}


def _closed(db, w):
    from workbench.store.lifecycle import close_case

    close_case(db, WORKER, w["case"], reason="refused", goals=_open_goals_abandoned(db, w), on="2026-02-10",
               today=TODAY)


SCAN = b"\x89PNG\r\n\x1a\n" + bytes(24)  # a file's first bytes are what tells its type


def _attached(db, w):
    from workbench.store.attachments import add_attachment

    w["attachment"] = add_attachment(db, WORKER, case_id=w["case"], filename="скан.png", content=SCAN)


def _made(db, w):
    from workbench.store.documents import record_document

    w["document"] = record_document(db, WORKER, case_id=w["case"], kind="act", record_id=w["assessment"], version=1,
                                    lang="uk", template="act.html sha256:0f1e", content=b"%PDF-1.7\n%made by a test\n")


def _shared(db, w):
    from workbench.store.shares import share_case

    w["share"] = share_case(db, WORKER, w["case"], with_user=COLLEAGUE)


PASSWORD = "пароль-для-тесту"


def _passwords(db, w):
    """Setup: every active user of the world has a password (the administrator sets it)."""
    from workbench.store.credentials import set_password

    for name in (ADMIN, WORKER, COLLEAGUE, SUPER, OTHER, OTHER_SUPER, HEAD, RESEARCHER):
        set_password(db, ADMIN, name, PASSWORD)


def recipes() -> dict[str, Recipe]:
    from workbench.store import (agenda, assessments, attachments, audit, caseload, cases, children, credentials,
                                 cycle, deadlines, documents, drafts, eisss,
                                 duplicates, events, instruments, intake, lifecycle, people, plans, records, research,
                                 search,
                                 services, shares, shelter, users)

    member = {"family_name": "Новенька", "given_name": "Яна", "birth_date": "1991-01-01", "sex": "female",
              "relation": "applicant"}
    event = dict(held_on="2026-03-01", event_type="group_session", project="Разом", place="Бібліотека",
                 participants=5, staff=[WORKER], today=TODAY)
    levels = ["гірше", "трохи гірше", "як очікували", "трохи краще", "значно краще"]
    r = {
        # cases, lifecycle, deadlines
        "cases.open_case": Recipe(lambda db, a, w: cases.open_case(db, a, programme="family_support", worker=a,
                                                                   household_id=w["household"], opened_on="2026-03-01",
                                                                   today=TODAY), **OPEN),
        "cases.get_case": Recipe(lambda db, a, w: cases.get_case(db, a, w["case"]), **READ),
        "lifecycle.case_events": Recipe(lambda db, a, w: lifecycle.case_events(db, a, w["case"]), **READ),
        "lifecycle.case_state": Recipe(lambda db, a, w: lifecycle.case_state(db, a, w["case"]), **READ),
        "lifecycle.allowed_moves": Recipe(lambda db, a, w: lifecycle.allowed_moves(db, a, w["case"]), **READ),
        "lifecycle.move_case": Recipe(lambda db, a, w: lifecycle.move_case(db, a, w["case"], "assessment",
                                                                           on="2026-03-01", today=TODAY), **WRITE),
        "lifecycle.close_case": Recipe(lambda db, a, w: lifecycle.close_case(
            db, a, w["case"], reason="refused", goals=_open_goals_abandoned(db, w), on="2026-03-01", today=TODAY),
            **WRITE),
        "lifecycle.reopen_case": Recipe(lambda db, a, w: lifecycle.reopen_case(db, a, w["case"], reason="знову",
                                                                               on="2026-03-01", today=TODAY),
                                        setup=_closed, **WRITE),
        "lifecycle.move_readiness": Recipe(lambda db, a, w: lifecycle.move_readiness(db, a, w["case"], today=TODAY),
                                           **READ),
        "lifecycle.override_condition": Recipe(lambda db, a, w: lifecycle.override_condition(
            db, a, w["case"], to_status="accompaniment", condition="plan_signed_off", reason="супервізор у відпустці",
            on="2026-03-01", today=TODAY), setup=_moved("assessment", "plan"), **SUPERVISOR_ONLY),
        "cycle.moves_against_rules": Recipe(lambda db, a, w: cycle.moves_against_rules(db, a), **AGGREGATE),
        "lifecycle.transfer_case": Recipe(lambda db, a, w: lifecycle.transfer_case(
            db, a, w["case"], to_worker=COLLEAGUE, reason="відпустка", on="2026-03-01", today=TODAY), **SUPERVISOR_ONLY),
        "lifecycle.flag_urgent": Recipe(lambda db, a, w: lifecycle.flag_urgent(db, a, w["case"], note="загроза",
                                                                               on="2026-03-01", today=TODAY), **WRITE),
        "lifecycle.extend_accompaniment": Recipe(lambda db, a, w: lifecycle.extend_accompaniment(
            db, a, w["case"], months=3, reason="складний", on="2026-03-01", today=TODAY),
            setup=_moved("assessment", "plan", "accompaniment"), **WRITE),
        "deadlines.case_deadlines": Recipe(lambda db, a, w: deadlines.case_deadlines(db, a, w["case"], today=TODAY),
                                           **READ),
        # people and intake
        "people.register_person": Recipe(lambda db, a, w: people.register_person(
            db, a, family_name="Нова", given_name="Ліна", birth_date="1990-01-01", sex="female",
            category="idp", consent_given_on="2026-03-01", today=TODAY), **OPEN),
        "people.get_person": Recipe(lambda db, a, w: people.get_person(db, a, w["mother"]), **READ),
        "people.create_household": Recipe(lambda db, a, w: people.create_household(db, a, label="Нові", members=[]),
                                          **OPEN),
        "people.add_household_member": Recipe(lambda db, a, w: people.add_household_member(
            db, a, household_id=w["household"], person_id=w["loner"], relation="grandparent"),
            setup=_loner, **WRITE),
        "people.household_members": Recipe(lambda db, a, w: people.household_members(db, a, w["household"]), **READ),
        "children.case_children": Recipe(lambda db, a, w: children.case_children(db, a, w["case"], on="2026-03-01"),
                                         **READ),
        "children.case_parents": Recipe(lambda db, a, w: children.case_parents(db, a, w["case"], on="2026-03-01"),
                                        **READ),
        "people.withdraw_consent": Recipe(lambda db, a, w: people.withdraw_consent(
            db, a, w["mother"], purpose="research", withdrawn_on="2026-03-01", today=TODAY), **WRITE),
        "people.give_consent": Recipe(lambda db, a, w: people.give_consent(
            db, a, w["mother"], purpose="data_sharing", given_on="2026-03-01", today=TODAY), **WRITE),
        "people.person_consents": Recipe(lambda db, a, w: people.person_consents(db, a, w["mother"]), **READ),
        "people.withdrawn_person_ids": Recipe(lambda db, a, w: people.withdrawn_person_ids(db, a), **WHOLE_RECORD),
        "people.excluded_case_ids": Recipe(lambda db, a, w: people.excluded_case_ids(db, a), **WHOLE_RECORD),
        "people.record_contacts": Recipe(lambda db, a, w: people.record_contacts(db, a, w["mother"], phone="+380501112233"),
                                         **WRITE),
        "people.latest_contacts": Recipe(lambda db, a, w: people.latest_contacts(db, a, w["mother"]), **READ),
        "people.record_idp_certificate": Recipe(lambda db, a, w: people.record_idp_certificate(
            db, a, w["mother"], number="1234-5678901234", issued_on="2025-01-01", today=TODAY), **WRITE),
        "intake.intake": Recipe(lambda db, a, w: intake.intake(db, a, programme="family_support", members=[member],
                                                               category="family_difficult_circumstances",
                                                               consent_given_on="2026-03-01", intake_on="2026-03-01",
                                                               today=TODAY), **OPEN),
        "intake.register_client": Recipe(lambda db, a, w: intake.register_client(
            db, a, family_name="Сама", given_name="Віра", birth_date="1980-05-05", sex="female",
            category="family_difficult_circumstances", consent_given_on="2026-03-01", programme="family_support",
            intake_on="2026-03-01", today=TODAY), **OPEN),
        "duplicates.possible_duplicates": Recipe(lambda db, a, w: duplicates.possible_duplicates(
            db, a, family_name="Тихоліс", given_name="Ганна"), **OPEN),
        "search.case_summaries": Recipe(lambda db, a, w: search.case_summaries(db, a, [w["case"]]),
                                        allowed=CASE_HOLDERS + (HEAD,), refused=NOBODY + (ADMIN,),
                                        why="anyone who works with cases; each gets only the cases they may read"),
        "search.find_cases": Recipe(lambda db, a, w: search.find_cases(db, a, "Тихоліс"),
                                    allowed=CASE_HOLDERS + (HEAD,), refused=NOBODY + (ADMIN,),
                                    why="anyone who works with cases searches; each finds only what they may read"),
        # assessments and drafts
        "assessments.save_assessment": Recipe(lambda db, a, w: assessments.save_assessment(
            db, a, case_id=w["case"], instrument=INSTRUMENT, answers=ANSWERS, assessed_on="2026-03-01", today=TODAY),
            **WRITE),
        "assessments.correct_assessment": Recipe(lambda db, a, w: assessments.correct_assessment(
            db, a, assessment_id=w["assessment"], instrument=INSTRUMENT, answers=ANSWERS, reason="описка",
            today=TODAY), **WRITE),
        "assessments.get_assessment_row": Recipe(lambda db, a, w: assessments.get_assessment_row(db, a, w["assessment"]),
                                                 **READ),
        "assessments.get_assessment": Recipe(lambda db, a, w: assessments.get_assessment(db, a, w["assessment"]), **READ),
        "assessments.assessment_history": Recipe(lambda db, a, w: assessments.assessment_history(db, a, w["assessment"]),
                                                 **READ),
        "assessments.list_assessments": Recipe(lambda db, a, w: assessments.list_assessments(db, a, w["case"]), **READ),
        "drafts.save_draft": Recipe(lambda db, a, w: drafts.save_draft(db, a, draft_key=f"key-{a}", case_id=w["case"],
                                                                       instrument_id=INSTRUMENT.id, content={"x": 1}),
                                    **WRITE),
        "drafts.find_draft": Recipe(lambda db, a, w: drafts.find_draft(db, a, w["case"], INSTRUMENT.id), **WRITE),
        "drafts.end_draft": Recipe(lambda db, a, w: drafts.end_draft(db, a, "draft-1", case_id=w["case"],
                                                                     outcome="discarded"), **WRITE),
        "instruments.register_instrument": Recipe(lambda db, a, w: instruments.register_instrument(db, a, _other_form()),
                                                  **ADMINISTRATION),
        # plans
        "plans.add_goal": Recipe(lambda db, a, w: plans.add_goal(
            db, a, w["case"], wish="робота", title="Знайти роботу", domain="work_education", set_on="2026-03-01",
            target_date="2026-09-01", levels=levels, today=TODAY), **WRITE),
        "plans.add_action": Recipe(lambda db, a, w: plans.add_action(db, a, w["goal"], what="резюме", who="клієнт",
                                                                     due_on="2026-04-01", today=TODAY), **WRITE),
        "plans.complete_action": Recipe(lambda db, a, w: plans.complete_action(db, a, w["action"], done_on="2026-03-01",
                                                                               today=TODAY), **WRITE),
        "plans.review_goal": Recipe(lambda db, a, w: plans.review_goal(db, a, w["goal"], level=1,
                                                                       reviewed_on="2026-03-01", today=TODAY), **WRITE),
        "plans.close_goal": Recipe(lambda db, a, w: plans.close_goal(db, a, w["goal"], kind="achieved",
                                                                     on="2026-03-01", today=TODAY), **WRITE),
        "plans.sign_off": Recipe(lambda db, a, w: plans.sign_off(db, a, w["case"], kind="plan", on="2026-03-01",
                                                                 today=TODAY), **SUPERVISOR_ONLY),
        "plans.case_goals": Recipe(lambda db, a, w: plans.case_goals(db, a, w["case"]), **READ),
        "plans.signoffs": Recipe(lambda db, a, w: plans.signoffs(db, a, w["case"]), **READ),
        # services, stays, shares
        "services.record_service": Recipe(lambda db, a, w: services.record_service(
            db, a, w["case"], service_type="consultation", provided_on="2026-03-01", today=TODAY), **WRITE),
        "services.record_referral_outcome": Recipe(lambda db, a, w: services.record_referral_outcome(
            db, a, w["referral"], outcome="received", on="2026-03-01", today=TODAY), **WRITE),
        "services.case_services": Recipe(lambda db, a, w: services.case_services(db, a, w["case"]), **READ),
        "shelter.record_stay": Recipe(lambda db, a, w: shelter.record_stay(
            db, a, w["child"], shelter="Гуртожиток", from_on="2026-03-01", case_id=w["case"], today=TODAY), **WRITE),
        "shelter.end_stay": Recipe(lambda db, a, w: shelter.end_stay(db, a, w["stay"], to_on="2026-03-01", today=TODAY),
                                   **WRITE),
        "shelter.person_stays": Recipe(lambda db, a, w: shelter.person_stays(db, a, w["mother"]), **READ),
        "shelter.case_stays": Recipe(lambda db, a, w: shelter.case_stays(db, a, w["case"]), **READ),
        "shares.share_case": Recipe(lambda db, a, w: shares.share_case(db, a, w["case"], with_user=COLLEAGUE),
                                    allowed=(WORKER, SUPER), refused=CASE_OUTSIDERS + (HEAD,)),
        "shares.revoke_share": Recipe(lambda db, a, w: shares.revoke_share(db, a, w["share"]), setup=_shared,
                                      allowed=(WORKER, SUPER), refused=CASE_OUTSIDERS + (HEAD, COLLEAGUE),
                                      why="a colleague the case is shared with cannot end the share"),
        "shares.case_shares": Recipe(lambda db, a, w: shares.case_shares(db, a, w["case"]), **READ),
        # documents made from saved records
        "documents.printable": Recipe(lambda db, a, w: documents.printable(db, a, w["case"]), **READ),
        "documents.document_record": Recipe(lambda db, a, w: documents.document_record(
            db, a, case_id=w["case"], kind="act", record_id=w["assessment"]), **READ),
        "documents.record_document": Recipe(lambda db, a, w: documents.record_document(
            db, a, case_id=w["case"], kind="act", record_id=w["assessment"], version=1, lang="uk",
            template="act.html sha256:0f1e", content=b"%PDF-1.7\n%made by a test\n"),
            why="making a document prints what one may read (the head of centre signs the act)", **READ),
        "documents.list_documents": Recipe(lambda db, a, w: documents.list_documents(db, a, w["case"]), **READ),
        "documents.read_document": Recipe(lambda db, a, w: documents.read_document(db, a, w["document"]),
                                          setup=_made, **READ),
        # the paper trail: files kept with a case, the act's entry into ЄІССС
        "attachments.add_attachment": Recipe(lambda db, a, w: attachments.add_attachment(
            db, a, case_id=w["case"], filename="скан.png", content=SCAN, note="підписано"), **WRITE),
        "attachments.list_attachments": Recipe(lambda db, a, w: attachments.list_attachments(db, a, w["case"]), **READ),
        "attachments.read_attachment": Recipe(lambda db, a, w: attachments.read_attachment(db, a, w["attachment"]),
                                              setup=_attached, **READ),
        "eisss.record_eisss_entry": Recipe(lambda db, a, w: eisss.record_eisss_entry(
            db, a, assessment_id=w["assessment"], entered_on="2026-02-02", note="внесено", today=TODAY), **WRITE),
        "eisss.case_acts": Recipe(lambda db, a, w: eisss.case_acts(db, a, w["case"], today=TODAY), **READ),
        # events of group work
        "events.record_event": Recipe(lambda db, a, w: events.record_event(db, a, **event), **EVENTS_WRITE),
        "events.correct_event": Recipe(lambda db, a, w: events.correct_event(db, a, w["event"], reason="дорахували",
                                                                             **dict(event, participants=6)),
                                       **EVENTS_WRITE),
        "events.get_event": Recipe(lambda db, a, w: events.get_event(db, a, w["event"]), **EVENTS_READ),
        "events.list_events": Recipe(lambda db, a, w: events.list_events(db, a), **EVENTS_READ),
        "events.event_history": Recipe(lambda db, a, w: events.event_history(db, a, w["event"]), **EVENTS_READ),
        # caseloads
        "caseload.caseload_scope": Recipe(lambda db, a, w: caseload.caseload_scope(db, a), **CASELOAD),
        "caseload.cases_held": Recipe(lambda db, a, w: caseload.cases_held(db, a, WORKER), allowed=(WORKER, SUPER, HEAD),
                                      refused=NOBODY + (OTHER, OTHER_SUPER, ADMIN), keys=("policy.", "caseload."),
                                      why="a worker's caseload: theirs, their supervisor's, the head's"),
        "caseload.cases_needing_a_worker": Recipe(lambda db, a, w: caseload.cases_needing_a_worker(db, a), **CASELOAD),
        "caseload.case_states": Recipe(lambda db, a, w: caseload.case_states(
            db, a, None, date(2026, 1, 1), date(2026, 6, 30), TODAY), **CASELOAD),
        "caseload.goals_in_force": Recipe(lambda db, a, w: caseload.goals_in_force(db, a, TODAY), **CASELOAD),
        "caseload.case_statuses": Recipe(lambda db, a, w: caseload.case_statuses(db, a, TODAY), **CASELOAD),
        "agenda.needs_action": Recipe(lambda db, a, w: agenda.needs_action(db, a, TODAY, whole_team=True), **CASELOAD),
        # aggregates, research, audit, users
        "audit.record_opening": Recipe(lambda db, a, w: audit.record_opening(db, a, opened="case", record=w["case"]),
                                       **READ),
        "audit.case_readings": Recipe(lambda db, a, w: audit.case_readings(db, a, w["case"]), allowed=(SUPER, HEAD),
                                      refused=(WORKER, OTHER, OTHER_SUPER) + NOBODY,
                                      why="who opened a client's record: the team's supervisor and the head of centre"),
        "audit.readings_by_case": Recipe(lambda db, a, w: audit.readings_by_case(db, a), allowed=(SUPER, OTHER_SUPER, HEAD),
                                         refused=(WORKER, OTHER, ADMIN) + NOBODY,
                                         why="who opened clients' records: supervisors and the head of centre"),
        "audit.audit_rows": Recipe(lambda db, a, w: audit.audit_rows(db, a), allowed=(HEAD, ADMIN),
                                   refused=(WORKER, SUPER) + NOBODY, why="who did what is for the head and administrators"),
        "audit.record_export": Recipe(lambda db, a, w: audit.record_export(
            db, a, action="export_report", entity="reports", entity_id="2026", details={}), **AGGREGATE),
        "users.add_user": Recipe(lambda db, a, w: users.add_user(db, a, username="new.one", display_name="Нова",
                                                                 role="case_manager"), **ADMINISTRATION),
        "users.deactivate_user": Recipe(lambda db, a, w: users.deactivate_user(db, a, COLLEAGUE, reason="звільнення"),
                                        **ADMINISTRATION),
        "users.set_role": Recipe(lambda db, a, w: users.set_role(db, a, COLLEAGUE, "supervisor"), **ADMINISTRATION),
        "users.set_teams": Recipe(lambda db, a, w: users.set_teams(db, a, COLLEAGUE, ["b"]), **ADMINISTRATION),
        "users.list_users": Recipe(lambda db, a, w: users.list_users(db, a), **ADMINISTRATION),
        "users.staff": Recipe(lambda db, a, w: users.staff(db, a), allowed=CASE_HOLDERS + (HEAD, ADMIN),
                              refused=NOBODY, why="the staff list is for everyone who works here"),
        "credentials.reset_password": Recipe(lambda db, a, w: credentials.reset_password(db, a, COLLEAGUE),
                                             **ADMINISTRATION),
        "credentials.set_password": Recipe(lambda db, a, w: credentials.set_password(db, a, COLLEAGUE, "новий-пароль-1"),
                                           **ADMINISTRATION),
        "credentials.password_state": Recipe(lambda db, a, w: credentials.password_state(db, a, COLLEAGUE),
                                             **ADMINISTRATION),
        "credentials.change_password": Recipe(
            lambda db, a, w: credentials.change_password(db, a, current=PASSWORD, new="новий-пароль-1",
                                                         repeated="новий-пароль-1"),
            allowed=CASE_HOLDERS + (HEAD, ADMIN), refused=NOBODY, setup=_passwords,
            why="every staff member changes their own password (the researcher has no server to sign in to)"),
        "users.staff_names": Recipe(lambda db, a, w: users.staff_names(db, a), allowed=CASE_HOLDERS + (HEAD, ADMIN),
                                    refused=NOBODY, why="the staff list is for everyone who works here"),
        "users.staff_member": Recipe(lambda db, a, w: users.staff_member(db, a, WORKER),
                                     allowed=CASE_HOLDERS + (HEAD, ADMIN), refused=NOBODY,
                                     why="the staff list is for everyone who works here"),
    }
    for name in ("domain_scores", "assessment_heads", "cases", "case_openings", "case_event_rows", "case_persons",
                 "assessments", "answers", "goal_reviews", "goals", "services", "events", "shelter_stays"):
        r[f"records.{name}"] = Recipe(_whole(getattr(records, name)), **WHOLE_RECORD)
    for name in ("withdrawn_case_ids", "subject_person_ids", "assessment_roots", "scored_answers", "text_answers",
                 "goal_words"):
        r[f"research.{name}"] = Recipe(_whole(getattr(research, name)), **RESEARCH)
    r["research.consented_person_ids"] = Recipe(lambda db, a, w: research.consented_person_ids(db, a, "research"),
                                                **RESEARCH)
    return r


def _whole(function):
    """A recipe's call for a read of the whole record, which takes nothing but the actor."""
    return lambda db, actor, world: function(db, actor)


def _loner(db, w):
    from workbench.store.people import register_person

    w["loner"] = register_person(db, WORKER, family_name="Самотній", given_name="Іван", birth_date="1950-01-01",
                                 sex="male", category="family_difficult_circumstances", consent_given_on="2026-03-01",
                                 today=TODAY)


def _other_form():
    from workbench.instruments.loader import load_builtin

    return load_builtin("care_profile")


def public_functions() -> list[str]:
    """``module.function`` for every public function defined in a module of workbench/store/."""
    found = []
    for info in pkgutil.iter_modules(workbench.store.__path__):
        module = importlib.import_module(f"workbench.store.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and obj.__module__ == module.__name__:
                found.append(f"{info.name}.{name}")
    return sorted(found)


def exempt(name: str) -> bool:
    return name in EXEMPT or f"{name.split('.')[0]}.*" in EXEMPT or name.startswith("schema.m0")


RECIPES = recipes()


def test_every_public_function_of_the_store_has_a_recipe_or_a_stated_exemption():
    functions = public_functions()
    walked = [name for name in functions if not exempt(name)]
    assert sorted(set(walked) - set(RECIPES)) == [], "a store function without a recipe here"
    assert sorted(set(RECIPES) - set(functions)) == [], "a recipe for a function that is gone"
    assert len(walked) > 90  # the note reports this number


# --- the world --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def world_file(tmp_path_factory):
    """A small database: two teams, every role, one family case with a record of every kind."""
    path = tmp_path_factory.mktemp("access") / "world.db"
    return path, build_world(path)


def build_world(path) -> dict:
    """Write the world to ``path`` (see :func:`world_file`; also tests/hostile_harness.py outside pytest);
    returns the ids of its records by name."""
    from workbench.store.assessments import save_assessment
    from workbench.store.connection import open_db
    from workbench.store.drafts import save_draft
    from workbench.store.events import record_event
    from workbench.store.intake import intake
    from workbench.store.people import household_members
    from workbench.store.plans import add_action, add_goal
    from workbench.store.services import record_service
    from workbench.store.shelter import record_stay
    from workbench.store.users import add_user, deactivate_user

    db = open_db(path, migrate=True)
    add_user(db, ADMIN, username=ADMIN, display_name="Адмін", role="administrator")
    for name, role, teams in ((WORKER, "case_manager", ["a"]), (COLLEAGUE, "case_manager", ["a"]),
                              (SUPER, "supervisor", ["a"]), (OTHER, "case_manager", ["b"]),
                              (OTHER_SUPER, "supervisor", ["b"]), (GONE, "case_manager", ["a"]),
                              (HEAD, "head_of_centre", []), (RESEARCHER, "researcher", [])):
        add_user(db, ADMIN, username=name, display_name=name.title(), role=role, teams=teams)
    deactivate_user(db, ADMIN, GONE, reason="звільнилася")
    case = intake(db, WORKER, programme="family_support", category="family_difficult_circumstances",
                  members=[{"family_name": "Тихоліс", "given_name": "Ганна", "birth_date": "1990-04-02",
                            "sex": "female", "relation": "applicant"},
                           {"family_name": "Тихоліс", "given_name": "Злата", "birth_date": "2018-09-30",
                            "sex": "female", "relation": "child", "consent_given_by": "мати"}],
                  consent_given_on="2026-01-10", consent_purposes=["data_processing", "research"],
                  intake_on="2026-01-10", today=TODAY)
    from workbench.store.cases import get_case

    household = get_case(db, WORKER, case)["household_id"]
    mother, child = [m["id"] for m in household_members(db, WORKER, household)]
    assessment = save_assessment(db, WORKER, case_id=case, instrument=INSTRUMENT, answers=ANSWERS,
                                 assessed_on="2026-02-01", today=TODAY)
    goal = add_goal(db, WORKER, case, wish="житло", title="Житло", domain="housing", set_on="2026-02-02",
                    target_date="2026-08-01", levels=["a", "b", "c", "d", "e"], today=TODAY)
    action = add_action(db, WORKER, goal, what="заява", who="мати", due_on="2026-03-01", today=TODAY)
    referral = record_service(db, WORKER, case, service_type="referral", provided_on="2026-02-03",
                              referral_to="Центр зайнятості", today=TODAY)
    stay = record_stay(db, WORKER, mother, shelter="Гуртожиток", from_on="2026-02-04", case_id=case, today=TODAY)
    save_draft(db, WORKER, draft_key="draft-1", case_id=case, instrument_id=INSTRUMENT.id, content={"x": 1})
    event = record_event(db, WORKER, held_on="2026-02-05", event_type="training", project="Разом", place="Центр",
                         participants=8, staff=[WORKER], today=TODAY)
    db.conn.close()
    return {"case": case, "household": household, "mother": mother, "child": child, "assessment": assessment,
            "goal": goal, "action": action, "referral": referral, "stay": stay, "event": event}


def _copy(world_file, tmp_path, recipe):
    from workbench.store.connection import open_db

    path, ids = world_file
    copy = tmp_path / "copy.db"
    copy_database(path, copy)
    db = open_db(copy)
    w = dict(ids)
    if recipe.setup:
        recipe.setup(db, w)
    return db, w


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_outsiders_are_refused_and_nothing_is_written(name, world_file, tmp_path):
    recipe = RECIPES[name]
    assert set(NOBODY) <= set(recipe.refused), "the deactivated, the unknown and the researcher are refused everything"
    if set(recipe.allowed) >= {WORKER, SUPER} and recipe.allowed != CASE_HOLDERS + (HEAD,):
        assert OTHER in recipe.refused or recipe.why, "a case manager of another team is refused, or why not"
    db, w = _copy(world_file, tmp_path, recipe)
    try:
        before = row_counts(db)
        for actor in recipe.refused:
            with pytest.raises(UserError) as caught:
                recipe.call(db, actor, w)
            assert caught.value.key.startswith(recipe.keys), (actor, caught.value.key)
            assert caught.value.message("uk") != caught.value.message("en")
            assert row_counts(db) == before, actor
    finally:
        db.conn.close()


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_those_who_may_are_allowed(name, world_file, tmp_path):
    recipe = RECIPES[name]
    assert recipe.allowed
    for n, actor in enumerate(recipe.allowed):
        db, w = _fresh(world_file, tmp_path, n, recipe)  # each on its own copy: a write changes the world
        try:
            recipe.call(db, actor, w)
        finally:
            db.conn.close()


def _fresh(world_file, tmp_path, n, recipe):
    folder = tmp_path / f"as-{n}"
    folder.mkdir()
    return _copy(world_file, folder, recipe)


# --- ids: checked for type before they reach SQL, and against the case they are said to belong to ----

BAD_IDS = ([1], {"id": 1}, 2**70, -1, 0, "1", "1; drop table cases", True, 1.5, None)


def _id_calls():
    from workbench.store import (assessments, attachments, cases, deadlines, documents, drafts, eisss, events, lifecycle, people,
                                 plans, services, shares, shelter)

    return {
        "cases.get_case": lambda db, x: cases.get_case(db, WORKER, x),
        "lifecycle.case_state": lambda db, x: lifecycle.case_state(db, WORKER, x),
        "lifecycle.move_case": lambda db, x: lifecycle.move_case(db, WORKER, x, "assessment", on="2026-03-01",
                                                                 today=TODAY),
        "deadlines.case_deadlines": lambda db, x: deadlines.case_deadlines(db, WORKER, x, today=TODAY),
        "assessments.get_assessment": lambda db, x: assessments.get_assessment(db, WORKER, x),
        "assessments.correct_assessment": lambda db, x: assessments.correct_assessment(
            db, WORKER, assessment_id=x, instrument=INSTRUMENT, answers=ANSWERS, reason="описка", today=TODAY),
        "people.get_person": lambda db, x: people.get_person(db, WORKER, x),
        "people.household_members": lambda db, x: people.household_members(db, WORKER, x),
        "people.withdraw_consent": lambda db, x: people.withdraw_consent(db, WORKER, x, purpose="research",
                                                                         today=TODAY),
        "plans.review_goal": lambda db, x: plans.review_goal(db, WORKER, x, level=0, reviewed_on="2026-03-01",
                                                             today=TODAY),
        "plans.complete_action": lambda db, x: plans.complete_action(db, WORKER, x, done_on="2026-03-01", today=TODAY),
        "plans.add_goal": lambda db, x: plans.add_goal(db, WORKER, x, wish="w", title="t", domain="housing",
                                                       set_on="2026-03-01", target_date="2026-09-01",
                                                       levels=list("abcde"), today=TODAY),
        "services.record_service": lambda db, x: services.record_service(
            db, WORKER, x, service_type="consultation", provided_on="2026-03-01", today=TODAY),
        "services.record_referral_outcome": lambda db, x: services.record_referral_outcome(
            db, WORKER, x, outcome="received", on="2026-03-01", today=TODAY),
        "shelter.end_stay": lambda db, x: shelter.end_stay(db, WORKER, x, to_on="2026-03-01", today=TODAY),
        "shelter.record_stay": lambda db, x: shelter.record_stay(db, WORKER, x, shelter="Г", from_on="2026-03-01",
                                                                 today=TODAY),
        "shares.revoke_share": lambda db, x: shares.revoke_share(db, WORKER, x),
        "drafts.save_draft": lambda db, x: drafts.save_draft(db, WORKER, draft_key="k", case_id=x,
                                                             instrument_id=INSTRUMENT.id, content={}),
        "events.get_event": lambda db, x: events.get_event(db, WORKER, x),
        "attachments.add_attachment": lambda db, x: attachments.add_attachment(db, WORKER, case_id=x, filename="a.png",
                                                                               content=SCAN),
        "attachments.read_attachment": lambda db, x: attachments.read_attachment(db, WORKER, x),
        "documents.read_document": lambda db, x: documents.read_document(db, WORKER, x),
        "eisss.record_eisss_entry": lambda db, x: eisss.record_eisss_entry(db, WORKER, assessment_id=x,
                                                                           entered_on="2026-02-02", today=TODAY),
    }


ID_CALLS = _id_calls()


@pytest.mark.parametrize("name", sorted(ID_CALLS))
def test_ids_of_the_wrong_type_are_refused_in_both_languages_and_write_nothing(name, world_file, tmp_path):
    db, _ = _copy(world_file, tmp_path, Recipe(None, (), ()))
    try:
        before = row_counts(db)
        for bad in BAD_IDS:
            with pytest.raises(UserError) as caught:
                ID_CALLS[name](db, bad)
            uk, en = caught.value.message("uk"), caught.value.message("en")
            assert uk != en and not re.search(r"\{[a-z_]+\}", uk + en), (bad, caught.value.key)  # all filled
            assert row_counts(db) == before
    finally:
        db.conn.close()


def test_a_record_said_to_belong_to_another_case_is_refused(world_file, tmp_path):
    from workbench.store import plans, services, shelter
    from workbench.store.intake import register_client

    db, w = _copy(world_file, tmp_path, Recipe(None, (), ()))
    try:
        other = register_client(db, WORKER, family_name="Друга", given_name="Справа", birth_date="1970-01-01",
                                sex="male", category="family_difficult_circumstances", consent_given_on="2026-03-01",
                                programme="family_support", intake_on="2026-03-01", today=TODAY)
        before = row_counts(db)
        calls = [lambda: plans.review_goal(db, WORKER, w["goal"], level=1, reviewed_on="2026-03-02", case_id=other,
                                           today=TODAY),
                 lambda: services.record_referral_outcome(db, WORKER, w["referral"], outcome="received",
                                                          on="2026-03-02", case_id=other, today=TODAY),
                 lambda: shelter.end_stay(db, WORKER, w["stay"], to_on="2026-03-02", case_id=other, today=TODAY),
                 lambda: plans.add_goal(db, WORKER, other, wish="w", title="t", domain="housing", set_on="2026-03-02",
                                        target_date="2026-09-01", levels=list("abcde"),
                                        source_assessment_id=w["assessment"], today=TODAY)]
        for call in calls:
            with pytest.raises(UserError) as caught:
                call()
            assert caught.value.key == "guard.case_mismatch"
        assert row_counts(db) == before
    finally:
        db.conn.close()


def test_a_search_finds_only_the_cases_one_may_read(world_file, tmp_path):
    from workbench.store.search import find_cases

    db, w = _copy(world_file, tmp_path, Recipe(None, (), ()))
    try:
        assert [r["id"] for r in find_cases(db, WORKER, "Тихоліс")[0]] == [w["case"]]
        assert [r["id"] for r in find_cases(db, SUPER, "Тихоліс")[0]] == [w["case"]]
        assert find_cases(db, OTHER, "Тихоліс") == ([], 0)
        assert find_cases(db, OTHER_SUPER, "2026-") == ([], 0)
    finally:
        db.conn.close()


def test_the_duplicate_warning_looks_across_the_register_but_shows_others_only_whose_they_are(world_file, tmp_path):
    from workbench.store.duplicates import possible_duplicates

    db, _ = _copy(world_file, tmp_path, Recipe(None, (), ()))
    try:
        mine = possible_duplicates(db, WORKER, family_name="Тихоліс", given_name="Ганна", birth_date="02.04.1990")
        assert mine[0]["family_name"] == "Тихоліс" and not mine[0]["restricted"] and mine[0]["cases"]
        theirs = possible_duplicates(db, OTHER, family_name="Тихоліс", given_name="Ганна", birth_date="02.04.1990")
        assert theirs[0]["restricted"] and theirs[0]["held_by"] == ["A.Worker"]
        assert set(theirs[0]) == {"score", "cases", "held_by", "restricted"} and theirs[0]["cases"] == []
    finally:
        db.conn.close()


def test_withdrawing_consent_withdraws_every_consent_of_that_purpose_in_force(world_file, tmp_path):
    from workbench.store.people import give_consent, person_consents, withdraw_consent

    db, w = _copy(world_file, tmp_path, Recipe(None, (), ()))
    try:
        give_consent(db, WORKER, w["mother"], purpose="data_processing", given_on="2026-02-01", today=TODAY)
        withdrawn = withdraw_consent(db, WORKER, w["mother"], withdrawn_on="2026-03-01", today=TODAY)
        assert len(withdrawn) == 2
        consents = person_consents(db, WORKER, w["mother"])
        assert all(c["withdrawn_on"] for c in consents if c["purpose"] == "data_processing")
        assert [c["withdrawn_on"] for c in consents if c["purpose"] == "research"] == [None]  # research stays
    finally:
        db.conn.close()
