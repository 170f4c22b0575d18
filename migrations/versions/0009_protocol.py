"""protocol: precedence, speaking orders and seating plans

New tables only (nothing existing changes): the festival's precedence
rule and host (protocol_settings), each city's name, kana reading and
manual place per festival (protocol_cities), per-person overrides
(protocol_overrides), the cached ranks lists sort by (protocol_ranks),
speaking-order slot settings (protocol_speaking_orders), and seating
plans with their tables and seats (protocol_plans, protocol_tables,
protocol_seats).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:26:37.011517

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "protocol_cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("local_name", sa.String(length=120), nullable=True),
        sa.Column("reading", sa.String(length=120), nullable=True),
        sa.Column("manual_position", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_protocol_cities_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_protocol_cities_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_cities")),
        sa.UniqueConstraint(
            "festival_id", "city_id", name=op.f("uq_protocol_cities_festival_id_city_id")
        ),
    )
    with op.batch_alter_table("protocol_cities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_cities_festival_id"), ["festival_id"], unique=False
        )

    op.create_table(
        "protocol_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "layout",
            sa.Enum(
                "tables",
                "rows",
                name="seating_layout",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("mix_delegations", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_protocol_plans_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_protocol_plans_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_plans")),
        sa.UniqueConstraint("session_id", name=op.f("uq_protocol_plans_session_id")),
    )
    with op.batch_alter_table("protocol_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_plans_festival_id"), ["festival_id"], unique=False
        )

    op.create_table(
        "protocol_speaking_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_protocol_speaking_orders_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_protocol_speaking_orders_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_speaking_orders")),
        sa.UniqueConstraint("session_id", name=op.f("uq_protocol_speaking_orders_session_id")),
    )
    with op.batch_alter_table("protocol_speaking_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_speaking_orders_festival_id"), ["festival_id"], unique=False
        )

    op.create_table(
        "protocol_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("rank_class", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegates.id"],
            name=op.f("fk_protocol_overrides_delegate_id_delegates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_protocol_overrides_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_overrides")),
        sa.UniqueConstraint("delegate_id", name=op.f("uq_protocol_overrides_delegate_id")),
    )
    with op.batch_alter_table("protocol_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_overrides_festival_id"), ["festival_id"], unique=False
        )

    op.create_table(
        "protocol_ranks",
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegates.id"],
            name=op.f("fk_protocol_ranks_delegate_id_delegates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_protocol_ranks_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delegate_id", name=op.f("pk_protocol_ranks")),
    )
    with op.batch_alter_table("protocol_ranks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_ranks_festival_id"), ["festival_id"], unique=False
        )

    op.create_table(
        "protocol_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("festival_id", sa.Integer(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "alphabetical",
                "joining_year",
                "manual",
                name="equal_rank_rule",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("host_delegate_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["festival_id"],
            ["festivals.id"],
            name=op.f("fk_protocol_settings_festival_id_festivals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_delegate_id"],
            ["delegates.id"],
            name=op.f("fk_protocol_settings_host_delegate_id_delegates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_settings")),
        sa.UniqueConstraint("festival_id", name=op.f("uq_protocol_settings_festival_id")),
    )
    op.create_table(
        "protocol_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "shape",
            sa.Enum(
                "round",
                "long",
                "row",
                name="table_shape",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.CheckConstraint("seats > 0", name=op.f("ck_protocol_tables_has_seats")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["protocol_plans.id"],
            name=op.f("fk_protocol_tables_plan_id_protocol_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_tables")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_protocol_tables_plan_id_number")),
    )
    with op.batch_alter_table("protocol_tables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_protocol_tables_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "protocol_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegate_id"],
            ["delegates.id"],
            name=op.f("fk_protocol_seats_delegate_id_delegates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["protocol_plans.id"],
            name=op.f("fk_protocol_seats_plan_id_protocol_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["protocol_tables.id"],
            name=op.f("fk_protocol_seats_table_id_protocol_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_seats")),
        sa.UniqueConstraint(
            "plan_id", "delegate_id", name=op.f("uq_protocol_seats_plan_id_delegate_id")
        ),
        sa.UniqueConstraint("table_id", "seat", name=op.f("uq_protocol_seats_table_id_seat")),
    )
    with op.batch_alter_table("protocol_seats", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protocol_seats_delegate_id"), ["delegate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_protocol_seats_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_protocol_seats_table_id"), ["table_id"], unique=False)


def downgrade():
    with op.batch_alter_table("protocol_seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_seats_table_id"))
        batch_op.drop_index(batch_op.f("ix_protocol_seats_plan_id"))
        batch_op.drop_index(batch_op.f("ix_protocol_seats_delegate_id"))

    op.drop_table("protocol_seats")
    with op.batch_alter_table("protocol_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_tables_plan_id"))

    op.drop_table("protocol_tables")
    op.drop_table("protocol_settings")
    with op.batch_alter_table("protocol_ranks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_ranks_festival_id"))

    op.drop_table("protocol_ranks")
    with op.batch_alter_table("protocol_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_overrides_festival_id"))

    op.drop_table("protocol_overrides")
    with op.batch_alter_table("protocol_speaking_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_speaking_orders_festival_id"))

    op.drop_table("protocol_speaking_orders")
    with op.batch_alter_table("protocol_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_plans_festival_id"))

    op.drop_table("protocol_plans")
    with op.batch_alter_table("protocol_cities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protocol_cities_festival_id"))

    op.drop_table("protocol_cities")
