"""Japanese dictionary order (gojūon) for city names, and a kana reading
derived from a romanised name when none is on file.

Gojūon order is the order of the kana table (あいうえお かきくけこ ...).
Hiragana code points already follow it once three things are folded, as
JIS X 4061 does for its first level: katakana become hiragana, voiced and
semi-voiced marks are set aside (が sorts with か), small kana become full
size (ゃ with や), and the long-vowel mark ー reads as the vowel before it.
The marks and sizes break ties at the second level (か before が).
"""

from __future__ import annotations

import re
import unicodedata

from festival.cities.models import search_text

_SMALL = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
_MARKS = {"\u3099", "\u309a"}
# Each base kana's vowel, to read ー after it: one row of the table per vowel.
_VOWEL_ROWS = (
    "あかさたなはまやらわがざだばぱ",
    "いきしちにひみりぎじぢびぴゐ",
    "うくすつぬふむゆるぐずづぶぷゔ",
    "えけせてねへめれげぜでべぺゑ",
    "おこそとのほもよろをごぞどぼぽ",
)
_VOWELS = {kana: "あいうえお"[n] for n, row in enumerate(_VOWEL_ROWS) for kana in row}


def is_kana(text: str) -> bool:
    """Whether ``text`` is written in kana alone (spaces and ー allowed)."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "").replace("・", "")
    return bool(text) and all("\u3041" <= ch <= "\u30ff" for ch in text)


def to_hiragana(text: str) -> str:
    """Katakana (full or half width) as hiragana; other characters kept."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def gojuon_key(reading: str) -> tuple[str, str]:
    """The sort key of a kana reading: (first level, tie-breaker)."""
    hiragana = to_hiragana(reading).replace(" ", "").replace("・", "")
    full = unicodedata.normalize("NFD", hiragana)
    base: list[str] = []
    for ch in full:
        if ch in _MARKS:
            continue
        if ch == "ー":
            ch = _VOWELS.get(base[-1], "") if base else ""
        base.append(ch.translate(_SMALL))
    return "".join(base), full


# Hepburn (and a little Kunrei) syllables, longest first when matching.
_SYLLABLES = {
    "kya": "きゃ",
    "kyu": "きゅ",
    "kyo": "きょ",
    "sha": "しゃ",
    "shu": "しゅ",
    "sho": "しょ",
    "cha": "ちゃ",
    "chu": "ちゅ",
    "cho": "ちょ",
    "nya": "にゃ",
    "nyu": "にゅ",
    "nyo": "にょ",
    "hya": "ひゃ",
    "hyu": "ひゅ",
    "hyo": "ひょ",
    "mya": "みゃ",
    "myu": "みゅ",
    "myo": "みょ",
    "rya": "りゃ",
    "ryu": "りゅ",
    "ryo": "りょ",
    "gya": "ぎゃ",
    "gyu": "ぎゅ",
    "gyo": "ぎょ",
    "ja": "じゃ",
    "ju": "じゅ",
    "jo": "じょ",
    "bya": "びゃ",
    "byu": "びゅ",
    "byo": "びょ",
    "pya": "ぴゃ",
    "pyu": "ぴゅ",
    "pyo": "ぴょ",
    "shi": "し",
    "chi": "ち",
    "tsu": "つ",
    "ka": "か",
    "ki": "き",
    "ku": "く",
    "ke": "け",
    "ko": "こ",
    "sa": "さ",
    "si": "し",
    "su": "す",
    "se": "せ",
    "so": "そ",
    "ta": "た",
    "ti": "ち",
    "tu": "つ",
    "te": "て",
    "to": "と",
    "na": "な",
    "ni": "に",
    "nu": "ぬ",
    "ne": "ね",
    "no": "の",
    "ha": "は",
    "hi": "ひ",
    "fu": "ふ",
    "hu": "ふ",
    "he": "へ",
    "ho": "ほ",
    "ma": "ま",
    "mi": "み",
    "mu": "む",
    "me": "め",
    "mo": "も",
    "ya": "や",
    "yu": "ゆ",
    "yo": "よ",
    "ra": "ら",
    "ri": "り",
    "ru": "る",
    "re": "れ",
    "ro": "ろ",
    "wa": "わ",
    "wo": "を",
    "ga": "が",
    "gi": "ぎ",
    "gu": "ぐ",
    "ge": "げ",
    "go": "ご",
    "za": "ざ",
    "ji": "じ",
    "zi": "じ",
    "zu": "ず",
    "ze": "ぜ",
    "zo": "ぞ",
    "da": "だ",
    "de": "で",
    "do": "ど",
    "ba": "ば",
    "bi": "び",
    "bu": "ぶ",
    "be": "べ",
    "bo": "ぼ",
    "pa": "ぱ",
    "pi": "ぴ",
    "pu": "ぷ",
    "pe": "ぺ",
    "po": "ぽ",
    "a": "あ",
    "i": "い",
    "u": "う",
    "e": "え",
    "o": "お",
}
_LONGEST = max(len(s) for s in _SYLLABLES)


def reading_from_romaji(name: str) -> str | None:
    """The hiragana reading of a romanised Japanese name ("Tsuruoka" ->
    "つるおか"), or None when the name does not read as Hepburn romaji
    (most foreign names: "Parma" has an "r" before a consonant).

    Long vowels written with a macron (Ōita) read as doubled vowels, which
    is how gojūon orders them anyway.
    """
    text = search_text(name).replace("-", "").replace(" ", "").replace("'", "")
    if not text or not re.fullmatch(r"[a-z]+", text):
        return None
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        # A doubled consonant is a small tsu (Sapporo, Beppu); "nn" is ん + n.
        if ch == nxt and ch not in "aeioun":
            out.append("っ")
            i += 1
            continue
        if ch == "n" and nxt not in "aeiouy":
            out.append("ん")
            i += 1
            continue
        for size in range(_LONGEST, 0, -1):
            kana = _SYLLABLES.get(text[i : i + size])
            if kana:
                out.append(kana)
                i += size
                break
        else:
            return None
    return "".join(out)
