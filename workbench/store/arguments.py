"""The types of a store function's arguments that are not a form's fields: codes, usernames, keys,
limits, flags, days, lists and dicts a caller (an app, a notebook) passes.

Each returns the value as the function uses it, or raises a ``UserError`` naming the parameter and
showing the value, before the value reaches SQL, a ``dict.get`` or a set: a list, a dict, bytes, a
float, a bool or a number past SQLite's integers is refused in both languages instead of ending in a
``ProgrammingError``, ``TypeError`` or ``AttributeError`` (issue 17). A form's fields are checked by
:mod:`workbench.store.inputs` (text rules, dates typed, numbers typed); ids by
:func:`workbench.store.guard.record_id`.
"""
from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date

from .. import i18n
from ..i18n import UserError
from ..instruments.validation import parse_date

i18n.add({
    "argument.bad_code": {
        "uk": "«{value}» не є допустимим значенням {name} (можна: {allowed}).",
        "en": "'{value}' is not an allowed value of {name} (allowed: {allowed}).",
    },
    "argument.not_text": {
        "uk": "{name}: очікувалося слово чи ключ від 1 до {limit} друкованих символів, а не «{value}».",
        "en": "{name}: a word or key of 1 to {limit} printable characters was expected, not '{value}'.",
    },
    "argument.not_whole": {
        "uk": "{name}: очікувалося ціле число від {low} до {high}, а не «{value}».",
        "en": "{name}: a whole number from {low} to {high} was expected, not '{value}'.",
    },
    "argument.not_flag": {
        "uk": "{name}: очікувалося True або False, а не «{value}».",
        "en": "{name}: True or False was expected, not '{value}'.",
    },
    "argument.not_date": {
        "uk": "{name}: очікувалася дата між 01.01.1900 і 31.12.2100 (рррр-мм-дд або дд.мм.рррр), а не «{value}».",
        "en": "{name}: a date from 01.01.1900 to 31.12.2100 (yyyy-mm-dd or dd.mm.yyyy) was expected, not '{value}'.",
    },
    "argument.not_list": {
        "uk": "{name}: очікувався список, а не «{value}».",
        "en": "{name}: a list was expected, not '{value}'.",
    },
    "argument.not_json": {
        "uk": "{name}: можна зберегти лише текст, числа, списки й словники з текстовими назвами, без пошкоджених "
              "символів; «{value}» — ні.",
        "en": "{name}: only text, numbers, lists and dicts with text names, without broken characters, can be "
              "stored; '{value}' cannot.",
    },
    "argument.not_pairs": {
        "uk": "{name}: очікувався список пар ({what}), а не «{value}».",
        "en": "{name}: a list of pairs ({what}) was expected, not '{value}'.",
    },
    "argument.not_dict": {
        "uk": "{name}: очікувався словник (назва → значення), а не «{value}».",
        "en": "{name}: a dict (name → value) was expected, not '{value}'.",
    },
})

MAX_NAME = 100  # a username, an instrument's id, a key: longer is not one of ours
MAX_ROWS = 10_000  # the most rows a search or a list is asked for


def shown(value) -> str:
    """``value`` as a message shows it: printable characters only, at most 40 of them."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= 40 else text[:39] + "…"


def text(value, name: str, *, limit: int = MAX_NAME, optional: bool = False) -> str | None:
    """``value`` as a ``str`` of 1 to ``limit`` printable characters (a username, a key, an instrument's id, a
    folder): no control or format character, separator but the space, or lone surrogate (which SQLite cannot
    take); None when ``optional`` and ``value`` is None. Raises ``argument.not_text``. Not for what people
    type: their text follows :mod:`workbench.text_rules` (``Checker.text``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= limit or not value.isprintable():
        raise UserError("argument.not_text", name=name, limit=limit, value=shown(value))
    return value


def code(value, name: str, allowed: Collection[str], *, optional: bool = False) -> str | None:
    """``value`` if it is one of ``allowed`` (None when ``optional`` and ``value`` is None); raises
    ``argument.bad_code`` listing them."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise UserError("argument.bad_code", name=name, value=shown(value), allowed=", ".join(sorted(allowed)))
    return value


def codes(value, name: str, allowed: Collection[str], *, optional: bool = False) -> tuple[str, ...] | None:
    """``value`` as a tuple of codes, each one of ``allowed`` (a list, tuple or set of them; None when
    ``optional`` and ``value`` is None)."""
    if value is None and optional:
        return None
    return tuple(code(v, name, allowed) for v in sequence(value, name, sets=True))


def whole(value, name: str, *, low: int, high: int, optional: bool = False) -> int | None:
    """``value`` as an ``int`` (never a bool, a float or text) from ``low`` to ``high``; raises
    ``argument.not_whole``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UserError("argument.not_whole", name=name, low=low, high=high, value=shown(value))
    return value


def flag(value, name: str) -> bool:
    """``value`` if it is ``True`` or ``False`` (not 0, 1, "yes" or a list); raises ``argument.not_flag``."""
    if not isinstance(value, bool):
        raise UserError("argument.not_flag", name=name, value=shown(value))
    return value


def day(value, name: str, *, optional: bool = False) -> date | None:
    """``value`` as a ``date``: a date (a datetime's day), ``yyyy-mm-dd`` or ``dd.mm.yyyy``, from 1900 to 2100
    (:func:`workbench.instruments.validation.parse_date`); raises ``argument.not_date``."""
    if value is None and optional:
        return None
    parsed, problem = parse_date(value)
    if problem:
        raise UserError("argument.not_date", name=name, value=shown(value))
    return parsed


def sequence(value, name: str, *, sets: bool = False) -> list:
    """``value`` as a list: a list or a tuple (a set or frozenset too with ``sets``), never text, bytes or a
    dict (whose keys a loop would take); raises ``argument.not_list``."""
    kinds = (list, tuple, set, frozenset) if sets else (list, tuple)
    if not isinstance(value, kinds):
        raise UserError("argument.not_list", name=name, value=shown(value))
    return list(value)


def pairs(value, name: str, what: str) -> list[tuple]:
    """``value`` as a list of pairs (each a list or tuple of two; ``what`` names them in the message, e.g.
    ``person_id, relation``); raises ``argument.not_pairs``."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, (list, tuple)) and len(v) == 2 for v in value):
        raise UserError("argument.not_pairs", name=name, what=what, value=shown(value))
    return [tuple(v) for v in value]


def mapping(value, name: str, *, optional: bool = False) -> dict | None:
    """``value`` if it is a dict (None when ``optional`` and ``value`` is None); raises ``argument.not_dict``."""
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        raise UserError("argument.not_dict", name=name, value=shown(value))
    return value


def json_text(value, name: str, *, sort_keys: bool = True) -> str:
    """``value`` as the JSON text a row keeps (``default=str`` for dates; keys sorted as the audit log's), or
    ``argument.not_json``: keys that are not text or numbers (or, sorted, not all of one kind), a value that
    holds itself, text that cannot be written as UTF-8 (a lone surrogate, as a file name Python could not
    decode holds)."""
    try:
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, default=str)
        encoded.encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        raise UserError("argument.not_json", name=name, value=shown(value)) from None
    return encoded
