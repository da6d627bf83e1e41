"""The writers that ``tests/test_crash_safety.py`` kills: each saves needs assessments on one case in a
loop, through the store, and says on stdout how far it got.

    python tests/crash_writer.py DB CASE_ID

It imports the workbench once (about 1.3 s) and then, for each seed read from stdin, forks a writer
process that opens the database itself and saves until it is killed; the test kills it with SIGKILL, by
its pid, and this process reaps it and says so. (A fresh interpreter per kill would spend most of the
test's time importing.) Lines, each flushed at once so a SIGKILL loses none already written:

- ``ready``: imported, waiting for a seed;
- ``writer <pid>``: a writer was started;
- ``saving <n>``: its save number ``n`` is about to be called;
- ``begin`` / ``commit``: SQLite is starting the ``BEGIN IMMEDIATE`` / ``COMMIT`` of a write (from the
  connection's trace callback), so the test can tell which kills landed inside a transaction;
- ``saved <id> <content_sha256> <answers>``: the save RETURNED (what the app shows as "збережено"),
  with the row's content hash and its number of answer rows as read back right after;
- ``ended <status>``: the writer is gone, with its ``waitpid`` status.

Saves vary in size, from one child to every child of the family, half with the longest texts allowed, so
a kill lands now before, now inside, now after a transaction.
"""
from __future__ import annotations

import os
import random
import sys
import traceback
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.demo import _answers, _registered_children
from workbench.instruments.loader import load_builtin
from workbench.instruments.validation import MAX_TEXT
from workbench.store.assessments import save_assessment
from workbench.store.connection import open_db

ACTOR = "olena.demo"
TODAY = date(2026, 6, 15)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def traced(statement: str) -> None:
    """Mark the statements that open and close a write transaction."""
    word = statement.split(None, 1)[0].upper() if statement.strip() else ""
    if word in ("BEGIN", "COMMIT"):
        say(word.lower())


def write(db_path: str, case_id: int, seed: int, instrument) -> None:
    """Save assessments on the case until killed."""
    rng = random.Random(seed)
    db = open_db(db_path)
    children = _registered_children(db, ACTOR, case_id)
    latent = {d.name: 1.5 for d in instrument.domains()}
    db.conn.set_trace_callback(traced)
    for n in range(1_000_000):
        family = rng.sample(children, rng.randint(1, len(children)))
        answers = _answers(rng, instrument, latent, family, TODAY, 1)
        if rng.random() < 0.5:  # a large save: the longest texts the form takes, many pages to write
            answers["conclusion_text"] = f"Висновок {seed}-{n}. " + "д" * (MAX_TEXT - 30)
            for child in answers.get("child", []):
                child["child_notes"] = f"Примітки {n}. " + "п" * (MAX_TEXT - 30)
        else:
            answers["conclusion_text"] = f"Висновок {seed}-{n}."
        say(f"saving {n}")
        assessment_id = save_assessment(db, ACTOR, case_id=case_id, instrument=instrument, answers=answers,
                                        assessed_on=TODAY, today=TODAY)
        content, count = db.execute(
            "select content_sha256, (select count(*) from answers where assessment_id = a.id) from assessments a "
            "where id = ?", [assessment_id]).fetchone()
        say(f"saved {assessment_id} {content} {count}")


def serve(db_path: str, case_id: int) -> None:
    """Fork a writer for each seed on stdin and reap it; stop when stdin closes."""
    instrument = load_builtin("family_needs_assessment")
    say("ready")
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:  # the writer: no connection was open before the fork, it opens its own
            try:
                write(db_path, case_id, int(line), instrument)
            except BaseException:  # noqa: BLE001  (only an error ends a writer by itself: the test shows it)
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(1)
        say(f"writer {pid}")
        say(f"ended {os.waitpid(pid, 0)[1]}")


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
