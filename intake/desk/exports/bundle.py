"""`intake export`: anonymised cases leave the organisation, as files or encrypted to a partner.

Every text file is built in memory first: a case with unreviewed redaction proposals (unless
--force), an unknown mandate or a name where consent forbids one stops the export before any
file exists. Attachments are then cleaned one at a time straight into the output, so memory
holds at most one (attachments/ caps its size; a larger one leaves only as an explicitly
included other file, streamed). Without --to, the files appear in DIR by an atomic rename of a
fully written temporary folder; with --to, DIR holds one age file (a tar inside), so nothing of
the export is ever on disk in plaintext. Reporter text in every text file has its control and
direction characters escaped (safe_text). Exports are deterministic for the same decisions: no
time stamps, export ids in case order, entries in a fixed order and dated 0.

Profiles (see docs/exports.md):
    un-sp             per case: communication.md (one joint letter to the confirmed mandates, an annex each),
                      cover-message.txt (the e-mail to OHCHR), case.json (Events-style), cleaned
                      attachments, and with per_mandate one Markdown draft per mandate
                      (the case's follow-ups included: their text as updates, their attachments numbered on)
    reprisals-report  reprisals-report.json: one entry per case whose consent allows it
    stats             stats.csv: codes only, never free text
    uwazi             uwazi.zip: import.csv (one row per case), thesauri, cleaned attachments; redacted as un-sp
"""

import csv
import hashlib
import io
import json
import secrets
import shutil
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ... import age
from ...atomic import AtomicFile, rename_dir
from ...submission import SubmissionError
from ..attachments.clean import (AS_IS_PREFIX, INCLUDED_AS_IS, MAX_CLEAN_BYTES, UnsupportedAttachment, as_is_refusal,
                                 as_is_tail_refusal, claims_image_or_pdf, clean_attachment, other_extension)
from ..consent import scope_refusal
from ..errors import DeskError
from ..facts import with_staff_facts
from ..organisation import Organisation
from ..progress import Progress
from ..review import follow_up_refusal, redacted_report, unread_refusal, unread_updates, updates_for
from ..state import EXPORT_PROFILES, Case, VaultState
from ..submission import Submission
from ..terminal import visible
from ..translations import Rendering, render
from ..views import case_row
from .communication import joint_communication
from .cover_message import cover_message
from . import STATS_COLUMNS, events_document, reprisals_entry, stats_row, submission_draft, uwazi

PROFILES = EXPORT_PROFILES + (uwazi.PROFILE,)


@dataclass
class ExportPlan:
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content (text files)
    manifest: dict = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # export ids, with the reason
    warnings: list[str] = field(default_factory=list)
    # Cleaned one by one while writing, so at most one attachment is in memory at a time:
    # (export id, its manifest record, [(case, "report" | "update N"), ...]).
    attachments: list[tuple[str, dict, list]] = field(default_factory=list)
    include_other: bool = False
    # id, redacted, mandates, record, translations (translations.Rendering)
    uwazi_rows: list[tuple[str, dict, list[str], dict, Rendering | None]] = field(default_factory=list)


def _case_view(case: Case, export_id: str, now) -> dict:
    row = case_row(case, now)
    return {"id": export_id, **{k: row[k] for k in ("status", "mandates", "suggested_mandates", "urgent", "urgency_reasons", "missing")}}


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


def safe_text(data: bytes) -> bytes:
    """An export text file with reporter text's hidden characters made visible.

    Reporter text may carry terminal escapes (ESC, OSC 52 writes the clipboard), C1 controls or
    bidirectional overrides that make a name read backwards; whoever opens the export in a
    terminal or editor must see them as \\uXXXX (terminal.visible). Line breaks are made LF
    first so the reporter's CRLF stays a plain line break. Valid in JSON strings too.
    """
    text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return visible(text).encode()


def _write_attachments(vault, identities, plan: ExportPlan, sink, progress_stream=None) -> None:
    """Clean the attachments of each (case, "report" | "update N") in turn, numbered on from 1."""
    total = sum(len(case.report["attachments"]) for _, _, sources in plan.attachments for case, _ in sources)
    with Progress(total, "cleaning attachments", progress_stream) as bar:
        for export_id, record, sources in plan.attachments:
            listed = record["attachments"] = []
            for case, source in sources:
                with Submission(vault.submission_path(case.id), identities) as submission:
                    for info in case.report["attachments"]:
                        listed.append(_attachment(submission, info, len(listed) + 1, source, export_id, plan, sink))
                        bar.advance()


def _left_out(record: dict, plan: ExportPlan, export_id: str, reason: str) -> dict:
    record["left_out"] = reason
    plan.warnings.append(f"{export_id} attachment {record['number']} left out: {reason}")
    return record


def _attachment(submission, info: dict, number: int, source: str, export_id: str, plan: ExportPlan, sink) -> dict:
    record = {"number": number, "from": source, "original_sha256": info["sha256"]}
    if info["size"] > MAX_CLEAN_BYTES:
        return _large_attachment(submission, info, record, export_id, plan, sink)
    original = io.BytesIO()
    try:
        submission.copy_attachment(info["entry"], original, info)  # checks size and SHA-256 against the case
    except DeskError:
        return _left_out(record, plan, export_id, "does not match the size and SHA-256 in its report")
    try:
        cleaned = clean_attachment(original.getvalue(), info["declared_type"], info["original_name"],
                                   include_other=plan.include_other)
    except UnsupportedAttachment as exc:
        return _left_out(record, plan, export_id, str(exc))
    finally:
        original.close()
    name = f"{export_id}/attachments/{number:02d}{cleaned.extension}"
    sink.add(name, cleaned.data)
    record.update(file=name, sha256=hashlib.sha256(cleaned.data).hexdigest(), removed=cleaned.removed,
                  warnings=cleaned.warnings)
    plan.warnings += [f"{name}: {w}" for w in cleaned.warnings]
    return record


def _large_attachment(submission, info: dict, record: dict, export_id: str, plan: ExportPlan, sink) -> dict:
    """Past the cleaning cap: never cleaned in memory; only an explicitly included other file
    leaves, streamed as is (and its SHA-256 checked as it goes: a mismatch stops the export)."""
    with submission.archive.open_attachment(info["entry"], info) as stream:
        prefix = stream.read(AS_IS_PREFIX)  # a prefix only: the hash is checked while streaming
    try:
        tail = submission.archive.attachment_tail(info["entry"], AS_IS_PREFIX)
    except SubmissionError as exc:
        return _left_out(record, plan, export_id, str(exc))
    refusal = as_is_refusal(prefix) or as_is_tail_refusal(tail)
    if refusal is None and claims_image_or_pdf(info["declared_type"], info["original_name"]):
        refusal = "declared or named as an image or PDF, but too large to clean here"
    if refusal is None and not plan.include_other:
        refusal = (f"larger than the {MAX_CLEAN_BYTES >> 20} MiB that can be cleaned here; left out unless included "
                   "explicitly (as is, metadata NOT removed)")
    if refusal is not None:
        return _left_out(record, plan, export_id, refusal)
    name = f"{export_id}/attachments/{record['number']:02d}{other_extension(info['original_name'])}"
    try:
        with submission.archive.open_attachment(info["entry"], info) as stream:
            sink.add_stream(name, info["size"], stream)
    except SubmissionError as exc:  # the file in the output is incomplete: the export stops
        raise DeskError(f"{export_id} attachment {record['number']}: {exc}; nothing was exported") from None
    record.update(file=name, sha256=info["sha256"], removed=[], warnings=[INCLUDED_AS_IS])
    plan.warnings.append(f"{name}: {INCLUDED_AS_IS}")
    return record


def plan_export(vault, identities, state: VaultState, case_ids: list[str], profile: str, now, *,
                force: bool = False, include_other: bool = False, per_mandate: bool = False, progress_stream=None,
                org: Organisation | None = None) -> ExportPlan:
    """Everything the export will write, or DeskError before anything is written. `org` signs the
    communications (organisation.py); without a profile its fields are MISSING lines. `per_mandate`
    (un-sp only) adds a draft per mandate: the joint letter is what special procedures send, and
    case.json carries every answer whatever staff confirmed."""
    if per_mandate and profile != "un-sp":
        raise DeskError(f"--per-mandate applies to the un-sp profile only, not {profile}")
    unique = list(dict.fromkeys(case_ids))
    with Progress(len(unique), "exporting", progress_stream) as bar:
        return _plan(vault, identities, state, unique, profile, now, force, include_other, per_mandate, bar,
                     org or Organisation())


def _plan(vault, identities, state: VaultState, case_ids: list[str], profile: str, now, force: bool,
          include_other: bool, per_mandate: bool, bar: Progress, org: Organisation) -> ExportPlan:
    cases = sorted((state.cases[c] for c in case_ids), key=lambda c: (c.received, c.id))
    problems = [follow_up_refusal(state, c, "export") for c in cases if c.report.get("kind") == "follow-up"]
    redaction = "un-sp" if profile == uwazi.PROFILE else profile  # Uwazi gets un-sp's redaction, not a second one
    unread = {c.id: [f.id for f in unread_updates(state, c, redaction)] for c in cases}
    if not force:
        problems += [refusal for c in cases if (refusal := unread_refusal(state, c, redaction))]
    problems += [refusal for c in cases if (refusal := scope_refusal(c, profile))]
    if problems:
        raise DeskError("; ".join(problems))
    plan = ExportPlan(manifest={"schema": "intake.export/1", "profile": profile, "cases": []}, include_other=include_other)
    entries, rows = [], []
    for number, case in enumerate(cases, 1):
        export_id = f"CASE-{number:03d}"
        view = _case_view(case, export_id, now)
        # --force withholds more, never less: follow-ups nobody has read stay behind.
        leave_out = frozenset(unread[case.id])
        for unread_id in unread[case.id]:
            plan.warnings.append(f"{export_id}: follow-up {unread_id} left out: not yet read for {profile}")
            state.record(unread_id, "export", {"left_out": [None, f"{profile} {export_id}: not read"]})
        updates = [f for f in updates_for(state, case, redaction) if f.id not in leave_out]
        redacted = redacted_report(state, case, redaction, force=force, leave_out=leave_out)
        record = {"export_id": export_id}
        translation = (render(case, redacted, [f.report.get("form_language", "") for f in updates])
                       if redaction == "un-sp" else None)
        try:
            if profile == "un-sp":
                # ASG-REPRISALS is not a special procedure: its entry is the reprisals-report export.
                drafted = [m for m in view["mandates"] or view["suggested_mandates"] if m != "ASG-REPRISALS"]
                for mandate in drafted if per_mandate else []:
                    plan.files[f"{export_id}/{mandate}.md"] = submission_draft(view, redacted, mandate, translation).encode()
                plan.files[f"{export_id}/case.json"] = _json(events_document(view, redacted))
                letter = joint_communication(view, redacted, org, case.consent_record, translation)
                plan.files[f"{export_id}/communication.md"] = letter.encode()
                plan.files[f"{export_id}/cover-message.txt"] = cover_message(view, redacted.get("consent") or {}, org).encode()
                sources = [(case, "report")] + [(f, f"update {n}") for n, f in enumerate(updates, 1)]
                plan.attachments.append((export_id, record, sources))
            elif profile == uwazi.PROFILE:
                events_document(view, redacted)  # the un-sp checks: names only with consent, a report
                mandates = [m for m in view["mandates"] if m != "ASG-REPRISALS"]  # confirmed: suggestions are staff's
                plan.uwazi_rows.append((export_id, redacted, mandates, record, translation))
                sources = [(case, "report")] + [(f, f"update {n}") for n, f in enumerate(updates, 1)]
                plan.attachments.append((export_id, record, sources))
            elif profile == "reprisals-report":
                entry = reprisals_entry(view, redacted)
                if entry is None:
                    record["left_out"] = "consent to the Secretary-General's report is 'no'"
                    plan.left_out.append(f"{export_id}: {record['left_out']}")
                else:
                    entries.append(entry)
            else:
                rows.append(stats_row(view, with_staff_facts(case)))  # codes only: no redaction needed
        except ValueError as exc:
            raise DeskError(f"case {case.id} cannot be exported as {profile}: {exc}") from None
        plan.manifest["cases"].append(record)
        state.record(case.id, "export", {"export": [None, f"{profile} {export_id}"]})
        for n, follow_up in enumerate(updates, 1):
            state.record(follow_up.id, "export", {"export": [None, f"{profile} {export_id} update {n}"]})
        bar.advance()
    if profile == "reprisals-report":
        plan.files["reprisals-report.json"] = _json(entries)
    if profile == "stats":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=STATS_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        plan.files["stats.csv"] = out.getvalue().encode()
    return plan


class _FolderSink:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def add(self, name: str, data: bytes) -> None:
        with AtomicFile(self._path(name)) as f:
            f.write(data)

    def add_stream(self, name: str, size: int, stream) -> None:
        with AtomicFile(self._path(name)) as f:
            shutil.copyfileobj(stream, f, 1 << 20)


class _TarSink:
    """Entries in the order written (case by case, the manifest last), dated 0, mode 0600."""

    def __init__(self, out):
        self.tar = tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT)

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(f"export/{name}")
        info.size, info.mode, info.mtime = size, 0o600, 0
        return info

    def add(self, name: str, data: bytes) -> None:
        self.tar.addfile(self._info(name, len(data)), io.BytesIO(data))

    def add_stream(self, name: str, size: int, stream) -> None:
        self.tar.addfile(self._info(name, size), stream)

    def close(self) -> None:
        self.tar.close()


class _ZipSink:
    """A ZIP written as a stream (Uwazi imports one), entries dated 1980-01-01, mode 0600."""

    def __init__(self, out):
        self.zip = zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
        return info

    def add(self, name: str, data: bytes) -> None:
        self.zip.writestr(self._info(name), data)

    def add_stream(self, name: str, size: int, stream) -> None:
        with self.zip.open(self._info(name), "w", force_zip64=True) as f:
            shutil.copyfileobj(stream, f, 1 << 20)

    def close(self) -> None:
        self.zip.close()


def _uwazi_files(plan: ExportPlan) -> None:
    """import.csv (attachment names known once they are cleaned) and the thesauri."""
    rows = [uwazi.case_row(eid, redacted, mandates, [a["file"] for a in record.get("attachments", []) if "file" in a],
                           translation)
            for eid, redacted, mandates, record, translation in plan.uwazi_rows]
    languages = sorted({t.target for *_, t in plan.uwazi_rows if t is not None and uwazi.translated_narrative(t)})
    plan.files["import.csv"] = uwazi.import_csv(rows, languages)
    for name, table in uwazi.thesauri().items():
        plan.files[f"thesauri/{name}.csv"] = uwazi.thesaurus_csv(table)


def _write(vault, identities, plan: ExportPlan, sink, progress_stream) -> None:
    _write_attachments(vault, identities, plan, sink, progress_stream)
    if plan.manifest.get("profile") == uwazi.PROFILE:
        _uwazi_files(plan)
    plan.files["manifest.json"] = _json(plan.manifest)
    for name, data in sorted(plan.files.items()):
        sink.add(name, safe_text(data))


def write_export(plan: ExportPlan, out_dir: Path, recipient=None, *, vault=None, identities=(),
                 progress_stream=None) -> list[Path]:
    """Write the plan to `out_dir`, which must not exist yet. Returns the files written.

    Attachments are cleaned here, one at a time, straight into the output; any failure removes
    everything written so far.
    """
    out_dir = Path(out_dir)
    if out_dir.exists():
        raise DeskError(f"{out_dir} already exists; refusing to overwrite an export", hint="choose a new --out folder")
    if not out_dir.parent.is_dir():
        raise DeskError(f"{out_dir.parent} does not exist")
    partial = out_dir.with_name(f".{out_dir.name}.partial-{secrets.token_hex(4)}")
    partial.mkdir(mode=0o700)
    try:
        if plan.manifest.get("profile") == uwazi.PROFILE:
            name = "uwazi.zip" if recipient is None else "uwazi.zip.age"
            with AtomicFile(partial / name) as f:
                writer = age.encrypt([recipient], f) if recipient is not None else f
                zip_sink = _ZipSink(writer)
                _write(vault, identities, plan, zip_sink, progress_stream)
                zip_sink.close()
                if recipient is not None:
                    writer.close()
        elif recipient is not None:
            with AtomicFile(partial / "export.tar.age") as f:
                writer = age.encrypt([recipient], f)
                sink = _TarSink(writer)
                _write(vault, identities, plan, sink, progress_stream)
                sink.close()
                writer.close()
        else:
            _write(vault, identities, plan, _FolderSink(partial), progress_stream)
        rename_dir(partial, out_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
