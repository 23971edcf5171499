"""The cached blank form pages (intake/web/pagecache.py): exactly the dynamic render, with a
CSRF token of the request's own session; forms shown again after a POST never cached."""

import io
import json
import re
import threading
import time
import zipfile

import pytest
from flask import render_template
from flask_wtf.csrf import generate_csrf

from intake.receipt import PATTERN
from intake import age
from intake.web import create_app, pagecache
from intake.web.forms import FollowUpForm, ReportForm
from intake.web.pagecache import PageCache
from live_server import CSRF, valid_answers

CODES = ["en", "zh_Hans", "zh_Hant", "ug", "bo"]
ACCEPT_LANGUAGE = {"en": "en-GB", "zh_Hans": "zh-CN", "zh_Hant": "zh-TW", "ug": "ug-CN", "bo": "bo"}
FORMS = {"/": ("report.html", ReportForm), "/follow-up": ("follow_up.html", FollowUpForm)}
TOKEN = "TOKEN"


def no_file() -> list:
    """The empty file input a browser always sends (a new stream per request: they get closed)."""
    return [(io.BytesIO(b""), "", "application/octet-stream")]


@pytest.fixture(scope="module")
def recipients(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "recipients.txt"
    path.write_text(f"{age.HybridIdentity.generate().recipient()}\n")
    return path


@pytest.fixture
def app(tmp_path, recipients):
    return create_app({"INTAKE_DATA_DIR": tmp_path / "data", "INTAKE_RECIPIENTS": recipients, "SECRET_KEY": "p" * 40,
                       "INTAKE_MIN_FREE": 0})


def pages(app) -> PageCache:
    return app.extensions["intake"].pages


def token_of(html: str) -> str:
    (token,) = CSRF.findall(html)
    return token


def without_token(html: str) -> str:
    return html.replace(token_of(html), TOKEN)


def cookie_attributes(response) -> str:
    """The Set-Cookie header without the session id."""
    return re.sub(r"^([^=]+)=[^;]*", r"\1=ID", response.headers["Set-Cookie"])


def other_headers(response) -> dict:
    """The headers but the cookie; the length without the token's (itsdangerous may compress it)."""
    headers = {k: v for k, v in response.headers if k != "Set-Cookie"}
    headers["Content-Length"] = int(headers["Content-Length"]) - len(token_of(response.text))
    return headers


def dynamic_render(app, url: str, **request_options) -> str:
    """The blank form rendered as every GET did before the cache."""
    template, form_class = FORMS[url.split("?")[0]]
    with app.test_request_context(url, **request_options):
        return render_template(template, form=form_class(), uploads_lost=False)


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("code", CODES)
def test_the_cached_page_is_the_dynamic_render(app, path, code):
    url = f"{path}?lang={code}"
    first = app.test_client().get(url)  # renders and keeps the page
    assert len(pages(app)) == 1
    cached = app.test_client().get(url)
    assert first.status_code == cached.status_code == 200
    expected = without_token(dynamic_render(app, url))
    assert without_token(first.text) == without_token(cached.text) == expected
    assert f'lang="{code.replace("_", "-")}"' in cached.text and f"?lang={code}" in cached.text
    # The same response otherwise, headers included (the cookie differs by its id only).
    assert other_headers(first) == other_headers(cached)
    assert cookie_attributes(first) == cookie_attributes(cached)
    assert cached.headers["Cache-Control"] == "no-store" and cached.headers["Vary"] == "Cookie"


def test_every_form_and_language_has_a_page_of_its_own(app):
    urls = [f"{path}?lang={code}" for path in FORMS for code in CODES]
    for url in urls:
        app.test_client().get(url)
    assert len(pages(app)) == len(urls)
    for url in urls:  # each from the cache now
        assert without_token(app.test_client().get(url).text) == without_token(dynamic_render(app, url)), url


@pytest.mark.parametrize("code", CODES)
def test_a_language_chosen_by_the_browser_gets_the_same_page(app, code):
    app.test_client().get(f"/?lang={code}")  # cached under the language, however it was chosen
    headers = {"Accept-Language": f"{ACCEPT_LANGUAGE[code]},en;q=0.5"}
    cached = app.test_client().get("/", headers=headers)
    assert len(pages(app)) == 1
    assert without_token(cached.text) == without_token(dynamic_render(app, "/", headers=headers))


def test_a_page_under_another_script_root_is_its_own(app):
    root = app.test_client().get("/?lang=en")
    mounted = app.test_client().get("/?lang=en", environ_overrides={"SCRIPT_NAME": "/intake"})
    assert len(pages(app)) == 2
    assert 'action="/intake/?lang=en"' in mounted.text and 'action="/intake/?lang=en"' not in root.text
    expected = dynamic_render(app, "/?lang=en", environ_overrides={"SCRIPT_NAME": "/intake"})
    assert without_token(mounted.text) == without_token(expected)


def test_head_gets_the_headers_of_the_page(app):
    get = app.test_client().get("/?lang=ug")
    head = app.test_client().head("/?lang=ug")
    assert head.status_code == 200 and head.data == b""
    assert {k: v for k, v in head.headers if k not in ("Set-Cookie", "Content-Length")} == {
        k: v for k, v in get.headers if k not in ("Set-Cookie", "Content-Length")}
    assert cookie_attributes(head) == cookie_attributes(get)


def test_each_session_gets_its_own_token_and_only_its_own_works(app):
    app.test_client().get("/")  # the page is cached from here on
    alice, bob = app.test_client(), app.test_client()
    alice_token, bob_token = token_of(alice.get("/").text), token_of(bob.get("/").text)
    assert alice_token != bob_token
    assert alice.get_cookie("intake").value != bob.get_cookie("intake").value

    def post(client, token):
        data = {**valid_answers(), "csrf_token": token, "attachments": no_file()}
        return client.post("/", data=data, content_type="multipart/form-data")

    assert post(bob, alice_token).status_code == 400  # another session's token: refused
    assert post(alice, alice_token).status_code == 200  # its own: stored
    assert post(alice, alice_token).status_code == 400  # and good for one submission only
    again = token_of(alice.get("/").text)  # the next page load has a token that works
    assert again != alice_token
    assert post(alice, again).status_code == 200
    assert post(bob, bob_token).status_code == 200
    assert len(list((app.config["INTAKE_DATA_DIR"] / "submissions").glob("*.age"))) == 3


def test_a_form_shown_again_is_rendered_with_the_answers_and_never_cached(app):
    client = app.test_client()
    blank = client.get("/?lang=zh_Hans").text
    answers = {k: v for k, v in valid_answers("RETYPED").items() if k != "status"}  # a required answer missing

    def data():
        return {**answers, "csrf_token": token_of(blank), "attachments": [(io.BytesIO(b"x"), "a.txt", "text/plain")]}

    shown_again = client.post("/?lang=zh_Hans", data=data(), content_type="multipart/form-data")
    assert shown_again.status_code == 400
    assert 'class="summary" role="alert"' in shown_again.text and "RETYPED" in shown_again.text
    assert 'id="status-errors"' in shown_again.text and 'class="notice"' in shown_again.text  # files not kept
    session = {"Cookie": f"intake={client.get_cookie('intake').value}"}
    with app.test_request_context("/?lang=zh_Hans", method="POST", data=data(), headers=session):
        form = ReportForm()
        assert not form.validate() and "csrf_token" not in form.errors  # the same session's token
        expected = render_template("report.html", form=form, uploads_lost=True)
    assert without_token(shown_again.text) == without_token(expected)
    after = app.test_client().get("/?lang=zh_Hans").text
    assert "RETYPED" not in after and 'class="summary"' not in after and 'class="notice"' not in after
    assert without_token(after) == without_token(blank)
    assert len(pages(app)) == 1


def test_concurrent_first_loads_render_the_page_once(app, monkeypatch):
    renders, render = [], pagecache.render_blank_form

    def counting(template, form_class):
        renders.append(template)
        time.sleep(0.05)  # long enough for every thread to arrive while it renders
        return render(template, form_class)

    monkeypatch.setattr(pagecache, "render_blank_form", counting)
    start, results = threading.Barrier(16), []

    def load():
        start.wait()
        response = app.test_client().get("/?lang=bo")
        results.append((response.status_code, response.text))

    threads = [threading.Thread(target=load) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert renders == ["report.html"]
    assert {status for status, _ in results} == {200}
    assert len({without_token(text) for _, text in results}) == 1
    assert len({token_of(text) for _, text in results}) == 16


def test_the_cache_is_bounded(app):
    def render():
        return f'<input value="{generate_csrf()}">'

    cache, nothing = PageCache(capacity=2), PageCache(capacity=0)
    for key in ("a", "b", "c", "c"):
        with app.test_request_context("/"):
            assert cache.page((key,), render) == render()
            assert nothing.page((key,), render) == render()
    assert len(cache) == 2 and cache._get(("a",)) is None and cache._get(("b",)) and cache._get(("c",))
    assert len(nothing) == 0


def cpu_ms_per_get(app, n: int) -> float:
    app.test_client().get("/")
    start = time.process_time()
    for _ in range(n):
        assert app.test_client().get("/").status_code == 200
    return 1000 * (time.process_time() - start) / n


def test_a_cached_page_load_costs_a_fraction_of_a_render(app):
    cached = cpu_ms_per_get(app, 50)
    app.extensions["intake"].pages = PageCache(capacity=0)  # every GET renders, as before the cache
    rendered = cpu_ms_per_get(app, 10)
    assert cached < rendered / 5, f"cached {cached:.2f} ms, rendered {rendered:.2f} ms of CPU per GET"


# The thank-you page: cached per language and form, filled with each submission's own receipt.

RECEIPT = re.compile(rf'id="receipt"><code>({PATTERN})</code>')
RECEIPT_CODE = re.compile(PATTERN)
SUBMISSIONS = {
    "/": lambda: valid_answers(),
    "/follow-up": lambda: {"receipt": "ABCDE-12345-FGHJK-MNPQ0", "message": "He was moved.", "consent_store": "y"},
}


def submit(client, url: str):
    token = token_of(client.get(url).text)
    data = {**SUBMISSIONS[url.split("?")[0]](), "csrf_token": token, "attachments": no_file()}
    return client.post(url, data=data, content_type="multipart/form-data")


def receipt_of(html: str) -> str:
    (receipt,) = RECEIPT.findall(html)
    return receipt


def dynamic_thanks(app, url: str, receipt: str, **request_options) -> str:
    """The thank-you page rendered as every stored submission did before the cache."""
    extra = {"follow_up": True} if url.startswith("/follow-up") else {}
    with app.test_request_context(url, method="POST", **request_options):
        return render_template("thanks.html", receipt=receipt, **extra)


def thanks_pages(app) -> list:
    return [key for key in pages(app)._pages if "thanks.html" in key]


@pytest.mark.parametrize("path", ["/"])  # a follow-up's page shows no code: rendered each time
@pytest.mark.parametrize("code", CODES)
def test_the_cached_thank_you_page_is_the_dynamic_render(app, path, code):
    url = f"{path}?lang={code}"
    first = submit(app.test_client(), url)  # renders and keeps the page
    assert len(thanks_pages(app)) == 1
    cached = submit(app.test_client(), url)
    assert first.status_code == cached.status_code == 200
    for response in (first, cached):
        assert response.text == dynamic_thanks(app, url, receipt_of(response.text))
    assert receipt_of(first.text) != receipt_of(cached.text)
    assert f'lang="{code.replace("_", "-")}"' in cached.text
    assert {k: v for k, v in first.headers} == {k: v for k, v in cached.headers}
    assert cached.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("code", CODES)
def test_a_follow_ups_thank_you_page_shows_no_code_and_is_not_kept(app, code):
    url = f"/follow-up?lang={code}"
    for response in (submit(app.test_client(), url), submit(app.test_client(), url)):
        assert response.status_code == 200 and not RECEIPT_CODE.search(response.text)
        assert response.text == dynamic_thanks(app, url, "")
    assert thanks_pages(app) == []


def test_every_language_has_a_thank_you_page_of_its_own(app):
    urls = [f"/?lang={code}" for code in CODES]
    for url in urls:
        submit(app.test_client(), url)
    assert len(thanks_pages(app)) == len(urls)
    for url in urls:  # each from the cache now
        response = submit(app.test_client(), url)
        assert response.text == dynamic_thanks(app, url, receipt_of(response.text)), url


def test_a_language_chosen_by_the_browser_gets_the_same_thank_you_page(app):
    submit(app.test_client(), "/?lang=zh_Hant")
    headers = {"Accept-Language": "zh-TW,en;q=0.5"}
    client = app.test_client()
    token = token_of(client.get("/", headers=headers).text)
    data = {**valid_answers(), "csrf_token": token, "attachments": no_file()}
    response = client.post("/", data=data, content_type="multipart/form-data", headers=headers)
    assert len(thanks_pages(app)) == 1 and 'lang="zh-Hant"' in response.text
    assert response.text == dynamic_thanks(app, "/", receipt_of(response.text), headers=headers)


def test_a_thank_you_page_under_another_script_root_is_its_own(app):
    mounted = app.test_client()
    token = token_of(mounted.get("/?lang=en", environ_overrides={"SCRIPT_NAME": "/intake"}).text)
    data = {**valid_answers(), "csrf_token": token, "attachments": no_file()}
    response = mounted.post("/?lang=en", data=data, content_type="multipart/form-data",
                            environ_overrides={"SCRIPT_NAME": "/intake"})
    root = submit(app.test_client(), "/?lang=en")
    assert len(thanks_pages(app)) == 2
    assert 'href="/intake/follow-up?lang=en"' in response.text and "/intake/" not in root.text
    assert response.text == dynamic_thanks(app, "/?lang=en", receipt_of(response.text),
                                           environ_overrides={"SCRIPT_NAME": "/intake"})


def test_a_receipt_is_in_its_own_response_only(tmp_path, pq_identity):
    """Each reply holds its own receipt, once; the kept halves hold none; each stored report
    holds the receipt its reporter was shown."""
    (tmp_path / "recipients.txt").write_text(f"{pq_identity.recipient()}\n")
    app = create_app({"INTAKE_DATA_DIR": tmp_path / "data", "INTAKE_RECIPIENTS": tmp_path / "recipients.txt",
                      "SECRET_KEY": "p" * 40, "INTAKE_MIN_FREE": 0})
    responses = [submit(app.test_client(), url) for url in ("/?lang=bo", "/?lang=zh_Hans") * 3]
    receipts = [receipt_of(r.text) for r in responses]
    assert len(set(receipts)) == len(receipts)
    for response, receipt in zip(responses, receipts):
        assert RECEIPT_CODE.findall(response.text) == [receipt]
    for page in pages(app)._pages.values():
        assert not RECEIPT_CODE.search(page.head + page.tail)
    assert len(thanks_pages(app)) == 2
    stored = []
    for path in (app.config["INTAKE_DATA_DIR"] / "submissions").glob("*.age"):
        with open(path, "rb") as f:
            archive = zipfile.ZipFile(io.BytesIO(age.decrypt([pq_identity], f).read()))
        stored.append(json.loads(archive.read("report.json"))["receipt"])
    assert sorted(stored) == sorted(receipts)
    assert not RECEIPT_CODE.search(submit(app.test_client(), "/follow-up?lang=bo").text)


def test_concurrent_first_submissions_render_the_thank_you_page_once(app, monkeypatch):
    renders, render = [], pagecache.render_thanks

    def counting(receipt, follow_up):
        renders.append(receipt)
        time.sleep(0.05)  # long enough for every thread to arrive while it renders
        return render(receipt, follow_up)

    monkeypatch.setattr(pagecache, "render_thanks", counting)
    app.config.update(INTAKE_SESSION_LIMIT=100, INTAKE_RATE=1000, INTAKE_BURST=1000)
    clients = [app.test_client() for _ in range(8)]
    tokens = [token_of(client.get("/?lang=ug").text) for client in clients]
    start, results = threading.Barrier(len(clients)), []

    def post(client, token):
        data = {**valid_answers(), "csrf_token": token, "attachments": no_file()}
        start.wait()
        response = client.post("/?lang=ug", data=data, content_type="multipart/form-data")
        results.append((response.status_code, response.text))

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(renders) == 1
    assert {status for status, _ in results} == {200}
    receipts = {receipt_of(text) for _, text in results}
    assert len(receipts) == len(clients)
    assert len({text.replace(receipt_of(text), "RECEIPT") for _, text in results}) == 1


def test_without_a_cache_every_thank_you_page_is_rendered(app):
    app.extensions["intake"].pages = PageCache(capacity=0)
    first, second = (submit(app.test_client(), "/?lang=en") for _ in range(2))
    assert len(pages(app)) == 0
    assert second.text == dynamic_thanks(app, "/?lang=en", receipt_of(second.text))
    assert receipt_of(first.text) != receipt_of(second.text)
