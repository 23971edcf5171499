"""The reporter's languages: complete catalogues, every page translated, submissions end to end.

Catalogue checks run Babel in-process (the documented `pybabel extract`, and the compiler in
memory). Page checks go through real HTTP to the real server (gunicorn): for each language,
every page a reporter can reach, the error pages included, must show no English source string
of the catalogue, and a report sent in that language is stored with its form_language.
"""

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from intake.receipt import PATTERN
from intake import age
from live_server import NO_FILE, LiveServer, new_session, raw_http, valid_answers, with_files

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "intake" / "translations"
CODES = ["en", "zh_Hans", "zh_Hant", "ug", "bo"]
TRANSLATED = [code for code in CODES if code != "en"]
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "ug": "ug", "bo": "bo"}
NATIVE_NAMES = {"en": "English", "zh_Hans": "简体中文", "zh_Hant": "繁體中文", "ug": "ئۇيغۇرچە", "bo": "བོད་ཡིག"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
RECEIPT = re.compile(rf"<code>({PATTERN})</code>")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def load_po(path: Path):
    with open(path, "rb") as f:
        return read_po(f)


def forms(value) -> tuple:
    """A message's id or string as a tuple: plural entries have one per form."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def entries(catalog) -> dict[str, str]:
    """msgid -> msgstr, a plural entry giving one pair per form (the header entry left out)."""
    out = {}
    for message in catalog:
        if message.id:
            strings = forms(message.string)
            for n, msgid in enumerate(forms(message.id)):
                out[msgid] = strings[min(n, len(strings) - 1)]
    return out


def messages(code: str) -> dict[str, str]:
    """msgid -> msgstr of one catalogue."""
    return entries(load_po(CATALOGUES / code / "LC_MESSAGES" / "messages.po"))


# The catalogues ------------------------------------------------------------------------------


def test_catalogues_hold_every_message_of_the_sources_now(tmp_path):
    """The documented extraction, run now, finds exactly the msgids of the .pot and every .po."""
    out = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-o", str(out), str(ROOT)])
    extracted = set(entries(load_po(out)))
    assert len(extracted) > 200, "extraction found too few messages: is babel.cfg right?"
    template = set(entries(load_po(CATALOGUES / "messages.pot")))
    assert template == extracted, f"messages.pot is stale (run the update steps of docs/translating.md): {sorted(extracted ^ template)[:5]}"
    for code in CODES:
        assert set(messages(code)) == extracted, f"{code}: messages.po is stale: {sorted(set(messages(code)) ^ extracted)[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_careful_translation(code):
    catalog = load_po(CATALOGUES / code / "LC_MESSAGES" / "messages.po")
    assert not catalog.fuzzy, f"{code}: the catalogue header is marked fuzzy (pybabel compile would skip it)"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{code}: fuzzy (unreviewed) translation for {message.id!r}"
        source = forms(message.id)[0]
        for string in forms(message.string):
            assert string.strip(), f"{code}: no translation for {source!r}"
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(source)), f"{code}: placeholders differ in {source!r}"
            # Translations reach pages unescaped (lazy strings and Jinja's gettext are markup-safe):
            # they must not carry markup, break an attribute, or hold a stray % for Jinja to format.
            assert not set('<>&"') & set(string), f"{code}: markup character in the translation of {source!r}"
            assert "%" not in PLACEHOLDER.sub("", string), f"{code}: stray % in the translation of {source!r}"


def test_english_is_the_source_language():
    assert all(not string or string == msgid for msgid, string in messages("en").items())


@pytest.mark.parametrize("code", CODES)
def test_compiled_catalogue_matches_its_po(code):
    """The shipped .mo is what compiling the .po gives now (run `pybabel compile` after edits)."""
    folder = CATALOGUES / code / "LC_MESSAGES"
    compiled = io.BytesIO()
    write_mo(compiled, load_po(folder / "messages.po"))
    compiled.seek(0)
    with open(folder / "messages.mo", "rb") as f:
        shipped = read_mo(f)
    fresh = read_mo(compiled)
    assert {forms(m.id): forms(m.string) for m in shipped} == {forms(m.id): forms(m.string) for m in fresh}, (
        f"{code}: messages.mo is stale: run pybabel compile")


def test_every_form_message_is_ours_and_translated(tmp_path):
    """No WTForms built-in message (English only: WTF_I18N_ENABLED is off, for speed) can reach
    a page: every choice field, number field and validator carries one of our messages."""
    from wtforms.fields import IntegerField, SelectFieldBase

    from intake.web import create_app
    from intake.web.forms import FollowUpForm, ReportForm

    (tmp_path / "recipients.txt").write_text(f"{age.HybridIdentity.generate().recipient()}\n")
    app = create_app({"INTAKE_DATA_DIR": tmp_path / "data", "INTAKE_RECIPIENTS": tmp_path / "recipients.txt", "SECRET_KEY": "x" * 40})
    assert app.config["WTF_I18N_ENABLED"] is False
    translations = set(messages("zh_Hans").values())
    with app.test_request_context("/?lang=zh_Hans"):
        report, follow_up = ReportForm(meta={"csrf": False}), FollowUpForm(meta={"csrf": False})
        fields = [*report, *report.incidents.entries[0].form, *follow_up]
        checked = 0
        for field in fields:
            if isinstance(field, SelectFieldBase):
                assert str(field.invalid_choice_message) in translations, field.name
                checked += 1
            if isinstance(field, IntegerField):
                assert str(field.invalid_value_message) in translations, field.name
                checked += 1
            for validator in field.validators:
                if hasattr(validator, "message"):  # Length, NumberRange, InputRequired...
                    assert validator.message is not None and str(validator.message) in translations, f"{field.name}: {validator!r}"
                    checked += 1
    assert checked > 60


# Pages through the real server -------------------------------------------------------------


class PageText(HTMLParser):
    """What a reader sees (text, aria-label, title, alt) without what they typed (values, textareas)."""

    SKIP = {"textarea", "code", "script", "style"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.html_attrs: dict = {}
        self.switch: list[dict] = []
        self.links: list[str] = []
        self.actions: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag in self.SKIP:
            self._skipping += 1
        self.parts += [attrs[a] for a in ("aria-label", "title", "alt", "placeholder") if attrs.get(a)]
        if tag == "a" and "hreflang" in attrs:
            self.switch.append(attrs)
        elif tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"])
        if tag == "form":
            self.actions.append(attrs.get("action", ""))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())

    @classmethod
    def of(cls, html: str) -> "PageText":
        parser = cls()
        parser.feed(html)
        return parser

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def assert_page_in(code: str, html: str, where: str) -> PageText:
    """The page is in `code`: html lang/dir, no English source string, links keep the language."""
    page = PageText.of(html)
    assert page.html_attrs.get("lang") == HTML_LANG[code], f"{where}: html lang={page.html_attrs.get('lang')}"
    assert page.html_attrs.get("dir") == ("rtl" if code == "ug" else "ltr"), f"{where}: html dir"
    if code != "en":
        strings = messages(code)
        translations = "\n".join(strings.values())
        for msgid in strings:
            if msgid in translations:  # kept on purpose (the app name "Signal")
                continue
            pattern = rf"(?<![A-Za-z]){re.escape(msgid)}(?![A-Za-z])"
            assert not re.search(pattern, page.text), f"{where}: untranslated {msgid!r} on the {code} page"
        # Nor any other English: every Latin word on the page is one its translations use.
        allowed = set(ASCII_WORD.findall(translations)) | {"English"}
        stray = sorted(set(ASCII_WORD.findall(page.text)) - allowed)
        assert not stray, f"{where}: English words on the {code} page: {stray[:10]}"
    for url in page.links + page.actions:
        assert f"lang={code}" in url, f"{where}: {url} does not keep the language"
    return page


def assert_switch(page: PageText, code: str, where: str) -> None:
    assert [a["lang"] for a in page.switch] == [HTML_LANG[c] for c in CODES], where
    assert [a["hreflang"] for a in page.switch] == [HTML_LANG[c] for c in CODES], where
    assert [a.get("aria-current") for a in page.switch] == ["true" if c == code else None for c in CODES], where
    for other, link in zip(CODES, page.switch):
        assert link["href"].endswith(f"lang={other}"), where
    for name in NATIVE_NAMES.values():
        assert name in page.text, where


def no_language_cookie(response) -> None:
    assert set(response.cookies.keys()) <= {"intake"}, response.cookies.keys()  # the CSRF session only
    assert "lang" not in response.headers.get("Set-Cookie", "").lower()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {"INTAKE_MAX_UPLOAD": "2MB", "INTAKE_MAX_ATTACHMENTS": "3"}
    with LiveServer(tmp_path_factory.mktemp("i18n"), env=env) as live:
        yield live


@pytest.fixture(scope="module")
def full_disk_server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("i18n-full"), env={"INTAKE_MIN_FREE": "100000GB"}) as live:
        yield live


def post(server, path: str, data: dict, files=(), token=True, headers=None) -> requests.Response:
    session, csrf = new_session(server, path)
    return session.post(server.url + path, data={**data, **({"csrf_token": csrf} if token else {})},
                        files=with_files(files), headers=headers, timeout=60)


def stored_report(server, before: set) -> dict:
    (path,) = set(server.submissions()) - before
    with open(path, "rb") as f:
        return json.loads(zipfile.ZipFile(io.BytesIO(age.decrypt([server.identity], f).read())).read("report.json"))


def many_errors() -> dict:
    """One report with nearly every kind of validation message at once."""
    answers = {**valid_answers(), "how_known": "hearsay", "reporter_name": "x" * 301, "victim_name": "Wang\x00Mou",
               "group_size": "many", "incidents-0-violations": ["NOT_A_CODE"], "incidents-0-start_date": "2024",
               "incidents-0-end_date": "soon", "follow_up_of": "not a code",
               "incidents-1-narrative": "A second incident, with nothing else filled in.", "incidents-2-province": "Tibet"}
    for missing in ("relation", "consent_store", "incidents-0-ongoing"):
        answers.pop(missing)
    return answers


def test_default_language_follows_accept_language(server):
    cases = {"zh-CN,zh;q=0.9": "zh_Hans", "zh-SG": "zh_Hans", "zh-Hans-HK": "zh_Hans", "zh": "zh_Hans",
             "zh-TW": "zh_Hant", "zh-HK,en;q=0.5": "zh_Hant", "zh-MO": "zh_Hant", "zh-Hant": "zh_Hant",
             "ug-CN": "ug", "ug": "ug", "bo-CN": "bo", "bo-IN": "bo", "en-US,en;q=0.5": "en",
             "fr-FR, de;q=0.9": "en", "fr, bo;q=0.3": "bo", "zh-TW;q=0, ug;q=0.8": "ug", "": "en"}
    for header, code in cases.items():
        page = requests.get(server.url + "/", headers={"Accept-Language": header}, timeout=10)
        assert PageText.of(page.text).html_attrs["lang"] == HTML_LANG[code], header
    # A link's choice beats the browser's preference; an unknown one is ignored.
    chosen = requests.get(server.url + "/?lang=bo", headers={"Accept-Language": "zh-TW"}, timeout=10)
    assert PageText.of(chosen.text).html_attrs["lang"] == "bo"
    unknown = requests.get(server.url + "/?lang=xx", headers={"Accept-Language": "zh-TW"}, timeout=10)
    assert PageText.of(unknown.text).html_attrs["lang"] == "zh-Hant"


@pytest.mark.parametrize("code", CODES)
def test_forms_and_their_errors_are_in_the_chosen_language(server, code):
    strings = {msgid: string or msgid for msgid, string in messages(code).items()}
    # Tor Browser announces English whatever the reporter reads: the link's choice must win.
    english_browser = {"Accept-Language": "en-US,en;q=0.5"}
    for path in ("/", "/follow-up"):
        response = requests.get(f"{server.url}{path}?lang={code}", headers=english_browser, timeout=10)
        assert response.status_code == 200
        no_language_cookie(response)
        assert_switch(assert_page_in(code, response.text, f"GET {path}"), code, f"GET {path}")

    before = set(server.submissions())
    response = post(server, f"/?lang={code}", many_errors(), headers=english_browser)
    assert response.status_code == 400
    page = assert_page_in(code, response.text, "report with errors")
    assert_switch(page, code, "report with errors")
    for msgid in ("Please check the marked questions.", "Please choose one.", "Please choose one of the options shown.",
                  "We cannot accept the report without this consent.", "This field contains characters that are not allowed.",
                  "Please write the number in digits, for example 12.", "Please tick at least one kind of violation.",
                  "Please give at least the year and month, for example 2024-05.",
                  "Please give at least the year and month, or tick 'still going on'.",
                  "Please write the date like 2024-05 or 2024-05-17.", "Please describe what happened.",
                  "Please say at least the province or region (or the country, if abroad).",
                  "Please choose who did it ('Unknown' is fine).",
                  "This does not look like a receipt code (21 letters and digits in three groups, like ABCDEFG-1234567-HJKMNPQ)."):
        assert strings[msgid] in page.text, f"{code}: {msgid!r} is not shown translated"
    assert strings["This answer is too long: please shorten it to at most %(max)d characters."] % {"max": 300} in page.text

    response = post(server, f"/?lang={code}", {**valid_answers(), "group_size": "0", "victim_kind": "group"})
    assert response.status_code == 400
    assert strings["Please give a number from %(min)d to %(max)d."] % {"min": 1, "max": 1_000_000} in assert_page_in(code, response.text, "group size").text

    response = post(server, f"/follow-up?lang={code}", {"receipt": "nonsense", "message": ""},
                    files=[("attachments", ("a.txt", b"evidence", "text/plain"))])
    assert response.status_code == 400
    page = assert_page_in(code, response.text, "follow-up with errors")
    for msgid in ("This does not look like a receipt code (21 letters and digits in three groups, like ABCDEFG-1234567-HJKMNPQ).",
                  "Please write what is new.", "We cannot accept the report without this consent.",
                  "For your safety, files you chose were not kept when the form had errors. Please choose them again."):
        assert strings[msgid] in page.text, f"{code}: {msgid!r} is not shown translated"
    assert set(server.submissions()) == before and server.pending() == []


@pytest.mark.parametrize("code", CODES)
def test_a_report_and_a_follow_up_in_each_language_are_stored_with_it(server, code):
    strings = {msgid: string or msgid for msgid, string in messages(code).items()}
    before = set(server.submissions())
    answers = {**valid_answers(code), "incidents-0-narrative": f"{NATIVE_NAMES[code]}: 2024-03 {code}"}
    response = post(server, f"/?lang={code}", answers, files=[("attachments", ("证据.txt", "证据".encode(), "text/plain"))],
                    headers={"Accept-Language": "en-US,en;q=0.5"})
    assert response.status_code == 200, response.text[:300]
    no_language_cookie(response)
    page = assert_page_in(code, response.text, "receipt page")
    assert page.switch == [], "the receipt page has no language links (they would lose the receipt)"
    assert strings["Thank you. Your report was received and encrypted."] in page.text
    receipt = RECEIPT.search(response.text).group(1)
    report = stored_report(server, before)
    assert report["form_language"] == code and report["receipt"] == receipt
    assert report["incidents"][0]["narrative"] == answers["incidents-0-narrative"]

    before = set(server.submissions())
    response = post(server, f"/follow-up?lang={code}", {"receipt": receipt, "message": "更新 update", "consent_store": "y"})
    assert response.status_code == 200
    assert strings["Thank you. Your addition was received and encrypted."] in assert_page_in(code, response.text, "follow-up receipt").text
    follow_up = stored_report(server, before)
    assert follow_up["form_language"] == code and follow_up["follow_up_of"] == receipt


def test_without_a_link_the_browser_language_is_recorded(server):
    before = set(server.submissions())
    response = post(server, "/", valid_answers(), headers={"Accept-Language": "zh-TW,zh;q=0.8"})
    assert response.status_code == 200
    assert stored_report(server, before)["form_language"] == "zh_Hant"


@pytest.mark.parametrize("code", CODES)
def test_error_pages_are_in_the_chosen_language(server, full_disk_server, code):
    strings = {msgid: string or msgid for msgid, string in messages(code).items()}

    def check(response, status, heading, where):
        assert response.status_code == status, where
        page = assert_page_in(code, response.text, where)
        assert_switch(page, code, where)
        assert strings[heading] in page.text, f"{where}: {heading!r} not shown in {code}"

    answers = valid_answers()
    check(post(server, f"/?lang={code}", answers, token=False), 400, "This page expired", "CSRF 400")
    session, token = new_session(server)
    check(session.post(f"{server.url}/?lang={code}", data={**answers, "csrf_token": token}, timeout=30), 400,
          "The request could not be understood", "url-encoded 400")
    check(post(server, f"/?lang={code}", answers, files=[("attachments", ("big.bin", b"\0" * 2_500_000, "application/octet-stream"))]),
          413, "The files are too large", "413 too large")
    check(post(server, f"/?lang={code}", answers, files=[("attachments", (f"{i}.txt", b"x", "text/plain")) for i in range(4)]),
          413, "Too many files", "413 too many files")
    check(requests.get(f"{server.url}/no-such-page?lang={code}", timeout=10), 404, "Page not found", "404")

    # A form's token serves one submission: sent again, the expired page, nothing more stored.
    session, token = new_session(server, f"/?lang={code}")
    before = set(server.submissions())
    def sent():
        return session.post(f"{server.url}/?lang={code}", data={**answers, "csrf_token": token}, files=with_files(()), timeout=30)
    assert sent().status_code == 200
    check(sent(), 400, "This page expired", "replayed token")
    assert len(set(server.submissions()) - before) == 1

    # A file name with a line break is refused, not dropped.
    session, token = new_session(server, f"/?lang={code}")
    body, content_type = requests.models.RequestEncodingMixin._encode_files(
        [("attachments", ("PLACEHOLDER", b"evidence", "image/jpeg"))], {**answers, "csrf_token": token})
    body = body.replace(b'filename="PLACEHOLDER"', b'filename="notice\r\nphoto.jpg"')
    refused = session.post(f"{server.url}/?lang={code}", data=body, headers={"Content-Type": content_type}, timeout=30)
    check(refused, 400, "A file name could not be accepted", "400 bad file name")
    assert strings["Nothing was stored. The name of one of your files contains a line break. Please give the file a name "
                   "without line breaks and choose it again."] in PageText.of(refused.text).text

    # A Content-Length no upload can have: the too-large page, not the disk-full one.
    status, html = raw_http(server, (f"POST /?lang={code} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                                     f"boundary=x\r\nContent-Length: {10**18}\r\nConnection: close\r\n\r\n").encode())
    assert status == 413 and strings["The files are too large"] in assert_page_in(code, html, "413 impossible size").text
    check(requests.put(f"{server.url}/?lang={code}", data=b"x", timeout=10), 405, "The request could not be understood", "405")
    check(post(full_disk_server, f"/?lang={code}", answers, files=[NO_FILE]), 503, "Your report was not saved", "503")
    assert full_disk_server.submissions() == []
