"""Reference data for cities: countries (ISO 3166), creative fields, languages.

Country names come from Babel's CLDR data, so they are shown in the
interface's language and recognised in English, French and Japanese when a
spreadsheet spells them out instead of giving the ISO code.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from festival.cities.models import CreativeField
from festival.core.i18n import INTERFACE_LANGUAGES

FIELD_LABELS = {
    CreativeField.LITERATURE: _l("Literature"),
    CreativeField.FILM: _l("Film"),
    CreativeField.MUSIC: _l("Music"),
    CreativeField.CRAFTS_AND_FOLK_ART: _l("Crafts and Folk Art"),
    CreativeField.DESIGN: _l("Design"),
    CreativeField.MEDIA_ARTS: _l("Media Arts"),
    CreativeField.GASTRONOMY: _l("Gastronomy"),
    CreativeField.ARCHITECTURE: _l("Architecture"),
}

# Spellings a spreadsheet may use for a field, besides its code and its
# English label (matched after normalisation, see ``fold_key``).
_FIELD_SYNONYMS = {
    CreativeField.LITERATURE: ["littérature", "文学"],
    CreativeField.FILM: ["cinema", "cinéma", "movie", "映画"],
    CreativeField.MUSIC: ["musique", "音楽"],
    CreativeField.CRAFTS_AND_FOLK_ART: [
        "crafts",
        "crafts & folk arts",
        "craft and folk art",
        "artisanat",
        "artisanat et arts populaires",
        "artisanat et arts traditionnels",
        "クラフト&フォークアート",
        "クラフトとフォークアート",
        "工芸",
        "民芸",
    ],
    CreativeField.DESIGN: ["デザイン"],
    CreativeField.MEDIA_ARTS: ["media art", "arts numériques", "メディアアート"],
    CreativeField.GASTRONOMY: ["gastronomie", "food", "食文化", "食"],
    CreativeField.ARCHITECTURE: ["建築"],
}

# Names in common use that CLDR spells differently (UN names, older names).
_COUNTRY_ALIASES = {
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "congo": "CG",
    "republic of the congo": "CG",
    "palestine": "PS",
    "state of palestine": "PS",
    "cabo verde": "CV",
    "republic of korea": "KR",
    "korea": "KR",
    "korea republic of": "KR",
    "usa": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "russian federation": "RU",
    "viet nam": "VN",
    "turkey": "TR",
    "czech republic": "CZ",
    "syrian arab republic": "SY",
    "lao people's democratic republic": "LA",
    "united republic of tanzania": "TZ",
    "republic of moldova": "MD",
    "the netherlands": "NL",
    "holland": "NL",
    "swaziland": "SZ",
    "ivory coast": "CI",
    "macedonia": "MK",
    "burma": "MM",
    "east timor": "TL",
    "macau": "MO",
    "république de corée": "KR",
    "corée": "KR",
    "états-unis d'amérique": "US",
    "fédération de russie": "RU",
    "大韓民国": "KR",
    "アメリカ合衆国": "US",
    "アメリカ": "US",
    "米国": "US",
    "英国": "GB",
    "中華人民共和国": "CN",
    "ロシア連邦": "RU",
}

# Codes CLDR lists that are not countries a city can be in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}

# Countries whose creative-city offices would rather read French or Japanese.
_FRENCH_SPEAKING = {
    "FR", "BE", "CH", "LU", "MC", "SN", "CI", "CM", "BF", "ML", "TG", "BJ", "HT", "CD", "CG",
    "MG", "NE", "GN", "GA", "TD", "CF", "DJ", "KM", "BI", "RW", "MA", "TN", "DZ", "LB",
}  # fmt: skip


def fold_key(text: str) -> str:
    """A spelling-insensitive key: no case, accents, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("&", " and ").replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = re.sub(r"[\s_\-.,/']+", " ", text)
    return text.strip()


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code a city may have."""
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str)
        and len(code) == 2
        and code.isalpha()
        and code not in _NOT_COUNTRIES
    )


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    codes = country_codes()
    for language in ("en", "fr", "ja"):
        for code, name in Locale(language).territories.items():
            if code in codes:
                index.setdefault(fold_key(name), code)
    for alias, code in _COUNTRY_ALIASES.items():
        index.setdefault(fold_key(alias), code)
    return index


def resolve_country(text: str) -> str | None:
    """The ISO code for ``text``: a code ("fr"), or a name in en/fr/ja ("Japon")."""
    value = text.strip()
    if not value:
        return None
    if len(value) == 2 and value.upper() in country_codes():
        return value.upper()
    index = _country_index()
    key = fold_key(value)
    if key in index:
        return index[key]
    # "Iran (Islamic Republic of)", "Congo (Kinshasa)": try without the aside.
    bare = fold_key(re.sub(r"\(.*?\)", " ", value))
    return index.get(bare)


def _locale() -> Locale:
    try:
        return get_locale() or Locale("en")
    except RuntimeError:  # outside a request
        return Locale("en")


def country_name(code: str | None, locale: Locale | None = None) -> str:
    """The country's name in the interface's language ("JP" -> "Japon" in French)."""
    if not code:
        return ""
    return (locale or _locale()).territories.get(code, code)


def country_choices(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the interface's language."""
    locale = _locale()
    if codes is None:  # every country: sorted once per language
        return list(_every_country(locale))
    return _sorted_countries(locale, codes)


@cache
def _every_country(locale: Locale) -> tuple[tuple[str, str], ...]:
    return tuple(_sorted_countries(locale, country_codes()))


def _sorted_countries(locale: Locale, codes: Iterable[str]) -> list[tuple[str, str]]:
    names = locale.territories
    pairs = [(code, names.get(code, code)) for code in codes]
    return sorted(pairs, key=lambda pair: fold_key(pair[1]))


def field_label(field: CreativeField | str | None) -> str:
    """The creative field's label in the interface's language."""
    if field is None:
        return ""
    try:
        return str(FIELD_LABELS[CreativeField(field)])
    except ValueError:
        return str(field)


def field_choices() -> list[tuple[str, str]]:
    return [(field.value, str(label)) for field, label in FIELD_LABELS.items()]


@cache
def _field_index() -> dict[str, CreativeField]:
    index: dict[str, CreativeField] = {}
    for field in CreativeField:
        # The code's key is also the English label's: "media arts".
        index[fold_key(field.value)] = field
        for synonym in _FIELD_SYNONYMS[field]:
            index[fold_key(synonym)] = field
    return index


def resolve_field(text: str) -> CreativeField | None:
    """The field for its code ("media_arts") or label ("Media Arts")."""
    return _field_index().get(fold_key(text)) if text.strip() else None


_LANGUAGE_NAMES = {
    "en": ["english", "anglais", "英語", "eng"],
    "ja": ["japanese", "japonais", "日本語", "jpn", "jp"],
    "fr": ["french", "français", "francais", "フランス語", "fra", "fre"],
}


def resolve_language(text: str) -> str | None:
    """en, ja or fr for a code ("fr-FR") or a name ("Japanese", "日本語")."""
    key = fold_key(text)
    if not key:
        return None
    code = re.split(r"[ _\-]", key)[0]
    if code in INTERFACE_LANGUAGES:
        return code
    for language, names in _LANGUAGE_NAMES.items():
        if key in {fold_key(name) for name in names}:
            return language
    return None


def other_language_name(text: str) -> str | None:
    """The name, in the interface's language, of the language coded ``text``
    ("es" -> "Spanish", "pt-BR"); None when ``text`` codes no language."""
    code = text.strip().replace("-", "_")
    if not re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?", code):
        return None
    try:
        return Locale.parse(code).get_display_name(_locale())
    except (ValueError, LookupError):
        return None


def default_language(country_code: str) -> str:
    """The language a city in this country most likely prefers."""
    if country_code == "JP":
        return "ja"
    return "fr" if country_code in _FRENCH_SPEAKING else "en"


def normalise_name(text: str) -> str:
    """A city's name as stored: NFC, single spaces, no stray whitespace."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def name_key(text: str) -> str:
    """Compare names without caring about case or spacing ("saint-étienne")."""
    return normalise_name(text).casefold()


# "Tsuruoka City", "City of Tsuruoka", "Ville de Lyon", 臼杵市, 부천시: the
# words around a city's name that say it is a city (matched after fold_key).
_CITY_WORDS = re.compile(r"^(?:city of|ville de|ciudad de|cidade de|stadt) | (?:city|shi)$")
_CITY_SUFFIXES = ("市", "시")


def match_key(name: str) -> str:
    """A name's key for telling whether two names mean the same city:
    fold_key (no case, accents or punctuation: "Bistrita" is "Bistrița"),
    without the words that only say it is a city ("Okayama City", 臼杵市)."""
    # Composed again: fold_key leaves Hangul in letters (부천시 -> ᄇ ᅮ ...).
    key = unicodedata.normalize("NFC", fold_key(name))
    bare = _CITY_WORDS.sub("", key).strip()
    if bare.endswith(_CITY_SUFFIXES) and len(bare) > 1:
        bare = bare[:-1].strip()
    return bare or key


@cache
def _known_names() -> dict[tuple[str, str], str]:
    """(country, match key of any of its names) -> the city's identity, for
    the network's cities whose names come in other scripts or spellings
    (festival/data/city_names.csv: 臼杵市 is Usuki, 旭川市 is Asahikawa)."""
    text = resources.files("festival.data").joinpath("city_names.csv").read_text("utf-8")
    index: dict[tuple[str, str], str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        country, identity = row["country_code"], match_key(row["name"])
        for name in [row["name"], *row["other_names"].split("|")]:
            if name.strip():
                index.setdefault((country, match_key(name)), identity)
    return index


def city_identity(name: str, country_code: str | None) -> tuple[str, str]:
    """What a (name, country) means, whatever the script or spelling: two
    names with the same identity are the same city. Known names in other
    scripts and aliases come from _known_names; any other name is itself,
    compared by match_key."""
    country = country_code or ""
    key = match_key(name)
    return _known_names().get((country, key), key), country
