"""One root for every error the framework raises on purpose, and its families.

Callers catch a family, never a message: a retry decision is `isinstance(err, TransientError)`,
a usage error is a `ConfigError`. Each warehouse session maps its driver's exceptions to
`TransientWarehouseError` or `TerminalWarehouseError` at its boundary (framework/execute/).
Stdlib only, imported by every layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class EltError(Exception):
    """Anything the framework reports on purpose; the message says what to do."""


class ConfigError(EltError):
    """pipeline.yml or a command's options cannot be used as they are: fix them, don't retry."""


class SpecError(EltError):
    """The specs have errors; `diagnostics` holds them, positioned in the YAML and SQL files."""

    def __init__(self, message: str, diagnostics: Iterable[Any] = ()):  # framework.diagnostics.Diagnostic
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


class CompileError(EltError):
    """The compiler could not turn valid specs into SQL for a dialect."""


class LakeError(EltError):
    """A lake operation failed; the message names the operation, and the bucket/key or path."""


class IngestError(EltError):
    """A landing file cannot be ingested as it is (header, delimiter, encoding, drift)."""


class WarehouseError(EltError):
    """The warehouse failed a statement or a connection."""


class TransientWarehouseError(WarehouseError):
    """A passing condition (network, serialization conflict, capacity): a later try may work."""


class TerminalWarehouseError(WarehouseError):
    """Retrying cannot help: a data problem, a bad statement, missing privileges."""


class KeyCollision(TerminalWarehouseError):
    """A unique key the statement wrote is there already (PostgreSQL's unique_violation): terminal
    for data, but for a load it may mean another run loaded the same files at the same time."""


class WarehouseBusy(TransientWarehouseError):
    """Another process holds the warehouse (DuckDB allows one writer)."""


class WarehouseUnreachable(TransientWarehouseError):
    """The warehouse did not answer (network, credentials service, capacity)."""


def is_interrupt(err: BaseException) -> bool:
    """DuckDB answers a SIGINT that lands during a query with a plain RuntimeError."""
    return isinstance(err, RuntimeError) and str(err).strip() == "Query interrupted"


def is_transient(err: BaseException) -> bool:
    """Worth another try: a transient warehouse error, or a network error the driver let through."""
    return isinstance(err, (TransientWarehouseError, ConnectionError, TimeoutError))
