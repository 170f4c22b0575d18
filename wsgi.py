"""WSGI entry point for production servers: ``gunicorn wsgi:app``."""

import gc

from festival import create_app

app = create_app()

# What the app built at start-up (URL map, catalogues, the airport table,
# SQLAlchemy's mappers: ~190,000 objects) lives as long as the process, yet
# every full garbage collection walked it again: 50-100 ms at random moments
# of a worker's requests. Frozen, those objects are left out of collections
# (https://docs.python.org/3/library/gc.html#gc.freeze).
gc.freeze()
