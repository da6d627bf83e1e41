"""The audit trail's seal: every audit row carries a keyed hash chained to the row before it, and a
hash of the records its action wrote.

- **The key** (32 random bytes) lives outside the database, in a file made once with mode 0600 by the
  migration that starts the chain (``m0007_audit_chain``); someone holding only the database file
  cannot make a seal that verifies.
- **The rows an action wrote** are the rows of the record tables (:data:`workbench.store.schema.RECORD_TABLES`)
  whose rowids grew since its transaction began (or since its previous audit row): the audit row names
  their ranges and each range's hash (``rows``), and one hash of those (``rows_sha256``), so an edited,
  deleted or inserted record is caught by re-hashing.
- **The seal** is ``HMAC(key, previous seal + the row's fields)``: editing, deleting, inserting or
  reordering an audit row breaks the chain at that row.
- **The head** (the last row's id and seal) is written to a second file after every write, so a
  deleted tail is caught too.

The store's writes call :func:`workbench.store.audit._audit`, which only queues the row;
``write_transaction`` calls :func:`begin` when it starts and :func:`seal` just before it commits, so
one transaction's records all reach its audit row(s) whatever order a function wrote them in.
A head written by two processes at once may lag behind the last row (it is only ever moved forward):
the rows after it still verify against the key.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from .. import i18n
from ..config import load_config
from ..files import make_private, write_private
from ..i18n import UserError

i18n.add({
    "chain.no_key": {
        "uk": "Ключа журналу аудиту {path} немає: без нього записи не можна засвідчити. Відновіть файл ключа "
              "з резервної копії (він лежить поруч із базою) або зверніться до адміністратора.",
        "en": "The audit key {path} is missing: without it no record can be sealed. Restore the key file from "
              "the backup (it sits beside the database) or ask your administrator.",
    },
})

GENESIS = ""  # the "previous seal" of the first sealed row


def database_file(db) -> Path:
    """The file of ``db``'s main database."""
    for _, name, file in db.conn.execute("pragma database_list"):
        if name == "main":
            return Path(file)
    raise ValueError("no main database")  # pragma: no cover - SQLite always has one


def _configured(name: str, db_path: Path, suffix: str) -> Path:
    """A path from ``audit.<name>`` (relative to the database's folder), else the database's own name
    with ``suffix`` beside it."""
    value = (load_config().get("audit") or {}).get(name)
    if not value:
        return db_path.with_name(db_path.name + suffix)
    path = Path(value.format(db=db_path.name))
    return path if path.is_absolute() else db_path.parent / path


def key_path(db_path: Path) -> Path:
    """Where the key of the database at ``db_path`` is kept (``audit.key_file``, default ``<db>.audit-key``)."""
    return _configured("key_file", Path(db_path), ".audit-key")


def head_path(db_path: Path) -> Path:
    """Where the chain's head is kept (``audit.head_file``, default ``<db>.audit-head``)."""
    return _configured("head_file", Path(db_path), ".audit-head")


def files(db_path) -> list[Path]:
    """The files that belong with a database: copy or back them up together."""
    return [key_path(db_path), head_path(db_path)]


def create_key(db_path: Path) -> Path:
    """Make the key file if there is none (mode 0600, never overwritten), and return its path."""
    path = key_path(db_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(os.urandom(32).hex() + "\n")
            # On the disk before the first sealed row commits (synchronous=FULL): a power cut must not keep
            # the seals and lose the key that checks them.
            f.flush()
            os.fsync(f.fileno())
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the file's name too
        finally:
            os.close(folder)
        make_private(path)  # the configured group, if any
    return path


def read_key(db_path: Path) -> bytes:
    """The key of the database at ``db_path``; ``UserError`` (``chain.no_key``) when the file is missing."""
    path = key_path(db_path)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        raise UserError("chain.no_key", path=str(path)) from None


def read_head(db_path: Path) -> dict | None:
    """The head as written (``{"id": …, "seal": …}``), or None when there is no head file."""
    try:
        return json.loads(head_path(db_path).read_text())
    except FileNotFoundError:
        return None


def write_head(db_path: Path, audit_id: int, seal_hex: str) -> None:
    """Move the head forward to ``audit_id`` (never back: another process may have sealed later rows)."""
    current = read_head(db_path)
    if current and current.get("id", 0) >= audit_id:
        return
    path = head_path(db_path)
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    write_private(temporary, json.dumps({"id": audit_id, "seal": seal_hex}))
    os.replace(temporary, path)


def canonical(values) -> bytes:
    """One row's values as bytes that hash the same on every machine."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"), default=str).encode()


def seal_of(key: bytes, previous: str, row: dict) -> str:
    """The seal of an audit row ``row`` (its id, at, actor, action, entity, entity_id, details, rows
    and rows_sha256) after the row sealed ``previous``."""
    fields = [row["id"], row["at"], row["actor"], row["action"], row["entity"], row["entity_id"],
              row["details"], row["rows"], row["rows_sha256"]]
    return hmac.new(key, previous.encode() + b"\n" + canonical(fields), hashlib.sha256).hexdigest()


def record_rows(db, table: str, first: int, last: int):
    """The canonical bytes of each row of ``table`` with rowid ``first``..``last``, in rowid order;
    an assessment's bytes include its answers (a table without rowids of its own)."""
    for row in db.conn.execute(f"select rowid, * from {table} where rowid between ? and ? order by rowid",
                               [first, last]):
        values = list(row)
        if table == "assessments":
            values.append(db.conn.execute(
                "select repeat, instance, item, value, number from answers where assessment_id = ? "
                "order by repeat, instance, item", [row[0]]).fetchall())
        yield canonical(values)


def table_sha256(db, table: str, first: int, last: int) -> str:
    """The hash of the rows of ``table`` with rowid ``first``..``last``."""
    digest = hashlib.sha256()
    for data in record_rows(db, table, first, last):
        digest.update(data + b"\n")
    return digest.hexdigest()


def hashed_ranges(db, ranges: dict) -> dict:
    """``{table: [first, last]}`` → ``{table: [first, last, the hash of those rows]}``."""
    return {table: [first, last, table_sha256(db, table, first, last)] for table, (first, last) in ranges.items()}


def rows_sha256(hashed: dict) -> str:
    """One hash of the hashed ranges an audit row names (:func:`hashed_ranges`), tables in name order."""
    return hashlib.sha256("".join(f"{t}:{hashed[t][2]}\n" for t in sorted(hashed)).encode()).hexdigest()


# -- the store's side: queue, begin, seal -------------------------------------------------------

def _state(db) -> dict:
    """Per-connection chain state: whether the chain is on, the key and the database's path."""
    state = getattr(db, "_wb_chain", None)
    if state is None:
        columns = {row[1] for row in db.conn.execute("pragma table_info(audit_log)")}
        path = database_file(db)
        state = {"on": "seal" in columns, "path": path, "key": None, "marks": None, "queue": [], "head": None}
        db._wb_chain = state
    return state


def high_marks(db) -> dict:
    """The largest rowid of every record table now (0 for an empty one, or one a later migration adds)."""
    from .schema import RECORD_TABLES

    present = {row[0] for row in db.conn.execute("select name from sqlite_master where type = 'table'")}
    return {table: db.conn.execute(f"select coalesce(max(rowid), 0) from {table}").fetchone()[0]
            if table in present else 0 for table in RECORD_TABLES}


def begin(db) -> None:
    """At the start of a write transaction: note each record table's largest rowid."""
    state = _state(db)
    state["queue"] = []
    state["marks"] = high_marks(db) if state["on"] else None


def _grown(before: dict, after: dict) -> dict:
    return {t: [before[t] + 1, after[t]] for t in after if after[t] > before[t]}


def queue(db, row: dict) -> None:
    """Queue an audit row (at, actor, action, entity, entity_id, details) for this transaction's seal,
    with the record rows written since the transaction began or since its previous audit row."""
    state = _state(db)
    if state["on"]:
        now = high_marks(db)
        row = dict(row, _ranges=_grown(state["marks"], now))
        state["marks"] = now
    state["queue"].append(row)


def seal(db) -> None:
    """Just before COMMIT: insert the queued audit rows, sealed; the last one names the record rows the
    transaction wrote. Records written with no audit row at all are left for ``workbench check`` to
    report."""
    state = _state(db)
    queued, state["queue"] = state["queue"], []
    if not queued:
        return
    if not state["on"]:  # a database whose schema predates the chain (inside the migrations)
        for row in queued:
            _insert(db, row)
        return
    if state["key"] is None:
        state["key"] = read_key(state["path"])
    # Rows written after the last audit row, in the same transaction, are that row's too.
    after = _grown(state["marks"], high_marks(db))
    for table, (_, last_row) in after.items():
        queued[-1]["_ranges"][table] = [queued[-1]["_ranges"].get(table, [state["marks"][table] + 1])[0], last_row]
    last = db.conn.execute("select id, seal from audit_log order by id desc limit 1").fetchone()
    audit_id, previous = (last[0], last[1] or GENESIS) if last else (0, GENESIS)
    for row in queued:
        audit_id += 1
        mine = hashed_ranges(db, row.pop("_ranges"))
        row = dict(row, id=audit_id, rows=json.dumps(mine, sort_keys=True), rows_sha256=rows_sha256(mine))
        row["seal"] = previous = seal_of(state["key"], previous, row)
        _insert(db, row)
    state["head"] = (audit_id, previous)


def after_commit(db) -> None:
    """After COMMIT: write the head of what this connection sealed."""
    state = _state(db)
    if state.get("head"):
        audit_id, seal_hex = state["head"]
        state["head"] = None
        write_head(state["path"], audit_id, seal_hex)


def rolled_back(db) -> None:
    """After ROLLBACK: forget what was queued."""
    state = _state(db)
    state["queue"], state["head"] = [], None


def _insert(db, row: dict) -> None:
    columns = list(row)
    db.conn.execute(f"insert into audit_log ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                    [row[c] for c in columns])
