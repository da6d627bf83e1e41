"""Every public store function, driven with random and hostile values, refuses clearly or keeps text as NFC (issue 17).

The functions are those with a recipe in tests/test_store_access.py (found there by introspection: each public
function of workbench/store/ not exempt). For each, on its own copy of that test's small world, hypothesis starts
from the recipe's valid call and replaces one to three of its parameters (the actor now and then) with hostile
values: text of all of Unicode (lone surrogates, controls, bidi overrides U+202A–E and U+2066–9, zero-width
characters, a BOM, U+2028, combining marks, decomposed forms, very long text), integers at and past SQLite's
limits and bools, nan and infinities, None, bytes, lists, dicts, dates and date strings (bad formats, year 1,
9999), or the valid value changed a little (tests/hostile_harness.py says which and how each call is checked).
Each call either raises a ``UserError`` that reads in Ukrainian and English and writes nothing, or is accepted
and every text it was given is read back as NFC from the rows it wrote; any other exception fails, with the
example hypothesis shrank it to. After each function's run the database is whole: ``PRAGMA integrity_check``,
``workbench check`` (``check_database``) and no partial record.

Profiles: by default ``ci``, fixed-seed (``derandomize=True``, ``database=None``, no deadline), 24 examples per
function (2,664 calls), about 25 s for the file on one worker (35 s with the session's demo database);
``WB_HYPOTHESIS=long`` runs ten times as many examples with a new seed each time (26,640 calls, 3–5 minutes);
``WB_HYPOTHESIS_EXAMPLES=N`` sets the number per function of either.
``benchmarks/hostile_input.py [--profile ci|long]`` runs the same harness outside pytest and counts each call's
outcome by function.
"""
from __future__ import annotations

from collections import Counter

import pytest

import hostile_harness as harness
from test_store_access import RECIPES, exempt, public_functions, world_file  # noqa: F401 -- world_file: a fixture


def test_the_harness_drives_every_function_the_access_test_walks():
    walked = [name for name in public_functions() if not exempt(name)]
    assert sorted(walked) == sorted(RECIPES)


def test_the_world_has_no_partial_record_to_begin_with(world_file, tmp_path):  # noqa: F811
    path, ids = world_file
    db, _ = harness.world_copy(path, ids, tmp_path, "cases.get_case")
    try:
        harness.check_after_run(db)
        # Rows as a write that stopped halfway would leave them: a person without consent or search keys.
        db.execute("""insert into persons (family_name, given_name, category, search_text, created_at, created_by)
                      values ('Half', 'Way', 'idp', 'half way', '2026-03-01', 'a.worker')""")
        assert set(harness.partial_records(db)) == {"a person without a consent", "a person without search keys"}
    finally:
        db.conn.close()


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_hostile_values_are_refused_clearly_or_kept_as_nfc(name, world_file, tmp_path):  # noqa: F811
    path, ids = world_file
    db, world = harness.world_copy(path, ids, tmp_path, name)
    tally = Counter()
    try:
        harness.drive(name, db, world, harness.profile_name(), tally)
        harness.check_after_run(db)
    finally:
        db.conn.close()
    assert sum(tally.values()) >= harness.PROFILES[harness.profile_name()].max_examples


def test_what_the_harness_found_is_refused_by_name(world_file, tmp_path):  # noqa: F811
    """A few of the calls hypothesis found, kept as plain examples (what each raised before in the comment): each
    refused with its own key, nothing written."""
    from conftest import TODAY, refused, row_counts
    from test_store_access import SUPER, WORKER

    from workbench.store import caseload, cases, drafts, lifecycle, search, shares, users

    path, ids = world_file
    db, w = harness.world_copy(path, ids, tmp_path, "cases.get_case")
    try:
        before = row_counts(db)
        calls = [
            # an unknown name that only looks like the actor's was taken for the actor: IntegrityError (FOREIGN KEY)
            ("policy.target_cannot_hold", lambda: cases.open_case(
                db, WORKER, programme="family_support", worker=WORKER + "\u1fb5", household_id=w["household"],
                opened_on="2026-03-01", today=TODAY)),
            ("argument.not_text", lambda: shares.share_case(db, WORKER, w["case"], with_user=None)),  # IntegrityError
            ("argument.not_text", lambda: lifecycle.transfer_case(db, SUPER, w["case"], to_worker=None, reason="р",
                                                                  on="2026-03-01", today=TODAY)),  # accepted
            ("argument.not_date", lambda: caseload.case_statuses(db, WORKER, as_of=[])),  # AttributeError
            ("argument.not_whole", lambda: search.find_cases(db, WORKER, "Тихоліс", limit="20")),  # TypeError
            ("argument.bad_code", lambda: users.staff(db, WORKER, roles=["case_manager", 3])),  # TypeError
            ("draft.other_form", lambda: drafts.save_draft(db, WORKER, draft_key="draft-1", case_id=w["case"],
                                                           instrument_id="care_profile", content={})),  # ignored
        ]
        for key, call in calls:
            refused(call, key)
        assert row_counts(db) == before
    finally:
        db.conn.close()
