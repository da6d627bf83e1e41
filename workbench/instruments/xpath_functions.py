"""The functions of the XPath subset, with ODK's meaning (https://getodk.github.io/xforms-spec/#xpath-functions).

Where the specification is short, JavaRosa (ODK Collect's engine, ``XPathFuncExpr.java``) decides.
Each function is ``(args, env) -> value``: ``args`` are unevaluated nodes, ``env.value_of(node)`` evaluates
one, so ``if``, ``coalesce`` and ``and``/``or`` stay lazy. A nodeset argument (a ``${name}`` where a
function takes a node-set) arrives as a :class:`Nodes` tuple of values. No function raises on any value:
huge numbers give +-Infinity or NaN, wrong types convert as XPath converts them.

* selected(a, b): trimmed string(b) is one of the space-separated tokens of a; selected-at(a, i):
  the token at 0-based index i, "" outside (``selected-at('a b', 1)`` is ``'b'``); count-selected(a):
  how many tokens; jr:choice-name(v, '${q}'): the label, in the form's language, of the choice named
  v of the select question q, "" when q has no such choice.
* string-length(a): characters, not bytes; substr(s, start, end?): 0-based, end excluded, a negative
  index counts from the end (JavaRosa); contains, starts-with, ends-with, substring-before,
  substring-after, translate, normalize-space as XPath 1.0; concat(a, ...); join(sep, a, ...) joins
  values and every value of a nodeset argument.
* regex(v, 'pattern'): v matches the whole pattern (JavaRosa's ``Pattern.matches``); what is refused
  at load, and why: :func:`.xpath_regex.compile_pattern`.
* coalesce(a, b): a unless it is empty ("" or NaN), then b; if(c, a, b) lazy and nestable.
* position(..): the number of the repeat entry the expression is in (1, 2, ...); indexed-repeat(${q},
  ${repeat}, n): q's answer in the repeat's n-th entry, the first for n < 1 or not a number (JavaRosa),
  "" past the last; one repeat level (the three-argument form).
* sum(${q}): the sum over the instances of q's repeat (from outside it), values that are not numbers
  skipped as JavaRosa skips them; count(${q} or ${repeat}): instances; count-non-empty(${q});
  max/min(a, ...): the largest/smallest number among values and nodesets, NaN when there is none.
* date(a): a date from a date, an ISO 'YYYY-MM-DD' string or a number of days since 1970-01-01, else
  NaN (invalid dates too); today()/now(): the given date (now() has no time of day);
  decimal-date-time(a): number(a), which reads a dateTime as days with the time of day as a fraction;
  format-date(d, f): the date d written by f, where %Y %y %m %n %d %e are ODK's year, 2-digit year,
  month, month without zero, day, day without zero, and anything else is kept as written.
* number, string, boolean, boolean-from-string ('true' or '1', any case), not, true, false; int:
  truncates toward zero; round(a, places): half away from zero; pow, abs, sqrt, exp, exp10, log,
  log10, sin, cos, tan, asin, acos, atan, atan2, pi as XPath 3.0 (IEEE: a result out of range is
  +-Infinity, one undefined is NaN).
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .. import i18n
from .xpath_regex import MAX_MATCHED
from .xpath_values import DECIMAL, EPOCH, NAN, as_date, is_empty, number, plain, string, tidy, truthy

_XML_SPACE = re.compile(r"[ \t\r\n]+")  # XPath's whitespace; other Unicode spaces are kept




# Arguments a function needs in a given form; the parser and the loader raise these.
i18n.add({
    "expr.nodeset_argument": {
        "uk": "Аргумент {position} функції «{name}» (позиція {pos}) має бути посиланням на питання, "
              "як-от ${{назва}}: функція рахує його значення в усіх записах повтору.",
        "en": "Argument {position} of '{name}' (position {pos}) must be a reference to a question such "
              "as ${{name}}: the function goes over its values in every entry of the repeat."},
    "expr.pattern_literal": {
        "uk": "Шаблон функції regex() (позиція {pos}) має бути записаний у формі в лапках, "
              "щоб його можна було перевірити під час завантаження.",
        "en": "The pattern of regex() (position {pos}) must be written in the form in quotes, "
              "so that it can be checked when the form loads."},
    # Checked by the loader, which knows the questions:
    "expr.choice_name_not_select": {
        "uk": "Функція jr:choice-name() називає «{name}», але це не питання з вибором одного чи кількох варіантів.",
        "en": "jr:choice-name() names '{name}', which is not a select question (select_one or select_multiple)."},
    "expr.position_argument": {
        "uk": "position() підтримується лише як position(..) — номер запису повтору (позиція {pos}).",
        "en": "position() is supported only as position(..), the number of a repeat's entry (position {pos})."},
    "expr.position_outside_repeat": {
        "uk": "position(..) — номер запису повтору — має сенс лише всередині повтору.",
        "en": "position(..), the number of a repeat's entry, has a meaning only inside a repeat."},
    "expr.indexed_repeat_not_in_repeat": {
        "uk": "indexed-repeat(): «{name}» не є питанням усередині повтору «{repeat}».",
        "en": "indexed-repeat(): '{name}' is not a question inside the repeat '{repeat}'."},
    "expr.choice_name_question": {
        "uk": "Другий аргумент jr:choice-name() (позиція {pos}) має бути назвою питання з вибором у лапках, "
              "як-от '${{назва}}'.",
        "en": "The second argument of jr:choice-name() (position {pos}) must be the name of a select "
              "question in quotes, such as '${{name}}'."},
})


class Nodes(tuple):
    """The values of a nodeset argument: ``${q}`` over the instances of q's repeat."""


@dataclass(frozen=True)
class Function:
    """A function's arity (``most`` None: any number) and which arguments take a nodeset ``${name}``:
    the positions in ``nodesets`` must be one, positions from ``nodesets_from`` on may be one."""

    fewest: int
    most: int | None
    run: object
    nodesets: frozenset = frozenset()
    nodesets_from: int | None = None


def _fn_regex(args, env):
    text = string(env.value_of(args[0]))
    # Longer than any answer: left unmatched rather than risk a long match.
    return len(text) <= MAX_MATCHED and args[1].value.fullmatch(text) is not None


# ---------------------------------------------------------------- functions
def _fn_date(v):
    v = plain(v)
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str) and not DECIMAL.fullmatch(v.strip()):
        return as_date(v) or NAN
    days = number(v)  # a number of days since 1970-01-01
    if math.isnan(days) or math.isinf(days):
        return NAN
    try:
        return EPOCH + _dt.timedelta(days=math.floor(days))
    except (OverflowError, ValueError):
        return NAN


_DATE_PARTS = {"Y": lambda d: f"{d.year:04d}", "y": lambda d: f"{d.year % 100:02d}", "m": lambda d: f"{d.month:02d}",
               "n": lambda d: str(d.month), "d": lambda d: f"{d.day:02d}", "e": lambda d: str(d.day)}


def _fn_format_date(v, fmt):
    day, pattern, out, i = as_date(v), string(fmt), [], 0
    if day is None:
        return ""
    while i < len(pattern):
        if pattern[i] == "%" and i + 1 < len(pattern) and pattern[i + 1] in _DATE_PARTS:
            out.append(_DATE_PARTS[pattern[i + 1]](day))
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _whole(v):
    """number(v) truncated toward zero as an int, or None for NaN and +-Infinity."""
    x = number(v)
    return None if math.isnan(x) or math.isinf(x) else math.trunc(x)


def _fn_int(v):
    x = number(v)
    return x if math.isnan(x) or math.isinf(x) else tidy(math.trunc(x))


def _fn_round(v, places=0):
    x, p = number(v), number(places)
    if math.isnan(x) or math.isinf(x):
        return x
    if math.isnan(p):
        return NAN
    p = 400 if p > 400 else -400 if p < -400 else int(p)  # beyond any double's digits
    try:
        with localcontext() as ctx:
            ctx.prec = 1000
            q = Decimal(repr(x)).quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)
        return tidy(float(q))
    except ArithmeticError:
        return x


def _fn_selected_at(values, index):
    tokens, i = string(values).split(), _whole(index)
    return tokens[i] if i is not None and 0 <= i < len(tokens) else ""


def _fn_substr(text, start, end=None):
    s = string(text)
    first, last = _whole(start), len(s) if end is None else _whole(end)
    if first is None or last is None:
        return ""
    first, last = (first + len(s) if first < 0 else first), (last + len(s) if last < 0 else last)
    first, last = min(max(0, first), len(s)), min(max(0, last), len(s))
    return s[first:last]


def _fn_substring_before(text, part):
    s, p = string(text), string(part)
    return s[:s.find(p)] if p in s else ""


def _fn_substring_after(text, part):
    s, p = string(text), string(part)
    return s[s.find(p) + len(p):] if p in s else ""


def _fn_translate(text, source, target):
    s, src, dst = string(text), string(source), string(target)
    table = {}
    for i, c in enumerate(src):
        table.setdefault(ord(c), dst[i] if i < len(dst) else None)  # the first mapping of a character wins
    return s.translate(table)


def _strict(fn):
    """A function whose arguments are all evaluated first."""
    return lambda args, env: fn(*(env.value_of(a) for a in args))


def _flatten(values):
    for v in values:
        yield from (v if isinstance(v, Nodes) else (v,))


def _numbers(values):
    return [x for x in (number(v) for v in _flatten(values)) if not math.isnan(x)]


def _fn_sum(nodes):
    return tidy(sum(_numbers((nodes,)), 0))  # IEEE: an overflow is Infinity, Infinity + -Infinity NaN


def _fn_extreme(pick):
    def run(*values):
        found = _numbers(values)
        return tidy(pick(found)) if found else NAN
    return run


def _math(compute):
    """A one-argument IEEE function: NaN where it is undefined, +-Infinity where it overflows."""
    def run(*values):
        xs = [float(number(v)) for v in values]
        try:
            return tidy(compute(*xs))
        except ValueError:
            return NAN
        except OverflowError:
            return math.inf
    return _strict(run)


def _pow(x, y):
    """Java's Math.pow: an overflow or 0 to a negative power is +-Infinity, a root of a negative NaN."""
    odd = y.is_integer() and abs(y) < 2 ** 53 and int(y) % 2 == 1
    try:
        return math.pow(x, y)
    except OverflowError:
        return -math.inf if x < 0 and odd else math.inf
    except ValueError:
        if x == 0 and y < 0:
            return math.copysign(math.inf, x) if odd else math.inf
        return NAN


def _fn_pow(x, y):
    return tidy(_pow(float(number(x)), float(number(y))))


def _fn_choice_name(args, env):
    return env.choice_label(args[1].value, string(env.value_of(args[0])))


def _fn_indexed_repeat(args, env):
    answers, n = env.every(args[0].value), _whole(env.value_of(args[2]))
    n = 1 if n is None or n < 1 else n  # JavaRosa: an index not yet filled in (or 0) is the first entry
    return plain(answers[n - 1]) if n <= len(answers) else ""


def _fn_coalesce(args, env):
    first = env.value_of(args[0])
    return env.value_of(args[1]) if is_empty(first) else first


_ANY_NODES = 0  # nodesets_from=0: every argument may be a nodeset

FUNCTIONS: dict[str, Function] = {
    # selects
    "selected": Function(2, 2, _strict(lambda a, b: string(b).strip() in string(a).split())),
    "selected-at": Function(2, 2, _strict(_fn_selected_at)),
    "count-selected": Function(1, 1, _strict(lambda a: len(string(a).split()))),
    "jr:choice-name": Function(2, 2, _fn_choice_name),
    # text
    "string-length": Function(1, 1, _strict(lambda a: len(string(a)))),
    "concat": Function(0, None, _strict(lambda *parts: "".join(string(p) for p in parts))),
    "join": Function(1, None, _strict(lambda sep, *parts: string(sep).join(string(p) for p in _flatten(parts))),
                     nodesets_from=1),
    "substr": Function(2, 3, _strict(_fn_substr)),
    "substring-before": Function(2, 2, _strict(_fn_substring_before)),
    "substring-after": Function(2, 2, _strict(_fn_substring_after)),
    "contains": Function(2, 2, _strict(lambda a, b: string(b) in string(a))),
    "starts-with": Function(2, 2, _strict(lambda a, b: string(a).startswith(string(b)))),
    "ends-with": Function(2, 2, _strict(lambda a, b: string(a).endswith(string(b)))),
    "normalize-space": Function(1, 1, _strict(lambda a: _XML_SPACE.sub(" ", string(a)).strip(" "))),
    "translate": Function(3, 3, _strict(_fn_translate)),
    "regex": Function(2, 2, _fn_regex),
    # logic
    "if": Function(3, 3, lambda args, env: env.value_of(args[1] if truthy(env.value_of(args[0])) else args[2])),
    "coalesce": Function(2, 2, _fn_coalesce),
    "not": Function(1, 1, _strict(lambda a: not truthy(a))),
    "true": Function(0, 0, lambda args, env: True),
    "false": Function(0, 0, lambda args, env: False),
    "boolean": Function(1, 1, _strict(truthy)),
    "boolean-from-string": Function(1, 1, _strict(lambda a: string(a).strip().lower() in ("true", "1"))),
    # numbers
    "number": Function(1, 1, _strict(number)),
    "string": Function(1, 1, _strict(string)),
    "int": Function(1, 1, _strict(_fn_int)),
    "round": Function(1, 2, _strict(_fn_round)),
    "pow": Function(2, 2, _strict(_fn_pow)),
    "abs": Function(1, 1, _math(abs)),
    "sqrt": Function(1, 1, _math(math.sqrt)),
    "exp": Function(1, 1, _math(math.exp)),
    "exp10": Function(1, 1, _strict(lambda a: _fn_pow(10, a))),
    "log": Function(1, 1, _math(lambda x: -math.inf if x == 0 else math.log(x))),
    "log10": Function(1, 1, _math(lambda x: -math.inf if x == 0 else math.log10(x))),
    "sin": Function(1, 1, _math(math.sin)),
    "cos": Function(1, 1, _math(math.cos)),
    "tan": Function(1, 1, _math(math.tan)),
    "asin": Function(1, 1, _math(math.asin)),
    "acos": Function(1, 1, _math(math.acos)),
    "atan": Function(1, 1, _math(math.atan)),
    "atan2": Function(2, 2, _math(math.atan2)),
    "pi": Function(0, 0, lambda args, env: math.pi),
    # repeats (nodesets)
    "sum": Function(1, 1, _strict(_fn_sum), nodesets=frozenset({0})),
    "count": Function(1, 1, _strict(len), nodesets=frozenset({0})),
    "count-non-empty": Function(1, 1, _strict(lambda nodes: sum(not is_empty(v) for v in nodes)),
                                nodesets=frozenset({0})),
    "indexed-repeat": Function(3, 3, _fn_indexed_repeat),
    "position": Function(1, 1, lambda args, env: env.position),
    "max": Function(1, None, _strict(_fn_extreme(max)), nodesets_from=_ANY_NODES),
    "min": Function(1, None, _strict(_fn_extreme(min)), nodesets_from=_ANY_NODES),
    # dates
    "today": Function(0, 0, lambda args, env: env.today()),
    "now": Function(0, 0, lambda args, env: env.today()),
    "date": Function(1, 1, _strict(_fn_date)),
    "decimal-date-time": Function(1, 1, _strict(number)),  # number() reads a dateTime as days already
    "format-date": Function(2, 2, _strict(_fn_format_date)),
}
