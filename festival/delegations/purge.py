"""``flask purge-personal-data``: anonymise a festival's delegates once it is over.

Kept: each delegate row with its role, city (through the delegation), status
and attendance, so counts still add up, and the quotes published in the
festival's report (a copy made when publishing, signed as published).
Removed: the quotes not published and every free-text impression, names,
passport data, the history of changes, e-mail (a unique address that cannot
receive mail takes its place), phone, needs, travel, rooming, and the
sign-in account where it served only this festival. E-mails already in the
outbox for these people are blanked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from festival.auth.models import LoginLink, User, UserRole
from festival.core.dml import rowcount
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionQuestion, ImpressionResponse, QuestionKind
from festival.outbox.models import OutboxMessage, OutboxStatus
from festival.registration.models import Delegate, DelegateChange, Delegation

BATCH = 500
PLACEHOLDER_DOMAIN = "anonymised.invalid"  # .invalid never resolves (RFC 2606)
ANONYMISED_NAME = "Anonymised delegate"


@dataclass
class PurgeResult:
    delegates: int = 0
    already: int = 0
    accounts: int = 0
    emails: int = 0


def _anonymised_values(now: datetime) -> dict[str, object]:
    """The columns a purge blanks, and what they become."""
    return {
        "full_name": ANONYMISED_NAME,
        "native_name": None,
        "title": None,
        "family_name": None,
        "given_names": None,
        "romanisation": None,
        "address_form": None,
        "nationality": None,
        "passport_number": None,
        "date_of_birth": None,
        "passport_expires_on": None,
        "position": "",
        "email": sa.literal("delegate-")
        + sa.cast(Delegate.id, sa.String)
        + sa.literal("@" + PLACEHOLDER_DOMAIN),
        "phone": None,
        "dietary": [],
        "dietary_other": None,
        "allergens": [],
        "allergens_other": None,
        "accessibility": None,
        "arrival_at": None,
        "arrival_flight": None,
        "arrival_airport": None,
        "departure_at": None,
        "departure_flight": None,
        "departure_airport": None,
        "shares_room_with": None,
        "check_in_on": None,
        "check_out_on": None,
        "hotel": None,
        "status_reason": None,
        "anonymised_at": now,
        "updated_at": now,
    }


def _optional_columns() -> dict[str, object]:
    """Columns other domains may add to delegates: blanked when present."""
    columns = Delegate.__table__.c
    values: dict[str, object] = {}
    if "deletion_reason" in columns:
        values["deletion_reason"] = None
    return values


# What an outbox message about an anonymised person becomes. One still
# waiting is never sent now: it has nothing left to say.
_BLANK = {
    "subject": "",
    "text_body": "",
    "html_body": "",
    "status": sa.case(
        (OutboxMessage.status == OutboxStatus.PENDING, OutboxStatus.FAILED.value),
        else_=OutboxMessage.status,
    ),
    "last_error": sa.case(
        (OutboxMessage.status == OutboxStatus.PENDING, "personal data removed"),
        else_=None,
    ),
}


def purge_batch(ids: list[int], now: datetime) -> tuple[int, int]:
    """Anonymise the delegates ``ids``; returns (accounts closed, e-mails blanked)."""
    old_emails = list(db.session.scalars(sa.select(Delegate.email).where(Delegate.id.in_(ids))))
    # The organisers' copies of these people's deletion requests name them too.
    requested = list(
        db.session.scalars(
            sa.select(Delegate.id).where(
                Delegate.id.in_(ids), Delegate.deletion_requested_at.is_not(None)
            )
        )
    )
    user_ids = [
        user_id
        for user_id in db.session.scalars(
            sa.select(Delegate.user_id).where(Delegate.id.in_(ids), Delegate.user_id.is_not(None))
        )
        if user_id is not None
    ]
    values = {**_anonymised_values(now), **_optional_columns()}
    # A new feed secret revokes the personal calendar link: random per batch,
    # made unique per row by the id.
    values["feed_secret"] = sa.func.substr(
        sa.literal(secrets.token_hex(8)) + sa.cast(Delegate.id, sa.String) + sa.literal("x" * 32),
        1,
        32,
    )
    db.session.execute(
        sa.update(Delegate).where(Delegate.id.in_(ids)).values(values),
        execution_options={"synchronize_session": False},
    )
    # The history holds old and new values of the same personal data.
    db.session.execute(
        sa.delete(DelegateChange).where(DelegateChange.delegate_id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    _forget_written_answers(ids)
    accounts = _close_accounts(user_ids)
    emails = 0
    if old_emails:
        emails = rowcount(
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.recipient.in_(old_emails))
                .values(recipient="removed@" + PLACEHOLDER_DOMAIN, **_BLANK),
                execution_options={"synchronize_session": False},
            )
        )
    if requested:
        # Key format of festival.registration.services.request_deletion.
        prefixes = [f"registration-deletion-request:{i}:" for i in requested]
        emails += rowcount(
            db.session.execute(
                sa.update(OutboxMessage)
                .where(sa.or_(*(OutboxMessage.key.startswith(p) for p in prefixes)))
                .values(**_BLANK),
                execution_options={"synchronize_session": False},
            )
        )
    return accounts, emails


def _forget_written_answers(ids: list[int]) -> None:
    """The delegates' impressions in their own words: the quote offered for
    the report and every free-text answer. Ratings and choices stay (the
    results' counts); a quote already published stays in its publication,
    a copy (festival.reports), as the consent text says."""
    responses = list(
        db.session.scalars(
            sa.select(ImpressionResponse).where(ImpressionResponse.delegate_id.in_(ids))
        )
    )
    if not responses:
        return
    text_ids = {
        str(i)
        for i in db.session.scalars(
            sa.select(ImpressionQuestion.id).where(
                ImpressionQuestion.form_id.in_({r.form_id for r in responses}),
                ImpressionQuestion.kind == QuestionKind.TEXT,
            )
        )
    }
    for response in responses:
        response.answers = {k: v for k, v in (response.answers or {}).items() if k not in text_ids}
        response.quote = ""
        response.consent_to_quote = False
        response.in_report = False
        response.report_position = None
    db.session.flush()


def _close_accounts(user_ids: list[int]) -> int:
    """Anonymise the delegates' sign-in accounts that serve no other festival."""
    if not user_ids:
        return 0
    still_needed = sa.select(Delegate.user_id).where(
        Delegate.user_id.in_(user_ids), Delegate.anonymised_at.is_(None)
    )
    closable = list(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(user_ids),
                User.role == UserRole.DELEGATE,
                User.id.not_in(still_needed),
            )
        )
    )
    if not closable:
        return 0
    db.session.execute(sa.delete(LoginLink).where(LoginLink.user_id.in_(closable)))
    db.session.execute(
        sa.update(User)
        .where(User.id.in_(closable))
        .values(
            email=sa.literal("user-") + sa.cast(User.id, sa.String) + "@" + PLACEHOLDER_DOMAIN,
            password_hash=None,
            locale=None,
            is_active_flag=False,
            # A new nonce ends every session cookie the person still has.
            session_nonce=sa.func.substr(
                sa.literal(secrets.token_hex(8)) + sa.cast(User.id, sa.String) + "0" * 32, 1, 32
            ),
        ),
        execution_options={"synchronize_session": False},
    )
    return len(closable)


def festival_delegate_ids(festival: Festival) -> tuple[list[int], int]:
    """(ids still to anonymise, how many were anonymised before)."""
    rows = db.session.execute(
        sa.select(Delegate.id, Delegate.anonymised_at)
        .join(Delegation, Delegate.delegation_id == Delegation.id)
        .where(Delegation.festival_id == festival.id)
        .order_by(Delegate.id)
    ).all()
    return [r[0] for r in rows if r[1] is None], sum(1 for r in rows if r[1] is not None)


@click.command("purge-personal-data")
@click.option("--festival", "slug", required=True, help="The festival's slug.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option(
    "--before-end",
    is_flag=True,
    help="Purge even though the festival has not ended yet.",
)
@with_appcontext
def purge_personal_data(slug: str, yes: bool, before_end: bool) -> None:
    """Anonymise every delegate of a festival (keeps counts and impressions)."""
    festival = db.session.scalar(sa.select(Festival).where(Festival.slug == slug))
    if festival is None:
        raise click.ClickException(f"No festival with the slug {slug!r}.")
    today = datetime.now(festival.tz).date()
    if festival.ends_on >= today and not before_end:
        raise click.ClickException(
            f"{festival.name} ends on {festival.ends_on.isoformat()}: its delegates' data is "
            "still needed. Run again after that day, or add --before-end."
        )
    ids, already = festival_delegate_ids(festival)
    if not ids:
        click.echo(f"Nothing to do: the {already} delegates of {festival.name} are anonymised.")
        return
    click.echo(
        f"This removes the names, e-mails, phones, needs, travel and rooms of {len(ids)} "
        f"delegates of {festival.name}. Roles, cities, statuses, attendance and published "
        "impressions are kept. It cannot be undone."
    )
    if not yes:
        click.confirm("Anonymise them now?", abort=True)
    result = PurgeResult(already=already)
    now = utcnow()
    with click.progressbar(length=len(ids), label="Anonymising", show_pos=True) as bar:
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            accounts, emails = purge_batch(batch, now)
            result.delegates += len(batch)
            result.accounts += accounts
            result.emails += emails
            bar.update(len(batch))
    db.session.commit()
    click.echo(
        f"Anonymised {result.delegates} delegates of {festival.name}"
        + (f" ({result.already} were already)" if result.already else "")
        + f"; closed {result.accounts} sign-in accounts; blanked {result.emails} e-mails "
        "in the outbox."
    )
    click.echo("Kept: roles, cities, statuses, attendance and published impressions.")
