"""Keyed pseudonyms for research exports: HMAC-SHA256 with the organisation's secret.

A pseudonym is a short prefix and the first hex characters of ``HMAC(secret, "namespace:key")``, e.g.
``C-3f9a0c…`` for the client ``h12`` (``b"client:h12"``). The same secret gives the same pseudonym in
every export, so researchers can add later exports to earlier ones; another secret gives unrelated
ones; without the secret nobody can go back from a pseudonym to the record, nor test a guess.
The secret itself is never written anywhere: an export names it by :meth:`Pseudonymiser.fingerprint`
(another keyed hash, which does not reveal the secret either).
"""
from __future__ import annotations

import hashlib
import hmac

HEX_CHARS = 16  # 64 bits: no collision to fear among millions of records (each export checks anyway)
MAX_SHIFT_DAYS = 180


class Pseudonymiser:
    """Pseudonyms, date shifts and the fingerprint of one secret (``str`` or ``bytes``)."""

    def __init__(self, secret: str | bytes):
        key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if not key:
            raise ValueError("an empty secret")
        self._mac = hmac.new(key, digestmod=hashlib.sha256)

    def digest(self, namespace: str, key) -> bytes:
        """``HMAC-SHA256(secret, "namespace:key")``."""
        mac = self._mac.copy()
        mac.update(f"{namespace}:{key}".encode("utf-8"))
        return mac.digest()

    def pseudonym(self, prefix: str, namespace: str, key) -> str:
        """``prefix-`` and the first :data:`HEX_CHARS` hex characters of :meth:`digest`."""
        return f"{prefix}-{self.digest(namespace, key).hex()[:HEX_CHARS]}"

    def many(self, prefix: str, namespace: str, keys) -> list[str]:
        """:meth:`pseudonym` of each key, in order."""
        mac, width = self._mac, HEX_CHARS
        out = []
        for key in keys:
            m = mac.copy()
            m.update(f"{namespace}:{key}".encode("utf-8"))
            out.append(f"{prefix}-{m.hexdigest()[:width]}")
        return out

    def date_shift(self, key) -> int:
        """Days (−180…−1 or +1…+180, never 0) by which every date of the client ``key`` is moved: derived
        from the keyed hash, so the same client moves by the same days in every export with this secret."""
        n = int.from_bytes(self.digest("date-shift", key)[:8], "big") % (2 * MAX_SHIFT_DAYS)
        return n - MAX_SHIFT_DAYS if n < MAX_SHIFT_DAYS else n - MAX_SHIFT_DAYS + 1

    def fingerprint(self) -> str:
        """The first 8 hex characters of ``HMAC(secret, "fingerprint")``: tells two secrets apart, reveals neither."""
        mac = self._mac.copy()
        mac.update(b"fingerprint")
        return mac.hexdigest()[:8]
