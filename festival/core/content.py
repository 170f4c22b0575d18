"""Content in several languages: what organisers type, with a fallback.

Storage, the same for every translatable column: the column itself keeps
the text in the festival's default content language (so every existing
query, sort and export still reads it), and a JSON column beside it,
``<column>_i18n``, holds the other languages as ``{"ja": "...", "fr": "..."}``.
The translations are part of the row, so they load with it: no join and no
extra query per item on any page or feed.

This module is the ground floor (no domain imports): it picks the text to
show and renders it with its own ``lang`` when it falls back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_app_context
from markupsafe import Markup, escape

# The content languages a festival may offer, the first the default for new
# festivals; the setting CONTENT_LANGUAGES overrides it ("en ja fr ko"), so
# adding a language is configuration, not code.
DEFAULT_CONTENT_LANGUAGES = ("en", "ja", "fr")


@dataclass(frozen=True)
class Localized:
    """A text picked for a reader: in ``lang``; ``is_fallback`` when the
    reader's language had none and this is the default language's text."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def i18n_column(field: str) -> str:
    """The name of the column holding ``field``'s translations."""
    return f"{field}_i18n"


def content_languages() -> tuple[str, ...]:
    """Every content language the app offers (configuration)."""
    if has_app_context():
        return tuple(current_app.config.get("CONTENT_LANGUAGES") or DEFAULT_CONTENT_LANGUAGES)
    return DEFAULT_CONTENT_LANGUAGES


def pick(
    default_text: str | None, translations: Mapping[str, Any] | None, lang: str, default_lang: str
) -> Localized:
    """The text for ``lang``: its translation if there is one, else the
    default language's text, marked as a fallback (unless ``lang`` is the default).

    The translations are looked up even for the default language: nothing
    stores it there, unless a festival's default changed after translating,
    and then the typed translation is the better text.
    """
    text = (translations or {}).get(lang)
    if isinstance(text, str) and text.strip():
        return Localized(text, lang, False)
    return Localized(default_text or "", default_lang, lang != default_lang)


def localized(obj: Any, field: str, lang: str, default_lang: str | None = None) -> Localized:
    """``obj.field`` in ``lang``, falling back to the default content language."""
    return pick(
        getattr(obj, field),
        getattr(obj, i18n_column(field), None),
        lang,
        default_lang or current_default_language(),
    )


def pick_list(
    default: list[str], translations: Mapping[str, Any] | None, lang: str, default_lang: str
) -> tuple[list[str], bool]:
    """A list (an impression question's choices) in ``lang``: its translation
    when it has as many items as the default, else the default (a fallback)."""
    other = (translations or {}).get(lang)
    if isinstance(other, list) and len(other) == len(default) and all(other):
        return [str(x) for x in other], False
    return list(default), lang != default_lang


def current_default_language() -> str:
    """The default content language of the festival being served (``g.festival``),
    else the app's first content language."""
    if not has_app_context():
        return content_languages()[0]
    festival = g.get("festival")
    code = getattr(festival, "content_language", None) or g.get("content_language")
    return code or content_languages()[0]


def use_content_language(code: str) -> None:
    """The default content language of a page outside a festival's URLs (a
    secret link), for fallbacks to carry the right ``lang``."""
    g.content_language = code


def set_translation(obj: Any, field: str, lang: str, text: str, default_lang: str) -> bool:
    """Store ``text`` as ``obj.field`` in ``lang``; True if something changed.

    The default language writes the column itself; another writes its JSON
    column, reassigned as a new dict so SQLAlchemy sees the change (and the
    row's ``updated_at`` moves: feeds show the edit, as for a description).
    """
    text = (text or "").strip()
    if lang == default_lang:
        if (getattr(obj, field) or "") == text:
            return False
        setattr(obj, field, text)
        return True
    column = i18n_column(field)
    current = dict(getattr(obj, column, None) or {})
    if (current.get(lang) or "") == text:
        return False
    if text:
        current[lang] = text
    else:
        current.pop(lang, None)
    setattr(obj, column, current)
    return True


def source_hash(text: str | None) -> str:
    """A short fingerprint of a source text, carried in exports so that an
    import can refuse a translation made from an older source."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


class Lazy:
    """A content field read when it is turned into text, in the locale then
    in force: for a lazy e-mail subject ("Invitation to %(festival)s"),
    translated in the recipient's language when the outbox renders it."""

    def __init__(self, obj: Any, field: str, default_lang: str | None = None) -> None:
        self.obj, self.field, self.default_lang = obj, field, default_lang

    def __str__(self) -> str:
        from flask_babel import get_locale

        return localized(self.obj, self.field, str(get_locale()), self.default_lang).text

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy(obj: Any, field: str) -> Lazy:
    """``obj.field`` in the reader's language, read when it is shown (see :class:`Lazy`)."""
    return Lazy(obj, field, getattr(obj, "content_language", None))


def render(value: Localized, organiser: bool = False) -> Markup:
    """HTML for a picked text: a fallback in its own ``lang`` (screen readers
    switch voice), and for organisers a visible "not translated" marker."""
    if not value.is_fallback:
        return escape(value.text)
    html = Markup('<span lang="{}">{}</span>').format(value.lang, value.text)
    if organiser and value.text:
        from flask_babel import gettext

        html += Markup(' <span class="untranslated">{}</span>').format(gettext("(not translated)"))
    return html
