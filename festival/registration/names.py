"""People's names, as they write them, in every form the app needs.

One place turns a person (anything with the name attributes of a
:class:`~festival.registration.models.Delegate`) into:

- :func:`list_name`: lists and tables, family name first and upper-cased
  ("YAMAMOTO Tatsuji", "GUERRA Marco");
- :func:`display_name`: running text, in the person's own order
  ("Marco Guerra", "Yamamoto Tatsuji");
- :func:`badge_lines`: a badge or place card, own script above the romanised name;
- :func:`salutation` / :func:`greeting`: how a letter or e-mail addresses them,
  per interface language ("Dear Mayor Guerra", "Monsieur le Maire", "山本達司様");
- :func:`sort_key`: alphabetical order by family name.

A record typed before the name parts existed has only ``full_name``: every
form then falls back to it unchanged, so nothing is lost or guessed.
This module imports no model: it works on plain objects too.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from flask_babel import lazy_gettext as _l


class NameOrder(enum.StrEnum):
    """The order in which a person's names are said."""

    GIVEN_FIRST = "given_first"
    FAMILY_FIRST = "family_first"


class AddressForm(enum.StrEnum):
    """How languages with gendered salutations (French) address the person."""

    MADAM = "madam"
    SIR = "sir"


# The titles offered on the forms; anything else typed is kept as free text.
TITLES = {
    "he": _l("H.E. (His or Her Excellency)"),
    "mayor": _l("Mayor"),
    "dr": _l("Dr"),
    "mr": _l("Mr"),
    "ms": _l("Ms"),
    "mx": _l("Mx"),
}
# How each title reads before a name in English (the list and badge forms).
TITLE_ABBREVIATIONS = {
    "he": "H.E.",
    "mayor": "Mayor",
    "dr": "Dr",
    "mr": "Mr",
    "ms": "Ms",
    "mx": "Mx",
}

# Languages and countries whose names are said family name first: the
# form pre-selects that order for them (the person may change it).
FAMILY_FIRST_LANGUAGES = frozenset({"ja", "zh", "ko", "hu", "vi"})
FAMILY_FIRST_COUNTRIES = frozenset({"JP", "CN", "TW", "HK", "MO", "KR", "KP", "HU", "VN"})


class NamedPerson(Protocol):
    """What this module reads from a person (a Delegate, or NameParts)."""

    @property
    def full_name(self) -> str: ...
    @property
    def native_name(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def family_name(self) -> str | None: ...
    @property
    def given_names(self) -> str | None: ...
    @property
    def name_order(self) -> NameOrder | str | None: ...
    @property
    def address_form(self) -> AddressForm | str | None: ...


@dataclass(frozen=True)
class NameParts:
    """A person's name alone, for lists built from selected columns."""

    full_name: str
    family_name: str | None = None
    given_names: str | None = None
    name_order: NameOrder | str | None = None
    native_name: str | None = None
    title: str | None = None
    address_form: AddressForm | str | None = None


def default_name_order(country: str | None = None, language: str | None = None) -> NameOrder:
    """The order to pre-select for a person of ``country`` speaking ``language``."""
    if (language or "").lower()[:2] in FAMILY_FIRST_LANGUAGES:
        return NameOrder.FAMILY_FIRST
    if (country or "").upper() in FAMILY_FIRST_COUNTRIES:
        return NameOrder.FAMILY_FIRST
    return NameOrder.GIVEN_FIRST


def joined_name(family: str | None, given: str | None, order: NameOrder | str | None) -> str:
    """Family and given names as one string in the order they are said."""
    parts = [given, family] if order != NameOrder.FAMILY_FIRST else [family, given]
    return " ".join(p.strip() for p in parts if p and p.strip())


def has_parts(p: NamedPerson) -> bool:
    """Whether the person's family or given names are known (not only a full name)."""
    return bool((p.family_name or "").strip() or (p.given_names or "").strip())


def split_full_name(full_name: str, order: NameOrder | str | None) -> tuple[str, str]:
    """A first guess at (family, given) from a full name, for a form to show
    and the person to correct: the last word is the family name, or the
    first for family-first names."""
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip(), ""
    if order == NameOrder.FAMILY_FIRST:
        return words[0], " ".join(words[1:])
    return words[-1], " ".join(words[:-1])


def display_name(p: NamedPerson) -> str:
    """The name in running text, in the person's order, without title."""
    if not has_parts(p):
        return p.full_name
    return joined_name(p.family_name, p.given_names, p.name_order)


def list_name(p: NamedPerson) -> str:
    """The name in lists: family name upper-cased, then the given names."""
    if not has_parts(p):
        return p.full_name
    family = (p.family_name or "").strip()
    return " ".join(x for x in (family.upper(), (p.given_names or "").strip()) if x)


def romanised_name(p: NamedPerson) -> str:
    """The romanised name in the person's order, family name upper-cased
    ("Marco GUERRA", "WANG Lei"): which part is the family name shows."""
    if not has_parts(p):
        return p.full_name
    return joined_name((p.family_name or "").upper(), p.given_names, p.name_order)


def title_text(p: NamedPerson) -> str:
    """The title as written before the name ("Mayor", "H.E.", free text), or ""."""
    title = (p.title or "").strip()
    return TITLE_ABBREVIATIONS.get(title, title)


def badge_lines(p: NamedPerson) -> list[str]:
    """A badge's name lines: the own script (when it differs) above the romanised name."""
    lines = [romanised_name(p)]
    native = (p.native_name or "").strip()
    if native and native != lines[0] and native != p.full_name:
        lines.insert(0, native)
    return lines


def sort_key(p: NamedPerson) -> tuple[str, str, str]:
    """Sorts by family name, then given names, accents and case ignored."""
    if has_parts(p):
        family, given = p.family_name or "", p.given_names or ""
    else:
        family, given = p.full_name, ""
    return (_fold(family), _fold(given), p.full_name)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA")) for c in text)


def _surname(p: NamedPerson) -> str:
    return (p.family_name or "").strip() if has_parts(p) else p.full_name


def salutation(p: NamedPerson, language: str) -> str:
    """How a letter in ``language`` (en, ja, fr) addresses the person, without
    the punctuation that follows ("Dear Mayor Guerra", "Monsieur le Maire",
    "山本達司様"). Written per language here, not translated: each language
    addresses people its own way. Other languages get the English form."""
    language = (language or "en")[:2]
    if language == "ja":
        return _salutation_ja(p)
    if language == "fr":
        return _salutation_fr(p)
    return _salutation_en(p)


def greeting(p: NamedPerson, language: str) -> str:
    """The salutation as the first line of a letter, punctuated for its language."""
    text = salutation(p, language)
    return text if (language or "")[:2] == "ja" else text + ","


def _salutation_ja(p: NamedPerson) -> str:
    native = (p.native_name or "").strip()
    if native and _is_cjk(native):
        # Japanese and Chinese names are written without a space, family first.
        return native.replace(" ", "").replace("\u3000", "") + "様"
    return f"{native or display_name(p)} 様"


def _salutation_en(p: NamedPerson) -> str:
    title = (p.title or "").strip()
    if title == "he":
        return "Your Excellency"
    if title:
        return f"Dear {title_text(p)} {_surname(p)}"
    return f"Dear {display_name(p)}"


FRENCH_MAYOR = {AddressForm.SIR: "Monsieur le Maire", AddressForm.MADAM: "Madame la Maire"}
FRENCH_PLAIN = {AddressForm.SIR: "Monsieur", AddressForm.MADAM: "Madame"}


def _salutation_fr(p: NamedPerson) -> str:
    title = (p.title or "").strip()
    # Mr and Ms say which form French needs; otherwise the person's choice.
    implied = {"mr": AddressForm.SIR, "ms": AddressForm.MADAM}.get(title)
    form = AddressForm(p.address_form) if p.address_form else implied
    if title == "he":
        return "Excellence"
    if title == "mayor":
        return FRENCH_MAYOR[form] if form else "Madame, Monsieur le Maire"
    if form:
        return FRENCH_PLAIN[form]
    if title and title not in TITLE_ABBREVIATIONS:
        return f"{title} {_surname(p)}"
    # Neither known: the formal French opening for an unknown reader.
    return "Madame, Monsieur"
