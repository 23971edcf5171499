"""The translation sheet: a case's answers to translate, as a Markdown file any editor can open.

    <!-- intake translation sheet 1 -->
    <!-- into: fr -->
    # Translation into French
    (how to fill it in)

    ## incidents[0].narrative
    <!-- sha256: 3a7f…; written in: zh_Hans -->

    original:

    > 他在会见特别报告员之后被拘留。

    translation:

    (the translator types here; empty: not translated yet)

    <!-- end -->

The original is quoted ("> ") with hidden characters escaped (terminal.visible), so no reporter
text can forge a marker line. `--format json` writes the same as one JSON object instead
(`{"schema", "into", "help", "entries": [{"id", "sha256", "written_in", "original",
"translation"}]}`), for tools; `--apply` reads either. The file comes back from outside the vault, so it is read as
hostile: a size cap, every marker line where it must be, one error line (with the line number,
never the text: it may hold a name) for anything else, and a repeated id refused. Whether the
ids and digests are still those of the case is for translating.py to decide.
"""

import json
import os
import re
from dataclasses import dataclass

from .errors import DeskError
from .terminal import visible
from .translations import ANSWER_ID, MAX_TEXT, SOURCES, TARGETS, Answer

MAGIC = "<!-- intake translation sheet 1 -->"
SCHEMA = "intake.translation-sheet/1"
INTO = re.compile(r"<!-- into: ([a-z]{2}) -->")
DIGEST = re.compile(r"<!-- sha256: ([0-9a-f]{64}); written in: ([A-Za-z_]{2,8}) -->")
ORIGINAL, TRANSLATION, END = "original:", "translation:", "<!-- end -->"
MAX_SHEET_BYTES = 8 << 20
MAX_ENTRIES = 1000

HELP = """Translate each original into {name}. Type the translation between its "translation:"
line and its "<!-- end -->" line; leave it empty if you have not translated it yet. A slot
that comes filled in holds the translation stored now: empty it to remove that translation.
Keep pseudonyms such as "Person A (victim)" and "[… withheld]" exactly as they are, and add
no name the original does not have: the desk refuses a translation that drops a pseudonym or
names someone. Change no other line: the desk refuses a sheet whose marker lines, ids or
originals were changed, and one written before the case last changed.
This file is confidential, like the case itself: keep it safe, and delete it once the
translations are in."""


class SheetError(DeskError):
    """A sheet that is not one the desk wrote, or was damaged in editing."""


@dataclass(frozen=True)
class Entry:
    id: str
    sha256: str
    language: str
    original: str  # as quoted in the sheet (escaped)
    translation: str  # "" for an empty slot
    where: str  # "line 12" (its heading) or "entry 3"


def write(target: str, entries: list[tuple[Answer, str]]) -> str:
    """The sheet for `entries` (each answer with its current translation, or "")."""
    lines = [MAGIC, f"<!-- into: {target} -->", f"# Translation into {TARGETS[target]}", "",
             HELP.format(name=TARGETS[target]), ""]
    for answer, translation in entries:
        lines += [f"## {answer.id}", f"<!-- sha256: {answer.sha256}; written in: {answer.language} -->", "",
                  ORIGINAL, "", *[f"> {line}" if line else ">" for line in visible(answer.text).split("\n")], "",
                  TRANSLATION, "", *([translation, ""] if translation else [""]), END, ""]
    return "\n".join(lines)


def write_json(target: str, entries: list[tuple[Answer, str]]) -> str:
    """The sheet as JSON; hidden characters escaped as in the exports (valid JSON escapes)."""
    return visible(json.dumps({"schema": SCHEMA, "into": target, "help": HELP.format(name=TARGETS[target]),
                               "entries": [{"id": a.id, "sha256": a.sha256, "written_in": a.language,
                                            "original": a.text, "translation": t} for a, t in entries]},
                              ensure_ascii=False, indent=1)) + "\n"


def read(path) -> tuple[str, list[Entry]]:
    """(target language, entries) of the sheet at `path`, or SheetError."""
    if not os.path.isfile(path):  # a FIFO or a device would never end
        raise DeskError(f"{path} is not a file")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SHEET_BYTES + 1)
    except OSError as exc:
        raise DeskError(f"cannot read the sheet {path}: {exc.strerror}") from None
    if len(data) > MAX_SHEET_BYTES:
        raise SheetError(f"the sheet is larger than {MAX_SHEET_BYTES >> 20} MiB: not a sheet the desk wrote")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SheetError("the sheet is not UTF-8 text", hint="save it as UTF-8 in the editor") from None
    return parse_json(text) if text.removeprefix("\ufeff").lstrip().startswith("{") else parse(text)


def _no_repeats(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise SheetError("the JSON sheet repeats a key in an object")
    return dict(pairs)


def parse_json(text: str) -> tuple[str, list[Entry]]:
    try:
        sheet = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=_no_repeats)
    except (ValueError, RecursionError):
        raise SheetError("the JSON sheet is not valid JSON") from None
    if (not isinstance(sheet, dict) or set(sheet) != {"schema", "into", "help", "entries"}
            or sheet["schema"] != SCHEMA or not isinstance(sheet["entries"], list)):
        raise SheetError("not a translation sheet written by 'intake translate --sheet --format json'")
    if sheet["into"] not in TARGETS:
        raise SheetError("the sheet's target language is damaged")
    if len(sheet["entries"]) > MAX_ENTRIES:
        raise SheetError(f"the sheet has more than {MAX_ENTRIES} entries: not a sheet the desk wrote")
    entries, seen = [], set()
    for n, item in enumerate(sheet["entries"], 1):
        where = f"entry {n}"
        if (not isinstance(item, dict) or set(item) != {"id", "sha256", "written_in", "original", "translation"}
                or not all(isinstance(v, str) for v in item.values())):
            raise SheetError(f"{where}: not an entry the desk wrote (id, sha256, written_in, original, translation)")
        if len(item["id"]) > 120 or not ANSWER_ID.fullmatch(item["id"]):
            raise SheetError(f"{where}: the id is not an answer id")
        if not re.fullmatch(r"[0-9a-f]{64}", item["sha256"]) or item["written_in"] not in SOURCES:
            raise SheetError(f"{where}: the sha256 or the language of {item['id']} is damaged")
        if item["id"] in seen:
            raise SheetError(f"{where}: {item['id']} appears twice in the sheet")
        seen.add(item["id"])
        translation = item["translation"].replace("\r\n", "\n").strip()
        if visible(translation) != translation:
            raise SheetError(f"{where}: the translation of {item['id']} holds control or invisible characters",
                             hint="type it again without them")
        if len(translation) > MAX_TEXT:
            raise SheetError(f"{where}: the translation of {item['id']} is longer than {MAX_TEXT} characters")
        entries.append(Entry(item["id"], item["sha256"], item["written_in"], visible(item["original"]), translation, where))
    return sheet["into"], entries


def parse(text: str) -> tuple[str, list[Entry]]:
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0] != MAGIC:
        raise SheetError("line 1: not a translation sheet written by 'intake translate --sheet'")
    into = INTO.fullmatch(lines[1]) if len(lines) > 1 else None
    if into is None or into.group(1) not in TARGETS:
        raise SheetError("line 2: the sheet's target language line is damaged")
    at = 2
    while at < len(lines) and not lines[at].startswith("## "):  # the title and the help text
        at += 1
    entries: list[Entry] = []
    seen: set[str] = set()
    while at < len(lines):
        entry, at = _entry(lines, at)
        if entry.id in seen:
            raise SheetError(f"{entry.where}: {entry.id} appears twice in the sheet")
        seen.add(entry.id)
        entries.append(entry)
        if len(entries) > MAX_ENTRIES:
            raise SheetError(f"the sheet has more than {MAX_ENTRIES} entries: not a sheet the desk wrote")
        at = _skip_blank(lines, at)
    return into.group(1), entries


def _skip_blank(lines: list[str], at: int) -> int:
    while at < len(lines) and not lines[at].strip():
        at += 1
    return at


def _expect(lines: list[str], at: int, marker: str, where: str) -> int:
    at = _skip_blank(lines, at)
    if at >= len(lines) or lines[at] != marker:
        raise SheetError(f"line {min(at, len(lines)) + 1}: expected the line {marker!r} of {where}")
    return at + 1


def _entry(lines: list[str], at: int) -> tuple[Entry, int]:
    heading = at
    if not lines[at].startswith("## "):
        raise SheetError(f"line {at + 1}: expected an entry heading ('## ' and an answer id)")
    answer_id = lines[at][3:].strip()
    if len(answer_id) > 120 or not ANSWER_ID.fullmatch(answer_id):
        raise SheetError(f"line {at + 1}: the heading does not name an answer id")
    found = DIGEST.fullmatch(lines[at + 1]) if at + 1 < len(lines) else None
    if found is None or found.group(2) not in SOURCES:
        raise SheetError(f"line {at + 2}: the sha256 line of {answer_id} is damaged")
    at = _expect(lines, at + 2, ORIGINAL, answer_id)
    quoted = []
    at = _skip_blank(lines, at)
    while at < len(lines) and (lines[at] == ">" or lines[at].startswith("> ")):
        quoted.append(lines[at][2:])
        at += 1
    if not quoted:
        raise SheetError(f"line {at + 1}: the original of {answer_id} is missing")
    at = _expect(lines, at, TRANSLATION, answer_id)
    typed = []
    while at < len(lines) and lines[at] != END:
        line = lines[at]
        if line.startswith("## ") or line.lstrip().startswith("<!--") or line in (ORIGINAL, TRANSLATION):
            raise SheetError(f"line {at + 1}: a marker line inside the translation of {answer_id} "
                             "(is its '<!-- end -->' line missing?)")
        if visible(line) != line:
            raise SheetError(f"line {at + 1}: the translation of {answer_id} holds control or invisible characters",
                             hint="type it again without them")
        typed.append(line)
        at += 1
    if at >= len(lines):
        raise SheetError(f"line {at}: the sheet ends inside the translation of {answer_id} (no '<!-- end -->' line)")
    translation = "\n".join(typed).strip()
    if len(translation) > MAX_TEXT:
        raise SheetError(f"line {heading + 1}: the translation of {answer_id} is longer than {MAX_TEXT} characters")
    return Entry(answer_id, found.group(1), found.group(2), "\n".join(quoted), translation, f"line {heading + 1}"), at + 1
