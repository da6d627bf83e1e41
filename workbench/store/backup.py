"""Backups of the live database and their restore (``workbench backup``, ``workbench restore``).

A backup is a consistent copy made with SQLite's online backup API from a connection of our own, in one step:
in WAL mode that step reads one snapshot while the staff go on saving (a writer is never blocked by it), so
the copy holds exactly the transactions committed before it began, never half of one. Beside each copy a
manifest (``<copy>.manifest.json``, written last) names its size, sha256, the database's identity, the audit
chain's head as found in the copy, the migrations applied and the audit key's fingerprint (never the key).

The audit key: the backup folder keeps one copy of the database's key file (``<db>.audit-key``, mode 0600),
compared by fingerprint at every backup, because a copy cannot be verified, nor written to after a restore on
a new machine, without it. The backup folder is therefore as secret as the database: copies leave the machine
encrypted (README, "Backups").

Who acts: an operator's command (often run by cron or a systemd timer) is not a staff member of the workbench;
its audit rows name the operating-system account that ran it, ``os:<account>``.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .. import __version__, i18n
from ..config import load_config
from ..files import private_folder, write_private
from ..i18n import UserError
from . import chain
from .audit import _audit
from .connection import _connect, write_transaction
from .identity import read_identity

i18n.add({
    "backup.no_database": {"uk": "Бази даних {path} немає: нема з чого робити копію.",
                           "en": "There is no database at {path}: there is nothing to back up."},
    "backup.copy_damaged": {
        "uk": "Щойно зроблена копія {path} не пройшла перевірку цілісності SQLite ({message}); її видалено. "
              "Перевірте базу командою «workbench check» і диск.",
        "en": "The copy just made, {path}, failed SQLite's integrity check ({message}) and was removed. "
              "Check the database with 'workbench check' and the disk.",
    },
    "backup.key_differs": {
        "uk": "Ключ журналу аудиту в теці копій ({path}) інший, ніж ключ бази: ця тека належить іншій базі. "
              "Для кожної бази — своя тека копій.",
        "en": "The audit key in the backup folder ({path}) differs from the database's: the folder belongs to "
              "another database. Give each database a backup folder of its own.",
    },
    "backup.no_manifest": {
        "uk": "Поруч із копією {path} немає опису {manifest}: без нього копію не можна перевірити.",
        "en": "There is no manifest {manifest} beside the copy {path}: without it the copy cannot be checked.",
    },
    "backup.bad_manifest": {"uk": "Опис копії {manifest} пошкоджений або не наш: {reason}.",
                            "en": "The manifest {manifest} is damaged or not ours: {reason}."},
    "backup.sha_mismatch": {
        "uk": "Копія {path} не збігається зі своїм описом (sha256 {found}, а записано {expected}): її змінено чи "
              "пошкоджено. Нічого не відновлено.",
        "en": "The copy {path} does not match its manifest (sha256 {found}, recorded {expected}): it was changed or "
              "damaged. Nothing was restored.",
    },
    "backup.not_sqlite": {"uk": "Копія {path} не читається як база SQLite ({message}). Нічого не відновлено.",
                          "en": "The copy {path} cannot be read as an SQLite database ({message}). Nothing was restored."},
    "backup.check_failed": {
        "uk": "Копія {path} не пройшла перевірку («workbench check»): {first} (проблем: {count}). Нічого не відновлено.",
        "en": "The copy {path} failed the check ('workbench check'): {first} ({count} problem(s)). Nothing was restored.",
    },
    "backup.no_key": {
        "uk": "Ключа журналу аудиту для копії {path} немає ні поруч із базою, ні в теці копій ({looked}): без нього "
              "копію не можна перевірити. Покладіть файл ключа з теки копій поруч із копією.",
        "en": "No audit key for the copy {path}, neither beside the database nor in the backup folder ({looked}): "
              "without it the copy cannot be checked. Put the key file from the backup folder beside the copy.",
    },
    "backup.wrong_key": {
        "uk": "Ключ журналу аудиту {key_file} не той, з яким зроблено копію {path} (відбиток {found}, а в описі "
              "{expected}). Нічого не відновлено.",
        "en": "The audit key {key_file} is not the one the copy {path} was made with (fingerprint {found}, the manifest "
              "says {expected}). Nothing was restored.",
    },
    "backup.other_database": {
        "uk": "Копія {path} — з іншої бази ({theirs}, {their_organisation}), не з поточної {db} ({ours}, "
              "{our_organisation}). Нічого не відновлено. Щоб відновити її сюди, спершу самі перенесіть поточну "
              "базу (з її файлами -wal, -shm і голови ланцюжка) в інше місце.",
        "en": "The copy {path} is of another database ({theirs}, {their_organisation}), not of the current {db} "
              "({ours}, {our_organisation}). Nothing was restored. To restore it here, first move the current "
              "database (with its -wal, -shm and chain head files) elsewhere yourself.",
    },
    "backup.current_unreadable": {
        "uk": "Поточну базу {db} не вдається прочитати ({message}), тож не можна перевірити, що копія — з неї. "
              "Нічого не відновлено. Перенесіть пошкоджену базу (з її файлами -wal і -shm) в інше місце й "
              "відновіть копію на порожнє місце.",
        "en": "The current database {db} cannot be read ({message}), so the copy cannot be shown to be of it. "
              "Nothing was restored. Move the damaged database (with its -wal and -shm files) elsewhere and restore "
              "the copy onto the empty place.",
    },
    "backup.in_use": {
        "uk": "Базу {db} зараз відкрито іншим процесом (сервер чи блокнот?). Нічого не відновлено. Зупиніть "
              "службу (systemctl stop workbench-hub) і повторіть.",
        "en": "The database {db} is open in another process (the server, a notebook?). Nothing was restored. Stop "
              "the service (systemctl stop workbench-hub) and try again.",
    },
})

ACTOR_PREFIX = "os:"
MANIFEST_SUFFIX = ".manifest.json"
_STAMP = "%Y%m%dT%H%M%SZ"


def operator() -> str:
    """The actor of an operator's command: the operating-system account running it, ``os:<account>``."""
    try:
        return ACTOR_PREFIX + getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the number is still honest
        return f"{ACTOR_PREFIX}uid{os.getuid()}"


def settings() -> dict:
    """``backup.folder`` (None: ``backups/`` beside the database), ``keep_daily`` (7) and ``keep_weekly`` (4)."""
    configured = load_config().get("backup") or {}
    return {"folder": configured.get("folder"), "keep_daily": int(configured.get("keep_daily", 7)),
            "keep_weekly": int(configured.get("keep_weekly", 4))}


def backup_folder(db_path, folder=None) -> Path:
    """``folder``, else the configured ``backup.folder`` (relative to the database's folder), else ``backups/``
    beside the database."""
    db_path = Path(db_path)
    chosen = Path(folder or settings()["folder"] or "backups")
    return chosen if chosen.is_absolute() else db_path.parent / chosen


def manifest_path(backup_file) -> Path:
    """Where the manifest of ``backup_file`` is: ``<copy>.manifest.json`` beside it."""
    backup_file = Path(backup_file)
    return backup_file.with_name(backup_file.name + MANIFEST_SUFFIX)


def key_copy_path(folder: Path, db_path) -> Path:
    """The backup folder's copy of the database's audit key: ``<db>.audit-key`` in ``folder``."""
    return Path(folder) / (Path(db_path).name + ".audit-key")


def key_fingerprint(key: bytes) -> str:
    """A fingerprint that names a key without revealing it (a hash of the random key; 16 hex digits)."""
    return hashlib.sha256(b"workbench audit key\n" + key).hexdigest()[:16]


def sha256_of(path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def make_backup(db_path, folder=None, *, actor: str | None = None, before_migrating: bool = False) -> dict:
    """Copy the live database at ``db_path`` into ``folder`` (:func:`backup_folder`; made private) as
    ``<db stem>-<UTC time>.db`` (0600), with its manifest beside it; then rotate the folder (:func:`rotate`).
    ``before_migrating``: the copy ``workbench migrate`` makes, named ``…-before-migrate.db`` and left out of
    the rotation (it is the way back from a migration, whatever the daily copies after it).

    The copy is written under a temporary name, checked (``PRAGMA integrity_check``), fsynced and renamed;
    the manifest is written last, so a copy without a manifest is never taken for a complete one. A
    ``backup_made`` audit row (``actor``, default :func:`operator`) goes into the live database afterwards.
    Returns the manifest, with ``path``, ``seconds``, ``copy_seconds`` (until the snapshot was copied, the part
    that reads the live database) and ``deleted`` (the copies rotation removed) added.
    Raises ``UserError``: ``backup.no_database``, ``backup.copy_damaged``, ``backup.key_differs``.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    if not db_path.is_file():
        raise UserError("backup.no_database", path=str(db_path))
    folder = private_folder(backup_folder(db_path, folder))
    key = chain.read_key(db_path) if chain.key_path(db_path).exists() else None
    if key is not None:
        _keep_key(folder, db_path, key)
    made_at = datetime.now(timezone.utc)
    target = _free_name(folder, db_path.stem, made_at, "-before-migrate" if before_migrating else "")
    partial = target.with_name("." + target.name + ".partial")
    write_private(partial, b"")  # 0600 before SQLite writes a byte of it
    try:
        source = _connect(db_path)
        try:
            copy = sqlite3.connect(str(partial), isolation_level=None)
            try:
                # One step (pages=-1): one read snapshot, consistent; writers in WAL mode are not held up by it.
                source.conn.backup(copy, pages=-1)
                copied = time.perf_counter() - started
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                problems = [m for (m,) in copy.execute("PRAGMA integrity_check") if m != "ok"]
                if problems:
                    raise UserError("backup.copy_damaged", path=str(target), message="; ".join(problems[:3]))
                facts = _facts(copy)
            finally:
                copy.close()
        finally:
            source.conn.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync_folder(folder)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    manifest = {"file": target.name, "database": db_path.name, "size": target.stat().st_size,
                "sha256": sha256_of(target), **facts, "workbench_version": __version__,
                "made_at": made_at.isoformat(timespec="seconds"),
                "key_fingerprint": key_fingerprint(key) if key is not None else None,
                "key_file": key_copy_path(folder, db_path).name if key is not None else None}
    _write_atomic(manifest_path(target), json.dumps(manifest, ensure_ascii=False, indent=2))
    _fsync_folder(folder)
    _record(db_path, actor or operator(), "backup_made",
            {"file": str(target), "sha256": manifest["sha256"], "size": manifest["size"], "head": manifest["head"]})
    keep = settings()
    deleted = rotate(folder, db_path.stem, keep_daily=keep["keep_daily"], keep_weekly=keep["keep_weekly"],
                     just_made=target)
    return dict(manifest, path=str(target), seconds=time.perf_counter() - started, copy_seconds=copied,
                deleted=[str(p) for p in deleted])


def _keep_key(folder: Path, db_path: Path, key: bytes) -> None:
    """Keep one copy of the database's audit key in the backup folder; refuse when it holds another key."""
    kept = key_copy_path(folder, db_path)
    if kept.exists():
        if key_fingerprint(bytes.fromhex(kept.read_text().strip())) != key_fingerprint(key):
            raise UserError("backup.key_differs", path=str(kept))
        return
    _write_atomic(kept, key.hex() + "\n")


def _free_name(folder: Path, stem: str, made_at: datetime, label: str) -> Path:
    """``<stem>-<UTC time><label>.db`` in ``folder``, with ``-2``, ``-3``… when copies are made in the same
    second."""
    base = f"{stem}-{made_at.strftime(_STAMP)}"
    candidate, n = folder / f"{base}{label}.db", 1
    while candidate.exists() or manifest_path(candidate).exists():
        n += 1
        candidate = folder / f"{base}-{n}{label}.db"
    return candidate


def _facts(conn: sqlite3.Connection) -> dict:
    """What the manifest says of the copy's content: identity, the chain's head, the migrations applied."""
    identity = read_identity(conn)
    has_log = conn.execute("select 1 from sqlite_master where name = 'audit_log'").fetchone()
    last = conn.execute("select id, seal from audit_log order by id desc limit 1").fetchone() if has_log else None
    has_migrations = conn.execute("select 1 from sqlite_master where name = '_sqlite_migrations'").fetchone()
    applied = [name for (name,) in conn.execute("select name from _sqlite_migrations order by rowid")] \
        if has_migrations else []
    return {"database_id": identity and identity["database_id"],
            "organisation": identity and {"uk": identity["organisation_uk"], "en": identity["organisation_en"]},
            "head": {"id": last[0], "seal": last[1]} if last else None,
            "chain_start": _chain_start(conn),
            "migrations": applied}


def _chain_start(conn) -> str | None:
    """The seal of the audit chain's first row: random per database (keyed), so it tells databases apart where
    one has no identity row yet (a copy made before migration m0009)."""
    try:
        row = conn.execute("select seal from audit_log where action = 'start_audit_chain' order by id limit 1").fetchone()
    except sqlite3.OperationalError:  # no audit log, or one from before the chain
        return None
    return row[0] if row else None


def _record(db_path: Path, actor: str, action: str, details: dict) -> None:
    """Leave one audit row in the database at ``db_path`` (an operator's act: no policy to ask)."""
    db = _connect(db_path)
    try:
        identity = read_identity(db)
        with write_transaction(db):
            _audit(db, actor=actor, action=action, entity="database",
                   entity_id=identity["database_id"] if identity else "-", details=details)
    finally:
        db.conn.close()


def _write_atomic(path: Path, text: str) -> None:
    """Write a private file under a temporary name, fsync it and rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_private(temporary, text)
    _fsync(temporary)
    os.replace(temporary, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (the folder's entry, not only the file's bytes)."""
    _fsync(folder)


def needs_backup_before_migrating(db_path) -> list[str]:
    """The migrations pending on the database at ``db_path`` when it holds records (``workbench migrate`` then
    backs it up first); an empty list when there is no file, no record or nothing pending."""
    from .schema import RECORD_TABLES, migrations

    db_path = Path(db_path)
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return []
    db = _connect(db_path)
    try:
        present = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
        holds = any(db.execute(f"select 1 from {table} limit 1").fetchone() for table in RECORD_TABLES
                    if table in present)
        return [m.name for m in migrations.pending(db)] if holds else []
    finally:
        db.conn.close()


# -- reading a copy --------------------------------------------------------------------------------------------

def read_manifest(backup_file) -> dict:
    """The manifest of ``backup_file``. Raises ``UserError``: ``backup.no_manifest``, ``backup.bad_manifest``."""
    backup_file = Path(backup_file)
    path = manifest_path(backup_file)
    if not path.is_file():
        raise UserError("backup.no_manifest", path=str(backup_file), manifest=str(path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise UserError("backup.bad_manifest", manifest=str(path), reason=str(error)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("sha256"), str):
        raise UserError("backup.bad_manifest", manifest=str(path), reason="sha256")
    if manifest.get("file") != backup_file.name:
        raise UserError("backup.bad_manifest", manifest=str(path), reason=f"file {manifest.get('file')!r}")
    return manifest


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


# -- rotation -------------------------------------------------------------------------------------------------------

def our_backups(folder, stem: str) -> list[tuple[datetime, Path]]:
    """The copies of the database ``stem`` in ``folder`` that this module made: a name ``<stem>-<UTC time>[-n].db``
    and a manifest naming that file. Newest first."""
    pattern = re.compile(rf"^{re.escape(stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.db$")
    found = []
    for path in Path(folder).iterdir():
        matched = pattern.match(path.name)
        if not matched or not path.is_file():
            continue
        try:
            if read_manifest(path).get("file") != path.name:
                continue
        except UserError:
            continue  # no manifest (a copy being made, or not ours): never touched
        made = datetime.strptime(matched.group(1), _STAMP).replace(tzinfo=timezone.utc)
        found.append((made, int(matched.group(2) or 1), path))
    return [(made, path) for made, _, path in sorted(found, reverse=True)]


def rotate(folder, stem: str, *, keep_daily: int, keep_weekly: int, just_made=None) -> list[Path]:
    """Delete the older copies of ``stem`` in ``folder``, with their manifests: kept are the newest copy of each of
    the last ``keep_daily`` days that have one and of each of the last ``keep_weekly`` ISO weeks that have one (UTC),
    and ``just_made`` always. Files that are not ours (:func:`our_backups`) are never touched. Returns the deleted."""
    backups = our_backups(folder, stem)
    keep = {Path(just_made)} if just_made else set()
    for period, count in ((lambda m: m.date(), keep_daily), (lambda m: m.isocalendar()[:2], keep_weekly)):
        seen = []
        for made, path in backups:  # newest first: the first of a period is its newest
            if period(made) not in seen:
                if len(seen) == count:
                    break
                seen.append(period(made))
                keep.add(path)
    deleted = []
    for _, path in backups:
        if path not in keep:
            manifest_path(path).unlink(missing_ok=True)  # the manifest first: a copy without one is not complete
            path.unlink()
            deleted.append(path)
    return deleted
