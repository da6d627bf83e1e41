"""Saving, correcting and reading assessments.

A saved assessment is never changed: a correction is a new assessment whose
``supersedes`` points at the version it replaces (the unique index on
``supersedes`` keeps the history a single line even under two writers).
Saving the same submission twice gives back the first one's id. Each assessment has a
purpose (configured ``assessment_purposes``): a needs assessment unless said otherwise.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from .. import i18n
from ..i18n import UserError
from ..instruments.model import MEDIA_TYPES, ChosenFile, Instrument
from ..instruments.recorded import recorded_values
from ..instruments.validation import CheckedSubmission, Problem, answer_rows, answers_from_rows, check_submission
from . import arguments
from .attachments import _check_form_file, _keep_form_file, _link_earlier_file
from .audit import _audit
from .cases import _case_row
from .children import (CHILD_PERSON, CHILD_REPEAT, _apply_children, _prepare_children, _stored_child_ids,
                       links_children)
from .connection import now, write_transaction
from .guard import allow, allow_case, record_id
from .inputs import Checker, ua_date
from .instruments import _register_instrument

i18n.add({
    "assessment.invalid": {
        "uk": "Оцінювання не збережено: {count} поле(ів) потребують виправлення.",
        "en": "The assessment was not saved: {count} field(s) need correcting.",
    },
    "assessment.not_found": {"uk": "Оцінювання №{id} не знайдено.", "en": "Assessment #{id} was not found."},
    "assessment.already_corrected": {
        "uk": "Цю версію вже виправлено (новіша версія №{newer}). Виправляйте останню версію.",
        "en": "This version has already been corrected (newer version #{newer}). Correct the latest version.",
    },
    "assessment.other_instrument": {
        "uk": "Виправлення має використовувати той самий інструмент і версію ({id} {version}).",
        "en": "A correction must use the same instrument and version ({id} {version}).",
    },
    "assessment.key_reused": {
        "uk": "Цю форму вже збережено з іншим змістом. Відкрийте збережене оцінювання й збережіть виправлення.",
        "en": "This form was already saved with other content. Open the saved assessment and save a correction.",
    },
    "assessment.before_case": {
        "uk": "Дата оцінювання не може бути раніше відкриття випадку ({opened}).",
        "en": "The assessment date cannot be before the case was opened ({opened}).",
    },
    "assessment.file_not_kept": {
        "uk": "Файлу «{name}» немає серед файлів цього оцінювання: виберіть файл.",
        "en": "The file '{name}' is not among this assessment's files: choose the file.",
    },
    "assessment.file_same_name": {
        "uk": "Інший вибраний файл має ту саму назву «{name}»: перейменуйте один із них.",
        "en": "Another chosen file has the same name '{name}': rename one of them.",
    },
    "assessment.bad_start": {
        "uk": "Час відкриття форми має бути моментом не пізніше збереження.",
        "en": "The time the form was opened must be a moment no later than saving.",
    },
    "assessment.reason_required": {
        "uk": "Вкажіть причину виправлення.",
        "en": "Give the reason for the correction.",
    },
})


DEFAULT_PURPOSE = "needs_assessment"  # also how rows saved before the purpose column read


class SubmissionInvalid(UserError):
    """The answers did not pass the instrument's checks; ``checked.problems`` says where."""

    def __init__(self, checked: CheckedSubmission):
        self.checked = checked
        super().__init__("assessment.invalid", count=len({(p.item, p.instance) for p in checked.problems}))


def save_assessment(db, actor: str, *, case_id, instrument: Instrument, answers: dict, assessed_on=None,
                    submission_key: str | None = None, today: date | None = None, purpose=None,
                    new_children: dict | None = None, started_at: datetime | None = None,
                    _supersedes: int | None = None, _reason: str | None = None) -> int:
    """Validate and save an assessment for a case in one transaction; returns its id.

    ``submission_key`` identifies one filling of a form (the form view makes one);
    saving the same key again returns the same id. ``purpose`` is a code of the configured
    ``assessment_purposes`` (None: ``needs_assessment``). When the instrument links its child
    entries to persons (``child_person``), a child entry without one is registered on the case's
    household in the same transaction, as ``new_children`` says (see
    :func:`workbench.store.children._prepare_children`). The answer to an image, audio, video or file question
    is a :class:`ChosenFile` (kept as an attachment of the assessment, in the same transaction; the answer
    stored is its name) or, in a correction, the name of a file of the corrected version (kept: linked again).
    The form's metadata rows are filled here, whatever ``answers`` says of them: ``start`` with ``started_at``
    (when the app opened the form; None: now), ``end`` with now, ``today`` with ``today``, ``username`` with
    ``actor``.
    Raises ``SubmissionInvalid``, ``UserError``
    (``ChildDuplicates`` for an added child who may already be registered); nothing is written then.
    """
    allow(db, actor, "case.write", case_id)
    submission_key = arguments.text(None if submission_key == "" else submission_key, "submission_key", limit=200,
                                    optional=True)
    today = today or date.today()
    check = Checker()
    assessed = check.date("assessed_on", assessed_on or today, today=today)
    purpose = DEFAULT_PURPOSE if purpose is None else check.code("purpose", purpose, "assessment_purposes")
    check.raise_if_any()
    saved_at = datetime.now().astimezone()
    if started_at is None:
        started_at = saved_at
    if not isinstance(started_at, datetime) or started_at.astimezone() > saved_at:
        raise UserError("assessment.bad_start")
    recorded = recorded_values(started=started_at, ended=saved_at, day=today, username=actor)
    checked = check_submission(instrument, answers, today=today, recorded=recorded)
    if not checked.ok:
        raise SubmissionInvalid(checked)
    files = _checked_files(db, instrument, checked, _supersedes)
    case = _case_row(db, case_id)
    if assessed.isoformat() < case["opened_on"]:
        raise UserError("assessment.before_case", opened=ua_date(case["opened_on"]))
    linking = links_children(instrument)
    if new_children and not linking:
        raise UserError("validation.not_instances", name=CHILD_REPEAT)

    def content_of(answers):
        rows = answer_rows(instrument, answers)
        return rows, content_sha256(case["id"], instrument.id, instrument.version, assessed.isoformat(), _supersedes,
                                    [(r["repeat"], r["instance"], r["item"], r["value"]) for r in rows], purpose)

    with write_transaction(db):
        answers = checked.answers
        key = submission_key
        existing = db.execute("select id, content_sha256 from assessments where submission_key = ?",
                              [key]).fetchone() if key else None
        if existing and linking:
            # The same form saved again (a second click): its added children were registered by the first save.
            stored = _stored_child_ids(db, existing[0])
            answers = dict(answers, **{CHILD_REPEAT: [
                dict(e, **{CHILD_PERSON: e.get(CHILD_PERSON) or stored.get(n)}) if e.get(CHILD_PERSON) or stored.get(n)
                else e for n, e in enumerate(answers.get(CHILD_REPEAT) or [], start=1)]}) \
                if answers.get(CHILD_REPEAT) else answers
            new_children = None
        plan = _prepare_children(db, actor, case, answers, new_children, assessed, today) if linking else None
        if plan is not None:
            answers = _apply_children(db, actor, plan, answers, today)
            # The register's names and dates of birth may differ from those typed (a linked duplicate): check again.
            rechecked = check_submission(instrument, _inputs_only(instrument, answers), today=today, recorded=recorded)
            if not rechecked.ok:
                raise SubmissionInvalid(rechecked)
            answers = rechecked.answers
        if existing:  # the same form saved again: what was recorded when it was first saved stays
            answers = dict(answers, **_recorded_answers(db, instrument, existing[0]))
        rows, content = content_of(answers)
        key = key or "content:" + content
        existing = existing or db.execute("select id, content_sha256 from assessments where submission_key = ?",
                                          [key]).fetchone()
        if existing:
            if existing[1] != content:
                raise UserError("assessment.key_reused")
            return existing[0]
        _register_instrument(db, instrument, actor)
        assessment_id = db["assessments"].insert({
            "case_id": case["id"], "instrument_id": instrument.id, "instrument_version": instrument.version,
            "assessed_on": assessed.isoformat(), "purpose": purpose, "supersedes": _supersedes,
            "correction_reason": _reason,
            "submission_key": key, "content_sha256": content, "created_at": now(), "created_by": actor,
        }).last_pk
        db.conn.executemany(
            "insert into answers (assessment_id, repeat, instance, item, value, number) values (?, ?, ?, ?, ?, ?)",
            [(assessment_id, r["repeat"], r["instance"], r["item"], r["value"], r["number"]) for r in rows])
        for name, found in files.items():
            if found is None:
                _link_earlier_file(db, actor, case_id=case["id"], assessment_id=assessment_id, earlier_id=_supersedes,
                                   filename=name)
            else:
                _keep_form_file(db, actor, case_id=case["id"], assessment_id=assessment_id, filename=name,
                                data=found[1], kind=found[2])
        _audit(db, actor=actor, action="correct_assessment" if _supersedes else "save_assessment",
               entity="assessments", entity_id=assessment_id,
               details={"case_id": case["id"], "instrument": f"{instrument.id}@{instrument.version}",
                        "answers": len(rows), "supersedes": _supersedes, "purpose": purpose})
    return assessment_id


def _checked_files(db, instrument: Instrument, checked: CheckedSubmission, supersedes: int | None) -> dict:
    """The files the media answers name, by name: ``(name, bytes, media type)`` for a chosen file, None for one
    the corrected version ``supersedes`` kept. Raises ``SubmissionInvalid`` with each refused file's problem
    under its question (type, size, a name two different files share, a kept name that version lacks)."""
    files, problems = {}, []

    def look(name, value, instance):
        item = instrument.items[name]
        if item.type not in MEDIA_TYPES:
            return
        if isinstance(value, ChosenFile):
            found = _check_form_file(item.type, value.name, value.content)
        elif supersedes is not None and db.execute(
                "select 1 from attachments where assessment_id = ? and filename = ?", [supersedes, value]).fetchone():
            found = None
        else:
            found = UserError("assessment.file_not_kept", name=value)
        if isinstance(found, UserError):
            problems.append(Problem(name, instance, found.key, found.params))
        elif str(value) in files and files[str(value)] != found:
            problems.append(Problem(name, instance, "assessment.file_same_name", {"name": str(value)}))
        else:
            files[str(value)] = found

    def walk(scope, numbers: tuple[int, ...]):  # entries' numbers outermost first; placed as problems are
        for name, value in scope.items():
            if name in instrument.repeats:
                for number, entry in enumerate(value, start=1):
                    walk(entry, numbers + (number,))
            else:
                look(name, value, numbers[0] if len(numbers) == 1 else numbers or 0)
    walk(checked.answers, ())
    if problems:
        raise SubmissionInvalid(CheckedSubmission(checked.answers, problems, checked.hidden))
    return files


def _recorded_answers(db, instrument: Instrument, assessment_id: int) -> dict:
    """The metadata answers (``start``, ``end``...) assessment ``assessment_id`` keeps, as text."""
    return {row[0]: row[1] for row in db.execute("select item, value from answers where assessment_id = ? and "
                                                 "repeat = ''", [assessment_id])
            if row[0] in instrument.items and instrument.items[row[0]].type == "metadata"}


def _inputs_only(instrument: Instrument, answers: dict) -> dict:
    """Clean answers without their calculated values (checking them again computes those anew)."""
    def keep(scope):  # at every level: a repeat inside a repeat holds calculations too
        return {k: [keep(e) for e in v] if k in instrument.repeats else v for k, v in scope.items()
                if k in instrument.repeats or instrument.items[k].type != "calculate"}
    return keep(answers)


def content_sha256(case_id: int, instrument_id: str, instrument_version: str, assessed_on: str,
                   supersedes: int | None, answers, purpose: str) -> str:
    """The hash of an assessment's content, written with it and re-checked by ``workbench check``:
    ``answers`` are its (repeat, instance, item, value) tuples in any order."""
    hashed = [case_id, instrument_id, instrument_version, assessed_on, supersedes, sorted(map(tuple, answers))]
    if purpose != DEFAULT_PURPOSE:
        # Another purpose is other content (the same key saved again with it is refused); a needs
        # assessment hashes as before the purpose existed, so keys saved then still match.
        hashed.append(purpose)
    return hashlib.sha256(json.dumps(hashed, ensure_ascii=False).encode()).hexdigest()


def correct_assessment(db, actor: str, *, assessment_id, instrument: Instrument, answers: dict, reason,
                       assessed_on=None, submission_key: str | None = None, today: date | None = None,
                       purpose=None, new_children: dict | None = None, started_at: datetime | None = None) -> int:
    """Save a correction: a new version that supersedes ``assessment_id`` (which must be the latest).

    The new version keeps the corrected one's purpose unless ``purpose`` gives another.
    """
    allow_case(db, actor, "case.write", "assessment", assessment_id)
    check = Checker()
    reason = check.text("reason", reason, limit=500, kind="free")
    if "reason" in check.problems and check.problems["reason"].key == "input.required":
        check.problems["reason"] = UserError("assessment.reason_required")
    if purpose is not None:
        purpose = check.code("purpose", purpose, "assessment_purposes")
    check.raise_if_any()
    old = _assessment_row(db, assessment_id)
    if (old["instrument_id"], old["instrument_version"]) != (instrument.id, instrument.version):
        raise UserError("assessment.other_instrument", id=old["instrument_id"], version=old["instrument_version"])
    newer = db.execute("select id from assessments where supersedes = ?", [old["id"]]).fetchone()
    if newer:
        raise UserError("assessment.already_corrected", newer=newer[0])
    return save_assessment(db, actor, case_id=old["case_id"], instrument=instrument, answers=answers,
                           assessed_on=assessed_on or old["assessed_on"], submission_key=submission_key,
                           today=today, purpose=purpose or old["purpose"], new_children=new_children,
                           started_at=started_at, _supersedes=old["id"], _reason=reason)


def get_assessment_row(db, actor: str, assessment_id) -> dict:
    """The assessment's own row (no answers); raises ``UserError`` if none."""
    allow_case(db, actor, "case.read", "assessment", assessment_id)
    return _assessment_row(db, assessment_id)


def _assessment_row(db, assessment_id) -> dict:
    row = next(db.query("select * from assessments where id = ?", [record_id(assessment_id, "assessment")]), None)
    if row is None:
        raise UserError("assessment.not_found", id=assessment_id)
    return _with_purpose(row)


def _with_purpose(row: dict) -> dict:
    """A row saved before assessments had a purpose reads as a needs assessment."""
    return dict(row, purpose=row.get("purpose") or DEFAULT_PURPOSE)


def get_assessment(db, actor: str, assessment_id, instrument: Instrument | None = None) -> dict:
    """The assessment with its answers (typed when ``instrument`` is given) and ``superseded_by``."""
    row = get_assessment_row(db, actor, assessment_id)
    answer_list = list(db.query("select repeat, instance, item, value from answers where assessment_id = ?",
                                [row["id"]]))
    newer = db.execute("select id from assessments where supersedes = ?", [row["id"]]).fetchone()
    row["superseded_by"] = newer[0] if newer else None
    row["answers"] = answers_from_rows(instrument, answer_list)
    return row


def assessment_history(db, actor: str, assessment_id) -> list[dict]:
    """Every version of the assessment, oldest first, whichever version is named."""
    first = get_assessment_row(db, actor, assessment_id)
    while first["supersedes"] is not None:
        first = _assessment_row(db, first["supersedes"])
    chain = [first]
    while True:
        newer = next(db.query("select * from assessments where supersedes = ?", [chain[-1]["id"]]), None)
        if newer is None:
            return chain
        chain.append(_with_purpose(newer))


def list_assessments(db, actor: str, case_id, *, latest_only: bool = True) -> list[dict]:
    """A case's assessments, newest first; with ``latest_only`` each history shows its latest version."""
    allow(db, actor, "case.read", case_id)
    sql = """select a.*, exists(select 1 from assessments s where s.supersedes = a.id) as superseded
             from assessments a where a.case_id = ?"""
    rows = [dict(_with_purpose(r), superseded=bool(r["superseded"])) for r in db.query(sql, [case_id])]
    if latest_only:
        rows = [r for r in rows if not r["superseded"]]
    return sorted(rows, key=lambda r: (r["assessed_on"], r["id"]), reverse=True)
