"""``flask demo``: deterministic, realistic demo data at any size.

Each domain seeds its own part in ``festival/<domain>/demo.py`` (a ``seed``
function taking the shared :class:`DemoContext`); this module runs them in
order and prints what a newcomer needs to try the app.
"""

from __future__ import annotations

import importlib
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival

# Run in this order: later steps build on what earlier ones made.
STEPS = [
    "festival.festivals.demo",
    "festival.cities.demo",
    "festival.invitations.demo",
    "festival.registration.demo",
    "festival.demo.protocol_names",
    "festival.programme.demo",
    "festival.demo.protocol_guests",
    "festival.itineraries.demo",
    "festival.transfers.demo",
    "festival.attendance.demo",
    "festival.impressions.demo",
    "festival.demo.protocol_seating",
    "festival.demo.content_languages",
    "festival.demo.report",
    "festival.demo.booths",
    "festival.demo.editions",
]

# The demo organiser's password is random, made afresh at each load and
# printed: a demo database that ends up on a server has no known password.
ORGANISER_EMAIL = "organiser@festival.example"


@dataclass
class DemoContext:
    """What the seeding steps share."""

    rng: random.Random
    cities: int
    delegates: int
    sessions: int
    now: datetime
    festival: Festival | None = None
    # Lines printed at the end: credentials and links to try.
    notes: list[str] = field(default_factory=list)
    # Anything a step wants to hand to a later one (ids, tokens).
    shared: dict[str, Any] = field(default_factory=dict)

    def note(self, line: str) -> None:
        self.notes.append(line)


def _step_modules() -> list[Any]:
    modules = []
    for name in STEPS:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


@click.command("demo")
@click.option("--cities", default=200, show_default=True, help="Invited cities.")
@click.option("--delegates", default=500, show_default=True, help="Registered delegates.")
@click.option("--sessions", default=60, show_default=True, help="Programme sessions.")
@click.option("--seed", default=2027, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Do nothing when a festival already exists.")
@click.option(
    "--outside-debug",
    is_flag=True,
    help="Load the demo although the app is not in debug mode (a benchmark, a staging copy).",
)
@with_appcontext
def demo(
    cities: int, delegates: int, sessions: int, seed: int, if_empty: bool, outside_debug: bool
) -> None:
    """Fill the database with a demo festival, cities, delegates and programme."""
    if not (current_app.debug or current_app.testing or outside_debug):
        # Demo people, open invitations and sign-in links have no place in
        # a production database; loading them there must be on purpose.
        raise click.ClickException(
            "The app is not in debug mode: this looks like a real database. Run with "
            "--debug (or FLASK_DEBUG=1) locally, or add --outside-debug if you mean it."
        )
    if db.session.scalar(sa.select(sa.func.count()).select_from(Festival)):
        if if_empty:
            click.echo("The database already has data: demo data not loaded.")
            return
        raise click.ClickException(
            "The database already has a festival; the demo loads into an empty database only."
        )
    context = DemoContext(
        rng=random.Random(seed), cities=cities, delegates=delegates, sessions=sessions, now=utcnow()
    )
    started = time.perf_counter()
    for module in _step_modules():
        # festival.<domain>.demo, or festival.demo.<topic> for cross-domain steps.
        parts = module.__name__.split(".")
        label = parts[-1] if parts[1] == "demo" else parts[1]
        step_started = time.perf_counter()
        click.echo(f"  {label:<18}", nl=False)
        summary = module.seed(context)
        db.session.flush()
        click.echo(f"{summary}  ({time.perf_counter() - step_started:.1f} s)")
    db.session.commit()
    click.echo(f"Demo data ready in {time.perf_counter() - started:.1f} s.")
    for line in context.notes:
        click.echo(line)
