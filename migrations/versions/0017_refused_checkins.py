"""refused check-ins followed up: the campaign they were for, and who took or dismissed them

A refused submission (revoked code, ended campaign, wrong desk) is now listed to the desk and
the organizer until someone takes it into the desk's queue or dismisses it; the row says who,
when and why. Its campaign is stored so that the list and the retention purge find it even
without a desk; existing rows take it from their desk.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refused_submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', fieldops.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_refused_submission_campaign_id'), ['campaign_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_refused_submission_campaign_id_campaign'),
                                    'campaign', ['campaign_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_refused_submission_resolved_by_id_user'),
                                    'user', ['resolved_by_id'], ['id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_refused_submission_registration_id_registration'), 'registration',
            ['registration_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(
            batch_op.f('ck_refused_submission_resolution'),
            "resolution IN ('queued', 'dismissed')")
    # Rows stored before: their campaign is their desk's event's.
    op.execute(
        "UPDATE refused_submission SET campaign_id = (SELECT launch_event.campaign_id "
        "FROM help_desk JOIN launch_event ON launch_event.id = help_desk.event_id "
        "WHERE help_desk.id = refused_submission.desk_id) WHERE desk_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('refused_submission', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_refused_submission_resolution'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_refused_submission_registration_id_registration'),
            type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_refused_submission_resolved_by_id_user'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_refused_submission_campaign_id_campaign'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_refused_submission_campaign_id'))
        batch_op.drop_column('registration_id')
        batch_op.drop_column('resolution_note')
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('resolution')
        batch_op.drop_column('campaign_id')
