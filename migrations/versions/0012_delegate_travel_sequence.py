"""delegates: a travel sequence for the flight events in calendars

delegates.travel_sequence rises whenever a flight's time, airport or number
changes, so the arrival and departure events of the personal feed move in
calendars that go by SEQUENCE. Existing rows start at 0.

Revision ID: 0012
Revises: 0004
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('travel_sequence', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('travel_sequence')
