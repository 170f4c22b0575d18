"""The translation forms: one item in every language, side by side; an import."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from festival.content.registry import FIELD_LABELS, MULTI_LINE, Kind
from festival.core.content import i18n_column
from festival.core.forms import Form


class ImportForm(Form):
    file = FileField(
        _l("Translated file (XLIFF 2.0 or XLSX)"),
        validators=[FileRequired(_l("Choose a file to upload."))],
    )
    submit = SubmitField(_l("Preview the import"))


class ApplyImportForm(Form):
    # The previewed rows, as JSON; checked again against the sources on apply.
    rows = HiddenField()
    submit = SubmitField(_l("Import these translations"))


def _max_length(kind: Kind, field: str) -> int:
    """The column's own limit (a title holds 200 characters): every language
    keeps to it, and the default language must, to be stored."""
    length = getattr(kind.model.__table__.c[field].type, "length", None)
    return int(length) if isinstance(length, int) else 10000


def item_form(kind: Kind, row: Any, languages: list[str]) -> Form:
    """A form with one field per translatable field and language (``title__ja``),
    filled with the row's texts; choices one per line."""

    class ItemForm(Form):
        submit = SubmitField(_l("Save the translations"))

    data: dict[str, str] = {}
    default = languages[0]
    for field in kind.fields:
        multi = field in MULTI_LINE
        cls = TextAreaField if multi else StringField
        limit = _max_length(kind, field)
        for lang in languages:
            name = f"{field}__{lang}"
            setattr(
                ItemForm,
                name,
                cls(
                    FIELD_LABELS.get(field, field),
                    validators=[Length(max=limit, message=_l("Keep it under %(max)s characters."))],
                ),
            )
            if lang == default:
                value = getattr(row, field)
            else:
                value = (getattr(row, i18n_column(field)) or {}).get(lang, "")
            data[name] = "\n".join(value) if isinstance(value, list) else (value or "")
    return ItemForm(data=data)
