"""officials' own e-ID: each reporting unit's roster of leaders and officials

Every plan asks each unit's leaders and officials to themselves hold a level-2 e-ID, have
VNeID installed and activated, and have used it on the public-services portal. A roster row
keeps the three checks (each with the day it was confirmed, when known); its folded name and
position make a re-imported roster update the same person.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 13:55:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_official',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('person_key', sa.String(length=250), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('eid_level2', sa.Boolean(), nullable=False),
    sa.Column('eid_level2_on', sa.Date(), nullable=True),
    sa.Column('vneid_install', sa.Boolean(), nullable=False),
    sa.Column('vneid_install_on', sa.Date(), nullable=True),
    sa.Column('public_services_account', sa.Boolean(), nullable=False),
    sa.Column('public_services_account_on', sa.Date(), nullable=True),
    sa.Column('created_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fieldops.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['reporting_unit.id'], name=op.f('fk_unit_official_unit_id_reporting_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_official')),
    sa.UniqueConstraint('unit_id', 'person_key', name=op.f('uq_unit_official_unit_id_person_key'))
    )
    with op.batch_alter_table('unit_official', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_official_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_official', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_official_unit_id'))

    op.drop_table('unit_official')
