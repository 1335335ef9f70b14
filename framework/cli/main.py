"""`elt` — lint, compile, plan, ingest and run YAML-defined pipelines, check their sources'
freshness, and print the spec schemas.

Exit codes: 0 clean, 1 findings at error severity, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from framework import __version__

    parser = argparse.ArgumentParser(
        prog="elt",
        description="Declarative YAML-driven ELT: lint specs, compile them to warehouse SQL, show what a change needs.",
    )
    parser.add_argument("--version", action="version", version=f"elt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lint = sub.add_parser(
        "lint",
        help="check pipeline specs and print every finding",
        description="Check every spec of the pipelines at or below PATH (or the pipeline "
        "holding a spec file) and print compiler-style diagnostics.",
    )
    lint.add_argument(
        "paths",
        nargs="*",
        default=["pipelines"],
        metavar="PATH",
        help="pipeline folders, folders of pipelines, or spec files (default: pipelines)",
    )
    lint.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="output format (markdown only with --list-rules)",
    )
    lint.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    lint.add_argument("--summary", action="store_true", help="also summarize each pipeline after a clean lint")
    lint.add_argument("--list-rules", action="store_true", help="print the rule codes and exit")
    lint.set_defaults(handler=_cmd_lint)

    for name, text in (
        ("compile", "compile a pipeline to SQL files and manifest.json for a target"),
        ("plan", "show what a change needs: rebuilds, metadata-only changes, table changes"),
    ):
        command = sub.add_parser(
            name, help=text, description=text[0].upper() + text[1:] + ". Lints first; any error stops here."
        )
        command.add_argument("pipeline", metavar="PIPELINE", help="the pipeline folder (holds pipeline.yml)")
        command.add_argument(
            "--target",
            default=None,
            help="redshift, duckdb, or a target named in pipeline.yml (default: its default_target)",
        )
        command.add_argument(
            "--compare",
            metavar="OLD_MANIFEST",
            help="a previous manifest.json: list what changed since" + ("" if name == "compile" else " (required)"),
            required=name == "plan",
        )
        command.add_argument("--format", choices=("text", "json"), default="text")
        _add_selection(command, "compile and list" if name == "compile" else "list the changes of")
        if name == "compile":
            command.add_argument("--out", metavar="DIR", help="where to write (default: out/<pipeline>/<target>)")
        command.set_defaults(handler=_cmd_compile, write=name == "compile")

    ingest = sub.add_parser(
        "ingest",
        help="turn landing files into typed Parquet batches in the lake",
        description="Read each source's landing files (CSV as delivered, gzip or not; Parquet), "
        "check and type every value, and write Parquet to "
        "lake/<pipeline>/<source>/batch_date=YYYY-MM-DD/. Rows that cannot load go "
        "to a rejects file with file, line, column, raw text and reason; `elt run` loads "
        "them into elt.rejects with their batch.",
    )
    ingest.add_argument("pipeline", metavar="PIPELINE")
    ingest.add_argument(
        "--from",
        dest="source_dir",
        metavar="LANDING_DIR",
        help="folder of landing files (default: the target's landing folder; on a redshift "
        "target, its landing_prefix in the S3 bucket)",
    )
    ingest.add_argument("--batch-date", metavar="YYYY-MM-DD", type=_iso_date, help="default: today")
    ingest.add_argument("--target", help="a target of pipeline.yml (default: its default_target)")
    ingest.add_argument("--lake", help="override the target's lake folder")
    ingest.add_argument("--format", choices=("text", "json"), default="text")
    ingest.add_argument("--quiet", action="store_true")
    ingest.set_defaults(handler=_cmd_ingest)

    run = sub.add_parser(
        "run",
        help="run the pipeline on a target of pipeline.yml (DuckDB, PostgreSQL or Redshift)",
        description="Detect lake files not yet loaded, load them into staging exactly once, build "
        "models in dependency order and run their checks. Exit 1 when a step or an "
        "error-severity check fails.",
    )
    run.add_argument("pipeline", metavar="PIPELINE")
    run.add_argument(
        "--target", help="a target of pipeline.yml: local (DuckDB), postgres or redshift (default: its default_target)"
    )
    run.add_argument("--warehouse", help="override the local target's DuckDB file (relative to the working directory)")
    run.add_argument("--lake", help="override the target's lake folder (relative to the working directory)")
    run.add_argument(
        "--batch-date",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        help="the batch time: SCD2 `invalidate` closes keys absent from the batch at it; "
        "default: the latest batch in the lake the run may load (now when there is none)",
    )
    run.add_argument(
        "--full",
        action="store_true",
        help="reload the selected sources from the lake and rebuild the selected models whole",
    )
    run.add_argument(
        "--full-checks",
        action="store_true",
        help="audit every selected model's whole table: a build restricted to the keys a batch touched, "
        "and a model that is up to date, on its published rows",
    )
    _wait_argument(run, "the dashboard's short reads, another run")
    run.add_argument(
        "--allow-partial",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        action="append",
        default=[],
        help="load this incomplete batch as it is (a file of it was refused at ingest); the run log says so",
    )
    run.add_argument("--format", choices=("text", "json"), default="text")
    run.add_argument("--quiet", action="store_true")
    _add_selection(run, "load and build")
    run.set_defaults(handler=_cmd_run)

    freshness = sub.add_parser(
        "freshness",
        help="check each source's last load against its freshness thresholds",
        description="For each source, the time since its latest file was loaded (elt.file_ledger.loaded_at, "
        "UTC) against its spec's freshness: {warn_after, error_after}. Exit 1 when a source is past "
        "error_after (or was never loaded and has one); warnings exit 0. Reads only.",
    )
    freshness.add_argument("pipeline", metavar="PIPELINE")
    freshness.add_argument("--target", help="a target of pipeline.yml (default: its default_target)")
    freshness.add_argument("--warehouse", help="override the local target's DuckDB file")
    freshness.add_argument("--format", choices=("text", "json"), default="text")
    _wait_argument(freshness, "a run writing it")
    freshness.set_defaults(handler=_cmd_freshness)

    bootstrap = sub.add_parser(
        "bootstrap",
        help="print the SQL an admin runs once on a new warehouse: roles, schemas, privileges",
        description="Print the SQL to run once, as an admin, before the pipeline's first run on a "
        "PostgreSQL or Redshift target: a writer role that may create the schemas and build, alter "
        "and drop every table whichever writer made it, a reader role for the published layers, "
        "and the database users given as members. Nothing is executed.",
    )
    bootstrap.add_argument("pipeline", metavar="PIPELINE")
    bootstrap.add_argument(
        "--target", help="a postgres or redshift target of pipeline.yml (default: its default_target)"
    )
    bootstrap.add_argument(
        "--writer",
        action="append",
        default=[],
        metavar="USER",
        help="a database user that runs the pipeline (Redshift Serverless: IAMR:<role> or IAM:<user>); repeatable",
    )
    bootstrap.add_argument(
        "--reader", action="append", default=[], metavar="USER", help="a database user that reads it"
    )
    bootstrap.set_defaults(handler=_cmd_bootstrap)

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of a spec kind",
        description="Print the JSON Schema (Draft 2020-12) of a spec kind, for editors: "
        "`# yaml-language-server: $schema=<file>`.",
    )
    schema.add_argument("kind", choices=("pipeline", "source", "model"))
    schema.set_defaults(handler=_cmd_schema)
    return parser


SELECT_HELP = (
    "only {verb} these: name (a model or source), +name (and everything upstream), name+ (and "
    "everything downstream), +name+, tag:x, source:x, layer:staging|dimension|fact|mart; several, "
    "space- or comma-separated, are a union"
)


def _add_selection(command: argparse.ArgumentParser, verb: str) -> None:
    command.add_argument(
        "-s", "--select", nargs="+", action="extend", default=[], metavar="SELECTOR", help=SELECT_HELP.format(verb=verb)
    )
    command.add_argument(
        "--exclude", nargs="+", action="extend", default=[], metavar="SELECTOR", help="leave these out (same grammar)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SystemExit as done:  # handlers end early with an exit code
        return int(done.code or 0)
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:  # `elt lint | head`
        return EXIT_OK
    except Exception as err:  # an internal error must still end with a message and exit code 2
        from framework.errors import is_interrupt

        if is_interrupt(err):  # Ctrl-C inside a DuckDB query of ingest's own
            return _interrupted()
        if isinstance(err, PermissionError):  # the lake, the warehouse folder: the OS's words name the path
            print(f"elt: permission denied: {err.filename or err}: {err.strerror}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(err, OSError) and err.filename:  # a --lake/--warehouse misfit, a full or read-only disk
            print(f"elt: cannot use the path {err.filename}: {err.strerror}", file=sys.stderr)
            return EXIT_USAGE
        print(f"elt: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_USAGE


def _interrupted() -> int:
    print("elt: interrupted; committed work is kept, the step in progress was rolled back", file=sys.stderr)
    return 130


def _wait_argument(parser, holders: str) -> None:
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=float,
        default=10.0,
        help=f"how long to wait for a DuckDB warehouse another process has open ({holders}) before giving "
        "up (default: 10)",
    )


def _iso_date(text: str) -> str:
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def _cmd_ingest(args) -> int:
    from framework.cli.run_cmd import cmd_ingest

    return cmd_ingest(args)


def _cmd_run(args) -> int:
    from framework.cli.run_cmd import cmd_run

    return cmd_run(args)


def _cmd_freshness(args) -> int:
    from framework.cli.run_cmd import cmd_freshness

    return cmd_freshness(args)


def _cmd_bootstrap(args) -> int:
    from framework.cli.run_cmd import cmd_bootstrap

    return cmd_bootstrap(args)


def _cmd_schema(args) -> int:
    from framework.spec.validate import schema_text

    sys.stdout.write(schema_text(args.kind))
    return EXIT_OK


def _cmd_lint(args) -> int:
    from framework.diagnostics import format_json, format_text, has_errors
    from framework.lint import lint_paths

    if args.list_rules:
        return _list_rules(args.format)
    if args.format == "markdown":
        print("elt lint: --format markdown is only for --list-rules", file=sys.stderr)
        return EXIT_USAGE
    result, missing = lint_paths(args.paths)
    for path in missing:
        print(f"elt lint: no pipeline at or above '{path}' (a pipeline folder holds pipeline.yml)", file=sys.stderr)
    if missing:
        return EXIT_USAGE
    diagnostics = result.diagnostics
    failed = has_errors(diagnostics) or (args.strict and bool(diagnostics))
    if args.format == "json":
        print(format_json(diagnostics, pipelines=[p.root for p in result.projects]))
    else:
        if diagnostics:
            print(format_text(diagnostics))
        print(_tally(result, diagnostics), file=sys.stderr if diagnostics else sys.stdout)
        if args.summary and not failed:
            from framework.cli.summary import summarize

            for project in result.projects:
                print(summarize(project))
    return EXIT_FINDINGS if failed else EXIT_OK


def _cmd_compile(args) -> int:
    import json
    import os

    from framework.cli.run_cmd import selection_request
    from framework.compile import compile_project
    from framework.compile.targets import UnknownTarget
    from framework.diagnostics import format_text, has_errors
    from framework.errors import SpecError
    from framework.lint import lint_paths

    request = selection_request(args)
    result, missing = lint_paths([args.pipeline])
    if missing or len(result.projects) != 1:
        print(
            f"elt {args.command}: '{args.pipeline}' is not one pipeline folder (it must hold pipeline.yml)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if has_errors(result.diagnostics):
        print(format_text(result.diagnostics))
        print(f"elt {args.command}: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    project = result.projects[0]
    try:
        manifest = compile_project(project, args.target)
    except UnknownTarget as err:
        print(f"elt {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SpecError as err:  # compile's own guards: what lint should have caught, never a traceback
        print(format_text(list(err.diagnostics)) if err.diagnostics else str(err))
        print(f"elt {args.command}: fix the errors above first", file=sys.stderr)
        return EXIT_FINDINGS
    selection = None
    if request is not None:
        from framework.compile.selection import SelectionError

        try:
            selection = request.resolve(manifest)
        except SelectionError as err:
            print(f"elt {args.command}: {err}", file=sys.stderr)
            return EXIT_USAGE
        manifest = selection.restrict(manifest)
    report = None
    if args.compare:
        report = _compare(args.compare, manifest)
        if report is None:
            return EXIT_USAGE
        if selection is not None:
            from framework.compile.changes import ChangeReport

            report = ChangeReport(tuple(c for c in report.changes if c.name in selection))
    pipeline = project.pipeline
    assert pipeline is not None, "a project without errors has its pipeline spec (E213)"
    payload = {"pipeline": pipeline.name, "target": manifest.target, "steps": len(manifest.steps)}
    if selection is not None:
        payload["selected"] = list(selection.names)
    if args.write:
        out = args.out or os.path.join("out", pipeline.name, manifest.target)
        from framework.compile.output import write_outputs

        written = write_outputs(manifest, out)
        payload.update(out=out, files=len(written))
    if args.format == "json":
        if report is not None:
            payload["changes"] = report.to_dict()["changes"]
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    if selection is not None:
        print(selection.describe(manifest))
    if args.write:
        print(
            f"compiled {payload['pipeline']} for {payload['target']}: {payload['steps']} steps, "
            f"{payload['files']} files in {payload['out']}"
        )
    if report is not None:
        from framework.compile.changes import format_report

        print(format_report(report))
    return EXIT_OK


def _compare(path: str, manifest):
    from framework.compile.changes import compare
    from framework.compile.manifest import Manifest
    from framework.errors import CompileError

    try:
        with open(path, encoding="utf-8") as handle:
            old = Manifest.from_json(handle.read())
    except (OSError, ValueError, KeyError, TypeError, AttributeError, CompileError) as err:
        print(f"elt: cannot read the manifest to compare with, {path}: {err}", file=sys.stderr)
        return None
    if old.target != manifest.target:
        print(f"elt: {path} was compiled for {old.target}, not {manifest.target}", file=sys.stderr)
        return None
    return compare(old, manifest, _alter_renderer(manifest.target))


def _alter_renderer(dialect_name: str):
    def render(spec_info, column_info) -> str:
        from framework.compile.builders.ddl import add_column
        from framework.compile.render import render_statement
        from framework.spec.model import Column
        from framework.spec.types import parse_type
        from framework.sql.dialects import get_dialect
        from framework.sql.expr import table

        dialect = get_dialect(dialect_name)
        schema, _, name = spec_info.table.partition(".")
        column = Column(column_info.name, column_info.type, parse_type(column_info.type), column_info.nullable)
        return " ".join(render_statement(dialect, add_column(table(name, schema), column, dialect)).split()) + ";"

    return render


def _tally(result, diagnostics) -> str:
    files = sum(len(p.specs) + (1 if p.pipeline else 0) + len(p.unbuilt) for p in result.projects)  # unbuilt: broken
    errors = sum(d.severity.value == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{len(result.projects)} pipeline(s), {files} file(s) checked (pipeline.yml and specs): {errors} error(s), {warnings} warning(s)"


def _list_rules(fmt: str) -> int:
    from framework.lint.catalog import RULES, rules_markdown

    if fmt == "markdown":
        sys.stdout.write(rules_markdown())
    elif fmt == "json":
        import json

        print(
            json.dumps(
                [
                    {"code": r.code, "severity": r.severity, "title": r.title, "explanation": r.explanation}
                    for r in RULES
                ],
                indent=2,
            )
        )
    else:
        for rule in RULES:
            print(f"{rule.code}  {rule.severity:<7}  {rule.title}: {rule.explanation}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
