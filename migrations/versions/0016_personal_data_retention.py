"""personal data for its lifetime: a retention setting per campaign, purge marks, audit by day

Each campaign says how many days after its end citizens' names, phones and ID numbers are kept
(Law 91/2025/QH15, Decree 356/2025); the purge marks the records it emptied. The audit log page
filters entries by day, hence the index on logged_at.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 14:50:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('personal_data_purged_at', fieldops.db.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', fieldops.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table('listed_person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', fieldops.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table('checkin_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_audit_logged_at'), ['logged_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('checkin_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_audit_logged_at'))
    with op.batch_alter_table('listed_person', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('personal_data_purged_at')
        batch_op.drop_column('retention_days')
