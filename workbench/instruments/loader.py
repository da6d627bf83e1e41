"""Loading XLSForm instruments (survey / choices / settings) into :class:`Instrument`.

pyxform reads the file (.xlsx, .xls, .csv or its markdown-table form) and checks
the XLSForm structure; we then walk the survey rows ourselves because pyxform's
tree carries no row numbers, and every refusal must name sheet, row and column.
What we do not support is refused here, at load time, never half-run later.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import i18n
from ..i18n import UserError
from . import expressions
from .expressions import Expression, ExpressionError
from .model import ITEM_TYPES, Choice, Instrument, Item, Section

i18n.add({
    "instrument.unreadable": {
        "uk": "Файл «{file}» не вдалося прочитати як форму XLSForm: {detail}",
        "en": "The file '{file}' could not be read as an XLSForm: {detail}",
    },
    "instrument.bad_file_type": {
        "uk": "Файл «{file}» має непідтримуваний формат. Підтримуються .xlsx, .xls, .csv і .md.",
        "en": "The file '{file}' has an unsupported format. Use .xlsx, .xls, .csv or .md.",
    },
    "instrument.too_large": {
        "uk": "Файл «{file}» завеликий ({size} МБ; найбільше {limit} МБ).",
        "en": "The file '{file}' is too large ({size} MB; at most {limit} MB).",
    },
    "instrument.at": {
        "uk": "{file}, аркуш «{sheet}», рядок {row}, стовпець «{column}»: {problem}",
        "en": "{file}, sheet '{sheet}', row {row}, column '{column}': {problem}",
    },
    "instrument.unsupported_type": {
        "uk": "тип «{type}» не підтримується. Підтримуються: {supported}.",
        "en": "the type '{type}' is not supported. Supported: {supported}.",
    },
    "instrument.unsupported_column": {
        "uk": "стовпець «{name}» не підтримується, а він змінює поведінку форми; приберіть його значення.",
        "en": "the column '{name}' is not supported and it changes how the form behaves; remove its value.",
    },
    "instrument.missing_name": {
        "uk": "у рядку немає назви (name).",
        "en": "the row has no name.",
    },
    "instrument.unknown_list": {
        "uk": "переліку варіантів «{list_name}» немає в аркуші choices.",
        "en": "the choice list '{list_name}' is not in the choices sheet.",
    },
    "instrument.nested_repeat": {
        "uk": "повтор у повторі не підтримується.",
        "en": "a repeat inside a repeat is not supported.",
    },
    "instrument.unbalanced": {
        "uk": "«{found}» не має пари.",
        "en": "'{found}' has no matching begin or end.",
    },
    "instrument.unknown_reference": {
        "uk": "посилання ${{{name}}} не веде до жодного питання форми.",
        "en": "the reference ${{{name}}} names no question of the form.",
    },
    "instrument.reference_into_repeat": {
        "uk": "посилання ${{{name}}} веде всередину повтору «{repeat}» ззовні; так можна посилатися лише в межах того самого повтору.",
        "en": "the reference ${{{name}}} points into the repeat '{repeat}' from outside it; refer to it only from within the same repeat.",
    },
    "instrument.dot_outside_constraint": {
        "uk": "крапка «.» (поточна відповідь) дозволена лише в стовпці constraint.",
        "en": "'.' (the current answer) is allowed only in the constraint column.",
    },
    "instrument.bad_read_only": {
        "uk": "у стовпці {name} підтримується лише yes або no (вираз не підтримується).",
        "en": "the column {name} supports only yes or no (an expression is not supported).",
    },
    "instrument.unknown_version": {
        "uk": "Версії {version} інструмента «{name}» у складі програми немає.",
        "en": "Version {version} of the instrument '{name}' is not shipped with the workbench.",
    },
    "instrument.calculation_not_calculate": {
        "uk": "стовпець calculation підтримується лише для типу calculate.",
        "en": "the calculation column is supported only for the calculate type.",
    },
    "instrument.missing_calculation": {
        "uk": "для типу calculate потрібен вираз у стовпці calculation.",
        "en": "the calculate type needs an expression in the calculation column.",
    },
    "instrument.bad_score_direction": {
        "uk": "значення «{value}» не підходить; має бути need (більше = більша потреба) або functioning (більше = краще).",
        "en": "'{value}' is not valid; use need (higher = more need) or functioning (higher = better).",
    },
    "instrument.no_items": {
        "uk": "У формі «{file}» немає жодного питання, яке можна заповнити.",
        "en": "The form '{file}' has no question that can be filled in.",
    },
    "instrument.unknown_builtin": {
        "uk": "Вбудованого інструмента «{name}» немає. Є: {available}.",
        "en": "There is no built-in instrument '{name}'. Available: {available}.",
    },
    "instrument.conflicting_version": {
        "uk": "Інструмент «{id}» версії {version} уже зареєстровано з іншим змістом. Змініть версію в аркуші settings.",
        "en": "The instrument '{id}' version {version} is already registered with different content. "
              "Raise the version in the settings sheet.",
    },
})

MAX_FILE_MB = 5
SUFFIXES = (".xlsx", ".xls", ".csv", ".md")
BUILTIN_DIR = "builtin"
PREVIOUS_DIR = "previous"  # earlier versions of built-in instruments, as ``<name>-<version>.md``, to correct
# assessments saved with them (a correction keeps its instrument's version)

# Metadata rows KoBoToolbox and ODK add to every form: they record the device's
# own facts and have no widget, so we skip them instead of refusing the form.
METADATA_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
                  "username", "email", "audit", "start-geopoint"}
TYPE_ALIASES = {
    "string": "text", "int": "integer", "select one": "select_one",
    "select all that apply": "select_multiple", "select_all_that_apply": "select_multiple",
    "begin group": "begin_group", "end group": "end_group",
    "begin repeat": "begin_repeat", "end repeat": "end_repeat",
}
SELECT_PREFIXES = (("select_one ", "select_one"), ("select one ", "select_one"),
                   ("select_multiple ", "select_multiple"), ("select multiple ", "select_multiple"),
                   ("select all that apply ", "select_multiple"))
# Columns whose value changes what the form does: refused when filled, since
# silently ignoring them would change the instrument's meaning.
UNSUPPORTED_COLUMNS = ("choice_filter", "repeat_count", "trigger", "default", "parameters", "jr:count")
# ``read_only`` (``readonly``) is supported as yes or no only: the form shows the value and the worker
# cannot type it (the store still checks what arrives, since a page can send any value).
READ_ONLY_COLUMNS = ("read_only", "readonly")
YES = ("yes", "true", "true()", "1")
NO = ("no", "false", "false()", "0")
LANGUAGE_NAMES = {"english": "en", "ukrainian": "uk", "українська": "uk", "англійська": "en"}
_LANG_CODE = re.compile(r"\(([A-Za-z-]+)\)\s*$")


class InstrumentError(UserError):
    """An instrument that cannot be loaded; ``message(lang)`` says where and why."""


def load_instrument(path) -> Instrument:
    """Load an XLSForm file; raises :class:`InstrumentError` naming sheet, row and column."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InstrumentError("instrument.bad_file_type", file=path.name)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InstrumentError("instrument.unreadable", file=path.name, detail=err.strerror or str(err)) from None
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise InstrumentError("instrument.too_large", file=path.name,
                              size=round(len(data) / 1024 / 1024, 1), limit=MAX_FILE_MB)
    return _load_cached(str(path), hashlib.sha256(data).hexdigest())


def builtin_names() -> list[str]:
    """Names of the instruments shipped with the workbench."""
    folder = resources.files("workbench.instruments").joinpath(BUILTIN_DIR)
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".md"))


def instrument_title(instrument_id: str, lang: str | None = None) -> str:
    """A built-in instrument's own title in ``lang`` (each read once per process), else its id."""
    if instrument_id in builtin_names():
        return _builtin_titles(instrument_id)[i18n.normalise_language(lang)]
    return instrument_id


@lru_cache(maxsize=None)
def _builtin_titles(name: str) -> dict[str, str]:
    instrument = load_builtin(name)  # parsing an XLSForm takes ~80 ms: not once per message
    return {lang: instrument.title(lang) for lang in i18n.LANGUAGES}


def load_builtin(name: str) -> Instrument:
    """Load a built-in instrument by name, e.g. ``family_needs_assessment``."""
    if name not in builtin_names():
        raise InstrumentError("instrument.unknown_builtin", name=name, available=", ".join(builtin_names()))
    with resources.as_file(resources.files("workbench.instruments").joinpath(BUILTIN_DIR, name + ".md")) as p:
        return load_instrument(p)


def load_builtin_version(name: str, version: str) -> Instrument:
    """The built-in instrument ``name`` at ``version``: the current one, or an earlier version kept
    for correcting assessments saved with it; raises :class:`InstrumentError` if neither is shipped."""
    current = load_builtin(name)
    if current.version == version:
        return current
    file = f"{name}-{version}.md"
    folder = resources.files("workbench.instruments").joinpath(PREVIOUS_DIR)
    if not isinstance(version, str) or "/" in version or not folder.joinpath(file).is_file():
        raise InstrumentError("instrument.unknown_version", name=name, version=version)
    with resources.as_file(folder.joinpath(file)) as p:
        return load_instrument(p)


@lru_cache(maxsize=32)
def _load_cached(path: str, sha256: str) -> Instrument:
    # Keyed by content hash: an edited file is read again, an unchanged one is not.
    from pyxform import xls2json
    from pyxform.xls2json_backends import get_xlsform

    name = Path(path).name
    try:
        definition = get_xlsform(path)
    except Exception as err:  # noqa: BLE001  (pyxform raises many kinds on a broken or hostile file)
        raise _unreadable(name, err) from None
    # Our own checks first, so what we refuse is said in both languages with its row;
    # pyxform's checks (duplicate names and the like) come after, in its English.
    instrument = _build(definition, path, sha256)
    try:
        xls2json.parse_file_to_json(path, warnings=[])
    except Exception as err:  # noqa: BLE001  (as above: pyxform's own checks raise many kinds)
        raise _unreadable(name, err) from None
    return instrument


def _unreadable(name: str, err: Exception) -> InstrumentError:
    detail = " ".join(str(err).split())[:400] or type(err).__name__
    return InstrumentError("instrument.unreadable", file=name, detail=detail)


def _at(file, sheet, row, column, key, **params) -> InstrumentError:
    return InstrumentError("instrument.at", file=file, sheet=sheet, row=row, column=column,
                           problem=InstrumentError(key, **params))


def _language(column: str) -> str | None:
    """``label::English (en)`` → ``en``; ``label`` → ``*`` (no language given)."""
    if "::" not in column:
        return "*"
    lang = column.split("::", 1)[1].strip()
    code = _LANG_CODE.search(lang)
    if code:
        code = code.group(1).lower()
        return code if code in i18n.LANGUAGES else None
    return LANGUAGE_NAMES.get(lang.lower())


def _texts(row: dict, prefix: str) -> dict[str, str]:
    """Texts of the columns ``prefix`` and ``prefix::Language (xx)`` of a row, by language code."""
    texts, plain = {}, None
    for column, value in row.items():
        head = column.split("::", 1)[0].strip().lower()
        if head != prefix or value in (None, ""):
            continue
        lang = _language(column)
        if lang == "*":
            plain = str(value)
        elif lang:
            texts[lang] = str(value)
    for lang in i18n.LANGUAGES:
        if plain and lang not in texts:
            texts[lang] = plain
    return texts


def _cell(row: dict, column: str) -> str:
    for key, value in row.items():
        if key.strip().lower() == column and value not in (None, ""):
            return str(value).strip()
    return ""


def _build(definition, path: str, sha256: str) -> Instrument:
    file = Path(path).name
    choices = _choice_lists(definition.choices or [])
    settings = (definition.settings or [{}])[0] if definition.settings else {}
    direction = _cell(settings, "score_direction") or "functioning"
    if direction not in ("need", "functioning"):
        raise _at(file, "settings", 2, "score_direction", "instrument.bad_score_direction", value=direction)
    title_uk = _cell(settings, "form_title") or Path(path).stem
    items: dict[str, Item] = {}
    sections: dict[str, Section] = {}
    top: list = []
    stack: list[Section] = []
    expressions_to_check: list[tuple[Item | Section, str, Expression, int]] = []

    def parse(text, row, column, owner):
        try:
            expr = expressions.parse(text)
        except ExpressionError as err:
            raise InstrumentError("instrument.at", file=file, sheet="survey", row=row, column=column,
                                  problem=err) from None
        if expr.uses_current and column != "constraint":
            raise _at(file, "survey", row, column, "instrument.dot_outside_constraint")
        expressions_to_check.append((owner, column, expr, row))
        return expr

    for index, row in enumerate(definition.survey or []):
        row_number = index + 2  # row 1 holds the headers
        raw_type = " ".join(_cell(row, "type").lower().split())
        if not raw_type:
            continue
        kind, list_name = TYPE_ALIASES.get(raw_type, raw_type), None
        for prefix, select_kind in SELECT_PREFIXES:
            if raw_type.startswith(prefix):
                kind, list_name = select_kind, raw_type[len(prefix):].strip()
        for column in UNSUPPORTED_COLUMNS:
            if _cell(row, column):
                raise _at(file, "survey", row_number, column, "instrument.unsupported_column", name=column)
        if kind in METADATA_TYPES:
            continue
        name = _cell(row, "name")
        parent = stack[-1] if stack else None
        repeat = next((s.name for s in reversed(stack) if s.kind == "repeat"), None)
        if kind in ("begin_group", "begin_repeat"):
            if not name:
                raise _at(file, "survey", row_number, "name", "instrument.missing_name")
            if kind == "begin_repeat" and repeat:
                raise _at(file, "survey", row_number, "type", "instrument.nested_repeat")
            section = Section(kind="group" if kind == "begin_group" else "repeat", name=name, row=row_number,
                              labels=_texts(row, "label"), repeat=repeat)
            if _cell(row, "relevant"):
                section.relevant = parse(_cell(row, "relevant"), row_number, "relevant", section)
            (parent.children if parent else top).append(section)
            sections[name] = section
            stack.append(section)
            continue
        if kind in ("end_group", "end_repeat"):
            if not stack or stack[-1].kind != kind[4:]:
                raise _at(file, "survey", row_number, "type", "instrument.unbalanced", found=raw_type)
            stack.pop()
            continue
        if kind not in ITEM_TYPES:
            raise _at(file, "survey", row_number, "type", "instrument.unsupported_type", type=raw_type,
                      supported=", ".join(ITEM_TYPES + ("begin_group", "begin_repeat")))
        if _cell(row, "calculation") and kind != "calculate":
            raise _at(file, "survey", row_number, "calculation", "instrument.calculation_not_calculate")
        item = Item(name=name, type=kind, row=row_number, labels=_texts(row, "label"),
                    hints=_texts(row, "hint"), constraint_messages=_texts(row, "constraint_message"),
                    required_messages=_texts(row, "required_message"),
                    group=next((s.name for s in reversed(stack) if s.kind == "group"), None),
                    repeat=repeat, parents=tuple(s.name for s in stack))
        if not name:
            raise _at(file, "survey", row_number, "name", "instrument.missing_name")
        if kind in ("select_one", "select_multiple"):
            if list_name not in choices:
                raise _at(file, "survey", row_number, "type", "instrument.unknown_list", list_name=list_name)
            item.list_name = list_name
            item.choices = choices[list_name]
        for column in READ_ONLY_COLUMNS:
            flag = _cell(row, column).lower()
            if flag and flag not in YES + NO:
                raise _at(file, "survey", row_number, column, "instrument.bad_read_only", name=column)
            item.read_only = item.read_only or flag in YES
        required = _cell(row, "required")
        if required.lower() in YES:
            item.required = True
        elif required and required.lower() not in NO:
            item.required = parse(required, row_number, "required", item)
        if _cell(row, "relevant"):
            item.relevant = parse(_cell(row, "relevant"), row_number, "relevant", item)
        if _cell(row, "constraint"):
            item.constraint = parse(_cell(row, "constraint"), row_number, "constraint", item)
        if kind == "calculate":
            if not _cell(row, "calculation"):
                raise _at(file, "survey", row_number, "calculation", "instrument.missing_calculation")
            item.calculation = parse(_cell(row, "calculation"), row_number, "calculation", item)
        (parent.children if parent else top).append(item)
        items[name] = item
    if stack:
        raise _at(file, "survey", stack[-1].row, "type", "instrument.unbalanced", found="begin_" + stack[-1].kind)
    if not any(i.type != "note" for i in items.values()):
        raise InstrumentError("instrument.no_items", file=file)
    for owner, column, expr, row_number in expressions_to_check:
        for ref in sorted(expr.references):
            target = items.get(ref)
            if target is None:
                raise _at(file, "survey", row_number, column, "instrument.unknown_reference", name=ref)
            if target.repeat and target.repeat != owner.repeat:
                raise _at(file, "survey", row_number, column, "instrument.reference_into_repeat",
                          name=ref, repeat=target.repeat)
        _check_function_arguments(file, owner, column, expr, row_number, items, sections)
    version = _cell(settings, "version") or "sha-" + sha256[:10]
    return Instrument(id=_cell(settings, "form_id") or Path(path).stem, version=version,
                      titles={"uk": title_uk, "en": _cell(settings, "title_en") or title_uk},
                      score_direction=direction, children=top, items=items, sections=sections,
                      sha256=sha256, source=path)


def _check_function_arguments(file, owner, column, expr, row_number, items, sections) -> None:
    """What only the whole form can tell about an expression's function arguments: ``sum(${q})`` and
    the like name a question or a repeat, jr:choice-name a select question, position(..) stands in a
    repeat, and indexed-repeat's question is inside its repeat."""
    for ref in sorted(expr.nodeset_references - items.keys()):  # count(${a_repeat}) counts its entries
        if ref not in sections or sections[ref].kind != "repeat":
            raise _at(file, "survey", row_number, column, "instrument.unknown_reference", name=ref)
    for ref in sorted(expr.choice_references):
        if ref not in items or items[ref].type not in ("select_one", "select_multiple"):
            raise _at(file, "survey", row_number, column, "expr.choice_name_not_select", name=ref)
    if expr.uses_position and owner.repeat is None:
        raise _at(file, "survey", row_number, column, "expr.position_outside_repeat")
    for question, repeat in sorted(expr.indexed_references):
        if question not in items or repeat not in items[question].parents or sections[repeat].kind != "repeat":
            raise _at(file, "survey", row_number, column, "expr.indexed_repeat_not_in_repeat",
                      name=question, repeat=repeat)


def _choice_lists(rows: list[dict]) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    for row in rows:
        list_name, name = _cell(row, "list_name") or _cell(row, "list name"), _cell(row, "name")
        if list_name and name:
            lists.setdefault(list_name, []).append(Choice(name=name, labels=_texts(row, "label")))
    return {k: tuple(v) for k, v in lists.items()}
