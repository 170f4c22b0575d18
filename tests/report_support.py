"""A festival with answered impressions and picked quotes, for the published report's tests."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from festival.extensions import db
from festival.impressions import sending
from festival.impressions.models import ImpressionInvite, ImpressionResponse
from festival.impressions.tokens import token_from_salt
from tests.impressions_support import answer, build_scene, form

MARIA = "maria@parma.example"
CLAIRE = "claire@lyon.example"
YUI = "yui@tsuruoka.example"

QUOTES = {
    MARIA: "Tsuruoka feeds the soul.\n\nWe will come back with our chefs.",
    CLAIRE: "Une leçon d'hospitalité.",
    YUI: "食を通じて世界とつながる。",
}


@dataclass
class ReportScene:
    slug: str
    festival_id: int
    form_id: int
    responses: dict[str, int]  # response id by author's e-mail
    tokens: dict[str, str]  # answer-page token by author's e-mail


def build_report_scene(*, consent: bool = True) -> ReportScene:
    """Three attendees answered the session's form and agreed to be quoted;
    the organisers picked all three quotes. Call in an app context; commits."""
    scene = build_scene()
    session_form = form(scene.form_id)
    session_form.session.title_i18n = {"ja": "発酵の未来", "fr": "Avenirs fermentés"}
    sending.send_now(session_form)
    invites = {
        i.delegate.email: i
        for i in db.session.scalars(
            sa.select(ImpressionInvite).where(ImpressionInvite.form_id == scene.form_id)
        )
    }
    for email, quote in QUOTES.items():
        answer(invites[email], overall=5, quote=quote, consent=consent)
    db.session.flush()
    maria = invites[MARIA].delegate
    maria.family_name, maria.given_names = "Rossi", "Maria"
    responses = {}
    for position, email in enumerate(QUOTES, start=1):
        response = db.session.scalar(
            sa.select(ImpressionResponse).where(
                ImpressionResponse.form_id == scene.form_id,
                ImpressionResponse.delegate_id == invites[email].delegate_id,
            )
        )
        delegation = response.delegate.delegation
        delegation.city.name = {MARIA: "Parma", CLAIRE: "Lyon", YUI: "Tsuruoka"}[email]
        response.in_report = consent
        response.report_position = position if consent else None
        responses[email] = response.id
    session_form.festival.report_introduction = "Three days of food and friendship."
    session_form.festival.report_introduction_i18n = {"fr": "Trois jours de cuisine et d'amitié."}
    db.session.commit()
    return ReportScene(
        slug=scene.slug,
        festival_id=scene.festival_id,
        form_id=scene.form_id,
        responses=responses,
        tokens={email: token_from_salt(invites[email].token_salt) for email in QUOTES},
    )


def make_jpeg(size: tuple[int, int] = (2400, 1600), gps: bool = False) -> bytes:
    """A camera-like JPEG: large, with EXIF (and a GPS position when asked)."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 200):
        image.paste((30, 90, 160), (x, 0, x + 100, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0132] = "2027:06:15 10:00:00"  # DateTime
    if gps:
        exif[0x8825] = {1: "N", 2: (38.0, 43.0, 36.0), 3: "E", 4: (139.0, 49.0, 48.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
