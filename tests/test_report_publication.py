"""The published impressions report: consent, its withdrawal, the frozen
publication, the public page in each language, caching and guards."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionResponse
from festival.reports import services
from festival.reports.models import PublishedQuote, ReportPublication
from festival.reports.photos import web_photo
from tests.factories import make_delegate, make_delegation, make_festival
from tests.report_support import CLAIRE, MARIA, YUI, build_report_scene, make_jpeg
from tests.support.queries import queries_per_page


def _admin(scene) -> str:
    return f"/organiser/festivals/{scene.slug}/published-report"


def _public(scene, lang: str | None = None) -> str:
    return f"/festivals/{scene.slug}/report" + (f"?lang={lang}" if lang else "")


def _publish(client, scene) -> None:
    response = client.post(f"{_admin(scene)}/publish")
    assert response.status_code == 303, response.text


def test_the_report_is_a_404_until_it_is_published(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    assert client.get(_public(scene)).status_code == 404
    auth.organiser()
    page = client.get(_admin(scene))
    assert "Not published" in page.text and page.headers["Cache-Control"] == "no-store"
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    report = client.get(_public(scene, "en"))
    assert report.status_code == 200
    # Each quote in full, its paragraphs kept, signed position, city, name.
    assert "<p>Tsuruoka feeds the soul.</p><p>We will come back with our chefs.</p>" in report.text
    assert "— Mayor of Parma, ROSSI Maria<" in report.text  # the city once
    assert "— Directrice, Lyon Ville Créative, Claire Dubois<" in report.text
    assert "— Director, Creative City Office, Tsuruoka, Yui Sato (佐藤 結衣)<" in report.text
    assert "Three days of food and friendship." in report.text
    assert "Fermented Futures" in report.text
    # Unpublishing takes it down.
    auth.organiser()
    client.post(f"{_admin(scene)}/unpublish")
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    assert client.get(_public(scene)).status_code == 404


def test_only_quotes_whose_authors_consented_are_published(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
        # Claire changes her mind before publication: she unticks the box.
        db.session.get(ImpressionResponse, scene.responses[CLAIRE]).consent_to_quote = False
        db.session.commit()
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    page = client.get(_public(scene, "en")).text
    assert "Tsuruoka feeds the soul." in page and "食を通じて世界とつながる。" in page
    assert "hospitalité" not in page


def test_a_withdrawal_takes_the_quote_off_the_public_page_at_once(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    visitor = app.test_client()  # the public, or a shared cache
    first = visitor.get(_public(scene, "en"))
    etag = first.headers["ETag"]
    assert "Une leçon d&#39;hospitalité." in first.text
    # Revalidation before the withdrawal: not modified.
    assert visitor.get(_public(scene, "en"), headers={"If-None-Match": etag}).status_code == 304
    # Claire withdraws from her answer page (her secret link).
    answer_page = client.get(f"/impressions/{scene.tokens[CLAIRE]}")
    # Her page speaks French, her language.
    assert "Retirer mon accord pour être cité" in answer_page.text
    assert "publiée sous votre nom dans le rapport public" in answer_page.text
    withdrawn = client.post(f"/impressions/{scene.tokens[CLAIRE]}/withdraw")
    assert withdrawn.status_code == 303
    # The cached copy is stale: a shared cache revalidating gets the new page.
    again = visitor.get(_public(scene, "en"), headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert "hospitalité" not in again.text
    assert "Tsuruoka feeds the soul." in again.text
    with app.app_context():
        response = db.session.get(ImpressionResponse, scene.responses[CLAIRE])
        assert not response.consent_to_quote and not response.in_report
    # Republishing does not bring it back.
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    assert "hospitalité" not in visitor.get(_public(scene, "en")).text


def test_unticking_consent_on_the_answer_form_is_a_withdrawal(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
        ids = {
            q.builtin: q.id
            for q in services.db.session.get(
                ImpressionResponse, scene.responses[MARIA]
            ).form.questions
        }
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    saved = client.post(
        f"/impressions/{scene.tokens[MARIA]}",
        data={f"q{ids['overall']}": "5", f"q{ids['quote']}": "Tsuruoka feeds the soul."},
    )
    assert saved.status_code == 303, saved.text
    assert "Tsuruoka feeds the soul." not in client.get(_public(scene, "en")).text


def test_publishing_freezes_the_quotes_until_the_organiser_republishes(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    with app.app_context():
        response = db.session.get(ImpressionResponse, scene.responses[YUI])
        response.quote = "書き直した感想。"
        response.delegate.position = "Interpreter of Tsuruoka"
        db.session.commit()
    page = client.get(_public(scene, "en")).text
    assert "食を通じて世界とつながる。" in page and "書き直した感想。" not in page
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    page = client.get(_public(scene, "en")).text
    assert "書き直した感想。" in page and "食を通じて世界とつながる。" not in page
    assert "Interpreter of Tsuruoka, Yui Sato (佐藤 結衣)<" in page


def test_the_public_page_in_japanese_and_french_marks_quotes_in_other_languages(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    _publish(client, scene)
    with app.app_context():
        claire = db.session.scalar(
            sa.select(PublishedQuote).where(PublishedQuote.response_id == scene.responses[CLAIRE])
        )
    saved = client.post(
        f"{_admin(scene)}/quotes/{claire.id}",
        data={"text-ja": "おもてなしの教え。", "text-en": "A lesson in hospitality."},
    )
    assert saved.status_code == 303
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    ja = client.get(_public(scene, "ja"))
    assert '<html lang="ja">' in ja.text
    assert "発酵の未来" in ja.text  # the event's title in Japanese
    # Claire's French quote keeps its language, with the organisers' translation.
    assert re.search(
        r'<blockquote lang="fr"><p>Une leçon d&#39;hospitalité.</p></blockquote>', ja.text
    )
    assert "おもてなしの教え。" in ja.text
    # Yui's Japanese quote needs no lang in the Japanese report.
    assert "<blockquote><p>食を通じて世界とつながる。</p></blockquote>" in ja.text
    fr = client.get(_public(scene, "fr"))
    assert '<html lang="fr">' in fr.text and "Avenirs fermentés" in fr.text
    assert "<blockquote><p>Une leçon d&#39;hospitalité.</p></blockquote>" in fr.text
    assert '<blockquote lang="ja"><p>食を通じて世界とつながる。</p></blockquote>' in fr.text
    assert '<blockquote lang="en">' in fr.text
    assert "Trois jours de cuisine et d&#39;amitié." in fr.text
    # No French translation of Maria's quote: the original only.
    assert "A lesson in hospitality." not in fr.text
    assert "A lesson in hospitality." in client.get(_public(scene, "en")).text


def test_the_public_page_is_cacheable_and_revalidated(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    _publish(client, scene)
    # An organiser's own view of the public page names them: not shared.
    assert client.get(_public(scene)).headers["Cache-Control"] == "no-store"
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    page = client.get(_public(scene, "fr"))
    assert page.headers["Cache-Control"] == "public, no-cache"
    assert page.headers["ETag"] and "Set-Cookie" not in page.headers
    assert page.headers["Vary"] == "Cookie"
    assert client.get(_public(scene)).headers["Vary"] == "Accept-Language, Cookie"
    # Another language is another ETag.
    assert client.get(_public(scene, "ja")).headers["ETag"] != page.headers["ETag"]


def test_the_programme_links_to_the_published_report(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    assert "impressions report" not in client.get(f"/festivals/{scene.slug}/programme").text
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    client.get("/")  # the "signed out" message is shown, and gone
    programme = client.get(f"/festivals/{scene.slug}/programme").text
    assert f'href="/festivals/{scene.slug}/report"' in programme


@pytest.mark.parametrize("path", ["", "/publish", "/unpublish", "/photos"])
def test_organiser_pages_are_a_404_for_a_delegate(app, client, auth, path):
    with app.app_context():
        scene = build_report_scene()
        other = make_festival()
        user_id = make_delegate(make_delegation(other)).user_id
        db.session.commit()
    auth.user(user_id)
    if path:
        assert client.post(_admin(scene) + path).status_code == 404
    else:
        assert client.get(_admin(scene)).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPublication)) == 0


def test_the_public_report_runs_a_fixed_number_of_queries(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
        picked = {
            r.id: r.report_position
            for r in db.session.scalars(
                sa.select(ImpressionResponse).where(ImpressionResponse.in_report)
            )
        }
        db.session.execute(sa.update(ImpressionResponse).values(in_report=False))
        db.session.commit()
    auth.organiser()
    _publish(client, scene)  # no quote, no photo
    visitor = app.test_client()
    counts = queries_per_page(visitor, [_public(scene, "en")])
    with app.app_context():
        for response_id, position in picked.items():
            response = db.session.get(ImpressionResponse, response_id)
            response.in_report, response.report_position = True, position
        festival = db.session.get(Festival, scene.festival_id)
        services.add_photo(festival, web_photo(make_jpeg()), "A table of dishes", "")
        services.add_photo(festival, web_photo(make_jpeg()), "The mayors", "")
        db.session.commit()
    _publish(client, scene)  # three quotes, two photos
    counts += queries_per_page(visitor, [_public(scene, "en")])
    assert "食を通じて世界とつながる。" in visitor.get(_public(scene, "en")).text
    assert counts[0] == counts[1], counts


def test_the_author_withdraws_from_their_account_and_no_one_else_can(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
        claire_user = db.session.get(ImpressionResponse, scene.responses[CLAIRE]).delegate.user_id
        maria_user = db.session.get(ImpressionResponse, scene.responses[MARIA]).delegate.user_id
    auth.organiser()
    _publish(client, scene)
    auth.logout()
    auth.user(maria_user)
    # Maria cannot withdraw Claire's quote: it does not exist for her.
    assert client.post(f"/my/quotes/{scene.responses[CLAIRE]}/withdraw").status_code == 404
    auth.logout()
    auth.user(claire_user)
    details = client.get("/my/details")
    assert 'href="/my/quotes"' in details.text
    mine = client.get("/my/quotes")
    assert mine.headers["Cache-Control"] == "no-store"
    assert "Une leçon d&#39;hospitalité." in mine.text and "Tsuruoka feeds" not in mine.text
    assert "quote-state-published" in mine.text
    withdrawn = client.post(f"/my/quotes/{scene.responses[CLAIRE]}/withdraw")
    assert withdrawn.status_code == 303
    assert "hospitalité" not in app.test_client().get(_public(scene, "en")).text
    assert "quote-state" not in client.get("/my/quotes").text


def test_a_city_s_history_counts_its_published_quotes(app, client, auth):
    """The city page's history (festival.editions) has a column for the
    quotes in the edition's public report (festival.editions.facets)."""
    with app.app_context():
        scene = build_report_scene()
        parma = db.session.get(ImpressionResponse, scene.responses[MARIA]).delegate
        city_id = parma.delegation.city_id
    auth.organiser()
    _publish(client, scene)
    page = client.get(f"/organiser/cities/{city_id}/")
    assert page.status_code == 200
    history = page.text[page.text.index("<table") :]
    assert (
        '<th scope="col" class="num">Booths</th><th scope="col" class="num">Quotes published</th>'
        in history
    )
    # No booth, one quote (Maria's): the last two columns of the edition's row.
    assert '<td class="num">0</td><td class="num">1</td>' in history


def test_the_quotes_to_translate_come_a_page_at_a_time(app, client, auth):
    """Hundreds of quotes are hundreds of forms: the organisers' page shows
    a page of them, and saving one goes back to its page."""
    app.config["PER_PAGE"] = 2
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    _publish(client, scene)
    first = client.get(_admin(scene))
    assert "with 3 quotes" in first.text and "consent: 3." in first.text
    assert first.text.count('class="report-quote"') == 2
    assert "?page=2" in first.text
    second = client.get(f"{_admin(scene)}?page=2")
    assert second.text.count('class="report-quote"') == 1
    last = int(re.findall(r'id="quote-(\d+)"', second.text)[0])
    saved = client.post(f"{_admin(scene)}/quotes/{last}", data={"text-fr": "Traduit."})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"?page=2#quote-{last}")
    assert "Traduit." in client.get(saved.headers["Location"]).text


def test_the_public_page_follows_every_change_made_through_the_app(app, client, auth):
    """Its body is rendered once per version of the publication, language
    and festival: each change an organiser makes shows at once."""
    with app.app_context():
        scene = build_report_scene()
        festival_id = db.session.scalar(sa.select(Festival.id).where(Festival.slug == scene.slug))
    auth.organiser()
    _publish(client, scene)
    visitor = app.test_client()

    def as_now(lang: str) -> str:
        served = visitor.get(_public(scene, lang)).text
        memo.clear(app)
        assert visitor.get(_public(scene, lang)).text == served
        return served

    assert "Traduction de Yui." not in as_now("fr")
    with app.app_context():
        yui = db.session.scalar(
            sa.select(PublishedQuote).where(PublishedQuote.response_id == scene.responses[YUI])
        )
    client.post(f"{_admin(scene)}/quotes/{yui.id}", data={"text-fr": "Traduction de Yui."})
    assert "Traduction de Yui." in as_now("fr")
    # The festival renamed in French on the translation page.
    client.post(
        f"/organiser/festivals/{scene.slug}/translations/festival/{festival_id}",
        data={"name__fr": "Festival renommé"},
    )
    assert "Festival renommé" in as_now("fr")
    # Published again after the introduction changed.
    client.post(
        f"/organiser/festivals/{scene.slug}/translations/festival/{festival_id}",
        data={"report_introduction__en": "A new introduction."},
    )
    assert "A new introduction." not in as_now("en")  # frozen until published again
    _publish(client, scene)
    assert "A new introduction." in as_now("en")
