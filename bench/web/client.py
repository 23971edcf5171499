"""What the benchmark sends: a lean keep-alive HTTP/1.1 client, and the multipart body a browser
would build from the form page (every control, or only the answered fields)."""

import io
import re
import socket
from html.parser import HTMLParser

from tests.live_server import CSRF, valid_answers

RECEIPT = re.compile(rb'id="receipt"><code>([0-9A-Z-]+)</code>')
CSRF_BYTES = re.compile(CSRF.pattern.encode())
SOCKET_TIMEOUT = 60


class RawConnection:
    """Keep-alive HTTP/1.1 over a plain socket: send prebuilt request bytes, read one response.

    It handles exactly what gunicorn answers here (a Content-Length body). Anything else is an
    error, so the benchmark never miscounts a response.
    """

    def __init__(self, port: int):
        self.port = port
        self.sock = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""

    def roundtrip(self, request: bytes) -> tuple[int, dict, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=SOCKET_TIMEOUT)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        data = self.buffer
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the response headers")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" not in headers:
            raise ValueError("response without Content-Length")
        length = int(headers[b"content-length"])
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed in the response body")
            body += chunk
        self.buffer = body[length:]
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, headers, body[:length]


FILE = object()  # marks a file input in a field list


class _FormControls(HTMLParser):
    """The controls of the report form, in document order, as a browser sees them."""

    def __init__(self):
        super().__init__()
        self.controls = []  # dicts: tag, type, name, value, checked, options [(value, selected)]
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("name"):
            control = {"tag": tag, "type": (a.get("type") or "text").lower(), "name": a["name"],
                       "value": a.get("value") or "", "checked": "checked" in a, "options": []}
            self.controls.append(control)
            self._select = control if tag == "select" else None
        elif tag == "option" and self._select is not None:
            self._select["options"].append((a.get("value") or "", "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def browser_fields(page: str, answers: dict) -> list[tuple[str, object]]:
    """What a browser submits after the user typed `answers` into the form page `page`.

    Every text field, text area and select is sent (empty or at its default when not
    answered; the fresh form's text areas are empty); checkboxes and radio buttons only when
    ticked; every file input as a part of its own (FILE). Raises if an answer has no control:
    the form and the answers disagree.
    """
    parser = _FormControls()
    parser.feed(page)
    fields, used = [], set()
    for c in parser.controls:
        name, kind = c["name"], c["type"]
        answer = answers.get(name)
        if kind == "file":
            fields.append((name, FILE))
        elif kind in ("checkbox", "radio"):
            chosen = answer if isinstance(answer, list) else [answer] if answer is not None else []
            if c["value"] in chosen or (answer is None and c["checked"]):
                fields.append((name, c["value"]))
                used.add(name)
        elif c["tag"] == "select":
            default = next((v for v, sel in c["options"] if sel), c["options"][0][0] if c["options"] else "")
            fields.append((name, answer if answer is not None else default))
            used.add(name)
        elif kind not in ("submit", "button", "reset", "image"):
            fields.append((name, answer if answer is not None else c["value"]))
            used.add(name)
    missing = set(answers) - used
    if missing:
        raise RuntimeError(f"the form page has no control for {sorted(missing)}")
    return fields


def minimal_fields(csrf_token: str, answers: dict) -> list[tuple[str, object]]:
    """Only the answered fields and one file part, as tests send them (--minimal-form)."""
    fields = [("csrf_token", csrf_token)]
    for name, value in answers.items():
        fields += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return fields + [("attachments", FILE)]


def multipart_parts(fields, boundary: str, upload_name: str = "", upload_type: str = "application/octet-stream"):
    """(prefix, suffix) of a multipart/form-data body. The first file part gets `upload_name`
    and its content goes between prefix and suffix; other file parts are empty, as a browser
    sends a file input with no file chosen."""
    out, prefix, first = io.BytesIO(), None, True
    for name, value in fields:
        if value is FILE:
            filename, ctype = (upload_name, upload_type) if first else ("", "application/octet-stream")
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {ctype}\r\n\r\n".encode())
            if first:
                prefix, out, first = out.getvalue(), io.BytesIO(), False
            out.write(b"\r\n")
        else:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(str(value).encode() + b"\r\n")
    if prefix is None:
        raise RuntimeError("the form has no file input")
    return prefix, out.getvalue() + f"--{boundary}--\r\n".encode()  # the suffix starts with the file's CRLF


def get_page(port: int, conn: RawConnection, cookie: str | None = None) -> tuple[int, dict, bytes]:
    """GET / as a browser loads it: (status, headers, body); a new session without `cookie`."""
    cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
    return conn.roundtrip(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie_line}\r\n".encode())


def session_cookie(headers: dict) -> str | None:
    """The "name=value" of a Set-Cookie header, None without one (the baseline sets none)."""
    value = headers.get(b"set-cookie")
    return value.split(b";", 1)[0].decode() if value else None


def get_form(port: int, conn: RawConnection) -> tuple[str, str, str]:
    """(session cookie "name=value", CSRF token, page), as a browser gets them by loading the form."""
    status, headers, body = get_page(port, conn)
    match = CSRF_BYTES.search(body)
    if status != 200 or not match or b"set-cookie" not in headers:
        raise RuntimeError(f"form page: status {status}, no token or cookie")
    return session_cookie(headers), match.group(1).decode(), body.decode()


def report_fields(token: str, page: str, marker: str, minimal: bool) -> list[tuple[str, object]]:
    answers = valid_answers(marker)
    return minimal_fields(token, answers) if minimal else browser_fields(page, answers)


def post_request(port: int, cookie: str | None, boundary: str, body: bytes) -> bytes:
    """The bytes of a browser's POST / of a multipart body (with its session cookie, if any)."""
    cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie_line}"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


TOKEN_SLOT = "\x00token\x00"  # where each cycle's CSRF token goes in a prebuilt body


def body_around_token(page: str, marker: str, minimal: bool, boundary: str) -> tuple[bytes, bytes, int]:
    """(before, after) the CSRF token in the body a browser sends from `page` (no file chosen),
    and its number of parts."""
    fields = [(name, TOKEN_SLOT if name == "csrf_token" else value)
              for name, value in report_fields(TOKEN_SLOT, page, marker, minimal)]
    prefix, suffix = multipart_parts(fields, boundary)
    before, after = (prefix + suffix).split(TOKEN_SLOT.encode())
    return before, after, len(fields)
