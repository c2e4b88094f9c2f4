"""the member credited with a record ("người hướng dẫn"), and the counters by that member

A record may name the member who guided the citizen, when not the account that recorded it: a
member without a sign-in account, or one a team lead records for ("ghi thay"). The daily
counters carry that member too, so the members' view credits them; existing counter rows name
no member, and their bucket text gains the empty part the new key ends with.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_member_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registration_credited_member_id_member'),
                                    'member', ['credited_member_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('daily_count', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
    op.execute("UPDATE daily_count SET bucket = bucket || ':'")


def downgrade():
    # A credited member's counts fold back into their volunteer's row (a few thousand rows).
    counts = sa.table('daily_count', sa.column('campaign_id'), sa.column('service_id'),
                      sa.column('day'), sa.column('hamlet_id'), sa.column('team_id'),
                      sa.column('volunteer_id'), sa.column('member_id'), sa.column('bucket'),
                      sa.column('count'))
    bind = op.get_bind()
    folded = {}
    for row in bind.execute(sa.select(counts)).mappings():
        bucket = row['bucket'].rsplit(':', 1)[0]
        key = (row['campaign_id'], bucket)
        if key in folded:
            folded[key]['count'] += row['count']
        else:
            folded[key] = {**row, 'bucket': bucket}
    bind.execute(sa.delete(counts))
    if folded:
        bind.execute(sa.insert(counts), [
            {k: v for k, v in row.items() if k != 'member_id'} for row in folded.values()])
    with op.batch_alter_table('daily_count', schema=None) as batch_op:
        batch_op.drop_column('member_id')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_credited_member_id_member'),
                                 type_='foreignkey')
        batch_op.drop_column('credited_member_id')
