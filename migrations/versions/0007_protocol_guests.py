"""protocol guests: accompanying persons, guests who are not a city, interpretation

- delegates.is_accompanying (false for everyone today) and
  delegates.accompanies_id: an accompanying person, outside the quota;
- festivals.accompanying_limit (1): accompanying persons per delegate;
- sessions.open_to_accompanying (false): the partner programme;
- sessions.interpretation_languages ([]): the languages the host's
  interpretation offers;
- cities.kind ('city' for every existing row): city, organisation, press,
  speaker; cities.creative_field may now be empty (an organisation has none);
- host_interpreters and session_interpreters: the host's interpreters and
  the sessions they are assigned to.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


CITY_KINDS = ('city', 'organisation', 'press', 'speaker')
CREATIVE_FIELDS = (
    'literature', 'film', 'music', 'crafts_and_folk_art', 'design', 'media_arts',
    'gastronomy', 'architecture',
)


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_accompanying', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('accompanies_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_delegates_accompanies_id'), ['accompanies_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_delegates_accompanies_id_delegates'),
            'delegates', ['accompanies_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('festivals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('accompanying_limit', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.create_check_constraint(
            'accompanying_limit_not_negative', 'accompanying_limit >= 0'
        )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'open_to_accompanying', sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column('interpretation_languages', sa.JSON(), server_default='[]', nullable=False)
        )
    with op.batch_alter_table('cities', schema=None) as batch_op:
        kind = sa.Enum(
            *CITY_KINDS, name='city_kind', native_enum=False, create_constraint=True, length=32
        )
        batch_op.add_column(sa.Column('kind', kind, server_default='city', nullable=False))
        batch_op.create_index(batch_op.f('ix_cities_kind'), ['kind'], unique=False)
        batch_op.alter_column(
            'creative_field',
            existing_type=sa.Enum(
                *CREATIVE_FIELDS, name='creative_field', native_enum=False, length=32
            ),
            nullable=True,
        )
    op.create_table(
        'host_interpreters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('festival_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['festival_id'], ['festivals.id'],
            name=op.f('fk_host_interpreters_festival_id_festivals'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_host_interpreters')),
        sa.UniqueConstraint(
            'festival_id', 'name', name=op.f('uq_host_interpreters_festival_id_name')
        ),
    )
    with op.batch_alter_table('host_interpreters', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_host_interpreters_festival_id'), ['festival_id'], unique=False
        )
    op.create_table(
        'session_interpreters',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('interpreter_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['interpreter_id'], ['host_interpreters.id'],
            name=op.f('fk_session_interpreters_interpreter_id_host_interpreters'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['sessions.id'],
            name=op.f('fk_session_interpreters_session_id_sessions'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'session_id', 'interpreter_id', name=op.f('pk_session_interpreters')
        ),
    )
    with op.batch_alter_table('session_interpreters', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_session_interpreters_interpreter_id'), ['interpreter_id'], unique=False
        )


def downgrade():
    op.drop_table('session_interpreters')
    op.drop_table('host_interpreters')
    with op.batch_alter_table('cities', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cities_city_kind'), type_='check')
        batch_op.drop_index(batch_op.f('ix_cities_kind'))
        batch_op.drop_column('kind')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('interpretation_languages')
        batch_op.drop_column('open_to_accompanying')
    with op.batch_alter_table('festivals', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_festivals_accompanying_limit_not_negative'), type_='check'
        )
        batch_op.drop_column('accompanying_limit')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('fk_delegates_accompanies_id_delegates'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_delegates_accompanies_id'))
        batch_op.drop_column('accompanies_id')
        batch_op.drop_column('is_accompanying')
