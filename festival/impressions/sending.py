"""E-mailing impression forms: the worker's job, reminders, and sending by hand.

Exactly once, even with several workers: a form is claimed with a row lock
(FOR UPDATE SKIP LOCKED on PostgreSQL) while its invites are made; each
invite is a unique (form, delegate) row created in the same transaction as
its outbox message, whose key is unique too. A second worker finds the form
marked as sent, or the invite taken, or the key queued, and sends nothing.

The personal link is derived from a random per-invite salt and the app's
secret key; the database keeps only the salt and the link's hash, so the
reminder can carry the same link as the first e-mail.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from festival.core.content import lazy as content_lazy
from festival.core.tokens import hash_token
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.impressions.models import (
    DEFAULT_OPEN_DAYS,
    ImpressionForm,
    ImpressionInvite,
    ImpressionResponse,
)
from festival.impressions.services import ImpressionError, recipients_of
from festival.impressions.tokens import accepted_token, token_from_salt
from festival.outbox.models import OutboxMessage
from festival.outbox.services import queue_email
from festival.programme.models import ProgrammeSession, SessionStatus
from festival.registration.models import Delegate, Delegation

log = logging.getLogger(__name__)

# The longest delay an organiser may set between an event's end and the e-mail.
MAX_DELAY_MINUTES = 7 * 24 * 60
DEFAULT_REMINDER_AFTER = timedelta(days=3)


# --- links -----------------------------------------------------------------


def token_for(invite: ImpressionInvite) -> str:
    """The secret in the invite's link (derived, never stored): the one
    already sent while its key is accepted (SECRET_KEY or a fallback), so a
    reminder after a key rotation does not close the first e-mail's link;
    else a new one under SECRET_KEY."""
    sent = accepted_token(invite.token_salt, invite.token_hash)
    return sent if sent is not None else token_from_salt(invite.token_salt)


def link_for(invite: ImpressionInvite) -> str:
    """The absolute link to the invite's form; refreshes the stored hash so
    that, once the key of the earlier link is retired, every new e-mail
    carries a working link."""
    token = token_for(invite)
    invite.token_hash = hash_token(token)
    return external_url("impressions.answer", token=token)


def new_invite(form: ImpressionForm, delegate: Delegate, now: datetime) -> ImpressionInvite:
    invite = ImpressionInvite(
        form_id=form.id, delegate_id=delegate.id, token_salt=secrets.token_hex(16), sent_at=now
    )
    invite.token_hash = hash_token(token_for(invite))
    return invite


def reminder_after() -> timedelta:
    value = current_app.config.get("IMPRESSION_REMINDER_AFTER", DEFAULT_REMINDER_AFTER)
    if isinstance(value, int | float):
        return timedelta(days=value)
    return value


# --- e-mails ---------------------------------------------------------------


def _locale(delegate: Delegate) -> str:
    languages = current_app.config["LANGUAGES"]
    return delegate.locale if delegate.locale in languages else languages[0]


def _queue(kind: str, key: str, invite: ImpressionInvite, delegate: Delegate) -> bool:
    form = invite.form
    subjects = {
        "invite": _l("Your impressions of %(title)s", title=content_lazy(form, "title")),
        "reminder": _l(
            "Reminder: your impressions of %(title)s", title=content_lazy(form, "title")
        ),
    }
    message = queue_email(
        key=key,
        recipient=delegate.email,
        subject=subjects["reminder" if kind == "reminder" else "invite"],
        template="impression_reminder" if kind == "reminder" else "impression_invite",
        locale=_locale(delegate),
        category="impressions",
        form=form,
        festival=form.festival,
        session=form.session,
        delegate=delegate,
        url=link_for(invite),
        closes_at=form.effective_closes_at,
    )
    return message is not None


def invite_attendees(form: ImpressionForm, now: datetime) -> int:
    """Invite every recipient of ``form`` not invited yet; returns how many.

    Each invite row is inserted under a savepoint: if another transaction
    took the (form, delegate) pair first, that one sends and this one skips.
    """
    invited = set(
        db.session.scalars(
            sa.select(ImpressionInvite.delegate_id).where(ImpressionInvite.form_id == form.id)
        )
    )
    count = 0
    for delegate in recipients_of(form):
        if delegate.id in invited:
            continue
        invite = new_invite(form, delegate, now)
        invite.form = form
        try:
            with db.session.begin_nested():
                db.session.add(invite)
        except sa.exc.IntegrityError:
            continue
        if _queue("invite", f"impressions:invite:{form.id}:{delegate.id}", invite, delegate):
            count += 1
    return count


def _claim(form_id: int, *, wait: bool) -> bool:
    """Lock the form row for this transaction; False when another worker has
    it (or sent it meanwhile). Only the id is selected: PostgreSQL refuses
    FOR UPDATE next to the form's aggregate column."""
    query = sa.select(ImpressionForm.id).where(ImpressionForm.id == form_id)
    if not wait:
        query = query.where(ImpressionForm.sent_at.is_(None))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=not wait)
    return db.session.scalar(query) is not None


# --- the worker's job -------------------------------------------------------


def _live_forms(now: datetime) -> list[ImpressionForm]:
    """Forms whose event is over and which may still be open, with their session."""
    oldest = now - timedelta(days=DEFAULT_OPEN_DAYS) - timedelta(minutes=MAX_DELAY_MINUTES)
    query = (
        sa.select(ImpressionForm)
        .outerjoin(ProgrammeSession, ProgrammeSession.id == ImpressionForm.session_id)
        .where(
            ImpressionForm.event_ends_at <= now,
            sa.or_(
                ImpressionForm.session_id.is_(None),
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            ),
            sa.or_(
                ImpressionForm.closes_at > now,
                sa.and_(ImpressionForm.closes_at.is_(None), ImpressionForm.event_ends_at > oldest),
            ),
        )
        .options(joinedload(ImpressionForm.session), joinedload(ImpressionForm.festival))
    )
    return [form for form in db.session.scalars(query) if not form.is_closed(now)]


def send_due_invitations() -> int:
    """One pass of the worker: first e-mails for forms now open, then reminders.

    Returns the number of e-mails queued.
    """
    now = utcnow()
    forms = _live_forms(now)
    count = 0
    for form in forms:
        if form.sent_at is not None or form.opens_at is None or form.opens_at > now:
            continue
        # One form's trouble (a broken address, say) must not hold back the rest.
        try:
            with db.session.begin_nested():
                if not _claim(form.id, wait=False):
                    continue
                count += invite_attendees(form, now)
                form.sent_at = now
        except Exception:
            log.exception("impressions: form %s not sent, will retry", form.id)
    reminded = [form.id for form in forms if form.sent_at is not None]
    count += send_reminders(reminded, now)
    return count


def send_reminders(form_ids: list[int], now: datetime) -> int:
    """One reminder to each invitee of these forms who has not answered."""
    if not form_ids:
        return 0
    answered = sa.exists().where(
        ImpressionResponse.form_id == ImpressionInvite.form_id,
        ImpressionResponse.delegate_id == ImpressionInvite.delegate_id,
    )
    query = sa.select(ImpressionInvite.id).where(
        ImpressionInvite.form_id.in_(form_ids),
        ImpressionInvite.sent_at <= now - reminder_after(),
        ImpressionInvite.reminded_at.is_(None),
        ~answered,
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    invite_ids = db.session.scalars(query).all()
    if not invite_ids:
        return 0
    invites = db.session.scalars(
        sa.select(ImpressionInvite)
        .where(ImpressionInvite.id.in_(invite_ids))
        .options(joinedload(ImpressionInvite.delegate))
    ).all()
    count = 0
    for invite in invites:
        invite.reminded_at = now
        if _queue("reminder", f"impressions:reminder:{invite.id}", invite, invite.delegate):
            count += 1
    return count


# --- by hand ----------------------------------------------------------------


def not_started_yet(form: ImpressionForm, now: datetime | None = None) -> datetime | None:
    """When the form's session (for the closing form: the festival's last
    session) starts, if it has not started by ``now``: sending then asks
    the organiser first. None when it has started (or there is none)."""
    if form.session_id is not None:
        starts_at = form.session.starts_at if form.session else None
    else:
        starts_at = db.session.scalar(
            sa.select(sa.func.max(ProgrammeSession.starts_at)).where(
                ProgrammeSession.festival_id == form.festival_id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            )
        )
    if starts_at is None or starts_at <= (now or utcnow()):
        return None
    return starts_at


def send_now(form: ImpressionForm, now: datetime | None = None) -> int:
    """An organiser sends the form now to every recipient not yet invited."""
    now = now or utcnow()
    if form.is_closed(now):
        raise ImpressionError(_("This form has closed: nothing can be sent any more."))
    _claim(form.id, wait=True)
    count = invite_attendees(form, now)
    if form.sent_at is None:
        form.sent_at = now
    return count


def resend(invite: ImpressionInvite, now: datetime | None = None) -> None:
    """Send one delegate their link again (an organiser asked)."""
    now = now or utcnow()
    if invite.form.is_closed(now):
        raise ImpressionError(_("This form has closed: nothing can be sent any more."))
    invite.resent_count += 1
    invite.resent_at = now
    key = f"impressions:resend:{invite.id}:{invite.resent_count}"
    _queue("invite", key, invite, invite.delegate)


def invites_query(form: ImpressionForm, q: str = "", answered: str = "") -> sa.Select:
    """The form's invites for the organiser's list, searchable by name, e-mail or city."""
    from festival.cities.models import City

    response = sa.orm.aliased(ImpressionResponse)
    delegate = contains_eager(ImpressionInvite.delegate)
    delegation = delegate.contains_eager(Delegate.delegation)
    query = (
        sa.select(ImpressionInvite)
        .join(Delegate, Delegate.id == ImpressionInvite.delegate_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .outerjoin(
            response,
            sa.and_(
                response.form_id == ImpressionInvite.form_id,
                response.delegate_id == ImpressionInvite.delegate_id,
            ),
        )
        .where(ImpressionInvite.form_id == form.id)
        .options(
            # The rows already joined, and of them only what the list shows
            # (a delegate's row is wide: passport, travel); raiseload guards the rest.
            delegate.load_only(
                Delegate.delegation_id,
                Delegate.full_name,
                Delegate.family_name,
                Delegate.given_names,
                Delegate.email,
                Delegate.locale,
                raiseload=True,
            ),
            delegation.load_only(Delegation.city_id, raiseload=True),
            delegation.contains_eager(Delegation.city).load_only(City.name, raiseload=True),
        )
        .order_by(*Delegate.name_ordering(), Delegate.id)
    )
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            sa.or_(
                Delegate.full_name.ilike(like),
                Delegate.native_name.ilike(like),
                Delegate.email.ilike(like),
                City.name.ilike(like),
            )
        )
    if answered == "yes":
        query = query.where(response.id.is_not(None))
    elif answered == "no":
        query = query.where(response.id.is_(None))
    return query


def invite_details(
    form: ImpressionForm, invites: list[ImpressionInvite]
) -> tuple[dict[int, ImpressionResponse], dict[str, int]]:
    """For a page of invites: {delegate id: response} and {outbox key: message id}
    (so organisers can open the very e-mail each one was sent). Two queries."""
    delegate_ids = [i.delegate_id for i in invites]
    responses = {
        r.delegate_id: r
        for r in db.session.scalars(
            sa.select(ImpressionResponse).where(
                ImpressionResponse.form_id == form.id,
                ImpressionResponse.delegate_id.in_(delegate_ids),
            )
        )
    }
    keys = [f"impressions:invite:{form.id}:{i.delegate_id}" for i in invites]
    keys += [f"impressions:reminder:{i.id}" for i in invites]
    messages = dict(
        db.session.execute(
            sa.select(OutboxMessage.key, OutboxMessage.id).where(OutboxMessage.key.in_(keys))
        ).all()
    )
    return responses, messages
