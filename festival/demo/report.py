"""Demo data: the demo festival's published impressions report (issue #16),
with the organisers' translations of some quotes and two photos.

The photos are drawn here with Pillow (a table laid with dishes, a row of
city flags), so the demo needs no image file.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from festival.demo import DemoContext
from festival.reports import services
from festival.reports.photos import web_photo

# The organisers' translations of some demo quotes (festival.impressions.demo).
TRANSLATIONS: dict[str, dict[str, str]] = {
    "Tsuruoka showed us that gastronomy is a way of caring for a landscape.": {
        "ja": "鶴岡は、食文化とは風景を慈しむことなのだと教えてくれました。",
        "fr": "Tsuruoka nous a montré que la gastronomie est une façon de prendre soin "
        "d'un paysage.",
    },
    "Food is the one language every delegation here speaks fluently.": {
        "ja": "食は、ここに集まったどの代表団も流暢に話せる唯一の言語です。",
        "fr": "La cuisine est la seule langue que toutes les délégations parlent couramment.",
    },
    "Une leçon d'hospitalité que notre ville n'oubliera pas.": {
        "en": "A lesson in hospitality our city will not forget.",
        "ja": "私たちの街が忘れることのない、おもてなしの教えでした。",
    },
    "食を通じて世界の都市とつながれることを実感しました。": {
        "en": "I felt how food connects us with cities all over the world.",
        "fr": "J'ai ressenti combien la cuisine nous relie aux villes du monde entier.",
    },
    "鶴岡の食文化の奥深さに心から感動しました。": {
        "en": "I was deeply moved by the depth of Tsuruoka's food culture.",
    },
}


def _table_of_dishes() -> bytes:
    """A long table seen from above, with bowls and plates."""
    image = Image.new("RGB", (1800, 1200), (236, 226, 206))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 380, 1680, 820), fill=(122, 78, 46))
    for n in range(8):
        x = 220 + n * 190
        draw.ellipse(
            (x - 70, 440, x + 70, 580), fill=(250, 250, 245), outline=(60, 60, 60), width=4
        )
        draw.ellipse((x - 40, 470, x + 40, 550), fill=(196, 90, 40 + n * 20))
        draw.ellipse((x - 55, 620, x + 55, 730), fill=(30, 60, 110))
        draw.ellipse((x - 30, 645, x + 30, 705), fill=(240, 235, 220))
    return _jpeg(image)


def _flags() -> bytes:
    """A row of flags on poles, in the colours of partner cities."""
    image = Image.new("RGB", (1600, 1000), (205, 225, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 820, 1600, 1000), fill=(110, 150, 90))
    colours = [(200, 30, 45), (255, 255, 255), (0, 85, 164), (0, 146, 70), (250, 200, 0)]
    for n in range(7):
        x = 140 + n * 210
        draw.rectangle((x, 260, x + 10, 820), fill=(90, 90, 90))
        draw.rectangle((x + 10, 270, x + 160, 370), fill=colours[n % len(colours)])
        draw.rectangle((x + 10, 370, x + 160, 400), fill=colours[(n + 2) % len(colours)])
    return _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no festival"
    services.add_photo(
        festival,
        web_photo(_table_of_dishes()),
        "A long wooden table laid with eight bowls of local dishes and blue plates",
        "The welcome dinner's table",
    )
    services.add_photo(
        festival,
        web_photo(_flags()),
        "The flags of the partner cities on poles above a lawn",
        "The partner cities' flags at the Civic Hall",
    )
    publication = services.publish(festival, ctx.now)
    translated = 0
    for quote in publication.quotes:
        texts = TRANSLATIONS.get(quote.text)
        if texts:
            quote.text_i18n = {k: v for k, v in texts.items() if k != quote.language}
            translated += 1
    ctx.note(f"Published report: /festivals/{festival.slug}/report")
    return f"published report: {len(publication.quotes)} quotes ({translated} translated), 2 photos"
