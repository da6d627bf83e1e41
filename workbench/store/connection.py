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

BUSY_TIMEOUT_S = 10.0


def default_path() -> Path:
    """``WB_DB`` if set, else ``data/workbench.db`` beside the source tree (or the working directory)."""
    if os.environ.get("WB_DB"):
        return Path(os.environ["WB_DB"])
    source_root = Path(__file__).resolve().parents[2]
    if (source_root / "pyproject.toml").exists():
        return source_root / "data" / "workbench.db"
    return Path.cwd() / "data" / "workbench.db"


def open_db(path: str | os.PathLike | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the workbench database and bring its schema up to date."""
    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we issue BEGIN ourselves; sqlite-utils nests its own
    # writes inside ours as savepoints.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a commit survives a crashed process
    db = sqlite_utils.Database(conn)
    if migrate:
        from .schema import migrations

        with write_transaction(db):
            migrations.apply(db)
    return db


@contextmanager
def write_transaction(db: sqlite_utils.Database):
    """Run the block as one ``BEGIN IMMEDIATE`` transaction (nested calls join the outer one)."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def now() -> str:
    """The current UTC time as ISO 8601 text (how every ``*_at`` column is stored)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
