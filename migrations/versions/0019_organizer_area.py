"""organizers' area: a province, district or commune an account is limited to

A commune officer manages their commune only: every list, map, export, import and API read
is limited to the account's area and what lies below it. Existing accounts keep no area and
see everything.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 18:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_area_id_area'), 'area', ['area_id'],
                                    ['id'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_area_id_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_area_id'))
        batch_op.drop_column('area_id')
