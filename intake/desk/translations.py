"""Translations of a case's free-text answers into the language its letter is written in.

Reporters write in Chinese, Uyghur, Tibetan or English (the report's `form_language`); the
special procedures work in English, French and Spanish. What is translated is each free-text
answer the un-sp export carries, as redaction left it (coverage.py says which answers those
are): names are given as written, codes and dates need no translation. An answer is named by its
path in the case document ("incidents[0].narrative", "updates[1].message"), and a translation
keeps the SHA-256 of the redacted original it was made from: once redaction or the answers
change, it no longer matches and is not used (the letter says it is missing).

Stored on the case (`Case.translations`, in the encrypted vault), each change audited:

    {"language": "fr",                         the target of the letter; "en" when not set
     "texts": {"fr": {answer id: {"text", "sha256", "by", "time"}}}}   per target language

Kept per language, so changing the target loses no earlier work.
"""

import hashlib
import re
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .redaction.answers import is_prose
from .redaction.paths import get_path, pattern, set_path, walk_strings

if TYPE_CHECKING:  # state.py checks stored records with check_translations: no import at run time
    from .state import Case

TARGETS = {"en": "English", "fr": "French", "es": "Spanish"}
SOURCES = {"en": "English", "zh_Hans": "Chinese", "zh_Hant": "Chinese", "ug": "Uyghur", "bo": "Tibetan"}
DEFAULT = "en"
PROFILE = "un-sp"  # the redaction translations are made from (the letter, the drafts, Uwazi)
# Names are given as the reporter wrote them (with the other spellings the form asks for).
NAMES = frozenset({"victim.name", "victim.name_other_spellings", "related_persons[].name",
                   "related_persons[].name_other_spellings"})
ANSWER_ID = re.compile(r"[a-z_]+(?:\[\d{1,3}\])?(?:\.[a-z_]+(?:\[\d{1,3}\])?){0,3}")
MAX_TEXT = 100_000  # characters of one translation: several times the longest answer (caps.LONG_TEXT)
MAX_BY = 80
MISSING_ID = "TRANSLATION"  # the readiness item


@dataclass(frozen=True)
class Answer:
    id: str
    text: str  # as the export gives it: stripped, line breaks as LF
    language: str  # the form language it was written in

    @property
    def sha256(self) -> str:
        return digest(self.text)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clean(value: str) -> str:
    return value.strip().replace("\r\n", "\n").replace("\r", "\n")


def answers(document: dict, report: dict, update_languages: Sequence[str] = ()) -> list[Answer]:
    """The free-text answers of a (redacted) case document the un-sp export carries, in walk
    order; an update's language is its follow-up's (`update_languages`, in the updates' order).

    Which answers they are is judged on the reporter's own words (`report`, the case's report),
    never on what redaction made of them, so that the readiness item, read from the report
    alone, counts exactly the report's answers a sheet holds."""
    # Here, not at the top: state.py imports this module, and the exports import state.py.
    from .exports.coverage import COVERAGE, DRAFT, EVENTS, FOLLOW_UP, exported

    found = []
    for path, value in walk_strings(document):
        field_pattern = pattern(path)
        update = field_pattern.startswith("updates[].")
        carried = exported(FOLLOW_UP, field_pattern[len("updates[]."):]) if update else exported(COVERAGE, field_pattern)
        if field_pattern in NAMES or not carried & {DRAFT, EVENTS}:
            continue
        text = _clean(value)
        written = value if update or document is report else _at(report, path)
        if not text or not is_prose(_clean(written)):
            continue
        if update:
            n = int(path[len("updates["):path.index("]")])
            language = update_languages[n] if n < len(update_languages) else ""
        else:
            language = report.get("form_language", "")
        found.append(Answer(path, text, language))
    return found


def _at(report: dict, path: str) -> str:
    try:
        found = get_path(report, path)
    except (KeyError, IndexError, TypeError):
        return ""
    return found if isinstance(found, str) else ""


def to_translate(found: list[Answer], target: str) -> list[Answer]:
    """The answers not already written in the target language."""
    return [a for a in found if a.language != target]


def language(case: "Case") -> str:
    return (case.translations or {}).get("language", DEFAULT)


def stored(case: "Case", target: str) -> dict:
    return ((case.translations or {}).get("texts") or {}).get(target, {})


def current(case: "Case", target: str, answer: Answer) -> str | None:
    """The stored translation of `answer` if it was made from this very text, else None."""
    entry = stored(case, target).get(answer.id)
    return entry["text"] if entry and entry["sha256"] == answer.sha256 else None


def set_language(state, case: "Case", target: str) -> bool:
    """Make `target` the language of the case's letter; audited. False if it already was."""
    if target not in TARGETS:
        raise ValueError(f"unknown target language {target!r}")
    old = language(case)
    if old == target:
        return False
    case.translations = dict(case.translations or {}, language=target)
    state.record(case.id, "translate", {"translation_language": [old, target]})
    return True


def store(state, case: "Case", target: str, texts: dict[str, tuple[Answer, str]], by: str, when: str) -> list[str]:
    """Store translations {id: (answer, text)} into `target`; audited with who and when. Returns
    the ids whose stored translation changed."""
    into = dict(stored(case, target))
    changed = []
    for answer_id, (answer, text) in texts.items():
        entry = {"text": text, "sha256": answer.sha256, "by": by, "time": when}
        old = into.get(answer_id)
        if old is None or (old["text"], old["sha256"]) != (text, answer.sha256):
            into[answer_id] = entry
            changed.append(answer_id)
    if changed:
        all_texts = dict((case.translations or {}).get("texts") or {}, **{target: into})
        case.translations = dict(case.translations or {}, texts=all_texts)
        case.translations.setdefault("language", DEFAULT)
        state.record(case.id, "translate", {f"translations into {target}": [None, ", ".join(changed)],
                                            "translated by": [None, by]}, "sheet applied")
    return changed


def remove(state, case: "Case", target: str, answer_ids: list[str], by: str) -> list[str]:
    """Remove the stored translations of `answer_ids` from `target` (a translator emptied their
    slots); audited with who and when. Returns the ids removed."""
    into = dict(stored(case, target))
    removed = [answer_id for answer_id in answer_ids if into.pop(answer_id, None) is not None]
    if removed:
        all_texts = dict((case.translations or {}).get("texts") or {}, **{target: into})
        case.translations = dict(case.translations or {}, texts=all_texts)
        state.record(case.id, "translate", {f"translations into {target}": [", ".join(removed), None],
                                            "removed by": [None, by]}, "slots emptied on a sheet")
    return removed


def check_translations(record) -> None:
    """A stored record has the shape this module gives it, or ValueError (the case is then shown
    as damaged, never half-used by show or the exports)."""
    if not record:
        return
    if not isinstance(record, dict) or not set(record) <= {"language", "texts"}:
        raise ValueError("the case's translations have unexpected fields")
    texts = record.get("texts", {})
    if record.get("language", DEFAULT) not in TARGETS or not isinstance(texts, dict) or not set(texts) <= set(TARGETS):
        raise ValueError("the case's translations are damaged")
    for entries in texts.values():
        if not isinstance(entries, dict):
            raise ValueError("the case's translations are damaged")
        for answer_id, entry in entries.items():
            if (not isinstance(answer_id, str) or not ANSWER_ID.fullmatch(answer_id) or not isinstance(entry, dict)
                    or set(entry) != {"text", "sha256", "by", "time"}
                    or not all(isinstance(v, str) for v in entry.values())
                    or not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]) or len(entry["text"]) > MAX_TEXT
                    or not entry["text"] or len(entry["by"]) > MAX_BY):
                raise ValueError("the case's translations are damaged")


def readiness_item(case: "Case") -> str | None:
    """"TRANSLATION: …" when answers of the report have no translation into the case's target
    language (read from the report as imported: the letter names exactly which, follow-ups too)."""
    if case.report.get("kind") == "follow-up":
        return None
    target = language(case)
    have = stored(case, target)
    missing = [a for a in to_translate(answers(case.report, case.report), target) if a.id not in have]
    if not missing:
        return None
    return (f"{MISSING_ID}: {len(missing)} answer(s) not yet translated into {TARGETS[target]} "
            f"('intake translate {case.id} --sheet FILE')")


MARKED = 40  # characters: a translated answer this long is marked in place as a translation


@dataclass
class Rendering:
    """A redacted report as a letter in the target language gives it."""
    target: str
    plain: dict  # the redacted report with each current translation in place of its original
    marked: dict  # the same, each translation marked as one, naming its original in the annex
    translated: list[Answer] = field(default_factory=list)  # the originals replaced
    missing: list[str] = field(default_factory=list)  # ids that need a translation and have none current

    def missing_lines(self) -> list[str]:
        return [f"- MISSING: translation of {answer_id} into {TARGETS[self.target]}" for answer_id in self.missing]

    def notice(self) -> list[str]:
        """What the letter says once, at the top, of the translations in it ([] if none)."""
        if not self.translated:
            return []
        sources = sorted({SOURCES.get(a.language, a.language) for a in self.translated})
        return [f"> The source wrote in {' and '.join(sources)}. The submitting organisation translated the answers "
                f"into {TARGETS[self.target]}; each long one is marked, and every original is in the last annex, "
                "'original texts', under the id shown.", ""]

    def annex(self) -> list[str]:
        """The originals of the translated answers, keyed by their ids ("" if none)."""
        if not self.translated:
            return []
        lines = ["## Annex: original texts", ""]
        for a in self.translated:
            lines += [f"### {a.id} ({SOURCES.get(a.language, a.language)})", ""]
            lines += [f"> {line}".rstrip() for line in a.text.split("\n")] + [""]
        return lines


def render(case: "Case", redacted: dict, update_languages: list[str]) -> Rendering:
    """The redacted report in the case's target language: a current translation in place of
    each original; an answer without one stays in the original and is listed as missing."""
    import copy

    target = language(case)
    plain, marked = copy.deepcopy(redacted), copy.deepcopy(redacted)
    out = Rendering(target, plain, marked)
    for answer in to_translate(answers(redacted, case.report, update_languages), target):
        text = current(case, target, answer)
        if text is None:
            out.missing.append(answer.id)
            continue
        set_path(plain, answer.id, text)
        if len(text) >= MARKED or "\n" in text:  # a short one (a place, an occupation) is covered by the notice
            note = f"(translated from {SOURCES.get(answer.language, answer.language)}; original: {answer.id})"
            set_path(marked, answer.id, text + ("\n" if "\n" in text else " ") + note)
        else:
            set_path(marked, answer.id, text)
        out.translated.append(answer)
    return out
