"""The XPath functions ODK forms use (regex, sum, coalesce, selected-at, jr:choice-name, ...).

Worked examples come from ODK's XForms specification (https://getodk.github.io/xforms-spec/#xpath-functions)
and from JavaRosa's own tests (``XPathEvalTest.java``), whose values Collect gives.
"""
from __future__ import annotations

import datetime
import math
import re
import time

import pytest

from workbench.i18n import UserError
from workbench.instruments.expressions import ExpressionError, evaluate_bool, parse
from workbench.instruments.loader import InstrumentError, load_instrument
from workbench.instruments.validation import check_submission
from workbench.instruments.xpath_functions import FUNCTIONS
from workbench.instruments.xpath_regex import MAX_MATCHED

TODAY = datetime.date(2024, 3, 15)
NAN = float("nan")
INF = float("inf")


def run(text, ctx=None, nodes=None, choice_label=None):
    ctx = dict(ctx or {})
    current = ctx.pop(".", None)
    return parse(text).evaluate(ctx.__getitem__, current=current, today=TODAY,
                                nodes=nodes.__getitem__ if nodes else None, choice_label=choice_label)


def same(result, expected):
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(result, float) and math.isnan(result)
    if isinstance(expected, float):
        return type(result) is float and result == pytest.approx(expected)
    return type(result) is type(expected) and result == expected


WORKED = [
    # selects: selected-at is 0-based, "" outside the list
    ("selected-at('apple baby crimson', 2)", {}, "crimson"),
    ("selected-at('apple baby', 2)", {}, ""),
    ("selected-at('apple baby', 0)", {}, "apple"),
    ("selected-at('apple baby', -1)", {}, ""),
    ("selected-at('apple baby', 1.9)", {}, "baby"),
    ("selected-at(${m}, 1)", {"m": ["a", "b"]}, "b"),
    ("selected-at(${m}, 'x')", {"m": ["a", "b"]}, ""),
    # text (JavaRosa's XPathEvalTest)
    ("substr('hello', 0)", {}, "hello"),
    ("substr('hello', 1)", {}, "ello"),
    ("substr('hello', 1, 4)", {}, "ell"),
    ("substr('hello', -2)", {}, "lo"),
    ("substr('hello', 0, -1)", {}, "hell"),
    ("substr('hello', 4, 1)", {}, ""),
    ("substring-before('hello', 'l')", {}, "he"),
    ("substring-before('hello', 'q')", {}, ""),
    ("substring-after('hello', 'l')", {}, "lo"),
    ("substring-after('hello', '')", {}, "hello"),
    ("translate('hello', 'lo', 'LO')", {}, "heLLO"),
    ("translate('hello world', 'hello', '')", {}, " wrd"),
    ("translate('2019/01/02', '/', '-')", {}, "2019-01-02"),
    ("contains('abc', 'b')", {}, True),
    ("contains('abc', 'bcd')", {}, False),
    ("starts-with('', '')", {}, True),
    ("starts-with('abc', 'a')", {}, True),
    ("ends-with('abc', 'a')", {}, False),
    ("normalize-space(' \ta\n\t  b \n\t c   \n')", {}, "a b c"),
    ("normalize-space('  ')", {}, ""),
    ("join(', ', 'a', 'b', 3)", {}, "a, b, 3"),
    ("string-length('Київ')", {}, 4),
    # logic: coalesce's first non-empty, nested if
    ("coalesce(${a}, 'none')", {"a": ""}, "none"),
    ("coalesce(${a}, 'none')", {"a": None}, "none"),
    ("coalesce(${a}, 'none')", {"a": 0}, 0),
    ("coalesce(${a}, ${b})", {"a": "", "b": ""}, ""),
    ("coalesce(number('x'), 5)", {}, 5),
    ("coalesce('first', ${missing})", {}, "first"),     # lazy: ${missing} is never looked up
    ("if(${z} = 'zone_1', 'north', if(${z} = 'zone_2', 'south', if(${z} = '', 'none', 'ERROR')))",
     {"z": "zone_2"}, "south"),
    ("if(${z} = 'zone_1', 'north', if(${z} = 'zone_2', 'south', if(${z} = '', 'none', 'ERROR')))",
     {"z": None}, "none"),
    ("boolean('false')", {}, True),
    ("boolean(0)", {}, False),
    ("boolean(1 div 0)", {}, True),
    # numbers (JavaRosa's XPathEvalTest)
    ("pow(2, 2)", {}, 4),
    ("pow(2.5, 2)", {}, 6.25),
    ("pow(-1, 3)", {}, -1),
    ("pow(16, 0.25)", {}, 2),
    ("pow(10, 400)", {}, INF),
    ("pow(-10, 401)", {}, -INF),
    ("pow(-8, 1 div 3)", {}, NAN),
    ("pow(0, -1)", {}, INF),                # Java's Math.pow, where Python's math.pow refuses
    ("pow(${z}, -3)", {"z": -0.0}, -INF),   # a decimal answer of -0: to an odd negative power, -Infinity
    ("pow(${z}, -2)", {"z": -0.0}, INF),
    ("abs(-3.5)", {}, 3.5),
    ("sqrt(9)", {}, 3),
    ("sqrt(-1)", {}, NAN),
    ("exp10(2)", {}, 100),
    ("exp(1000)", {}, INF),
    ("log10(100)", {}, 2),
    ("log(0)", {}, -INF),
    ("log(-1)", {}, NAN),
    ("round(15 div sqrt(cos(atan(20 div 100))), 2)", {}, 15.15),   # UCL biomass form's plot radius
    ("cos(0)", {}, 1),
    ("asin(2)", {}, NAN),
    ("atan2(0, 0)", {}, 0),
    ("round(pi(), 4)", {}, 3.1416),
    ("sin(1 div 0)", {}, NAN),
    ("max(3, '7', 'x', 2)", {}, 7),
    ("min(3, '7', 'x', 2)", {}, 2),
    ("max('x', '')", {}, NAN),
    ("max(-5, -2)", {}, -2),                # JavaRosa's Double.MIN_VALUE start would give 4.9e-324
    # dates
    ("decimal-date-time('2000-01-01T10:20:30.000')", {}, 10957.430902777778),
    ("decimal-date-time('2000-01-01T12:00:00+02:00')", {}, 10957.416666666666),
    ("decimal-date-time('2000-01-01')", {}, 10957),
    ("decimal-date-time(${d})", {"d": datetime.date(1970, 1, 2)}, 1),
    ("decimal-date-time('-01-2019')", {}, NAN),
    # number() reads dates and dateTimes as days (the specification's number()), so answers compare
    ("number('2024-03-15')", {}, 19797),
    ("number('2024-03-15T12:00Z')", {}, 19797.5),
    ("${end} > ${start}", {"start": "2024-03-15T09:30", "end": "2024-03-15T10:15"}, True),
    ("${end} > ${start}", {"start": "2024-03-15T09:30+02:00", "end": "2024-03-15T08:15Z"}, True),
    ("round((${end} - ${start}) * 24 * 60)", {"start": "2024-03-15T09:30", "end": "2024-03-15T10:15"}, 45),
    ("${start} < today()", {"start": "2024-03-14T23:59"}, True),
    ("number('2024-13-01T00:00')", {}, NAN),
    ("number('9999-12-31T23:59-14:00')", {}, NAN),
    ("number('0001-01-01T00:00+01:00')", {}, NAN),
    ("number('2024-03-15 10:00')", {}, NAN),      # ISO's T, as ODK writes a dateTime
]


@pytest.mark.parametrize("text, ctx, expected", WORKED)
def test_worked_examples(text, ctx, expected):
    result = run(text, ctx)
    assert same(result, expected), f"{text!r} gave {result!r}, expected {expected!r}"


# ------------------------------------------------------------------ regex()
@pytest.mark.parametrize("value, expected", [
    ("olena@example.org", True), ("olena.k@mail.com.ua", True), ("olena@", False),
    ("write to olena@example.org", False),      # the whole value must match, as JavaRosa's Pattern.matches
    ("", False),
])
def test_regex_matches_the_whole_value(value, expected):
    email = "regex(., '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,4}')"   # pyxform's own example form
    assert run(email, {".": value}) is expected


def test_regex_examples():
    assert run("regex('12345', '[0-9]+')") is True                 # JavaRosa's test
    assert run("regex(${phone}, '^(\\+380|0)[0-9]{9}$')", {"phone": "+380501234567"}) is True
    assert run("regex(${phone}, '^(\\+380|0)[0-9]{9}$')", {"phone": "0501234567"}) is True
    assert run("regex(${phone}, '^(\\+380|0)[0-9]{9}$')", {"phone": "050123456"}) is False
    assert run("regex(${n}, '[0-9]{3}')", {"n": 123}) is True       # a number is matched as written
    assert run("regex(${n}, '[0-9]{3}')", {"n": None}) is False
    # \d is ASCII as in Java: Arabic-Indic digits are not digits here.
    assert run("regex(., '\\d+')", {".": "٣٠"}) is False
    assert run("regex(., '[А-ЯІЇЄҐа-яіїєґ’ -]+')", {".": "Олена Коваль-Їжак"}) is True


REFUSED_PATTERNS = [
    ("regex(., '^(a+)+$')", "expr.pattern_nested"),
    ("regex(., '(a|aa)*b')", "expr.pattern_nested"),
    ("regex(., '(a?){30}a{30}')", "expr.pattern_nested"),
    ("regex(., '^([A-Za-z]+ ?)+$')", "expr.pattern_nested"),
    # pyxform's UCL biomass form: a phone pattern with starred groups inside a repeated group
    ("regex(.,'^(([0-9]{1})*[- .(]*([0-9]{3})[- .)]*[0-9]{3}[- .]*[0-9]{4})+$')", "expr.pattern_nested"),
    ("regex(., '(a)\\1')", "expr.pattern_backreference"),
    ("regex(., '(?P<x>a)(?P=x)')", "expr.pattern_backreference"),
    ("regex(., '(a)?(?(1)b|c)')", "expr.pattern_backreference"),
    ("regex(., '\\d*\\d*\\d*x')", "expr.pattern_costly"),
    ("regex(., '.{0,5000}.{0,5000}.{0,5000}')", "expr.pattern_costly"),
    ("regex(., '[0-9')", "expr.pattern_invalid"),
    ("regex(., '\\p{L}+')", "expr.pattern_invalid"),           # Java-only syntax
    ("regex(., '(' )", "expr.pattern_invalid"),
    ("regex(., '" + "a" * 301 + "')", "expr.pattern_too_long"),
    ("regex(., ${p})", "expr.pattern_literal"),
    ("regex(., concat('[0-9]', '+'))", "expr.pattern_literal"),
    ("regex(., 5)", "expr.pattern_literal"),
    ("regex(.)", "expr.arg_count"),
]


@pytest.mark.parametrize("text, key", REFUSED_PATTERNS)
def test_dangerous_or_unreadable_patterns_are_refused_at_load(text, key):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.key == key
    uk, en = info.value.message("uk"), info.value.message("en")
    assert uk != en and "regex" in en and "regex" in uk
    assert not re.search(r"(?<![$p])\{\w+\}", en + uk)   # every placeholder filled in (\\p{L} is regex talk)


def test_the_worst_accepted_patterns_stay_fast_on_the_longest_answer():
    """Two unbounded quantifiers over the same characters: the polynomial worst case the guard lets in."""
    for pattern, value in [("\\d*\\d*x", "1" * MAX_MATCHED), ("[a-z.]+@[a-z.]+\\.[a-z]{2,4}", "a." * 2500),
                           (".*a.*b", "a" * MAX_MATCHED)]:
        expr = parse(f"regex(., '{pattern}')")
        started = time.perf_counter()
        assert expr.evaluate(lambda n: None, current=value) is False
        assert time.perf_counter() - started < 2, pattern   # about 0.05 s measured; 2 s for a busy machine


def test_a_value_longer_than_any_answer_does_not_match():
    expr = parse("regex(., '[0-9]+')")
    assert expr.evaluate(lambda n: None, current="1" * MAX_MATCHED) is True
    assert expr.evaluate(lambda n: None, current="1" * (MAX_MATCHED + 1)) is False


# --------------------------------------------------- nodesets: sum, count, ...
def test_sum_count_max_min_go_over_every_entry():
    nodes = {"income": [1200, "800.5", None, ""], "child": [{}, {}, {}]}
    assert run("sum(${income})", nodes=nodes) == 2000.5          # empty entries skipped, as JavaRosa skips NaN
    assert run("count(${income})", nodes=nodes) == 4
    assert run("count-non-empty(${income})", nodes=nodes) == 2
    assert run("count(${child})", nodes=nodes) == 3
    assert run("max(${income})", nodes=nodes) == 1200
    assert run("min(${income}, 100)", nodes=nodes) == 100
    assert run("join('; ', ${income})", nodes=nodes) == "1200; 800.5; ; "
    assert run("sum(${income}) div count(${child})", nodes=nodes) == pytest.approx(666.8333333)
    assert same(run("sum(${x})", nodes={"x": []}), 0)
    assert same(run("max(${x})", nodes={"x": []}), NAN)
    assert same(run("sum(${x})", nodes={"x": [10 ** 400, 10 ** 400]}), INF)
    assert same(run("sum(${x})", nodes={"x": [INF, -INF]}), NAN)


def test_without_a_nodes_callback_a_nodeset_is_the_one_answer():
    assert run("sum(${x})", {"x": 4}) == 4
    assert run("count(${x})", {"x": None}) == 1


def test_nodeset_references_are_told_apart():
    e = parse("sum(${a}) + count(${r}) + ${b} + max(${c}, ${d} + 1)")
    assert e.nodeset_references == frozenset({"a", "r", "c"})
    assert e.references == frozenset({"b", "d"})
    assert parse("sum(${a}) + ${a}").references == frozenset({"a"})   # a plain use is still a plain use


@pytest.mark.parametrize("text", ["sum(1)", "sum(${a} + 1)", "count('x')", "count-non-empty(.)"])
def test_a_nodeset_function_needs_a_reference(text):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.key == "expr.nodeset_argument"
    assert info.value.params["name"] == text.split("(")[0]


# -------------------------------------------------- position(..), indexed-repeat()
def test_position_and_indexed_repeat():
    e = parse("indexed-repeat(${age}, ${member}, position(..) - 1)")
    assert e.uses_position and e.indexed_references == frozenset({("age", "member")})
    assert e.references == frozenset() and e.nodeset_references == frozenset()
    ages = ["34", 12, None]

    def at(position):
        return e.evaluate(lambda n: None, every={"age": ages}.__getitem__, position=position)
    assert [at(1), at(2), at(3)] == ["34", "34", 12]     # position 1: index 0, so the first entry (JavaRosa)
    assert at(4) == ""                                   # the third entry's answer is empty
    assert parse("indexed-repeat(${age}, ${member}, 9)").evaluate(lambda n: None, every=lambda n: ages) == ""
    assert parse("indexed-repeat(${age}, ${member}, 'x')").evaluate(lambda n: None, every=lambda n: ages) == "34"
    assert same(parse("position(..)").evaluate(lambda n: None), NAN)   # no entry given
    assert parse("position( .. ) * 10").evaluate(lambda n: None, position=2) == 20


# ------------------------------------------------------------ jr:choice-name()
def test_choice_name_gives_the_label_of_the_choice():
    labels = {("district", "kyiv"): "Київ", ("district", "lviv"): "Львів"}

    def choice_label(question, value):
        return labels.get((question, value), "")

    text = "jr:choice-name(${district}, '${district}')"
    assert parse(text).choice_references == frozenset({"district"})
    assert run(text, {"district": "lviv"}, choice_label=choice_label) == "Львів"
    assert run(text, {"district": "odesa"}, choice_label=choice_label) == ""
    assert run(text, {"district": "lviv"}) == "lviv"     # no labels given: the choice's name


@pytest.mark.parametrize("text", ["jr:choice-name(${a}, ${a})", "jr:choice-name(${a}, 'a')",
                                  "jr:choice-name(${a}, '${a} ${b}')", "jr:choice-name(${a}, concat('${', 'a}'))"])
def test_choice_name_needs_the_question_in_quotes(text):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.key == "expr.choice_name_question"


# ------------------------------------------------------------- every function
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_wrong_argument_counts_are_refused_naming_the_function(name):
    function = FUNCTIONS[name]
    counts = [function.fewest - 1] if function.fewest else []
    counts += [function.most + 1] if function.most is not None else []
    for count in counts:
        args = ", ".join(["${a}"] * count)
        with pytest.raises(ExpressionError) as info:
            parse(f"{name}({args})")
        assert info.value.key == "expr.arg_count"
        assert name in info.value.message("en") and name in info.value.message("uk")


HOSTILE = [None, "", "abc", " -2.5 ", "2024-02-30", "1e308", "9999-12-31T23:59-14:00",
           "2024-03-15T10:00:00.5+02:00", 0, -1, 3, 10 ** 400, -(10 ** 400), 2 ** 60,
           1e308, NAN, INF, -INF, True, False, datetime.date(2024, 1, 31), ["a", "b"], (), {"x": 1}]


def _call_with(name, arity):
    args = ["${v}", "${w}", "${v}"][:arity]
    if name in ("regex",):
        args[1] = "'^[a-z]+[0-9]*$'"
    if name == "jr:choice-name":
        args[1] = "'${w}'"
    if name == "position":
        args = [".."]
    return f"{name}({', '.join(args)})"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hostile_values_give_a_value_never_an_exception(name):
    function = FUNCTIONS[name]
    arities = {function.fewest, function.most if function.most is not None else function.fewest + 2}
    for arity in sorted(arities):
        expr = parse(_call_with(name, arity))
        for v in HOSTILE:
            for w in HOSTILE:
                values = {"v": v, "w": w}
                result = expr.evaluate(values.__getitem__, current=v, today=TODAY,
                                       nodes=lambda n, values=values: [values[n], values["v"]])
                assert isinstance(result, (str, bool, int, float, datetime.date)), (name, v, w)
                assert isinstance(evaluate_bool(expr, values.__getitem__, today=TODAY), bool)


# -------------------------------------------------- in a form: load and check
def form(tmp_path, survey_rows, extra=""):
    lines = ["| survey |", "| | type | name | label::Українська (uk) | label::English (en) | constraint | calculation |"
             + extra, *survey_rows,
             "| choices |", "| | list_name | name | label::Українська (uk) | label::English (en) |",
             "| | district | kyiv | Київ | Kyiv |", "| | district | lviv | Львів | Lviv |"]
    path = tmp_path / "form.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_form_sums_a_repeat_checks_a_pattern_and_names_a_choice(tmp_path, monkeypatch):
    path = form(tmp_path, [
        "| | select_one district | district | Район | District | | |",
        "| | text | phone | Телефон | Phone | regex(., '^0[0-9]{9}$') | |",
        "| | begin_repeat | member | Член родини | Family member | | |",
        "| | integer | income | Дохід | Income | . >= 0 | |",
        "| | end_repeat | | | | | |",
        "| | calculate | total | | | | sum(${income}) |",
        "| | calculate | members | | | | count(${member}) |",
        "| | calculate | place | | | | jr:choice-name(${district}, '${district}') |",
        "| | calculate | contact | | | | coalesce(${phone}, 'немає') |",
    ])
    instrument = load_instrument(path)
    answers = {"district": "lviv", "phone": "0501234567",
               "member": [{"income": "1200"}, {"income": "800"}, {}]}
    checked = check_submission(instrument, answers, today=TODAY)
    assert checked.ok, checked.messages("en")
    assert checked.answers["total"] == 2000 and checked.answers["members"] == 3
    assert checked.answers["place"] == "Львів" and checked.answers["contact"] == "0501234567"
    monkeypatch.setenv("WB_LANG", "en")   # the workbench's language, which a saved record keeps
    assert check_submission(instrument, answers, today=TODAY).answers["place"] == "Lviv"
    monkeypatch.delenv("WB_LANG")
    checked = check_submission(instrument, dict(answers, phone="12345"), today=TODAY)
    assert [p.item for p in checked.problems] == ["phone"]
    assert check_submission(instrument, {"district": "kyiv"}, today=TODAY).answers["contact"] == "немає"


def test_a_form_numbers_its_entries_and_looks_back(tmp_path):
    path = form(tmp_path, [
        "| | begin_repeat | member | Член | Member | | |",
        "| | integer | age | Вік | Age | | |",
        "| | calculate | number | | | | position(..) |",
        "| | calculate | older | | | | if(position(..) > 1, ${age} > indexed-repeat(${age}, ${member}, "
        "position(..) - 1), false()) |",
        "| | end_repeat | | | | | |",
        "| | calculate | first_age | | | | indexed-repeat(${age}, ${member}, 1) |",
    ])
    checked = check_submission(load_instrument(path), {"member": [{"age": "40"}, {"age": "12"}, {"age": "15"}]},
                               today=TODAY)
    assert checked.ok, checked.messages("en")
    assert [(e["number"], e["older"]) for e in checked.answers["member"]] == [(1, False), (2, False), (3, True)]
    assert checked.answers["first_age"] == 40


@pytest.mark.parametrize("rows, column, words", [
    (["| | integer | age | В | A | | |", "| | calculate | c | | | | position(..) |"], "calculation",
     "only inside a repeat"),
    (["| | integer | age | В | A | | |", "| | begin_repeat | member | Ч | M | | |", "| | integer | x | В | X | | |",
      "| | end_repeat | | | | | |", "| | calculate | c | | | | indexed-repeat(${age}, ${member}, 1) |"],
     "calculation", "'age' is not a question inside the repeat 'member'"),
    (["| | text | phone | Т | P | regex(., '^(a+)+$') | |"], "constraint", "(a+)+"),
    (["| | text | phone | Т | P | | |", "| | calculate | c | | | | jr:choice-name(${phone}, '${phone}') |"],
     "calculation", "not a select question"),
    (["| | text | phone | Т | P | | |", "| | calculate | c | | | | sum(${nothing}) |"], "calculation", "${nothing}"),
    (["| | text | phone | Т | P | | |", "| | calculate | c | | | | count(${phone} + 1) |"], "calculation",
     "must be a reference"),
])
def test_a_form_with_a_refused_function_names_row_and_column(tmp_path, rows, column, words):
    with pytest.raises(InstrumentError) as info:
        load_instrument(form(tmp_path, rows))
    english, ukrainian = info.value.message("en"), info.value.message("uk")
    assert f"column '{column}'" in english and f"стовпець «{column}»" in ukrainian
    assert words in english
    assert isinstance(info.value, UserError)


def test_a_plain_reference_into_a_repeat_is_still_refused(tmp_path):
    path = form(tmp_path, [
        "| | begin_repeat | member | Член | Member | | |",
        "| | integer | income | Дохід | Income | | |",
        "| | end_repeat | | | | | |",
        "| | calculate | c | | | | ${income} + sum(${income}) |",
    ])
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    assert "points into the repeat 'member'" in info.value.message("en")
