"""Reporter text on a staff terminal: characters that could hide or reorder text made visible.

Anyone can send a report, so its text may carry C0/C1 control characters (a terminal may take
U+009B as the start of an escape sequence and conceal what follows) or bidirectional overrides
(U+202E shows text backwards). Staff confirm that they read a follow-up from this output, so such
characters are shown as \\uXXXX instead. The same escape is valid inside JSON strings, so JSON
output passes through unchanged in meaning.
"""

import re

_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with control and direction characters (not newline or tab) written as \\uXXXX."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
