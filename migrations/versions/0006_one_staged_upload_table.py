"""one staged upload table: every import keeps its parsed file in staged_upload

area_import, member_import and target_import kept the raw file, parsed again at each preview and
confirmation. staged_upload keeps the parse (JSON) with the import's kind and scope. A file
previewed but not yet confirmed when this runs must be uploaded again: its preview is dropped.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _common_columns():
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=43), nullable=False),
    ]


def _stamps(table):
    return [
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', fieldops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('applied_at', fieldops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f(f'fk_{table}_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
        sa.UniqueConstraint('token', name=op.f(f'uq_{table}_token')),
    ]


def upgrade():
    op.create_table(
        'staged_upload',
        *_common_columns(),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('scope', sa.JSON(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('data', sa.JSON(), nullable=True),
        *_stamps('staged_upload'),
    )
    op.drop_table('area_import')
    op.drop_table('member_import')
    op.drop_table('target_import')


def downgrade():
    # The old tables come back empty: a staged parse cannot be turned back into the file.
    op.create_table(
        'target_import',
        *_common_columns(),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'],
                                name=op.f('fk_target_import_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                                name=op.f('fk_target_import_service_id_service')),
        *_stamps('target_import'),
    )
    op.create_table(
        'member_import',
        *_common_columns(),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        *_stamps('member_import'),
    )
    op.create_table(
        'area_import',
        *_common_columns(),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['area.id'],
                                name=op.f('fk_area_import_parent_id_area'), ondelete='CASCADE'),
        *_stamps('area_import'),
    )
    op.drop_table('staged_upload')
