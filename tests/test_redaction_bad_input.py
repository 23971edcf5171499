"""Bad input never crashes redaction: mixed scripts, emoji, control characters, lone surrogates,
and very long answers, given to `propose` and `apply` directly and to the commands on a real case.

A crash here is not only an annoyance: a case that cannot be reviewed is a case someone exports
by hand. And the cost must stay linear: a 1 MB narrative is analysed in seconds, not minutes.
"""

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_submissions import archive
from intake import age
from intake.desk.redaction import Register, apply, propose
from intake_client import IntakeClient
from staff_vault import files_in, intake, new_vault, ok

NASTY = [
    "王某某的丈夫刘建国😀👨‍👩‍👧‍👦和女儿\u200d刘晓雯", "her lawyer Sun\u00a0Lei\u202e and Lǐ Míng\u0301\u0301",
    "\x00\x07\x1b[31m李明\x7f\u0085\u2028\u2029", "\ud800\udfff 陈\ud83d波 \udc00Chen Bo\ud800", "ئىلھام توختى😀བཀྲ་ཤིས་",
    "\ufeff\u200b\u200c\u00ad张\ufe0f伟\U000e0100", "ＴＥＬ：＋８５２ ９１２３ ４５６７\u3000电话", "·" * 50 + "王" + "." * 50,
    "\u0301" * 40 + "Li\u0308", "𠀀𠀁 王𠀂𠀃 刘\U0002a700", "(2023)川32刑初12号\ud800", "Mr\tWang\rWei\nand\x0bZhang",
]
CORPUS = Path(__file__).parent / "corpus"
PROFILES = ("un-sp", "reprisals-report", "stats")


def _check(report: dict, profile: str) -> None:
    proposals = propose(report, Register(), profile)
    for p in proposals:
        assert 0 <= p.start < p.end and p.original  # every span cuts the original text
    redacted = apply(report, proposals, {p.id: "accept" for p in proposals})
    json.dumps(redacted)  # still a document (surrogates and all)


@pytest.mark.parametrize("profile", PROFILES)
def test_nasty_text_in_every_kind_of_field_never_crashes(profile):
    report = {"incidents": [{"narrative": text, "place": text} for text in NASTY],
              "un_cooperation": {"already_raised": " ".join(NASTY), "date": NASTY[3]},
              "remedies": {"domestic": "".join(NASTY)}, "victim": {"name": NASTY[0], "name_other": NASTY[3]},
              "attachments": [{"name": NASTY[3] + ".jpg"}]}
    _check(report, profile)


def test_the_names_in_nasty_text_are_still_proposed():
    report = {"narrative": NASTY[0] + "。" + NASTY[1] + "。" + NASTY[5]}
    found = {p.original for p in propose(report, Register(), "un-sp") if p.kind == "person"}
    assert {"刘建国", "Sun\u00a0Lei"} <= found
    assert any("张" in name and "伟" in name for name in found)  # across a variation selector


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.one_of(st.characters(), st.characters(categories=["Cs", "Cc", "Cf", "Mn"])), max_size=60),
       st.sampled_from(NASTY), st.sampled_from(PROFILES))
def test_any_text_never_crashes(text, nasty, profile):
    _check({"narrative": nasty + text + nasty, "incidents": [{"narrative": text}]}, profile)


def _hanzi_narrative(megabytes: float) -> str:
    rows = [json.loads(line) for line in (CORPUS / "names_held_out.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = [row["text"] for row in rows if row["lang"] in ("zh-Hans", "zh-Hant")]
    text = ""
    while len(text.encode()) < megabytes * 1_000_000:
        text += "\n".join(lines)
    return text.encode()[:int(megabytes * 1_000_000)].decode("utf-8", "ignore")


def test_a_megabyte_narrative_costs_linear_time():
    # The speed goal itself (1 MB in under 5 s) is measured by bench/bench_names.py --speed, against
    # a baseline in the same run; here only the shape: eight times the text costs about eight times
    # the time, never the sixty-four a quadratic step would (such steps once cost 37 s for 1 MB).
    eighth, whole = _hanzi_narrative(0.125), _hanzi_narrative(1.0)
    propose({"narrative": "王某某"}, Register(), "un-sp")  # the segmenter's dictionary: loaded once per process
    times, found = [], []
    for text in (eighth, whole):
        started = time.process_time()
        found.append(sum(p.kind == "person" for p in propose({"narrative": text}, Register(), "un-sp")))
        times.append(time.process_time() - started)
    assert found[1] > 1000 and found[1] > 6 * found[0]  # the whole text was analysed, not a prefix
    assert times[1] < 8 * times[0] * 2 + 1


def test_a_run_of_hanzi_without_punctuation_is_linear():
    one = _hanzi_narrative(0.05).replace("\n", "")
    times = []
    for text in (one, one * 4):
        started = time.process_time()
        propose({"narrative": text}, Register(), "un-sp")
        times.append(time.process_time() - started)
    assert times[1] < 4 * times[0] * 2 + 0.5  # four times the text: about four times the time, never sixteen


@pytest.mark.parametrize("lang", ["en", "ug", "bo"])
def test_narratives_in_latin_uyghur_and_tibetan_script_are_linear_even_without_punctuation(lang):
    rows = [json.loads(line) for name in ("names_tuning.jsonl", "names_held_out.jsonl")
            for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]
    lines = [row["text"] for row in rows if row["lang"] == lang]
    # Without its punctuation a Tibetan or Uyghur narrative is one run of syllables or words.
    one = "་".join(lines).replace("།", "་") if lang == "bo" else " ".join(lines).replace(".", " ").replace("،", " ")
    one = (one * (30_000 // len(one) + 1))[:30_000]
    propose({"narrative": one[:100]}, Register(), "un-sp")  # lexicons and the dictionary: loaded once per process
    times, found = [], []
    for text in (one, one * 4):
        started = time.process_time()
        found.append(sum(p.kind == "person" for p in propose({"narrative": text}, Register(), "un-sp")))
        times.append(time.process_time() - started)
    assert found[1] >= 3 * found[0] > 0  # the whole text was analysed
    assert times[1] < 4 * times[0] * 2 + 0.5  # four times the text: about four times the time, never sixteen


def _typeable(text: str) -> str:
    """What a browser can send of `text`: no lone surrogates (not UTF-8), no C0 controls but tab
    and line ends (the form refuses them, and so does the importer)."""
    text = text.encode("utf-8", "replace").decode("utf-8").replace("?", "")
    return "".join(c for c in text if ord(c) >= 32 or c in "\t\n\r")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """A case made through the real form whose answers hold everything a browser can send of NASTY."""
    root = tmp_path_factory.mktemp("bad-input")
    identity, env = new_vault(root)
    client = IntakeClient(root / "server", [identity.recipient()])
    typed = [_typeable(t) for t in NASTY]
    client.report({"incidents-0-narrative": "\n".join(typed), "remedies": " ".join(typed), "un_already_raised": typed[3]})
    ok(intake("import", client.data_dir / "submissions", env=env))
    (row,) = json.loads(ok(intake("list", "--format", "json", env=env)))
    return root, env, row["id"], identity


def test_a_crafted_submission_with_surrogates_and_controls_is_quarantined_not_a_crash(case, tmp_path):
    """Lone surrogates and C0 controls are valid JSON an attacker with the public key can send:
    the importer refuses them with a reason, so no later command ever sees them."""
    root, env, _, identity = case
    report = {**json.loads(ok(intake("show", case[2], "--format", "json", env=env)))["report"]}
    report["incidents"][0]["narrative"] = "\n".join(NASTY)
    crafted = archive(report, {}, report_bytes=json.dumps(report, ensure_ascii=True).encode())
    (tmp_path / "crafted.age").write_bytes(age.encrypt_bytes([identity.recipient()], crafted))
    result = intake("import", tmp_path, env=env)
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"1 quarantined" in result.stderr
    listed = ok(intake("quarantine", "list", env=env)).decode()
    assert "control characters" in listed or "surrogate" in listed



@pytest.mark.parametrize("profile", PROFILES)
def test_the_commands_on_a_case_of_nasty_text_never_crash(case, profile):
    root, env, case_id, _ = case
    shown = ok(intake("redact", case_id, "--profile", profile, env=env)).decode()
    assert "\x00" not in shown and "\x1b" not in shown  # controls are shown escaped, never sent to the terminal
    review = json.loads(ok(intake("redact", case_id, "--profile", profile, "--format", "json", env=env)))
    assert review["case"] == case_id
    refused = intake("redact", case_id, "--profile", profile, "--add", "person:neighbour:\udc80王\x07小明", env=env)
    assert refused.returncode == 1 and b"not UTF-8" in refused.stderr and "小明".encode() not in refused.stderr
    ok(intake("redact", case_id, "--profile", profile, "--add", "person:neighbour:王😀小明", env=env))
    ok(intake("redact", case_id, "--profile", profile, "--accept-all", env=env))
    ok(intake("export", case_id, "--profile", profile, "--out", root / profile, env=env))
    exported = files_in(root / profile)
    assert exported and not any("刘建国" in data.decode("utf-8", "replace") for data in exported.values())
