"""spot checks and tasks: a rejected registration, spot-checks with their verdicts, "5 rõ" tasks

A result a spot-check call-back finds untrue gets the registration status 'rejected' (kept, no
longer counted, distinct from a void). The spot-check tables keep the checkers named per
campaign, each draw with its seed and the digest of the results it was drawn from, the sampled
results and every verdict given. The task table holds tasks by the "5 rõ" (a unit, a person,
what, a due time, the expected and the reported result), optionally of a launch event.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 11:36:26.959997

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db

OLD = "status IN ('waiting', 'called', 'recorded', 'voided', 'duplicate', 'absent')"
NEW = ("status IN ('waiting', 'called', 'recorded', 'voided', 'duplicate', 'absent', "
       "'rejected')")


def _status_check(condition):
    # SQLite changes a CHECK only by rebuilding the table (batch mode).
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registration_status'), sa.text(condition))


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    _status_check(NEW)
    op.create_table('spot_checker',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('named_by_id', sa.Integer(), nullable=True),
    sa.Column('named_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_spot_checker_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['named_by_id'], ['user.id'], name=op.f('fk_spot_checker_named_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_spot_checker_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'user_id', name=op.f('pk_spot_checker'))
    )
    op.create_table('spot_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_key', sa.String(length=30), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('size_kind', sa.String(length=5), nullable=False),
    sa.Column('size_value', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=32), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('population_digest', sa.String(length=64), nullable=False),
    sa.Column('checker_id', sa.Integer(), nullable=False),
    sa.Column('drawn_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("size_kind IN ('count', 'share')", name=op.f('ck_spot_check_size_kind')),
    sa.CheckConstraint('size_value > 0', name=op.f('ck_spot_check_size_value')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_spot_check_area_id_area')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_spot_check_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checker_id'], ['user.id'], name=op.f('fk_spot_check_checker_id_user')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_spot_check_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check')),
    sa.UniqueConstraint('campaign_id', 'unit_key', 'first_day', 'last_day', name=op.f('uq_spot_check_campaign_id_unit_key_first_day_last_day'))
    )
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_check_checker_id'), ['checker_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('due_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expected_result', sa.Text(), nullable=False),
    sa.Column('result_reported', sa.Text(), nullable=True),
    sa.Column('done_at', fieldops.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fieldops.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_task_one_unit')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_task_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_task_created_by_id_user')),
    sa.ForeignKeyConstraint(['event_id'], ['launch_event.id'], name=op.f('fk_task_event_id_launch_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_task_member_id_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_task_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_task_reported_by_id_user')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_task_team_id_team'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_user_id'), ['user_id'], unique=False)

    op.create_table('spot_check_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spot_check_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=12), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', fieldops.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("verdict IS NULL OR verdict IN ('confirmed', 'rejected', 'unreachable')", name=op.f('ck_spot_check_item_verdict')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_spot_check_item_checked_by_id_user')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_spot_check_item_registration_id_registration')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_check.id'], name=op.f('fk_spot_check_item_spot_check_id_spot_check'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_spot_check_item_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_item')),
    sa.UniqueConstraint('spot_check_id', 'registration_id', name=op.f('uq_spot_check_item_spot_check_id_registration_id'))
    )
    with op.batch_alter_table('spot_check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_item_registration_id'), ['registration_id'], unique=False)

    op.create_table('spot_check_verdict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=True),
    sa.Column('given_by_id', sa.Integer(), nullable=True),
    sa.Column('given_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['given_by_id'], ['user.id'], name=op.f('fk_spot_check_verdict_given_by_id_user')),
    sa.ForeignKeyConstraint(['item_id'], ['spot_check_item.id'], name=op.f('fk_spot_check_verdict_item_id_spot_check_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_verdict'))
    )
    with op.batch_alter_table('spot_check_verdict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_verdict_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('spot_check_verdict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_verdict_item_id'))

    op.drop_table('spot_check_verdict')
    with op.batch_alter_table('spot_check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_item_registration_id'))

    op.drop_table('spot_check_item')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_user_id'))
        batch_op.drop_index(batch_op.f('ix_task_event_id'))
        batch_op.drop_index(batch_op.f('ix_task_campaign_id'))

    op.drop_table('task')
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_checker_id'))
        batch_op.drop_index(batch_op.f('ix_spot_check_campaign_id'))

    op.drop_table('spot_check')
    op.drop_table('spot_checker')
    # The old statuses have no rejection: a rejected record goes back to recorded (counted).
    op.execute("UPDATE registration SET status = 'recorded' WHERE status = 'rejected'")
    _status_check(OLD)
