"""The country lists (LongSelect) are written once per list and language,
yet each form shows its own choice, exactly as WTForms would write it."""

from __future__ import annotations

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, SelectMultipleField
from wtforms.widgets import Select

from festival.cities.reference import country_choices
from festival.core.forms import Form, LongSelect, SelectChoice


class CountryForm(Form):
    class Meta:
        csrf = False

    country = SelectField("Country", widget=LongSelect())
    plain = SelectField("Country", widget=Select())


def _form(chosen: str | None) -> CountryForm:
    form = CountryForm(MultiDict({"country": chosen, "plain": chosen} if chosen else {}))
    choices = [SelectChoice("", "—"), *(SelectChoice(c, n) for c, n in country_choices())]
    form.country.choices = form.plain.choices = choices
    form.validate()
    return form


def _same(form: CountryForm) -> None:
    long_html = str(form.country())
    plain_html = str(form.plain()).replace('id="plain" name="plain"', 'id="country" name="country"')
    assert long_html == plain_html


def test_each_form_shows_its_own_choice_as_wtforms_writes_it(app):
    with app.test_request_context():
        for chosen in ("FR", "JP", None, "FR"):  # the kept list serves the next form too
            form = _form(chosen)
            _same(form)
            html = str(form.country())
            if chosen:
                assert html.count(" selected") == 1
                assert f'<option selected value="{chosen}">' in html or (
                    f'<option value="{chosen}" selected>' in html
                )
            else:
                assert " selected" not in html


def test_the_list_is_in_the_reader_s_language(app):
    with app.test_request_context():
        english = str(_form("JP").country())
        with force_locale("ja"):
            japanese = _form("JP").country()
            _same(_form("DE"))
        assert ">Japan</option>" in english and ">日本</option>" in str(japanese)


def test_a_label_with_markup_is_escaped(app):
    with app.test_request_context():
        form = _form(None)
        hostile = [SelectChoice("x", "<script>alert(1)</script>"), SelectChoice("y", "Y & Z")]
        form.country.choices = form.plain.choices = hostile
        _same(form)
        assert "<script>" not in str(form.country())


class DelegationsForm(Form):
    class Meta:
        csrf = False

    invited = SelectMultipleField("Invited", coerce=int, widget=LongSelect(multiple=True))
    plain = SelectMultipleField("Invited", coerce=int, widget=Select(multiple=True))


def test_a_multiple_choice_shows_every_choice_as_wtforms_writes_it(app):
    with app.test_request_context():
        for chosen in ([2, 7], [], [7], [2, 7]):
            data = MultiDict(
                [("invited", str(i)) for i in chosen] + [("plain", str(i)) for i in chosen]
            )
            form = DelegationsForm(data)
            form.invited.choices = form.plain.choices = [(i, f"City {i} (IT)") for i in range(1, 9)]
            form.validate()
            long_html = str(form.invited())
            plain_html = str(form.plain()).replace('id="plain"', 'id="invited"')
            assert long_html == plain_html.replace('name="plain"', 'name="invited"')
            assert long_html.count(" selected") == len(chosen) and " multiple" in long_html
