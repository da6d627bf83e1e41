"""``begin loop over LIST`` … ``end loop``: the same questions once for each choice of a list.

pyxform turns a loop into a group named after the loop holding one group per choice (the choice ``none``
left out), each with the loop's questions, ``%(name)s`` and ``%(label)s`` in their cells replaced by the
choice's name and label. We unroll the loop the same way before reading the rows; since the workbench keeps
one answer per question name, a question inside a loop is named ``CHOICE_NAME`` (``pit_latrine_number``)
unless its name already holds ``%(name)s``.
"""
from __future__ import annotations

import re

from .columns import cell, question_type, split_header

_BEGIN = re.compile(r"^begin[ _]loop(?: (?:over )?(?P<list>\S+))?$")
_END = re.compile(r"^end[ _]loop$")


def unroll(rows, choice_rows, error) -> list[tuple[int, dict]]:
    """The survey ``rows`` as (row number, row), each loop replaced by its groups.

    ``error(row, column, key, **params)`` builds the refusal raised for a loop without a list, a list
    not in the choices sheet, a loop inside a loop, or a loop without its end.
    """
    out: list[tuple[int, dict]] = []
    loop: tuple[int, dict, str] | None = None
    body: list[tuple[int, dict]] = []
    for index, row in enumerate(rows or []):
        number, raw = index + 2, " ".join(cell(row, "type").lower().split())  # row 1 holds the headers
        begin = _BEGIN.match(raw)
        if begin:
            if loop is not None:
                raise error(number, "type", "instrument.nested_loop")
            if not begin.group("list"):
                raise error(number, "type", "instrument.loop_without_list")
            loop, body = (number, row, begin.group("list")), []
        elif _END.match(raw):
            if loop is None:
                raise error(number, "type", "instrument.unbalanced", found=raw)
            out += _groups(loop, body, choice_rows, error)
            loop = None
        elif loop is not None:
            body.append((number, row))
        else:
            out.append((number, row))
    if loop is not None:
        raise error(loop[0], "type", "instrument.unbalanced", found="begin loop")
    return out


def _groups(loop, body, choice_rows, error) -> list[tuple[int, dict]]:
    number, row, list_name = loop
    choices = [c for c in choice_rows or [] if (cell(c, "list_name") or cell(c, "list name")) == list_name]
    if not choices:
        raise error(number, "type", "instrument.unknown_list", list_name=list_name)
    name = cell(row, "name")
    out = [(number, {**_labels_only(row), "type": "begin group", "name": name})]
    for choice in choices:
        choice_name = cell(choice, "name")
        if not choice_name or choice_name == "none":  # pyxform leaves "none" out of a loop
            continue
        out.append((number, {**_labels_only(choice), "type": "begin group", "name": choice_name}))
        for child_number, child in body:
            out.append((child_number, _substituted(child, choice_name, choice)))
        out.append((number, {"type": "end group"}))
    out.append((number, {"type": "end group"}))
    return out


def _labels_only(row: dict) -> dict:
    return {k: v for k, v in row.items() if split_header(str(k))[0] == "label"}


def _substituted(row: dict, choice_name: str, choice: dict) -> dict:
    """The row for one choice: ``%(name)s`` and ``%(label)s`` replaced, in each language its own label."""
    labels = {split_header(str(k))[1]: str(v) for k, v in _labels_only(choice).items() if v}
    out = {}
    for column, value in row.items():
        if isinstance(value, str):
            lang = split_header(str(column))[1]
            label = labels.get(lang) or next(iter(labels.values()), choice_name)
            value = value.replace("%(name)s", choice_name).replace("%(label)s", label)
        out[column] = value
    name = cell(row, "name")
    kind = question_type(" ".join(cell(row, "type").lower().split()))[0]
    if name and "%(name)s" not in name and not kind.startswith("end"):
        out = {k: (f"{choice_name}_{name}" if k.strip().lower() == "name" else v) for k, v in out.items()}
    return out
