"""Headers, cookies, logs and start-up refusals: the server's security properties."""

import json
import os
import re
import secrets
import stat
import subprocess
import sys

import pytest
import requests

from intake import age
from intake.web import create_app
from intake.web.config import ConfigError, load_config
from live_server import LiveServer, fresh_token, new_session, raw_http, valid_answers, with_files

EXPECTED_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("security")) as live:
        yield live


@pytest.mark.parametrize("path, status", [("/", 200), ("/follow-up", 200), ("/no-such-page", 404)])
def test_security_headers_on_every_page(server, path, status):
    response = requests.get(server.url + path, timeout=10)
    assert response.status_code == status
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Server"] == "intake"  # no product or version banner


def test_pages_load_nothing_from_elsewhere(server):
    html = requests.get(server.url + "/", timeout=10).text
    assert "<script" not in html
    assert "src=\"http" not in html and "href=\"http" not in html.replace('href="https://www.wikipedia.org/"', "")


def test_session_cookie_flags(server):
    response = requests.get(server.url + "/", timeout=10)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


def test_the_session_cookie_is_a_random_id_set_once(server):
    """It says nothing about the reports sent: no count, no time, and it is never re-issued (a
    new Set-Cookie on a submission would date it in the browser's cookie store)."""
    session = requests.Session()
    first = session.get(server.url + "/", timeout=10)
    cookie = first.cookies["intake"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie), "the cookie holds more than a random id"
    assert requests.get(server.url + "/", timeout=10).cookies["intake"] != cookie  # another browser, another id
    for _ in range(2):
        token = fresh_token(server, session)
        response = session.post(server.url + "/", data={**valid_answers(), "csrf_token": token}, files=with_files(()), timeout=30)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    assert session.cookies["intake"] == cookie


def test_https_mode_uses_secure_host_prefixed_cookie(tmp_path):
    with LiveServer(tmp_path, env={"INTAKE_HTTPS": "1"}) as live:
        cookie = requests.get(live.url + "/", timeout=10).headers["Set-Cookie"]
    assert cookie.startswith("__Host-intake=") and "Secure" in cookie


def test_logs_hold_no_address_user_agent_referrer_or_content(server):
    before = len(server.submissions())
    session, token = new_session(server)
    session.headers.update({"User-Agent": "DistinctiveAgent/9.9", "Referer": "http://referrer.example/page"})
    assert session.post(server.url + "/", data={**valid_answers("LOGMARK"), "csrf_token": token}, files=with_files(()), timeout=30).status_code == 200
    session.post(server.url + "/", data={"csrf_token": "bad"}, files=with_files(()), timeout=30)
    # A malformed request that gunicorn itself rejects (it would log the client address).
    import socket

    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        raw.recv(1000)
    log = server.log()
    assert len(server.submissions()) == before + 1
    assert "submission" not in log  # not even a content-free line: the log collector would time it
    assert "refused a malformed request (InvalidRequestLine)" in log  # gunicorn did log it, without the address
    for secret in ("127.0.0.1", "DistinctiveAgent", "referrer.example", "LOGMARK", "POST", "GET /"):
        assert secret not in log


@pytest.mark.parametrize(
    "request_bytes, kind",
    [
        (b"CANARY\r\n\r\n", "InvalidRequestLine"),
        (b"GET / HTTP/1.1\r\nHost: intake\r\nCANARY(: x\r\n\r\n", "InvalidHeaderName"),
        (b"CANARY@ / HTTP/1.1\r\n\r\n", "InvalidRequestMethod"),
        (b"GET / HTTP/CANARY\r\n\r\n", "InvalidHTTPVersion"),
    ],
)
def test_gunicorn_logs_a_refused_malformed_request_without_its_bytes(server, request_bytes, kind):
    canary = "Zq" + secrets.token_hex(8)
    status, _ = raw_http(server, request_bytes.replace(b"CANARY", canary.encode()))
    assert status == 400
    log = server.log()
    assert f"refused a malformed request ({kind})" in log
    assert canary not in log and canary.lower() not in log.lower()


def test_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigError):
        load_config({})
    with pytest.raises(ConfigError):
        load_config({"INTAKE_SECRET_KEY": "short"})


def _serve(tmp_path, recipients_text: str | None, **env):
    path = tmp_path / "recipients.txt"
    if recipients_text is not None:
        path.write_text(recipients_text)
    env = {"INTAKE_SECRET_KEY": "k" * 64, "INTAKE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "-m", "intake", "serve", "--recipients", str(path), "--port", "1"],
                          capture_output=True, env=env, timeout=60)


def test_refuses_to_start_with_a_secret_key_in_the_recipients(tmp_path):
    identity = age.HybridIdentity.generate()
    secret = identity.to_secret_string()
    result = _serve(tmp_path, f"{identity.recipient()}\n# {secret}\n")
    assert result.returncode == 1
    assert "contains a secret key" in result.stderr.decode() and secret not in result.stderr.decode()
    with pytest.raises(ConfigError):
        create_app({"INTAKE_DATA_DIR": tmp_path / "data", "INTAKE_RECIPIENTS": tmp_path / "recipients.txt", "SECRET_KEY": "k" * 40})


def _age_secret_keys() -> list[str]:
    bech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    plugin = "AGE-PLUGIN-YUBIKEY-1" + "".join(secrets.choice(bech32) for _ in range(50)).upper()
    return [age.X25519Identity.generate().to_secret_string(), age.HybridIdentity.generate().to_secret_string(), plugin]


@pytest.mark.parametrize("secret", _age_secret_keys(), ids=["x25519", "post-quantum", "plugin"])
@pytest.mark.parametrize("shape", ["{}", "  {}\n", "\t{}  ", "lower"])
def test_refuses_an_age_secret_key_as_its_secret_key(tmp_path, secret, shape):
    value = secret.lower() if shape == "lower" else shape.format(secret)
    key_part = secret.rsplit("1", 1)[-1]  # the secret bits (bech32 data has no "1"), in any case
    with pytest.raises(ConfigError) as refused:
        load_config({"INTAKE_SECRET_KEY": value})
    assert "age secret key" in str(refused.value) and key_part.lower() not in str(refused.value).lower()
    # Started either way, the server refuses, and prints no part of the value.
    result = _serve(tmp_path, f"{age.HybridIdentity.generate().recipient()}\n", INTAKE_SECRET_KEY=value)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.startswith("intake: error: INTAKE_SECRET_KEY holds an age secret key")
    assert key_part.lower() not in stderr.lower()
    live = LiveServer(tmp_path / "gunicorn", env={"INTAKE_SECRET_KEY": value})
    with pytest.raises(RuntimeError):
        live.start()
    assert "INTAKE_SECRET_KEY holds an age secret key" in live.log()
    assert key_part.lower() not in live.log().lower()
    assert not (tmp_path / "data").exists() and not live.data_dir.exists()


def test_loose_modes_of_an_existing_data_folder_are_made_0700_at_start(tmp_path):
    data = tmp_path / "data"
    folders = {data: 0o755, data / "submissions": 0o777, data / "tmp": 0o750, data / "tmp" / "web1": 0o711}
    for folder, mode in folders.items():
        folder.mkdir()
        os.chmod(folder, mode)
    with LiveServer(tmp_path, env={"INTAKE_NODE": "web1"}) as live:
        assert {f: stat.S_IMODE(os.stat(f).st_mode) for f in folders} == {f: 0o700 for f in folders}
        session, token = new_session(live)
        assert session.post(live.url + "/", data={**valid_answers(), "csrf_token": token}, files=with_files(()), timeout=30).status_code == 200
    assert live.log().count("was open to other users: its mode is now 0700") == 4


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_data_folder_of_another_user_is_refused_at_start(tmp_path):
    submissions = tmp_path / "data" / "submissions"
    submissions.mkdir(parents=True, mode=0o700)
    os.chown(submissions, 65534, 65534)  # nobody: it could open the folder again at any time
    result = _serve(tmp_path, f"{age.HybridIdentity.generate().recipient()}\n")
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"intake: error: data folder {submissions} belongs to another user")
    live = LiveServer(tmp_path)
    with pytest.raises(RuntimeError):
        live.start()
    assert f"data folder {submissions} belongs to another user" in live.log()
    assert stat.S_IMODE(os.stat(submissions).st_mode) == 0o700 and os.stat(submissions).st_uid == 65534


@pytest.mark.parametrize(
    "text, message",
    [
        (None, "does not exist"),
        ("# nothing yet\n", "no recipients found"),
        ("mixed", "mixes post-quantum and classic recipients"),
        ("age1notarealkey\n", "line 1"),
    ],
)
def test_refuses_to_start_with_an_unusable_recipients_file(tmp_path, text, message):
    if text == "mixed":
        text = f"{age.HybridIdentity.generate().recipient()}\n{age.X25519Identity.generate().recipient()}\n"
    result = _serve(tmp_path, text)
    assert result.returncode == 1
    assert result.stderr.decode().startswith("intake: error: ") and message in result.stderr.decode()
    assert not (tmp_path / "data").exists()


def test_the_serving_process_never_loads_decryption(server):
    """The production entry point forbids the secret side, and serving never needed it."""
    code = (
        "import sys, json\n"
        "import intake.web.wsgi\n"
        "try:\n"
        "    import intake.age.identities\n"
        "    blocked = False\n"
        "except ImportError:\n"
        "    blocked = True\n"
        "print(json.dumps({'blocked': blocked, 'modules': sorted(sys.modules)}))\n"
    )
    env = {**server.env}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60, text=True)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["blocked"]
    loaded = set(result["modules"])
    assert not loaded & {"intake.age.identities", "intake.age.reader", "intake.age.keyfile"}


def test_templates_cannot_see_the_configuration(server):
    app = create_app({"INTAKE_DATA_DIR": server.data_dir, "INTAKE_RECIPIENTS": server.recipients, "SECRET_KEY": "s" * 40})
    assert "config" not in app.jinja_env.globals


def test_the_log_says_what_the_server_runs_with_and_nothing_secret(server):
    """One line at start (gunicorn_conf.when_ready), read back by bench/bench_web.py."""
    (line,) = [line for line in server.log().splitlines() if "effective settings: " in line]
    settings = dict(pair.split("=", 1) for pair in line.split("effective settings: ", 1)[1].split())
    assert settings["worker_class"] == "gthread" and settings["workers"] == server.env["INTAKE_WORKERS"]
    assert settings["threads"] == "16" and settings["MAX_CONTENT_LENGTH"] == "500000000"
    assert settings["INTAKE_RATE"] == "30" and settings["INTAKE_SESSION_LIMIT"] == "10"
    secrets_and_places = (server.env["INTAKE_SECRET_KEY"], str(server.data_dir), str(server.recipients),
                          f":{server.port}", "127.0.0.1")
    for secret in secrets_and_places:
        assert secret not in line


def test_submitting_over_https_behind_a_proxy_needs_no_referer(tmp_path):
    """Browsers send no Referer (our policy); behind a TLS proxy a POST must still work."""
    with LiveServer(tmp_path, env={"INTAKE_HTTPS": "1"}) as live:
        session = requests.Session()
        proxy_headers = {"X-Forwarded-Proto": "https"}  # as nginx on the same host sets it
        page = session.get(live.url + "/", headers=proxy_headers, timeout=10)
        token = page.text.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        response = requests.post(live.url + "/", data={**valid_answers(), "csrf_token": token}, files=with_files(()),
                                 headers={**proxy_headers, "Cookie": cookie}, timeout=30)
        assert response.status_code == 200, response.text[:300]
        assert len(live.submissions()) == 1
