"""What the executor and the runner need of a warehouse session, whatever the warehouse:
DuckDB's own interface, which `DuckDBSession` passes through and `DbApiSession` imitates."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


class Rows(Protocol):
    """A statement's result: its rows and, for a query, the column descriptions."""

    description: Any

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


class Session(Protocol):
    def execute(self, sql: str, params: Any = None) -> Rows: ...

    def close(self) -> None: ...


@runtime_checkable
class ExplainsLoads(Protocol):
    """A session that can say why a load failed beyond the driver's words (Redshift's
    SYS_LOAD_ERROR_DETAIL)."""

    def explain_failed_load(self, table: str, err: Any) -> Exception: ...


@runtime_checkable
class ClaimsRuns(Protocol):
    """A server session that can hold a pipeline's run lock for its life (PostgreSQL's advisory
    locks): exclusive for a whole run, shared for one step of an orchestrator's run."""

    def claim_run(self, pipeline: str, exclusive: bool) -> bool: ...


@runtime_checkable
class Reconnects(Protocol):
    """A server session that can open a new connection after the old one dropped."""

    def reconnect(self) -> None: ...


@runtime_checkable
class StreamsFiles(Protocol):
    """A session that streams lake files into `COPY … FROM STDIN` itself (PostgreSQL)."""

    def copy_in(self, sql: str, files: list[str], columns: tuple[str, ...]) -> int: ...
