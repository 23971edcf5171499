"""Uyghur names in Latin letters written out in the Uyghur Arabic script, for the script lexicon.

The Latin lexicon (minority_names.UYGHUR_LATIN) is the longer list; the script one would
otherwise lack most of its names (Zumret, Abdulla, Tursunay). The Uyghur Latin script maps to
the Arabic one letter for letter (sh ش, ch چ, gh غ, ng ڭ, zh ژ, x and kh خ; a word that starts
with a vowel, or a vowel after a vowel, takes the hamza ئ). Informal spellings, the ones the
lexicon holds, write ö, ü and é as o, u and e, ە often as a (Ekpar: ئەكپەر) and x as h (Tohti:
توختى), so each of those gives both letters (Gulmira: گۇلمىرا and گۈلمىرا); a name with more than
four such letters keeps the plain reading only, so that the variants stay few.
"""

from itertools import product

_DIGRAPHS = {"sh": "ش", "ch": "چ", "gh": "غ", "ng": "ڭ", "zh": "ژ", "kh": "خ"}
# Each letter's Uyghur letters: the first is the plain reading of the informal spelling.
_CONSONANTS = {"b": ("ب",), "p": ("پ",), "t": ("ت",), "j": ("ج",), "x": ("خ",), "d": ("د",), "r": ("ر",), "z": ("ز",),
               "s": ("س",), "f": ("ف",), "q": ("ق",), "k": ("ك",), "g": ("گ",), "l": ("ل",), "m": ("م",), "n": ("ن",),
               "h": ("ھ", "خ"), "w": ("ۋ",), "v": ("ۋ",), "y": ("ي",)}
_VOWELS = {"a": ("ا", "ە"), "e": ("ە", "ې"), "é": ("ې",), "i": ("ى",), "o": ("و", "ۆ"), "ö": ("ۆ",), "u": ("ۇ", "ۈ"),
           "ü": ("ۈ",)}
_HAMZA = "ئ"
_MOST_AMBIGUOUS = 4


def script_forms(latin: str) -> frozenset[str]:
    """The Uyghur-script spellings of a Latin spelling (lower case); empty if it has a letter
    the Uyghur Latin script does not use."""
    pieces: list[tuple[str, ...]] = []
    i, after_vowel = 0, True  # a word-initial vowel is written like one after a vowel
    while i < len(latin):
        pair = latin[i:i + 2]
        if pair in _DIGRAPHS:
            pieces.append((_DIGRAPHS[pair],))
            i, after_vowel = i + 2, False
            continue
        ch = latin[i]
        if ch in _VOWELS:
            pieces.append(tuple((_HAMZA if after_vowel else "") + letter for letter in _VOWELS[ch]))
            after_vowel = True
        elif ch in _CONSONANTS:
            pieces.append(_CONSONANTS[ch])
            after_vowel = False
        else:
            return frozenset()
        i += 1
    if sum(len(p) > 1 for p in pieces) > _MOST_AMBIGUOUS:
        pieces = [p[:1] for p in pieces]
    return frozenset("".join(letters) for letters in product(*pieces))
