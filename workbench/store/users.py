"""Staff: users, their role, whether they are active, and their teams.

``users`` keeps one row per username (what the records' foreign keys point at); what a user is now
is the latest row of ``user_versions``: adding a user writes the first, a deactivation, a new role or
new teams each write another (both tables are append-only). Every change is audited and made by an
administrator, except the first administrator of a database, who may be added while none exists.
"""
from __future__ import annotations

import json
import re
import unicodedata

from .. import i18n, policy
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .guard import actor_of, allow, current_version
from .inputs import Checker

i18n.add({
    "users.bad_username": {
        "uk": "Імʼя користувача — від 2 до 64 знаків: малі латинські літери, цифри, крапка, дефіс, підкреслення; "
              "починається з літери чи цифри.",
        "en": "A username is 2 to 64 characters: lower-case Latin letters, digits, dot, hyphen, underscore; it "
              "starts with a letter or digit.",
    },
    "users.exists": {"uk": "Користувач «{username}» уже є.", "en": "The user '{username}' already exists."},
    "users.not_found": {"uk": "Користувача «{username}» немає.", "en": "There is no user '{username}'."},
    "users.bad_role": {
        "uk": "Роль «{role}» невідома; можливі: {roles}.",
        "en": "The role '{role}' is unknown; possible: {roles}.",
    },
    "users.bad_team": {
        "uk": "Назва команди «{team}»: від 1 до 60 літер, цифр, пробілів, дефісів чи підкреслень.",
        "en": "The team name '{team}': 1 to 60 letters, digits, spaces, hyphens or underscores.",
    },
    "users.already_inactive": {"uk": "Користувача «{username}» уже деактивовано.",
                               "en": "The user '{username}' is already deactivated."},
    "users.last_administrator": {
        "uk": "Це останній активний адміністратор: спершу додайте іншого.",
        "en": "This is the last active administrator: add another one first.",
    },
    "users.nothing_changes": {"uk": "Нічого не змінюється: {what} уже такі.", "en": "Nothing changes: {what} already so."},
    "users.what.role": {"uk": "роль", "en": "the role is"},
    "users.what.teams": {"uk": "команди", "en": "the teams are"},
})

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
TEAM = re.compile(r"^[\w][\w -]{0,59}$")


def add_user(db, actor: str, *, username, display_name, role, teams=(), reason=None) -> None:
    """Add a staff member with a role and teams (an administrator's act).

    While the database has no active administrator, the first one may be added by anybody naming
    themselves (``actor == username``, ``role="administrator"``): that is how a new centre starts.
    Raises ``UserError`` / ``InvalidInput``; nothing is written then.
    """
    check = Checker()
    display_name = check.text("display_name", display_name, limit=200, kind="name")
    reason = check.text("reason", reason, required=False, limit=500, kind="free")
    check.raise_if_any()
    username = _username(username)
    role = _role(role)
    teams = _teams(teams)
    with write_transaction(db):
        bootstrap = (role == "administrator" and actor == username and not _active_administrators(db))
        if not bootstrap:
            allow(db, actor, "users.manage")
        if db.execute("select 1 from users where username = ?", [username]).fetchone():
            raise UserError("users.exists", username=username)
        at = now()
        db["users"].insert({"username": username, "display_name": display_name, "role": role, "added_at": at})
        _write_version(db, actor, username, display_name=display_name, role=role, active=True, teams=teams,
                       reason=reason, at=at)
        _audit(db, actor=actor, action="add_user", entity="users", entity_id=username,
               details={"role": role, "teams": teams, "bootstrap": bootstrap})


def deactivate_user(db, actor: str, username, *, reason) -> None:
    """Deactivate a user: from now on they can do nothing; their open cases wait for a new worker."""
    allow(db, actor, "users.manage")
    check = Checker()
    reason = check.text("reason", reason, limit=500, kind="free")
    check.raise_if_any()
    with write_transaction(db):
        user = _existing(db, username)
        if not user["active"]:
            raise UserError("users.already_inactive", username=user["username"])
        if user["role"] == "administrator" and _active_administrators(db) == [user["username"]]:
            raise UserError("users.last_administrator")
        _change(db, actor, user, "deactivate_user", reason, active=False)


def set_role(db, actor: str, username, role, *, reason=None) -> None:
    """Give a user another role (a new version of the user)."""
    allow(db, actor, "users.manage")
    role = _role(role)
    reason = _reason(reason)
    with write_transaction(db):
        user = _existing(db, username)
        if user["role"] == role:
            raise UserError("users.nothing_changes", what=i18n.Text("users.what.role"))
        if user["role"] == "administrator" and user["active"] and _active_administrators(db) == [user["username"]]:
            raise UserError("users.last_administrator")
        _change(db, actor, user, "set_role", reason, role=role)


def set_teams(db, actor: str, username, teams, *, reason=None) -> None:
    """Put a user in these teams (replacing their teams); an empty list takes them out of every team."""
    allow(db, actor, "users.manage")
    teams = _teams(teams)
    reason = _reason(reason)
    with write_transaction(db):
        user = _existing(db, username)
        if user["teams"] == teams:
            raise UserError("users.nothing_changes", what=i18n.Text("users.what.teams"))
        _change(db, actor, user, "set_teams", reason, teams=teams)


def list_users(db, actor: str, *, include_inactive: bool = True) -> list[dict]:
    """Every user as they are now (``username, display_name, role, active, teams, since``), by username."""
    allow(db, actor, "users.manage")
    return [u for u in _all_current(db) if include_inactive or u["active"]]


def staff(db, actor: str, roles: tuple[str, ...] | None = None, *, active_only: bool = True) -> list[dict]:
    """Staff as ``{username, display_name, role, teams, active}``, by username: the active ones (or all with
    ``active_only=False``), everyone or those with one of ``roles`` (e.g.
    :data:`workbench.policy.CASE_HOLDERS`, who can hold a case)."""
    allow(db, actor, "staff.read")
    roles = arguments.codes(roles, "roles", policy.ROLES, optional=True)
    active_only = arguments.flag(active_only, "active_only")
    return [{k: u[k] for k in ("username", "display_name", "role", "teams", "active")} for u in _all_current(db)
            if (u["active"] or not active_only) and (roles is None or u["role"] in roles)]


def staff_names(db, actor: str) -> dict:
    """``{username: display name}`` of every staff member, deactivated ones too (what they recorded is still
    shown by their name); for a name not in it, show the username: ``names.get(username, username)``. Asks what
    :func:`staff` asks."""
    return {u["username"]: u["display_name"] for u in staff(db, actor, active_only=False)}


def staff_member(db, actor: str, username) -> dict:
    """One user as they are now; anyone active may read themselves, others need ``staff.read``."""
    if username == actor:
        _self(db, actor)
    else:
        allow(db, actor, "staff.read")
    return _existing(db, username)


def administrators_exist(db) -> bool:
    """Whether the database has an active administrator (until it does, the first may add themselves).
    Tells no more than that, so it asks no policy."""
    return bool(_active_administrators(db))


# --- internal -------------------------------------------------------------------------------------

def _self(db, actor: str) -> None:
    """An active user may read their own row whatever their role (the researcher too)."""
    found = actor_of(db, actor)
    if found.role is None:
        raise UserError("policy.unknown_user", username=str(actor)[:80])
    if not found.active:
        raise UserError("policy.inactive", username=found.username)


def _username(value) -> str:
    if not isinstance(value, str) or not USERNAME.match(value.strip()):
        raise UserError("users.bad_username")
    return value.strip()


def _role(value) -> str:
    if value not in policy.ROLES:
        raise UserError("users.bad_role", role=str(value)[:40], roles=", ".join(policy.ROLES))
    return value


def _teams(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise UserError("users.bad_team", team=str(value)[:60])
    teams = set()
    for team in value:
        if isinstance(team, str):
            team = unicodedata.normalize("NFC", team.strip())  # as every stored text; TEAM refuses the rest
        if not isinstance(team, str) or not TEAM.fullmatch(team):
            raise UserError("users.bad_team", team=str(team)[:60])
        teams.add(team)
    return sorted(teams)


def _existing(db, username) -> dict:
    user = current_version(db, username) if isinstance(username, str) else None
    if user is None:
        raise UserError("users.not_found", username=str(username)[:80])
    return user


def _active_administrators(db) -> list[str]:
    return [u["username"] for u in _all_current(db) if u["active"] and u["role"] == "administrator"]


def _all_current(db) -> list[dict]:
    rows = db.query("""select v.* from user_versions v
                       where v.id = (select max(id) from user_versions w where w.username = v.username)
                       order by v.username""")
    return [_decoded(row) for row in rows]


def _decoded(row: dict) -> dict:
    return {"username": row["username"], "display_name": row["display_name"], "role": row["role"],
            "active": bool(row["active"]), "teams": json.loads(row["teams"]), "since": row["recorded_at"]}


def _reason(reason) -> str | None:
    """An optional reason for a change, checked as :func:`add_user` checks its own."""
    check = Checker()
    reason = check.text("reason", reason, required=False, limit=500, kind="free")
    check.raise_if_any()
    return reason


def _change(db, actor, user: dict, action: str, reason, **changes) -> None:
    new = dict(user, **changes)
    _write_version(db, actor, user["username"], display_name=new["display_name"], role=new["role"],
                   active=new["active"], teams=new["teams"], reason=reason, at=now())
    _audit(db, actor=actor, action=action, entity="users", entity_id=user["username"],
           details={k: v for k, v in changes.items()} | ({"reason": reason} if reason else {}))


def _write_version(db, actor, username, *, display_name, role, active, teams, reason, at) -> None:
    db["user_versions"].insert({"username": username, "display_name": display_name, "role": role,
                                "active": int(active), "teams": json.dumps(sorted(teams), ensure_ascii=False),
                                "reason": reason, "recorded_at": at, "recorded_by": actor})
