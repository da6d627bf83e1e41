"""Checking a backup copy and putting it back (``workbench check --db COPY``, ``workbench restore``).

A copy is checked before anything is written: its sha256 against its manifest, the whole of ``workbench check``
(the audit chain with the key it was made with, the records, the triggers, ``integrity_check``) on a staged copy,
and its identity against the current database's, so another centre's database, or another of yours, is never put
in place of this one. The current database is never overwritten: it is renamed aside with its head and a copy of
its key, and the copy is put in place with one ``os.replace``. Copies are made by :mod:`workbench.store.backup`.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .. import i18n
from ..files import private_folder, write_private
from ..i18n import UserError
from . import chain
from .backup import (_STAMP, _chain_start, _fsync, _fsync_folder, _record, _write_atomic, key_fingerprint,
                     operator, read_manifest, sha256_of)
from .connection import _connect
from .identity import read_identity

i18n.add({
    "backup.not_sqlite": {"uk": "Копія {path} не читається як база SQLite ({message}).",
                          "en": "The copy {path} cannot be read as an SQLite database ({message})."},
    "backup.check_failed": {
        "uk": "Копія {path} не пройшла перевірку («workbench check»): {first} (проблем: {count}).",
        "en": "The copy {path} failed the check ('workbench check'): {first} ({count} problem(s)).",
    },
    "backup.no_key": {
        "uk": "Ключа журналу аудиту для копії {path} немає ні поруч із базою, ні в теці копій ({looked}): без нього "
              "копію не можна перевірити. Покладіть файл ключа з теки копій поруч із копією.",
        "en": "No audit key for the copy {path}, neither beside the database nor in the backup folder ({looked}): "
              "without it the copy cannot be checked. Put the key file from the backup folder beside the copy.",
    },
    "backup.wrong_key": {
        "uk": "Ключ журналу аудиту {key_file} не той, з яким зроблено копію {path} (відбиток {found}, а в описі "
              "{expected}).",
        "en": "The audit key {key_file} is not the one the copy {path} was made with (fingerprint {found}, the manifest "
              "says {expected}).",
    },
    "backup.other_database": {
        "uk": "Копія {path} — з іншої бази ({theirs}, {their_organisation}), не з поточної {db} ({ours}, "
              "{our_organisation}). Щоб відновити її сюди, спершу самі перенесіть поточну "
              "базу (з її файлами -wal, -shm і голови ланцюжка) в інше місце.",
        "en": "The copy {path} is of another database ({theirs}, {their_organisation}), not of the current {db} "
              "({ours}, {our_organisation}). To restore it here, first move the current "
              "database (with its -wal, -shm and chain head files) elsewhere yourself.",
    },
    "backup.current_unreadable": {
        "uk": "Поточну базу {db} не вдається прочитати ({message}), тож не можна перевірити, що копія — з неї. "
              "Перенесіть пошкоджену базу (з її файлами -wal і -shm) в інше місце й "
              "відновіть копію на порожнє місце.",
        "en": "The current database {db} cannot be read ({message}), so the copy cannot be shown to be of it. "
              "Move the damaged database (with its -wal and -shm files) elsewhere and restore "
              "the copy onto the empty place.",
    },
    "backup.in_use": {
        "uk": "Базу {db} зараз відкрито іншим процесом (сервер чи блокнот?). Зупиніть сервер (під systemd: "
              "systemctl stop workbench-hub; інакше Ctrl+C там, де працює «workbench serve» чи «make demo»), "
              "закрийте блокноти з нею і повторіть.",
        "en": "The database {db} is open in another process (the server, a notebook?). Stop the server (under "
              "systemd: systemctl stop workbench-hub; else Ctrl+C where 'workbench serve' or 'make demo' runs), "
              "close the notebooks on it and try again.",
    },
})


# -- reading a copy --------------------------------------------------------------------------------------------

def copy_key(backup_file, manifest: dict, db_path=None) -> bytes:
    """The audit key to check ``backup_file`` with: the first whose fingerprint matches the manifest's of the key
    beside the copy, the database's at ``db_path`` and the backup folder's copy. Raises ``UserError``: ``backup.no_key``,
    ``backup.wrong_key``."""
    backup_file = Path(backup_file)
    candidates = [chain.key_path(backup_file)]
    if db_path is not None:
        candidates.append(chain.key_path(Path(db_path)))
    if manifest.get("key_file"):
        candidates.append(backup_file.parent / manifest["key_file"])
    found = [(c, bytes.fromhex(c.read_text().strip())) for c in candidates if c.is_file()]
    if not found:
        raise UserError("backup.no_key", path=str(backup_file), looked=", ".join(map(str, candidates)))
    for _, key in found:
        if not manifest.get("key_fingerprint") or key_fingerprint(key) == manifest["key_fingerprint"]:
            return key
    raise UserError("backup.wrong_key", key_file=str(found[0][0]), path=str(backup_file),
                    found=key_fingerprint(found[0][1]), expected=manifest["key_fingerprint"])


def open_copy(path) -> sqlite_utils.Database:
    """Open a backup copy read-only (checking it must not change a byte of it)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    return sqlite_utils.Database(conn)


def check_copy(backup_file, *, db_path=None, checked_file=None):
    """``workbench check`` of a backup copy: the file against its manifest's sha256, then the whole check
    (:func:`workbench.store.integrity.check_database`) with the key found by :func:`copy_key` and the manifest's
    head. ``checked_file``: a copy of ``backup_file`` to check instead (the restore's staged file). Returns the
    report. Raises ``UserError`` (``backup.*``, ``db.schema_behind``) when the copy cannot be checked at all."""
    from .integrity import check_database
    from .schema import migrations

    backup_file = Path(backup_file)
    checked = Path(checked_file or backup_file)
    manifest = read_manifest(backup_file)
    key = copy_key(backup_file, manifest, db_path)
    found = sha256_of(checked)
    if found != manifest["sha256"]:
        raise UserError("backup.sha_mismatch", path=str(backup_file), found=found[:16], expected=manifest["sha256"][:16])
    with tempfile.TemporaryDirectory(prefix="wb-check-") as scratch:
        db = open_copy(checked)
        try:
            try:
                pending = migrations.pending(db)
                if pending:
                    # A copy from before a migration (``workbench migrate`` makes one): the check reads today's
                    # schema, so it checks a scratch copy brought up to date. The migrations only add rows to
                    # the chain; what the copy holds is verified as it was written.
                    db.conn.close()
                    db = _migrated_scratch(checked, key, Path(scratch))
                return check_database(db, key=key, head=manifest.get("head"))
            except sqlite3.DatabaseError as error:
                raise UserError("backup.not_sqlite", path=str(backup_file), message=str(error)) from None
        finally:
            db.conn.close()


def _migrated_scratch(checked: Path, key: bytes, scratch: Path) -> sqlite_utils.Database:
    """A copy of ``checked`` in the private folder ``scratch`` with its key beside it, migrated and opened."""
    from .connection import apply_migrations

    private_folder(scratch)
    copy = scratch / "copy.db"
    shutil.copyfile(checked, copy)
    os.chmod(copy, 0o600)
    write_private(chain.key_path(copy), key.hex() + "\n")
    apply_migrations(copy)
    return sqlite_utils.Database(sqlite3.connect(str(copy), isolation_level=None))  # a scratch file: read-write


# -- restoring ----------------------------------------------------------------------------------------------------

def restore_backup(backup_file, db_path, *, actor: str | None = None) -> dict:
    """Put the backup copy ``backup_file`` in place as the database ``db_path``, after checking it.

    Checked first, writing nothing on a refusal: the copy's sha256 against its manifest, the whole check with its
    key and head (:func:`check_copy`), and that it is a copy of the current database (the same identity, or for a
    copy made before identities the same start of the audit chain), unless there is no current database. The
    current database is then kept aside as ``<db>.before-restore-<UTC time>`` with its -wal, -shm, head and key
    (never overwritten, never deleted), and the copy put in place atomically with its head file; a ``restored``
    audit row (``actor``, default :func:`operator`) goes into the restored database. Returns ``{"aside": path
    or None, "head": …, "database_id": …}``.

    Raises ``UserError``: ``backup.no_manifest``, ``backup.bad_manifest``, ``backup.sha_mismatch``,
    ``backup.no_key``, ``backup.wrong_key``, ``backup.not_sqlite``, ``backup.check_failed``,
    ``db.schema_behind``, ``backup.other_database``, ``backup.current_unreadable``, ``backup.in_use``.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    manifest = read_manifest(backup_file)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    staged = db_path.with_name(f".{db_path.name}.restore-{os.getpid()}.tmp")
    try:
        shutil.copyfile(backup_file, staged)
        os.chmod(staged, 0o600)
        report = check_copy(backup_file, db_path=db_path if db_path.exists() else None, checked_file=staged)
        if not report.ok:
            raise UserError("backup.check_failed", path=str(backup_file), first=report.problems[0],
                            count=len(report.problems))
        _same_database(backup_file, manifest, db_path)
        if db_path.exists():
            _refuse_if_open(db_path)
        key = copy_key(backup_file, manifest, db_path if db_path.exists() else None)
        _fsync(staged)
        aside = _put_aside(db_path) if db_path.exists() else None
        os.replace(staged, db_path)
        _fsync_folder(db_path.parent)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    if not chain.key_path(db_path).exists():  # a new machine: the key comes from the backup folder
        _write_atomic(chain.key_path(db_path), key.hex() + "\n")
    if manifest.get("head"):
        _write_atomic(chain.head_path(db_path), json.dumps(manifest["head"]))
    _record(db_path, actor or operator(), "restored",
            {"backup": str(backup_file), "sha256": manifest["sha256"], "put_aside": aside and str(aside)})
    return {"aside": aside, "head": manifest.get("head"), "database_id": manifest.get("database_id")}


def _same_database(backup_file: Path, manifest: dict, db_path: Path) -> None:
    """Refuse a copy of another database than the one at ``db_path`` (nothing there: any copy will do)."""
    if not db_path.exists():
        return
    try:
        current = _connect(db_path)
        try:
            identity = read_identity(current)
            start = _chain_start(current.conn)
        finally:
            current.conn.close()
    except sqlite3.DatabaseError as error:
        raise UserError("backup.current_unreadable", db=str(db_path), message=str(error)) from None
    theirs, ours = manifest.get("database_id"), identity and identity["database_id"]
    same = theirs == ours if theirs and ours else \
        manifest.get("chain_start") is not None and manifest.get("chain_start") == start
    if not same:
        their_org = (manifest.get("organisation") or {}).get(i18n.normalise_language(None), "—")
        our_org = identity[f"organisation_{i18n.normalise_language(None)}"] if identity else "—"
        raise UserError("backup.other_database", path=str(backup_file), db=str(db_path), theirs=theirs or "—",
                        ours=ours or "—", their_organisation=their_org, our_organisation=our_org)


def _refuse_if_open(db_path: Path) -> None:
    """Refuse while another connection has the database open. Every workbench connection reads the WAL index at
    once (``PRAGMA journal_mode=WAL``), holding a shared lock on it; an exclusive transaction in SQLite's
    exclusive locking mode then cannot start, and fails at once with no busy timeout."""
    probe = sqlite3.connect(str(db_path), timeout=0, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError:
        raise UserError("backup.in_use", db=str(db_path)) from None
    finally:
        probe.close()  # the last connection: SQLite checkpoints the WAL into the file it then removes


def _put_aside(db_path: Path) -> Path:
    """Rename the database and the files that belong with it to ``<db>.before-restore-<UTC time>`` (+ the same
    suffixes); the key is copied, not moved (the restored database needs it). Returns the new database path."""
    stamp = datetime.now(timezone.utc).strftime(_STAMP)
    aside, n = db_path.with_name(f"{db_path.name}.before-restore-{stamp}"), 1
    while any(Path(str(aside) + s).exists() for s in ("", "-wal", "-shm")):
        n += 1
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):  # before the database itself: a reader never finds it without its WAL
        if Path(str(db_path) + suffix).exists():
            os.replace(str(db_path) + suffix, str(aside) + suffix)
    os.replace(db_path, aside)
    if chain.head_path(db_path).exists():
        os.replace(chain.head_path(db_path), chain.head_path(aside))
    if chain.key_path(db_path).exists():
        shutil.copy2(chain.key_path(db_path), chain.key_path(aside))
    _fsync_folder(db_path.parent)
    return aside
