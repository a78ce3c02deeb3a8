"""The ``procgen`` command line.

procgen check [PATH...] [--strict] [--format json]   load and lint specs
procgen schema [--output FILE] [--reference]         the spec language's JSON Schema
procgen graph CODE [--dot] [--definitions DIR]       a procedure's workflow diagram
procgen scenarios CODE [--lang vi|en] [--today DD/MM/YYYY] [-o FILE]
                                                     a .feature taking every action
procgen serve [DEFINITIONS] [--db URL] [--host] [--port] [--reload]   run the service
procgen db upgrade [--db URL]                        create or upgrade the database schema
procgen users add NAME --role R [--password-stdin]   a user of the development backend
procgen worker [DEFINITIONS] [--db URL] [--every S]  the expiry worker, for several processes

The commands that read specs (check, graph, scenarios, serve, worker) take
``--field-types module:attr``, the deployment's field types; without it they read
``[tool.procgen] field_types`` from ./pyproject.toml when there is one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
import tomllib
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from procgen.errors import ConfigurationError, SpecError
from procgen.forms.types import FieldTypeRegistry, resolve_field_types
from procgen.spec.diagnostics import Diagnostic, Severity
from procgen.spec.lint import lint_spec
from procgen.spec.loader import LoadedSpec, load_sources
from procgen.spec.metaschema import metaschema_json
from procgen.spec.models import ProcedureSpec
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
#: The database when no ``--db`` is given: a SQLite file in the current folder.
DEFAULT_DB = "sqlite:///procgen.sqlite3"

db_app = typer.Typer(help="The database: create or upgrade its schema.", no_args_is_help=True)
users_app = typer.Typer(help="Users of the development backend.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="PROCGEN_DB", help="sqlite:///file.sqlite3 or postgresql://..."),
]
UsersOption = Annotated[
    Path,
    typer.Option("--users", envvar="PROCGEN_USERS", help="The development users file (TOML)."),
]

_FieldTypesOption = Annotated[
    str | None,
    typer.Option(
        "--field-types",
        metavar="MODULE:ATTR",
        help="The deployment's field types: a FieldTypeRegistry, or a function returning one "
        "(e.g. myproject.types:FIELD_TYPES). Default: [tool.procgen] field_types in "
        "./pyproject.toml, else the built-in types.",
    ),
]
_PROJECT_FILE = Path("pyproject.toml")
_UNKNOWN_TYPE_HINT = "for a custom type, use --field-types module:attr"


@dataclasses.dataclass(frozen=True)
class _FieldTypes:
    """The field types a command works with, and where they were named (None: built in)."""

    registry: FieldTypeRegistry | None = None
    reference: str | None = None
    source: str = "--field-types"

    def names(self) -> frozenset[str] | None:
        return None if self.registry is None else self.registry.names()


def _project_field_types() -> str | None:
    """``[tool.procgen] field_types`` of ./pyproject.toml, when there is one; exit 2 when the
    file cannot be read or the setting is not a ``module:attr`` string."""
    if not _PROJECT_FILE.is_file():
        return None
    try:
        with _PROJECT_FILE.open("rb") as handle:
            project = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        typer.echo(f"procgen: cannot read {_PROJECT_FILE}: {exc}", err=True)
        raise typer.Exit(2) from None
    tool = project.get("tool")
    settings = tool.get("procgen") if isinstance(tool, dict) else None
    if not isinstance(settings, dict) or "field_types" not in settings:
        return None
    value = settings["field_types"]
    if not isinstance(value, str) or not value.strip():
        typer.echo(
            f"procgen: [tool.procgen] field_types in {_PROJECT_FILE} must be a string "
            'module:attr, e.g. field_types = "myproject.types:FIELD_TYPES"',
            err=True,
        )
        raise typer.Exit(2)
    return value.strip()


def _field_types(given: str | None) -> _FieldTypes:
    """The field types named by ``--field-types`` or the project's settings; exit 2 with the
    problem when they cannot be resolved."""
    reference, source = given, "--field-types"
    if reference is None:
        reference, source = _project_field_types(), f"[tool.procgen] in {_PROJECT_FILE}"
    if reference is None:
        return _FieldTypes()
    try:
        registry = resolve_field_types(reference)
    except ConfigurationError as exc:
        typer.echo(f"procgen: {exc} (from {source})", err=True)
        raise typer.Exit(2) from None
    return _FieldTypes(registry, reference, source)


def _type_hint(types: _FieldTypes) -> str:
    """What to do about an unknown field type."""
    if types.reference is None:
        return _UNKNOWN_TYPE_HINT
    return f"is it registered in {types.reference} (from {types.source})?"


def _with_type_hint(findings: Iterable[Diagnostic], types: _FieldTypes) -> list[Diagnostic]:
    """``findings`` with a hint on each unknown field type: name the registry that has it."""
    extra = _type_hint(types)
    return [
        dataclasses.replace(d, hint=_join_hints(d.hint, extra))
        if d.code == "unknown-field-type"
        else d
        for d in findings
    ]


def _join_hints(first: str | None, second: str) -> str:
    if not first:
        return second
    if first.endswith("?"):  # "did you mean 'tax_code'? For a custom type, ..."
        return f"{first} {second[0].upper()}{second[1:]}"
    return f"{first}; {second}"


class OutputFormat(StrEnum):
    """How ``procgen check`` prints its findings."""

    TEXT = "text"
    JSON = "json"


def _check_all(paths: list[Path], types: _FieldTypes) -> list[tuple[LoadedSpec, list[Diagnostic]]]:
    results = []
    for loaded in load_sources(paths, field_types=types.names()):
        findings = _with_type_hint(loaded.diagnostics, types)
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
    field_types: _FieldTypesOption = None,
) -> None:
    """Load and lint procedure specs; exit 1 if any has errors (or warnings with --strict)."""
    targets = paths or [DEFAULT_DEFINITIONS]
    results = _check_all(targets, _field_types(field_types))
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


def _latest(definitions: Path, code: str, types: _FieldTypes) -> ProcedureSpec:
    """The latest version of procedure ``code`` in ``definitions``; exit 2 naming the known
    codes (and the files that do not load) when there is none."""
    loaded = load_sources([definitions], field_types=types.names())
    found = [r.spec for r in loaded if r.spec is not None]
    matches = [s for s in found if s.code == code]
    if not matches:
        known = ", ".join(sorted({s.code for s in found})) or "none"
        message = f"no procedure {code!r} in {definitions} (known: {known})"
        broken = [r for r in loaded if r.spec is None]
        if broken:
            message += f"; {len(broken)} file(s) have errors (procgen check {definitions})"
        unknown = sorted(
            {d.message for r in broken for d in r.diagnostics if d.code == "unknown-field-type"}
        )
        if unknown:
            message += f": {'; '.join(unknown)} ({_type_hint(types)})"
        typer.echo(message, err=True)
        raise typer.Exit(2)
    return max(matches, key=lambda s: s.version)


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
    field_types: _FieldTypesOption = None,
) -> None:
    """Print a procedure's workflow as a Mermaid state diagram (or Graphviz DOT)."""
    from procgen.workflow.diagrams import to_dot, to_mermaid

    spec = _latest(definitions, code, _field_types(field_types))
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


class ScenarioLanguage(StrEnum):
    """The language ``procgen scenarios`` writes in."""

    VI = "vi"
    EN = "en"


@app.command()
def scenarios(
    code: Annotated[str, typer.Argument(help="The procedure's code.")],
    definitions: Annotated[
        Path, typer.Option("--definitions", "-d", help="Where the specs are.")
    ] = DEFAULT_DEFINITIONS,
    lang: Annotated[
        ScenarioLanguage, typer.Option("--lang", help="vi (Vietnamese Gherkin) or en.")
    ] = ScenarioLanguage.VI,
    today: Annotated[
        str | None,
        typer.Option("--today", help="The day the scenarios start, DD/MM/YYYY (09:00)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    field_types: _FieldTypesOption = None,
) -> None:
    """Write a .feature skeleton that takes every action of a procedure at least once."""
    import datetime as dt
    from typing import Literal

    from procgen.testing.scenarios import feature_for

    start = None
    if today is not None:
        try:
            start = dt.datetime.strptime(today.strip(), "%d/%m/%Y").date()
        except ValueError:
            typer.echo(f"--today {today!r} is not a date: write it DD/MM/YYYY", err=True)
            raise typer.Exit(2) from None
    types = _field_types(field_types)
    spec = _latest(definitions, code, types)
    language: Literal["vi", "en"] = "en" if lang is ScenarioLanguage.EN else "vi"
    text = feature_for(spec, language=language, today=start, field_types=types.registry)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


def _spec_error(error: SpecError, types: _FieldTypes) -> str:
    """A spec error's text, with the hint on unknown field types."""
    return str(SpecError(_with_type_hint(error.diagnostics, types)))


def _definitions(given: Path | None) -> Path:
    from procgen.web.serving import default_definitions

    found = given or default_definitions()
    if found is None or not found.exists():
        typer.echo(f"no definitions at {found or './definitions'}: give a folder", err=True)
        raise typer.Exit(2)
    return found


@app.command()
def serve(
    definitions: Annotated[
        Path | None, typer.Argument(help="Folder of spec files (default: ./definitions).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option("--reload", help="Restart on code changes.")] = False,
    users: UsersOption = Path("procgen-users.toml"),
    attachments: Annotated[
        Path | None, typer.Option(help="Attachments folder (default: next to the SQLite file).")
    ] = None,
    https_only: Annotated[
        bool, typer.Option("--https-only", help="Session cookies over HTTPS only.")
    ] = False,
    field_types: _FieldTypesOption = None,
) -> None:
    """Serve the procedures: form pages, REST API, sign-in; a new SQLite file gets its schema."""
    import uvicorn

    from procgen.registry import Registry
    from procgen.store import SchemaOutOfDate
    from procgen.web.serving import ServeSettings, prepare_database

    folder = _definitions(definitions)
    types = _field_types(field_types)
    try:
        registry = Registry.from_path(folder, field_types=types.registry)
        done = prepare_database(db)
    except SpecError as exc:
        typer.echo(_spec_error(exc, types), err=True)
        raise typer.Exit(1) from exc
    except SchemaOutOfDate as exc:
        typer.echo(f"procgen: {exc}", err=True)
        raise typer.Exit(1) from exc
    if done:
        typer.echo(f"procgen: {done}")
    settings = ServeSettings(
        folder, db, users, attachments, https_only, field_types=types.reference or ""
    )
    os.environ.update(settings.to_env())
    base = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"
    typer.echo(f"procgen: serving {len(registry)} procedures from {folder} on {db}")
    for label, path in (
        ("services", "/dich-vu/"),
        ("REST API", "/api/procedures"),
        ("OpenAPI", "/api/openapi.json"),
        ("health", "/health"),
    ):
        typer.echo(f"  {label:<9} {base}{path}")
    uvicorn.run(
        "procgen.web.serving:app_from_env",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        reload_dirs=[str(folder), str(Path(__file__).parent)] if reload else None,
        log_level="info",
    )


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_DB) -> None:
    """Create the database schema, or bring it up to date (back the database up first)."""
    from procgen.store import current_revision, upgrade

    upgrade(db)
    typer.echo(f"procgen: the database is at schema revision {current_revision(db)}")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name (login).")],
    role: Annotated[
        list[str] | None, typer.Option("--role", "-r", help="A role (repeat for several).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    display_name: Annotated[str | None, typer.Option("--name", help="Full name.")] = None,
    token: Annotated[
        bool, typer.Option("--token", help="Also create an API token (printed once).")
    ] = False,
    users: UsersOption = Path("procgen-users.toml"),
) -> None:
    """Add a user (or add roles, a password or a token to one) in the users file."""
    from procgen.errors import ConfigurationError
    from procgen.web.auth.users import UserDirectory, new_token

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            typer.echo("procgen: the password read from standard input is empty", err=True)
            raise typer.Exit(2)
    elif sys.stdin.isatty() and not token:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    secret = new_token() if token else None
    try:
        account = UserDirectory(users).add(
            name, roles=role or (), password=password, name=display_name, token=secret
        )
    except ConfigurationError as exc:
        typer.echo(f"procgen: {exc}", err=True)
        raise typer.Exit(2) from exc
    roles = ", ".join(account.roles) or "no role (a citizen)"
    typer.echo(f"procgen: {account.id} in {users}: {roles}")
    if secret is not None:
        typer.echo(f"API token (shown once, keep it safe): {secret}")


@app.command()
def worker(
    definitions: Annotated[
        Path | None, typer.Argument(help="Folder of spec files (default: ./definitions).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    every: Annotated[float, typer.Option(help="Seconds between runs.")] = 60.0,
    once: Annotated[bool, typer.Option("--once", help="Run once and exit.")] = False,
    field_types: _FieldTypesOption = None,
) -> None:
    """Move dossiers whose deadline on the applicant has passed (on_expiry), periodically."""
    from procgen.web.serving import build_service

    folder = _definitions(definitions)
    types = _field_types(field_types)
    try:
        service = build_service(folder, db, field_types=types.registry)
    except SpecError as exc:
        typer.echo(_spec_error(exc, types), err=True)
        raise typer.Exit(1) from exc
    while True:
        for expired in service.run_expiries():
            typer.echo(f"{expired.number}: {expired.from_step} -> {expired.to_step}")
        if once:
            return
        time.sleep(every)


def main() -> None:
    """Entry point of the ``procgen`` console script."""
    app()
