"""Translations of a case's redacted answers (`intake translate`): a sheet out, translations back
in, checked against the case as it is now, stored encrypted and audited, and given by the letter
with the originals in its annex."""

import json
import os
import re
import stat

import pytest

from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault, ok

NARRATIVE = "他在会见特别报告员之后被国保带走。他的儿子王小明也被传唤。"
SON = "王小明"
OFFICER = "李强"


@pytest.fixture()
def desk(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    # An answer that is a name alone: redaction makes it a pseudonym, and it is still an answer.
    receipt = client.report({"incidents-0-narrative": NARRATIVE, "incidents-0-perpetrator_details": OFFICER},
                            language="zh_Hans")
    ok(intake("import", client.data_dir / "submissions", env=env))
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    ok(intake("redact", case["id"], "--add", f"person:victim's son:{SON}", "--add", f"person:officer:{OFFICER}", env=env))
    ok(intake("redact", case["id"], "--profile", "un-sp", "--accept-all", env=env))
    return tmp_path, env, case["id"], client, receipt


def _sheet(env, case_id, path) -> dict:
    return json.loads(ok(intake("translate", case_id, "--sheet", path, env=env)))


def _fill(path, translations: dict[str, str], into=None) -> None:
    """Type a translation into the slot of each id given, as a translator would in an editor."""
    text = path.read_text()
    for answer_id, translation in translations.items():
        heading = text.index(f"## {answer_id}\n")
        slot = text.index("translation:\n\n", heading) + len("translation:\n\n")
        text = text[:slot] + translation + "\n" + text[slot:]
    into = into or path.with_name("filled-" + path.name)
    into.write_text(text)
    return into


def _status(env, case_id) -> dict:
    return json.loads(ok(intake("translate", case_id, env=env)))


def _apply(env, case_id, path, by="A. Translator"):
    return intake("translate", case_id, "--apply", path, "--by", by, env=env)


def _history(env, case_id) -> list[dict]:
    doc = json.loads(ok(intake("show", case_id, "--format", "json", env=env)))
    return [h for h in doc["history"] if h["action"] == "translate"]


def _refused(result, *words) -> str:
    err = result.stderr.decode()
    assert result.returncode == 1 and err.startswith("intake: error: "), err
    assert len([line for line in err.splitlines() if line.startswith("intake: error")]) == 1
    for word in words:
        assert word in err, err
    return err


def _english(answer_id: str) -> str:
    return f"In English, {answer_id.replace('_', ' ')} as translated."


def _pseudonyms(sheet, answer_id: str) -> str:
    """The pseudonyms the original of `answer_id` holds on `sheet`: a translation keeps them."""
    entry = sheet.read_text().split(f"## {answer_id}\n", 1)[1].split("translation:", 1)[0]
    return " ".join(re.findall(r"Person [A-Z]+ \([^)]*\)", entry))


def test_a_sheet_round_trip_puts_the_translation_in_the_letter_and_the_original_in_the_annex(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.md"
    written = _sheet(env, case_id, sheet)
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    text = sheet.read_text()
    assert SON not in text and "Person D (victim's son)" in text  # the redacted original only
    ids = re.findall(r"^## (\S+)$", text, re.MULTILINE)
    assert "incidents[0].narrative" in ids and ids == written["missing"] and written["translated"] == 0
    assert "victim.name" not in ids  # names are given as written
    narrative = "He was taken by state security after meeting the Special Rapporteur. His son Person D (victim's son) was summoned too."
    filled = _fill(sheet, {"incidents[0].narrative": narrative, "victim.health": "needs medication, translated"})
    out = json.loads(ok(_apply(env, case_id, filled)))
    assert sorted(out["stored"]) == ["incidents[0].narrative", "victim.health"] and out["translated"] == 2
    assert "incidents[0].narrative" not in out["missing"] and "victim.human_rights_work" in out["missing"]

    ok(intake("export", case_id, "--profile", "un-sp", "--per-mandate", "--out", root / "out", env=env))
    files = files_in(root / "out")
    letter = files["CASE-001/communication.md"].decode()
    body, annex = letter.split("## Annex: original texts", 1)
    assert f"  > {narrative} (translated from Chinese; original: incidents[0].narrative)" in body
    assert "他在会见特别报告员之后" not in body
    assert "### incidents[0].narrative (Chinese)" in annex
    assert "> 他在会见特别报告员之后被国保带走。他的儿子Person D (victim's son)也被传唤。" in annex
    assert "- MISSING: translation of victim.human_rights_work into English" in body
    assert "MISSING: translation of incidents[0].narrative" not in letter
    assert SON not in letter
    draft = files["CASE-001/WGAD.md"].decode()
    assert narrative in draft and "## Annex: original texts" in draft

    # The next sheet holds what is stored, so a translator carries on from there.
    again = _sheet(env, case_id, root / "again.md")
    assert again["translated"] == 2 and narrative in (root / "again.md").read_text()


def test_the_audit_log_says_who_translated_and_when(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    ok(_apply(env, case_id, _fill(sheet, {"victim.health": "needs medication"}), by="Li Wen"))
    (entry,) = _history(env, case_id)
    assert entry["changes"]["translated by"] == [None, "Li Wen"]
    assert entry["changes"]["translations into en"] == [None, "victim.health"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["time"])
    ok(intake("translate", case_id, "--language", "fr", env=env))
    assert _history(env, case_id)[-1]["changes"] == {"translation_language": ["en", "fr"]}
    assert _status(env, case_id)["translated"] == 0  # the English one is kept, for English
    assert "letter in: French   translations stored: 1 into en" in ok(intake("show", case_id, env=env)).decode()


def test_a_sheet_written_before_a_redaction_change_is_refused_with_nothing_stored(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    filled = _fill(sheet, {"incidents[0].narrative": "His son Person D (victim's son) was summoned."})
    rows = json.loads(ok(intake("redact", case_id, "--format", "json", env=env)))["proposals"]
    son = next(r for r in rows if r["path"] == "incidents[0].narrative" and r["original"] == SON)
    ok(intake("redact", case_id, "--reject", son["id"], env=env))
    err = _refused(_apply(env, case_id, filled), "stale", "incidents[0].narrative has changed", "write a new sheet")
    assert SON not in err
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []


def test_a_stored_translation_is_not_used_once_its_original_changed(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    ok(_apply(env, case_id, _fill(sheet, {"incidents[0].narrative": "His son Person D (victim's son) was summoned."})))
    assert _status(env, case_id)["translated"] == 1
    ok(intake("redact", case_id, "--add", "person:unit head:国保", env=env))  # the original changes under it
    ok(intake("redact", case_id, "--profile", "un-sp", "--accept-all", env=env))
    assert _status(env, case_id)["translated"] == 0
    ok(intake("export", case_id, "--profile", "un-sp", "--out", root / "out", env=env))
    letter = files_in(root / "out")["CASE-001/communication.md"].decode()
    assert "MISSING: translation of incidents[0].narrative into English" in letter
    assert "was summoned" not in letter and "Annex: original texts" not in letter


def test_a_sheet_written_before_a_follow_up_arrived_is_refused_with_nothing_stored(desk):
    root, env, case_id, client, receipt = desk
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    filled = _fill(sheet, {"victim.health": "needs medication"})
    client.follow_up(receipt, "他昨天被转移到另一个看守所。", language="zh_Hans")
    ok(intake("import", client.data_dir / "submissions", env=env))
    _refused(_apply(env, case_id, filled), "follow-ups not yet read")
    follow_up = json.loads(ok(intake("redact", case_id, "--format", "json", env=env)))["updates"][0]["case"]
    ok(intake("redact", case_id, "--read", follow_up, "--accept-all", env=env))
    _refused(_apply(env, case_id, filled), "stale: updates[0].message is not in it")
    _refused(intake("translate", follow_up, "--sheet", root / "f.md", env=env), "is a follow-up", case_id)
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []
    assert "updates[0].message" in _sheet(env, case_id, root / "new.md")["missing"]


def _hostile(sheet_text: str) -> list[tuple[str, bytes, str]]:
    first = sheet_text.index("## incidents[0].narrative")
    end = sheet_text.index("<!-- end -->", first)
    slot = sheet_text.index("translation:\n\n", first) + len("translation:\n\n")
    digest = re.search(r"<!-- sha256: ([0-9a-f]{64})", sheet_text[first:]).group(1)
    return [
        ("not a sheet", b"# notes\n\nsome text\n", "not a translation sheet"),
        ("not UTF-8", sheet_text.encode().replace(b"<!-- into", b"\xff\xfe<!-- into"), "not UTF-8"),
        ("a language we do not write", sheet_text.replace("<!-- into: en -->", "<!-- into: de -->").encode(),
         "target language line"),
        ("a damaged digest", sheet_text.replace(digest, digest[:-1] + "x").encode(), "sha256 line"),
        ("a changed digest", sheet_text.replace(digest, "0" * 64).encode(), "incidents[0].narrative has changed"),
        ("an unknown id", sheet_text.replace("## incidents[0].narrative", "## incidents[7].narrative").encode(),
         "incidents[7].narrative is no longer an answer"),
        ("a repeated entry", (sheet_text + "\n" + sheet_text[first:end + len("<!-- end -->")] + "\n").encode(),
         "appears twice"),
        ("no end marker", (sheet_text[:end] + sheet_text[end + len("<!-- end -->"):]).encode(), "marker line inside"),
        ("a terminal escape", (sheet_text[:slot] + "red \x1b[31m text\n" + sheet_text[slot:]).encode(),
         "control or invisible characters"),
        ("an edited original", sheet_text.replace("> 他在会见", "> 她在会见").encode(), "was changed in the sheet"),
        ("too large", b"<!-- intake translation sheet 1 -->\n" + b"x" * (8 << 20), "larger than"),
        ("a heading that is not an id", sheet_text.replace("## victim.health", "## victim.health; rm -rf").encode(),
         "does not name an answer id"),
    ]


def test_a_malformed_or_hostile_sheet_is_refused_with_one_line_and_nothing_stored(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    filled = _fill(sheet, {"incidents[0].narrative": "He was taken away; so was Person D (victim's son).",
                           "victim.health": "needs medication"})
    for what, data, message in _hostile(filled.read_text()):
        bad = root / "bad.md"
        bad.write_bytes(data)
        result = _apply(env, case_id, bad)
        assert result.returncode == 1, what
        _refused(result, message)
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []
    _refused(intake("translate", case_id, "--apply", filled, env=env), "--by")
    _refused(_apply(env, case_id, root / "nowhere.md"), "is not a file")
    os.mkfifo(root / "fifo.md")
    _refused(_apply(env, case_id, root / "fifo.md"), "is not a file")
    _refused(_apply(env, case_id, filled, by="Li\nWen"), "--by")
    _refused(intake("translate", case_id, "--sheet", sheet, env=env), "already exists")  # the translator's file stays
    ok(_apply(env, case_id, filled))  # the good sheet still goes in


def test_a_translation_holding_a_name_the_redaction_withholds_is_refused(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    for named in ("His son Wang Xiaoming was summoned too.", f"His son {SON} was summoned too."):
        filled = _fill(sheet, {"incidents[0].narrative": named})
        err = _refused(_apply(env, case_id, filled), "incidents[0].narrative holds a name", "nothing was stored")
        assert "Xiaoming" not in err and SON not in err
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []


def test_readiness_lists_missing_translations_until_they_are_applied(desk):
    root, env, case_id, _, _ = desk
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    assert all("TRANSLATION" in items for items in row["missing"].values()) and row["ready_for"] == []
    shown = ok(intake("show", case_id, env=env)).decode()
    count = _status(env, case_id)["answers"]
    assert f"TRANSLATION: {count} answer(s) not yet translated into English" in shown
    sheet = root / "sheet.md"
    ids = _sheet(env, case_id, sheet)["missing"]
    assert "incidents[0].perpetrator.details" in ids and OFFICER not in sheet.read_text()
    ok(_apply(env, case_id, _fill(sheet, {i: f"{_english(i)} {_pseudonyms(sheet, i)}" for i in ids})))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    assert not any("TRANSLATION" in items for items in row["missing"].values())
    assert "TRANSLATION" not in ok(intake("show", case_id, env=env)).decode()
    ok(intake("export", case_id, "--profile", "un-sp", "--out", root / "out", env=env))
    letter = files_in(root / "out")["CASE-001/communication.md"].decode()
    assert "MISSING: translation of" not in letter
    assert all(_english(i) in letter for i in ids)
    # No answer dropped: each one translated is in the annex in the reporter's words, under its id.
    annex = letter.split("## Annex: original texts", 1)[1]
    for entry in sheet.read_text().split("\n## ")[1:]:
        answer_id, original = entry.split("\n", 1)[0], entry.split("original:\n\n", 1)[1].split("\n\ntranslation:", 1)[0]
        assert f"### {answer_id} (Chinese)\n\n{original}\n" in annex
    # Another target language: everything is missing again, for that language.
    ok(intake("translate", case_id, "--language", "es", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    assert all("TRANSLATION" in items for items in row["missing"].values())


def test_an_english_report_needs_no_translation_into_english(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report({})
    ok(intake("import", client.data_dir / "submissions", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    assert not any("TRANSLATION" in items for items in row["missing"].values())
    _refused(intake("translate", row["id"], "--sheet", tmp_path / "s.md", env=env), "no decision yet")
    ok(intake("redact", row["id"], "--profile", "un-sp", "--accept-all", env=env))
    _refused(intake("translate", row["id"], "--sheet", tmp_path / "s.md", env=env), "nothing in")
    assert not (tmp_path / "s.md").exists()
    ok(intake("translate", row["id"], "--language", "fr", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    assert all("TRANSLATION" in items for items in row["missing"].values())
    assert _sheet(env, row["id"], tmp_path / "fr.md")["answers"] > 0


def test_the_language_is_set_before_redaction_is_done(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report({}, language="bo")
    ok(intake("import", client.data_dir / "submissions", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    assert json.loads(ok(intake("translate", row["id"], "--language", "es", env=env))) == {"case": row["id"], "language": "es"}
    _refused(intake("translate", row["id"], env=env), "no decision yet")
    assert "letter in: Spanish" in ok(intake("show", row["id"], env=env)).decode()


def test_a_damaged_stored_translation_makes_the_case_damaged_not_a_crash():
    from intake.desk.state import Damaged, load_case
    from intake.desk.translations import check_translations

    good = {"language": "fr", "texts": {"fr": {"victim.health": {"text": "soins", "sha256": "0" * 64, "by": "LW",
                                                                 "time": "2026-12-01T10:00:00Z"}}}}
    check_translations(good)
    for bad in ({"language": "de"}, {"texts": {"fr": {"victim.health": {"text": "soins"}}}}, "fr",
                {"texts": {"fr": {"../x": good["texts"]["fr"]["victim.health"]}}}):
        record = {"id": "c1", "sha256": "0" * 64, "imported": "2026-11-01T00:00:00Z", "report": {}, "translations": bad}
        loaded = load_case("c1", record)
        assert isinstance(loaded, Damaged)


def test_uwazi_gets_the_translated_accounts_in_the_letters_language(desk):
    root, env, case_id, _, _ = desk
    ok(intake("translate", case_id, "--language", "fr", env=env))
    sheet = root / "sheet.md"
    _sheet(env, case_id, sheet)
    assert "<!-- into: fr -->" in sheet.read_text()
    account = "Il a été emmené par la sécurité d'État, et Person D (victim's son) convoqué."
    ok(_apply(env, case_id, _fill(sheet, {"incidents[0].narrative": account})))
    ok(intake("export", case_id, "--profile", "uwazi", "--out", root / "uwazi", env=env))
    import csv
    import io
    import zipfile
    with zipfile.ZipFile(root / "uwazi" / "uwazi.zip") as archive:
        (row,) = csv.DictReader(io.StringIO(archive.read("import.csv").decode()))
    assert row["narrative__fr"] == f"Incident 1: {account}"
    assert row["narrative"].startswith("Incident 1: 他在会见") and row["title__fr"] == row["title"]


def test_a_json_sheet_round_trip_and_hostile_json(desk):
    root, env, case_id, _, _ = desk
    sheet = root / "sheet.json"
    ok(intake("translate", case_id, "--sheet", sheet, "--format", "json", env=env))
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    data = json.loads(sheet.read_text())
    assert SON not in sheet.read_text() and {e["id"] for e in data["entries"]} >= {"incidents[0].narrative"}
    good = json.loads(json.dumps(data))
    for entry in good["entries"]:
        entry["translation"] = _english(entry["id"]) if entry["id"] == "victim.health" else ""
    hostile = [
        ('{"schema": "intake.translation-sheet/1", "schema": "x"}', "repeats a key"),
        ('{"entries": ' + "[" * 100_000 + "]" * 100_000 + "}", "not valid JSON"),
        ('{"schema": "intake.translation-sheet/1",', "not valid JSON"),
        (json.dumps(dict(good, schema="intake.translation-sheet/2")), "not a translation sheet"),
        (json.dumps(dict(good, entries=good["entries"] + good["entries"][:1])), "appears twice"),
        (json.dumps(dict(good, entries=[dict(good["entries"][0], translation="a\u202eb")])), "invisible characters"),
        (json.dumps(dict(good, entries=[dict(good["entries"][0], extra="x")])), "not an entry the desk wrote"),
        (json.dumps(dict(good, entries=[dict(good["entries"][0], original="changed")] + good["entries"][1:])),
         "was changed in the sheet"),
    ]
    for text, message in hostile:
        bad = root / "bad.json"
        bad.write_text(text)
        _refused(_apply(env, case_id, bad), message)
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []
    filled = root / "filled.json"
    filled.write_text(json.dumps(good, ensure_ascii=False))
    assert json.loads(ok(_apply(env, case_id, filled)))["stored"] == ["victim.health"]


def test_no_sheet_beyond_the_recorded_consent(desk):
    root, env, case_id, _, _ = desk
    ok(intake("consent", case_id, "--given-by", "family", "--date", "2026-11-02", "--channel", "phone",
              "--risks-explained", "yes", "--scope", "reprisals-anonymised", env=env))
    _refused(intake("translate", case_id, "--sheet", root / "s.md", env=env), "does not cover the special procedures")
    assert not (root / "s.md").exists()


# A name only the detectors find (no register entry): the lawyer, after the relation word 律师.
FOUND_NARRATIVE = "他因修炼法轮功被国保带走。他的律师李明会见他以后也被警告。"


@pytest.fixture()
def found_name(tmp_path):
    identity, env = new_vault(tmp_path)
    client = IntakeClient(tmp_path / "server", [identity.recipient()])
    client.report({"incidents-0-narrative": FOUND_NARRATIVE}, language="zh_Hans")
    ok(intake("import", client.data_dir / "submissions", env=env))
    (case,) = json.loads(intake("list", "--format", "json", env=env).stdout)
    ok(intake("redact", case["id"], "--profile", "un-sp", "--accept-all", env=env))
    sheet = tmp_path / "sheet.md"
    _sheet(env, case["id"], sheet)
    return tmp_path, env, case["id"], sheet


def test_a_translation_naming_someone_the_detectors_found_is_refused_in_any_spelling(found_name):
    root, env, case_id, sheet = found_name
    label = _pseudonyms(sheet, "incidents[0].narrative")  # the lawyer's
    assert label.startswith("Person ") and "(lawyer)" in label
    for n, named in enumerate(("Li Ming", "LI Ming", "Ming Li", "Lǐ Míng", "Li-Ming", "李 明")):
        filled = _fill(sheet, {"incidents[0].narrative": f"He was taken for Falun Gong; his lawyer {named} too."},
                       into=root / f"named-{n}.md")
        err = _refused(_apply(env, case_id, filled), "incidents[0].narrative holds a name",
                       "a name the detectors found", "nothing was stored")
        assert "Ming" not in err and "李" not in err  # the name is not repeated
    # Kept as written, the pseudonym goes in; the reading of 法轮功 is no name.
    ok(_apply(env, case_id, _fill(sheet, {"incidents[0].narrative": f"He was taken for Falun Gong; {label} too."})))
    assert _status(env, case_id)["translated"] == 1


def test_a_translation_naming_someone_the_original_does_not_is_refused(found_name):
    root, env, case_id, sheet = found_name
    label = _pseudonyms(sheet, "incidents[0].narrative")
    for n, named in enumerate(("Zhang Wei", "Chen Guangcheng", "Ilham Tohti")):
        filled = _fill(sheet, {"incidents[0].narrative": f"{named} said {label} was warned."}, into=root / f"new-{n}.md")
        err = _refused(_apply(env, case_id, filled), "a name the detectors found", "nothing was stored")
        assert named.split()[0] not in err
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []


def test_a_translation_that_drops_a_pseudonym_of_its_original_is_refused(found_name):
    root, env, case_id, sheet = found_name
    label = _pseudonyms(sheet, "incidents[0].narrative")
    for n, dropped in enumerate(("his lawyer was warned too.", f"{label.split(' (')[0]} was warned too.")):
        filled = _fill(sheet, {"incidents[0].narrative": f"He was taken away; {dropped}"}, into=root / f"drop-{n}.md")
        _refused(_apply(env, case_id, filled), f'leaves out the pseudonym "{label}"', "nothing was stored")
    assert _status(env, case_id)["translated"] == 0 and _history(env, case_id) == []


def test_an_emptied_slot_removes_the_stored_translation_audited(desk):
    root, env, case_id, _, _ = desk
    first = root / "first.md"
    _sheet(env, case_id, first)
    wrong = "WRONG: he was tortured."
    ok(_apply(env, case_id, _fill(first, {"victim.health": wrong})))
    second = root / "second.md"
    _sheet(env, case_id, second)
    assert f"translation:\n\n{wrong}\n" in second.read_text()  # the sheet comes with what is stored
    emptied = root / "emptied.md"
    emptied.write_text(second.read_text().replace(f"{wrong}\n\n", ""))
    out = json.loads(ok(_apply(env, case_id, emptied, by="B. Reviewer")))
    assert out["removed"] == ["victim.health"] and out["stored"] == []
    assert "victim.health" in _status(env, case_id)["missing"]
    removal = _history(env, case_id)[-1]
    assert removal["changes"] == {"translations into en": ["victim.health", None], "removed by": [None, "B. Reviewer"]}
    assert removal["time"] and wrong not in json.dumps(removal)
    # The same sheet again removes nothing more; the letter says the translation is missing.
    assert json.loads(ok(_apply(env, case_id, emptied)))["removed"] == []
    ok(intake("export", case_id, "--profile", "un-sp", "--out", root / "out", env=env))
    letter = files_in(root / "out")["CASE-001/communication.md"].decode()
    assert wrong not in letter and "MISSING: translation of victim.health into English" in letter
