"""Demo data: the network's real member cities, then invented ones past 390."""

from __future__ import annotations

import csv
from importlib import resources

import sqlalchemy as sa

from festival.cities.models import City, CreativeField
from festival.demo import DemoContext
from festival.demo.people import ascii_slug, invented_city, preferred_language
from festival.extensions import db


def member_cities() -> list[dict[str, str]]:
    """The rows of the bundled ``uccn_cities.csv`` (UNESCO Creative Cities)."""
    text = resources.files("festival.data").joinpath("uccn_cities.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed(ctx: DemoContext) -> str:
    rows = member_cities()
    # The host city's own field first: a gastronomy festival invites
    # gastronomy cities before the others.
    rows.sort(key=lambda r: (r["creative_field"] != "gastronomy", r["city"]))
    fields = list(CreativeField)
    seen: set[tuple[str, str]] = set()
    values = []
    for index in range(ctx.cities):
        if index < len(rows):
            row = rows[index]
            name, country = row["city"], row["country_code"]
            field = row["creative_field"]
            year = int(row["year_designated"]) if row["year_designated"] else None
        else:
            country = rows[ctx.rng.randrange(len(rows))]["country_code"]
            name = invented_city(ctx.rng)
            field = ctx.rng.choice(fields).value
            year = None
        while (name, country) in seen:
            name = invented_city(ctx.rng)
        seen.add((name, country))
        values.append(
            {
                "name": name,
                "country_code": country,
                "creative_field": CreativeField(field),
                "contact_email": f"creative-office@{ascii_slug(name)}-{country.lower()}.example",
                "preferred_language": preferred_language(country),
                "year_designated": year,
            }
        )
    if values:
        db.session.execute(sa.insert(City), values)
    return f"{len(values)} cities ({min(len(values), len(rows))} real members)"
