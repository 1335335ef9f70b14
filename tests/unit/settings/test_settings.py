"""framework.settings: a pipeline.yml target resolved the same way from any working directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from framework.errors import ConfigError
from framework.settings import (
    LocalSettings,
    PostgresSettings,
    RedshiftSettings,
    SettingsError,
    project_dir_of,
    resolve_target,
)
from framework.spec.targets import TargetType

REPO = Path(__file__).resolve().parents[3]
OLIST = REPO / "pipelines" / "olist"


def test_the_anchor_is_the_folder_holding_pipelines(tmp_path):
    nested = tmp_path / "project" / "pipelines" / "team" / "sales"
    nested.mkdir(parents=True)
    assert project_dir_of(str(nested)) == str(tmp_path / "project")
    alone = tmp_path / "sales"
    alone.mkdir()
    assert project_dir_of(str(alone)) == str(alone)  # not under a pipelines/ folder: its own folder


def test_relative_paths_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    seen = set()
    for cwd in (REPO, tmp_path, OLIST / "models"):
        monkeypatch.chdir(cwd)
        settings = resolve_target(str(OLIST.relative_to(cwd)) if cwd == REPO else str(OLIST))
        seen.add(settings)
    assert len(seen) == 1
    (local,) = seen
    assert isinstance(local, LocalSettings)
    assert local.database == str(REPO / "warehouse" / "olist.duckdb")
    assert local.lake == str(REPO / "lake")
    assert local.landing == str(OLIST / "sample")
    assert local.cache_dir == str(REPO / "warehouse" / ".elt")


def test_each_target_type_and_its_derived_locations():
    prod = resolve_target(str(OLIST), "prod")
    assert isinstance(prod, RedshiftSettings) and prod.type is TargetType.REDSHIFT
    assert prod.landing_location == ("olist-lake-prod", "olist/landing")
    assert prod.label == "redshift-serverless://olist-prod/analytics"
    assert prod.cache_dir == str(REPO / "warehouse" / ".elt")
    assert prod.with_paths(database="x", lake="y") is prod  # the bucket and workgroup are not paths
    without_landing = RedshiftSettings(
        "t", "c", "a", "bucket", "ENV", "wg", "db", s3_prefix="/pre/", pipeline="p", project_dir="/p"
    )
    assert without_landing.landing_location == ("bucket", "pre/landing")
    pg = PostgresSettings("pg", "analytics", "/p/lake", host="db.internal", port=6432, pipeline="p", project_dir="/p")
    assert pg.label == "postgresql://db.internal:6432/analytics" and pg.landing_folder == "/p/landing"
    assert TargetType.LOCAL.dialect == "duckdb" and TargetType.POSTGRES.dialect == "postgres"


@pytest.mark.parametrize(
    ("host", "port", "user", "label"),
    [
        ("db.internal", 6432, "etl", "postgresql://etl@db.internal:6432/analytics"),
        ("/tmp/pg x/sock", 54329, None, "postgresql:///analytics?host=/tmp/pg%20x/sock&port=54329"),
        ("/run/pg", 5432, "elt_pipeline", "postgresql://elt_pipeline@/analytics?host=/run/pg&port=5432"),
        ("::1", 5432, None, "postgresql://[::1]:5432/analytics"),
    ],
)
def test_a_postgres_label_is_a_valid_uri_without_a_password(host, port, user, label):
    pg = PostgresSettings(
        "pg", "analytics", "/p/lake", host=host, port=port, user=user, password_env="PW", pipeline="p", project_dir="/p"
    )
    assert pg.label == label and "PW" not in pg.label
    from urllib.parse import urlsplit

    parsed = urlsplit(pg.label)
    assert parsed.scheme == "postgresql" and parsed.path == "/analytics"


def test_command_line_paths_resolve_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    local = resolve_target(str(OLIST)).with_paths(database="w/x.duckdb", lake="mylake")
    assert local.database == str(tmp_path / "w" / "x.duckdb") and local.lake == str(tmp_path / "mylake")
    assert local.cache_dir == str(tmp_path / "w" / ".elt")  # the cache follows the warehouse file


def test_an_explicit_project_dir_overrides_the_anchor(tmp_path):
    local = resolve_target(str(OLIST), None, str(tmp_path))
    assert local.database == str(tmp_path / "warehouse" / "olist.duckdb")


def test_errors_are_typed_never_an_exit(tmp_path):
    with pytest.raises(SettingsError, match="no pipeline at"):
        resolve_target(str(tmp_path))
    with pytest.raises(SettingsError, match="unknown target 'nope'.*local, prod"):
        resolve_target(str(OLIST), "nope")
    broken = tmp_path / "broken"
    shutil.copytree(OLIST, broken, ignore=shutil.ignore_patterns("sample", "models", "sources"))
    text = (broken / "pipeline.yml").read_text().replace("    lake: lake\n", "")
    (broken / "pipeline.yml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        resolve_target(str(broken))
    diagnostics = raised.value.diagnostics
    assert diagnostics and any("lake" in d.message for d in diagnostics)
    assert all(d.path.endswith("pipeline.yml") and d.line > 0 for d in diagnostics)


def test_settings_are_frozen_and_hashable():
    local = resolve_target(str(OLIST))
    with pytest.raises(AttributeError):
        local.database = "elsewhere"  # type: ignore[misc]
    assert hash(local) == hash(resolve_target(str(OLIST)))
    assert os.path.isabs(local.project_dir)


def test_a_resolved_target_is_its_declared_target_with_paths_made_absolute():
    from dataclasses import fields

    from framework.settings import settings_for
    from framework.spec.targets import LocalTarget, PostgresTarget, RedshiftTarget

    for declared in (
        LocalTarget("dev", "w/x.duckdb", "lake", landing="in"),
        PostgresTarget("pg", "analytics", "lake"),
        RedshiftTarget("prod", "rs", "aws", "bucket", "ENV", "wg", "db", s3_prefix="p"),
    ):
        resolved = settings_for(declared, "shop", "/project")
        assert isinstance(resolved, type(declared)) and resolved.type is declared.type
        for field in fields(declared):
            value = getattr(declared, field.name)
            expected = f"/project/{value}" if field.name in declared.paths and value else value
            assert getattr(resolved, field.name) == expected, field.name
        assert (resolved.pipeline, resolved.project_dir) == ("shop", "/project")


@pytest.mark.parametrize(
    "text,expected",
    [("1.5GB", 1_500_000_000), ("800MiB", 800 * 2**20), ("2 gb", 2 * 10**9), ("1GiB", 2**30), ("512kb", 512_000)],
)
def test_a_memory_size_is_read_in_duckdbs_units(text, expected):
    from framework.settings.targets import memory_bytes

    assert memory_bytes(text) == expected


def test_the_duckdb_memory_is_the_targets_else_a_default_below_2_gib(monkeypatch):
    from framework.settings import settings_for
    from framework.settings.targets import DEFAULT_DUCKDB_MEMORY
    from framework.spec.targets import LocalTarget, PostgresTarget, RedshiftTarget

    def declared(**extra):
        return settings_for(LocalTarget("dev", "w.duckdb", "lake", **extra), "shop", "/project")

    assert DEFAULT_DUCKDB_MEMORY < 2 * 2**30
    monkeypatch.setattr("framework.settings.targets.physical_memory", lambda: 16 * 2**30)
    assert declared().duckdb_memory == DEFAULT_DUCKDB_MEMORY
    assert (declared().memory_limit, declared().threads) == (None, None)
    explicit = declared(memory_limit="800MiB", threads=1)
    assert (explicit.duckdb_memory, explicit.threads) == (800 * 2**20, 1)
    assert declared(memory_limit="25%").duckdb_memory == 4 * 2**30  # of this machine's RAM
    for server in (PostgresTarget("pg", "analytics", "lake"), RedshiftTarget("p", "rs", "aws", "b", "E", "wg", "db")):
        assert settings_for(server, "shop", "/project").duckdb_memory == DEFAULT_DUCKDB_MEMORY  # ingest's DuckDB
    monkeypatch.setattr("framework.settings.targets.physical_memory", lambda: 1 * 2**30)
    assert declared().duckdb_memory == int(0.8 * 2**30)  # a small machine: DuckDB's own 80 % of RAM


def olist_with(tmp_path, line: str) -> tuple[Path, str]:
    """A copy of the Olist pipeline.yml with `line` added to its local target: (folder, text)."""
    text = (OLIST / "pipeline.yml").read_text().replace("    lake: lake\n", "    lake: lake\n" + line, 1)
    pipeline = tmp_path / "pipelines" / "olist"
    pipeline.mkdir(parents=True)
    (pipeline / "pipeline.yml").write_text(text)
    return pipeline, text


def test_the_memory_limit_pipeline_yml_states_is_resolved(tmp_path):
    pipeline, _ = olist_with(tmp_path, "    memory_limit: 1GB\n")
    local = resolve_target(str(pipeline))
    assert isinstance(local, LocalSettings) and local.duckdb_memory == 10**9


@pytest.mark.parametrize(
    "line,message",
    [
        ("    memory_limit: lots\n", "'lots' is not a memory size such as 1.5GB or 800MiB"),
        ("    memory_limit: 150%\n", "'150%' is not a memory size"),
        ("    threads: 0\n", "targets.local.threads: expected a number >= 1"),
    ],
)
def test_a_bad_duckdb_setting_is_a_positioned_error(tmp_path, line, message):
    pipeline, text = olist_with(tmp_path, line)
    with pytest.raises(SettingsError) as raised:
        resolve_target(str(pipeline))
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "E105" and message in diagnostic.format(), diagnostic.format()
    assert diagnostic.line == text.splitlines().index(line.rstrip("\n")) + 1


def test_the_memory_pattern_is_the_schemas():
    """The typed target refuses what the schema refuses (so resolving falls back to its message)."""
    import json

    from framework.spec.targets import MEMORY_PATTERN

    schema = json.loads((REPO / "framework" / "spec" / "schemas" / "pipeline.v1.json").read_text())
    assert schema["$defs"]["local_target"]["properties"]["memory_limit"]["pattern"] == MEMORY_PATTERN
