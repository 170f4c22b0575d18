"""Incoming text without control characters, for every form and URL.

PostgreSQL refuses text holding a NUL character (the request would end in
a 500), and the other C0 control characters, invisible on a page, make
the XML, iCalendar and XLSX exports invalid. No person types them: they
come from pasted text or from a robot. So, before any view runs:

- form fields lose them (tab, line feed and carriage return stay), which
  keeps everything else that was typed, whatever form or field it is;
- a URL (path or query string) holding a NUL is refused with a 400.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def without_controls(text: str) -> str:
    """``text`` without C0 control characters other than tab and line breaks."""
    return _CONTROL.sub("", text)


# What ends a line for Python's str.splitlines (CR, LF, VT, FF, the file,
# group and record separators, NEL, U+2028, U+2029), and the tab.
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
_LINE_END = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
# Every control character (C0, DEL, C1): invisible, and never typed.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB_LF = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def single_line(text: str) -> str:
    """``text`` fit for a one-line value (a name, a subject, an e-mail header).

    Line breaks and tabs (CR, LF, NEL, U+2028, U+2029 ...) become one space;
    every other control character (C0, DEL, C1) is dropped. A value kept like
    this cannot split an e-mail header, a CSV row or an iCalendar line.
    """
    return _ANY_CONTROL.sub("", _BREAKS.sub(" ", text))


def multi_line(text: str) -> str:
    """``text`` fit for a text area: line ends become ``\\n``, tabs stay, every
    other control character (C0, DEL, C1) is dropped."""
    return _CONTROL_BUT_TAB_LF.sub("", _LINE_END.sub("\n", text))


def clean_request() -> None:
    """Refuse a NUL in the URL; take control characters out of form fields."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        abort(400)
    if request.mimetype not in _FORM_TYPES:
        return
    fields = list(request.form.items(multi=True))
    if any(_CONTROL.search(key) or _CONTROL.search(value) for key, value in fields):
        # Werkzeug caches the parsed form on the request: every reader after
        # this (Flask-WTF's forms, request.form.get) sees the clean values.
        request.form = ImmutableMultiDict(
            [(without_controls(key), without_controls(value)) for key, value in fields]
        )


def init_app(app: Flask) -> None:
    app.before_request(clean_request)
