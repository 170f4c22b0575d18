"""changes reach people: pending changes to tell (issue #15)

pending_changes: one row per person and change of a session or itinerary
item they are concerned by, until the worker e-mails them after the quiet
period. A new table: no existing row changes.

Revision ID: 0009
Revises: 0004
Create Date: 2027-02-01

"""
import sqlalchemy as sa
from alembic import op

import festival.core.types

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=40), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('created_at', festival.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_pending_changes_delegate_created',
        'pending_changes',
        ['delegate_id', 'created_at'],
        unique=False,
    )
    op.create_index(
        op.f('ix_pending_changes_created_at'), 'pending_changes', ['created_at'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_pending_changes_created_at'), table_name='pending_changes')
    op.drop_index('ix_pending_changes_delegate_created', table_name='pending_changes')
    op.drop_table('pending_changes')
