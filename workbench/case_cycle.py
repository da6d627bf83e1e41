"""The case cycle's rules: which moves there are, what a case must have before each (configured
``case_cycle.requires``), and the next step to take. Pure: no SQL, no widgets.

The store reads a case's :class:`CycleFacts` (``workbench.store.cycle``); the access policy
(:func:`workbench.policy.decide_move`) asks :func:`missing` before a move, and the views ask
:func:`next_step` to say what to do next. The conditions:

- ``needs_assessment``: a needs assessment of the programme's instrument, dated in this cycle, by the move's day;
- ``plan_goal``: at least one goal in force (set, not closed) on the move's day;
- ``plan_signed_off``: a supervisor's sign-off of the plan, in this cycle, covering every goal in force;
- ``goal_review``: a goal reviewed since the case last moved to planning.

A supervisor of the case's team may override one condition for the case's next such move, with a
written reason (a ``case_events`` row of kind ``override``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import config, i18n
from .instruments.loader import instrument_title

MOVES = {
    "intake": ("assessment", "closed"),
    "assessment": ("plan", "closed"),
    "plan": ("accompaniment", "closed"),
    "accompaniment": ("review", "closed"),
    "review": ("accompaniment", "plan", "closed"),
    "closed": (),  # reopening is its own act, with a reason
}
# The move a case usually makes next (closing is always possible, never "the next step").
FORWARD = {"intake": "assessment", "assessment": "plan", "plan": "accompaniment", "accompaniment": "review",
           "review": "accompaniment"}
CONDITIONS = ("needs_assessment", "plan_goal", "plan_signed_off", "goal_review")

i18n.add({
    "cycle.condition.needs_assessment": {
        "uk": "збережене оцінювання потреб ({instrument}) цього циклу",
        "en": "a saved needs assessment ({instrument}) of this cycle",
    },
    "cycle.condition.plan_goal": {"uk": "план хоча б з однією метою", "en": "a plan with at least one goal"},
    "cycle.condition.plan_signed_off": {
        "uk": "план, затверджений супервізором (усі чинні цілі)",
        "en": "a plan signed off by a supervisor (every goal in force)",
    },
    "cycle.condition.goal_review": {
        "uk": "хоча б один перегляд мети після планування",
        "en": "at least one goal review since the planning",
    },
    "cycle.todo.needs_assessment": {
        "uk": "збережіть оцінювання потреб ({instrument})",
        "en": "save the needs assessment ({instrument})",
    },
    "cycle.todo.plan_goal": {"uk": "додайте до плану хоча б одну мету", "en": "add at least one goal to the plan"},
    "cycle.todo.plan_signed_off": {
        "uk": "попросіть супервізора затвердити план",
        "en": "ask a supervisor to sign off the plan",
    },
    "cycle.todo.goal_review": {"uk": "перегляньте хоча б одну мету", "en": "review at least one goal"},
    "cycle.missing": {
        "uk": "Перейти до стану «{to_label}» ще не можна: бракує — {missing}.",
        "en": "The case cannot move to '{to_label}' yet: missing — {missing}.",
    },
})


@dataclass(frozen=True)
class CycleFacts:
    """What a case has in its current cycle on a day: its ``status``, the conditions ``met`` and the
    ``(to_status, condition)`` pairs a supervisor has ``overridden`` for the next such move."""

    status: str
    met: frozenset = field(default_factory=frozenset)
    overridden: frozenset = field(default_factory=frozenset)
    instrument: str = ""  # the programme's instrument, named in messages


def rules() -> dict[str, tuple[str, ...]]:
    """The configured conditions of each move (``case_cycle.requires``); raises ``ValueError`` for a
    status or condition the workbench does not know (a configuration mistake, not a user's)."""
    requires = config.load_config().get("case_cycle", {}).get("requires", {})
    out = {}
    for status, conditions in requires.items():
        if status.startswith("_"):
            continue
        if status not in MOVES or status == "closed" or not set(conditions) <= set(CONDITIONS):
            raise ValueError(f"case_cycle.requires: unknown status or condition in {status!r}: {conditions!r}")
        out[status] = tuple(conditions)
    return out


def missing(facts: CycleFacts, to_status: str) -> tuple[str, ...]:
    """The conditions of moving to ``to_status`` that the case lacks and no supervisor has overridden."""
    return tuple(c for c in rules().get(to_status, ()) if c not in facts.met and (to_status, c) not in facts.overridden)


def overridable(facts: CycleFacts) -> list[tuple[str, str]]:
    """``(to_status, condition)`` pairs a supervisor could override now: unmet conditions of the moves
    possible from the case's status."""
    return [(to, c) for to in MOVES.get(facts.status, ()) for c in missing(facts, to)]


def next_step(facts: CycleFacts) -> tuple[str | None, tuple[str, ...]]:
    """The move to take next and what it still lacks: ``(to_status, missing)``; ``(None, ())`` for a closed case."""
    to_status = FORWARD.get(facts.status)
    return (to_status, missing(facts, to_status)) if to_status else (None, ())


class Conditions:
    """Conditions in words (``kind``: ``condition`` says what is lacking, ``todo`` what to do), in
    whichever language a message is shown in."""

    def __init__(self, conditions, instrument: str = "", kind: str = "condition"):
        self.conditions, self.instrument, self.kind = tuple(conditions), instrument, kind

    def message(self, lang: str | None = None) -> str:
        title = instrument_title(self.instrument, lang)
        return "; ".join(i18n.t(f"cycle.{self.kind}.{c}", lang, instrument=title) for c in self.conditions)
