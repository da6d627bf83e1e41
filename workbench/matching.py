"""Possible duplicate persons at intake: names and dates of birth compared spelling-insensitively.

A person reaches the database as Шевченко Олександр, Shevchenko Aleksandr or Шевченко Александр,
with day and month swapped or a letter wrong. Every name is reduced to a *key*: Latin spellings
are folded so that letters that spellings confuse become one symbol (i/y/ii/iy/yi, kh/h/g, ts/c,
zh/j, ya/ia/ja, ye/ie/e ...), and Cyrillic letters map straight to the same symbols. Given
names known in Ukrainian and Russian forms (Олександр/Александр/Aleksandr) map to one canonical
key through the table at the end of this module. Keys are compared with an edit distance that
counts a transposition as one edit, so one typo costs one edit.

A pair scores names × date of birth: both names must match (in either order), and the dates must
be equal, day/month swapped, or one typed digit apart. Two *different* known given names
(Марія/Марина, Олександр/Олександра) count as different people even when their keys are close:
a typo seldom produces another real name, while twins and siblings do.

Standard library only.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

THRESHOLD = 0.75

# What each kind of date evidence is worth. A missing date lets only two strongly matching names
# through: 0.8 × names ≥ 0.75 needs names ≥ 0.94, i.e. at most a typo in one long name.
_DATE_EQUAL, _DATE_SWAPPED, _DATE_TYPO, _DATE_MISSING, _DATE_DIFFERENT = 1.0, 0.95, 0.9, 0.8, 0.4
_DATE_MISSING_SAME_PATRONYMIC = 0.88
_SWAPPED_NAMES = 0.95      # given and family name typed into each other's fields
_TOKEN_MATCH = 0.9         # "Олександр Петрович" vs "Олександр", "Петренко-Іваненко" vs "Петренко"
_OTHER_NAME = 0.5          # two different known given names, or masculine vs feminine
_OTHER_PATRONYMIC = 0.85   # both patronymics given and clearly different: probably other fathers
_SHORT = 6                 # one typo in a name shorter than this still counts as 1/6 of it


@dataclass(frozen=True)
class PersonName:
    family_name: str
    given_name: str
    birth_date: datetime.date | None
    patronymic: str | None = None


# ---------------------------------------------------------------- keys

# Cyrillic (Ukrainian and Russian letters) straight to the key's symbols: the same symbols that
# Latin spellings fold to below. q = ч, w = ш, c = ц, j = ж, h = г/ґ/х; и, і, ї, й, ы are all i.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "e", "є": "ie", "ж": "j",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "q", "ш": "w", "щ": "wq", "ь": "", "ю": "iu", "я": "ia",
    "ё": "io", "ы": "i", "э": "e", "ъ": "",
}
# Latin letters typed inside a Cyrillic word by a keyboard-layout slip (Бiлоус with a Latin i).
_LOOKALIKES = str.maketrans("aceiopxyABCEHIKMOPTXY", "асеіорхуАВСЕНІКМОРТХУ")
# Czech/Polish letters, before the other diacritics are stripped.
_DIACRITICS = {"š": "sh", "č": "ch", "ž": "zh", "ś": "s", "ł": "l", "ż": "zh", "ć": "ch"}

# Latin spellings (KMU-2010, Russian-style, Polish, German, English) folded in one left-to-right
# pass, longest first, so that a symbol produced here is never folded again.
_LATIN = {
    "shch": "wq", "tsch": "q", "sch": "w", "zh": "j", "kh": "h", "gh": "h", "ch": "q", "cz": "q",
    "sh": "w", "sz": "w", "ts": "c", "tz": "c", "ck": "k", "ph": "f", "th": "t", "x": "ks",
    "w": "v", "q": "k", "g": "h", "j": "i", "y": "i", "c": "k",
}
_LATIN_RE = re.compile("|".join(sorted(_LATIN, key=len, reverse=True)))
_DOUBLE = re.compile(r"(.)\1+")
_HAS_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _fold(match: re.Match) -> str:
    text = match.group()
    if text == "c":  # c before e/i/y is ц (Polish, German); elsewhere k (Victor, Nicolai)
        following = match.string[match.end():match.end() + 1]
        return "c" if following in ("e", "i", "y") else "k"
    return _LATIN[text]


@lru_cache(maxsize=200_000)
def _spelling_key(name: str) -> str:
    """The folded Latin spelling of a name, without the given-name table."""
    text = unicodedata.normalize("NFC", name or "")
    if _HAS_CYRILLIC.search(text):
        text = "".join(_CYRILLIC.get(ch, "") for ch in text.translate(_LOOKALIKES).lower())
    else:
        text = "".join(_DIACRITICS.get(ch, ch) for ch in text.lower())
        # apostrophes, hyphens, spaces and combining accents all go
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if "a" <= ch <= "z")
        text = _LATIN_RE.sub(_fold, text)
    text = _DOUBLE.sub(r"\1", text)
    # ye/ie/e are one sound after i/y folding (Yevhen, Ievgen, Evgeny), and the Russian -ей is
    # the Ukrainian -ій (Андрей/Андрій, Олейник/Олійник); not before a vowel (Андреєва → andreva)
    text = re.sub(r"ei(?![aeiou])", "i", text.replace("ie", "e"))
    return _DOUBLE.sub(r"\1", text)


def phonetic_key(name: str) -> str:
    """A normalised Latin key of one name: Cyrillic (Ukrainian or Russian) and Latin spellings of the same
    name give the same or a very close key; known Russian/Ukrainian given-name pairs map to one canonical key."""
    key = _spelling_key(name)
    return _GIVEN.get(key, (key, ""))[0]


def _other_names(a: str, b: str) -> bool:
    """Two keys that name different people however close they are: two known names of different
    groups (Марія/Марина, Олександр/Олександра), or two unknown names that differ by the feminine
    ending (Ярополк/Ярополка). Not "ends in -а" alone: a typo moves letters (Микола → Миклоа),
    and when only one name is known the other is more likely a typo of it."""
    if a in _GIVEN or b in _GIVEN:
        return a in _GIVEN and b in _GIVEN
    short, long = sorted((a, b), key=len)
    return long in (short + "a", short + "ia")


# Feminine forms of family names, folded into the masculine so that a woman recorded as
# Іванова and as Іванов (or Ковальська/Ковальский/Sokolskaya) is not two people on that ground.
_FEMININE = [("skaia", "ski"), ("ckaia", "cki"), ("ska", "ski"), ("cka", "cki"), ("ova", "ov"),
             ("eva", "ev"), ("ina", "in"), ("aia", "i"), ("na", "ni")]


@lru_cache(maxsize=200_000)
def _family_key(key: str) -> str:
    for ending, masculine in _FEMININE:
        if key.endswith(ending) and len(key) > len(ending) + 1:
            return key[: -len(ending)] + masculine
    return key


# ---------------------------------------------------------------- similarity

def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (substitution, insertion, deletion, adjacent
    transposition); gives up with limit + 1 once every alignment needs more than limit edits."""
    before, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


# я, ю, ё are one letter typed but two in a key; counted also as one symbol each, so that one
# wrong Cyrillic letter costs one edit (Тетяна/Тетна). Only "also": a typo can make an "ia" (Іавн).
_CLUSTER = re.compile("ia|iu|io|wq")
_CLUSTER_SYMBOL = {"ia": "1", "iu": "2", "io": "3", "wq": "4"}


@lru_cache(maxsize=200_000)
def _compact(key: str) -> str:
    return _CLUSTER.sub(lambda m: _CLUSTER_SYMBOL[m.group()], key)


# The similarity functions below take a floor: a result at or above it is exact, one below it
# may be any lower value. Searching many candidates only cares whether the threshold is reached.

def _key_similarity(a: str, b: str, floor: float = 0.0) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    score = _spelling_similarity(a, b, floor)
    ca, cb = _compact(a), _compact(b)
    if score < 1.0 and (ca, cb) != (a, b):
        score = max(score, _spelling_similarity(ca, cb, floor))
    return score


def _spelling_similarity(a: str, b: str, floor: float) -> float:
    longest = max(len(a), len(b), _SHORT)
    limit = int((1.0 - floor) * longest + 1e-9)  # the most edits that still reach floor
    if abs(len(a) - len(b)) > min(limit, longest / 2):  # at least that many insertions
        return 0.0
    return max(0.0, 1.0 - _edit_distance(a, b, limit) / longest)


@lru_cache(maxsize=200_000)
def _given_similarity(a: str, b: str, floor: float = 0.0) -> float:
    """Two spelling keys of given names: the name table and sex decide before spelling does."""
    ca, cb = _GIVEN.get(a, (a,))[0], _GIVEN.get(b, (b,))[0]
    if ca == cb:
        return 1.0 if ca else 0.0
    penalty = _OTHER_NAME if _other_names(a, b) else 1.0
    if floor > penalty:
        return 0.0
    return penalty * max(_key_similarity(x, y, floor / penalty) for x in {a, ca} for y in {b, cb})


@lru_cache(maxsize=200_000)
def _family_similarity(a: str, b: str, floor: float = 0.0) -> float:
    score = _key_similarity(a, b, floor)
    fa, fb = _family_key(a), _family_key(b)
    if score < 1.0 and (fa, fb) != (a, b):
        score = max(score, _key_similarity(fa, fb, floor))
    return score


_SEPARATORS = re.compile(r"[\s\-‐–—]+")


@lru_cache(maxsize=200_000)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(token for token in _SEPARATORS.split(name or "") if token)


def _field_similarity(a: str, b: str, given: bool, floor: float = 0.0) -> float:
    """Two fields as typed; a field may hold two names (double family name, given + patronymic)."""
    compare = _given_similarity if given else _family_similarity
    score = compare(_spelling_key(a), _spelling_key(b), floor)
    ta, tb = _tokens(a), _tokens(b)
    if score < 1.0 and (len(ta) > 1 or len(tb) > 1) and floor <= _TOKEN_MATCH:
        best = max(compare(_spelling_key(x), _spelling_key(y), floor / _TOKEN_MATCH) for x in ta for y in tb)
        score = max(score, _TOKEN_MATCH * best)
    return score


def name_similarity(a: str, b: str) -> float:
    """0..1 for two single names (given or family), spelling-insensitive.

    Compared as given names when either is a known given name (so Олександр/Олександра differ),
    otherwise as family names (so Іванов/Іванова are one name)."""
    given = _spelling_key(a) in _GIVEN or _spelling_key(b) in _GIVEN
    return _field_similarity(a, b, given)


def _date_factor(a: datetime.date | None, b: datetime.date | None) -> float:
    if a is None or b is None:
        return _DATE_MISSING
    if a == b:
        return _DATE_EQUAL
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return _DATE_SWAPPED
    sa, sb = a.isoformat().replace("-", ""), b.isoformat().replace("-", "")  # faster than strftime
    diff = [i for i in range(8) if sa[i] != sb[i]]
    if len(diff) == 1:
        return _DATE_TYPO
    i = diff[0]
    if len(diff) == 2 and diff[1] == i + 1 and (sa[i], sa[i + 1]) == (sb[i + 1], sb[i]):
        return _DATE_TYPO  # two neighbouring digits transposed: 1985 → 1958, 12 → 21
    return _DATE_DIFFERENT


def match_score(a: PersonName, b: PersonName) -> float:
    """0..1, combining both names (also swapped) and the date of birth."""
    return _score(a, b, 0.0)


def _names(family_a: str, family_b: str, given_a: str, given_b: str, floor: float) -> float:
    """family × given similarity; the given name is skipped when the family name alone falls short."""
    family = _field_similarity(family_a, family_b, False, floor)
    if family < floor or family == 0.0:
        return family
    return family * _field_similarity(given_a, given_b, True, floor)


def _score(a: PersonName, b: PersonName, floor: float) -> float:
    """match_score, exact when it reaches floor."""
    date = _date_factor(a.birth_date, b.birth_date)
    patronymic = 1.0
    if a.patronymic and b.patronymic:
        same_father = _field_similarity(a.patronymic, b.patronymic, False) >= 0.7
        patronymic = 1.0 if same_father else _OTHER_PATRONYMIC
        if same_father and date == _DATE_MISSING:
            date = _DATE_MISSING_SAME_PATRONYMIC
    need = floor / (date * patronymic)  # what the names must reach (each factor is at most 1)
    if need > 1.0:
        return 0.0
    straight = _names(a.family_name, b.family_name, a.given_name, b.given_name, need)
    swapped = 0.0
    if need <= _SWAPPED_NAMES:  # fields swapped: a's family name typed as b's given name
        swap_need = need / _SWAPPED_NAMES
        swapped = _SWAPPED_NAMES * max(
            _names(a.family_name, b.given_name, a.given_name, b.family_name, swap_need),
            _names(b.family_name, a.given_name, b.given_name, a.family_name, swap_need))
    return max(straight, swapped) * date * patronymic


def is_possible_duplicate(a: PersonName, b: PersonName) -> bool:
    return match_score(a, b) >= THRESHOLD


def blocking_keys(p: PersonName) -> set[str]:
    """Cheap keys for finding candidates in a database without comparing against everyone: e.g. the phonetic
    key of the family name's first 3 letters, of the given name, the birth date and its day/month-swapped form, the
    birth year + first letter. Two persons that are possible duplicates must share at least one key (test this
    on the labelled set)."""
    # Why these suffice: a flagged pair has a date factor >= THRESHOLD (equal, swapped, one digit
    # off, or missing). Equal or swapped dates share "d:". Otherwise (x 0.9 or 0.8) the names must
    # reach 0.83, so one name is equal ("n:") unless both carry a typo; then the family name's
    # start ("f:") or year + initial ("y:") usually meets. Both fields get the same name keys, and
    # a given-name field holding no known given name may hold the family name: swapped fields.
    keys: set[str] = set()
    for field, is_given in ((p.family_name, False), (p.given_name, True)):
        spelled = _spelling_key(field)
        for name in {field, *_tokens(field)}:
            key = _spelling_key(name)
            keys |= {"n:" + k for k in (key, phonetic_key(name), _family_key(key)) if k}
        if spelled and not (is_given and spelled in _GIVEN):
            family = _family_key(spelled)
            keys.add("f:" + family[:3])  # a typo later in the family name
            if p.birth_date:
                keys.add(f"y:{p.birth_date.year}{family[0]}")
    if p.birth_date:
        d = p.birth_date
        low, high = sorted((d.day, d.month))
        keys.add(f"d:{d.year}-{low}-{high}")  # the same for a date and its day/month swap
    return keys


def find_possible_duplicates(new: PersonName, candidates: Iterable[tuple[object, PersonName]],
                             limit: int = 10) -> list[tuple[object, float]]:
    """(id, score) of candidates that are possible duplicates, best first."""
    found = []
    for cid, person in candidates:
        score = _score(new, person, THRESHOLD)
        if score >= THRESHOLD:
            found.append((cid, score))
    found.sort(key=lambda item: item[1], reverse=True)
    return found[:limit]


# ---------------------------------------------------------------- given-name table
# One group a line: sex, then Ukrainian, Russian and Latin spellings of one name. Spellings with
# the same key need not all be listed (Сергій/Serhii/Serhiy are one key already); the first
# spelling's key is the canonical key. Diminutives (Саша, Таня) are deliberately not here.
_GIVEN_NAME_GROUPS = """
m Олександр Александр Oleksandr Aleksandr Alexander Alexandr Oleksander
m Олексій Алексей Oleksii Aleksei Alexey Aleksey Alexei
m Андрій Андрей Andrii Andrey
m Анатолій Анатолий Anatolii
m Антон Anton
m Аркадій Аркадий Arkadii
m Арсеній Арсений Arsenii
m Артем Артём Artem Artyom
m Богдан Bohdan Bogdan
m Борис Borys Boris
m Вадим Vadym Vadim
m Валентин Valentyn Valentin
m Валерій Валерий Valerii
m Василь Василий Vasyl Vasily Vasiliy Vasilii
m Віктор Виктор Viktor Victor
m Віталій Виталий Vitalii
m Владислав Vladyslav Vladislav
m Володимир Владимир Volodymyr Vladimir
m Вʼячеслав Вячеслав Viacheslav Vyacheslav
m Всеволод Vsevolod
m Геннадій Геннадий Hennadii Gennady Gennadiy
m Георгій Георгий Heorhii Georgy Georgiy
m Гліб Глеб Hlib Gleb
m Григорій Григорий Hryhorii Grigory Grigoriy
m Давид Davyd David
m Данило Даниил Данила Danylo Daniil Danila
m Денис Denys Denis
m Дмитро Дмитрий Dmytro Dmitry Dmitriy Dmitrii
m Едуард Эдуард Eduard
m Євген Евгений Yevhen Evgeny Evgeniy Yevgeny Yevgeniy Ievgen
m Захар Zakhar
m Ігор Игорь Ihor Igor
m Іван Иван Ivan
m Ілля Илья Illia Ilya
m Йосип Иосиф Yosyp Iosif
m Кирило Кирилл Kyrylo Kirill
m Костянтин Константин Kostiantyn Konstantin
m Кузьма Kuzma
m Лев Lev
m Леонід Леонид Leonid
m Лука Luka
m Максим Maksym Maksim Maxim
m Марко Марк Marko Mark
m Матвій Матвей Matvii Matvey
m Микита Никита Mykyta Nikita
m Микола Николай Mykola Nikolai Nikolay Nicolai
m Мирослав Myroslav Miroslav
m Михайло Михаил Mykhailo Mikhail Mykhaylo
m Назар Nazar
m Олег Oleh Oleg
m Олесь Oles
m Омелян Емельян Omelian Yemelyan
m Орест Orest
m Остап Ostap
m Павло Павел Pavlo Pavel
m Петро Пётр Петр Petro Pyotr Petr
m Пилип Филипп Pylyp Filip Philipp
m Роман Roman
m Ростислав Rostyslav Rostislav
m Руслан Ruslan
m Сава Савва Sava Savva
m Святослав Sviatoslav Svyatoslav
m Семен Семён Semen Semyon
m Сергій Сергей Serhii Sergey Sergei Sergiy
m Станіслав Станислав Stanislav
m Степан Stepan
m Тарас Taras
m Тимофій Тимофей Tymofii Timofey
m Тимур Tymur Timur
m Федір Фёдор Федор Fedir Fedor Fyodor
m Юліан Юлиан Yulian
m Юрій Юрий Yurii Yuriy Yuri Iurii Jurij
m Яків Яков Yakiv Yakov
m Ян Yan
m Ярослав Yaroslav Jaroslav
f Аліна Алина Alina
f Алла Alla
f Альона Алёна Alona Alyona Aliona
f Анастасія Анастасия Anastasiia Anastasia
f Ангеліна Ангелина Anhelina Angelina
f Антоніна Антонина Antonina
f Богдана Bohdana Bogdana
f Валентина Valentyna Valentina
f Валерія Валерия Valeriia Valeria
f Василина Vasylyna Vasilina
f Вероніка Вероника Veronika
f Вікторія Виктория Viktoriia Victoria Viktoria
f Віра Вера Vira Vera
f Віталіна Виталина Vitalina
f Владислава Vladyslava Vladislava
f Галина Halyna Galina
f Ганна Анна Hanna Anna Ganna
f Дарина Daryna Darina
f Дарія Дарья Darya Dariia Daria
f Діана Диана Diana
f Єва Ева Yeva Eva
f Євгенія Евгения Yevheniia Evgenia Evgeniya
f Єлизавета Елизавета Yelyzaveta Elizaveta
f Жанна Zhanna
f Зінаїда Зинаида Zinaida
f Зоя Zoia Zoya
f Ілона Илона Ilona
f Інна Инна Inna
f Ірина Ирина Iryna Irina
f Іванна Иванна Ivanna
f Катерина Екатерина Kateryna Ekaterina Yekaterina Katerina
f Кіра Кира Kira
f Ксенія Ксения Kseniia Ksenia
f Лариса Larysa Larisa
f Лідія Лидия Lidiia Lidia
f Лілія Лилия Liliia Lilia
f Любов Liubov Lyubov
f Людмила Liudmyla Lyudmila Ludmila
f Маргарита Marharyta Margarita
f Марина Maryna Marina
f Марта Marta
f Марʼяна Марьяна Mariana Maryana
f Марія Мария Mariia Maria Mariya
f Мирослава Myroslava Miroslava
f Надія Надежда Nadiia Nadezhda
f Наталія Наталья Natalia Nataliya Natalya Nataliia
f Ніна Нина Nina
f Оксана Oksana
f Олександра Александра Oleksandra Aleksandra Alexandra
f Олена Елена Olena Elena Yelena
f Олеся Olesia Olesya
f Ольга Olha Olga
f Поліна Полина Polina
f Раїса Раиса Raisa
f Світлана Светлана Svitlana Svetlana
f Софія София Sofiia Sofia Sophia
f Соломія Соломия Solomiia
f Станіслава Станислава Stanislava
f Тамара Tamara
f Тетяна Татьяна Tetiana Tatiana Tatyana Tetyana
f Уляна Ульяна Uliana Ulyana
f Христина Кристина Khrystyna Kristina Christina
f Юлія Юлия Yuliia Yulia Julia Iuliia
f Яна Yana
f Ярослава Yaroslava
"""


def _build_given_table(text: str) -> dict[str, tuple[str, str]]:
    """spelling key → (canonical key, sex); two groups claiming one key is an error in the table."""
    table: dict[str, tuple[str, str]] = {}
    for line in text.strip().splitlines():
        sex, *spellings = line.split()
        canonical = _spelling_key(spellings[0])
        for spelling in spellings:
            key = _spelling_key(spelling)
            if table.get(key, (canonical,))[0] != canonical:
                raise ValueError(f"given-name table: {spelling!r} is in two groups")
            table[key] = (canonical, sex)
    return table


_GIVEN = _build_given_table(_GIVEN_NAME_GROUPS)
