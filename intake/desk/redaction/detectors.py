"""Pattern detectors, and the one call that runs them all over a normalised text.

Identifiers (ids.py, contacts.py, plates and court case numbers here) are proposed in every
profile. Places are proposed only where the profile generalises them: cities and provinces from
the built-in table (provinces.py), and names that end in an administrative or institutional
suffix (阿坝县, 格尔登寺, 天津市第二看守所, "Drapchi Prison"). Runs of Tibetan, Arabic (Uyghur)
or Mongolian script are always proposed: nothing here can read them, so a person must.
"""

import re
from collections.abc import Iterable, Iterator

from . import contacts, ids, segmenter
from .finding import AFTER, Finding
from .generalise import dates
from .normalize import is_cjk, match_key
from .profiles import Profile
from .provinces import find_places, is_province_name
from .spans import take_disjoint

PLATE = re.compile(r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])([A-Z])[·・•‧ ]?([A-Z0-9]{5,6})" + AFTER)
# (2023)川32刑初12号, (2023)京0105刑初123号; and decisions such as 京公海行罚决字〔2019〕1234号.
CASE_NUMBER = re.compile(r"[(〔\[【][12][0-9]{3}[)〕\]】][\u4e00-\u9fff]{1,3}[0-9]{0,6}[\u4e00-\u9fff]{1,6}[0-9]{1,6}号")
DECISION_NUMBER = re.compile(r"[(〔\[【][12][0-9]{3}[)〕\]】][0-9]{1,6}号")
# Characters a name does not run back over: particles, pronouns, verbs of moving and holding.
_STOP = frozenset("的了在到于从被把和与及向对将给收是由为经这那他她们个我你其该本此每各进入往关押送去回来出住,.;:!?、() "
                  "於從對將給這們個為經進關來與")  # the same words in traditional characters
_ADMIN = frozenset("省市县区州镇乡村")
SCRIPTS = (("Tibetan", r"[\u0f00-\u0fff]"), ("Arabic", r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
           ("Mongolian", r"[\u1800-\u18af]"))
# Suffix -> kind. Multi-character suffixes are specific; one-character ones need a 2–4 Hanzi name.
CJK_SUFFIXES = {"律师事务所": "organisation", "律所": "organisation", "看守所": "place", "拘留所": "place",
                "派出所": "place", "监狱": "place", "公安局": "organisation", "公安分局": "organisation",
                "国保大队": "organisation", "法院": "organisation", "检察院": "organisation", "大学": "organisation",
                "中学": "organisation", "小学": "organisation", "医院": "place", "精神病院": "place",
                "寺": "place", "县": "place", "乡": "place", "镇": "place", "村": "place", "市": "place", "区": "place",
                # Traditional forms, and the workplaces, schools, media and groups that identify someone.
                "律師事務所": "organisation", "監獄": "place", "醫院": "place", "檢察院": "organisation",
                "國保大隊": "organisation", "大學": "organisation", "中學": "organisation", "小學": "organisation",
                "學校": "organisation", "学校": "organisation", "縣": "place", "鄉": "place", "鎮": "place", "區": "place",
                "机场": "place", "機場": "place", "书店": "organisation", "書店": "organisation", "日报": "organisation",
                "日報": "organisation", "报社": "organisation", "報社": "organisation", "出版社": "organisation",
                "联合会": "organisation", "聯合會": "organisation", "协会": "organisation", "協會": "organisation",
                "研究所": "organisation", "研究中心": "organisation", "公司": "organisation", "集团": "organisation",
                "集團": "organisation", "居委会": "organisation", "居委會": "organisation", "村委会": "organisation",
                "街道": "place", "社区": "place", "社區": "place", "小区": "place", "路": "place", "街": "place",
                "戒毒所": "place", "劳教所": "place", "勞教所": "place", "留置点": "place", "法庭": "organisation",
                "留置點": "place", "安全局": "organisation", "公安厅": "organisation", "公安廳": "organisation",
                "拘留中心": "place", "培训中心": "place", "培訓中心": "place", "科学院": "organisation",
                "科學院": "organisation", "研究院": "organisation", "学院": "organisation", "學院": "organisation",
                "基金": "organisation", "基金会": "organisation", "基金會": "organisation", "阵线": "organisation",
                "陣線": "organisation", "联盟": "organisation", "聯盟": "organisation",
                # Hong Kong's remand and correctional centres.
                "收押所": "place", "懲教所": "place", "惩教所": "place"}
# The words before these name the group a person founded, leads or belongs to: 六四天网创办人,
# 香港眾志秘書長, 长沙富能的负责人.
ZH_ORG_CUE = re.compile("的?(?:前)?(?:副)?(?:创办人|創辦人|创始人|創始人|召集人|负责人|負責人|秘书长|秘書長|主席|成员|成員|主编|主編)")
# A one-character suffix that begins a common word is not a suffix: 市场, 区别, 村民, 街头…
_NOT_SUFFIX = ("市场", "市場", "市民", "区别", "區別", "区域", "區域", "村民", "县城", "縣城", "镇压", "鎮壓", "乡下", "路上",
               "路线", "路線", "街头", "街頭", "街上")
LATIN_PLACE = re.compile(
    r"(?<![A-Za-z])((?:(?:[A-Z][a-z'’-]+|No\. ?[0-9]+|[0-9]+) ){1,5})(County|Prefecture|Township|Village|Town|Monastery|Prison"
    r"|(?:Women's |Men's )?Prison|Detention Cent(?:re|er)|Police Station|Public Security Bureau|PSB|(?i:law firm)"
    r"|University(?: of [A-Z][a-z]+(?:(?: and| &)? [A-Z][a-z]+){0,4})?|Hospital"
    r"|(?:Intermediate |High |District |County )?People's Court|Courts?"
    r"|(?:International )?Airport|Alliance|Daily|Books|Bookstore|School|Middle School|Institute|Company|Group"
    r"|Street|Road|Committee|Association|Centre|Center|Times|News|Post|Fund|Foundation|Front|Watch|Congress|Network|Party"
    r"|State Security Bureau|Security Bureau)(?![A-Za-z])")
_LATIN_ORGS = ("Law Firm", "University", "Public Security Bureau", "PSB", "Court", "Courts", "Alliance", "Daily", "Books", "School",
               "Institute", "Company", "Group", "Committee", "Association", "Times", "News", "Post", "Fund", "Foundation",
               "Front", "Watch", "Congress", "Network", "Party", "Security Bureau")
# "founder of X", "vice-chair of the X": the capitalised words after name an organisation.
# A name may hold "and", "of", "for" between its capitalised words (Civil Rights and Livelihood Watch).
LATIN_ORG_CUE = re.compile(r"(?i:founder|co-founder|member|chair|vice-chair|chairman|director|secretary-general|head|editor"
                           r"|employee|staff|leader|spokesperson|president|vice-president|convenor|convener|spokesman"
                           r"|spokeswoman)s? of (?:the )?((?:[A-Z][A-Za-z'’-]*|[0-9]+)(?: (?:(?:and|of|for|&) )?"
                           r"(?:[A-Z][A-Za-z'’-]*|[0-9]+)){0,5})")
_NOT_NAMES = frozenset("The A An In At On To From His Her Their Our My Its This That Local Same".split())


def plates(text: str) -> Iterator[Finding]:
    for m in PLATE.finditer(text):
        if sum(c.isdigit() for c in m.group(3)) >= 2:
            value = m.group(1) + m.group(2) + m.group(3)
            yield Finding(m.start(), m.end(), "plate", value, "cn_plate")


def case_numbers(text: str) -> Iterator[Finding]:
    for m in CASE_NUMBER.finditer(text):
        yield Finding(m.start(), m.end(), "case_number", m.group(), "court_case")
    for m in DECISION_NUMBER.finditer(text):
        start = _name_start(text, m.start(), 10, False)  # the issuing office's abbreviation
        yield Finding(start, m.end(), "case_number", text[start:m.end()], "decision_number")


def scripts(text: str) -> Iterator[Finding]:
    for name, letter in SCRIPTS:
        for m in re.finditer(rf"{letter}+(?:[\s\u0f0b-\u0f14]*{letter}+)*", text):
            yield Finding(m.start(), m.end(), "unread_script", name, "script_run",
                          f"[text in {name} script withheld]")


def place_names(text: str) -> Iterator[Finding]:
    for hit in find_places(text):
        end = hit.end + (1 if hit.is_city and text[hit.end:hit.end + 1] == "市" else 0)
        if hit.is_city:  # a province stays as it is; a city becomes its province
            yield Finding(hit.start, end, "place", hit.province.en, "gazetteer", hit.province.name_like(text[hit.start:end]))
    for suffix, kind in CJK_SUFFIXES.items():
        facility = len(suffix) > 1  # 天津市第二看守所 keeps its city; 武侯区 stops at 成都市
        longest = 16 if facility else 4
        for m in re.finditer(re.escape(suffix), text):
            if not facility and text[m.start():m.start() + 2] in _NOT_SUFFIX:
                continue
            start = _name_start(text, m.start(), longest + 1, not facility, digits=facility)
            candidate = text[start:m.end()]
            if 2 <= m.start() - start <= longest and not is_province_name(candidate) and not _is_city(candidate):
                yield Finding(start, m.end(), kind, match_key(candidate), "place_suffix")
    for m in ZH_ORG_CUE.finditer(text):
        start = _name_start(text, m.start(), 11, False, digits=True)
        candidate = text[start:m.start()]
        if 2 <= len(candidate) <= 10 and not _ordinary_word(candidate) and not is_province_name(candidate) \
                and not _is_city(candidate):
            yield Finding(start, m.start(), "organisation", match_key(candidate), "organisation_cue")
    for m in LATIN_PLACE.finditer(text):
        words = m.group(1).split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if words:
            start = m.start(1) + m.group(1).index(words[0])
            kind = "organisation" if any(m.group(2).endswith(o) for o in _LATIN_ORGS) else "place"
            yield Finding(start, m.end(), kind, match_key(text[start:m.end()]), "place_suffix")
    for m in LATIN_ORG_CUE.finditer(text):
        name = m.group(1).rstrip()
        if name and not is_province_name(name) and not find_places(name):
            yield Finding(m.start(1), m.start(1) + len(name), "organisation", match_key(name), "organisation_cue")


def _name_start(text: str, end: int, limit: int, stop_at_admin: bool, digits: bool = False) -> int:
    """Where a Hanzi name ending at `end` starts: CJK has no spaces, so back up to a stop
    (digits belong to a facility's name: 解放军第309医院)."""
    start = end
    while start > 0 and end - start < limit and (is_cjk(text[start - 1]) or digits and text[start - 1].isdigit()) \
            and text[start - 1] not in _STOP and not "\u3000" <= text[start - 1] <= "\u303f":  # 。「」 end a name
        if stop_at_admin and text[start - 1] in _ADMIN:
            break
        start -= 1
    return start


def _ordinary_word(text: str) -> bool:
    """国家, 公司, 学校: a common word before 主席 or 负责人, not the name of a group."""
    return segmenter.frequency(text) > 0 and segmenter.tag(text) not in ("nt", "nz", "ns")


def _is_city(text: str) -> bool:
    """成都市 is the city the gazetteer already generalises; 阿坝县 is a county to propose."""
    hits = find_places(text)
    return len(hits) == 1 and hits[0].start == 0 and text[hits[0].end:] in ("", "市")


def detect(text: str, profile: Profile, phone_regions: tuple[str, ...] = contacts.PHONE_REGIONS) -> list[Finding]:
    """All findings in a normalised text, overlaps resolved: the longest span wins, then the
    more specific detector (the order below), then the earlier start."""
    found: list[Iterable[Finding]] = [ids.resident_ids(text), ids.regional_ids(text), ids.documents(text),
                                      ids.devices(text), ids.accounts(text), contacts.phones(text, phone_regions),
                                      contacts.messaging(text), contacts.addresses(text), plates(text),
                                      case_numbers(text), scripts(text), ids.receipts(text)]
    if profile.dates != "keep":
        found.append(dates(text))
    if profile.places != "keep":
        found.append(place_names(text))
    found.append(ids.long_numbers(text))
    ranked = [(rank, f) for rank, group in enumerate(found) for f in group]
    ordered = [f for _, f in sorted(ranked, key=lambda rf: (-(rf[1].end - rf[1].start), rf[0], rf[1].start))]
    taken = take_disjoint(ordered, lambda f: (f.start, f.end))
    return sorted(taken, key=lambda f: (f.start, f.end))
