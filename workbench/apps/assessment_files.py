"""The files of a saved assessment (its image, audio, video and file answers), each with a button that opens it.

Listing them is a read of the case (the assessment's opening is already recorded by the view that shows it);
opening one reads its bytes through :func:`workbench.store.attachments.read_attachment`, which audits it.
"""
from __future__ import annotations

import base64
import html

import ipywidgets as w

from .. import i18n
from ..i18n import UserError
from ..store.attachments import list_attachments, read_attachment
from .common import status_html
from .documents import PREVIEW_PX, data_link, file_size

i18n.add({
    "assessment_files.title": {"uk": "Файли оцінювання", "en": "The assessment's files"},
    "assessment_files.open": {"uk": "Відкрити", "en": "Open"},
    "assessment_files.line": {"uk": "{filename} ({size})", "en": "{filename} ({size})"},
    "assessment_files.download": {"uk": "Завантажити {filename}", "en": "Download {filename}"},
})

# How an opened file shows beside its download link, by the start of its media type.
_PLAYERS = {"image/": '<img class="wb-attachment-preview" alt="{alt}" style="width:{px}px" src="{src}">',
            "audio/": '<audio class="wb-attachment-preview" controls src="{src}"></audio>',
            "video/": '<video class="wb-attachment-preview" controls style="width:{px}px" src="{src}"></video>'}


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
        rows = []
        for found in files:
            line = i18n.t("assessment_files.line", lang, filename=found["filename"], size=file_size(found["size"], lang))
            shown = w.HTML()
            shown.add_class("wb-attachment-shown")
            button = w.Button(description=i18n.t("assessment_files.open", lang), layout=w.Layout(width="auto"))
            button.add_class("wb-attachment-open")
            button.on_click(lambda _, file_id=found["id"], out=shown: self.open(file_id, out))
            row = w.VBox([w.HBox([w.HTML(html.escape(line)), button]), shown])
            row.add_class("wb-attachment")
            rows.append(row)
        title = [w.HTML(f"<h4>{html.escape(i18n.t('assessment_files.title', lang))}</h4>")] if rows else []
        self.widget.children = title + rows

    def open(self, file_id: int, out: w.HTML) -> None:
        """Read a file's bytes (audited by the store) and offer them: a download link, and the image or a player."""
        try:
            found = read_attachment(self.db, self.user, file_id)
        except UserError as err:
            out.value = status_html(err.message(self.lang), "error")
            return
        link = data_link(found["content"], found["media_type"], found["filename"],
                         i18n.t("assessment_files.download", self.lang, filename=found["filename"]),
                         "wb-attachment-link wb-download")
        src = f'data:{found["media_type"]};base64,{base64.b64encode(found["content"]).decode("ascii")}'
        player = next((p for start, p in _PLAYERS.items() if found["media_type"].startswith(start)), "")
        out.value = f"<div>{link}</div>" + (
            f"<div>{player.format(alt=html.escape(found['filename']), px=PREVIEW_PX, src=src)}</div>" if player else "")
