"""Transfer pages for organisers: the day's board, proposals, vehicles,
escorts, settings, and what goes to the drivers and the arrivals hall.

Every page is under /organiser/festivals/<slug>/transfers; the board reads
a whole day in three queries whatever its size.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.core.view_helpers import row_id
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.interpretation import services as interpretation
from festival.logistics.exports import Table, download
from festival.logistics.labels import date_label
from festival.programme.times import NonexistentLocalTime, local, to_utc
from festival.registration.labels import airport_time
from festival.registration.models import Delegate, DelegateRole, Delegation
from festival.transfers import board as boardpage
from festival.transfers import boardlines, checks, labels, notices, services
from festival.transfers.forms import (
    EscortForm,
    MoveForm,
    ProposalForm,
    SettingsForm,
    StatusForm,
    TransferForm,
    VehicleForm,
)
from festival.transfers.models import (
    Direction,
    Escort,
    Passenger,
    Transfer,
    TransferStatus,
    Vehicle,
    VehicleKind,
)

bp = organiser_blueprint("transfers", __name__, "/festivals/<slug>/transfers")
load_festival_from_url(bp)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "transfer_labels": labels,
        "airport_time": airport_time,
        "local": local,
        "date_label": date_label,
    }


def _day() -> date:
    """The ``?day=`` asked for, else the festival's busiest arrival day."""
    festival = g.festival
    try:
        asked = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        asked = None
    if asked and abs((asked - festival.starts_on).days) <= 60:
        return asked
    # The first arrival found along the index on arrival_at (min() over the
    # festival's delegates scanned them all: 2.7 ms at ten times the scale).
    first = db.session.scalar(
        sa.select(Delegate.arrival_at)
        .join(Delegation)
        .where(Delegation.festival_id == festival.id, Delegate.arrival_at.is_not(None))
        .order_by(Delegate.arrival_at)
        .limit(1)
    )
    return local(first, festival.tz).date() if first else festival.starts_on


def _direction(default: Direction | None = None) -> Direction | None:
    try:
        return Direction(request.args.get("direction", ""))
    except ValueError:
        return default


def _days() -> list[date]:
    festival = g.festival
    first, last = festival.starts_on - timedelta(days=2), festival.ends_on + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@bp.get("")
def board() -> ResponseReturnValue:
    """The day's transfers with their checks, a page at a time, and who
    still has no car (a fixed number of queries whatever the day's size)."""
    day, direction = _day(), _direction()
    counts = services.day_counts(g.festival, day)
    airports = counts.airports()
    airport = request.args.get("airport", "").upper()
    airport = airport if airport in airports else ""
    page = boardpage.board_page(
        g.festival, day, direction, airport or None, counts.total(direction, airport or None)
    )
    rows = [(t, checks.check(t)) for t in page.items]
    waiting = services.count_unplanned(g.festival, day)
    return render_template(
        "transfers/board.html",
        festival=g.festival,
        day=day,
        days=_days(),
        direction=direction,
        airports=airports,
        airport=airport,
        page=page,
        lines=boardlines.board_lines(rows, g.festival.slug, g.festival.tz),
        waiting=waiting,
        flagged=sum(1 for _t, flags in rows if flags),
    )


@bp.route("/propose", methods=["GET", "POST"])
def propose() -> ResponseReturnValue:
    """The proposed cars for a day, shown before anything is saved."""
    day, direction = _day(), _direction(Direction.ARRIVAL) or Direction.ARRIVAL
    plan = services.proposal(g.festival, direction, day)
    form = ProposalForm()
    if request.method == "POST" and form.validate_on_submit():
        if form.fingerprint.data != plan.fingerprint:
            flash(_("Flights or vehicles changed meanwhile: here is the new proposal."), "warning")
        elif not plan.cars:
            flash(_("Nobody is waiting for a car on that day."), "info")
        else:
            saved = services.save_proposal(g.festival, plan)
            db.session.commit()
            flash(
                ngettext("%(num)s transfer planned.", "%(num)s transfers planned.", len(saved)),
                "success",
            )
            return redirect(url_for(".board", day=day.isoformat(), direction=direction.value))
    form.fingerprint.data = plan.fingerprint
    return render_template(
        "transfers/propose.html",
        festival=g.festival,
        day=day,
        days=_days(),
        direction=direction,
        plan=plan,
        form=form,
        settings=services.settings_for(g.festival),
    )


def _transfer(transfer_id: int) -> Transfer:
    return festival_row_or_404(Transfer, g.festival, transfer_id)


def _interpreters() -> list[Delegate]:
    return list(
        db.session.scalars(
            sa.select(Delegate)
            .join(Delegation)
            .where(
                Delegation.festival_id == g.festival.id,
                Delegate.confirmed_role == DelegateRole.INTERPRETER,
            )
            .order_by(*Delegate.name_ordering())
        )
    )


@bp.route("/<int:transfer_id>", methods=["GET", "POST"])
def edit(transfer_id: int) -> ResponseReturnValue:
    transfer = _transfer(transfer_id)
    tz = g.festival.tz
    form = TransferForm()
    form.set_choices(
        services.fleet(g.festival),
        services.escorts(g.festival),
        _interpreters(),
        interpretation.host_interpreters(g.festival),
    )
    if request.method == "GET":
        form.pickup_at.data = local(transfer.pickup_at, tz).replace(tzinfo=None)
        form.meeting_point.data = transfer.meeting_point
        form.vehicle_id.data = transfer.vehicle_id
        form.escort_id.data = transfer.escort_id
        form.show_interpreter(transfer.interpreter_id, transfer.host_interpreter_id)
    elif form.validate_on_submit():
        typed: datetime = required(form.pickup_at.data)
        try:
            pickup = to_utc(typed.date(), typed.time(), tz)
        except NonexistentLocalTime:
            add_error(form.pickup_at, _("This time does not exist (the clocks change)."))
        else:
            transfer.pickup_at = pickup
            transfer.meeting_point = form.meeting_point.data or ""
            transfer.vehicle_id = form.vehicle_id.data
            transfer.escort_id = form.escort_id.data
            transfer.interpreter_id, transfer.host_interpreter_id = form.interpreter()
            db.session.commit()
            flash(_("The transfer is saved; its passengers' calendars follow."), "success")
            return redirect(url_for(".edit", transfer_id=transfer.id))
    day = local(transfer.pickup_at, tz).date()
    others = [t for t in services.transfers_of_day(g.festival, day, transfer.direction)]
    row = next((t for t in others if t.id == transfer.id), transfer)
    status = 422 if form.errors else 200
    return render_template(
        "transfers/edit.html",
        festival=g.festival,
        transfer=row,
        flags=checks.check(row),
        form=form,
        others=[t for t in others if t.id != transfer.id],
        move_form=MoveForm(),
    ), status


@bp.post("/<int:transfer_id>/status")
def set_status(transfer_id: int) -> ResponseReturnValue:
    transfer = _transfer(transfer_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_status(transfer, TransferStatus(form.status.data))
    db.session.commit()
    day = local(transfer.pickup_at, g.festival.tz).date()
    return redirect(url_for(".board", day=day.isoformat()) + f"#transfer-{transfer.id}")


@bp.post("/<int:transfer_id>/confirm-changes")
def confirm_changes(transfer_id: int) -> ResponseReturnValue:
    """The organiser has seen the new flights: tell the passengers and the driver."""
    transfer = _transfer(transfer_id)
    told = services.confirm_flight_changes(transfer)
    notices.tell_about_change(g.festival, transfer, told)
    db.session.commit()
    flash(
        ngettext(
            "%(num)s passenger and the driver are told.",
            "%(num)s passengers and the driver are told.",
            len(told),
        )
        if transfer.vehicle and transfer.vehicle.driver_email
        else ngettext("%(num)s passenger is told.", "%(num)s passengers are told.", len(told)),
        "success",
    )
    return redirect(url_for(".edit", transfer_id=transfer.id))


@bp.post("/passengers/<int:passenger_id>/move")
def move(passenger_id: int) -> ResponseReturnValue:
    passenger = db.session.scalar(
        sa.select(Passenger)
        .join(Transfer, Transfer.id == Passenger.transfer_id)
        .where(Passenger.id == passenger_id, Transfer.festival_id == g.festival.id)
    )
    if passenger is None:
        abort(404)
    source = passenger.transfer
    if not MoveForm().validate_on_submit():
        abort(400)
    # Empty: off every car. Anything else must be a transfer of this festival;
    # a garbled value is refused, never read as "off every car".
    typed = request.form.get("target", "").strip()
    target_id = row_id(typed)
    if typed and target_id is None:
        abort(400)
    target = _transfer(target_id) if target_id is not None else None
    if target is not None and target.direction != passenger.direction:
        abort(400)
    services.move_passenger(passenger, target)
    db.session.commit()
    flash(_("Moved.") if target else _("Taken off every car; they wait for a new one."), "success")
    back = target or source
    return redirect(url_for(".edit", transfer_id=back.id) if back else url_for(".board"))


# --- vehicles, escorts, settings -------------------------------------------------


@bp.route("/vehicles", methods=["GET", "POST"])
def vehicles() -> ResponseReturnValue:
    form = VehicleForm()
    if form.validate_on_submit():
        if _label_taken(required(form.label.data)):
            add_error(form.label, _("Another vehicle has this name."))
        else:
            vehicle = Vehicle(festival_id=g.festival.id)
            _fill_vehicle(vehicle, form)
            db.session.add(vehicle)
            db.session.commit()
            flash(_("Vehicle added."), "success")
            return redirect(url_for(".vehicles"))
    return render_template(
        "transfers/vehicles.html",
        festival=g.festival,
        vehicles=services.fleet(g.festival),
        form=form,
        day=_day(),
    ), (422 if form.errors else 200)


def _label_taken(label: str, but: int | None = None) -> bool:
    query = sa.select(Vehicle.id).where(
        Vehicle.festival_id == g.festival.id, Vehicle.label == label
    )
    if but is not None:
        query = query.where(Vehicle.id != but)
    return db.session.scalar(query) is not None


def _fill_vehicle(vehicle: Vehicle, form: VehicleForm) -> None:
    vehicle.label = required(form.label.data)
    vehicle.kind = VehicleKind(form.kind.data)
    vehicle.seats = required(form.seats.data)
    vehicle.luggage = form.luggage.data or 0
    vehicle.plate = form.plate.data or ""
    vehicle.driver_name = form.driver_name.data or ""
    vehicle.driver_phone = form.driver_phone.data or ""
    vehicle.driver_email = form.driver_email.data or None
    vehicle.driver_language = form.driver_language.data


@bp.route("/vehicles/<int:vehicle_id>", methods=["GET", "POST"])
def edit_vehicle(vehicle_id: int) -> ResponseReturnValue:
    vehicle = festival_row_or_404(Vehicle, g.festival, vehicle_id)
    form = VehicleForm(obj=vehicle)
    if form.validate_on_submit():
        if _label_taken(required(form.label.data), but=vehicle.id):
            add_error(form.label, _("Another vehicle has this name."))
        else:
            _fill_vehicle(vehicle, form)
            db.session.commit()
            flash(_("Vehicle saved."), "success")
            return redirect(url_for(".vehicles"))
    return render_template(
        "transfers/vehicle_form.html", festival=g.festival, vehicle=vehicle, form=form
    ), (422 if form.errors else 200)


@bp.route("/escorts", methods=["GET", "POST"])
def escorts() -> ResponseReturnValue:
    form = EscortForm()
    if form.validate_on_submit():
        taken = db.session.scalar(
            sa.select(Escort.id).where(
                Escort.festival_id == g.festival.id, Escort.name == form.name.data
            )
        )
        if taken:
            add_error(form.name, _("Another escort has this name."))
        else:
            db.session.add(
                Escort(
                    festival_id=g.festival.id,
                    name=form.name.data,
                    phone=form.phone.data or "",
                    languages=form.language_codes(),
                )
            )
            db.session.commit()
            flash(_("Escort added."), "success")
            return redirect(url_for(".escorts"))
    return render_template(
        "transfers/escorts.html",
        festival=g.festival,
        escorts=services.escorts(g.festival),
        form=form,
    ), (422 if form.errors else 200)


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    current = services.settings_for(g.festival)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        form.populate_obj(current)
        db.session.add(current)
        db.session.commit()
        flash(_("Transfer settings saved."), "success")
        return redirect(url_for(".settings"))
    return render_template("transfers/settings.html", festival=g.festival, form=form), (
        422 if form.errors else 200
    )


# --- what goes to the drivers and the arrivals hall ------------------------------


def _manifest_rows(vehicle: Vehicle, day: date) -> list[Transfer]:
    return [t for t in services.transfers_of_day(g.festival, day) if t.vehicle_id == vehicle.id]


@bp.get("/vehicles/<int:vehicle_id>/manifest")
@bp.get("/vehicles/<int:vehicle_id>/manifest.<fmt>")
def manifest(vehicle_id: int, fmt: str | None = None) -> ResponseReturnValue:
    """The driver's sheet for a day, in the driver's language."""
    if fmt is not None and fmt not in ("csv", "xlsx"):
        abort(404)
    vehicle = festival_row_or_404(Vehicle, g.festival, vehicle_id)
    day = _day()
    transfers = _manifest_rows(vehicle, day)
    with force_locale(vehicle.driver_language):
        if fmt:
            return download(
                [_manifest_table(vehicle, transfers)], fmt, _manifest_name(vehicle, day)
            )
        return render_template(
            "transfers/manifest.html",
            festival=g.festival,
            vehicle=vehicle,
            day=day,
            transfers=transfers,
            driver_lang=vehicle.driver_language,
        )


def _manifest_name(vehicle: Vehicle, day: date) -> str:
    return f"{g.festival.slug}-manifest-{vehicle.id}-{day.isoformat()}"


def _manifest_table(vehicle: Vehicle, transfers: list[Transfer]) -> Table:
    tz = g.festival.tz
    table = Table(
        vehicle.label,
        [
            _("Pickup"),
            _("Direction"),
            _("Meeting point"),
            _("Name"),
            _("Name in own script"),
            _("City"),
            _("Flight"),
            _("Flight time (airport)"),
            _("Phone"),
        ],
    )
    for transfer in transfers:
        for passenger in transfer.passengers:
            person = passenger.delegate
            flight_at, airport, number = checks.flight_of(person, transfer.direction)
            table.rows.append(
                [
                    local(transfer.pickup_at, tz).replace(tzinfo=None),
                    labels.label(labels.DIRECTIONS, transfer.direction),
                    transfer.meeting_point,
                    person.list_name,
                    person.native_name or "",
                    person.delegation.city.name,
                    number or "",
                    airport_time(flight_at, airport),
                    person.phone or "",
                ]
            )
    return table


@bp.get("/<int:transfer_id>/signs")
def signs(transfer_id: int) -> ResponseReturnValue:
    """One A4 sign per party (delegation) for the arrivals hall."""
    transfer = _transfer(transfer_id)
    parties: dict[int, list[Delegate]] = {}
    for passenger in transfer.passengers:
        parties.setdefault(passenger.delegate.delegation_id, []).append(passenger.delegate)
    return render_template(
        "transfers/signs.html", festival=g.festival, transfer=transfer, parties=parties
    )
