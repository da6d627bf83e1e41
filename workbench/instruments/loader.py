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

from .. import config, i18n
from ..i18n import UserError
from . import expressions, loops
from .choices import add_other, choice_lists, filter_columns
from .columns import cell as _cell
from .columns import default_answer, language, normalise_quotes, question_type, range_steps, texts
from .expressions import ExpressionError
from .model import CHOICE_COLUMN, ITEM_TYPES, RECORDED, Instrument, Item, Section

i18n.add({
    "instrument.unreadable": {
        "uk": "Файл «{file}» не вдалося прочитати як форму XLSForm: {detail}",
        "en": "The file '{file}' could not be read as an XLSForm: {detail}",
    },
    "instrument.not_a_form": {
        "uk": "Файл «{file}» не є формою XLSForm: у ньому немає аркуша survey з колонками type і name, "
              "або файл пошкоджено.",
        "en": "The file '{file}' is not an XLSForm: it has no survey sheet with the columns type and name, "
              "or it is damaged.",
    },
    "instrument.default_expression": {
        "uk": "вираз у стовпці default не підтримується; підтримується лише стала відповідь (число, дата, текст).",
        "en": "an expression in the default column is not supported; only a fixed answer (number, date, text) is.",
    },
    "instrument.choice_filter_not_select": {
        "uk": "стовпець choice_filter (відбір варіантів) підтримується лише для питань з вибором варіанта відповіді.",
        "en": "the choice_filter column is supported only for select_one and select_multiple.",
    },
    "instrument.bad_range": {
        "uk": "параметри range мають бути start=, end= і step= з числами, step більше 0 (наприклад start=0 end=10 step=1).",
        "en": "range parameters must be start=, end= and step= with numbers, step above 0 (e.g. start=0 end=10 step=1).",
    },
    "instrument.bad_file_type": {
        "uk": "Файл «{file}» має непідтримуваний формат. Підтримуються .xlsx, .xlsm, .xls, .csv і .md.",
        "en": "The file '{file}' has an unsupported format. Use .xlsx, .xlsm, .xls, .csv or .md.",
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
    "instrument.nested_loop": {
        "uk": "цикл (begin loop) у циклі не підтримується.",
        "en": "a loop (begin loop) inside a loop is not supported.",
    },
    "instrument.loop_without_list": {
        "uk": "після begin loop потрібна назва переліку варіантів (begin loop over ПЕРЕЛІК).",
        "en": "begin loop needs the name of a choice list (begin loop over LIST).",
    },
    "instrument.unbalanced": {
        "uk": "«{found}» не має пари.",
        "en": "'{found}' has no matching begin or end.",
    },
    "instrument.unknown_reference": {
        "uk": "посилання ${{{name}}} не веде до жодного питання форми.",
        "en": "the reference ${{{name}}} names no question of the form.",
    },
    "instrument.metadata_reference": {
        "uk": "посилання ${{{name}}} веде до рядка метаданих ({type}), який програма не записує; "
              "для дати заповнення вживайте today().",
        "en": "the reference ${{{name}}} names a metadata row ({type}), which the workbench does not record; "
              "for the day the form is filled in use today().",
    },
    "instrument.filter_no_column": {
        "uk": "«{name}» не є стовпцем списку {list_name} на аркуші choices, тож ODK не запропонував "
              "би жодного варіанта; текст беріть у лапки ('{name}'), на питання посилайтеся як ${{{name}}}.",
        "en": "'{name}' is no column of the list {list_name} in the choices sheet, so ODK would "
              "offer no choice at all; put text in quotes ('{name}') and refer to a question as ${{{name}}}.",
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
    "instrument.own_shadows_builtin": {
        "uk": "Власний інструмент «{name}» (файл «{file}») має назву вбудованого; дайте йому в налаштуваннях (instruments) іншу.",
        "en": "The own instrument '{name}' (file '{file}') has a built-in one's name; "
              "give it another in the configuration (instruments).",
    },
    "instrument.own_wrong_id": {
        "uk": "Форма «{file}» має form_id «{id}», а в налаштуваннях (instruments) вона названа «{name}»; назви мають збігатися.",
        "en": "The form '{file}' has the form_id '{id}' but the configuration (instruments) names it '{name}'; they must match.",
    },
    "instrument.conflicting_version": {
        "uk": "Інструмент «{id}» версії {version} уже зареєстровано з іншим змістом. Змініть версію в аркуші settings.",
        "en": "The instrument '{id}' version {version} is already registered with different content. "
              "Raise the version in the settings sheet.",
    },
})

MAX_FILE_MB = 5
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".md")  # .xlsm: read as data; its macros never run
BUILTIN_DIR = "builtin"
PREVIOUS_DIR = "previous"  # earlier versions of built-in instruments, as ``<name>-<version>.md``, to correct
# assessments saved with them (a correction keeps its instrument's version)

# Metadata rows KoBoToolbox and ODK add to every form: they record the device's
# own facts and have no widget. Those in ``model.RECORDED`` become items of type "metadata"; the others
# (an audit log, background audio, a start location, ``uri:`` forms, ``hidden``) are skipped instead of refusing the form
# (whatever their columns say: an ``audit`` row's ``parameters`` configure the device's log).
# ``hidden`` holds a value no one types or sees and no expression sets: nothing to fill or keep.
METADATA_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
                  "username", "email", "audit", "start-geopoint", "imei", "uri:deviceid", "uri:username",
                  "uri:email", "uri:phonenumber", "uri:subscriberid", "uri:simserial", "background-audio",
                  "hidden"}
# A phone number is text of digits only (pyxform's own constraint for the type).
PHONE_TYPES = ("phone number",)
LABEL_REFERENCE = re.compile(r"\$\{([^}\s]+)\}")  # ${name} in a label or hint
# Columns whose value changes what the form does: refused when filled, since
# silently ignoring them would change the instrument's meaning.
UNSUPPORTED_COLUMNS = ("repeat_count", "trigger", "parameters", "jr:count")
REPEAT_COUNT_COLUMNS = ("repeat_count", "jr:count")  # supported on begin repeat only
# ``read_only`` (``readonly``) is supported as yes or no only: the form shows the value and the worker
# cannot type it (the store still checks what arrives, since a page can send any value).
READ_ONLY_COLUMNS = ("read_only", "readonly")
YES = ("yes", "true", "true()", "1")
NO = ("no", "false", "false()", "0")


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
    """Names of the instruments the workbench offers: those shipped with it, then the organisation's own
    (the configuration's ``instruments``)."""
    shipped = _shipped_names()
    return shipped + [name for name in config.instrument_files() if name not in shipped]


def _shipped_names() -> list[str]:
    folder = resources.files("workbench.instruments").joinpath(BUILTIN_DIR)
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".md"))


def instrument_title(instrument_id: str, lang: str | None = None) -> str:
    """An offered instrument's own title in ``lang`` (each read once per process), else its id."""
    if instrument_id in builtin_names():
        return _builtin_titles(instrument_id)[i18n.normalise_language(lang)]
    return instrument_id


@lru_cache(maxsize=None)
def _builtin_titles(name: str) -> dict[str, str]:
    instrument = load_builtin(name)  # parsing an XLSForm takes ~80 ms: not once per message
    return {lang: instrument.title(lang) for lang in i18n.LANGUAGES}


def load_builtin(name: str) -> Instrument:
    """Load an instrument the workbench offers by name, e.g. ``family_needs_assessment``, or one the
    configuration's ``instruments`` names; an own form whose name is a shipped one's, or whose ``form_id``
    is not its configured name, is an :class:`InstrumentError`."""
    own = config.instrument_files()
    if name in own:
        if name in _shipped_names():
            raise InstrumentError("instrument.own_shadows_builtin", name=name, file=own[name].name)
        instrument = load_instrument(own[name])
        if instrument.id != name:  # cases and saved assessments know an instrument by its id
            raise InstrumentError("instrument.own_wrong_id", file=own[name].name, id=instrument.id, name=name)
        return instrument
    if name not in _shipped_names():
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
    from pyxform.errors import PyXFormError

    # A Python error's text means nothing to the reader, nor does pyxform's word for a CSV without a
    # survey sheet ("Argument 'definition' was not recognized as a supported type"): say what is wrong.
    if not isinstance(err, PyXFormError) or str(err).startswith("Argument 'definition'"):
        return InstrumentError("instrument.not_a_form", file=name)
    detail = " ".join(str(err).split())[:400] or type(err).__name__
    return InstrumentError("instrument.unreadable", file=name, detail=detail)


def _at(file, sheet, row, column, key, **params) -> InstrumentError:
    return InstrumentError("instrument.at", file=file, sheet=sheet, row=row, column=column,
                           problem=InstrumentError(key, **params))


def _build(definition, path: str, sha256: str) -> Instrument:
    file = Path(path).name
    settings = (definition.settings or [{}])[0] if definition.settings else {}
    default_language = language(_cell(settings, "default_language")) if _cell(settings, "default_language") else None
    choices = choice_lists(definition.choices or [], default_language)
    external = choice_lists(getattr(definition, "external_choices", None) or [], default_language)
    direction = _cell(settings, "score_direction") or "functioning"
    if direction not in ("need", "functioning"):
        raise _at(file, "settings", 2, "score_direction", "instrument.bad_score_direction", value=direction)
    title_uk = _cell(settings, "form_title") or Path(path).stem
    items: dict[str, Item] = {}
    sections: dict[str, Section] = {}
    top: list = []
    stack: list[Section] = []
    references: list[tuple[Item | Section, str, set[str], int]] = []
    function_checks: list = []  # (owner, column, expression, row): function arguments only the whole form can check
    metadata: dict[str, str] = {}  # metadata rows skipped, by name: a reference to one is refused as such

    def parse(text, row, column, owner):
        try:
            expr = expressions.parse(normalise_quotes(text))
        except ExpressionError as err:
            raise InstrumentError("instrument.at", file=file, sheet="survey", row=row, column=column,
                                  problem=err) from None
        if expr.uses_current and column != "constraint":
            raise _at(file, "survey", row, column, "instrument.dot_outside_constraint")
        references.append((owner, column, expr.references, row))
        function_checks.append((owner, column, expr, row))
        return expr

    def text_columns(row, row_number, owner, prefix):
        found = texts(row, prefix, default_language)
        for lang, text in found.items():  # ${name} in a label or hint shows that answer: it must exist
            names = set(LABEL_REFERENCE.findall(text))
            if names:
                references.append((owner, prefix if lang == "*" else f"{prefix}::{lang}", names, row_number))
        return found

    def error(row_number, column, key, **params):
        return _at(file, "survey", row_number, column, key, **params)

    for row_number, row in loops.unroll(definition.survey, definition.choices, error):
        raw_type = " ".join(_cell(row, "type").lower().split())
        if not raw_type:
            continue
        kind, list_name, or_other = question_type(raw_type)
        if kind in RECORDED and _cell(row, "name"):  # kept as an answer, filled at save (never in a group's shown
            items[_cell(row, "name")] = Item(name=_cell(row, "name"), type="metadata", row=row_number, recorded=kind)
            continue                            # children, never in a repeat: ODK keeps it in the form's meta)
        if kind in METADATA_TYPES:
            metadata[_cell(row, "name")] = kind
            continue
        for column in UNSUPPORTED_COLUMNS:
            if _cell(row, column) and not (kind == "begin_repeat" and column in REPEAT_COUNT_COLUMNS) and not (
                    kind == "range" and column == "parameters"):
                raise _at(file, "survey", row_number, column, "instrument.unsupported_column", name=column)
        name = _cell(row, "name") or (f"generated_note_name_{row_number}" if kind == "note" else "")  # as pyxform
        parent = stack[-1] if stack else None
        repeat = next((s.name for s in reversed(stack) if s.kind == "repeat"), None)
        if kind in ("begin_group", "begin_repeat"):
            if not name:
                raise _at(file, "survey", row_number, "name", "instrument.missing_name")
            section = Section(kind="group" if kind == "begin_group" else "repeat", name=name, row=row_number,
                              repeat=repeat)
            section.labels = text_columns(row, row_number, section, "label")
            if _cell(row, "relevant"):
                section.relevant = parse(_cell(row, "relevant"), row_number, "relevant", section)
            count = next((_cell(row, c) for c in REPEAT_COUNT_COLUMNS if _cell(row, c)), "")
            if count:  # as many entries as it says: a whole number, or an expression over answers outside
                column = next(c for c in REPEAT_COUNT_COLUMNS if _cell(row, c))
                section.count = int(count) if count.isdigit() else parse(count, row_number, column, section)
            (parent.children if parent else top).append(section)
            sections[name] = section
            stack.append(section)
            continue
        if kind in ("end_group", "end_repeat"):
            if not stack or stack[-1].kind != kind[4:]:
                raise _at(file, "survey", row_number, "type", "instrument.unbalanced", found=raw_type)
            stack.pop()
            continue
        if kind in PHONE_TYPES:
            kind = "text"
        steps = None
        if kind == "range":  # a number from start to end in steps (pyxform's defaults 1, 10, 1)
            try:
                steps = range_steps(_cell(row, "parameters"))
            except ValueError:
                raise _at(file, "survey", row_number, "parameters", "instrument.bad_range") from None
            kind = "integer" if all(float(x).is_integer() for x in steps) else "decimal"
        if kind not in ITEM_TYPES:
            raise _at(file, "survey", row_number, "type", "instrument.unsupported_type", type=raw_type,
                      supported=", ".join(ITEM_TYPES + ("range", "phone number", "begin_group", "begin_repeat", "begin loop")))
        if _cell(row, "calculation") and kind != "calculate":
            raise _at(file, "survey", row_number, "calculation", "instrument.calculation_not_calculate")
        item = Item(name=name, type=kind, row=row_number, digits_only=raw_type in PHONE_TYPES,
                    constraint_messages=texts(row, "constraint_message", default_language)
                    or texts(row, "jr:constraintmsg", default_language),
                    required_messages=texts(row, "required_message", default_language),
                    group=next((s.name for s in reversed(stack) if s.kind == "group"), None),
                    repeat=repeat, parents=tuple(s.name for s in stack))
        item.labels = text_columns(row, row_number, item, "label")
        item.hints = text_columns(row, row_number, item, "hint")
        if not name:
            raise _at(file, "survey", row_number, "name", "instrument.missing_name")
        other = None
        if kind in ("select_one", "select_multiple"):
            # select_one_external: its list is in the external_choices sheet (ODK reads it from itemsets.csv)
            lists = external if raw_type.startswith("select_one_external ") else choices
            if list_name not in lists:
                raise _at(file, "survey", row_number, "type", "instrument.unknown_list", list_name=list_name)
            item.list_name = list_name
            item.choices = lists[list_name]
            if or_other:
                item.choices, other = add_other(item, repeat, row_number)
            if _cell(row, "choice_filter"):
                try:
                    item.choice_filter = parse(filter_columns(_cell(row, "choice_filter"), item.choices),
                                               row_number, "choice_filter", item)
                except InstrumentError as err:  # a bare name no column has: ODK would offer no choice at all
                    problem = err.params.get("problem")
                    if getattr(problem, "key", None) != "expr.bare_name":
                        raise
                    # (no position: it would count in the filter as rewritten, with its columns as references)
                    raise error(row_number, "choice_filter", "instrument.filter_no_column", list_name=list_name,
                                name=problem.params["name"]) from None
        elif _cell(row, "choice_filter"):
            raise _at(file, "survey", row_number, "choice_filter", "instrument.choice_filter_not_select")
        try:
            item.default = default_answer(_cell(row, "default"), kind)
        except ValueError:
            raise _at(file, "survey", row_number, "default", "instrument.default_expression") from None
        item.steps = steps
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
        if other is not None:  # after its select, as pyxform places it
            (parent.children if parent else top).append(other)
            items[other.name] = other
    if stack:
        raise _at(file, "survey", stack[-1].row, "type", "instrument.unbalanced", found="begin_" + stack[-1].kind)
    if not any(i.type not in ("note", "metadata") for i in items.values()):
        raise InstrumentError("instrument.no_items", file=file)
    for owner, column, names, row_number in references:
        for ref in sorted(n for n in names if not n.startswith(CHOICE_COLUMN)):
            target = items.get(ref)
            if target is None and ref in metadata:
                raise _at(file, "survey", row_number, column, "instrument.metadata_reference", name=ref,
                          type=metadata[ref])
            if target is None:
                raise _at(file, "survey", row_number, column, "instrument.unknown_reference", name=ref)
            if target.repeat and target.repeat not in _enclosing_repeats(owner, sections):
                raise _at(file, "survey", row_number, column, "instrument.reference_into_repeat",
                          name=ref, repeat=target.repeat)
    for owner, column, expr, row_number in function_checks:
        _check_function_arguments(file, owner, column, expr, row_number, items, sections)
    version = _cell(settings, "version") or "sha-" + sha256[:10]
    return Instrument(id=_cell(settings, "form_id") or Path(path).stem, version=version,
                      titles={"uk": title_uk, "en": _cell(settings, "title_en") or title_uk},
                      score_direction=direction, children=top, items=items, sections=sections,
                      sha256=sha256, source=path)


def _enclosing_repeats(owner, sections) -> list[str]:
    """The repeats around ``owner`` (an item, or a group's or repeat's own columns), innermost first: the
    entries whose answers ``${name}`` reads there, as ODK reads them (the same entry, then the enclosing one)."""
    names, repeat = [], owner.repeat
    while repeat is not None:
        names.append(repeat)
        repeat = sections[repeat].repeat
    return names


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

