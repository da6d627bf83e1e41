"""What the workbench records for a form's metadata rows (``start``, ``end``, ``today``, ``username``...).

ODK Collect fills them from the device; the workbench fills them in Python when the assessment is saved,
never from a widget (a page can send any value). A web form knows nothing of the device: its id, SIM serial,
subscriber id, phone number, IMEI and e-mail are left empty (no answer). Enketo writes the sentence
``no phonenumber property in enketo`` for those and makes up a device id (``enketo.org:`` and random letters
kept in a cookie); we keep neither, since a sentence in a value spoils counts and exports and a made-up id
would only tell one browser from another.
"""
from __future__ import annotations

from datetime import date, datetime


def local_time(moment: datetime) -> str:
    """``moment`` as ODK writes ``start`` and ``end``: local ISO time with milliseconds and the UTC offset
    (``2026-03-01T09:15:02.120+02:00``); a naive ``moment`` is taken as local time."""
    return moment.astimezone().isoformat(timespec="milliseconds")


def recorded_values(*, started: datetime, ended: datetime, day: date, username: str) -> dict:
    """The values by ODK type: ``start`` (``started``, when the form was opened), ``end`` (``ended``, when it
    was saved), ``today`` (``day``), ``username`` (the signed-in user) and ``uri:username`` (it as ODK's URI,
    ``username:ana``); the device's own are absent."""
    return {"start": local_time(started), "end": local_time(ended), "today": day, "username": username,
            "uri:username": f"username:{username}" if username else ""}
