"""The short name in a festival's web addresses, made from its name.

Pure functions: the form uses them when the organiser leaves the short name
empty, and static/js/festival-form.js does the same in the browser (keep the
two in step).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date

SLUG_MAX_LENGTH = 64

# Latin letters that Unicode does not decompose into a letter and an accent.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)


def slug_from_name(name: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """ "Fête de la Gastronomie 2027" -> "fete-de-la-gastronomie-2027".

    Accents are dropped, anything else that is not a Latin letter or a digit
    separates words; "" when nothing is left (a name in Japanese only). Cut
    at a word's end to fit ``max_length``.
    """
    text = unicodedata.normalize("NFKD", name.casefold().translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", text)
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    return slug or (words[0][:max_length] if words else "")


def slug_from_dates(starts_on: date | None) -> str:
    """ "festival-2027": the short name of a festival whose name gives none."""
    return f"festival-{starts_on.year}" if starts_on else "festival"


def free_slug(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``... the first that ``taken`` says is free."""
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate
