"""The case record's Documents tab: make a document of a saved record as a PDF, see the documents made (and
which a later version of their record has superseded) with their signed copies beside them, attach a scanned
signed copy, and record each act of needs assessment's entry into ЄІССС.

What shows follows the policy (``workbench.store.guard.may``): whoever reads the case makes documents and opens
files; only who may write the case attaches files and records entries. Every check is the store's.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import i18n
from ..i18n import UserError
from ..printing import make_document
from ..store.attachments import add_attachment, list_attachments, settings
from ..store.documents import list_documents, printable, read_document
from ..store.eisss import case_acts, record_eisss_entry
from ..store.guard import may
from ..store.inputs import InvalidInput
from .common import local_time, note_opening, picked, staff_names, status_html, ua_date
from .file_links import data_link, file_row, file_size
from .widgets import ActionForm, Done

i18n.add({
    "documents.make": {"uk": "Зробити документ", "en": "Make a document"},
    "documents.f.what": {"uk": "Документ і запис", "en": "Document and record"},
    "documents.f.lang": {"uk": "Мова", "en": "Language"},
    "documents.make_pdf": {"uk": "Зробити PDF", "en": "Make the PDF"},
    "documents.nothing_printable": {"uk": "Ще немає збереженого запису, з якого можна зробити документ.",
                                    "en": "No saved record to make a document of yet."},
    "documents.made": {"uk": "Документ зроблено: {filename} ({pages} с.). Завантажте його за посиланням нижче.",
                       "en": "The document was made: {filename} ({pages} p.). Download it from the link below."},
    "documents.list": {"uk": "Зроблені документи", "en": "Documents made"},
    "documents.none": {"uk": "Документів ще не робили.", "en": "No documents made yet."},
    "documents.line": {"uk": "{kind} · редакція {version} · {language} · {at}, {who} · файл {hash}",
                       "en": "{kind} · version {version} · {language} · {at}, {who} · file {hash}"},
    "documents.choice": {"uk": "№{id} {kind} · редакція {version} · {language} · {at}",
                         "en": "#{id} {kind} · version {version} · {language} · {at}"},
    "documents.superseded": {"uk": "Замінено новішою версією запису", "en": "Superseded by a later version of the record"},
    "documents.copies": {"uk": "Підписані копії:", "en": "Signed copies:"},
    "documents.general": {"uk": "Файли випадку загалом", "en": "Files of the case in general"},
    "documents.copy_line": {"uk": "{filename} · {size} · {who}, {at}", "en": "{filename} · {size} · {who}, {at}"},
    "documents.attach": {"uk": "Долучити підписану копію", "en": "Attach a signed copy"},
    "documents.f.document_id": {"uk": "До документа", "en": "Of the document"},
    "documents.in_general": {"uk": "— випадок загалом —", "en": "— the case in general —"},
    "documents.f.content": {"uk": "Файл: документ PDF або світлина JPEG чи PNG, найбільше {limit} МБ",
                           "en": "File: a PDF document or a JPEG or PNG picture, at most {limit} MB"},
    "documents.choose_file": {"uk": "Вибрати файл", "en": "Choose a file"},
    "documents.chosen": {"uk": "Вибрано: {filename} ({size})", "en": "Chosen: {filename} ({size})"},
    "documents.f.note": {"uk": "Примітка", "en": "Note"},
    "documents.save": {"uk": "Зберегти", "en": "Save"},
    "documents.attached": {"uk": "Файл долучено.", "en": "The file was attached."},
    "documents.eisss": {"uk": "Внесення актів до ЄІССС", "en": "Acts entered into ЄІССС"},
    "documents.no_acts": {"uk": "Актів оцінки потреб ще немає.", "en": "No acts of needs assessment yet."},
    "documents.act_line": {"uk": "Акт від {made} · внести до {due}", "en": "Act of {made} · enter by {due}"},
    "documents.entered": {"uk": "внесено {on}", "en": "entered on {on}"},
    "documents.not_entered": {"uk": "не внесено", "en": "not entered"},
    "documents.overdue": {"uk": "Прострочено", "en": "Overdue"},
    "documents.record_entry": {"uk": "Записати внесення до ЄІССС", "en": "Record the entry into ЄІССС"},
    "documents.f.act": {"uk": "Акт", "en": "Act"},
    "documents.f.entered_on": {"uk": "Дата внесення (дд.мм.рррр)", "en": "Entered on (dd.mm.yyyy)"},
    "documents.entry_saved": {"uk": "Внесення до ЄІССС записано.", "en": "The entry into ЄІССС was recorded."},
    "documents.choose": {"uk": "— виберіть —", "en": "— choose —"},
    "documents.lang.uk": {"uk": "Українська", "en": "Ukrainian"},
    "documents.lang.en": {"uk": "Англійська", "en": "English"},
})

OVERDUE_STYLE = "color:#b00020;font-weight:bold"
class DocumentsApp:
    """The tab's widgets; ``widget`` goes in the case record, :meth:`show_case` fills it for a case."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None, case_id=None):
        self.db, self.user, self.lang, self.today = db, user, i18n.normalise_language(lang), today
        self.case_id: int | None = None
        self.status, self.made, self.documents, self.acts = w.HTML(), w.HTML(), w.VBox(), w.HTML()
        self.nothing = w.HTML()  # that nothing is saved yet to make a document of
        self.made.add_class("wb-document-download")
        self.documents.add_class("wb-documents-made")
        self.acts.add_class("wb-eisss-acts")
        self.titles = {name: w.HTML() for name in ("list", "eisss")}
        self.forms = self._build_forms()
        # The upload button only counts its files: say which one was chosen (once the kernel has it).
        self.chosen = w.HTML()
        self.chosen.add_class("wb-attach-chosen")
        upload = self.forms["attach"].inputs["content"]
        upload.observe(lambda _: self._show_chosen(), "value")
        row = self.forms["attach"].rows["content"]
        row.children = (*row.children[:2], self.chosen, *row.children[2:])
        self.case_box = w.VBox([self.nothing, self.forms["make"].widget, self.made, self.titles["list"], self.documents,
                                self.forms["attach"].widget, self.titles["eisss"], self.acts,
                                self.forms["eisss"].widget], layout=w.Layout(display="none"))
        self.widget = w.VBox([self.status, self.case_box])
        self.widget.add_class("wb-documents")
        self._names = None
        self.set_language(self.lang)
        if case_id is not None:
            self.show_case(case_id)

    def _build_forms(self) -> dict[str, ActionForm]:
        today = (self.today or date.today()).strftime("%d.%m.%Y")
        upload = w.FileUpload(accept=".pdf,.jpg,.jpeg,.png", multiple=False)
        return {
            "make": ActionForm("wb-make-document", "documents.make", "documents.make_pdf", [
                ("what", w.Dropdown(options=[("", None)]), "documents.f.what"),
                ("lang", w.Dropdown(options=[("Українська", "uk"), ("English", "en")], value="uk"), "documents.f.lang")],
                self._make, self.lang, after=self._refresh, reset=lambda: None),
            "attach": ActionForm("wb-attach", "documents.attach", "documents.save", [
                ("document_id", w.Dropdown(options=[("", None)]), "documents.f.document_id"),
                ("content", upload, "documents.f.content"),
                ("note", w.Text(layout=w.Layout(width="30em")), "documents.f.note")],
                self._attach, self.lang, after=self._refresh),
            "eisss": ActionForm("wb-eisss", "documents.record_entry", "documents.save", [
                ("act", w.Dropdown(options=[("", None)]), "documents.f.act"),
                ("entered_on", w.Text(value=today, layout=w.Layout(width="10em")), "documents.f.entered_on")],
                self._record_entry, self.lang, after=self._refresh),
        }

    def set_language(self, lang: str):
        self.lang = lang
        self.made.value = ""  # its words are the other language's; the document stays in the list, to open again
        for form in self.forms.values():
            form.set_language(lang)
        limit = f"{settings()[0] / (1024 * 1024):g}"
        self.forms["attach"].labels["content"].value = html.escape(i18n.t("documents.f.content", lang, limit=limit))
        self.forms["attach"].inputs["content"].description = i18n.t("documents.choose_file", lang)
        for name, key in (("list", "documents.list"), ("eisss", "documents.eisss")):
            self.titles[name].value = f"<b>{html.escape(i18n.t(key, lang))}</b>"
        self._show_chosen()
        if self.case_id:
            self.show_case(self.case_id)

    def _show_chosen(self):
        value = self.forms["attach"].inputs["content"].value
        first = value[0] if value else None
        if not (isinstance(first, dict) and isinstance(first.get("size"), int)):  # a page may send anything
            self.chosen.value = ""
            return
        self.chosen.value = html.escape(i18n.t("documents.chosen", self.lang, filename=str(first.get("name")),
                                               size=file_size(first["size"], self.lang)))

    def show_case(self, case_id):
        """Show the case's documents, files and acts, and the forms the user may use; audits the opening."""
        try:
            documents = list_documents(self.db, self.user, case_id)
        except UserError as err:
            self.case_id = None
            self.case_box.layout.display = "none"
            self.status.value = status_html(err.message(self.lang), "error")
            return
        if case_id != self.case_id:
            self.made.value = ""  # a link made for another case stays with it
        self.status.value = ""
        self.case_id = case_id
        note_opening(self, case_id, "case", case_id)
        files = list_attachments(self.db, self.user, case_id)
        acts = case_acts(self.db, self.user, case_id, today=self.today)
        self._show_documents(documents, files)
        self._show_acts(acts)
        self._refresh_choices(documents, acts)
        self.case_box.layout.display = None

    def _refresh(self):
        self.show_case(self.case_id)

    def name(self, username: str) -> str:
        if self._names is None:
            self._names = staff_names(self.db, self.user)
        return self._names.get(username, username)

    # --- what the case has ---------------------------------------------------------------------------
    def _show_documents(self, documents: list[dict], files: list[dict]):
        lang, rows = self.lang, []
        for doc in documents:
            line = i18n.t("documents.line", lang, kind=i18n.t(f"document.kind.{doc['kind']}", lang),
                          version=doc["version"], language=i18n.t(f"documents.lang.{doc['lang']}", lang),
                          at=local_time(doc["made_at"]), who=self.name(doc["made_by"]), hash=doc["sha256"][:12])
            text = f"<b>№{doc['id']}</b> {html.escape(line)}"
            if doc["superseded"]:
                why = doc[f"superseded_why_{lang}"]
                text += (f'<div class="wb-document-superseded" style="{OVERDUE_STYLE}">'
                         f'{html.escape(i18n.t("documents.superseded", lang))}'
                         + (f" ({html.escape(why)})" if why else "") + "</div>")
            copies = [f for f in files if f["document_id"] == doc["id"]]
            rows.append(self._entry(text, copies, f"wb-document-{doc['id']}", document_id=doc["id"]))
        general = [f for f in files if f["document_id"] is None]
        if general:
            rows.append(self._entry(f"<b>{html.escape(i18n.t('documents.general', lang))}</b>", general,
                                    "wb-documents-general"))
        if not documents:
            rows.insert(0, w.HTML(f"<p>{html.escape(i18n.t('documents.none', lang))}</p>"))
        self.documents.children = rows

    def _entry(self, head_html: str, copies: list[dict], css: str, document_id: int | None = None) -> w.VBox:
        """A document (or the case's general files) with its files, each with a button that opens it; a document
        (``document_id``) opens again as it was made."""
        parts = [w.HTML(head_html)]
        if document_id is not None:
            shown = w.HTML()
            shown.add_class("wb-document-shown")
            button = w.Button(description=i18n.t("files.open", self.lang), layout=w.Layout(width="auto"))
            button.add_class("wb-document-open")
            button.on_click(lambda _, out=shown: self._open_document(document_id, out))
            parts += [button, shown]
        if copies and css != "wb-documents-general":
            parts.append(w.HTML(f"<small>{html.escape(i18n.t('documents.copies', self.lang))}</small>"))
        for copy in copies:
            line = i18n.t("documents.copy_line", self.lang, filename=copy["filename"], size=file_size(copy["size"], self.lang),
                          who=self.name(copy["added_by"]), at=local_time(copy["added_at"]))
            parts.append(file_row(self.db, self.user, self.lang, copy["id"], line))
        box = w.VBox(parts, layout=w.Layout(border="1px solid #ddd", padding="4px", margin="2px 0"))
        box.add_class(css)
        return box

    def _open_document(self, document_id: int, out: w.HTML):
        """Read a made document's file (audited by the store) and offer it as a download link."""
        try:
            found = read_document(self.db, self.user, document_id)
        except UserError as err:
            out.value = status_html(err.message(self.lang), "error")
            return
        filename = f"{found['kind']}-{found['id']}-v{found['version']}-{found['lang']}.pdf"
        out.value = data_link(found["content"], "application/pdf", filename, self.lang, "wb-document-link")

    def _show_acts(self, acts: list[dict]):
        lang = self.lang
        if not acts:
            self.acts.value = f"<p>{html.escape(i18n.t('documents.no_acts', lang))}</p>"
            return
        items = []
        for act in acts:
            line = html.escape(i18n.t("documents.act_line", lang, made=ua_date(act["made_on"].isoformat()),
                                      due=ua_date(act["due_on"].isoformat())))
            if act["entered_on"]:
                state = html.escape(i18n.t("documents.entered", lang, on=ua_date(act["entered_on"].isoformat())))
            elif act["state"] == "overdue":
                state = (f'<span class="wb-eisss-overdue" style="{OVERDUE_STYLE}">'
                         f'{html.escape(i18n.t("documents.overdue", lang))}</span>')
            else:
                state = html.escape(i18n.t("documents.not_entered", lang))
            items.append(f'<li class="wb-eisss-act wb-eisss-{act["state"]}">{line} · {state}</li>')
        self.acts.value = f"<ul>{''.join(items)}</ul>"

    def _refresh_choices(self, documents: list[dict], acts: list[dict]):
        lang = self.lang
        choose = [(i18n.t("documents.choose", lang), None)]
        make = self.forms["make"]
        kinds = printable(self.db, self.user, self.case_id)
        with make.unchanged():
            make.inputs["what"].options = choose + [(k[f"label_{lang}"], (k["kind"], k["record_id"])) for k in kinds]
        self.nothing.value = "" if kinds else status_html(i18n.t("documents.nothing_printable", lang))
        attach = self.forms["attach"]
        attach.inputs["document_id"].options = [(i18n.t("documents.in_general", lang), None)] + [
            (i18n.t("documents.choice", lang, id=d["id"], kind=i18n.t("document.kind." + d["kind"], lang),
                    version=d["version"], language=i18n.t(f"documents.lang.{d['lang']}", lang),
                    at=local_time(d["made_at"])), d["id"]) for d in documents]
        waiting = [a for a in acts if a["entered_on"] is None]  # an act is entered once (the store refuses more)
        self.forms["eisss"].inputs["act"].options = choose + [
            (i18n.t("documents.act_line", lang, made=ua_date(a["made_on"].isoformat()),
                    due=ua_date(a["due_on"].isoformat())), a["latest_id"]) for a in waiting]
        writes = may(self.db, self.user, "case.write", self.case_id)
        self.forms["attach"].widget.layout.display = None if writes else "none"
        self.forms["eisss"].widget.layout.display = None if writes and waiting else "none"

    # --- actions: each calls one service function, which does every check ------------------------------
    def _make(self, v):
        kind, record = picked(v, "what")
        made = make_document(self.db, self.user, case_id=self.case_id, kind=kind, record_id=record, lang=v["lang"])
        self.made.value = data_link(made.content, "application/pdf", made.filename, self.lang, "wb-document-link")
        return Done("documents.made", filename=made.filename, pages=made.pages)

    def _attach(self, v):
        chosen = v["content"]
        first = chosen[0] if isinstance(chosen, (tuple, list)) and chosen else None
        if not isinstance(first, dict):
            raise InvalidInput({"content": UserError("input.required")})
        add_attachment(self.db, self.user, case_id=self.case_id, filename=first.get("name"),
                       content=first.get("content"), document_id=v["document_id"], note=v["note"] or None)
        return Done("documents.attached")

    def _record_entry(self, v):
        record_eisss_entry(self.db, self.user, assessment_id=picked(v, "act"), entered_on=v["entered_on"],
                           today=self.today)
        return Done("documents.entry_saved")
