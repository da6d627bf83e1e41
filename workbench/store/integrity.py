"""``workbench check``: is the record as the workbench wrote it?

It verifies, with the key and the head kept outside the database (:mod:`workbench.store.chain`):

- the audit chain, row by row: each seal against the key and the row before it; the rows from before
  the chain began are counted against what its first sealed row says;
- the head: the last row it names is still there, with the same seal (a deleted tail is caught);
- the records: every row of every record table lies in the rows some audit row names, and hashes as
  it did then; every assessment's ``content_sha256`` matches its answers; every attachment's file (kept outside
  the chain, keyed by its SHA-256) still hashes to its key;
- every append-only trigger exists; ``PRAGMA integrity_check`` and ``foreign_key_check``;
- and warns about files others than their owner (and the configured group) may read.

It reads the file as an administrator does, with the file in hand (like ``workbench migrate``): no actor,
and it shows no client's data, only table names and row numbers.
"""
from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .. import config, i18n
from ..case_cycle import Conditions
from ..files import file_mode, folder_mode, too_open
from ..i18n import Text
from . import chain
from .assessments import content_sha256
from .cycle import _moves_against_rules
from .inputs import ua_date
from .schema import RECORD_TABLES, triggers_expected

i18n.add({
    "check.unsealed_after_seal": {
        "uk": "Рядок аудиту №{id} не засвідчений, хоча записаний після початку ланцюжка: його вставлено поза робочим місцем.",
        "en": "Audit row #{id} has no seal though it comes after the chain began: it was inserted outside the workbench.",
    },
    "check.seal": {
        "uk": "Рядок аудиту №{id} ({action}) не збігається зі своєю печаткою: його або рядок перед ним змінено, "
              "вставлено, видалено чи переставлено.",
        "en": "Audit row #{id} ({action}) does not match its seal: it or the row before it was edited, inserted, "
              "deleted or reordered.",
    },
    "check.gap": {
        "uk": "Після рядка аудиту №{before} іде №{after}: рядки між ними видалено.",
        "en": "Audit row #{before} is followed by #{after}: the rows between them were deleted.",
    },
    "check.baseline": {
        "uk": "До початку ланцюжка було {expected} рядків аудиту, а тепер їх {found}.",
        "en": "There were {expected} audit rows before the chain began; there are now {found}.",
    },
    "check.no_chain": {
        "uk": "Ланцюжка аудиту немає: рядок його початку видалено.",
        "en": "There is no audit chain: the row that starts it was deleted.",
    },
    "check.no_head": {
        "uk": "Файлу голови ланцюжка {path} немає: не можна перевірити, чи не видалено останні рядки аудиту.",
        "en": "The chain's head file {path} is missing: whether the last audit rows were deleted cannot be checked.",
    },
    "check.tail_deleted": {
        "uk": "Голова ланцюжка називає рядок аудиту №{head}, а останній у базі — №{last}: кінець журналу видалено. "
              "(Так само виглядає копія, зроблена під час роботи без файлу -wal: копіюйте зупинену базу або "
              "командою sqlite3 .backup.)",
        "en": "The chain's head names audit row #{head}, but the last in the database is #{last}: the log's tail was "
              "deleted. (A copy made while the workbench was writing, without its -wal file, looks the same: copy a "
              "stopped database, or with sqlite3's .backup.)",
    },
    "check.head_seal": {
        "uk": "Рядок аудиту №{head} не збігається з головою ланцюжка: журнал переписано.",
        "en": "Audit row #{head} does not match the chain's head: the log was rewritten.",
    },
    "check.records_changed": {
        "uk": "Записи, які зробила дія рядка аудиту №{id} ({action}), змінено: {tables}.",
        "en": "The records written by the action of audit row #{id} ({action}) were changed: {tables}.",
    },
    "check.not_audited": {
        "uk": "У таблиці {table} є записи поза журналом аудиту (вставлені поза робочим місцем): №{ids}.",
        "en": "The table {table} holds records no audit row wrote (inserted outside the workbench): #{ids}.",
    },
    "check.assessment_hash": {
        "uk": "Відповіді оцінювання №{id} не збігаються з його хешем змісту: їх змінено.",
        "en": "The answers of assessment #{id} do not match its content hash: they were changed.",
    },
    "check.attachment_file": {
        "uk": "Вміст файлу {sha256}… не збігається зі своїм SHA-256: його змінено (файли випадків №{ids}).",
        "en": "The file {sha256}… does not match its SHA-256: its bytes were changed (case attachments #{ids}).",
    },
    "check.trigger_missing": {
        "uk": "Тригера {name} немає: записи цієї таблиці можна змінити чи видалити.",
        "en": "The trigger {name} is missing: the records of its table can be changed or deleted.",
    },
    "check.integrity": {"uk": "Вбудована перевірка цілісності бази (integrity_check): {message}",
                        "en": "SQLite integrity_check: {message}"},
    "check.foreign_key": {
        "uk": "Запис №{rowid} таблиці {table} посилається на відсутній запис у {parent}.",
        "en": "Row #{rowid} of {table} refers to a missing row of {parent}.",
    },
    "check.too_open": {
        "uk": "Файл {path} можуть читати інші користувачі комп'ютера (права {mode}); має бути {wanted}.",
        "en": "Others on this machine can read {path} (mode {mode}); it should be {wanted}.",
    },
    "check.move_against_rules": {
        "uk": "Випадок {number}: перехід до «{to_label}» {on} без того, чого вимагають чинні правила циклу: {missing}.",
        "en": "Case {number}: the move to '{to_label}' on {on} lacks what the cycle's rules now in force ask: {missing}.",
    },
    "check.open_goals_closed": {
        "uk": "Випадок {number}: закрито {on}, а мета лишилася відкритою.",
        "en": "Case {number}: closed on {on} with a goal left open.",
    },
    "check.ok": {
        "uk": "Перевірено {rows} рядків аудиту й {records} записів: журнал цілий, записи такі, як їх зробив робочий застосунок.",
        "en": "{rows} audit rows and {records} records checked: the log is whole and the records are as the workbench wrote them.",
    },
    "check.failed": {
        "uk": "Знайдено проблем: {count}. Першу зламану ланку названо першою.",
        "en": "{count} problem(s) found. The first broken link is named first.",
    },
})


@dataclass
class Report:
    """What :func:`check_database` found: ``problems`` (the record cannot be trusted as it is), in the order
    of the chain, and ``warnings`` (files too open); ``audit_rows`` and ``records`` checked."""

    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    audit_rows: int = 0
    records: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


_BESIDE = object()  # the key or head file beside the database


def check_database(db, *, key: bytes | None = None, head=_BESIDE) -> Report:
    """Check the database ``db`` (opened with :func:`workbench.store.connection.open_db`) as the module
    says, with the key and head files beside it; a backup copy (:mod:`workbench.store.restore`) is checked
    with ``key`` (the key's bytes) and ``head`` (``{"id", "seal"}`` from its manifest, or None: no head) instead.
    Raises ``UserError`` (``chain.no_key``) when the key file is missing."""
    path = chain.database_file(db)
    key = chain.read_key(path) if key is None else key
    report = Report()
    ranges = _check_chain(db, key, path, report, chain.read_head(path) if head is _BESIDE else head)
    _check_records(db, ranges, report)
    _check_assessments(db, report)
    _check_attachment_files(db, report)
    present = {row[0] for row in db.execute("select name from sqlite_master where type = 'trigger'")}
    for name in sorted(triggers_expected() - present):
        report.problems.append(Text("check.trigger_missing", name=name))
    for (message,) in db.execute("pragma integrity_check"):
        if message != "ok":
            report.problems.append(Text("check.integrity", message=message))
    for table, rowid, parent, _ in db.execute("pragma foreign_key_check"):
        report.problems.append(Text("check.foreign_key", table=table, rowid=rowid, parent=parent))
    _check_files(db, path, report)
    _check_moves(db, report)
    return report


def _check_moves(db, report: Report) -> None:
    """Warn of each recorded move the case cycle's rules now in force would refuse (a warning: the rules
    may have been tightened since the move was made, and an override counts)."""
    for move in _moves_against_rules(db):
        on = ua_date(move["on"])
        if move["to_status"] == "closed":
            report.warnings.append(Text("check.open_goals_closed", number=move["case_number"], on=on))
        else:
            report.warnings.append(Text("check.move_against_rules", number=move["case_number"], on=on,
                                        to_label=config.Labels("case_statuses", [move["to_status"]]),
                                        missing=Conditions(move["missing"], config.programme_instrument(move["programme"]))))


def _check_chain(db, key: bytes, path: Path, report: Report, head: dict | None) -> list[tuple[int, str, dict, str]]:
    """Verify the seals and the head; return (audit id, action, ranges, rows_sha256) of each sealed row."""
    sealed, previous, before = [], None, None
    unsealed = 0
    for row in db.execute("select id, at, actor, action, entity, entity_id, details, rows, rows_sha256, seal "
                          "from audit_log order by id"):
        row = dict(zip(("id", "at", "actor", "action", "entity", "entity_id", "details", "rows",
                        "rows_sha256", "seal"), row))
        report.audit_rows += 1
        if row["seal"] is None:
            if previous is None:
                unsealed += 1
            else:
                report.problems.append(Text("check.unsealed_after_seal", id=row["id"]))
            continue
        if previous is None:  # the chain's first row
            if row["action"] != "start_audit_chain":
                report.problems.append(Text("check.no_chain"))
            else:
                expected = json.loads(row["details"]).get("unsealed_rows_before", 0)
                if expected != unsealed or row["id"] != unsealed + 1:
                    report.problems.append(Text("check.baseline", expected=expected, found=unsealed))
        elif row["id"] != before + 1:
            report.problems.append(Text("check.gap", before=before, after=row["id"]))
        if chain.seal_of(key, previous or chain.GENESIS, row) != row["seal"]:
            report.problems.append(Text("check.seal", id=row["id"], action=row["action"]))
        previous, before = row["seal"], row["id"]
        sealed.append((row["id"], row["action"], json.loads(row["rows"] or "{}"), row["rows_sha256"]))
    if previous is None:
        report.problems.append(Text("check.no_chain"))
    if head is None:
        report.problems.append(Text("check.no_head", path=str(chain.head_path(path))))
    elif before is not None and head["id"] > before:
        report.problems.append(Text("check.tail_deleted", head=head["id"], last=before))
    else:
        found = db.execute("select seal from audit_log where id = ?", [head["id"]]).fetchone()
        if found is None or found[0] != head["seal"]:
            report.problems.append(Text("check.head_seal", head=head["id"]))
    return sealed


def _check_records(db, sealed, report: Report) -> None:
    """Re-hash the records each sealed audit row names; report the rows no audit row names."""
    covered = defaultdict(list)
    for audit_id, action, ranges, rows_hash in sealed:
        changed = []
        for table, (first, last, table_hash) in sorted(ranges.items()):
            covered[table].append((first, last))
            if chain.table_sha256(db, table, first, last) != table_hash:
                changed.append(table)
        # The per-table hashes are sealed through rows_sha256: a forged range hash breaks this too.
        if changed or chain.rows_sha256(ranges) != rows_hash:
            report.problems.append(Text("check.records_changed", id=audit_id, action=action,
                                        tables=", ".join(changed) or "—"))
    for table in RECORD_TABLES:
        spans = sorted(covered.get(table, []))
        starts = [first for first, _ in spans]
        outside = []
        for (rowid,) in db.execute(f"select rowid from {table} order by rowid"):
            report.records += 1
            at = bisect_right(starts, rowid) - 1  # the last span starting at or before the row (spans never overlap)
            if at < 0 or rowid > spans[at][1]:
                outside.append(rowid)
        if outside:
            shown = ", ".join(map(str, outside[:10])) + (" …" if len(outside) > 10 else "")
            report.problems.append(Text("check.not_audited", table=table, ids=shown))


def _check_assessments(db, report: Report) -> None:
    answers = defaultdict(list)
    for assessment_id, *values in db.execute("select assessment_id, repeat, instance, item, value from answers"):
        answers[assessment_id].append(values)
    for row in db.execute("select id, case_id, instrument_id, instrument_version, assessed_on, supersedes, "
                          "purpose, content_sha256 from assessments order by id"):
        expected = content_sha256(row[1], row[2], row[3], row[4], row[5], answers.get(row[0], []), row[6])
        if expected != row[7]:
            report.problems.append(Text("check.assessment_hash", id=row[0]))


def _check_attachment_files(db, report: Report) -> None:
    """Recompute each kept file's SHA-256 (its key); name a file whose bytes no longer match, by its hash and the
    attachments that point at it (no file name: that may be a client's)."""
    for digest, content in db.execute("select sha256, content from attachment_files order by rowid"):
        if hashlib.sha256(content if isinstance(content, bytes) else bytes(content)).hexdigest() != digest:
            ids = [row[0] for row in db.execute("select id from attachments where sha256 = ? order by id", [digest])]
            report.problems.append(Text("check.attachment_file", sha256=digest[:12],
                                        ids=", ".join(map(str, ids)) or "—"))


def _check_files(db, path: Path, report: Report) -> None:
    """Warn about the database, its WAL, key, head and the exports the log names if others may read them."""
    candidates = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), *chain.files(path)]
    for (details,) in db.execute("select details from audit_log where action in ('export_report', 'export_research')"):
        named = json.loads(details)
        for value in (named.get("path"), named.get("out_dir")):
            if value:
                folder = Path(value)
                candidates.append(folder)
                if folder.is_dir():
                    candidates.extend(sorted(folder.iterdir()))
    for candidate in dict.fromkeys(candidates):
        if candidate.exists() and too_open(candidate):
            wanted = folder_mode() if candidate.is_dir() else file_mode()
            report.warnings.append(Text("check.too_open", path=str(candidate),
                                        mode=oct(candidate.stat().st_mode & 0o777)[2:], wanted=oct(wanted)[2:]))


def describe(report: Report) -> list[str]:
    """The report's lines, each in Ukrainian then English."""
    lines = []
    for text in report.problems + report.warnings:
        lines.extend((text.message("uk"), text.message("en")))
    final = Text("check.failed", count=len(report.problems)) if report.problems else \
        Text("check.ok", rows=report.audit_rows, records=report.records)
    lines.extend((final.message("uk"), final.message("en")))
    return lines

