"""The register of documents made from saved records (the act of needs assessment, the individual plan, a
consent, a referral letter, the closure, the CARe personal profile), and what each kind prints.

A document prints one saved record at one version: an assessment (the latest version of its correction
chain), a consent, a referral, the move that closed the case; the plan has no row of its own, so its version
is the number of the case's plan records (goals, actions, completions, closures, reviews, plan sign-offs). A
made document is a ``documents`` row with the file's SHA-256, audited as ``document.make``; it shows as
superseded once a later version exists (a correction, a grown plan, a withdrawn or renewed consent, a reopened
case). Rendering the file is :mod:`workbench.printing`'s.
"""
from __future__ import annotations

import hashlib
import unicodedata

from .. import config, i18n
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow, record_id
from .inputs import ua_date
from .people import SUBJECT_PERSON_SQL, WITHDRAWN_SQL

KINDS = ("act", "plan", "consent", "referral", "closure", "care_profile")
LANGUAGES = i18n.LANGUAGES
MAX_SIZE = 50 * 1024 * 1024  # a made PDF of a few pages is tens of kilobytes; this is far past any
CARE_PROFILE = "care_profile"
DEFAULT_ACT_INSTRUMENTS = ("family_needs_assessment",)

i18n.add({
    "guard.kind.document_record": {"uk": "запис для документа", "en": "record for a document"},
    "document.kind.act": {"uk": "Акт оцінки потреб", "en": "Act of needs assessment"},
    "document.kind.plan": {"uk": "Індивідуальний план", "en": "Individual plan"},
    "document.kind.consent": {"uk": "Згода на обробку персональних даних", "en": "Consent to data processing"},
    "document.kind.referral": {"uk": "Направлення", "en": "Referral letter"},
    "document.kind.closure": {"uk": "Закриття випадку", "en": "Closure of the case"},
    "document.kind.care_profile": {"uk": "Особистий профіль (CARe)", "en": "Personal profile (CARe)"},
    "document.label": {"uk": "{kind} від {on} (редакція {version})", "en": "{kind} of {on} (version {version})"},
    "document.label_of": {"uk": "{kind}: {what}, {on}", "en": "{kind}: {what}, {on}"},
    "document.nothing_saved": {
        "uk": "У випадку немає збереженого запису для документа «{kind}».",
        "en": "The case has no saved record for the document '{kind}'.",
    },
    "document.draft_only": {
        "uk": "Оцінювання ще не збережено (є лише чернетка): спершу збережіть його, тоді друкуйте «{kind}».",
        "en": "The assessment has not been saved yet (there is only a draft): save it first, then print '{kind}'.",
    },
    "document.not_this": {
        "uk": "Запис №{id} не є записом для документа «{kind}» у цьому випадку.",
        "en": "Record #{id} is not a record for the document '{kind}' of this case.",
    },
    "document.not_latest": {
        "uk": "Запис №{id} має новішу редакцію: друкуйте останню.",
        "en": "Record #{id} has a later version: print the latest one.",
    },
    "document.consent_withdrawn": {
        "uk": "{name} відкликав(ла) згоду на обробку персональних даних: документ не можна зробити, доки не записано "
              "нову згоду.",
        "en": "{name} withdrew consent to the processing of personal data: no document can be made until a new "
              "consent is recorded.",
    },
    "guard.kind.document": {"uk": "документ", "en": "document"},
    "document.file_not_kept": {
        "uk": "Файл документа №{id} не збережено: зробіть документ ще раз.",
        "en": "The file of document #{id} was not kept: make the document again.",
    },
    "document.version_changed": {
        "uk": "Запис змінився, поки робився документ (зараз редакція {version}): зробіть документ ще раз.",
        "en": "The record changed while the document was being made (now version {version}): make it again.",
    },
    "document.not_pdf": {
        "uk": "Документ має бути файлом PDF до {limit} МБ.",
        "en": "The document must be a PDF file of at most {limit} MB.",
    },
    "document.superseded.corrected": {"uk": "виправлено: є редакція {version}",
                                       "en": "corrected: version {version} exists"},
    "document.superseded.plan": {"uk": "план змінився: зараз редакція {version}",
                                 "en": "the plan has changed: now version {version}"},
    "document.superseded.withdrawn": {"uk": "згоду відкликано {on}", "en": "consent withdrawn on {on}"},
    "document.superseded.renewed": {"uk": "надано новішу згоду {on}", "en": "a later consent was given on {on}"},
    "document.superseded.reopened": {"uk": "випадок знову відкрито {on}", "en": "the case was reopened on {on}"},
})


def act_instruments() -> tuple[str, ...]:
    """The instruments whose assessments print as the act (``documents.act_instruments`` in configuration)."""
    return tuple((config.load_config().get("documents") or {}).get("act_instruments") or DEFAULT_ACT_INSTRUMENTS)


def printable(db, actor: str, case_id) -> list[dict]:
    """What can be printed for the case now, one dict per (kind, record): ``kind``, ``record_id``, ``version``,
    ``on`` (the record's ISO date), ``label_uk``, ``label_en``; saved records only. Requires ``case.read``."""
    allow(db, actor, "case.read", case_id)
    found = []
    withdrawn = _withdrawn(db, case_id) is not None
    for kind in KINDS:
        if withdrawn and kind != "consent":  # each would be refused: only the consents still in force print
            continue
        for record in _current(db, case_id, kind):
            found.append(dict(record, kind=kind, **{f"label_{lang}": _label(kind, record, lang) for lang in LANGUAGES}))
    return found


def document_record(db, actor: str, *, case_id, kind, record_id=None) -> dict:
    """Resolve and check what a document of ``kind`` would print: ``{"kind", "case_id", "record_id",
    "version"}``; ``record_id`` None is the latest record of that kind. Raises ``UserError`` for a case the
    actor may not read (the policy's refusal), an unknown kind, nothing saved of that kind (a draft assessment
    only: it must be saved first), a record not of this case or kind or not its latest version, and a case whose
    subject (for a consent, the consent's person) withdrew consent to data processing."""
    allow(db, actor, "case.read", case_id)
    return _resolve(db, case_id, kind, record_id)


def record_document(db, actor: str, *, case_id, kind, record_id, version, lang, template, content: bytes) -> int:
    """Register a made PDF (``content``) of ``kind`` printing ``record_id`` at ``version`` in ``lang`` from
    ``template`` (its name and the SHA-256 of its text): a ``documents`` row with the file's SHA-256 and size,
    audited as ``document.make``; the file's bytes are kept (``attachment_files``) so the same file can be opened
    again (:func:`read_document`) instead of made anew. Returns the document's id. Refused as :func:`document_record` refuses, and
    for a version that is no longer the record's, a language other than uk/en, or content that is not a PDF."""
    allow(db, actor, "case.read", case_id)
    lang = arguments.code(lang, "lang", LANGUAGES)
    # Kept as every stored text is, in NFC and stripped (a file's name may come decomposed from a file system).
    template = arguments.text(unicodedata.normalize("NFC", template).strip() if isinstance(template, str) else template,
                              "template", limit=300)
    if not isinstance(content, bytes) or not 0 < len(content) <= MAX_SIZE or not content.startswith(b"%PDF-"):
        raise UserError("document.not_pdf", limit=MAX_SIZE // (1024 * 1024))
    version = arguments.whole(version, "version", low=1, high=arguments.MAX_ROWS * 1000)
    sha256 = hashlib.sha256(content).hexdigest()
    with write_transaction(db):
        resolved = _resolve(db, case_id, kind, record_id)  # again inside the write: nothing changed meanwhile
        if resolved["version"] != version:
            raise UserError("document.version_changed", version=resolved["version"])
        document_id = db["documents"].insert({
            "case_id": resolved["case_id"], "kind": kind, "record_id": resolved["record_id"], "version": version,
            "lang": lang, "template": template, "sha256": sha256, "size": len(content), "made_at": now(),
            "made_by": actor}).last_pk
        if db.execute("select 1 from attachment_files where sha256 = ?", [sha256]).fetchone() is None:
            db.execute("insert into attachment_files (sha256, content) values (?, ?)", [sha256, content])
        _audit(db, actor=actor, action="document.make", entity="documents", entity_id=document_id,
               details={"case_id": resolved["case_id"], "kind": kind, "record_id": resolved["record_id"],
                        "version": version, "lang": lang, "template": template, "sha256": sha256,
                        "size": len(content)})
    return document_id


def read_document(db, actor: str, document_id) -> dict:
    """A made document as :func:`list_documents` gives it, with ``content`` (the PDF's bytes, as made). A read of
    its case (``case.read``), audited as an opening of the case's record (``opened``: document)."""
    document_id = record_id(document_id, "document")
    row = next(db.query("select * from documents where id = ?", [document_id]), None)
    if row is None:
        raise UserError("guard.not_found", kind=i18n.Text("guard.kind.document"), id=document_id)
    allow(db, actor, "case.read", row["case_id"])
    content = db.execute("select content from attachment_files where sha256 = ?", [row["sha256"]]).fetchone()
    if content is None:  # made before the files were kept: the register has its hash only
        raise UserError("document.file_not_kept", id=document_id)
    with write_transaction(db):
        _audit(db, actor=actor, action="open_record", entity="documents", entity_id=document_id,
               details={"case_id": row["case_id"], "opened": "document"})
    return dict(row, content=bytes(content[0]))


def list_documents(db, actor: str, case_id) -> list[dict]:
    """Every document made for the case, newest first: ``id, kind, record_id, version, lang, template, sha256,
    size, made_at, made_by, superseded`` (bool) and ``superseded_why_uk``/``_en`` (None while current)."""
    allow(db, actor, "case.read", case_id)
    rows = [dict(r) for r in db.query("select * from documents where case_id = ? order by id desc", [case_id])]
    for row in rows:
        why = _superseded(db, case_id, row)
        row["superseded"] = why is not None
        for lang in LANGUAGES:
            row[f"superseded_why_{lang}"] = why.message(lang) if why else None
    return rows


# --- what each kind prints -----------------------------------------------------------------------------

def _resolve(db, case_id, kind, wanted) -> dict:
    kind = arguments.code(kind, "kind", KINDS)
    wanted = None if wanted is None else record_id(wanted, "document_record")
    withdrawn = _withdrawn(db, case_id)
    if withdrawn is not None and kind != "consent":  # a consent prints one person, checked below
        raise UserError("document.consent_withdrawn", name=withdrawn)
    current = _current(db, case_id, kind)
    record = current[-1] if current and wanted is None else next((r for r in current if r["record_id"] == wanted), None)
    if record is not None:
        return {"kind": kind, "case_id": case_id, "record_id": record["record_id"], "version": record["version"]}
    if wanted is None:
        if kind in ("act", CARE_PROFILE) and _drafts_of(db, case_id, kind):
            raise UserError("document.draft_only", kind=i18n.Text(f"document.kind.{kind}"))
        raise UserError("document.nothing_saved", kind=i18n.Text(f"document.kind.{kind}"))
    withdrawer = db.execute(f"""select p.family_name || ' ' || p.given_name from consent_withdrawals w
            join consents c on c.id = w.consent_id join persons p on p.id = c.person_id
            where c.id = ? and c.person_id in ({_CASE_PERSONS})""", [wanted, case_id, case_id]).fetchone()
    if kind == "consent" and withdrawer:
        raise UserError("document.consent_withdrawn", name=withdrawer[0])
    if _older_version(db, case_id, kind, wanted):
        raise UserError("document.not_latest", id=wanted)
    raise UserError("document.not_this", id=wanted, kind=i18n.Text(f"document.kind.{kind}"))


def _current(db, case_id, kind: str) -> list[dict]:
    """The kind's printable records of the case now, oldest first: ``record_id``, ``version``, ``on`` (and
    ``person_id``, ``what`` where a label names them)."""
    if kind in ("act", CARE_PROFILE):
        instruments = (CARE_PROFILE,) if kind == CARE_PROFILE else act_instruments()
        rows = db.execute(f"""select a.id, a.assessed_on, a.instrument_id from assessments a where a.case_id = ?
            and a.instrument_id in ({",".join("?" * len(instruments))})
            and not exists (select 1 from assessments n where n.supersedes = a.id) order by a.id""",
                          [case_id, *instruments]).fetchall()
        return [{"record_id": i, "version": _chain_length(db, i), "on": on} for i, on, _ in rows]
    if kind == "plan":
        version, on = _plan_version(db, case_id)
        return [{"record_id": version, "version": version, "on": on}] if version else []
    if kind == "consent":
        rows = db.execute(f"""select c.id, c.given_on, c.person_id, p.family_name || ' ' || p.given_name
            from consents c join persons p on p.id = c.person_id
            where c.person_id in ({_CASE_PERSONS}) and c.purpose = 'data_processing'
            and not exists (select 1 from consent_withdrawals w where w.consent_id = c.id)
            and not exists (select 1 from consents n where n.person_id = c.person_id and n.purpose = c.purpose
                            and n.id > c.id) order by c.id""", [case_id, case_id]).fetchall()
        return [{"record_id": i, "version": 1, "on": on, "person_id": person, "what": name}
                for i, on, person, name in rows]
    if kind == "referral":
        rows = db.execute("""select id, provided_on, referral_to from services where case_id = ?
                             and service_type = 'referral' and referral_to is not null order by id""",
                          [case_id]).fetchall()
        return [{"record_id": i, "version": 1, "on": on, "what": to} for i, on, to in rows]
    rows = db.execute("""select e.id, e.effective_on from case_events e where e.case_id = ? and e.kind = 'move'
        and e.to_status = 'closed' and not exists (select 1 from case_events r where r.case_id = e.case_id
        and r.kind = 'reopen' and r.id > e.id) order by e.id""", [case_id]).fetchall()
    return [{"record_id": i, "version": 1, "on": on} for i, on in rows]


# The persons of a case: its client, or its household's members (case id bound twice).
_CASE_PERSONS = """select person_id from cases where id = ? and person_id is not null
    union select m.person_id from household_members m join cases c on c.household_id = m.household_id where c.id = ?"""

# The plan's records of a case (case id bound six times) and the latest date among them.
_PLAN_RECORDS = """
    select set_on as on_ from goals where case_id = ?
    union all select substr(a.created_at, 1, 10) from goal_actions a join goals g on g.id = a.goal_id
        where g.case_id = ?
    union all select d.done_on from action_completions d join goal_actions a on a.id = d.action_id
        join goals g on g.id = a.goal_id where g.case_id = ?
    union all select x.closed_on from goal_closures x join goals g on g.id = x.goal_id where g.case_id = ?
    union all select r.reviewed_on from goal_reviews r join goals g on g.id = r.goal_id where g.case_id = ?
    union all select signed_on from signoffs where case_id = ? and kind = 'plan'"""


def _plan_version(db, case_id) -> tuple[int, str | None]:
    # An action's own date is when it is due, which may lie ahead: it counts from the day it was written.
    count, latest = db.execute(f"select count(*), max(on_) from ({_PLAN_RECORDS})", [case_id] * 6).fetchone()
    return count, latest


def _chain_length(db, assessment_id: int) -> int:
    """The assessment's place in its correction chain (1 = as first saved)."""
    row = db.execute("""with recursive chain(id, supersedes, n) as (
            select id, supersedes, 1 from assessments where id = ?
            union all select a.id, a.supersedes, chain.n + 1 from assessments a join chain on a.id = chain.supersedes)
        select max(n) from chain""", [assessment_id]).fetchone()
    return row[0]


def _older_version(db, case_id, kind: str, wanted: int) -> bool:
    """Whether ``wanted`` is an earlier version of one of the kind's records of the case."""
    if kind in ("act", CARE_PROFILE):
        return db.execute("""select 1 from assessments a where a.id = ? and a.case_id = ?
                             and exists (select 1 from assessments n where n.supersedes = a.id)""",
                          [wanted, case_id]).fetchone() is not None
    if kind == "plan":
        return 1 <= wanted < _plan_version(db, case_id)[0]
    if kind == "consent":  # renewed: a later consent of the same person and purpose
        return db.execute(f"""select 1 from consents c where c.id = ? and c.purpose = 'data_processing'
            and c.person_id in ({_CASE_PERSONS}) and exists (select 1 from consents n where n.person_id = c.person_id
            and n.purpose = c.purpose and n.id > c.id)""", [wanted, case_id, case_id]).fetchone() is not None
    if kind == "closure":
        return db.execute("""select 1 from case_events where id = ? and case_id = ? and kind = 'move'
                             and to_status = 'closed'""", [wanted, case_id]).fetchone() is not None
    return False


def _drafts_of(db, case_id, kind: str) -> bool:
    instruments = (CARE_PROFILE,) if kind == CARE_PROFILE else act_instruments()
    return db.execute(f"""select 1 from drafts where case_id = ?
                          and instrument_id in ({",".join("?" * len(instruments))}) limit 1""",
                      [case_id, *instruments]).fetchone() is not None


def _withdrawn(db, case_id) -> str | None:
    """The name of the case's subject when they have no consent to data processing in force, else None."""
    subject = db.execute(f"select {SUBJECT_PERSON_SQL} from cases c where c.id = ?", [case_id]).fetchone()[0]
    if subject is None or db.execute(f"select 1 from ({WITHDRAWN_SQL}) w where w.id = ?", [subject]).fetchone() is None:
        return None
    return db.execute("select family_name || ' ' || given_name from persons where id = ?", [subject]).fetchone()[0]


def _superseded(db, case_id, document: dict) -> i18n.Text | None:
    """Why a made document no longer shows the record as it is, or None."""
    kind, record = document["kind"], document["record_id"]
    if kind in ("act", CARE_PROFILE):
        newer = db.execute("select id from assessments where supersedes = ?", [record]).fetchone()
        if newer is None:
            return None
        latest = db.execute("""with recursive later(id) as (select ? union all
            select a.id from assessments a join later on a.supersedes = later.id) select max(id) from later""",
                            [record]).fetchone()[0]
        return i18n.Text("document.superseded.corrected", version=_chain_length(db, latest))
    if kind == "plan":
        version = _plan_version(db, case_id)[0]
        return i18n.Text("document.superseded.plan", version=version) if version > record else None
    if kind == "consent":
        withdrawn = db.execute("select withdrawn_on from consent_withdrawals where consent_id = ?", [record]).fetchone()
        if withdrawn:
            return i18n.Text("document.superseded.withdrawn", on=ua_date(withdrawn[0]))
        renewed = db.execute("""select n.given_on from consents c join consents n on n.person_id = c.person_id
                                and n.purpose = c.purpose and n.id > c.id where c.id = ? order by n.id desc""",
                             [record]).fetchone()
        return i18n.Text("document.superseded.renewed", on=ua_date(renewed[0])) if renewed else None
    if kind == "closure":
        reopened = db.execute("""select effective_on from case_events where case_id = ? and kind = 'reopen'
                                 and id > ? order by id limit 1""", [case_id, record]).fetchone()
        return i18n.Text("document.superseded.reopened", on=ua_date(reopened[0])) if reopened else None
    return None


def _label(kind: str, record: dict, lang: str) -> str:
    name = i18n.t(f"document.kind.{kind}", lang)
    on = ua_date(record["on"]) if record.get("on") else "—"
    if record.get("what"):
        return i18n.t("document.label_of", lang, kind=name, what=record["what"], on=on)
    return i18n.t("document.label", lang, kind=name, on=on, version=record["version"])
