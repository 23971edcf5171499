"""Accessibility of every reporter page, in every language, in a real browser with JavaScript off.

axe-core (npm, tests/interop/node_modules) checks each page against WCAG 2.1 levels A and AA:
labels, fieldsets and legends, colour contrast, language attributes and the rest of its rules.
Its script is injected through WebDriver (which runs scripts even when the page's own are off);
any violation fails. The results of every page and language, violations and pass counts, go to
test-output/axe-results.json, with a one-line summary on the terminal.

Besides axe: every input has a label, every fieldset a legend and every group of radio buttons
or checkboxes a fieldset; every help text and error of a question is in its aria-describedby;
<html> has the language's lang and dir; the keyboard (Tab) meets the error summary first when it
is shown, then the links and questions in document order, each with a visible focus ring; Enter
on a summary link moves the focus to its question; no colour is set for one language only.

One headless chromium and one live server for the module; each language's pages are walked once,
in the order a reporter meets them (the form, its errors, the files page, the receipt, ...).
"""

import json
import re
import sys
import time
from pathlib import Path

import pytest

from intake.receipt import new_receipt
from live_server import LiveServer, valid_answers
from test_web_browser import OUTPUT, PAGE_TIMEOUT, REQUIRED_FIELDS, no_javascript_chromium, page_replaced
from tooling import INTEROP, require

AXE = INTEROP / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RESULTS = OUTPUT / "axe-results.json"
LANGUAGES = {  # code: (html lang, dir)
    "en": ("en", "ltr"),
    "zh_Hans": ("zh-Hans", "ltr"),
    "zh_Hant": ("zh-Hant", "ltr"),
    "ug": ("ug", "rtl"),
    "bo": ("bo", "ltr"),
}
MISSING = "incidents-0-narrative"  # the one required answer left out to show the error summary
TAB_STOPS = 14  # Tab presses followed: past the header and the links, into the questions


# The browser and the server, once per module ------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Every page of every language comes from one browser session: the flood limits must not
    # turn the later ones into "too many reports" pages.
    limits = {"INTAKE_SESSION_LIMIT": "1000", "INTAKE_RATE": "1000", "INTAKE_BURST": "1000"}
    with LiveServer(tmp_path_factory.mktemp("a11y-server"), env=limits) as live:
        yield live


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """One headless chromium for the module, JavaScript off, as in test_web_browser."""
    require(AXE.is_file(), f"axe-core is not installed at {AXE} (./tests/setup, or npm ci --prefix tests/interop)")
    with no_javascript_chromium(tmp_path_factory.mktemp("a11y-chromium") / "profile") as browser:
        yield browser


@pytest.fixture(scope="module")
def results(request):
    """Every page checked in the module, by page and language: test-output/axe-results.json."""
    found: dict = {}
    yield found
    if not found:
        return
    OUTPUT.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
    runs = [run for pages in found.values() for run in pages.values()]
    checked = [run for run in runs if "error" not in run]
    versions = sorted({run["axe_version"] for run in checked})
    passes = {page: "/".join(str(n) for n in sorted({run["passes"] for run in pages.values() if "error" not in run}))
              for page, pages in found.items()}
    line = (
        f"axe-core {'/'.join(versions)} ({' '.join(WCAG_21_AA)}): {len(checked)} of {len(runs)} pages checked "
        f"({len(found)} pages x {len({lang for pages in found.values() for lang in pages})} languages), "
        f"{sum(len(run['violations']) for run in checked)} violations, "
        f"passes per page {', '.join(f'{page} {n}' for page, n in passes.items())}; "
        f"{sum(run['incomplete'] for run in checked)} nodes for review -> {RESULTS.relative_to(OUTPUT.parent)}"
    )
    # Past the output capture, after the progress dots: on the terminal at the end of the run,
    # or from an xdist worker (whose terminal output goes nowhere) on its stderr, the run's.
    if hasattr(request.config, "workerinput"):
        with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
            print(f"\n{line}", file=sys.stderr)
    else:
        request.config.pluginmanager.register(_SummaryLine(line))


class _SummaryLine:
    def __init__(self, line: str):
        self.line = line

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(self.line)


# Driving the pages without page scripts -----------------------------------------------------


def answer(driver, answers: dict) -> None:
    """Set the answers straight in the DOM (fast; test_web_browser fills them as a person does)."""
    driver.execute_script(
        """
        for (const [name, value] of Object.entries(arguments[0])) {
          const wanted = Array.isArray(value) ? value : [value];
          for (const field of document.getElementsByName(name)) {
            if (field.type === 'radio' || field.type === 'checkbox') field.checked = wanted.includes(field.value);
            else field.value = wanted[0];
          }
        }
        """,
        answers,
    )


def press(driver, css: str) -> None:
    """Click a button that loads a new page; wait (polling often) until the old page is gone."""
    from selenium.webdriver.support.wait import WebDriverWait

    old_page = driver.find_element("tag name", "html")
    driver.find_element("css selector", css).click()
    WebDriverWait(driver, PAGE_TIMEOUT, poll_frequency=0.02).until(page_replaced(old_page))


def required_answers() -> dict:
    answers = valid_answers("a11y")
    return {name: answers[name] for name in REQUIRED_FIELDS}


def open_report(driver, server, lang):
    driver.get(f"{server.url}/?lang={lang}")


def report_with_errors(driver, server, lang):
    open_report(driver, server, lang)
    answer(driver, {k: v for k, v in required_answers().items() if k != MISSING})
    press(driver, "form button[type=submit]")


def open_follow_up(driver, server, lang):
    driver.get(f"{server.url}/follow-up?lang={lang}")


def follow_up_with_errors(driver, server, lang):
    open_follow_up(driver, server, lang)
    answer(driver, {"receipt": new_receipt(), "consent_store": "y"})  # "What is new?" left empty
    press(driver, "form button[type=submit]")


SEND = "form button[type=submit]:not(.secondary)"  # on the files page, not "Change my answers"
# The pages in the order a reporter meets them; each step goes on from the page before.
# name: (how to get there from the previous page, a CSS selector only that page has)
WALK = {
    "report": (open_report, "form input[name=step][value=answers]"),
    "report-errors": (lambda d, s, lang: (answer(d, {k: v for k, v in required_answers().items() if k != MISSING}),
                                          press(d, "form button[type=submit]")),
                      f".summary a[href='#{MISSING}']"),
    "report-files": (lambda d, s, lang: (answer(d, {MISSING: required_answers()[MISSING]}), press(d, "form button[type=submit]")),
                     "form input#attachments"),
    "receipt": (lambda d, s, lang: press(d, SEND), "#receipt code"),
    "follow-up": (open_follow_up, "form input[name=receipt]"),
    "follow-up-errors": (lambda d, s, lang: (answer(d, {"receipt": new_receipt(), "consent_store": "y"}),
                                             press(d, "form button[type=submit]")),
                         ".summary a[href='#message']"),
    "follow-up-files": (lambda d, s, lang: (answer(d, {"message": "a11y"}), press(d, "form button[type=submit]")),
                        "form input#attachments"),
    "follow-up-thanks": (lambda d, s, lang: press(d, SEND), "main h1"),
    "safety": (lambda d, s, lang: d.get(f"{s.url}/safety?lang={lang}"), "main ul.steps"),
    "not-found": (lambda d, s, lang: d.get(f"{s.url}/no-such-page?lang={lang}"), "main h1"),
}
FORMS = {  # the forms, blank and with the error summary, each reached afresh
    "report": open_report,
    "report-errors": report_with_errors,
    "follow-up": open_follow_up,
    "follow-up-errors": follow_up_with_errors,
}


def open_every_section(driver) -> int:
    """Open the closed <details>, so that axe also sees the questions folded inside."""
    return driver.execute_script(
        "const closed = document.querySelectorAll('details:not([open])');"
        "closed.forEach(d => d.open = true); return closed.length;"
    )


# With page scripts off, chromium runs no timer callbacks, even for WebDriver's scripts: axe-core
# waits on setTimeout(…, 0) between rules and would never finish. Short timers become microtasks;
# long ones are only axe's give-up timeouts (frames, preloading, caches) and never fire.
TIMERS_WITHOUT_PAGE_SCRIPTS = """
window.setTimeout = (callback, ms, ...args) => {
  if (!(ms > 10)) Promise.resolve().then(() => callback(...args));
  return 0;
};
window.clearTimeout = () => {};
"""


def run_axe(driver) -> dict:
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(TIMERS_WITHOUT_PAGE_SCRIPTS + AXE.read_text())
    return driver.execute_script(  # WebDriver waits for the promise
        """
        return axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
          .then(r => ({
            version: r.testEngine.version,
            violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
              nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary}))})),
            passes: r.passes.map(p => p.id),
            contrast: [...r.passes, ...r.violations, ...r.incomplete].filter(x => x.id === 'color-contrast')
              .reduce((n, x) => n + x.nodes.length, 0),
            incomplete: r.incomplete.map(i => ({id: i.id, nodes: i.nodes.map(n => ({target: n.target,
              html: n.html.slice(0, 200), why: [...n.any, ...n.all, ...n.none].map(c => c.message).join(' ')}))})),
          }))
          .catch(e => ({error: String(e)}));
        """,
        WCAG_21_AA,
    )


# Checks of our own --------------------------------------------------------------------------


def unlabelled_inputs(driver) -> list[str]:
    return driver.execute_script(
        """
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter(e => ![...e.labels].some(l => l.textContent.trim())
                       && !(e.getAttribute('aria-label') || '').trim() && !e.getAttribute('aria-labelledby'))
          .map(e => e.outerHTML.slice(0, 120));
        """
    )


def fieldsets_without_legend(driver) -> list[str]:
    return driver.execute_script(
        """
        return [...document.querySelectorAll('fieldset')]
          .filter(f => !(f.firstElementChild && f.firstElementChild.tagName === 'LEGEND'
                         && f.firstElementChild.textContent.trim()))
          .map(f => f.outerHTML.slice(0, 120));
        """
    )


def ungrouped_choices(driver) -> list[str]:
    """Radio buttons, and checkboxes of a list of several, outside a fieldset with a legend."""
    return driver.execute_script(
        """
        return [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
          .filter(e => e.type === 'radio' || document.getElementsByName(e.name).length > 1)
          .filter(e => { const f = e.closest('fieldset'); return !(f && f.querySelector(':scope > legend')); })
          .map(e => e.name + '=' + e.value);
        """
    )


def undescribed_help_and_errors(driver) -> list[str]:
    """The help texts and errors of questions (their ids) that no aria-describedby names."""
    return driver.execute_script(
        """
        const named = new Set([...document.querySelectorAll('[aria-describedby]')]
          .flatMap(e => e.getAttribute('aria-describedby').split(' ')));
        return [...document.querySelectorAll('.field .help[id], .field .errors[id]')]
          .map(e => e.id).filter(id => !named.has(id));
        """
    )


# Tests --------------------------------------------------------------------------------------


def check_page(driver) -> dict:
    """Everything checked on the page shown, with every section opened: our checks, then axe."""
    html = driver.find_element("tag name", "html")
    found = {
        "url": driver.current_url.split("/", 3)[-1],
        "lang_dir": [html.get_dom_attribute("lang"), html.get_dom_attribute("dir")],
        "sections_opened": open_every_section(driver),
        "unlabelled_inputs": unlabelled_inputs(driver),
        "fieldsets_without_legend": fieldsets_without_legend(driver),
        "ungrouped_choices": ungrouped_choices(driver),
        "undescribed_help_and_errors": undescribed_help_and_errors(driver),
    }
    started = time.monotonic()
    axe = run_axe(driver)
    assert "error" not in axe, f"axe-core failed: {axe.get('error')}"
    return found | {
        "axe_version": axe["version"],
        "violations": axe["violations"],
        "passes": len(axe["passes"]),
        "passed_rules": axe["passes"],
        "contrast_checked": axe["contrast"],  # elements whose text contrast axe measured
        "incomplete": sum(len(i["nodes"]) for i in axe["incomplete"]),
        "incomplete_rules": axe["incomplete"],
        "axe_seconds": round(time.monotonic() - started, 2),
    }


@pytest.fixture(scope="module", params=list(LANGUAGES))
def walk(request, server, driver, results):
    """One language: every page in turn, as a reporter goes through them, each checked once."""
    lang = request.param
    pages: dict = {}
    for page, (reach, sign) in WALK.items():
        started = time.monotonic()
        try:
            reach(driver, server, lang)
            assert driver.find_elements("css selector", sign), f"the page shown is {driver.title!r}"
            loaded = time.monotonic()
            pages[page] = check_page(driver) | {"load_seconds": round(loaded - started, 2),
                                                      "check_seconds": round(time.monotonic() - loaded, 2)}
        except Exception as error:  # the pages after it cannot be reached either: their tests say so
            pages[page] = {"error": f"{type(error).__name__}: {error}"}
            break
    for page, found in pages.items():
        results.setdefault(page, {})[lang] = found
    return lang, pages


@pytest.mark.parametrize("page", list(WALK))
def test_page_has_no_wcag_21_aa_violation_and_labels_legends_and_language(walk, page):
    lang, pages = walk
    assert page in pages, f"{page} was not reached in {lang}: an earlier page failed"
    found = pages[page]
    assert "error" not in found, f"{page} in {lang} could not be checked: {found['error']}"
    assert found["lang_dir"] == list(LANGUAGES[lang]), "<html> lang and dir are not the language's"
    assert found["unlabelled_inputs"] == [], "inputs without a label"
    assert found["fieldsets_without_legend"] == [], "fieldsets without a legend"
    assert found["ungrouped_choices"] == [], "choices outside a fieldset with a legend"
    assert found["undescribed_help_and_errors"] == [], "help texts or errors of a question not in its aria-describedby"
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in found["violations"]]
    assert problems == [], f"{page} in {lang}:\n" + "\n".join(problems)
    assert found["passes"] > 0
    if lang != "ug":  # see test_no_language_or_direction_rule_of_the_stylesheet_sets_a_colour
        assert found["contrast_checked"] > 0, "axe measured the contrast of no text"


def focusable_in_order(driver) -> list:
    """The elements Tab should stop at, in document order: links, buttons, inputs and summaries
    that are shown and not taken out of the order; a group of radio buttons is one stop (its
    chosen button, else its first)."""
    return driver.execute_script(
        """
        const seen = new Set();
        return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
          .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length
                       && getComputedStyle(e).visibility === 'visible')
          .filter(e => {
            if (e.type !== 'radio') return true;
            if (seen.has(e.name)) return false;
            seen.add(e.name); return true;
          })
          .map(e => e.type === 'radio' ? [...document.getElementsByName(e.name)].find(r => r.checked) || e : e);
        """
    )


def describe(element) -> str:
    return element.get_attribute("outerHTML")[:100]


def tab_through(driver, count: int) -> list:
    """Press Tab `count` times (as a keyboard does, wherever the focus is): the elements focused,
    each of which must show a focus ring."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    stops = []
    for _ in range(count):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused, ring = driver.execute_script(
            "const e = document.activeElement, s = getComputedStyle(e);"
            "return [e, s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 || s.boxShadow !== 'none'];"
        )
        assert ring, f"no visible focus ring on {describe(focused)}"
        stops.append(focused)
    return stops


@pytest.mark.parametrize("lang", ["en", "ug"])  # the order is the document's in either direction
@pytest.mark.parametrize("page", list(FORMS))
def test_keyboard_reaches_the_summary_then_the_questions_in_document_order(server, driver, page, lang):
    FORMS[page](driver, server, lang)
    summary = driver.find_elements("css selector", ".summary")
    expected = focusable_in_order(driver)
    if summary:
        # Focused on arrival (autofocus, no script): the first thing a keyboard or screen reader meets.
        assert driver.switch_to.active_element == summary[0], "the error summary does not have the focus"
        links = summary[0].find_elements("css selector", "a")
        assert links, "the error summary lists no problem"
        # Tab goes on from the summary: its links first, then what follows it on the page.
        expected = expected[expected.index(links[0]):]
    else:
        assert driver.switch_to.active_element == driver.find_element("tag name", "body")
    expected = expected[:TAB_STOPS]
    stops = tab_through(driver, len(expected))
    assert [describe(e) for e in stops] == [describe(e) for e in expected]
    assert stops == expected
    assert any(e.tag_name in ("input", "select", "textarea") for e in stops), f"{len(stops)} Tab presses reached no question"


# One required answer left out, of each kind of question: (form, name, language).
LEFT_OUT = [
    ("report", "incidents-0-narrative", "ug"),  # a text box
    ("report", "relation", "en"),  # radio buttons
    ("report", "incidents-0-violations", "zh_Hans"),  # a list of checkboxes in report.html
    ("report", "incidents-0-perpetrator", "bo"),  # a drop-down
    ("report", "consent_store", "zh_Hant"),  # one checkbox
    ("follow-up", "message", "ug"),
]


@pytest.mark.parametrize(("form", "name", "lang"), LEFT_OUT)
def test_enter_on_a_summary_link_moves_the_focus_to_its_question_which_says_what_is_wrong(server, driver, form, name, lang):
    from selenium.webdriver.common.keys import Keys

    if form == "report":
        open_report(driver, server, lang)
        answer(driver, {k: v for k, v in required_answers().items() if k != name})
    else:
        open_follow_up(driver, server, lang)
        answer(driver, {"receipt": new_receipt(), "consent_store": "y"})
    press(driver, "form button[type=submit]")
    links = driver.find_elements("css selector", ".summary a")
    assert len(links) == 1, f"the summary lists {[a.get_dom_attribute('href') for a in links]}, not {name} alone"
    (link,) = links
    target = link.get_dom_attribute("href").removeprefix("#")
    tab_through(driver, 1)
    assert driver.switch_to.active_element == link, "Tab from the summary does not reach its link"
    link.send_keys(Keys.ENTER)
    focused = driver.switch_to.active_element
    assert focused.get_dom_attribute("id") == target, f"Enter on the link focused {describe(focused)}"
    assert focused.get_dom_attribute("name") == name
    # A screen reader says what is wrong on arrival: the error is part of the question's
    # description, on the input itself or, for radio buttons and checkbox lists, on their group.
    group = focused.find_elements("xpath", "ancestor::fieldset[1]") if focused.get_dom_attribute("type") in ("radio", "checkbox") else []
    described = group[0] if group and driver.find_elements("name", name)[1:] else focused
    error = driver.find_element("id", f"{name}-errors")
    assert error.get_dom_attribute("id") in (described.get_dom_attribute("aria-describedby") or "").split(), \
        f"the error of {name} is not in the aria-describedby of {describe(described)}"
    if described == focused and focused.get_dom_attribute("type") != "radio":
        assert focused.get_dom_attribute("aria-invalid") == "true"


# axe measures no Uyghur text for contrast: it takes Arabic-script words, whose letters join and
# change width, for icon-font ligatures and leaves them out (axe-core's isIconLigature). The
# colours are the same in every language, so the other four languages' pages measure them; that
# stays true only while no language- or direction-specific rule of the stylesheet sets a colour.
STYLESHEET = Path(__file__).resolve().parent.parent / "intake" / "web" / "static" / "intake.css"
COLOUR = re.compile(r"(?:^|[;{\s])(color|background[-a-z]*|border[-a-z]*-color|opacity|filter|text-shadow)\s*:")


def test_no_language_or_direction_rule_of_the_stylesheet_sets_a_colour():
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    assert len(rules) > 20, "the stylesheet was not parsed"
    by_language = [(selector.strip(), body) for selector, body in rules if re.search(r"\[(lang|dir)\b|:dir\(|:lang\(", selector)]
    assert by_language, "no language rules found: is the pattern still right?"
    colouring = [(selector, COLOUR.findall(body)) for selector, body in by_language if COLOUR.search(body)]
    assert colouring == [], "colours set for one language only: axe cannot measure them in Uyghur"
