"""Times as staff read them: a recorded instant (the store keeps UTC, ISO 8601) shown as ``dd.mm.yyyy HH:MM``
in the configured time zone (``timezone`` of the configuration; Europe/Kyiv by default), the one way every
app, table and report shows a time."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from . import config


def zone() -> ZoneInfo:
    """The configured time zone (UTC when the configuration names none)."""
    return ZoneInfo(config.load_config().get("timezone") or "UTC")


def local_time(at: str | datetime | None) -> str:
    """``at`` (ISO 8601 text as the store records it, or a ``datetime``) as ``dd.mm.yyyy HH:MM`` in the configured
    time zone; a time without an offset is taken as UTC, as the store's are. ``""`` for None or empty text."""
    if at is None or at == "":
        return ""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone()).strftime("%d.%m.%Y %H:%M")
