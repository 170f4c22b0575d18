"""Plain factory functions for tests: each makes one object with sensible
defaults, adds it to the session and flushes. Call inside an app context and
commit when the test needs the data visible to requests."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from festival.auth.models import User, UserRole
from festival.cities.models import City, CreativeField
from festival.core.tokens import hash_token, new_token
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.invitations.models import Invitation, InvitationStatus
from festival.programme.models import Attendance, Audience, ProgrammeSession, SessionType
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


def _save(obj: Any) -> Any:
    db.session.add(obj)
    db.session.flush()
    return obj


def make_festival(**values: Any) -> Festival:
    n = _n()
    defaults: dict[str, Any] = {
        "slug": f"festival-{n}",
        "name": f"Gastronomy Festival {2026 + n}",
        "starts_on": date(2027, 6, 14),
        "ends_on": date(2027, 6, 18),
        "timezone": "Asia/Tokyo",
        "host_city": "Tsuruoka",
        "languages": ["en", "ja", "fr"],
    }
    return _save(Festival(**{**defaults, **values}))


def make_venue(festival: Festival, **values: Any) -> Venue:
    defaults = {"name": f"Hall {_n()}", "address": "1-1 Honcho", "capacity": 100}
    return _save(Venue(festival=festival, **{**defaults, **values}))


def make_city(**values: Any) -> City:
    n = _n()
    defaults = {
        "name": f"City {n}",
        "country_code": "FR",
        "creative_field": CreativeField.GASTRONOMY,
        "contact_email": f"office{n}@city.example",
        "preferred_language": "en",
    }
    return _save(City(**{**defaults, **values}))


def make_invitation(
    festival: Festival, city: City | None = None, **values: Any
) -> tuple[Invitation, str]:
    """An invitation and its secret token (only the hash is stored)."""
    token = new_token()
    defaults = {
        "quota": 3,
        "deadline": datetime(2027, 5, 1, tzinfo=UTC),
        "status": InvitationStatus.SENT,
        "token_hash": hash_token(token),
        "sent_at": datetime(2026, 12, 1, tzinfo=UTC),
    }
    invitation = Invitation(festival=festival, city=city or make_city(), **{**defaults, **values})
    return _save(invitation), token


def make_delegation(
    festival: Festival, city: City | None = None, **invitation_values: Any
) -> Delegation:
    invitation, _token = make_invitation(
        festival, city, status=InvitationStatus.ACCEPTED, **invitation_values
    )
    return _save(Delegation(invitation=invitation, festival=festival, city_id=invitation.city_id))


def make_user(email: str | None = None, role: UserRole = UserRole.DELEGATE, **values: Any) -> User:
    return _save(User(email=email or f"user{_n()}@example.org", role=role, **values))


def make_delegate(delegation: Delegation, *, with_user: bool = True, **values: Any) -> Delegate:
    n = _n()
    email = values.pop("email", f"delegate{n}@city.example")
    defaults: dict[str, Any] = {
        "full_name": f"Delegate {n}",
        "position": "Director, Creative City Office",
        "role": DelegateRole.OFFICIAL,
        "status": DelegateStatus.CONFIRMED,
        "languages": ["en"],
        "consent_at": datetime(2026, 12, 2, tzinfo=UTC),
    }
    merged = {**defaults, **values}
    # A confirmed registration had its role confirmed by an organiser with it.
    if merged["status"] == DelegateStatus.CONFIRMED:
        merged.setdefault("confirmed_role", merged["role"])
    delegate = Delegate(delegation=delegation, email=email, **merged)
    db.session.add(delegate)
    if with_user:
        delegate.user = User(email=email, role=UserRole.DELEGATE)
    return _save(delegate)


def make_session(festival: Festival, **values: Any) -> ProgrammeSession:
    starts = values.pop("starts_at", datetime(2027, 6, 15, 1, 0, tzinfo=UTC))
    defaults: dict[str, Any] = {
        "title": f"Session {_n()}",
        "type": SessionType.THEMATIC,
        "ends_at": starts + timedelta(hours=1, minutes=30),
        "audience": Audience.PUBLIC,
    }
    return _save(ProgrammeSession(festival=festival, starts_at=starts, **{**defaults, **values}))


def enrol(session: ProgrammeSession, delegate: Delegate, **values: Any) -> Attendance:
    return _save(Attendance(session=session, delegate=delegate, **values))
