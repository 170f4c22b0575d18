"""Interpretation per session: the host's interpreters, their assignment to
sessions, and each session's coverage in a fixed number of queries (the rule
itself is in :mod:`festival.interpretation.coverage`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.interpretation.coverage import (
    Attendee,
    Coverage,
    OwnInterpreter,
    interpreters_by_delegation,
    norm,
    session_coverage,
)
from festival.programme.eligibility import ACTIVE_STATUSES, allowed_in_session
from festival.programme.models import (
    Attendance,
    Audience,
    HostInterpreter,
    ProgrammeSession,
    SessionStatus,
    session_interpreters,
)
from festival.registration import names
from festival.registration.models import Delegate, DelegateRole, Delegation


class InterpretationError(Exception):
    """A rule the input breaks; ``field`` names the form field to show it at."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# -- the host's interpreters ------------------------------------------------------


def host_interpreters(festival: Festival) -> list[HostInterpreter]:
    """The festival's own interpreters, by name."""
    return list(
        db.session.scalars(
            sa.select(HostInterpreter)
            .where(HostInterpreter.festival_id == festival.id)
            .order_by(HostInterpreter.name, HostInterpreter.id)
        )
    )


def add_host_interpreter(
    festival: Festival, name: str, languages: Sequence[str]
) -> HostInterpreter:
    """A new host interpreter; two of the same name in a festival are refused."""
    name = " ".join(name.split())
    taken = db.session.scalar(
        sa.select(HostInterpreter.id).where(
            HostInterpreter.festival_id == festival.id, HostInterpreter.name == name
        )
    )
    if taken is not None:
        raise InterpretationError("taken", field="name")
    interpreter = HostInterpreter(festival_id=festival.id, name=name, languages=norm(languages))
    db.session.add(interpreter)
    db.session.flush()
    return interpreter


def assign(session: ProgrammeSession, interpreter: HostInterpreter) -> bool:
    """Assign a host interpreter to a session; False if they already were."""
    if interpreter in session.interpreters:
        return False
    session.interpreters.append(interpreter)
    db.session.flush()
    return True


def unassign(session: ProgrammeSession, interpreter: HostInterpreter) -> bool:
    """Take a host interpreter off a session; False if they were not on it."""
    if interpreter not in session.interpreters:
        return False
    session.interpreters.remove(interpreter)
    db.session.flush()
    return True


# -- coverage ----------------------------------------------------------------------


def coverage_of(festival: Festival, sessions: Sequence[ProgrammeSession]) -> dict[int, Coverage]:
    """Each session's coverage, in four queries whatever their number.

    Who is expected: the delegates enrolled and allowed in the session and,
    at a session for mayors only, every active confirmed mayor (enrolled or
    not: the Mayors' Forum is where a missing interpreter matters most).
    """
    ids = [s.id for s in sessions]
    if not ids:
        return {}
    hosts: dict[int, list[tuple[str, list[str]]]] = {i: [] for i in ids}
    rows = db.session.execute(
        sa.select(
            session_interpreters.c.session_id, HostInterpreter.name, HostInterpreter.languages
        )
        .join(HostInterpreter, HostInterpreter.id == session_interpreters.c.interpreter_id)
        .where(session_interpreters.c.session_id.in_(ids))
        .order_by(HostInterpreter.name)
    )
    for session_id, name, languages in rows:
        hosts[session_id].append((name, list(languages or ())))

    # Each active delegate once (their languages are JSON: decoded once,
    # not once per session they attend), then who attends what as id pairs.
    asked = sa.select(Attendance.delegate_id).where(Attendance.session_id.in_(ids))
    delegates = {
        row.id: _attendee(row)
        for row in db.session.execute(
            _attendee_query().where(
                _DELEGATION.festival_id == festival.id,
                Delegate.status.in_(ACTIVE_STATUSES),
                sa.or_(Delegate.id.in_(asked), Delegate.is_confirmed_mayor)
                if any(s.audience == Audience.MAYORS for s in sessions)
                else Delegate.id.in_(asked),
            )
        )
    }
    people: dict[int, dict[int, Attendee]] = {i: {} for i in ids}
    enrolled = (
        sa.select(Attendance.session_id, Attendance.delegate_id)
        .join(ProgrammeSession, ProgrammeSession.id == Attendance.session_id)
        .join(Delegate, Delegate.id == Attendance.delegate_id)
        .where(Attendance.session_id.in_(ids), allowed_in_session())
    )
    for session_id, delegate_id in db.session.execute(enrolled):
        if delegate_id in delegates:
            people[session_id][delegate_id] = delegates[delegate_id]
    mayors = [a for a in delegates.values() if a.is_mayor]
    for session in sessions:
        if session.audience == Audience.MAYORS:
            for mayor in mayors:
                people[session.id].setdefault(mayor.delegate_id, mayor)

    own = interpreters_by_delegation(
        OwnInterpreter(row.delegation_id, _name(row), list(row.languages or ()))
        for row in db.session.execute(
            sa.select(Delegate.delegation_id, *_NAME_COLUMNS, Delegate.languages)
            .join(Delegation, Delegation.id == Delegate.delegation_id)
            .where(
                Delegation.festival_id == festival.id,
                Delegate.status.in_(ACTIVE_STATUSES),
                Delegate.shown_role == DelegateRole.INTERPRETER,
                Delegate.is_accompanying.is_(False),
            )
        )
    )
    return {
        s.id: session_coverage(
            floor=s.languages or festival.languages or (),
            offered=s.interpretation_languages or (),
            restricted=s.audience == Audience.MAYORS,
            attendees=people[s.id].values(),
            own_interpreters=own,
            host_interpreters=hosts[s.id],
        )
        for s in sessions
    }


# Its own alias: allowed_in_session looks the Delegation table up in a
# subquery correlated on Delegate alone.
_DELEGATION = aliased(Delegation)


# A person's name columns: lists show "YAMAMOTO Tatsuji" (names.list_name).
_NAME_COLUMNS = Delegate.name_columns()


def _name(row: Any) -> str:
    return names.list_name(
        names.NameParts(
            row.full_name, row.family_name, row.given_names, row.name_order, row.native_name
        )
    )


def _attendee_query() -> sa.Select:
    return (
        sa.select(
            Delegate.id,
            *_NAME_COLUMNS,
            City.name.label("city"),
            Delegate.delegation_id,
            Delegate.languages,
            Delegate.is_confirmed_mayor.label("is_mayor"),
        )
        .select_from(Delegate)
        .join(_DELEGATION, _DELEGATION.id == Delegate.delegation_id)
        .join(City, City.id == _DELEGATION.city_id)
    )


def _attendee(row: Any) -> Attendee:
    return Attendee(
        row.id, _name(row), row.city, row.delegation_id, list(row.languages or ()), row.is_mayor
    )


def scheduled_sessions(festival: Festival) -> list[ProgrammeSession]:
    """The festival's scheduled sessions in time order (for the summary)."""
    return list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .where(
                ProgrammeSession.festival_id == festival.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )
