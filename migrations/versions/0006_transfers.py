"""transfers: vehicles, escorts, transfers and each delegate's pickups; a
travel sequence on delegates

delegates.travel_sequence rises whenever a flight's time, airport or number
changes, so the arrival and departure events of the personal feed move in
calendars that go by SEQUENCE (existing rows start at 0). The transfer
tables start empty: vehicles and escorts per festival, its transfer
settings, transfers (a car at a time, to or from an airport) and
transfer_passengers (one delegate's pickup in one direction).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('travel_sequence', sa.Integer(), server_default='0', nullable=False)
        )

    op.create_table('escorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('festival_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['festival_id'], ['festivals.id'], name=op.f('fk_escorts_festival_id_festivals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escorts')),
    sa.UniqueConstraint('festival_id', 'name', name=op.f('uq_escorts_festival_id_name'))
    )
    with op.batch_alter_table('escorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escorts_festival_id'), ['festival_id'], unique=False)

    op.create_table('transfer_settings',
    sa.Column('festival_id', sa.Integer(), nullable=False),
    sa.Column('window_minutes', sa.Integer(), nullable=False),
    sa.Column('international_buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('domestic_buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('departure_buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('trip_minutes', sa.Integer(), nullable=False),
    sa.Column('mayors_own_car', sa.Boolean(), nullable=False),
    sa.Column('arrival_meeting_point', sa.String(length=200), nullable=False),
    sa.Column('departure_meeting_point', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['festival_id'], ['festivals.id'], name=op.f('fk_transfer_settings_festival_id_festivals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('festival_id', name=op.f('pk_transfer_settings'))
    )
    op.create_table('vehicles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('festival_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.Enum('car', 'van', 'minibus', 'bus', name='vehicle_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('luggage', sa.Integer(), nullable=False),
    sa.Column('plate', sa.String(length=20), nullable=False),
    sa.Column('driver_name', sa.String(length=120), nullable=False),
    sa.Column('driver_phone', sa.String(length=40), nullable=False),
    sa.Column('driver_email', sa.String(length=254), nullable=True),
    sa.Column('driver_language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('luggage >= 0', name=op.f('ck_vehicles_vehicle_luggage_not_negative')),
    sa.CheckConstraint('seats > 0', name=op.f('ck_vehicles_vehicle_has_seats')),
    sa.ForeignKeyConstraint(['festival_id'], ['festivals.id'], name=op.f('fk_vehicles_festival_id_festivals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vehicles')),
    sa.UniqueConstraint('festival_id', 'label', name=op.f('uq_vehicles_festival_id_label'))
    )
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vehicles_festival_id'), ['festival_id'], unique=False)

    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('festival_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('arrival', 'departure', name='transfer_direction', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('airport', sa.String(length=3), nullable=False),
    sa.Column('pickup_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('meeting_point', sa.String(length=200), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=True),
    sa.Column('escort_id', sa.Integer(), nullable=True),
    sa.Column('interpreter_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'on_its_way', 'done', name='transfer_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['escort_id'], ['escorts.id'], name=op.f('fk_transfers_escort_id_escorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['festival_id'], ['festivals.id'], name=op.f('fk_transfers_festival_id_festivals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interpreter_id'], ['delegates.id'], name=op.f('fk_transfers_interpreter_id_delegates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vehicle_id'], ['vehicles.id'], name=op.f('fk_transfers_vehicle_id_vehicles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfers_escort_id'), ['escort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_festival_id'), ['festival_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_pickup_at'), ['pickup_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_vehicle_id'), ['vehicle_id'], unique=False)

    op.create_table('transfer_passengers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('arrival', 'departure', name='passenger_direction', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=True),
    sa.Column('planned_flight_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('planned_flight', sa.String(length=20), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], name=op.f('fk_transfer_passengers_delegate_id_delegates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_transfer_passengers_transfer_id_transfers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_passengers')),
    sa.UniqueConstraint('delegate_id', 'direction', name=op.f('uq_transfer_passengers_delegate_id_direction'))
    )
    with op.batch_alter_table('transfer_passengers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_passengers_transfer_id'), ['transfer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('transfer_passengers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_passengers_transfer_id'))

    op.drop_table('transfer_passengers')
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfers_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_transfers_pickup_at'))
        batch_op.drop_index(batch_op.f('ix_transfers_festival_id'))
        batch_op.drop_index(batch_op.f('ix_transfers_escort_id'))

    op.drop_table('transfers')
    with op.batch_alter_table('vehicles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vehicles_festival_id'))

    op.drop_table('vehicles')
    op.drop_table('transfer_settings')
    with op.batch_alter_table('escorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escorts_festival_id'))

    op.drop_table('escorts')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('travel_sequence')
