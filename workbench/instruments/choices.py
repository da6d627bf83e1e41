"""Choice lists of an XLSForm: the choices sheet, ``or_other`` and the columns a ``choice_filter`` reads."""
from __future__ import annotations

import re

from .. import i18n
from . import expressions
from .columns import cell, normalise_quotes, texts
from .model import CHOICE_COLUMN, Choice, Item

i18n.add({
    "instrument.other": {"uk": "Інше", "en": "Other"},
    "instrument.specify_other": {"uk": "Уточніть інше.", "en": "Specify other."},
})

OTHER_CHOICE = "other"


def choice_lists(rows: list[dict], default_language: str | None) -> dict[str, tuple[Choice, ...]]:
    """The choices sheet's rows as lists by name, each choice with its labels and its other cells."""
    lists: dict[str, list[Choice]] = {}
    for row in rows:
        list_name, name = cell(row, "list_name") or cell(row, "list name"), cell(row, "name")
        if list_name and name:
            columns = {column_key(k): str(v).strip() for k, v in row.items()
                       if v not in (None, "") and str(k).strip().lower() not in ("list_name", "list name", "name")}
            lists.setdefault(list_name, []).append(Choice(name=name, labels=texts(row, "label", default_language),
                                                          columns=columns))
    return {k: tuple(v) for k, v in lists.items()}


def add_other(item: Item, repeat: str | None, row_number: int) -> tuple[tuple[Choice, ...], Item]:
    """``select_one LIST or_other``: the list gains the choice ``other`` and the form a text item
    ``NAME_other``, shown when ``other`` is chosen (pyxform's names and relevance)."""
    choices = item.choices
    if OTHER_CHOICE not in item.choice_names():
        choices += (Choice(OTHER_CHOICE, {lang: i18n.t("instrument.other", lang) for lang in i18n.LANGUAGES}),)
    text = Item(name=f"{item.name}_other", type="text", row=row_number,
                labels={lang: i18n.t("instrument.specify_other", lang) for lang in i18n.LANGUAGES},
                group=item.group, repeat=repeat, parents=item.parents,
                relevant=expressions.parse(f"selected(${{{item.name}}}, '{OTHER_CHOICE}')"))
    return choices, text


def column_key(header) -> str:
    """A choices-sheet column as a choice_filter names it: lower-cased, ``label::English`` → ``label--english``
    (a reference name holds letters, digits, ``_ . -`` only)."""
    return re.sub(r"[^\w.-]", "-", str(header).strip().lower())


_FILTER_TOKEN = re.compile(r"""'[^']*'|"[^"]*"|\$\{[^}]*\}|(?P<name>[^\W\d][\w.:-]*)(?P<call>\s*\()?""")


def filter_columns(text: str, choices: tuple[Choice, ...]) -> str:
    """A choice_filter with each bare name of a choices-sheet column (``cf``, ``state``) written as the
    reference ``${choice..cf}``, which :func:`workbench.instruments.validation.offered_choices` gives from
    each choice's row; quoted text, references, function names and ``and or div mod`` stay as they are."""
    known = {c for choice in choices for c in choice.columns} | {"name"}

    def replace(match):
        name = match.group("name")
        if not name or match.group("call") or column_key(name) not in known:
            return match.group(0)
        return "${" + CHOICE_COLUMN + column_key(name) + "}"
    return _FILTER_TOKEN.sub(replace, normalise_quotes(text))
