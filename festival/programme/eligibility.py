"""Who may attend which session: the one place the audience rules live.

A public or all-delegates session is open to every active delegate; a
mayors' session to mayors and deputy mayors only, as an organiser confirmed
them (``Delegate.is_confirmed_mayor``: what a delegate typed opens nothing);
an invited-list session to the delegations on its list. Feeds, itineraries, enrolment and impression
forms all ask here, so a non-mayor never sees the Mayors' Forum anywhere.

An accompanying person (a spouse, an assistant) may attend only the partner
programme (sessions marked ``open_to_accompanying``), on top of the rules
above, and is never a confirmed mayor (``Delegate.is_confirmed_mayor``): a
mayors' session stays closed to them even if an organiser marked it open.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from festival.programme.models import (
    Audience,
    ProgrammeSession,
    session_invited_delegations,
)
from festival.registration.models import Delegate, DelegateStatus, Delegation

ACTIVE_STATUSES = (DelegateStatus.PENDING, DelegateStatus.CONFIRMED)


def may_attend(session: ProgrammeSession, delegate: Delegate) -> bool:
    """Whether ``delegate`` may see and enrol in ``session`` (loads the invited list)."""
    if delegate.status not in ACTIVE_STATUSES:
        return False
    if session.festival_id != delegate.delegation.festival_id:
        return False
    if delegate.is_accompanying and not session.open_to_accompanying:
        return False
    if session.audience in (Audience.PUBLIC, Audience.DELEGATES):
        return True
    if session.audience == Audience.MAYORS:
        return delegate.is_confirmed_mayor
    return any(d.id == delegate.delegation_id for d in session.invited_delegations)


def visible_to(delegate: Delegate) -> ColumnElement[bool]:
    """A WHERE clause on ProgrammeSession: the sessions ``delegate`` may attend.

    Combine it with ``ProgrammeSession.festival_id == ...`` in a query.
    """
    if delegate.status not in ACTIVE_STATUSES:
        return sa.false()
    return _visible(delegate.delegation_id, delegate.is_confirmed_mayor, delegate.is_accompanying)


def visible_to_bound(mayor: bool, accompanying: bool = False) -> ColumnElement[bool]:
    """:func:`visible_to` for any active delegate of this kind (a confirmed
    mayor or not, accompanying or not), their delegation a bound parameter
    ``delegation_id``: a statement built once and run for each delegate with
    its own value."""
    return _visible(sa.bindparam("delegation_id", type_=sa.Integer), mayor, accompanying)


def _visible(delegation_id: Any, mayor: bool, accompanying: bool) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [
        ProgrammeSession.audience.in_([Audience.PUBLIC, Audience.DELEGATES]),
        sa.and_(
            ProgrammeSession.audience == Audience.INVITED,
            ProgrammeSession.id.in_(
                sa.select(session_invited_delegations.c.session_id).where(
                    session_invited_delegations.c.delegation_id == delegation_id
                )
            ),
        ),
    ]
    if mayor and not accompanying:
        conditions.append(ProgrammeSession.audience == Audience.MAYORS)
    if accompanying:
        return sa.and_(ProgrammeSession.open_to_accompanying.is_(True), sa.or_(*conditions))
    return sa.or_(*conditions)


def attendable_by_joined_delegate() -> ColumnElement[bool]:
    """The same rules as :func:`visible_to`, for many delegates in one query.

    A WHERE clause on ProgrammeSession joined with Delegate (and Delegation):
    true where the joined delegate may attend the joined session. Used where
    a page lists the sessions of many delegates at once (itineraries).
    """
    return sa.and_(
        Delegate.status.in_(ACTIVE_STATUSES),
        ProgrammeSession.festival_id == Delegation.festival_id,
        _audience_admits(ProgrammeSession.__table__.c),
    )


def allowed_in_session(session: Any = None, delegation_joined: bool = False) -> ColumnElement[bool]:
    """SQL twin of :func:`may_attend` for rows that have a session (the
    sessions table, or any FROM with its ``id``, ``festival_id``,
    ``audience`` and ``open_to_accompanying`` columns) and a Delegate,
    without joining Delegation (or, with ``delegation_joined``, with the
    delegate's Delegation joined).

    ``visible_to`` is per delegate; attendance's bulk queries need the rule
    per (session, delegate) pair. tests/test_attendance_rule.py checks that
    both agree on every audience.
    """
    s = (session if session is not None else ProgrammeSession.__table__).c
    # The festival check looks the delegation up by primary key rather than
    # joining on festival_id, which would invite pairing every session with
    # every delegation.
    delegation_festival: sa.ColumnExpressionArgument[int] = (
        sa.select(Delegation.festival_id)
        .where(Delegation.id == Delegate.delegation_id)
        .scalar_subquery()
    )
    if delegation_joined:
        # The joined row's column instead: the planner ran that subquery once
        # per delegate it hashed (40 ms at 5,000 delegates, 11 ms joined).
        delegation_festival = Delegation.festival_id
    return sa.and_(
        Delegate.status.in_(ACTIVE_STATUSES),
        s.festival_id == delegation_festival,
        _audience_admits(s),
    )


def _audience_admits(s: Any) -> ColumnElement[bool]:
    """The audience part of the rules, for the session columns ``s`` and the
    Delegate in the same query."""
    audience = sa.or_(
        s.audience.in_([Audience.PUBLIC, Audience.DELEGATES]),
        sa.and_(s.audience == Audience.MAYORS, Delegate.is_confirmed_mayor),
        sa.and_(
            s.audience == Audience.INVITED,
            sa.exists().where(
                session_invited_delegations.c.session_id == s.id,
                session_invited_delegations.c.delegation_id == Delegate.delegation_id,
            ),
        ),
    )
    # An accompanying person: the partner programme only.
    partner = sa.or_(Delegate.is_accompanying.is_(False), s.open_to_accompanying.is_(True))
    return sa.and_(audience, partner)
