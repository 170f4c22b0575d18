"""Plausible people and places for demo data, from many countries and scripts.

Names are drawn by a city's country, so the delegation from Tsuruoka has
Japanese names (with their kanji), the one from Tripoli Arabic names (with
their Arabic script), and so on.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# (given names, family names, native given, native family); native lists are
# parallel to the Latin ones, or empty when the script is Latin.
POOLS: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "ja": (
        ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Sakura", "Takumi", "Mei"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"],
        ["陽翔", "結衣", "蒼太", "葵", "蓮", "陽菜", "健二", "さくら", "拓海", "芽衣"],
        ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村"],
    ),
    "ko": (
        ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-bin"],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang"],
        ["민준", "서연", "지호", "하은", "도윤", "수빈"],
        ["김", "이", "박", "최", "정", "강"],
    ),
    "zh": (
        ["Wei", "Fang", "Jing", "Lei", "Min", "Tao", "Xiu", "Yong"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang"],
        ["伟", "芳", "静", "磊", "敏", "涛", "秀", "勇"],
        ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"],
    ),
    "ar": (
        ["Ahmed", "Fatima", "Omar", "Layla", "Youssef", "Mariam", "Karim", "Nour"],
        ["Haddad", "Mansour", "Khalil", "Nasser", "Saleh", "Haddadin"],
        ["أحمد", "فاطمة", "عمر", "ليلى", "يوسف", "مريم", "كريم", "نور"],
        ["حداد", "منصور", "خليل", "ناصر", "صالح", "حدادين"],
    ),
    "fa": (
        ["Ali", "Zahra", "Reza", "Maryam", "Hossein", "Shirin"],
        ["Ahmadi", "Hosseini", "Karimi", "Rahimi", "Moradi"],
        ["علی", "زهرا", "رضا", "مریم", "حسین", "شیرین"],
        ["احمدی", "حسینی", "کریمی", "رحیمی", "مرادی"],
    ),
    "ru": (
        ["Anna", "Dmitri", "Olga", "Sergei", "Elena", "Ivan"],
        ["Ivanova", "Petrov", "Smirnova", "Volkov", "Kuznetsova", "Popov"],
        ["Анна", "Дмитрий", "Ольга", "Сергей", "Елена", "Иван"],
        ["Иванова", "Петров", "Смирнова", "Волков", "Кузнецова", "Попов"],
    ),
    "th": (
        ["Somchai", "Malee", "Anan", "Ratana", "Niran", "Siriporn"],
        ["Srisuk", "Chaiyaporn", "Wongsa", "Rattanakul", "Boonmee"],
        ["สมชาย", "มาลี", "อนันต์", "รัตนา", "นิรันดร์", "ศิริพร"],
        ["ศรีสุข", "ชัยพร", "วงศา", "รัตนกุล", "บุญมี"],
    ),
    "hi": (
        ["Aarav", "Priya", "Vikram", "Ananya", "Rohan", "Kavya"],
        ["Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair"],
        ["आरव", "प्रिया", "विक्रम", "अनन्या", "रोहन", "काव्या"],
        ["शर्मा", "पटेल", "अय्यर", "रेड्डी", "गुप्ता", "नायर"],
    ),
    "fr": (
        ["Camille", "Léa", "Hugo", "Chloé", "Théo", "Inès", "Étienne", "Hélène", "François"],
        ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Rousseau"],
        [],
        [],
    ),
    "pt": (
        ["João", "Ana", "Tiago", "Beatriz", "Gonçalo", "Inês", "Lucas", "Mariana"],
        ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Araújo"],
        [],
        [],
    ),
    "es": (
        ["Lucía", "Mateo", "Sofía", "Alejandro", "Valentina", "Diego", "Martina"],
        ["García", "Rodríguez", "Martínez", "Hernández", "López", "Núñez", "Peña"],
        [],
        [],
    ),
    "it": (
        ["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Sara"],
        ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo"],
        [],
        [],
    ),
    "de": (
        ["Lena", "Jonas", "Mia", "Lukas", "Hannah", "Felix", "Jürgen"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"],
        [],
        [],
    ),
    "tr": (
        ["Elif", "Mehmet", "Zeynep", "Mustafa", "Ayşe", "Emre"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk"],
        [],
        [],
    ),
    "pl": (
        ["Zofia", "Jakub", "Maja", "Kacper", "Łucja", "Wojciech"],
        ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamiński"],
        [],
        [],
    ),
    "en": (
        ["Olivia", "James", "Amara", "Kwame", "Grace", "Daniel", "Wanjiru", "Samuel", "Aisha"],
        ["Smith", "Okafor", "Mensah", "Brown", "Mwangi", "Taylor", "Banda", "Wilson"],
        [],
        [],
    ),
}

# Country (ISO 3166-1 alpha-2) -> name pool; any other country uses "en".
COUNTRY_POOL = {
    "JP": "ja",
    "KR": "ko",
    "CN": "zh",
    "TW": "zh",
    "MO": "zh",
    "HK": "zh",
    "EG": "ar",
    "MA": "ar",
    "TN": "ar",
    "LB": "ar",
    "JO": "ar",
    "AE": "ar",
    "SA": "ar",
    "QA": "ar",
    "IQ": "ar",
    "PS": "ar",
    "OM": "ar",
    "BH": "ar",
    "KW": "ar",
    "DZ": "ar",
    "LY": "ar",
    "SY": "ar",
    "YE": "ar",
    "SD": "ar",
    "MR": "ar",
    "IR": "fa",
    "AF": "fa",
    "RU": "ru",
    "BY": "ru",
    "KZ": "ru",
    "KG": "ru",
    "TH": "th",
    "IN": "hi",
    "NP": "hi",
    "FR": "fr",
    "BE": "fr",
    "CH": "fr",
    "SN": "fr",
    "CI": "fr",
    "CM": "fr",
    "BF": "fr",
    "ML": "fr",
    "TG": "fr",
    "BJ": "fr",
    "LU": "fr",
    "HT": "fr",
    "CD": "fr",
    "MG": "fr",
    "PT": "pt",
    "BR": "pt",
    "AO": "pt",
    "MZ": "pt",
    "CV": "pt",
    "ES": "es",
    "MX": "es",
    "AR": "es",
    "CO": "es",
    "PE": "es",
    "CL": "es",
    "EC": "es",
    "UY": "es",
    "BO": "es",
    "CU": "es",
    "VE": "es",
    "PY": "es",
    "GT": "es",
    "SV": "es",
    "HN": "es",
    "NI": "es",
    "CR": "es",
    "PA": "es",
    "DO": "es",
    "IT": "it",
    "DE": "de",
    "AT": "de",
    "TR": "tr",
    "PL": "pl",
}

# The language a city's office would rather read: one of the app's three.
PREFERRED_LANGUAGE = {"ja": "ja", "fr": "fr"}


@dataclass(frozen=True)
class Person:
    full_name: str
    native_name: str | None
    language: str  # the pool's language code (also a spoken language)


def pool_for(country_code: str) -> str:
    return COUNTRY_POOL.get(country_code.upper(), "en")


def preferred_language(country_code: str) -> str:
    """en, ja or fr: the app's language a city would pick."""
    return PREFERRED_LANGUAGE.get(pool_for(country_code), "en")


def person(rng: random.Random, country_code: str) -> Person:
    """A plausible name for someone from ``country_code``."""
    language = pool_for(country_code)
    given, family, native_given, native_family = POOLS[language]
    g = rng.randrange(len(given))
    f = rng.randrange(len(family))
    if language in ("ja", "ko", "zh"):
        full_name = f"{family[f]} {given[g]}" if language != "ja" else f"{given[g]} {family[f]}"
        native = f"{native_family[f]}{'' if language != 'ko' else ''}{native_given[g]}"
    elif native_given:
        full_name = f"{given[g]} {family[f]}"
        native = f"{native_given[g]} {native_family[f]}"
    else:
        full_name = f"{given[g]} {family[f]}"
        native = None
    return Person(full_name=full_name, native_name=native, language=language)


def ascii_slug(text: str) -> str:
    """ "Bistrița" -> "bistrita": for demo e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = "".join(ch if ch.isalnum() else "-" for ch in plain.lower())
    return "-".join(part for part in slug.split("-") if part) or "city"


SYLLABLES = [
    "san",
    "ta",
    "mar",
    "ri",
    "vel",
    "do",
    "ka",
    "lo",
    "na",
    "bel",
    "mon",
    "ser",
    "ara",
    "qu",
    "to",
    "li",
    "zen",
    "ova",
    "port",
    "gal",
    "dor",
    "mi",
    "sha",
    "ba",
]


def invented_city(rng: random.Random) -> str:
    """A plausible city name that is not a real member (for demos past 390)."""
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return name.capitalize()
