"""The Redis the tests share with the app (.ci/run starts one), and a
second app server on the test database, for what several servers share."""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask

from festival import create_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_up(), reason=f"no Redis at {REDIS_URL} (.ci/run starts one)"
)


def another_server(app: Flask, **config: Any) -> Flask:
    """A second app on ``app``'s database (another worker or app server)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SERVER_URL": app.config["SERVER_URL"],
            "SMTP_HOST": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            **config,
        }
    )
