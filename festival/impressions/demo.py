"""Demo data: an impression form for every session, and for the sessions
already over, the e-mails sent and the answers that came back.

About 60% answer, ratings lean to 4 and 5, free text comes in English,
French or Japanese by the delegate's language, a third agree to be quoted
and a few quotes per event are already picked for the report. Everything
is bulk-inserted: 600 sessions and 5,000 delegates take well under a second.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from festival.attendance.services import attendee_ids_by_session
from festival.core.tokens import hash_token
from festival.demo import DemoContext
from festival.extensions import db
from festival.impressions import services
from festival.impressions.models import (
    ImpressionForm,
    ImpressionInvite,
    ImpressionQuestion,
    ImpressionResponse,
)
from festival.impressions.tokens import token_from_salt
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate

RESPONSE_RATE = 0.6
CONSENT_RATE = 1 / 3
PICKED_PER_EVENT = 3
RATINGS = [1, 2, 3, 4, 5]
RATING_WEIGHTS = [2, 4, 12, 40, 42]

VALUABLE = {
    "en": [
        "Meeting chefs from cities I had only read about.",
        "Tasting the fermented foods of Shonai and of our own region side by side.",
        "Concrete ideas for our own food festival next spring.",
        "The frank exchange between mayors on school meals and local sourcing.",
        "Seeing how the city works hand in hand with its farmers.",
    ],
    "fr": [
        "Les échanges avec les chefs des autres villes créatives.",
        "La dégustation comparée des produits fermentés.",
        "Des idées concrètes pour notre propre festival gastronomique.",
        "Le dialogue franc entre maires sur la restauration scolaire.",
    ],
    "ja": [
        "他都市のシェフとの交流がとても刺激的でした。",
        "庄内の発酵食品の食べ比べが印象に残りました。",
        "来年の食のイベントに活かせる具体的なアイデアを得ました。",
        "市長同士の率直な意見交換が有意義でした。",
    ],
}
IMPROVE = {
    "en": [
        "More time for questions from the floor.",
        "Interpretation into Spanish would help several delegations.",
        "The room was too warm in the afternoon.",
        "Shorter speeches, more tasting.",
        "",
    ],
    "fr": [
        "Plus de temps pour les questions.",
        "La salle était un peu petite.",
        "Une interprétation en espagnol serait utile.",
        "",
    ],
    "ja": [
        "質疑応答の時間をもう少し長く。",
        "午後は会場が少し暑かったです。",
        "英語以外の通訳もあると助かります。",
        "",
    ],
}
QUOTES = {
    "en": [
        "Tsuruoka showed us that gastronomy is a way of caring for a landscape.",
        "I leave with ten new friends and a notebook full of recipes.",
        "Food is the one language every delegation here speaks fluently.",
        "Nowhere have I seen a city cook so generously for its guests.",
        "We will bring this spirit of exchange home to our own festival.",
    ],
    "fr": [
        "Tsuruoka nous rappelle que la gastronomie est une affaire de terroir et de partage.",
        "Je repars avec des idées plein la tête et des amis dans dix pays.",
        "Une leçon d'hospitalité que notre ville n'oubliera pas.",
    ],
    "ja": [
        "食を通じて世界の都市とつながれることを実感しました。",
        "鶴岡の食文化の奥深さに心から感動しました。",
        "この交流を私たちの街の未来に生かしたいと思います。",
    ],
}


def _pool(pools: dict[str, list[str]], locale: str) -> list[str]:
    return pools.get(locale, pools["en"])


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no festival"
    created = services.create_missing_forms(festival)
    services.create_form(festival)
    db.session.flush()
    # Sessions over (with the default one-hour delay): their forms went out.
    over = dict(
        db.session.execute(
            sa.select(ImpressionForm.id, ProgrammeSession.id)
            .join(ProgrammeSession, ProgrammeSession.id == ImpressionForm.session_id)
            .where(
                ImpressionForm.festival_id == festival.id,
                ProgrammeSession.ends_at <= ctx.now - timedelta(hours=1),
            )
            .order_by(ImpressionForm.id)
        ).all()
    )
    if not over:
        return f"{created} session forms and a closing form; no session over yet"
    ends = dict(
        db.session.execute(
            sa.select(ProgrammeSession.id, ProgrammeSession.ends_at).where(
                ProgrammeSession.id.in_(over.values())
            )
        ).all()
    )
    questions: dict[int, dict[str, int]] = {}
    for form_id, builtin, question_id in db.session.execute(
        sa.select(
            ImpressionQuestion.form_id, ImpressionQuestion.builtin, ImpressionQuestion.id
        ).where(ImpressionQuestion.form_id.in_(over))
    ):
        if builtin is not None:
            questions.setdefault(form_id, {})[builtin] = question_id
    attendees = attendee_ids_by_session(over.values())
    locales = dict(
        db.session.execute(
            sa.select(Delegate.id, Delegate.locale).where(
                Delegate.id.in_({d for ids in attendees.values() for d in ids})
            )
        ).all()
    )
    invites, responses, form_updates = _answers(ctx, over, ends, questions, attendees, locales)
    if invites:
        db.session.execute(ImpressionInvite.__table__.insert(), invites)
    if responses:
        db.session.execute(ImpressionResponse.__table__.insert(), responses)
    if form_updates:
        table = ImpressionForm.__table__
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("form_id"))
            .values(sent_at=sa.bindparam("at")),
            form_updates,
        )
    _note_a_link(ctx, invites, responses)
    quoted = sum(1 for r in responses if r["consent_to_quote"])
    return (
        f"{created} session forms and a closing form; {len(invites)} sent, "
        f"{len(responses)} answers, {quoted} quotable"
    )


def _answers(
    ctx: DemoContext,
    over: dict[int, int],
    ends: dict[int, Any],
    questions: dict[int, dict[str, int]],
    attendees: dict[int, set[int]],
    locales: dict[int, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rng = ctx.rng
    key = str(current_app.secret_key).encode("utf-8")
    invites: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    form_updates: list[dict[str, Any]] = []
    for form_id, session_id in over.items():
        sent_at = ends[session_id] + timedelta(hours=1)
        form_updates.append({"form_id": form_id, "at": sent_at})
        q = questions.get(form_id, {})
        picked = 0
        for delegate_id in sorted(attendees.get(session_id, ())):
            salt = f"{rng.getrandbits(128):032x}"
            invites.append(
                {
                    "form_id": form_id,
                    "delegate_id": delegate_id,
                    "token_salt": salt,
                    "token_hash": hash_token(token_from_salt(salt, key)),
                    "sent_at": sent_at,
                    "resent_count": 0,
                    "created_at": sent_at,
                }
            )
            if rng.random() >= RESPONSE_RATE:
                continue
            locale = locales.get(delegate_id, "en")
            rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
            quote = rng.choice(_pool(QUOTES, locale)) if rng.random() < 0.7 else ""
            consent = bool(quote) and rng.random() < CONSENT_RATE / 0.7
            in_report = consent and picked < PICKED_PER_EVENT and rating >= 4
            picked += in_report
            answers = {
                str(q["overall"]): rating,
                str(q["valuable"]): rng.choice(_pool(VALUABLE, locale)),
                str(q["improve"]): rng.choice(_pool(IMPROVE, locale)),
                str(q["again"]): rng.random() < 0.85 + (rating - 4) * 0.1,
                str(q["quote"]): quote,
            }
            # Most answer within hours of the e-mail; none after "now".
            delay = min(timedelta(minutes=rng.expovariate(1 / 240)), ctx.now - sent_at)
            submitted = sent_at + max(delay, timedelta(0))
            responses.append(
                {
                    "form_id": form_id,
                    "delegate_id": delegate_id,
                    "answers": {k: v for k, v in answers.items() if v not in ("", None)},
                    "rating": rating,
                    "quote": quote,
                    "consent_to_quote": consent,
                    "in_report": in_report,
                    "report_position": picked if in_report else None,
                    "submitted_at": submitted,
                    "updated_at": submitted,
                }
            )
    return invites, responses, form_updates


def _note_a_link(
    ctx: DemoContext, invites: list[dict[str, Any]], responses: list[dict[str, Any]]
) -> None:
    answered = {(r["form_id"], r["delegate_id"]) for r in responses}
    for invite in invites:
        if (invite["form_id"], invite["delegate_id"]) not in answered:
            key = str(current_app.secret_key).encode("utf-8")
            url = current_app.config["SERVER_URL"] + "/impressions/"
            ctx.note(
                "An impression form waiting for an answer: "
                + url
                + token_from_salt(invite["token_salt"], key)
            )
            return
