"""The administrators' users-and-teams page, my own password and sign-out, in the workspace (plain pytest): an
administrator lands on the users page and sees no case; every change goes through the store as the signed-in
user; a reset's one-time password is shown once, signs in, and holds its owner on the password view until they
choose their own; the command's reset."""
import ipywidgets as w

from conftest import TODAY, refused, row_counts
from workbench.apps.address import Place
from workbench.apps.password import PasswordView
from workbench.apps.users import UsersView
from workbench.apps.workspace import Workspace
from workbench.cli import main
from workbench.store.credentials import password_state, reset_password, set_password, sign_in
from workbench.store.guard import current_version
from workbench.store.users import add_user, set_role

ADMIN = "admin.demo"
OLD = "old-password-1"


def submit(form, **values):
    """Type ``values`` into an ActionForm as the page would send them, then click its button."""
    for name, value in values.items():
        form.inputs[name].value = value
    form.submit.click()


def live_widget_states() -> str:
    """Every live widget's state as text (what the kernel could still send to a page)."""
    return " ".join(repr(widget.get_state()) for widget in list(w.widgets.widget._instances.values()))


def test_an_administrator_lands_on_the_users_page_and_sees_no_case(db, household_case):
    for query in ("", f"case={household_case}&tab=people", "view=intake", "view=events"):
        ws = Workspace(db, ADMIN, "en", today=TODAY, query=query)
        assert ws.place == Place("users") and set(ws.views) == {"users"}, query
        assert ws.frame.body.children == (ws.views["users"].widget,)
    ws.open_case(household_case, "overview")  # a forged link: still the users page, nothing of the case built
    assert ws.place == Place("users") and "case" not in ws.views and "home" not in ws.views
    nav = ws.frame.nav.value
    assert "view=users" in nav and "My cases" not in nav and "view=intake" not in nav and "view=events" not in nav
    table = ws.views["users"].table.value
    assert "Тихоліс" not in table.replace("Олена Тихоліс (демо)", "")  # staff names only, no client
    row = table.split('data-user="olena.demo"')[1].split("</tr>")[0]
    assert "case manager" in row and "Північ" in row and "active" in row and "not set" in row


def test_case_workers_keep_their_workspace_without_the_users_page(db):
    for user in ("olena.demo", "mariia.demo", "halyna.demo"):
        ws = Workspace(db, user, "uk", today=TODAY, query="view=users")
        assert ws.place == Place() and "users" not in ws.views and "view=users" not in ws.frame.nav.value, user
    refused(lambda: Workspace(db, "oksana.demo", "uk"), "policy.role")  # the researcher: no workspace at all


def test_the_page_adds_a_user_and_changes_role_teams_and_active_through_the_store(db):
    view = UsersView(db, ADMIN, "en")
    forms = view.forms
    submit(forms["add"], username="nadiia.k", display_name="Надія Коваль", role="case_manager", teams="Північ, Схід")
    assert "User nadiia.k added" in forms["add"].status.value
    users = db["users"].count
    forms["add"].submit.click()  # a second click: the same message, nothing written again
    assert "User nadiia.k added" in forms["add"].status.value and db["users"].count == users
    assert forms["add"].inputs["username"].value == "" and forms["add"].inputs["role"].value == ""  # emptied
    assert current_version(db, "nadiia.k")["teams"] == ["Північ", "Схід"]
    assert 'data-user="nadiia.k"' in view.table.value and "nadiia.k" in [
        value for _, value in forms["role"].inputs["username"].options]
    submit(forms["role"], username="nadiia.k", role="supervisor", reason="")
    submit(forms["teams"], username="nadiia.k")
    assert forms["teams"].inputs["teams"].value == "Північ, Схід"  # her teams now, to edit
    submit(forms["teams"], teams="Схід")
    submit(forms["deactivate"], username="nadiia.k", reason="звільнилася")
    now = current_version(db, "nadiia.k")
    assert (now["role"], now["teams"], now["active"]) == ("supervisor", ["Схід"], False)
    actions = [row["action"] for row in db.query(
        "select action from audit_log where entity = 'users' and entity_id = 'nadiia.k' order by id")]
    assert actions == ["add_user", "set_role", "set_teams", "deactivate_user"]
    assert all(row["actor"] == ADMIN for row in db.query("select actor from audit_log where entity = 'users' "
                                                         "and entity_id = 'nadiia.k'"))


def test_bad_input_on_the_users_page_is_refused_in_both_languages_and_writes_nothing(db):
    view = UsersView(db, ADMIN, "uk")
    forms = view.forms
    before = row_counts(db)
    submit(forms["add"], username="Олена!", display_name="Олена", role="case_manager", teams="")
    assert "Імʼя користувача — від 2 до 64 знаків" in forms["add"].status.value
    view.set_language("en")
    assert "A username is 2 to 64 characters" in forms["add"].status.value  # the refusal, in the other language
    submit(forms["add"], username="new.one", display_name="", role="")
    assert "required" in forms["add"].errors["role"].value
    submit(forms["add"], role="case_manager")
    assert "required" in forms["add"].errors["display_name"].value
    submit(forms["add"], display_name="Нова", teams="Північ; drop")
    assert "The team name" in forms["add"].status.value
    submit(forms["deactivate"], username="olena.demo", reason="")
    assert "required" in forms["deactivate"].errors["reason"].value
    submit(forms["deactivate"], username=ADMIN, reason="тест")
    assert "last active administrator" in forms["deactivate"].status.value
    submit(forms["role"], username="olena.demo", role="case_manager")
    assert "Nothing changes" in forms["role"].status.value
    submit(forms["reset"], username="")
    assert "required" in forms["reset"].errors["username"].value and view.one_time_box.value == ""
    assert row_counts(db) == before


def test_a_click_from_someone_not_an_administrator_is_refused_by_the_store_and_writes_nothing(db):
    refused(lambda: UsersView(db, "olena.demo", "en"), "policy.role")  # the page is not even built for her
    # The buttons of a page built for an administrator who is demoted meanwhile still arrive: the store refuses.
    add_user(db, ADMIN, username="second.admin", display_name="Друга адмінка", role="administrator")
    view = UsersView(db, "second.admin", "en")
    set_role(db, ADMIN, "second.admin", "case_manager", reason="інша посада")
    before = row_counts(db)
    forms = view.forms
    submit(forms["add"], username="mallory", display_name="Mallory", role="administrator", teams="")
    submit(forms["role"], username="olena.demo", role="administrator", reason="")
    submit(forms["teams"], username="olena.demo", teams="Південь", reason="")
    submit(forms["deactivate"], username="iryna.demo", reason="forged")
    submit(forms["reset"], username="olena.demo")
    for form in forms.values():
        assert "Your role (case manager) does not allow: manage users and teams" in form.status.value
    assert view.one_time is None and view.one_time_box.value == ""
    assert row_counts(db) == before
    # The same holds for a view whose actor is forged outright.
    view.user = "olena.demo"
    submit(forms["reset"], username="iryna.demo")
    assert "does not allow" in forms["reset"].status.value and row_counts(db) == before


def test_a_reset_shows_a_one_time_password_once_that_signs_in_and_must_be_changed(db):
    set_password(db, ADMIN, "olena.demo", OLD)
    ws = Workspace(db, ADMIN, "uk", today=TODAY)
    view = ws.views["users"]
    submit(view.forms["reset"], username="olena.demo")
    assert "скинуто" in view.forms["reset"].status.value
    password = view.one_time[2]
    box = view.one_time_box.value
    assert password in box and "Одноразовий пароль для Олена Тихоліс (демо) (olena.demo)" in box
    assert "обрати власний пароль" in box
    ws.frame.language.widget.value = "en"
    assert password in view.one_time_box.value and "must choose their own password" in view.one_time_box.value
    assert "one-time" in view.table.value.split('data-user="olena.demo"')[1].split("</tr>")[0]
    view.forms["reset"].submit.click()  # a second click: the same message, no second reset
    assert db.execute("select count(*) from credentials where username = 'olena.demo'").fetchone()[0] == 2
    assert password not in repr(list(db.query("select * from audit_log")))
    assert password not in view.forms["reset"].status.value

    ws.go(Place("password"))  # the administrator leaves the page: the password is nowhere any more
    assert view.one_time is None and view.one_time_box.value == ""
    assert password not in live_widget_states()
    ws.go(Place("users"))
    assert view.one_time_box.value == ""

    assert not sign_in(db, "olena.demo", OLD).ok
    result = sign_in(db, "olena.demo", password)
    assert result.ok and result.must_change


def test_a_user_with_a_one_time_password_is_held_on_the_password_view_until_they_change_it(db, household_case):
    password = reset_password(db, ADMIN, "olena.demo")
    ws = Workspace(db, "olena.demo", "en", today=TODAY, query=f"case={household_case}&tab=plan")
    view = ws.views["password"]
    assert ws.place == Place("password") and set(ws.views) == {"password"}
    assert ws.frame.body.children == (view.widget,) and ws.frame.nav.layout.display == "none"
    assert "one-time password: choose your own" in view.notice.value
    for place in (Place(), Place("events"), Place("intake"), Place("case", household_case, "overview")):
        ws.go(place)
        assert ws.place == Place("password") and set(ws.views) == {"password"}, place
    submit(view.form, current=password, new="short", repeated="short")
    assert "at least 10 characters" in view.form.status.value
    ws.go(Place("events"))
    assert ws.held() and ws.place == Place("password")

    submit(view.form, current=password, new="my-own-password", repeated="my-own-password")
    assert "The password is changed" in view.form.status.value and view.notice.value == ""
    assert ws.frame.nav.layout.display is None and not ws.held()
    assert all(widget.value == "" for widget in view.form.inputs.values())
    ws.go(Place("events"))
    assert ws.place == Place("events")
    result = sign_in(db, "olena.demo", "my-own-password")
    assert result.ok and not result.must_change


def test_a_refused_password_change_writes_nothing_and_leaves_nothing_typed(db):
    set_password(db, ADMIN, "olena.demo", OLD)
    view = PasswordView(db, "olena.demo", "uk")
    form = view.form
    before = row_counts(db)
    for typed, key in (((("wrong-password-9",) + ("new-password-1",) * 2), "Поточний пароль неправильний"),
                       ((OLD, "new-password-1", "new-password-2"), "не збігаються"),
                       ((OLD, "short", "short"), "не коротшим за 10"),
                       ((OLD, OLD, OLD), "має відрізнятися")):
        submit(form, current=typed[0], new=typed[1], repeated=typed[2])
        assert key in form.status.value, typed
        assert all(widget.value == "" for widget in form.inputs.values()), typed
        assert row_counts(db) == before, typed
        assert sign_in(db, "olena.demo", OLD).ok
        before = row_counts(db)  # the sign-in just checked is recorded
    view.set_language("en")
    assert "must differ" in form.status.value
    submit(form, current=OLD, new="new-password-1", repeated="new-password-1")
    assert "The password is changed" in form.status.value
    assert all(widget.value == "" for widget in form.inputs.values())
    assert sign_in(db, "olena.demo", "new-password-1").ok
    assert not password_state(db, "olena.demo", "olena.demo")["temporary"]


def test_the_frame_links_to_my_password_and_to_sign_out_only_under_the_hub(db, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_BASE_URL", raising=False)
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    assert 'href="?view=password"' in ws.frame.signed_in.value and "Змінити пароль" in ws.frame.signed_in.value
    assert "logout" not in ws.frame.signed_in.value and "Вийти" not in ws.frame.signed_in.value
    ws.go(Place("password"))
    assert ws.place == Place("password") and ws.frame.address.query == "view=password"
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/")
    ws = Workspace(db, "olena.demo", "uk", today=TODAY)
    assert '<a class="wb-sign-out" href="/hub/logout" target="_top">Вийти</a>' in ws.frame.signed_in.value
    ws.frame.language.widget.value = "en"
    assert ">Sign out</a>" in ws.frame.signed_in.value
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/centre")
    assert 'href="/centre/hub/logout"' in Workspace(db, ADMIN, "uk").frame.signed_in.value


def test_the_command_resets_a_password_as_the_signed_in_administrator(tmp_path, monkeypatch, capsys):
    path = str(tmp_path / "centre.db")
    monkeypatch.setenv("WB_LANG", "en")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("WB_USER", raising=False)
    assert main(["users", "--db", path, "add", "boss", "--name", "Бос", "--role", "administrator"]) == 0
    monkeypatch.setenv("WB_USER", "boss")
    capsys.readouterr()
    assert main(["users", "--db", path, "password", "boss"]) == 0  # the first administrator's own
    out = capsys.readouterr().out
    assert out.startswith("One-time password for boss: ") and "choose their own" in out
    password = out.split(": ", 1)[1].split("\n")[0]
    assert main(["users", "--db", path, "add", "olena", "--name", "Олена", "--role", "case_manager"]) == 0
    monkeypatch.setenv("WB_USER", "olena")
    capsys.readouterr()
    assert main(["users", "--db", path, "password", "boss"]) == 1  # a case manager resets nobody's
    assert "does not allow" in capsys.readouterr().err
    from workbench.store.connection import open_db

    db = open_db(path)
    try:
        result = sign_in(db, "boss", password)
        assert result.ok and result.must_change
        assert password not in repr(list(db.query("select * from audit_log")))
    finally:
        db.conn.close()
