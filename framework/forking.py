"""Whether this process may fork workers (ingest's pool, the compiler's verification pool).

Forking a process that runs other threads — an Airflow task's API client, a web server, a test
session's servers, or DuckDB's and Arrow's native threads, which `threading.active_count()`
does not count — can leave the child waiting forever on a lock one of them held at the fork
(seen twice in CI). So a pool is forked only from a process that runs one thread; otherwise the
work runs in-process. Standard library only: every layer may import it.
"""

from __future__ import annotations

import os
import threading


def single_threaded() -> bool:
    """This process runs one thread: Python's count, and the kernel's where it tells (Linux)."""
    if threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: Python's count is all there is
        return True
