"""Reporter text on a staff terminal: characters that could hide or reorder text made visible.

Anyone can send a report, so its text may carry C0/C1 control characters (a terminal may take
U+009B as the start of an escape sequence and conceal what follows) or bidirectional overrides
(U+202E shows text backwards). Staff confirm that they read a follow-up from this output, so such
characters are shown as \\uXXXX instead. The same escape is valid inside JSON strings, so JSON
output passes through unchanged in meaning.
"""

import re

# Also invisible characters that can hide or split a name (zero-width space, word joiners, the
# byte order mark, interlinear annotation, tag characters) and the Unicode line and paragraph
# separators. Zero-width (non-)joiners stay: Arabic-script and Indic text, Uyghur included, and
# emoji need them.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")


def visible(text: str) -> str:
    """`text` with control, direction and invisible characters (not newline or tab) as \\uXXXX."""
    return _HIDDEN.sub(_escape, text)


def _escape(match) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # as a JSON surrogate pair, so the escape stays valid inside JSON strings
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def one_line(text: str) -> str:
    """visible(), and a line break shown as \\n: for labels that must not forge another row."""
    return visible(text).replace("\n", "\\n").replace("\t", "\\t")
