"""Personal feed tokens: ``<delegate id>-<HMAC>``, revocable without a table.

The HMAC (SHA-256 under the app's SECRET_KEY) covers the delegate id and the
delegate's random ``feed_secret``. Nothing about the token is stored:
giving the delegate a new ``feed_secret`` makes every earlier token fail
the check, so "regenerate the link" is one column update.

New links are made under SECRET_KEY; a link is accepted under SECRET_KEY or
any key of SECRET_KEY_FALLBACKS (Flask's setting for the keys being
retired), so the key can be rotated without breaking every subscription:
put the old key in the fallbacks, and old links keep working until it is
taken out of them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

# 128 bits of MAC: far beyond guessing, and short enough for a QR code.
_MAC_HEX_CHARS = 32
_TOKEN = re.compile(r"^([1-9][0-9]{0,17})-([0-9a-f]{32})$")

SecretKey = str | bytes


def _mac(secret_key: SecretKey, delegate_id: int, feed_secret: str) -> str:
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    message = f"festival.calendar.feed:{delegate_id}:{feed_secret}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_MAC_HEX_CHARS]


def feed_token(secret_key: SecretKey, delegate_id: int, feed_secret: str) -> str:
    """The token in a delegate's personal feed URL, made under ``secret_key``."""
    return f"{delegate_id}-{_mac(secret_key, delegate_id, feed_secret)}"


def token_delegate_id(token: str) -> int | None:
    """The delegate id a well-formed token names (not yet verified), else None."""
    match = _TOKEN.match(token)
    return int(match.group(1)) if match else None


def token_is_valid(
    secret_keys: SecretKey | Sequence[SecretKey], token: str, delegate_id: int, feed_secret: str
) -> bool:
    """Whether ``token`` is the current token of that delegate under one of
    ``secret_keys`` (a key, or the current key and then the fallbacks).

    Each comparison is constant-time, and every key is tried whatever the
    outcome, so the time says nothing about which key or how much matched.
    """
    keys = [secret_keys] if isinstance(secret_keys, str | bytes) else secret_keys
    valid = False
    for key in keys:
        expected = feed_token(key, delegate_id, feed_secret)
        valid |= hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
    return valid
