"""A form view (ipywidgets) built from any instrument.

Thin by design: it turns widget values into a plain submission dict and shows
what :func:`check_submission` says; every rule lives there, in Python, so a
forged widget value meets the same checks as a typed one. Text from the
instrument is escaped before it goes into HTML; what users type stays in input
widgets and is never rendered as HTML.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime

import ipywidgets as w

from .. import i18n
from ..instruments.model import MEDIA_TYPES, Instrument, Item, Section
from ..instruments.recorded import recorded_values
from ..instruments.validation import CheckedSubmission, check_submission, offered_choices, repeat_count, to_text
from .file_question import FileQuestion

i18n.add({
    "form.add_instance": {"uk": "Додати: {label}", "en": "Add: {label}"},
    "form.remove_instance": {"uk": "Прибрати цей запис", "en": "Remove this entry"},
    "form.instance_title": {"uk": "{label} {number}", "en": "{label} {number}"},
    "form.date_placeholder": {"uk": "дд.мм.рррр", "en": "dd.mm.yyyy"},
    "form.number_placeholder": {"uk": "число", "en": "number"},
    "form.time_placeholder": {"uk": "гг:хх", "en": "hh:mm"},
    "form.datetime_placeholder": {"uk": "дд.мм.рррр гг:хх", "en": "dd.mm.yyyy hh:mm"},
    "form.geopoint_placeholder": {"uk": "широта довгота [висота точність]", "en": "latitude longitude [altitude accuracy]"},
    "form.required_mark": {"uk": "обовʼязкове", "en": "required"},
})

ERROR_STYLE = "color:#b00020;font-size:90%"
REFERENCE = re.compile(r"\$\{([^}\s]+)\}")  # ${name} in a label or hint: that answer, as typed
HINT_STYLE = "color:#555;font-size:90%"


class Field:
    """One item's widgets: label, hint, input and the message under it."""

    def __init__(self, item: Item, instance: int, on_change, answer=None):
        self.item, self.instance = item, instance
        self.answer = answer  # name -> the answer shown for ${name} in this field's label and hint
        self.touched = False
        self.file: FileQuestion | None = None  # an image, audio, video or file question's widgets
        self.label = w.HTML()
        self.hint = w.HTML()
        self.error = w.HTML()
        self.input = self._make_input(on_change)
        shown = [self.file.widget] if self.file else [self.input] if self.input is not None else []
        parts = [self.label, self.hint] + shown + [self.error]
        self.box = w.VBox(parts, layout=w.Layout(margin="0 0 10px 0"))
        self.box.add_class(f"wb-field-{item.name}")

    def _make_input(self, on_change):
        kind = self.item.type
        if kind in ("note", "calculate"):
            return None
        if kind == "select_one":
            widget = w.RadioButtons(options=[(c.name, c.name) for c in self.item.choices], value=None,
                                    layout=w.Layout(width="auto"))
        elif kind == "select_multiple":
            widget = w.VBox([w.Checkbox(value=False, description=c.name, indent=False)
                             for c in self.item.choices])
            for box in widget.children:
                box.observe(lambda change: self._changed(on_change), "value")
            return widget
        elif kind == "text":
            widget = w.Textarea(rows=2, layout=w.Layout(width="95%"))
        elif kind == "acknowledge":
            widget = w.Checkbox(value=False, description="OK", indent=False)
        elif kind in MEDIA_TYPES:
            self.file = FileQuestion(self.item, lambda: self._changed(on_change))
            return self.file.upload
        else:
            widget = w.Text(layout=w.Layout(width="16em"))
        # A read-only item is shown, not typed (the store checks the value all the same).
        widget.disabled = self.item.read_only
        widget.observe(lambda change: self._changed(on_change), "value")
        return widget

    def _changed(self, on_change):
        self.touched = True
        on_change(self)

    @property
    def refers(self) -> bool:
        """Whether the label or hint shows other answers (and changes as they are typed)."""
        return any("${" in t for t in (*self.item.labels.values(), *self.item.hints.values()))

    def _filled(self, text: str) -> str:
        if self.answer is None or "${" not in text:
            return text
        return REFERENCE.sub(lambda m: self.answer(m.group(1)), text)

    def show_texts(self, lang):
        """Show the label and hint in ``lang``, each ${name} replaced by that answer."""
        item = self.item
        mark = ' <span style="color:#b00020" title="{0}">*</span>'.format(i18n.t("form.required_mark", lang)) \
            if item.required is True else ""
        self.label.value = f"<b>{html.escape(self._filled(item.label(lang)))}</b>{mark}"
        hint = self._filled(item.hint(lang))
        self.hint.value = f'<span style="{HINT_STYLE}">{html.escape(hint)}</span>' if hint else ""

    def set_language(self, lang):
        item = self.item
        self.show_texts(lang)
        if item.type == "select_one":
            value = self.input.value
            self.input.options = [(c.label(lang), c.name) for c in item.choices]
            self.input.value = value
        elif item.type == "select_multiple":
            for box, choice in zip(self.input.children, item.choices):
                box.description = choice.label(lang)
        elif item.type in ("date", "time", "datetime", "geopoint"):
            self.input.placeholder = i18n.t(f"form.{item.type}_placeholder", lang)
        elif item.type in ("integer", "decimal"):
            self.input.placeholder = i18n.t("form.number_placeholder", lang)
        elif self.file:
            self.file.set_language(lang)

    def offer(self, names: list[str], lang):
        """Show only the choices named (a ``choice_filter``'s), dropping an answer no longer offered."""
        if self.item.type == "select_one":
            value = self.input.value
            options = [(c.label(lang), c.name) for c in self.item.choices if c.name in names]
            if options != list(self.input.options):
                self.input.value = None
                self.input.options = options
                self.input.value = value if value in names else None
        elif self.item.type == "select_multiple":
            for box, choice in zip(self.input.children, self.item.choices):
                box.layout.display = None if choice.name in names else "none"
                box.value = box.value and choice.name in names

    def value(self):
        if self.input is None:
            return None
        if self.item.type == "select_multiple":
            return [c.name for c, box in zip(self.item.choices, self.input.children) if box.value]
        if self.file:
            return self.file.value()
        return self.input.value

    def draft_value(self):
        """The value a draft keeps: a chosen file's bytes are not kept (a saved version's file name is)."""
        return self.file.kept if self.file else self.value()

    def set_value(self, value):
        if self.input is None:
            return
        if self.item.type == "select_multiple":
            chosen = set(value.split() if isinstance(value, str) else value or [])  # "a c" from a default
            for c, box in zip(self.item.choices, self.input.children):
                box.value = c.name in chosen
        elif self.item.type == "select_one":
            self.input.value = value if value in self.item.choice_names() else None
        elif self.item.type == "acknowledge":
            self.input.value = value in (True, "OK")
        elif self.file:
            self.file.set_value(value)
        elif self.item.type == "date" and isinstance(value, date):
            self.input.value = value.strftime("%d.%m.%Y")
        else:
            self.input.value = "" if value is None else to_text(value)

    def show(self, visible: bool, messages: list[str]):
        self.box.layout.display = None if visible else "none"
        self.error.value = "".join(f'<div style="{ERROR_STYLE}">{html.escape(m)}</div>' for m in messages)


@dataclass(eq=False)
class Instance:
    """One entry of a repeat (one child, say): its fields and the widgets around them."""

    fields: dict
    headings: list
    title: w.HTML
    remove: w.Button
    box: w.VBox | None = None
    repeats: dict = dataclass_field(default_factory=dict)  # the repeats inside this entry (jobs of a member), by name


class RepeatBlock:
    """A repeat: its instances (one box each) and the button that adds one; ``outer`` is the (block, entry)
    that holds it, for a repeat inside a repeat (None at the form's level)."""

    def __init__(self, view: "FormView", section: Section, outer: tuple | None = None):
        self.view, self.section, self.outer = view, section, outer
        self.instances: list[Instance] = []
        self.title = w.HTML()
        self.add_button = w.Button(icon="plus")
        self.add_button.on_click(lambda _: self.add())
        self.add_button.add_class(f"wb-add-{section.name}")
        self.list = w.VBox()
        if section.count is not None:  # repeat_count decides how many entries: no button adds or removes one
            self.add_button.layout.display = "none"
        self.box = w.VBox([self.title, self.list, self.add_button],
                          layout=w.Layout(border="1px solid #ccc", padding="6px", margin="6px 0"))

    def add(self, values: dict | None = None):
        entry = Instance(fields={}, headings=[], title=w.HTML(), remove=w.Button(icon="trash"))
        body = self.view._build(self.section.children, len(self.instances) + 1, entry.fields, entry.headings,
                                entry.repeats, (self, entry))
        if values is None:
            values = {n: f.item.default for n, f in entry.fields.items() if f.item.default is not None}
        entry.box = w.VBox([entry.title] + body + [entry.remove],
                           layout=w.Layout(border="1px dashed #aaa", padding="6px", margin="4px 0"))
        entry.box.add_class(f"wb-instance-{self.section.name}")
        entry.remove.on_click(lambda _: self.remove(entry))
        if self.section.count is not None:
            entry.remove.layout.display = "none"
        self.instances.append(entry)
        for name, value in (values or {}).items():
            if name in entry.fields:
                entry.fields[name].set_value(value)
            elif name in entry.repeats:
                for inner in value or []:
                    entry.repeats[name].add(inner)
        self.list.children = [e.box for e in self.instances]
        self.view.renumber()
        self.view.set_language(self.view.lang)
        self.view.refresh()

    def remove(self, entry):
        self.instances.remove(entry)
        self.list.children = [e.box for e in self.instances]
        self.view.renumber()
        self.view.set_language(self.view.lang)
        self.view.refresh()

    def renumber(self, outer: tuple[int, ...] = ()):
        """Number the fields of every entry as problems name them: the entry's number, or in a repeat
        inside a repeat the numbers outermost first, ``(2, 1)`` (``outer``: the enclosing entries')."""
        for number, entry in enumerate(self.instances, start=1):
            place = outer + (number,)
            for f in entry.fields.values():
                f.instance = place if outer else number
            for block in entry.repeats.values():
                block.renumber(place)

    def numbers(self) -> tuple[int, ...]:
        """The numbers of the entries that hold this block, outermost first (() at the form's level)."""
        if self.outer is None:
            return ()
        block, entry = self.outer
        return block.numbers() + (block.instances.index(entry) + 1,)

    def blocks(self):
        """This block and the blocks inside its entries, at every level."""
        yield self
        for entry in self.instances:
            for block in entry.repeats.values():
                yield from block.blocks()

    def set_language(self, lang):
        label = self.section.label(lang)
        self.title.value = f"<h4>{html.escape(label)}</h4>"
        self.add_button.description = i18n.t("form.add_instance", lang, label=label)
        for number, entry in enumerate(self.instances, start=1):
            title = i18n.t("form.instance_title", lang, label=label, number=number)
            entry.title.value = f"<b>{html.escape(title)}</b>"
            entry.remove.description = i18n.t("form.remove_instance", lang)
            for section, heading in entry.headings:
                heading.value = f"<h4>{html.escape(section.label(lang))}</h4>"
            for block in entry.repeats.values():
                block.set_language(lang)


class FormView:
    """The widgets of one instrument. ``widget`` is the box to display.

    ``values()`` gives the submission dict; ``check(show_all=True)`` validates it
    and shows each problem under its field (``show_all=False`` shows only the
    fields the user has touched, which is what happens as they type). ``opened`` is when the form was opened
    (the ``start`` a metadata row records: the app gives it to the store); ``username`` the signed-in user,
    shown where a label says ``${username}``.
    """

    def __init__(self, instrument: Instrument, lang: str | None = None, on_change=None, username: str = ""):
        self.instrument = instrument
        self.opened = datetime.now().astimezone()
        self.username = username
        self.today: date | None = None  # the day of the last check (None: the machine's)
        self.lang = i18n.normalise_language(lang)
        self.on_change = on_change
        self.fields: dict[str, Field] = {}
        self.repeats: dict[str, RepeatBlock] = {}
        self.headings: list[tuple[Section, w.HTML]] = []
        self.section_boxes: dict[str, w.VBox] = {}
        self._quiet = False
        self._show_all = False
        self.last_check: CheckedSubmission | None = None
        self.widget = w.VBox(self._build(instrument.children, 0, self.fields, self.headings, self.repeats))
        self._quiet = True
        for f in self.fields.values():  # the ``default`` column: what a new form starts with
            if f.item.default is not None:
                f.set_value(f.item.default)
        self._quiet = False
        self.set_language(self.lang)
        self.refresh()

    def _build(self, children, instance: int, fields: dict, headings: list, repeats: dict,
               outer: tuple | None = None) -> list:
        """The widgets of ``children``; their fields go in ``fields``, their repeats' blocks in ``repeats``
        (the form's, or the entry's of ``outer`` for a repeat inside a repeat)."""
        out = []
        for node in children:
            if isinstance(node, Section) and node.kind == "repeat":
                block = RepeatBlock(self, node, outer)
                repeats[node.name] = block
                out.append(block.box)
            elif isinstance(node, Section):
                heading = w.HTML()
                headings.append((node, heading))
                box = w.VBox([heading] + self._build(node.children, instance, fields, headings, repeats, outer),
                             layout=w.Layout(margin="6px 0"))
                if instance == 0:
                    self.section_boxes[node.name] = box
                out.append(box)
            else:
                field = Field(node, instance, self._field_changed,
                              answer=lambda name, scope=fields, outer=outer: self._answer_text(name, scope, outer))
                fields[node.name] = field
                out.append(field.box)
        return out

    def _answer_text(self, name: str, scope: dict, outer: tuple | None = None) -> str:
        """The answer to ``name`` as shown in a label: from the same repeat entry, else an enclosing entry
        (``outer``: the (block, entry) holding this one), else the top of the form."""
        field = scope.get(name)
        while field is None and outer is not None:
            block, entry = outer
            field, outer = entry.fields.get(name), block.outer
        field = field or self.fields.get(name)
        value = field.value() if field is not None else None
        if self.instrument.items[name].recorded:
            value = self.recorded().get(self.instrument.items[name].recorded)
        if isinstance(value, list):
            return " ".join(value)
        return "" if value is None else to_text(value)

    def _blocks(self):
        for block in self.repeats.values():
            yield from block.blocks()

    def _all_fields(self):
        yield from self.fields.values()
        for block in self._blocks():
            for entry in block.instances:
                yield from entry.fields.values()

    def renumber(self):
        """Number every repeat entry's fields again (after an entry is added or removed)."""
        for block in self.repeats.values():
            block.renumber()

    def set_language(self, lang):
        """Show every label, hint and message in ``lang`` (``uk`` or ``en``); keeps the answers."""
        self.lang = i18n.normalise_language(lang)
        quiet, self._quiet = self._quiet, True  # called while set_values fills the form too: stay quiet then
        try:
            for section, heading in self.headings:
                heading.value = f"<h3>{html.escape(section.label(self.lang))}</h3>"
            for block in self.repeats.values():
                block.set_language(self.lang)
            for f in self._all_fields():
                f.set_language(self.lang)
        finally:
            self._quiet = quiet
        if self.last_check is not None:
            self._show(self.last_check)

    def values(self) -> dict:
        """The submission as the widgets hold it (text as typed; checked later, in Python)."""
        out = {}
        for name, f in self.fields.items():
            if f.input is not None:
                out[name] = f.value()
        def entries(block):  # an entry's own answers and its inner repeats' entries
            return [{**{n: f.value() for n, f in entry.fields.items() if f.input is not None},
                     **{name: entries(inner) for name, inner in entry.repeats.items()}} for entry in block.instances]
        for name, block in self.repeats.items():
            out[name] = entries(block)
        return out

    def draft_values(self) -> dict:
        """:meth:`values` as a draft keeps them (JSON): without the bytes of files chosen (see ``draft_value``)."""
        out = {name: f.draft_value() for name, f in self.fields.items() if f.input is not None}
        for name, block in self.repeats.items():
            out[name] = [{n: f.draft_value() for n, f in entry.fields.items() if f.input is not None}
                         for entry in block.instances]
        return out

    def set_values(self, answers: dict):
        """Fill the widgets from answers (typed, as :func:`answers_from_rows` gives, or as text)."""
        self._quiet = True
        try:
            for block in self.repeats.values():
                block.instances.clear()
                block.list.children = []
            for f in self.fields.values():  # a saved form shows what was saved, not the defaults
                if f.item.default is not None:
                    f.set_value(None)
            for name, value in (answers or {}).items():
                if name in self.repeats:
                    for entry in value or []:
                        self.repeats[name].add(entry)
                elif name in self.fields:
                    self.fields[name].set_value(value)
        finally:
            self._quiet = False
        self.refresh()

    def _field_changed(self, field):
        if not self._quiet:
            self.refresh()
            if self.on_change:
                self.on_change(self)

    def check(self, show_all: bool = True, today: date | None = None) -> CheckedSubmission:
        """Validate the current values and show the problems; returns the checked submission."""
        self._show_all = self._show_all or show_all
        self.today = today or self.today
        checked = check_submission(self.instrument, self.values(), today=self.today, recorded=self.recorded())
        self.last_check = checked
        self._show(checked)
        return checked

    def recorded(self) -> dict:
        """The metadata rows' values as they would be recorded now (the store records its own on saving)."""
        return recorded_values(started=self.opened, ended=datetime.now().astimezone(),
                               day=self.today or date.today(), username=self.username)

    def show_checked(self, checked: CheckedSubmission):
        """Show the problems the store found on saving (a file's type or size, which only the store checks)."""
        self._show_all = True
        self.last_check = checked
        self._show(checked)

    def refresh(self):
        """Re-evaluate relevance, the touched fields' messages and the labels that show answers
        (called on every change)."""
        if not self._quiet:
            checked = self.check(show_all=False)
            if self._follow_counts(checked):
                return  # adding or removing an entry refreshed the view again
            for f in self._all_fields():
                if f.refers:
                    f.show_texts(self.lang)

    def _follow_counts(self, checked: CheckedSubmission) -> bool:
        """Give each repeat with ``repeat_count`` as many entries as its count says now; True if any changed."""
        changed = False
        for block in list(self._blocks()):
            count = repeat_count(block.section, self._lookup(checked, block.section.repeat, block.numbers()))
            while count is not None and len(block.instances) != count:
                changed = True
                block.add() if len(block.instances) < count else block.remove(block.instances[-1])
            if changed:
                return True  # the blocks changed under this loop: the refresh that followed saw to the rest
        return changed

    def _lookup(self, checked: CheckedSubmission, repeat: str | None, numbers: tuple[int, ...]):
        """How answers are read in the entry ``numbers`` (outermost first) of ``repeat`` (None: the top of the
        form): that entry's and its enclosing entries' answers, else the top's, as validation reads them."""
        chain = []
        while repeat is not None:
            chain.insert(0, repeat)
            repeat = self.instrument.sections[repeat].repeat
        scopes, scope = {None: checked.answers}, checked.answers
        for name, number in zip(chain, numbers):
            entries = scope.get(name) or []
            scope = scopes[name] = entries[number - 1] if number <= len(entries) else {}
        return lambda name: scopes.get(self.instrument.items[name].repeat, {}).get(name)

    def _offered(self, field: Field, checked: CheckedSubmission) -> list[str]:
        numbers = field.instance if isinstance(field.instance, tuple) else (field.instance,) if field.instance else ()
        return offered_choices(field.item, self._lookup(checked, field.item.repeat, numbers))

    def _show(self, checked: CheckedSubmission):
        quiet, self._quiet = self._quiet, True
        try:  # cascading selects: what a choice_filter offers follows the answers
            for f in self._all_fields():
                if f.item.choice_filter is not None:
                    f.offer(self._offered(f, checked), self.lang)
        finally:
            self._quiet = quiet
        messages = checked.messages(self.lang)
        for f in self._all_fields():
            visible = (f.item.name, f.instance) not in checked.hidden
            shown = messages.get((f.item.name, f.instance), []) if (self._show_all or f.touched) else []
            f.show(visible, shown if visible else [])
        for name, box in self.section_boxes.items():
            inside = [f for f in self._all_fields() if name in f.item.parents and f.instance == 0]
            if inside:
                box.layout.display = None if any((f.item.name, 0) not in checked.hidden for f in inside) else "none"
