"""ballot encryption: sealed sheets during a session, a per-session public key, voided sessions

While an electronic session is open, each member's sheet is stored only as ciphertext (sealed_sheet) sealed
to the session's public key; the private key is derived from a passphrase typed at opening and closing and is
never stored. board_session gains that public key, the Argon2id salt and costs, and what a voided session
(lost passphrase) records. The count of written opinions moves from each ballot to agenda_item.

A session opened before this revision has plaintext ballots and no key: close or finish every open electronic
session with the previous version before upgrading. The upgrade refuses to run while one is open.

Revision ID: 0007_ballot_encryption
Revises: 0006_results_indexes
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ballot_encryption'
down_revision = '0006_results_indexes'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    still_open = bind.execute(sa.text("SELECT count(*) FROM board_session WHERE status = 'open' AND NOT paper")) \
        .scalar()
    if still_open:
        raise RuntimeError(f"{still_open} electronic board session(s) still open: close them with the previous "
                           "version before upgrading (their ballots were written before ballot encryption).")

    with op.batch_alter_table('board_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal_public_key', sa.LargeBinary(length=32), nullable=True))
        batch_op.add_column(sa.Column('seal_salt', sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(sa.Column('seal_opslimit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seal_memlimit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=False, server_default=''))

    # Which ballot came in writing named the absent member who wrote it: the count moves to the candidate's
    # agenda item, and no ballot row says it any more (also for sessions closed before this revision).
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('written_ballots', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE agenda_item SET written_ballots = (SELECT count(*) FROM ballot "
               "WHERE ballot.item_id = agenda_item.id AND ballot.written)")
    op.execute("UPDATE ballot SET written = false WHERE written")

    op.create_table('sealed_sheet',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('box', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['board_session.id'], name=op.f('fk_sealed_sheet_session_id_board_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_sheet')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('sealed_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_sheet_session_id'), ['session_id'], unique=False)


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (PostgreSQL; SQLite 3.35 and newer), not a batch rebuild: rebuilding
    # board_session on SQLite with foreign keys on would drop the old table and cascade-delete every agenda
    # item, attendance row and ballot of every session.
    with op.batch_alter_table('sealed_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sealed_sheet_session_id'))
    op.drop_table('sealed_sheet')
    # The written flags are not put back: which ballot came in writing is not known any more, only how many.
    op.execute('ALTER TABLE agenda_item DROP COLUMN written_ballots')
    for column in ('void_reason', 'voided_at', 'seal_memlimit', 'seal_opslimit', 'seal_salt', 'seal_public_key'):
        op.execute(f'ALTER TABLE board_session DROP COLUMN {column}')
