"""changes reach people: pending changes to tell, the evening digest (issue #15)

pending_changes: one row per person and change of a session or itinerary
item they are concerned by, until the worker e-mails them after the quiet
period. festivals.digest_at (local time of the evening e-mail, 18:00 for
existing festivals) and digest_sent_for (the last day it went out for);
delegates.daily_digest (on for everyone already registered). waiting_list:
the delegates waiting for a place in a full session, first come first served.

Revision ID: 0010
Revises: 0009
Create Date: 2027-02-01

"""
import sqlalchemy as sa
from alembic import op

import festival.core.types

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('festivals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('digest_at', sa.Time(), server_default='18:00:00', nullable=False)
        )
        batch_op.add_column(sa.Column('digest_sent_for', sa.Date(), nullable=True))
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('daily_digest', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
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
    op.create_table(
        'waiting_list',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=False),
        sa.Column('joined_at', festival.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'delegate_id'),
    )
    op.create_index(op.f('ix_waiting_list_session_id'), 'waiting_list', ['session_id'])
    op.create_index(op.f('ix_waiting_list_delegate_id'), 'waiting_list', ['delegate_id'])


def downgrade():
    op.drop_index(op.f('ix_waiting_list_delegate_id'), table_name='waiting_list')
    op.drop_index(op.f('ix_waiting_list_session_id'), table_name='waiting_list')
    op.drop_table('waiting_list')
    op.drop_index(op.f('ix_pending_changes_created_at'), table_name='pending_changes')
    op.drop_index('ix_pending_changes_delegate_created', table_name='pending_changes')
    op.drop_table('pending_changes')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('daily_digest')
    with op.batch_alter_table('festivals', schema=None) as batch_op:
        batch_op.drop_column('digest_sent_for')
        batch_op.drop_column('digest_at')
