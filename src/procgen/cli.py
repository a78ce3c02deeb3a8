"""The ``procgen`` command line.

procgen check [PATH...] [--strict] [--format json]   load and lint specs
procgen schema [--output FILE] [--reference]         the spec language's JSON Schema
procgen graph CODE [--dot] [--definitions DIR]       a procedure's workflow diagram
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from procgen.spec.diagnostics import Diagnostic, Severity
from procgen.spec.lint import lint_spec
from procgen.spec.loader import LoadedSpec, load_sources
from procgen.spec.metaschema import metaschema_json
from procgen.spec.reference import render_reference

__all__ = ["app", "main"]

app = typer.Typer(
    name="procgen",
    help="Public-service procedures as typed specs: check them, inspect them, serve them.",
    no_args_is_help=True,
    add_completion=False,
)

#: Where ``procgen`` looks for specs when no path is given.
DEFAULT_DEFINITIONS = Path("definitions")


class OutputFormat(StrEnum):
    """How ``procgen check`` prints its findings."""

    TEXT = "text"
    JSON = "json"


def _check_all(paths: list[Path]) -> list[tuple[LoadedSpec, list[Diagnostic]]]:
    results = []
    for loaded in load_sources(paths):
        findings = list(loaded.diagnostics)
        if loaded.spec is not None:
            findings.extend(lint_spec(loaded.spec, loaded.source))
        findings.sort()
        results.append((loaded, findings))
    return results


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Spec files or folders (default: ./definitions)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text for people, json for tools.")
    ] = OutputFormat.TEXT,
) -> None:
    """Load and lint procedure specs; exit 1 if any has errors (or warnings with --strict)."""
    targets = paths or [DEFAULT_DEFINITIONS]
    results = _check_all(targets)
    findings = [d for _, found in results for d in found]
    errors = sum(d.severity is Severity.ERROR for d in findings)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    if output is OutputFormat.JSON:
        report = {
            "ok": not failed,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.to_dict() for d in findings],
            "procedures": [
                {
                    "file": loaded.file,
                    "code": loaded.spec.code if loaded.spec else None,
                    "version": loaded.spec.version if loaded.spec else None,
                }
                for loaded, _ in results
            ],
        }
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        raise typer.Exit(1 if failed else 0)
    console = Console(highlight=False, soft_wrap=True)
    for finding in findings:
        style = "red" if finding.severity is Severity.ERROR else "yellow"
        console.print(finding.format(), style=style, markup=False)
    if not results:
        console.print(f"No spec files found in {', '.join(map(str, targets))}.", style="yellow")
        raise typer.Exit(1)
    table = Table(title="Procedures checked")
    table.add_column("code", no_wrap=True, min_width=12)
    for column in ("ver", "cases", "fields", "steps", "errors", "warn"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    table.add_column("file", overflow="ellipsis", no_wrap=True, max_width=28)
    for loaded, found in results:
        spec = loaded.spec
        e = sum(d.severity is Severity.ERROR for d in found)
        cases = spec.effective_cases() if spec else ()
        counts = (
            [
                str(spec.version),
                str(len(cases)),
                str(sum(1 for _ in spec.walk_fields())),
                str(len({s.id for c in cases for s in c.steps})),
            ]
            if spec
            else ["-"] * 4
        )
        table.add_row(
            spec.code if spec else "-",
            *counts,
            f"[red]{e}[/red]" if e else "0",
            str(len(found) - e),
            Path(loaded.file).name,
        )
    console.print(table)
    verdict = "[red]failed[/red]" if failed else "[green]ok[/green]"
    console.print(f"{len(results)} file(s): {errors} error(s), {warnings} warning(s): {verdict}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    reference: Annotated[
        bool, typer.Option("--reference", help="Print the Markdown spec reference instead.")
    ] = False,
) -> None:
    """Print the JSON Schema (2020-12) of the spec language, for editors and tools."""
    text = render_reference() if reference else metaschema_json()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


@app.command()
def graph(
    code: Annotated[str, typer.Argument(help="The procedure's code.")],
    definitions: Annotated[
        Path, typer.Option("--definitions", "-d", help="Where the specs are.")
    ] = DEFAULT_DEFINITIONS,
    dot: Annotated[bool, typer.Option("--dot", help="Graphviz DOT instead of Mermaid.")] = False,
    case: Annotated[
        str | None, typer.Option("--case", help="Which case (default: every case).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
) -> None:
    """Print a procedure's workflow as a Mermaid state diagram (or Graphviz DOT)."""
    from procgen.workflow.graph import to_dot, to_mermaid

    found = [r.spec for r in load_sources([definitions]) if r.spec is not None]
    matches = [s for s in found if s.code == code]
    if not matches:
        known = ", ".join(sorted({s.code for s in found})) or "none"
        typer.echo(f"no procedure {code!r} in {definitions} (known: {known})", err=True)
        raise typer.Exit(2)
    spec = max(matches, key=lambda s: s.version)
    cases = [c for c in spec.effective_cases() if case is None or c.id == case]
    if not cases:
        known = ", ".join(c.id for c in spec.effective_cases())
        typer.echo(f"no case {case!r} in {code} (cases: {known})", err=True)
        raise typer.Exit(2)
    render = to_dot if dot else to_mermaid
    text = "\n".join(render(c) for c in cases)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}")


def main() -> None:
    """Entry point of the ``procgen`` console script."""
    app()
