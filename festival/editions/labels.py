"""How a city's history reads: "3rd time", "1re fois", "3回目".

Ordinals follow the reader's language's ordinal rule (CLDR, through
Babel): English has four forms (1st, 2nd, 3rd, 4th, and 21st, 22nd, 111th),
French two (1re, 2e), Japanese one (3回目). Each form is its own message,
told apart by its context, so each language translates the forms it has.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale, pgettext


def _form(n: int) -> str:
    locale = get_locale() or Locale("en")
    try:
        return str(locale.ordinal_form(n))
    except (AttributeError, ValueError):
        return "other"


def nth_time(n: int) -> str:
    """ "3rd time": the ``n``-th edition a city came to, in the reader's language."""
    form = _form(n)
    if form == "one":
        return pgettext("ordinal one", "%(num)sst time", num=n)
    if form == "two":
        return pgettext("ordinal two", "%(num)snd time", num=n)
    if form == "few":
        return pgettext("ordinal few", "%(num)srd time", num=n)
    return pgettext("ordinal other", "%(num)sth time", num=n)
