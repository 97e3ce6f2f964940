#!/usr/bin/env python3
"""bench-measure.py OUT COMMAND...: runs COMMAND, writes its standard output to OUT, and prints
"<wall seconds> <peak RSS in KiB>" of it (the largest resident set the command reached, from the
kernel's accounting of the waited-for child). Exits with the command's status. For `make bench`
(h), where memory must stay flat in the size of the file read."""
import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
with open(out, "w", encoding="utf-8") as handle:
    started = time.monotonic()
    status = subprocess.run(command, stdout=handle).returncode
    elapsed = time.monotonic() - started
print(f"{elapsed:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(status)
