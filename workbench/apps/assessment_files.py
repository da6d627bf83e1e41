"""The files of a saved assessment (its image, audio, video and file answers), each with a button that opens it.

Listing them is a read of the case (the assessment's opening is already recorded by the view that shows it);
opening one reads its bytes through :func:`workbench.store.attachments.read_attachment`, which audits it.
"""
from __future__ import annotations

import html

import ipywidgets as w

from .. import i18n
from ..store.attachments import list_attachments
from .file_links import file_row, file_size

i18n.add({
    "assessment_files.title": {"uk": "Файли оцінювання", "en": "The assessment's files"},
    "assessment_files.line": {"uk": "{filename} ({size})", "en": "{filename} ({size})"},
})


class AssessmentFiles:
    """``widget``: the files of the assessment last shown (nothing when it has none)."""

    def __init__(self, db, user: str):
        self.db, self.user, self.lang = db, user, "uk"
        self.widget = w.VBox()
        self.widget.add_class("wb-assessment-files")

    def show(self, case_id: int, assessment_id: int | None, lang: str) -> None:
        """List the files of ``assessment_id`` (a saved assessment of ``case_id``); None clears the list."""
        self.lang = lang
        files = [f for f in list_attachments(self.db, self.user, case_id)
                 if f["assessment_id"] == assessment_id] if assessment_id is not None else []
        rows = [file_row(self.db, self.user, lang, found["id"],
                         i18n.t("assessment_files.line", lang, filename=found["filename"], size=file_size(found["size"], lang)))
                for found in files]
        title = [w.HTML(f"<h4>{html.escape(i18n.t('assessment_files.title', lang))}</h4>")] if rows else []
        self.widget.children = title + rows
