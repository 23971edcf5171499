"""Chinese names written in Latin letters in free text: pinyin, Wade-Giles and Hong Kong spellings.

A candidate is two or three capitalised words (or all capitals: "WANG Quanzhang") in either order,
one of them a surname spelling from the table (surnames.latin_surnames: pinyin, Wade-Giles,
Cantonese), the rest a given name made of valid syllables: pinyin (names.split_syllables), or
Wade-Giles and Cantonese syllables joined by hyphens ("Ch'üan-chang", "Chi-fung", "Hang-tung").
Tone marks, hyphens and case do not matter. Words that are ordinary English ("Long March", "He
Said") or a known place ("Hong Kong") are not names without a cue; after a cue ("her husband",
"lawyer", "Mr") the next capitalised words are a name whatever they are (Jewher Ilham, Bao Longjun).
A Western given name before a surname ("Joshua Wong", "Jimmy Lai") is a name too.
"""

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from pypinyin import Style
from pypinyin.style import convert

from .cues import EN_RELATIONS, en_relation_before, en_reporting_after
from .finding import NameFinding
from .given_names import WESTERN_GIVEN
from .minority_names import INSTITUTION_WORDS
from .names import SYLLABLES, split_syllables
from .provinces import find_places
from .surnames import latin_surnames

# A capitalised word: letters (with accents), inner apostrophes and hyphens ("Ch'üan-chang", "O'Neil").
# The parts after a hyphen are lazy too, so that a possessive is never part of the word ("Man-ching's").
WORD = re.compile(r"(?<![\w'’-])([A-Z\u00c0-\u00de][\w'’]*?(?:-[\w'’]+?)*?)(?:['’]s)?(?![\w'’-])")
_CANTONESE = re.compile(r"(?:ch|ts|tsz|sz|sh|kw|gw|ng|[bpmfdtnlgkhwyjs])?"
                        r"(?:aa|ai|au|ay|am|an|ang|ap|at|ak|a|ee|ei|eng|ek|eung|euk|eun|e|iu|im|in|ing|ip|it|ik|i|oi|oy"
                        r"|ou|oo|on|ong|ot|ok|o|ui|un|ung|ut|uk|ue|uen|u|yu|yue|yun|z|m)")
# English words that are also syllables or surnames: a name only after a cue.
ENGLISH = frozenset("""
a an and as at be but by can do for go he her him his how i if in is it its man me men my no not of on or
our out say see she so than that the them then they this to up us was we who why will yes you your long
march china chinese party state court police law day days year years ban bang gang hang hung pang sang
tang song ping pong sun moon ten pen den hen then zen fan tan ran pan van can man wan chin lie die tie pie
she shi he hi ho who lo you yo mao dao tao lou sue tie bay kong hong new old young great wall red dear
may june july all any one two six day mr ms dr sir madam yes also then later one into over under after
before during since from with about amid among upon via per cheng wei
monday tuesday wednesday thursday friday saturday sunday january february april august september october
november december
""".split())
_TONE_FREE = str.maketrans({"’": "", "'": ""})


def _plain(word: str) -> str:
    """Lower case, no accents or apostrophes; ü stays u (Wade-Giles and pinyin agree there)."""
    if word.isascii():  # no accent to take off: most words, and this is asked of every capitalised word
        return word.lower().translate(_TONE_FREE)
    decomposed = unicodedata.normalize("NFD", word.lower().translate(_TONE_FREE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _wade_giles() -> frozenset[str]:
    out = set()
    for syllable in SYLLABLES:
        out.add(_plain(convert(syllable, Style.WADEGILES, True)).replace("v", "u"))
    return frozenset(out)


def _syllable(part: str) -> bool:
    return part in SYLLABLES or part in _wade_giles() or bool(_CANTONESE.fullmatch(part))


def given_name(word: str) -> bool:
    """A given name: pinyin syllables run together, or syllables joined by hyphens."""
    plain = _plain(word)
    if "-" in plain:
        parts = plain.split("-")
        return 1 <= len(parts) <= 3 and all(p and _syllable(p) for p in parts)
    syllables = split_syllables(plain)
    return (syllables is not None and 1 <= len(syllables) <= 3) or _syllable(plain)


def surname(word: str) -> bool:
    return _plain(word).replace("-", "") in latin_surnames()


def _capitalised_runs(text: str) -> Iterator[list[re.Match]]:
    """Runs of capitalised words separated by single spaces only."""
    run: list[re.Match] = []
    for m in WORD.finditer(text):
        if run and text[run[-1].end():m.start()] not in (" ", "\u00a0"):
            yield run
            run = []
        run.append(m)
    if run:
        yield run


def _is_place(text: str, seen: dict[str, bool]) -> bool:
    if text not in seen:
        hits = find_places(text)
        seen[text] = bool(hits) and hits[0].start == 0 and hits[0].end == len(text)
    return seen[text]


def latin_names(text: str) -> Iterator[NameFinding]:
    """Chinese (and cue-marked other) names written in Latin letters, left to right."""
    places: dict[str, bool] = {}  # candidate -> whether it is a place: a name recurs, looked up once
    for run in _capitalised_runs(text):
        i = 0
        while i < len(run):
            found = _name_at(text, run, i, places)
            if found:
                finding, used = found
                yield finding
                i += used
            else:
                i += 1


def _name_at(text: str, run: list[re.Match], i: int, places: dict[str, bool]) -> tuple[NameFinding, int] | None:
    words = [m.group(1) for m in run[i:i + 3]]
    start = run[i].start()
    if _plain(words[0]).rstrip(".") in EN_RELATIONS and len(words) > 1:
        return None  # "Lawyer Wang Yu": the cue itself, the name starts after it
    possessive = text[run[i].end(1):run[i].end(1) + 40]
    relation = re.match(r"['’]s\s+([a-z]+)", possessive)
    if len(words) == 1 or relation:
        if relation and relation.group(1) in EN_RELATIONS and surname(words[0]):
            end = run[i].end(1)
            return NameFinding(start, end, "", "name:latin", f"surname {words[0]}, {relation.group()!r} after"), 1
    cue = en_relation_before(text, start)
    if i + 2 < len(run) and run[i + 2].group(1) in INSTITUTION_WORDS or i + 1 < len(run) and run[i + 1].group(1) in INSTITUTION_WORDS:
        return None  # part of an institution's name: Man Mo Temple, Ilham Tohti Institute
    for n in (3, 2):
        if len(words) < n:
            continue
        candidate = words[:n]
        end = run[i + n - 1].end(1)
        span = text[start:end]
        plain = [_plain(w) for w in candidate]
        evidence = _chinese_name(candidate)
        english = all(p in ENGLISH for p in plain)
        if (evidence and not english or evidence and cue) and not _is_place(span, places):
            extra = [f"{cue[0]!r} before"] if cue else []
            verb = en_reporting_after(text, end)
            extra += [f"{verb!r} after"] if verb else []
            return NameFinding(start, end, cue[1] if cue else "", "name:latin", "; ".join([evidence] + extra)), n
    if cue and cue[0].lower() not in ("named", "called") and len(words) >= 1:
        n = 2 if len(words) >= 2 else 1
        if len(words) == 3 and re.fullmatch(r"[A-Z][a-z]+-[a-z]+", words[2]):
            n = 3  # and a Hong Kong given name after them: Cardinal Joseph Zen Ze-kiun
        # One word after a relation word is a name if it could be one: a surname, a given name,
        # or, after a word for kin or a friend ("her daughter Gulhumar"), any word no dictionary has.
        if n == 1 and not (surname(words[0]) or given_name(words[0]) or cue[1] and cue[0].islower()
                           and words[0][1:].islower() and words[0] not in INSTITUTION_WORDS
                           and not _is_place(words[0], places)):
            return None
        if _plain(words[0]) in ENGLISH:
            return None
        end = run[i + n - 1].end(1)
        return NameFinding(start, end, cue[1], "name:latin", f"{cue[0]!r} before"), n
    return _western_name(text, run, i, words, cue, places) or _reported_name(text, run, i, words, places)


def _reported_name(text: str, run: list[re.Match], i: int, words: list[str],
                   places: dict[str, bool]) -> tuple[NameFinding, int] | None:
    """Two capitalised words that say, or were done something to (Dolkun Isa said…, Runggye Adak
    was sentenced…): a name, if they are no ordinary words, institution or place."""
    if len(words) != 2 or i + 2 != len(run) or not all(w[1:].islower() and len(w) > 2 for w in words):
        return None
    if any(_plain(m.group(1)) not in ENGLISH for m in run[:i]) or text[:run[i].start()].endswith((" of ", " for ")):
        return None  # the end of a longer name: Radio Free Asia said…, the Ministry of Foreign Affairs said…
    end = run[i + 1].end(1)
    verb = en_reporting_after(text, end)
    if not verb or any(_plain(w) in ENGLISH or w in INSTITUTION_WORDS for w in words) \
            or _is_place(text[run[i].start():end], places) or any(_is_place(w, places) for w in words):
        return None
    return NameFinding(run[i].start(), end, "", "name:latin", f"{verb!r} after"), 2


def _western_name(text: str, run: list[re.Match], i: int, words: list[str], cue: tuple[str, str] | None,
                  places: dict[str, bool]) -> tuple[NameFinding, int] | None:
    """A Western given name and the surname after it (Philip Alston, Peter Dahlin), with no cue:
    the surname is a capitalised word that is no ordinary word, institution or place."""
    if len(words) < 2 or _plain(words[0]) not in WESTERN_GIVEN or not words[1][1:].islower():
        return None
    last = _plain(words[1])
    if last in ENGLISH or last in WESTERN_GIVEN or words[1] in INSTITUTION_WORDS:
        return None
    start, end = run[i].start(), run[i + 1].end(1)
    if _is_place(text[start:end], places) or _is_place(text[run[i + 1].start():end], places):
        return None
    return NameFinding(start, end, cue[1] if cue else "", "name:latin", f"given name {words[0]}, surname {words[1]}"), 2


def _chinese_name(words: list[str]) -> str | None:
    """Why these words read as a Chinese name (surname first or last), or None."""
    if len(words) == 2:
        first, second = words
        if surname(first) and given_name(second) and _plain(second) not in ENGLISH:
            return f"surname {first}, given name {second}"
        if surname(second) and given_name(first) and _plain(first) not in ENGLISH:
            return f"given name {first}, surname {second}"
        # A surname that is also an English word (Law, Long, Sun) follows any capitalised word in
        # English titles ("Criminal Law", "Administration Law"): then only a known given name counts.
        if surname(second) and first[:1].isupper() and first[1:].islower() and len(first) > 3 \
                and _plain(first) not in ENGLISH and not given_name(first) and not surname(first) \
                and (_plain(second) not in ENGLISH or _plain(first) in WESTERN_GIVEN):
            return f"surname {second} after a given name"
        return None
    first, second, third = words
    if surname(first) and given_name(second) and given_name(third) and "-" not in second + third \
            and len(split_syllables(_plain(second)) or []) == 1 == len(split_syllables(_plain(third)) or []):
        return f"surname {first}, given name {second} {third}"  # Wang Quan Zhang
    if surname(second) and given_name(third) and first[:1].isupper() and _plain(first) not in ENGLISH \
            and not surname(first) and "-" in third:
        return f"surname {second}, given name {third}, and {first}"  # Joshua Wong Chi-fung
    return None
