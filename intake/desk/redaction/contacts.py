"""Ways to reach a person: phones, QQ, WeChat, e-mail, social handles, links, IP addresses.

Phones go through libphonenumber (phonenumberslite: no geocoder or carrier data, which we do not
need), once per default region. The region governs numbers written without +/00; an
international number matches under any region. Mainland China is the main region; a local-format
number of Hong Kong, Macau or Taiwan (8–10 digits, easily a date or a count) counts only after a
word such as 电话 or "phone", and is otherwise left to the catch-all for long numbers.
"""

import ipaddress
import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from .finding import AFTER, BEFORE, Finding, context_before

PHONE_REGIONS = ("CN", "HK", "MO", "TW")
PHONE_WORDS = ("电话", "電話", "手机", "手機", "号码", "號碼", "致电", "联系", "聯繫", "座机", "tel", "phone",
               "mobile", "call", "whatsapp", "signal", "telegram", "香港", "澳门", "澳門", "台湾", "臺灣", "台灣")
# Mainland mobiles that libphonenumber may skip when glued to letters ("tel13812345678").
CN_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
# Any number written as international (+ or 00, a country code, then digits in any spacing):
# who has it can reach the person, whether or not libphonenumber knows the range.
INTERNATIONAL = re.compile(r"(?<![0-9A-Za-z+])(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-\u2010-\u2015]?\(?[0-9]+\)?){2,8}(?![0-9])")
QQ = re.compile(r"(?:(?<![A-Za-z])(?i:qq)|扣扣|企鹅号?|企鵝號?)\s*(?:号码?|號碼?|(?i:no\.?|number|id))?\s*[:：]?\s*"
                r"([1-9][0-9]{4,11})(?![0-9])")
WECHAT = re.compile(r"(?:(?<![A-Za-z])(?i:wechat|weixin|wx|vx)|微信|V信)\s*(号|號|(?i:id))?\s*([:：])?\s*"
                    r"([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])")
WXID = re.compile(BEFORE + r"wxid_[a-z0-9]{6,}" + AFTER)
# ASCII only: Python's \w includes Hanzi and would swallow the sentence before the address.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])")
HANDLE = re.compile(r"(?<![A-Za-z0-9_.@])@[A-Za-z0-9_]{3,32}(?![A-Za-z0-9_@])")
# Links, and bare domains with a common ending ("Uighurbiz.net"): a website can name its owner.
URL = re.compile(r"(?i)(?:https?://|www\.)[!-~]+|(?<![A-Za-z0-9@.-])(?:[a-z0-9-]+\.)+(?:com|org|net|cn|hk|tw|io|me|info|co|uk)"
                 r"(?:/[!-~]*)?(?![A-Za-z0-9-])")
IPV4 = re.compile(r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])")
IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")


# Where a phone number may be: a run of digits and the punctuation written between them, with at
# least 5 digits. libphonenumber is slow on text with many short numbers (dates, counts), so it
# reads only these runs, each with enough of the text around it to judge its edges and extension.
_DIGIT_RUN = re.compile(r"[+(\[]?[0-9](?:[0-9\s().\[\]/~\-\u2010-\u2015\u2212\u30fc]*[0-9])?")
_AROUND = 24


def _phone_windows(text: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in _DIGIT_RUN.finditer(text):
        if sum(c.isdigit() for c in m.group()) < 5:
            continue
        start, end = max(0, m.start() - _AROUND), min(len(text), m.end() + _AROUND)
        if windows and start <= windows[-1][1]:  # close together: one window, each number read once
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def phones(text: str, regions: tuple[str, ...] = PHONE_REGIONS) -> Iterator[Finding]:
    windows = _phone_windows(text)
    for region in regions:
        for start, end in windows:
            for found in PhoneNumberMatcher(text[start:end], region, leniency=Leniency.VALID):
                at = start + found.start
                international = found.raw_string.lstrip("( ").startswith(("+", "00"))
                if region == regions[0] or international or context_before(text, at, PHONE_WORDS, 12):
                    e164 = phonenumbers.format_number(found.number, PhoneNumberFormat.E164)
                    yield Finding(at, start + found.end, "phone", e164, f"phonenumbers:{region}")
    for m in INTERNATIONAL.finditer(text):  # libphonenumber refuses a number it thinks unassigned or mistyped
        digits = re.sub("[^0-9]", "", m.group())
        if 8 <= len(digits) <= 15:
            yield Finding(m.start(), m.end(), "phone", "+" + digits.removeprefix("00") if m.group().startswith("00")
                          else "+" + digits, "international_number")
    for m in CN_MOBILE.finditer(text):
        digits = re.sub("[^0-9]", "", m.group())
        yield Finding(m.start(), m.end(), "phone", "+86" + digits[-11:], "cn_mobile")


def messaging(text: str) -> Iterator[Finding]:
    for m in QQ.finditer(text):
        yield Finding(m.start(1), m.end(1), "qq", m.group(1), "qq_context")
    for m in WECHAT.finditer(text):
        colon, handle = m.group(2), m.group(3)
        # After "WeChat" an English word may follow ("WeChat account"): ask for a colon, a digit
        # or _/-, or a Chinese label written straight against the ID (微信号abc_def).
        glued = m.group().startswith(("微信", "V信")) and not re.search(r"\s", text[m.start():m.start(3)])
        if colon or glued or re.search("[0-9_-]", handle):
            yield Finding(m.start(3), m.end(3), "wechat", handle.lower(), "wechat_context")
    for m in WXID.finditer(text):
        yield Finding(m.start(), m.end(), "wechat", m.group().lower(), "wxid")


def addresses(text: str) -> Iterator[Finding]:
    for m in EMAIL.finditer(text):
        yield Finding(m.start(), m.end(), "email", m.group().lower(), "email")
    for m in HANDLE.finditer(text):
        yield Finding(m.start(), m.end(), "handle", m.group().lower(), "handle")
    for m in URL.finditer(text):
        url = m.group().rstrip(".,;:!?)]}'\"")
        yield Finding(m.start(), m.start() + len(url), "url", url.lower(), "url")
    for pattern in (IPV4, IPV6):
        for m in pattern.finditer(text):
            try:
                address = ipaddress.ip_address(m.group())
            except ValueError:
                continue
            yield Finding(m.start(), m.end(), "ip", address.compressed, "ip")


DETECTORS = (phones, messaging, addresses)
