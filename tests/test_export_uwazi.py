"""The Uwazi CSV import: parses by Uwazi's rules, survives hostile reporter text, no formula runs."""

import csv
import io
import zipfile

import test_desk_export
from staff_vault import intake, ok
from test_desk_export import PHONE, VICTIM, WIFE, resident_id

from intake.desk.exports import uwazi, vocab

desk = test_desk_export.desk  # the fixture: cases made through the real form and imported


def _report(narrative: str, **victim) -> dict:
    return {"kind": "report", "victim": {"status": "detained", **victim},
            "incidents": [{"narrative": narrative, "violations": ["ARBITRARY_DETENTION", "DENIAL_OF_MEDICAL_CARE"],
                           "start": {"date": "2025-03-02"}, "end": {"date": "2025-06-30"}},
                          {"violations": ["ARBITRARY_DETENTION"], "start": {"date": "2025-01"}}]}


def _parse(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_row_columns_multi_values_and_date_range():
    raw = _report("Held for months.", detention_kind="rsdl", charges=["subversion", "pretext"], arrest_date="2025-01-04")
    row = uwazi.case_row("CASE-001", raw, ["WGAD", "SR-HEALTH"], ["CASE-001/01.jpg"])
    [parsed] = _parse(uwazi.import_csv([row], []))
    assert list(parsed) == ["title", "title__en", "violations", "event_period", "victim_status", "detention_kind",
                            "charges", "arrest_date", "un_mandates", "narrative", "attachments"]
    assert parsed["detention_kind"] == vocab.DETENTION_KINDS["rsdl"]
    assert parsed["charges"].split("|") == [vocab.CHARGES["subversion"], vocab.CHARGES["pretext"]]
    assert parsed["arrest_date"] == "2025-01-04"
    assert parsed["title"] == parsed["title__en"] == "CASE-001: " + vocab.VIOLATIONS["ARBITRARY_DETENTION"]
    assert parsed["violations"].split("|") == [vocab.VIOLATIONS["ARBITRARY_DETENTION"],
                                               vocab.VIOLATIONS["DENIAL_OF_MEDICAL_CARE"]]
    assert parsed["event_period"] == "2025-01:2025-06-30"
    assert parsed["victim_status"] == "Detained"
    assert parsed["un_mandates"] == "WGAD|SR-HEALTH"
    assert parsed["attachments"] == "CASE-001/01.jpg"


def test_language_columns_ready_for_translations():
    assert uwazi.language_columns("title", []) == ["title", "title__en"]
    assert uwazi.language_columns("narrative", []) == ["narrative"]
    assert uwazi.language_columns("narrative", ["en", "zh"]) == ["narrative", "narrative__en", "narrative__zh"]
    assert uwazi.language_columns("violations", ["en"]) == ["violations"]


HOSTILE = ['=HYPERLINK("http://x","y")', "+1 555", "-2+3", "@SUM(A1)", '"quoted", with, commas',
           "line one\nline two\r\nthree", "a | b", "\tTAB", "x" * 2_000_000]


def test_hostile_text_parses_to_the_same_values_and_runs_no_formula():
    # Python's reader stops at 128 KiB a cell by default; Uwazi's reader has no such limit.
    limit = csv.field_size_limit(1 << 24)
    try:
        _check_hostile()
    finally:
        csv.field_size_limit(limit)


def _check_hostile():
    rows = [uwazi.case_row(f"CASE-{n:03d}", _report(value), [], []) for n, value in enumerate(HOSTILE, 1)]
    parsed = _parse(uwazi.import_csv(rows, []))
    assert len(parsed) == len(HOSTILE)
    bare = uwazi.import_csv([{**uwazi.case_row("CASE-001", _report("x"), [], []), "narrative": "=1+1"}], [])
    assert _parse(bare)[0]["narrative"] == "'=1+1"
    for value, row in zip(HOSTILE, parsed):
        cell = row["narrative"]
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        # Only the leading apostrophe is added: the reporter's text is all there.
        read = value.replace("\r\n", "\n").strip()  # how the export reads an answer (common.text)
        expected = "Incident 1: " + read
        assert cell == expected


def test_a_pipe_inside_a_value_never_makes_two_values():
    assert uwazi.multi(["a|b", "c"]).split("|") == ["a/b", "c"]


def test_thesaurus_csv_has_a_label_per_value():
    parsed = _parse(uwazi.thesaurus_csv(vocab.VIOLATIONS))
    assert [r["label"] for r in parsed] == list(dict.fromkeys(vocab.VIOLATIONS.values()))


def test_uwazi_export_from_the_desk_zip_has_csv_attachments_and_thesauri_and_no_names(desk):
    root, env, uyghur, _, _, _ = desk
    ok(intake("redact", uyghur, "--profile", "un-sp", "--accept-all", env=env))
    out = root / "uwazi"
    ok(intake("export", uyghur, "--profile", "uwazi", "--out", out, env=env))
    assert [p.name for p in out.iterdir()] == ["uwazi.zip"]
    data = (out / "uwazi.zip").read_bytes()
    with zipfile.ZipFile(out / "uwazi.zip") as z:
        names = z.namelist()
        [row] = _parse(z.read("import.csv"))
        contents = b"\n".join(z.read(n) for n in names)
    listed = row["attachments"].split("|")
    assert listed and all(name in names for name in listed)
    assert set(names) == {"import.csv", "manifest.json", *listed,
                          *(f"thesauri/{t}.csv" for t in uwazi.thesauri())}
    assert row["title"].startswith("CASE-001: ") and row["violations"]
    # This case's consent keeps the victim's name for un-sp, so Uwazi keeps it too; what un-sp
    # redacts (the wife, the phone, the resident id) must be nowhere in the ZIP.
    assert VICTIM in row["narrative"] or VICTIM not in contents.decode("utf-8", "replace")
    for secret in (WIFE, PHONE, resident_id()):
        assert secret.encode() not in contents and secret.encode() not in data, f"{secret!r} leaked"


GOLDEN = __import__("pathlib").Path(__file__).parent / "fixtures" / "golden" / "uwazi_import.csv"


def test_import_csv_matches_the_golden_file():
    # Regenerate after a deliberate change: write import_csv(...) of this row to GOLDEN and review the diff.
    row = uwazi.case_row("CASE-001", _report("Held in Urumqi; medicine refused, \"for security\".", detention_kind="camp",
                                             charges=["separatism"], arrest_date="2025-01"),
                         ["WGAD", "SR-HEALTH"], ["CASE-001/attachments/01.jpg", "CASE-001/attachments/02.pdf"])
    assert uwazi.import_csv([row], []) == GOLDEN.read_bytes()


def test_with_to_only_the_encrypted_zip_is_written(desk):
    from intake import age

    root, env, uyghur, _, _, _ = desk
    partner = age.HybridIdentity.generate()
    ok(intake("redact", uyghur, "--profile", "un-sp", "--accept-all", env=env))
    out = root / "uwazi-to"
    ok(intake("export", uyghur, "--profile", "uwazi", "--out", out, "--to", str(partner.recipient()), env=env))
    assert [p.name for p in out.iterdir()] == ["uwazi.zip.age"]
    assert not (out / "uwazi.zip.age").read_bytes().startswith(b"PK")
    with open(out / "uwazi.zip.age", "rb") as f:
        plain = age.decrypt([partner], f).read()
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        assert "import.csv" in z.namelist() and _parse(z.read("import.csv"))[0]["title"].startswith("CASE-001")
