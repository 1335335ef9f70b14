"""Shared fixtures: copies of fixture pipelines to break, and a lint runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
OLIST = REPO / "pipelines" / "olist"
SHARED_OLIST = REPO.parent / "shared" / "data" / "olist"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden from the current output (review the diff)",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of the tiny non-Olist pipeline."""
    root = tmp_path / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", root)
    return root


def lint(root: Path):
    from framework.lint import lint_project_folder

    cwd = os.getcwd()
    os.chdir(root)  # diagnostics then carry short, stable relative paths
    try:
        _, found = lint_project_folder(".")
    finally:
        os.chdir(cwd)
    return sorted(found, key=lambda d: d.sort_key())


def shared_olist_or_skip() -> Path:
    """The shared real data: present in CI (where its absence is a failure), maybe not on a user's machine."""
    if SHARED_OLIST.is_dir():
        return SHARED_OLIST
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the shared Olist data is missing at {SHARED_OLIST}")
    pytest.skip("shared Olist data not on this machine")


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL 15 server for the whole session (tests/support/postgres.py). Missing
    binaries fail in CI and skip elsewhere."""
    from tests.support import postgres as pg

    try:
        running = pg.start()
    except pg.PostgresUnavailable as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL cannot start: {err}")
        pytest.skip(str(err))
    yield running
    pg.stop(running)


# Markers by folder: tests/integration/<area>/ → `integration` and `<area>`; `make test-fast`
# runs `-m "not integration"` (unit tests: no server, no Airflow, no browser, under a minute).
INTEGRATION_AREAS = {"airflow", "dashboard", "postgres", "run", "s3", "terraform", "workflow"}


def pytest_collection_modifyitems(config, items):
    integration = REPO / "tests" / "integration"
    for item in items:
        path = Path(str(item.fspath))
        if integration in path.parents:
            area = path.relative_to(integration).parts[0]
            item.add_marker(pytest.mark.integration)
            if area in INTEGRATION_AREAS:
                item.add_marker(getattr(pytest.mark, area))
