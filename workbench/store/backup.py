"""Backups of the live database and their rotation (``workbench backup``); checking and restoring a copy is
:mod:`workbench.store.restore`.

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
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__, i18n
from ..config import load_config
from ..files import private_folder, write_private
from ..i18n import UserError
from . import chain
from .audit import _audit
from .connection import _connect, write_transaction
from .identity import read_identity

i18n.add({
    "backup.bad_manifest": {"uk": "Опис копії {manifest} пошкоджений або не наш: {reason}.",
                            "en": "The manifest {manifest} is damaged or not ours: {reason}."},
    "backup.sha_mismatch": {
        "uk": "Копія {path} не збігається зі своїм описом (sha256 {found}, а записано {expected}): її змінено чи "
              "пошкоджено.",
        "en": "The copy {path} does not match its manifest (sha256 {found}, recorded {expected}): it was changed or "
              "damaged.",
    },
    "backup.no_manifest": {
        "uk": "Поруч із копією {path} немає опису {manifest}: без нього копію не можна перевірити.",
        "en": "There is no manifest {manifest} beside the copy {path}: without it the copy cannot be checked.",
    },
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
