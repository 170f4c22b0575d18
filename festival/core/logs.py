"""Keeping the secrets of links out of the logs.

A link e-mailed to a person (an invitation, an impression form, a sign-in
link, the confirmation of a new sign-in address) or given to a calendar app
(a personal feed) is itself the password. Access logs (Werkzeug's
development server, gunicorn) and the app's own error log ("Exception on
/invitations/<token> [POST]") would keep it in clear, so one filter rewrites
every such path before a record is written.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from flask import Flask

# Every path whose next segment is a secret: the one list, which the outbox
# view's redaction uses too. A new kind of secret link is added here.
SECRET_LINK_PREFIXES = ("feeds", "invitations", "impressions", "login/link", "login/email")
# A regular-expression group matching any of them, as "/feeds/" and the like.
SECRET_PREFIX_PATTERN = "/(?:" + "|".join(re.escape(p) for p in SECRET_LINK_PREFIXES) + ")/"

# The path segment after these prefixes is a secret; a feed keeps its
# ".ics" so the log still says what was asked for. The prefix must start a
# path (after a space, a quote, "=" or a host), so that an organiser's page
# such as /organiser/festivals/x/impressions/forms/3 stays as it is.
_SECRET_PATH = re.compile(
    rf"(^|[\s\"'=(<,]|//[^/\s\"'?#]+)({SECRET_PREFIX_PATTERN})[^/\s?#\"'.]+", re.MULTILINE
)

_MASK = r"\1\2[token]"

# The loggers that write request lines or paths.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """``text`` with the secret of every secret link replaced by ``[token]``.

    A link may come percent-encoded (``/impressions%2F<token>`` routes like
    ``/impressions/<token>``; ``?next=%2Finvitations%2F<token>``): when the
    decoded text holds a secret, the decoded text is written, redacted.
    """
    redacted = _SECRET_PATH.sub(_MASK, text)
    decoded = redacted
    for _ in range(3):  # "%252F" is "%2F" once decoded, and "/" twice
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    if decoded != redacted:
        masked = _SECRET_PATH.sub(_MASK, decoded)
        if masked != decoded:
            return masked
    return redacted


class RedactSecretLinks(logging.Filter):
    """Rewrites /invitations/<token> as /invitations/[token] (and the like)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


def init_app(app: Flask) -> None:
    """Install the filter on the access loggers and the app's logger (once each)."""
    for logger in [logging.getLogger(name) for name in ACCESS_LOGGERS] + [app.logger]:
        if not any(isinstance(f, RedactSecretLinks) for f in logger.filters):
            logger.addFilter(RedactSecretLinks())
