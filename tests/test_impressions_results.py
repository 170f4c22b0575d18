"""Results per form, the sessions side by side, the CSV export and the
printable report; constant numbers of queries whatever the size."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from functools import partial

import pytest
import sqlalchemy as sa
import time_machine

from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions import sending, services
from festival.impressions.charts import Bar, bar_chart
from festival.impressions.models import ImpressionForm, ImpressionInvite, ImpressionResponse
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate, DelegateRole
from tests.factories import make_session
from tests.impressions_support import (
    SESSION_END,
    answer,
    build_answered_festival,
    build_scene,
    form,
)
from tests.support.queries import queries_per_page
from tests.support.snapshots import scene


def _answered_scene(app):
    """The small scene with the session's form sent and answered by all three."""
    with app.app_context():
        scene = build_scene()
        session_form = form(scene.form_id)
        sending.send_now(session_form)
        # a multiple choice question too
        services.add_question(
            session_form,
            kind=services.QuestionKind.MULTIPLE_CHOICE,
            text="Which dishes?",
            required=False,
            choices=["Ramen", "Soba", "Tempura"],
        )
        invites = {
            i.delegate.email: i
            for i in db.session.scalars(
                sa.select(ImpressionInvite).where(ImpressionInvite.form_id == scene.form_id)
            )
        }
        dishes = session_form.questions[-1]
        answer(
            invites["maria@parma.example"],
            overall=5,
            valuable="Meeting the mayors of Asia",
            again=True,
            quote="Tsuruoka feeds the soul.",
            consent=True,
        )
        answer(
            invites["claire@lyon.example"],
            overall=4,
            improve='=HYPERLINK("http://evil")',
            again=True,
            quote="Une leçon d'hospitalité.",
            consent=False,
        )
        answer(
            invites["yui@tsuruoka.example"],
            overall=4,
            valuable="発酵食品の食べ比べ",
            again=False,
            quote="食を通じて世界とつながる。",
            consent=True,
        )
        yui = next(
            r
            for r in db.session.scalars(sa.select(ImpressionResponse))
            if r.delegate.email == "yui@tsuruoka.example"
        )
        yui.answers[str(dishes.id)] = ["Ramen", "Tempura"]
        sa.orm.attributes.flag_modified(yui, "answers")
        db.session.commit()
    return scene


def test_results_show_the_rate_the_distribution_and_the_answers(app, client, auth):
    scene = _answered_scene(app)
    auth.organiser()
    page = client.get(
        f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}/results"
    )
    assert page.status_code == 200
    text = page.text
    assert "100%" in text  # 3 answers of 3 sent
    assert "4.3" in text  # (5 + 4 + 4) / 3
    # The rating chart: accessible SVG, and the same numbers in a table.
    svg = re.search(r"<svg[^>]*>.*?</svg>", text, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "style=" not in text.split("<main", 1)[1]
    assert re.search(r"5 · Excellent</th><td class=\"num\">1</td><td class=\"num\">33%", text)
    assert re.search(r"4 · Very good</th><td class=\"num\">2</td><td class=\"num\">67%", text)
    # Yes/no split and choice counts.
    assert re.search(r">Yes</th><td class=\"num\">2</td>", text)
    assert re.search(r">No</th><td class=\"num\">1</td>", text)
    assert re.search(r">Tempura</th><td class=\"num\">1</td>", text)
    assert re.search(r">Soba</th><td class=\"num\">0</td>", text)
    # Free text, in every script.
    assert "Meeting the mayors of Asia" in text and "発酵食品の食べ比べ" in text


def test_results_count_the_attendance_as_it_is_now(app, client, auth):
    scene = _answered_scene(app)
    with app.app_context():
        claire = db.session.scalar(
            sa.select(Delegate.id).where(Delegate.email == "claire@lyon.example")
        )
    auth.organiser()
    festival = f"/organiser/festivals/{scene.slug}"
    url = f"{festival}/impressions/forms/{scene.form_id}/results"
    assert "<strong>3</strong>attended" in client.get(url).text
    # An organiser takes Claire off the session: the count follows.
    client.post(f"{festival}/programme/{scene.session_id}/attendees/{claire}/remove")
    assert "<strong>2</strong>attended" in client.get(url).text


def test_results_write_numbers_the_readers_way(app, client, auth):
    scene = _answered_scene(app)
    auth.organiser()
    client.post("/language", data={"locale": "fr"})
    text = client.get(
        f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}/results"
    ).text
    assert "4,3" in text and "4.3" not in text  # a decimal comma
    assert "100\u00a0%" in text or "100\u202f%" in text  # a space before the sign
    assert re.search(r"<td class=\"num\">67(\u00a0|\u202f)%</td>", text)
    # The chart's own words: French punctuation, French percentages.
    assert re.search(r"<title>4 · Très bien\u00a0: 2 \(67(\u00a0|\u202f)%\)</title>", text)


def test_the_csv_export_has_a_bom_and_one_row_per_answer(app, client, auth):
    scene = _answered_scene(app)
    auth.organiser()
    response = client.get(
        f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}/results.csv"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Position", "City"]
    assert "Overall, how would you rate this event?" in rows[0]
    assert len(rows) == 4
    yui = next(r for r in rows if r[0] == "Yui Sato")
    assert "発酵食品の食べ比べ" in yui and "食を通じて世界とつながる。" in yui
    assert "Ramen; Tempura" in yui
    claire = next(r for r in rows if r[0] == "Claire Dubois")
    # A formula typed into an answer stays text in a spreadsheet.
    assert '\'=HYPERLINK("http://evil")' in claire


def test_the_report_prints_only_picked_quotes_whose_authors_agreed(app, client, auth):
    scene = _answered_scene(app)
    auth.organiser()
    base = f"/organiser/festivals/{scene.slug}/impressions"
    quotes_page = client.get(f"{base}/forms/{scene.form_id}/quotes")
    # Claire did not agree: her sentence is not offered.
    assert "Une leçon d&#39;hospitalité." not in quotes_page.text
    assert "Tsuruoka feeds the soul." in quotes_page.text
    with app.app_context():
        ids = {r.delegate.email: r.id for r in db.session.scalars(sa.select(ImpressionResponse))}
    # Pick Maria second and Yui first; try to sneak Claire's in.
    client.post(
        f"{base}/forms/{scene.form_id}/quotes",
        data={
            "picked": [
                ids["maria@parma.example"],
                ids["yui@tsuruoka.example"],
                ids["claire@lyon.example"],
            ],
            f"position-{ids['maria@parma.example']}": "2",
            f"position-{ids['yui@tsuruoka.example']}": "1",
        },
    )
    report = client.get(f"{base}/report").text
    assert "Fermented Futures" in report
    assert "Une leçon" not in report
    assert report.index("食を通じて世界とつながる。") < report.index("Tsuruoka feeds the soul.")
    assert "— Maria Rossi, Mayor of Parma" in report
    assert "— Yui Sato (佐藤 結衣), Director, Creative City Office, City" in report
    # Attendance, response rate, average rating.
    assert re.search(r"Attendance</dt><dd>3</dd>", report)
    assert "100%" in report and "4.3 / 5" in report

    # Move Maria up with the arrow buttons.
    client.post(
        f"{base}/forms/{scene.form_id}/quotes/{ids['maria@parma.example']}/move",
        data={"direction": "up"},
    )
    report = client.get(f"{base}/report").text
    assert report.index("Tsuruoka feeds the soul.") < report.index("食を通じて世界とつながる。")

    # Maria withdraws her consent (the form is still open): out of the report.
    with app.app_context():
        invite = db.session.scalar(
            sa.select(ImpressionInvite)
            .join(Delegate, Delegate.id == ImpressionInvite.delegate_id)
            .where(
                Delegate.email == "maria@parma.example", ImpressionInvite.form_id == scene.form_id
            )
        )
        answer(invite, overall=5, quote="Tsuruoka feeds the soul.", consent=False)
        db.session.commit()
    report = client.get(f"{base}/report").text
    assert "Tsuruoka feeds the soul." not in report
    assert "食を通じて世界とつながる。" in report

    # A delegate whose personal data was erased signs nothing any more.
    with app.app_context():
        yui = db.session.scalar(sa.select(Delegate).where(Delegate.email == "yui@tsuruoka.example"))
        yui.anonymised_at = yui.created_at
        db.session.commit()
    assert "食を通じて世界とつながる。" not in client.get(f"{base}/report").text


def test_quotes_follow_precedence_until_the_organisers_number_them(app, client, auth):
    """Maria answered first but is not confirmed; Yui is a confirmed
    official: her quote comes first on the picking page and in the report
    when nobody numbered them, and "by precedence" puts it back first."""
    scene = _answered_scene(app)
    with app.app_context():
        people = {d.email: d for d in db.session.scalars(sa.select(Delegate))}
        people["yui@tsuruoka.example"].confirmed_role = DelegateRole.OFFICIAL
        people["maria@parma.example"].confirmed_role = None
        db.session.commit()
        ids = {r.delegate.email: r.id for r in db.session.scalars(sa.select(ImpressionResponse))}
    maria, yui_id = ids["maria@parma.example"], ids["yui@tsuruoka.example"]
    auth.organiser()
    base = f"/organiser/festivals/{scene.slug}/impressions"
    quotes_url = f"{base}/forms/{scene.form_id}/quotes"
    page = client.get(quotes_url).text
    assert page.index("食を通じて世界とつながる。") < page.index("Tsuruoka feeds the soul.")
    results = client.get(f"{base}/forms/{scene.form_id}/results").text
    assert results.index("食を通じて世界とつながる。") < results.index("Tsuruoka feeds the soul.")
    client.post(quotes_url, data={"picked": [maria, yui_id]})  # ticked, not numbered
    report = client.get(f"{base}/report").text
    assert report.index("食を通じて世界とつながる。") < report.index("Tsuruoka feeds the soul.")
    # The organisers' numbers win ...
    client.post(
        quotes_url,
        data={"picked": [maria, yui_id], f"position-{maria}": "1", f"position-{yui_id}": "2"},
    )
    report = client.get(f"{base}/report").text
    assert report.index("Tsuruoka feeds the soul.") < report.index("食を通じて世界とつながる。")
    # ... until they ask for precedence again.
    client.post(
        quotes_url,
        data={
            "picked": [maria, yui_id],
            f"position-{maria}": "1",
            f"position-{yui_id}": "2",
            "by_precedence": "1",
        },
    )
    report = client.get(f"{base}/report").text
    assert report.index("食を通じて世界とつながる。") < report.index("Tsuruoka feeds the soul.")


def test_the_festival_page_compares_sessions_and_sorts_them(app, client, auth):
    with app.app_context():
        slug = build_answered_festival(3)
        # Make Session 1 the best rated.
        best = db.session.scalar(
            sa.select(ImpressionForm).where(ImpressionForm.title == "Session 1")
        )
        for response in db.session.scalars(
            sa.select(ImpressionResponse).where(ImpressionResponse.form_id == best.id)
        ):
            response.rating = 5
        db.session.commit()
    auth.organiser()
    page = client.get(f"/organiser/festivals/{slug}/impressions?sort=rating&desc=1")
    assert page.status_code == 200
    order = [m for m in re.findall(r"<td>(Session \d)", page.text)]
    assert order[0] == "Session 1"
    assert "5.0" in page.text and "89%" in page.text  # 8 of 9 answered
    assert 'aria-labelledby="chart-sessions-title chart-sessions-desc"' in page.text
    by_title = client.get(f"/organiser/festivals/{slug}/impressions?sort=title")
    assert re.findall(r"<td>(Session \d)", by_title.text) == ["Session 0", "Session 1", "Session 2"]
    found = client.get(f"/organiser/festivals/{slug}/impressions?q=ssion 2")
    assert re.findall(r"<td>(Session \d)", found.text) == ["Session 2"]


def _answered_festival(app, size: int) -> tuple[str, int]:
    """``build_answered_festival(size)``: its slug and its first session's form."""
    with app.app_context():
        slug = build_answered_festival(size)
        form_id = db.session.scalar(
            sa.select(ImpressionForm.id)
            .where(ImpressionForm.title == "Session 0")
            .order_by(ImpressionForm.id.desc())
        )
    return slug, form_id


@pytest.mark.parametrize(
    "page",
    [
        "",
        "?sort=rate&desc=1",
        "/report",
        "/forms/{form}",
        "/forms/{form}/results",
        "/forms/{form}/results.csv",
        "/forms/{form}/invites",
        "/forms/{form}/quotes",
        "/forms/{form}/preview",
    ],
)
def test_pages_run_a_fixed_number_of_queries(app, client, auth, page):
    counts = []
    for size in (2, 5):
        # Each festival alone in the database, built once per process
        # (tests/support/snapshots.py): nine pages are measured on them.
        build = partial(_answered_festival, app, size)
        slug, form_id = scene(app, f"answered festival of {size}", build, replace=True)
        auth.organiser()
        url = f"/organiser/festivals/{slug}/impressions" + page.format(form=form_id)
        counts += queries_per_page(client, [url])
    assert counts[0] == counts[1], counts


def test_the_chart_escapes_labels_and_scales_bars():
    svg = str(
        bar_chart(
            [Bar("<script>", 2, "2"), Bar("Ramen & Soba", 4, "4")],
            chart_id="c1",
            title="Dishes <b>",
            description="Counts",
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Ramen &amp; Soba" in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([\d.]+)"[^>]*fill="#1d5fa8"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert "style" not in svg


def _report_as_now(app, client, url: str) -> str:
    """The report as served, checked against one rendered afresh (the kept
    renders forgotten): what is kept never hides a change."""
    client.get(url)  # shows, and so clears, the message of the last action
    served = client.get(url).text
    memo.clear(app)
    fresh = client.get(url).text

    def strip(text: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]*"', "", text)

    assert strip(served) == strip(fresh)
    return served


def test_the_printed_report_follows_every_change_made_through_the_app(app, client, auth):
    """The report is rendered once per version of its data and locale."""
    scene = _answered_scene(app)
    with app.app_context():
        ids = {r.delegate.email: r.id for r in db.session.scalars(sa.select(ImpressionResponse))}
        mayor = db.session.scalar(
            sa.select(Delegate).where(Delegate.email == "maria@parma.example")
        )
        mayor_id = mayor.id
    auth.organiser()
    base = f"/organiser/festivals/{scene.slug}/impressions"
    url = f"{base}/report"
    first = _report_as_now(app, client, url)
    assert "Tsuruoka feeds the soul." not in first
    # Quotes picked.
    client.post(
        f"{base}/forms/{scene.form_id}/quotes",
        data={"picked": [ids["maria@parma.example"], ids["yui@tsuruoka.example"]]},
    )
    picked = _report_as_now(app, client, url)
    assert "Tsuruoka feeds the soul." in picked
    # A check-in at the door moves the attendance.
    checked = client.post(
        f"/organiser/festivals/{scene.slug}/check-in/sessions/{scene.session_id}"
        f"/delegates/{mayor_id}",
        data={"confirm_early": "1"},
    )
    assert checked.status_code in (302, 303)
    assert _report_as_now(app, client, url) != picked
    # The session retitled on the translation page.
    client.post(
        f"/organiser/festivals/{scene.slug}/translations/session/{scene.session_id}",
        data={"title__en": "Fermented Tomorrows"},
    )
    assert "Fermented Tomorrows" in _report_as_now(app, client, url)
    # Another interface language: its own render.
    japanese = client.get(url, headers={"Accept-Language": "ja"}).text
    assert "Fermented Tomorrows" in japanese and japanese != client.get(url).text


def test_the_kept_overview_rows_follow_every_change_they_show(app, client, auth):
    """The overview's rows are kept per version of what they show (the same
    for every organiser): each change below, made between two views, shows
    on the next, and so does the moment a form closes."""
    with time_machine.travel(SESSION_END + timedelta(hours=2)) as clock:
        with app.app_context():
            scene = build_scene()
            claire = db.session.scalar(
                sa.select(Delegate.id).where(Delegate.email == "claire@lyon.example")
            )
        auth.organiser()
        base = f"/organiser/festivals/{scene.slug}/impressions"

        def row(title: str = "Fermented Futures") -> tuple[str, list[str]]:
            """The session's row, and its numbers: attendance, answers, rate, rating."""
            text = client.get(base).text
            start = text.index(f"<td>{title}")
            found = text[text.rindex("<tr>", 0, start) : text.index("</tr>", start)]
            return found, re.findall(r'<td class="num">(.*?)</td>', found)

        text, numbers = row()
        assert "badge-pending" in text and numbers == ["3", "0 / 0", "—", "—"]
        # The organiser sends it later (the form changes, no number does).
        client.post(
            f"{base}/forms/{scene.form_id}",
            data={"title": "Fermented Futures", "delay_minutes": "180", "closes_at": ""},
        )
        assert row()[0] != text and "badge-pending" in row()[0]
        client.post(f"{base}/forms/{scene.form_id}/send")  # through the app
        text, numbers = row()
        assert "badge-sent" in text and numbers == ["3", "0 / 3", "0%", "—"]
        with app.app_context():
            invite = db.session.scalar(
                sa.select(ImpressionInvite)
                .join(Delegate, Delegate.id == ImpressionInvite.delegate_id)
                .where(
                    ImpressionInvite.form_id == scene.form_id,
                    Delegate.email == "maria@parma.example",
                )
            )
            token = sending.token_for(invite)
            overall = next(
                q.field_name for q in form(scene.form_id).questions if q.builtin == "overall"
            )
        answered = client.post(f"/impressions/{token}", data={overall: "4"})
        assert answered.status_code in (200, 302, 303)
        assert row()[1] == ["3", "1 / 3", "33%", "4.0"]
        client.post(
            f"/organiser/festivals/{scene.slug}/programme/{scene.session_id}/attendees/{claire}/remove"
        )
        assert row()[1][0] == "2"
        with app.app_context():  # the session is renamed
            db.session.get(ProgrammeSession, scene.session_id).title = "Koji Futures"
            db.session.commit()
        assert "badge-sent" in row("Koji Futures")[0]
        when = row("Koji Futures")[0]
        with app.app_context():  # the festival moves to another time zone
            db.session.get(Festival, scene.festival_id).timezone = "Europe/Paris"
            db.session.commit()
        assert row("Koji Futures")[0] != when
        client.post("/language", data={"locale": "fr", "next": "/"})
        assert "4,0" in row("Koji Futures")[0]
        # Nothing changes but the time: the form closes.
        with app.app_context():
            closes_at = form(scene.form_id).effective_closes_at
        clock.move_to(closes_at + timedelta(minutes=1))
        assert "badge-closed" in row("Koji Futures")[0]


def test_the_overview_creates_a_form_from_a_kept_row(app, client, auth):
    """A session without a form has a "Create form" button in its row; the
    rows are the same for every organiser, so the button submits one form
    outside them that carries the organiser's own CSRF token."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        scene = build_scene()
        extra = make_session(db.session.get(Festival, scene.festival_id), title="Sake Pairing").id
        db.session.commit()
    auth.organiser()
    base = f"/organiser/festivals/{scene.slug}/impressions"
    page = client.get(base).text
    button = re.search(r'<button type="submit" form="create-session-form"[^>]*>', page)
    assert button and f'value="{extra}"' in button.group(0)
    form_html = re.search(r'<form[^>]*id="create-session-form".*?</form>', page, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_html).group(1)
    created = client.post(f"{base}/forms", data={"csrf_token": token, "session_id": extra})
    assert created.status_code == 302
    with app.app_context():
        assert db.session.scalar(
            sa.select(ImpressionForm.id).where(ImpressionForm.session_id == extra)
        )
    assert 'form="create-session-form"' not in client.get(base).text
