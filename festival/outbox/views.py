"""The organiser's view of the outbox: what was sent, what waits, what failed."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import escape

from festival.core.access import organiser_blueprint
from festival.core.pagination import paginate
from festival.extensions import db
from festival.outbox import services
from festival.outbox.labels import category_label
from festival.outbox.models import OutboxMessage, OutboxStatus

bp = organiser_blueprint("outbox", __name__, "/outbox")


@bp.get("/")
def index() -> ResponseReturnValue:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    status = request.args.get("status", "")
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    categories = sorted(
        db.session.scalars(sa.select(OutboxMessage.category).distinct()), key=category_label
    )
    category = request.args.get("category", "")
    if category in categories:
        query = query.where(OutboxMessage.category == category)
    q = request.args.get("q", "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(
            sa.or_(OutboxMessage.recipient.ilike(like), OutboxMessage.subject.ilike(like))
        )
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "outbox/index.html",
        page=paginate(query),
        counts=counts,
        statuses=list(OutboxStatus),
        status=status,
        categories=categories,
        category=category,
        q=q,
        smtp_configured=services.smtp_configured(),
        category_label=category_label,
    )


# Inline styles in the e-mail would be blocked by this site's CSP anyway (the
# preview frame inherits it); dropping them spares the browser console.
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"[^"]*"|'[^']*')""")


@bp.get("/<int:message_id>")
def show(message_id: int) -> ResponseReturnValue:
    """One message as organisers may read it: secret links hidden (see
    :func:`services.redact`); the message sent keeps them.

    In debug (a local run, where no e-mail leaves) the links are shown and
    listed as links, so whoever tries the app can open what it "sent".
    """
    message = db.get_or_404(OutboxMessage, message_id)
    debug_links: list[str] = []
    if current_app.debug:
        text_body, html_body = message.text_body, message.html_body
        debug_links = services.secret_links(text_body)
    else:
        mask = "[" + _("hidden") + "]"
        text_body = services.redact(message.text_body, message.category, mask)
        html_body = services.redact(message.html_body, message.category, str(escape(mask)))
    preview = _STYLE_ATTRIBUTE.sub("", html_body)
    return render_template(
        "outbox/show.html",
        message=message,
        text_body=text_body,
        html_body=html_body,
        html_preview=preview,
        hidden=text_body != message.text_body or html_body != message.html_body,
        debug_links=debug_links,
        category_label=category_label,
    )


@bp.post("/<int:message_id>/retry")
def retry(message_id: int) -> ResponseReturnValue:
    message = db.get_or_404(OutboxMessage, message_id)
    services.retry(message)
    db.session.commit()
    flash(_("The message will be sent on the worker's next pass."), "info")
    return redirect(url_for("outbox.show", message_id=message.id))
