"""A reply's text never reaches the server's disk, its log or its temp files in plaintext.

A reply holding a unique canary is delivered with the real `intake deliver` and read through
the messages page of the real server (gunicorn, with its own TMPDIR) several times, while its
open files are watched. Then the server is stopped and everything it could have written is
searched (the machinery of test_web_canary.py). The test process writes only ciphertext.
"""

import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

import pytest

from cli_runner import clean_env, intake
from intake import age
from intake.receipt import new_receipt
from intake.replies import batch as batch_module
from intake.replies import content
from intake.replies.mailbox import derive
from live_server import LiveServer, new_session
from test_web_canary import SHARED_DIRS, ensure, search_files, unexpected_open_files

READS = 4


def test_a_reply_read_on_the_messages_page_leaves_no_plaintext_anywhere(tmp_path):
    if not Path("/proc/self/fd").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("/proc is missing (CI=true, so this test must be able to run)")
        pytest.skip("needs Linux /proc to see the server's open files")
    started = time.time() - 2
    canary = "rply" + secrets.token_hex(16)
    chinese = "孙律师" + secrets.token_hex(4)
    needles = {"reply": canary.encode(), "reply utf-16-le": canary.encode("utf-16-le"),
               "reply utf-16-be": canary.encode("utf-16-be"), "reply in Chinese": chinese.encode()}
    code = new_receipt()
    mailbox = derive(code)
    text = f"When was he taken? {canary} {chinese}"
    sealed = age.encrypt_bytes([mailbox.recipient], content.encode(content.MailboxContent(
        "needs-info", (content.Message("2026-12-07", text),))))

    server_tmp = tmp_path / "server-tmpdir"
    server_tmp.mkdir()
    server = LiveServer(tmp_path / "server", env={"TMPDIR": str(server_tmp), "INTAKE_LOOKUP_BURST": "20"})
    server.start()
    try:
        with tempfile.TemporaryDirectory(dir=tmp_path) as folder:  # the batch the desk exports: ciphertext only
            batch_module.write_batch_dir(Path(folder) / "batch", batch_module.new_batch_id(), [batch_module.Entry(mailbox.id, sealed)])
            delivered = intake("deliver", Path(folder) / "batch", "--data-dir", server.data_dir, env=clean_env())
        ensure(delivered.returncode == 0, f"deliver failed: {delivered.stderr.decode()[:200]}")

        odd, stop = set(), threading.Event()
        mailbox_file = str(server.data_dir / "replies" / f"{mailbox.id}.age")

        def watch():
            while not stop.is_set():
                found, _part_open = unexpected_open_files(server, server_tmp)
                odd.update(p for p in found if p != mailbox_file)  # the ciphertext being read is expected
                time.sleep(0.005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            shown = 0
            for n in range(READS):
                session, token = new_session(server, "/messages")
                typed = code if n % 2 else code.lower().replace("-", " ")
                page = session.post(f"{server.url}/messages", files=[("csrf_token", (None, token)), ("receipt", (None, typed))],
                                    timeout=60)
                ensure(page.status_code == 200, f"lookup {n} answered {page.status_code}")
                shown += canary in page.text and chinese in page.text
        finally:
            stop.set()
            watcher.join()
        ensure(shown == READS, f"the reply was shown {shown} times of {READS}: the reads did not read it")
        ensure(not odd, "the server held other files open while reading: " + "; ".join(sorted(odd)))
    finally:
        server.stop()

    roots = [(server.root, None), (server_tmp, None)] + [(Path(d), started) for d in SHARED_DIRS] + [(Path.cwd(), started)]
    hits, scanned = search_files(roots, needles)
    ensure(not hits, "the reply's plaintext found on disk (label per file): "
           + "; ".join(f"{p}: {', '.join(labels)}" for p, labels in sorted(hits.items())))
    assert scanned >= 4, f"searched only {scanned} files: the search looked in the wrong places"
    assert (server.data_dir / "replies" / f"{mailbox.id}.age").is_file()  # searched, and still there
    log = server.log()
    assert "Booting worker" in log, "the captured log is not the server's log"
    ensure(not any(n.decode("utf-8", "replace") in log for n in needles.values()), "the server log holds the reply")
    ensure(code not in log and mailbox.id not in log, "the server log holds the code or the mailbox id")
