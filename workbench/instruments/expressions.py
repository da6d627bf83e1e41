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

Values and operators: :mod:`.xpath_values`; functions, with ODK's meaning and what
regex() refuses: :mod:`.xpath_functions`. ``${name}`` inside quotes is plain text (not a
reference), except as jr:choice-name's second argument, where it names the select question.
A function that takes a node-set (sum, count, count-non-empty, max, min, join) takes a
``${name}`` there as all of that question's values over the instances of its repeat: such
names are :attr:`Expression.nodeset_references`, and may point into a repeat from outside.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field

from workbench import i18n
from workbench.i18n import UserError

from .xpath_functions import FUNCTIONS, Nodes
from .xpath_regex import PatternRefused, compile_pattern
from .xpath_values import BINARY, NAN, number, plain, tidy, truthy

MAX_LENGTH = 2000
MAX_DEPTH = 50

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
class _Parent:
    pass  # position(..)'s argument: the repeat entry the expression is in


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
class _Nodes:
    name: str  # ${name} where a function takes a node-set


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple


# ------------------------------------------------------------------- tokenizer
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_SYMBOLS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*")  # two-character ones first
_OP_WORDS = ("and", "or", "div", "mod")
_OP_WORD = re.compile(r"(and|or|div|mod)(?!\w)")  # "1 div-2" is div then -2, not a name
_NAME = re.compile(r"[^\W\d][\w.-]*")  # a letter or _, then letters, digits, _ - .
_CLOSE = re.compile(r"\s*\)")
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
                # The one path ODK forms write for a repeat entry's number: position(..).
                if [t[1] for t in tokens[-2:]] != ["position", "("] or not _CLOSE.match(text, i + 2):
                    raise ExpressionError("expr.path", token="..", pos=i + 1)
                i = emit("parent", "..", i + 2)
                continue
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
SUPPORTED_FUNCTIONS: tuple[str, ...] = tuple(FUNCTIONS)
_REFERENCE_TEXT = re.compile(r"\s*\$\{([^\W\d][\w.-]*)\}\s*")  # jr:choice-name's '${name}'


class _Parser:
    def __init__(self, tokens: list):
        self.tokens, self.i, self.depth = tokens, 0, 0
        self.references: Counter = Counter()  # plain uses; a nodeset argument is not one
        self.nodeset_references: set[str] = set()
        self.choice_references: set[str] = set()
        self.uses_current = False
        self.uses_position = False
        self.indexed_references: set[tuple[str, str]] = set()

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
            return _Lit(tidy(float(value)))
        if kind == "str":
            return _Lit(value)
        if kind == "ref":
            self.references[value] += 1
            return _Ref(value)
        if kind == "dot":
            self.uses_current = True
            return _Current()
        if kind == "parent":  # only ever inside position( ), as the tokenizer allows it
            self.uses_position = True
            return _Parent()
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
        if name not in FUNCTIONS:
            raise ExpressionError("expr.unknown_function", name=name, pos=pos + 1,
                                  supported=", ".join(SUPPORTED_FUNCTIONS))
        open_pos = self.take()[2]
        self.enter(open_pos)
        args, starts = [], []
        if not ((tok := self.peek()) and tok[0] == ")"):
            starts.append(self.peek())
            args.append(self.binary(0))
            while (tok := self.peek()) and tok[0] == ",":
                self.i += 1
                starts.append(self.peek())
                args.append(self.binary(0))
        self.close(open_pos)
        function = FUNCTIONS[name]
        fewest, most = function.fewest, function.most
        if len(args) < fewest or (most is not None and len(args) > most):
            if most is None:
                expected = f"{fewest}+"
            else:
                expected = str(fewest) if fewest == most else f"{fewest}–{most}"
            raise ExpressionError("expr.arg_count", name=name, expected=expected,
                                  given=len(args), pos=pos + 1)
        for index, arg in enumerate(args):
            args[index] = self.special_argument(name, function, index, arg, starts[index][2])
        if name == "indexed-repeat":
            self.indexed_references.add((args[0].value, args[1].value))
        return _Call(name, tuple(args))

    def special_argument(self, name, function, index, arg, pos):
        """A nodeset ``${name}``, regex()'s compiled pattern or jr:choice-name's question, checked here."""
        may_be_nodes = index in function.nodesets or (
            function.nodesets_from is not None and index >= function.nodesets_from)
        if may_be_nodes and isinstance(arg, _Ref):
            self.nodeset_references.add(arg.name)
            self.references[arg.name] -= 1
            return _Nodes(arg.name)
        if index in function.nodesets:
            raise ExpressionError("expr.nodeset_argument", name=name, position=index + 1, pos=pos + 1)
        if name == "regex" and index == 1:
            if not (isinstance(arg, _Lit) and isinstance(arg.value, str)):
                raise ExpressionError("expr.pattern_literal", pos=pos + 1)
            try:
                return _Lit(compile_pattern(arg.value))
            except PatternRefused as refused:
                raise ExpressionError(refused.key, pos=pos + 1, **refused.params) from None
        if name == "position" and not isinstance(arg, _Parent):
            raise ExpressionError("expr.position_argument", pos=pos + 1)
        if name == "indexed-repeat" and index < 2:
            if not isinstance(arg, _Ref):
                raise ExpressionError("expr.nodeset_argument", name=name, position=index + 1, pos=pos + 1)
            self.references[arg.name] -= 1  # any entry of the repeat, from anywhere: not a plain use
            return _Lit(arg.name)
        if name == "jr:choice-name" and index == 1:
            found = _REFERENCE_TEXT.fullmatch(arg.value) if isinstance(arg, _Lit) and isinstance(arg.value, str) else None
            if found is None:
                raise ExpressionError("expr.choice_name_question", pos=pos + 1)
            self.choice_references.add(found[1])
            return _Lit(found[1])
        return arg


# ------------------------------------------------------------------ evaluation
class _Env:
    """What the functions of :mod:`.xpath_functions` may ask while one expression is evaluated."""

    __slots__ = ("lookup", "current", "_today", "nodes", "choice_label", "every", "position")

    def __init__(self, lookup, current, today, nodes, choice_label, every, position):
        self.lookup, self.current, self._today = lookup, current, today
        self.nodes = nodes or (lambda name: [lookup(name)])
        self.choice_label = choice_label or (lambda question, value: value)
        self.every = every or (lambda name: [lookup(name)])
        self.position = tidy(position) if isinstance(position, int) and not isinstance(position, bool) else NAN

    def today(self):
        return plain(self._today) if self._today is not None else _dt.date.today()

    def value_of(self, node):
        return _eval(node, self)


def _eval(node, env: _Env):
    kind = type(node)
    if kind is _Lit:
        return node.value
    if kind is _Ref:
        return plain(env.lookup(node.name))
    if kind is _Current:
        return plain(env.current)
    if kind is _Chain:
        left = _eval(node.first, env)
        for op, operand in node.rest:
            left = BINARY[op](left, _eval(operand, env))
        return left
    if kind is _Logic:
        stop = node.op == "or"  # "or" stops at the first true, "and" at the first false
        for operand in node.operands:
            if truthy(_eval(operand, env)) == stop:
                return stop
        return not stop
    if kind is _Neg:
        x = number(_eval(node.operand, env))
        return tidy(-x) if node.negate else x
    if kind is _Nodes:
        return Nodes(plain(v) for v in env.nodes(node.name))
    return FUNCTIONS[node.name].run(node.args, env)


@dataclass(frozen=True)
class Expression:
    """A parsed expression; build it with :func:`parse`.

    ``references``: names used as a value; ``nodeset_references``: names given to a function that
    takes a node-set (sum, count, ...); ``choice_references``: select questions named in
    jr:choice-name's second argument.
    """

    text: str
    references: frozenset[str]
    uses_current: bool
    _tree: object = field(default=None, repr=False, compare=False)
    nodeset_references: frozenset[str] = frozenset()
    choice_references: frozenset[str] = frozenset()
    uses_position: bool = False  # position(..): only inside a repeat
    indexed_references: frozenset[tuple[str, str]] = frozenset()  # (question, repeat) of indexed-repeat()

    def evaluate(self, lookup, current=None, today=None, *, nodes=None, choice_label=None, every=None,
                 position=None):
        """Value of the expression: str, bool, int, float or date.

        ``lookup(name)`` gives ``${name}``; ``current`` is ``.``; ``today`` is the date for
        today() (default: the real today); ``nodes(name)`` the list of values of ``${name}``
        as a node-set sees it from here (default: ``[lookup(name)]``); ``choice_label(question,
        value)`` the label of a choice of a select question, "" when it has none such
        (default: the value itself); ``every(name)`` the answers to a repeat's question in all
        its entries, in order (default: ``[lookup(name)]``); ``position`` the 1-based number of
        the repeat entry evaluated in (default: NaN).
        """
        tree = self._tree if self._tree is not None else parse(self.text)._tree
        return _eval(tree, _Env(lookup, current, today, nodes, choice_label, every, position))


def parse(text: str) -> Expression:
    """Parse ``text`` or raise :class:`ExpressionError` saying what is wrong."""
    if text is None or not text.strip():
        raise ExpressionError("expr.empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expr.too_long", length=len(text), limit=MAX_LENGTH)
    parser = _Parser(_tokenize(text))
    tree = parser.whole()
    return Expression(text, frozenset(n for n, uses in parser.references.items() if uses > 0),
                      parser.uses_current, tree, frozenset(parser.nodeset_references),
                      frozenset(parser.choice_references), parser.uses_position,
                      frozenset(parser.indexed_references))


def evaluate_bool(expr: Expression, lookup, current=None, today=None, **context) -> bool:
    """truthy(expr.evaluate(...)), for relevant and constraint columns; ``context`` as evaluate's."""
    return truthy(expr.evaluate(lookup, current, today, **context))
