"""Which characters a stored text may hold, by kind, and its normal form (NFC).

Every text a service function stores goes through :func:`check_text` (the store's
``Checker.text`` and an instrument's text answers call it): it is normalised to NFC,
so "е" + a combining breve is stored as the one letter "й" and equal names compare
equal, and a refused character gives a message naming it and its position.

Kinds (:data:`KINDS`):

- ``name``: a person's family, given and patronymic name, a display name, who gave
  consent, who is responsible, a place, shelter, organisation or household name,
  a document number, a phone or an e-mail. Refused: every control character (Cc,
  tab and new line too), every format character (Cf: zero-width space, ZWJ/ZWNJ,
  the byte-order mark U+FEFF, the soft hyphen, LRM/RLM, bidirectional embeddings,
  overrides and isolates), lone surrogates (Cs), private-use characters (Co), the
  line and paragraph separators U+2028/U+2029 (Zl/Zp), U+FFFD (what a broken
  character becomes on its way from the browser) and noncharacters. A name with an
  invisible character looks like another name and escapes the duplicate search;
  a right-to-left override shows its letters in another order than they are stored.
- ``line``: a short one-line text (a title, a project, a reason given in a line).
  The same as ``name`` except that ZWJ and ZWNJ (U+200D, U+200C) are allowed:
  emoji sequences and some scripts (Persian, Indic) need them, and a title is not
  searched as a person's name is.
- ``free``: a note, wish or reason of several lines. Tab, new line and carriage
  return are allowed; other control characters, lone surrogates, the bidirectional
  embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the BOM,
  U+2028/U+2029, U+FFFD and noncharacters are refused. Other format characters
  (ZWJ, ZWNJ, soft hyphen, LRM/RLM, emoji tags) are allowed: they do not reorder
  what a reader sees and real text uses them.

Nothing here strips or shortens: the caller does (``Checker.text`` strips, then
counts the length of the normalised text).
"""
from __future__ import annotations

import unicodedata

from . import i18n

KINDS = ("name", "line", "free")

i18n.add({
    "text.bad_character": {
        "uk": "Недозволений символ ({what}) U+{code} {name} у позиції {position}.",
        "en": "A character that is not allowed ({what}), U+{code} {name}, at position {position}.",
    },
    # What kind of character it is, in words: Unicode's own names (RIGHT-TO-LEFT OVERRIDE) exist only in English.
    "text.what.direction": {"uk": "керування напрямком тексту", "en": "a text-direction control"},
    "text.what.format": {"uk": "невидимий символ форматування", "en": "an invisible formatting character"},
    "text.what.control": {"uk": "керувальний символ", "en": "a control character"},
    "text.what.separator": {"uk": "роздільник рядків чи абзаців", "en": "a line or paragraph separator"},
    "text.what.private": {"uk": "символ для приватного використання", "en": "a private-use character"},
    "text.what.noncharacter": {"uk": "не-символ Юнікоду", "en": "a Unicode noncharacter"},
    "text.broken_character": {
        "uk": "Пошкоджений символ ({what}) у позиції {position}; введіть його ще раз.",
        "en": "A broken character ({what}) at position {position}; please type it again.",
    },
    "text.broken.surrogate": {"uk": "одинокий сурогат", "en": "a lone surrogate"},
    "text.broken.replacement": {"uk": "символ-замінник U+FFFD", "en": "the replacement character U+FFFD"},
})

# Bidirectional embeddings, overrides and isolates: they reorder what is shown (U+202A–U+202E, U+2066–U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ
REPLACEMENT = "\ufffd"
BOM = "\ufeff"
FREE_CONTROLS = frozenset("\t\n\r")

# Control characters have no Unicode name in ``unicodedata``; the usual ones by theirs.
_CONTROL_NAMES = {"\t": "CHARACTER TABULATION", "\n": "LINE FEED", "\r": "CARRIAGE RETURN",
                  "\x00": "NULL", "\x1b": "ESCAPE", "\x7f": "DELETE"}


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused(ch: str, kind: str) -> bool:
    """Whether the character ``ch`` may not stand in a text of ``kind`` (see the module's docstring)."""
    category = unicodedata.category(ch)
    if category == "Cs" or ch == REPLACEMENT or category in ("Zl", "Zp") or _noncharacter(ord(ch)):
        return True
    if kind == "free":
        return (category == "Cc" and ch not in FREE_CONTROLS) or ch in BIDI_CONTROLS or ch == BOM
    if category in ("Cc", "Co"):
        return True
    if category == "Cf":
        return not (kind == "line" and ch in JOINERS)
    return False


def _position(text: str, index: int) -> int:
    """1-based position of ``text[index]`` as a reader counts characters: a combining mark belongs to the
    letter before it, and an emoji built of several code points (joined by ZWJ, with a skin tone, a flag's
    pair of regional indicators or tag characters) is one. An approximation of Unicode's grapheme clusters
    (UAX #29) that is right for the letters and emoji people type."""
    count, previous, regional_run = 0, "", 0
    for ch in text[:index]:
        code = ord(ch)
        regional = 0x1F1E6 <= code <= 0x1F1FF
        joins = (unicodedata.category(ch).startswith("M") or ch == "\u200d" or previous == "\u200d"
                 or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
                 or (regional and regional_run % 2 == 1) or (previous == "\r" and ch == "\n"))
        count += not joins
        regional_run = regional_run + 1 if regional else 0
        previous = ch
    return count + 1


def problem_at(text: str, index: int) -> tuple[str, dict]:
    """``(message key, params)`` for the refused character ``text[index]``."""
    ch = text[index]
    position = _position(text, index)
    if unicodedata.category(ch) == "Cs":
        return "text.broken_character", {"what": i18n.Text("text.broken.surrogate"), "position": position}
    if ch == REPLACEMENT:
        return "text.broken_character", {"what": i18n.Text("text.broken.replacement"), "position": position}
    category = unicodedata.category(ch)
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ch) or (
        "CONTROL CHARACTER" if category == "Cc" else "PRIVATE USE CHARACTER" if category == "Co"
        else "NONCHARACTER" if _noncharacter(ord(ch)) else "UNNAMED CHARACTER")
    what = ("direction" if ch in BIDI_CONTROLS else "separator" if category in ("Zl", "Zp")
            else "noncharacter" if _noncharacter(ord(ch)) else "control" if category == "Cc"
            else "private" if category == "Co" else "format")
    return "text.bad_character", {"what": i18n.Text(f"text.what.{what}"), "code": f"{ord(ch):04X}", "name": name,
                                  "position": position}


def check_text(value: str, kind: str) -> tuple[str | None, tuple[str, dict] | None]:
    """``(value in NFC, None)`` or ``(None, (message key, params))`` for the first refused character.

    ``value`` must be a ``str``; ``kind`` one of :data:`KINDS` (``ValueError`` otherwise: a
    programming error, not the user's). The position in the message counts the text as typed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown text kind {kind!r}")
    for index, ch in enumerate(value):
        if refused(ch, kind):
            return None, problem_at(value, index)
    # Lone surrogates are refused above, so normalising cannot meet one.
    return unicodedata.normalize("NFC", value), None


def searchable(query: str) -> str:
    """A search text in the form names are stored in: each refused character a space (a lone surrogate cannot
    even be sent to SQLite; a new line or zero-width space pasted with a name separates words), NFC, stripped."""
    return unicodedata.normalize("NFC", "".join(" " if refused(ch, "name") else ch for ch in query)).strip()


def broken(value) -> tuple[str, dict] | None:
    """The problem of the first lone surrogate in ``value``'s strings (a str, or dict keys and values and
    list items, nested), or None. For what is kept as typed but must still be encodable as UTF-8 (a draft):
    SQLite cannot store such a string, and no page can send one (:mod:`workbench.kernel_channels`)."""
    if isinstance(value, str):
        index = next((i for i, ch in enumerate(value) if "\ud800" <= ch <= "\udfff"), None)
        return None if index is None else problem_at(value, index)
    if isinstance(value, dict):
        return next((p for k, v in value.items() for p in (broken(k), broken(v)) if p), None)
    if isinstance(value, (list, tuple)):
        return next((p for v in value if (p := broken(v))), None)
    return None


def nfc(value):
    """``value`` with every string in it (dict keys and values, list items, nested) in NFC; other values as
    they are. For what is kept as typed but stored as every text is (a draft)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [nfc(v) for v in value]
    return value


def message(problem: tuple[str, dict], lang: str | None = None) -> str:
    """The problem of :func:`check_text` as a sentence in ``lang``."""
    key, params = problem
    return i18n.Text(key, **params).message(lang)
