"""The WSGI entry point for production: `intake.web.wsgi:app`.

Before the app is built, identities are made unimportable in this process: the web intake
holds public keys only, and nothing it runs may parse an identity string, load an identity
file, or load the staff desk. The one decryption it does is the messages page's, with the
mailbox key a receipt code derives in memory (intake/replies/reading.py), which needs only the
reader and the post-quantum identity class (intake/age/hybrid.py), loaded on first lookup.
"""

import importlib.abc
import sys

FORBIDDEN = ("intake.age.identities", "intake.age.keyfile", "intake.desk")


class _DecryptionGuard(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in FORBIDDEN or fullname.startswith(tuple(f + "." for f in FORBIDDEN)):
            raise ImportError(f"{fullname} is not available in the web process (it holds no identity)")
        return None


def forbid_decryption() -> None:
    if not any(isinstance(f, _DecryptionGuard) for f in sys.meta_path):
        sys.meta_path.insert(0, _DecryptionGuard())


forbid_decryption()

from . import create_app  # noqa: E402  (the guard must be in place first)

app = create_app()
