"""The base of every form in the app: text fields that hold no control characters.

A name typed with a line break in it ends up in an e-mail subject, a CSV
row, a badge; a stray escape or NUL is invisible on the page and breaks the
exports. So every text field of every form is cleaned the same way, before
its own filters and validators run, whatever the form or the field:

- a one-line field (``StringField``, ``EmailField``, ``SearchField``,
  ``HiddenField`` ...) gets :func:`~festival.core.incoming.single_line`:
  line breaks and tabs become a space, other control characters go;
- a ``TextAreaField`` gets :func:`~festival.core.incoming.multi_line`: line
  ends become ``\\n``, tabs stay, other control characters go.

Passwords are left exactly as typed: they are only ever hashed, and a
password changed here would no longer match. Forms derive from :class:`Form`
instead of ``FlaskForm`` (tests/test_security_control_chars.py checks them
all).
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from functools import cache, lru_cache
from typing import Any, TypeVar

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, PasswordField, SelectMultipleField, StringField, TextAreaField

# WTForms 3.3's option class, which types-wtforms (3.2) does not know yet: the
# forms import it from here, so that one line waits for the stubs.
from wtforms.fields.choices import (  # type: ignore[attr-defined]  # not in types-wtforms 3.2
    Choice,
    SelectChoice,
)
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.meta import DefaultMeta
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from festival.core.incoming import multi_line, single_line

FieldT = TypeVar("FieldT", bound=Field)
T = TypeVar("T")


def single_line_filter(value: Any) -> Any:
    """The field filter for one-line text (leaves ``None`` and non-text alone)."""
    return single_line(value) if isinstance(value, str) else value


def multi_line_filter(value: Any) -> Any:
    """The field filter for a text area (leaves ``None`` and non-text alone)."""
    return multi_line(value) if isinstance(value, str) else value


def text_filter(field_class: type[Field]) -> Callable[[Any], Any] | None:
    """The cleaning filter for fields of ``field_class``, or None if it holds no free text."""
    if issubclass(field_class, TextAreaField):
        return multi_line_filter
    if issubclass(field_class, PasswordField) or not issubclass(field_class, StringField):
        return None
    return single_line_filter


@cache
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsMessages:
    """WTForms' own messages ("This field is required.") in the page's language.

    Flask-WTF's reads WTForms' catalogue from disk again in every request
    that shows or checks a form; this reads each language's once per process.
    Outside a request, or without Flask-Babel, messages stay in English (as
    with Flask-WTF's).
    """

    def _catalogue(self) -> support.NullTranslations | None:
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        return _wtforms_catalogue(str(get_locale()))

    def gettext(self, string: str) -> str:
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


class Form(FlaskForm):
    """``FlaskForm`` whose text fields are cleaned first (see the module
    docstring), and whose WTForms messages come from catalogues read once."""

    class Meta(DefaultMeta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_MESSAGES

        def bind_field(
            self, form: Any, unbound_field: UnboundField[FieldT], options: MutableMapping[str, Any]
        ) -> FieldT:
            clean = text_filter(unbound_field.field_class)
            if clean is not None:
                # First, so that the field's own filters (strip, upper ...) see clean text.
                filters = unbound_field.kwargs.get("filters") or ()
                options = {**options, "filters": [clean, *filters]}
            return super().bind_field(form, unbound_field, options)


class LongSelect(Select):
    """A ``<select>`` of hundreds of options (the countries, a festival's
    delegations): each list of options is written once (per language, since
    its labels differ) and kept; a view marks its choices in a copy. WTForms
    wrote every option through ``html_params`` on each view: a third of the
    registration form's time for its 250 countries. ``multiple=True`` for a
    SelectMultipleField."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices or []
        if isinstance(choices, dict) or field.has_groups():
            return super().__call__(field, **kwargs)
        pairs = tuple(_option(c) for c in choices)
        if any(extra for _v, _l, extra in pairs):  # options with attributes of their own
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        options = list(_written_options(tuple((v, label) for v, label, _x in pairs)))
        chosen = (field.data or []) if self.multiple else [field.data]
        for index, (value, label, _x) in enumerate(pairs):
            if field.coerce(value) in chosen:
                # WTForms 3.3 renders a Choice; types-wtforms 3.2 knows the older signature.
                options[index] = self.render_option(Choice(value, label, True, {}))  # type: ignore[call-arg]
                if not self.multiple:
                    break
        # html_params and render_option escape every value and label.
        return Markup(  # noqa: S704
            f"<select {html_params(name=field.name, **kwargs)}>{''.join(options)}</select>"
        )


def _option(choice: Any) -> tuple[Any, str, bool]:
    """(value, label, has attributes of its own) of a choice as forms give them."""
    if isinstance(choice, SelectChoice):
        return choice.value, str(choice.label), bool(choice.render_kw)
    if isinstance(choice, str):
        return choice, choice, False
    return choice[0], str(choice[1]), len(choice) > 2


@lru_cache(maxsize=32)
def _written_options(pairs: tuple[tuple[Any, str], ...]) -> tuple[str, ...]:
    render = Select.render_option
    return tuple(str(render(Choice(value, label, False, {}))) for value, label in pairs)  # type: ignore[call-arg]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (the forms macro draws it as a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def add_error(field: Field, message: str) -> None:
    """Show ``message`` at ``field``, after its own validation ran."""
    field.errors = [*field.errors, message]


def required(data: T | None) -> T:
    """A required field's data once the form has validated: never None then
    (the field types allow None, for the form before it is filled)."""
    if data is None:
        raise ValueError("a required field is empty: validate the form first")
    return data
