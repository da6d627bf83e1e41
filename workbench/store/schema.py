"""The schema, as sqlite-utils ``Migrations``: add a new function for every change, never edit an applied one.

Records are append-only: triggers refuse UPDATE and DELETE on every table that
holds what a worker saved, so a correction can only be a new row (a new version
pointing at the one it supersedes) and nothing is lost even by a bug of ours.
Drafts are the one exception: a form in progress is not a record.
"""
from __future__ import annotations

import json
import sqlite3

from sqlite_utils.migrations import Migrations

migrations = Migrations("workbench")

APPEND_ONLY = ("users", "persons", "consents", "households", "household_members", "cases",
               "instruments", "instrument_items", "assessments", "answers", "audit_log")
CASE_CYCLE = ("person_contacts", "idp_certificates", "consent_withdrawals", "case_events", "services",
              "referral_outcomes")
SUPPORT_PLANS = ("goals", "goal_actions", "action_completions", "goal_closures", "goal_reviews", "signoffs")
PERIOD_INDICATORS = ("shelter_stays", "shelter_departures", "events")
ACCESS = ("user_versions", "case_shares", "case_share_revocations")
SIGN_IN = ("credentials", "sign_ins")
IDENTITY = ("database_identity",)
PAPER_TRAIL = ("documents", "attachments", "eisss_entries")
# A file's bytes, keyed by their SHA-256: append-only, but outside the audit chain (which would hash every
# file again at every check); `workbench check` recomputes each key from the bytes instead.
ATTACHMENT_FILES = ("attachment_files",)

# The tables of records whose rows the audit chain hashes (workbench.store.chain): every append-only
# table but the audit log itself, and answers, which have no rowid and are hashed with their assessment.
# A migration that adds a record table adds its tuple to ALL_APPEND_ONLY and calls _append_only and
# _no_replace on it.
ALL_APPEND_ONLY = (APPEND_ONLY + CASE_CYCLE + SUPPORT_PLANS + PERIOD_INDICATORS + ACCESS + SIGN_IN + IDENTITY
                   + PAPER_TRAIL + ATTACHMENT_FILES)
RECORD_TABLES = tuple(t for t in ALL_APPEND_ONLY if t not in ("audit_log", "answers") + ATTACHMENT_FILES)


def _run(db, script: str) -> None:
    """Run a script statement by statement (``executescript`` would COMMIT the open transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    assert not statement.strip(), f"incomplete SQL: {statement!r}"


def _append_only(db, tables) -> None:
    """Triggers that refuse UPDATE and DELETE on ``tables``."""
    for table in tables:
        _run(db, f"""
        create trigger {table}_no_update before update on {table}
            begin select raise(abort, 'append-only: {table} rows are never changed'); end;
        create trigger {table}_no_delete before delete on {table}
            begin select raise(abort, 'append-only: {table} rows are never deleted'); end;
        """)


def _no_replace(db, tables) -> None:
    """``BEFORE INSERT`` triggers on ``tables`` that refuse a row whose key (primary key or any unique
    one) already exists: ``INSERT OR REPLACE`` would otherwise delete the old row without firing the
    delete trigger, and ``INSERT OR IGNORE`` would silently keep it."""
    for table in tables:
        conditions = []
        for key in unique_keys(db, table):
            match = " and ".join(f"{column} = new.{column}" for column in key)  # NULLs never clash
            conditions.append(f"exists (select 1 from {table} where {match})")
        _run(db, f"""
        create trigger {table}_no_replace before insert on {table}
            when {' or '.join(conditions)}
            begin select raise(abort, 'append-only: a {table} row with this key already exists'); end;
        """)


def unique_keys(db, table: str) -> list[tuple[str, ...]]:
    """The columns of each key of ``table`` that must be unique: its primary key and unique indexes
    (partial indexes left out: they are unique only where their condition holds)."""
    keys = []
    primary = [row[1] for row in sorted(db.execute(f"pragma table_info({table})").fetchall(), key=lambda r: r[5])
               if row[5]]
    if primary:
        keys.append(tuple(primary))
    for _, name, unique, origin, partial in db.execute(f"pragma index_list({table})").fetchall():
        if unique and not partial and origin != "pk":
            keys.append(tuple(row[2] for row in db.execute(f"pragma index_info({name})").fetchall()))
    return keys


def triggers_expected() -> set[str]:
    """The name of every trigger that keeps the records append-only (``workbench check`` looks for each)."""
    names = set()
    for table in ALL_APPEND_ONLY:
        names |= {f"{table}_no_update", f"{table}_no_delete", f"{table}_no_replace"}
    return names


@migrations()
def m0001_initial(db):
    _run(db, """
    create table users (
        username text primary key,
        display_name text not null,
        role text not null,
        added_at text not null
    );
    create table persons (
        id integer primary key,
        family_name text not null,
        given_name text not null,
        patronymic text,
        birth_date text,
        sex text,
        category text not null,
        search_text text not null,  -- names lower-cased, apostrophes unified (workbench.names)
        created_at text not null,
        created_by text not null references users(username)
    );
    create index persons_birth_date on persons(birth_date);
    create table consents (
        id integer primary key,
        person_id integer not null references persons(id),
        purpose text not null,
        given_on text not null,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index consents_person on consents(person_id);
    create table households (
        id integer primary key,
        label text not null,
        created_at text not null,
        created_by text not null references users(username)
    );
    create table household_members (
        id integer primary key,
        household_id integer not null references households(id),
        person_id integer not null references persons(id),
        relation text not null,
        added_at text not null,
        added_by text not null references users(username),
        unique (household_id, person_id)
    );
    create index household_members_person on household_members(person_id);
    create table cases (
        id integer primary key,
        case_number text not null unique,
        programme text not null,
        household_id integer references households(id),
        person_id integer references persons(id),
        worker text not null references users(username),
        opened_on text not null,
        created_at text not null,
        created_by text not null references users(username),
        check ((household_id is null) <> (person_id is null))
    );
    create index cases_worker on cases(worker);
    create table instruments (
        id text not null,
        version text not null,
        title_uk text not null,
        title_en text not null,
        score_direction text not null,
        sha256 text not null,
        registered_at text not null,
        primary key (id, version)
    );
    create table instrument_items (
        instrument_id text not null,
        instrument_version text not null,
        item text not null,
        type text not null,
        repeat text not null default '',
        domain text,
        scored integer not null,
        label_uk text not null,
        label_en text not null,
        position integer not null,
        primary key (instrument_id, instrument_version, item),
        foreign key (instrument_id, instrument_version) references instruments(id, version)
    );
    create table assessments (
        id integer primary key,
        case_id integer not null references cases(id),
        instrument_id text not null,
        instrument_version text not null,
        assessed_on text not null,
        supersedes integer unique references assessments(id),
        correction_reason text,
        submission_key text not null unique,
        content_sha256 text not null,
        created_at text not null,
        created_by text not null references users(username),
        foreign key (instrument_id, instrument_version) references instruments(id, version)
    );
    create index assessments_case on assessments(case_id);
    -- Long form: one row per answered item (per repeat instance). value is the
    -- answer as text (a multi-select space-separated); number repeats it for
    -- numeric and scored items so analysis is a query.
    create table answers (
        assessment_id integer not null references assessments(id),
        repeat text not null default '',
        instance integer not null default 0,
        item text not null,
        value text not null,
        number real,
        primary key (assessment_id, repeat, instance, item)
    ) without rowid;
    create table audit_log (
        id integer primary key,
        at text not null,
        actor text not null,
        action text not null,
        entity text not null,
        entity_id text not null,
        details text not null
    );
    create index audit_entity on audit_log(entity, entity_id);
    create table drafts (
        draft_key text primary key,
        actor text not null,
        case_id integer references cases(id),
        instrument_id text not null,
        content text not null,
        updated_at text not null
    );
    """)
    _append_only(db, APPEND_ONLY)


@migrations()
def m0002_case_cycle(db):
    """Intake details, consent withdrawal, the case lifecycle as events, and services."""
    _run(db, """
    alter table cases add column intake_channel text;
    alter table cases add column referred_by text;
    alter table consents add column given_by text;
    create table person_contacts (
        id integer primary key,
        person_id integer not null references persons(id),
        phone text,
        email text,
        registered_community text,
        registered_settlement text,
        registered_address text,
        actual_community text,
        actual_settlement text,
        actual_address text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index person_contacts_person on person_contacts(person_id);
    create table idp_certificates (
        id integer primary key,
        person_id integer not null references persons(id),
        number text not null,
        issued_on text not null,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index idp_certificates_person on idp_certificates(person_id);
    create table consent_withdrawals (
        id integer primary key,
        consent_id integer not null unique references consents(id),
        withdrawn_on text not null,
        note text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    -- The case lifecycle: every move, transfer, urgent flag and extension is a row;
    -- the case's status and worker now are the latest ones.
    create table case_events (
        id integer primary key,
        case_id integer not null references cases(id),
        kind text not null,
        from_status text,
        to_status text,
        to_worker text references users(username),
        reason text,
        months integer,
        note text,
        effective_on text not null,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index case_events_case on case_events(case_id, id);
    create table services (
        id integer primary key,
        case_id integer not null references cases(id),
        service_type text not null,
        provided_on text not null,
        duration_minutes integer,
        provided_by text not null references users(username),
        referral_to text,
        referral_outcome text,
        note text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index services_case on services(case_id);
    create table referral_outcomes (
        id integer primary key,
        service_id integer not null references services(id),
        outcome text not null,
        outcome_on text not null,
        note text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index referral_outcomes_service on referral_outcomes(service_id, id);
    """)
    _append_only(db, CASE_CYCLE)


@migrations()
def m0003_person_keys(db):
    """Blocking keys for the duplicate warning (derived data: rebuilt, never a record)."""
    _run(db, """
    create table person_keys (
        person_id integer not null references persons(id),
        key text not null,
        primary key (key, person_id)
    ) without rowid;
    """)
    from .duplicates import _index_person

    for row in db.query("select id, family_name, given_name, patronymic, birth_date from persons"):
        _index_person(db, row)


@migrations()
def m0004_support_plans(db):
    """Support plans: goals from the client's wishes with GAS levels, actions, reviews, sign-offs."""
    _run(db, """
    create table goals (
        id integer primary key,
        case_id integer not null references cases(id),
        wish text not null,
        title text not null,
        domain text not null,
        set_on text not null,
        target_date text not null,
        level_minus2 text not null,
        level_minus1 text not null,
        level_0 text not null,
        level_plus1 text not null,
        level_plus2 text not null,
        weight real,
        source_assessment_id integer references assessments(id),
        created_at text not null,
        created_by text not null references users(username)
    );
    create index goals_case on goals(case_id);
    create table goal_actions (
        id integer primary key,
        goal_id integer not null references goals(id),
        what text not null,
        who text not null,
        due_on text not null,
        created_at text not null,
        created_by text not null references users(username)
    );
    create index goal_actions_goal on goal_actions(goal_id);
    create table action_completions (
        id integer primary key,
        action_id integer not null unique references goal_actions(id),
        done_on text not null,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create table goal_closures (
        id integer primary key,
        goal_id integer not null unique references goals(id),
        kind text not null check (kind in ('achieved', 'abandoned')),
        closed_on text not null,
        reason text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create table goal_reviews (
        id integer primary key,
        goal_id integer not null references goals(id),
        reviewed_on text not null,
        level integer not null check (level between -2 and 2),
        note text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index goal_reviews_goal on goal_reviews(goal_id, reviewed_on);
    create table signoffs (
        id integer primary key,
        case_id integer not null references cases(id),
        kind text not null check (kind in ('plan', 'assessment')),
        assessment_id integer references assessments(id),
        goal_ids text,
        signed_on text not null,
        note text,
        signed_at text not null,
        signed_by text not null references users(username)
    );
    create index signoffs_case on signoffs(case_id);
    """)
    _append_only(db, SUPPORT_PLANS)


@migrations()
def m0005_period_indicators(db):
    """What the period indicators count that a case does not hold: an assessment's purpose, stays in
    a temporary shelter, and the events log of group and project work not tied to one case."""
    _run(db, """
    -- Why an assessment was done (configured 'assessment_purposes'); null on rows saved before
    -- this column existed, which read as 'needs_assessment'.
    alter table assessments add column purpose text;
    create table shelter_stays (
        id integer primary key,
        person_id integer not null references persons(id),
        case_id integer references cases(id),
        shelter text not null,
        from_on text not null,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index shelter_stays_person on shelter_stays(person_id);
    -- A stay ends by a row of its own (records are never updated).
    create table shelter_departures (
        id integer primary key,
        stay_id integer not null unique references shelter_stays(id),
        to_on text not null,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    -- Group and project work: one row per event; a correction is a new version that
    -- supersedes the old one, as with assessments.
    create table events (
        id integer primary key,
        held_on text not null,
        event_type text not null,
        project text not null,
        place text not null,
        participants integer not null check (participants >= 0),
        children integer not null check (children >= 0 and children <= participants),
        idps integer not null check (idps >= 0 and idps <= participants),
        staff text not null,  -- JSON list of usernames
        note text,
        supersedes integer unique references events(id),
        correction_reason text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index events_held_on on events(held_on);
    """)
    _append_only(db, PERIOD_INDICATORS)


@migrations()
def m0006_access(db):
    """Who may see and change what: each user's role, activity and teams as versions (the latest
    wins; ``users`` keeps one row per username for the foreign keys), and cases shared with a
    colleague (revocable, by a row of its own)."""
    _run(db, """
    create table user_versions (
        id integer primary key,
        username text not null references users(username),
        display_name text not null,
        role text not null,
        active integer not null check (active in (0, 1)),
        teams text not null,  -- JSON list of team names, sorted
        reason text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index user_versions_user on user_versions(username, id);
    -- Users saved before this migration: their first version, in no team (a supervisor supervises
    -- nobody until an administrator puts them in a team).
    insert into user_versions (username, display_name, role, active, teams, reason, recorded_at, recorded_by)
        select username, display_name, role, 1, '[]', 'migration m0006', added_at, username from users;
    create table case_shares (
        id integer primary key,
        case_id integer not null references cases(id),
        shared_with text not null references users(username),
        reason text,
        shared_at text not null,
        shared_by text not null references users(username)
    );
    create index case_shares_case on case_shares(case_id);
    create index case_shares_with on case_shares(shared_with);
    create table case_share_revocations (
        id integer primary key,
        share_id integer not null unique references case_shares(id),
        revoked_at text not null,
        revoked_by text not null references users(username)
    );
    """)
    _append_only(db, ACCESS)


@migrations()
def m0007_audit_chain(db):
    """The tamper-evident audit trail (workbench.store.chain): each audit row's seal, the ranges and hash of
    the records its action wrote, and triggers closing INSERT OR REPLACE on every record table. The key is
    made beside the database; a first sealed row covers every record saved before the chain began."""
    from . import chain
    from .connection import now

    _run(db, """
    alter table audit_log add column rows text;
    alter table audit_log add column rows_sha256 text;
    alter table audit_log add column seal text;
    """)
    # The tables as they were at this migration (not ALL_APPEND_ONLY, which later migrations grow).
    _no_replace(db, APPEND_ONLY + CASE_CYCLE + SUPPORT_PLANS + PERIOD_INDICATORS + ACCESS)
    path = chain.database_file(db)
    key = bytes.fromhex(chain.create_key(path).read_text().strip())
    chain.head_path(path).unlink(missing_ok=True)  # a head left by an earlier database of the same name
    marks = chain.high_marks(db)
    ranges = chain.hashed_ranges(db, {table: [1, high] for table, high in marks.items() if high})
    last = db.execute("select coalesce(max(id), 0) from audit_log").fetchone()[0]
    row = {"id": last + 1, "at": now(), "actor": "workbench", "action": "start_audit_chain", "entity": "audit_log",
           "entity_id": str(last + 1), "details": json.dumps({"unsealed_rows_before": last}),
           "rows": json.dumps(ranges, sort_keys=True), "rows_sha256": chain.rows_sha256(ranges)}
    row["seal"] = chain.seal_of(key, chain.GENESIS, row)
    chain._insert(db, row)
    chain._state(db)["head"] = (row["id"], row["seal"])  # written once the migration commits


@migrations()
def m0008_sign_in(db):
    """Signing in (workbench.store.credentials): each user's passwords as salted hashes, the latest counting
    (an administrator's reset is ``temporary``: to be replaced at the next sign-in), and every attempt to
    sign in, which the lock after repeated failures counts."""
    _run(db, """
    create table credentials (
        id integer primary key,
        username text not null references users(username),
        hash text not null,  -- scrypt$N$r$p$salt$digest
        temporary integer not null check (temporary in (0, 1)),
        set_at text not null,
        set_by text not null references users(username)
    );
    create index credentials_user on credentials(username, id);
    create table sign_ins (
        id integer primary key,
        username text not null,  -- as typed (cut to 64 characters): attempts at unknown names count too
        at text not null,
        ok integer not null check (ok in (0, 1)),
        reason text  -- unknown_user, inactive, wrong_password, locked
    );
    create index sign_ins_user on sign_ins(username, id);
    """)
    _append_only(db, SIGN_IN)
    _no_replace(db, SIGN_IN)


@migrations()
def m0009_database_identity(db):
    """The database's identity (workbench.store.identity): one row, a random id and the organisation's name from
    the configuration when it was made, so a restore can tell this database's backup from another's. The row is
    a record like the others: append-only, and hashed into the audit chain by a sealed row of its own."""
    from uuid import uuid4

    from ..config import load_config
    from . import chain
    from .connection import now

    _run(db, """
    create table database_identity (
        id integer primary key check (id = 1),  -- one row only
        database_id text not null,
        organisation_uk text not null,
        organisation_en text not null,
        created_at text not null
    );
    """)
    _append_only(db, IDENTITY)
    _no_replace(db, IDENTITY)
    organisation = load_config().get("organisation") or {}
    at = now()
    db.execute("insert into database_identity (id, database_id, organisation_uk, organisation_en, created_at) "
               "values (1, ?, ?, ?, ?)", [str(uuid4()), organisation.get("uk", ""), organisation.get("en", ""), at])
    # Sealed here as m0007 seals its first row: the migration runs before the chain's per-transaction state
    # knows the chain is on.
    path = chain.database_file(db)
    key = chain.read_key(path)
    last = db.execute("select id, seal from audit_log order by id desc limit 1").fetchone()
    ranges = chain.hashed_ranges(db, {"database_identity": [1, 1]})
    row = {"id": last[0] + 1, "at": at, "actor": "workbench", "action": "database_identity",
           "entity": "database_identity", "entity_id": "1", "details": json.dumps({}),
           "rows": json.dumps(ranges, sort_keys=True), "rows_sha256": chain.rows_sha256(ranges)}
    row["seal"] = chain.seal_of(key, last[1] or chain.GENESIS, row)
    chain._insert(db, row)
    chain._state(db)["head"] = (row["id"], row["seal"])  # written once the migration commits


@migrations()
def m0010_paper_trail(db):
    """The paper trail: each document made from a saved record (which record, its version, the file's hash),
    files kept with a case (a document's scanned signed copy; later an imported assessment's photos and files),
    and the act of needs assessment's entry into ЄІССС (the Unified Information System of the Social Sphere)."""
    _run(db, """
    create table documents (
        id integer primary key,
        case_id integer not null references cases(id),
        kind text not null,  -- act, plan, consent, referral, closure, care_profile
        -- What it printed: assessments.id (act, care_profile), consents.id (consent), services.id (referral),
        -- case_events.id (closure); for the plan, which has no row of its own, its version number.
        record_id integer not null,
        version integer not null,  -- the record's version: 1 = as first saved
        lang text not null,
        template text not null,  -- the template's name and the SHA-256 of its text
        sha256 text not null,  -- of the PDF file
        size integer not null check (size > 0),
        made_at text not null,
        made_by text not null references users(username)
    );
    create index documents_case on documents(case_id, id);
    create table attachment_files (
        sha256 text primary key,
        content blob not null check (length(content) > 0)
    );
    create table attachments (
        id integer primary key,
        case_id integer not null references cases(id),
        document_id integer references documents(id),  -- the document this is a signed copy of
        assessment_id integer references assessments(id),  -- an imported assessment's photo or file
        filename text not null,
        media_type text not null,
        size integer not null check (size > 0),
        sha256 text not null references attachment_files(sha256),
        note text,
        added_at text not null,
        added_by text not null references users(username)
    );
    create index attachments_case on attachments(case_id, id);
    -- The act entered into ЄІССС: a row per entry recorded (a mistaken date is corrected by a later row).
    create table eisss_entries (
        id integer primary key,
        assessment_id integer not null references assessments(id),  -- the act's first version
        entered_on text not null,
        note text,
        recorded_at text not null,
        recorded_by text not null references users(username)
    );
    create index eisss_entries_assessment on eisss_entries(assessment_id, id);
    """)
    _append_only(db, PAPER_TRAIL + ATTACHMENT_FILES)
    _no_replace(db, PAPER_TRAIL + ATTACHMENT_FILES)
