"""An image, audio, video or file question's widgets: a FileUpload, a button that takes the file back, and a note.

The answer is a chosen file (a :class:`workbench.instruments.model.ChosenFile`) or, in a correction, the name of
the file the saved version keeps. The browser is offered the question's extensions; the store tells the type by
the file's bytes (:mod:`workbench.store.attachments`). A draft keeps no chosen file, and the note says so.
"""
from __future__ import annotations

import html

import ipywidgets as w

from .. import i18n
from ..instruments.model import Item
from ..instruments.validation import coerce_value
from ..store.attachments import accepted_extensions

i18n.add({
    "form.file_choose": {"uk": "Вибрати файл", "en": "Choose a file"},
    "form.file_remove": {"uk": "Прибрати файл", "en": "Remove the file"},
    "form.file_kept": {"uk": "Збережений файл: {name} (виберіть інший, щоб замінити його)",
                       "en": "Saved file: {name} (choose another to replace it)"},
    "form.file_not_in_draft": {
        "uk": "Вибраний файл зберігається лише разом з оцінюванням: у чернетці його немає, тож повернувшись до "
              "чернетки, виберіть файл ще раз.",
        "en": "A chosen file is kept only when the assessment is saved: a draft does not keep it, so when you "
              "come back to the draft, choose the file again.",
    },
})

NOTE_STYLE = "color:#555;font-size:90%"


class FileQuestion:
    """``upload`` (the FileUpload), ``remove`` (takes a chosen or kept file back: a FileUpload cannot be
    emptied by the user), ``note`` and ``widget`` (all three); ``changed()`` is called on every change."""

    def __init__(self, item: Item, changed):
        self.item, self.kept, self.lang = item, None, None  # kept: the saved version's file name
        self.upload = w.FileUpload(accept=",".join(accepted_extensions(item.type)), multiple=False,
                                   disabled=item.read_only)
        self.upload.observe(lambda change: changed(), "value")
        self.remove = w.Button(icon="times", layout=w.Layout(width="auto"), disabled=item.read_only)
        self.remove.add_class("wb-remove-file")
        self.remove.on_click(lambda _: self._remove(changed))
        self.note = w.HTML()
        self.widget = w.VBox([w.HBox([self.upload, self.remove]), self.note])

    def _remove(self, changed):
        self.kept = None
        self.upload.value = ()
        self._show_note()
        changed()

    def set_language(self, lang):
        self.lang = lang
        self.upload.description = i18n.t("form.file_choose", lang)
        self.remove.description = i18n.t("form.file_remove", lang)
        self._show_note()

    def _show_note(self):
        """The saved version's file it keeps, and that a draft keeps no chosen file."""
        kept = i18n.t("form.file_kept", self.lang, name=self.kept) if self.kept else ""
        self.note.value = "".join(f'<div style="{NOTE_STYLE}">{html.escape(t)}</div>'
                                  for t in (kept, i18n.t("form.file_not_in_draft", self.lang)) if t)

    def value(self):
        """The chosen file, else the kept file's name, else None (a forged value as sent: the check refuses it)."""
        if not self.upload.value:
            return self.kept
        chosen, problem = coerce_value(self.item, self.upload.value)
        return self.upload.value if problem else chosen

    def set_value(self, value):
        """Show a saved file's name as kept (a chosen file is never set back)."""
        self.kept = value if isinstance(value, str) and value else None
        self.upload.value = ()
        self._show_note()
