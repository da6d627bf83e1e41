"""Tables for publication: suppression of small counts and the formatting a paper expects.

**Suppression.** Counts of 1 to ``threshold − 1`` people (1–4 with the usual threshold of 5) can
identify someone in a small community, so they are shown as a marker (``"<5"``). One rule,
:func:`shown_count`, decides it for every place a count is published: table cells
(:func:`suppress_small_counts`), chart legends and captions (:mod:`workbench.charts.research`), the
research notebook's sentences and its concluding paragraph (:mod:`workbench.evaluation.conclusions`);
:func:`shown_share` hides a percentage whose count is hidden (it would give the count back).
Zero is kept by default (an empty cell identifies no one; pass
``keep_zero=False`` to hide it too). Asked to, it also hides statistics (means, percentages, effect
sizes) computed from fewer than ``threshold`` cases. When a total is published and a single cell of
those that make it up is hidden, the cell could be recovered by subtraction: given the rows that make
up a total (``parts``), :func:`suppress_small_counts` then hides the smallest other one as well ("x";
secondary suppression, Hundepool et al., 2012, ch. 4). A total that another table or chart publishes
(a chart's legend over every programme beside one programme's table) is not seen from here: the
reader of both can still subtract.

**Formatting** (:func:`format_number`, :func:`format_mean_sd`, :func:`format_ci`,
:func:`format_p`, :func:`format_change_table`) follows the APA convention in English — "M (SD)",
"[low, high]" intervals, p without a leading zero, "< .001" below one in a thousand — and the
Ukrainian one in Ukrainian: decimal comma, a semicolon between interval limits ("[0,56; 2,40]")
and the leading zero kept ("< 0,001"). Negative numbers take a true minus sign (−). Headers come
from the message catalogue in the chosen language.

Sources:

- American Psychological Association (2020). Publication Manual of the American Psychological
  Association (7th ed.), ch. 6 (numbers and statistics) and ch. 7 (tables).
- Hundepool, A., et al. (2012). Statistical Disclosure Control. Wiley.
"""
from __future__ import annotations

import io
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral, Real
from pathlib import Path

import pandas as pd

from .. import i18n
from ..files import private_folder, write_private
from .values import is_missing, is_number
from ..i18n import UserError

DASH = "—"
COMPLEMENT = "x"  # a count hidden only so that a smaller hidden one cannot be had by subtraction

i18n.add({
    "evaluation.threshold": {
        "uk": "Поріг приховування {value} має бути цілим числом, не меншим за 1.",
        "en": "The suppression threshold {value} must be a whole number of at least 1.",
    },
    "evaluation.not_a_count": {
        "uk": "Стовпець «{column}», рядок {row}: «{value}» не є кількістю (цілим невід'ємним числом).",
        "en": "Column '{column}', row {row}: '{value}' is not a count (a whole number, not negative).",
    },
    "evaluation.n_column_needed": {
        "uk": "Щоб приховати статистики з малих груп, вкажіть стовпець із кількістю випадків.",
        "en": "To hide statistics from small groups, name the column with the number of cases.",
    },
    "evaluation.col.scale": {"uk": "Шкала", "en": "Scale"},
    "evaluation.col.n": {"uk": "n", "en": "n"},
    "evaluation.col.before": {"uk": "До: середнє (СВ)", "en": "Before, M (SD)"},
    "evaluation.col.after": {"uk": "Після: середнє (СВ)", "en": "After, M (SD)"},
    "evaluation.col.difference": {"uk": "Різниця [{level}% ДІ]", "en": "Mean difference [{level}% CI]"},
    "evaluation.col.t": {"uk": "t (ступені свободи)", "en": "t (df)"},
    "evaluation.col.p": {"uk": "p", "en": "p"},
    "evaluation.col.wilcoxon": {"uk": "Вілкоксон: W+; p", "en": "Wilcoxon W+, p"},
    "evaluation.col.effect": {"uk": "Ефект {name} [{level}% ДІ]", "en": "{name} [{level}% CI]"},
    "evaluation.col.notes": {"uk": "Примітки", "en": "Notes"},
})


# --- suppression ----------------------------------------------------------------------------

def shown_count(count, threshold: int | None = 5, marker: str | None = None, *, keep_zero: bool = True):
    """``count`` as it may be published: itself, or ``marker`` (default ``"<threshold"``, e.g. "<5") when it
    is from 1 to ``threshold − 1`` (zero too with ``keep_zero=False``). ``threshold=None`` hides nothing.
    A count must be a whole number, not negative (:class:`UserError` ``evaluation.not_a_count`` otherwise)."""
    if threshold is None:
        return count
    threshold = _check_threshold(threshold)
    value = _count(count, "n", 1)
    if value is not None and (0 < value < threshold or (value == 0 and not keep_zero)):
        return f"<{threshold}" if marker is None else marker
    return count


def is_hidden(count, threshold: int | None = 5) -> bool:
    """Whether :func:`shown_count` hides ``count`` (statistics computed from it are hidden with it)."""
    return threshold is not None and shown_count(count, threshold) != count


def shown_share(count, total, threshold: int | None = 5, lang: str | None = None, digits: int = 0) -> str:
    """"12 (30%)" for ``count`` of ``total``; "<5" alone when either count is hidden (the share would give
    the hidden count back); "0" when ``total`` is 0."""
    lang = i18n.normalise_language(lang)
    if is_hidden(count, threshold) or is_hidden(total, threshold):
        return str(shown_count(count, threshold) if is_hidden(count, threshold) else shown_count(total, threshold))
    if not total:
        return str(count)
    return f"{count} ({format_percent(count / total, digits, lang)})"


def _check_threshold(value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise UserError("evaluation.threshold", value=value)
    return int(value)


def _count(value, column, row):
    """``value`` as an int count, or None when missing; anything else is refused."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) \
            or value < 0 or float(value) != int(value):
        raise UserError("evaluation.not_a_count", column=column, row=row, value=value)
    return int(value)


def suppress_small_counts(table: pd.DataFrame, columns, threshold: int = 5, marker: str | None = None, *,
                          keep_zero: bool = True, statistic_columns=(), n_column: str | None = None,
                          statistic_marker: str | None = None, parts=None,
                          complement_marker: str = COMPLEMENT) -> pd.DataFrame:
    """A copy of ``table`` with counts from 1 to ``threshold − 1`` in ``columns`` replaced by ``marker``
    (default ``"<threshold"``), by the rule of :func:`shown_count`.

    ``keep_zero=False`` hides zeros as well. ``statistic_columns``: statistics to hide (with
    ``statistic_marker``, by default ``marker``) on every row whose ``n_column`` — the number of
    cases they were computed from, read before any suppression — is below ``threshold``; rows
    with no cases at all are left as they are (their statistics are already empty). Counts must
    be whole numbers, not negative, or missing; rows are named from 1 in errors.
    ``parts``: the positions of the rows whose counts add up to a total published elsewhere (the flow table's
    open and closed rows make up its enrolled; the reliable-change categories make up n). In a column where
    exactly one of them is hidden, the smallest other non-zero one is hidden too, as ``complement_marker``
    ("x"), with its row's statistics, so that the hidden count cannot be had by subtraction (secondary
    suppression, Hundepool et al., 2012, ch. 4). ``attrs["n_suppressed"]`` is how many cells were hidden,
    ``attrs["n_complemented"]`` how many of them for that reason.
    """
    threshold = _check_threshold(threshold)
    columns = [columns] if isinstance(columns, str) else list(columns)
    statistic_columns = [statistic_columns] if isinstance(statistic_columns, str) else list(statistic_columns)
    for column in columns + statistic_columns + ([n_column] if n_column else []):
        if column not in table.columns:
            raise UserError("evaluation.missing_column", column=column)
    if statistic_columns and not n_column:
        raise UserError("evaluation.n_column_needed")
    marker = f"<{threshold}" if marker is None else marker
    statistic_marker = marker if statistic_marker is None else statistic_marker
    out = table.copy()
    hidden = 0
    counts_of = {}
    for column in set(columns + ([n_column] if n_column else [])):
        counts_of[column] = [_count(value, column, row) for row, value in enumerate(table[column].tolist(), 1)]
    for column in columns:
        values = out[column].astype(object).tolist()
        for i, count in enumerate(counts_of[column]):
            shown = shown_count(count, threshold, marker, keep_zero=keep_zero)
            if count is not None and shown != count:
                values[i] = shown
                hidden += 1
        out[column] = pd.Series(values, index=out.index, dtype=object)
    complemented = _complement(out, counts_of, columns, list(parts or ()), complement_marker)
    hidden += len(complemented)
    if statistic_columns:
        small = [n is not None and is_hidden(n, threshold) for n in counts_of[n_column]]
        small = [is_small or (n_column, i) in complemented for i, is_small in enumerate(small)]
        for column in statistic_columns:
            values = out[column].astype(object).tolist()
            for i, is_small in enumerate(small):
                if is_small:
                    values[i] = statistic_marker
                    hidden += 1
            out[column] = pd.Series(values, index=out.index, dtype=object)
    out.attrs["n_suppressed"] = hidden
    out.attrs["n_complemented"] = len(complemented)
    return out


def _complement(out: pd.DataFrame, counts_of: dict, columns: list, parts: list, marker: str) -> set:
    """Hide, in each of ``columns`` where exactly one of the ``parts`` rows is hidden, the smallest other non-zero
    part as ``marker``; returns the ``(column, row position)`` hidden so."""
    done = set()
    for column in columns:
        values = out[column].astype(object).tolist()
        hidden = [i for i in parts if counts_of[column][i] is not None and values[i] != counts_of[column][i]]
        others = [i for i in parts if i not in hidden and counts_of[column][i]]
        if len(hidden) == 1 and others:
            chosen = min(others, key=lambda i: (counts_of[column][i], i))
            values[chosen] = marker
            done.add((column, chosen))
            out[column] = pd.Series(values, index=out.index, dtype=object)
    return done


# --- formatting ---------------------------------------------------------------------------

def _localise(text: str, lang: str) -> str:
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "uk" else text


def format_number(value, digits: int = 2, lang: str | None = None) -> str:
    """``value`` rounded to ``digits`` decimals: "1.50" / "1,50", "−0.30"; missing is "—"."""
    lang = i18n.normalise_language(lang)
    if is_missing(value):
        return DASH
    text = f"{float(value):.{digits}f}"
    if text.lstrip("-").strip("0.") == "":  # −0.00 is 0.00
        text = text.lstrip("-")
    return _localise(text, lang)


def format_percent(share, digits: int = 0, lang: str | None = None) -> str:
    """A share 0–1 as a percentage, "68%" ("12,5%" in Ukrainian with ``digits=1``), halves rounded up as a
    reader rounds (1 of 8 is 13%); missing is "—"."""
    lang = i18n.normalise_language(lang)
    if is_missing(share):
        return DASH
    shown = Decimal(str(100 * float(share))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return _localise(f"{shown:.{digits}f}", lang) + "%"


def format_mean_sd(mean, sd, digits: int = 2, lang: str | None = None) -> str:
    """"M (SD)": "8.70 (0.82)", in Ukrainian "8,70 (0,82)"; a missing SD shows as "—"."""
    if is_missing(mean):
        return DASH
    return f"{format_number(mean, digits, lang)} ({format_number(sd, digits, lang)})"


def format_ci(low, high, digits: int = 2, lang: str | None = None) -> str:
    """An interval: "[0.56, 2.40]" in English, "[0,56; 2,40]" in Ukrainian; "—" when missing."""
    lang = i18n.normalise_language(lang)
    if is_missing(low) or is_missing(high):
        return DASH
    separator = "; " if lang == "uk" else ", "
    return f"[{format_number(low, digits, lang)}{separator}{format_number(high, digits, lang)}]"


def format_estimate_ci(estimate, low, high, digits: int = 2, lang: str | None = None) -> str:
    """"1.50 [0.56, 2.40]"; the interval is left out when missing, the whole is "—" without an estimate."""
    if is_missing(estimate):
        return DASH
    interval = format_ci(low, high, digits, lang)
    text = format_number(estimate, digits, lang)
    return text if interval == DASH else f"{text} {interval}"


def format_p(p, lang: str | None = None, digits: int = 3) -> str:
    """A p-value for a table: ".022" and "< .001" (APA), or "0,022" and "< 0,001" in Ukrainian.

    Values that round to 1 are shown as "> .999" ("> 0,999"); missing is "—".
    """
    lang = i18n.normalise_language(lang)
    if is_missing(p):
        return DASH
    p = float(p)
    smallest = 10 ** -digits
    if p < smallest:
        text = f"< {smallest:.{digits}f}"
    elif round(p, digits) >= 1:
        text = f"> {1 - smallest:.{digits}f}"
    else:
        text = f"{p:.{digits}f}"
    if lang == "en":
        text = text.replace("0.", ".")
    return _localise(text, lang)


def format_t(t, df, digits: int = 2, lang: str | None = None) -> str:
    """"4.74 (9)"; a fractional df (Welch) keeps two decimals: "−3.77 (18.33)"."""
    if is_missing(t):
        return DASH
    if is_missing(df):
        return format_number(t, digits, lang)
    df_text = str(int(df)) if float(df).is_integer() else format_number(df, 2, lang)
    return f"{format_number(t, digits, lang)} ({df_text})"


def table_for_people(table: pd.DataFrame, lang: str | None = None, digits: int = 2):
    """``table`` as a reader sees it: no index column, numbers rounded to ``digits`` decimals in ``lang``'s
    convention (:func:`format_number`), a column of whole numbers (counts, even stored as floats beside a
    missing value) without decimals, text such as "<5" untouched, missing as "—". Returns a pandas ``Styler``,
    which a notebook shows as HTML."""
    lang = i18n.normalise_language(lang)

    def numbers(column):
        return [v for v in table[column].tolist() if is_number(v) and not is_missing(v)]

    def shown(value, places):
        if isinstance(value, str):
            return value
        if is_missing(value):
            return DASH
        return format_number(value, places, lang) if is_number(value) else str(value)

    style = table.style.hide(axis="index")
    for column in table.columns:
        whole = all(float(v).is_integer() for v in numbers(column))
        style = style.format(lambda v, places=0 if whole else digits: shown(v, places), subset=[column],
                             escape="html")
    return style


def write_for_publication(folder, tables: dict, figures: dict, paragraphs=()) -> list:
    """Write what a paper takes from the research notebook into ``folder`` (made if needed): each table of
    ``tables`` ({name: frame}, already suppressed and headed in the reader's language) as ``<name>.csv`` (UTF-8,
    no index), each figure of ``figures`` as ``<name>.png`` with its caption in ``<name>.txt``, and the
    ``paragraphs`` in ``conclusions.md``. The files are private (:mod:`workbench.files`), as the export they
    come from. Returns the paths written."""
    folder = private_folder(Path(folder))
    written = [write_private(folder / f"{name}.csv", table.to_csv(index=False)) for name, table in tables.items()]
    for name, figure in figures.items():
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=150, bbox_inches="tight")
        written.append(write_private(folder / f"{name}.png", png.getvalue()))
        written.append(write_private(folder / f"{name}.txt", getattr(figure, "caption", "") + "\n"))
    if paragraphs:
        written.append(write_private(folder / "conclusions.md", "\n\n".join(paragraphs) + "\n"))
    return written


def format_change_table(table: pd.DataFrame, lang: str | None = None, *, digits: int = 2, level: int = 95,
                        min_n: int | None = None, marker: str | None = None) -> pd.DataFrame:
    """The table a paper prints, from :func:`workbench.evaluation.change.change_table`.

    Columns (headers in ``lang``): scale, n, before and after as "M (SD)", mean difference with
    its interval, t (df), p, Wilcoxon W⁺ and p, d_z, d_rm, d_av and g_av with intervals, notes.
    ``level`` only labels the intervals (match the ``alpha`` the table was computed with).
    ``min_n``: scales with fewer pairs show n as ``marker`` (default "<min_n") and no statistics nor notes;
    on the other rows the counts the notes give (clients measured once, pairs dropped, zero differences)
    are hidden by the same rule (:func:`shown_count`).
    """
    lang = i18n.normalise_language(lang)
    rows = []
    for record in table.to_dict("records"):
        rows.append({
            "scale": record["scale"],
            "n": record["n_pairs"],
            "before": format_mean_sd(record["before_mean"], record["before_sd"], digits, lang),
            "after": format_mean_sd(record["after_mean"], record["after_sd"], digits, lang),
            "difference": format_estimate_ci(record["mean_difference"], record["mean_difference_low"],
                                             record["mean_difference_high"], digits, lang),
            "t": format_t(record["t"], record["df"], digits, lang),
            "p": format_p(record["p"], lang),
            "wilcoxon": DASH if is_missing(record["wilcoxon_statistic"]) else
            f"{format_number(record['wilcoxon_statistic'], 1, lang)}; {format_p(record['wilcoxon_p'], lang)}",
            **{name: format_estimate_ci(record[name], record[f"{name}_low"], record[f"{name}_high"], digits, lang)
               for name in ("d_z", "d_rm", "d_av", "g_av")},
            "notes": record.get("notes", ""),
        })
    out = pd.DataFrame(rows, columns=["scale", "n", "before", "after", "difference", "t", "p", "wilcoxon",
                                      "d_z", "d_rm", "d_av", "g_av", "notes"])
    if min_n is not None:
        min_n = _check_threshold(min_n)
        statistics = ["before", "after", "difference", "t", "p", "wilcoxon", "d_z", "d_rm", "d_av", "g_av", "notes"]
        out["notes"] = [_note_counts_shown(text, min_n, lang) for text in out["notes"]]
        out = suppress_small_counts(out, ["n"], threshold=min_n, marker=marker or f"<{min_n}",
                                    statistic_columns=statistics, n_column="n", statistic_marker=DASH)
    headers = {
        "scale": i18n.t("evaluation.col.scale", lang), "n": i18n.t("evaluation.col.n", lang),
        "before": i18n.t("evaluation.col.before", lang), "after": i18n.t("evaluation.col.after", lang),
        "difference": i18n.t("evaluation.col.difference", lang, level=level),
        "t": i18n.t("evaluation.col.t", lang), "p": i18n.t("evaluation.col.p", lang),
        "wilcoxon": i18n.t("evaluation.col.wilcoxon", lang),
        **{name: i18n.t("evaluation.col.effect", lang, name=name, level=level)
           for name in ("d_z", "d_rm", "d_av", "g_av")},
        "notes": i18n.t("evaluation.col.notes", lang),
    }
    return out.rename(columns=headers)


# The notes of :func:`workbench.evaluation.change.change_row` that give a count of people.
_COUNTED_NOTES = ("evaluation.note.single", "evaluation.note.dropped", "evaluation.note.zeros")


def _note_counts_shown(notes, threshold: int, lang: str) -> str:
    """``notes`` with the count in each of :data:`_COUNTED_NOTES` as :func:`shown_count` shows it; the
    pattern of each note is read from the catalogue, so a reworded note is still found."""
    if not isinstance(notes, str):
        return notes
    for key in _COUNTED_NOTES:
        before, after = i18n.t(key, lang, n="\0").split("\0")
        notes = re.sub(re.escape(before) + r"(\d+)" + re.escape(after),
                       lambda m, b=before, a=after: f"{b}{shown_count(int(m.group(1)), threshold)}{a}", notes)
    return notes
