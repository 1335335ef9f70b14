"""One error hierarchy: every exception class the framework, the DAG factory and the dashboard
define descends from EltError (a class outside it fails here), and the families split
transient from terminal by type. Warning categories (raised by no one: `warnings.warn`) are not
errors and are left out."""

from __future__ import annotations

import ast
import importlib
import inspect
import pathlib
import pkgutil

import pytest

import dag_factory
import dashboard
import framework
from framework import errors
from framework.errors import (
    CompileError,
    ConfigError,
    EltError,
    IngestError,
    LakeError,
    SpecError,
    TerminalWarehouseError,
    TransientWarehouseError,
    WarehouseBusy,
    WarehouseError,
    WarehouseUnreachable,
    is_transient,
)

# Scripts run by their host, not imported here (Streamlit's app and pages, Airflow's DAG file):
# they must define no class at all (checked on their source).
SCRIPTS = ("dashboard/app.py", "dashboard/views/*.py", "dag_factory/dags/*.py")
REPO = pathlib.Path(__file__).resolve().parents[2]


def _modules():
    for package in (framework, dag_factory, dashboard):
        yield package.__name__
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            yield info.name


def _exception_classes():
    found = {}
    for name in _modules():
        if name == "dashboard.app":
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and not issubclass(cls, Warning) and cls.__module__ == name:
                found[f"{name}.{cls.__qualname__}"] = cls
    return found


EXCEPTIONS = _exception_classes()


def test_the_walk_finds_the_exception_classes():
    for expected in (
        "framework.errors.EltError",
        "framework.execute.steps.StepFailed",
        "framework.execute.redshift.LoadFailed",
        "framework.run.runner.StepError",
        "framework.compile.render.RenderError",
        "dashboard.warehouse.WarehouseUnavailable",
    ):
        assert expected in EXCEPTIONS


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_every_exception_class_descends_from_elt_error(name):
    assert issubclass(EXCEPTIONS[name], EltError), f"{name} is outside the framework.errors hierarchy"


def test_the_scripts_define_no_classes():
    scripts = [path for pattern in SCRIPTS for path in sorted(REPO.glob(pattern))]
    assert scripts
    for path in scripts:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
        assert not classes, f"{path.relative_to(REPO)} defines {classes}: import it in tests/test_errors.py"


def test_each_class_is_in_its_family():
    from dashboard.config import ConfigError as DashboardConfigError
    from dashboard.sql import QueryError
    from dashboard.warehouse import WarehouseUnavailable
    from framework.compile.render import RenderError
    from framework.compile.targets import UnknownTarget
    from framework.execute.redshift import LoadFailed
    from framework.execute.steps import StepFailed
    from framework.ingest.header import IngestError as HeaderIngestError
    from framework.run.warehouses import WarehouseSettingsError
    from framework.settings import SettingsError
    from framework.spec.types import TypeParseError

    families = {
        ConfigError: (SettingsError, WarehouseSettingsError, UnknownTarget, DashboardConfigError),
        CompileError: (RenderError, QueryError),
        SpecError: (TypeParseError,),
        IngestError: (HeaderIngestError,),
        WarehouseError: (WarehouseUnavailable,),
        TerminalWarehouseError: (StepFailed, LoadFailed),
        TransientWarehouseError: (WarehouseBusy, WarehouseUnreachable),
    }
    for family, members in families.items():
        for member in members:
            assert issubclass(member, family), f"{member.__qualname__} is not a {family.__qualname__}"
    assert not issubclass(WarehouseUnreachable, ConfigError)  # an outage is not a usage error
    assert HeaderIngestError is errors.IngestError


@pytest.mark.parametrize(
    "error, transient",
    [
        (WarehouseUnreachable("cannot connect to target 'pg' (postgres): connection refused"), True),
        (WarehouseBusy("the warehouse w.duckdb is in use by another process"), True),
        (TransientWarehouseError("ProgrammingError: 1023 serializable isolation violation"), True),
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (TimeoutError("timed out"), True),
        (TerminalWarehouseError("ProgrammingError: syntax error"), False),
        (ConfigError("no IAM role for COPY"), False),
        (SpecError("3 finding(s) in the specs"), False),
        (CompileError("cannot render MERGE"), False),
        (LakeError("S3 get s3://b/k: no such object"), False),
        (IngestError("orders.csv:1: the header repeats column(s) id"), False),
        (ValueError("value 1023 is out of range"), False),
    ],
)
def test_transient_and_terminal_are_told_apart_by_type(error, transient):
    assert is_transient(error) is transient


def test_an_unreachable_server_is_transient_and_a_refused_session_terminal(monkeypatch):
    """open_warehouse: connection refused (no server answer) vs the server's terminal answer."""
    import redshift_connector

    from framework.run.warehouses import open_warehouse
    from framework.settings import RedshiftSettings
    from tests.support.recording import redshift_error

    monkeypatch.setenv("ROLE_ENV", "arn:aws:iam::123456789012:role/copy")
    settings = RedshiftSettings(
        "prod", "rs", "aws", "lake", "ROLE_ENV", "olist", "analytics", pipeline="olist", project_dir="/project"
    )
    lake = object()

    def refused():
        raise redshift_connector.InterfaceError("communication error", ConnectionRefusedError(111, "refused"))

    def denied():
        raise redshift_error("28000", "password authentication failed for user", kind="InterfaceError")

    with pytest.raises(WarehouseUnreachable, match="cannot connect to target 'prod' \\(redshift\\)") as raised:
        open_warehouse(settings, lake=lake, redshift_connect=refused)
    assert is_transient(raised.value)
    with pytest.raises(TerminalWarehouseError, match="cannot connect to target 'prod'") as raised:
        open_warehouse(settings, lake=lake, redshift_connect=denied)
    assert not is_transient(raised.value)


def test_the_dashboard_reports_an_unreachable_postgres_in_the_drivers_words():
    """The session maps psycopg's error; the dashboard still says what the driver said."""
    import types

    from dashboard.warehouse import WarehouseUnavailable, _postgres
    from framework.settings import PostgresSettings

    settings = PostgresSettings("pg", "x", "lake", host="127.0.0.1", port=9, pipeline="olist", project_dir="/project")
    with pytest.raises(WarehouseUnavailable, match=r"^Cannot connect to PostgreSQL target 'pg': connection failed"):
        _postgres(types.SimpleNamespace(settings=settings, target="pg"))
