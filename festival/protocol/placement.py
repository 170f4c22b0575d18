"""Automatic placement by precedence: pure functions, no database.

The rules protocol officers use:

- The head table is the first (lowest number). Its centre seat is the
  host's; the principal guests sit beside the host by rank, the first on
  the host's right, the second on the host's left, and so on outward.
- Every other table is filled the same way around its centre seat, so each
  table's first guest presides over it.
- Each interpreter sits next to their principal (the best-ranked person of
  their delegation who is not an interpreter), on the side away from the
  centre; the head's own interpreters sit on the head's left, so that the
  seat of honour on the right stays the first guest's.
- With ``mix``, a table takes at most one party of each delegation (when
  another table still has room), so delegations mix at an exchange dinner.
- Nobody is split from their interpreter; a party that fits nowhere whole
  is seated apart; whoever finds no seat is returned as unseated.

Seats are numbered 1..n; on a round table seat 1 is the centre (the head
of the table) and the numbers run round the table to the centre's right;
on a long table or a row, seats run from one end, the centre in the middle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    id: int
    number: int
    shape: str  # "round", "long" or "row"
    seats: int


@dataclass(frozen=True)
class Guest:
    """A guest in order of precedence (the caller sorts them)."""

    id: int
    delegation_id: int
    is_interpreter: bool


@dataclass
class _Side:
    order: list[int]
    next: int = 0


@dataclass
class _Room:
    table: Table
    right: _Side
    left: _Side
    taken: dict[int, int] = field(default_factory=dict)  # seat -> guest id
    delegations: set[int] = field(default_factory=set)
    turn: int = 0  # 0: the next party goes right, 1: left

    @property
    def free(self) -> int:
        return self.table.seats - len(self.taken)


def centre_seat(table: Table) -> int:
    """The seat of the head of the table."""
    return 1 if table.shape == "round" else (table.seats + 1) // 2


def sides(table: Table) -> tuple[list[int], list[int]]:
    """The seats to the centre's right and to its left, nearest first.

    Round: seat 1 is the centre, its right runs 2, 3, ... and its left
    n, n-1, ...: the two sides meet at the far side of the table (a seat
    taken from one side is skipped by the other). Long or row: the centre's
    right is the lower numbers (the audience sees them on the left), its
    left the higher ones.
    """
    n, c = table.seats, centre_seat(table)
    if table.shape == "round":
        return list(range(2, n + 1)), list(range(n, 1, -1))
    return list(range(c - 1, 0, -1)), list(range(c + 1, n + 1))


def parties(guests: Sequence[Guest]) -> list[list[Guest]]:
    """Principals in order, each followed by their interpreters; an
    interpreter with no principal here is a party alone."""
    principal_of: dict[int, list[Guest]] = {}
    result: list[list[Guest]] = []
    for guest in guests:
        if not guest.is_interpreter:
            party = [guest]
            result.append(party)
            principal_of.setdefault(guest.delegation_id, party)
    for guest in guests:
        if guest.is_interpreter:
            party_of = principal_of.get(guest.delegation_id)
            if party_of is not None:
                party_of.append(guest)
            else:
                result.append([guest])
    return result


def _take(room: _Room, side: _Side, count: int) -> list[int]:
    seats: list[int] = []
    while len(seats) < count and side.next < len(side.order):
        seat = side.order[side.next]
        side.next += 1
        if seat not in room.taken:
            seats.append(seat)
    return seats


def _seat_party(room: _Room, party: list[Guest]) -> list[tuple[int, int, int]]:
    placed: list[tuple[int, int, int]] = []
    queue = list(party)
    centre = centre_seat(room.table)
    if centre not in room.taken:
        guest = queue.pop(0)
        room.taken[centre] = guest.id
        placed.append((guest.id, room.table.id, centre))
        # The head's interpreters take the left, keeping the seat of honour
        # on the right for the first guest.
        room.turn = 1
    if queue:
        first, second = (room.right, room.left) if room.turn == 0 else (room.left, room.right)
        seats = _take(room, first, len(queue))
        if len(seats) < len(queue):  # this side is full: the other one
            seats += _take(room, second, len(queue) - len(seats))
        for guest, seat in zip(queue, seats, strict=True):
            room.taken[seat] = guest.id
            placed.append((guest.id, room.table.id, seat))
        room.turn = 1 - room.turn
    elif len(room.taken) == 1:
        room.turn = 0  # the head alone so far: the first guest on the right
    room.delegations.add(party[0].delegation_id)
    return placed


def place(
    tables: Sequence[Table], guests: Sequence[Guest], *, mix: bool = False
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """(guest id, table id, seat) for everyone seated, and the ids of those
    left without a seat. ``tables`` in any order, ``guests`` by precedence."""
    rooms = []
    for table in sorted(tables, key=lambda t: t.number):
        right, left = sides(table)
        rooms.append(_Room(table, _Side(right), _Side(left)))
    placed: list[tuple[int, int, int]] = []
    unseated: list[int] = []
    first_open = 0  # rooms before it are full: the search starts here
    for party in parties(guests):
        while first_open < len(rooms) and rooms[first_open].free == 0:
            first_open += 1
        size = len(party)
        room = None
        fallback = None
        for candidate in rooms[first_open:]:
            if candidate.free < size:
                continue
            if mix and party[0].delegation_id in candidate.delegations:
                fallback = fallback or candidate
                continue
            room = candidate
            break
        room = room or fallback
        if room is None:  # nowhere whole: one by one, wherever a seat is free
            for guest in party:
                open_room = next((r for r in rooms[first_open:] if r.free), None)
                if open_room is None:
                    unseated.append(guest.id)
                else:
                    placed += _seat_party(open_room, [guest])
            continue
        placed += _seat_party(room, party)
    return placed, unseated
