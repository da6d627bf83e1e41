"""Passwords and sign-in: each user's password as a salted scrypt hash, every sign-in attempt, and the lock.

``users`` stays the one list of staff: a password belongs to a username there. A password is never
overwritten: setting one adds a row of ``credentials`` (the latest counts), and every attempt to sign in
adds a row of ``sign_ins``; both are append-only and audited. An administrator's reset gives a one-time
password (``temporary``) that its owner replaces at their first sign-in; it also lifts a lock.

The lock: after ``sign_in.lock_after_failures`` failed attempts in a row (since the last success or the last
new password), the account refuses every password, the right one too, until ``sign_in.lock_minutes`` have
passed since the last failed attempt (an attempt while locked counts, so guessing on keeps it locked), or
until an administrator resets the password (``lock_minutes`` 0: only the reset unlocks).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .. import i18n
from ..text_rules import refused
from ..config import load_config
from ..local_time import local_time
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow, current_version

i18n.add({
    "credentials.too_short": {"uk": "Пароль має бути не коротшим за {n} знаків.",
                              "en": "A password must be at least {n} characters long."},
    "credentials.too_long": {"uk": "Пароль задовгий (до 200 знаків).", "en": "The password is too long (200 characters at most)."},
    "credentials.is_username": {"uk": "Пароль не може бути вашим іменем користувача.",
                                "en": "The password cannot be your username."},
    "credentials.bad_characters": {"uk": "Пароль не може містити керівних знаків чи переносів рядка.",
                                   "en": "The password cannot contain control characters or line breaks."},
    "credentials.wrong_current": {"uk": "Поточний пароль неправильний.", "en": "The current password is wrong."},
    "credentials.same_as_before": {"uk": "Новий пароль має відрізнятися від поточного.",
                                   "en": "The new password must differ from the current one."},
    "credentials.mismatch": {"uk": "Новий пароль і його повтор не збігаються.",
                             "en": "The new password and its repetition differ."},
    "sign_in.refused": {"uk": "Неправильне імʼя користувача або пароль.", "en": "Wrong username or password."},
    "sign_in.locked": {
        "uk": "Забагато невдалих спроб: обліковий запис заблоковано до {until}. Адміністратор може "
              "розблокувати його, скинувши пароль.",
        "en": "Too many failed attempts: the account is locked until {until}. An administrator can "
              "unlock it by resetting the password.",
    },
    "sign_in.locked_until_reset": {
        "uk": "Забагато невдалих спроб: обліковий запис заблоковано. Зверніться до адміністратора, щоб скинути пароль.",
        "en": "Too many failed attempts: the account is locked. Ask an administrator to reset your password.",
    },
})

# scrypt's cost (RFC 7914; OWASP's minimum for scrypt is N=2^17 with r=8, p=1: ~0.1 s and 128 MB here would
# let ten staff signing in at once take a second of both cores, so N=2^15: 32 MB and ~40 ms each).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
# A hash to check an unknown username against, so that "no such user" takes as long as a wrong password.
_NOBODY = None


@dataclass(frozen=True)
class SignIn:
    """The outcome of an attempt: ``ok``; ``refusal`` (a ``UserError`` to show) when not; ``must_change`` when
    the password is an administrator's one-time password."""
    ok: bool
    refusal: UserError | None = None
    must_change: bool = False


def sign_in(db, username, password) -> SignIn:
    """Check ``password`` for ``username`` and record the attempt (a row of ``sign_ins``, audited).

    This is the one store function without an actor: it is what makes one. An unknown, inactive or
    locked user and a wrong password all get the same refusal except for the lock, whose message says so
    (telling a guesser it is locked tells them nothing they can use). Never raises for bad input."""
    name = _as_typed(username)
    password = password if isinstance(password, str) else ""
    with write_transaction(db):
        user = current_version(db, name) if name else None
        row = _latest(db, name) if user else None
        locked_until = _locked_until(db, name, row) if user else None
        if locked_until is not None:
            _attempt(db, user and name, name, ok=False, reason="locked")
            return SignIn(False, _lock_refusal(locked_until))
        good = _verify(password, row["hash"] if row else None)
        if user is None or not user["active"] or not good:
            reason = "unknown_user" if user is None else "inactive" if not user["active"] else "wrong_password"
            _attempt(db, user and name, name, ok=False, reason=reason)
            locked_until = _locked_until(db, name, row) if user else None
            return SignIn(False, _lock_refusal(locked_until) if locked_until else UserError("sign_in.refused"))
        _attempt(db, name, name, ok=True, reason=None)
        return SignIn(True, must_change=bool(row["temporary"]))


def _as_typed(username) -> str:
    """A sign-in's user name as looked up and recorded: stripped, lower case, at most 100 characters (no user
    name is longer than 64), each character a name may not hold made U+FFFD (a lone surrogate cannot be stored
    or looked up, a right-to-left override would mislead whoever reads the sign-ins)."""
    if not isinstance(username, str):
        return ""
    return "".join("\ufffd" if refused(ch, "name") else ch for ch in username.strip().lower()[:100])


def change_password(db, actor: str, *, current, new, repeated) -> None:
    """The signed-in ``actor`` replaces their own password (``current`` checked; ``new`` twice, as typed).
    Raises ``UserError``; nothing is written then."""
    user = allow(db, actor, "password.change")
    if not isinstance(new, str) or new != repeated:
        raise UserError("credentials.mismatch")
    new = _checked(user.username, new)
    with write_transaction(db):
        row = _latest(db, user.username)
        if row is None or not _verify(current if isinstance(current, str) else "", row["hash"]):
            raise UserError("credentials.wrong_current")
        if _verify(new, row["hash"]):
            raise UserError("credentials.same_as_before")
        _set(db, actor, user.username, new, temporary=False, action="change_password")


def reset_password(db, actor: str, username) -> str:
    """An administrator gives ``username`` a new one-time password (returned, to hand over in person); it
    lifts a lock, and its owner must choose their own at the next sign-in. Raises ``UserError``."""
    allow(db, actor, "users.manage")
    user = current_version(db, username) if isinstance(username, str) else None
    if user is None:
        raise UserError("users.not_found", username=str(username)[:80])
    # Four groups of four from an alphabet without look-alikes (no 0/o, 1/l/i): ~80 bits, read out loud.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    password = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    with write_transaction(db):
        _set(db, actor, user["username"], password, temporary=True, action="reset_password")
    return password


def set_password(db, actor: str, username, password, *, temporary: bool = False) -> None:
    """Set ``username``'s password to one the administrator chose (the demo's users, tests); ``temporary``
    makes its owner change it at the next sign-in. Raises ``UserError``."""
    allow(db, actor, "users.manage")
    user = current_version(db, username) if isinstance(username, str) else None
    if user is None:
        raise UserError("users.not_found", username=str(username)[:80])
    password = _checked(user["username"], password)
    temporary = arguments.flag(temporary, "temporary")
    with write_transaction(db):
        _set(db, actor, user["username"], password, temporary=temporary, action="set_password")


def password_state(db, actor: str, username) -> dict:
    """``{"set", "temporary", "locked_until"}`` of ``username``'s password, for the administrator (or the
    user themselves): ``locked_until`` is an ISO time, "reset" when only a reset unlocks, or None."""
    allow(db, actor, "password.change" if username == actor else "users.manage")
    username = arguments.text(username, "username")
    row = _latest(db, username)
    until = _locked_until(db, username, row)
    return {"set": row is not None, "temporary": bool(row and row["temporary"]),
            "locked_until": None if until is None else ("reset" if until == datetime.max.replace(tzinfo=timezone.utc)
                                                        else until.isoformat(timespec="seconds"))}


# --- internal -------------------------------------------------------------------------------------

def _settings() -> tuple[int, int, int]:
    section = load_config().get("sign_in") or {}
    return (int(section.get("lock_after_failures", 5)), int(section.get("lock_minutes", 15)),
            int(section.get("min_password_length", 10)))


def _checked(username: str, password) -> str:
    """``password`` as it will be hashed (NFC), or ``UserError`` saying what is wrong with it."""
    shortest = _settings()[2]
    if not isinstance(password, str):
        raise UserError("credentials.too_short", n=shortest)
    password = unicodedata.normalize("NFC", password)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in password):
        raise UserError("credentials.bad_characters")
    if len(password) < shortest:
        raise UserError("credentials.too_short", n=shortest)
    if len(password) > 200:
        raise UserError("credentials.too_long")
    if password.strip().lower() == username.lower():
        raise UserError("credentials.is_username")
    return password


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex) of ``password`` in NFC."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(unicodedata.normalize("NFC", password).encode("utf-8", "surrogatepass"), salt=salt,
                            n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _verify(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash, the same work against a dummy one."""
    global _NOBODY
    if stored is None:
        _NOBODY = _NOBODY or hash_password(secrets.token_hex(8))
        stored, against = _NOBODY, False
    else:
        against = True
    _, n, r, p, salt, digest = stored.split("$")
    mine = hashlib.scrypt(unicodedata.normalize("NFC", password).encode("utf-8", "surrogatepass"),
                          salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024,
                          dklen=len(digest) // 2)
    return hmac.compare_digest(mine.hex(), digest) and against


def _latest(db, username: str) -> dict | None:
    rows = list(db.query("select * from credentials where username = ? order by id desc limit 1", [username]))
    return rows[0] if rows else None


def _locked_until(db, username: str, credential) -> datetime | None:
    """When the lock on ``username`` ends (``datetime.max`` for "at a reset"), or None if not locked now."""
    after, minutes, _ = _settings()
    since = credential["set_at"] if credential else ""
    recent = db.execute("select ok, at from sign_ins where username = ? and at >= ? order by id desc limit ?",
                        [username, since, after]).fetchall()
    if after <= 0 or len(recent) < after or any(ok for ok, _ in recent):
        return None
    if minutes <= 0:
        return datetime.max.replace(tzinfo=timezone.utc)
    until = datetime.fromisoformat(recent[0][1]) + timedelta(minutes=minutes)
    return until if until > datetime.now(timezone.utc) else None


def _lock_refusal(until: datetime) -> UserError:
    if until == datetime.max.replace(tzinfo=timezone.utc):
        return UserError("sign_in.locked_until_reset")
    return UserError("sign_in.locked", until=local_time(until))  # as staff read times: the centre's zone


def _attempt(db, known: str | None, typed: str, *, ok: bool, reason: str | None) -> None:
    """Record an attempt; a name that is no user's is kept cut short, and audited as "anonymous"."""
    at = now()
    shown = typed[:64]
    row_id = db["sign_ins"].insert({"username": shown, "at": at, "ok": int(ok), "reason": reason}).last_pk
    _audit(db, actor=known or "anonymous", action="sign_in" if ok else "sign_in_refused", entity="sign_ins",
           entity_id=row_id, details={"username": shown, **({"reason": reason} if reason else {})})


def _set(db, actor: str, username: str, password: str, *, temporary: bool, action: str) -> None:
    row_id = db["credentials"].insert({"username": username, "hash": hash_password(password),
                                       "temporary": int(temporary), "set_at": now(), "set_by": actor}).last_pk
    _audit(db, actor=actor, action=action, entity="credentials", entity_id=row_id,
           details={"username": username, "temporary": temporary})
