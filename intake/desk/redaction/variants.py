"""Generate the other spellings of a registered name, so that one entry catches all of them.

- Hanzi personal names: pinyin forms, tone marks, Wade-Giles, middle-dot forms (names.py).
- Pinyin names typed in Latin letters: word order, capitals, hyphens, spaces (names.py).
- Other Latin names (Uyghur, Tibetan, Mongolian…): a small rule set of romanisation
  alternations, e.g. Ilham Tohti / Ilham Toxti / Ilham Tokhti, Tashi Wangchuk / Trashi Wangchug,
  Ghulja / Gulja, Wali / Vali, Dorje / Dorjee. It over-generates on purpose: a spelling nobody
  uses costs nothing, a missed one leaks a name.
- Hanzi places and organisations: the name without 市/省 after a city, the English form of known
  suffixes with the pinyin of the name (锋锐律师事务所 / Fengrui Law Firm, 天津市第二看守所 /
  Tianjin No. 2 Detention Centre), and the bare name (锋锐, Fengrui).

Accents, case, spaces and hyphens need no variants of their own: matching is on folded keys.
Wylie Tibetan ("bKra shis dbang phyug"), Uyghur Arabic script and traditional characters cannot be
derived here: staff add them with Register.alias.
"""

import itertools
import re

from .errors import RedactionError
from .names import han_name_variants, latin_name_variants, reading
from .normalize import MIDDLE_DOTS, is_cjk, normalize
from .provinces import find_places

MAX_VARIANTS = 64  # per spelling, from the alternation rules

# Alternation sites in a lower-case token: (pattern, the spellings that can stand there).
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"^tr(?=[aeiou])", ("tr", "t")), (r"^dr(?=[aeiou])", ("dr", "d")),
    (r"^t(?=[aeiou])", ("t", "tr")), (r"^d(?=[aeiou])", ("d", "dr")),
    (r"kh", ("kh", "x", "h")), (r"x", ("x", "kh", "h")), (r"(?<![csztdgkpw])h", ("h", "x", "kh")),
    (r"gh", ("gh", "g")), (r"(?<!n)g(?=[aeiouy])", ("g", "gh")),
    (r"ch", ("ch", "q")), (r"q", ("q", "k", "ch")),
    (r"(?<=[aeiou])k$", ("k", "g", "q")), (r"k", ("k", "q")), (r"(?<=[aeiou])g$", ("g", "k")),
    (r"dh", ("dh", "d")), (r"th", ("th", "t")), (r"ph", ("ph", "p")), (r"dz", ("dz", "z")),
    (r"w", ("w", "v")), (r"v", ("v", "w")),
    (r"ee", ("ee", "e")), (r"(?<=[^aeiou])e$", ("e", "ee")),
    (r"[éèëê]", ("e", "é", "ë")),
)
_SITE = re.compile("|".join(f"({pattern})" for pattern, _ in _RULES))

ORG_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("律师事务所", ("Law Firm",)), ("律所", ("Law Firm",)),
    ("看守所", ("Detention Centre", "Detention Center")), ("拘留所", ("Detention Centre", "Detention Center")),
    ("监狱", ("Prison",)), ("派出所", ("Police Station",)), ("公安分局", ("Public Security Sub-bureau", "PSB")),
    ("公安局", ("Public Security Bureau", "PSB")), ("中级人民法院", ("Intermediate People's Court",)),
    ("人民法院", ("People's Court",)), ("法院", ("Court",)), ("检察院", ("Procuratorate",)),
    ("大学", ("University",)), ("中学", ("Middle School",)), ("医院", ("Hospital",)),
    ("寺", ("Monastery", "Temple")), ("县", ("County",)), ("镇", ("Town",)), ("乡", ("Township",)),
    ("村", ("Village",)), ("区", ("District",)), ("州", ("Prefecture",)), ("市", ("City",)),
)
_ORDINALS = {"第" + c: str(i) for i, c in enumerate("一二三四五六七八九十", start=1)}


def minority_variants(spelling: str) -> list[str]:
    """Romanisation alternations of a non-pinyin Latin name, plus its hyphenated and joined forms."""
    tokens = spelling.split()
    per_token = [_token_variants(t.lower()) for t in tokens]
    out = [" ".join(t.capitalize() for t in combo)
           for combo in itertools.islice(itertools.product(*per_token), MAX_VARIANTS)]
    if len(tokens) > 1:
        out += ["-".join(tokens), "".join(tokens)]
    return out


def _token_variants(token: str) -> list[str]:
    pieces: list[tuple[str, ...]] = []
    at = 0
    for m in _SITE.finditer(token):
        if m.lastindex is None:  # every alternative of _SITE is one group: a match always names its rule
            raise RedactionError(f"romanisation rules: a match at {m.start()} names no rule")
        pieces.append((token[at:m.start()],))
        pieces.append(tuple(dict.fromkeys((m.group(),) + _RULES[m.lastindex - 1][1])))
        at = m.end()
    pieces.append((token[at:],))
    return ["".join(p) for p in itertools.islice(itertools.product(*pieces), MAX_VARIANTS)]


def place_variants(spelling: str) -> list[str]:
    """Other spellings of a place or organisation name (see the module docstring)."""
    if not any(is_cjk(c) for c in spelling):
        swapped = re.sub("(?i)centre", "Center", spelling), re.sub("(?i)center", "Centre", spelling)
        return list(swapped)
    prefix, rest = _leading_place(spelling)
    suffix, english = next(((s, e) for s, e in ORG_SUFFIXES if rest.endswith(s) and len(rest) > len(s)), ("", ()))
    stem = rest[:len(rest) - len(suffix)]
    short = re.sub("[市省]$", "", prefix)
    out = [short + rest] if prefix else []
    if suffix == "律师事务所":
        out += [prefix + stem + "律所", short + stem + "律所", stem + "律所"]
    latin_prefix = _pinyin(short) if short else ""
    latin_stem = f"No. {_ORDINALS[stem]}" if stem in _ORDINALS else _pinyin(stem)
    for label in english:
        if latin_prefix and latin_stem:
            out.append(f"{latin_prefix} {latin_stem} {label}")
        if stem not in _ORDINALS and latin_stem:
            out.append(f"{latin_stem} {label}")
    if stem in _ORDINALS and latin_prefix:
        n = _ORDINALS[stem]
        out += [f"{latin_prefix} {no}{n} {label}" for label in english for no in ("No.", "No ", "Number ")]
    if 2 <= len(stem) <= 4 and stem not in _ORDINALS and all(is_cjk(c) for c in stem):
        out += [stem, _pinyin(stem)]  # the bare name: 锋锐, Fengrui
    if prefix and stem not in _ORDINALS and len(stem) >= 2:
        out.append(rest)  # without the city: 锋锐律师事务所
    return out


def _leading_place(text: str) -> tuple[str, str]:
    """Split off a province or city name that starts the text (天津市 | 第二看守所)."""
    norm = normalize(text)
    hits = [h for h in find_places(norm.text) if h.start == 0]
    if not hits:
        return "", text
    end = norm.span(hits[0].start, hits[0].end)[1]
    end += 1 if text[end:end + 1] in ("市", "省") else 0
    if text[end:] in ("", *(s for s, _ in ORG_SUFFIXES)):
        return "", text  # the place itself (阿坝县): its name is the stem
    return text[:end], text[end:]


def _pinyin(hanzi: str) -> str:
    syllables = reading(hanzi) if all(is_cjk(c) for c in hanzi) else []
    return "".join(syllables).replace("v", "ü").capitalize()


def spelling_variants(kind: str, spelling: str) -> list[str]:
    """All spellings of one registered spelling, itself first, without duplicates, in a fixed order."""
    spelling = spelling.strip()
    out = [spelling]
    cjk = any(is_cjk(c) for c in spelling)
    if kind == "person" and cjk and all(is_cjk(c) or c in MIDDLE_DOTS + ". " for c in spelling):
        out += han_name_variants(spelling.replace(" ", ""))
    elif kind == "person" and not cjk:
        out += latin_name_variants(spelling) or minority_variants(spelling)
    elif kind in ("place", "organisation"):
        out += place_variants(spelling)
    return list(dict.fromkeys(v for v in out if v))

