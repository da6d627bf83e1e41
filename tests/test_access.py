import pytest

from workbench.access import current_user
from workbench.i18n import UserError


def test_user_comes_from_wb_user(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("WB_USER", "olena.demo")
    assert current_user() == "olena.demo"


def test_jupyterhub_user_wins_when_present(monkeypatch):
    monkeypatch.setenv("WB_USER", "olena.demo")
    monkeypatch.setenv("JUPYTERHUB_USER", "andrii.demo")
    assert current_user() == "andrii.demo"


def test_no_user_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("WB_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    with pytest.raises(UserError) as err:
        current_user()
    assert "WB_USER" in err.value.message("uk") and "WB_USER" in err.value.message("en")


def test_the_store_reads_who_acts_from_the_users_latest_version(db):
    from workbench.store.guard import actor_of

    olena = actor_of(db, "olena.demo")
    assert (olena.role, olena.active, olena.teams) == ("case_manager", True, frozenset({"Північ"}))
    assert actor_of(db, "nobody").role is None
    assert actor_of(db, ["olena.demo"]).role is None  # a name that is not text is nobody
