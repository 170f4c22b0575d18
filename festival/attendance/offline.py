"""Check-in that keeps working when the venue's network drops (issue #14).

Two halves, both plain functions the door views call:

- :func:`door_list`: what a door device needs to check people in with no
  network, for the sessions it opened: the festival's delegates allowed in
  them (name in both scripts, delegation, role), who is enrolled and who is
  checked in already. Codes never travel: each delegate is known by a
  salted hash of their code (:func:`code_hash`), fresh salt per download,
  so the device can recognise a scanned or typed code (and refuse an
  unknown one) but cannot print anyone's badge. Delegates allowed in none
  of the opened sessions travel as a bare hash, so their code is refused
  as "not allowed" rather than "unknown", as online.
- :func:`sync`: the device's waiting check-ins, each with the UUID the
  device gave it, recorded exactly once: a key seen before answers what it
  did the first time; a person checked in at another door is one
  attendance (the (session, delegate) unique constraint) and the answer
  says so.

Services never commit: the view does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeGuard

import sqlalchemy as sa
from flask_babel import gettext as _

from festival.cities.models import City
from festival.core import memo
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import attendable_by_joined_delegate
from festival.programme.models import (
    Attendance,
    ProgrammeSession,
    SessionStatus,
    session_invited_delegations,
)
from festival.registration import names
from festival.registration.models import Delegate, DelegateRole, Delegation

from . import codes
from .labels import ROLES
from .services import Outcome, check_in_by_id

MAX_SESSIONS = 30  # a day's sessions, with room to spare
MAX_BATCH = 500
HASH_CHARS = 12  # 72 bits of SHA-256: no two of a festival's codes collide
# How far a device's clock may put a check-in in the past (a device that
# stayed offline through a long day), and never in the future.
OLDEST_CHECK_IN = timedelta(days=2)


def code_hash(salt: str, code: str) -> str:
    """``code``'s hash as the door device computes it (static/js/door.js):
    SHA-256 of ``salt:CODE`` (the 8 canonical characters), base64url, cut."""
    digest = hashlib.sha256(f"{salt}:{code}".encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:HASH_CHARS]


def names_of(parts: names.NameParts) -> tuple[str, str | None]:
    """A delegate's name as the door shows it: (list form, own script)."""
    # badge_lines' rule (the own script when it differs from the romanised
    # and the full name), with the romanised name made only when needed:
    # a door list names every delegate of the festival.
    native = (parts.native_name or "").strip()
    differs = native and native != parts.full_name and native != names.romanised_name(parts)
    return names.list_name(parts), native if differs else None


def list_expires_at(festival: Festival) -> datetime:
    """When a device must wipe the festival's door list: the end of the day
    after the festival's last day, in its zone."""
    end = datetime.combine(festival.ends_on + timedelta(days=2), time(0), tzinfo=festival.tz)
    return end.astimezone(UTC)


def door_list(festival: Festival, sessions: Sequence[ProgrammeSession]) -> str:
    """The JSON text a door device keeps for ``sessions`` (all of ``festival``).

    Two queries whatever the size: the versions of what the list is made
    of (:func:`_versions`) and the sessions' attendance rows; who may enter
    them and the people, by name with their codes, are read again only when
    their version moves (:func:`_allowed`, :func:`_people`). The salt is
    fresh each time, so every hash is made for each list.

    The text is put together here rather than by ``json.dumps`` of one
    dict: each person's JSON is kept per version of the people up to their
    hash (:func:`_people`), and only the hashes and role words are added
    per list: a list names every delegate of the festival (~5,000 at ten
    times the usual size), and encoding it whole cost more than the rest.
    """
    salt = secrets.token_urlsafe(12)
    ids = [s.id for s in sessions]
    people_version, invited_version = _versions(festival, ids)
    allowed = _allowed(sessions, people_version, invited_version)
    enrolled: dict[int, list[int]] = {session_id: [] for session_id in ids}
    checked_in: dict[int, list[int]] = {session_id: [] for session_id in ids}
    rows = db.session.execute(
        sa.select(Attendance.session_id, Attendance.delegate_id, Attendance.checked_in_at).where(
            Attendance.session_id.in_(ids)
        )
    )
    for session_id, delegate_id, at in rows:
        enrolled[session_id].append(delegate_id)
        if at is not None:
            checked_in[session_id].append(delegate_id)
    wanted = {d for people in allowed.values() for d in people}
    wanted |= {d for people in checked_in.values() for d in people}

    everyone = _people(festival, people_version)
    hashes = _hashes(salt, [person.code for person in everyone])
    # Each role's words translated once for the list, not once per person;
    # a person's JSON ends with them.
    endings = {role: f'","r":{_json(str(label))}}}' for role, label in ROLES.items()}
    people: list[str] = []
    others: list[str] = []
    for person, hashed in zip(everyone, hashes, strict=True):
        if person.id in wanted:
            people.append(person.head + hashed + endings.get(person.role, '","r":""}'))
        else:
            others.append(hashed)
    head = _json(
        {
            "festival": festival.slug,
            "generated_at": utcnow().isoformat(),
            "expires_at": list_expires_at(festival).isoformat(),
            "salt": salt,
            "sessions": [
                {
                    "id": s.id,
                    "title": s.title,
                    "starts_at": s.starts_at.isoformat(),
                    "ends_at": s.ends_at.isoformat(),
                    "cancelled": s.status == SessionStatus.CANCELLED,
                    "places": s.capacity,
                    "allowed": allowed[s.id],
                    "enrolled": sorted(enrolled[s.id]),
                    "checked_in": sorted(checked_in[s.id]),
                }
                for s in sessions
            ],
        }
    )
    # The head's closing brace makes way for the people and the others.
    return f'{head[:-1]},"people":[{",".join(people)}],"others":{_json(others)}}}'


def _json(value: Any) -> str:
    """Compact JSON, its non-ASCII text as UTF-8 (names in their own scripts)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _hashes(salt: str, canonical_codes: Sequence[bytes]) -> list[str]:
    """:func:`code_hash` of each code (canonical, as bytes), in one pass: the
    salt hashed once, and the cut digests (9 bytes, 12 characters each)
    encoded together, with no padding to strip."""
    salted = hashlib.sha256(f"{salt}:".encode("ascii"))
    digests = []
    for code in canonical_codes:
        digest = salted.copy()
        digest.update(code)
        digests.append(digest.digest()[:9])
    text = base64.urlsafe_b64encode(b"".join(digests)).decode("ascii")
    return [text[i : i + HASH_CHARS] for i in range(0, len(text), HASH_CHARS)]


# What a door list says of each of the festival's people, by name: kept per
# version of the data it reads (_versions), a few festivals' worth.
PEOPLE_ENTRIES = 8


@dataclass(frozen=True)
class _Person:
    id: int
    code: bytes  # canonical (no dash), as the device hashes it
    head: str  # their JSON object up to their hash: '{"id":…,"n":…,…,"h":"'
    role: DelegateRole


def _versions(
    festival: Festival, session_ids: list[int]
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The versions a door list's kept parts are read from, in one query:
    the people's (every delegate: count, sum of ids, latest change of names,
    role, status or delegation; the latest change of any delegation, moved
    to another festival or city, and of any city: names, countries) and the
    sessions' invited delegations' (adding one to a session does not change
    the session's row)."""
    invited = session_invited_delegations.c
    of_sessions = invited.session_id.in_(session_ids)
    row = db.session.execute(
        sa.select(
            *memo.version_columns(Delegate),
            sa.select(sa.func.max(Delegation.updated_at)).scalar_subquery(),
            sa.select(sa.func.max(City.updated_at)).scalar_subquery(),
            sa.select(sa.func.count()).where(of_sessions).scalar_subquery(),
            # Two delegations swapped between two sessions still move this sum.
            sa.select(sa.func.sum(invited.delegation_id * invited.session_id))
            .where(of_sessions)
            .scalar_subquery(),
        )
    ).one()
    return (festival.id, *row[:5]), tuple(row[5:])


# Who may enter the opened sessions, kept per version of the people and of
# the sessions' rules: the widest query of a list, and the same for every
# door that opens the same sessions.
ALLOWED_ENTRIES = 64


def _allowed(
    sessions: Sequence[ProgrammeSession],
    people_version: tuple[object, ...],
    invited_version: tuple[object, ...],
) -> dict[int, list[int]]:
    """{session id: the delegates allowed in, by id}."""
    rules = tuple((s.id, s.festival_id, s.audience, s.open_to_accompanying) for s in sessions)
    return memo.cached(
        "door-allowed",
        (people_version, invited_version, rules),
        lambda: _read_allowed([s.id for s in sessions]),
        ALLOWED_ENTRIES,
    )


def _read_allowed(ids: list[int]) -> dict[int, list[int]]:
    allowed: dict[int, list[int]] = {session_id: [] for session_id in ids}
    pairs = db.session.execute(
        sa.select(ProgrammeSession.id, Delegate.id)
        .select_from(ProgrammeSession)
        .join(Delegation, Delegation.festival_id == ProgrammeSession.festival_id)
        .join(Delegate, Delegate.delegation_id == Delegation.id)
        .where(ProgrammeSession.id.in_(ids), attendable_by_joined_delegate())
        .order_by(ProgrammeSession.id, Delegate.id)
    )
    for session_id, delegate_id in pairs:
        allowed[session_id].append(delegate_id)
    return allowed


def _people(festival: Festival, version: tuple[object, ...]) -> list[_Person]:
    """The festival's people by name, as of ``version`` (:func:`_versions`)."""
    return memo.cached(
        "door-people",
        (version, codes.code_key()),
        lambda: _read_people(festival),
        PEOPLE_ENTRIES,
    )


def _read_people(festival: Festival) -> list[_Person]:
    found: list[_Person] = []
    for row in db.session.execute(
        sa.select(
            Delegate.id,
            *Delegate.name_columns(),
            Delegate.shown_role,
            City.name,
            City.country_code,
        )
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(Delegation.festival_id == festival.id)
        .order_by(*Delegate.name_ordering(), Delegate.id)
    ):
        delegate_id, full_name, family, given, order, native_name, role, city, country = row
        code = codes.code_for(delegate_id).replace("-", "").encode("ascii")
        name, own = names_of(names.NameParts(full_name, family, given, order, native_name))
        person: dict[str, Any] = {"id": delegate_id, "n": name, "c": city}
        if own:
            person["o"] = own
        if country:
            person["cc"] = country
        # '{"id":1,"n":"…","c":"…"}' made '{"id":1,"n":"…","c":"…","h":"'.
        head = _json(person)[:-1] + ',"h":"'
        found.append(_Person(delegate_id, code, head, role))
    return found


# --- uploading the device's check-ins ---------------------------------------

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class BadBatch(ValueError):
    """The upload is not a list of check-ins (a 400, not a partial success)."""


@dataclass(frozen=True)
class Waiting:
    """One check-in as the device recorded it."""

    key: str
    session_id: int
    delegate_id: int
    at: datetime | None


def parse_batch(payload: Any) -> list[Waiting]:
    """The check-ins of an upload ``{"checkins": [{key, session, person, at}]}``."""
    items = payload.get("checkins") if isinstance(payload, dict) else None
    if not isinstance(items, list) or len(items) > MAX_BATCH:
        raise BadBatch(f"checkins must be a list of at most {MAX_BATCH} items")
    batch = []
    for item in items:
        if not isinstance(item, dict):
            raise BadBatch("each check-in is an object")
        key = str(item.get("key", "")).lower()
        session_id, delegate_id = item.get("session"), item.get("person")
        if not _UUID.match(key):
            raise BadBatch("each check-in needs a UUID key")
        if not (_is_id(session_id) and _is_id(delegate_id)):
            raise BadBatch("session and person are ids")
        batch.append(Waiting(str(uuid.UUID(key)), session_id, delegate_id, _instant(item)))
    return batch


def _is_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _instant(item: dict[str, Any]) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(item.get("at", "")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _when(at: datetime | None, now: datetime) -> datetime:
    """The device's time of a check-in, within reason (clocks drift)."""
    if at is None or at > now or at < now - OLDEST_CHECK_IN:
        return now
    return at


def sync(festival: Festival, batch: Sequence[Waiting]) -> list[dict[str, Any]] | None:
    """Record ``batch`` once each; one answer per check-in, in order.

    None when a check-in names a session of another festival (the view
    answers 404: the device has no business there).
    """
    session_ids = {item.session_id for item in batch}
    sessions = {
        s.id: s
        for s in db.session.scalars(
            sa.select(ProgrammeSession).where(
                ProgrammeSession.id.in_(session_ids), ProgrammeSession.festival_id == festival.id
            )
        )
    }
    if len(sessions) != len(session_ids):
        return None
    keys = [item.key for item in batch]
    seen = {
        a.client_key: a
        for a in db.session.scalars(sa.select(Attendance).where(Attendance.client_key.in_(keys)))
    }
    now = utcnow()
    answers = []
    for item in batch:
        recorded = seen.get(item.key)
        if recorded is not None:
            if (recorded.session_id, recorded.delegate_id) != (item.session_id, item.delegate_id):
                # One key for two check-ins: a device bug; the first one stands.
                answers.append(_answer(item, Outcome.UNKNOWN, None, _("Check-in not recorded.")))
                continue
            # Uploaded before (the answer got lost, or a second tab): same answer.
            answers.append(_answer(item, Outcome.CHECKED_IN, recorded.checked_in_at, ""))
            continue
        result = check_in_by_id(
            festival,
            sessions[item.session_id],
            item.delegate_id,
            now=_when(item.at, now),
            client_key=item.key,
        )
        at = result.attendance.checked_in_at if result.attendance else None
        if result.attendance is not None and result.attendance.client_key == item.key:
            seen[item.key] = result.attendance
        outcome = result.outcome
        if outcome == Outcome.ALREADY and at is not None and result.attendance is not None:
            if result.attendance.client_key == item.key:
                outcome = Outcome.CHECKED_IN  # this very check-in, sent twice at once
            else:
                result.message = _("Already checked in at another door or device.")
        answers.append(_answer(item, outcome, at, result.message))
    return answers


def _answer(item: Waiting, outcome: Outcome, at: datetime | None, message: str) -> dict[str, Any]:
    return {
        "key": item.key,
        "status": outcome.value,
        "checked_in_at": at.isoformat() if at else None,
        "message": message,
    }
