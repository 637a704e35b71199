"""record versions: every record a person edits carries a version (optimistic locking)

Campaigns, milestones, units, accounts, award forms, scoring criteria, the conference, its agenda items
and its budget lines gain `version` (1 for every existing row), which each UPDATE checks and increments,
so two people editing the same record never overwrite each other silently and never get a 500
(ntm_intranet/versioning.py). Dossiers, nominations, sessions and the estimate had one already.

Revision ID: 0008_record_versions
Revises: 0007_ballot_encryption
Create Date: 2026-12-07 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_record_versions'
down_revision = '0007_ballot_encryption'
branch_labels = None
depends_on = None

TABLES = ('user', 'campaign', 'milestone', 'unit', 'award_form', 'scoring_criterion', 'conference',
          'conference_agenda_item', 'budget_line')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
