"""Delegations and the delegates in them."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from festival.auth.models import User
from festival.cities.models import City
from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.festivals.models import Festival
from festival.invitations.models import Invitation
from festival.registration import names
from festival.registration.names import AddressForm, NameOrder

if TYPE_CHECKING:
    from festival.programme.models import Attendance


class DelegateRole(enum.StrEnum):
    MAYOR = "mayor"
    DEPUTY_MAYOR = "deputy_mayor"
    OFFICIAL = "official"
    INTERPRETER = "interpreter"
    CHEF = "chef"
    PRESS = "press"
    OTHER = "other"


# The roles that open the mayors' sessions (once an organiser confirmed them).
MAYOR_ROLES = (DelegateRole.MAYOR, DelegateRole.DEPUTY_MAYOR)


class DelegateStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


# The statuses that take one of the invitation's places.
ACTIVE_STATUSES = (DelegateStatus.PENDING, DelegateStatus.CONFIRMED)


class RoomType(enum.StrEnum):
    """The room an organiser booked for a guest (rooming list)."""

    SINGLE = "single"
    TWIN = "twin"
    DOUBLE = "double"
    SUITE = "suite"


class Delegation(Model):
    """The group an accepted invitation brings: one per invitation."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="delegation")
    festival: Mapped[Festival] = relationship()
    city: Mapped[City] = relationship()
    delegates: Mapped[list[Delegate]] = relationship(
        back_populates="delegation", order_by="(Delegate.is_head.desc(), Delegate.id)"
    )

    def __repr__(self) -> str:
        return f"<Delegation {self.city_id}@{self.festival_id}>"

    @property
    def head(self) -> Delegate | None:
        """The head of delegation (the person who registered), if any yet."""
        return next((d for d in self.delegates if d.is_head), None)


class Delegate(Model):
    """A person in a delegation: the head (who registered) or a member they added."""

    __tablename__ = "delegates"
    __table_args__ = (
        sa.UniqueConstraint("delegation_id", "email"),
        sa.CheckConstraint(
            "departure_at IS NULL OR arrival_at IS NULL OR departure_at > arrival_at",
            name="travel_in_order",
        ),
        sa.CheckConstraint(
            "check_in_on IS NULL OR check_out_on IS NULL OR check_out_on > check_in_on",
            name="nights_in_order",
        ),
        # One head per delegation, even when two registrations race.
        sa.Index(
            "uq_delegates_one_head",
            "delegation_id",
            unique=True,
            sqlite_where=sa.text("is_head"),
            postgresql_where=sa.text("is_head"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_head: Mapped[bool] = mapped_column(default=False)
    status: Mapped[DelegateStatus] = mapped_column(
        enum_column(DelegateStatus, "delegate_status"), default=DelegateStatus.PENDING, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)

    # The name as one string: typed before the parts existed (kept until the
    # record is next edited), else derived from the parts on every save.
    full_name: Mapped[str] = mapped_column(sa.String(200))
    # The name in the person's own script (山本 達司, Иван Петров, أحمد حداد).
    native_name: Mapped[str | None] = mapped_column(sa.String(200))
    # A key of festival.registration.names.TITLES, or free text; None: no title.
    title: Mapped[str | None] = mapped_column(sa.String(60))
    family_name: Mapped[str | None] = mapped_column(sa.String(200))
    given_names: Mapped[str | None] = mapped_column(sa.String(200))
    name_order: Mapped[NameOrder] = mapped_column(
        enum_column(NameOrder, "name_order"),
        default=NameOrder.GIVEN_FIRST,
        server_default=NameOrder.GIVEN_FIRST.value,
    )
    # How the name was romanised (Hepburn, pinyin, Revised Romanisation...).
    romanisation: Mapped[str | None] = mapped_column(sa.String(200))
    address_form: Mapped[AddressForm | None] = mapped_column(
        enum_column(AddressForm, "address_form")
    )
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    # What the delegate (or their head) declared, or proposes once confirmed.
    role: Mapped[DelegateRole] = mapped_column(
        enum_column(DelegateRole, "delegate_role"), default=DelegateRole.OFFICIAL, index=True
    )
    # What an organiser confirmed: the only role that opens restricted
    # sessions. None until the registration is confirmed. Its own CHECK
    # name: two constraints of one table cannot share "delegate_role".
    confirmed_role: Mapped[DelegateRole | None] = mapped_column(
        enum_column(DelegateRole, "delegate_confirmed_role")
    )
    # When the waiting change of role (role != confirmed_role) was proposed.
    role_proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    # The evening e-mail of their next day's itinerary (they may turn it off).
    daily_digest: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    dietary: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    dietary_other: Mapped[str | None] = mapped_column(sa.String(400))
    allergens: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    allergens_other: Mapped[str | None] = mapped_column(sa.String(400))
    accessibility: Mapped[str | None] = mapped_column(sa.Text)

    # Indexed, as is departure_at: the transfers desk's boards find a day's
    # travellers and the first arrival by them.
    arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    arrival_flight: Mapped[str | None] = mapped_column(sa.String(20))
    arrival_airport: Mapped[str | None] = mapped_column(sa.String(3))
    departure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    departure_flight: Mapped[str | None] = mapped_column(sa.String(20))
    departure_airport: Mapped[str | None] = mapped_column(sa.String(3))
    # Raised whenever a flight's time, airport or number changes (see the
    # before_flush hook below), so calendars move the flight events.
    travel_sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    needs_room: Mapped[bool] = mapped_column(default=True)
    shares_room_with: Mapped[str | None] = mapped_column(sa.String(200))
    check_in_on: Mapped[date | None]
    check_out_on: Mapped[date | None]
    hotel: Mapped[str | None] = mapped_column(sa.String(200))
    # Set by organisers on the rooming page; the delegate's form shows neither.
    room_type: Mapped[RoomType | None] = mapped_column(enum_column(RoomType, "room_type"))
    room_number: Mapped[str | None] = mapped_column(sa.String(20))

    # Visa data: entered by the person, seen only by them and the organisers,
    # printed on the visa letter, never exported unless asked, purged.
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    passport_number: Mapped[str | None] = mapped_column(sa.String(40))
    date_of_birth: Mapped[date | None]
    passport_expires_on: Mapped[date | None]

    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Random per delegate: the personal calendar link is signed with it, so
    # changing it revokes the old link (see festival.calendar).
    feed_secret: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the head's e-mail with a sign-in link last went to this member.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The person asked us to delete their data (organisers act on it).
    deletion_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deletion_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Indexed: the latest change of any delegate is a version stamp read on
    # busy pages (attendance.services.attendance_stamp), one index probe.
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, index=True
    )
    # An accompanying person (a spouse, an assistant): outside the quota,
    # only in the partner programme, never in a restricted session.
    is_accompanying: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Whom they accompany (kept accompanying if that record goes).
    accompanies_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="SET NULL"), index=True
    )

    delegation: Mapped[Delegation] = relationship(back_populates="delegates")
    user: Mapped[User | None] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(back_populates="delegate")
    accompanies: Mapped[Delegate | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Delegate {self.full_name} {self.role}>"

    @property
    def list_name(self) -> str:
        """The name in lists: "YAMAMOTO Tatsuji" (see festival.registration.names)."""
        return names.list_name(self)

    @property
    def display_name(self) -> str:
        """The name in running text, in the person's own order, without title."""
        return names.display_name(self)

    @property
    def name_sort_key(self) -> tuple[str, str, str]:
        """The key that sorts people by family name (see names.sort_key)."""
        return names.sort_key(self)

    @classmethod
    def name_columns(cls) -> tuple[InstrumentedAttribute[Any], ...]:
        """The columns of a person's name (names.NameParts, in its order), for
        lists that select columns rather than load delegates."""
        return (cls.full_name, cls.family_name, cls.given_names, cls.name_order, cls.native_name)

    @classmethod
    def name_ordering(cls) -> tuple[ColumnElement[str], ...]:
        """ORDER BY terms sorting by family name (the full name when unknown)."""
        return (
            sa.func.lower(sa.func.coalesce(cls.family_name, cls.full_name)),
            sa.func.lower(sa.func.coalesce(cls.given_names, "")),
        )

    @property
    def has_visa_data(self) -> bool:
        """Whether any passport detail is on file."""
        return any(
            v is not None
            for v in (
                self.nationality,
                self.passport_number,
                self.date_of_birth,
                self.passport_expires_on,
            )
        )

    @hybrid_property
    def is_confirmed_mayor(self) -> bool:
        """A mayor or deputy mayor as an organiser confirmed: the only people
        allowed at the Mayors' Forum (what they typed opens nothing)."""
        return self.confirmed_role in MAYOR_ROLES and not self.is_accompanying

    @is_confirmed_mayor.inplace.expression
    @classmethod
    def _is_confirmed_mayor_expression(cls) -> ColumnElement[bool]:
        # NULL (nothing confirmed yet) is not true: no mayor. An accompanying
        # person is never one, whatever role a record says.
        return sa.and_(
            cls.confirmed_role.is_not(None),
            cls.confirmed_role.in_(MAYOR_ROLES),
            cls.is_accompanying.is_(False),
        )

    @hybrid_property
    def shown_role(self) -> DelegateRole:
        """The role to show: the confirmed one, else (before any confirmation) the declared one."""
        return self.confirmed_role if self.confirmed_role is not None else self.role

    @shown_role.inplace.expression
    @classmethod
    def _shown_role_expression(cls) -> ColumnElement[DelegateRole]:
        return sa.func.coalesce(cls.confirmed_role, cls.role)

    @property
    def proposed_role(self) -> DelegateRole | None:
        """The change of role waiting for the organisers, if any."""
        if self.confirmed_role is None or self.role == self.confirmed_role:
            return None
        return self.role

    @hybrid_property
    def has_role_proposal(self) -> bool:
        """Whether a change of role waits for the organisers."""
        return self.proposed_role is not None

    @has_role_proposal.inplace.expression
    @classmethod
    def _has_role_proposal_expression(cls) -> ColumnElement[bool]:
        return sa.and_(cls.confirmed_role.is_not(None), cls.role != cls.confirmed_role)


# The flight fields whose change moves the flight events in calendars.
TRAVEL_FIELDS = (
    "arrival_at",
    "arrival_airport",
    "arrival_flight",
    "departure_at",
    "departure_airport",
    "departure_flight",
)


@sa.event.listens_for(Session, "before_flush")
def _raise_travel_sequence(session: Session, _context: object, _instances: object) -> None:
    """Any writer (the delegate's form, the head's, an organiser's) that
    changes a flight raises the delegate's travel sequence once per flush."""
    for record in session.dirty:
        if not isinstance(record, Delegate):
            continue
        state = sa.inspect(record)
        if any(state.attrs[name].history.has_changes() for name in TRAVEL_FIELDS):
            record.travel_sequence = (record.travel_sequence or 0) + 1


class DelegateChange(Model):
    """One field of a delegate's record changed: by whom, when, from what to what.

    Passport data is recorded as changed, never with its values.
    """

    __tablename__ = "delegate_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    by_organiser: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)

    changed_by: Mapped[User | None] = relationship()
