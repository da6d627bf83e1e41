"""What an instrument is once loaded: items, groups (domains) and repeats, in both languages."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import i18n
from .expressions import Expression

# Types a case manager fills in; "calculate" is computed, "note" only shows text.
# Answered with a file, kept as an attachment of the assessment. ``osm`` is ODK's OpenStreetMap question: its answer
# is the .osm file OpenMapKit makes (pyxform binds it as binary), here chosen like any file.
MEDIA_TYPES = ("image", "audio", "video", "file", "osm")
INPUT_TYPES = ("text", "integer", "decimal", "date", "time", "datetime", "geopoint", "select_one", "select_multiple",
               "acknowledge") + MEDIA_TYPES
ITEM_TYPES = INPUT_TYPES + ("note", "calculate")
# Metadata rows the workbench records as answers no one types or sees (type "metadata"), by their ODK type:
# the times the form was opened and saved, the day and the signed-in user; what a web form cannot know of the
# device (its id, SIM, phone number, e-mail) is left empty (see recorded.py).
# The ``uri:`` forms are the same facts written as URIs (``username:ana``).
RECORDED = ("start", "end", "today", "username", "deviceid", "subscriberid", "simserial", "phonenumber", "email",
            "imei", "uri:username", "uri:deviceid", "uri:subscriberid", "uri:simserial", "uri:phonenumber", "uri:email")


def pick(labels: dict[str, str], lang: str | None) -> str:
    """The text in ``lang``, else in the form's default language (the loader puts it first), else in the
    first language the form gives, else ''."""
    lang = i18n.normalise_language(lang)
    return labels.get(lang) or next((v for v in labels.values() if v), "")


@dataclass(frozen=True)
class ChosenFile:
    """A file answered to a media question: its ``name`` (the answer stored, as ODK stores it) and bytes."""

    name: str
    content: bytes = field(repr=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str]
    # the choice row's other cells by lower-cased column (``state`` of a county): what a choice_filter reads
    columns: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def label(self, lang=None) -> str:
        return pick(self.labels, lang) or self.name


@dataclass
class Item:
    """One question (or note, or calculation) of the survey sheet."""

    name: str
    type: str
    row: int
    labels: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    required: bool | Expression = False
    required_messages: dict[str, str] = field(default_factory=dict)
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_messages: dict[str, str] = field(default_factory=dict)
    calculation: Expression | None = None
    choices: tuple[Choice, ...] = ()
    choice_filter: Expression | None = None  # which choices are offered; a choice's columns are ${choice..COLUMN}
    list_name: str | None = None
    group: str | None = None      # innermost enclosing group: the item's domain
    repeat: str | None = None     # innermost enclosing repeat, if any
    parents: tuple[str, ...] = ()  # enclosing groups and repeats, outermost first
    read_only: bool = False  # shown, not typed (the ``read_only`` column); the store checks the value
    default: str | None = None  # the answer a new form starts with (the ``default`` column), as text
    digits_only: bool = False  # a ``phone number``: text of the digits 0-9 only
    steps: tuple[float, float, float] | None = None  # a ``range``: (start, end, step) of the number
    recorded: str | None = None  # a metadata row's ODK type (one of RECORDED): filled at save, never typed

    @property
    def scored(self) -> bool:
        """A ``select_one`` whose choice names are all numbers is scored."""
        return self.type == "select_one" and bool(self.choices) and all(_is_number(c.name) for c in self.choices)

    def label(self, lang=None) -> str:
        return pick(self.labels, lang) or self.name

    def hint(self, lang=None) -> str:
        return pick(self.hints, lang)

    def choice_names(self) -> list[str]:
        return [c.name for c in self.choices]


CHOICE_COLUMN = "choice.."  # prefix of a choice column's name in a choice_filter (".." ends no XLSForm name)


@dataclass
class Section:
    """A group (a domain when it holds scored items) or a repeat (one instance per child, say)."""

    kind: str  # "group" or "repeat"
    name: str
    row: int
    labels: dict[str, str] = field(default_factory=dict)
    relevant: Expression | None = None
    children: list = field(default_factory=list)  # Items and Sections, in order
    repeat: str | None = None  # innermost enclosing repeat, for a group or a repeat inside a repeat
    count: int | Expression | None = None  # a repeat's ``repeat_count``: its number of entries, fixed or computed

    def label(self, lang=None) -> str:
        return pick(self.labels, lang) or self.name


@dataclass
class Instrument:
    """A loaded instrument. ``score_direction`` is ``need`` (high = more need) or ``functioning``."""

    id: str
    version: str
    titles: dict[str, str]
    score_direction: str
    children: list
    items: dict[str, Item]
    sections: dict[str, Section]
    sha256: str
    source: str

    def title(self, lang=None) -> str:
        return pick(self.titles, lang) or self.id

    @property
    def repeats(self) -> dict[str, Section]:
        return {n: s for n, s in self.sections.items() if s.kind == "repeat"}

    def domains(self) -> list[Section]:
        """Groups that directly hold scored items, in form order."""
        names = []
        for item in self.items.values():
            if item.scored and item.group and item.group not in names:
                names.append(item.group)
        return [self.sections[n] for n in names]

    def scored_items(self, domain: str | None = None) -> list[Item]:
        return [i for i in self.items.values() if i.scored and (domain is None or i.group == domain)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True
