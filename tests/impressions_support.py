"""A small festival for the impression tests: one session that ended, who
attended it, who did not, and who was not allowed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from festival.extensions import db
from festival.impressions import services
from festival.impressions.models import ImpressionForm
from festival.programme.models import Audience
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import enrol, make_delegate, make_delegation, make_festival, make_session
from tests.support import snapshots

SESSION_START = datetime(2027, 6, 15, 1, 0, tzinfo=UTC)
SESSION_END = SESSION_START + timedelta(hours=1, minutes=30)
LINK = re.compile(r"http://festival\.test/impressions/([A-Za-z0-9_\-]+)")


@dataclass
class Scene:
    festival_id: int
    slug: str
    session_id: int
    forum_id: int
    form_id: int
    forum_form_id: int
    # e-mail addresses by who they are
    attendees: list[str]
    forum_attendees: list[str]
    absent: str
    not_allowed: str


def build_scene() -> Scene:
    """Call inside an app context; commits. Built once per process and
    database, then copied back (tests/support/snapshots.py) when the tables
    are empty."""
    return snapshots.scene(current_app._get_current_object(), "impressions scene", _build_scene)


def _build_scene() -> Scene:
    festival = make_festival()
    parma = make_delegation(festival)
    lyon = make_delegation(festival)
    tsuruoka = make_delegation(festival)
    mayor = make_delegate(
        parma,
        full_name="Maria Rossi",
        role=DelegateRole.MAYOR,
        position="Mayor of Parma",
        email="maria@parma.example",
        locale="en",
    )
    director = make_delegate(
        lyon,
        full_name="Claire Dubois",
        position="Directrice, Lyon Ville Créative",
        email="claire@lyon.example",
        locale="fr",
    )
    interpreter = make_delegate(
        tsuruoka,
        full_name="Yui Sato",
        native_name="佐藤 結衣",
        role=DelegateRole.INTERPRETER,
        email="yui@tsuruoka.example",
        locale="ja",
    )
    absent = make_delegate(lyon, full_name="Paul Martin", email="paul@lyon.example")
    pending = make_delegate(
        parma,
        full_name="Luca Bianchi",
        email="luca@parma.example",
        status=DelegateStatus.PENDING,
    )
    session = make_session(festival, title="Fermented Futures", starts_at=SESSION_START)
    forum = make_session(
        festival, title="Mayors' Forum", audience=Audience.MAYORS, starts_at=SESSION_START
    )
    for delegate in (mayor, director, interpreter, pending):
        enrol(session, delegate)
    enrol(forum, mayor)
    # An interpreter somehow enrolled in the Mayors' Forum: not allowed in.
    enrol(forum, interpreter)
    form = services.create_form(festival, session)
    forum_form = services.create_form(festival, forum)
    db.session.commit()
    scene = Scene(
        festival_id=festival.id,
        slug=festival.slug,
        session_id=session.id,
        forum_id=forum.id,
        form_id=form.id,
        forum_form_id=forum_form.id,
        attendees=sorted([mayor.email, director.email, interpreter.email]),
        forum_attendees=[mayor.email],
        absent=absent.email,
        not_allowed=interpreter.email,
    )
    assert pending.email not in scene.attendees  # pending: not confirmed, so not counted
    return scene


def form(form_id: int) -> ImpressionForm:
    return db.session.get(ImpressionForm, form_id)


def tokens_by_recipient(messages: list) -> dict[str, str]:
    """{recipient: token} from e-mails received by the SMTP sink."""
    found = {}
    for message in messages:
        body = message.get_body(("plain",)).get_content()
        match = LINK.search(body)
        if match:
            found[message["To"]] = match.group(1)
    return found


def answer(invite, **by_builtin) -> None:
    """Save ``invite``'s response with answers given by builtin key
    (``overall=5, quote="..."``); ``consent=True`` agrees to be quoted."""
    from festival.impressions import services as impression_services

    consent = by_builtin.pop("consent", False)
    questions = {q.builtin: q for q in invite.form.questions}
    answers = {str(questions[key].id): value for key, value in by_builtin.items()}
    impression_services.save_response(invite, answers, consent_to_quote=consent)


def build_answered_festival(size: int) -> str:
    """A festival with ``size`` sessions, ``size`` delegations of three, all
    invited and most answered, some quotes picked. Returns its slug; commits."""
    from festival.impressions import sending
    from festival.impressions.models import ImpressionInvite

    festival = make_festival()
    delegates = []
    for n in range(size):
        delegation = make_delegation(festival)
        for role in (DelegateRole.MAYOR, DelegateRole.OFFICIAL, DelegateRole.INTERPRETER):
            delegates.append(make_delegate(delegation, role=role, position=f"Role {n}"))
    for n in range(size):
        session = make_session(
            festival, title=f"Session {n}", starts_at=SESSION_START + timedelta(hours=n)
        )
        for delegate in delegates:
            enrol(session, delegate)
        impression_form = services.create_form(festival, session)
        sending.send_now(impression_form)
        invites = (
            db.session.query(ImpressionInvite)
            .filter(ImpressionInvite.form_id == impression_form.id)
            .order_by(ImpressionInvite.id)
            .all()
        )
        for index, invite in enumerate(invites[:-1]):
            answer(
                invite,
                overall=1 + index % 5,
                valuable=f"Answer {index}",
                again=index % 2 == 0,
                quote=f"Quote {index}",
                consent=True,
            )
        from festival.impressions.models import ImpressionResponse

        for response in db.session.query(ImpressionResponse).filter_by(form_id=impression_form.id):
            response.in_report = True
            response.report_position = response.id
    closing = services.create_form(festival)
    sending.send_now(closing)
    db.session.commit()
    return festival.slug
