"""The delegate list's city and country menus: every choice, the chosen one kept, names escaped."""

from __future__ import annotations

import re

from festival.extensions import db
from tests.factories import make_city, make_delegation, make_festival

BASE = "/organiser/festivals/gastro"


def test_city_and_country_menus_list_every_delegation_and_keep_the_choice(app, client, auth):
    with app.app_context():
        festival = make_festival(slug="gastro")
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        make_delegation(festival, make_city(name="<b>Lyon</b> & Co", country_code="FR"))
        db.session.commit()
        parma_city = parma.city_id
    auth.organiser()
    page = client.get(f"{BASE}/delegates", query_string={"city": parma_city, "country": "FR"})
    assert page.status_code == 200
    city_menu = re.search(r'<select id="city".*?</select>', page.text, re.S).group(0)
    assert f'<option value="{parma_city}" selected>Parma</option>' in city_menu
    assert "&lt;b&gt;Lyon&lt;/b&gt; &amp; Co" in city_menu and "<b>Lyon" not in city_menu
    country_menu = re.search(r'<select id="country".*?</select>', page.text, re.S).group(0)
    assert '<option value="FR" selected>France</option>' in country_menu
    assert '<option value="IT">Italy</option>' in country_menu
