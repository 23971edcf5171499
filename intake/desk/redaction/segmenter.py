"""Chinese word segmentation for the name detector: jieba, loaded with no cache file and no log.

Why jieba: it installs from its wheel with its dictionary (about 350,000 words with frequencies
and part-of-speech tags: nr person, ns place, nt organisation), is pure Python, MIT-licensed and
downloads nothing. Its last release (0.42.1) is from 2020; the dictionary does not age much.

What it would do by itself, and what we do instead:
- On first use `jieba.initialize()` writes its prefix dictionary to `jieba.cache` in the temp
  directory, and logs to stderr. The cache holds only the dictionary, never our text, but the
  staff machine is to keep nothing it does not need, so we build the prefix dictionary in memory
  (what `gen_pfdict` builds, with the tags read in the same pass: about 0.5 s once per process)
  and mark the tokenizer initialised: jieba then never looks for, reads or writes a cache, and
  never calls its logger.
- Its POS tagger (`jieba.posseg`) runs an HMM over every unknown run and takes about 60 s a
  megabyte; we segment with `jieba.cut` (HMM on: it is what finds unknown names as words, about
  3 s a megabyte of Hanzi) and read the tags of dictionary words from its tag table.
jieba only sees runs of Hanzi cut out of the text (at most CHUNK characters at a time), so its
own handling of Latin letters, spaces and digits never matters, and it sees them, and is asked
about words, in simplified characters (traditional.py): its dictionary has few traditional words.
"""

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from .traditional import simplified

CHUNK = 2000  # characters per call: jieba's DAG is built per call; a sentence is far shorter
NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")  # jieba's own class of Chinese characters (its re_han_default, less ASCII)
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str


@dataclass(frozen=True)
class _Segmenter:
    tokenizer: Any
    tags: dict[str, str]
    cut_block: Any  # what jieba.cut (HMM on) runs on each block of Chinese characters, if this jieba has it


@cache
def _segmenter() -> _Segmenter:
    with _LOCK:
        import jieba  # type: ignore[import-untyped]

        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tags = _read_dictionary(tokenizer.get_dict_file())
        tokenizer.initialized = True  # never initialize(): that is what writes jieba.cache
        return _Segmenter(tokenizer, tags, getattr(tokenizer, "_Tokenizer__cut_DAG", None))


def _read_dictionary(lines: Any) -> tuple[dict[str, int], int, dict[str, str]]:
    """What `Tokenizer.gen_pfdict` builds (each word's frequency, 0 for a prefix that is not a
    word itself, and the total), plus the tag of each word, in one pass over the wheel's file."""
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with lines:
        text = lines.read().decode("utf-8")  # decoded once, not line by line: this runs once a command
    prefix = freq.setdefault
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        word, count = parts[0], int(parts[1])
        freq[word] = count
        total += count
        if len(parts) == 3:
            tags[word] = parts[2]
        for end in range(1, len(word)):
            prefix(word[:end], 0)
    return freq, total, tags


def tokens(run: str, offset: int = 0) -> Iterator[Token]:
    """The words of a run of Hanzi, with spans offset by `offset` (each word in simplified characters)."""
    segmenter = _segmenter()
    run = simplified(run)
    for at in range(0, len(run), CHUNK):
        chunk = run[at:at + CHUNK]
        position = offset + at
        # A chunk all of the characters jieba calls Chinese goes straight to the step `cut` would
        # give it after splitting it into blocks (one block, the same words, a fifth less work).
        words = segmenter.cut_block(chunk) if segmenter.cut_block and _JIEBA_HAN.fullmatch(chunk) \
            else segmenter.tokenizer.cut(chunk, HMM=True)
        for word in words:
            yield Token(position, position + len(word), word)
            position += len(word)


def frequency(word: str) -> int:
    """How often the dictionary has seen `word` (0: not a dictionary word)."""
    return _segmenter().tokenizer.FREQ.get(simplified(word)) or 0


def tag(word: str) -> str | None:
    """The dictionary's part-of-speech tag of `word`, if it is a dictionary word."""
    return _segmenter().tags.get(simplified(word))
