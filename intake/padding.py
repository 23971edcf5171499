"""Padmé padding (Nikitin et al., PETS 2019): round a length up so that it leaks only
O(log log n) bits, with at most ~12% overhead."""


def padme(length: int) -> int:
    """The smallest Padmé size at or above `length`."""
    if length < 2:
        return length
    exponent = length.bit_length() - 1  # floor(log2(length))
    mantissa_bits = exponent.bit_length()  # floor(log2(exponent)) + 1
    mask = (1 << (exponent - mantissa_bits)) - 1
    return (length + mask) & ~mask
