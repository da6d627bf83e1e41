"""Backups and restore (workbench.store.backup and .restore, ``workbench backup``/``restore``/``check``/``migrate``): a copy
made while writer processes save is consistent and holds every save acknowledged before it began; restore
refuses what it must and writes nothing then; rotation keeps the right copies. Real files, real processes."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlite_utils

from conftest import TODAY, refused
from workbench.cli import main
from workbench.store import chain
from workbench.store.backup import make_backup, manifest_path, our_backups, read_manifest, rotate
from workbench.store.restore import check_copy, restore_backup
from workbench.store.connection import open_db
from workbench.store.identity import read_identity
from workbench.store.integrity import check_database

ROOT = Path(__file__).resolve().parents[1]

# One writer process: saves needs assessments on its own case through the store, printing "ack <id>" after each
# save has returned (committed), until the stop file appears.
WRITER = """
import random, sys, time
from datetime import date
from pathlib import Path
from workbench.demo import _answers
from workbench.instruments.loader import load_builtin
from workbench.store.assessments import save_assessment
from workbench.store.connection import open_db

path, case_id, stop, n = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
today = date(2026, 6, 15)
fna = load_builtin("family_needs_assessment")
latent = {d.name: 1.0 for d in fna.domains()}
rng = random.Random(int(case_id))
db = open_db(path)
print("ready", flush=True)
for i in range(400):
    if stop.exists():
        break
    answers = _answers(rng, fna, latent, [], today, 0)
    saved = save_assessment(db, "olena.demo", case_id=case_id, instrument=fna, answers=answers,
                            assessed_on=today, today=today, submission_key=f"w{n}-{i}")
    print(f"ack {saved}", flush=True)
db.conn.close()
"""


def _register(db, given: str) -> int:
    from workbench.store.intake import register_client

    return register_client(db, "olena.demo", family_name="Тихоліс", given_name=given, birth_date="01.01.1990",
                           sex="female", category="idp", consent_given_on="01.01.2026", programme="idp_support",
                           today=TODAY)


def _files(folder: Path) -> dict:
    """Every file in ``folder`` (not below) with its sha256: what a refusal must leave as it was (SQLite's own
    -wal and -shm files aside: a process killed while holding the database open leaves them)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def test_a_backup_while_four_writers_save_holds_every_acknowledged_save_and_restores(db, db_path, tmp_path):
    cases = [_register(db, f"Писар{n}") for n in range(4)]
    db.conn.close()
    stop = tmp_path / "stop"
    acks: list[list[tuple[float, int]]] = [[] for _ in cases]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(case), str(stop), str(n)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n, case in enumerate(cases)]

    def read(n: int) -> None:
        for line in writers[n].stdout:
            if line.startswith("ack "):
                acks[n].append((time.monotonic(), int(line.split()[1])))

    readers = [threading.Thread(target=read, args=(n,), daemon=True) for n in range(len(writers))]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 60
        while min(len(a) for a in acks) < 3:  # every writer is saving
            gone = [w.stderr.read() for w in writers if w.poll() is not None]
            assert not gone and time.monotonic() < deadline, gone
            time.sleep(0.05)
        started = time.monotonic()
        made = make_backup(db_path)
        while min(len([t for t, _ in a if t > started]) for a in acks) < 2:  # saves went on after the backup
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        stop.touch()
        for writer in writers:
            writer.wait(timeout=60)
        for reader in readers:
            reader.join(timeout=10)
    assert [w.returncode for w in writers] == [0] * 4, [w.stderr.read() for w in writers]
    before = {saved for a in acks for t, saved in a if t < started}
    after = {saved for a in acks for t, saved in a if t > started + made["seconds"]}
    assert len(before) >= 12 and after

    copy_path = Path(made["path"])
    assert oct(copy_path.stat().st_mode & 0o777) == "0o600"
    assert oct(copy_path.parent.stat().st_mode & 0o777) == "0o700"
    report = check_copy(copy_path)
    assert report.ok, report.problems
    copy = sqlite_utils.Database(copy_path)
    in_copy = {row[0] for row in copy.execute("select id from assessments")}
    assert before <= in_copy  # every save acknowledged before the backup began
    live = open_db(db_path)
    # A consistent prefix: the copy holds exactly the live database's assessments up to its last one, each with
    # all its answers, and the audit rows up to the head its manifest names.
    assert in_copy == {r[0] for r in live.execute("select id from assessments where id <= ?", [max(in_copy)])}
    answers = "select assessment_id, count(*) from answers where assessment_id <= ? group by assessment_id"
    assert dict(copy.execute(answers, [max(in_copy)]).fetchall()) == dict(live.execute(answers, [max(in_copy)]).fetchall())
    assert copy.execute("select max(id) from audit_log").fetchone()[0] == made["head"]["id"]
    live_count = live.execute("select count(*) from assessments").fetchone()[0]
    live.conn.close()
    copy.conn.close()

    restored = restore_backup(copy_path, db_path)
    back = open_db(db_path)
    assert {row[0] for row in back.execute("select id from assessments")} == in_copy
    assert check_database(back).ok
    assert [r[0] for r in back.execute("select action from audit_log order by id desc limit 1")] == ["restored"]
    back.conn.close()
    aside = open_db(restored["aside"])  # the database as it was, with every later save
    assert aside.execute("select count(*) from assessments").fetchone()[0] == live_count
    assert check_database(aside).ok
    aside.conn.close()


@pytest.fixture
def backed_up(db, db_path):
    """The ``db`` fixture's database with one client, closed, and a backup of it."""
    _register(db, "Ганна")
    db.conn.close()
    return make_backup(db_path)


def _tampered(made: dict, tmp_path: Path, *, fix_sha: bool) -> Path:
    """A copy of the backup (with its manifest) whose first user's name bytes are flipped; ``fix_sha``: its
    manifest's sha256 made to match, so only the check can catch it."""
    source = Path(made["path"])
    folder = tmp_path / "tampered"
    folder.mkdir(parents=True)
    target = folder / source.name
    data = bytearray(source.read_bytes())
    at = data.index(b"olena.demo")
    data[at:at + 5] = bytes(b ^ 0x20 for b in data[at:at + 5])
    target.write_bytes(bytes(data))
    manifest = read_manifest(source)
    if fix_sha:
        manifest["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    manifest_path(target).write_text(json.dumps(manifest))
    (folder / manifest["key_file"]).write_bytes((source.parent / manifest["key_file"]).read_bytes())
    return target


def test_restore_refuses_a_damaged_or_foreign_copy_and_writes_nothing(backed_up, db_path, tmp_path):
    folder = db_path.parent
    unchanged = _files(folder)
    refused(lambda: restore_backup(_tampered(backed_up, tmp_path / "a", fix_sha=False), db_path), "backup.sha_mismatch")
    error = refused(lambda: restore_backup(_tampered(backed_up, tmp_path / "b", fix_sha=True), db_path))
    assert error.key in ("backup.check_failed", "backup.not_sqlite")
    other = tmp_path / "other" / "workbench.db"
    open_db(other, migrate=True).conn.close()
    refused(lambda: restore_backup(make_backup(other)["path"], db_path), "backup.other_database")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from workbench.store.connection import open_db; "
                               "db = open_db(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(db_path)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        refused(lambda: restore_backup(backed_up["path"], db_path), "backup.in_use")
    finally:
        holder.kill()
        holder.wait()
    assert _files(folder) == unchanged  # no staged file left, nothing moved or written


def test_restore_onto_an_empty_place_brings_the_key_and_head(backed_up, tmp_path):
    target = tmp_path / "new-machine" / "workbench.db"
    restored = restore_backup(backed_up["path"], target)
    assert restored["aside"] is None
    assert chain.key_path(target).read_bytes() == chain.key_path(Path(backed_up["path"]).parents[1] / "workbench.db").read_bytes()
    db = open_db(target)
    assert read_identity(db)["database_id"] == backed_up["database_id"]
    assert check_database(db).ok
    db.conn.close()


def test_migrate_backs_up_first_and_that_copy_checks_and_restores(tmp_path, capsys, monkeypatch):
    from workbench.demo import ADMINISTRATOR
    from workbench.store.connection import _connect
    from workbench.store.schema import migrations
    from workbench.store.users import add_user

    monkeypatch.setenv("WB_LANG", "en")
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)  # a database made by the previous version, holding a user
    migrations.apply(old, stop_before="m0009_database_identity")
    old.conn.close()
    db = _connect(path)
    add_user(db, ADMINISTRATOR, username=ADMINISTRATOR, display_name="Адмін", role="administrator")
    db.conn.close()
    assert main(["migrate", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    pending = [m.name for m in migrations._migrations if m.name >= "m0009"]  # this one and any later
    assert "m0009_database_identity" in out and f"{len(pending)} migration(s) applied" in out
    (copy,) = (tmp_path / "backups").glob("old-*-before-migrate.db")
    assert "m0009_database_identity" not in read_manifest(copy)["migrations"]
    assert main(["check", "--db", str(copy)]) == 0
    assert main(["migrate", "--db", str(path)]) == 0  # nothing pending: no second copy
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1
    assert main(["restore", str(copy), "--db", str(path)]) == 0  # the same database by its chain's start
    out = capsys.readouterr().out
    assert "was kept as" in out
    assert migrations.pending(sqlite_utils.Database(path))  # the schema as it was before
    # Any command that migrates backs up first too (a service restarted after an upgrade, here `users list`).
    monkeypatch.setenv("WB_USER", ADMINISTRATOR)
    assert main(["users", "--db", str(path), "list"]) == 0
    assert "m0009_database_identity" in capsys.readouterr().err
    assert len(list((tmp_path / "backups").glob("old-*-before-migrate.db"))) == 2
    assert not migrations.pending(sqlite_utils.Database(path))


def test_the_commands_print_in_both_languages_and_refuse_with_a_reason(backed_up, db_path, capsys):
    assert main(["backup", "--db", str(db_path), "--folder", str(db_path.parent / "elsewhere")]) == 0
    out = capsys.readouterr().out
    assert "Резервна копія" in out and "Backup" in out and "sha256" in out
    (copy,) = (db_path.parent / "elsewhere").glob("*.db")
    assert main(["check", "--db", str(copy)]) == 0
    Path(copy).write_bytes(Path(copy).read_bytes()[:-100])
    assert main(["restore", str(copy), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "не збігається" in err and "does not match its manifest" in err
    assert "Nothing was restored: the current database is unchanged." in err and "Нічого не відновлено" in err
    assert main(["check", "--db", str(copy)]) == 2  # the same damage, said as a check's finding: no word of restoring
    err = capsys.readouterr().err
    assert "does not match its manifest" in err and "restored" not in err and "відновлено" not in err


def _dated(folder: Path, name: str, manifest: bool = True) -> Path:
    path = folder / name
    path.write_bytes(b"x")
    if manifest:
        manifest_path(path).write_text(json.dumps({"file": name, "sha256": "x"}))
    return path


def test_rotation_keeps_the_newest_of_each_day_and_week_and_never_what_is_not_ours(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    stamps = ["20261203T100000Z", "20261203T020000Z", "20261202T020000Z", "20261201T020000Z", "20261130T020000Z",
              "20261128T020000Z", "20261127T020000Z", "20261126T020000Z", "20261125T020000Z", "20261120T020000Z",
              "20261110T020000Z", "20261101T020000Z", "20261015T020000Z"]
    for stamp in stamps:
        _dated(folder, f"workbench-{stamp}.db")
    theirs = [_dated(folder, "workbench-20261001T020000Z.db", manifest=False),  # no manifest: not ours
              _dated(folder, "other-20261001T020000Z.db"), _dated(folder, "workbench-20261001T020000Z-before-migrate.db"),
              _dated(folder, "notes.txt", manifest=False)]
    deleted = rotate(folder, "workbench", keep_daily=3, keep_weekly=3, just_made=folder / "workbench-20261015T020000Z.db")
    # Days: 3 Dec (its newest), 2 Dec, 1 Dec. ISO weeks: 49 (3 Dec), 48 (28 Nov), 47 (20 Nov). And the copy just made.
    kept = ["20261203T100000Z", "20261202T020000Z", "20261201T020000Z", "20261128T020000Z", "20261120T020000Z",
            "20261015T020000Z"]
    assert sorted(p.name for p in deleted) == sorted(f"workbench-{s}.db" for s in stamps if s not in kept)
    assert [p.name for _, p in our_backups(folder, "workbench")] == [f"workbench-{s}.db" for s in kept]
    assert all(p.exists() and (p.suffix != ".db" or p.name == "workbench-20261001T020000Z.db" or manifest_path(p).exists())
               for p in theirs)
    assert not any(manifest_path(p).exists() for p in deleted)
    assert datetime(2026, 11, 28, tzinfo=timezone.utc).isocalendar()[1] == 48  # the week the comment names

