"""event kind: a day with desks, or a mobile collection point announced to the public

Plan 003 sets up mobile points that take level-2 e-ID applications in hamlets and schools,
announced with their times and places; the public "where to get help" page tells them apart
from a desk at a ceremony. Every existing event is an "event".

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('launch_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='event',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_launch_event_kind'), sa.text("kind IN ('event', 'mobile_point')"))


def downgrade():
    with op.batch_alter_table('launch_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_launch_event_kind'), type_='check')
        batch_op.drop_column('kind')
