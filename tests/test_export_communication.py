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
    assert "- On the form: the person concerned" in text and "MISSING: a consent record" in text
    assert "周明辉" not in text and "Zhou Minghui" not in text
