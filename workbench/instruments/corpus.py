"""How much of a set of XLSForm files the workbench understands: each form converted by pyxform, loaded by
our loader and built in the form view in both interface languages, every label shown.

Used by ``tests/test_xlsform_corpus.py`` (a ratchet over pyxform's own example forms) and by
``benchmarks/xlsform_corpus.py`` (prints the table).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from .. import i18n
from .loader import SUFFIXES, InstrumentError, load_instrument
from .model import Instrument, pick

LOADED = "loaded"
REFUSED = "refused"
LABELS_LOST = "labels lost"
CRASHED = "crashed"  # a Python exception instead of an InstrumentError: always a bug


@dataclass(frozen=True)
class FormResult:
    """One form's outcome: ``status`` is one of LOADED, REFUSED, LABELS_LOST, CRASHED; ``reason`` the
    refusal's English message (or the exception, or the first lost label)."""

    name: str
    pyxform_converts: bool
    status: str
    reason: str = ""


def corpus_files(folder) -> list[Path]:
    """Every file under ``folder`` except its README and licence, in name order."""
    return sorted(p for p in Path(folder).rglob("*")
                  if p.is_file() and not p.name.startswith(("README", "LICENSE")))


def pyxform_converts(path: Path) -> bool:
    """Whether pyxform turns the file into an XForm without error (what pyxform itself accepts)."""
    from pyxform.xls2xform import convert

    if path.suffix.lower() not in SUFFIXES:
        return False
    try:
        convert(str(path), warnings=[])
    except Exception:  # noqa: BLE001  (pyxform raises many kinds on forms it refuses)
        return False
    return True


def classify(path, folder=None) -> FormResult:
    """Convert, load and render the form at ``path``; ``name`` is relative to ``folder`` when given."""
    path = Path(path)
    name = str(path.relative_to(folder)) if folder else path.name
    converts = pyxform_converts(path)
    try:
        instrument = load_instrument(path)
    except InstrumentError as err:
        return FormResult(name, converts, REFUSED, err.message("en"))
    except Exception as err:  # noqa: BLE001  (what we measure: a bug shows here rather than stopping the run)
        return FormResult(name, converts, CRASHED, f"{type(err).__name__}: {err}")
    try:
        lost = lost_label(instrument, path)
    except Exception as err:  # noqa: BLE001  (as above)
        return FormResult(name, converts, CRASHED, f"{type(err).__name__}: {err}")
    return FormResult(name, converts, LABELS_LOST, lost) if lost else FormResult(name, converts, LOADED)


def lost_label(instrument: Instrument, path: Path) -> str:
    """The first item or choice the form view shows without its label in either interface language
    (its name shown instead although the sheet gives it a label), as ``lang: name``; '' if none."""
    from pyxform.xls2json_backends import get_xlsform

    from ..forms.view import FormView

    definition = get_xlsform(str(path))
    labelled = {_value(row, "name") for row in definition.survey or [] if _has_label(row)}
    labelled_choices = {(_value(row, "list_name") or _value(row, "list name"), _value(row, "name"))
                        for row in definition.choices or [] if _has_label(row)}
    for lang in i18n.LANGUAGES:
        view = FormView(instrument, lang)
        for block in view.repeats.values():
            block.add()
        for field in view._all_fields():
            item = field.item
            text = pick(item.labels, lang)
            if item.name in labelled and (not text or ("${" not in text and html.escape(text) not in field.label.value)):
                return f"{lang}: {item.name}"
            for choice in item.choices:
                if (item.list_name, choice.name) in labelled_choices and not pick(choice.labels, lang):
                    return f"{lang}: {item.name}/{choice.name}"
    return ""


def _value(row: dict, column: str) -> str:
    return next((str(v).strip() for k, v in row.items() if k.strip().lower() == column and v), "")


def _has_label(row: dict) -> bool:
    return any(str(k).strip().lower().startswith("label") and str(v).strip() for k, v in row.items() if v)


def share_loaded(results: list[FormResult]) -> float:
    """Of the forms pyxform converts, the share (0–1) that load and render with every label."""
    convertible = [r for r in results if r.pyxform_converts]
    return sum(r.status == LOADED for r in convertible) / len(convertible) if convertible else 0.0
