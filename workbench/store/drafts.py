"""Drafts: a form in progress, kept as the user types so a closed tab or a dead kernel loses nothing.

A draft is a working copy, not a record: it is replaced as the user types and
removed once the assessment is saved or the user discards it. The audit log notes
when a draft is started and when it ends, not every keystroke.
"""
from __future__ import annotations

import json

from .. import i18n
from ..text_rules import broken, nfc
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow

i18n.add({
    "draft.bad_key": {"uk": "Недійсний ключ чернетки.", "en": "Not a valid draft key."},
    "draft.not_yours": {
        "uk": "Ця чернетка належить іншому користувачеві; її не змінено.",
        "en": "This draft belongs to another user; it was not changed.",
    },
    "draft.other_form": {
        "uk": "Під цим ключем збережено чернетку іншої форми ({instrument}); її не змінено.",
        "en": "This key holds a draft of another form ({instrument}); it was not changed.",
    },
})


def save_draft(db, actor: str, *, draft_key: str, case_id: int, instrument_id: str, content: dict) -> None:
    """Keep (or replace) the actor's draft ``draft_key`` of a form for ``case_id``, which the actor must be
    able to change; another user's draft (or a draft of another case or form) under the same key is refused."""
    allow(db, actor, "case.write", case_id)
    if problem := broken(instrument_id) or broken(content):  # a draft is kept as typed, but must be storable
        raise UserError(problem[0], **problem[1])
    instrument_id, content = nfc(instrument_id), nfc(content)  # in NFC, as every stored text
    _check_key(draft_key)
    instrument_id = arguments.text(instrument_id, "instrument_id")
    payload = arguments.json_text(arguments.mapping(content, "content"), "content", sort_keys=False)
    with write_transaction(db):
        existing = db.execute("select actor, case_id, instrument_id from drafts where draft_key = ?",
                              [draft_key]).fetchone()
        if existing and (existing[0] != actor or existing[1] != case_id):
            raise UserError("draft.not_yours")
        if existing and existing[2] != instrument_id:  # the update below keeps the form: say so, not ignore it
            raise UserError("draft.other_form", instrument=existing[2])
        db.execute("""insert into drafts (draft_key, actor, case_id, instrument_id, content, updated_at)
                      values (?, ?, ?, ?, ?, ?)
                      on conflict(draft_key) do update set content = excluded.content,
                                                          updated_at = excluded.updated_at""",
                   [draft_key, actor, case_id, instrument_id, payload, now()])
        if not existing:
            _audit(db, actor=actor, action="start_draft", entity="drafts", entity_id=draft_key,
                   details={"case_id": case_id, "instrument": instrument_id})


def find_draft(db, actor: str, case_id: int, instrument_id: str) -> dict | None:
    """The actor's latest draft for this case and instrument, with ``content`` decoded, or None."""
    allow(db, actor, "case.write", case_id)
    instrument_id = arguments.text(instrument_id, "instrument_id")
    row = next(db.query("""select * from drafts where actor = ? and case_id = ? and instrument_id = ?
                           order by updated_at desc limit 1""", [actor, case_id, instrument_id]), None)
    return dict(row, content=json.loads(row["content"])) if row else None


def end_draft(db, actor: str, draft_key: str, *, case_id, outcome: str) -> None:
    """Remove the actor's draft ``draft_key`` of ``case_id`` once it is saved (``outcome="saved"``) or
    discarded; nothing when there is none (a form saved before any change was kept as a draft)."""
    _check_key(draft_key)
    if outcome not in ("saved", "discarded"):
        raise UserError("input.invalid_choice")
    with write_transaction(db):
        allow(db, actor, "case.write", case_id)
        cursor = db.execute("delete from drafts where draft_key = ? and actor = ? and case_id = ?",
                            [draft_key, actor, case_id])
        if cursor.rowcount:
            _audit(db, actor=actor, action=f"draft_{outcome}", entity="drafts", entity_id=draft_key)


def _check_key(draft_key) -> None:
    """A key is what the form view makes (a UUID): printable ASCII, so it is compared and stored as given
    (no NFC question, no look-alike letters)."""
    if not isinstance(draft_key, str) or not 1 <= len(draft_key) <= 200 or not draft_key.isprintable() \
            or not draft_key.isascii():
        raise UserError("draft.bad_key")
