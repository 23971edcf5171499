"""The one error a hostile or damaged submission raises."""


class SubmissionError(ValueError):
    """This file is not a well-formed intake submission.

    The message names the rule it breaks and where (an entry, a JSON path such as
    `incidents[1].narrative`), never a byte of its content: it is printed, stored in the
    quarantine record and may be shown to anyone at the desk.
    """
