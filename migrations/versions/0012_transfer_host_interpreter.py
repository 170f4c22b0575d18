"""transfers: a host interpreter may ride along

- transfers.host_interpreter_id (empty for every existing transfer): one
  of the host's interpreters (host_interpreters), beside interpreter_id
  (a delegate who interprets).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("host_interpreter_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_transfers_host_interpreter_id"), ["host_interpreter_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_transfers_host_interpreter_id_host_interpreters"),
            "host_interpreters",
            ["host_interpreter_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_transfers_host_interpreter_id_host_interpreters"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_transfers_host_interpreter_id"))
        batch_op.drop_column("host_interpreter_id")
