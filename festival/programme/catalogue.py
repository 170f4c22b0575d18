"""What the demo programme is made of: titles (English, some Japanese and
French), fixed highlights, durations and which venues suit which sessions."""

from __future__ import annotations

import random
from collections.abc import Iterator

from festival.programme.models import Audience, SessionType

T = SessionType

MAIN = "Civic Hall, Main Auditorium"
ROOM_A = "Civic Hall, Room A"
ROOM_B = "Civic Hall, Room B"
SALON = "Mayors' Salon, City Hall"
MARKET = "Market Square Pavilion"
LAB = "Shonai Food Lab"
HAGURO = "Haguro Temple Hall"
BALLROOM = "Hotel Tsuruoka Grand Ballroom"

# (day index (-1: last day), hour, minute, minutes, title, type, audience, venue, description)
ANCHORS = [
    (
        0,
        9,
        30,
        90,
        "Opening Ceremony",
        T.CEREMONY,
        Audience.PUBLIC,
        MAIN,
        "Welcome by the Mayor of Tsuruoka, taiko drums of the Shonai plain and the "
        "presentation of this year's partner cities.",
    ),
    (
        0,
        11,
        30,
        75,
        "Keynote: Gastronomy as a Driver of Sustainable Cities",
        T.THEMATIC,
        Audience.PUBLIC,
        MAIN,
        "How food heritage, local producers and city policy shape a resilient urban future.",
    ),
    (
        0,
        18,
        30,
        150,
        "Welcome Dinner",
        T.MEAL,
        Audience.DELEGATES,
        BALLROOM,
        "A dinner of Shonai seasonal produce, with sake from the Dewa Sanzan breweries.",
    ),
    (
        1,
        10,
        0,
        150,
        "Mayors' Forum: Food, Culture and the Future of Our Cities",
        T.FORUM,
        Audience.MAYORS,
        SALON,
        "A closed-door forum for mayors and deputy mayors, with simultaneous interpretation. "
        "Outcome: the Tsuruoka Declaration on food and creativity.",
    ),
    (
        1,
        12,
        45,
        75,
        "Mayors' Working Lunch",
        T.MEAL,
        Audience.MAYORS,
        SALON,
        "Lunch for the mayors and deputy mayors after the forum.",
    ),
    (
        2,
        10,
        0,
        360,
        "Inter-City Exchange: Booths of the Creative Cities",
        T.EXCHANGE,
        Audience.PUBLIC,
        MARKET,
        "Each partner city presents its food culture at its own booth: tastings, crafts, "
        "recipes and tourism. Open to the public all day.",
    ),
    (
        2,
        19,
        0,
        150,
        "Gala Dinner: Flavours of the Creative Cities",
        T.MEAL,
        Audience.DELEGATES,
        BALLROOM,
        "Chefs from partner cities cook together with Tsuruoka's chefs.",
    ),
    (
        3,
        8,
        30,
        450,
        "Excursion to Mount Haguro and Shojin Ryori Lunch",
        T.EXCURSION,
        Audience.DELEGATES,
        HAGURO,
        "The 2,446 stone steps of Haguro, the five-storey pagoda, and the mountain ascetics' "
        "vegetarian cuisine at the temple lodging.",
    ),
    (
        -1,
        15,
        0,
        90,
        "Closing Ceremony and Tsuruoka Declaration",
        T.CEREMONY,
        Audience.PUBLIC,
        MAIN,
        "Reading of the declaration, thanks to the delegations and handover to next year's host.",
    ),
]

# How often each kind appears among the generated sessions.
MIX = [
    (T.THEMATIC, 6),
    (T.WORKSHOP, 4),
    (T.TASTING, 3),
    (T.MEAL, 2),
    (T.EXCURSION, 1),
    (T.EXCHANGE, 1),
    (T.TRANSFER, 1),
]

DURATIONS = {
    T.CEREMONY: (60, 90),
    T.THEMATIC: (60, 75, 90),
    T.FORUM: (120, 150),
    T.WORKSHOP: (90, 120),
    T.EXCHANGE: (90, 120, 180),
    T.TASTING: (45, 60),
    T.MEAL: (60, 75, 90),
    T.EXCURSION: (180, 240),
    T.TRANSFER: (30, 45),
}

VENUE_PREFERENCES = {
    T.CEREMONY: [MAIN],
    T.THEMATIC: [ROOM_A, ROOM_B, MAIN],
    T.FORUM: [SALON, ROOM_A],
    T.WORKSHOP: [LAB, ROOM_B],
    T.EXCHANGE: [MARKET, ROOM_A],
    T.TASTING: [LAB, ROOM_B, MARKET],
    T.MEAL: [BALLROOM, LAB, HAGURO, MARKET],
    T.EXCURSION: [HAGURO, MARKET],
    T.TRANSFER: [MARKET],
}

LANGUAGE_SETS = [
    (["en", "ja"], "Simultaneous, Japanese ↔ English"),
    (["ja"], "Consecutive into English"),
    (["en"], ""),
    (["en", "ja", "fr"], "Simultaneous into Japanese, English and French"),
    (["fr", "ja"], "Consecutive, French ↔ Japanese"),
]

SPEAKERS = [
    "Keiko Sato, Tsuruoka Creative City Office",
    "Prof. Hiroshi Okuda, Yamagata University",
    "Chef Masayuki Okuda, Al che-cciano",
    "Isabelle Moreau, Ville de Lyon",
    "Dr. Amina El Fassi, University of Rabat",
    "Giulia Bianchi, Parma UNESCO Creative City",
    "Carlos Mendes, Florianópolis",
    "Lee Ji-won, Jeonju Food Foundation",
    "Ana Lucía Pérez, Popayán",
    "Nadia Haddad, Zahlé",
    "Chen Yu, Chengdu Gastronomy Bureau",
    "Jean-Baptiste Roux, Chef, Alba",
    "Tanaka Yumi, Dewa Sanzan Shrine",
    "Sophie Laurent, Dijon",
]

TOPICS = [
    (
        "Food Heritage and Tourism",
        "How cities turn their food heritage into visits that respect it.",
    ),
    (
        "Fermentation Cultures of the World",
        "Miso, cheese, kimchi, garum: living cultures and the cities that keep them.",
    ),
    ("Zero-Waste Kitchens", "Restaurants, markets and schools that waste nothing."),
    (
        "Seeds, Soil and the City",
        "Heirloom crops (zairai sakumotsu) and the farmers who save them.",
    ),
    ("Children's Food Education", "School lunches, kitchen gardens and taste education."),
    (
        "Gastronomy and Climate Adaptation",
        "What changing seasons mean for local produce and fisheries.",
    ),
    ("Women Chefs and City Food Policy", "Chefs who shaped the food policy of their cities."),
    ("Street Food and Public Space", "Markets, stalls and the right to the street."),
    ("Digital Tools for Local Producers", "Selling online without losing the farmers' market."),
    ("Coastal Food Cultures", "Fishing communities of the Sea of Japan and the Mediterranean."),
    ("Rice: From Paddy to Sake", "The Shonai plain's rice, its varieties and its brewers."),
    ("Food, Health and Longevity", "What the long-lived cities eat."),
    ("Creative Cities in Partnership", "Exchanges between the network's cities: what worked."),
    ("Indigenous Foodways", "Foods and knowledge of the first peoples, and who speaks for them."),
]
ANGLES = ["", "Case studies", "Panel", "Roundtable", "Policy lab", "Young leaders"]

OTHER_LANGUAGE_TITLES = {
    T.THEMATIC: [
        ("庄内の在来作物と食文化", "在来作物を守る農家と料理人の取り組み。日英同時通訳あり。"),
        ("食と観光のまちづくり", "食文化を生かした観光と地域経済。"),
        (
            "Le terroir à l'heure du changement climatique",
            "Vignerons, fromagers et maraîchers face au climat.",
        ),
        (
            "La cuisine de rue, patrimoine vivant",
            "Marchés et cuisines de rue dans les villes créatives.",
        ),
    ],
    T.WORKSHOP: [
        ("和菓子づくり体験", "庄内の職人と季節の和菓子をつくります。"),
        ("Atelier pâtisserie franco-japonaise", "Yuzu, matcha et beurre de Charentes."),
    ],
    T.TASTING: [
        ("日本酒の未来：出羽三山の酒蔵", "若手蔵元による利き酒。"),
        ("Dégustation de fromages des villes créatives", "Fromages de Parme, Alba et Dijon."),
    ],
}

FIXED_TITLES = {
    T.WORKSHOP: [
        ("Soba Noodle Making", "Make buckwheat noodles by hand with a Tsuruoka soba master."),
        ("Miso Workshop with Local Producers", "Koji, soybeans and salt: start your own miso."),
        ("Knife Skills with Tsuruoka Chefs", "Japanese knives, their care and their cuts."),
        ("Food Photography for City Marketing", "Telling a city's food story in pictures."),
        ("Pickling (Tsukemono) Workshop", "Seasonal pickles of the Shonai region."),
        ("Dashi: the Taste of Umami", "Kombu, katsuobushi and shiitake stocks."),
    ],
    T.TASTING: [
        ("Dewa Sanzan Sake Tasting", "Five breweries, five styles."),
        ("Dadacha-mame Bean Tasting", "Tsuruoka's famous green soybeans, in season."),
        (
            "Olive Oils of the Mediterranean Creative Cities",
            "Oils from Zahlé, Parma and Gaziantep.",
        ),
        ("Tea Ceremony and Wagashi", "A tea ceremony with seasonal sweets."),
        ("Chocolates of Popayán and Florianópolis", "Cacao from the Americas."),
    ],
    T.MEAL: [
        ("Delegates' Lunch: Shonai Bento", "A bento of local produce."),
        ("Networking Lunch", "Tables mixed by city, to meet new partners."),
        ("Dinner of the Partner Cities' Chefs", "A menu cooked by visiting chefs."),
        ("Izakaya Evening", "Small plates and local sake."),
        ("昼食会：庄内の郷土料理", "地元の郷土料理の昼食。"),
    ],
    T.EXCURSION: [
        ("Visit to the Shonai Rice Fields", "With the farmers of the Shonai plain."),
        ("Morning Market Tour", "The early market and its producers."),
        ("Kamo Aquarium and Coastal Food Walk", "Jellyfish, and the fish of the Sea of Japan."),
        ("Sake Brewery Visit", "A family brewery founded in 1701."),
    ],
    T.EXCHANGE: [
        ("Partner Cities' Pitches", "Five minutes per city: a project to share."),
        ("Creative Cities Marketplace", "Meetings between cities looking for partners."),
        ("Booth Tour with the Host City", "A guided tour of the exchange booths."),
    ],
    T.TRANSFER: [
        ("Shuttle: Hotels → Civic Hall", "Buses leave from each official hotel."),
        ("Shuttle: Civic Hall → Hotels", "Buses to the official hotels."),
    ],
}


def titles_for(kind: SessionType, rng: random.Random) -> Iterator[tuple[str, str]]:
    """An endless supply of (title, description) for ``kind``: each title once,
    then again. Workshops, tastings, meals and shuttles repeat as they would;
    a thematic session that comes round again is its next part."""
    if kind == T.THEMATIC:
        base = [
            (f"{topic}: {angle}" if angle else topic, text)
            for topic, text in TOPICS
            for angle in ANGLES
        ]
    else:
        base = list(FIXED_TITLES.get(kind, [(kind.value.replace("_", " ").title(), "")]))
    base += OTHER_LANGUAGE_TITLES.get(kind, [])
    rng.shuffle(base)
    round_number = 1
    while True:
        for title, text in base:
            if round_number > 1 and kind == T.THEMATIC:
                title = f"{title}, part {round_number}"
            yield title, text
        round_number += 1
