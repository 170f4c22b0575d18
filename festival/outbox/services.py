"""Queue e-mails in the outbox, and send what is due.

Queueing happens inside the caller's transaction, so a message exists if and
only if the change that caused it was committed. Sending happens in the
worker, a few claimed rows at a time over one SMTP connection, so two
workers share a wave and never send the same message.
"""

from __future__ import annotations

import enum
import logging
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from festival.core.incoming import single_line, without_controls
from festival.core.logs import SECRET_PREFIX_PATTERN
from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# How long a worker holds the messages it claimed (see _claim):
# far longer than an SMTP exchange takes.
CLAIM_LEASE = timedelta(minutes=10)
# Keys looked up per statement when queueing in bulk (well under any
# database's limit on bound parameters).
KEY_CHUNK = 500


def queue_email(
    *,
    key: str,
    recipient: str,
    subject: Any,
    template: str,
    locale: str = "en",
    category: str = "other",
    send_after: datetime | None = None,
    **context: Any,
) -> OutboxMessage | None:
    """Render ``templates/email/<template>.txt`` and ``.html`` in ``locale`` and queue them.

    ``subject`` may be a lazy string: it is translated here, in the
    recipient's language. A ``key`` already queued is not queued again; the
    return value is then None. Does not commit.
    """
    existing = db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key))
    if existing is not None:
        return None
    email = Email(key, recipient, subject, template, locale, category, context, send_after)
    with force_locale(locale):
        message = OutboxMessage(**_render(email))
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except sa.exc.IntegrityError:
        # Another transaction queued the same key first: that one counts.
        return None
    return message


@dataclass
class Email:
    """One e-mail to queue with :func:`queue_many` (the arguments of :func:`queue_email`)."""

    key: str
    recipient: str
    subject: Any
    template: str
    locale: str = "en"
    category: str = "other"
    context: dict[str, Any] = field(default_factory=dict)
    send_after: datetime | None = None


def _render(email: Email) -> dict[str, Any]:
    """The outbox row's values; call inside ``force_locale(email.locale)``."""
    # A name in the subject may come from a row older than the forms' filter.
    subject_text = single_line(str(email.subject))
    context = {"subject": subject_text, **email.context}
    return {
        "key": email.key,
        "recipient": email.recipient,
        "subject": subject_text,
        "text_body": render_template(f"email/{email.template}.txt", **context),
        "html_body": render_template(f"email/{email.template}.html", **context),
        "locale": email.locale,
        "category": email.category,
        "next_attempt_at": email.send_after or utcnow(),
    }


def queue_many(emails: Sequence[Email]) -> int:
    """Queue many e-mails in a handful of statements, whatever their number.

    E-mails given the same ``context`` object are rendered once per
    language (their recipient and key apart, they are one e-mail).

    Same rules as :func:`queue_email`: keys already queued (or repeated in
    ``emails``) are skipped, a key another transaction queues at the same
    time is skipped by the database (ON CONFLICT DO NOTHING). Returns how many
    rows were offered for insertion. Does not commit.
    """
    keys = list(dict.fromkeys(e.key for e in emails))
    seen: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK]
        seen.update(
            db.session.scalars(sa.select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk)))
        )
    rows: list[dict[str, Any]] = []
    # Switching the locale reloads catalogues: render one language at a time.
    for locale in sorted({e.locale for e in emails}):
        # E-mails that share one context object (the same news for many
        # people) are rendered once per language and subject.
        rendered: dict[tuple[str, int, str], dict[str, Any]] = {}
        with force_locale(locale):
            for email in emails:
                if email.locale != locale or email.key in seen:
                    continue
                seen.add(email.key)
                shared = (email.template, id(email.context), str(email.subject))
                if email.context and shared in rendered:
                    row = {**rendered[shared], "key": email.key, "recipient": email.recipient}
                    row["next_attempt_at"] = email.send_after or utcnow()
                else:
                    row = rendered[shared] = _render(email)
                rows.append(row)
    if rows:
        db.session.execute(_insert_ignoring_duplicates(), rows)
    return len(rows)


def _insert_ignoring_duplicates() -> Any:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["key"])
    return sa.insert(OutboxMessage)  # pragma: no cover (only the two supported databases)


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4 ... minutes between attempts, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


class UnsendableMessage(ValueError):
    """A message that cannot be built as it is stored (its address is not one address)."""


def recipient_header(recipient: str) -> str:
    """The To header for ``recipient``: one address, its display name on one line.

    A line break in a stored address (a row older than the forms' filter)
    would add headers or recipients: such an address is refused, never
    guessed at, and the message waits for an organiser to correct it.
    """
    name, address = parseaddr(recipient)
    if (
        single_line(recipient) != recipient
        or not address
        or "@" not in address
        or any(ch.isspace() for ch in address)
    ):
        raise UnsendableMessage(f"not one e-mail address: {recipient!r}")
    return formataddr((single_line(name).strip(), address)) if name else address


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: text first, HTML as the alternative.

    Every header is one line whatever the row holds: a subject made from a
    name typed with a line break (before forms cleaned names) loses it here.
    Raises :class:`UnsendableMessage` for a recipient that is not one address.
    """
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = single_line(message.subject)
    email["From"] = config["MAIL_FROM"]
    email["To"] = recipient_header(message.recipient)
    domain = parseaddr(config["MAIL_FROM"])[1].partition("@")[2] or "localhost"
    # Stable per outbox row: a receiving server can drop a rare re-send.
    email["Message-ID"] = make_msgid(idstring=f"outbox.{message.id}", domain=domain)
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    # After the bodies: set_content() drops every Content-* header set before.
    email["Content-Language"] = single_line(message.locale)
    return email


def _open_smtp() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    if config["SMTP_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["SMTP_USERNAME"]:
        smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    return smtp


# How many due messages one claim takes. Each is committed on its own once
# sent; a worker that dies leaves the rest of its claim due again when the
# lease ends.
CLAIM_SIZE = 25


def _claim(now: datetime, size: int = CLAIM_SIZE) -> list[int]:
    """Take up to ``size`` due messages, so that no other worker sends them too.

    One UPDATE moves their next attempt a lease ahead, which another
    worker's claim then finds not due, and commits. On PostgreSQL the rows
    are picked ``FOR UPDATE SKIP LOCKED``: two workers claiming at the same
    instant take different rows rather than waiting for each other. Should
    this worker die while sending, its messages are due again when the
    lease ends.
    """
    is_due = (OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
    due = (
        sa.select(OutboxMessage.id)
        .where(*is_due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
    )
    if db.engine.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()), *is_due)
        .values(next_attempt_at=now + CLAIM_LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _release(ids: Sequence[int], now: datetime) -> None:
    """Give back claimed messages this pass will not send (the server is down)."""
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


class _Connection:
    """One SMTP connection for the whole pass, opened when first needed and
    opened again when the server dropped it."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None
        self.opened = 0

    def send(self, email: EmailMessage) -> None:
        fresh = self.smtp is None
        if self.smtp is None:
            self.smtp = _open_smtp()
            self.opened += 1
        try:
            self.smtp.send_message(email)
        except OSError as error:
            # SMTPException is an OSError too: a refusal is the message's, not the connection's.
            answered = isinstance(error, smtplib.SMTPException) and not isinstance(
                error, smtplib.SMTPServerDisconnected
            )
            if fresh or answered:
                raise
            # A reused connection the server closed (idle timeout, a limit
            # of messages per connection): one more try on a new one.
            self.close()
            self.smtp = _open_smtp()
            self.opened += 1
            self.smtp.send_message(email)

    def close(self) -> None:
        _close(self.smtp)
        self.smtp = None


def send_due(limit: int | None = None) -> dict[str, int]:
    """Send due messages until none is due (or ``limit`` were tried); returns
    counts of sent and failed.

    One SMTP connection serves the whole pass. Each message is committed on
    its own, so a crash loses at most the one in flight, and one message
    that fails holds up no other: whatever goes wrong with it (it cannot be
    built, the server refuses it, a statement fails) is rolled back to its
    savepoint and recorded on it, it is tried again later (see
    :func:`backoff`), and the pass goes on. Only a server that is down or
    unreachable ends the pass. Without SMTP settings nothing is sent:
    messages wait, readable in the organiser's outbox.
    """
    counts = {"sent": 0, "failed": 0}
    if not smtp_configured():
        return counts
    connection = _Connection()
    claimed: list[int] = []
    batch: list[OutboxMessage] = []
    session = db.session()
    # The claimed messages are loaded together and only this pass changes
    # them: a commit need not expire them (each would cost a SELECT again).
    # A rollback still expires the one that failed.
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        while limit is None or counts["sent"] + counts["failed"] < limit:
            if not batch:
                size = CLAIM_SIZE
                if limit is not None:
                    size = min(size, limit - counts["sent"] - counts["failed"])
                claimed = _claim(utcnow(), size)
                if not claimed:
                    break
                batch = list(
                    db.session.scalars(
                        sa.select(OutboxMessage)
                        .where(OutboxMessage.id.in_(claimed))
                        .order_by(OutboxMessage.id)
                    )
                )
            message = batch.pop(0)
            claimed.remove(message.id)
            if message.status != OutboxStatus.PENDING:
                continue
            outcome = _send_one(message, connection, counts)
            # Done with: a session that kept every message sent would look
            # at them all at each commit (a pass of n messages in n² time).
            db.session.expunge(message)
            if outcome is _Outcome.SERVER_DOWN:
                break
    finally:
        session.expire_on_commit = expire_on_commit
        connection.close()
        _release(claimed, utcnow())
    return counts


class _Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"
    SERVER_DOWN = "server down"


def _send_one(message: OutboxMessage, connection: _Connection, counts: dict[str, int]) -> _Outcome:
    """Send one claimed message and commit what became of it.

    The claim is committed already, so this message's transaction holds
    nothing else: whatever fails in here is rolled back and recorded on it
    (one commit a message; a savepoint would cost SQLite a second one).
    """
    now = utcnow()
    try:
        connection.send(build_email(message))
        _mark_sent(message, now)
        db.session.commit()
    except (OSError, smtplib.SMTPException) as error:
        _fail(message, error, now, counts)
        if _server_answered(error):
            # The server refused this one message (a bad address, say):
            # the others may well go through.
            return _Outcome.FAILED
        connection.close()
        # The server is down or unreachable: leave the rest for the next pass.
        return _Outcome.SERVER_DOWN
    except UnsendableMessage as error:
        _fail(message, error, now, counts)
        return _Outcome.FAILED
    except Exception as error:
        # A bug, or a statement that failed: this message waits for its
        # retry, the others go out.
        log.exception("outbox: message %s could not be sent", message.id)
        _fail(message, error, now, counts)
        # The connection may be halfway through this message.
        connection.close()
        return _Outcome.FAILED
    counts["sent"] += 1
    return _Outcome.SENT


def _fail(message: OutboxMessage, error: Exception, now: datetime, counts: dict[str, int]) -> None:
    db.session.rollback()
    _record_failure(message, error, now)
    counts["failed"] += 1
    db.session.commit()


def _mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.attempts += 1
    message.last_error = None
    db.session.flush()


def _server_answered(error: Exception) -> bool:
    """The server refused this message but the connection is still usable."""
    return isinstance(
        error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError
    )


def _permanent(error: Exception) -> bool:
    """A 5xx refusal: retrying the same message will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    # The error may quote the row (a NUL, which PostgreSQL refuses to store).
    message.last_error = without_controls(f"{type(error).__name__}: {error}")[:2000]
    if message.attempts >= MAX_ATTEMPTS or _permanent(error):
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    log.warning("outbox: message %s not sent (attempt %s): %s", message.id, message.attempts, error)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue now (an organiser asked)."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()


# A secret link is its own password: a sign-in link signs whoever holds it in
# as its delegate, an invitation link answers for a city and registers its
# delegation, an impressions link opens a delegate's answers, a personal feed
# shows a delegate's itinerary. Organisers who read the outbox must not be able
# to use them. The secret is the path segment after the prefixes listed in
# festival.core.logs (a feed keeps its ".ics"); tokens are URL-safe base64.
_SECRET_LINK = re.compile(
    r"(?P<organiser>/organiser/festivals/[^/\s\"'<>]+)?"
    rf"(?P<prefix>{SECRET_PREFIX_PATTERN})(?P<secret>[^/\s?#\"'<>.&]+)"
)
# Anything that looks like a secret token (``new_token()`` makes 43 characters).
_TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{32,}(?![A-Za-z0-9_\-])")
SECRET_CATEGORIES = {"login"}


def redact(body: str, category: str, mask: str) -> str:
    """``body`` as organisers may read it: the secrets of links replaced by ``mask``.

    Any message loses the token of a ``/login/link/<token>``,
    ``/invitations/<token>``, ``/impressions/<token>`` or
    ``/feeds/<token>.ics`` URL (the organisers' own pages, such as
    ``/organiser/festivals/<slug>/invitations/<id>``, stay whole); a message
    of a secret category (sign-in links) also loses anything token-like. Only
    what is shown changes: the stored message, the one sent, keeps its link.
    """

    def hide(match: re.Match[str]) -> str:
        if match.group("organiser"):
            return match.group(0)
        return match.group("prefix") + mask

    body = _SECRET_LINK.sub(hide, body)
    if category in SECRET_CATEGORIES:
        body = _TOKEN_LIKE.sub(mask, body)
    return body


# A whole link in a message's text part, up to the first space or quote.
_LINK = re.compile(r"https?://[^\s\"'<>]+")


def secret_links(body: str) -> list[str]:
    """The links of ``body`` that carry a secret, in order and each once.

    Only for a local run (the app in debug): organisers there are the
    developer trying the app, who has no mailbox to open the link from.
    """
    links = (link.rstrip(".,;:)") for link in _LINK.findall(body))
    return list(
        dict.fromkeys(
            link
            for link in links
            if any(not m.group("organiser") for m in _SECRET_LINK.finditer(link))
        )
    )


def sender_display() -> str:
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return formataddr((name, address))
