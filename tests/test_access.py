import pytest

from workbench.access import current_user, require_user
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


def test_require_user_checks_existence_and_role(db):
    assert require_user(db, "olena.demo")["role"] == "case_manager"
    with pytest.raises(UserError, match="not a staff member"):
        require_user(db, "nobody")
    with pytest.raises(UserError, match="needs the role"):
        require_user(db, "oksana.demo")  # a researcher does not write case records
