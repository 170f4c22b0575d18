"""Demo data for editions year after year (#16 items 5-7): last year's edition.

Runs after every other step. Last year's festival is made the way an
organiser would make next year's, from the current one ("new edition from
the last one", 52 weeks earlier); it gets its own invitations (most of the
same cities), delegations of some of them with their delegates, and their
answers to the closing impression form. Then it is purged with the purge
service, as its organisers would have done after it: its people are gone,
its counts remain. The current festival's cities list then reads "2nd time"
for the cities that came both years.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from festival.core.tokens import hash_token
from festival.delegations.purge import festival_delegate_ids, purge_batch
from festival.demo.people import person
from festival.editions.copying import copy_edition
from festival.editions.history import came_pairs
from festival.extensions import db
from festival.impressions.models import ImpressionForm, ImpressionInvite, ImpressionResponse
from festival.invitations.models import Invitation, InvitationStatus
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation
from festival.reports import services as reports

if TYPE_CHECKING:
    from festival.demo import DemoContext

S = InvitationStatus
# Last year's invitations: how they ended.
OUTCOMES = [(S.ACCEPTED, 0.62), (S.DECLINED, 0.18), (S.EXPIRED, 0.20)]
ROLES = [DelegateRole.MAYOR, DelegateRole.INTERPRETER, DelegateRole.OFFICIAL]
ANSWER_RATE = 0.55


LAST_YEAR_QUOTES = [
    "Our chefs came home with new friends and a notebook full of recipes.",
    "Une rencontre qui a changé notre façon de parler de la cuisine de notre ville.",
    "地域の食文化を世界の都市と分かち合えた、かけがえのない三日間でした。",
]


def seed(ctx: DemoContext) -> str:
    current = ctx.festival
    assert current is not None, "the festivals step runs first"
    year = current.starts_on.year - 1
    earlier = copy_edition(
        current,
        current.name.replace(str(current.starts_on.year), str(year)),
        f"gastronomy-{year}",
        current.starts_on - timedelta(weeks=52),
        current.ends_on - timedelta(weeks=52),
    )
    rng = ctx.rng
    invitations = list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.festival_id == earlier.id)
            .options(sa.orm.joinedload(Invitation.city))
            .order_by(Invitation.id)
        )
    )
    # Not every city of this year was invited last year.
    dropped = [i for i in invitations if rng.random() < 0.2]
    for invitation in dropped:
        db.session.delete(invitation)
    statuses, weights = zip(*OUTCOMES, strict=True)
    people: list[Delegate] = []
    for invitation in invitations:
        if invitation in dropped:
            continue
        status = rng.choices(statuses, weights)[0]
        invitation.status = status
        invitation.sent_at = invitation.deadline - timedelta(days=60)
        invitation.token_hash = hash_token(secrets.token_urlsafe(16))
        if status != S.ACCEPTED:
            continue
        invitation.responded_at = invitation.deadline - timedelta(days=20)
        group = Delegation(invitation=invitation, festival=earlier, city_id=invitation.city_id)
        db.session.add(group)
        for n in range(rng.choice([1, 2, 3, 3, 3])):
            who = person(rng, invitation.city.country_code)
            people.append(
                Delegate(
                    delegation=group,
                    is_head=n == 0,
                    full_name=who.full_name,
                    native_name=who.native_name,
                    email=f"delegate{len(people)}@last-year.example",
                    role=ROLES[n % len(ROLES)],
                    confirmed_role=ROLES[n % len(ROLES)],
                    status=DelegateStatus.CONFIRMED,
                    locale=invitation.city.preferred_language,
                )
            )
    db.session.add_all(people)
    db.session.flush()
    closing = db.session.scalar(
        sa.select(ImpressionForm).where(
            ImpressionForm.festival_id == earlier.id, ImpressionForm.session_id.is_(None)
        )
    )
    # Every form of last year went out then: the worker has nothing to send.
    db.session.execute(
        sa.update(ImpressionForm)
        .where(ImpressionForm.festival_id == earlier.id)
        .values(sent_at=ctx.now - timedelta(weeks=50))
    )
    answers = 0
    if closing is not None:
        for delegate in people:
            db.session.add(
                ImpressionInvite(
                    form=closing,
                    delegate=delegate,
                    token_hash=hash_token(secrets.token_urlsafe(16)),
                    token_salt=secrets.token_hex(8),
                    sent_at=ctx.now - timedelta(weeks=50),
                )
            )
            if rng.random() < ANSWER_RATE:
                answers += 1
                response = ImpressionResponse(
                    form=closing, delegate=delegate, answers={}, rating=rng.randint(3, 5)
                )
                if answers <= len(LAST_YEAR_QUOTES):
                    # A few agreed to be quoted: last year's published report.
                    response.quote = LAST_YEAR_QUOTES[answers - 1]
                    response.consent_to_quote = response.in_report = True
                    response.report_position = answers
                db.session.add(response)
    db.session.flush()
    earlier.report_introduction = (
        "Last year's edition in the words of its guests, published after the festival."
    )
    published = reports.publish(earlier, ctx.now - timedelta(weeks=48))
    # The purge keeps what was published: the report stays readable.
    ids, _already = festival_delegate_ids(earlier)
    purge_batch(ids, ctx.now)
    both = _came_both_years(current.id, earlier.id)
    ctx.note(
        f"Last year's edition: /organiser/festivals/{earlier.slug}/ (purged; its report, "
        f"{len(published.quotes)} quotes, at /festivals/{earlier.slug}/report); "
        f"{both} cities came both years (the cities list says “2nd time”)."
    )
    return (
        f"1 earlier edition, {len(invitations) - len(dropped)} invitations, "
        f"{len(people)} delegates (purged), {answers} answers"
    )


def _came_both_years(current_id: int, earlier_id: int) -> int:
    came = came_pairs().subquery()
    per_city = (
        sa.select(came.c.city_id)
        .where(came.c.festival_id.in_([current_id, earlier_id]))
        .group_by(came.c.city_id)
        .having(sa.func.count() == 2)
        .subquery()
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(per_city)) or 0
