"""offline check-in: the door device's key on attendances; check-in helpers

attendances.client_key (unique, nullable) is the UUID a door device gave an
offline check-in, so uploading it twice records it once. users.role gains
'checkin_helper', and users.helper_festival_id names the one festival a
helper may check people in for. Existing rows keep NULL in both.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _role(*values):
    return sa.Enum(*values, name='user_role', native_enum=False, create_constraint=True, length=32)


OLD_ROLES = ('organiser', 'delegate')
NEW_ROLES = (*OLD_ROLES, 'checkin_helper')


def upgrade():
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_attendances_client_key'), ['client_key']
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helper_festival_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_users_helper_festival_id'), ['helper_festival_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_users_helper_festival_id_festivals'),
            'festivals', ['helper_festival_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.drop_constraint(batch_op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint(
            'user_role', sa.column('role').in_(NEW_ROLES)
        )


def downgrade():
    op.execute("DELETE FROM users WHERE role = 'checkin_helper'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint('user_role', sa.column('role').in_(OLD_ROLES))
        batch_op.drop_constraint(
            batch_op.f('fk_users_helper_festival_id_festivals'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_users_helper_festival_id'))
        batch_op.drop_column('helper_festival_id')
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attendances_client_key'), type_='unique')
        batch_op.drop_column('client_key')
