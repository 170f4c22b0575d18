"""confirmed role: the role an organiser confirmed, apart from the one typed

Delegates.confirmed_role is what opens restricted sessions (the Mayors'
Forum); delegates.role stays what the delegate declared or now proposes.
Every delegate already confirmed had their role confirmed with the
registration, so they keep it; the others get one when an organiser
confirms them.

Revision ID: 0002
Revises: 0001
Create Date: 2027-01-10

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


ROLES = ('mayor', 'deputy_mayor', 'official', 'interpreter', 'chef', 'press', 'other')


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        role = sa.Enum(
            *ROLES,
            name='delegate_confirmed_role',
            native_enum=False,
            create_constraint=True,
            length=32,
        )
        batch_op.add_column(sa.Column('confirmed_role', role, nullable=True))
        batch_op.add_column(
            sa.Column('role_proposed_at', sa.DateTime(timezone=True), nullable=True)
        )

    # Plain SQL on the table as it is now: no app model in a migration.
    delegates = sa.table(
        'delegates',
        sa.column('role', sa.String(32)),
        sa.column('confirmed_role', sa.String(32)),
        sa.column('status', sa.String(32)),
    )
    op.execute(
        delegates.update()
        .where(delegates.c.status == 'confirmed')
        .values(confirmed_role=delegates.c.role)
    )


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        # Its CHECK first: SQLite's batch copy would keep it, naming a gone column.
        batch_op.drop_constraint(op.f('ck_delegates_delegate_confirmed_role'), type_='check')
        batch_op.drop_column('role_proposed_at')
        batch_op.drop_column('confirmed_role')
