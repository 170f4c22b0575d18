"""Organiser pages for the invited cities: list, search, add, edit, import."""

from __future__ import annotations

from collections import Counter

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from festival.cities import imports, services
from festival.cities.forms import CityForm, ConfirmImportForm, ImportForm
from festival.cities.importer import parse_city_file
from festival.cities.labels import kind_choices, kind_label
from festival.cities.models import City
from festival.cities.reference import (
    country_choices,
    country_codes,
    country_name,
    default_language,
    field_choices,
    field_label,
)
from festival.core.access import organiser_blueprint
from festival.core.forms import add_error
from festival.core.pagination import paginate
from festival.core.view_helpers import private_download
from festival.editions import history
from festival.editions.labels import nth_time
from festival.extensions import db
from festival.invitations.labels import STATUS_LABELS

bp = organiser_blueprint("cities", __name__, "/cities")
# Other domains' templates show cities too: give them the same names.
bp.add_app_template_filter(country_name, "country_name")
bp.add_app_template_filter(field_label, "field_label")
bp.add_app_template_filter(kind_label, "city_kind_label")
bp.add_app_template_global(kind_choices, "city_kinds")
bp.add_app_template_global(nth_time, "nth_time")


@bp.get("/")
def index() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()
    country = request.args.get("country", "").strip().upper()
    if country not in country_codes():
        country = ""
    field = request.args.get("field", "")
    kind = request.args.get("kind", "")
    page = paginate(services.city_query(q, country, field, kind))
    return render_template(
        "cities/index.html",
        page=page,
        # Invited and came, over every edition: one query for the page.
        tallies=history.tallies([city.id for city in page.items]),
        q=q,
        country=country,
        field=field,
        kind=kind,
        countries=country_choices(services.countries_in_use()),
        fields=field_choices(),
        kinds=kind_choices(),
    )


@bp.get("/<int:city_id>/")
def show(city_id: int) -> ResponseReturnValue:
    """The city's history across editions: invited, came, with whom."""
    city = db.get_or_404(City, city_id)
    entries = history.city_history(city)
    return render_template(
        "cities/history.html",
        city=city,
        entries=entries,
        came=sum(1 for entry in entries if entry.came),
        facets=list(history.FACETS.values()),
        status_labels=STATUS_LABELS,
    )


def _render_form(form: CityForm, city: City | None, status: int = 200) -> tuple[str, int]:
    return render_template("cities/form.html", form=form, city=city), status


def _duplicate_error(form: CityForm, city_id: int | None) -> bool:
    """Put a message on the name field if the city already exists."""
    other = services.find_city(form.name.data or "", form.country_code.data or "", city_id)
    if other is None:
        return False
    add_error(
        form.name,
        _(
            "%(name)s (%(country)s) is already in the list.",
            name=other.name,
            country=country_name(other.country_code),
        ),
    )
    return True


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    form = CityForm()
    if request.method == "GET" and request.args.get("kind") in dict(kind_choices()):
        form.kind.data = request.args["kind"]
    if request.method == "GET" and request.args.get("country", "").upper() in country_codes():
        form.country_code.data = request.args["country"].upper()
        form.preferred_language.data = default_language(form.country_code.data)
    if not form.validate_on_submit():
        return _render_form(form, None, 422 if form.is_submitted() else 200)
    if _duplicate_error(form, None):
        return _render_form(form, None, 422)
    city = services.save_city(City(), form.data)
    db.session.commit()
    flash(_("%(name)s was added.", name=city.name), "success")
    return redirect(url_for("cities.index", q=city.name))


@bp.route("/<int:city_id>/edit", methods=["GET", "POST"])
def edit(city_id: int) -> ResponseReturnValue:
    city = db.get_or_404(City, city_id)
    form = CityForm(obj=city)
    if request.method == "GET":
        form.kind.data = city.kind.value
        form.creative_field.data = city.creative_field.value if city.creative_field else ""
    if not form.validate_on_submit():
        return _render_form(form, city, 422 if form.is_submitted() else 200)
    if _duplicate_error(form, city.id):
        return _render_form(form, city, 422)
    services.save_city(city, form.data)
    db.session.commit()
    flash(_("%(name)s was saved.", name=city.name), "success")
    return redirect(url_for("cities.index", q=city.name))


@bp.route("/import", methods=["GET", "POST"])
def import_file() -> ResponseReturnValue:
    form = ImportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("cities/import.html", form=form), status
    upload = form.file.data
    parsed = parse_city_file(upload.read(), upload.filename or "")
    if parsed.errors:
        form.file.errors = list(parsed.errors)
        return render_template("cities/import.html", form=form, parsed=parsed), 422
    planned = imports.plan(parsed.rows)
    counts = Counter(item.status for item in planned)
    # The good rows can be imported whatever the others; the bad ones go
    # back as a file, each with its reason.
    confirm = rejected = None
    if parsed.good_rows:
        confirm = ConfirmImportForm(
            formdata=None, payload=imports.sign_rows(parsed.good_rows, current_user.id)
        )
    if parsed.bad_rows:
        rejected = ConfirmImportForm(
            formdata=None, payload=imports.sign_rejected(parsed.bad_rows, current_user.id)
        )
    return render_template(
        "cities/preview.html",
        form=ImportForm(formdata=None),
        confirm=confirm,
        rejected=rejected,
        parsed=parsed,
        planned=planned,
        counts=counts,
        filename=upload.filename,
    ), (200 if confirm else 422)


@bp.post("/import/rejected.csv")
def import_rejected() -> ResponseReturnValue:
    """The rows a preview left out, with the reason for each, as a CSV to fix."""
    form = ConfirmImportForm()
    body = imports.rejected_csv(form.payload.data or "", current_user.id)
    if not form.validate_on_submit() or body is None:
        upload = ImportForm(formdata=None)
        upload.file.errors = [
            _("This preview has expired or was altered. Please upload the file again.")
        ]
        return render_template("cities/import.html", form=upload), 400
    return private_download(body, "cities-to-fix.csv", "text/csv")


@bp.post("/import/confirm")
def import_confirm() -> ResponseReturnValue:
    form = ConfirmImportForm()
    rows = imports.load_rows(form.payload.data or "", current_user.id)
    if not form.validate_on_submit() or rows is None:
        upload = ImportForm(formdata=None)
        upload.file.errors = [
            _("This preview has expired or was altered. Please upload the file again.")
        ]
        return render_template("cities/import.html", form=upload), 400
    try:
        counts = imports.apply(rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        upload = ImportForm(formdata=None)
        upload.file.errors = [
            _("The list of cities changed while you were importing. Please upload the file again.")
        ]
        return render_template("cities/import.html", form=upload), 409
    flash(
        _(
            "Import done: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
        ),
        "success",
    )
    return redirect(url_for("cities.index"))


@bp.get("/import/template.csv")
def import_template() -> ResponseReturnValue:
    return Response(
        imports.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="cities-template.csv"'},
    )


@bp.errorhandler(413)
def too_large(error: Exception) -> ResponseReturnValue:
    form = ImportForm(formdata=None)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = f"{limit / 1048576:.0f} MB" if limit >= 1048576 else f"{limit // 1024} KB"
    form.file.errors = [_("The file is too large (%(size)s at most).", size=size)]
    return render_template("cities/import.html", form=form), 413
