"""Bech32 (BIP 173) as age uses it: the original checksum, not bech32m, and no 90-character limit.

age post-quantum recipients are about 1959 characters long, which BIP 173's length limit would
reject, so this implementation deliberately has none.
"""

from collections.abc import Iterable

from .errors import KeyFormatError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_REV = {c: i for i, c in enumerate(_CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _GENERATOR[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: Iterable[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or (acc << (to_bits - bits)) & maxv:
        raise KeyFormatError("invalid bech32 padding")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode data under a human-readable part; the result is lower case."""
    hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    poly = _polymod(_hrp_expand(hrp) + values + [0] * 6) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)


def decode(s: str) -> tuple[str, bytes]:
    """Decode a bech32 string into (lower-case hrp, data). Mixed case is refused."""
    if s.lower() != s and s.upper() != s:
        raise KeyFormatError("mixed-case bech32 string")
    if any(ord(c) < 33 or ord(c) > 126 for c in s):
        raise KeyFormatError("invalid character in bech32 string")
    s = s.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s):
        raise KeyFormatError("malformed bech32 string")
    hrp = s[:pos]
    try:
        values = [_CHARSET_REV[c] for c in s[pos + 1 :]]
    except KeyError:
        raise KeyFormatError("invalid character in bech32 data") from None
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise KeyFormatError("invalid bech32 checksum")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
