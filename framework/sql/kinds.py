"""Closed vocabularies the compiler writes into the manifest and the runtime reads back.
Stdlib only: the manifest (and so the DAG file) imports these."""

from __future__ import annotations

from enum import StrEnum


class LoadMethod(StrEnum):
    """How a dialect's staging load reads lake files."""

    READ_PARQUET = "read_parquet"  # DuckDB reads the files itself, by column name
    COPY_STDIN = "copy_stdin"  # PostgreSQL: the session streams the files into COPY … FROM STDIN
    COPY_PARQUET = "copy_parquet"  # Redshift: COPY … FORMAT PARQUET MANIFEST from S3, with an IAM role


class Privileges(StrEnum):
    """How a warehouse lets several database users (an Airflow role, engineers' IAM identities)
    build the same tables: what `elt bootstrap` sets up, once, as an admin."""

    NONE = "none"  # one process, no users (DuckDB)
    OWNER_ROLE = "owner_role"  # PostgreSQL: writers act as one owning role (ALTER ROLE … SET role)
    SCOPED_GRANTS = "scoped_grants"  # Redshift: a role granted ALL on the schemas' current and future tables


class StringLength(StrEnum):
    """What the n of a VARCHAR(n) counts on a warehouse."""

    CHARACTERS = "characters"  # PostgreSQL
    BYTES = "bytes"  # Redshift
    NONE = "none"  # DuckDB: a length is accepted and ignored


class StatementKind(StrEnum):
    EXEC = "exec"  # run it; a DML statement reports its affected rows
    GUARD = "guard"  # a count that must be 0, else the step fails before anything is written
    REPORT = "report"  # one row of figures for the run log
    COPY_IN = "copy_in"  # COPY … FROM STDIN: the executor streams lake files (named by a parameter) into it
    RECORD = "record"  # DML on the framework's own or transient tables: run, its rows not counted as the step's


# Run-time parameters naming the lake files a load reads: (file list, COPY manifest URL).
BATCH_FILES = ("batch_files", "manifest_url")  # the batch's data files
REJECT_FILES = ("reject_files", "rejects_manifest_url")  # the rejects files ingest wrote beside them


def since_param(name: str) -> str:
    """A scoped build's run-time parameter per input: the input's counter at the model's last build."""
    return f"since_{name}"


# model_builds' fingerprint of a model a change upstream made stale: it matches no spec, so the
# model rebuilds (a load or a build writes it for every model downstream, in its transaction)
INVALIDATED = ""

# model_builds' fingerprints of the rows that mark a model without being a build of it (see
# framework/run/state.py): pruning keeps the model's latest build behind them, whose counter its
# next build continues — a marker has none, and a counter that started again at 1 would look to
# its readers like nothing new
REFUSED = "refused"
UNAUDITED = "unaudited"
LOST = "lost"
MARKERS = (REFUSED, UNAUDITED, LOST)
