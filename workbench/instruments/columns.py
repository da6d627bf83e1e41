"""Reading XLSForm cells as KoBoToolbox and ODK users write them: column headers with a language
(``label::English (en)``, ``label::en``, ``label:English``), question types in their legacy spellings
(``select one from LIST``, ``select_one LIST or_other``) and expressions typed with curly quotes.
"""
from __future__ import annotations

import math
import re

from .. import i18n

# pyxform replaces these "smart" quotes (a word processor's) with plain ones before reading an expression.
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
LANGUAGE_NAMES = {"english": "en", "ukrainian": "uk", "українська": "uk", "англійська": "en",
                  "русский": "ru", "russian": "ru", "french": "fr", "français": "fr", "spanish": "es",
                  "español": "es", "polish": "pl", "polski": "pl"}
_LANG_CODE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\s*\)\s*$")
_BARE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?$")
DEFAULT = "*"  # a text column without a language (``label``)

TYPE_ALIASES = {
    "string": "text", "int": "integer", "select one": "select_one", "select1": "select_one",
    "select all that apply": "select_multiple", "select_all_that_apply": "select_multiple",
    "begin group": "begin_group", "end group": "end_group",
    "begin repeat": "begin_repeat", "end repeat": "end_repeat",
    "begin_lgroup": "begin_repeat", "end_lgroup": "end_repeat",
    "begin looped group": "begin_repeat", "end looped group": "end_repeat",
    "date time": "datetime", "gps": "geopoint", "location": "geopoint",
    "trigger": "acknowledge",  # pyxform's older name for it
    "barcode": "text",  # typed, or scanned with a USB scanner, which types like a keyboard
    "photo": "image", "q picture": "image", "q image": "image", "q audio": "audio", "q video": "video",
}
# Longest first, so "select one from" wins over "select one".
SELECT_PREFIXES = (("select all that apply from", "select_multiple"), ("select one from", "select_one"),
                   ("select_one_external", "select_one"),
                   ("select all that apply", "select_multiple"), ("select_multiple", "select_multiple"),
                   ("select multiple", "select_multiple"), ("select_one", "select_one"),
                   ("select one", "select_one"), ("select1", "select_one"))
OR_OTHER = (" or specify other", " or_other", " or other")


def normalise_quotes(text: str) -> str:
    """``‘yes’`` → ``'yes'`` and ``“a”`` → ``"a"``, as pyxform does before it reads an expression."""
    return text.translate(SMART_QUOTES)


def cell(row: dict, column: str) -> str:
    """The stripped text of ``column`` in ``row`` (header compared case-insensitively), '' if empty."""
    for key, value in row.items():
        if key.strip().lower() == column and value not in (None, ""):
            return str(value).strip()
    return ""


def language(suffix: str) -> str:
    """The language key of a header's suffix: ``English (en)``, ``en`` and ``English`` → ``en``;
    a language we do not know by name keeps its own name, lower-cased (``Swahili`` → ``swahili``)."""
    suffix = suffix.strip()
    code = _LANG_CODE.search(suffix)
    if code:
        return code.group(1).lower()
    if suffix.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[suffix.lower()]
    return suffix.lower() if _BARE_CODE.match(suffix) else " ".join(suffix.lower().split())


def split_header(header: str) -> tuple[str, str]:
    """``label::English (en)`` → (``label``, ``en``); ``label:English`` → (``label``, ``en``);
    ``label`` → (``label``, DEFAULT)."""
    head, sep, rest = header.partition("::")
    if not sep:
        head, sep, rest = header.partition(":")
    head = head.strip().lower()
    if not sep or head == "jr":  # "jr:constraintMsg" is a column name, not a language
        return header.strip().lower(), DEFAULT
    return head, language(rest)


def texts(row: dict, prefix: str, default_language: str | None = None) -> dict[str, str]:
    """The texts of a row's ``prefix`` columns by language key, the form's default language first (the one
    shown when the interface language has none: see :func:`workbench.instruments.model.pick`). A text
    without a language stands for every interface language that has none of its own."""
    found: dict[str, str] = {}
    for column, value in row.items():
        head, lang = split_header(str(column))
        if head == prefix and value not in (None, "") and str(value).strip():
            found.setdefault(lang, str(value))
    plain = found.pop(DEFAULT, None)
    if plain is not None:
        for lang in i18n.LANGUAGES:
            found.setdefault(lang, plain)
    first = default_language if default_language in found else None
    return {k: found[k] for k in sorted(found, key=lambda k: k != first)}


def question_type(raw: str) -> tuple[str, str | None, bool]:
    """``raw`` (lower-cased, spaces collapsed) → (kind, list name or None, or_other)."""
    kind = TYPE_ALIASES.get(raw, raw)
    if raw == "osm" or raw.startswith("osm "):  # OpenMapKit's answer: an .osm file; LIST names tag presets
        return "osm", raw[4:].strip() or None, False
    for prefix, select_kind in SELECT_PREFIXES:
        if raw.startswith(prefix + " "):
            rest = raw[len(prefix) + 1:].strip()
            if rest.startswith("file "):  # "select one from file x.csv": choices in another file, not supported
                return raw, None, False
            other = next((s for s in OR_OTHER if rest.endswith(s)), None)
            return select_kind, rest[: -len(other)].strip() if other else rest, bool(other)
    return kind, None, False


def range_steps(parameters: str) -> tuple[float, float, float]:
    """A ``range`` row's (start, end, step) from its ``parameters`` (``start=0 end=10 step=1``; pyxform's
    defaults 1, 10 and 1); ValueError for another key, a value that is not a number or a step not above 0."""
    found = {"start": "1", "end": "10", "step": "1"}
    for part in filter(None, re.split(r"[\s;,]+", parameters)):
        key, _, value = part.partition("=")
        if key.strip().lower() not in found:
            raise ValueError(part)
        found[key.strip().lower()] = value.strip()
    start, end, step = (float(found[k]) for k in ("start", "end", "step"))
    if not all(math.isfinite(x) for x in (start, end, step)) or step <= 0:
        raise ValueError(parameters)
    return start, end, step


def default_answer(value: str, kind: str) -> str | None:
    """The ``default`` column: a fixed answer the form starts with, or None; ValueError for an expression."""
    if not value:
        return None
    if "${" in value or "(" in value:
        raise ValueError(value)
    return value.split()[0] if kind == "date" else value  # a spreadsheet's date arrives as "2010-06-15 00:00:00"
