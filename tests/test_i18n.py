import importlib
import pkgutil
import re
import string

import pytest

import workbench
from workbench import i18n
from workbench.i18n import UserError

# Each module registers its messages when it is imported: import them all, so no catalogue is missed.
MODULES = sorted(m.name for m in pkgutil.walk_packages(workbench.__path__, "workbench."))
for _name in MODULES:
    importlib.import_module(_name)


def test_every_module_of_the_package_was_imported():
    assert {"workbench.store.people", "workbench.apps.case", "workbench.evaluation.mixed"} <= set(MODULES)
    assert len(MODULES) > 50


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders():
    catalogue = i18n.catalogue()
    assert len(catalogue) > 50
    for key, texts in catalogue.items():
        assert texts["uk"].strip() and texts["en"].strip(), key
        assert _fields(texts["uk"]) == _fields(texts["en"]), key


def every_module_imported():
    """Every module of the package imported, so that every message is in the catalogue (each module adds its
    own when imported; which ones a test run has imported depends on the tests it ran before)."""
    import importlib
    import pkgutil

    import workbench

    for module in pkgutil.walk_packages(workbench.__path__, "workbench."):
        importlib.import_module(module.name)


def test_ukrainian_texts_are_in_ukrainian():
    # A missed translation usually shows as Latin-only text on the Ukrainian side. Words of one or two
    # letters are left out: statistical symbols (n, M, t, d_s, g_s) read the same in both languages.
    every_module_imported()
    for key, texts in i18n.catalogue().items():
        words = re.findall(r"[^\W\d_]{3,}", re.sub(r"\{[^}]*\}", "", texts["uk"]))
        letters = [c for word in words for c in word]
        if len(letters) > 3:
            cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
            assert cyrillic / len(letters) > 0.5, key


def test_a_message_registered_without_english_is_refused():
    with pytest.raises(ValueError):
        i18n.add({"test.only_uk": {"uk": "лише українською"}})


def test_user_error_renders_nested_causes_in_the_same_language():
    inner = UserError("input.required")
    outer = UserError("instrument.at", file="f.md", sheet="survey", row=3, column="type", problem=inner)
    assert "Це поле обовʼязкове" in outer.message("uk")
    assert "This field is required" in outer.message("en")
    assert str(outer) == outer.message("en")


def test_unknown_language_falls_back_to_ukrainian(monkeypatch):
    monkeypatch.delenv("WB_LANG", raising=False)
    assert i18n.t("input.required", "de") == i18n.t("input.required", "uk")
    assert i18n.t("input.required", "<script>") == i18n.t("input.required", "uk")
