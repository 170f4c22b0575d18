"""WSGI entry point for production servers: ``gunicorn wsgi:app``."""

import gc

from babel import Locale
from flask_babel import force_locale, get_translations

from festival import create_app
from festival.core.i18n import INTERFACE_LANGUAGES
from festival.registration.airports import airports

app = create_app()


def _load_reference_data() -> None:
    """What every worker reads sooner or later, loaded now so that the freeze
    below takes it in: the airport table, and each interface language's
    catalogue and CLDR data (names of countries and languages, date formats)."""
    airports()
    with app.test_request_context():
        for code in INTERFACE_LANGUAGES:
            Locale.parse(code).territories  # noqa: B018 (loads the locale's CLDR data)
            with force_locale(code):
                get_translations()


_load_reference_data()

# What the app built at start-up (URL map, catalogues, the airport table,
# SQLAlchemy's mappers: ~200,000 objects) lives as long as the process, yet
# every full garbage collection walked it again: 50-100 ms at random moments
# of a worker's requests. Frozen, those objects are left out of collections
# (https://docs.python.org/3/library/gc.html#gc.freeze).
gc.freeze()
# A page of a few hundred rows allocates tens of thousands of objects, nearly
# all freed by reference counting when the request ends. Collecting every 700
# allocations (Python's default) ran several collections per request and
# moved the request's own objects to the older generations, whose
# collections then cost the most: up to a third of the door list's time at
# ten times the scale (bench/RESULTS.md). Every 50,000 instead: about none
# per request; cycles still go, a few MB of them at most.
gc.set_threshold(50_000, 10, 10)
