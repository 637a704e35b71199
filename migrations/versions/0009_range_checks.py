"""range checks: every number, date and text of every table has its bounds in the database

Money and figures (BIGINT) and decimals below 10^15 in size, other whole numbers within a 32-bit integer, dates and times from 2000 to 2100, texts within their
column's length (SQLite does not hold VARCHAR(n) itself) and long texts within 100,000 characters: the rule
of ntm_intranet/ranges.py, which the models carry as CHECK constraints. The list below is that rule as it
stood at this revision (a revision is frozen; a later column gets its check in its own revision, and
tests/app/test_ranges.py fails when one is missing). The audit log is left out: the app alone writes it,
and its SQLite triggers would not survive the table rebuild that adding a CHECK needs there.

Revision ID: 0009_range_checks
Revises: 0008_record_versions
Create Date: 2026-12-07 18:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_range_checks'
down_revision = '0008_record_versions'
branch_labels = None
depends_on = None

CHECKS = {
    'base_salary': [
        ('effective_from', '"effective_from" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('amount', '"amount" BETWEEN -999999999999999 AND 999999999999999'),
        ('legal_basis', 'length("legal_basis") <= 200'),
    ],
    'campaign': [
        ('title', 'length("title") <= 300'),
        ('doc_number', 'length("doc_number") <= 40'),
        ('doc_date', '"doc_date" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('issuer', 'length("issuer") <= 160'),
        ('signer', 'length("signer") <= 120'),
        ('legal_bases', 'length("legal_bases") <= 100000'),
        ('period_start', '"period_start" BETWEEN -2147483647 AND 2147483647'),
        ('period_end', '"period_end" BETWEEN -2147483647 AND 2147483647'),
        ('criteria_set', 'length("criteria_set") <= 40'),
        ('remind_days_before', '"remind_days_before" BETWEEN -2147483647 AND 2147483647'),
        ('quorum_numerator', '"quorum_numerator" BETWEEN -2147483647 AND 2147483647'),
        ('quorum_denominator', '"quorum_denominator" BETWEEN -2147483647 AND 2147483647'),
        ('score_method', 'length("score_method") <= 10'),
        ('money_rounding', '"money_rounding" BETWEEN -2147483647 AND 2147483647'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'criterion': [
        ('set_code', 'length("set_code") <= 40'),
        ('number', '"number" BETWEEN -2147483647 AND 2147483647'),
        ('group_no', 'length("group_no") <= 8'),
        ('group_name', 'length("group_name") <= 120'),
        ('name', 'length("name") <= 200'),
    ],
    'unit': [
        ('code', 'length("code") <= 20'),
        ('name', 'length("name") <= 160'),
        ('kind', 'length("kind") <= 20'),
        ('sort_order', '"sort_order" BETWEEN -2147483647 AND 2147483647'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'award_form': [
        ('code', 'length("code") <= 20'),
        ('name', 'length("name") <= 200'),
        ('level', 'length("level") <= 60'),
        ('recipient_kinds', 'length("recipient_kinds") <= 60'),
        ('threshold_percent', '"threshold_percent" BETWEEN -2147483647 AND 2147483647'),
        ('quota', '"quota" BETWEEN -2147483647 AND 2147483647'),
        ('coefficient', '"coefficient" BETWEEN -999999999999999 AND 999999999999999'),
        ('min_household_contribution', '"min_household_contribution" BETWEEN -999999999999999 AND 999999999999999'),
        ('legal_basis', 'length("legal_basis") <= 100000'),
        ('sort_order', '"sort_order" BETWEEN -2147483647 AND 2147483647'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'milestone': [
        ('kind', 'length("kind") <= 30'),
        ('title', 'length("title") <= 200'),
        ('unit_kinds', 'length("unit_kinds") <= 120'),
        ('due_date', '"due_date" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'scoring_criterion': [
        ('name', 'length("name") <= 200'),
        ('description', 'length("description") <= 100000'),
        ('max_points', '"max_points" BETWEEN -2147483647 AND 2147483647'),
        ('weight', '"weight" BETWEEN -2147483647 AND 2147483647'),
        ('sort_order', '"sort_order" BETWEEN -2147483647 AND 2147483647'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'user': [
        ('username', 'length("username") <= 80'),
        ('full_name', 'length("full_name") <= 120'),
        ('email', 'length("email") <= 120'),
        ('position', 'length("position") <= 120'),
        ('password_hash', 'length("password_hash") <= 255'),
        ('session_token', 'length("session_token") <= 64'),
        ('created_at', '"created_at" >= \'2000-01-01\' AND "created_at" < \'2101-01-01\''),
        ('last_login_at', '"last_login_at" >= \'2000-01-01\' AND "last_login_at" < \'2101-01-01\''),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'board_member': [
        ('board_role', 'length("board_role") <= 120'),
    ],
    'board_session': [
        ('title', 'length("title") <= 200'),
        ('held_on', '"held_on" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('time_text', 'length("time_text") <= 40'),
        ('place', 'length("place") <= 200'),
        ('status', 'length("status") <= 20'),
        ('members_total', '"members_total" BETWEEN -2147483647 AND 2147483647'),
        ('opened_at', '"opened_at" >= \'2000-01-01\' AND "opened_at" < \'2101-01-01\''),
        ('closed_at', '"closed_at" >= \'2000-01-01\' AND "closed_at" < \'2101-01-01\''),
        ('seal_opslimit', '"seal_opslimit" BETWEEN -2147483647 AND 2147483647'),
        ('seal_memlimit', '"seal_memlimit" BETWEEN -2147483647 AND 2147483647'),
        ('voided_at', '"voided_at" >= \'2000-01-01\' AND "voided_at" < \'2101-01-01\''),
        ('void_reason', 'length("void_reason") <= 100000'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'conference': [
        ('title', 'length("title") <= 300'),
        ('held_on', '"held_on" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('place', 'length("place") <= 200'),
        ('chair', 'length("chair") <= 200'),
        ('invitation_number', 'length("invitation_number") <= 40'),
        ('reply_by', '"reply_by" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('invitations_sent_at', '"invitations_sent_at" >= \'2000-01-01\' AND "invitations_sent_at" < \'2101-01-01\''),
        ('cert_name_x', '"cert_name_x" BETWEEN -2147483647 AND 2147483647'),
        ('cert_name_y', '"cert_name_y" BETWEEN -2147483647 AND 2147483647'),
        ('cert_line_x', '"cert_line_x" BETWEEN -2147483647 AND 2147483647'),
        ('cert_line_y', '"cert_line_y" BETWEEN -2147483647 AND 2147483647'),
        ('cert_decision_x', '"cert_decision_x" BETWEEN -2147483647 AND 2147483647'),
        ('cert_decision_y', '"cert_decision_y" BETWEEN -2147483647 AND 2147483647'),
        ('created_at', '"created_at" >= \'2000-01-01\' AND "created_at" < \'2101-01-01\''),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'extension': [
        ('due_date', '"due_date" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('reason', 'length("reason") <= 100000'),
        ('granted_at', '"granted_at" >= \'2000-01-01\' AND "granted_at" < \'2101-01-01\''),
    ],
    'nomination': [
        ('kind', 'length("kind") <= 20'),
        ('name', 'length("name") <= 200'),
        ('position', 'length("position") <= 200'),
        ('address', 'length("address") <= 300'),
        ('summary', 'length("summary") <= 100000'),
        ('money', '"money" BETWEEN -999999999999999 AND 999999999999999'),
        ('labour_days', '"labour_days" BETWEEN -999999999999999 AND 999999999999999'),
        ('land_m2', '"land_m2" BETWEEN -999999999999999 AND 999999999999999'),
        ('trees', '"trees" BETWEEN -999999999999999 AND 999999999999999'),
        ('status', 'length("status") <= 20'),
        ('screening_note', 'length("screening_note") <= 100000'),
        ('submitted_at', '"submitted_at" >= \'2000-01-01\' AND "submitted_at" < \'2101-01-01\''),
        ('screened_at', '"screened_at" >= \'2000-01-01\' AND "screened_at" < \'2101-01-01\''),
        ('created_at', '"created_at" >= \'2000-01-01\' AND "created_at" < \'2101-01-01\''),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'notification': [
        ('created_at', '"created_at" >= \'2000-01-01\' AND "created_at" < \'2101-01-01\''),
        ('title', 'length("title") <= 200'),
        ('body', 'length("body") <= 100000'),
        ('link', 'length("link") <= 300'),
        ('read_at', '"read_at" >= \'2000-01-01\' AND "read_at" < \'2101-01-01\''),
    ],
    'reminder': [
        ('kind', 'length("kind") <= 20'),
        ('sent_on', '"sent_on" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('sent_at', '"sent_at" >= \'2000-01-01\' AND "sent_at" < \'2101-01-01\''),
        ('message', 'length("message") <= 100000'),
        ('emailed', '"emailed" BETWEEN -2147483647 AND 2147483647'),
    ],
    'submission': [
        ('status', 'length("status") <= 20'),
        ('first_submitted_at', '"first_submitted_at" >= \'2000-01-01\' AND "first_submitted_at" < \'2101-01-01\''),
        ('submitted_at', '"submitted_at" >= \'2000-01-01\' AND "submitted_at" < \'2101-01-01\''),
        ('reviewed_at', '"reviewed_at" >= \'2000-01-01\' AND "reviewed_at" < \'2101-01-01\''),
        ('review_comment', 'length("review_comment") <= 100000'),
        ('meeting_held_on', '"meeting_held_on" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('meeting_recorded_at', '"meeting_recorded_at" >= \'2000-01-01\' AND "meeting_recorded_at" < \'2101-01-01\''),
        ('figures_saved_at', '"figures_saved_at" >= \'2000-01-01\' AND "figures_saved_at" < \'2101-01-01\''),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
        ('money_state', '"money_state" BETWEEN -999999999999999 AND 999999999999999'),
        ('money_people', '"money_people" BETWEEN -999999999999999 AND 999999999999999'),
        ('money_other', '"money_other" BETWEEN -999999999999999 AND 999999999999999'),
        ('labour_days', '"labour_days" BETWEEN -999999999999999 AND 999999999999999'),
        ('land_m2', '"land_m2" BETWEEN -999999999999999 AND 999999999999999'),
        ('trees', '"trees" BETWEEN -999999999999999 AND 999999999999999'),
        ('structures_moved', '"structures_moved" BETWEEN -999999999999999 AND 999999999999999'),
        ('road_m', '"road_m" BETWEEN -999999999999999 AND 999999999999999'),
    ],
    'user_role': [
        ('role', 'length("role") <= 20'),
    ],
    'agenda_item': [
        ('position', '"position" BETWEEN -2147483647 AND 2147483647'),
        ('written_ballots', '"written_ballots" BETWEEN -2147483647 AND 2147483647'),
    ],
    'award_list': [
        ('revision', '"revision" BETWEEN -2147483647 AND 2147483647'),
        ('status', 'length("status") <= 20'),
        ('decision_number', 'length("decision_number") <= 40'),
        ('decision_date', '"decision_date" BETWEEN \'2000-01-01\' AND \'2100-12-31\''),
        ('base_salary', '"base_salary" BETWEEN -999999999999999 AND 999999999999999'),
        ('approved_at', '"approved_at" >= \'2000-01-01\' AND "approved_at" < \'2101-01-01\''),
        ('note', 'length("note") <= 100000'),
    ],
    'budget_estimate': [
        ('status', 'length("status") <= 20'),
        ('submitted_at', '"submitted_at" >= \'2000-01-01\' AND "submitted_at" < \'2101-01-01\''),
        ('appraised_at', '"appraised_at" >= \'2000-01-01\' AND "appraised_at" < \'2101-01-01\''),
        ('comment', 'length("comment") <= 100000'),
        ('approved_total', '"approved_total" BETWEEN -999999999999999 AND 999999999999999'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'conference_agenda_item': [
        ('position', '"position" BETWEEN -2147483647 AND 2147483647'),
        ('content', 'length("content") <= 300'),
        ('speaker', 'length("speaker") <= 200'),
        ('minutes', '"minutes" BETWEEN -2147483647 AND 2147483647'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'conference_honour': [
        ('position', '"position" BETWEEN -2147483647 AND 2147483647'),
    ],
    'conference_invitation': [
        ('category', 'length("category") <= 20'),
        ('name', 'length("name") <= 300'),
        ('detail', 'length("detail") <= 300'),
        ('position', '"position" BETWEEN -2147483647 AND 2147483647'),
        ('status', 'length("status") <= 20'),
        ('attendee_count', '"attendee_count" BETWEEN -2147483647 AND 2147483647'),
        ('attendee_names', 'length("attendee_names") <= 100000'),
        ('replied_at', '"replied_at" >= \'2000-01-01\' AND "replied_at" < \'2101-01-01\''),
    ],
    'nomination_file': [
        ('kind', 'length("kind") <= 30'),
        ('original_name', 'length("original_name") <= 255'),
        ('sha256', 'length("sha256") <= 64'),
        ('size', '"size" BETWEEN -999999999999999 AND 999999999999999'),
        ('content_type', 'length("content_type") <= 120'),
        ('uploaded_at', '"uploaded_at" >= \'2000-01-01\' AND "uploaded_at" < \'2101-01-01\''),
    ],
    'report_file': [
        ('kind', 'length("kind") <= 20'),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
        ('original_name', 'length("original_name") <= 255'),
        ('sha256', 'length("sha256") <= 64'),
        ('size', '"size" BETWEEN -999999999999999 AND 999999999999999'),
        ('content_type', 'length("content_type") <= 120'),
        ('uploaded_at', '"uploaded_at" >= \'2000-01-01\' AND "uploaded_at" < \'2101-01-01\''),
    ],
    'award_entry': [
        ('position', '"position" BETWEEN -2147483647 AND 2147483647'),
        ('amount', '"amount" BETWEEN -999999999999999 AND 999999999999999'),
        ('strike_reason', 'length("strike_reason") <= 100000'),
        ('result_text', 'length("result_text") <= 300'),
    ],
    'ballot': [
        ('choice', 'length("choice") <= 10'),
    ],
    'budget_line': [
        ('position', '"position" BETWEEN -2147483647 AND 2147483647'),
        ('kind', 'length("kind") <= 20'),
        ('item', 'length("item") <= 300'),
        ('unit', 'length("unit") <= 40'),
        ('quantity', '"quantity" BETWEEN -999999999999999 AND 999999999999999'),
        ('unit_price', '"unit_price" BETWEEN -999999999999999 AND 999999999999999'),
        ('amount', '"amount" BETWEEN -999999999999999 AND 999999999999999'),
        ('source', 'length("source") <= 200'),
        ('note', 'length("note") <= 100000'),
        ('adjusted_quantity', '"adjusted_quantity" BETWEEN -999999999999999 AND 999999999999999'),
        ('adjusted_unit_price', '"adjusted_unit_price" BETWEEN -999999999999999 AND 999999999999999'),
        ('adjusted_amount', '"adjusted_amount" BETWEEN -999999999999999 AND 999999999999999'),
        ('adjustment_comment', 'length("adjustment_comment") <= 100000'),
        ('adjusted_at', '"adjusted_at" >= \'2000-01-01\' AND "adjusted_at" < \'2101-01-01\''),
        ('version', '"version" BETWEEN -2147483647 AND 2147483647'),
    ],
    'paper_count': [
        ('issued', '"issued" BETWEEN -2147483647 AND 2147483647'),
        ('returned', '"returned" BETWEEN -2147483647 AND 2147483647'),
        ('valid', '"valid" BETWEEN -2147483647 AND 2147483647'),
        ('agree', '"agree" BETWEEN -2147483647 AND 2147483647'),
        ('disagree', '"disagree" BETWEEN -2147483647 AND 2147483647'),
        ('note', 'length("note") <= 100000'),
    ],
    'ballot_score': [
        ('points', '"points" BETWEEN -2147483647 AND 2147483647'),
    ],
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, condition in checks:
                batch_op.create_check_constraint(op.f(f"ck_{table}_{column}_range"), condition)


def downgrade():
    for table, checks in reversed(list(CHECKS.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _condition in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}_range"), type_="check")
