"""protocol: names as people write them, visa data, history of changes

Delegates get a title, family and given names, the order they are said,
a romanisation note and a French form of address (all empty for existing
rows, whose full_name stays as typed until the record is next edited), and
visa data (nationality, passport number, date of birth, passport expiry).
Festivals get the visa letters' signatory. A new table delegate_changes
records who changed which field of a delegate, when, from what to what.

Revision ID: 0005
Revises: 0004
Create Date: 2027-02-01

"""

import sqlalchemy as sa
from alembic import op

import festival.core.types

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table("delegates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("family_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("given_names", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "name_order",
                _enum("name_order", "given_first", "family_first"),
                server_default="given_first",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("romanisation", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("address_form", _enum("address_form", "madam", "sir"), nullable=True)
        )
        batch_op.add_column(sa.Column("nationality", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("passport_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("passport_expires_on", sa.Date(), nullable=True))
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visa_signatory_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("visa_signatory_title", sa.String(length=200), nullable=True))
    op.create_table(
        "delegate_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("by_organiser", sa.Boolean(), nullable=False),
        sa.Column("changed_at", festival.core.types.UTCDateTime(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_delegate_changes_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegates.id"],
            name=op.f("fk_delegate_changes_delegate_id_delegates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegate_changes")),
    )
    with op.batch_alter_table("delegate_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delegate_changes_delegate_id"), ["delegate_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("delegate_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegate_changes_delegate_id"))
    op.drop_table("delegate_changes")
    with op.batch_alter_table("festivals", schema=None) as batch_op:
        batch_op.drop_column("visa_signatory_title")
        batch_op.drop_column("visa_signatory_name")
    with op.batch_alter_table("delegates", schema=None) as batch_op:
        # CHECKs first: SQLite's batch copy would keep them, naming gone columns.
        batch_op.drop_constraint(op.f("ck_delegates_address_form"), type_="check")
        batch_op.drop_constraint(op.f("ck_delegates_name_order"), type_="check")
        for column in (
            "passport_expires_on",
            "date_of_birth",
            "passport_number",
            "nationality",
            "address_form",
            "romanisation",
            "name_order",
            "given_names",
            "family_name",
            "title",
        ):
            batch_op.drop_column(column)
