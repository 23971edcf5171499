"""Identity documents, cards and other numbers (un-procedures.md (e); redaction.md §6 rows 7–10).

Every detector reads the normalised text (ASCII digits) and validates with a checksum where one
exists, so that years, counts and dates do not turn up. A PRC resident ID encodes birth county,
date of birth and sex: it is always replaced whole, never masked in part.
"""

import re
from collections.abc import Iterator

from stdnum import iban, imei, luhn
from stdnum.cn import ric

from ...receipt import has_typo, normalize_receipt
from .finding import AFTER, BEFORE, Finding, context_before

_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
RESIDENT_ID = re.compile(BEFORE + rf"([1-9][0-9]{{5}})[ -]?((?:18|19|20)[0-9]{{2}}{_DATE})[ -]?([0-9]{{3}}[0-9Xx])" + AFTER)
RESIDENT_ID_15 = re.compile(BEFORE + rf"[1-9][0-9]{{5}}[0-9]{{2}}{_DATE}[0-9]{{3}}" + AFTER)
ID_WORDS = ("身份证", "身份證", "身份号", "公民身份", "id card", "identity card", "id number", "id no", "resident id")
HK_ID = re.compile(BEFORE + r"([A-Z]{1,2})([0-9]{6}) ?(?:\(([0-9A])\)|([0-9A]))" + AFTER)
MACAU_ID = re.compile(BEFORE + r"[157][0-9]{6} ?\([0-9]\)")
TAIWAN_ID = re.compile(BEFORE + r"[A-Z][1289][0-9]{8}" + AFTER)
_TW_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
# PRC passports: E + 8 digits, E + letter (not I/O) + 7 digits, old G + 8, service and diplomatic
# SE/PE/DE + 7, Macau MA + 7, Hong Kong K/H + 8.
PRC_PASSPORT = re.compile(BEFORE + r"(?:E[A-HJ-NP-Z][0-9]{7}|[EG][0-9]{8}|(?:SE|DE|PE|MA)[0-9]{7}|[KH][0-9]{8})" + AFTER)
# Other documents only after a word that says what they are (Indian RC/IC of Tibetans, permits…).
DOCUMENT = re.compile(
    r"(?:(?i:passport|travel document|identity certificate|refugee card|residence permit|permit)|(?<![A-Za-z])(?:RC|IC)"
    r"|护照|護照|旅行证|回乡证|回鄉證|通行证|通行證|台胞证|居留证|证件|證件)"
    r"\s*(?:(?i:no\.?|number|#)|号码?|號碼?)?\s*[:：#]?\s*([A-Za-z0-9][A-Za-z0-9-]{4,16})" + AFTER)
CARD = re.compile(BEFORE + r"(?:[0-9]{13,19}|[0-9]{4}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,3})?)" + AFTER)
CARD_WORDS = ("卡号", "卡號", "银行卡", "銀行卡", "账号", "帳號", "账户", "card", "account", "alipay", "支付宝")
IBAN = re.compile(BEFORE + r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?" + AFTER)
IMEI = re.compile(BEFORE + r"[0-9]{2}[ -]?[0-9]{6}[ -]?[0-9]{6}[ -]?[0-9]" + AFTER)
IMEI_WORDS = ("imei", "meid", "串号", "串號", "设备号", "設備號")
# Our receipt codes (intake/receipt.py), as the thanks page shows them or typed back without
# separators: a reporter may quote one in a follow-up, and it must not leave with the export.
# Three groups of seven (with the check symbol) or, issued before it, four groups of five.
RECEIPT = re.compile(BEFORE + r"(?:[0-9A-Za-z]{7}(?:[ \t\-–—]?[0-9A-Za-z]{7}){2}|[0-9A-Za-z]{5}(?:[ \t\-–—]?[0-9A-Za-z]{5}){3})" + AFTER)
_DASHED = re.compile(r"[0-9A-Za-z]{7}(?:[-–—][0-9A-Za-z]{7}){2}|[0-9A-Za-z]{5}(?:[-–—][0-9A-Za-z]{5}){3}")
# Catch-all: licence, prisoner, account numbers, IDs with a wrong check digit (A123456788).
LONG_NUMBER = re.compile(BEFORE + r"[A-Z]{0,2}[0-9]{7,}" + AFTER)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def resident_ids(text: str) -> Iterator[Finding]:
    for m in RESIDENT_ID.finditer(text):
        number = _digits(m.group())
        # A wrong check digit is still an ID when the text says so: a typo leaks the birth data too.
        if ric.calc_check_digit(number) == number[17] or context_before(text, m.start(), ID_WORDS):
            yield Finding(m.start(), m.end(), "resident_id", number, "resident_id")
    for m in RESIDENT_ID_15.finditer(text):
        yield Finding(m.start(), m.end(), "resident_id", m.group(), "resident_id_15")


def _hk_check(letters: str, digits: str) -> str:
    values = [36] * (2 - len(letters)) + [ord(c) - 55 for c in letters] + [int(d) for d in digits]
    remainder = 11 - sum(v * w for v, w in zip(values, range(9, 1, -1))) % 11
    return {10: "A", 11: "0"}.get(remainder, str(remainder))


def _taiwan_valid(number: str) -> bool:
    code = _TW_LETTERS.index(number[0]) + 10
    digits = [code // 10, code % 10] + [int(d) for d in number[1:]]
    return sum(d * w for d, w in zip(digits, (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1))) % 10 == 0


def regional_ids(text: str) -> Iterator[Finding]:
    for m in HK_ID.finditer(text):
        if _hk_check(m.group(1), m.group(2)) == (m.group(3) or m.group(4)):
            yield Finding(m.start(), m.end(), "hk_id", _digits(m.group()), "hk_id")
    for m in MACAU_ID.finditer(text):
        yield Finding(m.start(), m.end(), "macau_id", _digits(m.group()), "macau_id")
    for m in TAIWAN_ID.finditer(text):
        if _taiwan_valid(m.group()):
            yield Finding(m.start(), m.end(), "taiwan_id", m.group(), "taiwan_id")


def documents(text: str) -> Iterator[Finding]:
    for m in PRC_PASSPORT.finditer(text):
        yield Finding(m.start(), m.end(), "passport", m.group(), "prc_passport")
    for m in DOCUMENT.finditer(text):
        number = m.group(1)
        if sum(c.isdigit() for c in number) >= 4:  # "passport was taken" is not a number
            yield Finding(m.start(1), m.end(1), "passport", _digits(number), "document_context")


def accounts(text: str) -> Iterator[Finding]:
    for m in CARD.finditer(text):
        number = _digits(m.group())
        # Luhn passes one random number in ten: ask for a card prefix or a word that says "card".
        issuer = number.startswith(("62", "81", "4", "5", "34", "35", "37"))
        if 13 <= len(number) <= 19 and luhn.is_valid(number) and (issuer or context_before(text, m.start(), CARD_WORDS)):
            yield Finding(m.start(), m.end(), "bank_card", number, "bank_card")
    for m in IBAN.finditer(text):
        if iban.is_valid(m.group()):
            yield Finding(m.start(), m.end(), "iban", _digits(m.group()), "iban")


def devices(text: str) -> Iterator[Finding]:
    for m in IMEI.finditer(text):
        if imei.is_valid(m.group()) and context_before(text, m.start(), IMEI_WORDS):
            yield Finding(m.start(), m.end(), "imei", _digits(m.group()), "imei")


def receipts(text: str) -> Iterator[Finding]:
    for m in RECEIPT.finditer(text):
        typed = re.sub(r"[–—]", "-", m.group())
        # A current code with a typo in its check symbol is still withheld: it is nearly the code.
        code = normalize_receipt(typed) or (typed.upper() if has_typo(typed) else None)
        # Grouped with dashes, as the thanks page shows it, it is a code. Otherwise a digit is
        # required: four five-letter words ("there after three weeks") are not a code, and a code
        # without a digit comes up once in about 1,800.
        dashed = _DASHED.fullmatch(m.group())
        if code and (dashed or any(c.isdigit() for c in m.group())):
            yield Finding(m.start(), m.end(), "receipt", code, "receipt_code", "[receipt code withheld]")


def long_numbers(text: str) -> Iterator[Finding]:
    """7 or more digits (after up to 2 capitals) that no other detector explained: worth a look."""
    for m in LONG_NUMBER.finditer(text):
        yield Finding(m.start(), m.end(), "number", m.group(), "long_number")


DETECTORS = (resident_ids, regional_ids, documents, accounts, devices, receipts, long_numbers)
