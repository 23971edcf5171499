"""Names written in Chinese characters (simplified or traditional) in free text.

Chinese has no spaces and no capitals, so a name is a guess from evidence, scored:
- a surname from the table (surnames.py) starts it, weighed by how common it is; the given name
  is one or two characters that are not particles or pronouns;
- the segmenter (segmenter.py) treats it as one word it did not know, or as a word its
  dictionary tags as a name, and does not cut through it;
- a relation word or title is next to it (丈夫陈波, 江天勇律师), or a reporting verb follows;
- it is not an ordinary dictionary word (王国, 高兴, 马上): that counts strongly against it.
Minority names written in Hanzi are found by their form: parts joined by a middle dot
(伊力哈木·土赫提), or a first part of a Tibetan name (扎西文色). 王某某 and 李某 (names hidden by
the reporter) still give away the surname: they are proposed too.
"""

import re
from collections.abc import Iterator
from typing import NamedTuple

from . import segmenter
from .cues import zh_relation_before, zh_reporting_after, zh_title_after
from .finding import NameFinding
from .names import TIBETAN_PARTS
from .normalize import MIDDLE_DOTS
from .surnames import SURNAMES, surname_at, weight

THRESHOLD = 3.0
HANZI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Never part of a given name: particles, pronouns, common verbs and measure words.
_STOP = frozenset("的地得了着過过是在被把对對从從到给給也都就还還又说說等或并並而但这這那他她它们們我你个個吗嗎呢吧啊"
                  "和与與及向将將于於以其该該此每各有没沒不很都已")
# Tags of dictionary words that a given name is not made of: adverbs, prepositions, conjunctions,
# particles, pronouns, numerals, measure words, locality and time words.
_FUNCTION_TAGS = frozenset({"d", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "y", "e", "o", "m", "q",
                            "f", "t", "zg", "mq", "rr", "rz", "k"})
# Characters of transliterated Uyghur and Tibetan names (伊力哈木 土赫提 买买提 热依拉 扎西 文色…).
_TRANSLITERATION = frozenset("阿艾爱安奥巴拜班贝比波布才次达旦迪丁顿多尔厄法菲夫甫噶尕盖贡古哈海罕汗合赫胡华吉加嘉江杰金晋卡凯坎克"
                             "库拉喇莱兰朗勒雷里力丽利莲列林玲洛玛买麦曼美米敏明摩莫默姆穆木娜纳南尼妮努诺帕帕潘培皮平普齐其"
                             "强钦琼曲热仁日瑞萨塞赛桑色沙莎尚什斯松苏素索塔泰坦唐提土吐图托瓦娃旺威维卫文翁乌吾西希夏仙谢辛"
                             "雅亚央扬耶叶伊依益英尤玉则泽扎增珍卓孜宗祖佐措错拉姆卓嘎顿珠群次曲吉德")
_GIVEN_AFTER_CUE = frozenset("和与與")
_RARE = 20  # a dictionary word seen fewer times than this is no evidence against a name
# Words that follow a person who starts a clause: 曹顺利在…, 黄琦于…, 江天勇的妻子…
# A given name that reads as a place with the division after it: 律师向|朝阳区检察院 is "the
# lawyer, to Chaoyang District…", not a lawyer named 向朝阳 (王伟市长 stays a name: 伟市 is no place).
_DIVISION_AFTER = frozenset("区區县縣市省镇鎮乡鄉村")
_AFTER_NAME = frozenset("在于於曾已也则則被因向对對说說的和与與、，,")
_CLAUSE_END = frozenset("，,。.；;：:！!？?、（(）)“”\"「」『』 \n\t")
# Anchored at the start of a run of Hanzi and possessive: tried from every character of a long run
# without a dot, the plain form backtracks over the rest of the run each time (quadratic).
_DOTTED = re.compile(rf"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]++(?:[{MIDDLE_DOTS}.][\u4e00-\u9fff]++)+")


def _dictionary_word(word: str, seen: dict[str, tuple[int, str | None]]) -> tuple[int, str | None]:
    """The word's frequency and tag; `seen` holds the words already asked about in this text (the
    same few words are asked about at every mention of a name, and over every run of Hanzi)."""
    entry = seen.get(word)
    if entry is None:
        entry = seen[word] = (segmenter.frequency(word), segmenter.tag(word))
    return entry


class _RunWords:
    """The segmenter's words of one run of Hanzi, cut only when a candidate needs them: most
    candidates are ruled out by the dictionary and the cues alone, and segmenting is the
    engine's largest cost."""

    def __init__(self, text: str, start: int, end: int, seen: dict[str, tuple[int, str | None]]) -> None:
        self._text, self._start, self._end = text, start, end
        self.seen = seen  # dictionary words already looked up in this text (_dictionary_word)
        self._tokens: dict[int, segmenter.Token] | None = None
        self._bounds: set[int] = set()

    @property
    def tokens(self) -> dict[int, segmenter.Token]:
        return self._cut()[0]

    @property
    def bounds(self) -> set[int]:
        return self._cut()[1]

    def _cut(self) -> tuple[dict[int, segmenter.Token], set[int]]:
        if self._tokens is None:
            self._tokens = {t.start: t for t in segmenter.tokens(self._text[self._start:self._end], self._start)}
            self._bounds = set(self._tokens) | {self._end}
        return self._tokens, self._bounds


class _Evidence(NamedTuple):
    """What a candidate scores before the segmenter is asked: `words_count` says whether the
    segmenter's words still add to it (they cannot after an early verdict), `unknown_word`
    whether "a word the segmenter did not know" may be one of them."""

    score: float
    head: list[str]
    tail: list[str]
    words_count: bool = False
    unknown_word: bool = False
    overhang: int = 0  # how far the segmenter's last word may run past the end (see _pieces)
    marked: bool = False  # a relation word before or a title after

    def bound(self) -> float:
        """The most the segmenter's words could make of it: if even this is under the
        threshold, the run need not be segmented for this candidate."""
        return self.score + (2 if self.unknown_word else 0) + 1 if self.words_count else self.score


def _evidence(text: str, start: int, end: int, surname_len: int, run_end: int, cue: tuple[str, str] | None,
              share: float, seen: dict[str, tuple[int, str | None]]) -> _Evidence:
    candidate = text[start:end]
    given = candidate[surname_len:]
    # 和 and 平 are given names too (李和平, 耿和), but only a cue tells 耿和 from "王和李".
    stops = [c for c in given if c in _STOP]
    title = zh_title_after(text, end)
    if end > run_end or stops and (not (cue or title) or any(c not in _GIVEN_AFTER_CUE for c in stops)):
        return _Evidence(0.0, [], [])
    score = 0.5 + min(share, 5.0) / 5.0
    head = [f"surname {candidate[:surname_len]} ({share:g} %)"]
    if given in ("某", "某某"):
        return _Evidence(score + 3, head + ["a name the reporter shortened"], [])
    freq, tag = _dictionary_word(candidate, seen)
    unknown_word = False
    if tag in segmenter.NAME_TAGS and (freq < 300 or surname_len == 2):
        score += 1.5
        head.append("a name in the dictionary")
    elif freq > 0:
        score -= 3 if tag not in segmenter.NAME_TAGS else 1.5
        head.append("an ordinary word")
    else:
        unknown_word = True
    tail = []
    prefix_freq, prefix_tag = _dictionary_word(candidate[:2], seen)
    if len(candidate) > 2 and prefix_tag == "ns" and prefix_freq > 300:
        score -= 2  # 温州人: a place name whose first character is also a surname
        tail.append("begins with a place name")
    if len(given) == 2:
        score += 0.5  # three characters: the usual length of a Han name
    if _clause_start(text, start, cue) and text[end:end + 1] in _AFTER_NAME:
        score += 1
        tail.append(f"starts a clause, {text[end]} after")
    if candidate[0] in _STOP and not cue:
        score -= 1.5  # 和, 于, 向… are far more often the word than the surname
    if cue:
        score += 2.5
        tail.append(f"relation word {cue[0]} before")
    if title:
        score += 2
        tail.append(f"title {title[0]} after")
    if not title and len(given) == 2 and text[end:end + 1] in _DIVISION_AFTER \
            and _dictionary_word(given + text[end], seen)[0] > 0:
        score -= 4
        tail.append(f"{given}{text[end]} is a place")
    verb = zh_reporting_after(text, end)
    if verb:
        score += 1
        tail.append(f"{verb} after")
    return _Evidence(score, head, tail, True, unknown_word, len(title[0]) if title else 0, bool(cue or title))


def _score(found: _Evidence, start: int, end: int, surname_len: int, words: _RunWords) -> tuple[float, list[str]]:
    """The candidate's score and evidence, with what the segmenter's words say about it."""
    if not found.words_count:
        return found.score, found.head + found.tail
    score, middle = found.score, []
    tokens = words.tokens
    pieces = _pieces(start, end, tokens, found.overhang, found.marked)
    if found.unknown_word and pieces is not None and _unknown(pieces, start, end):
        score += 2
        middle.append("a word the segmenter did not know")
    elif found.unknown_word and (token := tokens.get(start)) is not None and token.end - token.start == surname_len:
        score += 0.5
        middle.append("the surname stands alone")
    if start in words.bounds and pieces is not None:
        score += 1
    else:
        score -= 1.5
    for at in range(start + surname_len, end):
        if at in tokens:
            word_freq, word_tag = _dictionary_word(tokens[at].word, words.seen)
            if word_tag in _FUNCTION_TAGS and word_freq > 0:
                score -= 2.5
    return score, found.head + middle + found.tail


def _clause_start(text: str, start: int, cue: tuple[str, str] | None) -> bool:
    return start == 0 or text[start - 1] in _CLAUSE_END or text[start - 1].isdigit() or cue is not None


def _pieces(start: int, end: int, tokens: dict[int, segmenter.Token], overhang: int = 0,
            marked: bool = False) -> list[segmenter.Token] | None:
    """The segmenter's words that make up [start, end), or None if it cut through the end. Its HMM
    often glues a name's last character to the particle after it (陈秋|实于, 许志|永和), and to
    what follows a relation word (妻子|陈桂秋带|着); with traditional characters, which its
    dictionary mostly lacks, to the title after it (江天|勇律師): a last word that runs one
    character past the end onto such a particle, or (after a relation word) a last word of two
    characters or more of the name plus one, or one that runs onto the title that follows
    (`overhang`: the title's length), still counts as ending there."""
    at, pieces = start, []
    while at < end and at in tokens:
        pieces.append(tokens[at])
        at = tokens[at].end
    if at == end or not pieces:
        return pieces if at == end else None
    last = pieces[-1]
    glued = at == end + 1 and (last.word[-1] in _AFTER_NAME | _STOP or marked and end - last.start >= 2)
    return pieces if glued or marked and end < at <= end + overhang else None


def _unknown(pieces: list[segmenter.Token], start: int, end: int) -> bool:
    """Whether the pieces are words the dictionary does not have, or single characters, with at
    least one unknown word among them (丁家|喜, 李|文足): how its HMM shows a name it never saw.
    A word the dictionary has seen only a few times counts as unknown: the segmenter prefers it to
    a name it does not know (梁国|雄: 梁国, the ancient state, seen 14 times)."""
    words = [t.word[:end - t.start] for t in pieces]  # a glued particle is not part of the name
    unknown = [w for w in words if len(w) > 1 and segmenter.frequency(w) < _RARE]
    overhang = pieces[-1].end > end
    return (bool(unknown) or overhang) and all(len(w) == 1 or segmenter.frequency(w) < _RARE for w in words)


def _role(text: str, start: int, end: int) -> str:
    cue = zh_relation_before(text, start)
    if cue and cue[1]:
        return cue[1]
    title = zh_title_after(text, end)
    return title[1] if title else ""


# The characters a name can start with: a surname's first, or a Tibetan name part's.
_CANDIDATE = re.compile("[" + "".join(sorted({re.escape(form[0]) for s in SURNAMES for form in (s.simplified, s.traditional)}
                                             | {re.escape(part[0]) for part in TIBETAN_PARTS})) + "]")


def han_names(text: str) -> Iterator[NameFinding]:
    """Han names in a normalised text, left to right, not overlapping."""
    taken_until = 0
    for m in _DOTTED.finditer(text):
        left, right = m.start(), m.end()
        while left < m.end() and text[left] not in _TRANSLITERATION and text[left] not in MIDDLE_DOTS + ".":
            left += 1  # the dotted run may start with the words before the name: 在北京的伊力哈木
        while left < m.end() and text[left] not in _TRANSLITERATION:
            left += 1
        first_dot = min((text.find(d, left) for d in MIDDLE_DOTS + "." if text.find(d, left) >= 0), default=-1)
        if first_dot < 0:
            continue
        while left > m.start() and text[left - 1] in _TRANSLITERATION and first_dot - left < 6:
            left -= 1
        left = max(left, first_dot - 6)
        while left < first_dot and text[left] not in _TRANSLITERATION:
            left += 1
        last_dot = max(text.rfind(d, left, m.end()) for d in MIDDLE_DOTS + ".")
        right = _transliteration_end(text, last_dot, m.end())
        if first_dot - left >= 1 and right > first_dot + 1:
            yield NameFinding(left, right, _role(text, left, right), "name:zh", "parts joined by a middle dot")
    seen: dict[str, tuple[int, str | None]] = {}
    for run in HANZI_RUN.finditer(text):
        words = _RunWords(text, run.start(), run.end(), seen)
        i = run.start()
        while i < run.end():
            nearest = _CANDIDATE.search(text, i, run.end())  # skip, in C, what no name can start with
            if nearest is None:
                break
            i = nearest.start()
            found = _tibetan_at(text, i, run.end()) or _han_at(text, i, run.end(), words)
            if found and text[i] in _STOP and _han_at(text, i + 1, run.end(), words):
                found = None  # 和丁家喜: the conjunction, then the name
            if found:
                yield found
                taken_until = found.end
                i = found.end
            else:
                i += 1
    del taken_until


def _transliteration_end(text: str, dot: int, limit: int) -> int:
    """Where a dotted name's last part ends: at most 6 transliteration characters (…土赫提在 -> …土赫提)."""
    right = dot + 1
    while right < limit and right - dot <= 6 and text[right] in _TRANSLITERATION and text[right] not in _STOP:
        right += 1
    return right


def _tibetan_at(text: str, i: int, run_end: int) -> NameFinding | None:
    first = text[i:i + 2]
    if first not in TIBETAN_PARTS:
        return None
    second = text[i + 2:i + 4]
    if second in TIBETAN_PARTS:
        end = i + 4
    elif len(second) == 2 and all(c in _TRANSLITERATION for c in second):
        end = i + 4
    else:
        return None
    if end > run_end:
        return None
    return NameFinding(i, end, _role(text, i, end), "name:zh", f"Tibetan name part {first}")


def _han_at(text: str, i: int, run_end: int, words: _RunWords) -> NameFinding | None:
    surname = surname_at(text, i)
    if surname is None:
        return None
    best: tuple[float, int, list[str]] | None = None
    lengths = sorted({len(form) for form in (surname.simplified, surname.traditional) if text.startswith(form, i)},
                     reverse=True)
    cue = zh_relation_before(text, i)
    shapes = [(surname_len, surname_len + given_len, _evidence(text, i, i + surname_len + given_len, surname_len, run_end,
                                                               cue, surname.share, words.seen))
              for surname_len in lengths for given_len in (2, 1)]
    if all(found.bound() < THRESHOLD for _, _, found in shapes):
        return None  # no segmentation could make it a name: leave the run uncut
    for surname_len, length, found in shapes:
        score, evidence = _score(found, i, i + length, surname_len, words)
        if best is None or score > best[0] + (0.5 if length == surname_len + 1 else 0):
            best = (score, i + length, evidence)
    if best is None or best[0] < THRESHOLD:
        return None
    score, end, evidence = best
    return NameFinding(i, end, _role(text, i, end), "name:zh", "; ".join(evidence))


__all__ = ["han_names", "weight"]
