"""Services and contacts given to a case."""
import pytest

from conftest import TODAY, row_counts
from workbench.i18n import UserError
from workbench.store.inputs import InvalidInput
from workbench.store.lifecycle import close_case
from workbench.store.services import case_services, record_referral_outcome, record_service

ACTOR = "olena.demo"


def test_services_are_recorded_with_type_date_duration_and_who(db, household_case):
    first = record_service(db, ACTOR, household_case, service_type="home_visit", provided_on="12.01.2026",
                           duration_minutes="90", today=TODAY)
    second = record_service(db, ACTOR, household_case, service_type="humanitarian_aid", provided_on="2026-02-03",
                            provided_by="andrii.demo", note="Продуктовий набір", today=TODAY)
    rows = case_services(db, "halyna.demo", household_case)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1]["duration_minutes"] == 90 and rows[0]["provided_by"] == "andrii.demo"


def test_a_referral_has_a_destination_and_outcomes_over_time(db, household_case):
    referral = record_service(db, ACTOR, household_case, service_type="referral", provided_on="2026-02-01",
                              referral_to="Центр первинної медичної допомоги", today=TODAY)
    assert case_services(db, "halyna.demo", household_case)[0]["latest_outcome"] == "pending"
    record_referral_outcome(db, ACTOR, referral, outcome="received", on="2026-02-20", today=TODAY)
    assert case_services(db, "halyna.demo", household_case)[0]["latest_outcome"] == "received"
    with pytest.raises(InvalidInput):
        record_service(db, ACTOR, household_case, service_type="referral", provided_on="2026-02-01", today=TODAY)
    other = record_service(db, ACTOR, household_case, service_type="consultation", provided_on="2026-02-01",
                           today=TODAY)
    with pytest.raises(UserError) as err:
        record_referral_outcome(db, ACTOR, other, outcome="received", today=TODAY)
    assert err.value.key == "service.not_referral"


@pytest.mark.parametrize("change, key", [
    (dict(provided_on="2026-01-09"), "service.before_intake"),
    (dict(provided_on="2027-01-01"), "input.invalid"),
    (dict(service_type="tea_party"), "input.invalid"),
    (dict(duration_minutes=0), "input.invalid"),
    (dict(duration_minutes=2000), "input.invalid"),
    (dict(duration_minutes="1.5"), "input.invalid"),
    (dict(referral_to="somewhere"), "input.invalid"),
    (dict(provided_by="oksana.demo"), "policy.role"),
])
def test_bad_services_are_refused_and_write_nothing(db, household_case, change, key):
    before = row_counts(db)
    service = dict(service_type="consultation", provided_on="2026-02-01")
    service.update(change)
    with pytest.raises(UserError) as err:
        record_service(db, ACTOR, household_case, today=TODAY, **service)
    assert err.value.key in (key, "case.worker_unknown")
    assert row_counts(db) == before


def test_no_service_after_the_case_closed(db, household_case):
    close_case(db, ACTOR, household_case, reason="moved_away", on="2026-03-01", today=TODAY)
    record_service(db, ACTOR, household_case, service_type="consultation", provided_on="2026-03-01", today=TODAY)
    with pytest.raises(UserError) as err:
        record_service(db, ACTOR, household_case, service_type="consultation", provided_on="2026-03-02",
                       today=TODAY)
    assert err.value.key == "service.after_closure"
