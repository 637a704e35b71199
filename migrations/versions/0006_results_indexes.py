"""results indexes: a closed session's tally and scores read from covering indexes

The results of 2,000 candidates × 15 members × 5 criteria read 30,000 ballots and 150,000 scores. With an
index on the ballot's session alone and one on the score's ballot alone, every row was also looked up
in its table; the new indexes hold the columns the tally and the score sums read.

Revision ID: 0006_results_indexes
Revises: 0005_conference
Create Date: 2026-11-29 19:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_results_indexes'
down_revision = '0005_conference'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index('ix_ballot_session_item', ['session_id', 'item_id', 'choice', 'written'], unique=False)
        batch_op.drop_index(batch_op.f('ix_ballot_session_id'))

    with op.batch_alter_table('ballot_score', schema=None) as batch_op:
        batch_op.create_index('ix_ballot_score_points', ['ballot_id', 'criterion_id', 'points'], unique=False)
        batch_op.drop_index(batch_op.f('ix_ballot_score_ballot_id'))


def downgrade():
    with op.batch_alter_table('ballot_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_score_ballot_id'), ['ballot_id'], unique=False)
        batch_op.drop_index('ix_ballot_score_points')

    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_session_id'), ['session_id'], unique=False)
        batch_op.drop_index('ix_ballot_session_item')
