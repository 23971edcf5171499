"""Uwazi CSV import: one row per case for HURIDOCS's Uwazi database (docs/uwazi.md).

Uwazi reads a UTF-8, comma-separated CSV whose header names template properties (snake_case),
`title` first; multi-select values are separated by `|`; dates are YYYY-MM-DD and a date range
is `start:end`; a translation is the column `<property>__<lang>`. Thesauri are imported as a CSV
with one label per row (Uwazi's thesaurus import).

CSV injection: spreadsheets run a cell starting with = + - @ (or a tab or CR) as a formula. Such a
cell gets one leading apostrophe ("'"): spreadsheets show the text as typed, and nothing of the
reporter's text is removed (the apostrophe is the only change, and only at the start of a cell).
"""

import csv
import io

from . import vocab
from .common import all_codes, answer_or_fact, code_list, incidents, staff_fact, text

PROFILE = "uwazi"
SEPARATOR = "|"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The template's properties, in column order: (name, Uwazi type, thesaurus or None). One home:
# docs/uwazi.md describes the same list, and tests check the header against it.
PROPERTIES = (
    ("violations", "multiselect", "violations"),
    ("event_period", "daterange", None),
    ("victim_status", "select", "victim_statuses"),
    ("detention_kind", "select", "detention_kinds"),
    ("charges", "multiselect", "charges"),
    ("arrest_date", "date", None),
    ("un_mandates", "multiselect", "un_mandates"),
    ("narrative", "markdown", None),
)
ATTACHMENTS = "attachments"  # Uwazi's own column of files in the ZIP, not a template property
TRANSLATABLE = frozenset({"title", "narrative"})


def thesauri() -> dict[str, dict]:
    """Each select property's thesaurus: its name -> {code: label}."""
    from ..rules import MANDATES
    mandates = {m: m for m in MANDATES if m != "ASG-REPRISALS"}  # the column holds our short codes
    kinds = {code: label for code, label in vocab.DETENTION_KINDS.items() if code}  # "" is an empty cell
    return {"violations": vocab.VIOLATIONS, "victim_statuses": vocab.VICTIM_STATUSES, "detention_kinds": kinds,
            "charges": vocab.CHARGES, "un_mandates": mandates}


def neutralise(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (see the module docstring)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def multi(values) -> str:
    """Values joined by `|`; a `|` inside a value would split it, so it becomes '/'."""
    return SEPARATOR.join(v.replace(SEPARATOR, "/") for v in values if v)


def date_range(start: str, end: str) -> str:
    """`start:end`, or the single date; dates as the report gives them (YYYY[-MM[-DD]])."""
    return f"{start}:{end}" if start and end else start or end


def language_columns(prop: str, languages: list[str]) -> list[str]:
    """The columns of one property: the original, then `<prop>__<lang>` for each translation.

    The one place deciding language columns: `title__en` always exists for the title.
    """
    if prop not in TRANSLATABLE:
        return [prop]
    langs = list(dict.fromkeys((["en"] if prop == "title" else []) + [lang for lang in languages if lang]))
    return [prop] + [f"{prop}__{lang}" for lang in langs]


def header(languages: list[str]) -> list[str]:
    return [c for p in ("title",) + tuple(name for name, _, _ in PROPERTIES) + (ATTACHMENTS,) for c in language_columns(p, languages)]


def _narrative(redacted: dict) -> str:
    return "\n\n".join(f"Incident {n}: {t}" for n, i in incidents(redacted) if (t := text(i, "narrative")))


def translated_narrative(translation) -> str:
    """The narrative in the case's target language (translations.Rendering), "" when no
    incident's account is translated: the column is filled only where a translation exists."""
    if translation is None or not any(a.id.startswith("incidents[") and a.id.endswith(".narrative")
                                      for a in translation.translated):
        return ""
    return _narrative(translation.plain)


def case_row(export_id: str, redacted: dict, mandates: list[str], attachment_files: list[str], translation=None) -> dict:
    """One case's cells (before neutralising), from the un-sp profile's redacted report; with its
    translations, `narrative__<lang>` too (an account not yet translated stays in the original)."""
    codes = all_codes(redacted)
    main = vocab.VIOLATIONS.get(codes[0], codes[0]) if codes else "reprisal"
    starts = [text(i, "start", "date") for _, i in incidents(redacted)]
    ends = [text(i, "end", "date") for _, i in incidents(redacted)]
    starts, ends = sorted(s for s in starts if s), sorted(e for e in ends if e)
    title = f"{export_id}: {main}"
    translated = translated_narrative(translation)
    extra = {f"title__{translation.target}": title, f"narrative__{translation.target}": translated} if translated else {}
    return extra | {"title": title, "title__en": title,
            "violations": multi(vocab.VIOLATIONS.get(c, c) for c in codes),
            "event_period": date_range(starts[0] if starts else "", ends[-1] if ends else ""),
            "victim_status": vocab.VICTIM_STATUSES.get(text(redacted, "victim", "status"), ""),
            # The form's answer, else what staff added (desk/facts.py).
            "detention_kind": vocab.DETENTION_KINDS.get(kind, "") if (kind := answer_or_fact(
                text(redacted, "victim", "detention_kind"), redacted, "detention_kind")) else "",
            "charges": multi(vocab.CHARGES.get(c, c) for c in code_list(redacted.get("victim") or {}, "charges")
                             or [c for c in staff_fact(redacted, "charges").split(";") if c]),
            "arrest_date": answer_or_fact(text(redacted, "victim", "arrest_date"), redacted, "arrest_date"),
            "un_mandates": multi(mandates),
            "narrative": _narrative(redacted),
            ATTACHMENTS: multi(attachment_files)}


def import_csv(rows: list[dict], languages: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header(languages), lineterminator="\r\n", extrasaction="raise",
                            quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def thesaurus_csv(table: dict) -> bytes:
    """One label per row under a `label` header; no groups, so no `Parent::Child`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["label"])
    for label in dict.fromkeys(table.values()):
        writer.writerow([neutralise(label)])
    return out.getvalue().encode("utf-8")
