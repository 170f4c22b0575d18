"""itinerary cancelled items: what feeds keep of a deleted itinerary item

A deleted pickup, hotel or visit stays in the delegate's calendar feed as
STATUS:CANCELLED under its old UID (item id and creation time), with its
SEQUENCE raised, as a cancelled session does (issue #15 item 2). The item
row itself is deleted, so nothing else (counts, clashes, logistics) sees it.

Revision ID: 0003
Revises: 0002
Create Date: 2027-01-20

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "itinerary_cancelled_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "pickup",
                "hotel",
                "visit",
                "dinner",
                "transfer",
                "other",
                name="itinerary_item_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=400), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegates.id"],
            name=op.f("fk_itinerary_cancelled_items_delegate_id_delegates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_itinerary_cancelled_items_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_itinerary_cancelled_items")),
    )
    with op.batch_alter_table("itinerary_cancelled_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_itinerary_cancelled_items_delegate_id"), ["delegate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_itinerary_cancelled_items_delegation_id"),
            ["delegation_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("itinerary_cancelled_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_itinerary_cancelled_items_delegation_id"))
        batch_op.drop_index(batch_op.f("ix_itinerary_cancelled_items_delegate_id"))

    op.drop_table("itinerary_cancelled_items")
