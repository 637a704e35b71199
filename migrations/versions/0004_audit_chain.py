"""audit chain: every audit event carries prev_hash and hash; the log refuses edits

Revision ID: 0004_audit_chain
Revises: 0003
Create Date: 2026-11-30 09:00:00

Existing events are chained in id order (the first one onto 64 zeros), with the same canonical
serialization the application uses (ntm_intranet.audit.chain_hash), so `flask ntm verify-audit`
accepts a log that was upgraded. The database triggers that refuse edits are created last.
"""
import sqlalchemy as sa
from alembic import op

from ntm_intranet.audit import GENESIS, HASHED_FIELDS, chain_hash, drop_guard_sql, guard_sql

# revision identifiers, used by Alembic.
revision = "0004_audit_chain"
down_revision = "0003"
branch_labels = None
depends_on = None


def _events_table():
    # The columns as the application maps them, so values read back exactly as the ORM reads them.
    return sa.table(
        "audit_event",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer()),
        sa.column("actor_name", sa.String(80)),
        sa.column("action", sa.String(60)),
        sa.column("object_type", sa.String(40)),
        sa.column("object_id", sa.String(40)),
        sa.column("summary", sa.Text()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("ip", sa.String(64)),
        sa.column("prev_hash", sa.String(64)),
        sa.column("hash", sa.String(64)),
    )


def _backfill():
    bind = op.get_bind()
    events = _events_table()
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    prev = GENESIS
    for row in rows:
        digest = chain_hash({name: row[name] for name in HASHED_FIELDS}, prev)
        bind.execute(events.update().where(events.c.id == row["id"]).values(prev_hash=prev, hash=digest))
        prev = digest


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    _backfill()

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_prev_hash"), ["prev_hash"])

    for statement in guard_sql(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_guard_sql(op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_prev_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
