"""content languages: translations beside every translatable column

Each translatable text column gets a JSON column ``<name>_i18n`` holding its
other languages ({"ja": "...", "fr": "..."}); the column itself keeps the
festival's default content language, so existing rows stay as they are.
Festivals get a default content language ("en" for existing rows, the
language they were typed in), the content languages offered, and the texts
that were not stored yet: tagline, description, the organisers' standing
notes in e-mails (invitation, confirmation, decline), the visa letter's
body and the report's introduction. Venues get directions; impression forms
a closing text; a deleted itinerary item's cancelled copy keeps its
translated title.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

EMPTY = sa.text("'{}'")
BLANK = sa.text("''")

# table -> (translated columns, new text columns (name, type))
TABLES = {
    "festivals": (
        [
            "name",
            "tagline",
            "description",
            "invitation_message",
            "confirmation_note",
            "decline_note",
            "visa_letter_body",
            "report_introduction",
        ],
        [
            ("tagline", sa.String(300)),
            ("description", sa.Text()),
            ("invitation_message", sa.Text()),
            ("confirmation_note", sa.Text()),
            ("decline_note", sa.Text()),
            ("visa_letter_body", sa.Text()),
            ("report_introduction", sa.Text()),
        ],
    ),
    "venues": (["name", "address", "directions"], [("directions", sa.Text())]),
    "sessions": (["title", "description", "speakers"], []),
    "itinerary_items": (["title", "notes"], []),
    "itinerary_cancelled_items": (["title"], []),
    "impression_forms": (["title", "closing_text"], [("closing_text", sa.Text())]),
    "impression_questions": (["text", "choices"], []),
}


def upgrade():
    for table, (translated, texts) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "festivals":
                batch_op.add_column(
                    sa.Column(
                        "content_language", sa.String(length=8), nullable=False, server_default="en"
                    )
                )
                batch_op.add_column(
                    sa.Column(
                        "content_languages",
                        sa.JSON(),
                        nullable=False,
                        server_default=sa.text("'[]'"),
                    )
                )
            for name, type_ in texts:
                batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=BLANK))
            for name in translated:
                batch_op.add_column(
                    sa.Column(f"{name}_i18n", sa.JSON(), nullable=False, server_default=EMPTY)
                )


def downgrade():
    for table, (translated, texts) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in translated:
                batch_op.drop_column(f"{name}_i18n")
            for name, _type in texts:
                batch_op.drop_column(name)
            if table == "festivals":
                batch_op.drop_column("content_languages")
                batch_op.drop_column("content_language")
