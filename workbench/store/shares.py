"""Sharing a case with a colleague: the case's worker or a supervisor of its team lets another worker
read and change it (covering a leave, a second pair of hands); a share is a row, revoked by a row of
its own, so who could see a case when is always on record."""
from __future__ import annotations

from .. import i18n
from ..i18n import UserError
from . import arguments
from .audit import _audit
from .connection import now, write_transaction
from .guard import allow, allow_case, case_facts, display_name
from .inputs import Checker

i18n.add({
    "share.already": {"uk": "Випадок уже поділено з {user}.", "en": "The case is already shared with {user}."},
    "share.own_worker": {"uk": "{user} і так веде цей випадок.", "en": "{user} already holds this case."},
    "share.revoked": {"uk": "Цей доступ уже скасовано.", "en": "This share has already been revoked."},
})


def share_case(db, actor: str, case_id, *, with_user, reason=None) -> int:
    """Share the case with ``with_user`` (an active case manager or supervisor); returns the share's id."""
    allow(db, actor, "case.share", case_id, target=with_user)
    with_user = arguments.text(with_user, "with_user")  # None would pass the policy (no one to judge)
    check = Checker()
    reason = check.text("reason", reason, required=False, limit=500, kind="free")
    check.raise_if_any()
    with write_transaction(db):
        facts = case_facts(db, case_id)
        if with_user == facts.worker:
            raise UserError("share.own_worker", user=display_name(db, with_user))
        if with_user in facts.shared_with:
            raise UserError("share.already", user=display_name(db, with_user))
        share_id = db["case_shares"].insert({"case_id": facts.case_id, "shared_with": with_user, "reason": reason,
                                             "shared_at": now(), "shared_by": actor}).last_pk
        _audit(db, actor=actor, action="share_case", entity="cases", entity_id=facts.case_id,
               details={"share_id": share_id, "shared_with": with_user})
    return share_id


def revoke_share(db, actor: str, share_id, *, case_id=None) -> int:
    """End a share (by the case's worker or a supervisor of its team); returns the revocation's id.
    ``case_id``, if given, must be the share's case."""
    with write_transaction(db):
        case_id = allow_case(db, actor, "case.share", "share", share_id, case_id)
        if db.execute("select 1 from case_share_revocations where share_id = ?", [share_id]).fetchone():
            raise UserError("share.revoked")
        revocation_id = db["case_share_revocations"].insert({"share_id": share_id, "revoked_at": now(),
                                                             "revoked_by": actor}).last_pk
        _audit(db, actor=actor, action="revoke_share", entity="cases", entity_id=case_id,
               details={"share_id": share_id})
    return revocation_id


def case_shares(db, actor: str, case_id) -> list[dict]:
    """The case's shares, oldest first: ``id, shared_with, shared_by, shared_at, reason, revoked_at``
    (None while in force), ``revoked_by``."""
    allow(db, actor, "case.read", case_id)
    return list(db.query("""select s.id, s.shared_with, s.shared_by, s.shared_at, s.reason, r.revoked_at, r.revoked_by
                            from case_shares s left join case_share_revocations r on r.share_id = s.id
                            where s.case_id = ? order by s.id""", [case_id]))
