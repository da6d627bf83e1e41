"""Configuration: programmes, categories, relations, roles and timelines.

Regulation changes (deadlines, lists) belong here, not in code. The built-in
``config/default.json`` is read first; ``WB_CONFIG`` may name a JSON file whose
top-level keys replace the built-in ones. An organisation's own instruments
(XLSForm files) are named in its ``instruments`` and given to programmes by name.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import i18n

i18n.add({
    "programme.unknown": {
        "uk": "Програми «{programme}» немає. Можливі: {allowed}.",
        "en": "There is no programme '{programme}'. Possible: {allowed}.",
    },
    "programme.none": {"uk": "жодної", "en": "none"},
})


@lru_cache(maxsize=4)
def _load(path: str | None) -> dict:
    text = resources.files("workbench").joinpath("config/default.json").read_text(encoding="utf-8")
    config = json.loads(text)
    if path:
        with open(path, encoding="utf-8") as f:
            config.update(json.load(f))
    return config


def load_config() -> dict:
    """The configuration in force (built-in defaults updated by ``WB_CONFIG``)."""
    return _load(os.environ.get("WB_CONFIG") or None)


def programme_instrument(programme: str) -> str:
    """The instrument a programme's cases start with (its ``instrument``), or "" if it names none."""
    return load_config()["programmes"].get(programme, {}).get("instrument", "")


def instrument_files() -> dict[str, Path]:
    """The organisation's own instruments, ``{name: XLSForm file}`` (the configuration's ``instruments``; a
    relative path read as :func:`configured_file` reads it, so a configuration and its forms move together)."""
    return {name: configured_file("instruments", file) for name, file in load_config().get("instruments", {}).items()}


def configured_file(section: str, named: str) -> Path:
    """A file the configuration's ``section`` names: an absolute path, or one relative to the configuration file
    that gives the section (``WB_CONFIG`` when it replaces the section, else the built-in configuration)."""
    path = Path(named)
    if path.is_absolute():
        return path
    override = os.environ.get("WB_CONFIG")
    if override and section in json.loads(Path(override).read_text(encoding="utf-8")):
        return Path(override).parent / path
    return Path(__file__).parent / "config" / path


def choices(kind: str, lang: str | None = None) -> list[tuple[str, str]]:
    """``[(label, code), ...]`` of a configured list (``programmes``, ``categories``, …) in ``lang``."""
    lang = i18n.normalise_language(lang)
    return [(labels[lang], code) for code, labels in load_config()[kind].items()]


def codes(kind: str) -> set[str]:
    """The valid codes of a configured list."""
    return set(load_config()[kind])


def codes_in_order(kind: str) -> list[str]:
    """The codes of a configured list in the order the configuration gives them."""
    return [code for code in load_config()[kind] if not code.startswith("_")]


def check_programme(programme, known=None) -> str | None:
    """``programme`` if it is one of ``known`` (default: the configured programmes); None or "" means every
    programme. Anything else is a ``UserError`` naming the value and the programmes there are."""
    if programme in (None, ""):
        return None
    known = codes_in_order("programmes") if known is None else list(known)
    if not isinstance(programme, str) or programme not in known:
        raise i18n.UserError("programme.unknown", programme=str(programme)[:80],
                             allowed=Labels("programmes", known, "programme.none"))
    return programme


def label(kind: str, code: str, lang: str | None = None) -> str:
    """The label of one code of a configured list, or the code itself if unknown."""
    entry = load_config()[kind].get(code)
    return entry[i18n.normalise_language(lang)] if entry else code


class Labels:
    """Labels of configured codes, rendered in whichever language a message is shown in."""

    def __init__(self, kind: str, codes, empty_key: str | None = None):
        self.kind, self.codes, self.empty_key = kind, tuple(codes), empty_key

    def message(self, lang: str | None = None) -> str:
        if not self.codes and self.empty_key:
            return i18n.t(self.empty_key, lang)
        return ", ".join(label(self.kind, code, lang) for code in self.codes)
