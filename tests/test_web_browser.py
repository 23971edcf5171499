"""The report form in a real browser with JavaScript disabled (Tor Browser "Safest").

A person fills the form by clicking labels, opening the optional <details> sections, typing
and choosing a file; the receipt page appears; the stored submission, decrypted with the
server's identity, holds exactly those answers and the file byte for byte.

Headless Debian chromium and chromedriver from /usr/bin: selenium never downloads a browser.
Missing ones skip these tests, except under CI=true, where they must be installed.
Screenshots for human review go to test-output/ (git-ignored).
"""

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from intake.receipt import PATTERN
from intake import age
from live_server import LiveServer, valid_answers
from tooling import require

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
JS_OFF_PREF = "profile.managed_default_content_settings.javascript"
RECEIPT = re.compile(PATTERN)
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
PAGE_TIMEOUT = 30  # seconds for one page load; a hung browser fails the test instead of blocking
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--window-size=1200,900",
]
IDENTITY_FIELDS = ("reporter_name", "reporter_organisation", "contact_channel", "contact_details")
REQUIRED_FIELDS = (  # the questions marked "(required)": nothing inside a <details>
    "relation", "how_known", "victim_kind", "status", "un_body", "cooperation_kind",
    "incidents-0-violations", "incidents-0-start_date", "incidents-0-province", "incidents-0-narrative",
    "incidents-0-perpetrator", "consent_store", "consent_share_un", "consent_name_public", "consent_sg_report",
)


def _selenium():
    try:
        from selenium import webdriver
    except ImportError:
        webdriver = None
    require(webdriver is not None, "selenium is not installed (pip install -e '.[test]')")
    return webdriver


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("browser-server")) as live:
        yield live


@contextlib.contextmanager
def no_javascript_chromium(profile: Path):
    """A headless chromium with JavaScript disabled by preference (checked), quit on exit."""
    require(os.access(CHROMIUM, os.X_OK), f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    require(os.access(CHROMEDRIVER, os.X_OK), f"chromedriver is not installed at {CHROMEDRIVER} (apt-get install chromium-driver)")
    webdriver = _selenium()
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {JS_OFF_PREF: 2})
    # The preference really goes to chromedriver (not only into our options object).
    assert options.to_capabilities()["goog:chromeOptions"]["prefs"] == {JS_OFF_PREF: 2}

    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_output=os.devnull), options=options)
    try:
        driver.set_page_load_timeout(PAGE_TIMEOUT)
        driver.set_script_timeout(PAGE_TIMEOUT)
        _assert_javascript_is_off(driver)
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(tmp_path):
    """A fresh headless chromium for each test."""
    with no_javascript_chromium(tmp_path / "chromium-profile") as driver:
        yield driver


def _assert_javascript_is_off(driver) -> None:
    """Page scripts do not run: a script that would rename the page leaves it alone.

    (WebDriver's own execute_script still works with the preference set, so it proves nothing.)
    """
    page = "<title>scripts off</title><script>document.title = 'scripts on'</script><noscript><p id=ns>noscript</p></noscript>"
    driver.get("data:text/html," + urllib.parse.quote(page))
    assert driver.title == "scripts off", "page JavaScript ran: the browser is not in no-JavaScript mode"
    assert driver.find_element("id", "ns").is_displayed()


# Acting like a person ------------------------------------------------------------------------


def _by(driver, css):
    return driver.find_element("css selector", css)


def reveal(driver, element) -> None:
    """Open every closed <details> around `element` by clicking its <summary>, outermost first."""
    closed = element.find_elements("xpath", "ancestor::details[not(@open)]")
    for details in closed:
        details.find_element("xpath", "./summary").click()
    if closed:
        assert element.is_displayed(), f"{element.get_dom_attribute('name')} is still hidden after opening its sections"


def fill(driver, name: str, value) -> None:
    """Answer one question the way a person would: click labels, choose options, type."""
    from selenium.webdriver.support.select import Select

    field = driver.find_element("name", name)
    tag, kind = field.tag_name, field.get_dom_attribute("type")
    if tag == "select":
        reveal(driver, field)
        Select(field).select_by_value(value)
    elif kind in ("radio", "checkbox"):
        for wanted in [value] if isinstance(value, str) else value:
            option = driver.find_element("css selector", f'input[name="{name}"][value="{wanted}"]')
            reveal(driver, option)
            option.find_element("xpath", "ancestor::label[1]").click()  # the visible label, not the box
            assert option.is_selected(), f"clicking the label did not select {name}={wanted}"
    else:
        reveal(driver, field)
        field.send_keys(value)
        assert field.get_property("value") == value, f"typing into {name} did not give the expected text"


def required_answers(marker: str) -> dict:
    answers = valid_answers(marker)
    return {name: answers[name] for name in REQUIRED_FIELDS}


def fill_report(driver, answers: dict) -> None:
    for name, value in answers.items():
        fill(driver, name, value)


def attach(driver, path: Path) -> None:
    _by(driver, "input#attachments").send_keys(str(path))


# What chromedriver answers when asked about a node of a document that has been replaced: the
# WebDriver "stale element" error, or, while the old document is being torn down, a raw DevTools
# error about the node id (seen on CI with chromium 156).
GONE_NODE_ERRORS = ("does not belong to the document", "No node with given id")


def page_replaced(old_page):
    """A wait condition: true once `old_page` (the previous <html> element) has left the browser."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def replaced(_driver) -> bool:
        try:
            old_page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if any(sign in (error.msg or "") for sign in GONE_NODE_ERRORS):
                return True
            raise
        return False

    return replaced


def follow(driver, element) -> None:
    """Click a link or button that loads a new page, and wait until the old page is gone
    (a slow upload under load must not let the next lookup find the previous page)."""
    from selenium.webdriver.support.wait import WebDriverWait

    old_page = _by(driver, "html")
    element.click()
    WebDriverWait(driver, PAGE_TIMEOUT).until(page_replaced(old_page))


def submit(driver) -> None:
    """Press the page's main button: on the form, "Continue" (the answers are checked)."""
    follow(driver, _by(driver, "form button[type=submit]"))


def send(driver, *files: Path) -> None:
    """The second step: on the files page, choose the files and send the report."""
    assert _by(driver, "input#attachments") and not driver.find_elements("css selector", "textarea"), \
        "not on the files page: the answers were not accepted"
    for path in files:
        attach(driver, path)
    submit(driver)


def screenshot(driver, name: str) -> Path:
    """The whole page, beyond the window, as a PNG in test-output/ (via the DevTools protocol)."""
    OUTPUT.mkdir(exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "optimizeForSpeed": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path = OUTPUT / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


# Reading what the server stored ---------------------------------------------------------------


def open_submission(server: LiveServer, path: Path) -> zipfile.ZipFile:
    with open(path, "rb") as f:
        plaintext = age.decrypt([server.identity], f).read()
    return zipfile.ZipFile(io.BytesIO(plaintext))


def new_submission(server: LiveServer, before: set) -> zipfile.ZipFile:
    added = [p for p in server.submissions() if p not in before]
    assert len(added) == 1, f"expected one new submission, found {len(added)}"
    assert server.pending() == [], "unfinished ciphertext left in the data dir's tmp/"
    return open_submission(server, added[0])


def receipt_on_page(driver) -> str:
    code = _by(driver, "#receipt code").text.strip()
    assert RECEIPT.fullmatch(code), f"the receipt page shows {code!r}, not a receipt code"
    return code


# Tests ----------------------------------------------------------------------------------------


def test_person_without_javascript_fills_form_attaches_file_and_gets_receipt(browser, server, tmp_path):
    marker = "M" + secrets.token_hex(4)
    answers = valid_answers(marker)
    evidence = tmp_path / "detention-notice.pdf"
    evidence.write_bytes(b"%PDF-1.4\n" + os.urandom(150_000) + b"\n%%EOF\n")
    before = set(server.submissions())

    browser.get(server.url + "/")
    assert "Report a reprisal" in browser.title
    # The optional parts start closed: a person has to open them to see their questions.
    assert not browser.find_element("name", "victim_name").is_displayed()
    fill_report(browser, answers)
    assert not browser.find_elements("css selector", "input[type=file]"), "files come on the second page"
    screenshot(browser, "report-form-filled.png")
    submit(browser)
    assert "Nothing has been stored yet" in _by(browser, "main").text
    screenshot(browser, "report-files-page.png")
    send(browser, evidence)

    code = receipt_on_page(browser)
    assert "Thank you" in _by(browser, "h1").text
    screenshot(browser, "receipt.png")

    archive = new_submission(server, before)
    report = json.loads(archive.read("report.json"))
    assert report["kind"] == "report"
    assert report["receipt"] == code
    assert report["follow_up_of"] is None
    assert report["reporter"] == {
        "anonymous": False,
        "relation": "family",
        "how_known": "told_by_victim",
        "name": f"Reporter Name {marker}",
        "organisation": f"Org {marker}",
        "contact_channel": "signal",
        "contact_details": f"+41 00 000 {marker}",
    }
    victim = report["victim"]
    assert victim["kind"] == "individual"
    assert victim["name"] == f"王某某 Wang Mou {marker}"  # typed Chinese survives the round trip
    assert victim["name_other_spellings"] == f"Wang Moumou {marker}"
    assert victim["age"] == f"45 {marker}"
    assert victim["occupation"] == f"lawyer {marker}"
    assert victim["human_rights_work"] == f"defends petitioners {marker}"
    assert victim["is_defender"] == "yes"
    assert victim["status"] == "detained"
    assert victim["detention_place"] == f"Chengdu detention centre {marker}"
    assert victim["holding_authority"] == f"Public Security Bureau {marker}"
    assert victim["health"] == f"needs medication {marker}"
    assert report["un_cooperation"] == {
        "body": "upr",
        "kind": "submission",
        "by": "",
        "date": f"2024-01 {marker}",
        "link_evidence": f"questioned about the UPR submission {marker}",
        "already_raised": "",
        "government_replied": "", "earlier_sg_report": "", "earlier_sg_report_year": None,  # not answered
    }
    assert len(report["incidents"]) == 1, "empty optional incident slots must not be stored"
    incident = report["incidents"][0]
    assert sorted(incident["violations"]) == ["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"]
    assert incident["start"] == {"date": "2024-03-05", "approximate": False}
    assert incident["end"] == {"date": None, "ongoing": True}
    assert incident["province"] == f"Sichuan {marker}"
    assert incident["place"] == f"Chengdu {marker}"
    assert incident["narrative"] == f"Taken from home at night by state security. {marker}"
    assert incident["perpetrator"] == {"type": "state_security", "details": f"guobao unit {marker}"}
    assert report["remedies"]["domestic"] == f"petitioned the procuratorate {marker}"
    assert report["consent"] == {
        "store": True,
        "share_with_un": "yes",
        "name_public": "anonymised",
        "sg_report": "anonymised",
        "given_by": "family",
        "still_in_china": "",
        "never_disclose": f"the daughter's school {marker}",
    }

    # The file, byte for byte, under attachments/01-<name>, described in report.json.
    data = evidence.read_bytes()
    entry = "attachments/01-detention-notice.pdf"
    assert archive.read(entry) == data
    assert report["attachments"] == [
        {
            "entry": entry,
            "original_name": "detention-notice.pdf",
            "declared_type": "application/pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    ]
    # Only the one chosen file: the empty second file input adds nothing.
    assert [n for n in archive.namelist() if n.startswith("attachments/")] == [entry]


def test_anonymous_reporter_hides_identity_fields_and_nothing_typed_there_is_stored(browser, server):
    before = set(server.submissions())
    browser.get(server.url + "/")
    for name in IDENTITY_FIELDS:
        assert browser.find_element("name", name).is_displayed(), f"{name} should be visible before ticking"
    # The reporter starts to give a name, then changes their mind.
    fill(browser, "reporter_name", "Name Typed Before Ticking")
    fill(browser, "contact_details", "signal +00 000 000")
    anonymous = browser.find_element("id", "anonymous")
    _by(browser, "label[for=anonymous]").click()
    assert anonymous.is_selected()
    for name in IDENTITY_FIELDS:
        assert not browser.find_element("name", name).is_displayed(), f"{name} is still visible after ticking 'Report anonymously'"

    fill_report(browser, required_answers("anon"))
    submit(browser)
    send(browser)
    code = receipt_on_page(browser)

    report = json.loads(new_submission(server, before).read("report.json"))
    assert report["receipt"] == code
    assert report["reporter"] == {
        "anonymous": True,
        "relation": "family",
        "how_known": "told_by_victim",
        "name": "",
        "organisation": "",
        "contact_channel": "",
        "contact_details": "",
    }
    assert "Name Typed Before Ticking" not in json.dumps(report, ensure_ascii=False)


def test_a_missing_answer_is_summarised_at_the_top_and_no_file_is_asked_for_twice(browser, server, tmp_path):
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(os.urandom(80_000))
    before = set(server.submissions())

    browser.get(server.url + "/")
    answers = required_answers("missing")
    del answers["incidents-0-narrative"]  # required: "What happened?"
    fill_report(browser, answers)
    submit(browser)  # the answers alone: no file has been chosen or sent yet

    assert RECEIPT.search(browser.page_source) is None
    summary = _by(browser, ".summary[role=alert]")
    assert "Please check the marked questions." in summary.text and "Nothing has been stored yet." in summary.text
    # First after the heading, and focused without any script (autofocus).
    assert summary.find_element("xpath", "preceding-sibling::*[1]").tag_name == "h1"
    assert browser.switch_to.active_element == summary, "the error summary does not have the focus"
    (link,) = summary.find_elements("css selector", "ul.problems a")
    assert "Please describe what happened." in link.text and link.get_dom_attribute("href") == "#incidents-0-narrative"
    screenshot(browser, "report-form-errors.png")
    link.click()  # a plain link to the question
    field = browser.find_element("name", "incidents-0-narrative")
    assert browser.switch_to.active_element == field, "the summary's link does not lead to its question"
    assert _by(browser, "#incidents-0-narrative-errors").is_displayed()
    # Answers already given are kept in the form.
    assert browser.find_element("name", "incidents-0-province").get_property("value") == "Sichuan missing"
    assert set(server.submissions()) == before and server.pending() == []

    field.send_keys("Taken from home at night.\nNobody was told where.")
    submit(browser)
    send(browser, evidence)  # chosen once, after the answers were accepted
    receipt_on_page(browser)
    archive = new_submission(server, before)
    assert archive.read("attachments/01-photo.jpg") == evidence.read_bytes()
    # Carried through the files page, the line break is still one (HTML reads CR LF as LF).
    narrative = json.loads(archive.read("report.json"))["incidents"][0]["narrative"]
    assert narrative.replace("\r\n", "\n") == "Taken from home at night.\nNobody was told where."


def test_changing_an_answer_on_the_files_page_keeps_every_answer(browser, server):
    before = set(server.submissions())
    browser.get(server.url + "/")
    fill_report(browser, required_answers("change"))
    submit(browser)
    follow(browser, _by(browser, "button.secondary"))  # "Change my answers"
    field = browser.find_element("name", "incidents-0-province")
    assert field.get_property("value") == "Sichuan change" and not browser.find_elements("css selector", ".summary")
    field.clear()
    field.send_keys("Sichuan, Chengdu")
    submit(browser)
    send(browser)
    receipt_on_page(browser)
    report = json.loads(new_submission(server, before).read("report.json"))
    assert report["incidents"][0]["province"] == "Sichuan, Chengdu" and report["incidents"][0]["narrative"]


# Other languages: chosen with the switch, right-to-left for Uyghur -------------------------------

# A small phone's width. Not "mobile": mobile emulation widens the viewport to fit overflowing
# content, which would hide exactly what assert_fits_a_phone looks for.
PHONE = {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": False}
IN_LANGUAGE = {  # (html lang, dir, the narrative a reporter might type)
    "zh_Hans": ("zh-Hans", "ltr", "凌晨被国保从家中带走，至今没有通知家属。"),
    "ug": ("ug", "rtl", "كېچىدە ئۆيىدىن ئېلىپ كېتىلدى، ئائىلىسىگە ھېچنېمە ئېيتىلمىدى."),
}


def _x(element) -> float:
    return element.rect["x"]


def assert_layout_follows_direction(driver, direction: str) -> None:
    """Mirrored for right-to-left: header, option boxes and checklist columns change sides."""
    before = (lambda a, b: a < b) if direction == "ltr" else (lambda a, b: a > b)
    assert before(_x(_by(driver, "header .brand")), _x(_by(driver, "header .leave"))), "header is not laid out in reading order"
    radio = _by(driver, 'input[name="relation"][value="self"]')
    label = radio.find_element("xpath", "following-sibling::span")
    assert before(_x(radio), _x(label)), "the radio button is on the wrong side of its label"
    items = driver.find_elements("css selector", ".checklist li")
    assert before(_x(items[0]), _x(items[-1])), "the checklist columns do not follow the reading direction"


def assert_fits_a_phone(driver, name: str) -> None:
    """At a phone's width nothing sticks out sideways; the whole page is kept as a screenshot."""
    from selenium.webdriver.support.wait import WebDriverWait

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        def laid_out_for_the_phone(d):
            metrics = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
            return metrics if metrics["cssLayoutViewport"]["clientWidth"] <= PHONE["width"] else None

        metrics = WebDriverWait(driver, PAGE_TIMEOUT).until(laid_out_for_the_phone)
        content, viewport = metrics["cssContentSize"]["width"], metrics["cssLayoutViewport"]["clientWidth"]
        assert content <= viewport + 1, f"the page is {content}px wide on a {viewport}px phone screen"
        screenshot(driver, name)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("code", list(IN_LANGUAGE))
def test_person_reads_and_sends_the_form_in_their_language(browser, server, tmp_path, code):
    tag, direction, narrative = IN_LANGUAGE[code]
    evidence = tmp_path / "notice.jpg"
    evidence.write_bytes(os.urandom(40_000))
    before = set(server.submissions())

    browser.get(server.url + "/")
    follow(browser, _by(browser, f'nav.languages a[hreflang="{tag}"]'))  # a plain link: no script, no cookie
    html = _by(browser, "html")
    assert (html.get_dom_attribute("lang"), html.get_dom_attribute("dir")) == (tag, direction)
    assert _by(browser, "nav.languages a[aria-current]").get_dom_attribute("hreflang") == tag
    assert "Report a reprisal" not in browser.title and "Report" not in _by(browser, "h1").text
    assert {c["name"] for c in browser.get_cookies()} <= {"intake"}, "a cookie other than the CSRF session"
    assert_layout_follows_direction(browser, direction)

    # Sent once without "What happened?": the errors come back in the same language.
    answers = required_answers(code)
    del answers["incidents-0-narrative"]
    fill_report(browser, answers)
    submit(browser)
    assert _by(browser, "html").get_dom_attribute("lang") == tag, "the language was lost in the submit round trip"
    error = _by(browser, "#incidents-0-narrative-errors")
    assert error.is_displayed() and error.text and "Please" not in error.text
    screenshot(browser, f"report-form-errors-{code}.png")

    fill(browser, "incidents-0-narrative", narrative)
    screenshot(browser, f"report-form-{code}.png")
    assert_fits_a_phone(browser, f"report-form-{code}-phone.png")
    submit(browser)
    assert _by(browser, "html").get_dom_attribute("dir") == direction
    screenshot(browser, f"report-files-{code}.png")
    send(browser, evidence)

    code_shown = receipt_on_page(browser)
    assert _by(browser, "html").get_dom_attribute("dir") == direction
    assert _by(browser, "#receipt code").value_of_css_property("direction") == "ltr", "the receipt code must read left to right"
    assert "Thank you" not in _by(browser, "h1").text
    screenshot(browser, f"receipt-{code}.png")
    assert_fits_a_phone(browser, f"receipt-{code}-phone.png")

    archive = new_submission(server, before)
    report = json.loads(archive.read("report.json"))
    assert report["form_language"] == code and report["receipt"] == code_shown
    assert report["incidents"][0]["narrative"] == narrative
    assert [a["original_name"] for a in report["attachments"]] == ["notice.jpg"]


# Two people affected besides the victim, named in the reporter's script, and a trial ahead.
PEOPLE_AFFECTED = {
    "zh_Hans": {"related-0-name": "陈波", "related-0-what_happened": "每天被国保跟踪，被约谈两次。",
                "related-1-name": "陈小雨", "related-1-what_happened": "学校不让她入学。",
                "imminent_details": "成都市中级人民法院"},
    "ug": {"related-0-name": "ئابدۇرېھىم", "related-0-what_happened": "ساقچىلار ئۇنى ئىككى قېتىم سوراق قىلدى.",
           "related-1-name": "مېھرىبان", "related-1-what_happened": "مەكتەپكە كىرگۈزمىدى.",
           "imminent_details": "ئۈرۈمچى سوتى"},
}


@pytest.mark.parametrize("code", list(PEOPLE_AFFECTED))
def test_person_fills_the_people_affected_and_what_is_about_to_happen(browser, server, code):
    typed = PEOPLE_AFFECTED[code]
    before = set(server.submissions())
    browser.get(server.url + f"/?lang={code}")
    # Closed until opened: a reporter who has nothing to add scrolls past one line per person.
    assert not browser.find_element("name", "related-0-name").is_displayed()
    fill_report(browser, required_answers(code) | {
        "related-0-relation": "spouse", "related-0-name": typed["related-0-name"], "related-0-lives": "china",
        "related-0-violations": ["SURVEILLANCE", "THREATS"], "related-0-what_happened": typed["related-0-what_happened"],
        "related-0-consent_named": "no",
        "related-1-relation": "child", "related-1-name": typed["related-1-name"], "related-1-minor": "yes",
        "related-1-violations": ["OTHER"], "related-1-what_happened": typed["related-1-what_happened"],
        "related-1-consent_named": "yes",
        "cooperated_by": "related_person",
        "imminent_kind": "trial", "imminent_date": "2027-02", "imminent_date_unsure": "y",
        "imminent_details": typed["imminent_details"],
    })
    screenshot(browser, f"report-form-people-affected-{code}.png")
    submit(browser)
    send(browser)
    receipt_on_page(browser)

    report = json.loads(new_submission(server, before).read("report.json"))
    assert report["related_persons"] == [
        {"relation": "spouse", "name": typed["related-0-name"], "name_other_spellings": "", "minor": "", "lives": "china",
         "violations": ["SURVEILLANCE", "THREATS"], "what_happened": typed["related-0-what_happened"], "consent_named": "no"},
        {"relation": "child", "name": typed["related-1-name"], "name_other_spellings": "", "minor": "yes", "lives": "",
         "violations": ["OTHER"], "what_happened": typed["related-1-what_happened"], "consent_named": "yes"},
    ], "the two unused slots must not be stored"
    assert report["un_cooperation"]["by"] == "related_person"
    assert report["imminent"] == {"kind": "trial", "date": "2027-02", "date_unsure": True,
                                  "details": typed["imminent_details"]}


# The arrest, the place held and the charges, typed as a reporter on a Chinese keyboard would.
DETENTION = {
    "zh_Hans": {"arrest_date": "２０２４年３月５日", "arrest_place": "在家中被带走", "charges_wording": "煽动颠覆国家政权罪",
                "remedies_response": "检察院不予答复。", "earlier_sg_report_year": "２０２３"},
    "ug": {"arrest_date": "2024-03", "arrest_place": "ئۆيىدىن ئېلىپ كېتىلدى", "charges_wording": "بۆلگۈنچىلىك",
           "remedies_response": "جاۋاب بەرمىدى.", "earlier_sg_report_year": "2023"},
}


@pytest.mark.parametrize("code", list(DETENTION))
def test_person_fills_the_arrest_the_charges_and_earlier_un_action(browser, server, code):
    typed = DETENTION[code]
    before = set(server.submissions())
    browser.get(server.url + f"/?lang={code}")
    assert not browser.find_element("name", "arrest_date").is_displayed()  # in a section closed until opened
    fill_report(browser, required_answers(code) | typed | {
        "detention_kind": "rsdl", "charges": ["subversion", "pretext"], "government_replied": "no",
        "earlier_sg_report": "yes"})
    screenshot(browser, f"report-form-detention-{code}.png")
    submit(browser)
    send(browser)
    receipt_on_page(browser)

    report = json.loads(new_submission(server, before).read("report.json"))
    victim, coop = report["victim"], report["un_cooperation"]
    assert victim["arrest_date"] == ("2024-03-05" if code == "zh_Hans" else "2024-03")
    assert (victim["detention_kind"], victim["charges"]) == ("rsdl", ["subversion", "pretext"])
    assert (victim["arrest_place"], victim["charges_wording"]) == (typed["arrest_place"], typed["charges_wording"])
    assert report["remedies"]["response"] == typed["remedies_response"]
    assert (coop["government_replied"], coop["earlier_sg_report"], coop["earlier_sg_report_year"]) == ("no", "yes", "2023")


def test_a_source_reads_a_reply_with_the_receipt_and_answers_it(browser, tmp_path):
    """The whole two-way cycle with JavaScript off: report → collect → import → reply and status
    → replies export → deliver → the source reads both with the code, answers with a follow-up,
    and the answer links to the case."""
    from staff_vault import intake, new_vault, ok

    identity, env = new_vault(tmp_path)
    with LiveServer(tmp_path / "server", identity=identity) as live:
        browser.get(live.url + "/")
        fill_report(browser, required_answers("two-way"))
        submit(browser)
        send(browser)
        code = receipt_on_page(browser)
        follow(browser, _by(browser, "a[href^='/messages']"))  # the receipt page leads to the messages page

        def collect_and_import(name):
            stick = tmp_path / name
            stick.mkdir()
            ok(intake("collect", stick, "--data-dir", live.data_dir, env=env))
            ok(intake("import", stick, env=env))

        collect_and_import("usb1")
        (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
        ok(intake("reply", row["id"], "--text", "When was he taken?\n请告诉我们日期。", env=env))
        ok(intake("status", row["id"], "--public", "needs-info", env=env))
        ok(intake("replies", "export", "--out", tmp_path / "batch", env=env))
        ok(intake("deliver", tmp_path / "batch", "--data-dir", live.data_dir, env=env))

        fill(browser, "receipt", code.lower().replace("-", " "))  # typed loosely: it still works
        submit(browser)
        assert "More information needed" in browser.page_source
        assert _by(browser, ".message-text").text == "When was he taken?\n请告诉我们日期。"
        screenshot(browser, "messages-read.png")
        follow(browser, _by(browser, "form[action^='/follow-up'] button"))
        assert browser.find_element("name", "receipt").get_property("value") == code
        fill(browser, "message", "He was taken on 5 March.")
        fill(browser, "consent_store", "y")
        submit(browser)
        send(browser)
        assert "Thank you. Your addition was received and encrypted." in browser.page_source
        collect_and_import("usb2")
    rows = {r["id"]: r for r in json.loads(ok(intake("list", "--format", "json", env=env)))}
    assert rows[row["id"]]["follow_ups"] and rows[row["id"]]["replies"]["awaiting_answer"] is False
    assert "He was taken on 5 March." in ok(intake("show", rows[row["id"]]["follow_ups"][0], env=env)).decode()
