"""The joint communication on the realistic detained-lawyer case of test_export_formats."""

from intake.desk.exports.communication import joint_communication
from intake.desk.organisation import Organisation
from test_export_formats import lawyer, redact, view


def test_the_letter_addresses_each_confirmed_mandate_once_and_holds_the_un_link():
    raw = lawyer()
    text = joint_communication(view(raw, ["WGAD", "SR-TORTURE"]), redact(raw, "un-sp"), Organisation())
    head = text.split("## 1.")[0]
    assert head.count("(WGAD)") == 1 and head.count("(SR-TORTURE)") == 1
    assert "Officers asked him who helped him write to the Special Rapporteur." in text
    facts = text.split("## 3.")[1].split("## 4.")[0]
    assert "Sleep deprivation during interrogation." in facts and "refused a visit" in facts
    assert "MISSING: the submitting organisation's name" in text
    assert "- On the form: a family member agreed" in text and "MISSING: a consent record" in text
    assert "周明辉" not in text and "Zhou Minghui" not in text


def section(text: str, title: str) -> str:
    """The body of the letter's section `title` (up to the next section)."""
    start = next(line for line in text.splitlines() if line.startswith("## ") and line.endswith(title))
    return text.split(start, 1)[1].split("\n## ", 1)[0]


def test_the_arrest_the_charges_and_the_response_fill_their_sections_and_the_wgad_annex():
    raw = lawyer()
    raw["victim"].update(detention_kind="rsdl", arrest_date="2026-01-19", arrest_place="家中 at home",
                         charges=["subversion", "pretext"], charges_wording="煽动颠覆国家政权罪")
    raw["remedies"]["response"] = "The procuratorate refused to register the complaint."
    raw["un_cooperation"].update(government_replied="no", earlier_sg_report="yes", earlier_sg_report_year="2024")
    text = joint_communication(view(raw, ["WGAD", "SR-TORTURE"]), redact(raw, "un-sp"), Organisation())
    legal = section(text, "Legal basis invoked by the authorities")
    assert "- Charges: subversion of state power, or inciting it (PRC Criminal Law, art. 105); a pretext charge" in legal
    assert "- Charge as written or read out: 煽动颠覆国家政权罪" in legal and "MISSING" not in legal
    remedies = section(text, "Domestic remedies and government response")
    assert "> The procuratorate refused to register the complaint." in remedies
    un = section(text, "UN cooperation and the reprisal link")
    assert "- Government reply to an earlier UN communication: no" in un
    assert "- In an earlier Secretary-General's report on reprisals: yes, the 2024 report" in un
    victim = section(text, "Alleged victim(s) and related persons")
    assert "- Date of arrest, or when the detention began: 2026-01-19" in victim and "家中 at home" in victim
    # The WGAD asks all of these; the letter's body gives them, so its annex does not repeat them.
    for line in ("- Date of arrest, or when the detention began: 2026-01-19", "- Kind of place of detention: residential "
                 "surveillance at a designated location", "- Charges: subversion of state power",
                 "> The procuratorate refused to register the complaint."):
        assert text.count(line) == 1 and line in text.split("## Annex: WGAD", 1)[0], line


def test_without_the_new_answers_the_letter_asks_for_the_legal_basis_as_before():
    raw = lawyer()
    raw["incidents"][0]["legal_basis"] = ""
    text = joint_communication(view(raw, ["WGAD"]), redact(raw, "un-sp"), Organisation())
    assert "- MISSING: the charges or the law the authorities invoked" in section(text, "Legal basis invoked by the authorities")
    assert "Kind of place of detention" not in text and "Government reply" not in text


def test_an_annex_drops_only_what_the_body_says_not_a_fact_worded_like_another():
    raw = lawyer()
    raw["un_cooperation"]["government_replied"] = ""
    raw["staff_facts"] = {"government_replied": "yes", "family_contact": "yes"}
    text = joint_communication(view(raw, ["WGEID"]), redact(raw, "un-sp"), Organisation())
    said = "yes (according to the submitting organisation)"
    assert f"- Government reply to an earlier UN communication: {said}" in text.split("## Annex", 1)[0]
    annex = text.split("## Annex: WGEID", 1)[1]
    assert f"- The organisation keeps in contact with the family and will relay the Government's replies: {said}" in annex
    # The same account quoted again under the annex's own heading is said once, in the body.
    assert text.count("Officers asked him who helped him write to the Special Rapporteur.") == 1
