"""What staff see: list rows, the case view, as text or JSON (English, for staff)."""

import datetime
import json

from . import index
from ..submission.layout import REPORT_SCHEMA_1, REPORT_SCHEMA_2
from .exports import vocab
from .facts import FACTS, with_staff_facts
from .rules import MANDATES, evaluate
from .state import Case, VaultState
from . import translations


def case_row(case: Case, now: datetime.datetime) -> dict:
    """The list columns of one loaded case, with the rules applied now."""
    return index.list_columns(case.id, case, evaluate(with_staff_facts(case), now))


def select_rows(rows: dict, *, status=None, urgent=False, mandate=None) -> list[dict]:
    """The list: `rows` maps case ids to index rows (all of them current: cli.list_)."""
    selected, damaged = [], []
    for case_id, row in rows.items():
        if row["damaged"] is not None:
            damaged.append((case_id, row))
        elif not ((status and row["status"] != status) or (urgent and not row["urgent"])
                  or (mandate and mandate not in row["mandates"] and mandate not in row["suggested"])):
            selected.append((case_id, row))
    # Urgent first, then the oldest first: what waits longest and matters most comes up top.
    # (One string per row, "\0" between the parts: it sorts as the tuple would, and faster.)
    selected.sort(key=lambda item: ("1" if item[1]["urgent"] else "2") + item[1]["received"] + "\0" + item[0])
    if not (status or urgent or mandate):
        selected = sorted(damaged, key=lambda item: item[0]) + selected
    return [row for _, row in selected]


def _json_line(row: dict) -> bytes:
    out = row["out"] if isinstance(row["out"], bytes) else row["out"].encode()
    if "follow_up_count" not in row:
        return out
    # What listing.fold_follow_ups counted, added to the line made with the row (it ends in "}").
    extra = json.dumps({"follow_up_count": row["follow_up_count"], "unread_follow_ups": list(row["unread_follow_ups"])},
                       separators=(", ", ": "))
    return out[:-1] + b", " + extra[1:].encode()


def json_lines(rows: list[dict], per_chunk: int = 1000):
    """The list as a JSON array, one case per line, as UTF-8 chunks of `per_chunk` rows (each
    row's line was made with the row; no copy of all of them is made at once)."""
    yield b"[\n"
    for start in range(0, len(rows), per_chunk):
        chunk = b",\n".join(_json_line(row) for row in rows[start:start + per_chunk])
        yield chunk + (b",\n" if start + per_chunk < len(rows) else b"\n")
    yield b"]\n"


TABLE_HEADER = ["ID", "RECEIVED", "STATUS", "URGENT", "SUGGESTED", "CONFIRMED", "READY FOR", "FOLLOW-UPS", "SUMMARY"]


def follow_ups_cell(row: dict) -> str:
    """"2 (1 unread)" on a report's row (listing.fold_follow_ups); "not linked" on a follow-up
    whose receipt matches no case."""
    count = row.get("follow_up_count", 0)
    if count:
        unread = len(row.get("unread_follow_ups", ()))
        return f"{count} ({unread} unread)" if unread else str(count)
    if row.get("kind") == "follow-up" and row.get("follow_up_of") is None:
        return "not linked"
    return ""


def table_lines(rows: list[dict], per_chunk: int = 1000):
    """The list as a table: columns as wide as their widest cell (the summary last, unpadded),
    as chunks of `per_chunk` lines, each ending in a newline. The row's stored cells, with its
    follow-ups (counted when listed) before the summary."""
    def cells_of(row) -> list[str]:
        return [*row["cells"][:-1], follow_ups_cell(row), row["cells"][-1]]

    widths = [len(title) for title in TABLE_HEADER[:-1]]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, cells_of(row))]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)) + "  " + cells[-1] + "\n"

    yield line(TABLE_HEADER)
    for start in range(0, len(rows), per_chunk):
        yield "".join(line(cells_of(row)) for row in rows[start:start + per_chunk])



def case_document(case: Case, state: VaultState, attachments: list[dict], now) -> dict:
    result = evaluate(with_staff_facts(case), now)
    return {
        "case": {k: v for k, v in case_row(case, now).items() if k not in ("summary", "damaged")} | {
            "sha256": case.sha256, "imported": case.imported, "notes": case.notes, "links": case.links,
            "urgent_decision": case.urgent,
            # What staff confirmed with the person (consent.py), shown beside the form's consent answers.
            "consent_record": case.consent_record or None, "consent_on_form": case.report.get("consent"),
            # The letter's language and the translations stored into each (translations.py).
            "translations": {"language": translations.language(case),
                             "stored": {t: len(translations.stored(case, t)) for t in translations.TARGETS
                                        if translations.stored(case, t)}},
            # What staff know better than the form (facts.py), shown beside the form's answers.
            "staff_facts": case.facts or None,
            # New full reports that quote this one's receipt: linked, but their own cases.
            "quoted_by_reports": [i for i in case.follow_ups if i in state.cases and state.cases[i].report.get("kind") != "follow-up"],
            "unread_follow_ups": _unread_follow_ups(case, state),
        },
        "suggestions": {k: v for k, v in result.to_json().items() if k != "valid_until"},
        "report": case.report,
        "attachments": attachments,
        "history": state.history(case.id),
    }


def _unread_follow_ups(case: Case, state: VaultState) -> list[str]:
    """The follow-ups adding to `case` (through follow-ups of follow-ups) that nobody has
    recorded as read (`intake redact CASE --read ID`)."""
    if case.report.get("kind") == "follow-up":
        return []  # read on the report they add to
    read, found, waiting = set(index.read_follow_ups(case)), [], list(case.follow_ups)
    while waiting:
        case_id = waiting.pop(0)
        other = state.cases.get(case_id)
        if other is None or case_id in found or case_id == case.id or other.report.get("kind") != "follow-up":
            continue
        found.append(case_id)
        waiting += other.follow_ups
    return sorted(i for i in found if i not in read)


def format_case(doc: dict) -> str:
    """The whole case for reading on screen: triage first, then every answer, then history."""
    case, report = doc["case"], doc["report"]
    out = [f"Case {case['id']}  received {case['received']}  status {case['status']}"
           + ("  URGENT" if case["urgent"] else "")]
    for reason in case["urgency_reasons"]:
        out.append(f"  urgency: {reason}")
    for reason in case["stale"]:
        out.append(f"  stale: {reason}")
    out.append(f"  suggested mandates: {', '.join(case['suggested_mandates']) or '-'}")
    for code, reasons in doc["suggestions"].get("mandate_reasons", {}).items():
        out.append(f"    {code} ({MANDATES.get(code, code)}): {'; '.join(reasons)}")
    out.append(f"  confirmed mandates: {', '.join(case['mandates']) or '-'}")
    out.append(f"  ready for: {', '.join(case['ready_for']) or '-'}")
    for code, missing in case["missing"].items():
        if missing:
            out.append(f"  missing for {code}: {'; '.join(missing)}")
    if case["follow_up_of"]:
        # A full report that quotes a receipt is its own case (own consents, own export).
        relation = "follow-up of" if report.get("kind") == "follow-up" else "a new report quoting the receipt of"
        out.append(f"  {relation}: {case['follow_up_of']}")
    elif case["not_linked"]:
        out.append("  follow-up of: not linked (no case in the vault has the receipt it quotes; it is linked"
                   " when that report is imported)")
    follow_ups = [i for i in case["follow_ups"] if i not in case["quoted_by_reports"]]
    if follow_ups:
        out.append(f"  follow-ups: {', '.join(i + (' (unread)' if i in case['unread_follow_ups'] else '') for i in follow_ups)}")
    nested_unread = [i for i in case["unread_follow_ups"] if i not in follow_ups]
    if nested_unread:
        out.append(f"  unread follow-ups of its follow-ups: {', '.join(nested_unread)}")
    if case["quoted_by_reports"]:
        out.append(f"  new reports quoting its receipt: {', '.join(case['quoted_by_reports'])}")
    if case["links"]:
        out.append(f"  linked cases: {', '.join(case['links'])}")
    record, form = case.get("consent_record"), case.get("consent_on_form") or {}
    out.append("  consent record: " + (f"given by {record['given_by']} on {record['date']} ({record['channel']}), risks "
                                       f"explained {'yes' if record['risks_explained'] else 'no'}, scope "
                                       f"{','.join(record['scope'])}"
                                       + (f", reconfirmed {record['reconfirmed']}" if record.get("reconfirmed") else "")
                                       if record else "none yet ('intake consent CASE ...')"))
    out.append("  consent on the form: " + ", ".join(f"{k} {v}" for k, v in sorted(form.items())))
    out.append(f"  form language: {case['language'] or '-'}   receipt: {report.get('receipt', '-')}")
    kept = case["translations"]
    out.append(f"  letter in: {translations.TARGETS[kept['language']]}   translations stored: "
               + (", ".join(f"{n} into {t}" for t, n in kept["stored"].items()) or "none")
               + f" ('intake translate {case['id']}' lists what is missing)")
    out += _people_and_event(report)
    out.append("")
    out += _answers(report, skip={"attachments", "schema", "receipt"})
    out += _staff_facts(case.get("staff_facts") or {}, report)
    out.append("")
    out.append("Attachments (read from the ciphertext; none written to disk):")
    for a in doc["attachments"] or []:
        flag = "" if a.get("present", True) else "  MISSING FROM ARCHIVE"
        out.append(f"  {a['entry']}  {a['size']} bytes  sha256 {a['sha256']}  ({a.get('declared_type') or '?'}){flag}")
        if a.get("original_name") and a["original_name"] not in a["entry"]:
            out.append(f"    original name: {a['original_name']}")
    if not doc["attachments"]:
        out.append("  none")
    if case["notes"]:
        out.append("")
        out.append("Notes:")
        out += [f"  {n['time']}  {n['text']}" for n in case["notes"]]
    out.append("")
    out.append("History:")
    for entry in doc["history"]:
        changes = ", ".join(f"{k}: {json.dumps(v[0], ensure_ascii=False)} -> {json.dumps(v[1], ensure_ascii=False)}" for k, v in entry["changes"].items())
        out.append(f"  {entry['time']}  {entry['action']}  {changes}" + (f"  ({entry['reason']})" if entry["reason"] else ""))
    return "\n".join(out)


NOT_ASKED_IN_2 = "the arrest, the kind of place held, the charges, the authorities' response and earlier UN action"


def _staff_facts(facts: dict, report: dict) -> list[str]:
    """The facts staff added, each beside the form's answer to the same question."""
    if not facts:
        return []
    out = ["", "Added by staff, not from the form (exports say 'according to the submitting organisation'):"]
    for key, value in facts.items():
        section, _, answer = FACTS[key].answers.partition(".")
        form = (report.get(section) or {}).get(answer) if answer else None
        beside = f"the form: {_shown(form) or 'not answered'}" if answer else "the form does not ask"
        out.append(f"  {key.replace('_', ' ')}: {_shown(value)}   ({beside})")
    return out


def _shown(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)


def _people_and_event(report: dict) -> list[str]:
    """The related persons, the imminent event, the arrest and the charges in one line each
    (their answers follow below)."""
    if report.get("kind") != "report":
        return []
    if report.get("schema") == REPORT_SCHEMA_1:
        return [f"  form {REPORT_SCHEMA_1}: other people affected, an imminent event, who cooperated and "
                f"{NOT_ASKED_IN_2} were not asked"]
    if report.get("schema") == REPORT_SCHEMA_2:
        return [f"  form {REPORT_SCHEMA_2}: {NOT_ASKED_IN_2} were not asked"] + _people_and_event_2(report)
    return _people_and_event_2(report) + _detention(report)


def _detention(report: dict) -> list[str]:
    victim = report.get("victim") or {}
    held = [f"arrested {victim['arrest_date']}" if victim.get("arrest_date") else "",
            f"held in: {vocab.label(vocab.DETENTION_KINDS, victim['detention_kind'])}" if victim.get("detention_kind") else ""]
    lines = [f"  arrest: {', '.join(h for h in held if h)}"] if any(held) else []
    if victim.get("charges"):
        lines.append(f"  charges: {'; '.join(vocab.label(vocab.CHARGES, c) for c in victim['charges'])}")
    return lines


def _people_and_event_2(report: dict) -> list[str]:
    lines = []
    for number, person in enumerate(report.get("related_persons") or [], 1):
        facts = [vocab.label(vocab.RELATED_RELATIONS, person.get("relation"))]
        facts += ["a minor"] if person.get("minor") == "yes" else []
        facts += [f"lives {vocab.label(vocab.LIVES, person.get('lives'))}"] if person.get("lives") else []
        facts.append("may be named" if person.get("consent_named") == "yes" else "not to be named")
        lines.append(f"  person affected {number}: {', '.join(facts)}")
    imminent = report.get("imminent") or {}
    if imminent.get("kind"):
        when = imminent.get("date") or "date not given"
        lines.append(f"  about to happen: {vocab.label(vocab.IMMINENT_KINDS, imminent['kind'])}, {when}"
                     + (" (date not sure)" if imminent.get("date_unsure") else ""))
    return lines


def _answers(value, indent: int = 0, skip=frozenset(), label: str = "") -> list[str]:
    """Every answer as indented `key: value` lines; empty answers are left out."""
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        if label:
            lines.append(f"{pad}{label}:")
            indent += 1
        for key, item in value.items():
            if key not in skip and item not in ("", None, [], {}):
                lines += _answers(item, indent, label=key.replace("_", " "))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for number, item in enumerate(value, 1):
            lines += _answers(item, indent, label=f"{label} {number}")
    else:
        if isinstance(value, bool):
            value = "yes" if value else "no"
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        first, *rest = text.splitlines() or [""]
        lines.append(f"{pad}{label}: {first}")
        lines += [f"{pad}  {line}" for line in rest]
    return lines
