"""Security issue #10, item 2: a delegate cannot make themselves a mayor.

The role that opens the Mayors' Forum is the one an organiser confirmed. A
confirmed delegate (or their head) may propose another; it waits in the
organisers' queue, and until they approve it every page, feed, enrolment
and export uses the confirmed role. Either decision is e-mailed to the
delegate in their language.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale
from markupsafe import escape

from festival import create_app
from festival.calendar.services import personal_token
from festival.extensions import db
from festival.programme.models import Attendance, Audience, SessionType
from festival.registration.labels import role_label
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests import factories
from tests.conftest import _postgres_url
from tests.test_registration_support import accepted_invitation, head_form, outbox

FORUM = "Mayors' Forum"
FORUM_HTML = str(escape(FORUM))  # as a page writes it


@dataclass
class World:
    slug: str
    forum_id: int
    public_id: int
    head_id: int
    head_user_id: int
    interpreter_id: int
    interpreter_user_id: int
    interpreter_email: str
    interpreter_token: str
    other_city_user_id: int


@pytest.fixture
def world(app: Flask) -> World:
    """Parma, confirmed: a head (official) and an interpreter who reads French;
    a Mayors' Forum and a public session; and Lyon's confirmed head."""
    invited = accepted_invitation(app)
    with app.app_context():
        from festival.festivals.models import Festival
        from festival.registration.models import Delegation

        festival = db.session.get(Festival, invited.festival_id)
        parma = db.session.get(Delegation, invited.delegation_id)
        head = factories.make_delegate(
            parma, is_head=True, full_name="Giulia Rossi", email="giulia.rossi@parma.example"
        )
        interpreter = factories.make_delegate(
            parma,
            full_name="Ana Costa",
            email="ana.costa@parma.example",
            role=DelegateRole.INTERPRETER,
            locale="fr",
        )
        lyon = factories.make_delegation(festival)
        other = factories.make_delegate(lyon, is_head=True, email="head@lyon.example")
        forum = factories.make_session(
            festival,
            title=FORUM,
            type=SessionType.FORUM,
            audience=Audience.MAYORS,
            starts_at=datetime(2027, 6, 15, 5, 0, tzinfo=UTC),
        )
        public = factories.make_session(festival, title="Opening ceremony")
        factories.enrol(public, interpreter)
        db.session.commit()
        return World(
            slug=festival.slug,
            forum_id=forum.id,
            public_id=public.id,
            head_id=head.id,
            head_user_id=head.user_id,
            interpreter_id=interpreter.id,
            interpreter_user_id=interpreter.user_id,
            interpreter_email=interpreter.email,
            interpreter_token=personal_token(interpreter),
            other_city_user_id=other.user_id,
        )


def _details(world: World, **overrides: Any) -> dict[str, Any]:
    """The interpreter's own details form, as she would send it."""
    values = {
        "full_name": "Ana Costa",
        "email": world.interpreter_email,
        "position": "Interpreter",
        "locale": "fr",
        "role": "interpreter",
    }
    return head_form(**{**values, **overrides})


def _delegate(app: Flask, delegate_id: int) -> Delegate:
    with app.app_context():
        delegate = db.session.get(Delegate, delegate_id)
        db.session.expunge(delegate)
        return delegate


def _queue_url(world: World) -> str:
    return f"/organiser/festivals/{world.slug}/role-changes"


def _decide(client: Any, world: World, decision: str, role: str = "mayor") -> Any:
    return client.post(
        f"{_queue_url(world)}/{world.interpreter_id}/{decision}", data={"role": role}
    )


def _forum_is_closed_to_the_interpreter(app: Flask, client: Any, world: World) -> None:
    """Everything the audit opened: page, enrolment, personal feed, frab export."""
    assert client.get(f"/festivals/{world.slug}/sessions/{world.forum_id}").status_code == 404
    enrol = client.post(f"/festivals/{world.slug}/sessions/{world.forum_id}/enrol")
    assert enrol.status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Attendance.id)).where(
                    Attendance.session_id == world.forum_id,
                    Attendance.delegate_id == world.interpreter_id,
                )
            )
            == 0
        )
        # Even enrolled by someone's mistake, the forum stays out of her feed.
        db.session.add(Attendance(session_id=world.forum_id, delegate_id=world.interpreter_id))
        db.session.commit()
    feed = client.get(f"/feeds/{world.interpreter_token}.ics")
    assert feed.status_code == 200 and b"Opening ceremony" in feed.data
    assert FORUM.encode() not in feed.data
    assert FORUM_HTML not in client.get("/my/programme").text
    # The frab export is the public programme only: the forum is never in it.
    for kind in ("xml", "json"):
        schedule = client.get(f"/festivals/{world.slug}/schedule.{kind}")
        assert schedule.status_code == 200 and b"Opening ceremony" in schedule.data
        assert b"Mayors" not in schedule.data


def test_a_confirmed_interpreter_cannot_make_herself_mayor(app, client, auth, world) -> None:
    auth.user(world.interpreter_user_id)
    # Her pages in English from now on (the e-mail tests below keep French).
    saved = client.post("/my/details", data=_details(world, role="mayor", locale="en"))
    assert saved.status_code == 302, saved.text

    interpreter = _delegate(app, world.interpreter_id)
    assert interpreter.role == DelegateRole.MAYOR  # what she proposes
    assert interpreter.confirmed_role == DelegateRole.INTERPRETER  # what counts
    assert interpreter.role_proposed_at is not None
    page = client.get("/my/details").text
    assert "Your change of role to Mayor waits for the organisers' confirmation" in page
    assert "Until then your role is Interpreter" in page

    _forum_is_closed_to_the_interpreter(app, client, world)

    organiser = app.test_client()
    auth.__class__(app, organiser).organiser()
    queue = organiser.get(_queue_url(world))
    assert queue.status_code == 200
    assert "COSTA Ana" in queue.text and "Interpreter" in queue.text and "Mayor" in queue.text
    assert f"/role-changes/{world.interpreter_id}/approve" in queue.text
    assert 'name="csrf_token"' in queue.text
    # The organisers' lists link the queue with its count.
    delegates = organiser.get(f"/organiser/festivals/{world.slug}/delegates").text
    assert 'id="role-changes-count">1<' in delegates
    assert "asks to be Mayor" in delegates
    # Listed by the role that counts: not among the mayors, still an interpreter.
    mayors = organiser.get(f"/organiser/festivals/{world.slug}/delegates?role=mayor").text
    interpreters = organiser.get(
        f"/organiser/festivals/{world.slug}/delegates?role=interpreter"
    ).text
    assert "COSTA Ana" not in mayors and "COSTA Ana" in interpreters


def test_a_head_cannot_make_a_member_mayor(app, client, auth, world) -> None:
    auth.user(world.head_user_id)
    form = _details(world, role="mayor")
    form.pop("consent")
    saved = client.post(f"/my/delegation/members/{world.interpreter_id}", data=form)
    assert saved.status_code == 302, saved.text
    interpreter = _delegate(app, world.interpreter_id)
    assert (interpreter.role, interpreter.confirmed_role) == (
        DelegateRole.MAYOR,
        DelegateRole.INTERPRETER,
    )
    member_page = client.get(f"/my/delegation/members/{world.interpreter_id}").text
    assert "The change of role of Ana Costa to Mayor waits for the organisers" in member_page
    assert "change to Mayor waiting for the organisers" in client.get("/my/delegation").text

    interpreter_client = app.test_client()
    auth.__class__(app, interpreter_client).user(world.interpreter_user_id)
    _forum_is_closed_to_the_interpreter(app, interpreter_client, world)


def test_approval_opens_the_forum_and_tells_the_delegate(app, client, auth, world) -> None:
    auth.user(world.interpreter_user_id)
    client.post("/my/details", data=_details(world, role="mayor"))
    assert 'id="role-proposal"' in client.get("/my/details").text
    with app.app_context():
        # Enrolled already (say, by an organiser): only her role keeps it out.
        db.session.add(Attendance(session_id=world.forum_id, delegate_id=world.interpreter_id))
        db.session.commit()
    feed_before = client.get(f"/feeds/{world.interpreter_token}.ics")
    page_before = client.get("/my/itinerary")
    assert FORUM.encode() not in feed_before.data and FORUM_HTML not in page_before.text

    organiser = app.test_client()
    auth.__class__(app, organiser).organiser()
    decided = _decide(organiser, world, "approve")
    assert decided.status_code == 302
    queue = organiser.get(decided.headers["Location"]).text
    assert "Ana Costa is now Mayor and told by e-mail." in queue
    assert "No change of role waits for a decision." in queue

    interpreter = _delegate(app, world.interpreter_id)
    assert interpreter.confirmed_role == interpreter.role == DelegateRole.MAYOR
    assert interpreter.role_proposed_at is None
    # Only the role changed, and the cached feed and itinerary follow at once.
    feed = client.get(
        f"/feeds/{world.interpreter_token}.ics",
        headers={"If-None-Match": feed_before.headers["ETag"]},
    )
    assert feed.status_code == 200 and FORUM.encode() in feed.data
    assert FORUM_HTML in client.get("/my/itinerary").text
    assert client.get(f"/festivals/{world.slug}/sessions/{world.forum_id}").status_code == 200
    assert (
        client.post(f"/festivals/{world.slug}/sessions/{world.forum_id}/unenrol").status_code == 302
    )
    enrolled = client.post(f"/festivals/{world.slug}/sessions/{world.forum_id}/enrol")
    assert enrolled.status_code == 302
    assert 'id="role-proposal"' not in client.get("/my/details").text

    (message,) = [
        m for m in outbox(app, world.interpreter_email) if m.key.startswith("delegate-role:")
    ]
    assert message.key.startswith(f"delegate-role:{world.interpreter_id}:approved:")
    assert message.locale == "fr"
    with app.test_request_context(), force_locale("fr"):
        mayor_in_french = str(role_label(DelegateRole.MAYOR))
    assert mayor_in_french in message.text_body and mayor_in_french in message.html_body

    # A second click (or a second organiser) decides nothing and sends nothing.
    again = _decide(organiser, world, "approve")
    assert again.status_code == 302
    assert len([m for m in outbox(app) if m.key.startswith("delegate-role:")]) == 1


def test_refusal_puts_the_role_back_and_tells_the_delegate(app, client, auth, world) -> None:
    auth.user(world.interpreter_user_id)
    client.post("/my/details", data=_details(world, role="mayor"))
    organiser = app.test_client()
    auth.__class__(app, organiser).organiser()
    assert _decide(organiser, world, "refuse").status_code == 302

    interpreter = _delegate(app, world.interpreter_id)
    assert interpreter.role == interpreter.confirmed_role == DelegateRole.INTERPRETER
    assert interpreter.role_proposed_at is None
    assert f"/role-changes/{world.interpreter_id}/" not in organiser.get(_queue_url(world)).text
    assert client.get(f"/festivals/{world.slug}/sessions/{world.forum_id}").status_code == 404
    (message,) = [
        m for m in outbox(app, world.interpreter_email) if m.key.startswith("delegate-role:")
    ]
    assert message.key.startswith(f"delegate-role:{world.interpreter_id}:refused:")
    assert message.locale == "fr"
    with app.test_request_context(), force_locale("fr"):
        assert str(role_label(DelegateRole.INTERPRETER)) in message.text_body


def test_a_decision_on_a_proposal_that_changed_since_is_not_taken(app, client, auth, world):
    auth.user(world.interpreter_user_id)
    client.post("/my/details", data=_details(world, role="deputy_mayor"))
    organiser = app.test_client()
    auth.__class__(app, organiser).organiser()
    # The organiser read "Mayor"; the delegate now asks for deputy mayor.
    assert _decide(organiser, world, "approve", role="mayor").status_code == 302
    assert _delegate(app, world.interpreter_id).confirmed_role == DelegateRole.INTERPRETER
    # Going back to the confirmed role withdraws the proposal.
    client.post("/my/details", data=_details(world, role="interpreter"))
    assert f"/role-changes/{world.interpreter_id}/" not in organiser.get(_queue_url(world)).text


def test_before_confirmation_the_declared_role_is_confirmed_with_the_registration(
    app, client, auth, world
) -> None:
    with app.app_context():
        interpreter = db.session.get(Delegate, world.interpreter_id)
        interpreter.status, interpreter.confirmed_role = DelegateStatus.PENDING, None
        db.session.commit()
    auth.user(world.interpreter_user_id)
    client.post("/my/details", data=_details(world, role="mayor"))
    # Pending: no proposal to queue, and no forum either.
    assert _delegate(app, world.interpreter_id).role_proposed_at is None
    assert client.get(f"/festivals/{world.slug}/sessions/{world.forum_id}").status_code == 404
    organiser = app.test_client()
    auth.__class__(app, organiser).organiser()
    organiser.post(
        f"/organiser/festivals/{world.slug}/delegates/{world.interpreter_id}/confirm",
        data={"confirm-message": ""},
    )
    assert _delegate(app, world.interpreter_id).confirmed_role == DelegateRole.MAYOR
    assert client.get(f"/festivals/{world.slug}/sessions/{world.forum_id}").status_code == 200


@pytest.mark.parametrize("who", ["interpreter", "other_city", "anonymous"])
def test_only_organisers_reach_the_queue(app, client, auth, world, who) -> None:
    auth.user(world.interpreter_user_id)
    client.post("/my/details", data=_details(world, role="mayor"))
    auth.logout()
    if who == "interpreter":
        auth.user(world.interpreter_user_id)
    elif who == "other_city":
        auth.user(world.other_city_user_id)
    expected = 302 if who == "anonymous" else 404  # anonymous: sign in first
    assert client.get(_queue_url(world)).status_code == expected
    assert _decide(client, world, "approve").status_code == expected
    assert _decide(client, world, "refuse").status_code == expected
    assert _delegate(app, world.interpreter_id).confirmed_role == DelegateRole.INTERPRETER


def test_the_queue_runs_a_constant_number_of_queries(app, client, auth, count_queries) -> None:
    slugs = []
    for size in (1, 3):
        invited = accepted_invitation(app, quota=size)
        with app.app_context():
            from festival.registration.models import Delegation

            parma = db.session.get(Delegation, invited.delegation_id)
            for _ in range(size):
                person = factories.make_delegate(parma, role=DelegateRole.OFFICIAL)
                person.role, person.role_proposed_at = DelegateRole.MAYOR, datetime.now(UTC)
            slugs.append(parma.festival.slug)
            db.session.commit()
    auth.organiser()
    counted = []
    for slug in slugs:
        with count_queries() as statements:
            page = client.get(f"/organiser/festivals/{slug}/role-changes")
            assert page.status_code == 200 and page.text.count("/approve") >= 1
        counted.append(len(statements))
    assert counted[0] == counted[1], counted


@pytest.fixture
def fresh_database_url(backend: str, tmp_path: Path) -> Any:
    """An empty database of the backend under test, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"festival_test_{secrets.token_hex(4)}_roles"
    admin = sa.create_engine(_postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _postgres_url(name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migration_confirms_the_roles_of_confirmed_delegates(fresh_database_url) -> None:
    """Run 0002 on delegates that existed before it (made at head, then the
    schema taken back to 0001 with the rows in it)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    with app.app_context():
        flask_migrate.upgrade()
        festival = factories.make_festival()
        parma = factories.make_delegation(festival)
        confirmed = factories.make_delegate(parma, role=DelegateRole.MAYOR).id
        pending = factories.make_delegate(
            parma, role=DelegateRole.DEPUTY_MAYOR, status=DelegateStatus.PENDING
        ).id
        declined = factories.make_delegate(parma, status=DelegateStatus.DECLINED).id
        db.session.commit()
        db.session.remove()

        flask_migrate.downgrade(revision="0001")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("delegates")}
        assert "confirmed_role" not in columns
        flask_migrate.upgrade()

        with db.engine.connect() as connection:
            rows = dict(
                connection.execute(sa.text("SELECT id, confirmed_role FROM delegates")).all()
            )
        assert rows == {confirmed: "mayor", pending: None, declined: None}
        db.engine.dispose()
