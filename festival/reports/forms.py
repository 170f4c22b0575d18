"""The organisers' forms for the published report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from festival.core.forms import Form


class PhotoForm(Form):
    photo = FileField(
        _l("Photo (JPEG, PNG or WebP)"),
        validators=[FileRequired(_l("Choose a photo to upload."))],
    )
    alt_text = StringField(
        _l("Text alternative"),
        description=_l(
            "What the photo shows, for people who cannot see it "
            "(read aloud by screen readers, shown if the image does not load)."
        ),
        validators=[
            DataRequired(_l("Describe the photo: the report cannot show it without this text.")),
            Length(max=300),
        ],
    )
    caption = StringField(_l("Caption (optional)"), validators=[Length(max=300)])
