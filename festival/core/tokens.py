"""Secret tokens for links in e-mails: only their hash is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A fresh URL-safe secret (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest kept in the database in place of the token.

    Tokens are long random strings, so a fast hash is enough: there is no
    dictionary to attack. Looking a hash up by equality in an index leaks no
    usable timing, since the attacker does not control the hash.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
