"""Photos for the published report: alt text required, resized, no EXIF or
GPS kept, served with long caching; purge keeps only the published quotes."""

from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image

from festival.delegations.purge import purge_batch
from festival.extensions import db
from festival.impressions.models import ImpressionResponse
from festival.reports.models import PublishedQuote, ReportPhoto
from festival.reports.photos import MAX_SIDE
from tests.factories import make_delegate, make_delegation, make_festival
from tests.report_support import CLAIRE, MARIA, YUI, build_report_scene, make_jpeg


def _admin(scene) -> str:
    return f"/organiser/festivals/{scene.slug}/published-report"


def _upload(client, scene, data: bytes, alt: str = "Mayors around a table of dishes"):
    return client.post(
        f"{_admin(scene)}/photos",
        data={"photo": (io.BytesIO(data), "IMG_0001.JPG"), "alt_text": alt, "caption": ""},
        content_type="multipart/form-data",
    )


def test_a_photo_needs_its_text_alternative(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    refused = _upload(client, scene, make_jpeg(), alt="   ")
    assert refused.status_code == 422
    assert "Describe the photo" in refused.text
    assert 'aria-invalid="true"' in refused.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPhoto)) == 0


def test_a_file_that_is_not_an_image_is_refused_next_to_the_field(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    refused = _upload(client, scene, b"%PDF-1.4 not a photo")
    assert refused.status_code == 422
    assert "not a photo we can read" in refused.text
    # What was typed is kept.
    assert 'value="Mayors around a table of dishes"' in refused.text


def test_a_photo_is_resized_and_loses_its_exif_and_gps(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    original = make_jpeg((4000, 3000), gps=True)
    with Image.open(io.BytesIO(original)) as check:
        assert 0x8825 in check.getexif()  # the camera's file has a GPS position
    auth.organiser()
    assert _upload(client, scene, original).status_code == 303
    with app.app_context():
        photo = db.session.scalar(sa.select(ReportPhoto))
        photo_id, digest = photo.id, photo.digest
        assert (photo.width, photo.height) == (MAX_SIDE, MAX_SIDE * 3 // 4)
    # The organisers see it before publishing, privately.
    preview = client.get(f"{_admin(scene)}/photos/{photo_id}.jpg")
    assert preview.status_code == 200 and preview.headers["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(preview.data)) as served:
        assert served.format == "JPEG"
        assert served.size == (MAX_SIDE, MAX_SIDE * 3 // 4)
        assert len(served.getexif()) == 0
        assert "exif" not in served.info
    public_url = f"/festivals/{scene.slug}/report/photos/{photo_id}-{digest}.jpg"
    client.post(f"{_admin(scene)}/publish")
    auth.logout()
    visitor = app.test_client()
    page = visitor.get(f"/festivals/{scene.slug}/report?lang=en")
    assert f'src="{public_url}"' in page.text
    assert 'alt="Mayors around a table of dishes"' in page.text
    served = visitor.get(public_url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["Cache-Control"].startswith("public")
    assert visitor.get(public_url, headers={"If-None-Match": f'"{digest}"'}).status_code == 304
    # Another digest is no URL of this photo.
    assert visitor.get(public_url.replace(digest, "0" * 16)).status_code == 404


def test_an_unpublished_photo_is_not_public_and_a_deleted_one_leaves_at_once(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
    auth.organiser()
    client.post(f"{_admin(scene)}/publish")
    _upload(client, scene, make_jpeg())
    with app.app_context():
        photo = db.session.scalar(sa.select(ReportPhoto))
        url = f"/festivals/{scene.slug}/report/photos/{photo.id}-{photo.digest}.jpg"
        photo_id = photo.id
    visitor = app.test_client()
    assert visitor.get(url).status_code == 404  # not published yet
    client.post(f"{_admin(scene)}/publish")
    assert visitor.get(url).status_code == 200
    before = visitor.get(f"/festivals/{scene.slug}/report?lang=en").headers["ETag"]
    client.post(f"{_admin(scene)}/photos/{photo_id}/delete")
    assert visitor.get(url).status_code == 404
    after = visitor.get(f"/festivals/{scene.slug}/report?lang=en")
    assert after.headers["ETag"] != before and "report/photos/" not in after.text


def test_a_delegate_cannot_upload_or_see_organiser_photos(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
        user_id = make_delegate(make_delegation(make_festival())).user_id
        db.session.commit()
    auth.organiser()
    _upload(client, scene, make_jpeg())
    auth.logout()
    with app.app_context():
        photo_id = db.session.scalar(sa.select(ReportPhoto.id))
    auth.user(user_id)
    assert _upload(client, scene, make_jpeg()).status_code == 404
    assert client.get(f"{_admin(scene)}/photos/{photo_id}.jpg").status_code == 404
    assert client.post(f"{_admin(scene)}/photos/{photo_id}/delete").status_code == 404


def test_the_purge_keeps_the_published_quotes_and_removes_the_others(app, client, auth):
    with app.app_context():
        scene = build_report_scene()
        # Yui's quote is not picked: it is not published.
        db.session.get(ImpressionResponse, scene.responses[YUI]).in_report = False
        db.session.commit()
    auth.organiser()
    client.post(f"{_admin(scene)}/publish")
    with app.app_context():
        from festival.core.types import utcnow
        from festival.delegations.purge import festival_delegate_ids
        from festival.festivals.models import Festival

        ids, _already = festival_delegate_ids(db.session.get(Festival, scene.festival_id))
        purge_batch(ids, utcnow())
        db.session.commit()
        responses = {
            email: db.session.get(ImpressionResponse, rid) for email, rid in scene.responses.items()
        }
        # Every answer lost its words; the ratings stay for the results.
        assert all(r.quote == "" and r.rating == 5 for r in responses.values())
        assert not any(r.consent_to_quote or r.in_report for r in responses.values())
        published = db.session.scalars(sa.select(PublishedQuote.text)).all()
        assert sorted(published) == sorted(
            [
                "Tsuruoka feeds the soul.\n\nWe will come back with our chefs.",
                "Une leçon d'hospitalité.",
            ]
        )
    visitor = app.test_client()
    page = visitor.get(f"/festivals/{scene.slug}/report?lang=en").text
    assert "— Mayor of Parma, ROSSI Maria<" in page  # signed as published
    assert "Une leçon d&#39;hospitalité." in page and "食を通じて" not in page
    # Taken down and published again after the purge: the published quotes
    # stay, since their answers hold no words any more.
    client.post(f"{_admin(scene)}/unpublish")
    assert visitor.get(f"/festivals/{scene.slug}/report").status_code == 404
    client.post(f"{_admin(scene)}/publish")
    page = visitor.get(f"/festivals/{scene.slug}/report?lang=en").text
    assert "— Mayor of Parma, ROSSI Maria<" in page
    assert "Une leçon d&#39;hospitalité." in page and "食を通じて" not in page
    with app.app_context():
        kept = db.session.scalars(sa.select(PublishedQuote.response_id)).all()
        assert sorted(kept) == sorted([scene.responses[MARIA], scene.responses[CLAIRE]])


def test_a_large_phone_photo_is_accepted_beyond_the_usual_upload_limit(app, client, auth):
    import os

    with app.app_context():
        scene = build_report_scene()
    noise = Image.frombytes("RGB", (2600, 2000), os.urandom(2600 * 2000 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=100)
    assert len(out.getvalue()) > app.config["MAX_CONTENT_LENGTH"]
    auth.organiser()
    assert _upload(client, scene, out.getvalue()).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(ReportPhoto.width)) == MAX_SIDE
