"""Every public store function driven with random and hostile values (issue 17): the harness that
tests/test_hostile_input.py runs under pytest and benchmarks/hostile_input.py runs to count outcomes.

For each function with a recipe in tests/test_store_access.py (found there by introspection), the
recipe's valid call is captured (its arguments, bound to the function's signature) on a copy of that
test's small world; hypothesis then replaces one to three of its parameters (the actor too) with values
drawn from :func:`hostile_value` or :func:`mutated` (the valid value changed: decomposed, padded,
an element or a key replaced), and :func:`try_call` checks each call:

- refused: a ``UserError`` whose message renders in Ukrainian and English, non-empty, the two
  different, every placeholder of the catalogue's template filled; and nothing written;
- accepted: every text it was given (a free-text argument, or text inside a list or dict argument) is
  read back from the rows the call wrote equal to its NFC form, stripped; no text it wrote is other
  than NFC; no row of an append-only table changed;
- anything else fails (under pytest hypothesis shrinks it to its smallest example).

After each function's run, :func:`check_after_run`: ``PRAGMA integrity_check`` ok, no broken foreign
key, ``check_database`` ok (the audit chain and every record's hash) and no partial record
(:data:`PARTIAL_RECORDS`).

Profiles (:data:`PROFILES`): ``ci``, fixed-seed (``derandomize``, no example database, no deadline)
and bounded per function; ``long`` (``WB_HYPOTHESIS=long``), ten times as many examples, a new seed each
run.
"""
from __future__ import annotations

import importlib
import inspect
import json
import math
import os
import string
import sys
import unicodedata
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/: when run outside pytest (benchmarks/)

import test_store_access as access
from conftest import copy_database

from workbench import i18n
from workbench.i18n import UserError
from workbench.store.schema import ALL_APPEND_ONLY

PROFILES = {
    "ci": settings(max_examples=int(os.environ.get("WB_HYPOTHESIS_EXAMPLES", 0)) or 24, derandomize=True,
                   database=None, deadline=None, suppress_health_check=list(HealthCheck)),
    "long": settings(max_examples=int(os.environ.get("WB_HYPOTHESIS_EXAMPLES", 0)) or 240, derandomize=False,
                     database=None, deadline=None, suppress_health_check=list(HealthCheck)),
}


def profile_name() -> str:
    """``long`` when ``WB_HYPOTHESIS=long``, else ``ci``."""
    return "long" if os.environ.get("WB_HYPOTHESIS") == "long" else "ci"


# Parameters code supplies, never a person: not driven, each with the reason.
CODE_PARAMETERS = {
    "db": "the connection",
    "today": "the clock: the apps pass date.today() (tests a fixed day)",
    "calendar": "the working-day calendar, read from the configuration by the caller",
    "state": "a case's state the caller has just read from the store",
    "instrument": "an Instrument object from the instrument loader (which checks an XLSForm), not a value typed",
}

# Text arguments an accepted call does not store as given, each with the reason (else every accepted text is
# read back from the rows written, equal to its NFC form).
NOT_STORED_AS_GIVEN = {
    ("credentials.set_password", "password"): "stored as a hash",
    ("credentials.change_password", "current"): "compared with the hash",
    ("credentials.change_password", "new"): "stored as a hash",
    ("credentials.change_password", "repeated"): "compared with the new password",
    ("audit.record_export", "entity_id"): "a period or an export's folder, kept as the file system spells it",
    ("audit.record_export", "details"): "an export's facts (its folder, options, counts), kept as they are",
}

# SQL that finds a partial record: each must return no row, after any call, accepted or refused.
PARTIAL_RECORDS = {
    "a person without a consent": "select id from persons p where not exists "
                                  "(select 1 from consents c where c.person_id = p.id)",
    "a person without search keys": "select id from persons p where not exists "
                                    "(select 1 from person_keys k where k.person_id = p.id)",
    "a case of nobody": "select id from cases where (household_id is null) = (person_id is null)",
    "an assessment without answers": "select id from assessments a where not exists "
                                     "(select 1 from answers x where x.assessment_id = a.id)",
    "a goal with a level blank": "select id from goals where '' in (trim(level_minus2), trim(level_minus1), "
                                 "trim(level_0), trim(level_plus1), trim(level_plus2))",
    "a user without a version": "select username from users u where not exists "
                                "(select 1 from user_versions v where v.username = u.username)",
    "an event without staff": "select id from events where json_array_length(staff) = 0",
}

# --- hostile values ------------------------------------------------------------------------------

SPECIAL_CHARACTERS = (
    [chr(c) for c in (0, 7, 8, 0x1B, 0x7F, 0x85, 0x9F)] + ["\t", "\n", "\r", "\x0b", "\x0c"]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e"]  # zero-width, BOM, soft hyphen
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\u200e", "\u200f"]
    + ["\u2028", "\u2029"]  # line and paragraph separators
    + ["\u0301", "\u0306", "\u0308", "\u0327", "\u20dd"]  # combining marks
    + ["\ud800", "\udbff", "\udc00", "\udfff"]  # lone surrogates
    + ["\u00a0", "\u3000", "\ufffd", "\uffff", "\ufffe", "\U0010ffff", "\U0001f600", "\ue000"]
    + ["'", '"', "ʼ", "%", "_", "\\", "{", "}", "{value}", "{0}", "<b>", "; drop table cases; --"]
)
# Decomposed forms: each differs from its NFC form (й, ї, ё, é, Å by its ring).
DECOMPOSED = ["и\u0306", "і\u0308", "е\u0308", "e\u0301", "A\u030a", "Й", "Ї"]
WORDS = ["Нова", "Ліна", "Тихоліс", "Ганна", "мати", "research", "family_support", "female", "idp", "a.worker",
         "2026-03-01", "01.03.2026", "1", "0", "-1", "true", "null", " ", ""]


def _unicode_character():
    """Any code point at all, lone surrogates and unassigned ones included."""
    return st.integers(0, 0x10FFFF).map(chr)


def _hostile_text():
    fragment = st.one_of(st.sampled_from(SPECIAL_CHARACTERS), st.sampled_from(DECOMPOSED), st.sampled_from(WORDS),
                         _unicode_character(), st.text(max_size=4))
    joined = st.lists(fragment, max_size=8).map("".join)
    long = st.tuples(st.sampled_from([201, 256, 1001, 4097, 100_001]),
                     st.sampled_from(["Я", "a", "и\u0306", "\u0301", " "])).map(lambda x: x[1] * x[0])
    return st.one_of(joined, long)


INTEGERS = [0, -1, 1, 2, 3, 7, 99, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63), -(2**63) - 1, 10**30, True,
            False]
FLOATS = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, 1.5, 1e308, 5e-324]
DATE_TEXTS = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "2026-13-01", "2026-00-10",
              "01.03.2026", "1.3.2026", "31.02.2026", "00.00.0000", "99.99.9999", "31.12.9999", "01.01.0001",
              "2026/03/01", "20260301", "2026-03-01T10:00:00", "2026-03-01 ", " 2026-03-01", "2026-3-1",
              "+2026-03-01", "-2026-03-01", "２０２６-０３-０１", "٢٠٢٦-٠٣-٠١", "2026-03-01\u202e", "2026\u200b-03-01",
              "today", "None", "nan", "", "  "]
OTHER_OBJECTS = [None, b"", b"\x00", b"\xff\xfe", "Нова".encode(), bytearray(b"x"), Decimal("1.5"), Decimal("NaN"),
                 complex(1, 2), object(), frozenset({1}), set(), (), (1,), [], [None], [1], [[1]], ["x"], {}, {"": None},
                 {"id": 1}, {1: 2}, date(1, 1, 1), date(9999, 12, 31), date(1899, 12, 31), date(2026, 3, 1),
                 datetime(2026, 3, 1, 12, 30)]

# Built once: hypothesis validates a strategy when it is first drawn from, which costs more than a call.
HOSTILE_TEXT = _hostile_text()
_SCALAR = st.one_of(st.none(), st.sampled_from(INTEGERS), st.integers(), st.sampled_from(FLOATS), st.floats(),
                    HOSTILE_TEXT, st.sampled_from(DATE_TEXTS), st.sampled_from(OTHER_OBJECTS), st.binary(max_size=8),
                    st.dates(), st.dates().map(date.isoformat))
_KEY = st.one_of(HOSTILE_TEXT, st.integers())
# A value of any type a caller might pass by mistake or on purpose: text of every kind, numbers at and past every
# limit, dates and date strings, None, bytes, lists, dicts and other objects, nested.
HOSTILE_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner),
                                                              st.dictionaries(_KEY, inner, max_size=3)),
                             max_leaves=6)
_INSERTED = st.tuples(st.floats(0, 1), st.one_of(st.sampled_from(SPECIAL_CHARACTERS), st.sampled_from(DECOMPOSED),
                                                 _unicode_character()))


def mutated(valid):
    """``valid`` changed a little: text decomposed, padded, upper-cased, repeated or with a hostile character put
    in; an id a neighbour, negative, past SQLite's integers, as text, a float or in a list; a list or dict with one
    element made hostile (or changed so), a hostile key added or a key left out. Anything else: a hostile value."""
    if isinstance(valid, bool) or valid is None:
        return HOSTILE_VALUE
    if isinstance(valid, str):
        return st.one_of(st.sampled_from([unicodedata.normalize("NFD", valid), f"  {valid}\t", valid.upper(),
                                          valid * 300]),
                         _INSERTED.map(lambda x: _insert(valid, *x)))
    if isinstance(valid, int):
        return st.sampled_from([valid + 1, valid - 1, -valid, str(valid), float(valid), [valid], {"id": valid},
                                valid + 2**63, valid + 2**64])
    if isinstance(valid, (list, tuple)) and valid:
        elements = [st.one_of(mutated(v), HOSTILE_VALUE) for v in valid]
        return st.one_of(_one_element_changed(valid, elements),
                         HOSTILE_VALUE.map(lambda new: type(valid)([*valid, new])))
    if isinstance(valid, (list, tuple)):
        return st.lists(HOSTILE_VALUE, min_size=1, max_size=3).map(type(valid))
    if isinstance(valid, dict) and valid:
        keys = list(valid)
        return st.one_of(_one_element_changed(valid, {k: st.one_of(mutated(v), HOSTILE_VALUE) for k, v in valid.items()}),
                         st.tuples(_KEY, HOSTILE_VALUE).map(lambda kv: {**valid, kv[0]: kv[1]}),
                         st.sampled_from(keys).map(lambda k: {key: v for key, v in valid.items() if key != k}))
    if isinstance(valid, dict):
        return st.dictionaries(_KEY, HOSTILE_VALUE, min_size=1, max_size=3)
    return HOSTILE_VALUE


def _insert(text: str, where: float, inserted: str) -> str:
    at = round(where * len(text))
    return text[:at] + inserted + text[at:]


@st.composite
def _one_element_changed(draw, valid, strategies):
    """``valid`` (a list, tuple or dict) with one element (or key's value) drawn from its own of ``strategies``."""
    if isinstance(valid, dict):
        key = draw(st.sampled_from(list(valid)))
        return {**valid, key: draw(strategies[key])}
    at = draw(st.integers(0, len(valid) - 1))
    return type(valid)([*valid[:at], draw(strategies[at]), *valid[at + 1:]])


ACTOR_SHARE = 8  # the actor is among the parameters replaced in one call of about this many: each refusal says little


@st.composite
def _substitutions(draw, parameters, strategies):
    others = [p for p in parameters if p != "actor"]
    names = draw(st.lists(st.sampled_from(others), min_size=1, max_size=min(3, len(others)), unique=True)) \
        if others else []
    if not others or draw(st.integers(0, ACTOR_SHARE - 1)) == 0:
        names.append("actor")
    return {n: draw(strategies[n]) for n in names}


def substitutions(valid: dict, parameters: list[str]):
    """Which parameters to replace (one to three of ``parameters``; the actor now and then too) and by what:
    a hostile value or the valid one changed (:func:`mutated`)."""
    strategies = {n: st.one_of(mutated(valid.get(n)), HOSTILE_VALUE) for n in parameters}
    return _substitutions(parameters, strategies)


# --- the valid call ------------------------------------------------------------------------------

class _Captured(Exception):
    """Raised in place of the store function, once the recipe has called it with its arguments."""


def store_function(name: str):
    module, function = name.split(".")
    return importlib.import_module(f"workbench.store.{module}"), function


def valid_call(name: str, db, world: dict) -> tuple[object, inspect.BoundArguments]:
    """The function ``name`` (``module.function``) and the arguments its recipe calls it with, as the first
    actor the recipe allows, bound to its signature with every default filled in. The recipe is run with the
    function replaced by a recorder, so nothing is done; a recipe that holds the function itself (a read of the
    whole record, :func:`test_store_access._whole`) calls it with ``(db, actor)`` alone."""
    recipe = access.RECIPES[name]
    actor = recipe.allowed[0]
    module, attribute = store_function(name)
    function = getattr(module, attribute)
    seen = {}

    def recorder(*args, **kwargs):
        seen["call"] = args, kwargs
        raise _Captured

    closure = [cell.cell_contents for cell in recipe.call.__closure__ or ()]
    setattr(module, attribute, recorder)
    try:
        if function in closure:
            seen["call"] = (db, actor), {}
        else:
            recipe.call(db, actor, world)
    except _Captured:
        pass
    finally:
        setattr(module, attribute, function)
    assert "call" in seen, f"the recipe of {name} did not call it"
    bound = inspect.signature(function).bind(*seen["call"][0], **seen["call"][1])
    bound.apply_defaults()
    return function, bound


def driven_parameters(function) -> list[str]:
    """The parameters hostile values replace: all but those code supplies and private ones."""
    return [p for p in inspect.signature(function).parameters if p not in CODE_PARAMETERS and not p.startswith("_")]


# --- one call --------------------------------------------------------------------------------------

def snapshot(db) -> dict[str, Counter]:
    """Every row of every table, as a multiset per table (the world is small)."""
    return {t: Counter(db.execute(f"select * from [{t}]").fetchall()) for t in db.table_names()}


def check_refusal(error: UserError) -> None:
    """The refusal reads in both languages, non-empty and different, with every placeholder of its templates filled
    (an InvalidInput's problems too)."""
    catalogue = i18n.catalogue()
    uk, en = error.message("uk"), error.message("en")
    assert uk.strip() and en.strip() and uk != en, (error.key, uk, en)
    problems = getattr(error, "problems", None)  # InvalidInput: its message is its problems' (inputs.py)
    for e in problems.values() if problems else [error]:
        for lang in i18n.LANGUAGES:
            fields = {f for _, f, _, _ in string.Formatter().parse(catalogue[e.key][lang]) if f}
            assert fields <= set(e.params), (e.key, lang, fields - set(e.params))
        e.message("uk"), e.message("en")


def refusal_key(error: UserError) -> str:
    problems = getattr(error, "problems", None)
    if problems:
        return f"{error.key}: " + ",".join(sorted({p.key for p in problems.values()}))
    return error.key


def _leaves(value, *, texts_only=False):
    """Every text inside ``value`` (a JSON list or object in a text: what it holds), and every other scalar as
    text; with ``texts_only`` (what a call was given) only its texts, and not a dict's keys: those name fields."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not texts_only:
                yield from _leaves(k)
            yield from _leaves(v, texts_only=texts_only)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v, texts_only=texts_only)
    elif isinstance(value, str):
        try:
            decoded = json.loads(value) if value[:1] in "[{" else None
        except ValueError:
            decoded = None
        if isinstance(decoded, (list, dict)):
            yield from _leaves(decoded, texts_only=texts_only)
        else:
            yield value
    elif value is not None and not isinstance(value, bytes) and not texts_only:
        yield str(value)


def _written(before: dict, after: dict) -> dict[str, list]:
    return {t: list((after[t] - before.get(t, Counter())).elements()) for t in after
            if after[t] - before.get(t, Counter())}


def _dated(text: str) -> bool:
    from workbench.instruments.validation import parse_date

    return parse_date(text)[1] is None


def expected_form(text: str) -> str:
    """How an accepted text is kept: NFC, stripped."""
    return unicodedata.normalize("NFC", text).strip()


def try_call(name: str, function, valid: inspect.BoundArguments, replaced: dict, db) -> str:
    """Call ``function`` with ``valid``'s arguments, ``replaced`` put in; check what it did (see the module's
    docstring). Returns the outcome: ``accepted`` or ``refused <key>``; raises on anything else."""
    arguments = inspect.BoundArguments(valid.signature, dict(valid.arguments, **replaced))
    before = snapshot(db)
    try:
        function(*arguments.args, **arguments.kwargs)
    except UserError as error:
        check_refusal(error)
        assert not db.conn.in_transaction
        assert snapshot(db) == before, f"{name} refused ({error.key}) but wrote"
        return f"refused {refusal_key(error)}"
    assert not db.conn.in_transaction
    after = snapshot(db)
    for table in ALL_APPEND_ONLY:
        assert not before[table] - after[table], f"{name} changed or removed a row of {table}"
    written = _written(before, after)
    stored = {leaf for rows in written.values() for row in rows for leaf in _leaves(list(row))}
    kept_as_given = {text for parameter, value in replaced.items() if (name, parameter) in NOT_STORED_AS_GIVEN
                     for text in _leaves(value)}
    for text in stored - kept_as_given:
        assert unicodedata.is_normalized("NFC", text), f"{name} stored text not in NFC: {text!r}"
    if set(written) - {"audit_log"}:  # a write: the texts it was given are read back
        for parameter, value in replaced.items():
            if (name, parameter) in NOT_STORED_AS_GIVEN:
                continue
            for text in _leaves(value, texts_only=True):
                if text.strip() and not _dated(text):
                    assert expected_form(text) in stored, \
                        f"{name} accepted {parameter}={value!r} but its text {text!r} is not read back as NFC"
    return "accepted"


# --- a function's run ------------------------------------------------------------------------------

def world_copy(world_path: Path, ids: dict, folder: Path, name: str):
    """A copy of the world in ``folder`` for the function ``name``, its recipe's setup done; ``(db, world)``."""
    from workbench.store.connection import open_db

    copy = copy_database(world_path, folder / "copy.db")
    db = open_db(copy)
    world = dict(ids)
    recipe = access.RECIPES[name]
    if recipe.setup:
        recipe.setup(db, world)
    return db, world


def partial_records(db) -> dict[str, list]:
    return {what: rows for what, sql in PARTIAL_RECORDS.items() if (rows := db.execute(sql).fetchall())}


def check_after_run(db) -> None:
    """The database is whole after a function's run."""
    from workbench.store.integrity import check_database

    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert db.execute("pragma foreign_key_check").fetchall() == []
    report = check_database(db)
    assert report.ok, report
    assert partial_records(db) == {}


def drive(name: str, db, world: dict, profile: str, tally: Counter, *, strict: bool = True,
          failures: list | None = None) -> None:
    """Drive the function ``name`` with hostile values on ``db`` under ``profile``, counting each call's outcome
    in ``tally``. ``strict``: anything but an acceptance or a clear refusal fails (and hypothesis shrinks it);
    otherwise it is counted as ``failed <exception>``, added to ``failures`` as ``(replaced, error)``, and the
    run goes on."""
    function, valid = valid_call(name, db, world)
    parameters = driven_parameters(function)

    @PROFILES[profile]
    @given(substitutions(valid.arguments, parameters))
    def one(replaced):
        try:
            outcome = try_call(name, function, valid, replaced, db)
        except Exception as error:  # counted, or raised again under strict
            tally[f"failed {type(error).__name__}"] += 1
            if db.conn.in_transaction:
                db.conn.execute("rollback")
            if strict:
                raise
            if failures is not None:
                failures.append((replaced, error))
            return
        tally[outcome] += 1

    one.__qualname__ = f"hostile[{name}]"  # hypothesis' report names the function driven
    one()
