"""The secret in an impression invite's link: an HMAC of the invite's random
salt under the app's secret key, derived again whenever it is needed; the
database keeps only the salt and the hash of the link last sent.

A link is accepted under SECRET_KEY or any key of SECRET_KEY_FALLBACKS, as
the personal feed tokens are (festival.calendar.tokens): the key can rotate
without breaking the links in e-mails already sent, and a key taken out of
the fallbacks closes the links made under it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from festival.core.tokens import hash_token, secret_key, secret_keys


def _key_bytes(key: str | bytes) -> bytes:
    return key.encode("utf-8") if isinstance(key, str) else key


def token_from_salt(salt: str, key: str | bytes | None = None) -> str:
    """The token for ``salt`` under ``key`` (SECRET_KEY when None)."""
    digest = hmac.new(
        _key_bytes(key if key is not None else secret_key()),
        f"impressions:{salt}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def accepted_token(salt: str, token_hash: str | None) -> str | None:
    """The link last sent (whose hash is ``token_hash``) while it was made
    under a key still accepted, else None."""
    if token_hash is None:
        return None
    for key in secret_keys():
        token = token_from_salt(salt, key)
        if hmac.compare_digest(hash_token(token), token_hash):
            return token
    return None


def token_opens(salt: str, token: str) -> bool:
    """Whether ``token`` is the link of ``salt`` under an accepted key.

    Every key is tried whatever the outcome, each comparison in constant time.
    """
    valid = False
    for key in secret_keys():
        valid |= hmac.compare_digest(token.encode("utf-8"), token_from_salt(salt, key).encode())
    return valid
