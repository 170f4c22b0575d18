"""The order of precedence: who stands where, and why.

:func:`order_people` is pure: people, the festival's rule and the
organisers' decisions in, standings with their reasons out. The rest loads
the facts, keeps the ranks in ``protocol_ranks`` (so lists sort by
precedence in SQL) and gives other pages :func:`precedence_order` and
:func:`rank_order_by`.

The order: the class (host, mayors, deputy mayors, heads of organisations,
officials, others) from the role an organiser confirmed (a role not yet
confirmed counts as "others"); within a class, people an organiser placed
by hand first, in their order; then the festival's rule for cities of
equal rank; within a city, the head of delegation first, then by name.

Guests who are not a city (``City.kind``): the most senior person of an
organisation's delegation (the best confirmed role, the head of delegation
among equals) ranks as "head of an organisation"; a keynote speaker (the
same pick in a speaker's delegation) stands with the officials, as protocol
officers place a guest of honour without a public office; the press ranks
with the others and after them, whatever their role (journalists cover the
festival, they are not part of its protocol). Everyone else of such a
delegation ranks by their confirmed role; an override still wins.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _

from festival.cities.models import City, CityKind, search_text
from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.protocol.kana import gojuon_key, is_kana, reading_from_romaji, to_hiragana
from festival.protocol.labels import class_label
from festival.protocol.models import (
    CityProtocol,
    EqualRankRule,
    PrecedenceOverride,
    PrecedenceRank,
    ProtocolSettings,
    RankClass,
)
from festival.registration.labels import role_label
from festival.registration.models import Delegate, DelegateRole, Delegation

UNRANKED = 10**9  # where people without a rank (cancelled, declined) sort: last

_ROLE_CLASS = {
    DelegateRole.MAYOR: RankClass.MAYOR,
    DelegateRole.DEPUTY_MAYOR: RankClass.DEPUTY_MAYOR,
    DelegateRole.OFFICIAL: RankClass.OFFICIAL,
}


@dataclass(frozen=True)
class Person:
    """What precedence reads about one person."""

    id: int
    full_name: str
    native_name: str | None
    delegation_id: int
    city_id: int
    city_name: str
    year_designated: int | None
    role: str
    confirmed_role: str | None
    is_head: bool
    dietary: Sequence[str] = ()
    dietary_other: str | None = None
    allergens: Sequence[str] = ()
    allergens_other: str | None = None
    city_kind: str = CityKind.CITY.value


@dataclass(frozen=True)
class CityInfo:
    local_name: str | None = None
    reading: str | None = None
    manual_position: int | None = None


@dataclass(frozen=True)
class Override:
    rank_class: int | None = None
    position: int | None = None
    note: str = ""


@dataclass
class Standing:
    """One person's place: rank (1 first), class and the reasons, in words."""

    person: Person
    rank_class: RankClass
    reasons: list[str] = field(default_factory=list)
    rank: int = 0
    sort_key: tuple[Any, ...] = ()


def _city_key(
    person: Person, info: CityInfo, rule: EqualRankRule, language: str
) -> tuple[tuple[Any, ...], str]:
    """The city's place among equals, and the reason in words."""
    name = info.local_name or person.city_name
    if language == "ja":
        reading, how = info.reading, _("reading on file")
        if not reading and info.local_name and is_kana(info.local_name):
            reading, how = to_hiragana(info.local_name), _("reading of the Japanese name")
        if not reading:
            reading, how = (
                reading_from_romaji(person.city_name),
                _("reading derived from the romanised name"),
            )
        if reading:
            alpha: tuple[Any, ...] = (0, gojuon_key(reading))
            alpha_reason = _("gojūon order of %(reading)s (%(how)s)", reading=reading, how=how)
        else:
            alpha = (1, search_text(person.city_name))
            alpha_reason = _(
                "no kana reading on file: after the cities with one, by romanised name %(name)s",
                name=person.city_name,
            )
    else:
        alpha = (0, (search_text(name), name))
        alpha_reason = _("alphabetical order of %(name)s", name=name)
    if rule == EqualRankRule.JOINING_YEAR:
        year = person.year_designated
        if year is None:
            return (1, 0, alpha), _(
                "joining year unknown: after the others; then %(then)s", then=alpha_reason
            )
        return (0, year, alpha), _("joined the network in %(year)s", year=year)
    if rule == EqualRankRule.MANUAL:
        position = info.manual_position
        if position is None:
            return (1, 0, alpha), _(
                "city not placed by hand: after the others; then %(then)s", then=alpha_reason
            )
        return (0, position, alpha), _("city number %(n)s in the organisers' order", n=position)
    return alpha, alpha_reason


def _seniors(people: Sequence[Person]) -> set[int]:
    """The person who stands for each organisation's or speaker's delegation:
    the best confirmed role, then the head of delegation, then the first
    registered."""
    best: dict[int, tuple[tuple[int, bool, int], int]] = {}
    for person in people:
        if person.city_kind not in (CityKind.ORGANISATION, CityKind.SPEAKER):
            continue
        role = person.confirmed_role
        klass = _ROLE_CLASS.get(DelegateRole(role), RankClass.OTHER) if role else RankClass.OTHER
        key = (int(klass), not person.is_head, person.id)
        current = best.get(person.delegation_id)
        if current is None or key < current[0]:
            best[person.delegation_id] = (key, person.id)
    return {person_id for _key, person_id in best.values()}


def _class_of(person: Person, senior: bool) -> tuple[RankClass, str]:
    """A person's class before overrides (the host aside), and why."""
    confirmed = person.confirmed_role
    if person.city_kind == CityKind.PRESS:
        return RankClass.OTHER, _("press: after the festival's guests")
    if senior and person.city_kind == CityKind.ORGANISATION:
        return RankClass.HEAD_OF_ORGANISATION, _("heads the delegation of an organisation")
    if senior and person.city_kind == CityKind.SPEAKER:
        return RankClass.OFFICIAL, _("keynote speaker: ranked with the officials")
    if confirmed is None:
        return RankClass.OTHER, _(
            "role not confirmed yet (declared: %(role)s)", role=role_label(person.role)
        )
    klass = _ROLE_CLASS.get(DelegateRole(confirmed), RankClass.OTHER)
    return klass, _("confirmed role: %(role)s", role=role_label(confirmed))


def order_people(
    people: Iterable[Person],
    rule: EqualRankRule,
    language: str,
    host_id: int | None,
    cities: dict[int, CityInfo],
    overrides: dict[int, Override],
) -> list[Standing]:
    """Everyone in order of precedence, each with why they stand there. Pure."""
    standings = []
    no_city = CityInfo()
    people = list(people)
    seniors = _seniors(people)
    for person in people:
        override = overrides.get(person.id)
        reasons: list[str] = []
        if person.id == host_id:
            klass = RankClass.HOST
            reasons.append(_("the host"))
        else:
            klass, reason = _class_of(person, person.id in seniors)
            reasons.append(reason)
        if override is not None and override.rank_class is not None:
            klass = RankClass(override.rank_class)
            reasons.append(_("ranked as %(rank)s by the organisers", rank=class_label(klass)))
        if override is not None and override.position is not None:
            reasons.append(
                _("number %(n)s in the class, set by the organisers", n=override.position)
            )
        if override is not None and override.note:
            reasons.append(override.note)
        city_key, city_reason = _city_key(
            person, cities.get(person.city_id, no_city), rule, language
        )
        reasons.append(city_reason)
        position = override.position if override is not None else None
        key = (
            int(klass),
            # The press after the other "others" (unless an organiser moved them).
            person.city_kind == CityKind.PRESS and klass == RankClass.OTHER,
            position is None,
            position or 0,
            city_key,
            person.city_id,
            not person.is_head,
            search_text(person.full_name),
            person.id,
        )
        standings.append(Standing(person, klass, reasons, sort_key=key))
    standings.sort(key=lambda s: s.sort_key)
    for rank, standing in enumerate(standings, 1):
        standing.rank = rank
    return standings


# --- loading the facts ----------------------------------------------------------


def current_settings(festival: Festival) -> ProtocolSettings:
    """The festival's protocol settings; the defaults (not saved) if none yet."""
    row = db.session.scalar(
        sa.select(ProtocolSettings).where(ProtocolSettings.festival_id == festival.id)
    )
    if row is not None:
        return row
    languages = festival.languages or ["en"]
    return ProtocolSettings(
        festival_id=festival.id,
        rule=EqualRankRule.ALPHABETICAL,
        language="ja" if "ja" in languages else languages[0],
        revision=0,
    )


def settings_for(festival: Festival) -> ProtocolSettings:
    """The festival's protocol settings to change: made (and flushed) on first use."""
    row = current_settings(festival)
    if row.id is None:
        db.session.add(row)
        db.session.flush()
    return row


# The columns of a Person, for any query joined to Delegation and City.
PERSON_COLUMNS = (
    Delegate.id,
    Delegate.full_name,
    Delegate.native_name,
    Delegate.delegation_id,
    City.id.label("city_id"),
    City.name.label("city_name"),
    City.year_designated,
    Delegate.role,
    Delegate.confirmed_role,
    Delegate.is_head,
    Delegate.dietary,
    Delegate.dietary_other,
    Delegate.allergens,
    Delegate.allergens_other,
    City.kind.label("city_kind"),
)


def people_of(festival: Festival, ids: Iterable[int] | None = None) -> list[Person]:
    """The festival's active people (or only ``ids``), in one query."""
    query = (
        sa.select(*PERSON_COLUMNS)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(Delegation.festival_id == festival.id, Delegate.status.in_(ACTIVE_STATUSES))
    )
    if ids is not None:
        query = query.where(Delegate.id.in_(list(ids)))
    return [Person(**row._asdict()) for row in db.session.execute(query)]


def host_id(festival: Festival, settings: ProtocolSettings) -> int | None:
    """The host chosen by the organisers, else the confirmed mayor of the
    host city's delegation (the first by id), else nobody."""
    if settings.host_delegate_id is not None:
        return settings.host_delegate_id
    return db.session.scalar(
        sa.select(Delegate.id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(
            Delegation.festival_id == festival.id,
            sa.func.lower(City.name) == festival.host_city.strip().lower(),
            Delegate.confirmed_role == DelegateRole.MAYOR,
            Delegate.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Delegate.id)
        .limit(1)
    )


def standings(festival: Festival, people: Iterable[Person] | None = None) -> list[Standing]:
    """The festival's order of precedence (five queries, whatever its size)."""
    settings = current_settings(festival)
    cities = {
        row.city_id: CityInfo(row.local_name, row.reading, row.manual_position)
        for row in db.session.scalars(
            sa.select(CityProtocol).where(CityProtocol.festival_id == festival.id)
        )
    }
    overrides = {
        row.delegate_id: Override(row.rank_class, row.position, row.note)
        for row in db.session.scalars(
            sa.select(PrecedenceOverride).where(PrecedenceOverride.festival_id == festival.id)
        )
    }
    return order_people(
        people_of(festival) if people is None else people,
        EqualRankRule(settings.rule),
        settings.language,
        host_id(festival, settings),
        cities,
        overrides,
    )


# --- ranks for other pages --------------------------------------------------------


@dataclass(frozen=True)
class RankStamps:
    """The version of the data precedence is computed from, now (``current``),
    and the one the stored ranks were computed from (``stored``)."""

    current: str
    stored: str | None
    # The latest change of the festival's delegations (of those with people):
    # not a thing precedence reads, but pages that key on ``current`` may.
    delegations_changed: datetime | None = None


def rank_stamps(festival: Festival) -> RankStamps:
    """What the ranks depend on now (the protocol settings' revision, the
    festival's people and cities: count, sum of ids and latest change), and
    the stamp the stored ranks were computed from: one query. A page that
    sorts by precedence and keeps values per version of the same data (the
    delegate list) reads it once and passes it on."""
    revision = (
        sa.select(ProtocolSettings.revision)
        .where(ProtocolSettings.festival_id == festival.id)
        .scalar_subquery()
    )
    stored = (
        sa.select(PrecedenceRank.stamp)
        .where(PrecedenceRank.festival_id == festival.id)
        .limit(1)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(
            revision,
            sa.func.count(Delegate.id),
            # With the count, a person removed and another added moves the stamp.
            sa.func.sum(Delegate.id),
            sa.func.max(Delegate.updated_at),
            sa.func.max(City.updated_at),
            stored,
            sa.func.max(Delegation.updated_at),
        )
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(Delegation.festival_id == festival.id)
    ).one()
    return RankStamps(f"{row[0] or 0}|{row[1]}|{row[2] or 0}|{row[3]}|{row[4]}", row[5], row[6])


def ranks_stamp(festival: Festival) -> str:
    """The version of the data precedence is computed from (one query)."""
    return rank_stamps(festival).current


def precedence_order(festival: Festival, stamp: str | None = None) -> dict[int, int]:
    """{delegate id: rank} for the festival's active people (1 is first),
    kept per version of the data."""
    stamp = stamp or ranks_stamp(festival)
    return memo.cached(
        "precedence",
        (festival.id, stamp),
        lambda: {s.person.id: s.rank for s in standings(festival)},
    )


def printed_standings(festival: Festival, stamp: str | None = None) -> list[Standing]:
    """The whole order with its reasons in the current language, kept per
    version of the data (the printed list of thousands of people is built
    once, not on every view); ``stamp``: :func:`ranks_stamp`, when the
    caller read it."""
    stamp = stamp or ranks_stamp(festival)
    return memo.cached(
        "precedence-standings",
        (festival.id, stamp, str(get_locale())),
        lambda: standings(festival),
        max_entries=16,
    )


def matching(standings: Sequence[Standing], q: str) -> list[Standing]:
    """The standings whose person's name (either script) or city contains
    ``q``, case and accents aside; their ranks stay those of the whole order."""
    wanted = search_text(q)
    return [
        s
        for s in standings
        if wanted in _searchable(s.person.full_name, s.person.native_name, s.person.city_name)
    ]


# Searching the order reads every person's name and city: each made
# searchable once per process (5,000 people at ten times the scale).
@functools.lru_cache(maxsize=32768)
def _searchable(full_name: str, native_name: str | None, city_name: str) -> str:
    return search_text(full_name, native_name, city_name)


def sort_key(order: dict[int, int]) -> Any:
    """A key function for ``sorted(people, key=...)`` from :func:`precedence_order`."""
    return lambda delegate: (order.get(delegate.id, UNRANKED), delegate.id)


def refresh_ranks(festival: Festival, stamps: RankStamps | None = None) -> None:
    """Bring ``protocol_ranks`` up to date when the data moved (one query
    when nothing did, none when the caller read the ``stamps`` already).
    Commits: the table is a cache that GET pages refresh, its own unit of
    work."""
    stamps = stamps or rank_stamps(festival)
    stamp, stored = stamps.current, stamps.stored
    if stored == stamp:
        return
    order = precedence_order(festival, stamp)
    if not order and stored is None:
        return  # nobody to rank, and nothing stored
    db.session.execute(sa.delete(PrecedenceRank).where(PrecedenceRank.festival_id == festival.id))
    if order:
        db.session.execute(
            sa.insert(PrecedenceRank),
            [
                {"delegate_id": i, "festival_id": festival.id, "rank": r, "stamp": stamp}
                for i, r in order.items()
            ],
        )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another request refreshed them at the same time
        db.session.rollback()


def rank_order_by(festival: Festival, stamps: RankStamps | None = None) -> sa.ColumnElement[int]:
    """An ORDER BY term for a query over ``Delegate`` that joins the ranks
    (:func:`with_ranks`): precedence first (people without a rank last).
    Refreshes the ranks if stale (see :func:`refresh_ranks` for ``stamps``)."""
    refresh_ranks(festival, stamps)
    return sa.func.coalesce(PrecedenceRank.rank, UNRANKED)


def with_ranks(query: sa.Select[Any]) -> sa.Select[Any]:
    """``query`` (over ``Delegate``) with each person's rank joined, for
    :func:`rank_order_by`: one join, where a lookup correlated on each row
    probed the ranks' index once per delegate (5,000 on the delegate list)."""
    return query.outerjoin(PrecedenceRank, PrecedenceRank.delegate_id == Delegate.id)


def rank_of(festival: Festival, delegate_id: Any) -> sa.ColumnElement[int]:
    """An ORDER BY term for any query with a delegate id column (an
    answer's author, a seat's guest): precedence first, people without a
    rank last. Refreshes the ranks if stale."""
    refresh_ranks(festival)
    rank = (
        sa.select(PrecedenceRank.rank)
        .where(PrecedenceRank.delegate_id == delegate_id)
        .scalar_subquery()
    )
    return sa.func.coalesce(rank, UNRANKED)


def delegation_order_by(festival: Festival) -> sa.ColumnElement[int]:
    """An ORDER BY term for a query over ``Delegation``: its best-ranked person."""
    refresh_ranks(festival)
    best = (
        sa.select(sa.func.min(PrecedenceRank.rank))
        .join(Delegate, Delegate.id == PrecedenceRank.delegate_id)
        .where(Delegate.delegation_id == Delegation.id)
        .correlate(Delegation)
        .scalar_subquery()
    )
    return sa.func.coalesce(best, UNRANKED)


def bump(festival: Festival) -> None:
    """Mark a protocol change: ranks and pages built from them are stale."""
    settings_for(festival).revision += 1
    db.session.flush()
