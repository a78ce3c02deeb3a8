"""Tracking secrets: what a citizen types, with the dossier number, to follow a dossier.

A secret is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown in
three groups (``K7QX-3MHD-ZP9A``): about 59 bits, enough against guessing when the web layer
rate-limits attempts. The store keeps only a SHA-256 of the dossier id and the normalised
secret, and compares in constant time::

    >>> import uuid
    >>> dossier = uuid.UUID(int=1)
    >>> secret = new_secret()
    >>> matches(dossier, secret.lower().replace("-", " "), hash_secret(dossier, secret))
    True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

__all__ = ["hash_secret", "matches", "new_secret"]

_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_BASE = len(_ALPHABET)
_SECRETS = _BASE**12  # a uniform number below this has 12 uniform, independent digits


def new_secret() -> str:
    """A new random secret, ``XXXX-XXXX-XXXX``."""
    number = secrets.randbelow(_SECRETS)
    raw = []
    for _ in range(12):
        number, digit = divmod(number, _BASE)
        raw.append(_ALPHABET[digit])
    return f"{''.join(raw[:4])}-{''.join(raw[4:8])}-{''.join(raw[8:])}"


def hash_secret(dossier_id: uuid.UUID, secret: str) -> str:
    """The stored form of ``secret`` (case, spaces and dashes do not matter)."""
    cleaned = "".join(secret.split()).replace("-", "").upper()
    return hashlib.sha256(f"{dossier_id}:{cleaned}".encode()).hexdigest()


def matches(dossier_id: uuid.UUID, secret: str, stored: str) -> bool:
    """True when ``secret`` is the one whose hash is ``stored``."""
    return hmac.compare_digest(hash_secret(dossier_id, secret), stored)
