"""Safe evaluator for the XPath subset XLSForm puts in relevant/constraint/calculation.

No eval/exec: a tokenizer and a precedence-climbing parser build a small AST of
frozen dataclasses, which :meth:`Expression.evaluate` walks.

Grammar (XPath 1.0 precedence, lowest first): ``or``; ``and``; ``= !=``;
``< <= > >=``; ``+ -``; ``* div mod``; unary ``-``; primaries: numbers (``3``,
``2.5``, ``.5``), strings ``'..'``/``".."`` (no escapes), ``${name}``, ``.``
(the current answer), ``( expr )`` and calls of :data:`SUPPORTED_FUNCTIONS`.
``and or div mod`` are operators only where an operator may stand (XPath rule).
Anything else (paths, ``|``, ``[..]``, bare names, other functions, wrong
argument counts, > 2000 characters, > 50 nested brackets/calls) is refused
with :class:`ExpressionError`; positions in its params count from 1.

Semantics (XPath 1.0 as ODK/KoBo use it):

* An empty answer (None, "", empty list) is "". A select_multiple answer (list
  or tuple) is the space-joined string of its choice names.
* number(v): numbers as is; bool 1/0; date -> days since 1970-01-01; strings
  are stripped and must be a plain decimal (optional sign), else NaN.
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
* ``and``/``or``/``if`` are lazy; comparisons and logic return bool.
* selected(a, b): trimmed string(b) is one of the space-separated tokens of a;
  count-selected(a): how many tokens; string-length(a): characters, not bytes;
  date(a): a date from a date, an ISO 'YYYY-MM-DD' string or a number of days
  since 1970-01-01, else NaN (invalid dates too); today()/now(): the given date
  (now() has no time of day); int: truncates toward zero; round(a, places):
  half away from zero; boolean-from-string: 'true' or '1', any case;
  format-date(d, f): the date d (a date or ISO string; else "") written by f,
  where %Y %y %m %n %d %e are ODK's year, 2-digit year, month, month without
  zero, day, day without zero, and anything else is kept as written.
* ${name} inside quotes is plain text (not a reference).
"""
from __future__ import annotations

import datetime as _dt
import math
import operator
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from workbench import i18n
from workbench.i18n import UserError

MAX_LENGTH = 2000
MAX_DEPTH = 50
_EPOCH = _dt.date(1970, 1, 1)
_BIG = 2 ** 53  # ints beyond this become floats, so arithmetic can never overflow
_NAN = float("nan")

i18n.add({
    "expr.empty": {"uk": "Вираз порожній.", "en": "The expression is empty."},
    "expr.too_long": {
        "uk": "Вираз задовгий: {length} символів (щонайбільше {limit}).",
        "en": "The expression is too long: {length} characters (at most {limit})."},
    "expr.too_deep": {
        "uk": "Забагато вкладених дужок або функцій (щонайбільше {limit} рівнів) на позиції {pos}.",
        "en": "Brackets or functions are nested too deeply (at most {limit} levels) at position {pos}."},
    "expr.unterminated_string": {
        "uk": "Текст у лапках, що починається на позиції {pos}, не закрито лапкою {quote}.",
        "en": "The quoted text starting at position {pos} is not closed with {quote}."},
    "expr.unterminated_reference": {
        "uk": "Посилання «${{» на позиції {pos} не закрито знаком «}}».",
        "en": "The reference '${{' at position {pos} is not closed with '}}'."},
    "expr.bad_reference": {
        "uk": "Неправильне ім’я в посиланні «${{{name}}}» на позиції {pos}: ім’я починається з "
              "літери або «_» і містить лише літери, цифри, «_», «-» та «.».",
        "en": "Invalid name in the reference '${{{name}}}' at position {pos}: a name starts with "
              "a letter or '_' and contains only letters, digits, '_', '-' and '.'."},
    "expr.unexpected_char": {
        "uk": "Неочікуваний знак «{char}» на позиції {pos}.",
        "en": "Unexpected character '{char}' at position {pos}."},
    "expr.unexpected_token": {
        "uk": "Неочікуваний елемент «{token}» на позиції {pos}.",
        "en": "Unexpected '{token}' at position {pos}."},
    "expr.unexpected_end": {
        "uk": "Вираз обривається: після «{token}» має йти значення.",
        "en": "The expression ends too early: a value must follow '{token}'."},
    "expr.unclosed_paren": {
        "uk": "Дужку «(» на позиції {pos} не закрито.",
        "en": "The bracket '(' at position {pos} is never closed."},
    "expr.unmatched_paren": {
        "uk": "Зайва закривна дужка «)» на позиції {pos}.",
        "en": "Extra closing bracket ')' at position {pos}."},
    "expr.path": {
        "uk": "XPath-шляхи на кшталт «{token}» (позиція {pos}) не підтримуються: на питання "
              "посилайтеся як ${{назва}}, на поточну відповідь — крапкою «.».",
        "en": "XPath paths such as '{token}' (position {pos}) are not supported: refer to a "
              "question as ${{name}} and to the current answer as '.'."},
    "expr.union": {
        "uk": "Об’єднання наборів вузлів «|» (позиція {pos}) не підтримується.",
        "en": "The node-set union '|' (position {pos}) is not supported."},
    "expr.predicate": {
        "uk": "Умови в квадратних дужках «[ ]» (позиція {pos}) не підтримуються.",
        "en": "Predicates in square brackets '[ ]' (position {pos}) are not supported."},
    "expr.bare_name": {
        "uk": "«{name}» (позиція {pos}) не є значенням: на питання посилайтеся як ${{{name}}}, "
              "а текст беріть у лапки.",
        "en": "'{name}' (position {pos}) is not a value: refer to a question as ${{{name}}} "
              "and put text in quotes."},
    "expr.unknown_function": {
        "uk": "Функція «{name}» не підтримується. Підтримуються: {supported}.",
        "en": "The function '{name}' is not supported. Supported: {supported}."},
    "expr.arg_count": {
        "uk": "Неправильна кількість аргументів функції «{name}»: очікується {expected}, передано {given}.",
        "en": "Wrong number of arguments to '{name}': expected {expected}, got {given}."},
})


class ExpressionError(UserError):
    """A syntax error or unsupported feature; params name the culprit and its position."""


# ---------------------------------------------------------------- syntax tree
# Runs of one precedence level stay flat (_Chain, _Logic) and a run of minus signs is
# one _Neg, so a 2000-character "1+1+...+1" or "----1" cannot exhaust the stack.
@dataclass(frozen=True)
class _Lit:
    value: object


@dataclass(frozen=True)
class _Ref:
    name: str


@dataclass(frozen=True)
class _Current:
    pass


@dataclass(frozen=True)
class _Neg:
    operand: object
    negate: bool  # odd number of minus signs


@dataclass(frozen=True)
class _Logic:
    op: str  # "and" / "or"
    operands: tuple


@dataclass(frozen=True)
class _Chain:
    first: object
    rest: tuple  # ((op, node), ...), applied left to right


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple


# ------------------------------------------------------------------- tokenizer
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SYMBOLS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*")  # two-character ones first
_OP_WORDS = ("and", "or", "div", "mod")
_OP_WORD = re.compile(r"(and|or|div|mod)(?!\w)")  # "1 div-2" is div then -2, not a name
_NAME = re.compile(r"[^\W\d][\w.-]*")  # a letter or _, then letters, digits, _ - .
_QNAME = re.compile(r"[^\W\d][\w.-]*(?::[^\W\d][\w.-]*)?")  # also prefixed: jr:choice-name


def _tokenize(text: str) -> list:
    """Tokens as (kind, value, 0-based position, source text); refuses unsupported syntax early."""
    tokens: list = []
    i, n = 0, len(text)

    def emit(kind, value, end):
        tokens.append((kind, value, i, text[i:end]))
        return end

    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        # XPath: an operator may stand here only after an operand.
        operator_place = bool(tokens) and tokens[-1][0] not in ("(", ",", "op")
        if c in "'\"":
            end = text.find(c, i + 1)
            if end < 0:
                raise ExpressionError("expr.unterminated_string", pos=i + 1, quote=c)
            i = emit("str", text[i + 1:end], end + 1)
        elif text.startswith("${", i):
            end = text.find("}", i + 2)
            if end < 0:
                raise ExpressionError("expr.unterminated_reference", pos=i + 1)
            if not _NAME.fullmatch(text[i + 2:end]):
                raise ExpressionError("expr.bad_reference", name=text[i + 2:end], pos=i + 1)
            i = emit("ref", text[i + 2:end], end + 1)
        elif m := _NUMBER.match(text, i):
            i = emit("num", m.group(), m.end())
        elif c == ".":
            if text.startswith("..", i):
                raise ExpressionError("expr.path", token="..", pos=i + 1)
            i = emit("dot", ".", i + 1)
        elif c in "(),":
            i = emit(c, c, i + 1)
        elif c in "/@":
            raise ExpressionError("expr.path", token="//" if text.startswith("//", i) else c, pos=i + 1)
        elif c == "|":
            raise ExpressionError("expr.union", pos=i + 1)
        elif c in "[]":
            raise ExpressionError("expr.predicate", pos=i + 1)
        elif c == "*" and not operator_place:  # a wildcard node test, not multiplication
            raise ExpressionError("expr.unexpected_token", token="*", pos=i + 1)
        elif sym := next((s for s in _SYMBOLS if text.startswith(s, i)), None):
            i = emit("op", sym, i + len(sym))
        elif operator_place and (m := _OP_WORD.match(text, i)):
            i = emit("op", m.group(), m.end())
        elif m := _QNAME.match(text, i):
            i = emit("name", m.group(), m.end())
        else:
            raise ExpressionError("expr.unexpected_char", char=c, pos=i + 1)
    return tokens


# ---------------------------------------------------------------------- parser
_LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))
_ARITY = {  # name: (fewest, most or None for any number)
    "selected": (2, 2), "count-selected": (1, 1), "string-length": (1, 1), "today": (0, 0),
    "now": (0, 0), "date": (1, 1), "not": (1, 1), "true": (0, 0), "false": (0, 0),
    "number": (1, 1), "string": (1, 1), "int": (1, 1), "round": (1, 2), "if": (3, 3),
    "concat": (0, None), "boolean-from-string": (1, 1), "format-date": (2, 2),
}
SUPPORTED_FUNCTIONS: tuple[str, ...] = tuple(_ARITY)


class _Parser:
    def __init__(self, tokens: list):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.references: set[str] = set()
        self.uses_current = False

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        tok = self.peek()
        if tok is None:
            raise ExpressionError("expr.unexpected_end", token=self.tokens[-1][3])
        self.i += 1
        return tok

    def enter(self, pos: int) -> None:
        # Bounds the recursion of both this parser and the evaluator.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expr.too_deep", limit=MAX_DEPTH, pos=pos + 1)

    def whole(self):
        node = self.binary(0)
        tok = self.peek()
        if tok is not None:
            key = "expr.unmatched_paren" if tok[0] == ")" else "expr.unexpected_token"
            raise ExpressionError(key, token=tok[3], pos=tok[2] + 1)
        return node

    def binary(self, level: int):
        if level == len(_LEVELS):
            return self.unary()
        first, rest = self.binary(level + 1), []
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in _LEVELS[level]:
            self.i += 1
            rest.append((tok[1], self.binary(level + 1)))
        if not rest:
            return first
        if level < 2:
            return _Logic(_LEVELS[level][0], (first, *(node for _, node in rest)))
        return _Chain(first, tuple(rest))

    def unary(self):
        minuses = 0
        while (tok := self.peek()) and tok[0] == "op" and tok[1] == "-":
            self.i += 1
            minuses += 1
        node = self.primary()
        return _Neg(node, minuses % 2 == 1) if minuses else node

    def close(self, open_pos: int) -> None:
        tok = self.peek()
        if tok is None:
            raise ExpressionError("expr.unclosed_paren", pos=open_pos + 1)
        if tok[0] != ")":
            raise ExpressionError("expr.unexpected_token", token=tok[3], pos=tok[2] + 1)
        self.i += 1
        self.depth -= 1

    def primary(self):
        kind, value, pos, source = self.take()
        if kind == "num":
            return _Lit(_tidy(float(value)))
        if kind == "str":
            return _Lit(value)
        if kind == "ref":
            self.references.add(value)
            return _Ref(value)
        if kind == "dot":
            self.uses_current = True
            return _Current()
        if kind == "(":
            self.enter(pos)
            node = self.binary(0)
            self.close(pos)
            return node
        if kind == "name" and (nxt := self.peek()) and nxt[0] == "(":
            return self.call(value, pos)
        if kind == "name" and value not in _OP_WORDS:
            raise ExpressionError("expr.bare_name", name=value, pos=pos + 1)
        raise ExpressionError("expr.unexpected_token", token=source, pos=pos + 1)

    def call(self, name: str, pos: int):
        if name not in _ARITY:
            raise ExpressionError("expr.unknown_function", name=name, pos=pos + 1,
                                  supported=", ".join(SUPPORTED_FUNCTIONS))
        open_pos = self.take()[2]
        self.enter(open_pos)
        args = []
        if not ((tok := self.peek()) and tok[0] == ")"):
            args.append(self.binary(0))
            while (tok := self.peek()) and tok[0] == ",":
                self.i += 1
                args.append(self.binary(0))
        self.close(open_pos)
        fewest, most = _ARITY[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            expected = str(fewest) if fewest == most else f"{fewest}–{most}"
            raise ExpressionError("expr.arg_count", name=name, expected=expected,
                                  given=len(args), pos=pos + 1)
        return _Call(name, tuple(args))


# ------------------------------------------------------------ value coercions
def _big_float(v: int) -> float:
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _tidy(x):
    """Whole numbers as int (within exact float range), others as float."""
    if isinstance(x, float) and x.is_integer() and abs(x) <= _BIG:
        return int(x)
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > _BIG:
        return _big_float(x)
    return x


def _plain(v):
    """An answer as one of: str, bool, int, float, date (lists joined, None -> "")."""
    if v is None:
        return ""
    if isinstance(v, (str, bool, float)):
        return v
    if isinstance(v, int):
        return _tidy(v)
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, (list, tuple)):
        return " ".join(_string(_plain(x)) for x in v)
    try:
        return float(v) if isinstance(v, Decimal) else str(v)
    except (TypeError, ValueError):
        return ""


def _number(v):
    v = _plain(v)
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, _dt.date):
        return (v - _EPOCH).days
    s = v.strip()
    return float(s) if _DECIMAL.fullmatch(s) else _NAN


def _string(v) -> str:
    v = _plain(v)
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
    v = _plain(value)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v == v and v != 0
    if isinstance(v, str):
        return v != ""
    return True


def _as_date(v):
    """A date from a date or an ISO 'YYYY-MM-DD' string; None otherwise."""
    v = _plain(v)
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


# ------------------------------------------------------------------- operators
def _equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return truthy(a) == truthy(b)
    if _is_number(a) or _is_number(b):
        return _number(a) == _number(b)
    if isinstance(a, _dt.date) or isinstance(b, _dt.date):
        da, db = _as_date(a), _as_date(b)
        return da is not None and da == db
    return _string(a) == _string(b)


def _relational(compare):
    def apply(a, b) -> bool:
        if isinstance(a, _dt.date) or isinstance(b, _dt.date):
            da, db = _as_date(a), _as_date(b)
            if da is not None and db is not None:
                return compare(da, db)
        return compare(_number(a), _number(b))  # NaN compares false
    return apply


def _div(x, y):
    if y == 0:
        if x == 0 or math.isnan(x):
            return _NAN
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _mod(x, y):
    if y == 0 or math.isnan(x) or math.isnan(y) or math.isinf(x):
        return _NAN
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
            a, b = (_as_date(a) or a), (_as_date(b) or b)
        return _tidy(compute(_number(a), _number(b)))
    return apply


_BINARY = {
    "=": _equal, "!=": lambda a, b: not _equal(a, b),
    "<": _relational(operator.lt), "<=": _relational(operator.le),
    ">": _relational(operator.gt), ">=": _relational(operator.ge),
    "+": _arithmetic(operator.add), "-": _arithmetic(operator.sub),
    "*": _arithmetic(operator.mul), "div": _arithmetic(_div), "mod": _arithmetic(_mod),
}


# ------------------------------------------------------------------- functions
def _fn_date(v):
    v = _plain(v)
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str) and not _DECIMAL.fullmatch(v.strip()):
        return _as_date(v) or _NAN
    days = _number(v)  # a number of days since 1970-01-01
    if math.isnan(days) or math.isinf(days):
        return _NAN
    try:
        return _EPOCH + _dt.timedelta(days=math.floor(days))
    except (OverflowError, ValueError):
        return _NAN


_DATE_PARTS = {"Y": lambda d: f"{d.year:04d}", "y": lambda d: f"{d.year % 100:02d}", "m": lambda d: f"{d.month:02d}",
               "n": lambda d: str(d.month), "d": lambda d: f"{d.day:02d}", "e": lambda d: str(d.day)}


def _fn_format_date(v, fmt):
    day, pattern, out, i = _as_date(v), _string(fmt), [], 0
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


def _fn_int(v):
    x = _number(v)
    return x if math.isnan(x) or math.isinf(x) else _tidy(math.trunc(x))


def _fn_round(v, places=0):
    x, p = _number(v), _number(places)
    if math.isnan(x) or math.isinf(x):
        return x
    if math.isnan(p):
        return _NAN
    p = 400 if p > 400 else -400 if p < -400 else int(p)  # beyond any double's digits
    try:
        with localcontext() as ctx:
            ctx.prec = 1000
            q = Decimal(repr(x)).quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)
        return _tidy(float(q))
    except ArithmeticError:
        return x


def _strict(fn):
    """A function whose arguments are all evaluated first."""
    return lambda args, env: fn(*(_eval(a, env) for a in args))


_FUNCTIONS = {
    "selected": _strict(lambda a, b: _string(b).strip() in _string(a).split()),
    "count-selected": _strict(lambda a: len(_string(a).split())),
    "string-length": _strict(lambda a: len(_string(a))),
    "today": lambda args, env: env.today(),
    "now": lambda args, env: env.today(),
    "date": _strict(_fn_date),
    "not": _strict(lambda a: not truthy(a)),
    "true": lambda args, env: True,
    "false": lambda args, env: False,
    "number": _strict(_number),
    "string": _strict(_string),
    "int": _strict(_fn_int),
    "round": _strict(_fn_round),
    "if": lambda args, env: _eval(args[1] if truthy(_eval(args[0], env)) else args[2], env),
    "concat": _strict(lambda *parts: "".join(_string(p) for p in parts)),
    "boolean-from-string": _strict(lambda a: _string(a).strip().lower() in ("true", "1")),
    "format-date": _strict(_fn_format_date),
}


# ------------------------------------------------------------------ evaluation
class _Env:
    __slots__ = ("lookup", "current", "_today")

    def __init__(self, lookup, current, today):
        self.lookup, self.current, self._today = lookup, current, today

    def today(self):
        return _plain(self._today) if self._today is not None else _dt.date.today()


def _eval(node, env: _Env):
    kind = type(node)
    if kind is _Lit:
        return node.value
    if kind is _Ref:
        return _plain(env.lookup(node.name))
    if kind is _Current:
        return _plain(env.current)
    if kind is _Chain:
        left = _eval(node.first, env)
        for op, operand in node.rest:
            left = _BINARY[op](left, _eval(operand, env))
        return left
    if kind is _Logic:
        stop = node.op == "or"  # "or" stops at the first true, "and" at the first false
        for operand in node.operands:
            if truthy(_eval(operand, env)) == stop:
                return stop
        return not stop
    if kind is _Neg:
        x = _number(_eval(node.operand, env))
        return _tidy(-x) if node.negate else x
    return _FUNCTIONS[node.name](node.args, env)


@dataclass(frozen=True)
class Expression:
    """A parsed expression; build it with :func:`parse`."""

    text: str
    references: frozenset[str]
    uses_current: bool
    _tree: object = field(default=None, repr=False, compare=False)

    def evaluate(self, lookup, current=None, today=None):
        """Value of the expression: str, bool, int, float or date.

        ``lookup(name)`` gives ``${name}``; ``current`` is ``.``; ``today`` is the
        date for today() (default: the real today).
        """
        tree = self._tree if self._tree is not None else parse(self.text)._tree
        return _eval(tree, _Env(lookup, current, today))


def parse(text: str) -> Expression:
    """Parse ``text`` or raise :class:`ExpressionError` saying what is wrong."""
    if text is None or not text.strip():
        raise ExpressionError("expr.empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expr.too_long", length=len(text), limit=MAX_LENGTH)
    parser = _Parser(_tokenize(text))
    tree = parser.whole()
    return Expression(text, frozenset(parser.references), parser.uses_current, tree)


def evaluate_bool(expr: Expression, lookup, current=None, today=None) -> bool:
    """truthy(expr.evaluate(...)), for relevant and constraint columns."""
    return truthy(expr.evaluate(lookup, current, today))
