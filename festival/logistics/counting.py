"""Pure functions behind the logistics views: plain objects in, values out.

Nothing here touches the database or the request, so each is tested with
hand-made rows (tests/test_logistics_counting.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from festival.core.limits import day_from_text
from festival.logistics.airports import airport_zone, at_airport

# -- arrivals and departures ------------------------------------------------


@dataclass(frozen=True)
class Traveller:
    """One delegate's arrival (or departure): when, which flight, where."""

    delegate_id: int
    name: str
    native_name: str | None
    role: str
    city: str
    country: str
    delegation_id: int
    at: datetime  # aware, UTC
    flight: str | None
    airport: str | None
    # Everyone on this flight at this time (the pickup's size), counted in SQL
    # when the board is one page of a day; 0 when every traveller is loaded.
    on_flight: int = 0


@dataclass
class Pickup:
    """Travellers on the same flight at the same time: one car or bus."""

    local: datetime  # in the festival's zone
    at_airport: datetime | None  # in the airport's zone, when known
    flight: str
    travellers: list[Traveller] = field(default_factory=list)

    @property
    def people(self) -> int:
        """Everyone on this pickup, those on other pages of the day included."""
        return max([len(self.travellers), *(t.on_flight for t in self.travellers)])


@dataclass
class AirportGroup:
    code: str
    pickups: list[Pickup] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(len(p.travellers) for p in self.pickups)


@dataclass
class BoardDay:
    day: date
    airports: list[AirportGroup] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(a.people for a in self.airports)


def travel_board(travellers: Iterable[Traveller], tz: ZoneInfo) -> list[BoardDay]:
    """Group travellers by day (festival zone), then airport, then flight and time.

    Days come in date order, airports by code (unknown last), pickups by time.
    """
    by_key: dict[tuple[date, str, datetime, str], Pickup] = {}
    for t in sorted(travellers, key=lambda t: (t.at, t.airport or "", t.flight or "", t.name)):
        local = t.at.astimezone(tz)
        airport = (t.airport or "").upper()
        flight = (t.flight or "").upper()
        key = (local.date(), airport, t.at, flight)
        pickup = by_key.get(key)
        if pickup is None:
            pickup = by_key[key] = Pickup(local, at_airport(t.at, airport), flight)
        pickup.travellers.append(t)
    days: dict[date, dict[str, AirportGroup]] = defaultdict(dict)
    for (day, airport, _at, _flight), pickup in by_key.items():
        group = days[day].setdefault(airport, AirportGroup(airport))
        group.pickups.append(pickup)
    board = []
    for day in sorted(days):
        airports = sorted(days[day].values(), key=lambda a: (a.code == "", a.code))
        for group in airports:
            group.pickups.sort(key=lambda p: (p.local, p.flight))
        board.append(BoardDay(day, airports))
    return board


def choose_day(text: str, days: Sequence[date], default: date | None) -> date | None:
    """The day a ``?day=`` argument asks for: None for "all"; a date that
    cannot be read, or too far out to reckon the nights and days around it
    (see festival.core.limits), falls back to ``default`` (then to the first day)."""
    text = text.strip()
    if text == "all":
        return None
    chosen = day_from_text(text)
    if chosen is not None:
        return chosen
    if default is not None:
        return default
    return days[0] if days else None


def choose_airport(text: str) -> str | None:
    """The airport an ``?airport=`` argument asks for: an IATA code we know,
    in upper case (any case is read); None (every airport) for anything else."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        return None
    return code if airport_zone(code) is not None else None


# -- rooming -------------------------------------------------------------------


@dataclass(frozen=True)
class Guest:
    """A delegate who needs a room, with what is known of their stay."""

    delegate_id: int
    name: str
    native_name: str | None
    role: str
    city: str
    country: str
    hotel: str | None
    check_in_on: date | None
    check_out_on: date | None
    shares_room_with: str | None
    accessibility: str | None = None
    # Local dates of the flights, used when check-in/out were not given.
    arrival_on: date | None = None
    departure_on: date | None = None
    # The hotel comes from the itinerary, not from the delegate's record.
    hotel_from_itinerary: bool = False
    # What the organisers booked (None and "" until they do).
    room_type: str | None = None
    room_number: str | None = None

    @property
    def stay(self) -> tuple[date | None, date | None]:
        """(first night, check-out day): the dates given, else the flights' dates."""
        return (self.check_in_on or self.arrival_on, self.check_out_on or self.departure_on)

    @property
    def dates_from_flights(self) -> bool:
        return (self.check_in_on is None and self.arrival_on is not None) or (
            self.check_out_on is None and self.departure_on is not None
        )

    @property
    def nights(self) -> list[date]:
        return nights_of(*self.stay)


def nights_of(first: date | None, out: date | None) -> list[date]:
    """The nights of a stay from ``first`` night to the ``out`` (check-out) day."""
    if first is None or out is None or out <= first:
        return []
    return [first + timedelta(days=n) for n in range((out - first).days)]


@dataclass
class HotelGroup:
    name: str  # "" for guests with no hotel yet
    guests: list[Guest] = field(default_factory=list)
    # night -> guests sleeping there that night
    guests_per_night: dict[date, int] = field(default_factory=dict)
    # night -> rooms: a guest alone takes one, two who share take one
    rooms_per_night: dict[date, int] = field(default_factory=dict)
    # night -> guests whose first night it is, and whose last (occupancy only)
    check_ins: dict[date, int] = field(default_factory=dict)
    check_outs: dict[date, int] = field(default_factory=dict)


@dataclass
class Rooming:
    hotels: list[HotelGroup]
    nights: list[date]
    # Guests whose stay is unknown (no dates and no flights): counted nowhere.
    undated: list[Guest]

    @property
    def guests(self) -> int:
        return sum(len(h.guests) for h in self.hotels)


@dataclass(frozen=True)
class Sharer:
    """A guest as room sharing is matched: their names and whom they name."""

    delegate_id: int
    delegation_id: int
    name: str
    native_name: str | None
    shares_room_with: str | None
    hotel: str = ""  # as the rooming list has it ("" for none yet)


@dataclass(frozen=True)
class SharingFlag:
    """A "shares a room with" that does not make a pair: counted as two rooms."""

    name: str  # who wrote it
    written: str  # the name as they wrote it
    other: str | None  # the guest of their delegation it names; None: nobody matches
    other_names: str | None  # whom that guest names in turn
    other_hotel: bool = False  # they would pair, but their hotels differ


@dataclass
class Sharing:
    """Who shares a room (two to a room) and what could not be paired."""

    paired: set[int] = field(default_factory=set)
    pairs: dict[int, int] = field(default_factory=dict)  # delegate id -> roommate's
    flags: list[SharingFlag] = field(default_factory=list)


def _name_key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def match_sharing(people: Iterable[Sharer]) -> Sharing:
    """Pair the guests who share a room, within each delegation.

    "Shares a room with" is matched against the names (or names in own
    script) of the same delegation's guests, case and spacing aside. Two
    guests share one room when both name each other, or when one names the
    other and the other names nobody, both in the same hotel. Otherwise (the
    other names someone else, is already paired, stays in another hotel, or
    the name matches nobody) it is flagged, and both are counted a room
    each: the safer rule, rooms are not under-booked.
    """
    people = sorted(people, key=lambda p: p.delegate_id)
    by_id = {p.delegate_id: p for p in people}
    index: dict[tuple[int, str], set[int]] = defaultdict(set)
    for p in people:
        for name in (p.name, p.native_name):
            if _name_key(name):
                index[(p.delegation_id, _name_key(name))].add(p.delegate_id)

    def named(p: Sharer) -> int | None:
        found = index.get((p.delegation_id, _name_key(p.shares_room_with)), set()) - {p.delegate_id}
        return next(iter(found)) if len(found) == 1 else None

    wants = {p.delegate_id: named(p) for p in people if _name_key(p.shares_room_with)}
    result = Sharing()

    def pair(a: int, b: int) -> None:
        result.pairs[a], result.pairs[b] = b, a
        result.paired.update((a, b))

    def same_hotel(a: int, b: int) -> bool:
        return by_id[a].hotel.strip().casefold() == by_id[b].hotel.strip().casefold()

    for a, b in wants.items():  # both name each other first
        if b is not None and wants.get(b) == a and a not in result.paired and same_hotel(a, b):
            pair(a, b)
    for a, b in wants.items():  # then one names the other, who names nobody
        if b is not None and b not in wants and not {a, b} & result.paired and same_hotel(a, b):
            pair(a, b)
    for a, b in wants.items():
        if a in result.paired:
            continue
        p = by_id[a]
        other = by_id[b] if b is not None else None
        result.flags.append(
            SharingFlag(
                p.name,
                (p.shares_room_with or "").strip(),
                other.name if other else None,
                (other.shares_room_with or "").strip() or None if other else None,
                other_hotel=other is not None and not same_hotel(a, other.delegate_id),
            )
        )
    return result


def rooming_list(guests: Iterable[Guest], paired: Collection[int] | None = None) -> Rooming:
    """Guests by hotel (the unassigned ones last), with occupancy per night.

    ``paired``: the guests who share a room (match_sharing); without it,
    anyone who wrote a roommate's name counts as sharing.
    """
    hotels: dict[str, HotelGroup] = {}
    alone: dict[tuple[str, date], int] = Counter()
    sharing: dict[tuple[str, date], int] = Counter()
    all_nights: set[date] = set()
    undated: list[Guest] = []
    for guest in sorted(guests, key=lambda g: (g.city, g.name)):
        name = (guest.hotel or "").strip()
        group = hotels.setdefault(name, HotelGroup(name))
        group.guests.append(guest)
        nights = guest.nights
        if not nights:
            undated.append(guest)
        for night in nights:
            all_nights.add(night)
            group.guests_per_night[night] = group.guests_per_night.get(night, 0) + 1
            shares = (
                guest.delegate_id in paired
                if paired is not None
                else bool((guest.shares_room_with or "").strip())
            )
            if shares:
                sharing[(name, night)] += 1
            else:
                alone[(name, night)] += 1
    for name, group in hotels.items():
        for night in group.guests_per_night:
            # Two guests who share take one room; an odd one out still needs one.
            group.rooms_per_night[night] = alone[(name, night)] + -(-sharing[(name, night)] // 2)
    ordered = sorted(hotels.values(), key=lambda h: (h.name == "", h.name.casefold()))
    return Rooming(ordered, sorted(all_nights), undated)


@dataclass(frozen=True)
class Stay:
    """Guests with the same hotel and nights: what occupancy is counted from."""

    hotel: str  # "" for no hotel yet
    first: date | None  # first night
    out: date | None  # check-out day
    sharing: bool  # they share a room with someone
    count: int = 1


@dataclass
class Occupancy:
    """The rooming list's counts without its guests: a night's view needs no more."""

    hotels: list[HotelGroup]  # in the rooming list's order, their guests not loaded
    nights: list[date]
    guests: int
    undated: int  # guests counted on no night

    def guests_per_night(self) -> dict[date, int]:
        """Every night with how many guests sleep in any hotel that night."""
        return {
            night: sum(h.guests_per_night.get(night, 0) for h in self.hotels)
            for night in self.nights
        }


def occupancy(stays: Iterable[Stay]) -> Occupancy:
    """Guests and rooms per hotel and night, as rooming_list counts them."""
    hotels: dict[str, HotelGroup] = {}
    alone: dict[tuple[str, date], int] = Counter()
    sharing: dict[tuple[str, date], int] = Counter()
    all_nights: set[date] = set()
    guests = undated = 0
    for stay in stays:
        group = hotels.setdefault(stay.hotel, HotelGroup(stay.hotel))
        guests += stay.count
        nights = nights_of(stay.first, stay.out)
        if not nights:
            undated += stay.count
        else:
            group.check_ins[nights[0]] = group.check_ins.get(nights[0], 0) + stay.count
            group.check_outs[nights[-1]] = group.check_outs.get(nights[-1], 0) + stay.count
        for night in nights:
            all_nights.add(night)
            group.guests_per_night[night] = group.guests_per_night.get(night, 0) + stay.count
            (sharing if stay.sharing else alone)[(stay.hotel, night)] += stay.count
    for name, group in hotels.items():
        for night in group.guests_per_night:
            group.rooms_per_night[night] = alone[(name, night)] + -(-sharing[(name, night)] // 2)
    ordered = sorted(hotels.values(), key=lambda h: (h.name == "", h.name.casefold()))
    return Occupancy(ordered, sorted(all_nights), guests, undated)


def night_hotels(occupied: Occupancy, night: date) -> list[HotelNight]:
    """The hotels with guests on ``night``, in the rooming list's order, with
    their counts for the night (check-ins and check-outs included) but no guests."""
    return [
        HotelNight(
            h.name,
            h.guests_per_night[night],
            h.rooms_per_night[night],
            check_ins=h.check_ins.get(night, 0),
            check_outs=h.check_outs.get(night, 0),
        )
        for h in occupied.hotels
        if night in h.guests_per_night
    ]


def night_movements(occupied: Occupancy, night: date) -> int:
    """How many rows the night's lists hold: its check-ins and check-outs."""
    return sum(h.check_ins.get(night, 0) + h.check_outs.get(night, 0) for h in occupied.hotels)


def night_page(
    hotels: list[HotelNight], movements: Iterable[tuple[bool, Guest]]
) -> list[HotelNight]:
    """One page of the night's lists: ``movements`` (leaving?, guest), in the
    order of ``hotels`` (night_hotels), sorted into their hotels; only the
    hotels with a guest on the page are kept, each with its night's counts."""
    by_name = {h.name: replace(h, checking_in=[], checking_out=[]) for h in hotels}
    for leaving, guest in movements:
        entry = by_name.get((guest.hotel or "").strip())
        if entry is not None:
            (entry.checking_out if leaving else entry.checking_in).append(guest)
    return [h for h in by_name.values() if h.checking_in or h.checking_out]


def occupancy_night(occupied: Occupancy, night: date, guests: Iterable[Guest]) -> list[HotelNight]:
    """rooming_night from the counts and the night's own guests only (those
    who check in or out around ``night``; others are ignored)."""
    by_hotel: dict[str, list[Guest]] = defaultdict(list)
    for guest in sorted(guests, key=lambda g: (g.city, g.name)):
        by_hotel[(guest.hotel or "").strip()].append(guest)
    result = []
    for hotel in occupied.hotels:
        if night not in hotel.guests_per_night:
            continue
        entry = HotelNight(hotel.name, hotel.guests_per_night[night], hotel.rooms_per_night[night])
        for guest in by_hotel.get(hotel.name, ()):
            nights = guest.nights
            if nights and nights[0] == night:
                entry.checking_in.append(guest)
            if nights and nights[-1] == night:
                entry.checking_out.append(guest)
        result.append(entry)
    return result


@dataclass
class HotelNight:
    """One hotel on one night: who checks in, who leaves the next morning."""

    name: str
    guests: int
    rooms: int
    checking_in: list[Guest] = field(default_factory=list)
    checking_out: list[Guest] = field(default_factory=list)
    # The night's check-ins and check-outs, those on other pages included.
    check_ins: int = 0
    check_outs: int = 0


def rooming_night(rooming: Rooming, night: date) -> list[HotelNight]:
    """The hotels with guests on ``night``, in the rooming list's order: the
    night's occupancy, the guests whose first night it is and the guests
    whose last night it is (they check out the next morning)."""
    result = []
    for hotel in rooming.hotels:
        if night not in hotel.guests_per_night:
            continue
        entry = HotelNight(hotel.name, hotel.guests_per_night[night], hotel.rooms_per_night[night])
        for guest in hotel.guests:
            nights = guest.nights
            if nights and nights[0] == night:
                entry.checking_in.append(guest)
            if nights and nights[-1] == night:
                entry.checking_out.append(guest)
        result.append(entry)
    return result


# -- catering ------------------------------------------------------------------


@dataclass(frozen=True)
class Diner:
    """What one delegate may not eat."""

    dietary: Sequence[str] = ()
    dietary_other: str | None = None
    allergens: Sequence[str] = ()
    allergens_other: str | None = None


@dataclass
class CateringCounts:
    total: int = 0
    dietary: Counter[str] = field(default_factory=Counter)
    allergens: Counter[str] = field(default_factory=Counter)
    # Delegates with neither a dietary requirement nor an allergen.
    unrestricted: int = 0
    # The free-text notes, as written, with how many delegates wrote each
    # (the same words in another case count as the same note).
    notes: list[tuple[str, int]] = field(default_factory=list)

    def dietary_items(self) -> list[tuple[str, int]]:
        """(requirement, count), most frequent first, then by name."""
        return sorted(self.dietary.items(), key=lambda kv: (-kv[1], kv[0]))

    def allergen_items(self) -> list[tuple[str, int]]:
        return sorted(self.allergens.items(), key=lambda kv: (-kv[1], kv[0]))


def catering_counts(diners: Iterable[Diner]) -> CateringCounts:
    """Counts per dietary requirement and allergen, in one pass.

    A delegate counts once per requirement, even if a form sent it twice;
    free text ("other") counts under "other" and its text is kept in notes.
    """
    return tally_diners((diner, 1) for diner in diners)


def tally_diners(groups: Iterable[tuple[Diner, int]]) -> CateringCounts:
    """catering_counts of diners given as (diner, how many alike): SQL groups
    the delegates with the same needs, most of whom have none."""
    counts = CateringCounts()
    notes: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for diner, many in groups:
        counts.total += many
        dietary = set(diner.dietary or ())
        allergens = set(diner.allergens or ())
        for kind, text in (("dietary", diner.dietary_other), ("allergen", diner.allergens_other)):
            text = " ".join((text or "").split())
            if not text:
                continue
            (dietary if kind == "dietary" else allergens).add("other")
            key = text.casefold()
            spelling.setdefault(key, text)
            notes[key] += many
        counts.dietary.update(dict.fromkeys(dietary, many))
        counts.allergens.update(dict.fromkeys(allergens, many))
        if not dietary and not allergens:
            counts.unrestricted += many
    counts.notes = sorted(
        ((spelling[key], n) for key, n in notes.items()), key=lambda kv: (-kv[1], kv[0].casefold())
    )
    return counts


def requirement_columns(counts: Iterable[CateringCounts]) -> tuple[list[str], list[str]]:
    """The dietary requirements and allergens that any of ``counts`` has, each
    most frequent first (summed over them), then by code: the columns of a
    table of meals."""
    dietary: Counter[str] = Counter()
    allergens: Counter[str] = Counter()
    for c in counts:
        dietary.update(c.dietary)
        allergens.update(c.allergens)
    return (
        [k for k, _n in sorted(dietary.items(), key=lambda kv: (-kv[1], kv[0]))],
        [k for k, _n in sorted(allergens.items(), key=lambda kv: (-kv[1], kv[0]))],
    )


def catering_by_session(rows: Iterable[tuple[int, Diner]]) -> dict[int, CateringCounts]:
    """(session id, diner) pairs -> the counts for each session."""
    grouped: dict[int, list[Diner]] = defaultdict(list)
    for session_id, diner in rows:
        grouped[session_id].append(diner)
    return {session_id: catering_counts(diners) for session_id, diners in grouped.items()}


def tally_by_session(rows: Iterable[tuple[int, Diner, int]]) -> dict[int, CateringCounts]:
    """(session id, diner, how many alike) -> the counts for each session."""
    grouped: dict[int, list[tuple[Diner, int]]] = defaultdict(list)
    for session_id, diner, many in rows:
        grouped[session_id].append((diner, many))
    return {session_id: tally_diners(groups) for session_id, groups in grouped.items()}


# -- interpreters --------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A delegate as far as languages go."""

    name: str
    is_interpreter: bool
    languages: Sequence[str]


@dataclass
class LanguageNeeds:
    """What a delegation speaks, whom it brings, and what the host must cover."""

    needs: list[str]  # languages its members (not its interpreters) speak
    brings: list[tuple[str, list[str]]]  # (interpreter, languages)
    # Members who speak none of the festival's languages...
    covered: list[tuple[str, list[str]]]  # ...but their own interpreter covers them
    uncovered: list[tuple[str, list[str]]]  # ...and nobody in the delegation does

    @property
    def needs_host_interpreter(self) -> bool:
        return bool(self.uncovered)


def _norm(languages: Iterable[str]) -> list[str]:
    return sorted({code.strip().lower() for code in languages if code and code.strip()})


def language_needs(members: Iterable[Member], festival_languages: Iterable[str]) -> LanguageNeeds:
    """Which of a delegation's members need interpretation, and who provides it.

    A member needs interpretation when they speak none of the festival's
    languages; their own interpreter covers them when that interpreter
    speaks one of the member's languages and one of the festival's.
    A member whose languages are not given is not counted as needing any.
    """
    working = set(_norm(festival_languages))
    members = list(members)
    interpreters = [(m.name, _norm(m.languages)) for m in members if m.is_interpreter]
    needs: set[str] = set()
    covered: list[tuple[str, list[str]]] = []
    uncovered: list[tuple[str, list[str]]] = []
    for member in members:
        if member.is_interpreter:
            continue
        spoken = _norm(member.languages)
        needs.update(spoken)
        if not spoken or working & set(spoken):
            continue
        by_own = any(
            set(langs) & set(spoken) and set(langs) & working for _name, langs in interpreters
        )
        (covered if by_own else uncovered).append((member.name, spoken))
    return LanguageNeeds(sorted(needs), interpreters, covered, uncovered)


def host_interpretation(needs: Iterable[LanguageNeeds]) -> list[tuple[str, int]]:
    """Languages the host must interpret from, with how many delegates need each."""
    counter: Counter[str] = Counter()
    for need in needs:
        for _name, languages in need.uncovered:
            counter.update(languages)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


# -- bar charts ----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int  # of the bar, in px
    text_y: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int
    plot_width: int


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    width: int = 560,
    label_width: int = 180,
    bar_height: int = 20,
    gap: int = 8,
) -> BarChart:
    """The geometry of a horizontal bar chart; the template draws it as SVG.

    The longest bar fills the plot; room is kept on the right for its value.
    """
    plot_width = width - label_width - 48
    top = max((value for _label, value in items), default=0)
    bars = []
    for index, (label, value) in enumerate(items):
        y = gap + index * (bar_height + gap)
        length = round(plot_width * value / top) if top else 0
        if value and not length:
            length = 1  # a count of one among thousands still shows
        bars.append(Bar(label, value, y, length, y + bar_height * 2 // 3 + 1))
    height = gap + len(items) * (bar_height + gap)
    return BarChart(
        bars, width, max(height, bar_height + 2 * gap), label_width, bar_height, plot_width
    )
