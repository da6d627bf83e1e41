"""regex()'s pattern, checked when the form loads so that no answer can make matching run for minutes.

ODK's specification (https://getodk.github.io/xforms-spec/#fn:regex) says only "returns result of regex
test on provided value"; JavaRosa matches the whole value (``Pattern.matches``) with Java's syntax. We
run Python's ``re``, whose syntax is close for the patterns forms use, and refuse what it reads
differently or cannot read.
"""
from __future__ import annotations

import re
from re import _constants as _re_constants
from re import _parser as _re_parser  # the re module's own reading of a pattern: the check sees what runs

from .. import i18n

MAX_PATTERN = 300        # characters of a regex() pattern
MAX_MATCHED = 5000       # characters regex() looks at: the longest text answer a form accepts
MAX_PATTERN_COST = 10 ** 8  # backtracking steps allowed in the worst case (see compile_pattern)

i18n.add({
    "expr.pattern_too_long": {
        "uk": "Шаблон regex() (позиція {pos}) задовгий: {length} символів (щонайбільше {limit}).",
        "en": "The regex() pattern (position {pos}) is too long: {length} characters (at most {limit})."},
    "expr.pattern_invalid": {
        "uk": "Шаблон regex() «{pattern}» (позиція {pos}) не є регулярним виразом, який можна прочитати: "
              "{detail}. Синтаксис лише Java (наприклад \\p{{L}}) не підтримується.",
        "en": "The regex() pattern '{pattern}' (position {pos}) is not a regular expression that can be "
              "read: {detail}. Java-only syntax (such as \\p{{L}}) is not supported."},
    "expr.pattern_backreference": {
        "uk": "Шаблон regex() (позиція {pos}) містить зворотне посилання (\\1, (?P=…)) або умовну групу: "
              "такий шаблон може перевірятися непередбачувано довго, тому не підтримується.",
        "en": "The regex() pattern (position {pos}) has a back-reference (\\1, (?P=…)) or a conditional "
              "group: such a pattern can take unpredictably long to check, so it is not supported."},
    "expr.pattern_nested": {
        "uk": "Шаблон regex() (позиція {pos}) повторює групу, у якій є свій повтор (*, +, ?, {{m,n}}) або "
              "варіанти «|», як-от (a+)+: перевірка такого шаблону може тривати хвилинами. "
              "Перепишіть його без вкладеного повтору, наприклад ^[A-Za-z ]+$ замість ^([A-Za-z]+ ?)+$.",
        "en": "The regex() pattern (position {pos}) repeats a group that holds a repetition of its own "
              "(*, +, ?, {{m,n}}) or alternatives '|', as in (a+)+: checking it can take minutes. "
              "Rewrite it without the nested repetition, e.g. ^[A-Za-z ]+$ rather than ^([A-Za-z]+ ?)+$."},
    "expr.pattern_costly": {
        "uk": "Шаблон regex() «{pattern}» (позиція {pos}) має забагато необмежених повторів (*, +, {{m,}}): "
              "на довгій відповіді його перевірка може тривати хвилинами. Залиште щонайбільше два "
              "або обмежте їх, наприклад {{1,20}}.",
        "en": "The regex() pattern '{pattern}' (position {pos}) has too many unbounded repetitions "
              "(*, +, {{m,}}): on a long answer checking it can take minutes. Keep at most two, or bound "
              "them, e.g. {{1,20}}."},
})


class PatternRefused(ValueError):
    """A regex() pattern we will not run; ``key`` and ``params`` say why (see :mod:`.expressions`)."""

    def __init__(self, key, **params):
        super().__init__(key)
        self.key, self.params = key, params


_REPEATS = (_re_constants.MAX_REPEAT, _re_constants.MIN_REPEAT, getattr(_re_constants, "POSSESSIVE_REPEAT", None))
_BACKREFERENCES = (_re_constants.GROUPREF, _re_constants.GROUPREF_EXISTS)


def compile_pattern(pattern: str) -> re.Pattern:
    """The compiled pattern of regex(), or :class:`PatternRefused`.

    Python's ``re`` backtracks, so a pattern can take exponential time on a short answer
    (``(a+)+$``) or polynomial time on a long one (``\\d*\\d*\\d*x`` takes a minute on 5,000 digits).
    We refuse, at load: a pattern over 300 characters or one ``re`` cannot read (Java-only syntax
    such as ``\\p{L}`` included); back-references; a repeated group (``*``, ``+``, ``{m,n}``) that holds
    another quantifier or an alternative ``|``, the shape of every exponential case; and a pattern
    whose product of quantifier ranges (an unbounded one counting 5,000, the longest answer) exceeds
    10^8 steps: two unbounded quantifiers (an e-mail pattern) pass, measured 0.04 s at worst on 5,000
    characters, and three do not. Matching is ASCII for ``\\d \\w \\s``, as Java's default is.
    """
    if len(pattern) > MAX_PATTERN:
        raise PatternRefused("expr.pattern_too_long", length=len(pattern), limit=MAX_PATTERN)
    try:
        tree = _re_parser.parse(pattern, re.ASCII)
        compiled = re.compile(pattern, re.ASCII)
    except (re.error, RecursionError, OverflowError) as err:
        raise PatternRefused("expr.pattern_invalid", pattern=pattern, detail=str(err)) from None
    cost = _pattern_cost(tree, repeated=False)
    if cost > MAX_PATTERN_COST:
        raise PatternRefused("expr.pattern_costly", pattern=pattern)
    return compiled


def _pattern_cost(items, repeated: bool) -> int:
    """Worst-case choices of a parsed pattern; refuses nesting under a repeat and back-references."""
    cost = 1
    for op, value in items:
        if op in _BACKREFERENCES:
            raise PatternRefused("expr.pattern_backreference")
        if op in _REPEATS:
            low, high, body = value
            if repeated:  # any quantifier, even ?, inside a repeated group: (a?){30}a{30} is exponential
                raise PatternRefused("expr.pattern_nested")
            inner = _pattern_cost(body, repeated=repeated or high > 1)
            span = min(high, MAX_MATCHED) - min(low, MAX_MATCHED) + 1
            cost *= span * inner
        elif op == _re_constants.BRANCH:
            if repeated:
                raise PatternRefused("expr.pattern_nested")
            cost *= sum(_pattern_cost(branch, repeated) for branch in value[1])
        elif op == _re_constants.SUBPATTERN:
            cost *= _pattern_cost(value[-1], repeated)
        elif op in (_re_constants.ASSERT, _re_constants.ASSERT_NOT):
            cost *= _pattern_cost(value[1], repeated)
        elif op == getattr(_re_constants, "ATOMIC_GROUP", None):
            cost *= _pattern_cost(value, repeated)
        cost = min(cost, MAX_PATTERN_COST + 1)  # enough to refuse; keeps the product small
    return cost
