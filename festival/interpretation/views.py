"""Organiser pages for interpretation: the host's interpreters, and their
assignment to sessions (the coverage shows on the session's page and on the
logistics interpreters' summary)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from festival.core.access import organiser_blueprint
from festival.core.forms import SelectChoice, add_error
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.interpretation import services
from festival.interpretation.forms import AssignForm, HostInterpreterForm
from festival.programme.forms import ConfirmForm
from festival.programme.models import HostInterpreter, ProgrammeSession

bp = organiser_blueprint("interpretation", __name__, "/festivals/<slug>/interpretation")
load_festival_from_url(bp)


def _render(form: HostInterpreterForm, status: int = 200) -> tuple[str, int]:
    festival = g.festival
    return render_template(
        "interpretation/index.html",
        festival=festival,
        form=form,
        interpreters=services.host_interpreters(festival),
        confirm=ConfirmForm(),
    ), status


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The host's interpreters, and a form to add one."""
    festival = g.festival
    form = HostInterpreterForm(festival_languages=list(festival.languages or []))
    if request.method == "GET":
        return _render(form)
    if not form.validate_on_submit():
        return _render(form, 422)
    languages = form.all_languages()
    if len(languages) < 2:
        add_error(form.languages, _("Tick at least two languages."))
        return _render(form, 422)
    try:
        interpreter = services.add_host_interpreter(festival, form.name.data or "", languages)
    except services.InterpretationError:
        db.session.rollback()
        add_error(form.name, _("An interpreter of this name is already on the list."))
        return _render(form, 422)
    name = interpreter.name
    db.session.commit()
    flash(_("%(name)s is on the list of host interpreters.", name=name), "success")
    return redirect(url_for("interpretation.index"))


@bp.post("/sessions/<int:session_id>/interpreters")
def assign(session_id: int) -> ResponseReturnValue:
    """Assign a host interpreter to a session (admitted there as staff)."""
    festival = g.festival
    session = festival_row_or_404(ProgrammeSession, festival, session_id)
    form = AssignForm()
    form.interpreter_id.choices = [
        SelectChoice(str(i.id), i.name) for i in services.host_interpreters(festival)
    ]
    if not form.validate_on_submit():
        flash(_("Choose one of the host interpreters."), "error")
        return redirect(
            url_for("programme_admin.show", slug=festival.slug, session_id=session.id)
            + "#interpretation"
        )
    interpreter = festival_row_or_404(HostInterpreter, festival, form.interpreter_id.data or 0)
    name = interpreter.name
    if services.assign(session, interpreter):
        db.session.commit()
        flash(_("%(name)s interprets at this session.", name=name), "success")
    else:
        flash(_("%(name)s was already assigned to this session.", name=name), "info")
    return redirect(
        url_for("programme_admin.show", slug=festival.slug, session_id=session.id)
        + "#interpretation"
    )


@bp.post("/sessions/<int:session_id>/interpreters/<int:interpreter_id>/remove")
def unassign(session_id: int, interpreter_id: int) -> ResponseReturnValue:
    """Take a host interpreter off a session."""
    festival = g.festival
    session = festival_row_or_404(ProgrammeSession, festival, session_id)
    interpreter = festival_row_or_404(HostInterpreter, festival, interpreter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = interpreter.name
    if services.unassign(session, interpreter):
        db.session.commit()
        flash(_("%(name)s no longer interprets at this session.", name=name), "info")
    return redirect(
        url_for("programme_admin.show", slug=festival.slug, session_id=session.id)
        + "#interpretation"
    )
