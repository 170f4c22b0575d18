"""Configuration from environment variables, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from festival.core.i18n import INTERFACE_LANGUAGES


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    """A setting holding several values, separated by spaces or commas."""
    return os.environ.get(name, "").replace(",", " ").split()


def from_environment(instance_path: str) -> dict[str, Any]:
    """Read every setting the app knows from the environment."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "festival.db")
    )
    # Heroku-style URLs name the old driver; SQLAlchemy wants psycopg 3.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        # Keys being retired, newest first (space- or comma-separated): what
        # they signed (session cookies, personal feed links) is still accepted.
        "SECRET_KEY_FALLBACKS": _list("SECRET_KEY_FALLBACKS"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis away: count in this process's memory (a warning in the log)
        # rather than answer every sign-in with a 500; back to Redis when it
        # answers again. Short timeouts: a Redis that hangs must not hang sign-in.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Reverse proxies in front that set X-Forwarded-For/-Proto (0: none,
        # trust no such header). Rate limits count per visitor only if the
        # app sees the visitor's address rather than the proxy's.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        # Absolute links in e-mails and feeds (no request to take them from).
        "SERVER_URL": os.environ.get("SERVER_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Festival <festival@localhost>"),
        # No SMTP host: messages stay in the outbox, readable by organisers.
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS"),
        "SMTP_SSL": _bool("SMTP_SSL"),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": list(INTERFACE_LANGUAGES),
        # Languages organisers may write content in (festival.core.content),
        # the first the default for a new festival: "en ja fr ko" adds Korean.
        "CONTENT_LANGUAGES": _list("CONTENT_LANGUAGES") or list(INTERFACE_LANGUAGES),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "PER_PAGE": 50,
        # Days between an impression form's e-mail and its one reminder.
        "IMPRESSION_REMINDER_AFTER": float(os.environ.get("IMPRESSION_REMINDER_AFTER", "3")),
        # Minutes without a further change before people are told of their
        # plans' changes: an organiser's edits in that time go as one e-mail.
        "CHANGES_QUIET_MINUTES": float(os.environ.get("CHANGES_QUIET_MINUTES", "10")),
    }


def cookies_secure_by_default() -> bool:
    """Secure cookies unless COOKIE_SECURE=0 (a loopback benchmark over HTTP)."""
    return _bool("COOKIE_SECURE", True)


def local_secret_key(instance_path: str) -> str:
    """A key kept in the instance folder, for debug runs only.

    It survives restarts so the developer stays signed in; production must
    set SECRET_KEY, and ``create_app`` refuses to start without it.
    """
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
