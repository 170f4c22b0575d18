"""festival: host a gastronomy festival and the delegations it invites."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from festival import config as app_config
from festival.extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then ``config`` on top."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    app.config.from_mapping(app_config.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    os.makedirs(app.instance_path, exist_ok=True)
    _require_secret_key(app)
    if proxies := int(app.config.get("PROXY_COUNT") or 0):
        # The visitor's address (rate limits) and scheme, from the proxies' headers.
        # (mypy takes wsgi_app for a method; wrapping it is Flask's documented way.)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    # Cookies travel over HTTPS only, except on a developer's plain-HTTP run.
    secure = not (app.debug or app.testing) and app_config.cookies_secure_by_default()
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure

    db.init_app(app)
    import festival.models  # noqa: F401  (register every table on the metadata)

    migrate.init_app(
        app,
        db,
        directory=os.path.join(PROJECT_ROOT, "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)

    from festival.core import i18n, incoming, logs, pagination, ratelimits, security, templating

    ratelimits.init_app(app)

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "translations"
        ),
    )
    i18n.escape_lazy_strings()
    i18n.look_up_translations_quickly()
    templating.init_app(app)
    security.init_app(app)
    incoming.init_app(app)
    logs.init_app(app)
    pagination.init_app(app)

    from festival.auth import public as auth_public

    login_manager.init_app(app)
    auth_public.init_login_manager(login_manager)

    _register_blueprints(app)
    _register_commands(app)
    return app


# Shorter keys can be guessed offline from one signed session cookie.
SECRET_KEY_MIN_LENGTH = 32


def _require_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.debug or app.testing:
        if not key:
            app.config["SECRET_KEY"] = app_config.local_secret_key(app.instance_path)
        return
    if not key:
        raise RuntimeError(
            "SECRET_KEY is not set. Set it to a long random string "
            '(python -c "import secrets; print(secrets.token_hex(32))"), '
            "or run with --debug for local development."
        )
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise RuntimeError(
            f"SECRET_KEY is too short ({len(key)} characters; at least "
            f"{SECRET_KEY_MIN_LENGTH}): anyone holding one session cookie could guess it. "
            'Set a long random string (python -c "import secrets; print(secrets.token_hex(32))").'
        )


def _register_blueprints(app: Flask) -> None:
    from festival import blueprints

    for blueprint in blueprints.ALL:
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from festival import commands

    commands.init_app(app)
