"""The needs-assessment app's panel for children added during the assessment.

A child entry of the form without a register number (``child_person``) is a child not yet on the case: this
panel asks what registering them needs beyond the form's name and date of birth (family name, sex, which parent
on the case consents), and, when saving is refused because the child may already be registered, shows the
likely duplicates so the worker links the existing person or confirms a new one (as intake does). Every check is
the store's (:func:`workbench.store.children.prepare_children`); the panel only gathers and shows.
"""
from __future__ import annotations

import html

import ipywidgets as w

from .. import config, i18n
from ..forms.view import FormView
from ..store.children import CHILD_BIRTH, CHILD_NAME, CHILD_PERSON, CHILD_REPEAT
from .common import ERROR_STYLE, status_html, ua_date

i18n.add({
    "nc.title": {"uk": "Нові діти: реєстрація у випадку", "en": "New children: registering them on the case"},
    "nc.explain": {
        "uk": "Дітей, яких немає у випадку, буде зареєстровано під час збереження оцінювання за згодою одного з батьків.",
        "en": "Children not yet on the case are registered when the assessment is saved, with a parent's consent.",
    },
    "nc.child": {"uk": "Дитина {number}: {name}", "en": "Child {number}: {name}"},
    "nc.consent_by": {"uk": "Згоду на обробку даних дитини дає", "en": "Consent to the child's data processing given by"},
    "nc.duplicates": {"uk": "Можливо, цю дитину вже зареєстровано:", "en": "This child may already be registered:"},
    "nc.use_existing": {"uk": "Це ця дитина — використати наявний запис", "en": "Same child: use the existing record"},
    "nc.confirm_new": {"uk": "Це інша дитина — зареєструвати нову", "en": "Another child: register a new record"},
    "nc.held_elsewhere": {
        "uk": "Схожу особу вже зареєстровано; її випадок веде {holders}.",
        "en": "A matching person is already registered; their case is held by {holders}.",
    },
    "nc.linked": {"uk": "Буде використано наявний запис №{id}: {name}, {birth}.",
                  "en": "The existing record #{id} will be used: {name}, {birth}."},
    "nc.confirmed": {"uk": "Підтверджено: це нова дитина.", "en": "Confirmed: this is a new child."},
    "nc.undo": {"uk": "Скасувати вибір", "en": "Undo the choice"},
})


class NewChildBlock:
    """What registering one added child needs, and the duplicate warning for them."""

    def __init__(self, panel: "NewChildrenPanel", entry):
        self.panel, self.entry = panel, entry
        self.person_id: int | None = None
        self.confirmed_new = False
        self.inputs = {"family_name": w.Text(value=panel.family_name, layout=w.Layout(width="20em")),
                       "patronymic": w.Text(layout=w.Layout(width="20em")), "sex": w.Dropdown(options=[("", "")]),
                       "consent_by": w.Dropdown(options=[("", None)], layout=w.Layout(width="30em"))}
        self.labels, self.errors, rows = {}, {}, []
        for name, widget in self.inputs.items():
            widget.add_class(f"wb-new-child-{name}")
            widget.observe(lambda _: panel.changed(), "value")
            self.labels[name], self.errors[name] = w.HTML(), w.HTML()
            rows.append(w.VBox([self.labels[name], widget, self.errors[name]]))
        self.title, self.choice = w.HTML(), w.HTML()
        self.undo = w.Button(layout=w.Layout(display="none"))
        self.undo.on_click(lambda _: self.reset())
        self.duplicates = w.VBox()
        self.duplicates.add_class("wb-child-duplicates")
        self.widget = w.VBox([self.title, *rows, self.duplicates, self.choice, self.undo],
                             layout=w.Layout(border="1px dashed #aaa", padding="6px", margin="4px 0"))
        self.widget.add_class("wb-new-child")

    def set_language(self, lang: str, number: int):
        name = self.entry.fields[CHILD_NAME].value() or "…"
        self.title.value = "<b>{}</b>".format(html.escape(i18n.t("nc.child", lang, number=number, name=name)))
        for field, key in (("family_name", "reg.family_name"), ("patronymic", "reg.patronymic"),
                           ("sex", "reg.sex"), ("consent_by", "nc.consent_by")):
            self.labels[field].value = html.escape(i18n.t(key, lang))
        sex = self.inputs["sex"].value
        self.inputs["sex"].options = [(i18n.t("reg.choose", lang), "")] + config.choices("sexes", lang)
        self.inputs["sex"].value = sex
        parent = self.inputs["consent_by"].value
        self.inputs["consent_by"].options = [(i18n.t("reg.choose", lang), None)] + [
            (f"{p['family_name']} {p['given_name']} ({config.label('relations', p['relation'], lang)})", p["person_id"])
            for p in self.panel.parents]
        self.inputs["consent_by"].value = parent if parent in [p["person_id"] for p in self.panel.parents] else None
        self.undo.description = i18n.t("nc.undo", lang)

    def value(self) -> dict:
        spec = {"family_name": self.inputs["family_name"].value, "patronymic": self.inputs["patronymic"].value,
                "sex": self.inputs["sex"].value, "consent_by": self.inputs["consent_by"].value}
        if self.person_id is not None:
            spec["person_id"] = self.person_id
        elif self.confirmed_new:
            spec["confirmed_new"] = True
        return spec

    def show_duplicates(self, rows: list[dict], lang: str):
        shown = [w.HTML(status_html(i18n.t("nc.duplicates", lang), "error"))]
        for person in rows:
            if person["restricted"]:
                shown.append(w.HTML(status_html(i18n.t("nc.held_elsewhere", lang, holders=", ".join(person["held_by"])))))
                continue
            text = " ".join(filter(None, (person["family_name"], person["given_name"], person["patronymic"])))
            use = w.Button(description=i18n.t("nc.use_existing", lang), layout=w.Layout(width="auto"))
            use.add_class("wb-child-use-existing")
            use.on_click(lambda _, p=person: self.link(p))
            shown.append(w.HBox([w.HTML(html.escape(f"{text}, {ua_date(person['birth_date'])}")), use]))
        confirm = w.Button(description=i18n.t("nc.confirm_new", lang), layout=w.Layout(width="auto"))
        confirm.add_class("wb-child-confirm-new")
        confirm.on_click(lambda _: self.confirm())
        self.duplicates.children = shown + [confirm]

    def link(self, person: dict):
        self.person_id, self.confirmed_new = person["id"], False
        self.duplicates.children = []
        self.choice.value = status_html(i18n.t("nc.linked", self.panel.lang, id=person["id"],
                                               name=f"{person['family_name']} {person['given_name']}",
                                               birth=ua_date(person["birth_date"])), "ok")
        self.undo.layout.display = None

    def confirm(self):
        self.person_id, self.confirmed_new = None, True
        self.duplicates.children = []
        self.choice.value = status_html(i18n.t("nc.confirmed", self.panel.lang), "ok")
        self.undo.layout.display = None

    def reset(self):
        self.person_id, self.confirmed_new = None, False
        self.choice.value = ""
        self.undo.layout.display = "none"

    def show_errors(self, problems: dict, lang: str):
        for name, error in self.errors.items():
            problem = problems.get(name)
            error.value = f'<div style="{ERROR_STYLE}">{html.escape(problem.message(lang))}</div>' if problem else ""


class NewChildrenPanel:
    """One :class:`NewChildBlock` per child entry of ``form`` that has no register number; ``widget`` to show."""

    def __init__(self, form: FormView, lang: str, parents: list[dict], family_name: str = "", on_change=None):
        self.form, self.lang, self.parents, self.family_name = form, lang, parents, family_name
        self.on_change = on_change
        self._quiet = False
        self.blocks: dict = {}  # the form's Instance -> its block
        self.title, self.explain = w.HTML(), w.HTML()
        self.list = w.VBox()
        self.widget = w.VBox([self.title, self.explain, self.list], layout=w.Layout(display="none", margin="6px 0"))
        self.widget.add_class("wb-new-children")
        repeat = form.repeats.get(CHILD_REPEAT)
        if repeat is not None:
            repeat.list.observe(lambda _: self.refresh(), "children")
        self.refresh()

    def entries(self) -> list:
        repeat = self.form.repeats.get(CHILD_REPEAT)
        return list(repeat.instances) if repeat is not None else []

    def refresh(self):
        """Match the blocks to the form's unregistered child entries; lock a registered child's name and birth."""
        new = []
        for entry in self.entries():
            linked = bool(str(entry.fields[CHILD_PERSON].value() or "").strip())
            for name in (CHILD_NAME, CHILD_BIRTH):
                if name in entry.fields and entry.fields[name].input is not None:
                    entry.fields[name].input.disabled = linked  # the register's, not typed again
            if not linked:
                new.append(entry)
        self.blocks = {entry: self.blocks.get(entry) or NewChildBlock(self, entry) for entry in new}
        self.list.children = [block.widget for block in self.blocks.values()]
        self.widget.layout.display = None if self.blocks else "none"
        self.set_language(self.lang)

    def set_language(self, lang: str):
        self.lang = lang
        self.title.value = f"<h4>{html.escape(i18n.t('nc.title', lang))}</h4>"
        self.explain.value = f"<i>{html.escape(i18n.t('nc.explain', lang))}</i>"
        numbers = {entry: n for n, entry in enumerate(self.entries(), start=1)}
        for entry, block in self.blocks.items():
            block.set_language(lang, numbers.get(entry, 0))

    def changed(self):
        if self.on_change and not self._quiet:
            self.on_change()

    def restore(self, specs: dict):
        """Fill the blocks from ``value()`` as a draft kept it (numbers as text); a link or confirmation is not
        restored (the duplicate warning comes again on saving)."""
        self._quiet = True
        try:
            for number, spec in (specs or {}).items():
                block = self._block(int(number)) if str(number).isdigit() else None
                if block is None or not isinstance(spec, dict):
                    continue
                for name in ("family_name", "patronymic", "sex", "consent_by"):
                    options = getattr(block.inputs[name], "options", None)
                    if spec.get(name) is not None and (options is None or spec[name] in [o[1] for o in options]):
                        block.inputs[name].value = spec[name]
        finally:
            self._quiet = False

    def value(self) -> dict[int, dict]:
        """``new_children`` for the store: the entry's number (1-based) -> what registering the child needs."""
        numbers = {entry: n for n, entry in enumerate(self.entries(), start=1)}
        return {numbers[entry]: block.value() for entry, block in self.blocks.items() if entry in numbers}

    def _block(self, number: int):
        entries = self.entries()
        return self.blocks.get(entries[number - 1]) if 0 < number <= len(entries) else None

    def show_duplicates(self, candidates: dict[int, list[dict]]):
        for number, rows in candidates.items():
            block = self._block(number)
            if block is not None:
                block.show_duplicates(rows, self.lang)

    def show_problems(self, problems: dict) -> dict:
        """Show the ``child[n].field`` problems under their blocks; returns the problems it could not place."""
        per_block: dict = {}
        rest = {}
        for key, problem in problems.items():
            if key.startswith("child[") and "]." in key:
                number, field = int(key[len("child["):key.index("]")]), key.split("].", 1)[1]
                block = self._block(number)
                if block is not None and field in block.inputs:
                    per_block.setdefault(block, {})[field] = problem
                    continue
            rest[key] = problem
        for block in self.blocks.values():
            block.show_errors(per_block.get(block, {}), self.lang)
        return rest
