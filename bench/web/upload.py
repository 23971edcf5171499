"""One large upload, streamed from a generator, and the check of what was stored.

The body is the browser-like form with one attachment: the same random 1 MiB block yielded N
times behind a Content-Length header, so neither side holds the upload. The gunicorn worker
that handled it is the one whose CPU time grew; its VmHWM is read before and after.
"""

import hashlib
import http.client
import json
import secrets
import time
import zipfile

from common import MIB, proc_status_kib
from intake import age
from web.client import RECEIPT, SOCKET_TIMEOUT, RawConnection, get_form, multipart_parts, report_fields
from web.server import Server, cpu_seconds


def upload_body(prefix: bytes, block: bytes, blocks: int, suffix: bytes):
    """The request body, generated as it is sent: only the 1 MiB block stays in memory."""
    yield prefix
    view = memoryview(block)
    for _ in range(blocks):
        yield view
    yield suffix


def expected_digest(block: bytes, blocks: int) -> str:
    h = hashlib.sha256()
    for _ in range(blocks):
        h.update(block)
    return h.hexdigest()


def run_upload(server: Server, block: bytes, blocks: int, page: str | None, minimal: bool = False) -> tuple[dict, str]:
    """One report with one `blocks` MiB attachment. Returns (result, the form page used).

    The baseline has no form page: pass the page the intake served, so the body is the same.
    """
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=SOCKET_TIMEOUT)
    token, cookie = "unused-by-the-baseline", None
    if server.kind == "ours":
        raw = RawConnection(server.port)
        try:
            cookie, token, page = get_form(server.port, raw)
        finally:
            raw.close()
    boundary = "----bench" + secrets.token_hex(16)
    assert boundary.encode() not in block + block[: len(boundary) + 8]
    prefix, suffix = multipart_parts(report_fields(token, page, "upload", minimal), boundary, "upload.bin")
    size = blocks * len(block)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Content-Length": str(len(prefix) + size + len(suffix))}
    if cookie:
        headers["Cookie"] = cookie
    workers = server.worker_pids()
    hwm_before = {pid: proc_status_kib(pid, "VmHWM") for pid in workers}
    cpu_before = {pid: cpu_seconds(pid) for pid in workers}
    start = time.monotonic()
    try:
        conn.request("POST", "/", body=upload_body(prefix, block, blocks, suffix), headers=headers)
        response = conn.getresponse()
        reply = response.read()
        status = response.status
    except OSError as exc:
        status, reply = None, f"{type(exc).__name__}: {exc}".encode()
    finally:
        conn.close()
    seconds = time.monotonic() - start
    cpu_used = {pid: cpu_seconds(pid) - cpu_before[pid] for pid in workers}
    busiest = max(workers, key=lambda pid: cpu_used[pid])  # the worker that handled the upload
    hwm_after = {pid: proc_status_kib(pid, "VmHWM") for pid in workers}
    return {
        "server": server.kind,
        "size_mib": size / MIB,
        "body_overhead_bytes": len(prefix) + len(suffix),
        "status": status,
        "seconds": seconds,
        "mib_s": size / MIB / seconds,
        "worker_pid": busiest,
        "worker_peak_mib": (hwm_after[busiest] or 0) / 1024,  # 0: the worker is gone (see the log problems)
        "worker_peak_before_mib": (hwm_before[busiest] or 0) / 1024,
        "worker_cpu_seconds": cpu_used[busiest],
        "all_workers_peak_mib": max(v or 0 for v in hwm_after.values()) / 1024,
        "receipt": (RECEIPT.search(reply).group(1).decode() if status == 200 and RECEIPT.search(reply) else None),
        "reply_head": reply[:200].decode(errors="replace") if status != 200 else None,
    }, page


def verify_upload(server: Server, result: dict, digest: str, size: int) -> dict:
    """Check the stored upload: decrypt and hash the attachment (ours), or hash the plain file."""
    start = time.monotonic()
    check = {"stored_files": 0, "ok": False}
    if server.kind == "baseline":
        stored = sorted((server.root / "baseline" / "stored").glob("*.part"))
        check["stored_files"] = len(stored)
        if len(stored) == 1:
            h = hashlib.sha256()
            with open(stored[0], "rb") as f:
                while chunk := f.read(MIB):
                    h.update(chunk)
            check["ok"] = stored[0].stat().st_size == size and h.hexdigest() == digest
        check["pending_left"] = len(list((server.root / "baseline" / "tmp").glob("*")))
    else:
        paths = server.submissions()
        check["stored_files"] = len(paths)
        check["pending_left"] = len(server.pending())
        if len(paths) == 1:
            check["ciphertext_mib"] = paths[0].stat().st_size / MIB
            try:
                with open(paths[0], "rb") as f, zipfile.ZipFile(age.open_random_access([server.identity], f)) as archive:
                    report = json.loads(archive.read("report.json"))
                    record = report["attachments"][0]
                    entry = archive.getinfo(record["entry"])
                    h = hashlib.sha256()
                    with archive.open(entry) as data:  # zipfile also checks the CRC-32 at the end
                        while chunk := data.read(MIB):
                            h.update(chunk)
                    check["ok"] = (len(report["attachments"]) == 1 and record["size"] == size
                                   and record["sha256"] == digest and h.hexdigest() == digest
                                   and report["receipt"] == result["receipt"])
                    check["zip_plaintext_mib"] = sum(i.file_size for i in archive.infolist()) / MIB
                    check["padding_mib"] = archive.getinfo("padding").file_size / MIB
            except Exception as exc:
                check["error"] = f"{type(exc).__name__}: {exc}"
    check["seconds"] = time.monotonic() - start
    return check
