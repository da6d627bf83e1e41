"""Drafts: a form in progress, kept as the user types so a closed tab or a dead kernel loses nothing.

A draft is a working copy, not a record: it is replaced as the user types and
removed once the assessment is saved or the user discards it. The audit log notes
when a draft is started and when it ends, not every keystroke.
"""
from __future__ import annotations

import json

from .audit import record
from .connection import now, write_transaction


def save_draft(db, actor: str, *, draft_key: str, case_id: int, instrument_id: str, content: dict) -> None:
    """Keep (or replace) the actor's draft ``draft_key``."""
    payload = json.dumps(content, ensure_ascii=False, default=str)
    with write_transaction(db):
        existing = db.execute("select actor from drafts where draft_key = ?", [draft_key]).fetchone()
        if existing and existing[0] != actor:
            return  # another user's draft key: never overwrite it
        db.execute("""insert into drafts (draft_key, actor, case_id, instrument_id, content, updated_at)
                      values (?, ?, ?, ?, ?, ?)
                      on conflict(draft_key) do update set content = excluded.content,
                                                          updated_at = excluded.updated_at""",
                   [draft_key, actor, case_id, instrument_id, payload, now()])
        if not existing:
            record(db, actor=actor, action="start_draft", entity="drafts", entity_id=draft_key,
                   details={"case_id": case_id, "instrument": instrument_id})


def find_draft(db, actor: str, case_id: int, instrument_id: str) -> dict | None:
    """The actor's latest draft for this case and instrument, with ``content`` decoded, or None."""
    row = next(db.query("""select * from drafts where actor = ? and case_id = ? and instrument_id = ?
                           order by updated_at desc limit 1""", [actor, case_id, instrument_id]), None)
    return dict(row, content=json.loads(row["content"])) if row else None


def end_draft(db, actor: str, draft_key: str, *, outcome: str) -> None:
    """Remove the actor's draft once it is saved (``outcome="saved"``) or discarded."""
    with write_transaction(db):
        cursor = db.execute("delete from drafts where draft_key = ? and actor = ?", [draft_key, actor])
        if cursor.rowcount:
            record(db, actor=actor, action=f"draft_{outcome}", entity="drafts", entity_id=draft_key)
