"""Dates written one way (#17 item 8): one formatter per kind, in each
interface language, and the zone wherever a reader may be elsewhere."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from festival.core import dates
from festival.extensions import db
from festival.invitations import services as invitations
from festival.invitations.models import Invitation, InvitationStatus
from festival.outbox.models import OutboxMessage
from tests.factories import make_city, make_festival, make_invitation
from tests.test_registration_support import (
    accepted_invitation,
    member_form,
    outbox,
    register_head,
)

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
# 18:00 in Tokyo, 11:00 in Paris (summer time).
INSTANT = datetime(2027, 8, 31, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 8, 31, 16, 0, tzinfo=UTC)  # 01:00 the next day in Tokyo

EXPECTED = {
    "en": {
        "day": "Tue, Aug 31, 2027",
        "short_day": "Tue, Aug 31",
        "full_day": "Tuesday, August 31, 2027",
        "clock": "18:00",
        "moment": "Tue, Aug 31, 2027, 18:00",
        "zoned": "Tue, Aug 31, 2027, 18:00 (Japan Standard Time, UTC+09:00)",
        "paris": "Tue, Aug 31, 2027, 11:00 (Central European Summer Time, UTC+02:00)",
        "times": "18:00–01:00 (+1)",
        "days": "Jun 14\u2009–\u200918, 2027",
    },
    "ja": {
        "day": "2027年8月31日(火)",
        "short_day": "8月31日(火)",
        "full_day": "2027年8月31日火曜日",
        "clock": "18:00",
        "moment": "2027年8月31日(火) 18:00",
        "zoned": "日本標準時",
        "paris": "中央ヨーロッパ夏時間",
        "times": "18:00–1:00 (+1)",
        "days": "2027年6月14日～18日",
    },
    "fr": {
        "day": "mar. 31 août 2027",
        "short_day": "mar. 31 août",
        "full_day": "mardi 31 août 2027",
        "clock": "18:00",
        "moment": "mar. 31 août 2027, 18:00",
        "zoned": "heure normale du Japon",
        "paris": "heure d’été d’Europe centrale",
        "times": "18:00–01:00 (+1)",
        "days": "14–18 juin 2027",
    },
}


@pytest.mark.parametrize("language", ["en", "ja", "fr"])
def test_one_formatter_per_kind_in_each_language(app, language) -> None:
    want = EXPECTED[language]
    with app.app_context(), force_locale(language):
        assert dates.format_day(INSTANT, TOKYO) == want["day"]
        assert dates.format_day(date(2027, 8, 31)) == want["day"]
        assert dates.format_day(INSTANT, TOKYO, short=True) == want["short_day"]
        assert dates.format_day(INSTANT, TOKYO, full=True) == want["full_day"]
        assert dates.format_clock(INSTANT, TOKYO) == want["clock"]
        assert dates.format_moment(INSTANT, TOKYO) == want["moment"]
        zoned = dates.format_moment(INSTANT, TOKYO, zone=True)
        assert zoned.startswith(want["moment"]) and want["zoned"] in zoned
        assert "UTC+09:00" in zoned
        paris = dates.format_moment(INSTANT, PARIS, zone=True)
        assert want["paris"] in paris and "UTC+02:00" in paris and "11:00" in paris
        assert dates.format_times(INSTANT, LATER, TOKYO) == want["times"]
        assert dates.format_days(date(2027, 6, 14), date(2027, 6, 18)) == want["days"]
        # Spreadsheets get one text whatever the language.
        assert dates.sheet_text(INSTANT, TOKYO) == "2027-08-31 18:00"
        assert dates.sheet_clock(INSTANT, TOKYO) == "18:00"


def test_nothing_to_write_is_an_empty_text(app) -> None:
    with app.app_context():
        assert dates.format_day(None) == dates.format_clock(None) == ""
        assert dates.format_moment(None, TOKYO, zone=True) == dates.sheet_text(None) == ""


def test_an_end_at_midnight_is_not_the_next_day(app) -> None:
    midnight = datetime(2027, 8, 31, 15, 0, tzinfo=UTC)  # 00:00 on Sept 1 in Tokyo
    with app.app_context():
        assert dates.format_times(INSTANT, midnight, TOKYO) == "18:00–00:00"


def test_the_filters_write_what_the_functions_write(app) -> None:
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        template = app.jinja_env.from_string(
            "{{ v|day(tz) }}|{{ v|clock(tz) }}|{{ v|moment(tz) }}|{{ v|moment(tz, zone=True) }}"
        )
        assert template.render(v=INSTANT, tz=TOKYO).split("|") == [
            "mar. 31 août 2027",
            "18:00",
            "mar. 31 août 2027, 18:00",
            "mar. 31 août 2027, 18:00 (heure normale du Japon, UTC+09:00)",
        ]


@pytest.mark.parametrize(
    ("language", "zone"),
    [
        ("en", "Japan Standard Time, UTC+09:00"),
        ("ja", "日本標準時"),
        ("fr", "heure normale du Japon"),
    ],
)
def test_the_invitation_e_mail_gives_its_deadline_with_the_zone(app, language, zone) -> None:
    with app.app_context():
        festival = make_festival(slug="gastro")
        city = make_city(
            name="Parma", contact_email="creative@parma.example", preferred_language=language
        )
        invitation, _token = make_invitation(
            festival, city, deadline=INSTANT, status=InvitationStatus.DRAFT
        )
        invitations.send_invitation(db.session.get(Invitation, invitation.id))
        db.session.commit()
        mail = db.session.scalars(sa.select(OutboxMessage)).one()
        assert mail.locale == language
        for body in (mail.text_body, mail.html_body):
            assert zone in body and "UTC+09:00" in body and "18:00" in body


def test_the_member_e_mail_gives_the_deadline_and_link_expiry_with_the_zone(app, client) -> None:
    invited = accepted_invitation(app)
    register_head(client, invited)
    assert client.post("/my/delegation/members/new", data=member_form()).status_code == 302
    [mail] = outbox(app, "marco.bianchi@parma.example")
    assert mail.locale == "ja"
    # Both instants (the deadline and the link's expiry) carry the zone.
    assert mail.text_body.count("日本標準時") == 2 and mail.text_body.count("UTC+09:00") == 2


def test_the_invitation_page_gives_the_deadline_with_the_zone(app, client) -> None:
    with app.app_context():
        festival = make_festival(slug="gastro")
        _invitation, token = make_invitation(festival, make_city(), deadline=INSTANT)
        db.session.commit()
    page = client.get(f"/invitations/{token}", headers={"Accept-Language": "en"}).text
    assert "Tue, Aug 31, 2027, 18:00 (Japan Standard Time, UTC+09:00)" in page


def test_organiser_pages_write_instants_one_way(app, client, auth) -> None:
    """The invitations list once wrote "8/31/27, 6:00 PM" and the invitation
    page "Aug 31, 2027, 6:00:00 PM": both now write the one date-time."""
    with app.app_context():
        festival = make_festival(slug="gastro")
        invitation, _token = make_invitation(festival, make_city(name="Parma"), deadline=INSTANT)
        db.session.commit()
        invitation_id = invitation.id
    auth.organiser()
    listing = client.get("/organiser/festivals/gastro/invitations").text
    page = client.get(f"/organiser/festivals/gastro/invitations/{invitation_id}").text
    for text in (listing, page):
        assert "Tue, Aug 31, 2027, 18:00" in text
        assert "6:00 PM" not in text and "8/31/27" not in text
