"""Registers the command-line commands each domain owns."""

from flask import Flask


def init_app(app: Flask) -> None:
    from festival.auth.cli import create_organiser
    from festival.delegations.purge import purge_personal_data
    from festival.demo import demo
    from festival.worker import worker

    for command in (create_organiser, demo, worker, purge_personal_data):
        app.cli.add_command(command)
