"""User accounts and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from fieldops.db import UTCDateTime, created_at, db, int_pk

if TYPE_CHECKING:
    from fieldops.areas.models import Area

ORGANIZER = "organizer"
TEAM_LEAD = "team_lead"
VOLUNTEER = "volunteer"
ROLES = (ORGANIZER, TEAM_LEAD, VOLUNTEER)


class User(UserMixin, db.Model):
    """Someone who signs in: an organizer, a team lead or a volunteer."""

    __tablename__ = "user"

    id: Mapped[int_pk]
    username: Mapped[str] = mapped_column(sa.String(60), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    #: Vietnamese mobile number as 0xxxxxxxxx; a second way to sign in
    phone: Mapped[str | None] = mapped_column(sa.String(15), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=VOLUNTEER)
    active: Mapped[bool] = mapped_column(default=True)
    #: bumped on disable and password change: every older session cookie stops working
    session_version: Mapped[int] = mapped_column(default=1)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    last_failed_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[created_at]
    #: the province, district or commune the account works in: it sees only what lies there
    #: (None: the whole install)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)

    area: Mapped[Area | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(sa.text("role IN ('organizer', 'team_lead', 'volunteer')"), name="role"),
    )

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sessions of disabled accounts."""
        return self.active

    def get_id(self) -> str:
        """Return the session id: the user id and the session version."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        """Return whether the password matches."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_organizer(self) -> bool:
        """Organizers set up campaigns, places and people."""
        return self.role == ORGANIZER
