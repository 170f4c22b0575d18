"""The published report as the public reads it: ``/festivals/<slug>/report``.

The page is the same for every visitor who is not signed in, so it is
cacheable by anyone (``public``) but revalidated on every request
(``no-cache``): its ETag carries the publication's version, which rises
when an author withdraws consent, so a withdrawn quote is gone at once even
from a shared cache. Photos have their content's hash in the URL and are
cached for a year.
"""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from festival.core import memo
from festival.core.content import localized
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.impressions.models import ImpressionResponse
from festival.reports import services
from festival.reports.models import ReportPhoto

bp = Blueprint("reports", __name__)
load_festival_from_url(bp)

YEAR = 365 * 24 * 3600
# A few festivals, each in a few languages and versions (some 150 KB apiece).
MEMO_ENTRIES = 16
_BLANK_LINES = re.compile(r"\n\s*\n")


@bp.app_template_filter("paragraphs")
def paragraphs(text: str) -> Markup:
    """A quote as its author wrote it: blank lines part paragraphs, a single
    line break stays a line break."""
    parts = [p.strip() for p in _BLANK_LINES.split((text or "").replace("\r\n", "\n"))]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n")))
        for p in parts
        if p
    )


def _language() -> tuple[str, bool]:
    """(the content language to show, whether the URL chose it)."""
    asked = request.args.get("lang", "")
    if asked in g.festival.all_content_languages:
        return asked, True
    return str(get_locale()), False


@bp.get("/festivals/<slug>/report")
def report() -> ResponseReturnValue:
    """The festival's published impressions report, or a 404 before it is published."""
    festival = g.festival
    publication = services.publication_of(festival)
    if publication is None:
        abort(404)
    lang, chosen = _language()
    # A signed-in visitor's page names them in its header, and a message
    # waiting for this visitor is theirs: neither goes in a shared cache.
    private = current_user.is_authenticated or "_flashes" in session
    etag = f"report-{publication.id}-v{publication.version}-{lang}"
    if not private and etag in request.if_none_match:
        response = Response(status=304)
        _public_headers(response, etag, chosen)
        return response
    interface = lang if lang in current_app.config["LANGUAGES"] else str(get_locale())

    def render_body() -> str:
        default = festival.content_language or "en"
        return render_template(
            "reports/_report_body.html",
            festival=festival,
            publication=publication,
            lang=lang,
            intro=localized(publication, "introduction", lang, default),
            sections=services.sections(publication, lang, default),
            photos=services.published_photos(publication),
            languages=festival.all_content_languages,
        )

    # The report is rendered once per version of the publication (its every
    # change moves it: the ETag's), language and interface language; the
    # festival's own change (its name, dates, languages) moves its updated_at.
    key = (publication.id, publication.version, lang, interface, festival.updated_at)
    with force_locale(interface):
        report_body = Markup(memo.cached("public-report", key, render_body, MEMO_ENTRIES))  # noqa: S704  (rendered by Jinja)
        body = render_template("reports/report.html", festival=festival, body=report_body)
    response = make_response(body)
    if private:
        response.headers["Cache-Control"] = "no-store"
    else:
        _public_headers(response, etag, chosen)
    return response


def _public_headers(response: Response, etag: str, chosen: bool) -> None:
    response.headers["Cache-Control"] = "public, no-cache"
    response.set_etag(etag)
    # Without ?lang= the language follows the browser (or the visitor's choice).
    response.headers["Vary"] = "Cookie" if chosen else "Accept-Language, Cookie"


def photo_response(photo: ReportPhoto) -> Response:
    """A photo's JPEG bytes, with its digest as the ETag."""
    response = Response(photo.data, mimetype="image/jpeg")
    response.set_etag(photo.digest)
    return response


@bp.get("/festivals/<slug>/report/photos/<int:photo_id>-<digest>.jpg")
def photo(photo_id: int, digest: str) -> ResponseReturnValue:
    """A published photo. Its URL names its content, so it never changes:
    cached for a year by browsers and proxies."""
    publication = services.publication_of(g.festival)
    if publication is None or photo_id not in (publication.photo_ids or []):
        abort(404)
    row = _photo_or_404(photo_id, digest)
    if request.if_none_match and row.digest in request.if_none_match:
        response = Response(status=304)
        response.set_etag(row.digest)
    else:
        response = photo_response(row)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def _photo_or_404(photo_id: int, digest: str) -> ReportPhoto:
    row = db.session.get(ReportPhoto, photo_id)
    if row is None or row.festival_id != g.festival.id or row.digest != digest:
        abort(404)
    return row


# --- the author's side: their quotes, from their account -----------------------


@bp.get("/my/quotes")
@login_required
def my_quotes() -> ResponseReturnValue:
    """The signed-in delegate's sentences they agreed to have published, each
    with a button to withdraw (the same as on the answer page)."""
    rows = services.consented_quotes_of(current_user.id)
    return render_template(
        "reports/my_quotes.html",
        rows=rows,
        published=services.published_response_ids([r.id for r in rows]),
    )


@bp.post("/my/quotes/<int:response_id>/withdraw")
@login_required
def withdraw_my_quote(response_id: int) -> ResponseReturnValue:
    response = db.session.get(ImpressionResponse, response_id)
    # Another person's answer does not exist here.
    if response is None or response.delegate.user_id != current_user.id:
        abort(404)
    if response.consent_to_quote:
        services.withdraw_consent(response)
        db.session.commit()
        flash(_("You withdrew your consent: your sentence will not be published."), "success")
    return redirect(url_for(".my_quotes"), 303)
