"""`elt ingest` and `elt run` as commands: exit codes, JSON for machines, messages for people."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.support.workspace import Workspace
from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases


def test_ingest_and_run_commands_report_json(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD, "x;bad;gold;Rome;2024-01-01 10:00:00"])
    purchases(folder)
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(spec.read_text() + "max_reject_fraction: 0.5\n")
    ingest = workspace.cli(
        "ingest",
        str(workspace.pipeline),
        "--from",
        str(folder),
        "--lake",
        str(workspace.lake),
        "--batch-date",
        "2024-01-01",
        "--format",
        "json",
    )
    assert ingest.returncode == 0, ingest.stderr
    files = {f["source"]: f for f in json.loads(ingest.stdout)["files"]}
    assert files["members"]["rows"] == 3 and files["members"]["rejected"] == 1
    assert files["members"]["rejects"][0]["line"] == 5
    run = workspace.cli(
        "run",
        str(workspace.pipeline),
        "--warehouse",
        str(workspace.warehouse),
        "--lake",
        str(workspace.lake),
        "--format",
        "json",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    steps = {s["step"]: s for s in report["steps"]}
    assert report["ok"] and steps["load:members"]["rows_rejected"] == 1
    assert steps["build:dim_member"]["status"] == "ok" and steps["check:fact_purchase"]["status"] in ("ok", "warned")


def run_a_negative_purchase(workspace: Workspace, tmp_path):
    """`elt run` over a delivery whose one purchase fails fact_purchase's error check (amount > 0)."""
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(
        folder, rows=[{"purchase_id": "p1", "member_id": 1, "amount": "-5.00", "purchased_at": "2024-01-02 09:00:00"}]
    )
    assert not workspace.ingest(folder, "2024-01-01").failed
    run = workspace.cli(
        "run", str(workspace.pipeline), "--warehouse", str(workspace.warehouse), "--lake", str(workspace.lake)
    )
    return run


def test_a_failing_error_check_exits_one_and_shows_failing_rows(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    run = run_a_negative_purchase(workspace, tmp_path)
    assert run.returncode == 1
    assert "error expression(positive_amount): 1 row(s)" in run.stdout
    assert "purchase_id=p1" in run.stdout and "amount=-5.00" in run.stdout
    assert "FAILED" in run.stdout


def test_a_build_refused_by_its_checks_counts_as_failed_in_the_checks_tally(tmp_path):
    """Adversarial round 13 (summary_counts_failed_check_as_clean): a build its error-severity
    check refused was left out of the tally, and its check step — run on the rows published
    before, which pass — made the model count as clean ("0 failed")."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    spec = workspace.pipeline / "models" / "fact_purchase.yml"
    spec.write_text(spec.read_text().replace("  - {type: min_row_count, min: 1}\n", ""))
    run = run_a_negative_purchase(workspace, tmp_path)
    text = " ".join(run.stdout.split())
    assert run.returncode == 1 and "not published: expression(positive_amount)" in text, run.stdout
    assert "3 check(s) of the published rows, 0 with failures" in text, run.stdout
    assert "checks: 1 models clean, 0 with warnings, 1 failed" in text, run.stdout


def test_run_with_spec_errors_stops_before_touching_the_warehouse(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    spec = workspace.pipeline / "models" / "dim_member.yml"
    spec.write_text(spec.read_text().replace("tracked: [tier, city]", "tracked: [tier, cty]"))
    run = workspace.cli(
        "run", str(workspace.pipeline), "--warehouse", str(workspace.warehouse), "--lake", str(workspace.lake)
    )
    assert run.returncode == 1 and "E203" in run.stdout and not workspace.warehouse.exists()


def test_run_uses_the_same_warehouse_from_any_working_directory(tmp_path):
    """Relative paths of pipeline.yml resolve against the project folder, not the cwd."""
    import shutil
    import subprocess

    from tests.support.workspace import ELT

    project = tmp_path / "project"
    pipeline = project / "pipelines" / "tiny_shop"
    shutil.copytree(FIXTURES / "tiny_shop", pipeline)
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(folder)
    elsewhere = [tmp_path / "a", project / "pipelines", pipeline / "models"]
    for cwd in elsewhere:
        cwd.mkdir(exist_ok=True)

    def elt(cwd, *args):
        done = subprocess.run([ELT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    elt(elsewhere[0], "ingest", str(pipeline), "--from", str(folder), "--batch-date", "2024-01-01", "--quiet")
    first = json.loads(elt(elsewhere[1], "run", str(pipeline), "--format", "json").stdout)
    again = json.loads(elt(elsewhere[2], "run", "..", "--format", "json").stdout)
    assert first["warehouse"] == again["warehouse"] == str(project / "warehouse" / "tiny.duckdb")
    assert {s["status"] for s in first["steps"] if s["step"].startswith("load:")} == {"ok"}
    assert {s["status"] for s in again["steps"]} <= {"nothing new", "up to date"}
    assert (project / "lake").is_dir()
    assert not any((cwd / "warehouse").exists() or (cwd / "lake").exists() for cwd in elsewhere)


def test_values_from_files_are_printed_as_text_never_as_console_markup(tmp_path):
    """A data value like `[/bogus]` is shown as written (it once crashed the printer after the
    lake was written), and an error line shows no literal markup."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD, "4;d@x;gold;[/bogus];[bold]2024-13-45"])
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(spec.read_text() + "max_reject_fraction: 0.5\n")
    landing(folder, "members_[red]2024-01-02.csv", ["member_id,email,tier,city,updated_at", "5,e@x,gold,Rome,x"])
    purchases(folder, "purchases/p[red]1.parquet")
    ingest = workspace.cli(
        "ingest",
        str(workspace.pipeline),
        "--from",
        str(folder),
        "--lake",
        str(workspace.lake),
        "--batch-date",
        "2024-01-01",
    )
    assert "Traceback" not in ingest.stderr and "MarkupError" not in ingest.stderr + ingest.stdout
    assert ingest.returncode == 1, ingest.stdout + ingest.stderr  # the second members file is refused
    assert "[bold]2024-13-45" in ingest.stdout  # the raw value, as delivered
    assert "members_[red]2024-01-02.csv" in ingest.stdout and "p[red]1.parquet" in ingest.stdout
    assert "[red]error[/red]" not in ingest.stdout and "error" in ingest.stdout


def test_the_run_summary_counts_every_staging_and_model_table(tmp_path):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(folder)
    assert not workspace.ingest(folder, "2024-01-01").failed
    run = workspace.cli_run("--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["tables"] == {
        "dwh.dim_member": 3,
        "dwh.fact_purchase": 1,
        "staging.members": 3,
        "staging.purchases": 1,
    }
    text = workspace.cli_run()
    lines = text.stdout.splitlines()
    assert any("staging.members" in line and line.rstrip(" │").endswith("3") for line in lines), text.stdout
    assert f"warehouse: {workspace.warehouse}" in text.stdout.replace("\n", "")


def test_a_default_target_not_among_the_targets_is_named_at_its_position(tmp_path):
    """Adversarial round 14 (default_target_none): `elt run` said "unknown target 'None'"."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    spec = workspace.pipeline / "pipeline.yml"
    text = spec.read_text()
    default = next(line for line in text.splitlines() if line.startswith("default_target:"))
    spec.write_text(text.replace(default, "default_target: lcoal"))
    run = workspace.cli("run", str(workspace.pipeline))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "pipeline.yml:" in run.stdout and "E212" in run.stdout and "default_target 'lcoal'" in run.stdout
    assert "None" not in run.stdout + run.stderr


def test_a_lake_path_under_a_file_is_a_usage_error(tmp_path):
    """Adversarial round 14 (lake_path_not_a_directory): an internal error, NotADirectoryError."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    (tmp_path / "afile").write_text("not a folder")
    folder = tmp_path / "landing"
    landing(folder, "members_2024-01-01.csv", [HEADER, *GOOD])
    lake = str(tmp_path / "afile" / "lake")
    done = workspace.cli("ingest", str(workspace.pipeline), "--from", str(folder), "--lake", lake)
    assert done.returncode == 2 and "cannot use the path" in done.stderr, done.stdout + done.stderr
    assert "internal error" not in done.stderr


def test_a_warehouse_path_the_os_cannot_make_is_a_usage_error_naming_it(tmp_path):
    """Adversarial round 29: `--warehouse /proc/nope/x.duckdb` ended in an internal error
    (FileNotFoundError); any path the OS refuses is named with its words, exit 2."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    done = workspace.cli("run", str(workspace.pipeline), "--warehouse", "/proc/nope/x.duckdb")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot use the path /proc/nope: No such file or directory" in done.stderr, done.stderr
    assert "internal error" not in done.stderr


def test_a_source_column_in_mixed_case_matches_its_table_as_the_warehouses_fold_it(tmp_path):
    """Adversarial round 32 (pg_mixed_case_source_column): a source column `LaBel` (as its CSV
    header has it) is stored `label` on PostgreSQL and Redshift, which fold unquoted names; the
    table's columns were compared by exact name, so every load after the first was refused as a
    changed table. Names compare as the warehouses compare them; a real rename still shows."""
    import dataclasses

    from framework.run.cache import load_or_compile
    from framework.run.state import RunState

    manifest, _ = load_or_compile(str(FIXTURES / "tiny_shop"), "postgres", str(tmp_path / ".elt"))
    spec = manifest.spec("members")
    mixed = dataclasses.replace(
        spec, columns=tuple(dataclasses.replace(c, name="City") if c.name == "city" else c for c in spec.columns)
    )
    state = RunState(manifest, conn=None, run_id="t")
    state.live = {spec.table: {c.name: c.stored for c in spec.columns}}  # as PostgreSQL lists them: folded
    assert not state.drift(mixed)
    renamed = dataclasses.replace(
        spec, columns=tuple(dataclasses.replace(c, name="town") if c.name == "city" else c for c in spec.columns)
    )
    drift = state.drift(renamed)
    assert drift.missing == ("town",) and drift.extra == ("city",), drift
