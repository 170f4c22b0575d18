"""A test client that sends CSRF tokens like a browser, and sign-in helpers."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

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
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


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
