"""Opening the database and running writes.

One SQLite file, through sqlite-utils. Every connection gets WAL, foreign keys
and a busy timeout; every write runs in ``BEGIN IMMEDIATE`` so a second writer
waits for the lock instead of failing at its first write (a plain deferred
``BEGIN`` upgrades its lock late and fails at once under contention).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .. import i18n
from ..i18n import UserError
from ..files import write_private
from ..paths import data_dir
from . import chain

i18n.add({
    "db.missing": {
        "uk": "Бази даних {path} немає. Адміністратор створює її командою «workbench migrate» (або «make demo»).",
        "en": "There is no database at {path}. An administrator creates it with 'workbench migrate' (or 'make demo').",
    },
    "db.schema_behind": {
        "uk": "Структура бази {path} застаріла для цієї версії (не застосовано: {pending}). "
              "Адміністратор оновлює її командою «workbench migrate».",
        "en": "The database {path} is behind this version (not applied: {pending}). "
              "An administrator brings it up to date with 'workbench migrate'.",
    },
})

BUSY_TIMEOUT_S = 10.0

# How hard a commit waits for the disk: FULL, so a save acknowledged to a case manager survives a power
# cut (common under shelling and blackouts), not only a crashed process. SQLite's documentation
# (https://www.sqlite.org/pragma.html#pragma_synchronous):
#   "WAL mode is always consistent with synchronous=NORMAL, but WAL mode does lose durability. A
#   transaction committed in WAL mode with synchronous=NORMAL might roll back following a power loss or
#   system crash. Transactions are durable across application crashes regardless of the synchronous
#   setting or journal mode."
#   "With synchronous=FULL in WAL mode, an additional sync operation of the WAL file happens after each
#   transaction commit. The extra WAL sync following each transaction help ensure that transactions are
#   durable across a power loss."
# and https://www.sqlite.org/wal.html (Performance Considerations): "(Writers sync the WAL on every
# transaction commit if PRAGMA synchronous is set to FULL but omit this sync if PRAGMA synchronous is set
# to NORMAL.)"
# FULL also keeps the audit chain's head file (written after COMMIT) from naming a row a power cut took
# away, which `workbench check` would report as a deleted tail. The cost, one fsync per commit, is
# measured by benchmarks/save_latency.py and benchmarks/concurrency.py, which set this constant to
# compare; nothing else should.
SYNCHRONOUS = "FULL"
_SYNCHRONOUS_SETTINGS = ("OFF", "NORMAL", "FULL", "EXTRA")


def default_path() -> Path:
    """``WB_DB`` if set, else ``workbench.db`` in :func:`workbench.paths.data_dir`."""
    if os.environ.get("WB_DB"):
        return Path(os.environ["WB_DB"])
    return data_dir() / "workbench.db"


def open_db(path: str | os.PathLike | None = None, *, migrate: bool = False) -> sqlite_utils.Database:
    """Open the workbench database (``path``, else :func:`default_path`).

    A page or a notebook opens it as it is: a missing file or a schema behind this code is refused
    with ``UserError`` (``db.missing``, ``db.schema_behind``), never created or changed on a page
    load. ``migrate=True`` first creates the file if needed and applies the pending migrations
    (:func:`apply_migrations`): the server and the ``workbench`` commands do that once as they start.
    """
    from .schema import migrations

    path = Path(path) if path else default_path()
    if migrate:
        apply_migrations(path)
    elif not path.is_file():
        raise UserError("db.missing", path=str(path))
    db = _connect(path)
    if not migrate and (pending := migrations.pending(db)):
        db.conn.close()
        raise UserError("db.schema_behind", path=str(path), pending=", ".join(m.name for m in pending))
    return db


def apply_migrations(path: str | os.PathLike) -> list[str]:
    """Create the database at ``path`` if needed and apply its pending migrations, in one write
    transaction; returns the names applied (none when it was up to date)."""
    from .schema import migrations

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        write_private(path, b"")  # an empty file is a valid new SQLite database
    db = _connect(path)
    try:
        with write_transaction(db):
            pending = [m.name for m in migrations.pending(db)]
            migrations.apply(db)
        return pending
    finally:
        db.conn.close()


def _connect(path: Path) -> sqlite_utils.Database:
    # SQLite gives its -wal and -shm files the database file's own mode, so a private database
    # (files.write_private) keeps its WAL private too.
    # isolation_level=None: we issue BEGIN ourselves; sqlite-utils nests its own
    # writes inside ours as savepoints.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    if SYNCHRONOUS not in _SYNCHRONOUS_SETTINGS:  # spliced into the PRAGMA below: one of SQLite's words only
        raise ValueError(f"SYNCHRONOUS must be one of {_SYNCHRONOUS_SETTINGS}, not {SYNCHRONOUS!r}")
    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")  # per connection, not kept in the file: set on every one
    return sqlite_utils.Database(conn)


@contextmanager
def write_transaction(db: sqlite_utils.Database):
    """Run the block as one ``BEGIN IMMEDIATE`` transaction (nested calls join the outer one); the
    audit rows it queued are sealed just before it commits (:mod:`workbench.store.chain`)."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        chain.begin(db)
        yield db
        chain.seal(db)  # the audit rows, sealed, with the hash of the records this transaction wrote
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        chain.rolled_back(db)
        raise
    else:
        conn.execute("COMMIT")
        chain.after_commit(db)  # the chain's head, outside the database


def now() -> str:
    """The current UTC time as ISO 8601 text (how every ``*_at`` column is stored)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
