"""Hostile input for the property-based tests (this module holds no tests).

- Hypothesis strategies: overlong text, control characters, markup, odd
  Unicode, SQL fragments, bad dates and times, huge numbers, bad e-mails;
- an HTML reader that finds the forms of a page (fields, options, buttons)
  and the markup a page would run (inline scripts, ``on*`` handlers,
  ``javascript:`` links);
- ``values_for``: a value for each field of a form, valid or hostile.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from hypothesis import strategies as st

# --- hostile text -------------------------------------------------------------

SCRIPTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '<iframe src="//evil.example"></iframe>',
    "{{ 7*7 }}{% print 'ssti' %}",
    "<style>body{display:none}</style>",
]
# The raw pieces that must never reach a page unescaped.
MARKUP = ["<script", "<img", "<svg", "<iframe", "<style", "<a href=", "</textarea", "</title"]

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\u2028"]
INVISIBLE = ["\u202e", "\u202d", "\u200b", "\u200d", "\ufeff", "\u2066", "\u00ad"]

ODD_UNICODE = [
    "👩‍👩‍👧‍👦",  # ZWJ sequence
    "🇯🇵🇫🇷",  # flags (regional indicators)
    "e\u0301\u0302\u0303 Zalgo\u0336\u0337",  # combining marks
    "مدينة الإبداع",  # Arabic, right to left
    "鶴岡市 食文化創造都市",  # Japanese
    "𝕱𝖊𝖘𝖙𝖎𝖛𝖆𝖑 𐐷 𠜎",  # astral plane
    "ｆｅｓｔｉｖａｌ ﬁ ① Ⅻ",  # NFKC-confusables
    "İstanbul ß ǅ",  # case-mapping oddities
    "Ａ\u0300 Å Å",  # composed and decomposed
]

SQL = [
    "'; DROP TABLE users; --",
    "' OR 1=1 --",
    '" OR ""="',
    "1); DELETE FROM festivals; --",
    "%' AND 1=0 UNION SELECT password_hash FROM users --",
    "%",
    "_",
    "\\",
    "%_%\\%",
]

BAD_DATES = [
    "2027-02-30",
    "2027-13-01",
    "2027-00-10",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "",
    " ",
    "tomorrow",
    "2027/06/15",
    "15.06.2027",
    "２０２７-０６-１５",
    "2027-06-15T25:61",
    "2027-06-15T10:00:00+99:00",
    "1970-01-01T00:00",
    "9999-12-31T23:59",
    "-2027-06-15",
]
BAD_TIMES = ["25:61", "24:00", "-1:00", "10:60", "noon", "", "10", "10:00:00.000000001", "٢:٣٠"]

NUMBERS = [
    "-1",
    "0",
    "-0",
    "99999999999999999999999999",
    "-9223372036854775809",
    "2147483648",
    "1e309",
    "NaN",
    "inf",
    "1.5",
    "0x10",
    "١٢",  # Arabic-Indic digits
    " 3 ",
    "",
]

EMAILS = [
    "plainaddress",
    "@example.org",
    "a@b",
    "a@b..org",
    "a" * 250 + "@example.org",
    "a@exämple.org",
    "a b@example.org",
    "a@example.org\r\nBcc: victim@example.org",
    '"quoted"@example.org',
    "<script>alert(1)</script>@example.org",
    "organiser@example.org",
]

OVERLONG = st.sampled_from(["a", "é", "語", "😀", "<", " ", "\n"]).map(lambda c: c * 10_000)

# Random text the browser could send: any code point but lone surrogates
# (UTF-8 cannot carry them, so a form never does).
RANDOM_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@st.composite
def _with_control(draw: st.DrawFn) -> str:
    left = draw(st.text(max_size=8))
    right = draw(st.text(max_size=8))
    return left + draw(st.sampled_from(CONTROLS + INVISIBLE)) + right


hostile_text = st.one_of(
    st.sampled_from(SCRIPTS),
    st.sampled_from(ODD_UNICODE),
    st.sampled_from(SQL),
    _with_control(),
    OVERLONG,
    RANDOM_TEXT,
    st.sampled_from(BAD_DATES + BAD_TIMES + NUMBERS + EMAILS),
)


def by_kind(kind: str) -> st.SearchStrategy[str]:
    """Hostile values, with the bad ones that suit an input of ``kind`` first."""
    special = {
        "date": BAD_DATES,
        "datetime-local": BAD_DATES,
        "time": BAD_TIMES,
        "number": NUMBERS,
        "email": EMAILS,
    }.get(kind)
    return st.one_of(st.sampled_from(special), hostile_text) if special else hostile_text


# --- reading pages ------------------------------------------------------------

TEXT_KINDS = {"text", "textarea", "email", "search", "tel", "url"}


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)  # select, radio
    selected: list[str] = field(default_factory=list)
    checked: bool = False
    multiple: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    form_id: str
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (name, value)
    # Buttons that send the form elsewhere (formaction=): action -> (name, value)s
    elsewhere: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def signature(self) -> tuple:
        return (self.method, tuple(sorted(self.fields)), tuple(sorted(n for n, _ in self.buttons)))


class _FormReader(HTMLParser):
    """Forms with their fields; inputs outside a form join it by ``form=``."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._orphans: list[tuple[str, dict[str, str]]] = []
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: dict[str, str] | None = None
        self._option_text = ""

    def _form_for(self, attrs: dict[str, str]) -> Form | None:
        owner = attrs.get("form")
        if owner:
            return next((f for f in self.forms if f.form_id == owner), None)
        return self._current

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        self._form_tag(tag, attr_list)

    def _form_tag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        if tag == "form":
            path = attrs.get("action") or self.page_url
            self._current = Form(
                action=path,
                method=(attrs.get("method") or "get").lower(),
                enctype=attrs.get("enctype", ""),
                form_id=attrs.get("id", ""),
            )
            self.forms.append(self._current)
            return
        owned = tag in {"input", "select", "textarea", "button"} and attrs.get("form")
        if owned and self._form_for(attrs) is None:
            self._orphans.append((tag, attrs))
            return
        form = self._form_for(attrs)
        if tag == "option" and self._select is not None:
            self._option = attrs
            self._option_text = ""
        if form is None:
            return
        name = attrs.get("name", "")
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "image"}:
                self._button(form, attrs)
                return
            if not name or kind in {"button", "reset"}:
                return
            if kind in {"radio", "checkbox"} and name in form.fields:
                existing = form.fields[name]
                existing.options.append(attrs.get("value", "on"))
                existing.multiple = kind == "checkbox"
                if "checked" in attrs:
                    existing.selected.append(attrs.get("value", "on"))
                return
            form.fields[name] = Field(
                name=name,
                kind=kind,
                value=attrs.get("value", ""),
                options=[attrs.get("value", "on")] if kind in {"radio", "checkbox"} else [],
                selected=[attrs.get("value", "on")] if "checked" in attrs else [],
                checked="checked" in attrs,
                attrs=attrs,
            )
        elif tag == "select" and name:
            self._select = Field(
                name=name, kind="select", multiple="multiple" in attrs, attrs=attrs
            )
            form.fields[name] = self._select
        elif tag == "textarea" and name:
            self._textarea = Field(name=name, kind="textarea", attrs=attrs)
            form.fields[name] = self._textarea
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._button(form, attrs)

    @staticmethod
    def _button(form: Form, attrs: dict[str, str]) -> None:
        """A submit button: the form's own, or one that sends it elsewhere."""
        pressed = [(attrs["name"], attrs.get("value", ""))] if attrs.get("name") else []
        if attrs.get("formaction"):
            form.elsewhere.setdefault(attrs["formaction"], []).extend(pressed)
        else:
            form.buttons.extend(pressed)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "option" and self._select is not None and self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select.options.append(value)
            if "selected" in self._option:
                self._select.selected.append(value)
            self._option = None

    def close(self) -> None:
        super().close()
        orphans, self._orphans = self._orphans, []
        for tag, attrs in orphans:  # a button before its form, say
            if self._form_for(attrs) is not None:
                self._form_tag(tag, list(attrs.items()))


def _paths(read: list[Form]) -> list[Form]:
    """The forms read, their actions as paths (no query string dropped)."""
    # A button with formaction= posts the same fields to another endpoint:
    # that is one more form (after the page's own, so their indexes stay).
    forms = read + [
        replace(form, action=action, fields=dict(form.fields), buttons=list(buttons), elsewhere={})
        for form in read
        for action, buttons in form.elsewhere.items()
    ]
    for form in forms:
        parts = urlsplit(form.action)
        form.action = parts.path + (f"?{parts.query}" if parts.query else "")
    return forms


def forms_in(html: str, page_url: str) -> list[Form]:
    """The forms of a page, their actions as paths (no query string dropped)."""
    reader = _FormReader(page_url)
    reader.feed(html)
    reader.close()
    return _paths(reader.forms)


def _runs(tag: str, attr_list: list[tuple[str, str | None]]) -> list[str]:
    """What a browser would run in this start tag: the CSP forbids inline
    script and handlers, so none of our templates has any; one found came
    from input."""
    found = []
    attrs = {k.lower(): (v or "") for k, v in attr_list}
    if tag == "script" and not attrs.get("src"):
        found.append("inline <script>")
    if tag in {"object", "embed", "base"}:
        found.append(f"<{tag}>")
    # Our only frame shows an e-mail's HTML with every permission off.
    if tag == "iframe" and ("sandbox" not in attrs or "allow-scripts" in attrs["sandbox"]):
        found.append("<iframe> without sandbox")
    for name, value in attrs.items():
        if name.startswith("on"):
            found.append(f"<{tag} {name}=...>")
        if name in {"href", "src", "action", "formaction", "srcdoc", "data"}:
            squeezed = "".join(value.split()).lower()
            if squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                found.append(f"<{tag} {name}={value[:40]!r}>")
    return found


class _RunnableMarkup(HTMLParser):
    """Collects what a browser would run (see ``_runs``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        self.found.extend(_runs(tag, attr_list))

    handle_startendtag = handle_starttag


def runnable_markup(html: str) -> list[str]:
    """Markup in ``html`` that would run in a browser (empty: none)."""
    reader = _RunnableMarkup()
    reader.feed(html)
    reader.close()
    return reader.found


class _PageReader(_FormReader):
    """The forms of a page and the markup in it that would run, in one pass."""

    def __init__(self, page_url: str) -> None:
        super().__init__(page_url)
        self.runnable: list[str] = []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        self.runnable.extend(_runs(tag, attr_list))
        self._form_tag(tag, attr_list)


@dataclass
class Page:
    forms: list[Form]
    runnable: list[str]  # markup that would run in a browser (empty: none)


def read_page(html: str, page_url: str) -> Page:
    """``forms_in`` and ``runnable_markup`` of a page, reading it once (the
    hostile-input tests check every answer for both)."""
    reader = _PageReader(page_url)
    reader.feed(html)
    reader.close()
    return Page(_paths(reader.forms), reader.runnable)


def raw_payloads(html: str, sent: list[str]) -> list[str]:
    """The markup pieces of the values we sent that reached the page unescaped."""
    found = []
    lowered = html.lower()
    for value in sent:
        for script in SCRIPTS:
            if script in value and script.startswith(("<", '"', "'")) and script.lower() in lowered:
                found.append(script)
    return found


# --- values for a form --------------------------------------------------------

KEEP_PREFIX = "kept value "

# Valid values by input type, when the page shows none.
PLAIN = {
    "email": "someone.new@example.org",
    "date": "2027-06-15",
    "datetime-local": "2027-06-15T10:00",
    "time": "10:30",
    "number": "2",
    "url": "https://example.org/page",
    "password": "correct horse 1",
    "tel": "+81 235 00 0000",
    "file": "",
}

# Valid values for the fields whose format is checked, by name, when the page
# shows none (a new festival, a first registration); tests add their own.
KNOWN = {
    "slug": "new-edition-2027",
    "timezone": "Asia/Tokyo",
    "starts_on": "2027-06-14",
    "ends_on": "2027-06-18",
    "start_date": "2027-06-15",
    "end_date": "2027-06-15",
    "start_time": "10:00",
    "end_time": "11:30",
    "phone": "+81 235 00 0000",
    "arrival_airport": "HND",
    "departure_airport": "HND",
    "arrival_flight": "NH 393",
    "departure_flight": "NH 394",
    "arrival_at": "2027-06-13T15:40",
    "departure_at": "2027-06-19T11:05",
    "check_in_on": "2027-06-13",
    "check_out_on": "2027-06-19",
    "quota": "3",
}

CHOICE_KINDS = {"select", "radio", "checkbox"}


def plain_value(f: Field, known: dict[str, str]) -> str:
    """A valid value for a field that is not a choice: the page's own, a
    known one for its name, or a plausible one for its type."""
    if f.kind == "hidden" or f.value:
        return f.value
    if f.name in known:
        return known[f.name]
    if f.kind in {"date", "datetime-local", "number"} and f.attrs.get("min"):
        return f.attrs["min"][:16]
    return PLAIN.get(f.kind, "Plain words")


def free_text(form: Form, known: dict[str, str]) -> list[str]:
    """The fields where any text is valid: names, notes, descriptions."""
    return [
        f.name
        for f in form.fields.values()
        if f.kind in {"text", "textarea", "search"}
        and f.name not in known
        and not (set(f.attrs) & {"pattern", "list", "inputmode"})
    ]


def baseline(form: Form, known: dict[str, str]) -> dict[str, Any]:
    """Valid values for every field of ``form`` (the page's own where it has them)."""
    data: dict[str, Any] = {}
    for f in form.fields.values():
        if f.name == "csrf_token" or f.kind == "file":
            continue  # the test client adds a valid token
        if f.kind in CHOICE_KINDS:
            choices = f.selected or [o for o in f.options if o][:1]
            if choices:
                data[f.name] = choices if f.multiple or f.kind == "checkbox" else choices[0]
        else:
            data[f.name] = plain_value(f, known)
    if form.buttons:
        data[form.buttons[0][0]] = form.buttons[0][1]
    return data


def _fits(f: Field, text: str) -> str:
    limit = int(f.attrs.get("maxlength") or 0)
    return text[:limit] if limit else text


def _valid(f: Field, known: dict[str, str]) -> st.SearchStrategy[Any]:
    """A value a careful user could type in ``f``."""
    if f.kind in CHOICE_KINDS:
        choices = [o for o in f.options if o] or f.options
        if not choices:
            return st.just([] if f.multiple or f.kind == "checkbox" else "")
        if f.multiple or f.kind == "checkbox":
            return st.lists(st.sampled_from(choices), unique=True, max_size=3)
        return st.sampled_from(f.selected or choices)
    return st.just(plain_value(f, known))


def _file(value: str) -> tuple[io.BytesIO, str]:
    body = "name,country_code,creative_field,contact_email\n" + value.replace("\n", " ")
    return io.BytesIO(body.encode("utf-8", "surrogatepass")), "upload.csv"


@st.composite
def values_for(
    draw: st.DrawFn, form: Form, known: dict[str, str]
) -> tuple[dict[str, Any], str | None]:
    """Data to post to ``form``, and the name of the field (if any) that holds
    a valid value the page must keep when it shows the form again.

    Three ways to be hostile: every field at random (valid, hostile or
    missing); one field hostile among valid ones; hostile text in every
    free-text field, cut to its length (so that it is saved, and shown).
    """
    texts = free_text(form, known)
    mode = draw(st.sampled_from(["chaos", "one field", "free text"]), label="mode")
    fields = [f for f in form.fields.values() if f.name != "csrf_token"]
    if mode == "chaos":
        data: dict[str, Any] = {}
        for f in fields:
            choice = draw(st.sampled_from(["valid", "valid", "hostile", "missing"]))
            if choice == "missing":
                continue
            value = draw(_valid(f, known)) if choice == "valid" else draw(by_kind(f.kind))
            if choice == "hostile" and f.multiple:
                value = [value]
            data[f.name] = (
                _file(value if isinstance(value, str) else "") if f.kind == "file" else value
            )
        if form.buttons:
            name, value = draw(st.sampled_from(form.buttons))
            data[name] = value
    else:
        data = baseline(form, known)
        targets = [f for f in fields if f.name in texts] if mode == "free text" else fields
        if mode == "one field" and targets:
            targets = [draw(st.sampled_from(targets))]
        for f in targets:
            value = draw(by_kind(f.kind) if mode == "one field" else hostile_text)
            if f.kind == "file":
                data[f.name] = _file(value)
            else:
                data[f.name] = [value] if f.multiple else _fits(f, value)
    hostile = set() if mode == "chaos" else {f.name for f in targets}
    keepers = [name for name in texts if name not in hostile]
    keeper = draw(st.sampled_from(keepers)) if keepers else None
    if keeper is not None:
        data[keeper] = KEEP_PREFIX + draw(st.text("abcdefghij", min_size=6, max_size=6))
    return data, keeper


def sent_strings(data: dict[str, Any]) -> list[str]:
    """Every string in posted ``data`` (lists flattened, files skipped)."""
    out: list[str] = []
    for value in data.values():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out.extend(v for v in value if isinstance(v, str))
    return out


# A text that is valid almost anywhere and hostile everywhere: markup, quotes,
# SQL, odd Unicode, a control character and a line break.
STORED = (
    "<script>alert(1)</script>\"><img src=x onerror=alert(1)> ' OR 1=1 -- "
    "👩‍👩‍👧‍👦 مدينة 鶴岡 e\u0301\u202e\x0b\nend"
)


def plain_values(form: Form, known: dict[str, str], text: str) -> dict[str, Any]:
    """Valid values for ``form``, with ``text`` (cut to length) in every free-text field."""
    data = baseline(form, known)
    for name in free_text(form, known):
        data[name] = _fits(form.fields[name], text)
    return data
