"""Redaction of a decrypted report before anything leaves the organisation.

Pure functions over the report dict: no files, no network, no output. The steps:

1. `seed_register(report)` builds the case register of people, places and organisations from the
   structured answers; staff add what is only in free text (`register.add`, `register.alias`).
2. `propose(report, register, profile)` lists proposed replacements: register spellings and their
   variants, pattern detectors (IDs, phones, accounts…), generalisations (dates, places) and
   identifying fields replaced whole. Profiles: see profiles.py.
3. Staff accept or reject each proposal; `unreviewed` lists those still open.
4. `apply(report, proposals, decisions, manual)` returns the redacted copy; `leaks` checks it.

Automatic detection is advisory (redaction.md §5.3.10): a person reviews every export.
"""

from .engine import Proposal, apply, propose, unreviewed
from .errors import RedactionError, UnreviewedProposals
from .normalize import Normalized, fold, match_key, normalize
from .profiles import PROFILES, Profile, names_allowed
from .register import KINDS, Entry, Register
from .seed import seed_register
from .variants import spelling_variants
from .verify import Leak, leaks

__all__ = [
    "KINDS", "PROFILES", "Entry", "Leak", "Normalized", "Profile", "Proposal", "RedactionError", "Register",
    "UnreviewedProposals", "apply", "fold", "leaks", "match_key", "names_allowed", "normalize", "propose",
    "seed_register", "spelling_variants", "unreviewed",
]
