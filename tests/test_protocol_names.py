"""Issue #11 item 1: names as people write them, in every form the app needs.

The pure forms (list, display, badge, salutation per language, sort key)
through festival.registration.names; then through the app: a record typed
before the name parts existed keeps its full name, the registration form
pre-selects the family-first order for a Japanese city, and e-mails greet
the person as their language does.
"""

from __future__ import annotations

import pytest
from flask import Flask

from festival.extensions import db
from festival.registration import names
from festival.registration.models import Delegate, DelegateStatus
from festival.registration.names import AddressForm, NameOrder, NameParts
from tests import factories
from tests.test_registration_support import accepted_invitation, head_form, outbox
from tests.test_security_roles import fresh_database_url  # noqa: F401, F811  (a fixture)


def person(
    family: str | None,
    given: str | None,
    order: NameOrder = NameOrder.GIVEN_FIRST,
    *,
    native: str | None = None,
    title: str | None = None,
    address: AddressForm | None = None,
    full: str = "",
) -> NameParts:
    full = full or names.joined_name(family, given, order)
    return NameParts(full, family, given, order, native, title, address)


YAMAMOTO = person("Yamamoto", "Tatsuji", NameOrder.FAMILY_FIRST, native="山本 達司", title="mayor")
WANG = person("Wang", "Lei", NameOrder.FAMILY_FIRST, native="王磊")
KIM = person("Kim", "Min-jun", NameOrder.FAMILY_FIRST, native="김민준", title="dr")
NAGY = person("Nagy", "Katalin", NameOrder.FAMILY_FIRST, title="ms")
GUERRA = person("Guerra", "Michele", title="mayor", address=AddressForm.SIR)
HADDAD = person("Haddad", "Ahmed", native="أحمد حداد", title="mr")
DUBOIS = person("Dubois", "Élise", title="mayor", address=AddressForm.MADAM)


@pytest.mark.parametrize(
    ("who", "listed", "running"),
    [
        (YAMAMOTO, "YAMAMOTO Tatsuji", "Yamamoto Tatsuji"),
        (WANG, "WANG Lei", "Wang Lei"),
        (KIM, "KIM Min-jun", "Kim Min-jun"),
        (NAGY, "NAGY Katalin", "Nagy Katalin"),
        (GUERRA, "GUERRA Michele", "Michele Guerra"),
        (HADDAD, "HADDAD Ahmed", "Ahmed Haddad"),
        (DUBOIS, "DUBOIS Élise", "Élise Dubois"),
    ],
)
def test_list_and_running_text_forms(app: Flask, who: NameParts, listed: str, running: str) -> None:
    assert names.list_name(who) == listed
    assert names.display_name(who) == running


def test_badge_puts_the_own_script_above_the_romanised_name() -> None:
    assert names.badge_lines(YAMAMOTO) == ["山本 達司", "YAMAMOTO Tatsuji"]
    assert names.badge_lines(WANG) == ["王磊", "WANG Lei"]
    assert names.badge_lines(HADDAD) == ["أحمد حداد", "Ahmed HADDAD"]
    assert names.badge_lines(GUERRA) == ["Michele GUERRA"]  # no own script: one line


@pytest.mark.parametrize(
    ("who", "en", "fr", "ja"),
    [
        (YAMAMOTO, "Dear Mayor Yamamoto", "Madame, Monsieur le Maire", "山本達司様"),
        (WANG, "Dear Wang Lei", "Madame, Monsieur", "王磊様"),
        (KIM, "Dear Dr Kim", "Madame, Monsieur", "김민준 様"),
        (NAGY, "Dear Ms Nagy", "Madame", "Nagy Katalin 様"),
        (GUERRA, "Dear Mayor Guerra", "Monsieur le Maire", "Michele Guerra 様"),
        (HADDAD, "Dear Mr Haddad", "Monsieur", "أحمد حداد 様"),
        (DUBOIS, "Dear Mayor Dubois", "Madame la Maire", "Élise Dubois 様"),
        (person("Okafor", "Ada", title="he"), "Your Excellency", "Excellence", "Ada Okafor 様"),
        (person("Lind", "Sam", title="Gov."), "Dear Gov. Lind", "Gov. Lind", "Sam Lind 様"),
    ],
)
def test_salutation_per_language(app: Flask, who: NameParts, en: str, fr: str, ja: str) -> None:
    with app.test_request_context():
        assert names.salutation(who, "en") == en
        assert names.salutation(who, "fr") == fr
        assert names.salutation(who, "ja") == ja
        assert names.greeting(who, "en") == en + ","
        assert names.greeting(who, "ja") == ja  # no comma after 様


def test_sort_key_orders_by_family_name_ignoring_accents_and_case() -> None:
    people = [GUERRA, YAMAMOTO, DUBOIS, person("Ángel", "Zoe"), WANG, person("de Vries", "Ann")]
    ordered = [names.list_name(p) for p in sorted(people, key=names.sort_key)]
    assert ordered == [
        "ÁNGEL Zoe",
        "DE VRIES Ann",
        "DUBOIS Élise",
        "GUERRA Michele",
        "WANG Lei",
        "YAMAMOTO Tatsuji",
    ]


def test_default_order_from_language_or_country() -> None:
    for language in ("ja", "zh", "ko", "hu", "vi"):
        assert names.default_name_order(language=language) == NameOrder.FAMILY_FIRST
    assert names.default_name_order("CN", "en") == NameOrder.FAMILY_FIRST
    assert names.default_name_order("KR") == NameOrder.FAMILY_FIRST
    assert names.default_name_order("FR", "fr") == NameOrder.GIVEN_FIRST


def test_a_record_typed_before_the_parts_keeps_its_full_name(app: Flask) -> None:
    """Migration without loss: no parts, every form is the full name as typed."""
    with app.app_context():
        group = factories.make_delegation(factories.make_festival())
        old = factories.make_delegate(group, full_name="Maria Rossi")
        db.session.commit()
        old = db.session.get(Delegate, old.id)
        assert (old.family_name, old.given_names, old.name_order) == (
            None,
            None,
            NameOrder.GIVEN_FIRST,
        )
        assert old.list_name == "Maria Rossi" and old.display_name == "Maria Rossi"
        assert names.badge_lines(old) == ["Maria Rossi"]
        with app.test_request_context():
            assert names.salutation(old, "en") == "Dear Maria Rossi"
        # The form's first guess for the person to check: the last word is the family name.
        assert names.split_full_name("Maria Rossi", NameOrder.GIVEN_FIRST) == ("Rossi", "Maria")
        assert names.split_full_name("Yamamoto Tatsuji", NameOrder.FAMILY_FIRST) == (
            "Yamamoto",
            "Tatsuji",
        )


def test_registration_saves_the_parts_and_derives_the_full_name(app: Flask, client) -> None:
    invited = accepted_invitation(app)
    form = head_form(
        family_name="Yamamoto",
        given_names="Tatsuji",
        name_order="family_first",
        native_name="山本 達司",
        romanisation="Hepburn",
        title="mayor",
        locale="ja",
    )
    response = client.post(invited.url, data=form)
    assert response.status_code == 302, response.text
    with app.app_context():
        head = db.session.scalar(db.select(Delegate).where(Delegate.is_head))
        assert head.full_name == "Yamamoto Tatsuji"
        assert head.list_name == "YAMAMOTO Tatsuji" and head.romanisation == "Hepburn"
    [mail] = outbox(app, "giulia.rossi@parma.example")
    assert mail.text_body.startswith("山本達司様")
    assert "山本達司様" in mail.html_body


def test_a_free_text_title_and_a_missing_name_are_handled_on_the_form(app: Flask, client) -> None:
    invited = accepted_invitation(app)
    form = head_form(family_name="", given_names="", title="other", title_other="")
    response = client.post(invited.url, data=form)
    assert response.status_code == 422
    assert "Please give the family name, the given names, or both." in response.text
    assert "Please type the title." in response.text
    form = head_form(family_name="Lind", given_names="Sam", title="other", title_other="Governor")
    assert client.post(invited.url, data=form).status_code == 302
    with app.app_context():
        head = db.session.scalar(db.select(Delegate).where(Delegate.is_head))
        assert head.title == "Governor"


def test_the_form_preselects_family_first_for_a_japanese_city(app: Flask, client) -> None:
    invited = accepted_invitation(app)
    with app.app_context():
        from festival.invitations.models import Invitation

        city = db.session.get(Invitation, invited.invitation_id).city
        city.country_code, city.contact_name = "JP", "Suzuki Hanako"
        db.session.commit()
    page = client.get(invited.url).text
    assert '<option selected value="family_first">' in page
    assert 'value="Suzuki"' in page and 'value="Hanako"' in page


def test_lists_show_the_list_form_in_family_name_order(app: Flask, client, auth) -> None:
    with app.app_context():
        festival = factories.make_festival(slug="names")
        group = factories.make_delegation(festival)
        factories.make_delegate(
            group,
            full_name="Yamamoto Tatsuji",
            family_name="Yamamoto",
            given_names="Tatsuji",
            name_order=NameOrder.FAMILY_FIRST,
            native_name="山本 達司",
        )
        factories.make_delegate(
            group, full_name="Michele Guerra", family_name="Guerra", given_names="Michele"
        )
        factories.make_delegate(group, full_name="Anna Bauer", status=DelegateStatus.PENDING)
        db.session.commit()
    auth.organiser()
    page = client.get("/organiser/festivals/names/delegates").text
    assert "YAMAMOTO Tatsuji" in page and "GUERRA Michele" in page
    badges = client.get("/organiser/festivals/names/check-in/badges").text
    assert badges.index("山本 達司") < badges.index("YAMAMOTO Tatsuji")
    csv = client.get("/organiser/festivals/names/delegates.csv").text
    assert "Family name" in csv and "Given names" in csv
    assert "YAMAMOTO Tatsuji,,Yamamoto,Tatsuji,山本 達司" in csv


def test_the_migration_keeps_existing_full_names(fresh_database_url) -> None:  # noqa: F811
    """Run 0005 on delegates that existed before it: the full name stays as
    typed, the parts start empty, the order given first; nothing is guessed."""
    import flask_migrate
    import sqlalchemy as sa

    from festival import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    with app.app_context():
        flask_migrate.upgrade()
        group = factories.make_delegation(factories.make_festival())
        kept = factories.make_delegate(
            group, full_name="Yamamoto Tatsuji", native_name="山本達司"
        ).id
        db.session.commit()
        db.session.remove()

        flask_migrate.downgrade(revision="0004")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("delegates")}
        assert "family_name" not in columns and "passport_number" not in columns
        flask_migrate.upgrade()

        with db.engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT full_name, native_name, family_name, given_names, name_order, title,"
                    " passport_number FROM delegates WHERE id = :id"
                ),
                {"id": kept},
            ).one()
        assert tuple(row) == ("Yamamoto Tatsuji", "山本達司", None, None, "given_first", None, None)
        person = db.session.get(Delegate, kept)
        assert person.list_name == "Yamamoto Tatsuji"
        db.session.remove()
        db.engine.dispose()


def test_an_old_japanese_name_is_offered_split_family_first(app: Flask, client, auth) -> None:
    """The form's first guess for a record with only a full name: the order
    from the city's country, for the person to check; nothing saved until then."""
    with app.app_context():
        festival = factories.make_festival(slug="old-names")
        group = factories.make_delegation(festival, factories.make_city(country_code="JP"))
        old = factories.make_delegate(group, full_name="Yamamoto Tatsuji", locale="ja")
        db.session.commit()
        old_id = old.id
    auth.organiser()
    page = client.get(f"/organiser/festivals/old-names/delegates/{old_id}/edit").text
    assert 'value="Yamamoto"' in page and 'value="Tatsuji"' in page
    assert '<option selected value="family_first">' in page
    with app.app_context():
        assert db.session.get(Delegate, old_id).family_name is None
