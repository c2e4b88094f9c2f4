"""confirmed results counted as they happen: whose work each is, and the counters progress reads

A person gone from the police's list is credited to the team, account and guide of their last
visit not voided. The person row now keeps that credit, and confirmed_count keeps the sums per
day, hamlet, team, account and guide, so progress no longer joins every listed person to their
visits and registrations. Filled here from the people and visits already stored.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 20:30:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

_LAST = ("(SELECT r.{column} FROM visit v JOIN registration r ON r.id = v.registration_id "
         "WHERE v.person_id = listed_person.id AND r.status != 'voided' "
         "ORDER BY v.id DESC LIMIT 1)")


def upgrade():
    with op.batch_alter_table('listed_person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_team_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credit_volunteer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credit_member_id', sa.Integer(), nullable=True))
    counts = op.create_table(
        'confirmed_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('hamlet_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('volunteer_id', sa.Integer(), nullable=True),
        sa.Column('member_id', sa.Integer(), nullable=True),
        sa.Column('bucket', sa.String(length=80), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'],
                                name=op.f('fk_confirmed_count_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_confirmed_count')),
        sa.UniqueConstraint('campaign_id', 'bucket',
                            name=op.f('uq_confirmed_count_campaign_id_bucket')),
    )
    with op.batch_alter_table('confirmed_count', schema=None) as batch_op:
        batch_op.create_index('ix_confirmed_count_campaign_day', ['campaign_id', 'day'],
                              unique=False)
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE listed_person SET credit_team_id = " + _LAST.format(column="team_id")
        + ", credit_volunteer_id = " + _LAST.format(column="volunteer_id")
        + ", credit_member_id = " + _LAST.format(column="credited_member_id")
        + " WHERE EXISTS (SELECT 1 FROM visit v WHERE v.person_id = listed_person.id)"))
    rows = []
    for campaign_id, day, *parts, n in bind.execute(sa.text(
            "SELECT campaign_id, gone_on, hamlet_id, credit_team_id, credit_volunteer_id, "
            "credit_member_id, count(*) FROM listed_person "
            "WHERE kind = 'approved_not_activated' AND gone_on IS NOT NULL "
            "GROUP BY campaign_id, gone_on, hamlet_id, credit_team_id, credit_volunteer_id, "
            "credit_member_id")):
        day = day if isinstance(day, date) else date.fromisoformat(day)
        bucket = ":".join([day.isoformat(), *("" if p is None else str(p) for p in parts)])
        rows.append({'campaign_id': campaign_id, 'day': day, 'hamlet_id': parts[0],
                     'team_id': parts[1], 'volunteer_id': parts[2], 'member_id': parts[3],
                     'bucket': bucket, 'count': n})
    if rows:
        bind.execute(sa.insert(counts), rows)


def downgrade():
    with op.batch_alter_table('confirmed_count', schema=None) as batch_op:
        batch_op.drop_index('ix_confirmed_count_campaign_day')
    op.drop_table('confirmed_count')
    with op.batch_alter_table('listed_person', schema=None) as batch_op:
        batch_op.drop_column('credit_member_id')
        batch_op.drop_column('credit_volunteer_id')
        batch_op.drop_column('credit_team_id')
