"""Spellings of Chinese personal names: Hanzi to pinyin forms, and a pinyin name to its variants.

A Han name is surname first (王 + 全璋). Reporters and the press write it "Wang Quanzhang",
"Quanzhang Wang", "WANG Quanzhang", "Wang Quan-zhang", "Wang Quan Zhang", "Wáng Quánzhāng" or in
Wade-Giles, "Wang Ch'üan-chang". Minority names written in Hanzi are transliterations, with a middle
dot between the parts for Uyghur names (伊力哈木·土赫提: the dot has several code points) and
usually none for Tibetan ones (扎西文色); their pinyin ("Yilihamu Tuheti", "Zhaxi Wense") is what
Chinese documents romanise them as. The register matches on folded keys (normalize.fold), so case,
spaces, hyphens and tone marks are already ignored there; the variants listed here are the
distinct spellings staff see, and they also cover word order and romanisation systems.

pypinyin reads its dictionaries from its own package and writes nothing (jieba, which would write
a cache file in the temp directory, is loaded without one: segmenter.py).
"""

import re

from pypinyin import Style, pinyin
from pypinyin.style import convert
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from .normalize import MIDDLE_DOTS, is_cjk
from .surnames import COMPOUND_SURNAMES

DOT_FORMS = ("·", "・", "•", "‧", "")  # U+00B7, U+30FB, U+2022, U+2027, none
# First parts of Tibetan names as written in Hanzi: these names have no surname to put last.
TIBETAN_PARTS = frozenset(
    "扎西 多吉 卓玛 次仁 丹增 旦增 格桑 索朗 尼玛 达瓦 平措 洛桑 晋美 拉姆 央金 贡布 才让 才旦 更登 仁青 益西 阿旺 土登 "
    "顿珠 群培 强巴 嘉措 班丹 次旦 索南 德吉 白玛 贡觉 曲珍 桑杰".split())
# Surnames read differently from the same character in other words (pypinyin gives the common reading).
SURNAME_READINGS = {"单": ("shan", "shàn"), "曾": ("zeng", "zēng"), "解": ("xie", "xiè"), "区": ("ou", "ōu"),
                    "仇": ("qiu", "qiú"), "朴": ("piao", "piáo"), "查": ("zha", "zhā"), "盖": ("ge", "gě"),
                    "乐": ("yue", "yuè"), "缪": ("miao", "miào"), "覃": ("qin", "qín"), "翟": ("zhai", "zhái"),
                    "种": ("chong", "chóng"), "尉迟": ("yuchi", "yùchí"), "长孙": ("zhangsun", "zhǎngsūn")}


def _syllables() -> frozenset[str]:
    # The dictionary maps ~40,000 characters to ~8,600 distinct reading lists: fold those once.
    readings = {reading for readings in set(pinyin_dict.values()) for reading in readings.split(",")}
    found = {to_normal(reading).replace("ü", "v") for reading in readings}
    # Drop the vowel-less interjections (m, n, ng, hm…), which would make any consonant cluster
    # look like pinyin, and the one-letter syllables (a, e, o), rare in names.
    return frozenset(s for s in found if s.isascii() and len(s) > 1 and re.search("[aeiouv]", s))


SYLLABLES = _syllables()


def split_syllables(token: str) -> list[str] | None:
    """Split a Latin token into pinyin syllables ("quanzhang" -> quan, zhang), or None if it is not pinyin."""
    token = token.lower().replace("ü", "v")
    best: list[list[str] | None] = [[]] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 6), end):
            prefix, current = best[start], best[end]
            if prefix is not None and token[start:end] in SYLLABLES and (current is None or len(prefix) + 1 < len(current)):
                best[end] = prefix + [token[start:end]]  # the fewest syllables: "xian" is xian, not xi-an
    return best[len(token)]


def _title(syllables: list[str]) -> str:
    return "".join(syllables).replace("v", "ü").capitalize()


def pinyin_name_variants(surname: list[str], given: list[str]) -> list[str]:
    """Variants of a surname-first pinyin name, given as lists of syllables."""
    s, g = _title(surname), _title(given)
    hyphened = "-".join(given).replace("v", "ü").capitalize()
    spaced = " ".join(x.replace("v", "ü").capitalize() for x in given)
    out = [f"{s} {g}", f"{g} {s}", f"{s.upper()} {g}", f"{s} {hyphened}", f"{s} {spaced}", f"{hyphened} {s}",
           f"{s}{g}"]
    if "v" in "".join(surname + given):  # ü is also typed as v or u
        out += [v.replace("ü", "v") for v in out] + [v.replace("ü", "u") for v in out]
    return out


def latin_name_variants(spelling: str) -> list[str] | None:
    """Variants of a pinyin name typed in Latin letters ("Wang Quanzhang"), or None if not pinyin."""
    tokens = [t for t in re.split(r"[\s\-]+", spelling.strip()) if t]
    if len(tokens) < 2 or not all(t.isascii() and t.isalpha() for t in tokens):
        return None
    parts: list[list[str]] = []
    for t in tokens:
        syllables = split_syllables(t)
        if syllables is None:
            return None
        parts.append(syllables)
    surname, given = parts[0], [syl for p in parts[1:] for syl in p]
    return pinyin_name_variants(surname, given)


def split_han_name(name: str) -> list[str]:
    """The parts of a Hanzi name: split at a middle dot, else Tibetan first part, else surname."""
    dotted = [p for p in re.split(f"[{MIDDLE_DOTS}.]", name) if p]
    if len(dotted) > 1:
        return dotted
    if name[:2] in TIBETAN_PARTS and len(name) > 2:
        return [name[:2], name[2:]]
    if len(name) <= 4:
        cut = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        return [name[:cut], name[cut:]] if len(name) > cut else [name]
    return [name]


def reading(part: str, style: Style = Style.NORMAL, surname: bool = False) -> list[str]:
    """The pinyin syllables of a Hanzi part, in its usual reading (heteronyms would invent names)."""
    if surname and part in SURNAME_READINGS:
        normal, tone = SURNAME_READINGS[part]
        return split_syllables(normal) or [normal] if style == Style.NORMAL else [tone]
    syllables = [s[0] for s in pinyin(part, style=style, errors="ignore")]
    return [s.replace("ü", "v") for s in syllables] if style == Style.NORMAL else syllables


def han_name_variants(name: str) -> list[str]:
    """Spellings of a person's name written in Hanzi: dot forms, pinyin, tone marks, Wade-Giles."""
    if not name or not all(is_cjk(c) or c in MIDDLE_DOTS + "." for c in name):
        return []
    parts = split_han_name(name)
    minority = len(parts) > 1 and (parts[0] in TIBETAN_PARTS or any(c in MIDDLE_DOTS + "." for c in name))
    out: list[str] = [dot.join(parts) for dot in DOT_FORMS] if minority else [name]
    if len(parts) == 2 and not minority:
        out += pinyin_name_variants(reading(parts[0], surname=True), reading(parts[1]))
        tones = [reading(parts[0], Style.TONE, surname=True), reading(parts[1], Style.TONE)]
        out.append(" ".join("".join(t).capitalize() for t in tones))
        # Wade-Giles from the same syllables, so that surname readings apply (pypinyin writes ü as v).
        wade = [[convert(s, Style.WADEGILES, True).replace("v", "ü") for s in reading(p, surname=i == 0)]
                for i, p in enumerate(parts)]
        out.append(f"{''.join(wade[0]).capitalize()} {'-'.join(wade[1]).capitalize()}")
    else:  # a transliteration: the parts keep their order
        romanised = [_title(reading(p)) for p in parts]
        out += [" ".join(romanised), "".join(romanised)]
    return out
