"""`elt` — lint, inspect and (in later versions) compile and run YAML-defined pipelines.

Exit codes: 0 clean, 1 findings at error severity, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from framework import __version__

    parser = argparse.ArgumentParser(prog="elt", description="Declarative YAML-driven ELT: lint specs, print schemas.")
    parser.add_argument("--version", action="version", version=f"elt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lint = sub.add_parser("lint", help="check pipeline specs and print every finding",
                          description="Check every spec of the pipelines at or below PATH (or the pipeline "
                                      "holding a spec file) and print compiler-style diagnostics.")
    lint.add_argument("paths", nargs="*", default=["pipelines"], metavar="PATH",
                      help="pipeline folders, folders of pipelines, or spec files (default: pipelines)")
    lint.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                      help="output format (markdown only with --list-rules)")
    lint.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    lint.add_argument("--summary", action="store_true", help="also summarize each pipeline after a clean lint")
    lint.add_argument("--list-rules", action="store_true", help="print the rule codes and exit")
    lint.set_defaults(handler=_cmd_lint)

    schema = sub.add_parser("schema", help="print the JSON Schema of a spec kind",
                            description="Print the JSON Schema (Draft 2020-12) of a spec kind, for editors: "
                                        "`# yaml-language-server: $schema=<file>`.")
    schema.add_argument("kind", choices=("pipeline", "source", "model"))
    schema.set_defaults(handler=_cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:  # `elt lint | head`
        return EXIT_OK
    except Exception as err:  # an internal error must still end with a message and exit code 2
        print(f"elt: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_USAGE


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


def _tally(result, diagnostics) -> str:
    files = sum(len(p.specs) + (1 if p.pipeline else 0) for p in result.projects)
    errors = sum(d.severity.value == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return (f"{len(result.projects)} pipeline(s), {files} spec(s) checked: "
            f"{errors} error(s), {warnings} warning(s)")


def _list_rules(fmt: str) -> int:
    from framework.lint.catalog import RULES, rules_markdown

    if fmt == "markdown":
        sys.stdout.write(rules_markdown())
    elif fmt == "json":
        import json

        print(json.dumps([{"code": r.code, "severity": r.severity, "title": r.title, "explanation": r.explanation}
                          for r in RULES], indent=2))
    else:
        for rule in RULES:
            print(f"{rule.code}  {rule.severity:<7}  {rule.title}: {rule.explanation}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
