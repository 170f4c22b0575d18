"""Organisers review registrations: the lists, and confirm or decline.

Lists are built as a few fixed queries (count, page, aggregates for the
page), so a page costs the same for 10 delegates or 5,000. Services do not
commit: the view does, and the e-mails queued here leave with that commit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, selectinload

from festival.cities.models import City, CityKind
from festival.core import memo
from festival.core.content import lazy as content_lazy
from festival.core.limits import row_id
from festival.core.search import ESCAPE, contains
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.delegations.roles import waiting_for_organisers
from festival.extensions import db
from festival.festivals.models import Festival
from festival.outbox.services import queue_email
from festival.protocol import precedence
from festival.registration import names
from festival.registration.models import (
    ACTIVE_STATUSES,
    Delegate,
    DelegateRole,
    DelegateStatus,
    Delegation,
)


class DecisionError(Exception):
    """A confirm or decline that cannot happen (e.g. the delegate cancelled)."""


# -- filters -------------------------------------------------------------------


@dataclass(frozen=True)
class DelegateFilters:
    """What the organiser typed and picked above the list of delegates."""

    q: str = ""
    city: int | None = None
    country: str = ""
    role: str = ""
    status: str = ""
    deletion: bool = False  # only people who asked for their data to be deleted

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> DelegateFilters:
        """Parse the query string; a value that makes no sense is ignored."""
        city = args.get("city", "")
        role = args.get("role", "")
        status = args.get("status", "")
        return cls(
            q=args.get("q", "").strip()[:200],
            city=row_id(city),
            country=args.get("country", "").strip().upper()[:2],
            role=role if role in {r.value for r in DelegateRole} else "",
            status=status if status in {s.value for s in DelegateStatus} else "",
            deletion=args.get("deletion") == "1",
        )

    @property
    def active(self) -> bool:
        return bool(
            self.q or self.city or self.country or self.role or self.status or self.deletion
        )

    def query_args(self) -> dict[str, str | int]:
        """The filters as query-string arguments (only those given)."""
        args: dict[str, str | int | None] = {
            "q": self.q,
            "city": self.city,
            "country": self.country,
            "role": self.role,
            "status": self.status,
            "deletion": "1" if self.deletion else None,
        }
        return {key: value for key, value in args.items() if value}


def delegates_query(
    festival: Festival,
    filters: DelegateFilters,
    stamps: precedence.RankStamps | None = None,
) -> sa.Select:
    """The festival's delegates, filtered, each with its delegation and city
    loaded (``stamps``: the precedence stamps, when the caller read them)."""
    query = (
        precedence.with_ranks(sa.select(Delegate).join(Delegate.delegation).join(Delegation.city))
        .where(Delegation.festival_id == festival.id)
        .options(contains_eager(Delegate.delegation).contains_eager(Delegation.city))
        # Order of precedence first (festival.protocol), then as before.
        .order_by(
            precedence.rank_order_by(festival, stamps),
            City.name,
            Delegation.id,
            Delegate.is_head.desc(),
            Delegate.id,
        )
    )
    if filters.q:
        like = contains(filters.q)
        query = query.where(
            sa.or_(
                Delegate.full_name.ilike(like, escape=ESCAPE),
                Delegate.native_name.ilike(like, escape=ESCAPE),
                Delegate.email.ilike(like, escape=ESCAPE),
                City.name.ilike(like, escape=ESCAPE),
            )
        )
    if filters.city:
        query = query.where(City.id == filters.city)
    if filters.country:
        query = query.where(City.country_code == filters.country)
    if filters.role:
        # The role as confirmed: a mere proposal does not list someone as mayor.
        query = query.where(Delegate.shown_role == filters.role)
    if filters.status:
        query = query.where(Delegate.status == filters.status)
    if filters.deletion:
        query = query.where(
            Delegate.deletion_requested_at.is_not(None), Delegate.anonymised_at.is_(None)
        )
    return query


def delegations_query(
    festival: Festival, q: str = "", country: str = "", kind: str = "", ordered: bool = True
) -> sa.Select:
    """The festival's delegations by precedence (their best-ranked person),
    then city name, with city and invitation loaded (``kind``: only those of
    cities, organisations, the press or speakers). ``ordered=False``: in no
    order (nor a look at the ranks), for rows picked by id from a kept
    order (:func:`delegation_order`)."""
    query = (
        sa.select(Delegation)
        .join(Delegation.city)
        .join(Delegation.invitation)
        .where(Delegation.festival_id == festival.id)
        .options(contains_eager(Delegation.city), contains_eager(Delegation.invitation))
    )
    if ordered:
        query = query.order_by(precedence.delegation_order_by(festival), City.name, Delegation.id)
    if q:
        like = contains(q)
        heads = sa.select(Delegate.delegation_id).where(
            sa.or_(
                Delegate.full_name.ilike(like, escape=ESCAPE),
                Delegate.native_name.ilike(like, escape=ESCAPE),
                Delegate.email.ilike(like, escape=ESCAPE),
            )
        )
        query = query.where(sa.or_(City.name.ilike(like, escape=ESCAPE), Delegation.id.in_(heads)))
    if country:
        query = query.where(City.country_code == country.upper()[:2])
    if kind in {k.value for k in CityKind}:
        query = query.where(City.kind == kind)
    return query


@dataclass
class DelegationSummary:
    """Counts for one delegation's row in the list."""

    total: int = 0
    pending: int = 0
    confirmed: int = 0
    other: int = 0  # declined or cancelled
    accompanying: int = 0  # active accompanying persons, outside the quota
    first_arrival: datetime | None = None
    head_id: int | None = None
    head_name: str | None = None


def delegation_summaries(ids: Iterable[int]) -> dict[int, DelegationSummary]:
    """Aggregates for the given delegations: two queries whatever their number."""
    ids = list(ids)
    summaries = {i: DelegationSummary() for i in ids}
    if not ids:
        return summaries
    status = Delegate.status
    rows = db.session.execute(
        sa.select(
            Delegate.delegation_id,
            sa.func.count(),
            sa.func.sum(sa.case((status == DelegateStatus.PENDING, 1), else_=0)),
            sa.func.sum(sa.case((status == DelegateStatus.CONFIRMED, 1), else_=0)),
            sa.func.min(Delegate.arrival_at),
            sa.func.sum(
                sa.case(
                    (sa.and_(Delegate.is_accompanying, status.in_(ACTIVE_STATUSES)), 1), else_=0
                )
            ),
        )
        .where(Delegate.delegation_id.in_(ids))
        .group_by(Delegate.delegation_id)
    )
    for delegation_id, total, pending, confirmed, first_arrival, accompanying in rows:
        summary = summaries[delegation_id]
        summary.total, summary.pending, summary.confirmed = total, pending or 0, confirmed or 0
        summary.other = total - summary.pending - summary.confirmed
        summary.first_arrival = first_arrival  # min() keeps the column's UTC type
        summary.accompanying = accompanying or 0
    heads = db.session.execute(
        sa.select(
            Delegate.delegation_id,
            Delegate.id,
            Delegate.full_name,
            Delegate.family_name,
            Delegate.given_names,
        ).where(Delegate.delegation_id.in_(ids), Delegate.is_head.is_(True))
    )
    for delegation_id, head_id, full_name, family, given in heads:
        summaries[delegation_id].head_id = head_id
        summaries[delegation_id].head_name = names.list_name(
            names.NameParts(full_name, family, given)
        )
    return summaries


# The version stamps of a few festivals, each with its counts or its order.
MEMO_ENTRIES = 16


def status_counts(festival: Festival, stamp: str | None = None) -> dict[str, int]:
    """How many of the festival's delegates are in each status, how many
    asked for their data to be deleted (and still wait), and how many changes
    of role wait for the organisers: one query.

    ``stamp``: the precedence stamp (:func:`precedence.rank_stamps`), read
    by the caller. Every count is of columns of the festival's delegates,
    which that stamp follows (their number, ids and latest change), so the
    counts are kept per stamp and a repeat view runs no query for them.
    """
    if stamp is not None:
        return memo.cached(
            "delegate-status-counts",
            (festival.id, stamp),
            lambda: status_counts(festival),
            max_entries=MEMO_ENTRIES,
        )
    waiting = sa.and_(Delegate.deletion_requested_at.is_not(None), Delegate.anonymised_at.is_(None))
    rows = db.session.execute(
        sa.select(
            Delegate.status,
            sa.func.count(),
            sa.func.sum(sa.case((waiting, 1), else_=0)),
            sa.func.sum(sa.case((waiting_for_organisers(), 1), else_=0)),
        )
        .join(Delegate.delegation)
        .where(Delegation.festival_id == festival.id)
        .group_by(Delegate.status)
    )
    counts = {s.value: 0 for s in DelegateStatus}
    counts["deletion_requests"] = counts["role_changes"] = 0
    for status, n, deletions, role_changes in rows:
        counts[DelegateStatus(status).value] = n
        counts["deletion_requests"] += deletions or 0
        counts["role_changes"] += role_changes or 0
    return counts


def delegate_order(query: sa.Select, festival: Festival, stamp: str) -> list[int]:
    """The ids of the unfiltered list of delegates (``query``, from
    :func:`delegates_query` with no filter), in its order, kept per
    precedence ``stamp``: the order is precedence, then city name,
    delegation and head of delegation, all of which that stamp follows.
    Sorting the festival's delegates was the list's longest query (8 ms at
    ten times the scale); a repeat view picks its page from this list."""
    return memo.cached(
        "delegate-order",
        (festival.id, stamp),
        lambda: list(db.session.scalars(query.with_only_columns(Delegate.id))),
        max_entries=MEMO_ENTRIES,
    )


def delegate_rows(
    festival: Festival,
    stamps: precedence.RankStamps,
    shown: tuple[int, ...],
    filtered: bool,
    render: Callable[[], str],
) -> str:
    """The HTML rows of a page of the delegate list showing ``shown`` (ids,
    in order), as ``render()`` makes them, kept per version of what they
    show: the people and their cities (``stamps``, read by the caller), their
    delegations, the festival (its zone for arrival times, its address in
    the links) and the language."""
    key = (
        festival.id,
        festival.updated_at,
        stamps.current,
        stamps.delegations_changed,
        shown,
        filtered,  # an empty page says "no match" rather than "nobody yet"
        str(get_locale()),
    )
    return memo.cached("delegate-rows", key, render, max_entries=4 * MEMO_ENTRIES)


def delegations_stamp(festival: Festival) -> tuple[object, ...]:
    """What the list of delegations' order and choices depend on besides
    the people (the precedence stamp follows those), in one query: a
    delegation added, removed or changed, a city renamed or moved (an
    accepted invitation's delegation may have nobody yet)."""
    row = db.session.execute(
        sa.select(
            *memo.version_columns(Delegation),
            sa.func.max(City.updated_at),
        )
        .join(City, Delegation.city_id == City.id)
        .where(Delegation.festival_id == festival.id)
    ).one()
    return (festival.id, *row)


def delegation_order(festival: Festival, stamp: Hashable) -> list[int]:
    """The ids of the unfiltered list of delegations, in its order (see
    :func:`delegations_query`), kept per ``stamp``: the precedence stamp
    and :func:`delegations_stamp`, which follow everything the order reads.
    Sorting every delegation by its best-ranked person was the list's
    longest query (14 ms at ten times the scale)."""
    return memo.cached(
        "delegation-order",
        (festival.id, stamp),
        lambda: list(
            db.session.scalars(delegations_query(festival).with_only_columns(Delegation.id))
        ),
        max_entries=MEMO_ENTRIES,
    )


def filter_choices_stamp(festival: Festival) -> tuple[object, ...]:
    """What :func:`filter_choices` depends on, in one small aggregate query:
    a delegation added or removed, a city renamed or moved."""
    row = db.session.execute(
        sa.select(
            sa.func.count(Delegation.id),
            sa.func.coalesce(sa.func.sum(Delegation.id), 0),
            sa.func.max(City.updated_at),
        )
        .join(City, Delegation.city_id == City.id)
        .where(Delegation.festival_id == festival.id)
    ).one()
    return (festival.id, *row)


def filter_choices(festival: Festival) -> tuple[list[tuple[int, str]], list[str]]:
    """The cities and countries that have a delegation at this festival."""
    rows = db.session.execute(
        sa.select(City.id, City.name, City.country_code)
        .join(Delegation, Delegation.city_id == City.id)
        .where(Delegation.festival_id == festival.id)
        .order_by(City.name)
        .distinct()
    ).all()
    cities = [(r[0], r[1]) for r in rows]
    countries = sorted({r[2] for r in rows})
    return cities, countries


# -- loading one -------------------------------------------------------------


def delegate_or_404(festival: Festival, delegate_id: int) -> Delegate:
    """The delegate, if they belong to this festival; else 404."""
    delegate = db.session.scalar(
        sa.select(Delegate)
        .join(Delegate.delegation)
        .join(Delegation.city)
        .where(Delegate.id == delegate_id, Delegation.festival_id == festival.id)
        .options(contains_eager(Delegate.delegation).contains_eager(Delegation.city))
    )
    if delegate is None:
        abort(404)
    return delegate


def delegation_or_404(festival: Festival, delegation_id: int) -> Delegation:
    """The delegation with its city, invitation and people; else 404."""
    delegation = db.session.scalar(
        sa.select(Delegation)
        .join(Delegation.city)
        .join(Delegation.invitation)
        .where(Delegation.id == delegation_id, Delegation.festival_id == festival.id)
        .options(
            contains_eager(Delegation.city),
            contains_eager(Delegation.invitation),
            selectinload(Delegation.delegates),
        )
    )
    if delegation is None:
        abort(404)
    return delegation


# -- decisions -----------------------------------------------------------------


def _tell(delegate: Delegate, festival: Festival) -> None:
    """E-mail the delegate their new status, in their language."""
    status = delegate.status.value
    subjects = {
        "confirmed": _l(
            "Your registration for %(festival)s is confirmed",
            festival=content_lazy(festival, "name"),
        ),
        "declined": _l(
            "Your registration for %(festival)s", festival=content_lazy(festival, "name")
        ),
    }
    queue_email(
        # One message per decision: a later change of mind is a new message,
        # a double-submitted form is not (the status did not change).
        key=f"delegate-status:{delegate.id}:{status}:{utcnow().isoformat()}",
        recipient=delegate.email,
        subject=subjects[status],
        template=f"delegate_status_{status}",
        locale=delegate.locale or "en",
        category="registration",
        delegate=delegate,
        festival=festival,
        reason=delegate.status_reason,
        sign_in_url=external_url("auth.request_login_link"),
    )


def confirm(delegate: Delegate, festival: Festival, message: str | None = None) -> bool:
    """Confirm a registration, and with it the role it declares (the one that
    opens restricted sessions), and tell the delegate; False if already confirmed."""
    if delegate.anonymised_at is not None or delegate.status == DelegateStatus.CANCELLED:
        raise DecisionError(delegate.status)
    if delegate.status == DelegateStatus.CONFIRMED:
        return False
    delegate.status = DelegateStatus.CONFIRMED
    delegate.confirmed_role, delegate.role_proposed_at = delegate.role, None
    delegate.status_reason = (message or "").strip() or None
    _tell(delegate, festival)
    return True


def decline(delegate: Delegate, festival: Festival, reason: str) -> bool:
    """Decline a registration with a reason and tell the delegate."""
    if delegate.anonymised_at is not None or delegate.status == DelegateStatus.CANCELLED:
        raise DecisionError(delegate.status)
    reason = reason.strip()
    if delegate.status == DelegateStatus.DECLINED and delegate.status_reason == reason:
        return False
    delegate.status = DelegateStatus.DECLINED
    delegate.status_reason = reason
    _tell(delegate, festival)
    return True


def bulk_confirm(festival: Festival, ids: Iterable[int]) -> int:
    """Confirm the pending delegates among ``ids`` (of this festival only)."""
    ids = list(ids)[:1000]
    if not ids:
        return 0
    delegates = db.session.scalars(
        sa.select(Delegate)
        .join(Delegate.delegation)
        .where(
            Delegate.id.in_(ids),
            Delegation.festival_id == festival.id,
            Delegate.status == DelegateStatus.PENDING,
            Delegate.anonymised_at.is_(None),
        )
        .options(contains_eager(Delegate.delegation))
    ).all()
    for delegate in delegates:
        confirm(delegate, festival)
    return len(delegates)


def anonymise(delegate: Delegate, festival: Festival) -> None:
    """Remove one person's personal data now, and confirm it to them by e-mail.

    The e-mail goes to the address they had, queued after the wipe (which
    blanks the older messages to it) so the confirmation itself survives.
    """
    from festival.delegations.purge import purge_batch

    address, locale, name = delegate.email, delegate.locale or "en", delegate.display_name
    purge_batch([delegate.id], utcnow())
    db.session.expire(delegate)
    queue_email(
        key=f"delegate-data-deleted:{delegate.id}",
        recipient=address,
        subject=_l(
            "Your personal data for %(festival)s was deleted",
            festival=content_lazy(festival, "name"),
        ),
        template="delegate_data_deleted",
        locale=locale,
        category="privacy",
        name=name,
        festival=festival,
    )
