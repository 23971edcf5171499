"""Errors of the redaction engine: subclasses of DeskError, so the command line shows one clear line."""

from ..errors import DeskError


class RedactionError(DeskError):
    """A redaction request that cannot be carried out as asked."""


class UnreviewedProposals(RedactionError):
    """Some proposals have no decision; `proposals` lists them."""

    def __init__(self, proposals: list):
        first = proposals[0]
        super().__init__(
            f"{len(proposals)} redaction proposal(s) have no decision yet, "
            f"the first in {first.path}: {first.original!r} -> {first.replacement!r}",
            hint="accept or reject each proposal; --force accepts every proposal left without a decision",
        )
        self.proposals = proposals
