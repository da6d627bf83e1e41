"""A writer killed mid-save loses no acknowledged save and leaves no partial one.

A real writer process (``tests/crash_writer.py``) saves needs assessments through the store in a loop and
acknowledges each save after it returns; the test kills it with SIGKILL at random moments (a fixed seed)
many times, some kills inside a transaction, and after each one opens the database as the next user would.
A power cut cannot be made here (no VM, no dm-flakey): for that the store relies on ``synchronous=FULL``
(see ``workbench/store/connection.py``), which the last test holds.
"""
from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import TODAY

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = 30
ACTOR = "olena.demo"
WAIT_S = 60.0  # for a writer's first save: generous, CI shares its cores


def family_case(db) -> int:
    """A mother and six children on a family-support case of ``ACTOR``; returns the case id."""
    from workbench.store.intake import intake

    mother = {"family_name": "Тихоліс", "given_name": "Ганна", "birth_date": "1988-04-02", "sex": "female",
              "relation": "applicant"}
    children = [{"family_name": "Тихоліс", "given_name": name, "birth_date": f"{2010 + n}-03-0{n + 1}",
                 "sex": "female" if n % 2 else "male", "relation": "child", "consent_given_by": "мати"}
                for n, name in enumerate(["Злата", "Остап", "Марта", "Богдан", "Соломія", "Тарас"])]
    return intake(db, ACTOR, programme="family_support", members=[mother, *children],
                  category="family_difficult_circumstances", consent_given_on="2026-01-10", today=TODAY)


class Writers:
    """``tests/crash_writer.py`` running: starts writers on request and reports what they wrote."""

    def __init__(self, db_path: Path, case_id: int):
        self.process = subprocess.Popen([sys.executable, str(WRITER), str(db_path), str(case_id)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.buffer = b""
        assert self.line(time.monotonic() + WAIT_S) == "ready", self.errors()

    def line(self, deadline: float) -> str | None:
        """The next whole line, or None at ``deadline`` (or if the process ended)."""
        while b"\n" not in self.buffer:
            if time.monotonic() >= deadline or not self.selector.select(timeout=max(0.0, deadline - time.monotonic())):
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def run_until_killed(self, seed: int, delay_s: float) -> list[str]:
        """Start a writer, wait for its first acknowledged save, let it run ``delay_s`` more, SIGKILL it;
        returns every line it wrote."""
        self.process.stdin.write(f"{seed}\n".encode())
        self.process.stdin.flush()
        started = self.line(time.monotonic() + WAIT_S)
        assert started and started.startswith("writer "), (started, self.errors())
        pid, lines = int(started.split()[1]), []
        deadline = time.monotonic() + WAIT_S
        while not any(line.startswith("saved ") for line in lines):
            line = self.line(deadline)
            assert line is not None and not line.startswith("ended "), \
                f"writer {seed} saved nothing in {WAIT_S:.0f} s after the previous kill: {lines} {self.errors()}"
            lines.append(line)
        deadline = time.monotonic() + delay_s
        while (line := self.line(deadline)) is not None:
            # Once reaped its pid may be another process's: never kill a writer that ended by itself.
            assert not line.startswith("ended "), f"writer {seed} stopped by itself: {lines} {self.errors()}"
            lines.append(line)
        os.kill(pid, signal.SIGKILL)  # alive, and not reaped until the writer process reads it ended
        while not (line := self.line(time.monotonic() + WAIT_S) or "").startswith("ended "):
            assert line, f"writer {seed} was not reaped after SIGKILL: {lines} {self.errors()}"
            lines.append(line)
        status = int(line.split()[1])
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (lines, self.errors())
        return lines

    def errors(self) -> str:
        """What the writers wrote on stderr (after stopping them)."""
        self.stop()
        return self.process.stderr.read().decode()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.selector.close()


def where_killed(lines: list[str]) -> str:
    """Where the kill landed, by the writer's last marker."""
    last = next(line.split()[0] for line in reversed(lines) if line.split()[0] in ("saving", "begin", "commit", "saved"))
    return {"saving": "before BEGIN", "begin": "inside the transaction", "commit": "in or after COMMIT",
            "saved": "between saves"}[last]


def check_after_kill(db_path: Path, acknowledged: dict) -> None:
    """The database as the next user opens it: whole, with every acknowledged save and every answer of it,
    and no save in part (answers without their assessment or audit row, or the reverse)."""
    from workbench.store.assessments import content_sha256
    from workbench.store.connection import open_db

    db = open_db(db_path)
    try:
        assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
        for assessment_id, (content, count) in acknowledged.items():
            row = db.execute("select case_id, instrument_id, instrument_version, assessed_on, supersedes, purpose, "
                             "content_sha256 from assessments where id = ?", [assessment_id]).fetchone()
            assert row is not None, f"acknowledged assessment #{assessment_id} is gone"
            answers = db.execute("select repeat, instance, item, value from answers where assessment_id = ?",
                                 [assessment_id]).fetchall()
            assert (row[6], len(answers)) == (content, count), f"assessment #{assessment_id} differs from its acknowledgement"
            assert content_sha256(*row[:5], answers, row[5]) == content, f"the answers of #{assessment_id} changed"
        assert db.execute("select id from assessments a where not exists "
                          "(select 1 from answers x where x.assessment_id = a.id)").fetchall() == []
        assert db.execute("select count(*) from answers where assessment_id not in (select id from assessments)"
                          ).fetchone() == (0,)
        assert db.execute("select id from assessments where id not in "
                          "(select entity_id from audit_log where entity = 'assessments')").fetchall() == []
    finally:
        db.conn.close()


def test_a_writer_killed_mid_save_loses_no_acknowledged_save_and_leaves_none_in_part(db, db_path, report_figure):
    from workbench.store.integrity import check_database

    case_id = family_case(db)
    rng = random.Random(17)
    acknowledged: dict[int, tuple[str, int]] = {}
    landed: Counter = Counter()
    started = time.perf_counter()
    writers = Writers(db_path, case_id)
    try:
        for seed in range(KILLS):
            lines = writers.run_until_killed(seed, delay_s=rng.uniform(0.0, 0.2))
            landed[where_killed(lines)] += 1
            for line in lines:
                if line.startswith("saved "):
                    _, assessment_id, content, count = line.split()
                    acknowledged[int(assessment_id)] = (content, int(count))
            check_after_kill(db_path, acknowledged)
    finally:
        writers.stop()
    report = check_database(db)
    assert report.ok, [p.message("en") for p in report.problems]
    saved = db.execute("select count(*) from assessments").fetchone()[0]
    report_figure(f"crash safety: {KILLS} SIGKILLs in {time.perf_counter() - started:.1f} s, "
                  + ", ".join(f"{n} {where}" for where, n in sorted(landed.items()))
                  + f"; {len(acknowledged)} saves acknowledged, {saved} in the database, all whole")
    # The kills must test atomicity: enough of them inside a transaction, the rest spread around it.
    assert landed["inside the transaction"] >= KILLS // 5, landed
    assert len(acknowledged) >= KILLS


def test_every_connection_waits_for_the_disk_at_each_commit(db_path):
    """``synchronous=FULL`` (2) on every connection the store opens: a commit survives a power cut."""
    from workbench.store.connection import open_db

    first = open_db(db_path, migrate=True)
    second = open_db(db_path)
    try:
        assert [c.execute("pragma synchronous").fetchone()[0] for c in (first, second)] == [2, 2]
        assert first.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        first.conn.close()
        second.conn.close()
