#!/usr/bin/env python3
"""Runs commands and measures them: wall time, CPU time and peak RSS.

bench.py starts this small process first and sends it one JSON line per
command (`{"cmd": [...], "cwd": "..."}`); it answers one JSON line per run.
Measuring from a small process matters: on Linux a child's peak RSS counts
the memory of the process that started it, so a parent that has read a large
report would lift every child's peak to its own.
"""

import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    for line in sys.stdin:
        req = json.loads(line)
        with tempfile.TemporaryFile() as err:
            start = time.monotonic()
            p = subprocess.Popen(req["cmd"], cwd=req.get("cwd"), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.monotonic() - start
            p.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            text = err.read().decode(errors="replace")
        print(json.dumps({"code": p.returncode, "wall": wall, "peak_mib": usage.ru_maxrss / 1024,
                          "cpu": usage.ru_utime + usage.ru_stime, "stderr": text[-20000:]}),
              flush=True)


if __name__ == "__main__":
    main()
