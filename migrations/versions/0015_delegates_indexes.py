"""delegates indexed on updated_at, arrival_at and departure_at: the latest
change of any delegate is read as a version stamp on busy pages (the
impressions overview's attendance counts), and the transfers desk finds a
day's travellers and the first arrival, by index instead of a scan. No row
changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 02:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("delegates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegates_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegates_arrival_at"), ["arrival_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_delegates_departure_at"), ["departure_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("delegates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegates_departure_at"))
        batch_op.drop_index(batch_op.f("ix_delegates_arrival_at"))
        batch_op.drop_index(batch_op.f("ix_delegates_updated_at"))
