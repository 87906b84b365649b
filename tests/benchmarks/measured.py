"""Start one command and report what it cost: `python -S tests/benchmarks/measured.py COMMAND...` prints
"<wall seconds> <CPU seconds> <peak resident KiB> <exit status>" once COMMAND has ended.

Benchmarks start commands through this small launcher rather than from pytest: Linux counts a child's
peak memory from its parent's, and pytest's own peak after making a 10,000-child store is about 400 MB.
The command's standard output is thrown away. Only the standard library, so the launcher stays small.
"""

from __future__ import annotations

import os
import sys
import time


def main(command: list[str]) -> None:
    devnull = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
    started = time.perf_counter()
    pid = os.posix_spawn(command[0], command, os.environ, file_actions=devnull)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    print(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main(sys.argv[1:])
