"""A PDF's object syntax counted before qpdf parses it, so that qpdf's memory stays bounded.

qpdf keeps every object it parses, at about 140 bytes per number, name or bracket: a 100 MiB file
that is one long array would take 7 GB. And it may parse an object wherever the file holds an
"N G obj" header: when the cross-reference table is missing, it reads them all to rebuild it.
So every "obj" keyword is taken for a header here (also inside strings and streams, where a
crafted table could send qpdf), and the one object after it is tokenized with qpdf's rules,
against one budget for the whole file: items, bytes and nesting (caps.py). The dictionaries after
"trailer", the entries of cross-reference tables and those that cross-reference streams declare
are counted too. Object streams are compressed: their decoded size is checked here, and
pdf_caps.py feeds their decoded text to `tokenize_packed` once qpdf has opened the file, before
any object in them is read.

An upper bound is all this needs: a header counted twice, or junk counted as objects, can only
refuse a file, never let a larger one through.
"""

import re

from . import UnsupportedAttachment
from .caps import (MAX_PDF_NESTING, MAX_PDF_OBJECTS, MAX_PDF_PACKED_BYTES, MAX_PDF_SYNTAX_BYTES, MAX_PDF_SYNTAX_ITEMS,
                   MAX_PDF_XREF_ENTRIES)
from .pdf_streams import packed_size

_SPACE = re.compile(rb"[\x00\t\n\x0c\r ]*")
_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_STRING_CHARS = re.compile(rb"[()\\]")
# Keywords as whole tokens. Each expression starts with its literal, so the search runs at C
# speed (a look-behind first would make it test every byte); what precedes is checked in Python.
# Every "obj" keyword counts as an object header, whatever is before it: a superset of what qpdf
# can take for one ("N G obj", with any whitespace or comments between), and no backtracking.
_OBJ = re.compile(rb"obj(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
_TRAILER = re.compile(rb"trailer(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
_XREF = re.compile(rb"xref(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
_DELIMITERS = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%")
_SUBSECTION = re.compile(rb"[\x00\t\n\x0c\r ]*([0-9]{1,10})[ \t]+([0-9]{1,10})")
_ENTRY = re.compile(rb"[0-9]{10} [0-9]{5} [nf]")
_INTEGER = re.compile(rb"[+-]?[0-9]{1,18}")
_LINE_END = re.compile(rb"[\r\n]")
# Whitespace and plain tokens (numbers, names, keywords), 20,000 of either a match so that the list
# that counts them stays small; possessive, so never any backtracking.
_PLAIN_RUN = re.compile(rb"(?:[\x00\t\n\x0c\r ]++|/?[^\x00\t\n\x0c\r ()<>\[\]{}/%]++|/){1,20000}+")
_PLAIN_TOKEN = re.compile(rb"/?[^\x00\t\n\x0c\r ()<>\[\]{}/%]+|/")

REF = "reference"  # an "N G R" reference, in a kept dictionary
# What kept_dictionary keeps of a value: an integer, a name or keyword, REF, or an array of integers and names.
Kept = int | bytes | str | list[int | bytes]


class SyntaxBudget:
    """What qpdf may parse in one PDF; `spend` raises UnsupportedAttachment past a cap."""

    def __init__(self):
        self.items = self.bytes = self.objects = self.xref_entries = 0

    def spend(self, *, items: int = 0, size: int = 0, objects: int = 0, xref_entries: int = 0) -> None:
        self.items += items
        self.bytes += size
        self.objects += objects
        self.xref_entries += xref_entries
        if self.objects > MAX_PDF_OBJECTS:
            raise UnsupportedAttachment(f"PDF with more than {MAX_PDF_OBJECTS} objects: not cleaned here")
        if self.items > MAX_PDF_SYNTAX_ITEMS:
            raise UnsupportedAttachment(f"PDF with more than {MAX_PDF_SYNTAX_ITEMS:,} syntax items (numbers, names, "
                                        "brackets) outside its streams: not cleaned here")
        if self.bytes > MAX_PDF_SYNTAX_BYTES:
            raise UnsupportedAttachment(f"PDF with more than {MAX_PDF_SYNTAX_BYTES >> 20} MiB of object syntax "
                                        "outside its streams: not cleaned here")
        if self.xref_entries > MAX_PDF_XREF_ENTRIES:
            raise UnsupportedAttachment(f"PDF with more than {MAX_PDF_XREF_ENTRIES:,} cross-reference entries: "
                                        "not cleaned here")


def scan_file(data: bytes) -> SyntaxBudget:
    """Count everything qpdf could parse from the raw bytes of `data`; raises past a cap."""
    budget = SyntaxBudget()
    for header in _keywords(_OBJ, data):  # not "endobj"
        budget.spend(objects=1)
        end = _Parser(data, header, budget).object()
        if _keyword(data, end) == b"stream":
            entries = stream_dictionary(data, header)
            _count_declared(entries, budget)
            if entries.get(b"/Type") == b"/ObjStm":
                _check_packed(data, end, entries)
    for trailer in _keywords(_TRAILER, data):
        _Parser(data, trailer, budget).object()
    for xref in _keywords(_XREF, data):  # not "startxref"
        _count_xref_table(data, xref, budget)
    return budget


def _keywords(expression: re.Pattern, data: bytes):
    """Where each whole-token occurrence of a keyword ends."""
    for match in expression.finditer(data):
        if match.start() == 0 or data[match.start() - 1] in _DELIMITERS:
            yield match.end()


def stream_dictionary(data: bytes, pos: int) -> dict[bytes, Kept]:
    """The entries of the dictionary at `pos` that say what a stream holds (/Type, /N, /Index…),
    read again once it has been counted: integers, names and arrays of them, references as REF."""
    parser = _Parser(data, pos, SyntaxBudget())
    try:
        if parser.token() == b"<<":
            return parser.kept_dictionary()
    except (_End, UnsupportedAttachment):
        pass
    return {}


def tokenize_packed(text: bytes, count: int, first: int, budget: SyntaxBudget) -> None:
    """The objects of one decoded object stream: `count` pairs "number offset", then each object
    at `first` + its offset, as qpdf reads them."""
    budget.spend(size=len(text))
    parser, offsets = _Parser(text, 0, budget, count_bytes=False), []
    for _ in range(count):
        number, offset = parser.integer(), parser.integer()
        if number is None or offset is None:
            break  # qpdf refuses the stream; nothing more of it is parsed
        offsets.append(offset)
    for offset in offsets:
        if 0 <= first + offset < len(text):
            _Parser(text, first + offset, budget, count_bytes=False).object()


def _count_declared(stream_dict: dict[bytes, Kept], budget: SyntaxBudget) -> None:
    """Objects packed in an object stream, entries of a cross-reference stream: declared in the
    stream's dictionary, which is in the clear even when the stream data is compressed."""
    kind, number = stream_dict.get(b"/Type"), stream_dict.get(b"/N")
    if kind == b"/ObjStm" and isinstance(number, int):
        budget.spend(objects=max(number, 0))
    if kind == b"/XRef":
        index, size = stream_dict.get(b"/Index"), stream_dict.get(b"/Size")
        if isinstance(index, list):
            budget.spend(xref_entries=sum(n for n in index[1::2] if isinstance(n, int) and n > 0))
        elif isinstance(size, int):
            budget.spend(xref_entries=max(size, 0))


def _check_packed(data: bytes, end: int, entries: dict[bytes, Kept]) -> None:
    """An object stream decodes to at most MAX_PDF_PACKED_BYTES: checked here, from the raw bytes,
    because qpdf parses the one holding the catalog while opening the file. (Encrypted data does
    not inflate: qpdf's own limit, set to the same, is the check then.)"""
    start = _keyword_end(data, end)
    start += 2 if data[start:start + 2] == b"\r\n" else 1
    length = entries.get(b"/Length")
    if not isinstance(length, int) or length < 0:
        close = data.find(b"endstream", start)
        length = (len(data) if close < 0 else close) - start
    filters = entries.get(b"/Filter")
    names = filters if isinstance(filters, list) else [] if filters is None else [filters]
    if packed_size(memoryview(data)[start:start + length], [n.decode("latin-1") for n in names if isinstance(n, bytes)],
                   MAX_PDF_PACKED_BYTES) > MAX_PDF_PACKED_BYTES:
        raise UnsupportedAttachment(f"PDF object stream that decodes to more than {MAX_PDF_PACKED_BYTES >> 20} MiB: "
                                    "not cleaned here")


def _count_xref_table(data: bytes, pos: int, budget: SyntaxBudget) -> None:
    """A classic table: subsection headers "first count", each followed by `count` entries."""
    while match := _SUBSECTION.match(data, pos):
        count = int(match[2])
        budget.spend(xref_entries=count)  # refuses a count past the cap before reading on
        pos = match.end()
        for _ in range(count):
            pos = _run_end(_SPACE, data, pos)
            entry = _ENTRY.match(data, pos) or _LINE_END.search(data, pos)  # qpdf reads a bad entry as a line
            if not entry:
                return
            pos = entry.end()


def _keyword(data: bytes, pos: int) -> bytes:
    pos = _run_end(_SPACE, data, pos)
    return data[pos:_run_end(_REGULAR, data, pos)]


def _keyword_end(data: bytes, pos: int) -> int:
    return _run_end(_REGULAR, data, _run_end(_SPACE, data, pos))


def _run_end(expression: re.Pattern[bytes], data: bytes, pos: int) -> int:
    """Where the run of `expression` (_SPACE or _REGULAR: a class repeated, `*`) at `pos` ends."""
    run = expression.match(data, pos)
    if run is None:  # cannot be: both expressions match the empty string
        raise UnsupportedAttachment(_UNCOUNTABLE)
    return run.end()


_UNCOUNTABLE = "PDF syntax that cannot be counted: not cleaned here"


class _Parser:
    """One PDF object at a time, with qpdf's token rules, counted against the budget.

    Runs of plain tokens (numbers, names, keywords) are matched and counted by one regular
    expression, so a million-item array costs C speed, not a Python loop per item."""

    def __init__(self, data: bytes, pos: int, budget: SyntaxBudget, *, count_bytes: bool = True):
        self.data, self.pos, self.budget, self.count_bytes = data, pos, budget, count_bytes

    def object(self) -> int:
        """Count the one object at `pos`; returns where it ends."""
        start = self.pos
        try:
            self._value(0, self.token())
        except _End:
            pass
        if self.count_bytes:
            self.budget.spend(size=self.pos - start)
        return self.pos

    def integer(self) -> int | None:
        try:
            token = self.token()
        except _End:
            return None
        return int(token) if _INTEGER.fullmatch(token) else None

    def token(self) -> bytes:
        """The next token (a string or hex string as a placeholder: its content never matters)."""
        data = self.data
        while True:
            space = _SPACE.match(data, self.pos)  # inline, not _run_end: this is the hot loop
            if space is None:
                raise UnsupportedAttachment(_UNCOUNTABLE)
            pos = space.end()
            if pos >= len(data):
                self.pos = pos
                raise _End
            if data[pos] != 0x25:  # "%": a comment runs to the end of the line
                break
            line_end = _LINE_END.search(data, pos)
            self.pos = line_end.end() if line_end else len(data)
        char = data[pos:pos + 1]
        if char in b"[]{})":
            end = pos + 1
        elif char == b"<" or char == b">":
            if data[pos + 1:pos + 2] == char:
                end = pos + 2
            elif char == b"<":  # a hex string runs to its ">"
                close = data.find(b">", pos)
                end = len(data) if close < 0 else close + 1
            else:
                end = pos + 1
        elif char == b"(":
            end = self._string_end(pos + 1)
        else:  # a name (after its "/"), a number, a keyword or a stray byte
            run = _REGULAR.match(data, pos + 1 if char == b"/" else pos)
            if run is None:
                raise UnsupportedAttachment(_UNCOUNTABLE)
            end = run.end()
        self.pos = end
        self.budget.spend(items=1)
        if char == b"(" or (char == b"<" and end - pos != 2):
            return b"(string)"
        return data[pos:end]

    def _string_end(self, pos: int) -> int:
        depth = 1
        while depth:
            found = _STRING_CHARS.search(self.data, pos)
            if not found:
                return len(self.data)
            pos = found.end()
            if found[0] == b"\\":
                pos += 1
            else:
                depth += 1 if found[0] == b"(" else -1
        return pos

    def _value(self, depth: int, token: bytes) -> None:
        if token != b"<<" and token != b"[":
            return  # a number, name, string, keyword or stray delimiter: one item, already counted
        if depth >= MAX_PDF_NESTING:
            raise UnsupportedAttachment(f"PDF with objects nested deeper than {MAX_PDF_NESTING} levels: "
                                        "not cleaned here")
        # In a dictionary, qpdf takes what is not a key as a value under an invented key, and parses
        # it as such: so keys and values need no telling apart to be counted.
        closer = b">>" if token == b"<<" else b"]"
        while True:
            self._plain_run()
            token = self.token()
            if token == closer:
                return
            self._value(depth + 1, token)

    def _plain_run(self) -> None:
        while run := _PLAIN_RUN.match(self.data, self.pos):
            if run.end() == self.pos:
                return
            self.budget.spend(items=len(_PLAIN_TOKEN.findall(run[0])))
            self.pos = run.end()

    def kept_dictionary(self) -> dict[bytes, Kept]:
        """The entries of the dictionary just opened: integers, names, references (REF) and arrays
        of integers and names; nested dictionaries are skipped."""
        entries: dict[bytes, Kept] = {}
        while (key := self.token()) != b">>":
            token = self.token()
            value: Kept = token
            if token == b"[":
                items: list[int | bytes] = []
                while (item := self.token()) != b"]":
                    items.append(int(item) if _INTEGER.fullmatch(item) else item)
                value = items
            elif token == b"<<":
                self._skip_dictionary()
            elif _INTEGER.fullmatch(token):
                saved = self.pos
                if self.integer() is not None and self._next_is(b"R"):
                    value = REF
                else:
                    self.pos, value = saved, int(token)
            entries[key] = value
        return entries

    def _skip_dictionary(self) -> None:
        depth = 1
        while depth:
            token = self.token()
            depth += (token == b"<<") - (token == b">>")

    def _next_is(self, keyword: bytes) -> bool:
        try:
            return self.token() == keyword
        except _End:
            return False


class _End(Exception):
    """The data ended inside an object: qpdf stops there too."""
