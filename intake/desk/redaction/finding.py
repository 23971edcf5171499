"""What a detector reports: a span of the normalised text, its kind, and its canonical value."""

from dataclasses import dataclass

# CJK text has no word boundaries and Python counts Hanzi as \w, so \b would fail on
# "身份证号11010519491231002X". Guard only against ASCII letters and digits (un-procedures.md (e)).
BEFORE = r"(?<![0-9A-Za-z])"
AFTER = r"(?![0-9A-Za-z])"


@dataclass(frozen=True)
class Finding:
    start: int  # span in the normalised text
    end: int
    kind: str  # "phone", "resident_id", "date", "place"…
    value: str  # canonical form (E.164 phone, upper-case ID…): equal values share a pseudonym
    detector: str
    replacement: str | None = None  # fixed text for generalisations (dates, cities); None: a pseudonym


def context_before(text: str, start: int, words: tuple[str, ...], reach: int = 24) -> bool:
    """Whether one of `words` (lower case) occurs in the `reach` characters before `start`."""
    window = text[max(0, start - reach):start].lower()
    return any(w in window for w in words)


@dataclass(frozen=True)
class NameFinding:
    """A person named in free text: the span (normalised text), the role a cue gave ("husband",
    "" if none), the detector, and the evidence that made it fire, for the review screen."""

    start: int
    end: int
    role: str
    detector: str  # "name:zh", "name:latin", "name:uyghur", "name:tibetan"
    evidence: str  # "surname 陈 (4.6 %); relation word 丈夫 before; new word to the segmenter"
