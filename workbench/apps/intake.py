"""The intake app: register a family or a person with consent, warned of possible duplicates as you type.

The warning lists people already registered who may be the one being typed (other
spellings, Russian forms, swapped names or day and month); the worker can link that
existing person instead of registering them again, or open their case.
"""
from __future__ import annotations

import html
from datetime import date

import ipywidgets as w

from .. import config, i18n
from ..i18n import UserError
from ..store.cases import get_case
from ..store.duplicates import possible_duplicates
from ..store.inputs import InvalidInput
from ..store.intake import intake
from .address import Place, link
from .common import ERROR_STYLE, signed_in, status_html, ua_date
from .widgets import Submission

i18n.add({
    "intake.title": {"uk": "Прийом звернення", "en": "Intake"},
    "intake.case": {"uk": "Звернення", "en": "The request"},
    "intake.programme": {"uk": "Програма", "en": "Programme"},
    "intake.category": {"uk": "Категорія", "en": "Category"},
    "intake.channel": {"uk": "Як надійшло", "en": "How it came in"},
    "intake.date": {"uk": "Дата надходження", "en": "Date received"},
    "intake.referred_by": {"uk": "Хто направив / повідомив", "en": "Referred or notified by"},
    "intake.urgent": {"uk": "Загроза життю чи здоровʼю", "en": "A threat to life or health"},
    "intake.urgent_note": {"uk": "Опишіть загрозу", "en": "Describe the threat"},
    "intake.members": {"uk": "Члени сімʼї", "en": "Family members"},
    "intake.applicant": {"uk": "Заявник / заявниця", "en": "Applicant"},
    "intake.member": {"uk": "Член сімʼї {number}", "en": "Family member {number}"},
    "intake.add_member": {"uk": "Додати члена сімʼї", "en": "Add a family member"},
    "intake.remove_member": {"uk": "Прибрати", "en": "Remove"},
    "intake.relation": {"uk": "Ким доводиться", "en": "Relation"},
    "intake.consent_by": {"uk": "Згоду дав(ла) (для дитини — законний представник)",
                          "en": "Consent given by (for a child, the legal representative)"},
    "intake.duplicates": {"uk": "Можливо, ця особа вже є в базі:", "en": "This person may already be registered:"},
    "intake.use_existing": {"uk": "Це ця особа — використати наявний запис", "en": "Same person: use the existing record"},
    "intake.open_case": {"uk": "Відкрити випадок {number}", "en": "Open case {number}"},
    "intake.duplicate_elsewhere": {
        "uk": "Схожу особу вже зареєстровано; її випадок веде {holders}. Зверніться до колеги, перш ніж реєструвати її знову.",
        "en": "A matching person is already registered; their case is held by {holders}. Ask that colleague before "
              "registering them again.",
    },
    "intake.also_held_by": {"uk": "(інші випадки веде {holders})", "en": "(other cases held by {holders})"},
    "intake.existing_linked": {"uk": "Наявний запис №{id}: {name}, {birth}.", "en": "Existing record #{id}: {name}, {birth}."},
    "intake.undo_existing": {"uk": "Ні, це інша особа", "en": "No, another person"},
    "intake.contacts": {"uk": "Контакти та адреси заявника", "en": "The applicant's contacts and addresses"},
    "intake.phone": {"uk": "Телефон", "en": "Phone"},
    "intake.email": {"uk": "Електронна пошта", "en": "Email"},
    "intake.registered_community": {"uk": "Зареєстроване місце: громада", "en": "Registered: community"},
    "intake.registered_settlement": {"uk": "Зареєстроване місце: населений пункт", "en": "Registered: settlement"},
    "intake.registered_address": {"uk": "Зареєстроване місце: адреса", "en": "Registered: address"},
    "intake.actual_community": {"uk": "Фактичне місце: громада", "en": "Actual: community"},
    "intake.actual_settlement": {"uk": "Фактичне місце: населений пункт", "en": "Actual: settlement"},
    "intake.actual_address": {"uk": "Фактичне місце: адреса", "en": "Actual: address"},
    "intake.idp_number": {"uk": "Довідка ВПО: номер", "en": "IDP certificate: number"},
    "intake.idp_date": {"uk": "Довідка ВПО: дата видачі", "en": "IDP certificate: date of issue"},
    "intake.consent": {"uk": "Згода", "en": "Consent"},
    "intake.consent_date": {"uk": "Дата згоди", "en": "Date of consent"},
    "intake.register": {"uk": "Зареєструвати та відкрити випадок", "en": "Register and open the case"},
    "intake.registered": {"uk": "Зареєстровано: випадок {number}.", "en": "Registered: case {number}."},
    "intake.links": {"uk": "Відкрити випадок", "en": "Open the case"},
    "intake.to_assessment": {"uk": "Перейти до оцінювання потреб", "en": "Go to the needs assessment"},
})

PERSON = ("family_name", "given_name", "patronymic", "birth_date")
CONTACTS = ("phone", "email", "registered_community", "registered_settlement", "registered_address",
            "actual_community", "actual_settlement", "actual_address")


def labelled(widget, css: str):
    """A label, the widget and an error line, as a box; returns (box, label, error)."""
    label, error = w.HTML(), w.HTML()
    widget.add_class(css)
    return w.VBox([label, widget, error]), label, error


def close_tree(widget) -> None:
    """Close a widget and everything inside it (frees the kernel's and the page's copies)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


class MemberBlock:
    """One family member's fields and the duplicate warning for them."""

    def __init__(self, app: "IntakeApp", number: int):
        self.app, self.number = app, number
        self.person_id: int | None = None
        self.inputs = {name: w.Text(layout=w.Layout(width="20em")) for name in PERSON}
        self.inputs["sex"] = w.Dropdown(options=[("", "")])
        self.inputs["relation"] = w.Dropdown(options=[("", "")])
        # Empty means the person consented themselves; for a young child a parent or representative must be named.
        self.inputs["consent_given_by"] = w.Text(value="", layout=w.Layout(width="30em"))
        self.rows, self.labels, self.errors = {}, {}, {}
        for name, widget in self.inputs.items():
            self.rows[name], self.labels[name], self.errors[name] = labelled(widget, f"wb-member-{name}")
        for name in ("family_name", "given_name", "patronymic", "birth_date"):
            self.inputs[name].observe(lambda _: self.check_duplicates(), "value")
        self.title = w.HTML()
        self.duplicates = w.VBox()
        self.duplicates.add_class("wb-duplicates")
        self.linked = w.HTML()
        self.undo = w.Button(layout=w.Layout(display="none"))
        self.undo.on_click(lambda _: self.unlink())
        self.remove = w.Button(layout=w.Layout(display="none" if number == 0 else None))
        self.remove.on_click(lambda _: app.remove_member(self))
        self.fields = w.VBox([self.rows[n] for n in ("family_name", "given_name", "patronymic", "birth_date", "sex")])
        self.widget = w.VBox([self.title, self.fields, self.linked, self.undo, self.rows["relation"],
                              self.rows["consent_given_by"], self.duplicates, self.remove],
                             layout=w.Layout(border="1px dashed #aaa", padding="6px", margin="4px 0"))
        self.widget.add_class(f"wb-member-{number}")
        if number == 0:
            self.rows["relation"].layout.display = "none"

    def set_language(self, lang: str):
        self.title.value = "<b>{}</b>".format(html.escape(
            i18n.t("intake.applicant", lang) if self.number == 0 else i18n.t("intake.member", lang, number=self.number + 1)))
        for name in PERSON + ("sex",):
            self.labels[name].value = html.escape(i18n.t(f"reg.{name}", lang))
        self.labels["relation"].value = html.escape(i18n.t("intake.relation", lang))
        self.labels["consent_given_by"].value = html.escape(i18n.t("intake.consent_by", lang))
        self.inputs["birth_date"].placeholder = i18n.t("reg.date_placeholder", lang)
        for name, kind in (("sex", "sexes"), ("relation", "relations")):
            value = self.inputs[name].value
            self.inputs[name].options = [(i18n.t("reg.choose", lang), "")] + config.choices(kind, lang)
            self.inputs[name].value = value
        self.remove.description = i18n.t("intake.remove_member", lang)
        self.undo.description = i18n.t("intake.undo_existing", lang)
        self.check_duplicates()

    def check_duplicates(self):
        """Show registered people who may be this one (never for an already linked record)."""
        lang = self.app.lang
        if self.person_id is not None:
            self._replace_duplicates([])
            return
        found = possible_duplicates(self.app.db, self.app.user, family_name=self.inputs["family_name"].value,
                                    given_name=self.inputs["given_name"].value,
                                    birth_date=self.inputs["birth_date"].value,
                                    patronymic=self.inputs["patronymic"].value)
        rows = []
        for person in found:
            if person["restricted"]:  # on cases this worker may not see: say it exists and whose, nothing more
                row = w.HTML(status_html(i18n.t("intake.duplicate_elsewhere", lang,
                                                holders=", ".join(person["held_by"])), "info"))
                row.add_class("wb-duplicate-elsewhere")
                rows.append(row)
                continue
            name = " ".join(filter(None, (person["family_name"], person["given_name"], person["patronymic"])))
            text = f"{name}, {ua_date(person['birth_date'])}"
            use = w.Button(description=i18n.t("intake.use_existing", lang), layout=w.Layout(width="auto"))
            use.add_class("wb-use-existing")
            use.on_click(lambda _, p=person: self.link(p))
            links = " ".join(
                '<a href="?case={}" target="_blank">{}</a>'.format(
                    case["id"], html.escape(i18n.t("intake.open_case", lang, number=case["case_number"])))
                for case in person["cases"])
            if person["held_by"]:
                links += " " + html.escape(i18n.t("intake.also_held_by", lang, holders=", ".join(person["held_by"])))
            row = w.HBox([w.HTML(html.escape(text)), use, w.HTML(links)])
            row.add_class("wb-duplicate")
            rows.append(row)
        header = [w.HTML(status_html(i18n.t("intake.duplicates", lang), "error"))] if rows else []
        self._replace_duplicates(header + rows)

    def _replace_duplicates(self, children: list):
        """Show new warning rows and close the old ones (each keystroke makes new rows; the old would pile up)."""
        old = list(self.duplicates.children)
        self.duplicates.children = children
        for widget in old:
            close_tree(widget)

    def link(self, person: dict):
        """Use the existing person's record for this member instead of registering them again."""
        self.person_id = person["id"]
        self.linked.value = status_html(i18n.t("intake.existing_linked", self.app.lang, id=person["id"],
                                               name=f"{person['family_name']} {person['given_name']}",
                                               birth=ua_date(person["birth_date"])), "ok")
        self.fields.layout.display = "none"
        self.undo.layout.display = None
        self._replace_duplicates([])

    def unlink(self):
        self.person_id = None
        self.linked.value = ""
        self.fields.layout.display = None
        self.undo.layout.display = "none"
        self.check_duplicates()

    def value(self) -> dict:
        relation = "applicant" if self.number == 0 else self.inputs["relation"].value
        if self.person_id is not None:
            return {"person_id": self.person_id, "relation": relation}
        member = {name: self.inputs[name].value for name in PERSON + ("sex",)}
        member["relation"] = relation
        member["consent_given_by"] = self.inputs["consent_given_by"].value
        return member

    def show_errors(self, problems: dict):
        for name, error in self.errors.items():
            problem = problems.get(name)
            error.value = f'<div style="{ERROR_STYLE}">{html.escape(problem.message(self.app.lang))}</div>' \
                if problem else ""


class IntakeApp:
    """The app's widgets; ``widget`` is what Voilà shows."""

    def __init__(self, db, user: str, lang: str = "uk", today: date | None = None):
        self.db, self.user, self.today = db, user, today
        self.lang = i18n.normalise_language(lang)
        self.user_row = signed_in(db, user, "case.open")
        self.heading, self.status = w.HTML(), w.HTML()
        self.status.add_class("wb-status")
        today_text = (today or date.today()).strftime("%d.%m.%Y")
        self.inputs = {
            "programme": w.Dropdown(options=[("", "")]), "category": w.Dropdown(options=[("", "")]),
            "intake_channel": w.Dropdown(options=[("", "")]), "intake_on": w.Text(value=today_text),
            "referred_by": w.Text(layout=w.Layout(width="30em")), "urgent": w.Checkbox(value=False, indent=False),
            "urgent_note": w.Text(layout=w.Layout(width="30em")),
            **{name: w.Text(layout=w.Layout(width="30em")) for name in CONTACTS},
            "idp_number": w.Text(), "idp_date": w.Text(), "consent_given_on": w.Text(value=today_text),
        }
        self.consents = {code: w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
                         for code in config.load_config()["consent_purposes"]}
        for code, box in self.consents.items():
            box.add_class(f"wb-consent-{code}")
        self.rows, self.labels, self.errors = {}, {}, {}
        for name, widget in self.inputs.items():
            self.rows[name], self.labels[name], self.errors[name] = labelled(widget, f"wb-intake-{name}")
        self.inputs["category"].observe(lambda _: self._idp_fields(), "value")
        self.inputs["urgent"].observe(lambda _: self._urgent_fields(), "value")
        self.members: list[MemberBlock] = []
        self.members_box = w.VBox()
        self.add_member_button = w.Button(icon="user-plus")
        self.add_member_button.add_class("wb-add-member")
        self.add_member_button.on_click(lambda _: self.add_member())
        self.section_titles = {key: w.HTML() for key in ("intake.case", "intake.members", "intake.contacts",
                                                          "intake.consent")}
        self.register_button = w.Button(button_style="primary", icon="check")
        self.register_button.add_class("wb-intake-register")
        self.register_button.on_click(lambda _: self.register())
        self.result = w.HTML()
        self.result.add_class("wb-intake-result")
        self.registering = Submission()  # one intake per opening of the page: never renewed (a new page starts another)
        t = self.section_titles
        self.widget = w.VBox([
            self.heading, self.status,
            t["intake.case"], *[self.rows[n] for n in ("programme", "category", "intake_channel", "intake_on",
                                                       "referred_by", "urgent", "urgent_note")],
            t["intake.members"], self.members_box, self.add_member_button,
            t["intake.contacts"], *[self.rows[n] for n in CONTACTS + ("idp_number", "idp_date")],
            t["intake.consent"], w.VBox(list(self.consents.values())), self.rows["consent_given_on"],
            self.register_button, self.result])
        self.widget.add_class("wb-intake")
        self.add_member()
        self.set_language(self.lang)
        self._idp_fields()
        self._urgent_fields()

    def set_language(self, lang: str):
        self.lang = lang
        self.heading.value = f"<h3>{html.escape(i18n.t('intake.title', lang))}</h3>"
        for key, title in self.section_titles.items():
            title.value = f"<h3>{html.escape(i18n.t(key, lang))}</h3>"
        keys = {"programme": "intake.programme", "category": "intake.category", "intake_channel": "intake.channel",
                "intake_on": "intake.date", "referred_by": "intake.referred_by", "urgent": "intake.urgent",
                "urgent_note": "intake.urgent_note", "idp_number": "intake.idp_number", "idp_date": "intake.idp_date",
                "consent_given_on": "intake.consent_date", **{n: f"intake.{n}" for n in CONTACTS}}
        for name, key in keys.items():
            self.labels[name].value = html.escape(i18n.t(key, lang))
        for name, kind in (("programme", "programmes"), ("category", "categories"),
                           ("intake_channel", "intake_channels")):
            value = self.inputs[name].value
            self.inputs[name].options = [(i18n.t("reg.choose", lang), "")] + config.choices(kind, lang)
            self.inputs[name].value = value
        for code, box in self.consents.items():
            box.description = config.label("consent_purposes", code, lang)
        for name in ("intake_on", "idp_date", "consent_given_on"):
            self.inputs[name].placeholder = i18n.t("reg.date_placeholder", lang)
        self.add_member_button.description = i18n.t("intake.add_member", lang)
        self.register_button.description = i18n.t("intake.register", lang)
        for member in self.members:
            member.set_language(lang)

    def _idp_fields(self):
        shown = None if self.inputs["category"].value == "idp" else "none"
        self.rows["idp_number"].layout.display = self.rows["idp_date"].layout.display = shown

    def _urgent_fields(self):
        self.rows["urgent_note"].layout.display = None if self.inputs["urgent"].value else "none"

    def add_member(self):
        member = MemberBlock(self, len(self.members))
        self.members.append(member)
        member.set_language(self.lang)
        self.members_box.children = [m.widget for m in self.members]

    def remove_member(self, member: MemberBlock):
        if member.number == 0:
            return
        self.members.remove(member)
        close_tree(member.widget)
        for number, m in enumerate(self.members):
            m.widget.remove_class(f"wb-member-{m.number}")
            m.number = number
            m.widget.add_class(f"wb-member-{number}")
            m.set_language(self.lang)
        self.members_box.children = [m.widget for m in self.members]

    def register(self) -> int | None:
        """Register the family (or person) and open the case, once: a second click (even on the disabled
        button) registers nothing more and gives the same case."""
        return self.registering.run(self._register)

    def _register(self) -> int | None:
        """The registration itself; every check is the service's. None when it was refused."""
        v = {name: widget.value for name, widget in self.inputs.items()}
        purposes = [code for code, box in self.consents.items() if box.value]
        consent_on = v["consent_given_on"] if purposes else None
        contacts = {name: v[name] or None for name in CONTACTS}
        for member in self.members:
            member.show_errors({})
        for error in self.errors.values():
            error.value = ""
        try:
            case_id = intake(self.db, self.user, programme=v["programme"], members=[m.value() for m in self.members],
                             category=v["category"], consent_given_on=consent_on, consent_purposes=purposes,
                             intake_channel=v["intake_channel"], intake_on=v["intake_on"],
                             referred_by=v["referred_by"] or None, contacts=contacts,
                             idp_certificate={"number": v["idp_number"] or None, "issued_on": v["idp_date"] or None}
                             if v["category"] == "idp" else None,
                             urgent_note=(v["urgent_note"] or " ") if v["urgent"] else None, today=self.today)
        except InvalidInput as err:
            self._show_problems(err)
            self.result.value = status_html(err.summary(self.lang), "error")
            return None
        except UserError as err:
            self.result.value = status_html(err.message(self.lang), "error")
            return None
        case = get_case(self.db, self.user, case_id)["case_number"]
        self.result.value = status_html(i18n.t("intake.registered", self.lang, number=case), "ok") + "<p>{} · {}</p>".format(
            link(Place("case", case_id), html.escape(i18n.t("intake.links", self.lang)), "wb-open-case"),
            link(Place("case", case_id, "assessments"), html.escape(i18n.t("intake.to_assessment", self.lang)),
                 "wb-to-assessment"))
        self.register_button.disabled = True  # a hint: the guard is self.registering
        return case_id

    def _show_problems(self, err: InvalidInput):
        per_member: dict[int, dict] = {}
        rename = {"idp_certificate_number": "idp_number", "idp_certificate_issued_on": "idp_date",
                  "consent_purposes[0]": "consent_given_on", "consent_purposes": "consent_given_on",
                  "note": "urgent_note"}
        for key, problem in err.problems.items():
            if key.startswith("members["):
                number = int(key[len("members["):key.index("]")])
                field = key.split(".", 1)[1] if "." in key else "family_name"
                field = rename.get(field, field)
                if field == "consent_given_on":  # consent is asked once for the whole family
                    self.errors[field].value = f'<div style="{ERROR_STYLE}">{html.escape(problem.message(self.lang))}</div>'
                else:
                    per_member.setdefault(number, {})[field] = problem
            else:
                name = rename.get(key, key)
                if name in self.errors:
                    self.errors[name].value = f'<div style="{ERROR_STYLE}">{html.escape(problem.message(self.lang))}</div>'
        for number, problems in per_member.items():
            if number < len(self.members):
                self.members[number].show_errors(problems)
