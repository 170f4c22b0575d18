"""Sign in and out: organisers with a password, delegates with an e-mailed link."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user

from festival.auth import services
from festival.auth.forms import ChangePasswordForm, ConfirmForm, LoginForm, LoginLinkRequestForm
from festival.auth.models import User
from festival.core.access import require_organiser
from festival.core.forms import add_error, required
from festival.core.types import utcnow
from festival.core.urls import safe_next
from festival.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_account() -> str:
    """The rate limit's key for the e-mail in the form: the same limit counts
    per account too, so spreading guesses over many addresses (or forged
    X-Forwarded-For headers) gains nothing. Hashed: no e-mail in Redis."""
    email = services.normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode("utf-8")).hexdigest()


def _no_account_submitted() -> bool:
    return not request.form.get("email", "").strip()


def init_login_manager(manager: LoginManager) -> None:
    manager.login_view = "auth.login"
    manager.login_message = None

    @manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The cookie holds "id:nonce"; a rotated nonce means "signed out".
        user_id, _sep, nonce = session_id.partition(":")
        if not user_id.isdigit() or not nonce:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_nonce != nonce:
            return None
        return user


def _home_for(user: User) -> str:
    if user.is_organiser:
        return url_for("festivals_admin.dashboard")
    if user.is_helper and user.helper_festival is not None:
        return url_for("door.index", slug=user.helper_festival.slug)
    if "registration.home" in current_app.view_functions:
        return url_for("registration.home")  # the delegate's own pages
    return url_for("core.index")


# Per visitor address, and per account named in the form.
_per_account = limiter.limit(
    _login_limit, key_func=_submitted_account, methods=["POST"], exempt_when=_no_account_submitted
)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@_per_account
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(required(form.email.data), required(form.password.data))
        if user is not None:
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or _home_for(user))
        add_error(form.password, _("The e-mail or the password is not right."))
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/login/link", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@_per_account
def request_login_link() -> ResponseReturnValue:
    """Delegates sign in without a password: we e-mail them a link."""
    form = LoginLinkRequestForm()
    if form.validate_on_submit():
        user = services.user_by_email(required(form.email.data))
        # Same answer whether or not the address is known, and whether or
        # not the account's hourly allowance of links is spent: no probing.
        if user is not None and user.is_active and user.is_delegate:
            services.send_login_link(user)
            db.session.commit()
        flash(
            _(
                "If %(email)s belongs to a delegate, a sign-in link is on its way.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.request_login_link"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login_link.html", form=form), status


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def use_login_link(token: str) -> ResponseReturnValue:
    # GET only shows a button: mail scanners that prefetch links must not
    # use up a single-use link.
    form = ConfirmForm()
    if form.validate_on_submit():
        user = services.redeem_login_link(token)
        if user is not None:
            user.end_sessions()  # a fresh identity for this sign-in
            user.last_login_at = utcnow()
            db.session.commit()
            login_user(user)
            return redirect(_home_for(user))
        db.session.rollback()
    elif services.find_login_link(token) is not None:
        return render_template("auth/use_login_link.html", form=form)
    return render_template("auth/login_link_expired.html"), 410


@bp.route("/account", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # guessing the current password
def account() -> ResponseReturnValue:
    """The organiser's own account: change the password, sign out everywhere."""
    if (refused := require_organiser()) is not None:
        return refused
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if services.change_password(
            user, required(form.current_password.data), required(form.new_password.data)
        ):
            db.session.commit()
            # The change ended every session, this one too: sign in again
            # with the new identity, keeping "remember me" if it was on.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remembered in request.cookies)
            flash(_("Your password is changed. Every other device is signed out."), "info")
            return redirect(url_for("auth.account"))
        add_error(form.current_password, _("This is not your current password."))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/account.html", form=form), status


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session and remember-me cookie of the account, this one too."""
    if (refused := require_organiser()) is not None:
        return refused
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/email/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def confirm_email_change(token: str) -> ResponseReturnValue:
    """The link e-mailed to a new sign-in address: following it makes the move.

    GET only shows a button (mail scanners follow links); the POST moves the
    address, ends the account's sessions and tells the old address.
    """
    form = ConfirmForm()
    change = services.find_email_change(token)
    if change is None:
        return render_template("auth/email_change_expired.html"), 410
    if not form.validate_on_submit():
        return render_template("auth/confirm_email_change.html", form=form, change=change)
    user = services.confirm_email_change(token)
    if user is None:
        db.session.rollback()
        return render_template("auth/email_change_expired.html"), 410
    email = user.email
    signed_in_here = current_user.is_authenticated and current_user.id == user.id
    db.session.commit()
    if signed_in_here:
        logout_user()  # this session ended with the others
    flash(_("Your sign-in address is now %(email)s. Sign in with it.", email=email), "success")
    return redirect(url_for("auth.request_login_link"))
