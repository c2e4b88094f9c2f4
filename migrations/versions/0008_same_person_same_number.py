"""same person, same number: one live QR ticket per phone and name at a desk on a day

The volunteer can mark a queue entry as a duplicate or absent (two new statuses). A citizen who
scans again with the same phone and name gets their live ticket back; a unique partial index
keeps it to one under races. Live duplicates already stored are marked 'duplicate' first (all
but the earliest), so the index can be built.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import fieldops.db


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD = "status IN ('waiting', 'called', 'recorded', 'voided')"
NEW = "status IN ('waiting', 'called', 'recorded', 'voided', 'duplicate', 'absent')"
LIVE = "source = 'qr' AND status IN ('waiting', 'called') AND phone IS NOT NULL"


def _status_check(condition):
    # SQLite changes a CHECK only by rebuilding the table (batch mode).
    with op.batch_alter_table('registration') as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registration_status'), sa.text(condition))


def upgrade():
    _status_check(NEW)
    op.execute(
        "UPDATE registration SET status = 'duplicate' WHERE source = 'qr' "
        "AND status IN ('waiting', 'called') AND phone IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM registration AS earlier WHERE earlier.desk_id = registration.desk_id "
        "AND earlier.queue_day = registration.queue_day AND earlier.phone = registration.phone "
        "AND earlier.name_folded = registration.name_folded AND earlier.source = 'qr' "
        "AND earlier.status IN ('waiting', 'called') AND earlier.id < registration.id)")
    op.create_index('uq_registration_same_person', 'registration',
                    ['desk_id', 'queue_day', 'phone', 'name_folded'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    op.drop_index('uq_registration_same_person', table_name='registration')
    # The marks have no place in the old statuses: a marked entry leaves the queue as voided.
    op.execute("UPDATE registration SET status = 'voided' "
               "WHERE status IN ('duplicate', 'absent')")
    _status_check(OLD)
