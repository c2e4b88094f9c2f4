"""lighter registration indexes: a citizen's pre-registration writes fewer B-trees

Indexes a prefix of a unique key already serves (desk_id, registration_id) and ones no query
can use (status, name_folded: searched with LIKE '%...%') are dropped; columns a
pre-registration leaves empty are indexed only where set (partial indexes, SQLite and
PostgreSQL alike), the dedup key's uniqueness included.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 15:00:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

DROPPED = {'registration': ('desk_id', 'status', 'name_folded'),
           'registration_service': ('registration_id',)}
PARTIAL = {'registration': ('team_id', 'citizen_id_hash', 'volunteer_id', 'recorded_at'),
           'registration_service': ('outcome',)}


def _where(column):
    clause = sa.text(f'{column} IS NOT NULL')
    return {'sqlite_where': clause, 'postgresql_where': clause}


def upgrade():
    for table, columns in DROPPED.items():
        for column in columns:
            op.drop_index(f'ix_{table}_{column}', table_name=table)
    for table, columns in PARTIAL.items():
        for column in columns:
            op.drop_index(f'ix_{table}_{column}', table_name=table)
            op.create_index(f'ix_{table}_{column}', table, [column], **_where(column))
    # A table-level UNIQUE: SQLite can drop it only by rebuilding the table (batch mode).
    with op.batch_alter_table('registration_service') as batch_op:
        batch_op.drop_constraint('uq_registration_service_dedup_key', type_='unique')
    op.create_index('uq_registration_service_dedup_key', 'registration_service', ['dedup_key'],
                    unique=True, **_where('dedup_key'))


def downgrade():
    op.drop_index('uq_registration_service_dedup_key', table_name='registration_service')
    with op.batch_alter_table('registration_service') as batch_op:
        batch_op.create_unique_constraint('uq_registration_service_dedup_key', ['dedup_key'])
    for table, columns in PARTIAL.items():
        for column in columns:
            op.drop_index(f'ix_{table}_{column}', table_name=table)
            op.create_index(f'ix_{table}_{column}', table, [column])
    for table, columns in DROPPED.items():
        for column in columns:
            op.create_index(f'ix_{table}_{column}', table, [column])
