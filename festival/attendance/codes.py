"""Check-in codes: short, typeable, printed on badges and itineraries.

A delegate's code is their id run through a keyed permutation of 40-bit
numbers (a Feistel network whose round function is HMAC-SHA256 under
SECRET_KEY), written as 8 characters of Crockford's base-32 alphabet and
grouped ``ABCD-EFGH``. So:

- no column and no lookup table: a code decodes straight back to the id;
- without SECRET_KEY nobody can compute a delegate's code, and a guessed or
  mistyped code decodes to an id that exists with odds of about
  ``delegates / 2**40`` (one in 200 million at 5,000 delegates);
- the alphabet has no I, L, O or U, and reading forgives the usual slips
  (``O`` for ``0``, ``I``/``L`` for ``1``, lower case, spaces, dashes).

Rotating SECRET_KEY changes every code: reprint the badges if you do.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache
from xml.sax.saxutils import escape as xml_escape

import segno
from flask import current_app
from markupsafe import Markup, escape

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
LENGTH = 8
_HALF_BITS = 20
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 8
_MAX_ID = 2**31 - 1  # a 32-bit INTEGER primary key
# What people mistype for what they meant (Crockford's decoding rules).
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


# A door list or a badge sheet codes every delegate of a festival (5,000 at
# ten times the scale, eight HMACs each): each code is computed once per
# process and key. The key is part of the cache key, so a new SECRET_KEY
# makes new codes.
CACHED_CODES = 65536


def code_key() -> bytes:
    """What the codes are made with (derived from SECRET_KEY): a cache of
    codes keys on it, so a new SECRET_KEY makes new codes."""
    return _key()


def _key() -> bytes:
    """A key for codes only, derived from SECRET_KEY."""
    secret = current_app.secret_key
    if not secret:
        raise RuntimeError("SECRET_KEY is needed to make check-in codes")
    return _derived_key(secret if isinstance(secret, bytes) else secret.encode("utf-8"))


@lru_cache(maxsize=8)
def _derived_key(secret: bytes) -> bytes:
    return hmac.new(secret, b"festival.attendance.check-in-code", hashlib.sha256).digest()


def _round(key: bytes, number: int, half: int) -> int:
    message = bytes([number]) + half.to_bytes(3, "big")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:3], "big") & _HALF_MASK


def _permute(value: int, *, inverse: bool = False) -> int:
    return _permuted(_key(), value, inverse)


def _permuted(key: bytes, value: int, inverse: bool) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    rounds = range(_ROUNDS - 1, -1, -1) if inverse else range(_ROUNDS)
    for number in rounds:
        if inverse:
            left, right = right ^ _round(key, number, left), left
        else:
            left, right = right, left ^ _round(key, number, right)
    return (left << _HALF_BITS) | right


def _to_text(value: int) -> str:
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def grouped(text: str) -> str:
    """``ABCDEFGH`` as ``ABCD-EFGH``: easier to read aloud and to type."""
    return f"{text[:4]}-{text[4:]}"


def code_for(delegate_id: int) -> str:
    """The delegate's check-in code, grouped for reading aloud: ``ABCD-EFGH``."""
    if not 0 < delegate_id <= _MAX_ID:
        raise ValueError("delegate id out of range for a check-in code")
    return _code(_key(), delegate_id)


@lru_cache(maxsize=CACHED_CODES)
def _code(key: bytes, delegate_id: int) -> str:
    return grouped(_to_text(_permuted(key, delegate_id, False)))


def normalise(typed: str) -> str | None:
    """The 8 canonical characters of what someone typed or scanned, or None."""
    text = _SEPARATORS.sub("", typed or "").upper().translate(_READ_AS)
    if len(text) != LENGTH or any(char not in ALPHABET for char in text):
        return None
    return text


def delegate_id_from(typed: str) -> int | None:
    """The delegate id a code stands for, or None when it is not a code.

    The id may still not exist (a mistyped code): the caller looks it up.
    """
    text = normalise(typed)
    if text is None:
        return None
    value = 0
    for char in text:
        value = value * 32 + ALPHABET.index(char)
    delegate_id = _permute(value, inverse=True)
    # Most codes decode past the ids a database INTEGER can hold: none of ours.
    if not 0 < delegate_id <= _MAX_ID:
        return None
    return delegate_id


def qr_svg(delegate_id: int, *, module_px: int = 6, title: str | None = None) -> Markup:
    """The code as a QR code, as inline SVG (no script, no style attribute).

    A full QR code (never a Micro QR: phone cameras do not read those) with
    its quiet zone. It has a viewBox, so CSS may resize it (the badges do),
    and a pixel size, so it shows crisp where no CSS sizes it.
    """
    svg, modules = _qr_drawing(code_for(delegate_id))
    side = modules * module_px
    label = f' role="img" aria-label="{escape(title)}"' if title else ' aria-hidden="true"'
    svg = svg.replace("<svg ", f'<svg width="{side}" height="{side}"{label} ', 1)
    if title is not None:
        # Where segno puts the title, escaped as segno escapes it.
        head, _, body = svg.partition(">")
        svg = f"{head}><title>{xml_escape(title)}</title>{body}"
    return Markup(svg)  # noqa: S704 (segno's output; the one text in it, the title, is escaped)


@lru_cache(maxsize=CACHED_CODES // 8)
def _qr_drawing(code: str) -> tuple[str, int]:
    """The SVG of a code's QR symbol (no title, no size) and its side in
    modules, quiet zone included.

    Choosing the mask is most of the work (1.6 ms a code, 48 codes on a
    page of badges); the drawing depends on the code alone, so it is
    computed once per process. About 900 bytes each.
    """
    qr = segno.make_qr(code, error="m")
    svg = qr.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        svgclass="checkin-qr",
        lineclass=None,
        light="#fff",
    )
    return svg, int(qr.symbol_size(scale=1, border=4)[0])
