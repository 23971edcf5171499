"""Exports of hostile reporter text and tampered attachments: nothing hidden leaves the desk."""

import json
import re

from intake.desk.vault import Vault
from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault

# ESC [ … (colours, cursor moves), OSC 52 (writes the clipboard of whoever cats the file), CSI as
# one C1 byte, and right-to-left / isolate overrides that make a name read backwards.
HIDDEN = ["\x1b[2J", "\x1b]52;c;aW50YWtl\x07", "\x9b31m", "\u202e", "\u2066", "\u200f", "\x85",
          # and invisible ones that split or hide a name: zero-width space, word joiner, BOM, a tag
          # character, the line separator
          "\u200b", "\u2060", "\ufeff", "\U000e0041", "\u2028"]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
                 "\u2066-\u2069\ufeff\U000e0000-\U000e007f]")


def _desk(tmp_path, answers, files=()):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report(answers, files=files)
    assert intake("import", client.data_dir / "submissions", env=env).returncode == 0
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    return identity, env, case["id"]


def test_control_and_direction_characters_never_reach_an_export(tmp_path):
    # The form refuses C0 controls (ESC included) in answers; C1 controls and overrides pass it.
    hostile = "".join(c for c in HIDDEN if not any(ord(ch) < 32 for ch in c))
    _, env, case_id = _desk(tmp_path, {"incidents-0-narrative": f"Taken away {hostile} at night.",
                                       "victim_occupation": f"lawyer{hostile}", "health": f"needs {hostile} care"})
    for profile in ("un-sp", "reprisals-report", "stats"):
        out = tmp_path / f"out-{profile}"
        result = intake("export", case_id, "--profile", profile, "--out", out, "--force", env=env)
        assert result.returncode == 0, result.stderr
        for name, data in files_in(out).items():
            text = data.decode()
            assert not RAW.search(text), (profile, name, RAW.search(text))
        if profile == "un-sp":
            drafts = "".join(d.decode() for n, d in files_in(out).items() if n.endswith(".md"))
            assert "\\u202e" in drafts and "\\u009b" in drafts  # escaped visibly, not dropped


def test_an_attachment_unlike_its_recorded_hash_is_left_out_of_the_export(tmp_path):
    identity, env, case_id = _desk(tmp_path, {}, files=[("notes.txt", b"evidence " * 100, "text/plain")])
    vault = Vault(tmp_path / "vault")
    # The cached report is what export trusts for sizes and hashes: make it disagree with the file.
    with vault.changing_state([identity]) as state:
        attachment = state.cases[case_id].report["attachments"][0]
        attachment["sha256"] = "0" * 64
    result = intake("export", case_id, "--profile", "un-sp", "--out", tmp_path / "out", "--force", "--include-other", env=env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    (record,) = manifest["cases"][0]["attachments"]
    assert record["left_out"] == "does not match the size and SHA-256 in its report"
    assert not (tmp_path / "out" / "CASE-001" / "attachments").exists()
    extracted = intake("attachment", case_id, "1", "-o", tmp_path / "a.txt", env=env)
    assert extracted.returncode == 1 and b"does not match the size and SHA-256" in extracted.stderr
    assert not (tmp_path / "a.txt").exists()
