"""A test client that sends CSRF tokens like a browser, and sign-in helpers."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import BadSignature, URLSafeTimedSerializer

from festival.extensions import db


class CSRFClient(FlaskClient):
    """A test client that, like a browser showing our forms, sends a valid
    CSRF token with every POST. Pass ``csrf=False`` to send none."""

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        method = kwargs.get("method", "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            token = self.csrf_token()
            data = kwargs.get("data")
            if data is None:
                kwargs["data"] = {"csrf_token": token}
            elif isinstance(data, dict) and "csrf_token" not in data:
                kwargs["data"] = {**data, "csrf_token": token}
            headers = dict(kwargs.get("headers") or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The signed token Flask-WTF expects, for this client's session."""
        raw = (self.session_values() or {}).get("csrf_token")
        if raw is None:
            with self.session_transaction() as session:
                raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def session_values(self) -> dict[str, Any] | None:
        """What the client's session cookie holds, read as the app reads it,
        or None when there is no cookie or it does not verify.

        ``session_transaction`` does the same through a whole request
        context, opening the session twice and saving it back: a few
        milliseconds before every POST of the suite. Like it, this reads
        the cookie the client keeps for localhost.
        """
        app = self.application
        interface: Any = app.session_interface
        if not hasattr(interface, "get_signing_serializer"):
            return None  # not Flask's cookie sessions: read them through a request
        cookie = self.get_cookie(interface.get_cookie_name(app))
        serializer = interface.get_signing_serializer(app)
        if cookie is None or serializer is None:
            return None
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            return dict(serializer.loads(cookie.value, max_age=max_age))
        except BadSignature:
            return None


class AuthActions:
    """Sign in as an organiser (password) or a delegate (e-mailed link)."""

    def __init__(self, app: Flask, client: CSRFClient) -> None:
        self._app = app
        self._client = client

    def organiser(
        self, email: str = "organiser@example.org", password: str = "correct horse 1"
    ) -> None:
        from festival.auth.services import create_organiser, user_by_email

        with self._app.app_context():
            if user_by_email(email) is None:
                create_organiser(email, password)
                db.session.commit()
        response = self._client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.text

    def user(self, user_id: int) -> None:
        """Sign in as any user through a one-time link (the delegates' way)."""
        from festival.auth.models import User
        from festival.auth.services import issue_login_link

        with self._app.app_context():
            token = issue_login_link(db.session.get(User, user_id))
            db.session.commit()
        response = self._client.post(f"/login/link/{token}")
        assert response.status_code == 302, response.text

    def logout(self) -> None:
        self._client.post("/logout")
