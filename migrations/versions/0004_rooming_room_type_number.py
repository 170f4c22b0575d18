"""rooming: room type and room number, set by organisers

Delegates.room_type (single, twin, double, suite) and delegates.room_number
are what the organisers booked; the rooming list and its downloads show
them. Both start empty.

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-25

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


ROOM_TYPES = ('single', 'twin', 'double', 'suite')


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        room_type = sa.Enum(
            *ROOM_TYPES,
            name='room_type',
            native_enum=False,
            create_constraint=True,
            length=32,
        )
        batch_op.add_column(sa.Column('room_type', room_type, nullable=True))
        batch_op.add_column(sa.Column('room_number', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        # Its CHECK first: SQLite's batch copy would keep it, naming a gone column.
        batch_op.drop_constraint(op.f('ck_delegates_room_type'), type_='check')
        batch_op.drop_column('room_number')
        batch_op.drop_column('room_type')
