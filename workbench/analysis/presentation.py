"""Tables for people: what a director reads in a notebook, and the same numbers in an Excel cell.

The supervisors' ``*_table`` functions return a pandas frame whose headers and category names are
already in the reader's language and whose numbers are still numbers; :func:`headed` records what each
column holds (its *kind*) in ``frame.attrs["kinds"]``. :func:`people` turns such a frame into a
:class:`pandas.io.formats.style.Styler`: no index column, counts as whole numbers, means with one
decimal, shares as whole percentages, dates as dd.mm.yyyy, a dash for nothing, long lists cut to the
first ``top`` rows with a line saying how many more there are. :func:`excel_format` gives the
Excel number format of each kind, so a workbook shows the same figures and keeps them as numbers.

Kinds: ``text``, ``count`` (whole number), ``change`` (signed whole number), ``mean`` (one decimal),
``mean_change`` (signed, one decimal), ``share`` (a fraction 0–1 shown as a whole percentage),
``date``. A column without a recorded kind is judged by its values (whole numbers, other numbers,
dates, text).
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from datetime import date, datetime

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import UserError

i18n.add({
    "table.more": {"uk": "… і ще {more}; усього {total}", "en": "… and {more} more; {total} in all"},
    "table.yes": {"uk": "так", "en": "yes"},
    "table.bad_top": {"uk": "Скільки рядків показати — ціле число від 1, не «{value}».",
                      "en": "How many rows to show is a whole number from 1, not '{value}'."},
})

KINDS = ("text", "count", "change", "mean", "mean_change", "share", "date")
TOP = 15  # rows a long list shows before "… and N more"
NOTHING = "—"
_MINUS = "−"  # the typographic minus: "−0,3" reads as a number, "-0,3" as a dash
_SEPARATORS = {"uk": (",", "\u00a0"), "en": (".", ",")}  # decimal point, thousands


def headed(frame: pd.DataFrame, headers: dict, kinds: dict, *, total_row: bool = False) -> pd.DataFrame:
    """``frame`` with its columns renamed by ``headers`` (code → header; others kept) and each column's
    kind (``kinds``: code → one of :data:`KINDS`) recorded under its header in ``attrs["kinds"]``.
    ``total_row``: the last row is a total, kept when a long list is cut. ``ValueError`` for an
    unknown kind (a bug of ours)."""
    unknown = set(kinds.values()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}")
    out = frame.rename(columns=headers).reset_index(drop=True)
    for code, kind in kinds.items():
        header = headers.get(code, code)
        if header in out and kind in ("count", "change"):
            out[header] = pd.to_numeric(out[header]).round().astype("Int64")
        elif header in out and kind in ("mean", "mean_change", "share"):
            out[header] = pd.to_numeric(out[header]).astype(float)
    out.attrs = {"kinds": {headers.get(code, code): kind for code, kind in kinds.items() if headers.get(code, code)
                           in out}, "total_row": total_row}
    return out


def kinds_of(frame: pd.DataFrame) -> dict:
    """Every column's kind: as recorded by :func:`headed`, else judged by its values."""
    recorded = frame.attrs.get("kinds", {})
    return {column: recorded.get(column) or _judged(frame[column]) for column in frame.columns}


def _judged(column: pd.Series) -> str:
    values = column.dropna()
    if pd.api.types.is_bool_dtype(column) or values.empty:
        return "text"
    if pd.api.types.is_datetime64_any_dtype(column) or all(isinstance(v, (date, datetime)) for v in values):
        return "date"
    if pd.api.types.is_numeric_dtype(column):
        return "count" if (values.astype(float) % 1 == 0).all() else "mean"
    return "text"


def formatted(value, kind: str, lang: str | None = None) -> str:
    """One value as a person reads it in ``lang`` (see the module docstring); ``—`` for nothing."""
    lang = i18n.normalise_language(lang)
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return NOTHING if kind != "text" else ""
    if kind == "date":
        return value.strftime("%d.%m.%Y") if isinstance(value, (date, datetime)) else str(value)
    if isinstance(value, (bool, np.bool_)):
        return i18n.t("table.yes", lang) if value else ""
    if kind == "text":
        return str(value)
    point, thousands = _SEPARATORS[lang]
    number = float(value)
    decimals = 1 if kind in ("mean", "mean_change") else 0
    shown = number * 100 if kind == "share" else number
    # Halves up, as a reader rounds (1 of 8 is 13 %), not to the even digit as float formatting does.
    magnitude = Decimal(str(abs(shown))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{magnitude:,.{decimals}f}".replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    rounded_to_zero = magnitude == 0
    sign = "" if rounded_to_zero else _MINUS if shown < 0 else "+" if kind in ("change", "mean_change") else ""
    if kind == "share":
        return f"{sign}{text}\u00a0%" if lang == "uk" else f"{sign}{text}%"
    return sign + text


SCROLLS = "display: block; overflow-x: auto; max-width: 100%;"


def people(frame: pd.DataFrame, lang: str | None = None, *, top: int | None = TOP):
    """``frame`` (a ``*_table`` function's, or any frame) as a Styler a person reads: no index, each
    column formatted by its kind in ``lang``, text left and numbers right, long text wrapped. With more
    than ``top`` rows (``None``: never cut) only the first ``top`` are shown (the total row too, if the
    table has one) and a line below says "… and N more; M in all". The rows are shown in the frame's
    order: the ``*_table`` functions sort them. ``UserError`` for a ``top`` that is not a whole number ≥ 1."""
    lang = i18n.normalise_language(lang)
    if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
        raise UserError("table.bad_top", value=str(top)[:40])
    kinds = kinds_of(frame)
    total = frame.iloc[-1:] if frame.attrs.get("total_row") and len(frame) else frame.iloc[0:0]
    body = frame.iloc[:len(frame) - len(total)]
    note = None
    if top is not None and len(body) > top:
        note = i18n.t("table.more", lang, more=len(body) - top, total=len(body))
        body = body.iloc[:top]
    shown = pd.concat([body, total]).reset_index(drop=True) if len(total) else body.reset_index(drop=True)
    styler = shown.style.hide(axis="index")
    for column, kind in kinds.items():
        styler = styler.format(lambda value, kind=kind: formatted(value, kind, lang), subset=[column])
    styler = styler.set_table_styles([
        {"selector": "th", "props": "text-align: left; vertical-align: bottom; white-space: normal;"},
        {"selector": "td", "props": "text-align: left; vertical-align: top; white-space: normal; max-width: 40em;"},
        {"selector": "caption", "props": "caption-side: bottom; text-align: left; font-style: italic;"}])
    # Per column (a class selector, so it outranks the table's own): numbers right and whole, and short
    # text (case numbers, dates) kept on one line.
    for column, kind in kinds.items():
        if kind not in ("text", "date"):
            cells = [{"selector": "td", "props": "text-align: right; white-space: nowrap;"},
                     {"selector": "th", "props": "text-align: right;"}]
        elif len(shown) and shown[column].astype(str).str.len().max() <= 16:
            cells = [{"selector": "td", "props": "white-space: nowrap;"}]
        else:
            continue
        styler = styler.set_table_styles({column: cells}, overwrite=False)
    if len(total):
        styler = styler.set_properties(subset=pd.IndexSlice[shown.index[-1:], :], **{"font-weight": "bold"})
    if note:
        styler = styler.set_caption(note)
    # On a phone a wide table scrolls sideways inside itself instead of widening the whole page.
    return styler.set_table_attributes(f'style="{SCROLLS}"')


def excel_format(kind: str, lang: str | None = None) -> str | None:
    """The Excel number format that shows a cell of ``kind`` as :func:`formatted` does (Excel puts in
    the reader's own separators); ``None`` for text."""
    lang = i18n.normalise_language(lang)
    return {"count": "#,##0", "change": "+#,##0;-#,##0;0", "mean": "0.0", "mean_change": "+0.0;-0.0;0.0",
            "share": "0\\ %" if lang == "uk" else "0%", "date": "DD.MM.YYYY"}.get(kind)


def excel_value(value):
    """A cell's value for openpyxl: numbers as Python numbers (not numpy's, not text), nothing as empty."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value
