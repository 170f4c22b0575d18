"""``flask create-organiser EMAIL``."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from festival.auth.services import PASSWORD_MIN_LENGTH
from festival.auth.services import create_organiser as create
from festival.extensions import db


@click.command("create-organiser")
@click.argument("email")
@click.option(
    "--password",
    help="For scripts; without it you are asked (the input is hidden).",
)
@with_appcontext
def create_organiser(email: str, password: str | None) -> None:
    """Create an organiser login (or reset its password, which signs it out everywhere)."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < PASSWORD_MIN_LENGTH:
        raise click.BadParameter(
            f"use at least {PASSWORD_MIN_LENGTH} characters", param_hint="--password"
        )
    create(email, password)
    db.session.commit()
    click.echo(f"Organiser {email} can now sign in.")
