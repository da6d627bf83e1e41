"""Documents to print and sign, made from saved records: the act of needs assessment, the individual plan, a
consent, a referral letter, the closure of a case and the CARe personal profile, as A4 PDFs in Ukrainian or
English. :func:`make_document` resolves the record (:mod:`workbench.store.documents`), builds its context
(:mod:`.context`), fills the kind's template (:mod:`.templates`), draws the PDF (:mod:`.pdf`) and registers it."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fpdf.errors import FPDFException

from .. import config, i18n
from ..i18n import UserError
from ..local_time import zone
from ..store.documents import document_record, record_document
from .context import build_context
from .pdf import Letterhead, render_pdf
from .templates import load_template

i18n.add({
    "printing.language": {"uk": "Мова документа — uk або en, а не «{value}».",
                          "en": "The document's language is uk or en, not '{value}'."},
    "printing.logo_missing": {"uk": "Файлу логотипу {path} немає (organisation.logo у конфігурації).",
                              "en": "The logo file {path} does not exist (organisation.logo in the configuration)."},
})


@dataclass(frozen=True)
class Made:
    """A made document: the PDF's ``content``, a ``filename`` to save it as, its register id, hash and pages, and
    what it printed."""

    content: bytes
    filename: str
    document_id: int
    sha256: str
    pages: int
    kind: str
    record_id: int
    version: int
    lang: str


def make_document(db, actor: str, *, case_id, kind, lang="uk", record_id=None) -> Made:
    """Render the document of ``kind`` for a saved record of the case (``record_id`` None: the latest) in ``lang``
    and register it (:func:`workbench.store.documents.record_document`). Raises ``UserError`` for everything
    :func:`~workbench.store.documents.document_record` refuses, a language other than uk/en, a template that
    fails its check, and a configured logo that is missing; nothing is registered then."""
    record = document_record(db, actor, case_id=case_id, kind=kind, record_id=record_id)
    if lang not in i18n.LANGUAGES:
        raise UserError("printing.language", value=str(lang)[:40])
    template = load_template(kind)
    made_at = datetime.now(timezone.utc)
    context = build_context(db, actor, kind=kind, case_id=case_id, record_id=record["record_id"],
                            version=record["version"], lang=lang, made_on=made_at.astimezone(zone()).date())
    html = template.render(context, lang)
    try:
        content, pages = render_pdf(html, _letterhead(context, lang), made_at=made_at)
    except FPDFException as error:  # HTML fpdf2 cannot draw (a cell outside a row): the template's fault
        raise UserError("template.render_failed", template=template.name, problem=str(error)[:300]) from None
    document_id = record_document(db, actor, case_id=case_id, kind=kind, record_id=record["record_id"],
                                  version=record["version"], lang=lang, template=template.label, content=content)
    number = re.sub(r"[^\w.-]+", "-", context["case"]["number"]).strip("-")  # read once, by build_context
    return Made(content=content, filename=f"{kind}-{number}-v{record['version']}-{lang}.pdf", document_id=document_id,
                sha256=hashlib.sha256(content).hexdigest(), pages=pages, kind=kind, record_id=record["record_id"],
                version=record["version"], lang=lang)


def logo_path() -> Path | None:
    """The organisation's logo (``organisation.logo``: a PNG or JPEG, relative to the configuration file that
    names it or absolute), or None when none is configured."""
    named = (config.load_config().get("organisation") or {}).get("logo")
    if not named:
        return None
    path = config.configured_file("organisation", named)
    if not path.is_file():
        raise UserError("printing.logo_missing", path=str(path))
    return path


def _letterhead(context: dict, lang: str) -> Letterhead:
    return Letterhead(name=context["organisation"]["name"], address=context["organisation"]["address"],
                      logo=logo_path(), case_number=context["case"]["number"], version=context["document"]["version"],
                      lang=lang)
