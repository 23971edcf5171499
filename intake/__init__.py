"""Secure intake of reprisal reports: an encrypting web form and an offline staff desk.

Subpackages keep the trust boundary visible:
- `intake.age`: the age v1 format; imports nothing else from intake;
- the web side only ever encrypts; decryption lives with the staff tools.
"""

__version__ = "0.1.0"
