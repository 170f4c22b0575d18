"""Publishing the impressions report, withdrawing a quote, and the photos.

Services never commit: the view (or the command) does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from festival.core.content import Localized, pick
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionForm, ImpressionResponse
from festival.impressions.report import published_quotes
from festival.programme.models import ProgrammeSession
from festival.registration import names
from festival.registration.models import Delegate, Delegation
from festival.reports.models import PublishedQuote, ReportPhoto, ReportPublication
from festival.reports.photos import WebPhoto


def signature(delegate: Delegate) -> str:
    """How a published quote is signed: position, city, then the name in
    list form ("Mayor of Usuki City, NISHIOKA Takashi"); the city once, and
    the name in its own script after it when that differs."""
    city = delegate.delegation.city.name
    name = names.list_name(delegate)
    native = (delegate.native_name or "").strip()
    if native and native not in (name, delegate.full_name):
        name = f"{name} ({native})"
    position = (delegate.position or "").strip()
    parts = [position] if position else []
    if city.casefold() not in position.casefold():
        parts.append(city)
    return ", ".join([*parts, name])


def publication_of(festival: Festival) -> ReportPublication | None:
    """The festival's published report, or None (never published, or taken down)."""
    return db.session.scalar(
        sa.select(ReportPublication).where(
            ReportPublication.festival_id == festival.id, ReportPublication.is_public.is_(True)
        )
    )


def _touch(publication: ReportPublication) -> None:
    """What the public page shows changed: a new version (a new ETag)."""
    publication.version = (publication.version or 0) + 1


def _selected(festival: Festival) -> list[ImpressionResponse]:
    """The quotes picked for the report whose authors consent, events in
    programme order and the closing form last, each in the organisers' order."""
    return list(
        db.session.scalars(
            sa.select(ImpressionResponse)
            .join(ImpressionForm, ImpressionForm.id == ImpressionResponse.form_id)
            .outerjoin(ProgrammeSession, ProgrammeSession.id == ImpressionForm.session_id)
            .where(ImpressionForm.festival_id == festival.id, published_quotes())
            .options(
                joinedload(ImpressionResponse.form).joinedload(ImpressionForm.session),
                joinedload(ImpressionResponse.delegate)
                .joinedload(Delegate.delegation)
                .joinedload(Delegation.city),
            )
            .order_by(
                ImpressionForm.session_id.is_(None),
                ProgrammeSession.starts_at,
                ImpressionForm.id,
                sa.nulls_last(ImpressionResponse.report_position.asc()),
                ImpressionResponse.submitted_at,
                ImpressionResponse.id,
            )
        ).unique()
    )


def selected_count(festival: Festival) -> int:
    """How many quotes a publication made now would hold (counted in SQL:
    the rows themselves, with their authors and events, are for publishing)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(ImpressionResponse.id))
            .join(ImpressionForm, ImpressionForm.id == ImpressionResponse.form_id)
            .where(ImpressionForm.festival_id == festival.id, published_quotes())
        )
        or 0
    )


def quotes_query(publication: ReportPublication) -> sa.Select[PublishedQuote]:
    """The publication's quotes in the report's order, for a page of them."""
    return (
        sa.select(PublishedQuote)
        .where(PublishedQuote.publication_id == publication.id)
        .order_by(PublishedQuote.event_position, PublishedQuote.position, PublishedQuote.id)
    )


def quote_count(publication: ReportPublication) -> int:
    """How many quotes the publication holds."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(PublishedQuote.id)).where(
                PublishedQuote.publication_id == publication.id
            )
        )
        or 0
    )


def quote_page(publication: ReportPublication, quote: PublishedQuote, per_page: int) -> int:
    """The page of the organisers' list that shows ``quote``."""
    ids = list(db.session.scalars(quotes_query(publication).with_only_columns(PublishedQuote.id)))
    return ids.index(quote.id) // per_page + 1 if quote.id in ids else 1


def publish(festival: Festival, now: datetime | None = None) -> ReportPublication:
    """Copy the festival's picked, consented quotes into its publication
    (made, or replaced as a whole): later edits of the answers change
    nothing until the next publish. A translation made for a quote is kept
    when the quote is published again with the same text; a published quote
    whose author's personal data was erased since (the purge) stays as it
    was published, since its answer holds no words any more."""
    publication = db.session.scalar(
        sa.select(ReportPublication).where(ReportPublication.festival_id == festival.id)
    )
    if publication is None:
        publication = ReportPublication(festival_id=festival.id, version=0)
        db.session.add(publication)
    old = list(publication.quotes)
    kept = {(q.response_id, q.text): dict(q.text_i18n or {}) for q in old}
    erased = _erased_authors({q.response_id for q in old if q.response_id is not None})
    carried = [_copy(q) for q in old if q.response_id is None or q.response_id in erased]
    publication.quotes.clear()
    publication.is_public = True
    publication.published_at = now or utcnow()
    publication.introduction = festival.report_introduction or ""
    publication.introduction_i18n = dict(festival.report_introduction_i18n or {})
    publication.photo_ids = list(
        db.session.scalars(
            sa.select(ReportPhoto.id)
            .where(ReportPhoto.festival_id == festival.id)
            .order_by(ReportPhoto.position, ReportPhoto.id)
        )
    )
    languages = festival.all_content_languages
    fresh = []
    for response in _selected(festival):
        form = response.form
        session = form.session
        language = response.delegate.locale
        text = response.quote.strip()
        fresh.append(
            PublishedQuote(
                response_id=response.id,
                session_id=form.session_id,
                event_title=session.title if session else "",
                event_title_i18n=dict(session.title_i18n or {}) if session else {},
                event_starts_at=session.starts_at if session else None,
                text=text,
                language=language if language in languages else languages[0],
                text_i18n=kept.get((response.id, text), {}),
                signature=signature(response.delegate),
            )
        )
    _number(publication, carried, fresh)
    _touch(publication)
    # The public programme links to the report: its cached page follows the festival.
    festival.updated_at = utcnow()
    return publication


def _erased_authors(response_ids: set[int]) -> set[int]:
    """Which of these answers belong to a delegate anonymised by the purge."""
    if not response_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(ImpressionResponse.id)
            .join(Delegate, Delegate.id == ImpressionResponse.delegate_id)
            .where(ImpressionResponse.id.in_(response_ids), Delegate.anonymised_at.is_not(None))
        )
    )


def _copy(quote: PublishedQuote) -> PublishedQuote:
    columns = PublishedQuote.__table__.columns.keys()
    values = {c: getattr(quote, c) for c in columns if c not in ("id", "publication_id")}
    return PublishedQuote(**values)


def _number(
    publication: ReportPublication, carried: list[PublishedQuote], fresh: list[PublishedQuote]
) -> None:
    """Events in programme order (the closing section last), quotes kept from
    before first in their old order, then the new ones in the organisers' order."""

    def event_key(q: PublishedQuote) -> tuple[object, ...]:
        starts = q.event_starts_at
        return (starts is None, starts.timestamp() if starts else 0, q.session_id or 0)

    carried.sort(key=lambda q: (q.event_position, q.position))
    ordered = sorted([*carried, *fresh], key=event_key)  # stable: order kept within an event
    events: dict[tuple[object, ...], int] = {}
    positions: dict[int, int] = {}
    for quote in ordered:
        event = events.setdefault(event_key(quote), len(events))
        positions[event] = positions.get(event, 0) + 1
        quote.event_position, quote.position = event, positions[event]
        publication.quotes.append(quote)


def unpublish(festival: Festival) -> bool:
    """Take the report off the public site; True if it was public. Its
    quotes are kept, so that publishing again after the purge loses none."""
    publication = publication_of(festival)
    if publication is None:
        return False
    publication.is_public = False
    _touch(publication)
    festival.updated_at = utcnow()
    return True


def withdraw_consent(response: ImpressionResponse) -> int:
    """The author no longer agrees to be quoted: the answer says so, it
    leaves the organisers' selection, and its published copy leaves the
    public page now (a new version). Returns the number of copies removed."""
    response.consent_to_quote = False
    response.in_report = False
    response.report_position = None
    return remove_published(response.id)


def remove_published(response_id: int) -> int:
    """Delete the published copies of one answer's quote; a new version if any."""
    publication_ids = list(
        db.session.scalars(
            sa.select(PublishedQuote.publication_id).where(
                PublishedQuote.response_id == response_id
            )
        )
    )
    if not publication_ids:
        return 0
    db.session.execute(
        sa.delete(PublishedQuote).where(PublishedQuote.response_id == response_id),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        sa.update(ReportPublication)
        .where(ReportPublication.id.in_(set(publication_ids)))
        .values(version=ReportPublication.version + 1),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()
    return len(publication_ids)


def is_published(response_id: int) -> bool:
    """Whether this answer's quote is on a public page now."""
    found = db.session.scalar(
        sa.select(PublishedQuote.id).where(PublishedQuote.response_id == response_id).limit(1)
    )
    return found is not None


def published_response_ids(response_ids: list[int]) -> set[int]:
    """Which of these answers have a quote on a public page now."""
    if not response_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(PublishedQuote.response_id)
            .join(ReportPublication, ReportPublication.id == PublishedQuote.publication_id)
            .where(
                PublishedQuote.response_id.in_(response_ids),
                ReportPublication.is_public.is_(True),
            )
        )
    )


def consented_quotes_of(user_id: int) -> list[ImpressionResponse]:
    """A user's answers whose sentence they agreed to have published, newest first."""
    return list(
        db.session.scalars(
            sa.select(ImpressionResponse)
            .join(Delegate, Delegate.id == ImpressionResponse.delegate_id)
            .where(
                Delegate.user_id == user_id,
                ImpressionResponse.consent_to_quote.is_(True),
                ImpressionResponse.quote != "",
            )
            .options(
                joinedload(ImpressionResponse.form).joinedload(ImpressionForm.session),
                joinedload(ImpressionResponse.form).joinedload(ImpressionForm.festival),
            )
            .order_by(ImpressionResponse.submitted_at.desc(), ImpressionResponse.id.desc())
        ).unique()
    )


def set_quote_translations(
    publication: ReportPublication, quote: PublishedQuote, texts: dict[str, str]
) -> bool:
    """The organisers' translations of a published quote ({lang: text}, an
    empty text removes one); True if something changed."""
    current = {k: v for k, v in (quote.text_i18n or {}).items() if k != quote.language}
    wanted = dict(current)
    for lang, text in texts.items():
        text = text.strip()
        if lang == quote.language:
            continue
        if text:
            wanted[lang] = text
        else:
            wanted.pop(lang, None)
    if wanted == current:
        return False
    quote.text_i18n = wanted
    _touch(publication)
    return True


# --- photos ------------------------------------------------------------------


def add_photo(festival: Festival, photo: WebPhoto, alt_text: str, caption: str) -> ReportPhoto:
    """A new photo, last in order; shown once the report is (re)published."""
    last = db.session.scalar(
        sa.select(sa.func.max(ReportPhoto.position)).where(ReportPhoto.festival_id == festival.id)
    )
    row = ReportPhoto(
        festival_id=festival.id,
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        position=(last or 0) + 1,
        width=photo.width,
        height=photo.height,
        digest=photo.digest,
        data=photo.data,
    )
    db.session.add(row)
    return row


def delete_photo(festival: Festival, photo: ReportPhoto) -> None:
    """Remove a photo, from the public page too (at once)."""
    publication = publication_of(festival)
    if publication is not None and photo.id in (publication.photo_ids or []):
        publication.photo_ids = [i for i in publication.photo_ids if i != photo.id]
        _touch(publication)
    db.session.delete(photo)


def festival_photos(festival: Festival) -> list[ReportPhoto]:
    return list(
        db.session.scalars(
            sa.select(ReportPhoto)
            .where(ReportPhoto.festival_id == festival.id)
            .order_by(ReportPhoto.position, ReportPhoto.id)
        )
    )


# --- the public page ---------------------------------------------------------


@dataclass
class Section:
    """One event of the published report and its quotes."""

    title: Localized | None  # None: the closing section
    starts_at: datetime | None
    quotes: list[PublishedQuote] = field(default_factory=list)


def sections(publication: ReportPublication, lang: str, default_lang: str) -> list[Section]:
    """The published quotes grouped by event, in the published order."""
    result: list[Section] = []
    current: tuple[int, Section] | None = None
    for quote in publication.quotes:
        if current is None or current[0] != quote.event_position:
            title = (
                pick(quote.event_title, quote.event_title_i18n, lang, default_lang)
                if quote.event_title
                else None
            )
            current = (quote.event_position, Section(title, quote.event_starts_at))
            result.append(current[1])
        current[1].quotes.append(quote)
    return result


def published_photos(publication: ReportPublication) -> list[ReportPhoto]:
    """The publication's photos that still exist, in its order (one query)."""
    ids = list(publication.photo_ids or [])
    rows = {
        p.id: p for p in db.session.scalars(sa.select(ReportPhoto).where(ReportPhoto.id.in_(ids)))
    }
    return [rows[i] for i in ids if i in rows]
