"""Personal feed tokens: ``<delegate id>-<HMAC>``, revocable without a table.

The HMAC (SHA-256 under the app's SECRET_KEY) covers the delegate id and the
delegate's random ``feed_secret``. Nothing about the token is stored:
giving the delegate a new ``feed_secret`` makes every earlier token fail
the check, so "regenerate the link" is one column update. Changing
SECRET_KEY revokes every personal link at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# 128 bits of MAC: far beyond guessing, and short enough for a QR code.
_MAC_HEX_CHARS = 32
_TOKEN = re.compile(r"^([1-9][0-9]{0,17})-([0-9a-f]{32})$")


def _mac(secret_key: str | bytes, delegate_id: int, feed_secret: str) -> str:
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    message = f"festival.calendar.feed:{delegate_id}:{feed_secret}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:_MAC_HEX_CHARS]


def feed_token(secret_key: str | bytes, delegate_id: int, feed_secret: str) -> str:
    """The token in a delegate's personal feed URL."""
    return f"{delegate_id}-{_mac(secret_key, delegate_id, feed_secret)}"


def token_delegate_id(token: str) -> int | None:
    """The delegate id a well-formed token names (not yet verified), else None."""
    match = _TOKEN.match(token)
    return int(match.group(1)) if match else None


def token_is_valid(secret_key: str | bytes, token: str, delegate_id: int, feed_secret: str) -> bool:
    """Whether ``token`` is the current token of that delegate (constant-time)."""
    expected = feed_token(secret_key, delegate_id, feed_secret)
    return hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
