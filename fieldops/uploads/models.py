"""The one table of staged uploads: a file read and checked, waiting for its confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.db import UTCDateTime, created_at, db, int_pk


class StagedUpload(db.Model):
    """An uploaded file of any import, kept with its parse until it is confirmed or dropped."""

    __tablename__ = "staged_upload"

    id: Mapped[int_pk]
    #: random token in the preview's URL; unguessable so a preview cannot be applied by others
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    #: which import reads it: "places", "shapes", "members", "appendix", ...
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: what the file goes into, as the import's page chose it: {"parent_id": 3}
    scope: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: the file as parsed once at upload, in the import's own JSON shape; emptied once applied
    #: (deferred: a page that only checks the upload does not read thousands of rows)
    data: Mapped[Any | None] = mapped_column(sa.JSON(none_as_null=True), deferred=True)
    #: how many rows the file has: above its import's threshold the confirmation runs in the
    #: background (uploads/background.py) without reading `data` in the request
    row_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[created_at]
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
