"""The logistics results as flat tables, for CSV and XLSX downloads.

Times are the festival's wall-clock times (naive in the sheet, as Excel has
no zones); the header says which zone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import pgettext

from festival.core.dates import sheet_clock
from festival.logistics.airports import airport_name
from festival.logistics.counting import (
    BoardDay,
    CateringCounts,
    LanguageNeeds,
    Rooming,
)
from festival.logistics.exports import Table
from festival.logistics.labels import (
    allergen_label,
    country_name,
    dietary_label,
    role_label,
    room_type_label,
)
from festival.programme.models import ProgrammeSession


def _naive(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value else None


def travel_table(board: Sequence[BoardDay], direction: str, zone: str) -> Table:
    """One row per traveller, in board order (day, airport, time)."""
    title = _("Arrivals") if direction == "arrival" else _("Departures")
    table = Table(
        title,
        [
            _("Day"),
            _("Time (%(zone)s)", zone=zone),
            _("Airport"),
            _("Airport name"),
            _("Local time at the airport"),
            _("Flight"),
            _("Name"),
            _("Name in own script"),
            _("Role"),
            _("City"),
            _("Country"),
            _("People on this flight"),
        ],
    )
    for day in board:
        for airport in day.airports:
            for pickup in airport.pickups:
                for t in pickup.travellers:
                    table.rows.append(
                        [
                            day.day,
                            sheet_clock(pickup.local),
                            airport.code,
                            airport_name(airport.code) if airport.code else "",
                            _naive(pickup.at_airport),
                            pickup.flight,
                            t.name,
                            t.native_name or "",
                            role_label(t.role),
                            t.city,
                            country_name(t.country),
                            len(pickup.travellers),
                        ]
                    )
    return table


def rooming_table(rooming: Rooming, paired: Collection[int] = ()) -> Table:
    """One table, a "Section" column first: the guests by hotel, then each
    hotel's guests and rooms per night (a spreadsheet filters on it)."""
    table = Table(
        _("Rooming list"),
        [
            _("Section"),
            _("Hotel"),
            _("Night of"),
            _("Name"),
            _("Name in own script"),
            _("Role"),
            _("City"),
            _("Country"),
            pgettext("hotel", "Check-in"),
            _("Check-out"),
            _("Nights"),
            _("Room type"),
            _("Room number"),
            _("Shares a room with"),
            _("Counted as sharing"),
            _("Accessibility needs"),
            _("Guests"),
            _("Rooms (estimate)"),
        ],
    )
    section, yes, no = _("Guest"), _("yes"), _("no")
    for hotel in rooming.hotels:
        for g in hotel.guests:
            first, out = g.stay
            table.rows.append(
                [
                    section,
                    hotel.name or _("No hotel yet"),
                    "",
                    g.name,
                    g.native_name or "",
                    role_label(g.role),
                    g.city,
                    country_name(g.country),
                    first,
                    out,
                    len(g.nights),
                    room_type_label(g.room_type),
                    g.room_number or "",
                    g.shares_room_with or "",
                    yes if g.delegate_id in paired else no,
                    g.accessibility or "",
                    "",
                    "",
                ]
            )
    section = _("Rooms per night")
    for hotel in rooming.hotels:
        for night in rooming.nights:
            if night in hotel.guests_per_night:
                table.rows.append(
                    [section, hotel.name or _("No hotel yet"), night, *[""] * 13]
                    + [hotel.guests_per_night[night], hotel.rooms_per_night[night]]
                )
    return table


def _count_rows(scope: str, starts: datetime | None, counts: CateringCounts) -> list[list]:
    rows: list[list] = [[scope, starts, _("Delegates"), "", counts.total]]
    rows += [[scope, starts, _("Dietary"), dietary_label(k), v] for k, v in counts.dietary_items()]
    rows += [
        [scope, starts, _("Allergen"), allergen_label(k), v] for k, v in counts.allergen_items()
    ]
    rows.append([scope, starts, _("No restriction"), "", counts.unrestricted])
    return rows


def catering_tables(
    festival_counts: CateringCounts,
    sessions: Sequence[ProgrammeSession],
    by_session: dict[int, CateringCounts],
    tz: ZoneInfo,
) -> list[Table]:
    """One table, a "Section" column first: the counts for the whole
    festival and per meal, then the free-text notes with how many wrote each."""
    table = Table(
        _("Catering"),
        [
            _("Section"),
            _("For"),
            _("Starts"),
            _("Kind"),
            _("Requirement"),
            _("Count"),
            _("Note, as written by the delegate"),
        ],
    )
    section = _("Counts")
    table.rows += [
        [section, *row, ""] for row in _count_rows(_("Whole festival"), None, festival_counts)
    ]
    for session in sessions:
        starts = session.starts_at.astimezone(tz).replace(tzinfo=None)
        rows = _count_rows(session.title, starts, by_session.get(session.id, CateringCounts()))
        table.rows += [[section, *row, ""] for row in rows]
    section = _("Notes")
    table.rows += [[section, "", "", "", "", n, note] for note, n in festival_counts.notes]
    return [table]


def interpreter_table(
    rows: Sequence[tuple[str, str, LanguageNeeds]], language: Callable[[str], str]
) -> Table:
    """One row per delegation: what it speaks, whom it brings, what is left."""
    table = Table(
        _("Interpreters"),
        [
            _("City"),
            _("Country"),
            _("Languages spoken"),
            _("Interpreters brought"),
            _("Covered by own interpreter"),
            _("Needs an interpreter from the host"),
        ],
    )

    def people(items: Sequence[tuple[str, Sequence[str]]]) -> str:
        return "; ".join(
            f"{name} ({', '.join(language(c) for c in langs)})" for name, langs in items
        )

    for city, country, need in rows:
        table.rows.append(
            [
                city,
                country_name(country),
                ", ".join(language(c) for c in need.needs),
                people(need.brings),
                people(need.covered),
                people(need.uncovered),
            ]
        )
    return table
