"""The values of the XPath subset and how they convert: XPath 1.0 as ODK and KoBoToolbox use it.

A value is one of str, bool, int, float or date. Conversions follow XPath 1.0's number(),
string() and boolean() (https://www.w3.org/TR/1999/REC-xpath-19991116/#corelib) with ODK's
additions (https://getodk.github.io/xforms-spec/#xpath-functions): a date is a number of
days since 1970-01-01. The operators of :mod:`.expressions` live here too.

* An empty answer (None, "", empty list) is "". A select_multiple answer (list
  or tuple) is the space-joined string of its choice names; a repeat instance is "".
* number(v): numbers as is; bool 1/0; date -> days since 1970-01-01; strings
  are stripped and must be a plain decimal (optional sign), an ISO date (days) or an ISO
  dateTime ``yyyy-mm-ddThh:mm[:ss[.s]][Z|+hh:mm]`` (days and a fraction, UTC when an offset is
  given; ODK's number()), else NaN. So two dateTime answers compare and subtract as numbers.
* string(v): bool "true"/"false"; whole numbers without ".0"; NaN "NaN";
  +-inf "Infinity"/"-Infinity"; other floats shortest, never in e-notation;
  dates ISO.  truthy(v): bool as is; number != 0 and not NaN; string non-empty;
  date true.
* ``=``/``!=``: a bool side -> compare truthiness; else a number side -> compare
  numbers (NaN equals nothing); else a date side -> compare dates (strings
  converted, unconvertible -> unequal); else compare strings.  ``!=`` is the
  negation of ``=``.
* ``< <= > >=``: dates when one side is a date and the other converts to one,
  else numbers (NaN -> false).
* Arithmetic on numbers (an ISO string beside a date counts as that date); XPath
  division (x div 0 -> +-Infinity or NaN) and mod (sign of the dividend).
  Whole results are returned as int, others as float.
"""
from __future__ import annotations

import datetime as _dt
import math
import operator
import re
from collections.abc import Mapping
from decimal import Decimal

EPOCH = _dt.date(1970, 1, 1)
BIG = 2 ** 53  # ints beyond this become floats, so arithmetic can never overflow
NAN = float("nan")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?")


def big_float(v: int) -> float:
    """An int as a float, +-inf when it is too large for one."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def tidy(x):
    """Whole numbers as int (within exact float range), others as float."""
    if isinstance(x, float) and x.is_integer() and abs(x) <= BIG:
        return int(x)
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > BIG:
        return big_float(x)
    return x


def plain(v):
    """An answer as one of: str, bool, int, float, date (lists joined, None -> "")."""
    if v is None or isinstance(v, Mapping):
        return ""
    if isinstance(v, (str, bool, float)):
        return v
    if isinstance(v, int):
        return tidy(v)
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, (list, tuple)):
        return " ".join(string(plain(x)) for x in v)
    try:
        return float(v) if isinstance(v, Decimal) else str(v)
    except (TypeError, ValueError):
        return ""


def number(v):
    """XPath number(): see the module's docstring."""
    v = plain(v)
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, _dt.date):
        return (v - EPOCH).days
    s = v.strip()
    if DECIMAL.fullmatch(s):
        return float(s)
    if (day := as_date(s)) is not None:
        return (day - EPOCH).days
    return _date_time_days(s) if _ISO_DATE_TIME.fullmatch(s) else NAN


def _date_time_days(text: str):
    try:
        moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):  # a month 13, or an offset that leaves years 1 to 9999
        return NAN
    return tidy((moment - _dt.datetime(1970, 1, 1)).total_seconds() / 86400)


def string(v) -> str:
    """XPath string(): see the module's docstring."""
    v = plain(v)
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return str(int(v)) if v.is_integer() else format(Decimal(repr(v)), "f")
    return v.isoformat()


def truthy(value) -> bool:
    """XPath boolean(): numbers non-zero and not NaN, strings non-empty, dates true."""
    v = plain(value)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v == v and v != 0
    if isinstance(v, str):
        return v != ""
    return True


def is_empty(value) -> bool:
    """ODK's empty: "" (after conversion) or NaN, as coalesce() and once() see it."""
    v = plain(value)
    return v == "" or (isinstance(v, float) and math.isnan(v))


def as_date(v):
    """A date from a date or an ISO 'YYYY-MM-DD' string; None otherwise."""
    v = plain(v)
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str) and (m := _ISO_DATE.fullmatch(v.strip())):
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return truthy(a) == truthy(b)
    if _is_number(a) or _is_number(b):
        return number(a) == number(b)
    if isinstance(a, _dt.date) or isinstance(b, _dt.date):
        da, db = as_date(a), as_date(b)
        return da is not None and da == db
    return string(a) == string(b)


def _relational(compare):
    def apply(a, b) -> bool:
        if isinstance(a, _dt.date) or isinstance(b, _dt.date):
            da, db = as_date(a), as_date(b)
            if da is not None and db is not None:
                return compare(da, db)
        return compare(number(a), number(b))  # NaN compares false
    return apply


def _div(x, y):
    if y == 0:
        if x == 0 or math.isnan(x):
            return NAN
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _mod(x, y):
    if y == 0 or math.isnan(x) or math.isnan(y) or math.isinf(x):
        return NAN
    if math.isinf(y):
        return x
    if isinstance(x, int) and isinstance(y, int):
        r = abs(x) % abs(y)  # exact for ints; sign follows the dividend as in XPath
        return r if x >= 0 else -r
    return math.fmod(x, y)


def _arithmetic(compute):
    def apply(a, b):
        if isinstance(a, _dt.date) or isinstance(b, _dt.date):
            # An ISO string next to a date is that date, so today() - '2020-01-01' works.
            a, b = (as_date(a) or a), (as_date(b) or b)
        return tidy(compute(number(a), number(b)))
    return apply


BINARY = {
    "=": _equal, "!=": lambda a, b: not _equal(a, b),
    "<": _relational(operator.lt), "<=": _relational(operator.le),
    ">": _relational(operator.gt), ">=": _relational(operator.ge),
    "+": _arithmetic(operator.add), "-": _arithmetic(operator.sub),
    "*": _arithmetic(operator.mul), "div": _arithmetic(_div), "mod": _arithmetic(_mod),
}
