"""Message catalogue: every text a user sees, in Ukrainian and English.

Modules register their own messages with :func:`add` so each keeps its texts
beside its logic; :func:`t` renders one in the chosen language.
"""
from __future__ import annotations

import os

LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"

_CATALOGUE: dict[str, dict[str, str]] = {}


def add(messages: dict[str, dict[str, str]]) -> None:
    """Register messages: ``{key: {"uk": ..., "en": ...}}``; both languages are required."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        if key in _CATALOGUE and _CATALOGUE[key] != texts:
            raise ValueError(f"message {key!r} registered twice with different texts")
        _CATALOGUE[key] = dict(texts)


def t(key: str, lang: str | None = None, **params) -> str:
    """The message ``key`` in ``lang`` (``uk`` or ``en``), with ``{params}`` filled in."""
    lang = normalise_language(lang)
    texts = _CATALOGUE[key]
    return texts[lang].format(**params) if params else texts[lang]


def normalise_language(lang: str | None) -> str:
    """``uk`` or ``en``; anything else (None, a forged value) falls back to the default."""
    if lang in LANGUAGES:
        return lang
    env = os.environ.get("WB_LANG")
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def catalogue() -> dict[str, dict[str, str]]:
    """A copy of every registered message (for tests and translators)."""
    return {k: dict(v) for k, v in _CATALOGUE.items()}


class Text:
    """A message to render later, in whichever language it is shown (a success line, a label in an error)."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def message(self, lang: str | None = None) -> str:
        # A parameter may itself be translatable (a label, a list of conditions): render it in the same language.
        return t(self.key, lang, **{k: (v.message(lang) if hasattr(v, "message") else v) for k, v in self.params.items()})


class UserError(Exception):
    """An error whose message a user reads: a catalogue key and its parameters.

    ``str(err)`` is English (for logs and tracebacks); ``err.message(lang)`` is
    what the views show.
    """

    def __init__(self, key: str, **params):
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        # A parameter may itself be translatable (a cause, a label): render it in the same language.
        params = {k: (v.message(lang) if hasattr(v, "message") else v) for k, v in self.params.items()}
        return t(self.key, lang, **params)

    def __str__(self) -> str:
        try:
            return self.message("en")
        except KeyError:
            return self.key
