"""Checking a submission against its instrument, in Python (never only in a widget).

A submission is a plain dict: ``{item: value, repeat_name: [{item: value}, ...]}``.
Values may come typed (``int``, ``date``, a list for a multi-select) or as the text
a widget holds; :func:`check_submission` coerces them, applies ``relevant``
(answers to hidden items are dropped), computes ``calculate`` items, then checks
``required`` and ``constraint``. It returns the clean answers and the problems,
each with a message in Ukrainian or English. Nothing here writes anything.

A repeat inside a repeat (members, each with jobs) is a list inside each outer entry:
``{"member": [{"age": 40, "job": [{"hours": 20}, ...]}, ...]}``. Each entry is checked on its own; an
expression there reads the same entry's answers, then the enclosing entry's, then the top's (as ODK
does). A problem in an inner entry has ``instance`` the numbers outermost first, ``(2, 1)``, and its
message names the entries. Stored long-form (:func:`answer_rows`), the answers of a repeat inside a
repeat have ``repeat`` the path with each enclosing entry's number, ``member[2]/job``, and ``instance``
the inner entry's number, so the table's key and every existing row keep their meaning (a plain
repeat's rows still have its name and the entry's number; rows outside repeats ``''`` and 0), content
hashes are computed as before, and analysis stays a query (``where repeat like 'member[%]/job'``).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from .. import i18n
from ..text_rules import check_text
from .expressions import evaluate_bool, truthy
from .model import CHOICE_COLUMN, MEDIA_TYPES, ChosenFile, Instrument, Item, Section, pick

i18n.add({
    "validation.required": {"uk": "Це поле обовʼязкове.", "en": "This field is required."},
    "validation.not_integer": {"uk": "Введіть ціле число, наприклад 12.", "en": "Enter a whole number, for example 12."},
    "validation.not_decimal": {"uk": "Введіть число, наприклад 12,5.", "en": "Enter a number, for example 12.5."},
    "validation.number_too_large": {"uk": "Число завелике.", "en": "The number is too large."},
    "validation.not_date": {
        "uk": "Введіть справжню дату у форматі дд.мм.рррр, наприклад 05.03.2024.",
        "en": "Enter a real date as dd.mm.yyyy, for example 05.03.2024.",
    },
    "validation.date_out_of_range": {
        "uk": "Дата має бути між 01.01.1900 і 31.12.2100.",
        "en": "The date must be between 01.01.1900 and 31.12.2100.",
    },
    "validation.unknown_choice": {
        "uk": "Значення «{value}» немає серед варіантів відповіді.",
        "en": "'{value}' is not one of the answer options.",
    },
    "validation.duplicate_choice": {"uk": "Варіант «{value}» вибрано двічі.", "en": "'{value}' is selected twice."},
    "validation.text_too_long": {
        "uk": "Текст задовгий: {length} символів, найбільше {limit}.",
        "en": "The text is too long: {length} characters, at most {limit}.",
    },
    "validation.not_digits": {"uk": "Введіть лише цифри.", "en": "Enter numbers only."},
    "validation.choice_not_offered": {
        "uk": "Варіант «{value}» зараз не пропонується (залежить від попередніх відповідей).",
        "en": "'{value}' is not offered now (it depends on earlier answers).",
    },
    "validation.not_time": {
        "uk": "Введіть час у форматі гг:хх, наприклад 09:30.", "en": "Enter a time as hh:mm, for example 09:30.",
    },
    "validation.not_datetime": {
        "uk": "Введіть дату й час у форматі дд.мм.рррр гг:хх, наприклад 05.03.2024 09:30.",
        "en": "Enter a date and time as dd.mm.yyyy hh:mm, for example 05.03.2024 09:30.",
    },
    "validation.not_geopoint": {
        "uk": "Введіть широту й довготу (і, за бажання, висоту в метрах і точність у метрах) через пробіл, "
              "наприклад 50.4501 30.5234; широта від -90 до 90, довгота від -180 до 180, точність не менше 0.",
        "en": "Enter latitude and longitude (and, if you wish, altitude and accuracy in metres) separated by "
              "spaces, for example 50.4501 30.5234; latitude -90 to 90, longitude -180 to 180, accuracy 0 or more.",
    },
    "validation.repeat_count": {
        "uk": "«{name}» має мати рівно {count} записів (repeat_count).",
        "en": "'{name}' must have exactly {count} entries (repeat_count).",
    },
    "validation.not_file": {"uk": "Файл не отримано: виберіть один файл ще раз.",
                            "en": "No file was received: choose one file again."},
    "validation.not_acknowledged": {"uk": "Позначте «OK» або залиште порожнім.", "en": "Tick OK or leave it empty."},
    "validation.not_in_range": {
        "uk": "Введіть число від {start} до {end} з кроком {step}.",
        "en": "Enter a number from {start} to {end} in steps of {step}.",
    },
    "validation.not_text": {"uk": "Очікувався текст.", "en": "Text was expected."},
    "validation.constraint": {
        "uk": "Значення не відповідає умові форми ({expression}).",
        "en": "The value does not meet the form's condition ({expression}).",
    },
    "validation.unknown_item": {
        "uk": "Форма не має поля «{name}»; таке значення не приймається.",
        "en": "The form has no field '{name}'; such a value is not accepted.",
    },
    "validation.not_instances": {
        "uk": "Для «{name}» очікувався перелік записів.",
        "en": "A list of entries was expected for '{name}'.",
    },
    "validation.too_many_instances": {
        "uk": "Забагато записів у «{name}»: найбільше {limit}.",
        "en": "Too many entries in '{name}': at most {limit}.",
    },
    "validation.too_many_entries": {
        "uk": "Забагато записів у формі: найбільше {limit} разом у всіх повторах.",
        "en": "Too many entries in the form: at most {limit} in all its repeats together.",
    },
    "validation.not_input": {
        "uk": "Поле «{name}» не заповнюється вручну; значення не приймається.",
        "en": "The field '{name}' is not filled in by hand; the value is not accepted.",
    },
    "validation.entry": {"uk": "{label} №{number}", "en": "{label} #{number}"},
    "validation.in_entry": {"uk": "{place}: {message}", "en": "{place}: {message}"},
    "validation.not_a_form": {"uk": "Дані форми мають неправильний вигляд.", "en": "The form data has the wrong shape."},
})

MAX_TEXT = 5000
MAX_INSTANCES = 50
MAX_ENTRIES = 500  # in all repeats together: 50 members with 50 jobs each would be 2,500 entries to check
MAX_ABS_NUMBER = 10**12
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits: "٣٠" or "²" is not a number typed here
_DIGITS = re.compile(r"[0-9]+")  # a phone number's: ASCII digits too
_MAX_DIGITS = 20
_DECIMAL = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UA_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: ``item`` (name), ``instance`` (1-based in a repeat, else 0; in a repeat
    inside a repeat the entries' numbers outermost first, ``(2, 1)``, and ``where`` their sections)."""

    item: str
    instance: int | tuple[int, ...]
    key: str
    params: dict = field(default_factory=dict)
    custom: dict | None = None  # the instrument's own message (constraint_message), by language
    where: tuple = field(default=(), compare=False)  # ((Section, number), ...) of a nested entry

    def message(self, lang: str | None = None) -> str:
        text = pick(self.custom, lang) if self.custom else ""
        text = text or i18n.Text(self.key, **self.params).message(lang)  # a parameter may be translatable
        if self.where:  # an inner entry is named, outer entry first, as it is numbered on the form
            place = " › ".join(i18n.t("validation.entry", lang, label=section.label(lang), number=number)
                               for section, number in self.where)
            return i18n.t("validation.in_entry", lang, place=place, message=text)
        return text


@dataclass
class CheckedSubmission:
    """The outcome of :func:`check_submission`: clean typed answers and the problems found."""

    answers: dict
    problems: list[Problem]
    hidden: set = field(default_factory=set)  # (item, instance) pairs not relevant now (see Problem)

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages(self, lang: str | None = None) -> dict[tuple, list[str]]:
        out: dict[tuple, list[str]] = {}
        for p in self.problems:
            out.setdefault((p.item, p.instance), []).append(p.message(lang))
        return out


def check_submission(instrument: Instrument, raw, today: date | None = None,
                     recorded: Mapping | None = None) -> CheckedSubmission:
    """Coerce, apply relevance and calculations, and check required and constraints.

    ``recorded`` gives the metadata items' values by ODK type (``start``, ``username``...: see
    :func:`workbench.instruments.recorded.recorded_values`); a value ``raw`` gives one is ignored,
    since only the workbench fills them."""
    today = today or date.today()
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        return CheckedSubmission({}, [Problem("", 0, "validation.not_a_form")])
    top = _coerce_scope(instrument, raw, (), problems, [0])
    for item in instrument.items.values():
        if item.recorded and (recorded or {}).get(item.recorded) not in (None, ""):
            top[item.name] = recorded[item.recorded]
    hidden, shown_repeats = _apply_relevance(instrument, top, today)
    for section, chain in shown_repeats:
        name, scope = section.name, chain[-1].entry if chain else top
        count = repeat_count(section, _lookup(instrument, top, chain), today)
        place = _place(chain)
        if count is not None and len(scope.get(name, [])) != count and not any(
                p.item == name and p.instance == place for p in problems):
            problems.append(Problem(name, place, "validation.repeat_count", {"name": name, "count": count},
                                    where=_where(chain)))
    bad = {(p.item, p.instance) for p in problems}
    _check_values(instrument, instrument.children, top, (), hidden, bad, problems, today)
    return CheckedSubmission(_without_empty_repeats(instrument, top), problems, hidden)


@dataclass(frozen=True)
class Link:
    """One step into a repeat: its ``section``, the entry's 1-based ``number`` and the ``entry`` dict.
    A chain of links, outermost first, says where an answer sits (``()`` outside repeats)."""

    section: Section
    number: int
    entry: dict = field(compare=False)


def _place(chain) -> int | tuple[int, ...]:
    """How a problem or hidden answer names its entry: 0 outside repeats, the entry's number in a repeat,
    and the numbers outermost first, ``(2, 1)``, in a repeat inside a repeat."""
    if not chain:
        return 0
    return chain[0].number if len(chain) == 1 else tuple(link.number for link in chain)


def _where(chain) -> tuple:
    """(section, number) pairs of a nested entry, for a message naming it; () at one level or none."""
    return tuple((link.section, link.number) for link in chain) if len(chain) > 1 else ()


def _coerce_scope(instrument, entry: Mapping, chain, problems, entries: list[int]) -> dict:
    """The typed answers of one scope (the form's top, or a repeat entry with its inner repeats' entries);
    ``entries[0]`` counts the repeat entries read so far, in the whole submission."""
    values: dict = {}
    repeat = chain[-1].section.name if chain else None
    place = _place(chain)
    for name, value in entry.items():
        section = instrument.sections.get(name) if isinstance(name, str) else None
        if section is not None and section.kind == "repeat" and section.repeat == repeat:
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, Mapping) for v in value):
                problems.append(Problem(name, place, "validation.not_instances", {"name": name}))
            elif len(value) > MAX_INSTANCES:
                problems.append(Problem(name, place, "validation.too_many_instances",
                                        {"name": name, "limit": MAX_INSTANCES}))
            elif entries[0] + len(value) > MAX_ENTRIES:
                problems.append(Problem(name, place, "validation.too_many_entries", {"limit": MAX_ENTRIES}))
            else:
                entries[0] += len(value)
                values[name] = [_coerce_scope(instrument, inner, chain + (Link(section, number, {}),), problems,
                                              entries) for number, inner in enumerate(value, start=1)]
            continue
        item = instrument.items.get(name) if isinstance(name, str) else None
        if item is None or item.repeat != repeat:
            problems.append(Problem(str(name), place, "validation.unknown_item", {"name": str(name)[:80]}))
            continue
        if item.type == "metadata":
            continue  # filled by the workbench from ``recorded``: a value a page sends changes nothing
        if item.type in ("note", "calculate"):
            if not _empty(value):
                problems.append(Problem(name, place, "validation.not_input", {"name": name}))
            continue
        typed, problem = coerce_value(item, value)
        if problem:
            problems.append(Problem(name, place, problem[0], problem[1]))
        elif typed is not None:
            values[name] = typed
    return values


def _without_empty_repeats(instrument, scope: dict) -> dict:
    """``scope`` without repeats that have no entries (at every level), as the answers are kept."""
    out = {}
    for name, value in scope.items():
        if name in instrument.repeats:
            if value:
                out[name] = [_without_empty_repeats(instrument, entry) for entry in value]
        else:
            out[name] = value
    return out


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or (
        isinstance(value, (list, tuple, set, frozenset)) and len(value) == 0)


def coerce_value(item: Item, value):
    """``(typed value or None when empty, None)`` or ``(None, (message key, params))``."""
    if _empty(value) or (item.type == "acknowledge" and value is False):
        return None, None
    kind = item.type
    if kind == "acknowledge":  # ticked, kept as ODK writes it: "OK"
        return ("OK", None) if value is True or value == "OK" else (None, ("validation.not_acknowledged", {}))
    if kind == "text":
        if not isinstance(value, str):
            return None, ("validation.not_text", {})
        if item.digits_only and not _DIGITS.fullmatch(value.strip()):
            return None, ("validation.not_digits", {})
        return _check_text(value)
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and len(value.strip()) > _MAX_DIGITS and _INTEGER.fullmatch(value.strip()):
            return None, ("validation.number_too_large", {})
        value = whole_number(value)
        if value is None:
            return None, ("validation.not_integer", {})
        if abs(value) > MAX_ABS_NUMBER:
            return None, ("validation.number_too_large", {})
        return _in_steps(item, value)
    if kind == "decimal":
        if isinstance(value, bool):
            return None, ("validation.not_decimal", {})
        if isinstance(value, str) and _DECIMAL.match(value.strip()):
            value = float(value.strip().replace(",", "."))
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return None, ("validation.not_decimal", {})
        if abs(value) > MAX_ABS_NUMBER:
            return None, ("validation.number_too_large", {})
        return _in_steps(item, float(value))
    if kind == "date":
        return parse_date(value)
    if kind in ("time", "datetime", "geopoint"):
        return _PARSERS[kind](value)
    if kind in MEDIA_TYPES:
        return _chosen_file(value)
    if kind == "select_one":
        if not isinstance(value, str) or value not in item.choice_names():
            return None, ("validation.unknown_choice", {"value": str(value)[:80]})
        return value, None
    if kind == "select_multiple":
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return None, ("validation.unknown_choice", {"value": str(value)[:80]})
        names = item.choice_names()
        for v in value:
            if v not in names:
                return None, ("validation.unknown_choice", {"value": v[:80]})
        if len(set(value)) != len(value):
            return None, ("validation.duplicate_choice", {"value": next(v for v in value if value.count(v) > 1)})
        return [n for n in names if n in value], None  # the choice list's order, so equal answers compare equal
    raise AssertionError(f"unexpected item type {kind}")


def _in_steps(item: Item, value):
    """A ``range`` item's number must lie from start to end, on a step from start."""
    if item.steps is None:
        return value, None
    start, end, step = item.steps
    offset = abs(value - start) / step
    if not min(start, end) <= value <= max(start, end) or abs(offset - round(offset)) > 1e-9:
        return None, ("validation.not_in_range", {"start": _number_text(start), "end": _number_text(end),
                                                  "step": _number_text(step)})
    return value, None


def whole_number(value) -> int | None:
    """An ``int`` (never a ``bool``) or a text of ASCII digits with an optional sign, as an ``int``; else None.

    A text longer than 20 characters is None before ``int()`` sees it: Python refuses to read
    more than 4300 digits with a ``ValueError``, and no count here needs more than a few.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and len(value.strip()) <= _MAX_DIGITS and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _check_text(value: str):
    """An answer of several lines: the free-text rules of :mod:`workbench.text_rules`, then the length."""
    value, problem = check_text(value, "free")
    if problem:
        return None, problem
    if len(value) > MAX_TEXT:
        return None, ("validation.text_too_long", {"length": len(value), "limit": MAX_TEXT})
    return value, None


def parse_time(value):
    """A time of day as ``hh:mm`` (how it is kept) from ``h:mm``, ``hh:mm`` or ``hh:mm:ss``."""
    match = _TIME.match(value.strip()) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59 or int(match.group(3) or 0) > 59:
        return None, ("validation.not_time", {})
    return f"{int(match.group(1)):02d}:{match.group(2)}", None


def parse_datetime(value):
    """A date and time as ISO ``yyyy-mm-ddThh:mm`` (how it is kept) from ``dd.mm.yyyy hh:mm`` or ISO."""
    parts = re.split(r"[T ]", value.strip(), maxsplit=1) if isinstance(value, str) else []
    if len(parts) != 2:
        return None, ("validation.not_datetime", {})
    day, problem = parse_date(parts[0])
    time, problem_time = parse_time(parts[1].split("+")[0].split("Z")[0][:8])
    if problem or problem_time:
        return None, ("validation.not_datetime", {})
    return f"{day.isoformat()}T{time}", None


def parse_geopoint(value):
    """A point as ODK keeps it, ``latitude longitude altitude accuracy`` (missing ones 0), from 2 to 4 numbers."""
    numbers = value.replace(",", " ").split() if isinstance(value, str) else []
    try:
        point = [float(n) for n in numbers]
    except ValueError:
        point = []
    if not 2 <= len(point) <= 4 or not all(math.isfinite(x) for x in point) or not (
            -90 <= point[0] <= 90 and -180 <= point[1] <= 180 and (len(point) < 4 or point[3] >= 0)):
        return None, ("validation.not_geopoint", {})
    return " ".join(_number_text(x) for x in point + [0.0] * (4 - len(point))), None


def _number_text(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def parse_date(value):
    """A ``date`` from a date, ``yyyy-mm-dd`` or ``dd.mm.yyyy``; ``(None, problem)`` if impossible.

    Anything else (a number, a list, a float) is ``validation.not_date``, never an exception.
    """
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, (date, str)):
        return None, ("validation.not_date", {})
    if not isinstance(value, date):
        text = value.strip()
        match = _ISO_DATE.match(text)
        parts = (match.group(1), match.group(2), match.group(3)) if match else None
        if not match and (match := _UA_DATE.match(text)):
            parts = (match.group(3), match.group(2), match.group(1))
        if not parts:
            return None, ("validation.not_date", {})
        try:
            value = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            return None, ("validation.not_date", {})
    if not date(1900, 1, 1) <= value <= date(2100, 12, 31):
        return None, ("validation.date_out_of_range", {})
    return value, None


def _lookup(instrument, top, chain):
    """An answer by name as seen from the entry at the end of ``chain``: a question of that entry or of an
    enclosing one (as ODK reads ``${q}`` there), else of the form's top; a question of another repeat is None."""
    def lookup(name):
        target = instrument.items[name]
        if target.repeat is None:
            return top.get(name)
        link = next((link for link in chain if link.section.name == target.repeat), None)
        return link.entry.get(name) if link is not None else None
    return lookup


def entries_seen(instrument, top, chain, repeat: str) -> list[dict]:
    """The entries of ``repeat`` seen from ``chain``: inside an enclosing entry, that entry's; from outside,
    all of them (every outer entry's, in order)."""
    section = instrument.sections[repeat]
    if section.repeat is None:
        return list(top.get(repeat) or [])
    link = next((link for link in chain if link.section.name == section.repeat), None)
    if link is not None:
        return list(link.entry.get(repeat) or [])
    return [inner for outer in entries_seen(instrument, top, chain, section.repeat) for inner in outer.get(repeat) or []]


def _context(instrument, top, chain) -> dict:
    """What else an expression evaluated at the end of ``chain`` (a repeat entry, or () outside repeats)
    may ask; ``every(q)``: q's answers in every entry, for indexed-repeat().

    ``nodes``: a node-set (sum, count, ...): a repeat's question seen from outside the repeat is every
    entry's answer, from inside it this entry's (as pyxform writes ``${q}`` there), and a repeat's own
    name its entries. ``choice_label``: jr:choice-name's label in the workbench's default language, the
    language a saved record keeps whoever fills it in (ODK uses the form's active language).
    """
    def nodes(name):
        if name in instrument.repeats:
            return entries_seen(instrument, top, chain, name)
        target = instrument.items[name]
        if target.repeat is None:
            return [top.get(name)]
        link = next((link for link in chain if link.section.name == target.repeat), None)
        if link is not None:
            return [link.entry.get(name)]
        return [entry.get(name) for entry in entries_seen(instrument, top, chain, target.repeat)]

    def choice_label(question, value):
        choice = next((c for c in instrument.items[question].choices if c.name == value), None)
        return choice.label(None) if choice is not None else ""

    def every(name):
        return [entry.get(name) for entry in entries_seen(instrument, top, (), instrument.items[name].repeat)]

    return {"nodes": nodes, "choice_label": choice_label, "every": every,
            "position": chain[-1].number if chain else None}


def _apply_relevance(instrument, top, today) -> tuple[set, list]:
    """Drop answers to hidden items and compute calculations until nothing changes; returns the hidden
    (item, place) pairs and the repeats shown, each with the chain of the entry holding it."""
    hidden: set = set()
    dropped: set = set()  # the fields of a hidden repeat's entries: dropped once, hidden from then on
    shown_repeats: list = []
    for _ in range(len(instrument.items) + 1):
        before = repr(top)
        hidden, shown_repeats = set(), []
        _walk_relevance(instrument, instrument.children, top, (), True, (hidden, dropped), shown_repeats, today)
        if repr(top) == before:
            break
    return hidden | dropped, shown_repeats


def _walk_relevance(instrument, children, top, chain, visible, hidden_sets, shown_repeats, today):
    hidden, dropped = hidden_sets
    scope = chain[-1].entry if chain else top
    lookup, context = _lookup(instrument, top, chain), _context(instrument, top, chain)
    for node in children:
        shown = visible and (node.relevant is None or evaluate_bool(node.relevant, lookup, today=today, **context))
        if isinstance(node, Section):
            if node.kind == "repeat":
                if shown:
                    shown_repeats.append((node, chain))
                for n, entry in enumerate(scope.get(node.name) or [], start=1):
                    _walk_relevance(instrument, node.children, top, chain + (Link(node, n, entry),), shown,
                                    (hidden, dropped) if shown else (dropped, dropped), shown_repeats, today)
                if not shown:
                    scope.pop(node.name, None)
            else:
                _walk_relevance(instrument, node.children, top, chain, shown, hidden_sets, shown_repeats, today)
            continue
        if not shown:
            hidden.add((node.name, _place(chain)))
            scope.pop(node.name, None)
        elif node.type == "calculate":
            result = node.calculation.evaluate(lookup, today=today, **context)
            if isinstance(result, float) and math.isnan(result) or result in ("", None):
                scope.pop(node.name, None)
            else:
                scope[node.name] = result


def _check_values(instrument, children, top, chain, hidden, bad, problems, today):
    scope = chain[-1].entry if chain else top
    lookup, context = _lookup(instrument, top, chain), _context(instrument, top, chain)
    place = _place(chain)
    for node in children:
        if isinstance(node, Section):
            if node.kind == "repeat":
                for n, entry in enumerate(scope.get(node.name) or [], start=1):
                    _check_values(instrument, node.children, top, chain + (Link(node, n, entry),), hidden, bad,
                                  problems, today)
            else:
                _check_values(instrument, node.children, top, chain, hidden, bad, problems, today)
            continue
        if (node.name, place) in hidden or (node.name, place) in bad or node.type in ("note", "calculate"):
            continue
        value = scope.get(node.name)
        if value is None:
            required = node.required
            if required is True or (required and truthy(required.evaluate(lookup, today=today, **context))):
                problems.append(Problem(node.name, place, "validation.required", {},
                                        node.required_messages or None, _where(chain)))
        elif node.choice_filter is not None and (
                missing := [v for v in _as_list(value) if v not in offered_choices(node, lookup, today)]):
            problems.append(Problem(node.name, place, "validation.choice_not_offered", {"value": missing[0][:80]},
                                    where=_where(chain)))
        elif node.constraint is not None and not evaluate_bool(node.constraint, lookup, current=value, today=today,
                                                               **context):
            problems.append(Problem(node.name, place, "validation.constraint",
                                    {"expression": node.constraint.text}, node.constraint_messages or None,
                                    _where(chain)))


def offered_choices(item: Item, lookup, today: date | None = None) -> list[str]:
    """Names of the choices of ``item`` its ``choice_filter`` offers given the answers ``lookup(name)``
    gives (all of them without a filter); a choice's own cells are the names ``choice..COLUMN``."""
    if item.choice_filter is None:
        return item.choice_names()

    def cells(choice):
        def look(name):
            if name.startswith(CHOICE_COLUMN):
                column = name[len(CHOICE_COLUMN):]
                return choice.name if column == "name" else choice.columns.get(column, "")
            return lookup(name)
        return look
    return [c.name for c in item.choices if evaluate_bool(item.choice_filter, cells(c), today=today)]


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def repeat_count(section: Section, lookup, today: date | None = None) -> int | None:
    """How many entries a repeat with ``repeat_count`` must have (0 to MAX_INSTANCES; an empty or
    non-numeric count is 0); None for a repeat without one."""
    if section.count is None or isinstance(section.count, int):
        return None if section.count is None else min(section.count, MAX_INSTANCES)
    value = section.count.evaluate(lookup, today=today)
    try:
        value = float(value) if isinstance(value, (int, float, str)) else math.nan
    except ValueError:
        value = math.nan
    return 0 if not math.isfinite(value) else int(min(max(value, 0), MAX_INSTANCES))


def _chosen_file(value):
    """A media answer: a chosen file (a :class:`ChosenFile`, or a FileUpload's value: its dicts with ``name`` and
    ``content``), or the name of a file the corrected version kept (text; the store checks it is one). Its type
    and size are the store's to check (:func:`workbench.store.attachments._check_form_file`)."""
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, Mapping):
        name, content = value.get("name"), value.get("content")
        if isinstance(name, str) and isinstance(content, (bytes, bytearray, memoryview)):
            value = ChosenFile(name, bytes(content))
    if isinstance(value, ChosenFile):
        name, problem = _check_text(value.name)
        return (None, problem) if problem else (ChosenFile(name, value.content), None)
    if isinstance(value, str):
        return _check_text(value)
    return None, ("validation.not_file", {})


_PARSERS = {"time": parse_time, "datetime": parse_datetime, "geopoint": parse_geopoint}


def answer_rows(instrument: Instrument, answers: dict) -> list[dict]:
    """Clean answers as long-form rows: repeat, instance, item, value (text), number.

    A repeat's answers have ``repeat`` its name and ``instance`` the entry's number; a repeat inside a
    repeat has ``repeat`` the path to it, each enclosing entry with its number (``members[2]/jobs``),
    and ``instance`` the inner entry's number (see :func:`repeat_path`).
    """
    rows = []

    def add(scope: dict, path: str, instance: int):
        for name, value in scope.items():
            if name in instrument.repeats:
                for n, entry in enumerate(value, start=1):
                    add(entry, f"{path}[{instance}]/{name}" if path else name, n)
            else:
                rows.append({"repeat": path, "instance": instance, "item": name,
                             "value": to_text(value), "number": to_number(instrument.items[name], value)})

    add(answers, "", 0)
    return rows


def repeat_entries(instrument: Instrument, answers: dict, repeat: str) -> list[tuple[str, int, dict]]:
    """Every entry of ``repeat`` in ``answers`` as ``(stored repeat path, number, entry)``, in form order:
    ``("members[2]/jobs", 1, {...})`` for the first job of the second member (as :func:`answer_rows` keeps it)."""
    outer = instrument.sections[repeat].repeat
    if outer is None:
        return [(repeat, n, entry) for n, entry in enumerate(answers.get(repeat) or [], start=1)]
    return [(f"{path}[{number}]/{repeat}", n, inner)
            for path, number, entry in repeat_entries(instrument, answers, outer)
            for n, inner in enumerate(entry.get(repeat) or [], start=1)]


_PATH_STEP = re.compile(r"^(.+)\[([1-9][0-9]*)\]$")


def repeat_path(repeat: str) -> list[tuple[str, int]]:
    """The enclosing entries of a stored ``repeat`` path, outermost first: ``members[2]/jobs`` is
    ``[("members", 2)]`` (and the rows' repeat is ``jobs``); a plain repeat name has none."""
    steps = []
    for step in repeat.split("/")[:-1]:
        match = _PATH_STEP.match(step)
        if not match:
            raise ValueError(f"not a repeat path: {repeat!r}")
        steps.append((match.group(1), int(match.group(2))))
    return steps


def to_text(value) -> str:
    """How an answer is stored: ISO dates, multi-selects space-separated, numbers as written by Python."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return " ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_number(item: Item, value) -> float | None:
    """The numeric value of an answer to a numeric or scored item, else None."""
    if item.type in ("integer", "decimal") or item.scored:
        return float(value)
    if item.type == "calculate" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def answers_from_rows(instrument: Instrument | None, rows) -> dict:
    """The nested answers back from long-form rows (the inverse of :func:`answer_rows`).

    Typed by the instrument's item types when ``instrument`` is given, else as stored text.
    """
    answers: dict = {}
    for row in sorted(rows, key=lambda r: (r["repeat"], r["instance"])):
        item = instrument.items.get(row["item"]) if instrument else None
        value = row["value"]
        if item is not None:
            if item.type == "integer":
                value = int(value)
            elif item.type == "decimal":
                value = float(value)
            elif item.type == "date" or item.recorded == "today":
                value = date.fromisoformat(value)
            elif item.type == "select_multiple":
                value = value.split()
            elif item.type == "calculate" and _INTEGER.fullmatch(value):
                value = int(value)  # a computed whole number (a child's age) reads back as it was computed
        scope = answers
        if row["repeat"]:
            for name, number in repeat_path(row["repeat"]) + [(row["repeat"].rsplit("/", 1)[-1], row["instance"])]:
                scope = _entry(scope, name, number)
        scope[row["item"]] = value
    return answers


def _entry(scope: dict, repeat: str, number: int) -> dict:
    """The ``number``-th (1-based) entry of ``repeat`` in ``scope``, made (with any before it) if missing."""
    entries = scope.setdefault(repeat, [])
    while len(entries) < number:
        entries.append({})
    return entries[number - 1]
