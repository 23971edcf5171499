"""Per-case storage of the vault: one age file per case, an index, an audit log.

    VAULT/cases/NNNN/ID.age             one case (state.Case as JSON): its cached report, staff
                                        decisions, notes, redaction review and its history. Cases
                                        are filed in folders of CASES_PER_FOLDER, in import order
    VAULT/index/NNNN.age                the index shard of folder NNNN: the list row (index.py) of
                                        every case in it
    VAULT/index/receipts.age            receipt digests -> case, and the reports quoting a receipt
                                        no case has yet: follow-ups are linked without reading
                                        the whole index (importer.link_follow_ups)
    VAULT/audit/NNNN/NNNNNNNN.age       the audit log: one segment per change, never rewritten
    VAULT/quarantine.age                the quarantine's records (quarantine.py)
    VAULT/journal.age                   only while a change is being applied (see put)

Every file is an ordinary age file encrypted to the vault's recipients, holding UTF-8 JSON (a
shard: JSON lines), so `age -d -i KEY cases/0000/ID.age` reads a case without this software.
Reading needs the identity; writing needs only the public recipients.

Why folders in import order: a batch import fills the newest folder and opens the next, so it
rewrites only the shards of those folders, however large the vault; a change to one case
rewrites one shard of at most CASES_PER_FOLDER rows; `list` decrypts one shard per folder, all
of them full. Where a case is, is the folder its file is in (nothing else to keep in step), and
the index is checked against the folders as it is read: a case without its row is found.

A change (put) is one unit: it is first written whole to journal.age (the commit point), then
applied file by file (each by an atomic rename), then the journal is removed. A crash before
the journal is complete changes nothing; a crash after it leaves a journal, and the next command
to open the vault applies it again before anything else (repair): applying twice writes the same
content to the same places, so nothing is lost and nothing is half-done. The caller holds the
vault lock (vault.py) for every call.
"""

import json
import os
import shutil
from pathlib import Path

from .. import age
from ..atomic import AtomicFile, fsync_dir, rename_dir, sync_files
from .errors import DeskError

CASE_SCHEMA = "intake.case/1"
SHARD_SCHEMA = "intake.index-shard/3"
AUDIT_SCHEMA = "intake.audit-segment/1"
JOURNAL_SCHEMA = "intake.journal/1"
QUARANTINE_SCHEMA = "intake.quarantine/1"
RECEIPTS_SCHEMA = "intake.receipts/2"
CASES_PER_FOLDER = 128
SEGMENTS_PER_FOLDER = 1000
REBUILD_HINT = "the cases are intact: rebuild the index from them with 'intake vault rebuild-index'"


# A row's receipt digests (index.row_for) go to the receipts file, not to its shard: they change
# only when the case is made, becomes readable again, is linked or goes.
_RECEIPT_FIELDS = ("receipt", "wants")
_NOT_IN_SHARD = ("out", "cells", *_RECEIPT_FIELDS)


def _linking_changed(old: dict | None, row: dict | None) -> bool:
    return old is None or row is None or old.get("follow_up_of") != row.get("follow_up_of") \
        or (old.get("damaged") is None) != (row.get("damaged") is None)


class StoreDamaged(DeskError):
    pass


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def _folder_name(number: int) -> str:
    return f"{number:04d}"


def _is_folder_name(name: str) -> bool:
    return name.isdigit() and name.isascii() and len(name) >= 4


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
        self._where: dict[str, str] | None = None  # case id -> its folder (_locate)
        self._receipts: tuple[dict, dict] | None = None  # receipts(), as last read or written

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

    def _encrypt_to(self, path: Path, plaintext: bytes, sync: bool = True) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with AtomicFile(path, overwrite=True, sync=sync) as f:
            writer = age.encrypt(self._recipients, f)
            writer.write(plaintext)
            writer.close()

    def _read(self, path: Path, what: str, hint: str | None = None):
        data = self._decrypt(path, what, hint)
        try:
            return json.loads(data)
        except ValueError:
            raise StoreDamaged(f"{what} ({path.relative_to(self.root)}) is damaged (not JSON); nothing was changed", hint=hint) from None

    def _write(self, path: Path, data, sync: bool = True) -> None:
        self._encrypt_to(path, _dumps(data), sync)

    def create(self) -> None:
        for folder in (self.cases_dir, self.index_dir, self.audit_dir):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._write_receipts({}, {})
        self._where = None

    # --- cases ------------------------------------------------------------------------------

    def _locate(self) -> dict[str, str]:
        """Where every case is: {case id: folder}, from the folders alone (no decryption)."""
        if self._where is None:
            where: dict[str, str] = {}
            folders = sorted(f for f in _listdir(self.cases_dir) if _is_folder_name(f))
            for number, folder in enumerate(folders):
                ids = self._listed(folder)
                before = len(where)
                where.update(dict.fromkeys(ids, folder))
                if len(where) != before + len(ids):  # only by hand: import never files a case twice
                    earlier = [set(self._listed(f)) for f in folders[:number]]
                    twice = next(i for i in ids if any(i in names for names in earlier))
                    raise StoreDamaged(f"case {twice} is in two folders", hint="move away the copy that should not be there")
            self._where = where
        return self._where

    def _listed(self, folder: str) -> list[str]:
        """The ids of the case files in one folder (not the temporary files of a write)."""
        return [n[:-4] for n in _listdir(self.cases_dir / folder) if n[-4:] == ".age" and n[:1] != "."]

    def case_ids(self) -> list[str]:
        """Every case with a file (damaged ones too)."""
        return list(self._locate())

    def case_path(self, case_id: str, folder: str | None = None) -> Path:
        return self.cases_dir / (folder or self._locate()[case_id]) / f"{case_id}.age"

    def get(self, case_id: str):
        """The stored record of one case (a JSON object, not yet checked), or None."""
        if case_id not in self._locate():
            return None
        data = self._read(self.case_path(case_id), f"case {case_id}")
        if not isinstance(data, dict) or data.get("schema") != CASE_SCHEMA or "case" not in data:
            raise StoreDamaged(f"case {case_id} is damaged (not an {CASE_SCHEMA} file)")
        return data["case"]

    def place(self, case_ids) -> dict[str, str]:
        """Folders for cases not yet in the vault: the newest folder until it holds
        CASES_PER_FOLDER, then the next. Nothing is written (put records them in its journal)."""
        where = self._locate()
        folders = sorted(set(where.values()), key=int)
        newest = folders[-1] if folders else _folder_name(0)
        count = sum(1 for f in where.values() if f == newest)
        places = {}
        for case_id in case_ids:
            if case_id in where:
                continue
            if count >= CASES_PER_FOLDER:
                newest, count = _folder_name(int(newest) + 1), 0
            places[case_id] = newest
            count += 1
        return places

    def write_case(self, case_id: str, record, folder: str, sync: bool = True) -> Path:
        """Write one case record in its folder (put does this; migration writes before it commits).
        sync=False: the caller makes it durable with the others (atomic.sync_files)."""
        path = self.case_path(case_id, folder)
        self._write(path, {"schema": CASE_SCHEMA, "case": record}, sync)
        return path

    # --- the index --------------------------------------------------------------------------

    @property
    def _receipts_path(self) -> Path:
        return self.index_dir / "receipts.age"

    # The receipts file is UTF-8 text: a JSON header line, then "R<tab>digest<tab>case id" per
    # receipt and "W<tab>digest<tab>id,id…" per receipt still awaited (plain lines: at 50,000
    # cases it is read and written by every import, and lines cost a fraction of a JSON object).

    def receipts(self) -> tuple[dict, dict]:
        """({receipt digest: case id}, {receipt digest: [ids of unlinked cases quoting it]}).
        Read once per store (a batch import changes it many times): callers must not change it."""
        if self._receipts is None:
            damaged = StoreDamaged("the vault index (index/receipts.age) is damaged", hint=REBUILD_HINT)
            lines = self._decrypt(self._receipts_path, "the vault index", REBUILD_HINT).decode("utf-8", "replace").split("\n")
            receipts, waiting = {}, {}
            try:
                header = json.loads(lines[0])
                for line in lines[1:]:
                    kind, digest, value = line.split("\t")
                    if kind == "R":
                        receipts[digest] = value
                    elif kind == "W" and value:
                        waiting[digest] = value.split(",")
                    else:
                        raise ValueError(kind)
                if not isinstance(header, dict) or header.get("schema") != RECEIPTS_SCHEMA \
                        or (header.get("receipts"), header.get("waiting")) != (len(receipts), len(waiting)):
                    raise ValueError("header")
            except ValueError:
                raise damaged from None
            self._receipts = receipts, waiting
        return self._receipts

    def _write_receipts(self, receipts: dict, waiting: dict) -> None:
        lines = [json.dumps({"schema": RECEIPTS_SCHEMA, "receipts": len(receipts), "waiting": len(waiting)})]
        lines += [f"R\t{digest}\t{case_id}" for digest, case_id in receipts.items()]
        lines += [f"W\t{digest}\t{','.join(ids)}" for digest, ids in waiting.items()]
        text = "\n".join(lines)
        if text.count("\n") != len(lines) - 1 or text.count("\t") != 2 * (len(lines) - 1):
            raise StoreDamaged("a receipt digest or case id cannot be stored (a tab or newline in it)")
        self._encrypt_to(self._receipts_path, text.encode())

    def _store_receipts(self, changed: dict, receipts=None, waiting=None) -> None:
        """Update the receipts file for rows made, gone, linked or readable again (_linking_changed)."""
        if receipts is None:
            receipts, waiting = self.receipts()
        for case_id, row in changed.items():
            for digest in [d for d, owner in receipts.items() if owner == case_id] if row is None else []:
                receipts.pop(digest)
            for ids in waiting.values():
                if case_id in ids:
                    ids.remove(case_id)
            receipt, wants, follow_up_of = (row or {}).get("receipt"), (row or {}).get("wants"), (row or {}).get("follow_up_of")
            if receipt:
                receipts[receipt] = case_id
            if wants and not follow_up_of:
                waiting.setdefault(wants, []).append(case_id)
        waiting = {d: ids for d, ids in waiting.items() if ids}
        self._receipts = None  # until written: a failed write must not leave a cache the file lacks
        self._write_receipts(receipts, waiting)
        self._receipts = receipts, waiting

    def forget_layout(self) -> None:
        """Read the folders (and the receipts) again: another command may have changed them."""
        self._where = self._receipts = None

    def _shard_path(self, folder: str) -> Path:
        return self.index_dir / f"{folder}.age"

    # A shard is UTF-8 text: a JSON header line, then one line per case: its id, its row's fields
    # (JSON), its list line (JSON) and its table cells (JSON), tab-separated. The list line is
    # kept as bytes, never parsed: reading 50,000 rows then costs little more than their bytes.
    # (json.dumps escapes tabs and newlines inside strings, so neither occurs in a field.)

    def _write_shard(self, folder: str, rows: dict) -> None:
        lines = [json.dumps({"schema": SHARD_SCHEMA, "folder": folder, "rows": len(rows)}).encode()]
        for case_id, row in sorted(rows.items()):
            fields = {k: v for k, v in row.items() if k not in _NOT_IN_SHARD}
            out = row.get("out", b"")
            parts = [case_id.encode(), json.dumps(fields, ensure_ascii=False).encode(), out if isinstance(out, bytes) else out.encode(),
                     json.dumps(row["cells"], ensure_ascii=False).encode() if "cells" in row else b""]
            if any(b"\t" in part or b"\n" in part for part in parts):
                raise StoreDamaged(f"the index row of case {case_id!r} cannot be stored (a tab or newline in it)")
            lines.append(b"\t".join(parts))
        self._encrypt_to(self._shard_path(folder), b"\n".join(lines))

    def _read_shard(self, folder: str, missing_ok: bool = False, cells: bool = True) -> dict:
        """The rows of one shard; cells=False leaves the table cells out (as bytes, unparsed)."""
        path = self._shard_path(folder)
        damaged = StoreDamaged(f"the vault index ({path.relative_to(self.root)}) is damaged", hint=REBUILD_HINT)
        if missing_ok and not path.exists():
            return {}
        lines = self._decrypt(path, "the vault index", REBUILD_HINT).split(b"\n")
        rows = {}
        try:
            header = json.loads(lines[0])
            if not isinstance(header, dict) or header.get("schema") != SHARD_SCHEMA or header.get("folder") != folder \
                    or header.get("rows") != len(lines) - 1:
                raise ValueError("header")
            split = [line.split(b"\t") for line in lines[1:]]
            if any(len(parts) != 4 for parts in split):
                raise ValueError("row")
            # One json.loads per shard, not per row: the call's own cost is most of a small row's.
            fields = json.loads(b"[" + b",".join(parts[1] for parts in split) + b"]")
            if cells:
                table = json.loads(b"[" + b",".join(parts[3] or b"null" for parts in split) + b"]")
            else:
                table = [parts[3] or None for parts in split]
            for (case_id, _, out, _), row, row_cells in zip(split, fields, table):
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

    def _folders(self) -> dict[str, set]:
        """{folder: the ids of the cases filed in it}."""
        folders: dict[str, set] = {}
        for case_id, folder in self._locate().items():
            folders.setdefault(folder, set()).add(case_id)
        return folders

    def index(self, cells: bool = True):
        """Every row of the index: yields (case id, row) shard by shard (rows are index.py's,
        without their receipt digests; cells=False: without the table cells parsed). Each shard
        is checked against its folder: a case without its row, or a row without its case, is
        damage (StoreDamaged, with the way to rebuild)."""
        for folder, ids in sorted(self._folders().items()):
            rows = self._read_shard(folder, cells=cells)
            if rows.keys() != ids:
                raise StoreDamaged(f"the vault index (index/{folder}.age) does not match the cases in cases/{folder}/",
                                   hint=REBUILD_HINT)
            yield from rows.items()

    def row(self, case_id: str) -> dict | None:
        """One case's row, from its shard alone."""
        folder = self._locate().get(case_id)
        return None if folder is None else self._read_shard(folder).get(case_id)

    def _write_rows(self, changed: dict, places: dict) -> None:
        """Set (row) or drop (None) the rows of `changed`, shard by shard (a case's shard is that
        of its folder: `places`, else where its file is)."""
        by_folder: dict[str, dict] = {}
        where = self._locate()
        for case_id, row in changed.items():
            folder = places.get(case_id) or where.get(case_id)
            if folder is None:
                raise StoreDamaged(f"the index row of case {case_id} has no case file to go with")
            by_folder.setdefault(folder, {})[case_id] = row
        linking = {}  # rows made, gone, linked or readable again: the receipts file follows
        for folder, updates in sorted(by_folder.items()):
            rows = self._read_shard(folder, missing_ok=True)  # a new folder's first rows
            for case_id, row in updates.items():
                old = rows.pop(case_id, None) if row is None else rows.get(case_id)
                if row is not None:
                    rows[case_id] = row
                if _linking_changed(old, row):
                    linking[case_id] = row
            self._write_shard(folder, rows)
        if linking:
            self._store_receipts(linking)

    def rebuild_index(self, rows: dict) -> None:
        """Replace the whole index with `rows` (rebuilt from the case files by the caller). The new
        index is written in a folder of its own and swapped in by renames: a crash leaves the old
        index, or none (then rebuild again), never a part of one that reads as whole."""
        final, fresh, old = self.index_dir, self.root / "index.new", self.root / "index.old"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        fresh.mkdir(mode=0o700)
        self.index_dir = fresh
        try:
            for folder, ids in sorted(self._folders().items()):
                self._write_shard(folder, {case_id: rows[case_id] for case_id in ids})
            self._store_receipts(rows, {}, {})
        finally:
            self.index_dir = final
        if final.exists():
            os.rename(final, old)
        rename_dir(fresh, final)
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
        where = self._locate()
        places = {case_id: where[case_id] for case_id in cases.keys() | rows.keys() if case_id in where}
        places |= self.place(case_id for case_id, record in cases.items() if record is not None)
        journal = {"schema": JOURNAL_SCHEMA, "segment": self._next_segment() if audit else None,
                   "cases": cases, "places": places, "rows": rows, "audit": audit, "quarantine": quarantine}
        self._write(self.journal_path, journal)
        self._apply(journal, crash_after)

    def _apply(self, journal: dict, crash_after=None, index: bool = True) -> None:
        places, where, written = journal["places"], self._locate(), []
        for case_id, record in journal["cases"].items():
            if record is None:
                if case_id in places:
                    self.case_path(case_id, places[case_id]).unlink(missing_ok=True)
                where.pop(case_id, None)
            else:
                written.append(self.write_case(case_id, record, places[case_id], sync=False))
                where[case_id] = places[case_id]
        if journal["cases"]:
            folders = sorted(set(places[i] for i in journal["cases"] if i in places))
            sync_files(written, [self.cases_dir / f for f in folders] + [self.cases_dir])
        if crash_after == "cases":
            raise _InjectedCrash("after the case files")
        if journal["audit"]:
            self._write(self._segment_path(journal["segment"]), {"schema": AUDIT_SCHEMA, "entries": journal["audit"]})
        if journal["quarantine"] is not None:
            self._write(self.quarantine_path, {"schema": QUARANTINE_SCHEMA, "records": journal["quarantine"]})
        if journal["rows"] and index:
            self._write_rows(journal["rows"], places)
        if crash_after == "index":
            raise _InjectedCrash("after the index")
        self.journal_path.unlink()
        fsync_dir(self.root)

    def pending(self) -> bool:
        return self.journal_path.exists()

    def repair(self, index: bool = True) -> bool:
        """Finish a change a crash interrupted (exclusive lock held). Returns whether one was.
        index=False leaves its rows out (for a rebuild of the whole index)."""
        if not self.journal_path.exists():
            return False
        journal = self._read(self.journal_path, "the journal of an interrupted change")
        if not isinstance(journal, dict) or journal.get("schema") != JOURNAL_SCHEMA:
            raise StoreDamaged("the journal of an interrupted change is damaged")
        self._apply(journal, index=index)
        return True


class _InjectedCrash(BaseException):
    """Raised only when a test asks put() to stop half-way (BaseException: nothing catches it)."""
