"""Demo data: the demo festival's content in Japanese and French, beside the
English typed by default (issue #12).

Written for the demo by people, not a machine. A few items are left
untranslated on purpose, so the fallback shows: "Izakaya Evening" and the
"Booth Tour" have no French, the Kamo Aquarium walk no Japanese, and the
Shonai Food Lab keeps its English name in both.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from festival.demo import DemoContext
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.impressions.models import ImpressionForm, ImpressionQuestion, QuestionKind
from festival.itineraries.models import ItineraryItem
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegation

FESTIVAL = {
    "name": ("鶴岡食文化フェスティバル {year}", "Festival de la gastronomie de Tsuruoka {year}"),
    "tagline": (
        "Five days of food, culture and friendship between creative cities",
        "創造都市をむすぶ、食と文化と友情の五日間",
        "Cinq jours de cuisine, de culture et d'amitié entre villes créatives",
    ),
    "description": (
        "Tsuruoka, the first Japanese UNESCO Creative City of Gastronomy, welcomes the "
        "delegations of its partner cities for sessions, tastings, a Mayors' Forum and an "
        "exchange of booths open to everyone.",
        "日本初のユネスコ食文化創造都市・鶴岡が、パートナー都市の代表団をお迎えします。"
        "分科会、試食会、市長フォーラム、そしてどなたでも参加できるブース交流会を開催します。",
        "Tsuruoka, première ville japonaise créative de l'UNESCO pour la gastronomie, accueille "
        "les délégations de ses villes partenaires : sessions, dégustations, forum des maires "
        "et stands d'échange ouverts à tous.",
    ),
    "invitation_message": (
        "We would be honoured to welcome your delegation to Tsuruoka.",
        "貴市代表団を鶴岡にお迎えできれば光栄です。",
        "Nous serions honorés d'accueillir votre délégation à Tsuruoka.",
    ),
    "confirmation_note": (
        "Your badge and programme wait for you at the hotel's front desk.",
        "名札とプログラムはホテルのフロントでお渡しします。",
        "Votre badge et votre programme vous attendent à la réception de l'hôtel.",
    ),
    "decline_note": (
        "We hope to welcome you at a future edition.",
        "次回以降のフェスティバルでお会いできることを願っております。",
        "Nous espérons vous accueillir lors d'une prochaine édition.",
    ),
    "visa_letter_body": (
        "The host city covers the delegate's accommodation and local transport during the "
        "festival.",
        "フェスティバル期間中の宿泊費および現地交通費は開催都市が負担いたします。",
        "La ville hôte prend en charge l'hébergement et les transports locaux du délégué "
        "pendant le festival.",
    ),
    "report_introduction": (
        "What the delegations told us after each event, in their own words.",
        "各行事のあとに代表団の皆さまから寄せられた声を、そのままの言葉でお届けします。",
        "Ce que les délégations nous ont dit après chaque événement, avec leurs propres mots.",
    ),
}

VENUES = {
    "Civic Hall, Main Auditorium": ("市民ホール 大ホール", "Salle civique, grand auditorium"),
    "Civic Hall, Room A": ("市民ホール 会議室A", "Salle civique, salle A"),
    "Civic Hall, Room B": ("市民ホール 会議室B", "Salle civique, salle B"),
    "Mayors' Salon, City Hall": ("市役所 市長サロン", "Salon des maires, hôtel de ville"),
    "Market Square Pavilion": ("マーケット広場パビリオン", "Pavillon de la place du marché"),
    "Haguro Temple Hall": ("羽黒山 宿坊ホール", "Salle du temple de Haguro"),
    "Hotel Tsuruoka Grand Ballroom": (
        "ホテル鶴岡グランド 宴会場",
        "Hôtel Tsuruoka Grand, salle de bal",
    ),
    # "Shonai Food Lab" stays in English: the fallback, shown.
}
ADDRESSES = {
    "1-1 Honcho, Tsuruoka, Yamagata": ("山形県鶴岡市本町1-1", None),
    "9-25 Baba-cho, Tsuruoka, Yamagata": ("山形県鶴岡市馬場町9-25", None),
    "Shimizu Square, Tsuruoka": ("鶴岡市 清水広場", "Place Shimizu, Tsuruoka"),
    "Mount Haguro, Tsuruoka": ("鶴岡市 羽黒山", "Mont Haguro, Tsuruoka"),
}

# English title -> (Japanese, French); None: left untranslated on purpose.
TITLES: dict[str, tuple[str | None, str | None]] = {
    "Opening Ceremony": ("開会式", "Cérémonie d'ouverture"),
    "Keynote: Gastronomy as a Driver of Sustainable Cities": (
        "基調講演：持続可能な都市をつくる食文化",
        "Conférence inaugurale : la gastronomie, moteur des villes durables",
    ),
    "Welcome Dinner": ("歓迎夕食会", "Dîner de bienvenue"),
    "Mayors' Forum: Food, Culture and the Future of Our Cities": (
        "市長フォーラム：食と文化とまちの未来",
        "Forum des maires : cuisine, culture et avenir de nos villes",
    ),
    "Mayors' Working Lunch": ("市長ワーキングランチ", "Déjeuner de travail des maires"),
    "Inter-City Exchange: Booths of the Creative Cities": (
        "都市間交流会：創造都市のブース",
        "Échange entre villes : les stands des villes créatives",
    ),
    "Gala Dinner: Flavours of the Creative Cities": (
        "ガラディナー：創造都市の味",
        "Dîner de gala : saveurs des villes créatives",
    ),
    "Excursion to Mount Haguro and Shojin Ryori Lunch": (
        "羽黒山エクスカーションと精進料理の昼食",
        "Excursion au mont Haguro et déjeuner de cuisine shōjin",
    ),
    "Closing Ceremony and Tsuruoka Declaration": (
        "閉会式・鶴岡宣言",
        "Cérémonie de clôture et Déclaration de Tsuruoka",
    ),
    "Soba Noodle Making": ("そば打ち体験", "Atelier de nouilles soba"),
    "Miso Workshop with Local Producers": (
        "地元生産者と味噌づくり",
        "Atelier miso avec les producteurs locaux",
    ),
    "Knife Skills with Tsuruoka Chefs": (
        "鶴岡の料理人に学ぶ包丁さばき",
        "Le maniement du couteau avec les chefs de Tsuruoka",
    ),
    "Food Photography for City Marketing": (
        "都市の魅力を伝える料理写真",
        "La photographie culinaire au service des villes",
    ),
    "Pickling (Tsukemono) Workshop": ("漬物づくり体験", "Atelier de légumes saumurés (tsukemono)"),
    "Dashi: the Taste of Umami": ("だし：うま味の世界", "Le dashi, goût de l'umami"),
    "Dewa Sanzan Sake Tasting": ("出羽三山の日本酒 利き酒会", "Dégustation de saké du Dewa Sanzan"),
    "Dadacha-mame Bean Tasting": ("だだちゃ豆 試食会", "Dégustation de dadacha-mame"),
    "Olive Oils of the Mediterranean Creative Cities": (
        "地中海の創造都市のオリーブオイル",
        "Huiles d'olive des villes créatives de Méditerranée",
    ),
    "Tea Ceremony and Wagashi": ("茶会と和菓子", "Cérémonie du thé et wagashi"),
    "Chocolates of Popayán and Florianópolis": (
        "ポパヤンとフロリアノポリスのチョコレート",
        "Chocolats de Popayán et de Florianópolis",
    ),
    "Delegates' Lunch: Shonai Bento": (
        "代表団昼食会：庄内弁当",
        "Déjeuner des délégués : bentō du Shōnai",
    ),
    "Networking Lunch": ("交流昼食会", "Déjeuner de rencontres"),
    "Dinner of the Partner Cities' Chefs": (
        "パートナー都市シェフによる夕食会",
        "Dîner des chefs des villes partenaires",
    ),
    "Izakaya Evening": ("居酒屋の夕べ", None),
    "Visit to the Shonai Rice Fields": ("庄内の田んぼ見学", "Visite des rizières du Shōnai"),
    "Morning Market Tour": ("朝市めぐり", "Visite du marché du matin"),
    "Kamo Aquarium and Coastal Food Walk": (
        None,
        "Aquarium de Kamo et promenade gourmande côtière",
    ),
    "Sake Brewery Visit": ("酒蔵見学", "Visite d'une brasserie de saké"),
    "Partner Cities' Pitches": (
        "パートナー都市のプレゼンテーション",
        "Présentations des villes partenaires",
    ),
    "Creative Cities Marketplace": ("創造都市マーケットプレイス", "Marché des villes créatives"),
    "Booth Tour with the Host City": ("開催都市と巡るブースツアー", None),
    "Shuttle: Hotels → Civic Hall": (
        "シャトルバス：ホテル → 市民ホール",
        "Navette : hôtels → salle civique",
    ),
    "Shuttle: Civic Hall → Hotels": (
        "シャトルバス：市民ホール → ホテル",
        "Navette : salle civique → hôtels",
    ),
}
TOPICS: dict[str, tuple[str, str]] = {
    "Food Heritage and Tourism": ("食の遺産と観光", "Patrimoine culinaire et tourisme"),
    "Fermentation Cultures of the World": (
        "世界の発酵文化",
        "Cultures de la fermentation du monde",
    ),
    "Zero-Waste Kitchens": ("食品ロスゼロの厨房", "Cuisines zéro déchet"),
    "Seeds, Soil and the City": ("種と土と都市", "Semences, sols et ville"),
    "Children's Food Education": ("子どもの食育", "L'éducation alimentaire des enfants"),
    "Gastronomy and Climate Adaptation": (
        "食文化と気候変動への適応",
        "Gastronomie et adaptation au climat",
    ),
    "Women Chefs and City Food Policy": (
        "女性料理人と都市の食政策",
        "Les cheffes et la politique alimentaire des villes",
    ),
    "Street Food and Public Space": ("屋台料理と公共空間", "Cuisine de rue et espace public"),
    "Digital Tools for Local Producers": (
        "地元生産者のためのデジタルツール",
        "Outils numériques pour les producteurs locaux",
    ),
    "Coastal Food Cultures": ("沿岸の食文化", "Cultures culinaires du littoral"),
    "Rice: From Paddy to Sake": ("米：田んぼから酒まで", "Le riz, de la rizière au saké"),
    "Food, Health and Longevity": ("食と健康と長寿", "Alimentation, santé et longévité"),
    "Creative Cities in Partnership": (
        "創造都市のパートナーシップ",
        "Les villes créatives en partenariat",
    ),
    "Indigenous Foodways": ("先住民の食の知恵", "Les cuisines des peuples autochtones"),
}
ANGLES = {
    "Case studies": ("事例紹介", "études de cas"),
    "Panel": ("パネル討論", "table ronde d'experts"),
    "Roundtable": ("円卓会議", "tour de table"),
    "Policy lab": ("政策ラボ", "laboratoire des politiques"),
    "Young leaders": ("若手リーダー", "jeunes responsables"),
}
# Itinerary items: titles and notes the demo itineraries repeat.
ITEM_TEXTS: dict[str, tuple[str | None, str | None]] = {
    "Pickup": ("お出迎え", "Accueil à l'arrivée"),
    "Visit to a sake brewery": ("酒蔵訪問", "Visite d'une brasserie de saké"),
    "Courtesy call on the Mayor of Tsuruoka": (
        "鶴岡市長表敬訪問",
        "Visite de courtoisie au maire de Tsuruoka",
    ),
    "Visit to Kamo Aquarium": ("加茂水族館 見学", "Visite de l'aquarium de Kamo"),
    "Visit to Chido Museum": ("致道博物館 見学", "Visite du musée Chidō"),
    "Meeting at the Creative City Office": (
        "創造都市推進室での打合せ",
        "Réunion au bureau de la ville créative",
    ),
    "Tour of the Matsugaoka silk farm": (
        "松ヶ岡開墾場 見学",
        "Visite de la magnanerie de Matsugaoka",
    ),
    "Dinner with the host city": ("開催都市との夕食会", "Dîner avec la ville hôte"),
    "Dinner with the Tsuruoka Chamber of Commerce": (
        "鶴岡商工会議所との夕食会",
        "Dîner avec la chambre de commerce de Tsuruoka",
    ),
    "Kaiseki dinner": ("懐石料理の夕食", "Dîner kaiseki"),
    "Look for the festival volunteers holding the Creative Cities sign.": (
        "「創造都市」の看板を持ったボランティアがお待ちしています。",
        "Repérez les bénévoles du festival qui tiennent le panneau « Villes créatives ».",
    ),
    "Check-in from 15:00, check-out by 11:00. Breakfast included.": (
        "チェックインは15時から、チェックアウトは11時まで。朝食付き。",
        "Arrivée à partir de 15 h, départ avant 11 h. Petit-déjeuner compris.",
    ),
}

CLOSING_TEXT = (
    "Thank you! Your words help us prepare the next festival.",
    "ご協力ありがとうございました。皆さまの声を次回のフェスティバルに生かします。",
    "Merci ! Vos mots nous aident à préparer le prochain festival.",
)
QUESTION = (
    "Which part of Shonai food culture would you bring home?",
    "庄内の食文化で、持ち帰りたいものはどれですか。",
    "Quel aspect de la culture culinaire du Shōnai aimeriez-vous rapporter chez vous ?",
)
CHOICES = (
    ["Heirloom vegetables", "Fermentation", "Temple cuisine", "Sake"],
    ["在来野菜", "発酵食品", "精進料理", "日本酒"],
    ["Légumes anciens", "Fermentation", "Cuisine des temples", "Saké"],
)


def _pair(ja: str | None, fr: str | None) -> dict[str, str]:
    return {lang: text for lang, text in (("ja", ja), ("fr", fr)) if text}


def session_title(title: str) -> dict[str, str]:
    """Translations of a demo session title ("Topic: Angle, part 2" included)."""
    if title in TITLES:
        return _pair(*TITLES[title])
    base, part = title, ""
    if ", part " in title:
        base, part = title.rsplit(", part ", 1)
    topic, _sep, angle = base.partition(": ")
    if topic not in TOPICS or (angle and angle not in ANGLES):
        return {}
    ja, fr = TOPICS[topic]
    if angle:
        ja, fr = f"{ja}：{ANGLES[angle][0]}", f"{fr} : {ANGLES[angle][1]}"
    if part:
        ja, fr = f"{ja}（第{part}部）", f"{fr}, partie {part}"
    return {"ja": ja, "fr": fr}


def _item_text(text: str) -> dict[str, str]:
    if text.startswith("Pickup: flight "):
        flight = text.removeprefix("Pickup: flight ")
        return {"ja": f"お出迎え（{flight}便）", "fr": f"Accueil à l'arrivée : vol {flight}"}
    return _pair(*ITEM_TEXTS[text]) if text in ITEM_TEXTS else {}


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE of the translations (the demo runs at 10× scale too)."""
    if rows:
        db.session.execute(sa.update(model), rows)


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no content translations"
    _festival(festival)
    venues = 0
    for venue in db.session.scalars(sa.select(Venue).where(Venue.festival_id == festival.id)):
        if venue.name in VENUES:
            venue.name_i18n = _pair(*VENUES[venue.name])
            venues += 1
        ja, fr = ADDRESSES.get(venue.address, (None, None))
        venue.address_i18n = _pair(ja, fr)
    sessions = [
        {"id": sid, "title_i18n": session_title(title)}
        for sid, title in db.session.execute(
            sa.select(ProgrammeSession.id, ProgrammeSession.title).where(
                ProgrammeSession.festival_id == festival.id
            )
        )
        if session_title(title)
    ]
    _bulk(ProgrammeSession, sessions)
    items = []
    for iid, title, notes in db.session.execute(
        sa.select(ItineraryItem.id, ItineraryItem.title, ItineraryItem.notes)
        .join(Delegation, ItineraryItem.delegation_id == Delegation.id)
        .where(Delegation.festival_id == festival.id)
    ):
        titles, texts = _item_text(title), _item_text(notes)
        if titles or texts:
            items.append({"id": iid, "title_i18n": titles, "notes_i18n": texts})
    _bulk(ItineraryItem, items)
    forms = _impressions(festival)
    return (
        f"content in en, ja, fr: the festival, {venues} venues, {len(sessions)} sessions, "
        f"{len(items)} itinerary items, {forms} impression forms"
    )


def _festival(festival: Festival) -> None:
    festival.content_language = "en"
    festival.content_languages = ["en", "ja", "fr"]
    year = festival.starts_on.year
    ja, fr = FESTIVAL["name"]
    festival.name_i18n = {"ja": ja.format(year=year), "fr": fr.format(year=year)}
    for field, (en, ja, fr) in ((k, v) for k, v in FESTIVAL.items() if k != "name"):
        setattr(festival, field, en)
        setattr(festival, f"{field}_i18n", {"ja": ja, "fr": fr})


def _impressions(festival: Festival) -> int:
    """Form titles follow their session's; the closing text everywhere; one
    question of the organisers' own, with its choices, on the festival's form."""
    forms = list(
        db.session.scalars(
            sa.select(ImpressionForm).where(ImpressionForm.festival_id == festival.id)
        )
    )
    for form in forms:
        form.title_i18n = session_title(form.title)
        form.closing_text = CLOSING_TEXT[0]
        form.closing_text_i18n = {"ja": CLOSING_TEXT[1], "fr": CLOSING_TEXT[2]}
    target = next((f for f in forms if f.session_id is None), forms[0] if forms else None)
    if target is not None:
        db.session.add(
            ImpressionQuestion(
                form=target,
                position=len(target.questions) + 1,
                kind=QuestionKind.SINGLE_CHOICE,
                text=QUESTION[0],
                text_i18n={"ja": QUESTION[1], "fr": QUESTION[2]},
                choices=CHOICES[0],
                choices_i18n={"ja": CHOICES[1], "fr": CHOICES[2]},
            )
        )
    return len(forms)
