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


def new_secret() -> str:
    """A new random secret, ``XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def hash_secret(dossier_id: uuid.UUID, secret: str) -> str:
    """The stored form of ``secret`` (case, spaces and dashes do not matter)."""
    cleaned = "".join(secret.split()).replace("-", "").upper()
    return hashlib.sha256(f"{dossier_id}:{cleaned}".encode()).hexdigest()


def matches(dossier_id: uuid.UUID, secret: str, stored: str) -> bool:
    """True when ``secret`` is the one whose hash is ``stored``."""
    return hmac.compare_digest(hash_secret(dossier_id, secret), stored)
