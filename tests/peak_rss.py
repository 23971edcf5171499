"""Run `python -m intake ARGS…` in this process and append its peak RSS (KiB) to a file.

    python tests/peak_rss.py OUT_FILE ARGS…

The hostile-batch test uses it to hold every desk command to its memory bound without
depending on /usr/bin/time (not on every machine). ru_maxrss is in KiB on Linux.
"""

import resource
import sys

from intake.cli import main

if __name__ == "__main__":
    out, args = sys.argv[1], sys.argv[2:]
    try:
        status = main(args)
    finally:
        with open(out, "a") as f:
            f.write(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\n")
    sys.exit(status)
