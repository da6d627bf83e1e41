"""The children on a case, for the child section of the family needs assessment ("nothing typed twice").

A new assessment starts with one child entry per child registered on the case's household (:func:`case_children`:
every member under 18 on the assessment date, whatever their relation, since the section rates a minor's
developmental needs and the relation codes have no "grandchild" or "ward"); each entry carries the child's
register number (``child_person``), given name and date of birth. A child added during the assessment is
registered on the household when the assessment is saved, in the same transaction (:func:`_prepare_children`
checks everything first, :func:`_apply_children` writes): with the consent of a parent on the case (recorded for
the child as intake records a family member's consent, the parent's purposes in force) and after the register's
duplicate check — a likely duplicate refuses the save (:class:`ChildDuplicates`) until the worker either links the
existing person or confirms a new one. An entry that names a register number must be a member of the case's
household; its name and date of birth are the register's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .. import i18n
from ..i18n import UserError
from ..instruments.model import Instrument
from .duplicates import possible_duplicates
from .guard import allow, allow_person, record_id
from .inputs import Checker, InvalidInput
from .people import (CONSENT_DATA_PROCESSING, _age, _household_members, add_household_member, check_person,
                     register_person)

i18n.add({
    "children.duplicates": {
        "uk": "Не збережено: можливо, додану дитину вже зареєстровано ({count}). Виберіть наявний запис або "
              "підтвердьте, що це інша дитина.",
        "en": "Not saved: an added child may already be registered ({count}). Choose the existing record or confirm "
              "that it is another child.",
    },
    "children.not_on_case": {
        "uk": "Дитина №{number}: особа №{person_id} не є членом домогосподарства цього випадку.",
        "en": "Child {number}: person #{person_id} is not a member of this case's household.",
    },
    "children.twice": {
        "uk": "Дитина №{number}: цю особу (№{person_id}) уже внесено до оцінювання.",
        "en": "Child {number}: this person (#{person_id}) is already in the assessment.",
    },
    "children.no_household": {
        "uk": "Дитину можна додати лише до випадку сімʼї (домогосподарства); цей випадок ведеться на одну особу.",
        "en": "A child can be added only to a family's (household's) case; this case is one person's.",
    },
    "children.unregistered": {
        "uk": "Дитина №{number}: вкажіть прізвище, стать і хто з батьків дає згоду, щоб зареєструвати дитину.",
        "en": "Child {number}: give the family name, the sex and which parent consents, to register the child.",
    },
    "children.consent_by_parent": {
        "uk": "Згоду за дитину дає один із батьків або законний представник, зареєстрований у цьому випадку "
              "(повнолітній, зі згодою на обробку даних).",
        "en": "Consent for a child is given by a parent or legal representative registered on this case (an adult "
              "whose consent to data processing is in force).",
    },
    "children.not_registered_entry": {
        "uk": "Дитина №{number} вже має запис у реєстрі; реєструвати її знову не потрібно.",
        "en": "Child {number} already has a register record; it need not be registered again.",
    },
    "children.consent_given_by": {"uk": "законний представник: {name}, особа №{id}",
                                  "en": "legal representative: {name}, person #{id}"},
})

CHILD_REPEAT, CHILD_PERSON, CHILD_NAME, CHILD_BIRTH = "child", "child_person", "child_name", "child_birth_date"
ADULT_AGE = 18
PARENT_RELATIONS = ("applicant", "spouse", "guardian")  # who may consent for a child added at the assessment
NEW_CHILD_FIELDS = ("family_name", "patronymic", "sex", "consent_by", "relation", "person_id", "confirmed_new")


class ChildDuplicates(UserError):
    """Added children who may already be registered: ``candidates`` maps the entry's number (1-based) to the rows
    of :func:`workbench.store.duplicates.possible_duplicates` (restricted rows say only who holds the case)."""

    def __init__(self, candidates: dict[int, list[dict]]):
        self.candidates = candidates
        super().__init__("children.duplicates", count=len(candidates))


def links_children(instrument: Instrument) -> bool:
    """Whether the instrument's child entries are linked to registered persons (it has ``child_person``)."""
    item = instrument.items.get(CHILD_PERSON)
    return item is not None and item.repeat == CHILD_REPEAT and CHILD_REPEAT in instrument.repeats


def case_children(db, actor: str, case_id, on=None) -> list[dict]:
    """The children registered on the case's household: members under 18 on ``on`` (a date, default today) whose
    consent to data processing is in force, in the order they were added. Each row has ``person_id,
    family_name, given_name, patronymic, birth_date`` (a date), ``sex`` and ``relation``; a person's case has none."""
    allow(db, actor, "case.read", case_id)
    on = _day(on)
    # Consent is asked of each member (a few rows), not of the whole register.
    return [m for m in _members(db, case_id) if _age(m["birth_date"], on) < ADULT_AGE
            and CONSENT_DATA_PROCESSING in _purposes_in_force(db, m["person_id"])]


def child_entries(children: list[dict]) -> list[dict]:
    """The assessment's child entries for :func:`case_children`'s rows (linked, name and date of birth filled)."""
    return [{CHILD_PERSON: c["person_id"], CHILD_NAME: c["given_name"], CHILD_BIRTH: c["birth_date"]}
            for c in children]


def case_parents(db, actor: str, case_id, on=None) -> list[dict]:
    """Who may consent for a child added to the case: adult members (applicant, spouse, guardian) of its
    household whose consent to data processing is in force on ``on``; each row with ``purposes`` in force."""
    allow(db, actor, "case.read", case_id)
    return _parents(db, case_id, _day(on))


def _day(on) -> date:
    if on is None:
        return date.today()
    check = Checker()
    day = check.date("on", on)
    check.raise_if_any()
    return day


def _household_id(db, case_id: int) -> int | None:
    row = db.execute("select household_id from cases where id = ?", [case_id]).fetchone()
    return row[0] if row else None


def _members(db, case_id: int) -> list[dict]:
    """The case's household members (:func:`~workbench.store.people._household_members`), each with ``person_id``
    and ``birth_date`` as a date."""
    household = _household_id(db, case_id)
    if household is None:
        return []
    keys = ("family_name", "given_name", "patronymic", "sex", "category", "relation")
    return [dict({k: m[k] for k in keys}, person_id=m["id"], birth_date=date.fromisoformat(m["birth_date"]))
            for m in _household_members(db, household)]


def _purposes_in_force(db, person_id: int) -> list[str]:
    return [r[0] for r in db.execute(
        """select distinct c.purpose from consents c where c.person_id = ?
           and not exists (select 1 from consent_withdrawals w where w.consent_id = c.id) order by c.id""",
        [person_id])]


def _parents(db, case_id: int, on: date) -> list[dict]:
    out = []
    for member in _members(db, case_id):
        if member["relation"] not in PARENT_RELATIONS or _age(member["birth_date"], on) < ADULT_AGE:
            continue
        purposes = _purposes_in_force(db, member["person_id"])
        if CONSENT_DATA_PROCESSING in purposes:
            out.append(dict(member, purposes=purposes))
    return out


@dataclass
class ChildrenPlan:
    """What saving the assessment will do for its child entries (checked, nothing written yet)."""

    household_id: int | None
    register: dict = field(default_factory=dict)  # entry number -> register_person's keyword arguments, relation
    link: dict = field(default_factory=dict)      # entry number -> (person id, add to the household?, relation)
    linked: dict = field(default_factory=dict)    # entry number -> person id already on the household


def _prepare_children(db, actor: str, case: dict, answers: dict, new_children, assessed_on: date,
                     today: date | None = None) -> ChildrenPlan:
    """Check the child entries of ``answers`` and the registration of the added ones; raises ``UserError``,
    ``InvalidInput`` (keys ``child[n].field``) or :class:`ChildDuplicates`, writing nothing.

    ``new_children`` maps an entry's number (1-based) without ``child_person`` to ``family_name, sex``,
    ``patronymic`` (optional), ``consent_by`` (the person id of a parent on the case, see :func:`case_parents`),
    ``relation`` (default ``child``), and either ``person_id`` (link that registered person instead: the worker
    chose them after the duplicate warning) or ``confirmed_new`` (the worker saw the warning and it is another
    child)."""
    entries = answers.get(CHILD_REPEAT) or []
    new_children = new_children or {}
    if not isinstance(new_children, dict) or not all(
            isinstance(k, int) and not isinstance(k, bool) and isinstance(v, dict) for k, v in new_children.items()):
        raise UserError("input.invalid_choice")
    household = _household_id(db, case["id"])
    members = {m["person_id"]: m for m in _members(db, case["id"])}
    plan, seen, check, duplicates = ChildrenPlan(household), {}, Checker(), {}
    parents = None
    for number, entry in enumerate(entries, start=1):
        spec = new_children.get(number)
        person_id = entry.get(CHILD_PERSON)
        if person_id is not None:
            if spec is not None:
                raise UserError("children.not_registered_entry", number=number)
            if person_id not in members:
                raise UserError("children.not_on_case", number=number, person_id=person_id)
            plan.linked[number] = person_id
        else:
            if household is None:
                raise UserError("children.no_household")
            if spec is None:
                check.problems[f"child[{number}]"] = UserError("children.unregistered", number=number)
                continue
            unknown = set(spec) - set(NEW_CHILD_FIELDS)
            if unknown:
                raise UserError("validation.unknown_item", name=sorted(unknown)[0][:80])
            relation = check.code(f"child[{number}].relation", spec.get("relation") or "child", "relations")
            if spec.get("person_id") is not None:
                person_id = record_id(spec["person_id"], "person")
                allow_person(db, actor, "case.read", person_id)
                if CONSENT_DATA_PROCESSING not in _purposes_in_force(db, person_id):
                    raise UserError("consent.withdrawn_person", id=person_id)
                plan.link[number] = (person_id, person_id not in members, relation)
            else:
                if parents is None:
                    parents = {p["person_id"]: p for p in _parents(db, case["id"], assessed_on)}
                parent = parents.get(spec.get("consent_by"))
                if parent is None:
                    check.problems[f"child[{number}].consent_by"] = UserError("children.consent_by_parent")
                category = next((m["category"] for m in members.values() if m["relation"] == "applicant"),
                                next(iter(members.values()))["category"] if members else None)
                given_by = i18n.t("children.consent_given_by", "uk", id=parent["person_id"],
                                  name=f"{parent['family_name']} {parent['given_name']}") if parent else "—"
                fields = dict(family_name=spec.get("family_name"), given_name=entry.get(CHILD_NAME),
                              patronymic=spec.get("patronymic") or None, birth_date=entry.get(CHILD_BIRTH),
                              sex=spec.get("sex"), category=category, consent_given_on=assessed_on,
                              consent_given_by=given_by,
                              consent_purposes=parent["purposes"] if parent else (CONSENT_DATA_PROCESSING,))
                checked = check_person(**fields, today=today)
                for name, problem in checked.problems.items():
                    key = {"given_name": CHILD_NAME, "birth_date": CHILD_BIRTH}.get(name, name)
                    if name not in ("consent_given_by", "consent_given_on", "consent_purposes", "category"):
                        check.problems[f"child[{number}].{key}"] = problem
                if not checked.problems and not spec.get("confirmed_new"):
                    found = possible_duplicates(db, actor, family_name=fields["family_name"],
                                                given_name=fields["given_name"], birth_date=fields["birth_date"],
                                                patronymic=fields["patronymic"])
                    if found:
                        duplicates[number] = found
                plan.register[number] = (fields, relation)
            person_id = plan.link.get(number, (None,))[0]
        if person_id is not None:
            if person_id in seen:
                raise UserError("children.twice", number=number, person_id=person_id)
            seen[person_id] = number
    extra = sorted(set(new_children) - set(plan.register) - set(plan.link) - set(plan.linked))
    if extra:
        raise UserError("validation.not_instances", name=CHILD_REPEAT)
    if check.problems:
        raise InvalidInput(dict(check.problems))
    if duplicates:
        raise ChildDuplicates(duplicates)
    return plan


def _apply_children(db, actor: str, plan: ChildrenPlan, answers: dict, today: date | None = None) -> dict:
    """Register and link the children of ``plan`` (inside the caller's transaction); returns the answers with every
    child entry's ``child_person`` filled and its name and date of birth as the register has them."""
    entries = [dict(e) for e in answers.get(CHILD_REPEAT) or []]
    for number, (fields, relation) in sorted(plan.register.items()):
        person_id = register_person(db, actor, **fields, today=today)
        add_household_member(db, actor, household_id=plan.household_id, person_id=person_id, relation=relation)
        entries[number - 1][CHILD_PERSON] = person_id
    for number, (person_id, add, relation) in sorted(plan.link.items()):
        if add:
            add_household_member(db, actor, household_id=plan.household_id, person_id=person_id, relation=relation)
        entries[number - 1][CHILD_PERSON] = person_id
    for entry in entries:
        row = db.execute("select given_name, birth_date from persons where id = ?", [entry[CHILD_PERSON]]).fetchone()
        entry[CHILD_NAME], entry[CHILD_BIRTH] = row[0], date.fromisoformat(row[1])
    return dict(answers, **({CHILD_REPEAT: entries} if entries else {}))


def _stored_child_ids(db, assessment_id: int) -> dict[int, int]:
    """The register numbers of a saved assessment's child entries, by entry number."""
    return {r[0]: int(r[1]) for r in db.execute(
        "select instance, value from answers where assessment_id = ? and repeat = ? and item = ?",
        [assessment_id, CHILD_REPEAT, CHILD_PERSON])}
