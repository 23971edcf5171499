"""`intake export`: anonymised cases leave the organisation, as files or encrypted to a partner.

Everything is built in memory first and only then written: a case with unreviewed redaction
proposals (unless --force), an unknown mandate or a name where consent forbids one stops the
export before any file exists. Without --to, the files appear in DIR by an atomic rename of a
fully written temporary folder; with --to, DIR holds one age file (a tar inside), so nothing of
the export is ever on disk in plaintext. Exports are deterministic for the same decisions: no
time stamps, export ids in case order, tar entries sorted and dated 0.

Profiles (see docs/exports.md):
    un-sp             per case: one Markdown draft per mandate, case.json (Events-style), cleaned attachments
                      (the case's follow-ups included: their text as updates, their attachments numbered on)
    reprisals-report  reprisals-report.json: one entry per case whose consent allows it
    stats             stats.csv: codes only, never free text
"""

import csv
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import age
from ..atomic import AtomicFile, fsync_dir
from .errors import DeskError
from .export_attachments import UnsupportedAttachment, clean_attachment
from .export_formats import STATS_COLUMNS, events_document, reprisals_entry, stats_row, submission_draft
from .progress import Progress
from .review import follow_up_refusal, redacted_report, unread_updates, updates_for
from .state import EXPORT_PROFILES, Case, VaultState
from .submission import Submission
from .views import list_row

PROFILES = EXPORT_PROFILES


@dataclass
class ExportPlan:
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    manifest: dict = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # export ids, with the reason
    warnings: list[str] = field(default_factory=list)


def _case_view(case: Case, export_id: str, now) -> dict:
    row = list_row(case, now)
    return {"id": export_id, **{k: row[k] for k in ("status", "mandates", "suggested_mandates", "urgent", "urgency_reasons", "missing")}}


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


def _attachments(vault, identities, sources: list[tuple[Case, str]], export_id: str, include_other: bool,
                 plan: ExportPlan) -> list[dict]:
    """Clean the attachments of each (case, "report" | "update N") in turn, numbered on from 1."""
    listed = []
    for case, source in sources:
        with Submission(vault.submission_path(case.id), identities) as submission:
            for info in case.report.get("attachments", []):
                listed.append(_attachment(submission, info, len(listed) + 1, source, export_id, include_other, plan))
    return listed


def _attachment(submission, info: dict, number: int, source: str, export_id: str, include_other: bool,
                plan: ExportPlan) -> dict:
    original = io.BytesIO()
    digest = submission.copy_attachment(info["entry"], original)
    record = {"number": number, "from": source, "original_sha256": digest}
    try:
        cleaned = clean_attachment(original.getvalue(), info.get("declared_type", ""), info.get("original_name", ""),
                                   include_other=include_other)
    except UnsupportedAttachment as exc:
        record["left_out"] = str(exc)
        plan.warnings.append(f"{export_id} attachment {number} left out: {exc}")
        return record
    name = f"{export_id}/attachments/{number:02d}{cleaned.extension}"
    plan.files[name] = cleaned.data
    record.update(file=name, sha256=hashlib.sha256(cleaned.data).hexdigest(), removed=cleaned.removed,
                  warnings=cleaned.warnings)
    plan.warnings += [f"{name}: {w}" for w in cleaned.warnings]
    return record


def plan_export(vault, identities, state: VaultState, case_ids: list[str], profile: str, now, *,
                force: bool = False, include_other: bool = False, progress_stream=None) -> ExportPlan:
    """Everything the export will write, or DeskError before anything is written."""
    unique = list(dict.fromkeys(case_ids))
    with Progress(len(unique), "exporting", progress_stream) as bar:
        return _plan(vault, identities, state, unique, profile, now, force, include_other, bar)


def _plan(vault, identities, state: VaultState, case_ids: list[str], profile: str, now, force: bool,
          include_other: bool, bar: Progress) -> ExportPlan:
    cases = sorted((state.cases[c] for c in case_ids), key=lambda c: (c.received, c.id))
    problems = [follow_up_refusal(state, c, "export") for c in cases if c.report.get("kind") == "follow-up"]
    unread = {c.id: [f.id for f in unread_updates(state, c, profile)] for c in cases}
    if not force:
        problems += [f"{case_id} has follow-ups not yet read for {profile}: {', '.join(ids)}; read them in "
                     f"'intake redact {case_id} --profile {profile}', then add --read ID for each"
                     for case_id, ids in unread.items() if ids]
    if problems:
        raise DeskError("; ".join(problems))
    plan = ExportPlan(manifest={"schema": "intake.export/1", "profile": profile, "cases": []})
    entries, rows = [], []
    for number, case in enumerate(cases, 1):
        export_id = f"CASE-{number:03d}"
        view = _case_view(case, export_id, now)
        # --force withholds more, never less: follow-ups nobody has read stay behind.
        leave_out = frozenset(unread[case.id])
        for follow_up in unread[case.id]:
            plan.warnings.append(f"{export_id}: follow-up {follow_up} left out: not yet read for {profile}")
            state.record(follow_up, "export", {"left_out": [None, f"{profile} {export_id}: not read"]})
        updates = [f for f in updates_for(state, case, profile) if f.id not in leave_out]
        redacted = redacted_report(state, case, profile, force=force, leave_out=leave_out)
        record = {"export_id": export_id}
        try:
            if profile == "un-sp":
                # ASG-REPRISALS is not a special procedure: its entry is the reprisals-report export.
                for mandate in [m for m in view["mandates"] or view["suggested_mandates"] if m != "ASG-REPRISALS"]:
                    plan.files[f"{export_id}/{mandate}.md"] = submission_draft(view, redacted, mandate).encode()
                plan.files[f"{export_id}/case.json"] = _json(events_document(view, redacted))
                sources = [(case, "report")] + [(f, f"update {n}") for n, f in enumerate(updates, 1)]
                record["attachments"] = _attachments(vault, identities, sources, export_id, include_other, plan)
            elif profile == "reprisals-report":
                entry = reprisals_entry(view, redacted)
                if entry is None:
                    record["left_out"] = "consent to the Secretary-General's report is 'no'"
                    plan.left_out.append(f"{export_id}: {record['left_out']}")
                else:
                    entries.append(entry)
            else:
                rows.append(stats_row(view, case.report))
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
    plan.files["manifest.json"] = _json(plan.manifest)
    return plan


def _tar(files: dict[str, bytes], out) -> None:
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(f"export/{name}")
            info.size, info.mode, info.mtime = len(files[name]), 0o600, 0
            tar.addfile(info, io.BytesIO(files[name]))


def write_export(plan: ExportPlan, out_dir: Path, recipient=None) -> list[Path]:
    """Write the plan to `out_dir`, which must not exist yet. Returns the files written."""
    out_dir = Path(out_dir)
    if out_dir.exists():
        raise DeskError(f"{out_dir} already exists; refusing to overwrite an export", hint="choose a new --out folder")
    if not out_dir.parent.is_dir():
        raise DeskError(f"{out_dir.parent} does not exist")
    partial = out_dir.with_name(f".{out_dir.name}.partial-{secrets.token_hex(4)}")
    partial.mkdir(mode=0o700)
    try:
        if recipient is not None:
            with AtomicFile(partial / "export.tar.age") as f:
                writer = age.encrypt([recipient], f)
                _tar(plan.files, writer)
                writer.close()
        else:
            for name, data in sorted(plan.files.items()):
                path = partial / name
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with AtomicFile(path) as f:
                    f.write(data)
        os.rename(partial, out_dir)
        fsync_dir(out_dir.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return sorted(p for p in out_dir.rglob("*") if p.is_file())
