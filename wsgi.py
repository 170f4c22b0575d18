"""WSGI entry point for production servers: ``gunicorn wsgi:app``."""

from festival import create_app

app = create_app()
