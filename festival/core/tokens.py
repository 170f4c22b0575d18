"""Secret tokens for links in e-mails: random ones, of which only the hash
is stored, and signed ones, which carry their own data and need no row."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner
from itsdangerous.encoding import base64_decode, base64_encode


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


# Signed links carry their own data instead of a row: JSON in URL-safe
# base64, with no compression (itsdangerous marks a compressed payload with a
# leading ".") and "~" rather than "." between the parts, so the whole token
# is one path segment that the log and outbox filters hide (they stop at "."
# to keep a feed's ".ics").
_SIGNED_SEPARATOR = "~"


def secret_key() -> str | bytes:
    """The app's SECRET_KEY (create_app refuses to start without one)."""
    key = current_app.secret_key
    if key is None:
        raise RuntimeError("SECRET_KEY is not set")
    return key


def secret_keys() -> list[str | bytes]:
    """SECRET_KEY, then the keys being retired (SECRET_KEY_FALLBACKS, as Flask
    reads it for session cookies): a link made under any of them still works,
    so the key can rotate without breaking the links already sent."""
    fallbacks = current_app.config.get("SECRET_KEY_FALLBACKS") or []
    return [secret_key(), *fallbacks]


def _signer(salt: str) -> TimestampSigner:
    # itsdangerous signs with the last key and accepts every one of them.
    keys = [key.encode("utf-8") if isinstance(key, str) else key for key in secret_keys()]
    return TimestampSigner(keys[::-1], salt=salt, sep=_SIGNED_SEPARATOR)


def sign(payload: Any, salt: str) -> str:
    """A URL-safe token holding ``payload`` (JSON-able) and the time it was
    made, signed with the app's secret key (and accepted under its fallbacks).

    The ``salt`` names the purpose, so a token made for one kind of link is
    refused by every other kind.
    """
    data = base64_encode(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return _signer(salt).sign(data).decode("ascii")


def unsign(token: str, salt: str, max_age: timedelta) -> Any | None:
    """The payload of a token made by :func:`sign` with the same ``salt``, or
    None when it is forged, altered, made for another purpose or older than
    ``max_age``."""
    try:
        data = _signer(salt).unsign(token, max_age=int(max_age.total_seconds()))
        return json.loads(base64_decode(data))
    except (BadSignature, ValueError):  # SignatureExpired is a BadSignature too
        return None
