"""Registering a new client with consent (the short form the needs-assessment app offers)."""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import config, i18n
from ..i18n import UserError
from ..store.inputs import InvalidInput
from ..store.intake import register_client
from .common import ERROR_STYLE, status_html
from .widgets import Submission

i18n.add({
    "reg.title": {"uk": "Нова особа або сімʼя", "en": "New person or family"},
    "reg.family_name": {"uk": "Прізвище", "en": "Family name"},
    "reg.given_name": {"uk": "Імʼя", "en": "Given name"},
    "reg.patronymic": {"uk": "По батькові", "en": "Patronymic"},
    "reg.birth_date": {"uk": "Дата народження", "en": "Date of birth"},
    "reg.sex": {"uk": "Стать", "en": "Sex"},
    "reg.category": {"uk": "Категорія", "en": "Category"},
    "reg.programme": {"uk": "Програма", "en": "Programme"},
    "reg.consent": {
        "uk": "Особа дала згоду на обробку персональних даних",
        "en": "The person consented to the processing of personal data",
    },
    "reg.consent_date": {"uk": "Дата згоди", "en": "Date of consent"},
    "reg.submit": {"uk": "Зареєструвати", "en": "Register"},
    "reg.cancel": {"uk": "Скасувати", "en": "Cancel"},
    "reg.choose": {"uk": "— виберіть —", "en": "— choose —"},
    "reg.date_placeholder": {"uk": "дд.мм.рррр", "en": "dd.mm.yyyy"},
})

FIELDS = ("family_name", "given_name", "patronymic", "birth_date", "sex", "category", "programme",
          "consent_given_on")


class RegistrationForm:
    """Widgets for :func:`register_client`; ``on_registered(case_id)`` is called on success."""

    def __init__(self, db, user: str, lang: str, on_registered, on_cancel, today: date | None = None):
        self.db, self.user, self.lang, self.today = db, user, lang, today
        self.on_registered, self.on_cancel = on_registered, on_cancel
        self.inputs = {
            "family_name": w.Text(), "given_name": w.Text(), "patronymic": w.Text(), "birth_date": w.Text(),
            "sex": w.Dropdown(options=[("", "")]), "category": w.Dropdown(options=[("", "")]),
            "programme": w.Dropdown(options=[("", "")]),
        }
        self.consent = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        self.inputs["consent_given_on"] = w.Text(value=(today or date.today()).strftime("%d.%m.%Y"))
        self.labels = {name: w.HTML() for name in FIELDS}
        self.errors = {name: w.HTML() for name in FIELDS}
        self.title = w.HTML()
        self.status = w.HTML()
        self.submit = w.Button(button_style="primary")
        self.cancel = w.Button()
        self.submission = Submission()  # one registration per opening of this form (it closes once done)
        self.submit.on_click(lambda _: self.register())
        self.cancel.on_click(lambda _: self.on_cancel())
        rows = []
        for name in FIELDS:
            self.inputs[name].add_class(f"wb-reg-{name}")
            parts = [self.labels[name], self.inputs[name], self.errors[name]]
            if name == "consent_given_on":
                parts = [self.consent] + parts
            rows.append(w.VBox(parts))
        self.consent.add_class("wb-reg-consent")
        self.submit.add_class("wb-reg-submit")
        self.widget = w.VBox([self.title, *rows, self.status, w.HBox([self.submit, self.cancel])],
                             layout=w.Layout(border="1px solid #ccc", padding="8px", margin="6px 0"))
        self.set_language(lang)

    def set_language(self, lang: str):
        self.lang = lang
        self.title.value = f"<h3>{html.escape(i18n.t('reg.title', lang))}</h3>"
        for name in FIELDS:
            key = "reg.consent_date" if name == "consent_given_on" else f"reg.{name}"
            self.labels[name].value = f"<b>{html.escape(i18n.t(key, lang))}</b>"
        for name, kind in (("sex", "sexes"), ("category", "categories"), ("programme", "programmes")):
            value = self.inputs[name].value
            self.inputs[name].options = [(i18n.t("reg.choose", lang), "")] + config.choices(kind, lang)
            self.inputs[name].value = value
        for name in ("birth_date", "consent_given_on"):
            self.inputs[name].placeholder = i18n.t("reg.date_placeholder", lang)
        self.consent.description = i18n.t("reg.consent", lang)
        self.submit.description = i18n.t("reg.submit", lang)
        self.cancel.description = i18n.t("reg.cancel", lang)

    def register(self) -> int | None:
        """Register, once: a second click gives the same case and registers nothing more."""
        return self.submission.run(self._register)

    def _register(self) -> int | None:
        """Register from the widgets' values; every check happens in the service. None when refused."""
        values = {name: widget.value for name, widget in self.inputs.items()}
        if not self.consent.value:
            values["consent_given_on"] = None
        for error in self.errors.values():
            error.value = ""
        try:
            case_id = register_client(self.db, self.user, today=self.today, **values)
        except InvalidInput as err:
            for name, problem in err.problems.items():
                if name in self.errors:
                    self.errors[name].value = f'<div style="{ERROR_STYLE}">{html.escape(problem.message(self.lang))}</div>'
            self.status.value = status_html(err.summary(self.lang), "error")
            return None
        except UserError as err:
            self.status.value = status_html(err.message(self.lang), "error")
            return None
        self.status.value = ""
        self.on_registered(case_id)
        return case_id
