"""`elt ingest` and `elt run`: the CLI shells, their terminal display and JSON output."""

from __future__ import annotations

import datetime
import json
import os
import sys

from framework.compile.manifest import StepKind
from framework.run.outcome import StepStatus

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def target_settings(root: str, target_name: str | None, *, database: str | None = None, lake: str | None = None):
    """The chosen target of pipeline.yml resolved (framework.settings), with the command line's
    overrides; a problem is printed and ends the command (exit 1 for findings, 2 for usage)."""
    from framework.settings import SettingsError, resolve_target

    try:
        settings = resolve_target(root, target_name)
    except SettingsError as err:
        if err.diagnostics:
            from framework.diagnostics import format_text

            print(format_text(list(err.diagnostics)))
            raise SystemExit(EXIT_FINDINGS) from None
        raise SystemExit(_usage(str(err))) from None
    if lake and "://" in lake:  # it would be a local folder named `s3:` (adversarial round 55)
        raise SystemExit(
            _usage(
                f"--lake {lake}: --lake takes a folder; an S3 lake is a redshift target's "
                "(its lake bucket and prefix in pipeline.yml: choose it with --target)"
            )
        )
    return settings.with_paths(database=database, lake=lake)


def _usage(message: str) -> int:
    print(f"elt: {message}", file=sys.stderr)
    return EXIT_USAGE


def selection_request(args):
    """The parsed --select/--exclude (None: the whole pipeline); a malformed one ends the command (2)."""
    from framework.compile.selection import SelectionError, SelectionRequest

    try:
        return SelectionRequest.parse(args.select, args.exclude)
    except SelectionError as err:
        print(f"elt {args.command}: {err}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def cmd_ingest(args) -> int:
    from framework.lake import LakeError
    from framework.run.spec_cache import load_project_trusting
    from framework.settings import RedshiftSettings

    target = target_settings(args.pipeline, args.target, lake=args.lake)
    batch_date = args.batch_date or datetime.date.today().isoformat()
    # the target's landing folder, of this batch's date when it is filed per day (`{batch_date}`)
    landing = None if isinstance(target, RedshiftSettings) or not target.landing else target.landing_for(batch_date)
    source_dir = args.source_dir or landing
    if source_dir is None and not isinstance(target, RedshiftSettings):
        return _usage(f"no landing folder: pass --from or set `landing` on target '{target.name}'")
    if source_dir is not None and not os.path.isdir(source_dir):
        return _usage(f"landing folder '{source_dir}' does not exist")
    project, problems = load_project_trusting(args.pipeline, target.cache_dir)
    if any(p.severity.value == "error" for p in problems):
        from framework.diagnostics import format_text

        print(format_text(problems))
        return EXIT_FINDINGS
    try:
        report, source_dir = _ingest(project, target, source_dir, batch_date)
    except LakeError as err:
        return _usage(str(err))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "batch_date": batch_date,
                    "files": [
                        {
                            "source": f.source,
                            "landing": f.landing_path,
                            "lake": f.lake_path,
                            "rows": f.rows,
                            "rejected": len(f.rejects),
                            "error": f.error or None,
                            "skipped": f.skipped or None,
                            "notes": f.notes,
                            "rejects": [vars(r) for r in f.rejects[:20]],
                        }
                        for f in report.files
                    ],
                    "unmatched": report.unmatched,
                },
                indent=2,
            )
        )
    elif not args.quiet:
        _print_ingest(report, batch_date, source_dir)
    if not report.files:
        print(f"elt ingest: no landing file in '{source_dir}' matches any source's landing path", file=sys.stderr)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _ingest(project, target, source_dir: str | None, batch_date: str):
    """(report, where the landing files came from): a folder, or the redshift target's S3 landing prefix."""
    from framework.ingest import ingest_pipeline
    from framework.run.warehouses import lake_for
    from framework.settings import RedshiftSettings

    lake = lake_for(target)
    if source_dir is None:
        from framework.ingest.s3_landing import ingest_from_s3
        from framework.lake.s3 import S3Lake

        assert isinstance(lake, S3Lake), "S3 landing is a redshift target's, whose lake is S3 (lake_for)"
        bucket, prefix = target.landing_location_for(batch_date)
        dated = target.landing_dated_part(batch_date)
        report = ingest_from_s3(
            project, lake, bucket, prefix, batch_date, memory_limit=target.duckdb_memory, dated=dated
        )
        return report, f"s3://{bucket}/{prefix}"
    # the target's own landing folder, filed per day: its files are told apart by their day
    own = not isinstance(target, RedshiftSettings) and source_dir == target.landing_for(batch_date)
    dated = target.landing_dated_part(batch_date) if own else ""
    report = ingest_pipeline(project, source_dir, lake, batch_date, memory_limit=target.duckdb_memory, dated=dated)
    return report, source_dir


def _print_ingest(report, batch_date: str, landing: str) -> None:
    from rich.table import Table

    def shown(path: str) -> str:  # its path below the landing folder (or prefix): sub-folders told apart
        root = landing.rstrip("/") + "/"
        return path[len(root) :] if path.startswith(root) else os.path.basename(path)

    # Every value that comes from a file, a path or the data is escaped: rich reads `[...]` as markup.
    console = _console()
    table = Table(title=f"ingest, batch {_escape(batch_date)}", title_justify="left")
    for column in ("source", "file", "rows", "rejected", "status"):
        table.add_column(column, justify="right" if column in ("rows", "rejected") else "left")
    for f in report.files:
        status = (
            "[red]failed[/red]"
            if f.error
            else "[dim]skipped[/dim]"
            if f.skipped
            else ("[yellow]rejects[/yellow]" if f.rejects else "[green]ok[/green]")
        )
        name = _escape(shown(f.landing_path))
        table.add_row(_escape(f.source), name, f"{f.rows:,}", f"{len(f.rejects):,}", status)
    console.print(table)
    for f in report.files:
        for note in f.notes + ([f"{shown(f.landing_path)}: {f.skipped}"] if f.skipped else []):
            console.print(f"[yellow]note[/yellow] {_escape(note)}")
        for reject in f.rejects[:5]:
            where = f"{f.landing_path}: {reject.place}" if reject.parquet else f"{f.landing_path}:{reject.line}"
            console.print(f"[yellow]rejected[/yellow] {_escape(f'{where}: {reject.reason}')}")
        if len(f.rejects) > 5:
            more = f"  … {len(f.rejects) - 5} more in the rejects file of {os.path.basename(f.lake_path)}"
            console.print(_escape(more))
        if f.error:
            console.print(f"[red]error[/red] {_escape(f.error)}")
    for path in report.unmatched:
        console.print(f"[yellow]note[/yellow] {_escape(path)}: matches no source's landing.path; not ingested")


def cmd_run(args) -> int:
    from framework.errors import CompileError, ConfigError, LakeError, SpecError, WarehouseError, is_transient
    from framework.run.options import LATEST_BATCH
    from framework.run.runner import RunOptions, run_pipeline

    selection = selection_request(args)
    target = target_settings(args.pipeline, args.target, database=args.warehouse, lake=args.lake)
    batch = datetime.datetime.fromisoformat(args.batch_date) if args.batch_date else LATEST_BATCH
    options = RunOptions(
        batch,
        full=args.full,
        allow_partial=frozenset(args.allow_partial),
        full_checks=args.full_checks,
        selection=selection,
        wait_seconds=max(args.wait, 0.0),
    )
    display = None if (args.quiet or args.format == "json") else _StepPrinter()
    try:
        result = run_pipeline(
            args.pipeline, target, options, on_step=display, on_batch=display.batch if display else None
        )
    except SpecError as err:
        from framework.diagnostics import format_text

        print(format_text(list(err.diagnostics)))
        print("elt run: fix the spec errors above first (`elt lint`)", file=sys.stderr)
        return EXIT_FINDINGS
    except WarehouseError as err:  # a warehouse that won't open: say whether it may pass
        return _usage(f"{err} (transient: try again later)" if is_transient(err) else str(err))
    except (ConfigError, LakeError, CompileError) as err:  # settings, the lake, SQL a target cannot take
        return _usage(str(err))
    if args.format == "json":
        print(json.dumps(_as_json(result), indent=2, default=str))
    elif not args.quiet:
        _print_summary(result)
    return EXIT_OK if result.ok else EXIT_FINDINGS


class _StepPrinter:
    """One line per step as it finishes; failures with their reason and a sample of failing rows."""

    STYLE = {
        StepStatus.OK: "green",
        StepStatus.WARNED: "yellow",
        StepStatus.FAILED: "red",
        StepStatus.SKIPPED: "red",
        StepStatus.UP_TO_DATE: "dim",
        StepStatus.NOTHING_NEW: "dim",
    }

    def __init__(self):
        self.console = _console()

    def batch(self, batch: str, number: int, of: int) -> None:
        """A backlog run batch by batch: a line before each of its runs."""
        what = f"batch {batch} on its own" if batch else "the rest"
        why = " (SCD2 history reads a snapshot source: each snapshot is seen)" if number == 1 else ""
        self.console.print(f"[bold]— run {number} of {of}: {what}{why}[/bold]", soft_wrap=True)

    def __call__(self, outcome) -> None:
        style = self.STYLE.get(outcome.status, "white")
        self.console.print(
            f"[{style}]{outcome.status:>11}[/{style}]  {_escape(outcome.step):<30} {outcome.seconds:5.2f}s  "
            f"{_escape(_figures(outcome))}",
            markup=True,
            soft_wrap=True,
        )
        if outcome.error:
            self.console.print(f"             [red]{_escape(outcome.error)}[/red]", soft_wrap=True)
        for check in outcome.checks:
            colour = "red" if check.severity == "error" else "yellow"
            line = (
                f"             [{colour}]{check.severity}[/{colour}] {_escape(check.name)}: {check.failures:,} row(s)"
            )
            self.console.print(line, soft_wrap=True)
            if check.severity == "error":  # a sample of what failed, to start the investigation
                for row in check.sample[:3]:
                    self.console.print("               " + _escape(_compact_row(check.columns, row)), soft_wrap=True)


def _compact_row(columns: list[str], row: tuple) -> str:
    shown = [f"{c}={v}" for c, v in zip(columns, row)]
    text = ", ".join(shown)
    return text if len(text) <= 160 else text[:157] + "..."


def _console():
    """rich's console; output to a pipe or a log (CI, an Airflow task) is as wide as a line needs
    up to 200 columns, not a terminal's default 80 that cut a table's values short with '…'
    (COLUMNS, where set, still rules)."""

    from rich.console import Console

    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, width=200 if wide else None)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _figures(outcome) -> str:
    parts = []
    for label, value in (
        ("inserted", outcome.rows_inserted),
        ("upserted", outcome.rows_updated),
        ("expired", outcome.rows_expired),
        ("rejected", outcome.rows_rejected),
    ):
        if value:
            parts.append(f"{label} {value:,}")
    return " ".join(parts + ([outcome.detail] if outcome.detail else []))


def _print_summary(result) -> None:
    from rich.table import Table

    console = _console()
    if result.selection:
        console.print(_escape(result.selection))
    table = Table(title=f"run {result.run_id}: {result.pipeline} on {result.target}", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.tables.items():  # counted on the warehouse by the run (every target)
        table.add_row(_escape(name), f"{rows:,}")
    console.print(table)
    by_status: dict[str, int] = {}  # StepStatus → steps
    for outcome in result.outcomes:
        by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
    clean, warned, failed = _check_tally(result.outcomes)
    console.print(
        "steps: "
        + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
        + f"; checks: {clean} models clean, {warned} with warnings, {failed} failed"
    )
    console.print(
        f"{'[green]success[/green]' if result.ok else '[red]FAILED[/red]'} in {result.seconds:.2f}s"
        f"{' (specs compiled)' if result.compiled else ' (cached compile)'}; warehouse: "
        f"{_escape(result.warehouse)}"
    )


def _check_tally(outcomes) -> tuple[int, int, int]:
    """(models whose checks passed, warned, failed) in this run: a build refused by its own
    error-severity checks (write-audit-publish: nothing published) is a model that failed them,
    whatever its check step then says of the rows published before."""
    verdicts: dict[str, StepStatus] = {}  # model → its checks' verdict
    for outcome in outcomes:
        model = outcome.step.split(":", 1)[-1]
        if outcome.kind is StepKind.CHECK:
            verdicts.setdefault(model, outcome.status)
        elif outcome.kind is StepKind.BUILD and any(c.severity == "error" and c.failures for c in outcome.checks):
            verdicts[model] = StepStatus.FAILED
    found = list(verdicts.values())
    return found.count(StepStatus.OK), found.count(StepStatus.WARNED), found.count(StepStatus.FAILED)


def _as_json(result) -> dict:
    from dataclasses import asdict

    return {
        "run_id": result.run_id,
        "pipeline": result.pipeline,
        "target": result.target,
        "ok": result.ok,
        "seconds": round(result.seconds, 3),
        "compiled": result.compiled,
        "warehouse": result.warehouse,
        "selected": list(result.selected) if result.selected is not None else None,
        "tables": result.tables,
        "batches_run_one_by_one": list(result.batches),  # then the rest, in one run
        "steps": [asdict(o) for o in result.outcomes],
    }


def cmd_freshness(args) -> int:
    from framework.errors import ConfigError, SpecError, WarehouseError, is_transient
    from framework.run.cache import manifest_for
    from framework.run.freshness import any_error, check_freshness, utc_now
    from framework.run.warehouses import open_warehouse
    from framework.settings import LocalSettings

    target = target_settings(args.pipeline, args.target, database=args.warehouse)
    now = utc_now()
    try:
        manifest, _ = manifest_for(args.pipeline, target, store=False)  # it only reads: no cache written
        if isinstance(target, LocalSettings) and not os.path.exists(target.database):
            found = check_freshness(manifest, None, now)  # no warehouse file yet: none is made
        else:
            opened = open_warehouse(target, wait_seconds=args.wait, read_only=True)
            try:
                found = check_freshness(manifest, opened.session, now)
            finally:
                opened.close()
    except SpecError as err:
        from framework.diagnostics import format_text

        print(format_text(list(err.diagnostics)))
        print("elt freshness: fix the spec errors above first (`elt lint`)", file=sys.stderr)
        return EXIT_FINDINGS
    except WarehouseError as err:
        return _usage(f"{err} (transient: try again later)" if is_transient(err) else str(err))
    except ConfigError as err:
        return _usage(str(err))
    if args.format == "json":
        print(json.dumps(_freshness_json(manifest.pipeline.name, target.name, now, found), indent=2))
    else:
        _print_freshness(manifest.pipeline.name, target.name, now, found)
    return EXIT_FINDINGS if any_error(found) else EXIT_OK


def _freshness_json(pipeline: str, target: str, now: datetime.datetime, found) -> dict:
    return {
        "pipeline": pipeline,
        "target": target,
        "checked_at": now.isoformat(timespec="seconds") + "Z",
        "sources": [
            {
                "source": f.source,
                "status": f.status.value,
                "loaded_at": f.loaded_at.isoformat(timespec="seconds") + "Z" if f.loaded_at else None,
                "batch_date": f.batch_date.isoformat() if f.batch_date else None,
                "age_seconds": round(f.age.total_seconds()) if f.age is not None else None,
                "warn_after": f.warn_after,
                "error_after": f.error_after,
            }
            for f in found
        ],
    }


def _print_freshness(pipeline: str, target: str, now: datetime.datetime, found) -> None:
    from rich import box
    from rich.table import Table

    from framework.run.freshness import FreshnessStatus

    style = {FreshnessStatus.FRESH: "green", FreshnessStatus.WARN: "yellow", FreshnessStatus.ERROR: "red"}
    console = _console()
    table = Table(
        title=f"freshness of {_escape(pipeline)} on {_escape(target)} at {now:%Y-%m-%d %H:%M} UTC",
        title_justify="left",
        box=box.SIMPLE_HEAD,  # narrow: the table fits 80 columns
        pad_edge=False,
        show_edge=False,
    )
    for column in ("source", "last loaded (UTC)", "batch", "age", "warn", "error", "status"):
        table.add_column(column, justify="right" if column == "age" else "left", no_wrap=True)
    for f in found:
        colour = style.get(f.status, "dim")
        table.add_row(
            _escape(f.source),
            f"{f.loaded_at:%Y-%m-%d %H:%M}" if f.loaded_at else "never",
            f.batch_date.isoformat() if f.batch_date else "",
            _age(f.age) if f.age is not None else "",
            f.warn_after or "",
            f.error_after or "",
            f"[{colour}]{f.status.value}[/{colour}]",
        )
    console.print(table)
    counts = {status: sum(1 for f in found if f.status is status) for status in FreshnessStatus}
    console.print(", ".join(f"{n} {status.value}" for status, n in counts.items() if n))


def _age(age: datetime.timedelta) -> str:
    minutes = max(int(age.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return f"{days}d {hours}h" if days else f"{hours}h {minutes}m" if hours else f"{minutes}m"


def cmd_bootstrap(args) -> int:
    from framework.compile import compile_bootstrap
    from framework.errors import SpecError
    from framework.settings import PostgresSettings, RedshiftSettings
    from framework.spec.project import load_project

    settings = target_settings(args.pipeline, args.target)
    if isinstance(settings, RedshiftSettings):
        database = settings.database
    elif isinstance(settings, PostgresSettings):
        database = settings.dbname
    else:
        print(f"-- target '{settings.name}' is a DuckDB file: no users, no privileges, nothing to bootstrap")
        return EXIT_OK
    project, problems = load_project(args.pipeline)
    if any(p.severity.value == "error" for p in problems):
        raise SpecError(f"{len(problems)} finding(s) in the specs", problems)
    statements = compile_bootstrap(project, settings.type.dialect, database, tuple(args.writer), tuple(args.reader))
    print(
        f"-- {project.pipeline.name if project.pipeline else ''} on target '{settings.name}' ({settings.type.dialect}, "
        f"database {database}): run once as an admin, before the first `elt run`."
    )
    if not args.writer:
        print("-- no --writer given: grant elt_writer to the users that run the pipeline")
    for purpose, sql in statements:
        print(f"-- {purpose}\n{sql};")
    return EXIT_OK
