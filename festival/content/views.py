"""Organiser pages: what is left to translate, one item in every language,
and translations out (XLIFF, XLSX) and back in (with a preview)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_sqlalchemy.pagination import Pagination

from festival.content import exchange, registry, services
from festival.content.forms import ApplyImportForm, ImportForm, item_form
from festival.core.access import organiser_blueprint
from festival.core.view_helpers import private_download
from festival.extensions import db
from festival.festivals.access import load_festival_from_url

bp = organiser_blueprint("content", __name__, "/festivals/<slug>/translations")
load_festival_from_url(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _ListPage(Pagination):
    """One page of a list already in memory (the items lacking a translation:
    a festival has thousands of itinerary items), with the usual links."""

    def _query_items(self) -> list[Any]:
        start = (self.page - 1) * self.per_page
        return list(self._query_args["rows"][start : start + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def _index(import_form: ImportForm, status: int = 200) -> ResponseReturnValue:
    festival = g.festival
    missing = services.missing(festival)
    page = _ListPage(per_page=current_app.config["PER_PAGE"], rows=missing.items)
    return render_template(
        "content/index.html",
        festival=festival,
        missing=missing,
        page=page,
        kinds=registry.BY_KEY,
        import_form=import_form,
    ), status


@bp.get("")
def index() -> ResponseReturnValue:
    """Per language, how many texts are missing, and the items that lack them."""
    return _index(ImportForm())


@bp.route("/<kind_key>/<int:item_id>", methods=["GET", "POST"])
def edit(kind_key: str, item_id: int) -> ResponseReturnValue:
    """One item's texts in every content language, the default first."""
    festival = g.festival
    found = registry.row_of(festival, kind_key, item_id)
    if found is None:
        abort(404)
    kind, row = found
    languages = festival.all_content_languages
    form = item_form(kind, row, languages)
    if form.validate_on_submit():
        data = {name: f.data or "" for name, f in form._fields.items() if "__" in name}
        changed = services.save_item(festival, kind, row, data)
        db.session.commit()
        flash(ngettext("%(num)d text saved.", "%(num)d texts saved.", changed))
        return redirect(url_for(".edit", kind_key=kind_key, item_id=item_id))
    return render_template(
        "content/edit.html",
        festival=festival,
        kind=kind,
        row=row,
        form=form,
        languages=languages,
        labels=registry.FIELD_LABELS,
    ), 422 if form.errors else 200


@bp.get("/export.xlf")
def export_xliff() -> ResponseReturnValue:
    """Everything to translate into ``?lang=``, as XLIFF 2.0."""
    festival = g.festival
    languages = festival.all_content_languages
    lang = request.args.get("lang", "")
    if lang not in languages[1:]:
        abort(404)
    body = exchange.xliff(registry.festival_units(festival), festival.slug, languages[0], lang)
    return private_download(body, f"{festival.slug}-{lang}.xlf", "application/xliff+xml")


@bp.get("/export.xlsx")
def export_xlsx() -> ResponseReturnValue:
    """Everything to translate, one column per language."""
    festival = g.festival
    body = exchange.xlsx(registry.festival_units(festival), festival.all_content_languages)
    return private_download(body, f"{festival.slug}-translations.xlsx", XLSX)


@bp.post("/import")
def import_preview() -> ResponseReturnValue:
    """Read a translated file and show what it would change; nothing is written yet."""
    festival = g.festival
    form = ImportForm()
    incoming: list[services.Incoming] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        name = (upload.filename or "").lower()
        try:
            if name.endswith((".xlf", ".xliff", ".xml")):
                incoming = exchange.read_xliff(data)
            else:
                incoming = exchange.read_xlsx(data, name, festival.all_content_languages)
        except exchange.ExchangeError:
            form.file.errors.append(
                _("This file is not a translation export of this app (XLIFF 2.0 or XLSX).")
            )
    if form.errors:
        return _index(form, 422)
    result = services.preview(festival, incoming)
    apply_form = ApplyImportForm(
        rows=json.dumps([dataclasses.asdict(entry) for entry in incoming], ensure_ascii=False)
    )
    return render_template(
        "content/preview.html", festival=festival, preview=result, form=apply_form
    )


@bp.post("/import/apply")
def import_apply() -> ResponseReturnValue:
    """Write the previewed translations, checked again against today's sources."""
    festival = g.festival
    form = ApplyImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rows = json.loads(form.rows.data or "[]")
        incoming = [
            services.Incoming(**{k: str(row[k]) for k in ("key", "lang", "hash", "text")})
            for row in rows
        ]
    except (ValueError, TypeError, KeyError):
        abort(400)
    result = services.preview(festival, incoming)
    done = services.apply(festival, result.changes)
    db.session.commit()
    flash(ngettext("%(num)d translation imported.", "%(num)d translations imported.", done))
    if result.refused:
        flash(
            ngettext(
                "%(num)d row refused: its source text changed since the export.",
                "%(num)d rows refused: their source text changed since the export.",
                len(result.refused),
            ),
            "warning",
        )
    return redirect(url_for(".index"))
