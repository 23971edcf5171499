"""Every detector of people named in free text, run over one normalised text.

han_names (Chinese characters), latin_names (pinyin, Wade-Giles, Hong Kong spellings, English
cues) and minority_names (Uyghur and Tibetan, in their scripts and Latin letters). Where two
detectors claim overlapping spans, the longer span wins, then the earlier detector below.
"""

from .finding import NameFinding
from .spans import take_disjoint
from .han_names import HANZI_RUN, han_names
from .latin_names import latin_names
from .minority_names import latin_minority_names, tibetan_script_names, uyghur_script_names


def find_people(text: str) -> list[NameFinding]:
    groups = [han_names(text) if HANZI_RUN.search(text) else iter(()), latin_minority_names(text), latin_names(text),
              uyghur_script_names(text), tibetan_script_names(text)]
    ranked = [(rank, f) for rank, group in enumerate(groups) for f in group]
    ordered = [f for _, f in sorted(ranked, key=lambda rf: (-(rf[1].end - rf[1].start), rf[0], rf[1].start))]
    taken = take_disjoint(ordered, lambda f: (f.start, f.end))
    return sorted(taken, key=lambda f: f.start)
