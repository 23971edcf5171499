"""Run `python -m intake ARGS…` and append its peak RSS (KiB) to a file.

    python tests/peak_rss.py OUT_FILE ARGS…

The hostile-batch test uses it to hold every desk command to its memory bound without
depending on /usr/bin/time (not on every machine). The command runs as a child of this small
process: Linux keeps a process's peak RSS across exec, so a command started straight from a
large test process would report that process's size. ru_maxrss is in KiB on Linux.
"""

import resource
import subprocess
import sys

if __name__ == "__main__":
    out, args = sys.argv[1], sys.argv[2:]
    result = subprocess.run([sys.executable, "-m", "intake", *args])
    with open(out, "a") as f:
        f.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
    sys.exit(result.returncode)
