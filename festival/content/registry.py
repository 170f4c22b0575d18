"""Every translatable field of the app, in one list.

A *kind* is a model with its translatable fields and how to find a
festival's rows of it; a *unit* is one field of one row (one choice of an
impression question counts as its own unit): what the translation page
counts, the per-item form edits and the exports carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.booths.models import Booth
from festival.core.content import i18n_column
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.impressions.models import ImpressionForm, ImpressionQuestion
from festival.itineraries.models import ItineraryItem
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegation


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # a lazy string
    model: Any
    fields: tuple[str, ...]
    # The festival's rows of this kind, in a stable order (one query).
    rows: Callable[[Festival], sa.Select[Any]]
    # The row's name on the translation page.
    name: Callable[[Any], str]
    list_fields: tuple[str, ...] = field(default=())


def _festival_rows(f: Festival) -> sa.Select[Any]:
    return sa.select(Festival).where(Festival.id == f.id)


KINDS: tuple[Kind, ...] = (
    Kind(
        "festival",
        _l("Festival"),
        Festival,
        (
            "name",
            "tagline",
            "description",
            "invitation_message",
            "confirmation_note",
            "decline_note",
            "visa_letter_body",
            "report_introduction",
        ),
        _festival_rows,
        lambda row: row.name,
    ),
    Kind(
        "venue",
        _l("Venue"),
        Venue,
        ("name", "address", "directions"),
        lambda f: sa.select(Venue).where(Venue.festival_id == f.id).order_by(Venue.name),
        lambda row: row.name,
    ),
    Kind(
        "session",
        _l("Session"),
        ProgrammeSession,
        ("title", "description", "speakers"),
        lambda f: (
            sa.select(ProgrammeSession)
            .where(ProgrammeSession.festival_id == f.id)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        ),
        lambda row: row.title,
    ),
    Kind(
        "item",
        _l("Itinerary item"),
        ItineraryItem,
        ("title", "notes"),
        lambda f: (
            sa.select(ItineraryItem)
            .join(Delegation, ItineraryItem.delegation_id == Delegation.id)
            .where(Delegation.festival_id == f.id)
            .order_by(ItineraryItem.starts_at, ItineraryItem.id)
        ),
        lambda row: row.title,
    ),
    Kind(
        "form",
        _l("Impression form"),
        ImpressionForm,
        ("title", "closing_text"),
        lambda f: (
            sa.select(ImpressionForm)
            .where(ImpressionForm.festival_id == f.id)
            .order_by(ImpressionForm.id)
        ),
        lambda row: row.title,
    ),
    Kind(
        "question",
        _l("Impression question"),
        ImpressionQuestion,
        ("text", "choices"),
        lambda f: (
            sa.select(ImpressionQuestion)
            .join(ImpressionForm)
            # The built-in questions are worded by the app in every language.
            .where(ImpressionForm.festival_id == f.id, ImpressionQuestion.builtin.is_(None))
            .order_by(
                ImpressionQuestion.form_id, ImpressionQuestion.position, ImpressionQuestion.id
            )
        ),
        lambda row: row.text,
        list_fields=("choices",),
    ),
    Kind(
        "booth",
        _l("Booth"),
        Booth,
        ("title", "description"),
        lambda f: sa.select(Booth).where(Booth.festival_id == f.id).order_by(Booth.id),
        lambda row: row.title,
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}

# Labels of the fields, for forms and exports.
FIELD_LABELS = {
    "name": _l("Name"),
    "tagline": _l("Tagline"),
    "description": _l("Description"),
    "invitation_message": _l("Message in the invitation e-mail"),
    "confirmation_note": _l("Note in the confirmation e-mail"),
    "decline_note": _l("Note in the decline e-mail"),
    "visa_letter_body": _l("Visa letter: extra paragraph"),
    "report_introduction": _l("Report introduction"),
    "address": _l("Address"),
    "directions": _l("Directions"),
    "title": _l("Title"),
    "speakers": _l("Speakers and their positions"),
    "notes": _l("Notes"),
    "closing_text": _l("Closing text"),
    "text": _l("Question"),
    "choices": _l("Choices"),
}
# Fields typed on several lines (a text area).
MULTI_LINE = {
    "description",
    "invitation_message",
    "confirmation_note",
    "decline_note",
    "visa_letter_body",
    "report_introduction",
    "directions",
    "speakers",
    "notes",
    "closing_text",
    "choices",
}


@dataclass(frozen=True)
class Unit:
    """One translatable text: ``kind:id:field`` (``:n`` for the n-th choice)."""

    kind: str
    item_id: int
    field: str
    index: int | None
    source: str
    translations: dict[str, str]
    name: str

    @property
    def key(self) -> str:
        tail = "" if self.index is None else f":{self.index}"
        return f"{self.kind}:{self.item_id}:{self.field}{tail}"


def units_of(kind: Kind, row: Any) -> Iterator[Unit]:
    """The units of one row, the empty sources left out (nothing to translate)."""
    for name in kind.fields:
        source = getattr(row, name)
        others = getattr(row, i18n_column(name)) or {}
        if name in kind.list_fields:
            for n, choice in enumerate(source or []):
                lines = {
                    lang: values[n]
                    for lang, values in others.items()
                    if isinstance(values, list) and n < len(values) and values[n]
                }
                yield Unit(kind.key, row.id, name, n, choice, lines, kind.name(row))
        elif source:
            texts = {lang: text for lang, text in others.items() if text}
            yield Unit(kind.key, row.id, name, None, source, texts, kind.name(row))


def kind_rows(festival: Festival, kind: Kind) -> Iterator[Any]:
    """The festival's rows of one kind, in one query, with only the columns
    :func:`units_of` reads: plain rows, not ORM objects (a festival has
    thousands of itinerary items, and loading them whole took most of the
    translation page's time)."""
    model = kind.model
    columns = [model.id]
    columns += [getattr(model, name) for name in kind.fields]
    columns += [getattr(model, i18n_column(name)) for name in kind.fields]
    yield from db.session.execute(kind.rows(festival).with_only_columns(*columns))


def festival_rows(festival: Festival) -> Iterator[tuple[Kind, Any]]:
    """Every translatable row of a festival (as :func:`kind_rows`), one query per kind."""
    for kind in KINDS:
        for row in kind_rows(festival, kind):
            yield kind, row


def festival_units(festival: Festival) -> list[Unit]:
    """Every unit of a festival."""
    return [unit for kind, row in festival_rows(festival) for unit in units_of(kind, row)]


def row_of(festival: Festival, kind_key: str, item_id: int) -> tuple[Kind, Any] | None:
    """One translatable row of this festival (None: not one of its rows)."""
    kind = BY_KEY.get(kind_key)
    if kind is None:
        return None
    model = kind.model
    row = db.session.scalar(kind.rows(festival).where(model.id == item_id).limit(1))
    return (kind, row) if row is not None else None
