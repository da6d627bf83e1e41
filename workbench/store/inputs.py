"""Checks shared by the service functions: text, dates and choices from configuration.

Each returns the clean value or raises ``UserError``; :class:`InvalidInput` gathers
the problems of several fields so a form can show each beside its field.
"""
from __future__ import annotations

from datetime import date

from .. import config, i18n
from ..i18n import UserError
from ..instruments.validation import parse_date, whole_number  # noqa: F401 (the store's number reading)
from ..text_rules import check_text

i18n.add({
    "input.invalid": {"uk": "Не збережено, виправте: {details}", "en": "Not saved; please correct: {details}"},
    "input.invalid_summary": {
        "uk": "Не збережено: виправте позначені поля ({count}).",
        "en": "Not saved: correct the marked fields ({count}).",
    },
    "input.required": {"uk": "Це поле обовʼязкове.", "en": "This field is required."},
    "input.too_long": {"uk": "Задовго: найбільше {limit} символів.", "en": "Too long: at most {limit} characters."},
    "input.not_text": {"uk": "Очікувався текст.", "en": "Text was expected."},
    "input.bad_date": {
        "uk": "Введіть справжню дату у форматі дд.мм.рррр.",
        "en": "Enter a real date as dd.mm.yyyy.",
    },
    "input.date_out_of_range": {
        "uk": "Дата має бути між 01.01.1900 і 31.12.2100.",
        "en": "The date must be between 01.01.1900 and 31.12.2100.",
    },
    "input.future_date": {"uk": "Дата не може бути в майбутньому.", "en": "The date cannot be in the future."},
    "input.invalid_choice": {"uk": "Виберіть значення зі списку.", "en": "Choose a value from the list."},
    "input.unknown_code": {
        "uk": "Значення «{value}» немає в переліку.",
        "en": "'{value}' is not in the list.",
    },
})


class InvalidInput(UserError):
    """Several fields are wrong; ``problems`` maps a field name to its ``UserError``."""

    def __init__(self, problems: dict[str, UserError]):
        self.problems = problems
        super().__init__("input.invalid")

    def message(self, lang=None) -> str:
        details = "; ".join(f"{name}: {err.message(lang)}" for name, err in self.problems.items())
        return i18n.t("input.invalid", lang, details=details)

    def summary(self, lang=None) -> str:
        """A short line for a form that shows each problem beside its field."""
        return i18n.t("input.invalid_summary", lang, count=len(self.problems))


class Checker:
    """Collects field problems; ``raise_if_any()`` raises :class:`InvalidInput`."""

    def __init__(self):
        self.problems: dict[str, UserError] = {}

    def text(self, field: str, value, *, required=True, limit=200, kind="line"):
        """``value`` stripped and in NFC, or None (empty and not ``required``, or a problem noted).

        ``kind`` is one of :data:`workbench.text_rules.KINDS`: ``name`` (people's, places' and
        organisations' names, numbers), ``line`` (a short one-line text, the default) or ``free``
        (several lines: notes, wishes, reasons). A refused character is named with its position;
        ``limit`` counts the characters of the normalised text.
        """
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problems[field] = UserError("input.required")
            return None
        if not isinstance(value, str):
            self.problems[field] = UserError("input.not_text")
            return None
        clean, problem = check_text(value, kind)
        if problem:
            self.problems[field] = UserError(problem[0], **problem[1])
            return None
        value = clean.strip()
        if len(value) > limit:
            self.problems[field] = UserError("input.too_long", limit=limit)
            return None
        return value

    def date(self, field: str, value, *, required=True, not_future=True, today: date | None = None):
        if value is None or value == "":
            if required:
                self.problems[field] = UserError("input.required")
            return None
        parsed, problem = parse_date(value)
        if problem:
            key = "input.date_out_of_range" if problem[0] == "validation.date_out_of_range" else "input.bad_date"
            self.problems[field] = UserError(key)
            return None
        if not_future and parsed > (today or date.today()):
            self.problems[field] = UserError("input.future_date")
            return None
        return parsed

    def code(self, field: str, value, kind: str, *, required=True):
        if value is None or value == "":
            if required:
                self.problems[field] = UserError("input.required")
            return None
        if not isinstance(value, str) or value not in config.codes(kind):
            self.problems[field] = UserError("input.unknown_code", value=str(value)[:80])
            return None
        return value

    def raise_if_any(self):
        if self.problems:
            raise InvalidInput(dict(self.problems))


def ua_date(iso: str) -> str:
    """``2026-02-01`` → ``01.02.2026``: how dates appear in messages."""
    return date.fromisoformat(iso[:10]).strftime("%d.%m.%Y")
