"""Registering an instrument version in the database, so every saved answer knows its item."""
from __future__ import annotations

from ..instruments.loader import InstrumentError
from ..instruments.model import Instrument
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow


def register_instrument(db, actor: str, instrument: Instrument) -> None:
    """Record the instrument version and its items once (an administrator's act; saving an assessment
    registers its instrument too); the same id and version with other content is refused."""
    allow(db, actor, "instruments.manage")
    _register_instrument(db, instrument, actor)


def _register_instrument(db, instrument: Instrument, actor: str) -> None:
    with write_transaction(db):
        row = db.execute("select sha256 from instruments where id = ? and version = ?",
                         [instrument.id, instrument.version]).fetchone()
        if row:
            if row[0] != instrument.sha256:
                raise InstrumentError("instrument.conflicting_version", id=instrument.id, version=instrument.version)
            return
        db["instruments"].insert({
            "id": instrument.id, "version": instrument.version, "title_uk": instrument.title("uk"),
            "title_en": instrument.title("en"), "score_direction": instrument.score_direction,
            "sha256": instrument.sha256, "registered_at": now()})
        db["instrument_items"].insert_all([{
            "instrument_id": instrument.id, "instrument_version": instrument.version, "item": item.name,
            "type": item.type, "repeat": item.repeat or "", "domain": item.group, "scored": int(item.scored),
            "label_uk": item.label("uk"), "label_en": item.label("en"), "position": position,
        } for position, item in enumerate(instrument.items.values())])
        _audit(db, actor=actor, action="register_instrument", entity="instruments",
               entity_id=f"{instrument.id}@{instrument.version}", details={"sha256": instrument.sha256})
