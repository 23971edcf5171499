"""Uyghur and Tibetan names in free text: Arabic and Tibetan script, and their Latin spellings.

No rule makes a Uyghur or Tibetan name out of any word, so these detectors read name lexicons:
common Uyghur given names (a Uyghur's second name is the father's given name, so the same list
serves both parts) in Uyghur Arabic script and Latin spellings, and common parts of Tibetan names
(two syllables each: Tashi, Tenzin, Dorje…) in Tibetan script, Wylie and phonetic spellings. A
name is two or more name words in a row, or one next to a relation cue (cues.py). Latin spellings
are matched after folding and the romanisation alternations of variants.py (Tohti/Toxti,
Wangchuk/Wangchug), so a lexicon entry covers its usual spellings. Runs of Tibetan and Arabic
script are in any case withheld whole by detectors.scripts; these name the person inside them.
"""

import re
from collections.abc import Iterator
from functools import cache

from .cues import BO_RELATIONS, UG_RELATIONS, en_relation_before
from .finding import NameFinding
from .uyghur_letters import script_forms
from .variants import minority_variants

# Latin spellings of common Uyghur names (and the Arabic-origin names Uyghurs share).
UYGHUR_LATIN = frozenset("""
abdurehim abdureshit abdukerim abdulla abdullah abduweli abdusalam abdushukur ablimit ablikim abliz adil ahmet
ahmad akida alim alimjan aliye amina anwar arslan asat aygul aynur aysha aziz bahtiyar barna dilnur dilshat
dilber ekpar erkin ezimet gulbahar gulchehre gulmira gulnar gulnisa gulshan gulzire guzelnur hasan halmurat
helchem hoshur ilham ilshat imin ismail jelil jewher jume kamil kamile kerim memet mehmet memtimin merdan
mihray mihrigul muhemmed muhammad mukaddas munire musa nurmuhammad nurgul nurmemet obulkasim omer osman
patigul perhat polat pulat qurban rahile rahima rayhan rebiya reyhan rushan sabit sadir sajide salih sanubar
sayragul shohret subi tahir tohti tursun tursunay turghun uyghur yalqun yasin yusup zahit zulhumar zumret
abbas dawut ayup qadir niyaz ghopur idris yunus kadeer kasim iminjan hamit rozi
""".split())
# The same names in Uyghur Arabic script (ئىلھام توختى, گۈلشەن ئابباس…).
UYGHUR_ARABIC = frozenset("""
ئىلھام توختى گۈلشەن ئابباس رۇشەن راھىلە داۋۇت ئەكپەر ئەسەت ئابدۇۋەلى ئايۇپ مىھرىگۈل تۇرسۇن جەۋھەر
ئابدۇرېھىم ئابلىمىت ئەركىن پەرھات مەمەت مۇھەممەد نۇرمۇھەممەد يالقۇن رەبىيە قادىر سايراگۈل ساۋۇتباي
ئەزىز ئادىل ئىمىن ئوسمان تاھىر قۇربان رەيھان سەنۇبەر پولات ئاكىدە
""".split())
_UG_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")

# Parts of Tibetan names: (Tibetan script, Wylie, phonetic spellings).
TIBETAN_PARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("བཀྲ་ཤིས", "bkra shis", ("tashi", "trashi")), ("བསྟན་འཛིན", "bstan 'dzin", ("tenzin", "tendzin", "tenzing")),
    ("ཚེ་རིང", "tshe ring", ("tsering", "tshering", "tseren")), ("རྡོ་རྗེ", "rdo rje", ("dorje", "dorjee", "dorji")),
    ("སྒྲོལ་མ", "sgrol ma", ("dolma", "drolma", "dolkar")), ("བློ་བཟང", "blo bzang", ("lobsang", "losang", "lobzang")),
    ("དབང་ཕྱུག", "dbang phyug", ("wangchuk", "wangchug", "wangchuck")), ("ཉི་མ", "nyi ma", ("nyima",)),
    ("ཟླ་བ", "zla ba", ("dawa",)), ("བསོད་ནམས", "bsod nams", ("sonam", "sonam")),
    ("དགེ་འདུན", "dge 'dun", ("gedhun", "gendun", "gedun")), ("ཆོས་ཀྱི", "chos kyi", ("choekyi", "chokyi")),
    ("དོན་གྲུབ", "don grub", ("dhondup", "dondrub", "thondup")), ("དབང་ཆེན", "dbang chen", ("wangchen",)),
    ("འཇིགས་མེད", "'jigs med", ("jigme",)), ("རྒྱ་མཚོ", "rgya mtsho", ("gyatso", "gyamtso")),
    ("འོད་ཟེར", "'od zer", ("woeser", "oser", "woser")), ("དཔལ་ལྡན", "dpal ldan", ("palden",)),
    ("ཕུན་ཚོགས", "phun tshogs", ("phuntsok", "phuntsog", "puntsok")), ("རིན་ཆེན", "rin chen", ("rinchen",)),
    ("ཚུལ་ཁྲིམས", "tshul khrims", ("tsultrim", "tsultrim")), ("དཀོན་མཆོག", "dkon mchog", ("konchok", "konchog")),
    ("ཡེ་ཤེས", "ye shes", ("yeshe", "yeshi")), ("བདེ་ལེགས", "bde legs", ("delek",)), ("པད་མ", "pad ma", ("pema", "padma")),
    ("ལྷ་མོ", "lha mo", ("lhamo",)), ("དབྱངས་ཅན", "dbyangs can", ("yangchen", "yangkyi")),
    ("སྐལ་བཟང", "skal bzang", ("kalsang", "kelsang", "kelsang")), ("ངག་དབང", "ngag dbang", ("ngawang",)),
    ("ཐུབ་བསྟན", "thub bstan", ("thubten", "thupten")), ("དགྲ་འདུལ", "dgra 'dul", ("dradul",)),
    ("ཤེས་རབ", "shes rab", ("sherab", "sherap")), ("ལྷུན་གྲུབ", "lhun grub", ("lhundup", "lhundrub")),
    ("བྱམས་པ", "byams pa", ("jampa", "champa")), ("འཇམ་དབྱངས", "'jam dbyangs", ("jamyang",)),
    ("གྲགས་པ", "grags pa", ("drakpa", "dhakpa")), ("ཀུན་དགའ", "kun dga'", ("kunga",)),
    ("རབ་བརྟན", "rab brtan", ("rabten",)), ("སངས་རྒྱས", "sangs rgyas", ("sangye", "sangay")),
    ("ཆོས་འཕེལ", "chos 'phel", ("choephel", "chophel")), ("ནོར་བུ", "nor bu", ("norbu",)),
    ("ཚེ་བརྟན", "tshe brtan", ("tseten", "tsetan")), ("གཡང་ཅན", "g.yang can", ("yangchen",)),
    ("མི་འགྱུར", "mi 'gyur", ("migyur",)), ("ཀརྨ", "karma", ("karma",)), ("ལོ་རྒྱུས", "lo rgyus", ("logyu",)),
    ("ལྷ་རྒྱལ", "lha rgyal", ("lhagyal", "lhagyari")), ("ཡོན་ཏན", "yon tan", ("yonten",)),
    ("ཚེ་དབང", "tshe dbang", ("tsewang",)), ("བཀྲ་ཤིས་དོན་གྲུབ", "bkra shis don grub", ("tashidhondup",)),
    ("བསམ་གྲུབ", "bsam grub", ("samdrup", "samdup")), ("བུ་ཁྲི", "bu khri", ("butri",)),
    ("མཁའ་འགྲོ", "mkha' 'gro", ("khando", "khandro")), ("སྒྲོལ་དཀར", "sgrol dkar", ("dolkar", "drolkar")),
    ("རྒྱལ་མཚན", "rgyal mtshan", ("gyaltsen", "gyaltsan")), ("ཚེ་རིང་འོད་ཟེར", "tshe ring 'od zer", ("tseringwoeser",)),
    ("ཆོས་གྲགས", "chos grags", ("choedrak", "chodrak")), ("ལོབ་ཟང", "lob zang", ("lobzang",)),
    ("རིག་འཛིན", "rig 'dzin", ("rigzin", "rigdzin")), ("ཤེར་བསྟན", "sher bstan", ("sherten",)),
    ("དབང་མོ", "dbang mo", ("wangmo",)), ("བདེ་ཆེན", "bde chen", ("dechen",)), ("ཆོས་སྒྲོན", "chos sgron", ("choedon",)),
    ("ཀུན་བཟང", "kun bzang", ("kunsang", "kunzang")), ("སྐལ་ལྡན", "skal ldan", ("kalden", "kelden")),
    ("བློ་གྲོས", "blo gros", ("lodroe", "lodro")), ("ཐར་པ", "thar pa", ("tharpa",)), ("བསྟན་པ", "bstan pa", ("tenpa",)),
    ("དར་རྒྱས", "dar rgyas", ("dargye",)), ("བསམ་གཏན", "bsam gtan", ("samten",)), ("ཕུར་བུ", "phur bu", ("phurbu",)),
    ("པ་སངས", "pa sangs", ("pasang",)), ("ལྷག་པ", "lhag pa", ("lhakpa",)), ("སྤེན་པ", "spen pa", ("penpa",)),
    ("མིག་དམར", "mig dmar", ("migmar",)), ("ལྷ་སྒྲོན", "lha sgron", ("lhadon",)), ("ཆོས་མཚོ", "chos mtsho", ("chotso",)),
)
# What ends a name in Tibetan script: case particles and copulas (a name is followed by its case).
_BO_PARTICLES = frozenset("གི གྱི ཀྱི ཡི འི གིས གྱིས ཀྱིས ཡིས ལ ལས ནས དང ནི ཡང ཡིན རེད འདུག ཡོད མིན སུ ར རུ ཏུ དུ ན".split())
_BO_GENITIVES = ("གི", "གྱི", "ཀྱི", "ཡི")
_BO_ATTACHED = ("འིས", "འི", "ས")  # the genitive or agentive written onto a name's last syllable (ཉི་མའི)
# One-syllable endings of a name after a name part (འཇམ་དབྱངས་སྐྱིད, ལྷ་མོ་མཚོ, སྒྲོལ་མ་སྐྱབས).
_BO_NAME_ENDINGS = frozenset("སྐྱིད མཚོ སྒྲོན སྐྱབས འབུམ རྒྱལ".split())
# What a person is, written before the name (the monk…, the writer…): a name follows, up to its particle.
_BO_TITLES = frozenset("རྩོམ་པ་པོ གྲྭ་པ ཨ་ནི གཞས་པ སློབ་དཔོན མཁན་པོ སྨན་པ འབྲོག་པ ཞིང་པ ཚོང་པ དགེ་བཤེས".split())
# Pronouns, which stand where a name would (ཁོ་རང་གི་ཨ་མ, "his own mother").
_BO_PRONOUNS = frozenset("ཁོ་རང མོ་རང ཁོང་ཚོ ཁོ་ཚོ ང་ཚོ ཁྱེད་རང ཁྱེད་ཚོ དེ་དག འདི་དག ཁོང་རང ཁོ་མོ".split())
# Places a relation word is often followed by (ཨ་མ་བཙོན་ཁང་དུ, "the mother, to the prison"): not a name.
_BO_PLACE_WORDS = frozenset("བཙོན་ཁང ཁྲིམས་ཁང སློབ་གྲྭ དགོན་པ ཁྱིམ་ཚང ཡུལ་སྡེ གྲོང་ཁྱེར སྨན་ཁང ལས་ཁུངས".split())
# Words that say many people, not one (the plural ཚོ, "many", "all"), and verbs: never in a name.
_BO_NOT_IN_NAMES = frozenset("ཚོ རྣམས དག མང་པོ མང ཁ་ཤས ཚང་མ ཕྱིན བཟུང བཅད སོང བྱུང བྱས འདས བཅུག ཐོན ཡོང བསྡད".split())
# Words for people in general that start a clause as a name would (Tibetans, students, monks).
_BO_PEOPLE = frozenset("བོད་མི མི་སེར མི་མང སློབ་མ གྲྭ་པ ཨ་ནི དགེ་རྒན ཞིང་པ འབྲོག་པ".split())
# The verbs of a sentence whose subject, before ལ, is the person it befell: sentenced, detained.
_BO_BEFELL = ("བཙོན་ཁྲིམས་བཅད", "ཁྲིམས་ཐག་བཅད", "བཙོན་དུ་བཅུག", "བཟུང")
_TSHEG = "་"
_BO_WORD = re.compile(r"[\u0f40-\u0fbc]+(?:་[\u0f40-\u0fbc]+)*")


@cache
def _latin_keys() -> dict[str, str]:
    """Folded Latin spellings (with their romanisation alternations) -> 'uyghur' or 'tibetan'."""
    keys: dict[str, str] = {}
    for name in UYGHUR_LATIN:
        for v in minority_variants(name):
            keys.setdefault(v.lower(), "uyghur")
    for _, _, phonetic in TIBETAN_PARTS:
        for spelling in phonetic:
            for v in minority_variants(spelling):
                keys.setdefault(v.lower(), "tibetan")
    return keys


@cache
def _tibetan_script() -> dict[str, int]:
    """Tibetan-script name parts -> their number of syllables."""
    return {script: script.count(_TSHEG) + 1 for script, _, _ in TIBETAN_PARTS}


@cache
def _wylie() -> re.Pattern:
    """Two or more Wylie name parts. The parts are grouped by their first letter, and a lookahead
    skips every position no part starts with: one flat alternation of them all was tried branch
    by branch at every character of the text (a third of a second a megabyte, in any script)."""
    by_first: dict[str, list[str]] = {}
    for wylie in sorted((w for _, w, _ in TIBETAN_PARTS), key=len, reverse=True):  # longest first in each group
        by_first.setdefault(wylie[0].lower(), []).append(wylie[1:])
    part = "(?:" + "|".join(re.escape(first) + "(?:" + "|".join(map(re.escape, rests)) + ")"
                            for first, rests in sorted(by_first.items())) + ")"
    starts = "[" + re.escape("".join(sorted(set(by_first) | {c.upper() for c in by_first}))) + "]"
    return re.compile(rf"(?i)(?<![A-Za-z.'])(?={starts}){part}(?:\s+{part})+(?![A-Za-z'])")


# Capitalised words that begin a sentence or a title more often than a name.
_NOT_NAME_WORDS = frozenset("The A An In At On To From His Her Their Our My Its This That Local Same Mr Mrs Ms Dr".split())
INSTITUTION_WORDS = frozenset("Congress University Association Committee Foundation Fund Front Council Party Prison County "
                              "Village Monastery Temple School Institute Hospital Centre Center Project Network Park Street "
                              "Road Square Harbour Bay Island Hall Church Cathedral Court Courts Station Airport Bridge "
                              "Avenue Peak Museum Tower Building Plaza House Palace Garden Gardens Hotel Bank News Daily "
                              "Times Post Group Company Watch Alliance College Academy Bureau Office Department Ministry "
                              "Commission Union League Society Institute Magistrates Township Town City District International "
                              "Police Security Agency Government Authority Authorities Media Press Radio Television Nations States "
                              "Kingdom Republic Embassy Consulate Mission Rapporteur Secretary General Spokesperson Affairs "
                              "Project Database Defenders Rights".split())
_LATIN_WORD = re.compile(r"(?<![\w'’-])([A-Z][\w'’]*?[\w])(?:['’]s)?(?![\w'’])")


def _clan_word(text: str, word: re.Match) -> bool:
    """Whether a capitalised word before a Tibetan name reads as its clan or place name: not a
    word that starts the sentence ("After Tashi Dorje spoke"), which is capitalised anyway."""
    before = text[:word.start()].rstrip()
    return bool(before) and before[-1] not in ".!?:;\"“(" and word.group(1) not in _NOT_NAME_WORDS


# Endings that make a Uyghur given name of another (Zumret-ay, Alim-jan, Mihri-gul, Gul-nisa).
_UYGHUR_LATIN_ENDINGS = ("ay", "jan", "gul", "nisa", "han")


def _latin_origin(word: str, keys: dict[str, str]) -> str | None:
    """'uyghur' or 'tibetan' for a lexicon spelling (lower case); 'uyghur' too for a Uyghur given
    name's shape: a lexicon name and an ending (Zumretay), or a lexicon name of five letters or more
    after a first part (Tash-polat, Nur-memet)."""
    known = keys.get(word)
    if known or not word.isalpha():
        return known
    for ending in _UYGHUR_LATIN_ENDINGS:
        if word.endswith(ending) and keys.get(word[:-len(ending)]) == "uyghur":
            return "uyghur"
    if any(keys.get(word[k:]) == "uyghur" for k in range(3, len(word) - 4)):
        return "uyghur"
    return None


def latin_minority_names(text: str) -> Iterator[NameFinding]:
    """Uyghur and Tibetan names in Latin letters: two or more capitalised words in a row, at
    least one of them a lexicon name, or one lexicon name after a relation cue."""
    keys = _latin_keys()
    words = list(_LATIN_WORD.finditer(text))
    i = 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and text[words[j].end():words[j + 1].start()] in (" ", "-") and j - i < 3:
            j += 1
        run = words[i:j + 1]
        known = [_latin_origin(w.group(1).lower(), keys) for w in run]
        if any(known):
            first = next(k for k, origin in enumerate(known) if origin)
            last = max(k for k, origin in enumerate(known) if origin)
            # A lexicon name and the capitalised word after it: Uyghur names are "given father's".
            end_at = min(len(run) - 1, last + 1) if len(run) > 1 else last
            start_at = first
            if first > 0 and (start_at == end_at or known[first] == "tibetan" and _clan_word(text, run[first - 1])):
                start_at = first - 1  # a clan or place name before it: Golog Jigme, the monk Go Sherab Gyatso
            if start_at == end_at:
                cue = en_relation_before(text, run[start_at].start())
                if not cue:
                    i = j + 1
                    continue
            if any(w.group(1) in INSTITUTION_WORDS for w in run[start_at:]):
                i = j + 1
                continue  # World Uyghur Congress: a group named after a people, not a person
            origin = next(o for o in known if o)
            start, end = run[start_at].start(), run[end_at].end(1)
            cue = en_relation_before(text, start)
            yield NameFinding(start, end, cue[1] if cue else "", f"name:{origin}",
                              f"{origin} name {run[first].group(1)}" + (f"; {cue[0]!r} before" if cue else ""))
        i = j + 1
    for m in _wylie().finditer(text):
        yield NameFinding(m.start(), m.end(), "", "name:tibetan", "Tibetan name parts in Wylie")


# Latin names that are also common Uyghur words in the script (Uyghur, Friday, fame, scholar).
_UG_WORDS_TOO = frozenset({"uyghur", "jume", "shohret", "alim"})
# Given-name endings and beginnings: Memetjan, Mihrigul, Gulnisa; Abdulla, Abdiriyim.
_UG_GIVEN_ENDINGS = ("جان", "گۈل", "نىسا", "خان")
_UG_GIVEN_BEGINNINGS = ("ئابدۇ", "ئابدى")
# Words before a name that say what the person is (the relation words of cues.py say who).
_UG_TITLES = frozenset({"مۇدىرى", "مۇدىر", "يازغۇچى", "شائىر", "ناخشىچى", "دۇتتارچى", "ئوقۇتقۇچىسى", "مۇئەللىم",
                        "رەئىسى", "ئىمام", "تىجارەتچى", "ئاكتىيورى", "پائالىيەتچى", "ئەربابى"})
# Endings a word of a name does not have: case endings (dative, locative, ablative, accusative,
# plural) on the first word, and the endings of verbs on either.
_UG_CASE_ENDINGS = ("غا", "قا", "گە", "كە", "دا", "دە", "تا", "تە", "دىن", "تىن", "نى", "نىڭ", "لار", "لەر", "سى")
# With no lexicon name to go by, a second word "to", "in" or "from" something is a place: ساقچى ئىدارىسىگە.
_UG_PLACE_ENDINGS = ("غا", "قا", "گە", "كە", "دا", "دە", "تا", "تە", "دىن", "تىن")
_UG_VERB_ENDINGS = ("غان", "گەن", "قان", "كەن", "ندى", "لدى", "يدۇ", "ىدۇ", "دۇق", "مەكتە", "ماقتا", "ماق", "مەك")
_UG_FUNCTION_WORDS = frozenset("ئىدى ۋە بىلەن ئۇنىڭ ئۇلار ئۇ بۇ شۇ ھەم يەنە كېيىن ئۈچۈن سابىق ناملىق ئىسىملىك بولۇپ".split())


@cache
def _uyghur_script_lexicon() -> frozenset[str]:
    """The script lexicon, and every name of the Latin one written in the script (uyghur_letters)."""
    return UYGHUR_ARABIC | frozenset(form for name in UYGHUR_LATIN - _UG_WORDS_TOO for form in script_forms(name))


def _ug_given(word: str) -> bool:
    """A Uyghur given name: in the lexicon, or of a given name's shape (…جان, …گۈل, ئابدۇ…)."""
    return word in _uyghur_script_lexicon() or len(word) > 4 and (
        word.endswith(_UG_GIVEN_ENDINGS) or word.startswith(_UG_GIVEN_BEGINNINGS)) and _ug_name_word(word, first=True)


def _ug_name_word(word: str, first: bool) -> bool:
    """Whether a word may be part of a name: no verb ending, no case ending on the first word (the
    last word of a name carries the case of the whole: ياقۇپنىڭ), not a relation or function word."""
    return (len(word) >= 3 and word not in _UG_FUNCTION_WORDS and word not in UG_RELATIONS and word not in _UG_TITLES
            and not word.endswith(_UG_VERB_ENDINGS) and not (first and word.endswith(_UG_CASE_ENDINGS)))


def uyghur_script_names(text: str) -> Iterator[NameFinding]:
    """A given name of the lexicon (or of a given name's shape) and the father's name after it, or
    two given names; or, after a relation word or a title (ئانىسى مايىلە ياقۇپ, مۇدىرى تاشپولات
    تېيىپ), the two words of any name."""
    words = list(_UG_WORD.finditer(text))

    def spaced(k: int) -> bool:  # words k and k + 1 are next to each other, with only spaces between
        return k + 1 < len(words) and text[words[k].end():words[k + 1].start()].isspace()

    i = 0
    while i < len(words):
        word = words[i].group()
        before = words[i - 1].group() if i > 0 and spaced(i - 1) else ""
        if _ug_given(word):
            j = i
            while spaced(j) and _ug_given(words[j + 1].group()):
                j += 1
            cue = _ug_cue(words, i, j)
            if j == i and spaced(i) and words[i + 1].group() not in UG_RELATIONS \
                    and _ug_name_word(words[i + 1].group(), first=False):
                j = i + 1  # a given name and the father's name after it
            if j > i or cue:
                yield NameFinding(words[i].start(), words[j].end(), cue or "", "name:uyghur",
                                  f"Uyghur name {words[i].group()}")
            i = j + 1
        elif (before in UG_RELATIONS or before in _UG_TITLES) and _ug_name_word(word, first=True) and spaced(i) \
                and _ug_name_word(words[i + 1].group(), first=False) and not words[i + 1].group().endswith(_UG_PLACE_ENDINGS):
            role = UG_RELATIONS.get(before, "")
            yield NameFinding(words[i].start(), words[i + 1].end(), role, "name:uyghur", f"after the word {before}")
            i += 2
        else:
            i += 1


def _ug_cue(words: list[re.Match], i: int, j: int) -> str | None:
    for k in (i - 1, j + 1):
        if 0 <= k < len(words) and words[k].group() in UG_RELATIONS:
            return UG_RELATIONS[words[k].group()] or None
    return None


def tibetan_script_names(text: str) -> Iterator[NameFinding]:
    """Two or more Tibetan name parts in a row (བཀྲ་ཤིས་དབང་ཕྱུག), or one before a relation word
    (its genitive between them: བཀྲ་ཤིས་ཀྱི་ཁྱོ་ག), with a clan or place syllable that starts the
    clause before them (དགོ་ཤེས་རབ་རྒྱ་མཚོ); and two to four syllables of any name (a Chinese
    one in Tibetan letters: ཝང་ལི་ཞོང) between a relation word and the particle after the name."""
    for m in _BO_WORD.finditer(text):
        syllables = m.group().split(_TSHEG)
        offsets = [m.start()]
        for s in syllables:
            offsets.append(offsets[-1] + len(s) + 1)
        found = [*_lexicon_names(syllables, offsets), *_names_after_relation(syllables, offsets)]
        yield from found
        # A name by its place in the clause only where the lexicon and the cues found none.
        yield from (f for f in _clause_subject(syllables, offsets, text[m.end():m.end() + 80])
                    if not any(f.start < g.end and g.start < f.end for g in found))


def _part_at(syllables: list[str], k: int) -> tuple[int, int]:
    """(syllables, trim) of the name part at k: trim > 0 when a particle is written onto its last syllable."""
    parts = _tibetan_script()
    for n in (4, 3, 2, 1):
        if k + n > len(syllables):
            continue
        if _TSHEG.join(syllables[k:k + n]) in parts:
            return n, 0
        last = syllables[k + n - 1]
        for attached in _BO_ATTACHED:
            if last.endswith(attached) and _TSHEG.join(syllables[k:k + n - 1] + [last[:-len(attached)]]) in parts:
                if attached != "ས" or _TSHEG.join(syllables[k:k + n]) not in parts:
                    return n, len(attached)
    return 0, 0


def _lexicon_names(syllables: list[str], offsets: list[int]) -> Iterator[NameFinding]:
    k = 0
    while k < len(syllables):
        run_start, count, trim = k, 0, 0
        while k < len(syllables) and not trim:
            step, trim = _part_at(syllables, k)
            if not step:
                break
            k += step
            count += 2 if step >= 4 else 1  # a four-syllable part is a whole name (ཚེ་རིང་འོད་ཟེར)
            if not trim and k < len(syllables) and syllables[k] in _BO_NAME_ENDINGS:
                k, count = k + 1, count + 1  # འཇམ་དབྱངས + སྐྱིད
        if not count:
            k += 1
            continue
        start, end = offsets[run_start], offsets[k] - 1 - trim
        following = syllables[k:k + 4]
        if trim == 0 and following[:1] and following[0] in _BO_GENITIVES:
            following = following[1:]
        after = _TSHEG.join(following)
        cue = next((role for word, role in BO_RELATIONS.items() if after.startswith(word)), None)
        if count >= 2 or cue is not None:
            if run_start == 1 and count >= 2 and syllables[0] not in _BO_PARTICLES:
                start = offsets[0]  # a clan or place name before the given name
            yield NameFinding(start, end, cue or "", "name:tibetan", "Tibetan name parts")


@cache
def _bo_relations() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """Tibetan relation words with a role, as syllables, by first syllable, longest first."""
    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {}
    for word, role in sorted(BO_RELATIONS.items(), key=lambda wr: -wr[0].count(_TSHEG)):
        if role:
            parts = tuple(word.split(_TSHEG))
            by_first[parts[0]] = by_first.get(parts[0], ()) + ((parts, role),)
    return by_first


@cache
def _bo_titles() -> dict[str, tuple[tuple[str, ...], ...]]:
    by_first: dict[str, tuple[tuple[str, ...], ...]] = {}
    for word in sorted(_BO_TITLES, key=lambda w: -w.count(_TSHEG)):
        parts = tuple(word.split(_TSHEG))
        by_first[parts[0]] = by_first.get(parts[0], ()) + (parts,)
    return by_first


def _names_after_relation(syllables: list[str], offsets: list[int]) -> Iterator[NameFinding]:
    relations, titles = _bo_relations(), _bo_titles()
    k = 0
    while k < len(syllables):
        # The longest relation word here: བུ་མོ (daughter) is not བུ (son) and a name མོ…
        word, role = next(((w, r) for w, r in relations.get(syllables[k], ()) if tuple(syllables[k:k + len(w)]) == w),
                          ((), ""))
        what = "relation word"
        if not word:
            word, what = next((w for w in titles.get(syllables[k], ()) if tuple(syllables[k:k + len(w)]) == w), ()), "title"
        k += len(word) or 1
        if word:
            after = end = k
            while end < len(syllables) and end - after < 5 and syllables[end] not in _BO_PARTICLES:
                end += 1
            if 2 <= end - after <= 4 and (end == len(syllables) or syllables[end] in _BO_PARTICLES) \
                    and _bo_name_like(syllables[after:end]) and _bare(syllables[after:after + 2]) not in _BO_PLACE_WORDS:
                yield NameFinding(offsets[after], offsets[end] - 1, role, "name:tibetan", f"after the {what} {_TSHEG.join(word)}")


def _bare(syllables: list[str]) -> str:
    """The syllables as one word, without a particle written onto the last (སློབ་གྲྭར -> སློབ་གྲྭ)."""
    word = _TSHEG.join(syllables)
    for attached in ("འི", "ར", "ས"):
        if word.endswith(attached) and len(syllables[-1]) > len(attached):
            return word[:-len(attached)]
    return word


def _bo_name_like(syllables: list[str]) -> bool:
    """No plural, quantity or verb among the syllables, and not a word for people in general."""
    words = set(syllables) | {_TSHEG.join(syllables[k:k + 2]) for k in range(len(syllables) - 1)}
    return not words & _BO_NOT_IN_NAMES and _TSHEG.join(syllables[:2]) not in _BO_PEOPLE


def _clause_subject(syllables: list[str], offsets: list[int], rest: str) -> Iterator[NameFinding]:
    """Two to four syllables that start the clause, before a genitive and a relation word
    (ཞོགས་ལྗང་གི་ཨ་མ, "Shokjang's mother"), or before ལ in a sentence that says the person was
    sentenced or detained (ཨ་ཉག་སེང་གྲགས་ལ་ལོ་བདུན་གྱི་བཙོན་ཁྲིམས་བཅད)."""
    relations = _bo_relations()
    for n in (4, 3, 2):
        if len(syllables) <= n or _TSHEG.join(syllables[:n]) in _BO_PRONOUNS \
                or any(s in _BO_PARTICLES for s in syllables[:n]) or not _bo_name_like(syllables[:n]):
            continue
        after = syllables[n + 1:]
        if syllables[n] in _BO_GENITIVES and n <= 3 and after and any(
                tuple(after[:len(w)]) == w for w, _ in relations.get(after[0], ())):
            role = next(r for w, r in relations[after[0]] if tuple(after[:len(w)]) == w)
            yield NameFinding(offsets[0], offsets[n] - 1, role, "name:tibetan", "before a genitive and a relation word")
            return
        clause = _TSHEG.join(after) + rest.split("།")[0]
        if syllables[n] == "ལ" and any(verb in clause for verb in _BO_BEFELL):
            yield NameFinding(offsets[0], offsets[n] - 1, "", "name:tibetan", "the person a sentence or detention befell")
            return
