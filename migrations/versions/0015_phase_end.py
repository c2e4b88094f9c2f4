"""phase end: rankings frozen automatically, undo before the end, the log, commendation thresholds

A frozen ranking now keeps each unit's spot-check confirmation rate and the unit it stands for
(a commune's area id, a team's id), and whether the schedule froze it at the phase's end. Every
freeze and undo is logged (the freezes made before this migration are logged from their
snapshots). A campaign's commendation thresholds (minimum confirmation rate, maximum rejection
rate) have their own row.

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-30 13:45:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('automatic', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.alter_column('automatic', server_default=None)
    with op.batch_alter_table('ranking_row', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmation_x100', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit_kind', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))

    op.create_table('ranking_freeze_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('freeze', 'undo')", name=op.f('ck_ranking_freeze_log_action')),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], name=op.f('fk_ranking_freeze_log_phase_id_phase'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_ranking_freeze_log_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_freeze_log'))
    )
    with op.batch_alter_table('ranking_freeze_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_freeze_log_phase_id'), ['phase_id'], unique=False)
    # The rankings frozen by hand before this migration get their line in the log.
    op.execute("INSERT INTO ranking_freeze_log (phase_id, action, automatic, user_id, at) "
               "SELECT phase_id, 'freeze', automatic, frozen_by_id, frozen_at "
               "FROM ranking_snapshot")

    op.create_table('commendation_settings',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('min_confirmation_percent', sa.Integer(), nullable=False),
    sa.Column('max_rejection_percent', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_confirmation_percent BETWEEN 0 AND 100 AND max_rejection_percent BETWEEN 0 AND 100', name=op.f('ck_commendation_settings_percents')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_commendation_settings_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_commendation_settings'))
    )


def downgrade():
    op.drop_table('commendation_settings')
    with op.batch_alter_table('ranking_freeze_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ranking_freeze_log_phase_id'))
    op.drop_table('ranking_freeze_log')
    with op.batch_alter_table('ranking_row', schema=None) as batch_op:
        batch_op.drop_column('unit_id')
        batch_op.drop_column('unit_kind')
        batch_op.drop_column('confirmation_x100')
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.drop_column('automatic')
