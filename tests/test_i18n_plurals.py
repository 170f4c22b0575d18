"""Labels beside counts agree with them in the reader's language: in French
"1 Envoyée" but "3 Envoyées" (and "0 erreur": French treats 0 as singular);
Japanese has one form for every count."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from festival.extensions import db
from festival.invitations.models import InvitationStatus
from festival.programme.models import SessionStatus
from festival.registration.models import DelegateStatus
from tests import factories

SLUG = "plural-fest"
STAT = re.compile(
    r"<strong[^>]*>(\d+)</strong>\s*"
    r'(?:<a [^>]*>|<span class="badge[^"]*">|<span data-count-label="\w+">)?'
    r"\s*([^<]+?)\s*<"
)


def shown_counts(html: str) -> set[str]:
    """Each count of the page's stat boxes with the label beside it: "3 envoyées"."""
    return {f"{number} {label}" for number, label in STAT.findall(html)}


def build(app, n: int) -> int:
    """``n`` sent invitations, ``n`` delegations (each an accepted invitation,
    one confirmed and one pending delegate), ``n`` cancelled sessions and a
    session where the ``n`` confirmed delegates walked in. Returns its id."""
    with app.app_context():
        festival = factories.make_festival(slug=SLUG)
        door = factories.make_session(festival, title="At the door")
        at = datetime(2027, 6, 15, 1, 5, tzinfo=UTC)
        for _ in range(n):
            factories.make_invitation(festival, status=InvitationStatus.SENT)
            delegation = factories.make_delegation(festival)
            confirmed = factories.make_delegate(delegation, status=DelegateStatus.CONFIRMED)
            factories.make_delegate(delegation, status=DelegateStatus.PENDING)
            factories.enrol(door, confirmed, enrolled_at=at, checked_in_at=at)
            factories.make_session(festival, status=SessionStatus.CANCELLED)
        db.session.commit()
        return door.id


def pages(client, door_id: int) -> dict[str, set[str]]:
    base = f"/organiser/festivals/{SLUG}"
    found = {}
    for name, url in {
        "overview": f"{base}/",
        "delegations": f"{base}/delegations",
        "delegates": f"{base}/delegates",
        "check-in": f"{base}/check-in/sessions/{door_id}",
    }.items():
        response = client.get(url)
        assert response.status_code == 200, url
        found[name] = shown_counts(response.text)
    return found


def in_language(client, auth, locale: str) -> None:
    auth.organiser()
    client.post("/language", data={"locale": locale, "next": "/"})


FRENCH = {
    1: {
        "overview": {
            "1 Envoyée",
            "1 Acceptée",
            "1 Confirmé",
            "1 En attente de confirmation",
        },
        "delegations": {"1 Confirmé", "1 En attente de confirmation", "0 Refusé", "0 Annulé"},
        "check-in": {"1 arrivé", "1 inscrit", "1 sans inscription", "1 compté comme participant"},
    },
    3: {
        "overview": {
            "3 Envoyées",
            "3 Acceptées",
            "3 Confirmés",
            "3 En attente de confirmation",
        },
        "delegations": {"3 Confirmés", "3 En attente de confirmation", "0 Refusé", "0 Annulé"},
        "check-in": {
            "3 arrivés",
            "3 inscrits",
            "3 sans inscription",
            "3 comptés comme participants",
        },
    },
}


@pytest.mark.parametrize("n", [1, 3])
def test_french_labels_agree_with_their_counts(app, client, auth, n):
    door_id = build(app, n)
    in_language(client, auth, "fr")
    found = pages(client, door_id)
    expected = FRENCH[n]
    assert expected["overview"] <= found["overview"], found["overview"]
    cancelled = "1 annulée" if n == 1 else "3 annulées"  # sessions (séances)
    assert f"<small>{cancelled}</small>" in client.get(f"/organiser/festivals/{SLUG}/").text
    assert expected["delegations"] <= found["delegations"], found["delegations"]
    assert expected["delegations"] <= found["delegates"], found["delegates"]
    assert expected["check-in"] <= found["check-in"], found["check-in"]
    wrong = "s" if n == 1 else ""  # the other form must not show
    assert f"{n} Confirmé{wrong}" not in found["overview"] | found["delegations"]
    assert f"{n} arrivé{wrong}" not in found["check-in"]


@pytest.mark.parametrize("n", [1, 3])
def test_japanese_has_one_form_for_every_count(app, client, auth, n):
    door_id = build(app, n)
    in_language(client, auth, "ja")
    found = pages(client, door_id)
    assert {f"{n} 送信済み", f"{n} 受諾", f"{n} 確定", f"{n} 確認待ち"} <= found["overview"]
    assert {f"{n} 確定", f"{n} 確認待ち", "0 見送り"} <= found["delegations"]
    assert {f"{n} 受付済み", f"{n} 参加登録", f"{n} 当日参加"} <= found["check-in"]


def test_english_keeps_its_plurals(app, client, auth):
    door_id = build(app, 3)
    in_language(client, auth, "en")
    found = pages(client, door_id)
    assert {"3 Sent", "3 Accepted", "3 Confirmed", "3 Awaiting confirmation"} <= found["overview"]
    assert {"3 checked in", "3 walk-ins", "3 count as attendees"} <= found["check-in"]


def _preview(client, rows: int):
    lines = ["name;country;creative_field;contact_email;preferred_language"]
    lines += [f"Ville {i};France;Design;office{i}@ville.example;fr" for i in range(rows)]
    data = ("\r\n".join(lines) + "\r\n").encode()
    response = client.post(
        "/organiser/cities/import",
        data={"file": (io.BytesIO(data), "cities.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return shown_counts(response.text)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (1, {"1 ligne", "1 nouvelle", "0 mise à jour", "0 inchangée", "0 erreur"}),
        (3, {"3 lignes", "3 nouvelles", "0 mise à jour", "0 inchangée", "0 erreur"}),
    ],
)
def test_the_import_preview_counts_agree_in_french(client, auth, rows, expected):
    in_language(client, auth, "fr")
    assert _preview(client, rows) == expected


def test_the_import_preview_counts_in_japanese(client, auth):
    in_language(client, auth, "ja")
    assert _preview(client, 3) == {"3 行", "3 新規", "0 更新", "0 変更なし", "0 エラー"}
