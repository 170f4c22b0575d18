"""How the kind of an invited guest reads on a page: a city, an
organisation (UNESCO, a ministry), the press or a keynote speaker."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.cities.models import CityKind

KIND_LABELS = {
    CityKind.CITY: _l("City"),
    CityKind.ORGANISATION: _l("Organisation"),
    CityKind.PRESS: _l("Press"),
    CityKind.SPEAKER: _l("Keynote speaker"),
}


def kind_label(kind: CityKind | str | None) -> str:
    """The kind's label in the interface's language ("" for none)."""
    if kind is None:
        return ""
    try:
        return str(KIND_LABELS[CityKind(kind)])
    except ValueError:
        return str(kind)


def kind_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for a select, cities first."""
    return [(kind.value, str(label)) for kind, label in KIND_LABELS.items()]
