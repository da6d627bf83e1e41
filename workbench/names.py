"""Names in Ukrainian: alphabetical order and the form used for searching.

Python's default sort puts Є, І, Ї and Ґ after Я (they sit outside the basic
Cyrillic block's order), and the three apostrophes people type (ʼ ' ’) would
make one name three; both are mended here.
"""
from __future__ import annotations

ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
APOSTROPHES = "ʼ'’`´ʹ"


def normalise_apostrophes(text: str) -> str:
    """Every apostrophe variant as the Ukrainian letter apostrophe ʼ (U+02BC)."""
    return "".join("ʼ" if ch in APOSTROPHES else ch for ch in text)


def search_form(text: str) -> str:
    """Lower-case, apostrophes unified, spaces folded: how names are stored and searched."""
    return " ".join(normalise_apostrophes(text or "").lower().split())


def ukrainian_key(text: str) -> tuple:
    """Sort key in Ukrainian alphabetical order; the apostrophe is ignored, as in dictionaries."""
    key = []
    for ch in search_form(text):
        if ch == "ʼ":
            continue
        if ch in _RANK:
            key.append((1, _RANK[ch], ""))
        elif ch == " ":
            key.append((0, 0, ""))  # a shorter word sorts first: "Іван Б" before "Іванна"
        else:
            key.append((2, 0, ch))  # Latin letters, digits and the rest after Cyrillic
    return tuple(key)
