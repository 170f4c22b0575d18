"""Organiser pages: compose, publish and take down the festival's public
impressions report; translate its quotes; upload its photos."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.core.pagination import paginate
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.reports import services
from festival.reports.forms import PhotoForm
from festival.reports.models import PublishedQuote, ReportPhoto
from festival.reports.photos import MAX_UPLOAD_BYTES, PhotoError, web_photo

bp = organiser_blueprint("reports_admin", __name__, "/festivals/<slug>/published-report")
load_festival_from_url(bp)


@bp.url_value_preprocessor
def _room_for_photos(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A phone's photo is often larger than the app's usual upload limit.
    Raised here, before any ``before_request`` (the CSRF check reads the
    body first), and for organisers only."""
    if endpoint == "reports_admin.upload_photo" and getattr(current_user, "is_organiser", False):
        request.max_content_length = MAX_UPLOAD_BYTES


def _back() -> BaseResponse:
    return redirect(url_for(".compose"), 303)


def _page(photo_form: PhotoForm, status: int = 200) -> ResponseReturnValue:
    festival = g.festival
    publication = services.publication_of(festival)
    # The quotes' translation forms come a page at a time: hundreds of them
    # made a page of 350 KB.
    quotes = None
    if publication is not None:
        # Counted on its own: paginate's count wraps the whole select.
        quotes = paginate(services.quotes_query(publication), services.quote_count(publication))
    return (
        render_template(
            "reports/compose.html",
            festival=festival,
            publication=publication,
            quotes=quotes,
            selected=services.selected_count(festival),
            photos=services.festival_photos(festival),
            photo_form=photo_form,
            languages=festival.all_content_languages,
        ),
        status,
    )


@bp.get("")
def compose() -> ResponseReturnValue:
    """What is published, what would be, the quotes' translations and the photos."""
    return _page(PhotoForm(formdata=None))


@bp.post("/publish")
def publish() -> ResponseReturnValue:
    publication = services.publish(g.festival)
    db.session.commit()
    count = len(publication.quotes)
    flash(
        ngettext(
            "The report is published with %(num)s quote.",
            "The report is published with %(num)s quotes.",
            count,
        ),
        "success",
    )
    return _back()


@bp.post("/unpublish")
def unpublish() -> ResponseReturnValue:
    if services.unpublish(g.festival):
        db.session.commit()
        flash(_("The report is no longer public."), "success")
    return _back()


@bp.post("/quotes/<int:quote_id>")
def translate_quote(quote_id: int) -> ResponseReturnValue:
    """Save the organisers' translations of one published quote."""
    publication = services.publication_of(g.festival)
    if publication is None:
        abort(404)
    quote = db.session.get(PublishedQuote, quote_id)
    if quote is None or quote.publication_id != publication.id:
        abort(404)
    texts = {
        lang: request.form.get(f"text-{lang}", "")[:5000]
        for lang in g.festival.all_content_languages
        if lang != quote.language
    }
    if services.set_quote_translations(publication, quote, texts):
        db.session.commit()
        flash(_("The translations are saved and shown on the public report."), "success")
    page = services.quote_page(publication, quote, current_app.config["PER_PAGE"])
    return redirect(
        url_for(".compose", page=page if page > 1 else None, _anchor=f"quote-{quote.id}"), 303
    )


@bp.post("/photos")
def upload_photo() -> ResponseReturnValue:
    form = PhotoForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        photo = web_photo(required(form.photo.data).read())
    except PhotoError:
        add_error(
            form.photo, _("This file is not a photo we can read: upload a JPEG, PNG or WebP.")
        )
        return _page(form, 422)
    services.add_photo(g.festival, photo, form.alt_text.data or "", form.caption.data or "")
    db.session.commit()
    flash(_("The photo is added. Publish the report again to show it."), "success")
    return _back()


@bp.post("/photos/<int:photo_id>/delete")
def delete_photo(photo_id: int) -> ResponseReturnValue:
    photo = festival_row_or_404(ReportPhoto, g.festival, photo_id)
    services.delete_photo(g.festival, photo)
    db.session.commit()
    flash(_("The photo is deleted."), "success")
    return _back()


@bp.get("/photos/<int:photo_id>.jpg")
def photo_preview(photo_id: int) -> ResponseReturnValue:
    """A photo for the organisers, published or not (private: no-store)."""
    from festival.reports.public import photo_response

    photo = festival_row_or_404(ReportPhoto, g.festival, photo_id)
    response = photo_response(photo)
    response.headers["Cache-Control"] = "no-store"
    return response
