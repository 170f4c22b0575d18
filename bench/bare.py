"""The machine's limit: a bare Flask view behind the same gunicorn settings.

``/`` answers a short text. ``/bytes/<n>`` answers n bytes kept in memory: what
a response of a feed's size costs the machine to move (loopback, the load
tool reading it), whatever the app does to produce it.
"""

from functools import lru_cache

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> tuple[str, int, dict[str, str]]:
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@lru_cache(maxsize=4)
def _body(size: int) -> bytes:
    return (b"BEGIN:VEVENT\r\nSUMMARY:bare\r\nEND:VEVENT\r\n" * (size // 40 + 1))[:size]


@app.get("/bytes/<int:size>")
def sized(size: int) -> tuple[bytes, int, dict[str, str]]:
    return _body(min(size, 10_000_000)), 200, {"Content-Type": "text/calendar; charset=utf-8"}
