"""Invited cities: search, and the checks and saves the city form needs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select

from festival.cities.models import City, CityKind, CreativeField, search_text
from festival.cities.reference import city_identity, normalise_name
from festival.core.search import ESCAPE, contains
from festival.extensions import db


def city_query(q: str = "", country: str = "", field: str = "", kind: str = "") -> Select[City]:
    """Cities (and other guests) matching a search (name or contact, any case
    or accent) and filters."""
    query = sa.select(City).order_by(City.name, City.country_code, City.id)
    needle = search_text(q.strip())
    if needle:
        query = query.where(City.search_key.like(contains(needle), escape=ESCAPE))
    if country:
        query = query.where(City.country_code == country)
    if field in {f.value for f in CreativeField}:
        query = query.where(City.creative_field == field)
    if kind in {k.value for k in CityKind}:
        query = query.where(City.kind == kind)
    return query


def countries_in_use() -> list[str]:
    """The country codes that have at least one city (for the filter)."""
    return list(db.session.scalars(sa.select(City.country_code).distinct()))


def find_city(name: str, country_code: str, exclude_id: int | None = None) -> City | None:
    """The city of this name in this country, whatever the case, spacing,
    accents or script ("臼杵市" finds Usuki; see reference.city_identity)."""
    key = city_identity(name, country_code)
    query = sa.select(City).where(City.country_code == country_code).order_by(City.id)
    if exclude_id is not None:
        query = query.where(City.id != exclude_id)
    # One country has at most a few hundred cities; comparing in Python
    # casefolds non-ASCII names the same way on SQLite and PostgreSQL.
    cities = db.session.scalars(query)
    return next((c for c in cities if city_identity(c.name, c.country_code) == key), None)


def save_city(city: City, data: dict[str, Any]) -> City:
    """Copy the form's values onto ``city`` (new or not) and flush."""
    city.name = normalise_name(data["name"])
    city.country_code = data["country_code"]
    city.kind = CityKind(data.get("kind") or CityKind.CITY)
    field = data.get("creative_field")
    city.creative_field = CreativeField(field) if field else None
    city.contact_name = normalise_name(data.get("contact_name") or "") or None
    city.contact_email = (data.get("contact_email") or "").strip() or None
    city.preferred_language = data.get("preferred_language") or "en"
    city.year_designated = data.get("year_designated")
    db.session.add(city)
    db.session.flush()
    return city
