"""Export profiles, consent to keep names, and what the engine must never do (I/O, hash order)."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from intake.desk.redaction import PROFILES, RedactionError, apply, names_allowed, propose, seed_register
from intake.desk.redaction import profiles as profiles_module
from test_redaction_cases import accept_all, base_report, incident, wang_case

PACKAGE = Path(__file__).parent.parent / "intake" / "desk" / "redaction"


def redacted(report, register, profile, **kw) -> dict:
    proposals = propose(report, register, profile, **kw)
    return apply(report, proposals, accept_all(proposals))


def test_un_sp_keeps_the_named_victim_exact_dates_and_places_but_never_the_reporter():
    report, register = wang_case()
    assert names_allowed(report, PROFILES["un-sp"])
    out = redacted(report, register, "un-sp", keep_names=True)
    narrative = out["incidents"][0]["narrative"]
    assert out["victim"]["name"] == "王全璋" and out["victim"]["name_other_spellings"] == "Wang Quanzhang"
    assert narrative.startswith("2018年7月5日，王全璋的妻子Person B（") and "天津第二看守所" in narrative
    assert out["victim"]["detention_place"] == "天津市第二看守所" and out["incidents"][0]["start"]["date"] == "2015-08-03"
    assert out["reporter"]["name"] == "[reporter's name withheld]" and "Phone" in narrative
    assert "(reporter)" not in json.dumps(out)  # a pseudonym never says who talked
    without = redacted(report, register, "un-sp")
    assert without["victim"]["name"] == "Person A (victim)" and "王全璋" not in json.dumps(without, ensure_ascii=False)


@pytest.mark.parametrize("profile, consent", [("un-sp", {"share_with_un": "no"}),
                                              ("reprisals-report", {"sg_report": "anonymised"}),
                                              ("stats", {"sg_report": "named", "share_with_un": "yes"})])
def test_keep_names_needs_the_matching_consent(profile, consent):
    report, register = wang_case()
    report["consent"].update(consent)
    with pytest.raises(RedactionError, match="may not keep names"):
        propose(report, register, profile, keep_names=True)


def test_reprisals_report_keeps_a_consented_name_and_generalises_the_rest():
    report, register = wang_case()
    report["consent"]["sg_report"] = "named"
    out = redacted(report, register, "reprisals-report", keep_names=True)
    assert out["victim"]["name"] == "王全璋" and out["victim"]["detention_place"] == "Place 1 (Tianjin)"
    assert out["incidents"][0]["start"]["date"] == "2015-08" and out["victim"]["residence"] == "Place 2 (Beijing)"


def test_stats_generalises_everything():
    report, register = wang_case()
    out = redacted(report, register, "stats")
    assert out["victim"]["detention_place"] == "天津" and out["victim"]["residence"] == "北京"
    assert out["incidents"][0]["place"] == "Tianjin" and out["victim"]["name"] == "Person A (victim)"
    assert "Person A (victim)的妻子" in out["incidents"][0]["narrative"]


def test_a_province_field_with_a_city_becomes_the_province():
    report = base_report()
    report["incidents"] = [incident(["THREATS"], "2024-03-05", "Chengdu, Sichuan", "Chengdu", "Invited to tea.")]
    register = seed_register(report)
    out = redacted(report, register, "reprisals-report")
    assert out["incidents"][0]["province"] == "Sichuan" and out["incidents"][0]["place"] == "Place 1 (Sichuan)"
    assert redacted(report, register, "un-sp")["incidents"][0]["province"] == "Chengdu, Sichuan"


def test_a_follow_up_is_scanned_too():
    report = {"schema": "intake.report/1", "kind": "follow-up", "received": "2026-11-26T14:34:55Z",
              "receipt": "2QHQF-8H6G1-X53XF-XFBBH", "form_language": "en", "follow_up_of": "ABCDE-12345-FGHJK-MNPQ0",
              "message": "He was moved on 20 November 2026; call 13812345678.", "consent": {"store": True},
              "attachments": []}
    out = redacted(report, seed_register(report), "reprisals-report")
    assert out["message"] == "He was moved on November 2026; call Phone 1."
    assert out["receipt"] == out["follow_up_of"] == "[receipt code withheld]"


def test_unknown_profile():
    report, register = wang_case()
    with pytest.raises(RedactionError, match="unknown redaction profile"):
        propose(report, register, "public")


def test_the_profiles_are_documented_as_a_table():
    doc = profiles_module.__doc__
    assert all(f'"{name}"' in doc for name in PROFILES) and doc.count("|") > 40


def test_the_engine_imports_only_the_standard_library_its_four_packages_and_intake_errors():
    """…and intake.receipt, the one definition of what a receipt code looks like (standard library only)."""
    allowed = {"phonenumbers", "stdnum", "pypinyin", "jieba"}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 1 or node.module in ("errors", "receipt"), f"{path.name}: from {'.' * node.level}{node.module}"
                continue
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in allowed, f"{path.name} imports {name}"


RUN = """
import builtins, json, socket, sys
real_open = builtins.open
def guarded_open(file, mode="r", *args, **kwargs):
    if any(c in mode for c in "wax+"):
        raise AssertionError(f"the engine opened {file!r} for writing")
    return real_open(file, mode, *args, **kwargs)
def no_network(*args, **kwargs):
    raise AssertionError("the engine reached for the network")
builtins.open = guarded_open
socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = no_network
socket.create_connection = socket.getaddrinfo = no_network
from test_redaction_cases import wang_case, accept_all
from intake.desk.redaction import propose, apply, leaks
report, register = wang_case()
proposals = propose(report, register, "reprisals-report")
redacted = apply(report, proposals, accept_all(proposals))
assert leaks(redacted, register, proposals) == []
assert "jieba" in sys.modules  # and yet nothing was written to TMPDIR or HOME (checked below)
sys.stdout.write(json.dumps([[p.__dict__ for p in proposals], redacted], ensure_ascii=False))
"""


def test_no_files_no_network_no_output_and_the_same_result_under_any_hash_seed(tmp_path):
    outputs = []
    for seed in ("0", "4242"):
        scratch = tmp_path / f"tmp-{seed}"
        scratch.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "TMPDIR": str(scratch), "HOME": str(scratch),
               "PYTHONPATH": str(Path(__file__).parent), "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert list(scratch.iterdir()) == []
        outputs.append(json.loads(result.stdout))  # nothing but the JSON: the engine printed nothing
    assert outputs[0] == outputs[1]
