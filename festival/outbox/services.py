"""Queue e-mails in the outbox, and send what is due.

Queueing happens inside the caller's transaction, so a message exists if and
only if the change that caused it was committed. Sending happens in the
worker, one row at a time under a row lock, so two workers never send the
same message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 50


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
    with force_locale(locale):
        subject_text = str(subject)
        context.setdefault("subject", subject_text)
        text_body = render_template(f"email/{template}.txt", **context)
        html_body = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(
        key=key,
        recipient=recipient,
        subject=subject_text,
        text_body=text_body,
        html_body=html_body,
        locale=locale,
        category=category,
        next_attempt_at=send_after or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except sa.exc.IntegrityError:
        # Another transaction queued the same key first: that one counts.
        return None
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4 ... minutes between attempts, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: text first, HTML as the alternative."""
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    domain = parseaddr(config["MAIL_FROM"])[1].partition("@")[2] or "localhost"
    # Stable per outbox row: a receiving server can drop a rare re-send.
    email["Message-ID"] = make_msgid(idstring=f"outbox.{message.id}", domain=domain)
    email["Content-Language"] = message.locale
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
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


def _claim_next(now: datetime) -> OutboxMessage | None:
    """Lock one due message; another worker skips it rather than waiting."""
    query = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def send_due(limit: int = BATCH_SIZE) -> dict[str, int]:
    """Send up to ``limit`` due messages; returns counts of sent and failed.

    Each message is committed on its own, so a crash loses at most the one in
    flight. Without SMTP settings nothing is sent: messages wait, readable
    in the organiser's outbox.
    """
    counts = {"sent": 0, "failed": 0}
    if not smtp_configured():
        return counts
    smtp: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            now = utcnow()
            message = _claim_next(now)
            if message is None:
                break
            try:
                if smtp is None:
                    smtp = _open_smtp()
                smtp.send_message(build_email(message))
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(message, error, now)
                counts["failed"] += 1
                db.session.commit()
                smtp = _close(smtp)
                # The server is likely down: leave the rest for the next pass.
                break
            message.status = OutboxStatus.SENT
            message.sent_at = now
            message.attempts += 1
            message.last_error = None
            db.session.commit()
            counts["sent"] += 1
    finally:
        _close(smtp)
    return counts


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
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
    return None


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue now (an organiser asked)."""
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()


def sender_display() -> str:
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return formataddr((name, address))
