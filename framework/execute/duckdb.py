"""DuckDB sessions: the embedded warehouse file, one writer at a time (DuckDB's rule).

DuckDB's own connection already speaks the executor's interface; this module only opens it,
waits for another writer when asked to, and maps DuckDB's lock and I/O errors to ours.
"""

from __future__ import annotations

import os
import time

from framework.errors import WarehouseBusy


def connect_duckdb(path: str, wait_seconds: float = 0.0):
    """Open the warehouse file; with `wait_seconds`, wait that long for another writer to finish."""
    import duckdb

    directory = os.path.dirname(os.path.abspath(path))
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            os.makedirs(directory, exist_ok=True)
            return duckdb.connect(path)
        except duckdb.IOException as err:
            if "lock" in str(err).lower() and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            raise _busy(path, err) from None
        except OSError as err:
            raise WarehouseBusy(f"cannot open the warehouse {path}: {err}") from None


def _busy(path: str, err: Exception) -> WarehouseBusy:
    text = str(err)
    if "lock" in text.lower():
        return WarehouseBusy(
            f"the warehouse {path} is in use by another process (DuckDB allows one writer); "
            f"wait for the other `elt run` to finish. ({text.splitlines()[0]})"
        )
    return WarehouseBusy(f"cannot open the warehouse {path}: {text.splitlines()[0]}")
