"""`intake translate`: a sheet of a case's redacted answers out, the translations back in.

The sheet holds the un-sp redaction of the answers, so it is written only when an un-sp export
could be made (redaction complete, every follow-up read, consent covering the special
procedures), atomically and mode 0600, never over an existing file. A sheet comes back checked
whole before anything is stored: each id must still be an answer of the case with the same
redacted original, and every answer to translate must be in it. Anything else means the case
changed since the sheet was written (redaction decisions, a follow-up): the sheet is refused,
naming the first stale id. A translation holding a name or identifier the redaction withholds
is refused too (redaction.translation_leaks: the check run after redaction, every person the name
detectors find that is neither in the original nor a name consent lets stay, and a pseudonym of
the original left out). A slot emptied on a sheet that held a current translation removes it.
"""

from pathlib import Path

from ..atomic import AtomicFile
from .consent import scope_refusal
from .errors import DeskError
from .redaction import UnreviewedProposals
from .redaction.engine import named_entries
from .redaction.verify import translation_leaks
from .review import (decisions_for, follow_up_refusal, keep_names, register_for, reviewed, unread_refusal,
                     updates_for)
from .state import Case, VaultState, timestamp
from .terminal import visible
from .translations import MAX_BY, PROFILE, TARGETS, Answer, answers, current, language, remove, store, to_translate
from . import translation_sheet


def case_answers(state: VaultState, case: Case, purpose: str) -> tuple[list[Answer], list]:
    """The answers of the case's un-sp redaction, and its proposals; DeskError when no un-sp
    export of the case could be made now."""
    if case.report.get("kind") == "follow-up":
        raise DeskError(follow_up_refusal(state, case, "translate"))
    refusal = scope_refusal(case, PROFILE) or unread_refusal(state, case, PROFILE)
    if refusal:
        raise DeskError(refusal)
    try:
        redacted, proposals = reviewed(state, case, PROFILE)
    except UnreviewedProposals as exc:  # its message quotes the proposal (a name): not here
        raise DeskError(f"{case.id}: {len(exc.proposals)} redaction proposal(s) for {PROFILE} have no decision yet; "
                        f"{purpose} only once redaction is complete",
                        hint=f"review them with 'intake redact {case.id} --profile {PROFILE}'") from None
    languages = [f.report.get("form_language", "") for f in updates_for(state, case, PROFILE)]
    return answers(redacted, case.report, languages), proposals


def status(case: Case, found: list[Answer]) -> dict:
    target = language(case)
    needed = to_translate(found, target)
    done = [a.id for a in needed if current(case, target, a) is not None]
    return {"case": case.id, "language": target, "answers": len(needed), "translated": len(done),
            "missing": [a.id for a in needed if a.id not in done]}


def write_sheet(state: VaultState, case: Case, path: Path, as_json: bool = False) -> dict:
    """Write the sheet of the answers to translate into the case's language (current
    translations filled in), as Markdown or JSON."""
    found, _ = case_answers(state, case, "a sheet is written")
    target = language(case)
    needed = to_translate(found, target)
    if not needed:
        raise DeskError(f"nothing in {case.id} needs translating into {TARGETS[target]}: every answer is written in it")
    write = translation_sheet.write_json if as_json else translation_sheet.write
    text = write(target, [(a, current(case, target, a) or "") for a in needed])
    path = Path(path)
    if not path.parent.is_dir():
        raise DeskError(f"{path.parent} does not exist")
    try:
        with AtomicFile(path) as f:
            f.write(text.encode())
    except FileExistsError:
        raise DeskError(f"{path} already exists; refusing to overwrite a sheet", hint="choose a new file name") from None
    return status(case, found) | {"sheet": str(path)}


def _stale(entries, needed: list[Answer]) -> str | None:
    """The first reason the sheet no longer fits the case, or None."""
    by_id = {a.id: a for a in needed}
    for entry in entries:
        answer = by_id.get(entry.id)
        if answer is None or answer.sha256 != entry.sha256:
            return f"{entry.id} {'is no longer an answer to translate' if answer is None else 'has changed'}"
    listed = {e.id for e in entries}
    new = [a.id for a in needed if a.id not in listed]
    return f"{new[0]} is not in it" if new else None


def _check_by(by: str) -> str:
    by = (by or "").strip()
    if not by or len(by) > MAX_BY or any(c.isspace() and c != " " for c in by) or any(not c.isprintable() for c in by):
        raise DeskError(f"--by takes the translator's name or initials: one line, at most {MAX_BY} characters")
    return by


def _leak_refusal(case: Case, texts: dict[str, str], originals: dict[str, str], proposals) -> str | None:
    register = register_for(case)
    kept = named_entries(register, case.report, keep_names(case, PROFILE))
    found, dropped = translation_leaks(texts, originals, register, proposals, decisions_for(case, PROFILE), kept)
    if found:
        return (f"the translation of {found[0].path} holds a name or identifier the redaction of {case.id} "
                f"withholds ({found[0].withheld()}); nothing was stored")
    if dropped:
        answer_id, label = dropped[0]  # a pseudonym, never a name: it is shown so the translator can find it
        return f"the translation of {answer_id} leaves out the pseudonym \"{label}\" of its original; nothing was stored"
    return None


def apply_sheet(state: VaultState, case: Case, path: Path, by: str, now) -> dict:
    """Store the sheet's translations, or DeskError with nothing stored."""
    by = _check_by(by)
    target, entries = translation_sheet.read(path)
    found, proposals = case_answers(state, case, "a sheet is applied")
    if target != language(case):
        raise DeskError(f"the sheet is into {TARGETS[target]}, but the letter of {case.id} is in "
                        f"{TARGETS[language(case)]}; nothing was stored",
                        hint=f"'intake translate {case.id} --language {target}' first, if that is the language wanted")
    needed = to_translate(found, target)
    stale = _stale(entries, needed)
    if stale:
        raise DeskError(f"the sheet is stale: {stale} since the sheet was written; nothing was stored",
                        hint=f"write a new sheet with 'intake translate {case.id} --sheet FILE' "
                             "(a sheet of another case is refused the same way)")
    by_id = {a.id: a for a in needed}
    for entry in entries:
        answer = by_id[entry.id]
        if entry.language != answer.language or _lines(entry.original) != _lines(visible(answer.text)):
            raise DeskError(f"{entry.where}: the original of {entry.id} was changed in the sheet; nothing was stored",
                            hint=f"write a new sheet with 'intake translate {case.id} --sheet FILE'")
    texts = {e.id: e.translation for e in entries if e.translation}
    refusal = _leak_refusal(case, texts, {i: by_id[i].text for i in texts}, proposals)
    if refusal:
        raise DeskError(refusal, hint="keep each pseudonym exactly as the original writes it (\"Person A (victim)\"), "
                                      "and write no name the original does not have")
    # An emptied slot: the translator takes back a translation the sheet came with.
    emptied = [e.id for e in entries if not e.translation and current(case, target, by_id[e.id]) is not None]
    changed = store(state, case, target, {i: (by_id[i], t) for i, t in texts.items()}, by, timestamp(now))
    removed = remove(state, case, target, emptied, by)
    return status(case, found) | {"stored": changed, "removed": removed, "by": by}


def _lines(text: str) -> list[str]:
    # Editors may drop spaces at the end of a line: those do not make the original another text.
    return [line.rstrip() for line in text.split("\n")]
