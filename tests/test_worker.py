"""``flask worker``: one pass with --once, a loop otherwise that stops cleanly
on SIGTERM or Ctrl+C, and a failing job that stops nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from festival import worker
from festival.extensions import db
from festival.outbox.services import queue_email

PROJECT = Path(__file__).resolve().parent.parent


def _queue(app, key: str) -> None:
    with app.app_context():
        queue_email(
            key=key,
            recipient="someone@city.example",
            subject="Hello",
            template="login_link",
            url="http://festival.test/x",
            minutes=15,
        )
        db.session.commit()


def test_once_does_one_pass_and_sends_the_outbox(app, runner, smtp_server):
    _queue(app, "worker:1")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox sent: 1" in result.output
    assert len(smtp_server.messages) == 1


CALLS: list[str] = []


def broken_job() -> int:
    raise RuntimeError("boom")


def fine_job() -> int:
    CALLS.append("fine")
    return 3


def test_a_failing_job_stops_neither_the_others_nor_the_outbox(app, runner, monkeypatch):
    jobs = ["tests.test_worker:broken_job", "tests.test_worker:fine_job"]
    monkeypatch.setattr(worker, "JOBS", jobs)
    CALLS.clear()

    result = runner.invoke(args=["worker", "--once"])

    assert CALLS == ["fine"]
    assert "tests.test_worker:broken_job: -1" in result.output
    assert "tests.test_worker:fine_job: 3" in result.output
    assert result.exit_code == 1  # cron sees that something went wrong


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_looping_worker_stops_cleanly_on_a_signal(database_url, stop_signal):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test-" + "x" * 32,
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("SMTP_HOST", "FLASK_DEBUG"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "festival", "worker", "--interval", "0.2"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Worker started"):
                break
        process.send_signal(stop_signal)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(lines) + output
    assert process.returncode == 0, output
    assert "Worker stopped." in output
    assert "Traceback" not in output
