"""Phone numbers of Hong Kong, Taiwan and the countries where the diaspora lives, in free text,
in any spacing: each is proposed whole, with one pseudonym for every spelling of the same number."""

import re

import pytest

from intake.desk.redaction import Register, propose

# (country code, national number as digit groups): Hong Kong, Taiwan (mobile and Taipei), the UK
# (London, a mobile, and one in the range kept for fiction, which libphonenumber calls unassigned),
# the US and Canada, Germany (Berlin, a mobile), Australia (Sydney, a mobile).
NUMBERS = [("852", ("9123", "4567")), ("886", ("912", "345", "678")), ("886", ("2", "2345", "6789")),
           ("44", ("20", "7946", "0958")), ("44", ("7911", "123456")), ("44", ("7700", "900123")),
           ("1", ("415", "555", "2671")), ("1", ("604", "555", "0199")), ("49", ("30", "901820")),
           ("49", ("151", "23456789")), ("61", ("2", "9374", "4000")), ("61", ("412", "345", "678"))]
SPACINGS = {
    "spaces": lambda cc, groups: f"+{cc} {' '.join(groups)}",
    "none": lambda cc, groups: f"+{cc}{''.join(groups)}",
    "hyphens": lambda cc, groups: f"+{cc}-{'-'.join(groups)}",
    "dots": lambda cc, groups: f"+{cc}.{'.'.join(groups)}",
    "00 prefix": lambda cc, groups: f"00{cc} {' '.join(groups)}",
    "brackets": lambda cc, groups: f"(+{cc}) {' '.join(groups)}",
}
SENTENCES = ("她在海外的电话是{}，请不要打。", "Her brother abroad can be called on {} after 6 pm.", "联系方式：{}")


def _phones(text: str):
    return [p for p in propose({"narrative": text}, Register(), "un-sp") if p.kind == "phone"]


@pytest.mark.parametrize("cc,groups", NUMBERS, ids=lambda v: v if isinstance(v, str) else "-".join(v))
@pytest.mark.parametrize("spacing", SPACINGS)
def test_every_diaspora_number_is_proposed_whole_in_any_spacing(cc, groups, spacing):
    number = SPACINGS[spacing](cc, groups)
    digits = cc + "".join(groups)
    for sentence in SENTENCES:
        text = sentence.format(number)
        found = _phones(text)
        assert any(digits in re.sub("[^0-9]", "", p.original) for p in found), (text, [p.original for p in found])
        covered = [p for p in found if digits in re.sub("[^0-9]", "", p.original)]
        assert all(p.replacement.startswith("Phone") for p in covered)


def test_one_number_in_two_spellings_gets_one_pseudonym():
    text = "Call +44 7911 123456 or 0044-7911-123456; 香港 +852 9123 4567 / +85291234567."
    found = _phones(text)
    labels = {re.sub("[^0-9]", "", p.original).removeprefix("00"): p.replacement for p in found}
    assert labels["447911123456"] != labels["85291234567"]
    assert len({p.replacement for p in found}) == 2


def test_numbers_that_are_not_phones_are_not():
    for text in ("He was held for +3 days in 2019-2024.", "第3条，2023年5月1日，共12人", "Room +1 2 on floor 3"):
        assert _phones(text) == [], text
