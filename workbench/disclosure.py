"""Disclosure control for the research export: how many clients are the only one with what an outsider may know.

A researcher, or anyone the files reach, may know a few facts about a person from elsewhere: the programme,
the sex, the age, how many live in the household, roughly when the family came to the centre. These are the
**quasi-identifiers**; a client who is the only one in the export with their combination can be found again
without any name. :func:`unique_share` counts the share of such clients; :func:`choose_level` walks the
:data:`LADDER` of coarsenings, finest first, and returns the first :class:`Level` under the target
(:data:`TARGET`, fewer than 5% unique), or the coarsest, flagged (``meets_target`` false), when none gets there:
the data are then exported as they are at that level and the manifest and the command warn; nothing is
suppressed.

A level says how precisely each quasi-identifier is counted:

- ``intake``: the period of the case's opening the outsider is assumed to know, ``day``, ``month``, ``quarter``,
  ``half-year`` or ``year``. The count is done on the **real** calendar dates, before any shift. The export's
  dates stay to the day (survival intervals need them), but with the default shift of every date of a client by
  the same keyed −180…+180 days, an export places a client's real intake only within a window of about a year,
  so counting on the real period, down to a year, assumes no less than the export gives away. With exact dates
  the export shows the day: the export then counts on the day at every level (:func:`pinned`).
- ``age``: age bands on the day the case opened, ``fine`` (0-13, 14-17, 18-24, 25-34, 35-49, 50-64, 65+) or
  ``broad`` (0-17, 18-34, 35-64, 65+); ``birth_year`` when the export gives birth years (the ladder then keeps it).
- ``household``: the household size, ``exact`` or ``banded`` (1, 2, 3-4, 5+).

The exported age and household columns are the chosen level's bands. (An open case's ``followed_until`` is its
last recorded contact, a day the export shows anyway, so it does not give the client's shift away.)

Everything here is pure: pandas in, numbers and labels out; nothing is read or written.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from . import i18n

TARGET = 0.05
INTAKE_PERIODS = ("day", "month", "quarter", "half-year", "year")
AGE_BANDS = {
    "fine": ((0, 13, "0-13"), (14, 17, "14-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"),
             (50, 64, "50-64"), (65, None, "65+")),
    "broad": ((0, 17, "0-17"), (18, 34, "18-34"), (35, 64, "35-64"), (65, None, "65+")),
}
BIRTH_YEAR = "birth_year"
AGES = (*AGE_BANDS, BIRTH_YEAR)
HOUSEHOLD_BANDS = {
    "exact": None,
    "banded": ((1, 1, "1"), (2, 2, "2"), (3, 4, "3-4"), (5, None, "5+")),
}
QUASI_IDENTIFIERS = ("programme", "sex", "age", "household_size", "intake")
MISSING = "?"  # a missing value is a value of its own: several clients without a birth date share it


@dataclass(frozen=True)
class Level:
    """How precisely each quasi-identifier is counted (and the age and household sizes exported)."""

    intake: str
    age: str
    household: str

    def __post_init__(self):
        if self.intake not in INTAKE_PERIODS:
            raise ValueError(f"intake: one of {INTAKE_PERIODS}, not {self.intake!r}")
        if self.age not in AGES:
            raise ValueError(f"age: one of {AGES}, not {self.age!r}")
        if self.household not in HOUSEHOLD_BANDS:
            raise ValueError(f"household: one of {tuple(HOUSEHOLD_BANDS)}, not {self.household!r}")

    def as_dict(self) -> dict:
        return {"intake": self.intake, "age": self.age, "household": self.household}

    def describe(self, lang: str | None = None) -> str:
        """E.g. "intake: year; age: 0-17, 18-34, 35-64, 65+; household: exact size"."""
        age = (i18n.t("disclosure.birth_year", lang) if self.age == BIRTH_YEAR
               else ", ".join(label for _, _, label in AGE_BANDS[self.age]))
        household = (i18n.t("disclosure.household_exact", lang) if HOUSEHOLD_BANDS[self.household] is None
                     else ", ".join(label for _, _, label in HOUSEHOLD_BANDS[self.household]))
        return i18n.t("disclosure.level", lang, intake=i18n.t(f"disclosure.intake.{self.intake}", lang), age=age,
                      household=household)


# Finest first. Each rung is at least as coarse as the one before in every quasi-identifier. The intake period
# goes first: with shifted dates it changes nothing in the files. Then the age bands, then the household size.
LADDER = (
    Level("day", "fine", "exact"),
    Level("month", "fine", "exact"),
    Level("quarter", "fine", "exact"),
    Level("half-year", "fine", "exact"),
    Level("year", "fine", "exact"),
    Level("year", "broad", "exact"),
    Level("year", "broad", "banded"),
)
FULL_PRECISION = LADDER[0]  # the exact intake day, the export's former age bands, the exact household size


@dataclass(frozen=True)
class Choice:
    """What :func:`choose_level` found: the level, the unique share at it, and whether it is under the target."""

    level: Level
    unique_share: float
    meets_target: bool
    target: float
    step: int  # the level's place in the ladder walked, from 1


# --- bands --------------------------------------------------------------------------------------------------

def intake_period(dates: pd.Series, period: str) -> pd.Series:
    """Each date's period as text: ``2026-03-14`` (day), ``2026-03``, ``2026-Q1``, ``2026-H1``, ``2026``."""
    if period not in INTAKE_PERIODS:
        raise ValueError(f"period: one of {INTAKE_PERIODS}, not {period!r}")
    dates = pd.to_datetime(pd.Series(dates))
    if period == "day":
        out = dates.dt.strftime("%Y-%m-%d")
    elif period == "month":
        out = dates.dt.strftime("%Y-%m")
    else:
        year = dates.dt.year.astype("Int64").astype(str)
        if period == "quarter":
            out = year + "-Q" + dates.dt.quarter.astype("Int64").astype(str)
        elif period == "half-year":
            out = year + "-H" + ((dates.dt.month.astype("Int64") - 1) // 6 + 1).astype(str)
        else:
            out = year
    return _or_none(out, dates.notna())


def _or_none(values: pd.Series, valid: pd.Series) -> pd.Series:
    """``values`` as text where ``valid``, None elsewhere (an object series)."""
    return pd.Series([v if ok else None for v, ok in zip(values, valid)], index=values.index, dtype="object")


def _bands(values: pd.Series, bands) -> pd.Series:
    values = pd.to_numeric(pd.Series(values), errors="coerce")
    out = pd.Series([None] * len(values), index=values.index, dtype="object")
    for low, high, label in bands:
        inside = (values >= low) if high is None else (values >= low) & (values <= high)
        out[inside.fillna(False).astype(bool)] = label
    return out


def age_band(years: pd.Series, banding: str = "fine") -> pd.Series:
    """The band of ages in whole years (``fine`` or ``broad``, see :data:`AGE_BANDS`); missing stays missing."""
    return _bands(years, AGE_BANDS[banding])


def household_band(sizes: pd.Series, banding: str = "exact") -> pd.Series:
    """The household size as a band code: the size itself (``exact``: ``1``, ``2``, …) or ``1``, ``2``,
    ``3-4``, ``5+`` (``banded``); missing stays missing."""
    bands = HOUSEHOLD_BANDS[banding]
    if bands is None:
        sizes = pd.to_numeric(pd.Series(sizes), errors="coerce")
        return _or_none(sizes.astype("Int64").astype(str), sizes.notna())
    return _bands(sizes, bands)


def pinned(ladder=LADDER, *, intake: str | None = None, age: str | None = None) -> tuple[Level, ...]:
    """The ladder with the intake period or the age fixed at every rung (what the export shows anyway: the day,
    with exact dates; the birth year), rungs made equal by it kept once, in order."""
    out = []
    for level in ladder:
        level = replace(level, **({"intake": intake} if intake else {}), **({"age": age} if age else {}))
        if level not in out:
            out.append(level)
    return tuple(out)


# --- counting -----------------------------------------------------------------------------------------------

def keys(clients: pd.DataFrame, level: Level) -> pd.Series:
    """The quasi-identifier key of each row of ``clients`` at ``level``: programme, sex, age band (or birth
    year), household band and intake period joined in one text. ``clients`` holds ``programme``, ``sex``,
    ``age`` (whole years on the day the case opened; or ``birth_year``), ``household_size`` and ``intake``
    (the real day the case opened)."""
    if level.age == BIRTH_YEAR:
        years = pd.to_numeric(clients["birth_year"], errors="coerce")
        age = _or_none(years.astype("Int64").astype(str), years.notna())
    else:
        age = age_band(clients["age"], level.age)
    parts = [clients["programme"], clients["sex"], age, household_band(clients["household_size"], level.household),
             intake_period(clients["intake"], level.intake)]
    out = None
    for part in parts:
        part = part.astype(object).where(part.notna(), MISSING).astype(str)
        out = part if out is None else out + "|" + part
    return out


def unique_share(keys: pd.Series, owners: pd.Series | None = None) -> float:
    """The share of clients who are unique: who hold a key no other client holds. ``owners`` names each key's
    client (a client with several cases has several rows); without it each key is a client of its own.
    0 when there is no one."""
    keys = pd.Series(keys).reset_index(drop=True)
    if not len(keys):
        return 0.0
    owners = (pd.Series(range(len(keys))) if owners is None else pd.Series(owners).reset_index(drop=True))
    frame = pd.DataFrame({"key": keys, "owner": owners})
    holders = frame.drop_duplicates().groupby("key")["owner"].nunique()
    frame["alone"] = frame["key"].map(holders) == 1
    return float(frame.groupby("owner")["alone"].any().mean())


def choose_level(clients: pd.DataFrame, target: float = TARGET, *, ladder=LADDER, owners: str | None = "client"
                 ) -> Choice:
    """The first level of ``ladder`` at which fewer than ``target`` of the clients are unique, else the last
    (coarsest) one with ``meets_target`` false. ``owners`` is the column naming each row's client (None: every
    row a client of its own)."""
    if not ladder:
        raise ValueError("an empty ladder")
    who = clients[owners] if owners and owners in clients else None
    for step, level in enumerate(ladder, start=1):
        share = unique_share(keys(clients, level), who)
        if share < target:
            return Choice(level, share, True, target, step)
    return Choice(level, share, False, target, step)


i18n.add({
    "disclosure.intake.day": {"uk": "день", "en": "day"},
    "disclosure.intake.month": {"uk": "місяць", "en": "month"},
    "disclosure.intake.quarter": {"uk": "квартал", "en": "quarter"},
    "disclosure.intake.half-year": {"uk": "півріччя", "en": "half-year"},
    "disclosure.intake.year": {"uk": "рік", "en": "year"},
    "disclosure.birth_year": {"uk": "рік народження", "en": "birth year"},
    "disclosure.household_exact": {"uk": "точна кількість осіб", "en": "exact number of persons"},
    "disclosure.level": {"uk": "період прийому — {intake}; вік — {age}; домогосподарство — {household}",
                         "en": "intake period: {intake}; age: {age}; household: {household}"},
})
