"""Per-case storage of the vault: one age file per case, an index of shards, an audit log.

    VAULT/cases/ID.age                  one case (state.Case as JSON): its cached report, staff
                                        decisions, notes, redaction review and its history
    VAULT/index/-PREFIX.age             an index shard: the list row (index.py) of every case whose
                                        id starts with PREFIX; "-.age" is the whole index until it
                                        outgrows one shard
    VAULT/audit/NNNN/NNNNNNNN.age       the audit log: one segment per change, never rewritten
    VAULT/index/receipts.age            receipt digests -> case, and the reports quoting a receipt
                                        no case has yet: follow-ups are linked without reading
                                        the whole index (importer.link_follow_ups)
    VAULT/quarantine.age                the quarantine's records (quarantine.py)
    VAULT/journal.age                   only while a change is being applied (see put)

Every file is an ordinary age file encrypted to the vault's recipients, holding UTF-8 JSON, so
`age -d -i KEY cases/ID.age` reads a case without this software. Reading needs the identity;
writing needs only the public recipients.

A change (put) is one unit: it is first written whole to journal.age (the commit point), then
applied file by file (each by an atomic rename), then the journal is removed. A crash before
the journal is complete changes nothing; a crash after it leaves a journal, and the next command
to open the vault applies it again before anything else (repair): applying twice writes the same
bytes' worth of content, so nothing is lost and nothing is half-done. The caller holds the vault
lock (vault.py) for every call.

Shards hold at most SHARD_ROWS rows: a fuller one is split into one shard per next character of
the id (children written first, then the parent removed), so a change rewrites a bounded amount
of index however large the vault grows. A parent still present next to its children means the
split was interrupted: the children are ignored and removed, and the parent stands.
"""

import json
import os
import shutil
from pathlib import Path

from .. import age
from ..atomic import AtomicFile, fsync_dir
from .errors import DeskError

CASE_SCHEMA = "intake.case/1"
SHARD_SCHEMA = "intake.index-shard/2"
AUDIT_SCHEMA = "intake.audit-segment/1"
JOURNAL_SCHEMA = "intake.journal/1"
QUARANTINE_SCHEMA = "intake.quarantine/1"
RECEIPTS_SCHEMA = "intake.receipts/1"
SHARD_ROWS = 128
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # case ids are lowercase base32 (case_ids.py)
SEGMENTS_PER_FOLDER = 1000
REBUILD_HINT = "the cases are intact: rebuild the index from them with 'intake vault rebuild-index'"


_LINKING = ("receipt", "wants", "follow_up_of")


def _linking(row: dict | None) -> tuple:
    return tuple((row or {}).get(key) for key in _LINKING)


class StoreDamaged(DeskError):
    pass


def _dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class CaseStore:
    """get, put, index, audit: the vault's cases on disk. Lock held by the caller."""

    def __init__(self, root: Path, recipients, identities=None):
        self.root = Path(root)
        self.cases_dir = self.root / "cases"
        self.index_dir = self.root / "index"
        self.audit_dir = self.root / "audit"
        self.quarantine_path = self.root / "quarantine.age"
        self.journal_path = self.root / "journal.age"
        self._recipients = recipients
        self.identities = identities
        self._live: set[str] | None = None  # live shard prefixes

    # --- files ------------------------------------------------------------------------------

    def _decrypt(self, path: Path, what: str, hint: str | None = None) -> bytes:
        try:
            with open(path, "rb") as f:
                return age.decrypt(self.identities, f).read()
        except age.NoIdentityMatchError:
            raise DeskError("this vault is not encrypted to your identity (another organisation's vault, or the wrong key)",
                            hint="check -i / INTAKE_IDENTITY") from None
        except (age.AgeError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else exc
            raise StoreDamaged(f"{what} ({path.relative_to(self.root)}) is damaged ({reason}); nothing was changed", hint=hint) from None

    def _encrypt_to(self, path: Path, plaintext: bytes) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with AtomicFile(path, overwrite=True) as f:
            writer = age.encrypt(self._recipients, f)
            writer.write(plaintext)
            writer.close()

    def _read(self, path: Path, what: str, hint: str | None = None):
        data = self._decrypt(path, what, hint)
        try:
            return json.loads(data)
        except ValueError:
            raise StoreDamaged(f"{what} ({path.relative_to(self.root)}) is damaged (not JSON); nothing was changed", hint=hint) from None

    def _write(self, path: Path, data) -> None:
        self._encrypt_to(path, _dumps(data))

    def create(self) -> None:
        for folder in (self.cases_dir, self.index_dir, self.audit_dir):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._write_shard("", {})
        self._write(self._receipts_path, {"schema": RECEIPTS_SCHEMA, "receipts": {}, "waiting": {}})
        self._live = None

    # --- cases ------------------------------------------------------------------------------

    def case_path(self, case_id: str) -> Path:
        return self.cases_dir / f"{case_id}.age"

    def case_ids(self) -> list[str]:
        """Every case with a file (damaged ones too), from the folder alone: no decryption."""
        try:
            names = os.listdir(self.cases_dir)
        except FileNotFoundError:
            return []
        return [n[:-4] for n in names if n.endswith(".age") and not n.startswith(".")]

    def get(self, case_id: str):
        """The stored record of one case (a JSON object, not yet checked), or None."""
        path = self.case_path(case_id)
        if not path.exists():
            return None
        data = self._read(path, f"case {case_id}")
        if not isinstance(data, dict) or data.get("schema") != CASE_SCHEMA or "case" not in data:
            raise StoreDamaged(f"case {case_id} is damaged (not an {CASE_SCHEMA} file)")
        return data["case"]

    # --- the index --------------------------------------------------------------------------

    @property
    def _receipts_path(self) -> Path:
        return self.index_dir / "receipts.age"

    def receipts(self) -> tuple[dict, dict]:
        """({receipt digest: case id}, {receipt digest: [ids of unlinked cases quoting it]})."""
        data = self._read(self._receipts_path, "the vault index", REBUILD_HINT)
        if not isinstance(data, dict) or data.get("schema") != RECEIPTS_SCHEMA or not isinstance(data.get("receipts"), dict) \
                or not isinstance(data.get("waiting"), dict):
            raise StoreDamaged("the vault index (index/receipts.age) is damaged", hint=REBUILD_HINT)
        return data["receipts"], data["waiting"]

    def _store_receipts(self, changed: dict, receipts=None, waiting=None) -> None:
        """Update the receipts file for rows whose receipt, quoted receipt or link changed."""
        if receipts is None:
            receipts, waiting = self.receipts()
        for case_id, row in changed.items():
            for digest in [d for d, owner in receipts.items() if owner == case_id] if row is None else []:
                receipts.pop(digest)
            for ids in waiting.values():
                if case_id in ids:
                    ids.remove(case_id)
            receipt, wants, follow_up_of = _linking(row)
            if receipt:
                receipts[receipt] = case_id
            if wants and not follow_up_of:
                waiting.setdefault(wants, []).append(case_id)
        waiting = {d: ids for d, ids in waiting.items() if ids}
        self._write(self._receipts_path, {"schema": RECEIPTS_SCHEMA, "receipts": receipts, "waiting": waiting})

    def forget_layout(self) -> None:
        self._live = None

    def _shard_path(self, prefix: str) -> Path:
        return self.index_dir / f"-{prefix}.age"

    def _live_prefixes(self) -> set[str]:
        if self._live is None:
            present = {n[1:-4] for n in os.listdir(self.index_dir) if n.startswith("-") and n.endswith(".age")}
            self._live = {p for p in present if not any(p[:n] in present for n in range(len(p)))}
            if not self._live:
                raise StoreDamaged("the vault index is missing (index/ holds no shard)", hint=REBUILD_HINT)
        return self._live

    def _shard_of(self, case_id: str) -> str:
        live = self._live_prefixes()
        for length in range(len(case_id) + 1):
            if case_id[:length] in live:
                return case_id[:length]
        raise StoreDamaged(f"the vault index has no shard for case {case_id}")

    # A shard is UTF-8 text: a JSON header line, then one line per case: its id, its row's fields
    # (JSON), its list line (JSON) and its table cells (JSON), tab-separated. The list line is
    # kept as bytes, never parsed: reading 50,000 rows then costs little more than their bytes.
    # (json.dumps escapes tabs and newlines inside strings, so neither occurs in a field.)

    def _write_shard(self, prefix: str, rows: dict) -> None:
        lines = [json.dumps({"schema": SHARD_SCHEMA, "prefix": prefix, "rows": len(rows)}).encode()]
        for case_id, row in rows.items():
            fields = {k: v for k, v in row.items() if k not in ("out", "cells")}
            out = row.get("out", b"")
            parts = [case_id.encode(), json.dumps(fields, ensure_ascii=False).encode(), out if isinstance(out, bytes) else out.encode(),
                     json.dumps(row["cells"], ensure_ascii=False).encode() if "cells" in row else b""]
            if any(b"\t" in part or b"\n" in part for part in parts):
                raise StoreDamaged(f"the index row of case {case_id!r} cannot be stored (a tab or newline in it)")
            lines.append(b"\t".join(parts))
        self._encrypt_to(self._shard_path(prefix), b"\n".join(lines))

    def _read_shard(self, prefix: str) -> dict:
        path = self._shard_path(prefix)
        damaged = StoreDamaged(f"the vault index ({path.relative_to(self.root)}) is damaged", hint=REBUILD_HINT)
        lines = self._decrypt(path, "the vault index", REBUILD_HINT).split(b"\n")
        rows = {}
        try:
            header = json.loads(lines[0])
            if not isinstance(header, dict) or header.get("schema") != SHARD_SCHEMA or header.get("prefix") != prefix \
                    or header.get("rows") != len(lines) - 1:
                raise ValueError("header")
            split = [line.split(b"\t") for line in lines[1:]]
            if any(len(parts) != 4 for parts in split):
                raise ValueError("row")
            # One json.loads per shard, not per row: the call's own cost is most of a small row's.
            fields = json.loads(b"[" + b",".join(parts[1] for parts in split) + b"]")
            cells = json.loads(b"[" + b",".join(parts[3] or b"null" for parts in split) + b"]")
            for (case_id, _, out, _), row, row_cells in zip(split, fields, cells):
                if not isinstance(row, dict):
                    raise ValueError("row")
                if out:
                    row["out"] = out  # UTF-8 bytes, as list writes them: half a str's memory
                if row_cells is not None:
                    row["cells"] = row_cells
                rows[case_id.decode()] = row
        except ValueError:  # UnicodeDecodeError too
            raise damaged from None
        return rows

    def index(self):
        """Every row of the index: yields (case id, row) shard by shard (rows are index.py's)."""
        for prefix in sorted(self._live_prefixes()):
            yield from self._read_shard(prefix).items()

    def row(self, case_id: str) -> dict | None:
        """One case's row, from its shard alone."""
        return self._read_shard(self._shard_of(case_id)).get(case_id)

    def _write_rows(self, changed: dict) -> None:
        """Set (row) or drop (None) the rows of `changed`, shard by shard; split shards that outgrow SHARD_ROWS."""
        by_shard: dict[str, dict] = {}
        for case_id, row in changed.items():
            by_shard.setdefault(self._shard_of(case_id), {})[case_id] = row
        linking = {}  # rows whose receipt, quoted receipt or link changed: the receipts file follows
        for prefix, updates in sorted(by_shard.items()):
            rows = self._read_shard(prefix)
            for case_id, row in updates.items():
                old = rows.pop(case_id, None) if row is None else rows.get(case_id)
                if row is not None:
                    rows[case_id] = row
                if _linking(old) != _linking(row):
                    linking[case_id] = row
            self._store_shard(prefix, rows)
        if linking:
            self._store_receipts(linking)

    def _store_shard(self, prefix: str, rows: dict) -> None:
        if len(rows) <= SHARD_ROWS or len(prefix) >= 11 or any(len(i) <= len(prefix) for i in rows):
            self._write_shard(prefix, rows)
            return
        # One child per next character: the id alphabet, and any other character an id here has
        # (a migrated "damaged-N"). Children first: the parent stays valid until they all exist.
        for char in sorted(set(ID_ALPHABET) | {i[len(prefix)] for i in rows}):
            child = prefix + char
            self._store_shard(child, {i: r for i, r in rows.items() if i.startswith(child)})
        self._shard_path(prefix).unlink(missing_ok=True)
        fsync_dir(self.index_dir)
        self._live = None

    def remove_stale_shards(self) -> None:
        """Shards an interrupted split left next to their parent (they are ignored on reading)."""
        present = {n[1:-4] for n in os.listdir(self.index_dir) if n.startswith("-") and n.endswith(".age")}
        for prefix in present - self._live_prefixes():
            self._shard_path(prefix).unlink(missing_ok=True)

    def rebuild_index(self, rows: dict) -> None:
        """Replace the whole index with `rows` (rebuilt from the case files by the caller). The new
        index is written in a folder of its own and swapped in by renames: a crash leaves the old
        index, or none (then rebuild again), never a part of one that reads as whole."""
        final, fresh, old = self.index_dir, self.root / "index.new", self.root / "index.old"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        fresh.mkdir(mode=0o700)
        self.index_dir, self._live = fresh, {""}
        try:
            self._store_shard("", rows)
            self._store_receipts(rows, {}, {})
        finally:
            self.index_dir, self._live = final, None
        if final.exists():
            os.rename(final, old)
        os.rename(fresh, final)
        fsync_dir(self.root)
        shutil.rmtree(old, ignore_errors=True)

    # --- the audit log ----------------------------------------------------------------------

    def _segments(self) -> list[tuple[int, Path]]:
        found = []
        for folder in sorted(os.listdir(self.audit_dir)) if self.audit_dir.exists() else []:
            for name in os.listdir(self.audit_dir / folder):
                if name.endswith(".age") and name[:-4].isdigit():
                    found.append((int(name[:-4]), self.audit_dir / folder / name))
        return sorted(found)

    def _next_segment(self) -> int:
        """One more than the newest segment; only the newest folder is listed."""
        folders = sorted(f for f in os.listdir(self.audit_dir) if f.isdigit()) if self.audit_dir.exists() else []
        for folder in reversed(folders):
            numbers = [int(n[:-4]) for n in os.listdir(self.audit_dir / folder) if n.endswith(".age") and n[:-4].isdigit()]
            if numbers:
                return max(numbers) + 1
        return 1

    def _segment_path(self, number: int) -> Path:
        return self.audit_dir / f"{number // SEGMENTS_PER_FOLDER:04d}" / f"{number:08d}.age"

    def audit(self):
        """Every audit entry, oldest first."""
        for number, path in self._segments():
            data = self._read(path, f"audit segment {number}")
            if not isinstance(data, dict) or data.get("schema") != AUDIT_SCHEMA or not isinstance(data.get("entries"), list):
                raise StoreDamaged(f"audit segment {number} is damaged")
            yield from data["entries"]

    # --- the quarantine's records -----------------------------------------------------------

    def quarantine(self) -> dict:
        if not self.quarantine_path.exists():
            return {}
        data = self._read(self.quarantine_path, "the quarantine records")
        if not isinstance(data, dict) or data.get("schema") != QUARANTINE_SCHEMA or not isinstance(data.get("records"), dict):
            raise StoreDamaged("the quarantine records are damaged")
        return data["records"]

    # --- changing ---------------------------------------------------------------------------

    def put(self, cases: dict, rows: dict, audit: list, quarantine: dict | None = None, *, crash_after=None) -> None:
        """One change, all or nothing: case records to write (None: delete the case file), their
        index rows (None: drop), audit entries (one new segment), the quarantine's records
        (None: unchanged). `crash_after` is for tests: a step name after which to stop."""
        if not (cases or rows or audit or quarantine is not None):
            return
        if self.pending():  # an earlier put of this process was cut short: finish it first
            self.repair()
        journal = {"schema": JOURNAL_SCHEMA, "segment": self._next_segment() if audit else None,
                   "cases": cases, "rows": rows, "audit": audit, "quarantine": quarantine}
        self._write(self.journal_path, journal)
        self._apply(journal, crash_after)

    def _apply(self, journal: dict, crash_after=None, index: bool = True) -> None:
        for case_id, record in journal["cases"].items():
            if record is None:
                self.case_path(case_id).unlink(missing_ok=True)
            else:
                self._write(self.case_path(case_id), {"schema": CASE_SCHEMA, "case": record})
        if journal["cases"]:
            fsync_dir(self.cases_dir)
        if crash_after == "cases":
            raise _InjectedCrash("after the case files")
        if journal["audit"]:
            self._write(self._segment_path(journal["segment"]), {"schema": AUDIT_SCHEMA, "entries": journal["audit"]})
        if journal["quarantine"] is not None:
            self._write(self.quarantine_path, {"schema": QUARANTINE_SCHEMA, "records": journal["quarantine"]})
        if journal["rows"] and index:
            self._write_rows(journal["rows"])
        if crash_after == "index":
            raise _InjectedCrash("after the index")
        self.journal_path.unlink()
        fsync_dir(self.root)

    def pending(self) -> bool:
        return self.journal_path.exists()

    def repair(self, index: bool = True) -> bool:
        """Finish a change a crash interrupted (exclusive lock held). Returns whether one was.
        index=False leaves its rows out (for a rebuild of the whole index)."""
        repaired = False
        if self.journal_path.exists():
            journal = self._read(self.journal_path, "the journal of an interrupted change")
            if not isinstance(journal, dict) or journal.get("schema") != JOURNAL_SCHEMA:
                raise StoreDamaged("the journal of an interrupted change is damaged")
            self._apply(journal, index=index)
            repaired = True
        if index and self.index_dir.exists():
            self.remove_stale_shards()
        return repaired


class _InjectedCrash(BaseException):
    """Raised only when a test asks put() to stop half-way (BaseException: nothing catches it)."""
