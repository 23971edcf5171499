"""Crash safety: a worker killed mid-upload leaves no submission and no leftovers."""

import os
import signal
import socket
import time

import requests

from live_server import LiveServer, new_session, valid_answers, with_files


def wait_for(condition, timeout=15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_worker_killed_mid_upload_leaves_nothing(tmp_path):
    with LiveServer(tmp_path) as live:
        session, token = new_session(live)
        body, content_type = requests.models.RequestEncodingMixin._encode_files(
            [("attachments", ("video.mp4", os.urandom(3_000_000), "video/mp4"))], {**valid_answers(), "csrf_token": token}
        )
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        raw = socket.create_connection(("127.0.0.1", live.port))
        try:
            raw.sendall(
                f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                f"Cookie: {cookie}\r\n\r\n".encode() + body[: len(body) * 2 // 3]
            )
            assert wait_for(lambda: live.pending()), "upload never started"
            (pending,) = live.pending()
            worker = int(pending.name.split("-", 1)[0])
            assert worker in live.worker_pids()
            os.kill(worker, signal.SIGKILL)
            assert wait_for(lambda: not live.pending()), "the dead worker's ciphertext was not removed"
        finally:
            raw.close()
        assert live.submissions() == []
        # The master started a new worker, and it accepts reports.
        assert wait_for(lambda: live.worker_pids() and worker not in live.worker_pids())
        session, token = new_session(live)
        response = session.post(live.url + "/", data={**valid_answers(), "csrf_token": token}, files=with_files(()), timeout=30)
        assert response.status_code == 200 and len(live.submissions()) == 1


def test_restart_removes_stale_pending_files(tmp_path):
    from intake.store import Store

    stale = Store(tmp_path / "data").tmp / "4242-0123456789abcdef.part"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"age-encryption.org/v1\n unfinished ciphertext")
    with LiveServer(tmp_path) as live:
        assert live.pending() == []
        assert live.submissions() == []
    assert "removed 1 unfinished submission file(s)" in live.log()
