"""Demo data for protocol names (#11 item 1, 5): titles, name orders, own
scripts, romanisation, a few passports and the visa letters' signatory.

Runs after the registration step: the people it made get their family and
given names (family first for Japanese, Chinese and Korean delegates, with
the name in their own script already on file), mayors the title Mayor, and
a handful of confirmed delegates a passport for their visa letter.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from festival.cities.models import City
from festival.demo.people import POOLS, pool_for
from festival.extensions import db
from festival.registration.models import (
    AddressForm,
    Delegate,
    DelegateRole,
    DelegateStatus,
    Delegation,
    NameOrder,
)
from festival.registration.names import joined_name

if TYPE_CHECKING:
    from festival.demo import DemoContext

ROMANISATION = {"ja": "Hepburn", "zh": "Hanyu Pinyin", "ko": "Revised Romanization"}
PASSPORTS = 8  # confirmed delegates with a passport on file


def _language(full_name: str, country_code: str) -> str:
    """The name pool a demo name came from: its family name tells (East Asian
    pools), else the city's country."""
    words = full_name.split()
    for language in ("zh", "ko"):
        if words and words[0] in POOLS[language][1]:
            return language
    if words and words[-1] in POOLS["ja"][1]:
        return "ja"
    return pool_for(country_code)


def _parts(full_name: str, language: str) -> tuple[str, str, NameOrder]:
    """(family, given, order) from a demo name (see festival.demo.people.person)."""
    words = full_name.split()
    if len(words) < 2:
        return full_name, "", NameOrder.GIVEN_FIRST
    if language in ("zh", "ko"):  # written family first already
        return words[0], " ".join(words[1:]), NameOrder.FAMILY_FIRST
    if language == "ja":  # the demo writes Japanese names given first in Latin script
        return words[-1], " ".join(words[:-1]), NameOrder.FAMILY_FIRST
    return words[-1], " ".join(words[:-1]), NameOrder.GIVEN_FIRST


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no festival"
    festival.visa_signatory_name = "Minagawa Haruhi"
    festival.visa_signatory_title = f"Mayor of {festival.host_city}"
    people = db.session.scalars(
        sa.select(Delegate)
        .join(Delegate.delegation)
        .join(Delegation.city)
        .where(Delegation.festival_id == festival.id, Delegate.anonymised_at.is_(None))
        .options(contains_eager(Delegate.delegation).contains_eager(Delegation.city))
        .order_by(Delegate.id)
    ).all()
    passports = 0
    for person in people:
        city: City = person.delegation.city
        language = _language(person.full_name, city.country_code)
        family, given, order = _parts(person.full_name, language)
        person.family_name, person.given_names, person.name_order = family, given or None, order
        person.full_name = joined_name(family, given, order)
        person.romanisation = ROMANISATION.get(language)
        role = person.confirmed_role or person.role
        if role == DelegateRole.MAYOR:
            person.title = "he" if ctx.rng.random() < 0.05 else "mayor"
        elif role == DelegateRole.DEPUTY_MAYOR:
            person.title = "Deputy Mayor"
        elif role == DelegateRole.OFFICIAL and ctx.rng.random() < 0.2:
            person.title = "dr"
        if language == "fr":
            person.address_form = ctx.rng.choice(list(AddressForm))
        if person.status == DelegateStatus.CONFIRMED and passports < PASSPORTS:
            passports += 1
            person.nationality = city.country_code
            person.passport_number = f"{city.country_code}{ctx.rng.randrange(10**6, 10**7)}"
            person.date_of_birth = date(1960, 1, 1) + timedelta(days=ctx.rng.randrange(15000))
            person.passport_expires_on = festival.ends_on + timedelta(
                days=ctx.rng.randrange(200, 3000)
            )
    return f"{len(people)} names in parts, {passports} passports"
