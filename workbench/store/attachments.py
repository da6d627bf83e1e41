"""Files kept with a case: a document's scanned signed copy, and (the KoBo/ODK import) an assessment's photos and
files. The bytes live in the database (``attachment_files``, keyed by their SHA-256, each file stored once), so a
backup holds them; ``attachments`` has a row per file added, naming its case and what it belongs to.

A file's type is told by its first bytes (:data:`SIGNATURES`), never by its name, and its name's extension must
agree. Each use has its own list of accepted types and size limit in the configuration's ``attachments``
(:data:`USES`): ``media_types`` and ``max_bytes`` for a case's files (signed copies, scans), ``form_media_types``
and ``form_max_bytes`` for the files answered to a form's image, audio, video and file questions
(:func:`_keep_form_file`, called by :func:`workbench.store.assessments.save_assessment` inside its own
transaction). A new type adds its signature and extensions here and its name to a use's list: one module, one
way of keeping files. Adding a file is a write of the case; reading its bytes is audited as an opening of the
case's record (``open_record``, as :func:`workbench.store.audit.record_opening`).
"""
from __future__ import annotations

import hashlib

from .. import config, i18n
from ..i18n import UserError
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow, record_id
from .inputs import Checker

i18n.add({
    "attachment.not_bytes": {"uk": "Файл не отримано: виберіть файл ще раз.",
                             "en": "No file was received: choose the file again."},
    "attachment.empty": {"uk": "Файл порожній.", "en": "The file is empty."},
    "attachment.too_large": {
        "uk": "Файл завеликий ({size} МБ): найбільше {limit} МБ.",
        "en": "The file is too large ({size} MB): at most {limit} MB.",
    },
    "attachment.bad_type": {
        "uk": "Файл такого типу не приймається; приймаються: {accepted} (файл розпізнано за його вмістом, не за назвою).",
        "en": "A file of this type is not accepted; accepted: {accepted} (a file is told by its content, not by its name).",
    },
    "attachment.type_not_allowed": {
        "uk": "Файли типу {media_type} тут не приймаються.",
        "en": "Files of type {media_type} are not accepted here.",
    },
    "attachment.extension": {
        "uk": "Назва файлу не відповідає його вмісту ({media_type}): очікувалося закінчення {extensions}.",
        "en": "The file's name does not match its content ({media_type}): it should end in {extensions}.",
    },
    "attachment.path": {"uk": "Назва файлу не може містити «/» чи «\\».",
                        "en": "A file's name cannot hold '/' or '\\'."},
    "attachment.other_case": {
        "uk": "Запис ({kind}) №{id} не належить до випадку №{case_id}.",
        "en": "The record ({kind}) #{id} does not belong to case #{case_id}.",
    },
    "attachment.one_record": {
        "uk": "Файл належить або документу, або оцінюванню, не обом.",
        "en": "A file belongs to a document or to an assessment, not both.",
    },
    "guard.kind.attachment": {"uk": "файл", "en": "file"},
    "guard.kind.document": {"uk": "документ", "en": "document"},
})



def _mp3(data: bytes) -> bool:
    """An ID3 tag, or an MPEG audio frame's sync word (11 bits set: FF Ex; a JPEG's FF D8 is not one)."""
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _iso_media(data: bytes, audio: bool) -> bool:
    """An ISO base media file (MP4, M4A): ``ftyp`` at byte 4; the brand ``M4A `` says audio only."""
    return data[4:8] == b"ftyp" and (data[8:12] == b"M4A ") == audio


def _osm(data: bytes) -> bool:
    """OpenStreetMap XML (an .osm file): ``<osm`` first, or after an XML declaration (a BOM and blanks allowed)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2:].lstrip() if b"?>" in head else b""
    return head.startswith(b"<osm")


# What each known type's file begins with (its bytes, or a test of them), and the extensions its name may end in.
SIGNATURES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "audio/mpeg": (_mp3, (".mp3",)),
    "audio/mp4": (lambda data: _iso_media(data, audio=True), (".m4a",)),
    "audio/ogg": (b"OggS", (".ogg", ".oga")),
    "audio/wav": (lambda data: data[:4] == b"RIFF" and data[8:12] == b"WAVE", (".wav",)),
    "video/mp4": (lambda data: _iso_media(data, audio=False), (".mp4", ".m4v")),
    "video/webm": (b"\x1a\x45\xdf\xa3", (".webm",)),
    "application/vnd.openstreetmap.data+xml": (_osm, (".osm",)),
}
MB = 1024 * 1024
# Each use's configured list of types and size limit (keys of ``attachments``), with their defaults.
USES = {
    "case": ("media_types", ("application/pdf", "image/jpeg", "image/png"), "max_bytes", 8 * MB),
    "form": ("form_media_types", tuple(SIGNATURES), "form_max_bytes", 8 * MB),
}
# The types a form's question of each media type takes (and a FileUpload offers), within the configured list.
QUESTION_MEDIA = {
    "image": ("image/jpeg", "image/png"),
    "audio": ("audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav"),
    "video": ("video/mp4", "video/webm"),
    "file": tuple(SIGNATURES),
    "osm": ("application/vnd.openstreetmap.data+xml",),
}
_HEADS = "id, case_id, document_id, assessment_id, filename, media_type, size, sha256, note, added_at, added_by"
# Which case a record a file may belong to is of: fixed queries, the id bound.
_CASE_OF = {"document": "select case_id from documents where id = ?",
            "assessment": "select case_id from assessments where id = ?"}


def settings(use: str = "case") -> tuple[int, tuple[str, ...]]:
    """``(max_bytes, media_types)`` of a use (:data:`USES`: ``case``, 8 MiB and PDF, JPEG, PNG by default;
    ``form``, 8 MiB and every known type) from the configuration's ``attachments``."""
    types_key, types, limit_key, limit = USES[use]
    found = config.load_config().get("attachments") or {}
    return int(found.get(limit_key, limit)), tuple(found.get(types_key, types))


def media_type_of(content: bytes) -> str | None:
    """The known type whose signature ``content`` begins with, or None."""
    for kind, (magic, _) in SIGNATURES.items():
        if content.startswith(magic) if isinstance(magic, bytes) else magic(content):
            return kind
    return None


def accepted_extensions(question_type: str) -> tuple[str, ...]:
    """The extensions of the types a form's ``image``, ``audio``, ``video`` or ``file`` question takes now
    (those of :data:`QUESTION_MEDIA` that the configured ``form_media_types`` allow): what a FileUpload offers."""
    allowed = settings("form")[1]
    return tuple(ext for kind in QUESTION_MEDIA[question_type] if kind in allowed for ext in SIGNATURES[kind][1])


def add_attachment(db, actor: str, *, case_id, filename, content, document_id=None, assessment_id=None,
                   note=None) -> int:
    """Keep a file with case ``case_id``; returns the attachment's id. ``content``: the file's bytes (bytes,
    bytearray or memoryview, as a FileUpload gives them); ``filename`` as the user named it; ``document_id`` (a
    document of the case: the file is its signed copy) or ``assessment_id`` (an assessment of the case), or
    neither (the case in general); ``note`` free text. Raises ``InvalidInput`` naming ``content`` (empty, larger
    than the configured limit, not an accepted type) and ``filename`` (a refused character, a path, an extension
    that disagrees with the content), ``UserError`` for a record of another case; nothing is written then."""
    allow(db, actor, "case.write", case_id)
    check = Checker()
    note = check.text("note", note, required=False, limit=2000, kind="free")
    name, data, kind = _checked_file(check, filename, content, *settings("case"))
    check.raise_if_any()
    if document_id is not None and assessment_id is not None:
        raise UserError("attachment.one_record")
    for record_kind, record in (("document", document_id), ("assessment", assessment_id)):
        if record is not None:
            _of_case(db, record_kind, record, case_id)
    with write_transaction(db):
        return _store(db, actor, case_id=case_id, document_id=document_id, assessment_id=assessment_id,
                      filename=name, data=data, kind=kind, note=note)


def _checked_file(check: Checker, filename, content, limit: int, accepted) -> tuple:
    """``(name, bytes, media type)`` of a file within ``limit`` bytes and of an ``accepted`` type, each None
    where a problem was noted (under ``filename`` or ``content``)."""
    name = check.text("filename", filename, limit=200, kind="line")
    if name and ("/" in name or "\\" in name):
        check.problems["filename"], name = UserError("attachment.path"), None
    data, kind = _content(check, content, limit, accepted)
    if kind and name and not name.lower().endswith(SIGNATURES[kind][1]):
        check.problems["filename"] = UserError("attachment.extension", media_type=kind,
                                               extensions=", ".join(SIGNATURES[kind][1]))
    return name, data, kind


def _content(check: Checker, content, limit: int, accepted) -> tuple[bytes | None, str | None]:
    """The file's bytes and type, or a problem noted under ``content``."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        check.problems["content"] = UserError("attachment.not_bytes")
        return None, None
    data = bytes(content)
    if not data:
        check.problems["content"] = UserError("attachment.empty")
    elif len(data) > limit:
        check.problems["content"] = UserError("attachment.too_large", size=_megabytes(len(data), up=True),
                                              limit=_megabytes(limit))
    elif (kind := media_type_of(data)) is None:
        check.problems["content"] = UserError(
            "attachment.bad_type", accepted=", ".join(e for k in accepted if k in SIGNATURES for e in SIGNATURES[k][1]))
    elif kind not in accepted:
        check.problems["content"] = UserError("attachment.type_not_allowed", media_type=kind)
    else:
        return data, kind
    return None, None


def _store(db, actor: str, *, case_id: int, filename: str, data: bytes, kind: str, document_id=None,
           assessment_id=None, note=None) -> int:
    """Write a checked file (its bytes once per SHA-256) and its row, audited; inside the caller's transaction."""
    digest = hashlib.sha256(data).hexdigest()
    if db.execute("select 1 from attachment_files where sha256 = ?", [digest]).fetchone() is None:
        db.execute("insert into attachment_files (sha256, content) values (?, ?)", [digest, data])
    attachment_id = db["attachments"].insert({
        "case_id": case_id, "document_id": document_id, "assessment_id": assessment_id, "filename": filename,
        "media_type": kind, "size": len(data), "sha256": digest, "note": note, "added_at": now(),
        "added_by": actor}).last_pk
    _audit(db, actor=actor, action="add_attachment", entity="cases", entity_id=case_id,
           details={"attachment_id": attachment_id, "document_id": document_id, "assessment_id": assessment_id,
                    "media_type": kind, "size": len(data), "sha256": digest})
    return attachment_id


def _check_form_file(question_type: str, filename, content) -> tuple[str, bytes, str] | UserError:
    """A file answered to a form's ``image``, ``audio``, ``video`` or ``file`` question, checked against the
    ``form`` use's size limit and the types the question takes (:data:`QUESTION_MEDIA`, within the configured
    ``form_media_types``): ``(name, bytes, media type)``, or the first problem (a ``UserError``). Writes nothing."""
    limit, allowed = settings("form")
    check = Checker()
    found = _checked_file(check, filename, content, limit, [k for k in QUESTION_MEDIA[question_type] if k in allowed])
    return next(iter(check.problems.values())) if check.problems else found


def _keep_form_file(db, actor: str, *, case_id: int, assessment_id: int, filename: str, data: bytes,
                    kind: str) -> int:
    """Keep a checked form file (:func:`_check_form_file`) with assessment ``assessment_id``; runs inside the
    transaction of :func:`workbench.store.assessments.save_assessment`, which asked the policy for the case."""
    return _store(db, actor, case_id=case_id, assessment_id=assessment_id, filename=filename, data=data, kind=kind)


def _link_earlier_file(db, actor: str, *, case_id: int, assessment_id: int, earlier_id: int, filename: str) -> bool:
    """A correction keeps a file of the version it corrects: a new row for ``assessment_id`` naming the same bytes
    (each version lists its own files; the bytes are stored once). False if ``earlier_id`` has no such file.
    Inside the caller's transaction."""
    row = next(db.query("select media_type, size, sha256 from attachments where assessment_id = ? and filename = ?"
                        " order by id desc limit 1", [earlier_id, filename]), None)
    if row is None:
        return False
    attachment_id = db["attachments"].insert({
        "case_id": case_id, "document_id": None, "assessment_id": assessment_id, "filename": filename,
        "media_type": row["media_type"], "size": row["size"], "sha256": row["sha256"], "note": None,
        "added_at": now(), "added_by": actor}).last_pk
    _audit(db, actor=actor, action="add_attachment", entity="cases", entity_id=case_id,
           details={"attachment_id": attachment_id, "assessment_id": assessment_id, "kept_from": earlier_id,
                    "media_type": row["media_type"], "size": row["size"], "sha256": row["sha256"]})
    return True


def _megabytes(size: int, up: bool = False) -> str:
    """``size`` bytes in MB (of 1,048,576 bytes) to two decimals at most, as few as say it: 8, 8.5, 0.01; ``up``
    rounds up (a file a few bytes over an 8 MB limit is 8.01 MB, not 8)."""
    hundredths = -(-size * 100 // MB) if up else round(size * 100 / MB)
    return f"{hundredths / 100:.2f}".rstrip("0").rstrip(".")


def _of_case(db, kind: str, record, case_id: int) -> None:
    """Refuse a ``document`` or ``assessment`` id that is not a record of ``case_id``."""
    record = record_id(record, kind)
    row = db.execute(_CASE_OF[kind], [record]).fetchone()
    if row is None:
        raise UserError("guard.not_found", kind=i18n.Text(f"guard.kind.{kind}"), id=record)
    if row[0] != case_id:
        raise UserError("attachment.other_case", kind=i18n.Text(f"guard.kind.{kind}"), id=record, case_id=case_id)


def list_attachments(db, actor: str, case_id) -> list[dict]:
    """The case's files, oldest first, without their bytes: ``id, case_id, document_id, assessment_id,
    filename, media_type, size`` (bytes), ``sha256, note, added_at, added_by`` (a username). A read of the case
    (``case.read``); the view that shows it audits its opening as every view of the case record does."""
    allow(db, actor, "case.read", case_id)
    return list(db.query(f"select {_HEADS} from attachments where case_id = ? order by id", [case_id]))


def read_attachment(db, actor: str, attachment_id) -> dict:
    """One file: its head (as :func:`list_attachments` gives it) and ``content`` (its bytes). A read of its case
    (``case.read``), audited as an opening of the case's record (``opened``: attachment)."""
    attachment_id = record_id(attachment_id, "attachment")
    row = next(db.query(f"select {_HEADS} from attachments where id = ?", [attachment_id]), None)
    if row is None:
        raise UserError("guard.not_found", kind=i18n.Text("guard.kind.attachment"), id=attachment_id)
    allow(db, actor, "case.read", row["case_id"])
    content = db.execute("select content from attachment_files where sha256 = ?", [row["sha256"]]).fetchone()[0]
    with write_transaction(db):
        _audit(db, actor=actor, action="open_record", entity="attachments", entity_id=attachment_id,
               details={"case_id": row["case_id"], "opened": "attachment"})
    return dict(row, content=bytes(content))
