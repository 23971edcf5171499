"""The messages page through real HTTP against gunicorn: a source reads replies with the code."""

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from intake import age
from intake.receipt import new_receipt
from intake.replies import batch as batch_module
from intake.replies import content
from intake.replies import store as replies_store
from intake.replies.mailbox import derive
from intake.store import Store
from live_server import LiveServer, new_session, valid_answers, with_files

CANARY = "CANARY-9d2f-reply 孙律师 <script>alert(1)</script>"


def _deliver(data_dir, code: str, status: str, text: str) -> None:
    mailbox = derive(code)
    data = content.encode(content.MailboxContent(status, (content.Message("2026-12-07", text),)))
    with tempfile.TemporaryDirectory() as folder:
        entry = batch_module.Entry(mailbox.id, age.encrypt_bytes([mailbox.recipient], data))
        batch_module.write_batch_dir(Path(folder), batch_module.new_batch_id(), [entry])
        replies_store.deliver_dir(Store(data_dir), Path(folder))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("messages-server"), env={"INTAKE_LOOKUP_BURST": "200", "INTAKE_LOOKUP_RATE": "600"}) as live:
        yield live


def _lookup(server, code: str, action: str = "read", lang: str = "en"):
    session, token = new_session(server, f"/messages?lang={lang}")
    return session, session.post(f"{server.url}/messages?lang={lang}", files=[("csrf_token", (None, token)), ("receipt", (None, code)),
                                                                          ("action", (None, action))], timeout=30)


def test_a_source_reads_the_status_and_the_reply_with_the_code(server):
    code = new_receipt()
    _deliver(server.data_dir, code, "needs-info", CANARY)
    session, page = _lookup(server, code.lower().replace("-", " "))
    assert page.status_code == 200
    assert "More information needed" in page.text
    assert "CANARY-9d2f-reply 孙律师 &lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>" not in page.text
    # "Answer" opens the follow-up form with the code filled in (a POST: the code is never in a URL).
    hidden = dict(__import__("re").findall(r'name="(csrf_token|receipt)" value="([^"]+)"', page.text))
    answer = session.post(f"{server.url}/follow-up", files=[("csrf_token", (None, hidden["csrf_token"])), ("step", (None, "edit")),
                                                          ("receipt", (None, hidden["receipt"]))], timeout=30)
    assert answer.status_code == 200 and f'value="{code}"' in answer.text
    for path in server.data_dir.rglob("*"):
        if path.is_file():
            assert b"CANARY-9d2f" not in path.read_bytes()
    assert code not in server.log() and derive(code).id not in server.log() and "CANARY" not in server.log()


def test_a_code_typed_with_an_input_method_reads_the_messages(server):
    from test_replies import as_typed_on_a_phone
    code = new_receipt()
    _deliver(server.data_dir, code, "under-review", "Thank you for writing.")
    _, page = _lookup(server, as_typed_on_a_phone(code))
    assert page.status_code == 200 and "Thank you for writing." in page.text


@pytest.mark.parametrize("lang", ["en", "zh_Hans", "zh_Hant", "ug", "bo"])
def test_the_follow_up_page_links_to_the_messages(server, lang):
    import re
    page = requests.get(f"{server.url}/follow-up?lang={lang}", timeout=30)
    assert page.status_code == 200
    (link,) = re.findall(r'<a href="(/messages[^"]*)">([^<]+)</a>', page.text)
    assert link[1].strip()
    messages = requests.get(server.url + link[0], timeout=30)
    assert messages.status_code == 200 and 'name="receipt"' in messages.text


def test_a_wrong_code_and_a_code_without_messages_give_the_same_page(server):
    _, wrong = _lookup(server, new_receipt())
    _, none = _lookup(server, new_receipt())
    assert wrong.status_code == none.status_code == 200
    assert wrong.text == none.text and "There are no messages for this code." in wrong.text


def test_the_source_deletes_the_messages(server):
    code = new_receipt()
    _deliver(server.data_dir, code, "received", "Thank you.")
    _, deleted = _lookup(server, code, action="delete")
    assert "Your messages were deleted" in deleted.text
    assert not replies_store.mailbox_path(Store(server.data_dir), derive(code).id).exists()
    _, after = _lookup(server, code)
    assert "There are no messages for this code." in after.text


@pytest.mark.parametrize("lang", ["en", "zh_Hans", "zh_Hant", "ug", "bo"])
def test_the_page_and_its_errors_are_in_the_sources_language(server, lang):
    page = requests.get(f"{server.url}/messages?lang={lang}", timeout=10)
    assert page.status_code == 200 and 'name="receipt"' in page.text
    code = new_receipt()
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    _, refused = _lookup(server, typo, lang=lang)
    assert refused.status_code == 400 and 'class="summary"' in refused.text and f'lang="{page_tag(lang)}"' in refused.text


def page_tag(lang: str) -> str:
    return lang.replace("_", "-")


def test_a_file_or_a_large_body_is_refused(server):
    session, token = new_session(server, "/messages")
    with_file = session.post(f"{server.url}/messages", files=[("csrf_token", (None, token)), ("receipt", (None, new_receipt())),
                                                            ("attachments", ("x.txt", b"secret", "text/plain"))], timeout=10)
    assert with_file.status_code == 400
    big = session.post(f"{server.url}/messages", files=[("csrf_token", (None, token)), ("receipt", (None, "x" * 20_000))], timeout=10)
    assert big.status_code == 413
    assert not list((server.data_dir / "tmp").rglob("*.part"))


def test_a_thousand_wrong_code_lookups_derive_no_more_than_the_bucket_allows_and_every_report_is_stored(tmp_path):
    """Lookups have their own bucket: a flood of them is refused cheaply (429) after the burst,
    and reports sent meanwhile are all stored. What the flood costs reports in time is measured
    by `bench/bench_replies.py --flood`, beside a flood of page loads."""
    burst, rate = 5, 30
    with LiveServer(tmp_path / "flood", env={"INTAKE_LOOKUP_BURST": str(burst), "INTAKE_LOOKUP_RATE": str(rate),
                                             "INTAKE_WORKERS": "2"}) as live:
        statuses = []
        token_session = [new_session(live, "/messages") for _ in range(8)]

        def flood(n):
            session, token = token_session[n]
            for _ in range(125):
                answer = session.post(f"{live.url}/messages", files=[("csrf_token", (None, token)), ("receipt", (None, new_receipt()))],
                                      timeout=30)
                statuses.append(answer.status_code)
        started = time.monotonic()
        threads = [threading.Thread(target=flood, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        stored = []
        for n in range(5):
            session, token = new_session(live)
            answer = session.post(live.url + "/", files=[*((k, (None, v)) for k, vs in valid_answers(f"flood{n}").items()
                                                          for v in (vs if isinstance(vs, list) else [vs])),
                                                        ("csrf_token", (None, token)), *with_files([])], timeout=60)
            stored.append(answer.status_code)
            assert 'href="/messages' in answer.text  # the receipt page leads to the messages page
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        assert stored == [200] * 5 and len(live.submissions()) == 5
        assert len(statuses) == 1000 and set(statuses) <= {200, 429}
        derived = statuses.count(200)
        assert derived <= burst + rate * elapsed / 60 + 1, (derived, elapsed)
        assert "429" not in live.log() and not any(c in live.log() for c in ("receipt", "mailbox"))


def test_the_production_process_reads_messages_but_still_cannot_load_an_identity(server):
    code = new_receipt()
    _deliver(server.data_dir, code, "closed", "Closed.")
    script = (
        "import sys, json\n"
        "import intake.web.wsgi\n"
        "from intake.replies.reading import read_mailbox\n"
        "from intake.store import Store\n"
        f"found = read_mailbox(Store({str(server.data_dir)!r}), {code!r})\n"
        "try:\n"
        "    import intake.age.identities\n"
        "    blocked = False\n"
        "except ImportError:\n"
        "    blocked = True\n"
        "print(json.dumps({'status': found.status, 'blocked': blocked, 'modules': sorted(sys.modules)}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, env=server.env, timeout=60, text=True)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["status"] == "closed" and result["blocked"]
    assert not set(result["modules"]) & {"intake.age.identities", "intake.age.keyfile", "intake.desk"}
