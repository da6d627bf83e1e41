"""The pseudonymised research export: no direct identifier in any file, stable keyed pseudonyms,
dates shifted by default keeping each client's intervals (exact only when asked, with a warning),
quasi-identifiers coarsened by default, free text only when asked, refusals that write nothing, the
audit row, the data dictionary, consent, CSV and Parquet holding the same rows, private files."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import (BROAD_AGES, FINE_AGES, HOUSEHOLD_BANDS, TODAY, band_of, case_facts, copy_database, period_of,
                      share_of_unique, whole_years, worker_of)
from workbench.analysis.frames import domain_score_frame
from workbench.i18n import UserError
from workbench.pseudonyms import Pseudonymiser
from workbench.research_export import (FILES, IDENTIFYING_ITEMS, KNOWN_NAMES, export_research_dataset,
                                       read_research_dataset)
from workbench.store.connection import open_db
from workbench.store.people import give_consent, withdraw_consent

SECRET = "test-secret-for-the-research-export-1"
OTHER_SECRET = "another-secret-quite-unrelated-2"
RESEARCHER = "oksana.demo"  # receives the export, never makes it
EXPORTER = "halyna.demo"  # the head of centre makes it


# --- the source database and its exports (built once for the module) --------------------------------

@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A small demo database with, planted: a care leaver (a person case) who consents to research, and
    a family whose every member consented to research but one of whom withdrew consent to data processing."""
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("research") / "source.db"
    build_demo(path, seed=5, households=40, care_leavers=8, today=TODAY)
    db = open_db(path)
    research = _research_person_ids(db)
    person_case = db.execute("select id, person_id from cases where person_id is not null order by id").fetchone()
    give_consent(db, worker_of(db, person_case[0]), person_case[1], purpose="research", given_on="2026-06-01", today=TODAY)
    planted = []
    for case_id, household_id in db.execute("select id, household_id from cases where household_id is not null "
                                            "order by id desc").fetchall():
        members = [r[0] for r in db.execute("select person_id from household_members where household_id = ?",
                                            [household_id])]
        if len(members) > 1 and set(members) <= research and case_id not in _excluded(db):
            # The first family withdraws consent to data processing, the second only to research.
            withdraw_consent(db, worker_of(db, case_id), members[-1], purpose="research" if planted else "data_processing",
                             withdrawn_on="2026-06-10", today=TODAY)
            planted.append((case_id, f"h{household_id}"))
            if len(planted) == 2:
                break
    assert len(planted) == 2
    db.conn.close()
    return {"path": path, "person_case": (person_case[0], f"p{person_case[1]}"), "withdrawn_case": planted[0],
            "no_longer_research": planted[1]}


@pytest.fixture
def copy_db(source, tmp_path):
    """A copy of the source database for one test (exports write audit rows)."""
    path = tmp_path / "copy.db"
    copy_database(source["path"], path)
    database = open_db(path)
    yield database
    database.conn.close()


@pytest.fixture(scope="module")
def exports(source, tmp_path_factory):
    """Exports of the same database: default (dates shifted, quasi-identifiers coarsened), again with the same
    secret, with another secret, with exact dates (twice), with free text and birth years, and everything
    (exact dates, free text, birth years); all on the day ``TODAY`` (``followed_until`` does not depend on
    when the tests run)."""
    root = tmp_path_factory.mktemp("exports")
    path = root / "source.db"
    copy_database(source["path"], path)
    db = open_db(path)
    made = {}
    for name, secret, options in [("default", SECRET, {}), ("again", SECRET, {}), ("other", OTHER_SECRET, {}),
                                  ("exact", SECRET, {"shift_dates": False}),
                                  ("exact_again", SECRET, {"shift_dates": False}),
                                  ("free_text", SECRET, {"include_free_text": True, "age": "year"}),
                                  ("everything", OTHER_SECRET, {"include_free_text": True, "shift_dates": False,
                                                                "age": "year"})]:
        manifest = export_research_dataset(db, root / name, secret=secret, secret_label="TEST SECRET", actor=EXPORTER,
                                           **options)
        made[name] = {"dir": root / name, "manifest": manifest, "tables": read_research_dataset(root / name)}
    db.conn.close()
    return made


# --- helpers ------------------------------------------------------------------------------------------

def _research_person_ids(db) -> set[int]:
    return {r[0] for r in db.execute("""select person_id from consents c where purpose = 'research'
        and not exists (select 1 from consent_withdrawals w where w.consent_id = c.id)""")}


def _excluded(db) -> set[int]:
    from workbench.store.people import EXCLUDED_CASES_SQL

    return {r[0] for r in db.execute(EXCLUDED_CASES_SQL)}


def output_texts(out_dir: Path) -> dict[str, str]:
    """Every output file as text: CSV, Markdown and JSON as written; Parquet read back, every cell as text."""
    texts = {}
    for path in sorted(Path(out_dir).iterdir()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            parts = list(table.column_names)
            for column in table.columns:
                parts += [v for v in pc.cast(column, pa.string()).to_pylist() if v is not None]
            texts[path.name] = "\n".join(parts)
        else:
            texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def find_identifiers(texts: dict[str, str], *, names=(), strings=()) -> list[tuple[str, str]]:
    """``(file, identifier)`` for every name found as a whole word (any case) and every other identifier
    found as a substring, in any file."""
    found = []
    words = {file: set(re.findall(r"\w+", text.casefold())) for file, text in texts.items()}
    for name in names:
        parts = re.findall(r"\w+", name.casefold())
        for file, text in texts.items():
            if all(p in words[file] for p in parts) and re.search(
                    r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", text.casefold()):
                found.append((file, name))
    for value in strings:
        for file, text in texts.items():
            if value in text:
                found.append((file, value))
    return found


def source_identifiers(db) -> dict[str, set[str]]:
    """Every direct identifier in the source database."""
    def column(sql):
        return {str(r[0]).strip() for r in db.execute(sql) if r[0] is not None and str(r[0]).strip()}

    address = " union ".join(f"select {c} from person_contacts" for c in (
        "registered_community", "registered_settlement", "registered_address", "actual_community",
        "actual_settlement", "actual_address"))
    births = column("select birth_date from persons")
    return {
        "names": (column("select family_name from persons") | column("select given_name from persons")
                  | column("select patronymic from persons") | column("select label from households")
                  | column("select display_name from users")),
        "phones": column("select phone from person_contacts"),
        "emails": column("select email from person_contacts"),
        "addresses": column(address),
        "idp_certificates": column("select number from idp_certificates"),
        "case_numbers": column("select case_number from cases"),
        "referrers": column("select referred_by from cases"),
        "workers": column("select distinct worker from cases") | column("select distinct to_worker from case_events"),
        "births": births | {f"{b[8:10]}.{b[5:7]}.{b[:4]}" for b in births},
    }


_ACTIVITY_DATES = """select opened_on from cases union select effective_on from case_events
    union select assessed_on from assessments union select set_on from goals union select target_date from goals
    union select reviewed_on from goal_reviews union select closed_on from goal_closures
    union select provided_on from services"""


def _client_keys(secret, db) -> dict[str, str]:
    """``{client pseudonym: subject key}`` for every case's subject in the source database."""
    keys = Pseudonymiser(secret)
    subjects = [f"h{h}" if h is not None else f"p{p}"
                for h, p in db.execute("select household_id, person_id from cases")]
    return {keys.pseudonym("C", "client", s): s for s in subjects}


def _expected_subjects(db) -> set[str]:
    """Subjects of the cases that should be exported, worked out here without the export's code: no one
    in the case withdrew consent to data processing, and everyone in it consents to research."""
    research, excluded = _research_person_ids(db), _excluded(db)
    expected = set()
    for case_id, household_id, person_id in db.execute("select id, household_id, person_id from cases"):
        if case_id in excluded:
            continue
        persons = ({person_id} if person_id is not None else
                   {r[0] for r in db.execute("select person_id from household_members where household_id = ?",
                                             [household_id])})
        if persons <= research:
            expected.add(f"h{household_id}" if household_id is not None else f"p{person_id}")
    return expected


DATE_COLUMNS = {name: [c for c, (kind, _, _) in spec["columns"].items() if kind == "date"]
                for name, spec in FILES.items()}


# --- no direct identifiers ----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["default", "exact", "free_text", "everything"])
def test_no_direct_identifier_of_the_source_is_in_any_output_file(exports, source, which, report_figure):
    db = open_db(source["path"])
    ids = source_identifiers(db)
    activity = {r[0] for r in db.execute(_ACTIVITY_DATES)}
    texts = output_texts(exports[which]["dir"])
    assert {n for n in texts if n.endswith(".parquet")} and {n for n in texts if n.endswith(".csv")}
    for kind in ("names", "phones", "addresses", "idp_certificates", "case_numbers", "referrers", "births"):
        assert len(ids[kind]) >= 5, kind  # the demo has them, so their absence below means something
    strings = set().union(*(ids[k] for k in ("phones", "emails", "addresses", "idp_certificates", "case_numbers",
                                             "referrers")))
    found = find_identifiers(texts, names=ids["names"] | ids["workers"], strings=strings)
    assert found == []
    # Exact dates of birth: with real dates, a birthday can fall on a day something happened in some
    # case (an export must keep those), and every other birth date must be absent everywhere; with shifted
    # dates any ISO day may turn up, so the Ukrainian form (dd.mm.yyyy) is what must be absent.
    exact = not exports[which]["manifest"]["options"]["shift_dates"]
    births = ids["births"] - activity if exact else {b for b in ids["births"] if "." in b}
    assert len(births) > 100
    assert find_identifiers(texts, strings=births) == []
    no_birth_column = [c for t in exports[which]["tables"].values() for c in t.columns if "birth_date" in c]
    assert no_birth_column == []
    if which == "default":
        report_figure(f"research export: {len(ids['names'])} names, {len(strings)} contacts/addresses/numbers and "
                      f"{len(births)} birth dates searched in {len(texts)} files, none found")


def test_every_date_of_a_client_is_one_of_its_own_case_dates(exports, source):
    """So no birth date (nor any other person's date) rides along in a date column."""
    db = open_db(source["path"])
    by_pseudonym = _client_keys(SECRET, db)
    own = {}
    for case_id, household_id, person_id in db.execute("select id, household_id, person_id from cases"):
        subject = f"h{household_id}" if household_id is not None else f"p{person_id}"
        own.setdefault(subject, set()).update(r[0] for r in db.execute(
            _ACTIVITY_DATES.replace("from cases", "from cases where id = :c")
            .replace("from case_events", "from case_events where case_id = :c")
            .replace("from assessments", "from assessments where case_id = :c")
            .replace("from goals", "from goals where case_id = :c")
            .replace("from goal_reviews", "from goal_reviews r join goals g on g.id = r.goal_id where g.case_id = :c")
            .replace("from goal_closures", "from goal_closures x join goals g on g.id = x.goal_id where g.case_id = :c")
            .replace("from services", "from services where case_id = :c"), {"c": case_id}))
    tables = exports["exact"]["tables"]
    # followed_until is no new date: an open case's last recorded contact, a closed case's closing day.
    clients = tables["clients"]
    open_cases = clients["closed_on"].isna()
    assert 3 <= open_cases.sum() < len(clients)
    contact = last_contact(tables)
    assert (clients.loc[open_cases, "followed_until"].to_numpy() == contact.loc[open_cases].to_numpy()).all()
    assert (clients.loc[open_cases, "followed_until"] < pd.Timestamp(TODAY)).any()  # not the day of the export
    assert (clients.loc[~open_cases, "followed_until"] == clients.loc[~open_cases, "closed_on"]).all()
    client_of_goal = tables["goals"].set_index("goal")["client"]
    checked = 0
    for name, frame in tables.items():
        frame = frame.assign(client=frame["goal"].map(client_of_goal)) if name == "goal_reviews" else frame
        for column in DATE_COLUMNS[name]:
            if column == "followed_until":
                continue
            for client, day in zip(frame["client"], frame[column]):
                if pd.notna(day):
                    assert day.strftime("%Y-%m-%d") in own[by_pseudonym[client]], (name, column)
                    checked += 1
    assert checked > 500


def test_the_search_finds_an_identifier_planted_in_csv_or_parquet(source, tmp_path):
    """The search above can fail: a name and a phone number written into a file are found."""
    db = open_db(source["path"])
    name, family, phone = db.execute("""select p.given_name, p.family_name, c.phone from persons p
        join person_contacts c on c.person_id = p.id where c.phone is not null limit 1""").fetchone()
    pq.write_table(pa.table({"x": ["a", f"{family.upper()} {name}"]}), tmp_path / "leak.parquet")
    (tmp_path / "leak.csv").write_text(f"x\n{phone}\n", encoding="utf-8")
    found = find_identifiers(output_texts(tmp_path), names=[name, family], strings=[phone])
    assert sorted(found) == sorted([("leak.parquet", name), ("leak.parquet", family), ("leak.csv", phone)])


# --- pseudonyms ---------------------------------------------------------------------------------------

def test_pseudonyms_are_stable_with_the_same_secret_and_all_differ_with_another(exports, source):
    a, b, other = (exports[n]["tables"] for n in ("default", "again", "other"))
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])  # the same secret: the same files, row for row
    for name, column, prefix in [("clients", "client", "C"), ("clients", "worker", "W"),
                                 ("assessments", "assessment", "A"), ("goals", "goal", "G")]:
        mine, theirs = set(a[name][column]), set(other[name][column])
        assert all(re.fullmatch(prefix + r"-[0-9a-f]{16}", p) for p in mine | theirs)
        assert len(mine) == len(theirs) > 3 and not mine & theirs, column
    assert a["clients"]["client"].is_unique and a["assessments"]["assessment"].is_unique
    # The key scheme: HMAC-SHA256(secret, "client:h12"), its first 16 hex characters.
    db = open_db(source["path"])
    household = db.execute("select household_id from cases where household_id is not null").fetchone()[0]
    digest = hmac.new(SECRET.encode(), f"client:h{household}".encode(), hashlib.sha256).hexdigest()
    assert Pseudonymiser(SECRET).pseudonym("C", "client", f"h{household}") == f"C-{digest[:16]}"


def test_no_internal_id_is_in_the_output(exports, source):
    db = open_db(source["path"])
    frames = exports["default"]["tables"]
    columns = {c for t in frames.values() for c in t.columns}
    assert not columns & {"case_id", "case_number", "person_id", "household_id", "assessment_id", "goal_id",
                          "review_id", "service_id", "subject_key"}
    subject_keys = {f"h{h}" if h is not None else f"p{p}" for h, p in db.execute(
        "select household_id, person_id from cases")}
    texts = output_texts(exports["default"]["dir"])
    assert find_identifiers(texts, names=subject_keys) == []


def test_a_corrected_assessment_keeps_the_pseudonym_of_its_first_version(exports, source):
    db = open_db(source["path"])
    corrected = db.execute("""select s.id, a.id from assessments a join assessments s on s.supersedes = a.id
        where a.supersedes is null""").fetchall()
    keys = Pseudonymiser(SECRET)
    exported = set(exports["default"]["tables"]["assessments"]["assessment"])
    firsts = {keys.pseudonym("A", "assessment", first) for _, first in corrected}
    latests = {keys.pseudonym("A", "assessment", latest) for latest, _ in corrected}
    assert len(firsts & exported) >= 2 and not latests & exported


# --- dates --------------------------------------------------------------------------------------------

def test_dates_are_shifted_by_default_each_client_by_one_stable_non_zero_shift(exports):
    real, shifted, again = (exports[n]["tables"] for n in ("exact", "default", "again"))
    shifts = {}
    for name in real:
        if not DATE_COLUMNS[name]:
            continue
        pd.testing.assert_frame_equal(shifted[name], again[name])  # the same shift in every export
        # Rows are ordered by pseudonym, then date: a shift keeps the order within a client, so the
        # real and the shifted file hold the same rows in the same order.
        a, b = real[name], shifted[name]
        pseudonyms = [c for c in ("client", "assessment", "goal") if c in a]
        pd.testing.assert_frame_equal(a[pseudonyms], b[pseudonyms])
        owner = (a["goal"].map(real["goals"].set_index("goal")["client"]) if name == "goal_reviews"
                 else a["client"]).tolist()
        for column in DATE_COLUMNS[name]:
            for client, x, y in zip(owner, a[column], b[column].tolist()):
                assert pd.isna(x) == pd.isna(y)
                if pd.notna(x):
                    days = (y - x).days
                    assert days == shifts.setdefault(client, days), (name, column)
    assert len(shifts) == len(real["clients"]["client"].unique())
    assert all(d != 0 and -180 <= d <= 180 for d in shifts.values())
    assert len(set(shifts.values())) > 10
    # Intervals within a client are kept.
    pd.testing.assert_series_equal(real["assessments"]["days_since_intake"],
                                   shifted["assessments"].set_index("assessment").loc[
                                       real["assessments"]["assessment"], "days_since_intake"].reset_index(drop=True))
    assert exports["default"]["manifest"]["options"]["shift_dates"] is True
    assert exports["exact"]["manifest"]["options"]["shift_dates"] is False
    dictionary = (exports["default"]["dir"] / "data_dictionary.md").read_text(encoding="utf-8")
    assert "Dates are shifted" in dictionary and "Дати зсунуто" in dictionary
    assert "Dates are the real ones" in (exports["exact"]["dir"] / "data_dictionary.md").read_text(encoding="utf-8")


def last_contact(tables) -> pd.Series:
    """Each clients row's latest day among its intake, accompaniment, assessments, goals (set, closed, first
    reached), reviews and services, read from the export's own tables (index as the clients table's)."""
    keys = ["client", "episode"]
    goal_episode = tables["goals"].set_index("goal")["episode"]
    reviews = tables["goal_reviews"].assign(episode=tables["goal_reviews"]["goal"].map(goal_episode),
                                            client=tables["goal_reviews"]["goal"].map(
                                                tables["goals"].set_index("goal")["client"]))
    days = [tables["clients"][keys + [c]].rename(columns={c: "day"}) for c in ("opened_on", "accompaniment_started_on")]
    for frame, columns in ((tables["assessments"], ["assessed_on"]), (tables["services"], ["provided_on"]),
                           (tables["goals"], ["set_on", "closed_on", "first_reached_on"]), (reviews, ["reviewed_on"])):
        days += [frame[keys + [c]].rename(columns={c: "day"}) for c in columns]
    latest = pd.concat(days).dropna().groupby(keys)["day"].max()
    return pd.Series(tables["clients"].set_index(keys).index.map(latest), index=tables["clients"].index)


def test_open_cases_and_goals_are_censored_alike_on_a_shifted_and_an_unshifted_export(exports):
    """Each client's ``followed_until`` moves with its own shift, so the survival durations (censored ones
    included) and events are the same on both exports of the same database with the same secret."""
    from workbench.evaluation import cohort

    real, shifted = (cohort.load_export(exports[n]["dir"]) for n in ("exact", "default"))
    for data in (real, shifted):
        assert data["manifest"]["files"]["clients"]["columns"]["followed_until"] == "date"
        dictionary = pd.read_csv(exports["default"]["dir"] / "data_dictionary.csv", keep_default_na=False)
        assert (dictionary["column"] == "followed_until").sum() == 1
    keys = ["client", "episode"]
    a = real["clients"].set_index(keys)
    b = shifted["clients"].set_index(keys).loc[a.index]
    assert a["followed_until"].notna().all() and b["followed_until"].notna().all()
    pd.testing.assert_series_equal(b["followed_until"] - b["opened_on"], a["followed_until"] - a["opened_on"])
    moved = (b["followed_until"] - a["followed_until"]).dt.days
    assert ((moved != 0) & (moved.abs() <= 180)).all() and moved.nunique() > 10  # each client by its own shift

    closure = {n: cohort.time_to_closure(d).set_index(keys).sort_index() for n, d in (("real", real),
                                                                                     ("shifted", shifted))}
    goals = {n: cohort.time_to_goal(d).set_index(keys + ["goal"]).sort_index() for n, d in (("real", real),
                                                                                          ("shifted", shifted))}
    for frames in (closure, goals):
        assert len(frames["real"]) == len(frames["shifted"]) > 10
        pd.testing.assert_frame_equal(frames["shifted"], frames["real"])
    open_cases = closure["real"]["cause"].isna()
    assert 3 <= open_cases.sum() < len(open_cases)  # censored episodes are there to compare
    goal_rows = real["goals"].set_index(keys + ["goal"]).loc[goals["real"].index]
    censored_at_the_end = (goals["real"]["event"] == 0) & goal_rows["closed_on"].isna() & open_cases.reindex(
        goal_rows.index.droplevel("goal")).to_numpy()
    assert censored_at_the_end.sum() >= 3
    # A closed case is followed until its closing day and an open one until its last recorded contact, shifted
    # like its other dates: followed_until is a day the export shows anyway, so it gives no shift away.
    closed = a["closed_on"].notna().to_numpy()
    assert (b["followed_until"] == b["closed_on"])[closed].all()
    contact = last_contact(shifted).set_axis(shifted["clients"].set_index(keys).index).loc[a.index]
    assert (b["followed_until"] == contact)[~closed].all()
    summary = exports["default"]["manifest"]["disclosure"]
    assert summary["open_cases"] == (~closed).sum()
    assert any(f"Open cases ({summary['open_cases']})" in line for line in exports["default"]["manifest"]["treatment"]["en"])


def _facts_by_pseudonym(db, secret=SECRET) -> dict:
    keys = Pseudonymiser(secret)
    return {(keys.pseudonym("C", "client", f["subject"]), f["episode"]): f for f in case_facts(db)}


def test_ages_and_household_sizes_are_the_chosen_levels_bands(exports, source):
    db = open_db(source["path"])
    facts = _facts_by_pseudonym(db)
    checked = 0
    for which in ("default", "exact"):
        made = exports[which]
        level = made["manifest"]["disclosure"]["level"]
        ages = FINE_AGES if level["age"] == "fine" else BROAD_AGES
        for row in made["tables"]["clients"].itertuples():
            fact = facts[(row.client, row.episode)]
            assert row.age_band == band_of(whole_years(fact["birth_date"], fact["opened_on"]), ages)
            size = fact["household_size"]
            assert row.household_size == (str(size) if level["household"] == "exact" else
                                          band_of(size, HOUSEHOLD_BANDS))
            checked += 1
        labels = [label for *_, label in ages]
        assert set(made["tables"]["assessments"]["age_at_assessment"].dropna()) <= set(labels)
        dictionary = (made["dir"] / "data_dictionary.md").read_text(encoding="utf-8")
        assert f"({', '.join(labels)})" in dictionary and "1, 2, 3-4, 5+" in dictionary
        assert made["manifest"]["files"]["clients"]["columns"]["household_size"] == "code"
    assert checked > 50
    # This small database (37 clients) cannot get under 5% unique: the coarsest level is used; with exact
    # dates that is the exact day with broad ages and banded households.
    assert exports["default"]["manifest"]["disclosure"]["level"] == {"intake": "year", "age": "broad",
                                                                      "household": "banded"}
    assert exports["exact"]["manifest"]["disclosure"]["level"] == {"intake": "day", "age": "broad",
                                                                    "household": "banded"}
    years = exports["free_text"]["tables"]
    assert "age_band" not in years["clients"] and years["assessments"]["age_at_assessment"].dtype == "Int64"
    db = open_db(source["path"])
    by_pseudonym = _client_keys(SECRET, db)
    checked = 0
    for client, year in zip(years["clients"]["client"], years["clients"]["birth_year"]):
        kind, number = by_pseudonym[client][0], int(by_pseudonym[client][1:])
        born = db.execute(
            "select birth_date from persons where id = ?" if kind == "p" else
            """select p.birth_date from household_members m join persons p on p.id = m.person_id
               where m.household_id = ? order by m.relation != 'applicant', m.id limit 1""", [number]).fetchone()[0]
        assert year == int(born[:4])
        checked += 1
    assert checked > 10


# --- disclosure control -------------------------------------------------------------------------------

def _own_share(rows, level: dict, *, age: str) -> float:
    """The share of unique clients among ``[(client, fact), ...]`` at ``level``, worked out here."""
    keyed = []
    for client, fact in rows:
        if age == "year":
            years = fact["birth_date"][:4] if fact["birth_date"] else None
        else:
            years = band_of(whole_years(fact["birth_date"], fact["opened_on"]),
                            FINE_AGES if level["age"] == "fine" else BROAD_AGES)
        size = fact["household_size"]
        household = str(size) if level["household"] == "exact" else band_of(size, HOUSEHOLD_BANDS)
        keyed.append((client, (fact["programme"], fact["sex"], years, household,
                               period_of(fact["opened_on"], level["intake"]))))
    return share_of_unique(keyed)


@pytest.mark.parametrize("which", ["default", "exact", "free_text"])
def test_the_manifests_disclosure_is_what_the_database_gives(exports, source, which):
    """The shares before and after, recomputed from the database at every rung of the ladder: the level chosen
    is the first under 5% unique, else the coarsest, flagged and warned about in both languages."""
    from workbench.disclosure import LADDER

    db = open_db(source["path"])
    facts = _facts_by_pseudonym(db)
    made = exports[which]
    options, summary = made["manifest"]["options"], made["manifest"]["disclosure"]
    rows = [(row.client, facts[(row.client, row.episode)]) for row in made["tables"]["clients"].itertuples()]
    assert summary["clients"] == len({client for client, _ in rows}) > 30
    assert summary["target"] == 0.05
    assert summary["quasi_identifiers"] == ["programme", "sex", "age_band" if options["age"] == "band" else
                                            "birth_year", "household_size", "intake_period"]
    # Exact dates: the export shows the day, so every rung counts on it; birth years are counted as they are.
    pins = {**({} if options["shift_dates"] else {"intake": "day"}),
            **({"age": "birth_year"} if options["age"] == "year" else {})}
    ladder = []
    for level in LADDER:
        level = {**level.as_dict(), **pins}
        if level not in ladder:
            ladder.append(level)
    shares = [_own_share(rows, level, age=options["age"]) for level in ladder]
    assert summary["unique_share_before"] == pytest.approx(shares[0], abs=1e-4)
    assert shares[0] > 0.9  # at full precision nearly everyone is unique
    under = [n for n, share in enumerate(shares) if share < 0.05]
    chosen = under[0] if under else len(ladder) - 1
    assert summary["level"] == ladder[chosen] and summary["ladder_steps"] == len(ladder)
    assert summary["unique_share_after"] == pytest.approx(shares[chosen], abs=1e-4)
    assert summary["meets_target"] is bool(under) and summary["ladder_step"] == chosen + 1
    warnings = {w["warning"]: w for w in made["manifest"]["export_warnings"]}
    assert ("above_target" in warnings) is not bool(under)
    if not under:
        share = f"{100 * shares[chosen]:.1f}%"
        assert share in warnings["above_target"]["en"] and share.replace(".", ",") in warnings["above_target"]["uk"]
    assert ("exact_dates" in warnings) is not options["shift_dates"]


def test_exact_dates_are_warned_about_in_the_manifest_and_the_dictionary(exports):
    exact = exports["exact"]
    warning = next(w for w in exact["manifest"]["export_warnings"] if w["warning"] == "exact_dates")
    assert "--exact-dates" in warning["en"] and "--exact-dates" in warning["uk"]
    assert warning["uk"] != warning["en"]
    dictionary = (exact["dir"] / "data_dictionary.md").read_text(encoding="utf-8")
    assert "## Застереження / Warnings" in dictionary and warning["en"] in dictionary and warning["uk"] in dictionary
    assert "exact_dates" not in {w["warning"] for w in exports["default"]["manifest"]["export_warnings"]}


def test_the_research_notebook_shows_the_unique_share_and_the_warnings(exports):
    from workbench.evaluation import cohort

    data = cohort.load_export(exports["everything"]["dir"])
    manifest = data["manifest"]
    assert {w["warning"] for w in manifest["export_warnings"]} == {"exact_dates", "above_target", "free_text"}
    share = f"{100 * manifest['disclosure']['unique_share_after']:.1f}%"
    english, ukrainian = cohort.export_notes(data, "en"), cohort.export_notes(data, "uk")
    assert english[0].startswith("Clients unique on programme") and share in english[0]
    assert ukrainian[0].startswith("Унікальних клієнтів") and share.replace(".", ",") in ukrainian[0]
    assert english[1:] == [f"**Warning: {w['en']}**" for w in manifest["export_warnings"]]
    assert ukrainian[1:] == [f"**Застереження: {w['uk']}**" for w in manifest["export_warnings"]]
    assert cohort.export_notes({"manifest": {"made_at": "2026-06-15T10:00:00+00:00"}}, "en") == []  # an older export


def test_the_manifest_names_each_programmes_instrument_and_the_flow_counts_by_it(exports):
    """Issue 21: under one instrument the CARe programme showed no assessment; each programme now counts by the
    instrument the manifest names for it (an export made before it did is read by the configuration)."""
    from workbench import config
    from workbench.evaluation import cohort

    data = cohort.load_export(exports["default"]["dir"])
    assert data["manifest"]["programme_instruments"] == {
        code: config.programme_instrument(code) for code in config.codes_in_order("programmes")}
    assert data["manifest"]["programme_instruments"]["care_leavers"] == "care_profile"
    clients, assessments = data["clients"], data["assessments"]
    care = clients[clients["programme"] == "care_leavers"][["client", "episode"]]
    profiled = assessments[assessments["instrument_id"] == "care_profile"].merge(care, on=["client", "episode"])
    expected = profiled[["client", "episode"]].drop_duplicates().shape[0]
    assert expected > 0
    flow = cohort.flow_table(data, lang="en").droplevel(0, axis=1)
    assert flow["Personal profile (CARe)"]["Assessed at baseline"] == expected
    older = {**data, "manifest": {k: v for k, v in data["manifest"].items() if k != "programme_instruments"}}
    assert cohort.flow_table(older, lang="en").equals(cohort.flow_table(data, lang="en"))


# --- private files ------------------------------------------------------------------------------------

def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def open_umask():
    """A permissive umask (022) for the test, as on many machines: private modes must come from the code."""
    import os

    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_export_folder_and_every_file_are_private(copy_db, tmp_path, open_umask):
    out = tmp_path / "new" / "export"
    export_research_dataset(copy_db, out, secret=SECRET, actor=EXPORTER, include_free_text=True)
    assert _mode(out) == 0o700 and _mode(out.parent) == 0o700  # made on the way: private too
    files = list(out.iterdir())
    assert len(files) >= 19 and {_mode(p) for p in files} == {0o600}
    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    assert _mode(tmp_path / "plain.txt") == 0o644  # the umask alone would leave files readable by all
    # An empty folder given for the export, and an export replaced in it, become private as well.
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    assert _mode(empty) == 0o755
    export_research_dataset(copy_db, empty, secret=SECRET, actor=EXPORTER)
    export_research_dataset(copy_db, empty, secret=SECRET, actor=EXPORTER, replace=True)
    assert _mode(empty) == 0o700 and {_mode(p) for p in empty.iterdir()} == {0o600}


def test_a_configured_group_may_read_the_export(copy_db, tmp_path, open_umask, monkeypatch):
    import grp
    import os

    group = grp.getgrgid(os.getgid()).gr_name
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"files": {"group": group}}), encoding="utf-8")
    monkeypatch.setenv("WB_CONFIG", str(config))
    out = tmp_path / "export"
    export_research_dataset(copy_db, out, secret=SECRET, actor=EXPORTER)
    assert _mode(out) == 0o750 and {_mode(p) for p in out.iterdir()} == {0o640}
    assert {p.stat().st_gid for p in out.iterdir()} == {os.getgid()}


# --- free text ----------------------------------------------------------------------------------------

def _free_texts(db) -> dict[str, set[str]]:
    def column(sql):
        return {r[0].strip() for r in db.execute(sql) if r[0] and len(r[0].strip()) >= 6}

    levels = " union ".join(f"select {c} from goals" for c in ("level_minus2", "level_minus1", "level_0",
                                                               "level_plus1", "level_plus2"))
    return {
        "wishes": column("select wish from goals"), "titles": column("select title from goals"),
        "text_answers": column("""select x.value from answers x join assessments a on a.id = x.assessment_id
            join instrument_items i on i.instrument_id = a.instrument_id and i.instrument_version = a.instrument_version
            and i.item = x.item where i.type = 'text' and i.item not like '%\\_name' escape '\\'"""),
        "child_names": column("select value from answers where item = 'child_name'"),
        "other": (column(levels) | column("select reason from goal_closures") | column("select note from goal_reviews")
                  | column("select note from case_events") | column("select note from services")
                  | column("select what from goal_actions") | column("select note from consent_withdrawals")),
    }


def test_free_text_is_absent_by_default_and_present_only_when_asked(exports, source):
    db = open_db(source["path"])
    texts = _free_texts(db)
    assert all(len(v) >= 5 for k, v in texts.items() if k != "child_names")
    everything = set().union(*texts.values())
    default = output_texts(exports["default"]["dir"])
    assert find_identifiers(default, strings=everything) == []
    assert "wish" not in exports["default"]["tables"]["goals"] and "text_answers" not in exports["default"]["tables"]
    assert "free_text" not in {w["warning"] for w in exports["default"]["manifest"]["export_warnings"]}

    asked = exports["free_text"]
    goals = asked["tables"]["goals"]
    assert set(goals["wish"]) <= texts["wishes"] and set(goals["title"]) <= texts["titles"]
    assert goals["wish"].notna().all() and len(set(goals["wish"])) > 3
    answers = asked["tables"]["text_answers"]
    assert len(answers) > 10 and set(answers["value"]) <= texts["text_answers"]
    assert set(answers["item"]).isdisjoint({"child_name"})
    written = output_texts(asked["dir"])
    assert find_identifiers(written, strings=texts["other"] | texts["child_names"]) == []
    warning = next(w for w in asked["manifest"]["export_warnings"] if w["warning"] == "free_text")
    assert "free text" in warning["en"] and "вільний текст" in warning["uk"]


def test_a_childs_name_date_of_birth_and_register_number_never_leave(exports, source):
    """The child section links each child to the register (issue 14): the answers hold the child's exact date of
    birth and register number, which no export carries (the birth dates themselves are searched for above, among
    the persons' — the children are registered persons now)."""
    db = open_db(source["path"])
    births = {r[0] for r in db.execute("select value from answers where item = 'child_birth_date'")}
    linked = db.execute("""select count(*) from answers x join household_members m on m.person_id = cast(x.value as int)
                           join cases c on c.household_id = m.household_id
                           join assessments a on a.id = x.assessment_id and a.case_id = c.id
                           where x.item = 'child_person'""").fetchone()[0]
    registered = {r[0] for r in db.execute("select birth_date from persons")}
    total = db.execute("select count(*) from answers where item = 'child_person'").fetchone()[0]
    db.conn.close()
    assert len(births) > 20 and births <= registered
    assert total > 20 and linked == total  # every child entry of the demo is one of its case's registered children
    assert {"child_person", "child_birth_date"} <= set(IDENTIFYING_ITEMS)
    for name, made in exports.items():
        for table, frame in made["tables"].items():
            assert not [c for c in frame.columns if c.startswith("child_")], (name, table)
            if "item" in frame.columns:
                assert set(frame["item"]).isdisjoint(set(IDENTIFYING_ITEMS) | {"child_name"}), (name, table)


# --- refusals -----------------------------------------------------------------------------------------

def _audit_count(db) -> int:
    return db.execute("select count(*) from audit_log").fetchone()[0]


@pytest.mark.parametrize("kwargs, key", [
    ({"secret": None}, "export.secret_missing"),
    ({"secret": ""}, "export.secret_missing"),
    ({"secret": "                    "}, "export.secret_missing"),
    ({"secret": "fifteen-chars!!"}, "export.secret_short"),
    ({"actor": "nobody.here"}, "policy.unknown_user"),
    ({"actor": "olena.demo"}, "policy.role"),
    ({"actor": RESEARCHER}, "policy.role"),
    ({"actor": "mariia.demo"}, "policy.role"),
    ({"age": "exact"}, "export.bad_age"),
])
def test_a_refused_export_writes_nothing(copy_db, tmp_path, kwargs, key):
    from conftest import row_counts

    before, files = row_counts(copy_db), sorted(tmp_path.iterdir())
    out = tmp_path / "out"
    arguments = {"secret": SECRET, "actor": EXPORTER, **kwargs}
    with pytest.raises(UserError) as refused:
        export_research_dataset(copy_db, out, **arguments)
    assert refused.value.key == key
    assert refused.value.message("uk") != refused.value.message("en")
    assert not out.exists() and sorted(tmp_path.iterdir()) == files
    assert row_counts(copy_db) == before  # no audit row, nothing else


def test_a_folder_holding_an_export_is_refused_unless_replaced(copy_db, tmp_path):
    out = tmp_path / "out"
    first = export_research_dataset(copy_db, out, secret=SECRET, actor=EXPORTER, include_free_text=True)
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    count = _audit_count(copy_db)
    with pytest.raises(UserError) as refused:
        export_research_dataset(copy_db, out, secret=SECRET, actor=EXPORTER)
    assert refused.value.key == "export.exists" and "--replace" in refused.value.message("en")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == written and _audit_count(copy_db) == count
    second = export_research_dataset(copy_db, out, secret=SECRET, actor=EXPORTER, replace=True)
    assert _audit_count(copy_db) == count + 1
    names = {p.name for p in out.iterdir()}
    assert "text_answers.csv" not in names and "text_answers.parquet" not in names  # nothing stale is left
    assert names == {f"{n}.{e}" for n in second["row_counts"] for e in ("csv", "parquet")} | {
        "data_dictionary.csv", "data_dictionary.md", "manifest.json"}
    assert "text_answers" in first["row_counts"] and "text_answers" not in second["row_counts"]
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_a_folder_holding_something_else_is_refused(copy_db, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    count = _audit_count(copy_db)
    for replace in (False, True):
        with pytest.raises(UserError) as refused:
            export_research_dataset(copy_db, out, secret=SECRET, actor=EXPORTER, replace=replace)
        assert refused.value.key == "export.not_empty"
    assert [p.name for p in out.iterdir()] == ["mine.txt"] and _audit_count(copy_db) == count
    empty = tmp_path / "empty"
    empty.mkdir()
    export_research_dataset(copy_db, empty, secret=SECRET, actor=EXPORTER)  # an empty folder is fine
    assert (empty / "manifest.json").is_file()


# --- audit, manifest, dictionary ----------------------------------------------------------------------

def test_one_audit_row_per_export_without_the_secret(copy_db, tmp_path):
    count = _audit_count(copy_db)
    manifest = export_research_dataset(copy_db, tmp_path / "out", secret=SECRET, secret_label="TEST", actor=EXPORTER)
    assert _audit_count(copy_db) == count + 1
    actor, action, entity, entity_id, details = copy_db.execute(
        "select actor, action, entity, entity_id, details from audit_log order by id desc limit 1").fetchone()
    details = json.loads(details)
    assert (actor, action, entity) == (EXPORTER, "export_research", "research_exports")
    assert details["out_dir"] == str((tmp_path / "out").resolve()) == entity_id
    assert details["options"] == {"shift_dates": True, "include_free_text": False, "age": "band"}  # the defaults
    assert details["row_counts"] == manifest["row_counts"]
    assert details["disclosure"] == {k: manifest["disclosure"][k] for k in ("level", "unique_share_before",
                                                                            "unique_share_after", "meets_target")}
    assert details["export_warnings"] == [w["warning"] for w in manifest["export_warnings"]]
    assert details["secret_fingerprint"] == manifest["secret_fingerprint"]
    everything = json.dumps(details) + "".join(output_texts(tmp_path / "out").values())
    assert SECRET not in everything and SECRET[:16] not in everything


def test_the_manifest_counts_match_the_files_and_csv_and_parquet_hold_the_same_rows(exports):
    for which in ("default", "free_text", "everything"):
        made = exports[which]
        manifest = json.loads((made["dir"] / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["row_counts"] == {n: len(t) for n, t in made["tables"].items()}
        assert manifest["secret_label"] == "TEST SECRET" and manifest["made_by"] == EXPORTER
        assert manifest["workbench_version"] and manifest["made_at"]
        secret = SECRET if which != "everything" else OTHER_SECRET
        assert manifest["secret_fingerprint"] == hmac.new(secret.encode(), b"fingerprint",
                                                          hashlib.sha256).hexdigest()[:8]
        csv = read_research_dataset(made["dir"], "csv")
        assert set(csv) == set(made["tables"]) == set(manifest["files"])
        for name, frame in made["tables"].items():
            pd.testing.assert_frame_equal(csv[name], frame)
            assert len(pd.read_csv(made["dir"] / f"{name}.csv")) == manifest["row_counts"][name]
            assert pq.read_metadata(made["dir"] / f"{name}.parquet").num_rows == manifest["row_counts"][name]
            assert manifest["row_counts"][name] > 0, name
    assert exports["default"]["manifest"]["secret_fingerprint"] != exports["other"]["manifest"]["secret_fingerprint"]


@pytest.mark.parametrize("which", ["default", "free_text"])
def test_the_data_dictionary_covers_every_column_of_every_file(exports, which):
    made = exports[which]
    dictionary = pd.read_csv(made["dir"] / "data_dictionary.csv", keep_default_na=False)
    markdown = (made["dir"] / "data_dictionary.md").read_text(encoding="utf-8")
    data_files = [p for p in made["dir"].iterdir() if p.suffix in (".csv", ".parquet") and p.stem != "data_dictionary"]
    assert len(data_files) == 2 * len(made["tables"])
    for path in data_files:
        columns = (pq.read_schema(path).names if path.suffix == ".parquet"
                   else list(pd.read_csv(path, nrows=0).columns))
        described = dictionary[dictionary["file"].str.split(" / ").map(lambda names, path=path: path.name in names)]
        assert list(described["column"][described["column"] != ""]) == columns, path.name
        assert (described["meaning_uk"] != "").all() and (described["meaning_en"] != "").all()
        assert (described["type"][described["column"] != ""] != "").all()
        for column in columns:
            assert f"`{column}`" in markdown
    for name in ("manifest.json", "data_dictionary.md"):
        assert dictionary["file"].str.contains(name, regex=False).any()
    assert "Age is given" in markdown and "Вік" in markdown


# --- who is in it ---------------------------------------------------------------------------------------

def test_cases_are_those_without_withdrawn_consent_whose_every_person_consents_to_research(exports, source):
    db = open_db(source["path"])
    by_pseudonym = _client_keys(SECRET, db)
    exported = {by_pseudonym[c] for c in exports["default"]["tables"]["clients"]["client"]}
    expected = _expected_subjects(db)
    assert exported == expected
    assert source["withdrawn_case"][1] not in exported  # every member consented to research, one withdrew
    assert source["no_longer_research"][1] not in exported  # one of them withdrew the research consent
    assert source["person_case"][1] in exported  # a care leaver who consents to research
    excluded = _excluded(db)
    no_research = {f"h{h}" if h is not None else f"p{p}" for c, h, p in db.execute(
        "select id, household_id, person_id from cases") if c not in excluded} - expected
    assert no_research and not no_research & exported
    left_out = exports["default"]["manifest"]["left_out"]
    assert left_out == {"withdrawn_consent_cases": len(excluded), "no_research_consent_cases": len(no_research)}
    # Nothing of a left-out case anywhere: its assessments, goals and services are gone too.
    tables = exports["default"]["tables"]
    clients = set(tables["clients"]["client"])
    for name in ("assessments", "scores", "items", "goals", "services"):
        assert set(tables[name]["client"]) <= clients, name
    assert set(tables["goal_reviews"]["goal"]) <= set(tables["goals"]["goal"])


def test_scores_and_assessments_match_the_tidy_frames(exports, source):
    db = open_db(source["path"])
    keys = Pseudonymiser(SECRET)
    tables = exports["default"]["tables"]
    roots = {}
    for aid, supersedes in db.execute("select id, supersedes from assessments order by id"):
        roots[aid] = roots[supersedes] if supersedes is not None else aid
    expected = domain_score_frame(db, "halyna.demo")
    expected = expected.assign(assessment=[keys.pseudonym("A", "assessment", roots[a])
                                           for a in expected["assessment_id"]])
    expected = expected[expected["assessment"].isin(set(tables["assessments"]["assessment"]))]
    columns = ["assessment", "domain", "instance"]
    mine = tables["scores"].sort_values(columns).reset_index(drop=True)
    theirs = expected.sort_values(columns).reset_index(drop=True)
    assert len(mine) == len(theirs) > 100
    assert mine["score"].round(12).tolist() == theirs["score"].round(12).tolist()
    assert mine["n_items"].tolist() == theirs["n_items"].tolist()
    assert mine["assessment"].tolist() == theirs["assessment"].tolist()
    # Each score is the mean of its items; visits count from 1 per client and instrument.
    items = tables["items"].groupby(["assessment", "domain", "instance"])["value"].agg(["mean", "count"])
    joined = mine.join(items, on=["assessment", "domain", "instance"])
    assert (joined["count"] == joined["n_items"]).all() and ((joined["mean"] - joined["score"]).abs() < 1e-12).all()
    visits = tables["assessments"].groupby(["client", "episode", "instrument_id"])["visit"]
    assert (visits.min() == 1).all() and (visits.max() == visits.count()).all()


# --- the command --------------------------------------------------------------------------------------

def test_the_command_reads_the_secret_from_a_file_or_the_environment_never_an_argument(copy_db, tmp_path, monkeypatch,
                                                                                        capsys):
    from workbench.cli import main

    db_path = Path(copy_db.conn.execute("pragma database_list").fetchone()[2])
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("WB_USER", EXPORTER)
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "a"), "--secret-file", str(secret_file),
                 "--age", "year", "--secret-label", "DEMO SECRET — not for real data"]) == 0
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["secret_fingerprint"] == Pseudonymiser(SECRET).fingerprint()  # the newline is not the secret's
    assert manifest["options"] == {"shift_dates": True, "include_free_text": False, "age": "year"}  # shifted
    assert manifest["secret_label"] == "DEMO SECRET — not for real data"
    shown = capsys.readouterr()
    after = f"{100 * manifest['disclosure']['unique_share_after']:.1f}%"
    assert "research export in" in shown.out and "Дослідницький експорт у" in shown.out
    assert f"Clients unique on programme, sex, age, household size and intake period: {after}" in shown.out
    assert f"Унікальних клієнтів за програмою, статтю, віком, розміром домогосподарства й періодом прийому: " \
           f"{after.replace('.', ',')}" in shown.out
    assert "Dates are the real ones" not in shown.err
    monkeypatch.setenv("WB_EXPORT_SECRET", OTHER_SECRET)
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "b"), "--free-text", "--exact-dates"]) == 0
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["secret_fingerprint"] == Pseudonymiser(OTHER_SECRET).fingerprint()
    assert manifest["options"] == {"shift_dates": False, "include_free_text": True, "age": "band"}
    assert {w["warning"] for w in manifest["export_warnings"]} >= {"exact_dates", "free_text"}
    shown = capsys.readouterr()
    for warning in manifest["export_warnings"]:  # on stderr, in both languages
        assert f"WARNING: {warning['en']}" in shown.err and f"УВАГА: {warning['uk']}" in shown.err
    assert "Dates are the real ones, not shifted (--exact-dates)" in shown.err
    for gone in (["--secret", SECRET], ["--shift-dates"]):  # the secret never on the command line; shifting is
        with pytest.raises(SystemExit):                     # the default, with no flag of its own
            main(["export", "--db", str(db_path), "--out", str(tmp_path / "c"), *gone])
    monkeypatch.setenv("WB_EXPORT_SECRET", "too-short")
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "d")]) == 1
    monkeypatch.delenv("WB_EXPORT_SECRET")
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "d")]) == 1
    monkeypatch.setenv("WB_USER", "nobody.here")
    assert main(["export", "--db", str(db_path), "--out", str(tmp_path / "d"), "--secret-file", str(secret_file)]) == 1
    assert not (tmp_path / "d").exists()
    assert "WB_EXPORT_SECRET" in capsys.readouterr().err


def test_known_names_cover_every_file_an_export_can_write(exports):
    written = {p.name for which in ("default", "free_text") for p in exports[which]["dir"].iterdir()}
    assert written <= KNOWN_NAMES and "text_answers.csv" in written


def test_a_new_case_with_nothing_recorded_yet_exports_as_one_client(db, household_case, tmp_path):
    """A family just taken in (no assessment, goal or service), once every member consents to research;
    before that, no one (their consent covers data processing only)."""
    from conftest import TODAY as today
    from workbench.store.people import give_consent

    database = db
    empty = export_research_dataset(database, tmp_path / "before", secret=SECRET, actor=EXPORTER)
    assert set(empty["row_counts"].values()) == {0}
    assert empty["left_out"]["no_research_consent_cases"] == 1
    for (person_id,) in database.execute("select id from persons").fetchall():
        give_consent(database, "olena.demo", person_id, purpose="research", given_on="2026-02-01", today=today)
    manifest = export_research_dataset(database, tmp_path / "after", secret=SECRET, actor=EXPORTER, age="year",
                                       shift_dates=False)  # to compare the day with the database's
    assert manifest["row_counts"]["clients"] == 1 and manifest["row_counts"]["assessments"] == 0
    clients = read_research_dataset(tmp_path / "after")["clients"]
    row = clients.iloc[0]
    assert (row["programme"], row["subject"], row["sex"], row["birth_year"], row["household_size"], row["episode"]) == (
        "family_support", "household", "female", 1990, "2", 1)  # one client is unique at any level: the coarsest
    assert manifest["disclosure"]["unique_share_after"] == 1.0 and not manifest["disclosure"]["meets_target"]
    assert row["opened_on"] == pd.Timestamp("2026-01-10") and pd.isna(row["closed_on"])
    assert row["followed_until"] == row["opened_on"]  # its only contact so far: the intake
