"""Files offered in the page: a download link that carries the bytes itself, a file's size in words, and a file's
row with «Відкрити», which reads it through the store (audited) and shows the link with the picture or a player.
The Documents tab (a case's files) and a saved assessment's files both use it."""
from __future__ import annotations

import base64
import html

import ipywidgets as w

from .. import i18n
from ..i18n import UserError
from ..store.attachments import read_attachment
from .common import status_html

i18n.add({
    "files.open": {"uk": "Відкрити", "en": "Open"},
    "files.download": {"uk": "Завантажити {filename}", "en": "Download {filename}"},
})

PREVIEW_PX = 160  # the width of a picture's (or a video's) preview beside its file
# How an opened file shows beside its download link, by the start of its media type.
_PLAYERS = {"image/": '<img class="wb-attachment-preview" alt="{alt}" style="width:{px}px" src="{src}">',
            "audio/": '<audio class="wb-attachment-preview" controls src="{src}"></audio>',
            "video/": '<video class="wb-attachment-preview" controls style="width:{px}px" src="{src}"></video>'}


def data_link(content: bytes, media_type: str, filename: str, lang: str, css: str) -> str:
    """A link «Завантажити FILENAME» that downloads ``content`` from the page itself (a ``data:`` address: the
    kernel has the bytes, the page has no other way to fetch them), drawn as a button (``wb-download``)."""
    encoded = base64.b64encode(content).decode("ascii")
    return (f'<a class="{css} wb-download" download="{html.escape(filename)}" '
            f'href="data:{media_type};base64,{encoded}">{html.escape(i18n.t("files.download", lang, filename=filename))}</a>')


def file_size(size: int, lang: str) -> str:
    """``size`` bytes as a reader says it: KB below a megabyte, else MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} " + ("КБ" if lang == "uk" else "KB")
    return f"{size / (1024 * 1024):.1f} " + ("МБ" if lang == "uk" else "MB")


def file_row(db, user: str, lang: str, file_id: int, line: str) -> w.VBox:
    """A file's ``line`` (plain text) with «Відкрити», which offers the file below it (:func:`open_file`)."""
    shown = w.HTML()
    shown.add_class("wb-attachment-shown")
    button = w.Button(description=i18n.t("files.open", lang), layout=w.Layout(width="auto"))
    button.add_class("wb-attachment-open")
    button.on_click(lambda _: open_file(db, user, lang, file_id, shown))
    row = w.VBox([w.HBox([w.HTML(html.escape(line)), button]), shown])
    row.add_class("wb-attachment")
    return row


def open_file(db, user: str, lang: str, file_id: int, out: w.HTML) -> None:
    """Read a file's bytes (audited by the store) and show in ``out`` a download link, and the picture or a player;
    a refusal instead, in ``lang``."""
    try:
        found = read_attachment(db, user, file_id)
    except UserError as err:
        out.value = status_html(err.message(lang), "error")
        return
    link = data_link(found["content"], found["media_type"], found["filename"], lang, "wb-attachment-link")
    src = f'data:{found["media_type"]};base64,{base64.b64encode(found["content"]).decode("ascii")}'
    player = next((p for start, p in _PLAYERS.items() if found["media_type"].startswith(start)), "")
    out.value = f"<div>{link}</div>" + (
        f"<div>{player.format(alt=html.escape(found['filename']), px=PREVIEW_PX, src=src)}</div>" if player else "")
