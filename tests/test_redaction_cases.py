"""The redaction engine end to end, on cases written from public reporting.

- Wang Quanzhang (王全璋), a lawyer of the Fengrui law firm detained in the 2015 "709" crackdown,
  held in Tianjin; his wife Li Wenzu (李文足) walked from Beijing to Tianjin in 2018.
- Ilham Tohti (伊力哈木·土赫提), Uyghur economist sentenced in Ürümqi in 2014; his daughter
  Jewher Ilham campaigns abroad.
- Tashi Wangchuk (扎西文色), Tibetan language advocate from Yushu, Qinghai, sentenced in 2018.

The names are public. Every number (phones, ID numbers, accounts, plates) is made up: ID numbers
get a valid check digit from python-stdnum, so that a detector that skips invalid ones still has
to find them.
"""

import copy
import json
import re

import pytest
from stdnum import luhn
from stdnum.cn import ric

from intake.desk.redaction import (RedactionError, Register, UnreviewedProposals, apply, fold, leaks, normalize,
                                   propose, seed_register, unreviewed)
from intake.desk.redaction.match import TermMatcher

ZWSP = "\u200b"


def resident_id(first17: str) -> str:
    number = first17 + ric.calc_check_digit(first17 + "0")
    assert ric.is_valid(number), number
    return number


def card(prefix: str) -> str:
    return prefix + luhn.calc_check_digit(prefix)


LI_ID = resident_id("11010519780105002")  # Beijing Chaoyang, born 1978-01-05
WANG_ID = resident_id("12010119760525001")  # Tianjin Heping, born 1976-05-25
UNIONPAY = card("622202020011223344")


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def base_report(**victim) -> dict:
    """A complete report.json of kind "report" (docs/report-schema.md), nothing identifying yet."""
    return {
        "schema": "intake.report/1", "kind": "report", "received": "2026-11-26T14:34:55Z",
        "receipt": "KPSSQ-VCNRZ-Y688G-CBGZT", "form_language": "en", "follow_up_of": None, "attachments": [],
        "reporter": {"anonymous": True, "relation": "family", "how_known": "told_by_victim", "name": "",
                     "organisation": "", "contact_channel": "", "contact_details": ""},
        "victim": {"kind": "individual", "group_size": None, "name": "", "name_other_spellings": "", "sex": "male",
                   "age": "", "nationality": "", "ethnicity": "", "religion": "", "occupation": "",
                   "human_rights_work": "", "is_defender": "yes", "id_document": "", "residence": "",
                   "status": "detained", "detention_place": "", "holding_authority": "", "health": "", **victim},
        "un_cooperation": {"body": "special_procedures", "kind": "submission", "date": "", "link_evidence": "",
                           "already_raised": ""},
        "incidents": [],
        "remedies": {"domestic": "", "others_informed": ""},
        "consent": {"store": True, "share_with_un": "yes", "name_public": "anonymised", "sg_report": "anonymised",
                    "given_by": "family", "still_in_china": "yes", "never_disclose": ""},
    }


def incident(violations, start, province, place, narrative, **more) -> dict:
    return {"violations": list(violations), "start": {"date": start, "approximate": False},
            "end": {"date": None, "ongoing": True}, "province": province, "place": place, "narrative": narrative,
            "perpetrator": {"type": "state_security", "details": more.pop("details", "")}, "legal_basis": "",
            "warrant": "", "lawyer_and_family": "", "ill_treatment": "", "family_affected": "", **more}


def wang_case() -> tuple[dict, Register]:
    report = base_report(name="王全璋", name_other_spellings="Wang Quanzhang", age="42", occupation="lawyer at 锋锐律师事务所",
                         id_document=f"身份证 {WANG_ID}", residence="北京市朝阳区", detention_place="天津市第二看守所",
                         holding_authority="天津市公安局")
    report["reporter"].update(anonymous=False, name="李文足 (Li Wenzu)", contact_channel="signal",
                              contact_details="Signal: +86 139 1234 5678")
    phone = full_width("138") + ZWSP + full_width("1234") + ZWSP + full_width("5678")
    narrative = (
        f"2018年7月5日，王全璋的妻子李文足（手机{phone}，身份证号{LI_ID[:6]}{ZWSP}{LI_ID[6:]}）从北京步行前往天津。"
        "Wang Quan-zhang 的律师余文生被拒绝会见。In 2018, Quanzhang Wang's colleagues at the Fengrui law firm "
        "were questioned; WANG Quanzhang had not been seen since 3 August 2015. 他被关押在天津第二看守所。"
        "微信号：lwz_2015，QQ：123456789，邮件 liwenzu709@example.org。她的银行卡号"
        f"{UNIONPAY}被冻结。车牌京A·12345的车跟踪她。案号(2018)津02刑初73号。Wáng Quánzhāng 的儿子王广微被拒绝入学。"
        "Call her on 13812345678 or +86 138 1234 5678.")
    report["incidents"] = [incident(["ENFORCED_DISAPPEARANCE", "DENIAL_OF_LAWYER_OF_CHOICE", "HARASSMENT_OF_FAMILY"],
                                    "2015-08-03", "Tianjin", "Tianjin No. 2 Detention Centre", narrative,
                                    details="天津市公安局国保支队", lawyer_and_family="Lawyer 余文生 (Yu Wensheng) was refused.")]
    report["attachments"] = [{"entry": "attachments/01-王全璋_notice.jpg", "original_name": "王全璋_notice.jpg",
                              "declared_type": "image/jpeg", "size": 1234, "sha256": "ab" * 32}]
    report["consent"]["never_disclose"] = "王广微的学校"
    register = seed_register(report)
    register.add("person", "victim's son", "王广微")
    register.add("person", "lawyer", "余文生", "Yu Wensheng")
    register.add("organisation", "law firm", "北京锋锐律师事务所", "Fengrui law firm")
    return report, register


def ilham_case() -> tuple[dict, Register]:
    report = base_report(name="伊力哈木·土赫提", name_other_spellings="Ilham Tohti", age="1969", ethnicity="Uyghur",
                         occupation="economist", detention_place="乌鲁木齐第一监狱",
                         human_rights_work="Founded the website Uighurbiz.net.")
    narrative = (
        "2014年1月15日，伊力哈木・土赫提在北京家中被带走。Ilham Toxti was sentenced to life on 23 September 2014 "
        "by the Ürümqi Intermediate People's Court. His daughter Jewher Ilham spoke at the UN in Geneva. "
        "伊力哈木•土赫提的学生 120 人中有 7 人被判刑，伊力哈木‧土赫提和伊力哈木土赫提都是同一个人。"
        "Ilham-Tohti (ئىلھام توختى) taught at Minzu University for 20 years. ILHAM TOHTI's phone was "
        "+86 139 9123 4567 and his student's Taiwan ID A123456789.")
    report["incidents"] = [incident(["ARBITRARY_DETENTION", "MINORITY_TARGETING", "STATE_SECURITY_CHARGE"],
                                    "2014-01-15", "Xinjiang", "Ürümqi", narrative)]
    register = seed_register(report)
    register.add("person", "victim's daughter", "Jewher Ilham")
    return report, register


def tashi_case() -> tuple[dict, Register]:
    report = base_report(name="Tashi Wangchuk", name_other_spellings="扎西文色 / Trashi Wangchug", age="32",
                         ethnicity="Tibetan", residence="玉树市", detention_place="Yushu detention centre")
    report["consent"].update(name_public="yes", sg_report="named")
    narrative = (
        "Trashi Wangchug was detained in Yushu on 27 January 2016 after speaking to The New York Times. "
        "扎西文色于2018年5月22日被判处五年有期徒刑。Zhaxi Wense 的律师梁小军 met him. "
        "བཀྲ་ཤིས་དབང་ཕྱུག "
        "bKra shis dbang phyug's cousin Tenzin (passport No. EF1260892, Indian RC No. 123456) fled. "
        "TASHI WANGCHUK's shop is on the main road; his plate is 青K·12345.")
    report["incidents"] = [incident(["ARBITRARY_DETENTION", "UNFAIR_TRIAL", "MINORITY_TARGETING"], "2016-01-27",
                                    "Qinghai", "Yushu", narrative)]
    register = seed_register(report)
    register.alias(register.entries_from("victim.name")[0].id, "bKra shis dbang phyug")
    register.add("person", "lawyer", "梁小军", "Liang Xiaojun")
    return report, register


CASES = {"wang": wang_case, "ilham": ilham_case, "tashi": tashi_case}


def accept_all(proposals) -> dict:
    return {p.id: "accept" for p in proposals}


def folded_strings(report: dict) -> list[str]:
    out = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(report)
    return out


def remaining_spellings(redacted: dict, spellings) -> list[str]:
    """Spellings still found in the redacted report, searched with the engine's normalisation."""
    found = []
    for text in folded_strings(redacted):
        norm = normalize(text).text
        key = fold(norm).key
        for spelling in spellings:
            spelling_key = fold(normalize(spelling).text).key
            if any("\u4e00" <= c <= "\u9fff" for c in spelling_key):
                if spelling_key in key:  # Hanzi: no word boundaries, a plain substring is a leak
                    found.append(spelling)
            elif TermMatcher([(spelling_key, "x")]).find(norm):
                found.append(spelling)
    return found


def remaining_numbers(redacted: dict, numbers) -> list[str]:
    """Numbers still found: each field's digits, read through normalisation, joined together."""
    digits = [re.sub(r"[^0-9X]", "", normalize(t).text.upper()) for t in folded_strings(redacted)]
    wanted = [(n, re.sub(r"[^0-9X]", "", normalize(n).text.upper())) for n in numbers]
    assert all(len(w) >= 7 for _, w in wanted)
    return [n for n, w in wanted if any(w in d for d in digits)]


# --- After accepting every proposal, nothing registered or detected is left ---------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_accepting_everything_leaves_no_registered_spelling_and_no_detected_number(case):
    report, register = CASES[case]()
    proposals = propose(report, register, "reprisals-report")
    redacted = apply(report, proposals, accept_all(proposals))
    variants = [v for entry in register.entries for v in entry.variants]
    assert remaining_spellings(redacted, variants) == []
    numbers = [p.original for p in proposals if sum(c.isdigit() for c in normalize(p.original).text) >= 7
               and p.kind not in ("date", "place")]
    assert numbers, "the case has numbers to find"
    assert remaining_numbers(redacted, numbers) == []
    assert leaks(redacted, register, proposals) == []


def test_the_wang_case_loses_every_name_spelling_and_identifier():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    redacted = apply(report, proposals, accept_all(proposals))
    assert remaining_spellings(redacted, [
        "王全璋", "Wang Quanzhang", "Quanzhang Wang", "WANG Quanzhang", "Wang Quan-zhang", "Wáng Quánzhāng",
        "李文足", "Li Wenzu", "余文生", "Yu Wensheng", "王广微", "锋锐律师事务所", "Fengrui law firm",
        "天津市第二看守所", "天津第二看守所", "Tianjin No. 2 Detention Centre", "天津市公安局国保支队",
        "lwz_2015", "liwenzu709@example.org", "京A·12345", "(2018)津02刑初73号", "王广微的学校", "KPSSQ-VCNRZ-Y688G-CBGZT",
    ]) == []
    assert remaining_numbers(redacted, [LI_ID, WANG_ID, UNIONPAY, "13812345678", "13912345678", "123456789"]) == []
    narrative = redacted["incidents"][0]["narrative"]
    assert narrative.startswith("2018年7月，Person A (victim)的妻子Person B（手机Phone 1，身份证号ID number 1）")
    assert "Person C (victim's son)" in narrative and "Person D (lawyer)" in narrative
    assert narrative.count("Phone 1") == 3  # full width with zero-width spaces, plain, and +86: one number
    assert "Place 1 (Tianjin)" in narrative and "3 August 2015" not in narrative and "August 2015" in narrative
    assert redacted["attachments"][0]["original_name"] == "attachment-1.jpg"
    assert redacted["reporter"]["name"] == "[reporter's name withheld]"


def test_structure_survives_redaction():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    redacted = apply(report, proposals, accept_all(proposals))
    assert redacted["incidents"][0]["violations"] == report["incidents"][0]["violations"]
    assert redacted["incidents"][0]["province"] == "Tianjin"
    assert redacted["incidents"][0]["start"] == {"date": "2015-08", "approximate": False}
    assert redacted["consent"] == {**report["consent"], "never_disclose": "[withheld]"}
    for key in ("schema", "kind", "form_language", "follow_up_of"):
        assert redacted[key] == report[key]
    assert redacted["un_cooperation"]["body"] == "special_procedures"
    assert redacted["victim"]["status"] == "detained" and redacted["victim"]["age"] == "40–49"
    assert redacted["attachments"][0]["size"] == 1234
    assert report == wang_case()[0], "the input report is not changed"


def test_the_uyghur_case_catches_every_dot_and_romanisation():
    report, register = ilham_case()
    proposals = propose(report, register, "reprisals-report")
    redacted = apply(report, proposals, accept_all(proposals))
    narrative = redacted["incidents"][0]["narrative"]
    assert narrative.count("Person A (victim)") == 7
    assert "Person B (victim's daughter)" in narrative
    assert "[text in Arabic script withheld]" in narrative
    assert "Uighurbiz.net" not in redacted["victim"]["human_rights_work"]
    assert "120 人中有 7 人" in narrative and "for 20 years" in narrative  # counts are not numbers to hide


def test_the_tibetan_case_with_staff_alias_and_tibetan_script():
    report, register = tashi_case()
    proposals = propose(report, register, "reprisals-report")
    redacted = apply(report, proposals, accept_all(proposals))
    narrative = redacted["incidents"][0]["narrative"]
    assert narrative.count("Person A (victim)") == 5
    assert "[text in Tibetan script withheld]" in narrative
    assert "Qinghai" in narrative and "Yushu" not in narrative  # the city generalises to its province
    assert remaining_spellings(redacted, ["EF1260892", "123456", "青K·12345", "梁小军"]) == []


# --- Determinism ----------------------------------------------------------------------------

def reversed_keys(value):
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_runs_give_identical_proposals_and_output(case):
    report, register = CASES[case]()
    again, register_again = CASES[case]()
    first = propose(report, register, "reprisals-report")
    second = propose(again, register_again, "reprisals-report")
    assert first == second
    assert len({p.id for p in first}) == len(first)
    assert apply(report, first, accept_all(first)) == apply(again, second, accept_all(second))
    shuffled = propose(reversed_keys(report), register, "reprisals-report")
    assert [p.id for p in shuffled] == [p.id for p in first]


def test_same_value_in_any_spelling_gets_the_same_pseudonym():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    by_original = {}
    for p in proposals:
        by_original.setdefault(p.replacement, set()).add(p.original)
    assert {"王全璋", "Wang Quanzhang", "Wang Quan-zhang", "Quanzhang Wang", "WANG Quanzhang",
            "Wáng Quánzhāng"} <= by_original["Person A (victim)"]
    phones = {p.replacement for p in proposals if p.kind == "phone" and "1234 5678" in normalize(p.original).text.replace("\u200b", "")}
    assert phones <= {"Phone 1", "Phone 2"}


# --- The review model -----------------------------------------------------------------------

def test_unreviewed_proposals_block_apply_unless_forced():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    decisions = accept_all(proposals[1:])
    assert unreviewed(proposals, decisions) == [proposals[0]]
    with pytest.raises(UnreviewedProposals) as error:
        apply(report, proposals, decisions)
    assert error.value.proposals == [proposals[0]] and "--force" in error.value.hint
    assert apply(report, proposals, decisions, force=True) == apply(report, proposals, accept_all(proposals))


def test_a_rejected_proposal_keeps_the_text_and_a_nested_one_then_applies():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    contact = [p for p in proposals if p.path == "reporter.contact_details"]
    whole = next(p for p in contact if p.detector == "field")
    inner = next(p for p in contact if p.kind == "phone")
    assert inner.start > whole.start and inner.end == whole.end
    decisions = accept_all(proposals)
    assert apply(report, proposals, decisions)["reporter"]["contact_details"] == "[contact details withheld]"
    decisions[whole.id] = "reject"
    assert apply(report, proposals, decisions)["reporter"]["contact_details"] == "Signal: Phone 2"
    decisions[inner.id] = "reject"
    assert apply(report, proposals, decisions)["reporter"]["contact_details"] == "Signal: +86 139 1234 5678"


def test_manual_replacements_and_their_errors():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    manual = [{"path": "*", "text": "步行", "replacement": "travelled"},
              {"path": "victim.health", "text": "x", "replacement": "y"}]
    with pytest.raises(RedactionError, match="not found"):
        apply(report, proposals, accept_all(proposals), manual)
    redacted = apply(report, proposals, accept_all(proposals), manual[:1])
    assert "步行" not in redacted["incidents"][0]["narrative"] and "travelled" in redacted["incidents"][0]["narrative"]
    with pytest.raises(RedactionError, match="unknown decision"):
        apply(report, proposals, {p.id: "yes" for p in proposals})
    changed = copy.deepcopy(report)
    changed["incidents"][0]["narrative"] = "x" + changed["incidents"][0]["narrative"]
    with pytest.raises(RedactionError, match="does not match incidents"):
        apply(changed, proposals, accept_all(proposals))


def test_proposals_carry_path_span_context_and_detector():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    for p in proposals:
        text = report
        for step in re.findall(r"[^.\[\]]+|\[\d+\]", p.path):
            text = text[int(step[1:-1])] if step.startswith("[") else text[step]
        assert text[p.start:p.end] == p.original and p.span == (p.start, p.end)
        assert p.original in p.context and len(p.context) <= len(p.original) + 60
        assert re.fullmatch("[0-9a-f]{16}", p.id) and p.detector
    ids = [p for p in proposals if p.kind == "resident_id" and p.path.endswith("narrative")]
    assert [normalize(p.original).text for p in ids] == [LI_ID]  # the zero-width space is inside the span
    json.dumps([p.__dict__ for p in proposals])  # plain data, ready for a review screen


def test_the_leak_check_finds_what_a_rejection_left_and_what_a_zero_width_space_hides():
    report, register = wang_case()
    proposals = propose(report, register, "reprisals-report")
    decisions = accept_all(proposals)
    kept = next(p for p in proposals if p.original == "Wang Quan-zhang")
    decisions[kept.id] = "reject"
    redacted = apply(report, proposals, decisions)
    assert [(leak.text, leak.reason) for leak in leaks(redacted, register, proposals, decisions)] == [
        ("Wang Quan-zhang", "register:person-1")]
    redacted = apply(report, proposals, accept_all(proposals))
    redacted["remedies"]["domestic"] = "Appealed for 王\u200b全璋, tel. １３８１２３４５６７８."
    assert [(leak.path, leak.text) for leak in leaks(redacted, register, proposals)] == [
        ("remedies.domestic", "王\u200b全璋"), ("remedies.domestic", "１３８１２３４５６７８")]
